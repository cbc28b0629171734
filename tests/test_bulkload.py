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


def _file_rows(root: Path) -> list[ix.FileRows]:
    import os

    from docgraph.pipeline import process_file

    paths = sorted(str(p.relative_to(root)) for p in (root / "docs").rglob("*.txt"))
    return [ix.file_rows(process_file(str(root / p), None, os.path.relpath(p, "docs"))) for p in paths]


def _load(db: Path, items: list, batch: int) -> None:
    from docgraph.lexicon import load_lexicon

    conn = ix.connect(db, create=True)
    bulk = bulkload.BulkLoad.begin(conn)
    for i in range(0, len(items), batch):
        bulk.add(items[i:i + batch])
    bulk.finish(load_lexicon())
    conn.close()


def test_chunks_out_of_order_and_rows_in_between_load_the_same_tables(tmp_path, monkeypatch):
    # as a worker stopped past the time limit leaves them: its chunk's other files sent again with later ones (a
    # chunk whose files are not consecutive), the stopped file's row made by the writer (FileRows among records)
    folder(tmp_path)
    monkeypatch.chdir(tmp_path)
    rows = _file_rows(tmp_path)
    n = len(rows)
    assert n > 12
    pack = bulkload.Pack(1)
    packed: dict = {}
    for seqs in ((0, 1, 2, 5, 6), (3, 7, 8), range(9, n)):
        packed.update(pack([(s, rows[s]) for s in seqs]))
    packed[4] = rows[4]
    stream = [packed[s] for s in range(n)]
    assert [type(r) for r in stream].count(tuple) == n - 1
    assert len({id(r[2]) for r in stream if type(r) is tuple}) == 3  # three chunks, each one database
    assert bulkload.rows_of(stream) == rows  # each file's rows read back as the worker built them
    _load(tmp_path / "chunks.db", stream, 3)
    _load(tmp_path / "rows.db", rows, 200)
    assert tables(tmp_path / "chunks.db") == tables(tmp_path / "rows.db")
    # a record not numbered where the writer finds it (not the file id its place gives) is read back and written
    _load(tmp_path / "shifted.db", [rows[0], *[r for _, r in pack([(0, rows[1])])], *rows[2:]], 200)
    assert tables(tmp_path / "shifted.db") == tables(tmp_path / "rows.db")


def test_workers_hand_a_new_index_their_rows_as_chunk_databases(tmp_path, monkeypatch):
    folder(tmp_path)
    monkeypatch.chdir(tmp_path)
    copied: list[tuple[int, int]] = []
    real_copy = bulkload._copy

    def spy(conn, blob, first, last):
        copied.append((first, last))
        real_copy(conn, blob, first, last)

    monkeypatch.setattr(bulkload, "_copy", spy)
    conn = ix.connect(tmp_path / "x.db", create=True)
    summary = scan(["docs"], conn, jobs=2, batch=5)
    conn.close()
    # every file came in a chunk: the ranges copied cover the file ids once each, in order
    ids = [i for first, last in copied for i in range(first, last + 1)]
    assert ids == list(range(1, summary.files + 1))
    copied.clear()
    (tmp_path / "docs" / "p00.txt").write_text(_plan(100, 2024, CITES[3]), encoding="utf-8")
    conn = ix.connect(tmp_path / "x.db")
    again = scan(["docs"], conn, jobs=2)  # an index with files: rows replaced batch by batch, as before
    conn.close()
    assert again.read == 1 and copied == []
