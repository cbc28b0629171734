"""Analyst queries: missing (what to collect next), gaps (units that have not implemented a document), timeline (how
long each implementer took), and title search for the query commands."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from cli_helpers import run
from docgraph.query import gaps, index_provinces, timeline, unit_of

ROOT = Path(__file__).resolve().parent.parent

# A Bắc Giang department that implements something else and only cites a decree: a gap for Chỉ thị 35-CT/TW.
SO_Y_TE = """UBND TỈNH BẮC GIANG
SỞ Y TẾ
-------
Số: 77/KH-SYT
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Bắc Giang, ngày 03 tháng 9 năm 2024

KẾ HOẠCH
Phòng, chống sốt xuất huyết trên địa bàn tỉnh năm 2024

Thực hiện Kế hoạch số 58/KH-UBND ngày 12/3/2024 của UBND tỉnh về công tác y tế dự phòng năm 2024, Sở Y tế xây dựng Kế hoạch như sau:

I. MỤC ĐÍCH, YÊU CẦU
Chủ động phát hiện sớm ổ dịch, không để dịch lan rộng trong khu dân cư và trường học.

II. NHIỆM VỤ
1. Các trung tâm y tế huyện tổ chức giám sát ca bệnh hằng tuần, báo cáo về Sở trước thứ Sáu.
2. Hồ sơ, báo cáo được lập và lưu trữ theo Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư.

Nơi nhận:
- UBND tỉnh (b/c);
- Lưu: VT, NVY.

GIÁM ĐỐC
(đã ký)
Lê Thị Hạnh
"""

# A second Bắc Giang district whose only plan is about something else: a district-level gap.
YEN_DUNG = """ĐẢNG BỘ TỈNH BẮC GIANG
HUYỆN ỦY YÊN DŨNG
*
Số 12-KH/HU
ĐẢNG CỘNG SẢN VIỆT NAM
Yên Dũng, ngày 20 tháng 5 năm 2024

KẾ HOẠCH
tuyên truyền kỷ niệm ngày thành lập huyện

Ban Thường vụ Huyện ủy xây dựng Kế hoạch tuyên truyền như sau:

I. MỤC ĐÍCH, YÊU CẦU
Khơi dậy niềm tự hào về truyền thống quê hương, cổ vũ cán bộ, đảng viên và nhân dân thi đua lập thành tích.

II. NỘI DUNG
1. Tổ chức tọa đàm, triển lãm ảnh tư liệu tại trung tâm văn hóa huyện.
2. Các chi bộ, đảng bộ cơ sở lồng ghép nội dung tuyên truyền trong sinh hoạt chi bộ định kỳ.

Nơi nhận:
- Ban Thường vụ Tỉnh ủy (b/c),
- Lưu Văn phòng Huyện ủy.

T/M BAN THƯỜNG VỤ
BÍ THƯ
(đã ký)
Đỗ Văn Sơn
"""

# A news item whose title starts with "[": printed as written, never read as markup.
TIN_VIDEO = """[Video] Bắc Giang: tập huấn công tác văn thư cho cán bộ cấp xã

