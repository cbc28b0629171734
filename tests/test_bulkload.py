"""The first run on a new index is loaded in bulk (docgraph/bulkload.py): the same tables, row for row and id for id,
as the same files written batch by batch and resolved from the index; interrupted, it keeps its files and the next
run completes it; once done, the index has its indexes and its write-ahead log back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from docgraph import bulkload
from docgraph import index as ix
from docgraph.scan import scan
from test_index import CITES, PLAN_83, PLAN_CITING, _plan
from test_robustness import make_corpus

TIMESTAMPS = ("updated", "created", "last_run", "started", "finished")


def tables(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table, ids included (the meta table without timestamps)."""
    conn = sqlite3.connect(db)
    out = {}
    for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
        rows = sorted(conn.execute(f"SELECT * FROM {t}"), key=repr)
        out[t] = [r for r in rows if not (t == "meta" and r[0] in TIMESTAMPS)]
    conn.close()
    return out


def state(db: Path) -> tuple[str, list[str], str]:
    conn = sqlite3.connect(db)
    out = (conn.execute("PRAGMA journal_mode").fetchone()[0],
           sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")),
           conn.execute("PRAGMA integrity_check").fetchone()[0])
    conn.close()
    return out


def folder(root: Path) -> None:
    """Files with what resolving has to settle: year-less references (one dated document, two, none), relations
    to the file's own document and between two cited ones, several sentences for one edge, a file with nothing."""
    docs = root / "docs"
    make_corpus(docs, 9)
    for i in range(8):
        (docs / f"p{i:02d}.txt").write_text(_plan(100 + i, 2024, CITES[i % 4] + " " + CITES[(i + 1) % 4]),
                                            encoding="utf-8")
    (docs / "citing.txt").write_text(PLAN_CITING, encoding="utf-8")
    (docs / "k83.txt").write_text(PLAN_83.format(year=2024), encoding="utf-8")
    (docs / "other" / "k83.txt").parent.mkdir()
    (docs / "other" / "k83.txt").write_text(PLAN_83.format(year=2023).replace("16 tháng 7", "2 tháng 1"),
                                            encoding="utf-8")
    twice = ("Thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị, Sở Y tế ban hành kế hoạch. "
             "Ưu tiên nguồn lực thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 ở cấp cơ sở.")
    (docs / "twice.txt").write_text(_plan(300, 2024, twice), encoding="utf-8")
    (docs / "empty.txt").write_text("Không có văn bản nào được nhắc tới.\n", encoding="utf-8")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_first_run_loaded_in_bulk_equals_one_written_batch_by_batch(tmp_path, monkeypatch, jobs):
    folder(tmp_path)
    monkeypatch.chdir(tmp_path)
    loads: list[int] = []
    real_begin = bulkload.BulkLoad.begin

    def spy(conn):
        bulk = real_begin(conn)
        loads.append(bulk is not None)
        return bulk

    monkeypatch.setattr(bulkload.BulkLoad, "begin", staticmethod(spy))
    conn = ix.connect(tmp_path / "bulk.db", create=True)
    bulk_summary = scan(["docs"], conn, jobs=jobs, batch=4)
    conn.close()
    assert loads == [True]

    monkeypatch.setattr(bulkload.BulkLoad, "begin", staticmethod(lambda conn: None))  # batch by batch, as before
    conn = ix.connect(tmp_path / "batches.db", create=True)
    batch_summary = scan(["docs"], conn, jobs=jobs, batch=4)
    conn.close()

    assert bulk_summary.to_dict() == batch_summary.to_dict()
    bulk, batches = tables(tmp_path / "bulk.db"), tables(tmp_path / "batches.db")
    assert bulk == batches
    assert len(bulk["edges"]) > 10 and any(r[3] > 1 for r in bulk["edges"])  # merged edges, with counts
    yearless = {r[-2] for r in bulk["mentions"] if r[-2] and "-x" in r[-2]}
    assert yearless and any(r[-1] == 1 for r in bulk["mentions"])  # a year-less reference, an ambiguous one
    assert state(tmp_path / "bulk.db") == state(tmp_path / "batches.db")
    assert state(tmp_path / "bulk.db")[0] == "wal"


def test_an_interrupted_load_keeps_its_files_and_the_next_run_completes_the_index(tmp_path, monkeypatch):
    folder(tmp_path)
    monkeypatch.chdir(tmp_path)
    conn = ix.connect(tmp_path / "clean.db", create=True)
    scan(["docs"], conn, jobs=1)
    conn.close()

    def stop(done: int, total: int, path: str) -> None:
        if done == 8:
            raise KeyboardInterrupt

    conn = ix.connect(tmp_path / "cut.db", create=True)
    with pytest.raises(KeyboardInterrupt):
        scan(["docs"], conn, jobs=1, batch=3, progress=stop)
    conn.close()
    assert state(tmp_path / "cut.db") == state(tmp_path / "clean.db")  # its indexes, its journal, not damaged
    cut = tables(tmp_path / "cut.db")
    assert len(cut["files"]) == 6  # the two batches read before the interruption
    assert ("resolved", "no") in cut["meta"] and cut["documents"] == []

    conn = ix.connect(tmp_path / "cut.db")
    scan(["docs"], conn, jobs=1)
    conn.close()
    assert tables(tmp_path / "cut.db") == tables(tmp_path / "clean.db")


def test_an_index_with_files_is_never_loaded_in_bulk(tmp_path, monkeypatch):
    # another extract wrote files between this one's look at the index and its first batch: this one then
    # replaces rows batch by batch (and the index keeps its write-ahead log)
    folder(tmp_path)
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "x.db"
    conn = ix.connect(db, create=True)
    scan(["docs"], conn, jobs=1)
    assert bulkload.BulkLoad.begin(conn) is None
    assert not conn.in_transaction and conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()



def test_another_connection_keeps_the_load_in_the_write_ahead_log(tmp_path, monkeypatch):
    # a reader holding the index open: the journal cannot be changed, the load still runs in one transaction
    folder(tmp_path)
    monkeypatch.chdir(tmp_path)
    ix.connect(tmp_path / "r.db", create=True).close()
    reader = sqlite3.connect(tmp_path / "r.db")
    reader.execute("SELECT COUNT(*) FROM files").fetchone()
    conn = ix.connect(tmp_path / "r.db")
    scan(["docs"], conn, jobs=1)
    conn.close()
    reader.close()
    conn = ix.connect(tmp_path / "clean.db", create=True)
    scan(["docs"], conn, jobs=1)
    conn.close()
    assert tables(tmp_path / "r.db") == tables(tmp_path / "clean.db")
    assert state(tmp_path / "r.db")[0] == "wal"
