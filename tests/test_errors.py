"""The error contract: one DocgraphError family with an exit code per class, mapped by class (SQLite's busy error by
its result code); a skipped file's reason carries a code that decides whether it is a failure."""

from __future__ import annotations

import os
import pickle
import sqlite3

import pytest

from docgraph import errors
from docgraph.engine import MatchTimeout
from docgraph.export import ExportError
from docgraph.index import IndexStoreError, connect
from docgraph.query import Ambiguous, NotFound
from docgraph.readers import read_file
from docgraph.readers.common import OfficeError
from docgraph.report import ReportError
from docgraph.rules import RulesError
from docgraph.scan import scan
from docgraph.skips import Skip, SkipCode


@pytest.mark.parametrize("exc, code, shown", [
    (RulesError("a.yaml:3: bad key"), 2, "rules: a.yaml:3: bad key"),
    (IndexStoreError("no index at x.db"), 2, "no index at x.db"),
    (errors.IndexBusy(), 2, "the index is busy: another docgraph is writing it; try again when it has finished"),
    (NotFound("no document matching 'x' in the index"), 4, "no document matching 'x' in the index"),
    (Ambiguous("83-KH/TU", ["a", "b"], ["A", "B"]), 2,
     "'83-KH/TU' matches 2 documents: a (A), b (B). Query one of these ids."),
    (errors.UsageError("--limit must be 0 (all) or more"), 2, "--limit must be 0 (all) or more"),
    (errors.BadInput("unreadable"), 1, "unreadable"),
    (MatchTimeout("regex time limit exceeded (1 s)"), 3, "regex time limit exceeded (1 s)"),
    (ExportError("'out' is a directory: give a file path"), 2, "'out' is a directory: give a file path"),
    (OfficeError("damaged .docx file"), 1, "damaged .docx file"),
    (ReportError("cannot write 'r.xlsx'"), 1, "cannot write 'r.xlsx'"),
])
def test_every_error_has_its_exit_code_by_class(exc, code, shown):
    err = errors.as_docgraph_error(exc)
    assert err is exc and isinstance(err, errors.DocgraphError)
    assert (err.exit_code, err.shown()) == (code, shown)


def test_every_exception_class_of_the_package_is_in_the_family():
    """The CLI maps errors by class through errors.as_docgraph_error only: an exception class of the library outside
    the family would reach the user as an internal error."""
    import importlib
    import inspect
    import pkgutil

    import docgraph

    outside = []
    for info in pkgutil.walk_packages(docgraph.__path__, "docgraph."):
        if info.name in ("docgraph.__main__", "docgraph.cli"):
            continue
        mod = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(mod, inspect.isclass):
            if cls.__module__ == info.name and issubclass(cls, BaseException) \
                    and not issubclass(cls, errors.DocgraphError):
                outside.append(f"{info.name}.{cls.__name__}")
    assert outside == []


def test_a_locked_index_is_busy_by_sqlite_result_code(tmp_path):
    path = tmp_path / "x.db"
    holder = connect(path, create=True)
    holder.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(str(path), timeout=0)
    with pytest.raises(sqlite3.OperationalError) as caught:
        other.execute("BEGIN IMMEDIATE")
    err = errors.as_docgraph_error(caught.value)
    assert isinstance(err, errors.IndexBusy) and err.exit_code == errors.EXIT_USAGE
    # any other SQLite error is not a member: an internal error
    assert errors.as_docgraph_error(sqlite3.OperationalError("no such table: nope")) is None
    assert errors.as_docgraph_error(ValueError("x")) is None
    holder.rollback()


def test_skip_reason_is_its_text_with_a_code():
    s = Skip("binary file (NUL bytes)", SkipCode.BINARY)
    assert s == "binary file (NUL bytes)" and s.code.benign
    back = pickle.loads(pickle.dumps(s))  # crosses the worker processes' boundary whole
    assert back == s and back.code is SkipCode.BINARY
    assert not SkipCode.PERMISSION.benign and SkipCode.DIR_WALKED.not_a_file