Bắc Giang, 10/9/2024 – Sở Nội vụ tổ chức lớp tập huấn cho hơn 200 cán bộ làm công tác văn thư, lưu trữ cấp xã. Học viên được hướng dẫn soạn thảo, ban hành văn bản theo Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ.
"""


def _add_extra(work):
    (work / "samples" / "15_bac-giang_so-y-te_kh-77.txt").write_text(SO_Y_TE, encoding="utf-8")
    (work / "samples" / "16_bac-giang_yen-dung_huyen-uy_kh-12.txt").write_text(YEN_DUNG, encoding="utf-8")
    (work / "samples" / "17_tin-video.txt").write_text(TIN_VIDEO, encoding="utf-8")


@pytest.fixture()
def extra(extract_once):
    """The samples plus a Sở Y tế plan, a Yên Dũng district plan and a news item, none implementing Chỉ thị 35."""
    return extract_once(_add_extra)


def js(*args: str):
    r = run(*args, "--json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


# ---------------------------------------------------------------------------------------------------- missing
def test_missing_ranks_cited_documents_not_in_the_folder(indexed):
    rows = js("missing", "--limit", "0")
    ids = [r["doc"] for r in rows]
    assert len(rows) == 12  # the "cited" rows of samples/README.md
    assert ids[0] == "45-nq-tw-2023"
    top = rows[0]
    assert top["cited_by_count"] == 3 and top["mention_count"] == 6 and top["relations"] == ["implements"]
    assert top["level"] == "central" and top["rank"] == 1
    assert {c["doc"] for c in top["cited_by"]} == {"83-kh-tu-2024-khanh-hoa", "95-kh-skhcn-2024-khanh-hoa",
                                                   "file-11-khanh-hoa-cong-thong-tin-tin-toa-dam-txt"}
    by_doc = {c["doc"]: c for c in top["cited_by"]}
    assert by_doc["83-kh-tu-2024-khanh-hoa"]["relations"] == ["implements"]
    assert by_doc["95-kh-skhcn-2024-khanh-hoa"]["relations"] == []  # nested: 95 implements 83, 83 implements 45
    assert all(c["file"] and c["lines"] for c in top["cited_by"])
    # ranked by citing documents, then mentions
    keys = [(r["cited_by_count"], r["mention_count"]) for r in rows]
    assert keys == sorted(keys, reverse=True)
    # only documents without a file; never file- ids; every one cited by someone
    assert not any(r["source_file"] for r in rows)
    assert not any(i.startswith("file-") for i in ids)
    assert all(r["cited_by_count"] >= 1 for r in rows)
    letter = rows[ids.index("1532-snv-tcbc-2024-bac-giang")]
    assert letter["level"] == "department" and letter["relations"] == ["responds_to"]
    assert [c["doc"] for c in letter["cited_by"]] == ["2417-stc-hcsn-2024-bac-giang"]
    law = rows[ids.index("luat-ngan-sach-nha-nuoc-2015")]
    assert law["relations"] == ["based_on", "cites"] and law["cited_by_count"] == 2


def test_missing_limit_and_human_output(indexed):
    assert len(js("missing", "--limit", "2")) == 2
    assert len(js("missing")) == 12  # default limit 20
    r = run("missing", "--limit", "3")
    assert r.exit_code == 0, r.output
    assert "what to collect next" in r.stdout and "the 3 most cited of 12" in r.stdout
    assert "Nghị quyết 45-NQ/TW" in r.stdout and "[45-nq-tw-2023]" in r.stdout
    assert "← Kế hoạch 83-KH/TU (Khánh Hòa)" in r.stdout
    bad = run("missing", "--limit", "-1")
    assert bad.exit_code == 2 and "--limit" in bad.stderr


def test_missing_with_new_files_and_brackets_in_titles(extra):
    rows = js("missing", "--limit", "0")
    by = {r["doc"]: r for r in rows}
    decree = by["30-nd-cp-2020"]
    assert {c["doc"] for c in decree["cited_by"]} == {"15-kh-snv-2024-bac-giang", "77-kh-syt-2024-bac-giang",
                                                      "file-17-tin-video-txt"}
    assert rows[1]["doc"] == "30-nd-cp-2020"  # 3 citing documents, 3 mentions: after 45-NQ/TW (3 and 6)
    assert by["58-kh-ubnd-2024-bac-giang"]["relations"] == ["implements"]
    r = run("missing")
    assert r.exit_code == 0, r.output
    assert "[Video] Bắc Giang: tập huấn" in r.stdout  # markup disabled


# ---------------------------------------------------------------------------------------------------- gaps
def test_gaps_on_samples_every_bac_giang_department_implements(indexed):
    res = js("gaps", "Chỉ thị 35-CT/TW", "--level", "department")
    assert res["doc"] == "35-ct-tw-2024" and res["level"] == "department"
    # every province of the index: Khánh Hòa, where nobody has acted, is shown too, its unit a gap
    assert [p["province"] for p in res["provinces"]] == ["Bắc Giang", "Khánh Hòa"]
    assert res["not_acted"] == ["Khánh Hòa"]
    kh = res["provinces"][1]
    assert (kh["acted"], [u["unit"] for u in kh["gaps"]], kh["covered"]) == (False, ["SKHCN"], [])
    bg = res["provinces"][0]
    assert bg["acted"] and bg["merged_into"] == "Bắc Ninh"
    assert bg["gaps"] == []
    covered = {u["unit"]: u for u in bg["covered"]}
    assert set(covered) == {"SNV", "SGDĐT", "STC"}
    assert [e["doc"] for e in covered["SNV"]["implementing"]] == ["15-kh-snv-2024-bac-giang"]
    assert covered["SNV"]["name"] == "Sở Nội vụ"
    # the cited Home Affairs letter is another document of the same unit, not an implementer
    assert [e["doc"] for e in covered["SNV"]["other"]] == ["1532-snv-tcbc-2024-bac-giang"]
    stc = covered["STC"]["implementing"][0]
    assert stc["doc"] == "2417-stc-hcsn-2024-bac-giang" and stc["date"] == "2024-08-28"
    assert stc["relation"] == "based_on" and stc["via"] == "120-kh-ubnd-2024-bac-giang" and stc["lag_days"] == 75
    human = run("gaps", "Chỉ thị 35-CT/TW", "--level", "department")
    assert human.exit_code == 0, human.output
    assert "Bắc Giang (now Bắc Ninh): 3 of 3 department unit(s) implement it" in human.stdout
    assert "no gap" in human.stdout and "Khánh Hòa: 0 of 1 department unit(s) implement it" in human.stdout
    assert "1 of 2 province(s) where no department unit has acted: Khánh Hòa" in human.stdout
    # the gaps of a province come before its covered units
    assert human.stdout.index("✗ SKHCN") < human.stdout.index("1 unit(s) with no document implementing it: SKHCN")
    district = js("gaps", "35-CT/TW", "--level", "district")["provinces"][0]
    assert [u["unit"] for u in district["covered"]] == ["Lạng Giang"] and district["gaps"] == []
    assert {e["doc"] for e in district["covered"][0]["implementing"]} == {
        "45-kh-hu-2024-bac-giang-lang-giang", "file-07-bac-giang-lang-giang-ubnd-du-thao-txt"}


def test_gaps_level_defaults_to_provincial_for_a_central_document_only(indexed):
    """Without --level: the provinces' own units for a central directive (the first question asked of it); a local
    plan's units below it may be departments, districts or communes, so the user says which."""
    assert js("gaps", "Chỉ thị 35-CT/TW") == js("gaps", "Chỉ thị 35-CT/TW", "--level", "provincial")
    assert js("gaps", "Chỉ thị 35-CT/TW")["level"] == "provincial"
    local = run("gaps", "83-kh-tu-2024-bac-giang")
    assert local.exit_code == 2
    assert ("83-kh-tu-2024-bac-giang is a local document: say which of its units to compare with --level "
            "(department, district or commune)") in local.output
    assert run("gaps", "83-kh-tu-2024-bac-giang", "--level", "district").exit_code == 0


