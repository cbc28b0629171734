"""The index's write and resolve path: rows built in the workers, windows of files in flight, year-less references
resolved again when the folder changes, evidence written as JSON."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from docgraph import index as ix
from docgraph import scan as scan_mod
from docgraph.pipeline import display_path
from docgraph.scan import own_doc_path, scan
from test_robustness import make_corpus, snapshot


def test_many_windows_in_flight_give_the_same_index_as_one_process(tmp_path, monkeypatch):
    # 70 files in windows of 8: the listing, the pool and the writer interleave over nine windows
    make_corpus(tmp_path / "docs", 70)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(scan_mod, "WINDOW", 8)
    for jobs, name in ((1, "one.db"), (2, "two.db")):
        conn = ix.connect(tmp_path / name, create=True)
        summary = scan(["docs"], conn, jobs=jobs)
        conn.close()
        assert summary.read == 70 and summary.files == 70
    assert snapshot(tmp_path / "one.db") == snapshot(tmp_path / "two.db")


def test_progress_total_grows_to_the_number_of_files_read(tmp_path, monkeypatch):
    make_corpus(tmp_path / "docs", 30)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(scan_mod, "WINDOW", 8)
    seen: list[tuple[int, int]] = []
    conn = ix.connect(tmp_path / "p.db", create=True)
    scan(["docs"], conn, jobs=2, progress=lambda done, total, path: seen.append((done, total)))
    assert [d for d, _ in seen] == list(range(1, 31))
    assert all(d <= t for d, t in seen)
    assert seen[-1] == (30, 30)


def test_resolve_is_announced_as_a_stage_when_there_is_something_to_resolve(tmp_path, monkeypatch):
    make_corpus(tmp_path / "docs", 12)
    monkeypatch.chdir(tmp_path)
    conn = ix.connect(tmp_path / "s.db", create=True)
    stages: list[str] = []
    scan(["docs"], conn, jobs=1, stage=stages.append)
    assert stages == ["resolve"]
    stages.clear()
    scan(["docs"], conn, jobs=1, stage=stages.append)
    assert stages == []  # nothing changed: nothing to resolve
    (tmp_path / "docs" / "extra.txt").write_text("Thực hiện Chỉ thị số 28-CT/TW ngày 25/12/2023.", encoding="utf-8")
    scan(["docs"], conn, jobs=1, stage=stages.append)
    assert stages == ["resolve"]


PLAN_CITING = """TỈNH ỦY BẮC GIANG
Số 12-KH/TU
ĐẢNG CỘNG SẢN VIỆT NAM
Bắc Giang, ngày 03 tháng 3 năm 2025

KẾ HOẠCH
về công tác tuyên truyền

Thực hiện Kế hoạch số 83-KH/TU của Tỉnh ủy, Ban Tuyên giáo xây dựng kế hoạch này.
"""

PLAN_83 = """TỈNH ỦY BẮC GIANG
Số 83-KH/TU
ĐẢNG CỘNG SẢN VIỆT NAM
Bắc Giang, ngày 16 tháng 7 năm {year}

