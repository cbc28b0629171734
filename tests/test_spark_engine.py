"""`extract --engine spark --db postgresql://...` gives the index `extract --db x.db` gives: the same files, mentions,
raw relations, documents and edges, field by field, and the same query answers; re-runs read only what changed.
On a local Spark (local[2], no UI, bound to 127.0.0.1) and the session's throwaway PostgreSQL. Slow (a Spark job
costs seconds): `pytest -m "not slow"` leaves them out."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from bench_helpers import benchmark
from cli_helpers import run
from docgraph import index as ix
from docgraph.scan import scan
from docgraph.spark.plan import plan
from docgraph.store import open_index

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def spark():
    from docgraph.spark.session import get_session

    session = get_session("local[2]")
    yield session
    session.stop()


def _same(db: str, url: str) -> None:
    a, b = open_index(db), open_index(url)
    assert benchmark("compare_index").differences(a, b) == {t: [] for t in ("documents", "edges", "files", "mentions",
                                                                          "raw_relations")}


def _answers(db: str, docs: list[str]) -> list[bytes]:
    out = []
    for d in docs:
        for cmd in (["implementers", d, "--json"], ["implementers", d, "--all"], ["chain", d, "--json"]):
            r = run(*cmd, "--db", db)
            out.append(r.output_bytes + f"[exit {r.exit_code}]".encode())
    for cmd in (["stats", "--json"], ["missing", "--json", "--limit", "0"]):
        out.append(run(*cmd, "--db", db).output_bytes)
    return out


# Two plans numbered 83-KH/TU by Bắc Giang's Tỉnh ủy (2023 and 2024) and a year-less reference to it dated after
# both (ambiguous); two plans 91-KH/TU (2023 and 2026) and a year-less reference dated between them (the 2023 one);
# a second file with 2024's 83-KH/TU, whose header wins field by field for being later by path.
PLAN = """TỈNH ỦY BẮC GIANG
Số {number}-KH/TU
ĐẢNG CỘNG SẢN VIỆT NAM
Bắc Giang, ngày 16 tháng 7 năm {year}

KẾ HOẠCH
{title}

Thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị, Ban Thường vụ Tỉnh ủy ban hành kế hoạch.
"""
CITING = """TỈNH ỦY BẮC GIANG
BAN TUYÊN GIÁO
Số 12-KH/BTGTU
ĐẢNG CỘNG SẢN VIỆT NAM
Bắc Giang, ngày 03 tháng 3 năm 2025

KẾ HOẠCH
về công tác tuyên truyền