def test_gaps_show_a_department_and_a_district_that_did_not_implement(extra):
    res = js("gaps", "Chỉ thị 35-CT/TW", "--level", "department")
    bg = res["provinces"][0]
    assert {u["unit"] for u in bg["covered"]} == {"SNV", "SGDĐT", "STC"}
    assert [u["unit"] for u in bg["gaps"]] == ["SYT"]
    syt = bg["gaps"][0]
    assert syt["name"] == "Sở Y tế" and syt["implementing"] == []
    assert [(e["doc"], e["date"]) for e in syt["other"]] == [("77-kh-syt-2024-bac-giang", "2024-09-03")]
    assert bg["units"] == 4
    human = run("gaps", "Chỉ thị 35-CT/TW", "--level", "department")
    assert human.exit_code == 0, human.output
    assert "3 of 4 department unit(s)" in human.stdout
    assert "✗ SYT" in human.stdout and "does not implement it" in human.stdout
    assert "1 unit(s) with no document implementing it: SYT" in human.stdout
    # a provincial query: its own province, the same gap
    own = js("gaps", "Kế hoạch 120/KH-UBND", "--level", "department")
    assert [p["province"] for p in own["provinces"]] == ["Bắc Giang"]
    assert [u["unit"] for u in own["provinces"][0]["gaps"]] == ["SYT"]
    district = js("gaps", "35-CT/TW", "--level", "district")["provinces"][0]
    assert [u["unit"] for u in district["gaps"]] == ["Yên Dũng"]
    assert district["gaps"][0]["other"][0]["doc"] == "12-kh-hu-2024-bac-giang-yen-dung"


