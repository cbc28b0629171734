"""Queries by place: --province on implementers, timeline and gaps (a province of 1/7/2025 covers the ones merged
into it), and gaps that agree with implementers on the samples and on generated corpora."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from bench_helpers import benchmark
from cli_helpers import extracted, run
from docgraph.graph import build_graph
from docgraph.index import connect
from docgraph.query import GAP_LEVELS, gaps, implementers, index_provinces, province_of, unit_of

ROOT = Path(__file__).resolve().parent.parent


def js(*args: str):
    r = run(*args, "--json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def _plan(issuer: str, number_line: str, place_date: str, body: str) -> str:
    return (f"{issuer}\n{number_line}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n{place_date}\n\n"
            f"KẾ HOẠCH\n{body}\n")


def _add_merged(work):
    extra = work / "samples" / "ninh-binh"
    extra.mkdir()
    (extra / "ha-nam.txt").write_text(_plan(
        "TỈNH ỦY HÀ NAM", "Số 61-KH/TU", "Phủ Lý, ngày 20 tháng 7 năm 2024",
        "Thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị về đại hội đảng bộ các cấp"), encoding="utf-8")
    (extra / "nam-dinh.txt").write_text(_plan(
        "UBND TỈNH NAM ĐỊNH", "Số: 140/KH-UBND", "Nam Định, ngày 02 tháng 8 năm 2024",
        "Triển khai Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị"), encoding="utf-8")
    (extra / "ninh-binh-moi.txt").write_text(_plan(
        "UBND TỈNH NINH BÌNH", "Số: 12/KH-UBND", "Ninh Bình, ngày 15 tháng 8 năm 2025",
        "Thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị trên địa bàn tỉnh sau sắp xếp"),
        encoding="utf-8")


@pytest.fixture()
def merged(extract_once):
    """The samples plus plans of Hà Nam and Nam Định (merged into Ninh Bình on 1/7/2025) and of the new Ninh Bình."""
    return extract_once(_add_merged)


def test_implementers_and_timeline_by_province_include_merged_provinces(merged):
    docs = {r["doc"]: province_of(r["jurisdiction"]) for r in js("implementers", "35-CT/TW", "--province", "Ninh Bình")}
    # documents of Hà Nam and Nam Định are shown under their own names
    assert docs == {"61-kh-tu-2024-ha-nam": "Hà Nam", "140-kh-ubnd-2024-nam-dinh": "Nam Định",
                    "12-kh-ubnd-2025-ninh-binh": "Ninh Bình"}
    # an old name: itself only, whatever the case and tone placement
    assert {r["doc"] for r in js("implementers", "35-CT/TW", "--province", "hà nam")} == {"61-kh-tu-2024-ha-nam"}
    # Bắc Ninh of 1/7/2025 covers Bắc Giang
    bn = {province_of(r["jurisdiction"]) for r in js("implementers", "35-CT/TW", "--province", "Bắc Ninh")}
    assert bn == {"Bắc Giang"}
    assert js("implementers", "35-CT/TW", "--province", "Khánh Hòa") == []
    tl = js("timeline", "35-CT/TW", "--province", "Ninh Bình")
    assert [r["doc"] for r in tl["rows"]] == ["61-kh-tu-2024-ha-nam", "140-kh-ubnd-2024-nam-dinh",
                                            "12-kh-ubnd-2025-ninh-binh"]
    human = run("implementers", "35-CT/TW", "--province", "Ninh Bình")
    assert human.exit_code == 0 and "(Hà Nam)" in human.stdout and "Bắc Giang" not in human.stdout
    bad = run("implementers", "35-CT/TW", "--province", "Atlantis")
    assert bad.exit_code == 2 and "no province named 'Atlantis'" in bad.output


def test_gaps_provincial_level_and_by_province(merged):
    res = js("gaps", "Chỉ thị 35-CT/TW", "--level", "provincial")
    by = {p["province"]: p for p in res["provinces"]}
    assert set(by) == {"Bắc Giang", "Hà Nam", "Khánh Hòa", "Nam Định", "Ninh Bình"}
    assert res["not_acted"] == ["Khánh Hòa"]  # its Tỉnh ủy plan is about something else
    assert [u["unit"] for u in by["Khánh Hòa"]["gaps"]] == ["TU"]
    assert by["Hà Nam"]["merged_into"] == "Ninh Bình" and by["Hà Nam"]["acted"]
    nb = js("gaps", "Chỉ thị 35-CT/TW", "--level", "provincial", "--province", "Ninh Bình")
    assert [p["province"] for p in nb["provinces"]] == ["Hà Nam", "Nam Định", "Ninh Bình"]
    human = run("gaps", "Chỉ thị 35-CT/TW", "--level", "provincial")
    assert human.exit_code == 0
    assert "Hà Nam (now Ninh Bình): 1 of 1 provincial unit(s) implement it" in human.stdout
    assert "1 of 5 province(s) where no provincial unit has acted: Khánh Hòa" in human.stdout


def _agree(conn: sqlite3.Connection) -> int:
    """Every central document's gaps against its implementers, at every level: no unit both a gap and an
    implementer, every implementer's unit covered. Returns the number of (document, level) pairs checked."""
    g = build_graph(conn)
    provinces = index_provinces(conn)
    checked = 0
    for doc, a in g.nodes(data=True):
        if a.get("level") != "central" or not any(True for _ in g.predecessors(doc)):
            continue
        rows = implementers(g, doc)
        for level in GAP_LEVELS:
            res = gaps(g, doc, level, provinces=provinces)
            gap_units = {(p["province"], u["unit"]) for p in res["provinces"] for u in p["gaps"]}
            covered = {(p["province"], u["unit"]) for p in res["provinces"] for u in p["covered"]}
            acting = set()
            for r in rows:
                u = unit_of(r) if r.get("level") == level else None
                p = province_of(r.get("jurisdiction"))
                if u and p:
                    unit = next(x["unit"] for q in res["provinces"] if q["province"] == p
                                for x in q["covered"] + q["gaps"]
                                if x["unit"] in (u[0], u[1]) or (x["name"] and x["name"] == u[1]))
                    acting.add((p, unit))
            assert not (acting & gap_units), (doc, level, acting & gap_units)
            assert acting <= covered, (doc, level, acting - covered)
            # every province of the index is listed for a central document
            assert {p["province"] for p in res["provinces"]} == set(provinces)
            checked += 1
    return checked