Thực hiện Kế hoạch số 83-KH/TU của Tỉnh ủy và Kế hoạch số 91-KH/TU của Tỉnh ủy, Ban Tuyên giáo xây dựng kế hoạch.
"""


def _folder(work: Path) -> Path:
    docs = work / "docs"
    shutil.copytree(ROOT / "samples", docs / "samples")
    for name, number, year, title in (("kh83_2023.txt", 83, 2023, "về chuyển đổi số"),
                                      ("kh83_2024.txt", 83, 2024, "về đại hội đảng bộ các cấp"),
                                      ("zz_kh83_2024_ban_sao.txt", 83, 2024, "về đại hội đảng bộ các cấp (bản sao)"),
                                      ("kh91_2023.txt", 91, 2023, "về cải cách hành chính"),
                                      ("kh91_2026.txt", 91, 2026, "về cải cách hành chính giai đoạn mới")):
        (docs / name).write_text(PLAN.format(number=number, year=year, title=title), encoding="utf-8")
    (docs / "citing.txt").write_text(CITING, encoding="utf-8")
    (docs / "ghi-chu.md").write_text("", encoding="utf-8")  # empty: skipped, not a failure
    (docs / "anh.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)  # binary: skipped
    (docs / "nhap").mkdir()
    (docs / "nhap" / "ban-nhap.txt").write_text(PLAN.format(number=7, year=2024, title="nháp"), encoding="utf-8")
    (docs / ".docgraphignore").write_text("nhap/*\n", encoding="utf-8")
    return docs


@pytest.mark.slow
def test_spark_gives_the_sqlite_index_field_by_field_and_reruns_read_only_what_changed(
        spark, pg_url, tmp_path, monkeypatch):
    from docgraph.spark.job import extract

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "100")
    docs = _folder(tmp_path)
    r = run("extract", "docs", "--engine", "spark", "--db", pg_url, "-q", "--json")  # the CLI, on the session
    assert r.exit_code == 0, r.output
    assert run("extract", "docs", "--db", "x.db", "-q", "--json", "--jobs", "1").stdout == r.stdout
    _same("x.db", pg_url)
    pg = open_index(pg_url)
    yearless = dict(pg.execute("SELECT m.number, m.doc || ' ' || m.ambiguous FROM mentions m JOIN files f"
                               " ON f.id = m.file_id WHERE f.path = 'docs/citing.txt' AND m.own = 0").fetchall())
    assert yearless == {"83": "83-kh-tu-x-bac-giang 1", "91": "91-kh-tu-2023-bac-giang 0"}
    assert pg.execute("SELECT title FROM documents WHERE id = '83-kh-tu-2024-bac-giang'").fetchone()[0] == \
        "về đại hội đảng bộ các cấp (bản sao)"
    top = [r[0] for r in pg.execute("SELECT target FROM edges GROUP BY target ORDER BY COUNT(*) DESC, target LIMIT 5")]
    assert "35-ct-tw-2024" in top
    assert _answers("x.db", top) == _answers(pg_url, top)

    # nothing changed: nothing read, no Spark started
    import docgraph.spark.session as session

    monkeypatch.setattr(session, "get_session", lambda *a, **k: pytest.fail("a Spark session was asked for"))
    s = extract(["docs"], pg_url)
    assert (s.read, s.removed, s.unchanged) == (0, 0, s.files - len(s.skipped))
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)

    # one file changed, one touched (same content), one gone, one new that gives 83-KH/TU's reference a document
    (docs / "kh91_2026.txt").write_text(PLAN.format(number=91, year=2026, title="về cải cách"), encoding="utf-8")
    st = os.stat(docs / "kh83_2023.txt")
    os.utime(docs / "kh83_2023.txt", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    (docs / "zz_kh83_2024_ban_sao.txt").unlink()
    (docs / "kh55.txt").write_text(PLAN.format(number=55, year=2024, title="về dân vận"), encoding="utf-8")
    s = extract(["docs"], pg_url, spark=spark)
    assert (s.read, s.removed) == (2, 1)
    (tmp_path / "x.db").unlink()
    conn = ix.connect(tmp_path / "x.db", create=True)
    fresh = scan(["docs"], conn, jobs=1)
    conn.close()
    assert (s.files, s.documents, s.relations, s.mentions) == (fresh.files, fresh.documents, fresh.relations,
                                                               fresh.mentions)
    _same("x.db", pg_url)
    assert _answers("x.db", top) == _answers(pg_url, top)


@pytest.mark.slow
def test_spark_gives_the_sqlite_index_on_generated_chains(spark, pg_url, tmp_path, monkeypatch):
    from docgraph.spark.job import extract

    gen = benchmark("generate")
    gen.generate(str(tmp_path / "gen"), 400, seed=7)
    monkeypatch.chdir(tmp_path)
    conn = ix.connect(tmp_path / "x.db", create=True)
    lite = scan(["gen"], conn, jobs=1)
    conn.close()
    s = extract(["gen"], pg_url, spark=spark)
    assert (s.files, s.read, s.mentions, s.documents, s.relations, s.ambiguous) == (
        lite.files, lite.read, lite.mentions, lite.documents, lite.relations, lite.ambiguous)
    assert s.documents > 400 and s.relations > 500
    _same("x.db", pg_url)
    central = [r[0] for r in open_index("x.db").execute(
        "SELECT id FROM documents WHERE level = 'central' AND id IN (SELECT target FROM edges) ORDER BY id LIMIT 40")]
    assert len(central) > 10
    assert _answers("x.db", central) == _answers(pg_url, central)


def test_the_plan_reads_what_the_default_engine_reads(tmp_path, monkeypatch):
    """The listing and the unchanged check, without Spark: against an SQLite index of the same folder."""
    monkeypatch.chdir(tmp_path)
    docs = _folder(tmp_path)
    conn = ix.connect(tmp_path / "x.db", create=True)
    first = scan(["docs"], conn, jobs=1)
    p = plan(["docs"], {}, {}, 1)
    assert [t.path for t in p.todo] == [path for path, in conn.execute("SELECT path FROM files ORDER BY id")]
    assert [t.file_id for t in p.todo] == list(range(1, len(p.todo) + 1))
    assert p.summary.paths == first.paths
    assert "docs/nhap/ban-nhap.txt" not in p.summary.paths  # .docgraphignore
    known = ix.file_state(conn)
    (docs / "citing.txt").write_text(CITING + "\n", encoding="utf-8")  # changed size
    os.utime(docs / "kh91_2023.txt", ns=(0, 10**18))  # same size, new mtime: to hash
    (docs / "kh91_2026.txt").unlink()
    p = plan(["docs"], known, {}, 100, exclude=["*83_2023*"])
    todo = {t.path: t for t in p.todo}
    assert set(todo) == {"docs/citing.txt", "docs/kh91_2023.txt"}
    assert todo["docs/citing.txt"].old_sha is None and todo["docs/citing.txt"].file_id in (100, 101)
    assert todo["docs/kh91_2023.txt"].old_sha == known["docs/kh91_2023.txt"][2]
    assert sorted(p.gone) == ["docs/kh83_2023.txt", "docs/kh91_2026.txt"]  # excluded now, and deleted
    # a default province given now and not then: read again
    p = plan(["docs"], known, {}, 100, province="Bắc Giang")
    assert len(p.todo) == len(known) - 1
    # a folder given with --province on an earlier run: a file added to it since takes that province
    p = plan(["docs"], {}, {}, 1, folders={"docs": "Bắc Giang", "docs/samples": "Hà Nội"})
    provinces = {t.path: t.province for t in p.todo}
    assert provinces["docs/citing.txt"] == "Bắc Giang"
    assert {v for k, v in provinces.items() if k.startswith("docs/samples/")} == {"Hà Nội"}


def test_spark_engine_usage_errors(work, pg_url):
    r = run("extract", "samples", "--engine", "spark", "--db", "x.db")
    assert r.exit_code == 2 and "--db postgresql://" in r.output
    r = run("extract", "samples", "--engine", "hadoop", "--db", pg_url)
    assert r.exit_code == 2 and "unknown engine 'hadoop'" in r.output
    r = run("extract", "samples", "--master", "local[2]")
    assert r.exit_code == 2 and "--master is for --engine spark" in r.output


@pytest.mark.slow
def test_the_file_the_readme_hands_spark_submit_is_the_command_line(tmp_path):
    """spark-submit runs a file, not a module: the README's way of finding it gives one that runs the CLI from any
    folder (absolute imports)."""
    import subprocess

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    part = readme[readme.index("### A national archive"):]
    finder = part[part.index('"$(python -c ') + 3:part.index(')"', part.index('"$(python -c '))]
    assert finder.startswith("python -c ")
    code = finder[len("python -c "):].strip("'")
    path = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    r = subprocess.run([sys.executable, path, "extract", "--help"], capture_output=True, text=True, cwd=tmp_path,
                       env={**os.environ, "COLUMNS": "200"})
    assert r.returncode == 0, r.stderr
    assert "--engine" in r.stdout and "--master" in r.stdout