def test_gaps_without_implementers_and_bad_levels(indexed):
    res = js("gaps", "Nghị định 30/2020/NĐ-CP", "--level", "department")
    # nobody implements it: every province of the index is listed, with its units as gaps
    assert [(p["province"], p["acted"], len(p["covered"])) for p in res["provinces"]] == [
        ("Bắc Giang", False, 0), ("Khánh Hòa", False, 0)]
    assert res["not_acted"] == ["Bắc Giang", "Khánh Hòa"]
    human = run("gaps", "Nghị định 30/2020/NĐ-CP", "--level", "commune")
    assert human.exit_code == 0
    assert "Bắc Giang (now Bắc Ninh): no commune-level issuer from this province in the index" in human.stdout
    bad = run("gaps", "35-CT/TW", "--level", "province")
    assert bad.exit_code == 2 and "--level must be one of provincial, department, district, commune" in bad.stderr
    assert run("gaps", "83-kh-tu-2024-khanh-hoa").exit_code == 2  # --level is required for a local document
    assert run("gaps", "83-KH/TU", "--level", "department").exit_code == 2  # ambiguous
    assert run("gaps", "Chỉ thị 99-CT/TW", "--level", "department").exit_code == 4


def _g() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()

    def node(n, **a):
        g.add_node(n, **{"label": n, "source_file": f"{n}.txt", "kind": "document", **a})

    node("nq", level="central", jurisdiction="", date="2024-01-10")
    node("kh-tinh", level="provincial", jurisdiction="Thái Bình", date="2024-01-20", issuer_code="TU")
    node("du-so", level="department", jurisdiction="Thái Bình", date="2024-02-01", issuer_code="ĐU",
         issuer="Đảng ủy Sở Y tế")
    node("du-khac", level="department", jurisdiction="Thái Bình", date="2024-02-05", issuer_code="ĐU",
         issuer="Đảng ủy Sở Xây dựng")
    node("xa-a", level="commune", jurisdiction="Thái Bình / Xã An Bài", date="2024-01-05", issuer_code="ĐU")
    node("xa-b", level="commune", jurisdiction="Thái Bình / Xã Đông Hưng", date=None, issuer_code="UBND")
    node("xa-c", level="commune", jurisdiction="Thái Bình / Xã Quỳnh Phụ", date="2024-03-01", issuer_code="UBND")
    node("xa-unknown", level="commune", jurisdiction="? / Xã Nào Đó", date="2024-03-01", issuer_code="UBND")
    for u, v, rel in (("kh-tinh", "nq", "implements"), ("du-so", "kh-tinh", "implements"),
                      ("xa-a", "nq", "implements"), ("xa-b", "kh-tinh", "based_on"), ("xa-c", "nq", "cites")):
        g.add_edge(u, v, key=rel, relation=rel)
    return g


def test_gaps_library_units_by_name_and_commune():
    g = _g()
    dep = gaps(g, "nq", "department")["provinces"][0]
    assert [u["unit"] for u in dep["covered"]] == ["Đảng ủy Sở Y tế"]  # a generic code: units by issuer name
    assert dep["covered"][0]["name"] == "Đảng ủy Sở Y tế"
    assert [u["name"] for u in dep["gaps"]] == ["Đảng ủy Sở Xây dựng"]
    com = gaps(g, "nq", "commune")["provinces"][0]
    assert com["province"] == "Thái Bình"
    assert [u["unit"] for u in com["covered"]] == ["Xã An Bài", "Xã Đông Hưng"]
    assert [u["unit"] for u in com["gaps"]] == ["Xã Quỳnh Phụ"]  # a citation is not an implementation
    assert com["units"] == 3  # a commune of an unknown province is left out
    assert unit_of({"level": "department", "issuer_code": "UBND", "issuer": "UBND tỉnh Thái Bình"}) is None
    prov = gaps(g, "nq", "provincial")["provinces"][0]
    assert [u["unit"] for u in prov["covered"]] == ["TU"] and prov["gaps"] == []
    with pytest.raises(ValueError):
        gaps(g, "nq", "regional")


# ---------------------------------------------------------------------------------------------------- timeline
def test_timeline_dates_lags_and_medians(indexed):
    tl = js("timeline", "Chỉ thị 35-CT/TW")
    assert tl["doc"] == "35-ct-tw-2024" and tl["date"] == "2024-06-14"
    assert [(r["doc"], r["lag_days"]) for r in tl["rows"]] == [
        ("83-kh-tu-2024-bac-giang", 32), ("120-kh-ubnd-2024-bac-giang", 49),
        ("45-kh-hu-2024-bac-giang-lang-giang", 55), ("15-kh-snv-2024-bac-giang", 59),
        ("210-kh-sgddt-2024-bac-giang", 62), ("2417-stc-hcsn-2024-bac-giang", 75)]
    dates = [r["date"] for r in tl["rows"]]
    assert dates == sorted(dates)
    assert [r["doc"] for r in tl["undated"]] == ["file-07-bac-giang-lang-giang-ubnd-du-thao-txt"]
    assert tl["median_lag_by_level"] == {
        "provincial": {"median_lag_days": 40.5, "documents": 2},
        "department": {"median_lag_days": 62, "documents": 3},
        "district": {"median_lag_days": 55, "documents": 1}}
    assert tl["median_lag_days"] == 57
    assert tl["rows"][3]["via"] == "120-kh-ubnd-2024-bac-giang"
    assert tl["rows"][3]["via_label"] == "Kế hoạch 120/KH-UBND (Bắc Giang)"