def test_read_file_reasons_carry_their_code(tmp_path):
    cases = {
        "nul.txt": (b"abc\x00def\x00" * 10, SkipCode.BINARY, "binary file (NUL bytes)"),
        "ctl.txt": (b"\x01\x02\x03\x04abc\x1b\x1c\x1d" * 50, SkipCode.BINARY, "binary file (control characters)"),
    }
    for name, (data, code, text) in cases.items():
        (tmp_path / name).write_bytes(data)
        r = read_file(tmp_path / name)
        assert (r.skipped, r.skipped.code) == (text, code), name
    r = read_file(tmp_path / "nope.txt")
    assert (r.skipped, r.skipped.code) == ("not found", SkipCode.NOT_FOUND)
    r = read_file(tmp_path)
    assert (r.skipped, r.skipped.code) == ("not a regular file", SkipCode.NOT_REGULAR)
    (tmp_path / "big.txt").write_text("x" * 100)
    r = read_file(tmp_path / "big.txt", max_bytes=10)
    assert (r.skipped, r.skipped.code) == ("file too large (100 bytes > 10)", SkipCode.TOO_LARGE)


def test_a_benign_skip_is_reported_but_is_no_failure(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "bin.txt").write_bytes(b"\x00" * 50)
    (folder / "ok.txt").write_text("Thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị.\n", encoding="utf-8")
    if hasattr(os, "symlink"):
        os.symlink(folder / "gone.txt", folder / "link.txt")
    conn = connect(tmp_path / "x.db", create=True)
    s = scan([str(folder)], conn, jobs=1)
    reasons = {os.path.basename(p): r for p, r in s.skipped}
    assert reasons["bin.txt"] == "binary file (NUL bytes)"
    if hasattr(os, "symlink"):
        assert reasons["link.txt"] == "broken symlink" and reasons["link.txt"].code is SkipCode.BROKEN_SYMLINK
    assert s.unreadable == []
    stored = dict(conn.execute("SELECT path, skipped FROM files WHERE skipped IS NOT NULL").fetchall())
    assert {os.path.basename(p): r for p, r in stored.items()} == {"bin.txt": "binary file (NUL bytes)"}


@pytest.mark.parametrize("raised", [KeyboardInterrupt(), "abort"])
def test_an_interrupt_after_the_command_body_is_still_exit_130(monkeypatch, capfd, raised):
    """Ctrl-C or SIGTERM landing after a command's work (outside its error handler) exits 130, never a traceback
    or click's "aborted"."""
    import typer

    from docgraph import cli

    def app(**kw):
        if raised == "abort":  # what click makes of a KeyboardInterrupt inside its main()
            raise typer.Abort() from KeyboardInterrupt()
        raise raised

    monkeypatch.setattr(cli, "app", app)
    monkeypatch.setattr(cli.signal, "signal", lambda *a: None)
    with pytest.raises(SystemExit) as caught:
        cli.main()
    assert caught.value.code == errors.EXIT_INTERRUPTED
    assert capfd.readouterr().err.startswith("error: interrupted: the index keeps every batch written so far")


def test_opening_an_index_another_process_holds_locked_is_busy_not_damaged(tmp_path):
    path = tmp_path / "x.db"
    holder = sqlite3.connect(str(path))  # a rollback-journal file: switching it to WAL needs the lock
    holder.execute("CREATE TABLE t (x)")
    holder.commit()
    holder.execute("BEGIN EXCLUSIVE")
    with pytest.raises(errors.IndexBusy) as caught:
        connect(path, timeout=0)
    assert caught.value.exit_code == 2 and str(caught.value).startswith("the index is busy")
    holder.rollback()
    with pytest.raises(errors.IndexStoreError, match="is an SQLite file but not a docgraph index"):
        connect(path)