def test_gaps_agree_with_implementers_on_the_samples(merged):
    conn = connect("docgraph.db")
    assert _agree(conn) >= 8


@pytest.mark.parametrize("seed", [3, 7])
def test_gaps_agree_with_implementers_on_generated_corpora(tmp_path, monkeypatch, seed):
    benchmark("generate").generate(str(tmp_path / "corpus"), 150, seed=seed)
    monkeypatch.chdir(tmp_path)
    r = run("extract", "corpus", "-q", "--jobs", "1")
    assert r.exit_code == 0, r.output
    conn = connect("docgraph.db")
    assert _agree(conn) > 0
    # the generated plans name their province: every local document is placed
    n, placed = conn.execute("SELECT COUNT(*), SUM(jurisdiction != '') FROM documents WHERE level IN"
                             " ('provincial', 'department', 'district', 'commune')").fetchone()
    assert n and placed / n >= 0.95


def test_readme_gaps_example_is_real_output(indexed):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    cmd = '$ docgraph gaps "Chỉ thị 35-CT/TW" --level provincial\n'
    block = readme[readme.index(cmd) + len(cmd):]
    block = block[:block.index("```")]
    r = run("gaps", "Chỉ thị 35-CT/TW", "--level", "provincial")
    assert r.exit_code == 0, r.output
    assert [x.rstrip() for x in r.stdout.splitlines()] == block.rstrip("\n").splitlines()


def test_a_district_issuer_after_the_reform_stays_flagged(work):
    (work / "samples" / "late.txt").write_text(_plan(
        "HUYỆN ỦY LẠNG GIANG", "Số 71-KH/HU", "Lạng Giang, ngày 20 tháng 8 năm 2025",
        "Thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị"), encoding="utf-8")
    extracted(work)
    conn = connect("docgraph.db")
    row = conn.execute("SELECT jurisdiction, level FROM documents WHERE id = '71-kh-hu-2025-bac-giang-lang-giang'")
    assert tuple(row.fetchone()) == ("Bắc Giang / Lạng Giang", "district")
    flags = conn.execute("SELECT flags FROM edges WHERE source = '71-kh-hu-2025-bac-giang-lang-giang'"
                         " AND target = '35-ct-tw-2024'").fetchone()[0]
    assert "district_after_reform" in json.loads(flags)