KẾ HOẠCH
thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị
"""


def _yearless(db: Path) -> tuple[str | None, int]:
    conn = sqlite3.connect(db)
    row = conn.execute("SELECT m.doc, m.ambiguous FROM mentions m JOIN files f ON f.id = m.file_id"
                       " WHERE f.path LIKE '%citing.txt' AND m.own = 0 AND m.number = '83'").fetchone()
    conn.close()
    return row


def test_a_yearless_reference_is_resolved_again_when_the_folder_changes(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "citing.txt").write_text(PLAN_CITING, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "y.db"

    def extract() -> None:
        conn = ix.connect(db, create=True)
        scan(["docs"], conn, jobs=1)
        conn.close()

    extract()  # no dated 83-KH/TU anywhere: the reference stays year-less
    assert _yearless(db) == ("83-kh-tu-x-bac-giang", 0)
    (docs / "kh83_2024.txt").write_text(PLAN_83.format(year=2024), encoding="utf-8")
    extract()  # one dated 83-KH/TU of the province: the citing file's reference is that one
    assert _yearless(db) == ("83-kh-tu-2024-bac-giang", 0)
    (docs / "kh83_2023.txt").write_text(PLAN_83.format(year=2023), encoding="utf-8")
    extract()  # two dated ones before the citing file: ambiguous, never a guess
    assert _yearless(db) == ("83-kh-tu-x-bac-giang", 1)
    (docs / "kh83_2023.txt").unlink()
    extract()  # back to one
    assert _yearless(db) == ("83-kh-tu-2024-bac-giang", 0)


@pytest.mark.parametrize("evs", [
    [("a.txt", 3, "Thực hiện Chỉ thị số 35-CT/TW", None)],
    [("thư mục/b \"c\".txt", 12, 'quote " backslash \\ tab \t newline \n bell \x07 del \x7f', None),
     ("d.docx", 1, "trang 2", "p.2"), ("e.pdf", None, "", "¶14")],
    [("x", 1, "\u2028 line separator, 🙂, Đ", "")],
])
def test_evidence_json_is_what_json_dumps_writes(evs):
    want = json.dumps([{"file": f, "line": ln, "text": t, **({"location": loc} if loc else {})}
                       for f, ln, t, loc in evs], ensure_ascii=False)
    assert ix._evidence_json(evs) == want
    assert json.loads(ix._evidence_json(evs))[0]["file"] == evs[0][0]


def test_display_and_document_paths_are_relative_to_the_working_folder(tmp_path, monkeypatch):
    (tmp_path / "docs" / "sub").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    assert display_path(str(tmp_path / "docs" / "sub" / "a.txt")) == "docs/sub/a.txt"
    assert display_path("docs/../docs/sub/a.txt") == "docs/sub/a.txt"
    assert display_path(str(tmp_path)) == "."
    assert display_path("/") == "/"
    roots = [str(tmp_path / "docs")]
    assert own_doc_path("docs/sub/a.txt", roots) == "sub/a.txt"
    assert own_doc_path("/elsewhere/b.txt", roots) == "b.txt"
    assert own_doc_path(str(tmp_path / "docsx" / "c.txt"), roots) == "c.txt"  # a sibling folder is not below docs


def _plan(n: int, year: int, cites: str) -> str:
    return (f"UBND TỈNH BẮC GIANG\nSỞ Y TẾ\nSố: {n}/KH-SYT\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            f"Bắc Giang, ngày 10 tháng 5 năm {year}\n\nKẾ HOẠCH\nvề y tế cơ sở\n\n{cites}\n")


CITES = [
    "Thực hiện Kế hoạch số 83-KH/TU của Tỉnh ủy Bắc Giang.",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ; thực hiện Chỉ thị số 35-CT/TW ngày "
    "14/6/2024 của Bộ Chính trị.",
    "Triển khai Kế hoạch số 12/KH-UBND ngày 02/01/2024 của UBND tỉnh Bắc Giang.",
    "Thực hiện Quyết định số 1017/QĐ-TTg ngày 22/8/2018 của Thủ tướng Chính phủ.",
]


def test_incremental_resolve_equals_a_full_rebuild(tmp_path, monkeypatch):
    # a folder changes three times (files added, changed, deleted, a year-less reference gaining and losing its
    # dated document); after each re-run the index equals a fresh extract of the folder as it then is
    docs = tmp_path / "docs"
    docs.mkdir()
    monkeypatch.chdir(tmp_path)
    for i in range(12):
        (docs / f"p{i:02d}.txt").write_text(_plan(100 + i, 2024, CITES[i % 4] + " " + CITES[(i + 1) % 4]),
                                            encoding="utf-8")
    calls: list[int | None] = []
    real = ix.resolve
    monkeypatch.setattr(ix, "resolve", lambda conn, touched=None, lexicon=None: calls.append(
        None if touched is None else len(touched)) or real(conn, touched, lexicon))

    def extract(name: str) -> None:
        conn = ix.connect(tmp_path / name, create=True)
        scan(["docs"], conn, jobs=1)
        conn.close()

    extract("inc.db")
    steps = [
        lambda: (docs / "k83.txt").write_text(PLAN_83.format(year=2024), encoding="utf-8"),
        lambda: (docs / "p03.txt").write_text(_plan(103, 2024, CITES[2]), encoding="utf-8"),
        lambda: (docs / "p05.txt").unlink(),
        lambda: (docs / "k83b.txt").write_text(PLAN_83.format(year=2023), encoding="utf-8"),
        lambda: (docs / "k83.txt").unlink(),
    ]
    for step in steps:
        step()
        extract("inc.db")
        (tmp_path / "full.db").unlink(missing_ok=True)
        extract("full.db")
        assert snapshot(tmp_path / "inc.db") == snapshot(tmp_path / "full.db")
    # the re-runs rebuilt only what their change touched
    incremental = [c for c in calls[1::2]]
    assert all(c is not None and c < 10 for c in incremental), calls


def test_an_edges_evidence_on_one_line_comes_in_reading_order(tmp_path, monkeypatch):
    # two sentences on one line cite the same directive: the edge's first evidence is the first sentence, whatever
    # order the query plan gives rows that tie on file and line
    docs = tmp_path / "docs"
    docs.mkdir()
    monkeypatch.chdir(tmp_path)
    second = "Ưu tiên nguồn lực thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 ở cấp cơ sở."
    first = "Thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị, Sở Y tế ban hành kế hoạch."
    (docs / "p.txt").write_text(_plan(5, 2024, f"{first} {second}"), encoding="utf-8")
    conn = ix.connect(tmp_path / "o.db", create=True)
    scan(["docs"], conn, jobs=1)
    row = conn.execute("SELECT evidence, evidence_all FROM edges WHERE target = '35-ct-tw-2024'").fetchone()
    texts = [e["text"] for e in json.loads(row[1])]
    assert row[0] == texts[0] and texts[0].startswith("Thực hiện") and len(texts) == 2, texts


def test_two_writers_never_take_the_same_file_ids(tmp_path):
    # a second extract writing between this one's reading of MAX(id) and its inserts used to take the same ids
    # ("UNIQUE constraint failed: files.id"): the batch now holds the write lock from before that read
    import threading
    import time

    from docgraph.engine import get_engine
    from docgraph.pipeline import analyse_text

    db = tmp_path / "w.db"
    ix.connect(db, create=True).close()
    engine = get_engine(None)

    def rows(name: str) -> ix.FileRows:
        return ix.file_rows(analyse_text("Thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị.", name, engine))

    class Paused:
        """A connection that stops for a moment right after reading the next free id."""

        def __init__(self, conn):
            self.conn = conn

        def __enter__(self):
            return self.conn.__enter__()

        def __exit__(self, *exc):
            return self.conn.__exit__(*exc)

        @property
        def in_transaction(self):
            return self.conn.in_transaction

        def execute(self, sql, *args):
            cur = self.conn.execute(sql, *args)
            if "MAX(id)" in sql:
                other.start()
                time.sleep(0.5)  # the other writer runs now
            return cur

        def executemany(self, sql, seq):
            return self.conn.executemany(sql, seq)

    errors: list[BaseException] = []

    def second() -> None:
        try:
            c = ix.connect(db, timeout=10)
            ix.write_rows(c, [rows("b.txt")], replace=False)
            c.close()
        except BaseException as e:  # noqa: BLE001 - reported by the assertion below
            errors.append(e)

    other = threading.Thread(target=second)
    first = ix.connect(db)
    ix.write_rows(Paused(first), [rows("a.txt")], replace=False)
    other.join()
    assert not errors, errors
    assert sorted(r[0] for r in first.execute("SELECT path FROM files")) == ["a.txt", "b.txt"]


def test_edges_are_indexed_by_target_with_their_relation_and_source(tmp_path, monkeypatch):
    # the backwards walks (implementers, gaps, missing) read (target, relation, source) from the index alone; an
    # index written before has edges_target(target) only and gets the new one at its next resolve
    make_corpus(tmp_path / "docs", 5)
    monkeypatch.chdir(tmp_path)
    conn = ix.connect(tmp_path / "e.db", create=True)
    scan(["docs"], conn, jobs=1)

    def indexes() -> set[str]:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='edges'")}

    plan = " ".join(r[-1] for r in conn.execute(
        "EXPLAIN QUERY PLAN SELECT source, target, relation FROM edges WHERE target IN ('a', 'b')"))
    assert "COVERING INDEX edges_by_target" in plan, plan
    conn.execute("DROP INDEX edges_by_target")
    conn.execute("CREATE INDEX edges_target ON edges(target)")  # as an older docgraph wrote it
    conn.commit()
    (tmp_path / "docs" / "plan_0001.txt").write_text("Thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024.", encoding="utf-8")
    scan(["docs"], conn, jobs=1)
    assert "edges_by_target" in indexes() and "edges_target" not in indexes()