def test_timeline_human_table_bars_and_undated(indexed):
    r = run("timeline", "Chỉ thị 35-CT/TW")
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "6 dated implementing document(s), by date" in out and "median lag by level" in out
    assert "+40.5 days" in out and "+75 days" in out
    bars = [line for line in out.splitlines() if "█" in line]
    assert len(bars) == 6  # one bar per dated document
    lengths = [line.count("█") for line in bars]
    assert lengths == sorted(lengths) and lengths[-1] > lengths[0]  # proportional to the lag, sorted by date
    assert bars[-1].rstrip().endswith("+75")
    assert "1 implementing document(s) without a date" in out
    assert "[file-07-bac-giang-lang-giang-ubnd-du-thao-txt]" in out
    none = run("timeline", "Nghị định 30/2020/NĐ-CP")
    assert none.exit_code == 0 and "no document in the index implements it yet" in none.stdout
    assert run("timeline", "83-KH/TU").exit_code == 2
    assert run("timeline", "Chỉ thị 99-CT/TW").exit_code == 4


def test_timeline_library_negative_lag_and_undated_root():
    g = _g()
    tl = timeline(g, "nq")
    assert [(r["doc"], r["lag_days"]) for r in tl["rows"]] == [("xa-a", -5), ("kh-tinh", 10), ("du-so", 22)]
    assert [r["doc"] for r in tl["undated"]] == ["xa-b"]
    assert tl["median_lag_by_level"]["commune"] == {"median_lag_days": -5, "documents": 1}
    g.nodes["nq"]["date"] = None
    tl = timeline(g, "nq")
    assert all(r["lag_days"] is None for r in tl["rows"]) and tl["median_lag_days"] is None
    assert tl["median_lag_by_level"] == {}


# ---------------------------------------------------------------------------------------------------- search
def test_search_finds_the_khanh_hoa_plan(indexed):
    rows = js("implementers", "--search", "đội ngũ trí thức")
    assert [(r["doc"], r["lag_days"]) for r in rows] == [("95-kh-skhcn-2024-khanh-hoa", 36)]
    tree = run("implementers", "--search", "đội ngũ trí thức")
    assert tree.exit_code == 0, tree.output
    assert "Kế hoạch 83-KH/TU (Khánh Hòa)" in tree.stdout and "+36 days" in tree.stdout
    # the news item matches the same words, and so does the resolution by the subject recorded where it is cited
    # ("Nghị quyết số 45-NQ/TW ... về tiếp tục xây dựng và phát huy vai trò của đội ngũ trí thức"); find lists all
    # three, the query commands take the plan (titles first)
    found = {x["id"] for x in js("find", "--search", "đội ngũ trí thức")}
    assert found == {"83-kh-tu-2024-khanh-hoa", "file-11-khanh-hoa-cong-thong-tin-tin-toa-dam-txt", "45-nq-tw-2023"}
    for args in (("timeline", "--search", "đội ngũ trí thức"), ("timeline", "đội ngũ trí thức"),
                 ("gaps", "--search", "đội ngũ trí thức", "--level", "department"),
                 ("chain", "--search", "lĩnh vực khoa học"), ("show", "--search", "đội ngũ trí thức")):
        r = run(*args, "--json")
        assert r.exit_code == 0, (args, r.output)
    assert js("timeline", "--search", "đội ngũ trí thức")["doc"] == "83-kh-tu-2024-khanh-hoa"
    res = js("gaps", "--search", "đội ngũ trí thức", "--level", "department")
    assert [u["unit"] for u in res["provinces"][0]["covered"]] == ["SKHCN"]
    # a search that matches only news items still resolves to one
    assert js("show", "--search", "Phát huy trí tuệ")["doc"] == "file-11-khanh-hoa-cong-thong-tin-tin-toa-dam-txt"


