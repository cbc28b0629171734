"""Odd files, broken rules, broken indexes and interruptions: never a traceback, never lost work."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cli_helpers import runner, sigint_as_in_a_terminal
from docgraph import cli
from docgraph import index as ix
from docgraph.scan import scan
from test_reader import cp1258_encode  # Windows-1258 as Word writes it

PLAN = """ỦY BAN NHÂN DÂN
TỈNH BẮC GIANG
Số: {n}/KH-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Bắc Giang, ngày 12 tháng 9 năm 2024

KẾ HOẠCH
Triển khai thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị

Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư;
Thực hiện Kế hoạch số 83-KH/TU ngày 16/7/2024 của Tỉnh ủy, Ủy ban nhân dân tỉnh ban hành kế hoạch số {n}.
"""


def make_corpus(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(1, n + 1):
        (folder / f"plan_{i:04d}.txt").write_text(PLAN.format(n=i) + "Nội dung.\n" * 50, encoding="utf-8")


def snapshot(db: Path) -> dict:
    conn = sqlite3.connect(db)
    out = {
        "files": sorted(conn.execute("SELECT path, sha256, skipped, own_id FROM files")),
        "mentions": sorted(conn.execute(
            "SELECT f.path, m.idx, m.start, m.\"end\", m.text, m.doc FROM mentions m JOIN files f ON f.id=m.file_id")),
        "documents": sorted(conn.execute("SELECT * FROM documents")),
        "edges": sorted(conn.execute("SELECT source, target, relation, count, evidence_all FROM edges")),
    }
    conn.close()
    return out


def docgraph(*args: str, cwd: Path, env: dict | None = None, **kw) -> subprocess.Popen:
    kw.setdefault("preexec_fn", sigint_as_in_a_terminal)  # interruptible even when the suite runs in the background
    return subprocess.Popen([sys.executable, "-m", "docgraph", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8", env={**os.environ, **(env or {})},
                            **kw)


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_run_resumes_to_the_same_index(tmp_path, sig):
    make_corpus(tmp_path / "docs", 400)
    clean = docgraph("extract", "docs", "--db", "clean.db", "--jobs", "1", "-q", cwd=tmp_path)
    assert clean.wait(120) == 0, clean.stderr.read()

    # the writer is held before the batch holding plan_0250 (docgraph/hooks.py): the signal lands mid-run, on every
    # machine (a first run is loaded in one transaction, so polling the index cannot tell how far it has got)
    hook = tmp_path / "hook"
    hook.mkdir()
    p = docgraph("extract", "docs", "--db", "cut.db", "--jobs", "1", "-q", "--batch", "10", cwd=tmp_path,
                 env={"DOCGRAPH_TEST_PAUSE": f"write:plan_0250:{hook}"})
    deadline = time.time() + 120
    while time.time() < deadline and p.poll() is None and not any(hook.glob("paused-write-*")):
        time.sleep(0.02)
    assert any(hook.glob("paused-write-*")), p.poll()
    p.send_signal(sig)
    code = p.wait(60)
    err = p.stderr.read()
    assert "Traceback" not in err
    c = sqlite3.connect(tmp_path / "cut.db")
    assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    partial = c.execute("SELECT COUNT(*) FROM files").fetchone()[0]
    c.close()
    # interrupted: the interrupt message and exit code, the batches written so far kept
    assert code == 130 and "interrupted:" in err and 0 < partial < 400, (code, err, partial)
    again = docgraph("extract", "docs", "--db", "cut.db", "--jobs", "2", "-q", cwd=tmp_path)
    assert again.wait(120) == 0, again.stderr.read()
    assert snapshot(tmp_path / "cut.db") == snapshot(tmp_path / "clean.db")


def test_index_is_identical_whatever_the_number_of_jobs(tmp_path, monkeypatch):
    make_corpus(tmp_path / "docs", 60)
    monkeypatch.chdir(tmp_path)
    for jobs, name in ((1, "one.db"), (2, "two.db")):
        conn = ix.connect(tmp_path / name, create=True)
        scan(["docs"], conn, jobs=jobs)
        conn.close()
    assert snapshot(tmp_path / "one.db") == snapshot(tmp_path / "two.db")


@pytest.mark.slow
def test_two_extracts_at_once_do_not_corrupt_the_index(tmp_path):
    make_corpus(tmp_path / "docs", 150)
    clean = docgraph("extract", "docs", "--db", "clean.db", "--jobs", "1", "-q", cwd=tmp_path)
    assert clean.wait(120) == 0
    a = docgraph("extract", "docs", "--db", "both.db", "--jobs", "1", "-q", "--batch", "5", cwd=tmp_path)
    time.sleep(0.3)
    b = docgraph("extract", "docs", "--db", "both.db", "--jobs", "1", "-q", "--batch", "5", cwd=tmp_path)
    ra, rb = a.wait(180), b.wait(180)
    errs = a.stderr.read() + b.stderr.read()
    assert "Traceback" not in errs
    assert ra == 0 and rb in (0, 2), errs  # the second one waits, or says the index is busy
    if rb == 2:
        assert "busy" in errs
    fin = docgraph("extract", "docs", "--db", "both.db", "--jobs", "1", "-q", cwd=tmp_path)
    assert fin.wait(120) == 0
    assert snapshot(tmp_path / "both.db") == snapshot(tmp_path / "clean.db")


@pytest.mark.parametrize("content, message", [
    (["CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)", "INSERT INTO meta VALUES ('schema_version', '999')"],
     "another version of docgraph"),
    (["CREATE TABLE t (x)"], "not a docgraph index"),  # SQLite, but not an index
    ("this is not sqlite at all " * 100, "not a docgraph index"),
])
def test_index_from_another_version_or_not_an_index(tmp_path, content, message):
    db = tmp_path / "x.db"
    if isinstance(content, str):
        db.write_text(content)
    else:
        c = sqlite3.connect(db)
        for statement in content:
            c.execute(statement)
        c.commit()
        c.close()
    r = runner.invoke(cli.app, ["stats", "--db", str(db)])
    assert r.exit_code == 2 and message in r.stderr


@pytest.mark.usefixtures("builtin_rules_parsed_once")
@pytest.mark.parametrize("body, expect", [
    ("rules:\n  - id: a\n    layout: state\n    layout: party\n    pattern: 'x'\n", ":4: duplicate key 'layout'"),
    ("rules:\n  - id: a\n    layout: state\n    patern: 'x'\n", ":4: rule 'a': unknown key 'patern'"),
    ("rules:\n  - id: a\n    layout: state\n    triggers: '/'\n    pattern: 'x'\n", ":4: rule 'a': triggers must be a list"),
    ("rules:\n  - id: a\n    layout: state\n    pattern: 5\n", "rule 'a': 'pattern' must be a quoted string"),
    ("rules:\n  - id: a\n    layout: state\n    pattern: '(?P<number>\\d+'\n", ":4: rule 'a': regex does not compile"),
    ("rules:\n  - id: a\n    layout: nowhere\n    pattern: 'x'\n", ":3: rule 'a': layout must be one of"),
    ("rules:\n  - id: a\n    layout: state\n    pattern: '{nosuch}'\n", "rule 'a': unknown fragment {nosuch}"),
    ("rulez: []\n", ":1: unknown section 'rulez'"),
    ("rules: [\n", "YAML error"),
])
def test_broken_rules_are_one_line_exit_2(tmp_path, body, expect):
    d = tmp_path / "r"
    d.mkdir()
    (d / "mine.yaml").write_text(body, encoding="utf-8")
    r = runner.invoke(cli.app, ["rules", "test", "--rules", str(d)])
    assert r.exit_code == 2, r.output
    assert expect in r.stderr and "mine.yaml" in r.stderr
    assert "Traceback" not in r.output and len(r.stderr.strip().splitlines()) == 1


def test_internal_error_is_one_line_exit_3_and_debug_shows_traceback(tmp_path, monkeypatch):
    def boom(conn):
        raise RuntimeError("kaboom")

    db = tmp_path / "x.db"
    ix.connect(db, create=True).close()
    monkeypatch.setattr(cli, "stats", boom)
    r = runner.invoke(cli.app, ["stats", "--db", str(db)])
    assert r.exit_code == 3
    assert "internal error: RuntimeError: kaboom" in r.stderr and "Traceback" not in r.output
    r = runner.invoke(cli.app, ["--debug", "stats", "--db", str(db)])
    assert r.exit_code == 3 and "Traceback" in r.stderr
    monkeypatch.setitem(cli._state, "debug", False)


@pytest.mark.slow
def test_junk_folder_indexes_what_is_readable_and_names_the_rest(tmp_path, monkeypatch):
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "good.txt").write_text(PLAN.format(n=7), encoding="utf-8")
    (junk / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 200 + os.urandom(300))
    (junk / "empty.txt").write_bytes(b"")
    (junk / "controls.txt").write_text("Thực hiện\x0cChỉ thị số 35-CT/TW\x0b ngày 14/6/2024\x00 của Bộ Chính trị.",
                                       encoding="utf-8")
    (junk / "long.txt").write_text(("lorem ipsum " * 400_000) + " Nghị định số 30/2020/NĐ-CP", encoding="utf-8")
    (junk / "cp1258.txt").write_bytes(
        cp1258_encode("Căn cứ Nghị định số 30/2020/NĐ-CP của Chính phủ về công tác văn thư hành chính"))
    os.symlink(junk, junk / "loop")
    bad_name = os.fsencode(str(junk)) + b"/t\xe9n-l\xf4i.txt"
    fd = os.open(bad_name, os.O_WRONLY | os.O_CREAT)
    os.write(fd, "Quyết định số 1017/QĐ-TTg ngày 22/8/2018".encode())
    os.close(fd)
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(cli.app, ["extract", "junk", "--db", "j.db", "--json", "--jobs", "1", "-q"])
    assert r.exit_code in (0, 1), r.output
    summary = json.loads(r.stdout)
    reasons = {Path(s["path"]).name: s["reason"] for s in summary["skipped"]}
    assert "binary" in reasons["image.txt"]
    assert any("UTF-8" in v for v in reasons.values())  # the file name that is not valid UTF-8 is named
    conn = sqlite3.connect(tmp_path / "j.db")
    texts = {row[0] for row in conn.execute("SELECT symbol FROM mentions")}
    assert {"KH-UBND", "CT/TW", "NĐ-CP"} <= texts
    enc = dict(conn.execute("SELECT path, encoding FROM files"))
    assert enc["junk/cp1258.txt"] == "windows-1258" or enc["junk/cp1258.txt"].startswith("cp125")
    assert enc["junk/empty.txt"] == "utf-8"


@pytest.mark.usefixtures("builtin_rules_parsed_once")
@pytest.mark.parametrize("end, native", [
    # fancy-regex rewrites a trailing look-ahead and answers this one at once: the Python engine's case
    ("$", "0"),
    # the compiled core runs out of backtracking steps on it and hands the text to Python, which skips it alike
    ("(?<=x)", "1"),
])
def test_pathological_rule_is_skipped_not_a_hang(tmp_path, monkeypatch, end, native):
    monkeypatch.setenv("DOCGRAPH_NATIVE", native)
    d = tmp_path / "r"
    d.mkdir()
    (d / "slow.yaml").write_text(
        "rules:\n"
        "  - id: slow\n"
        "    layout: state\n"
        "    triggers: ['a']\n"
        f"    pattern: '(?P<number>\\d)(?P<symbol>(a|aa)+)+{end}'\n", encoding="utf-8")
    (tmp_path / "f.txt").write_text("1" + "a" * 40 + "b", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    t0 = time.time()
    r = runner.invoke(cli.app, ["extract", "f.txt", "--db", "t.db", "--rules", str(d), "--timeout", "0.5",
                                "--json", "-q"])
    assert time.time() - t0 < 30
    assert r.exit_code == 0, r.output
    assert "time limit exceeded (0.5 s per file)" in json.loads(r.stdout)["skipped"][0]["reason"]


@pytest.mark.usefixtures("builtin_rules_parsed_once")
def test_rerun_after_a_change_of_rules_reads_every_file_again(tmp_path, monkeypatch):
    make_corpus(tmp_path / "docs", 5)
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(cli.app, ["extract", "docs", "--db", "r.db", "--json", "-q"])
    assert json.loads(r.stdout)["read"] == 5
    r = runner.invoke(cli.app, ["extract", "docs", "--db", "r.db", "--json", "-q"])
    assert json.loads(r.stdout)["read"] == 0 and json.loads(r.stdout)["unchanged"] == 5
    d = tmp_path / "mine"
    d.mkdir()
    (d / "off.yaml").write_text("rules:\n  - id: older\n    layout: older\n    enabled: false\n", encoding="utf-8")
    r = runner.invoke(cli.app, ["extract", "docs", "--db", "r.db", "--json", "-q", "--rules", str(d)])
    assert json.loads(r.stdout)["read"] == 5