def test_help_of_the_new_commands_has_examples():
    for cmd, example in (("missing", "docgraph missing --limit 5"), ("gaps", 'docgraph gaps "Chỉ thị 35-CT/TW"'),
                         ("timeline", 'docgraph timeline "Chỉ thị 35-CT/TW"')):
        r = run(cmd, "--help")
        assert r.exit_code == 0 and example in r.stdout, r.stdout
        assert "--db" in r.stdout and "--rules" in r.stdout and "--json" in r.stdout


# ---------------------------------------------------------------------------------------------------- --limit
def test_limit_shortens_the_human_output_not_the_json(indexed):
    n = len(json.loads(run("implementers", "Chỉ thị 35-CT/TW", "--limit", "2", "--json").stdout))  # all of them
    tree = run("implementers", "Chỉ thị 35-CT/TW", "--limit", "2")
    assert tree.exit_code == 0, tree.output
    assert "[83-kh-tu-2024-bac-giang]" in tree.stdout and "[15-kh-snv-2024-bac-giang]" not in tree.stdout
    assert f"… and {n - 2} more" in tree.stdout and f"{n} implementing document(s)" in tree.stdout
    full = run("implementers", "Chỉ thị 35-CT/TW", "--limit", "0")
    assert "more, further down" not in full.stdout and "[15-kh-snv-2024-bac-giang]" in full.stdout
    card = json.loads(run("show", "35-ct-tw-2024", "--json", "--limit", "1").stdout)
    human = run("show", "35-ct-tw-2024", "--limit", "1")
    assert human.exit_code == 0, human.output
    assert f"… and {len(card['mentions_list']) - 1} more mention(s)" in human.stdout
    assert f"… and {len(card['in']) - 1} more edge(s)" in human.stdout
    assert run("show", "35-ct-tw-2024", "--limit", "-1").exit_code == 2


# ---------------------------------------------------------------------------------------------------- subgraph
def _same_on_subgraph_and_graph(conn, ids):
    """Every query answered from the part of the index build_subgraph reads equals its answer on the whole graph."""
    from docgraph.graph import build_graph, build_subgraph
    from docgraph.query import (CHAIN_RELATIONS, GAP_LEVELS, chain, gaps, gaps_graph, implementers, missing,
                                neighbourhood, show)
    from docgraph.render import DOC_LINE_FIELDS

    full = build_graph(conn)
    for d in ids:
        # as the CLI's --json: each edge's relation and first evidence
        down = build_subgraph(conn, [d], down=True, relations=CHAIN_RELATIONS, edge_attrs="evidence")
        assert implementers(down, d) == implementers(full, d), d
        assert all(r["evidence"]["file"] and r["evidence"]["text"] for r in implementers(full, d)), d
        assert timeline(down, d) == timeline(full, d), d
        cites = build_subgraph(conn, [d], down=True, relations=CHAIN_RELATIONS + ("cites",), edge_attrs="evidence")
        assert implementers(cites, d, follow_cites=True) == implementers(full, d, follow_cites=True), d
        one = build_subgraph(conn, [d], down=True, hops=1, relations=CHAIN_RELATIONS, edge_attrs="evidence")
        assert implementers(one, d, depth=1) == implementers(full, d, depth=1), d
        # read without the evidence (the tree without --evidence): the same rows, no evidence
        bare = build_subgraph(conn, [d], down=True, relations=CHAIN_RELATIONS, edge_attrs=False)
        assert implementers(bare, d) == [dict(r, evidence=None) for r in implementers(full, d)], d
        up = build_subgraph(conn, [d], up=True, relations=CHAIN_RELATIONS, edge_attrs=False)
        assert chain(up, d) == chain(full, d), d
        card = build_subgraph(conn, [d], up=True, down=True, hops=1)
        assert show(conn, card, d) == show(conn, full, d), d
        labels = build_subgraph(conn, [d], up=True, down=True, hops=1, node_fields=("label",))  # as the CLI's show
        assert show(conn, labels, d) == show(conn, full, d), d
        assert all(set(labels.nodes[n]) == {"label"} for n in labels.nodes if n != d)
        # as the CLI's implementers tree: only the fields it prints, the same tree, the same filters
        few = build_subgraph(conn, [d], down=True, relations=CHAIN_RELATIONS, edge_attrs=False,
                             node_fields=DOC_LINE_FIELDS)
        assert _tree_text(few, d) == _tree_text(full, d), d
        for kw in ({"level": "department"}, {"level": "district"}, {"since": "2024-08-01"}):
            assert [r["doc"] for r in implementers(few, d, **kw)] == [r["doc"] for r in implementers(full, d, **kw)]
        # as the CLI's gaps: the implementers and the documents of the level, not the whole graph
        for level in GAP_LEVELS:
            sub = gaps(gaps_graph(conn, d, level), d, level, provinces=index_provinces(conn))
            assert sub == gaps(full, d, level), (d, level)
    # as the CLI's missing: the part of the graph it reads itself
    assert missing(conn, None, None) == missing(conn, full, None)
    # as the CLI's export --from: the graph on QUERY, its implementers and its chain, read alone, is the whole
    # graph's induced subgraph (nodes, edges, keys, attributes), its nodes in the whole graph's order (networkx's
    # subgraph view lists a small node set in the set's own order, which changes with the hash seed)
    from docgraph.graph import build_induced

    def by_key(edges):
        return sorted(edges, key=lambda e: e[:3])

    for d in ids:
        keep = {d} | {r["doc"] for r in implementers(full, d)}
        for p in chain(full, d):
            keep |= {r["doc"] for r in p}
        assert neighbourhood(conn, d) == keep, d
        cut, read = full.subgraph(keep).copy(), build_induced(conn, keep)
        assert dict(read.nodes(data=True)) == dict(cut.nodes(data=True)), d
        assert list(read) == [n for n in full if n in keep], d
        assert by_key(read.edges(keys=True, data=True)) == by_key(cut.edges(keys=True, data=True)), d
    # an index updated by re-runs lists its documents in another order: the answers do not depend on it
    import networkx as nx

    backwards = nx.MultiDiGraph()
    backwards.add_nodes_from(reversed(list(full.nodes(data=True))))
    backwards.add_edges_from(reversed(list(full.edges(keys=True, data=True))))
    for d in ids:
        for level in GAP_LEVELS:
            assert gaps(backwards, d, level) == gaps(full, d, level), (d, level)


def _tree_text(g, d) -> str:
    import io

    from rich.console import Console

    from docgraph import render
    from docgraph.query import implementers

    saved, buf = render.out, io.StringIO()
    render.out = Console(file=buf, width=100, highlight=False)
    try:
        render.implementers_tree(g, d, implementers(g, d))
    finally:
        render.out = saved
    return buf.getvalue()


def test_subgraph_answers_as_the_whole_graph(extra):
    import sqlite3

    conn = sqlite3.connect(extra / "docgraph.db")
    conn.row_factory = sqlite3.Row
    ids = [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY id")]
    assert len(ids) > 25
    _same_on_subgraph_and_graph(conn, ids)


def test_subgraph_on_cycles_and_shared_implementers(tmp_path):
    """A hand-made index: a cycle (a and b implement each other), a plan both implementing and based on the root,
    a chain three deep, a cites edge, an edge with a flag."""
    from docgraph import index as ix

    conn = ix.connect(tmp_path / "t.db", create=True)
    docs = {"root": ("central", "2024-01-01"), "a": ("provincial", "2024-02-01"), "b": ("provincial", None),
            "c": ("department", "2024-03-01"), "d": ("district", "2024-01-15"), "e": ("commune", "2024-04-01"),
            "f": ("central", "2023-12-01")}
    with conn:
        conn.executemany("INSERT INTO documents (id, label, level, date, kind) VALUES (?, ?, ?, ?, 'document')",
                         [(i, f"Doc {i}", lvl, date) for i, (lvl, date) in docs.items()])
        conn.executemany(
            "INSERT INTO edges (source, target, relation, count, file, line, evidence, evidence_all, flags)"
            " VALUES (?, ?, ?, 1, ?, 3, 'ev', ?, ?)",
            [(s, t, rel, f"{s}.txt", json.dumps([{"file": f"{s}.txt", "line": 3, "text": f"{s} {rel} {t}"}]),
              '["dated before"]' if s == "d" else "[]")
             for s, t, rel in (("a", "root", "implements"), ("b", "a", "implements"), ("a", "b", "based_on"),
                               ("c", "root", "implements"), ("c", "root", "based_on"), ("d", "c", "implements"),
                               ("e", "d", "based_on"), ("f", "root", "cites"), ("root", "f", "based_on"))])
    _same_on_subgraph_and_graph(conn, sorted(docs))
    from docgraph.graph import build_subgraph
    from docgraph.query import CHAIN_RELATIONS, implementers

    g = build_subgraph(conn, ["root"], down=True, relations=CHAIN_RELATIONS, edge_attrs=False)
    rows = implementers(g, "root")
    assert [(r["doc"], r["via"], r["relation"], r["depth"]) for r in rows] == [
        ("a", "root", "implements", 1), ("c", "root", "implements", 1), ("b", "a", "implements", 2),
        ("d", "c", "implements", 2), ("e", "d", "based_on", 3)]
    assert rows[0]["lag_days"] == 31 and rows[2]["lag_days"] is None and rows[3]["lag_days"] == 14
    with pytest.raises(ValueError, match="unknown node fields: label; drop"):
        build_subgraph(conn, ["root"], down=True, node_fields=("label; drop",))
    assert list(rows[0]) == ["label", "type", "number", "symbol", "year", "date", "issuer", "issuer_code", "level",
                             "branch", "jurisdiction", "title", "source_file", "kind", "mentions", "signer",
                             "signer_title", "doc", "depth", "via", "relation", "lag_days", "evidence", "flags"]
    assert rows[0]["evidence"] is None  # read without it
    ev = build_subgraph(conn, ["root"], down=True, relations=CHAIN_RELATIONS, edge_attrs="evidence")
    assert [r["evidence"] for r in implementers(ev, "root")][:2] == [
        {"file": "a.txt", "line": 3, "text": "ev"}, {"file": "c.txt", "line": 3, "text": "ev"}]
    with pytest.raises(ValueError, match="edge_attrs must be"):
        build_subgraph(conn, ["root"], down=True, edge_attrs="all")
    # d (2024-01-15) implements c (2024-03-01): dated before its target, marked in every answer
    assert [r["doc"] for r in rows if r["flags"]] == ["d"] and rows[3]["flags"] == ["source_before_target"]


def test_gaps_do_not_depend_on_the_order_of_the_graph():
    # two documents of one unit name it in two spellings of the same length: the unit's name must not depend on
    # which the graph lists first (an index updated by re-runs lists documents in another order than a fresh one)
    import networkx as nx

    from docgraph.query import gaps

    nodes = [("1-ct-tw-2024", {"label": "Chỉ thị 1-CT/TW", "level": "central", "date": "2024-01-02"}),
             ("5-kh-syt-2024-bac-giang", {"label": "Kế hoạch 5/KH-SYT", "level": "department", "date": "2024-02-01",
                                          "jurisdiction": "Bắc Giang", "issuer_code": "SYT",
                                          "issuer": "UBND tỉnh Bắc Giang - Sở Y tế"}),
             ("9-bc-syt-2024-bac-giang", {"label": "Báo cáo 9/BC-SYT", "level": "department", "date": "2024-03-01",
                                          "jurisdiction": "Bắc Giang", "issuer_code": "SYT",
                                          "issuer": "UBND tỉnh Bắc Giang - Sở Y Tế"})]
    answers = []
    for order in (nodes, nodes[::-1]):
        g = nx.MultiDiGraph()
        g.add_nodes_from(order)
        g.add_edge("5-kh-syt-2024-bac-giang", "1-ct-tw-2024", key="implements", relation="implements")
        answers.append(gaps(g, "1-ct-tw-2024", "department"))
    assert answers[0] == answers[1]
    (unit,) = answers[0]["provinces"][0]["covered"]
    assert unit["unit"] == "SYT" and unit["name"] == "Sở Y tế"  # the first by id: 5-kh-syt-... before 9-bc-syt-...


def test_a_subgraph_converts_to_the_same_networkx_graph(extra):
    import sqlite3

    from docgraph.graph import build_graph, build_subgraph

    conn = sqlite3.connect(extra / "docgraph.db")
    full = build_graph(conn)
    sub = build_subgraph(conn, ["35-ct-tw-2024"], down=True, up=True, hops=1)
    g = sub.to_networkx()
    assert set(g) == set(sub) and g.number_of_edges() == sub.number_of_edges() >= 3
    assert all(g.nodes[n] == full.nodes[n] for n in g)
    root = "35-ct-tw-2024"
    assert sorted(g.edges(keys=True)) == sorted(
        (u, v, k) for u, v, k in full.edges(keys=True) if u in g and v in g and root in (u, v))
