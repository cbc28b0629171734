"""Hostile input to the commands that read an index (issue 17): control characters in what they print, a pasted
file as a query, an index whose extract never finished, an index on a read-only mount, junk in an index's pages."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import run
from docgraph import index as ix
from docgraph.scan import scan

ROOT = Path(__file__).resolve().parent.parent

PLAN = """ỦY BAN NHÂN DÂN
TỈNH BẮC GIANG
Số: {n}/KH-UBND
Bắc Giang, ngày 12 tháng 9 năm 2024

KẾ HOẠCH
{title}
Thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị{tail}
"""


def plans(folder: Path, n: int, title: str = "Triển khai công tác năm 2024", tail: str = "") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(1, n + 1):
        (folder / f"plan_{i:03d}.txt").write_text(PLAN.format(n=i, title=title, tail=tail) + "Nội dung.\n" * 30,
                                                  encoding="utf-8")


def one_error_line(stderr: str) -> str:
    lines = [x for x in stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    return lines[0]


# ------------------------------------------------------------------------------------------------ terminal escapes

ESC = "\x1b"


@pytest.fixture(scope="module")
def _hostile_index(tmp_path_factory):
    """Plans whose title and evidence hold terminal sequences (clear screen, a window title, a red forged "error:"
    line), files named with ESC and with a newline, and a binary file named with ESC (skipped); extracted once for
    the tests below, which only read the index."""
    folder = tmp_path_factory.mktemp("hostile")
    docs = folder / "docs"
    plans(docs, 2, title=f"Kế hoạch {ESC}]0;owned{ESC}\\ tuyên truyền {ESC}[2J",
          tail=f" và {ESC}[31merror: forged\u202e line")
    (docs / "plan_001.txt").rename(docs / f"evil{ESC}[31mname.txt")
    (docs / "plan_002.txt").rename(docs / "two\nlines.txt")
    (docs / f"bin{ESC}[2J.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 200)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        r = run("extract", "docs", "--db", "i.db", "-j", "1", "-q")
    assert r.exit_code == 0, r.output
    return folder, r


@pytest.fixture()
def hostile_folder(_hostile_index, monkeypatch):
    monkeypatch.chdir(_hostile_index[0])
    return _hostile_index


def _printed(r) -> str:
    return r.stdout + r.stderr


@pytest.mark.parametrize("args", [
    ["show", "35-CT/TW"],
    ["implementers", "35-CT/TW", "--evidence"],
    ["timeline", "35-CT/TW", "--evidence"],
    ["chain", "1/KH-UBND"],
    ["find"],
    ["find", "--search", "tuyên truyền"],
    ["missing"],
    ["stats"],
])
def test_control_characters_are_escaped_in_every_human_output(hostile_folder, args):
    r = run(*args, "--db", "i.db")
    assert r.exit_code == 0, r.output
    shown = _printed(r)
    assert ESC not in shown and "\u202e" not in shown
    assert "two\nlines" not in shown  # a file name never breaks a line
    if args[0] == "timeline":  # the evidence column folds the line: the escape is there, maybe cut by the fold
        assert "\\x1b[" in shown
    if args[0] in ("show", "implementers"):
        assert "evil\\x1b[31mname.txt" in shown or "two\\nlines.txt" in shown
        assert "\\x1b[31merror: forged" in shown  # the evidence, escaped where it stood


def test_the_skip_list_and_the_summary_escape_file_names(hostile_folder):
    _, r = hostile_folder
    assert ESC not in _printed(r)
    assert "skipped docs/bin\\x1b[2J.txt: binary file (NUL bytes)" in r.stderr


def test_json_keeps_the_text_as_it_is(hostile_folder):
    """--json is for programs: the JSON string holds the character (escaped by JSON itself, not by docgraph)."""
    import json

    r = run("show", "35-CT/TW", "--db", "i.db", "--json")
    assert r.exit_code == 0
    card = json.loads(r.stdout)
    assert any(m["file"] == "docs/two\nlines.txt" for m in card["mentions_list"])
    assert ESC not in r.stdout  # JSON writes it as \u001b


# ------------------------------------------------------------------------------------------------ long queries


@pytest.mark.parametrize("args", [["find"], ["find", "--search"], ["show"], ["implementers"], ["timeline"]])
def test_a_query_of_50000_characters_is_a_usage_error(hostile_folder, args):
    """It was an internal error ("LIKE or GLOB pattern too complex", exit 3)."""
    r = run(*args, "Chỉ thị " * 7000, "--db", "i.db")
    assert r.exit_code == 2, r.output
    assert "the query is 56,000 characters long" in one_error_line(r.stderr)


# ------------------------------------------------------------------------------------------------ unfinished extract

INCOMPLETE = "warning: the index is incomplete (an extract did not finish)"


def test_queries_on_an_index_whose_extract_never_finished_warn(tmp_path, monkeypatch):
    plans(tmp_path / "docs", 30)
    monkeypatch.chdir(tmp_path)

    def stop_after_12(done, total, path):
        if done == 12:
            raise KeyboardInterrupt

    conn = ix.connect("i.db", create=True)
    with pytest.raises(KeyboardInterrupt):
        scan(["docs"], conn, jobs=1, batch=5, progress=stop_after_12)
    conn.close()
    # files were written, documents and edges never resolved from them: 35-CT/TW is not even there yet
    for args, code in ((["stats"], 0), (["implementers", "35-CT/TW"], 4), (["find", "KH-UBND"], 4),
                       (["stats", "--json"], 0)):
        r = run(*args, "--db", "i.db")
        assert r.exit_code == code, r.output
        assert INCOMPLETE in r.stderr, args
    r = run("extract", "docs", "--db", "i.db", "-j", "1", "-q")
    assert r.exit_code == 0
    r = run("stats", "--db", "i.db")
    assert r.exit_code == 0 and "incomplete" not in r.stderr


# ------------------------------------------------------------------------------------------------ read-only mount


def _read_only_runs(index_dir: Path, commands: list[list[str]]) -> list[subprocess.CompletedProcess]:
    """Run each docgraph command on ``index_dir/i.db`` seen read-only: through a read-only bind mount in a mount
    namespace of its own when root (root writes through any permission bits), else through a folder and a file
    without write permission (the same refusal from the kernel: EACCES instead of EROFS)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    if os.geteuid() != 0:
        os.chmod(index_dir / "i.db", 0o444)
        os.chmod(index_dir, 0o555)
        try:
            return [subprocess.run([sys.executable, "-m", "docgraph", *c, "--db", str(index_dir / "i.db")],
                                   capture_output=True, text=True, env=env, timeout=120) for c in commands]
        finally:
            os.chmod(index_dir, 0o755)
    mnt = index_dir.parent / "mnt"
    mnt.mkdir()
    script = ("import subprocess, sys, json\n"
              "out = []\n"
              "for c in json.loads(sys.argv[1]):\n"
              "    r = subprocess.run([sys.executable, '-m', 'docgraph', *c, '--db', sys.argv[2]],"
              " capture_output=True, text=True)\n"
              "    out.append([r.returncode, r.stdout, r.stderr])\n"
              "print(json.dumps(out))\n")
    import json

    sh = (f"mount --bind {index_dir} {mnt} && mount -o remount,bind,ro {mnt} && "
          f"{sys.executable} -c \"$0\" \"$1\" {mnt}/i.db")
    r = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", sh, script,
                        json.dumps(commands)], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    return [subprocess.CompletedProcess(c, code, o, e) for c, (code, o, e) in zip(commands, json.loads(r.stdout))]


@pytest.mark.slow
def test_an_index_on_a_read_only_mount_answers_queries_and_extract_says_why_it_cannot(tmp_path):
    plans(tmp_path / "docs", 6)
    store = tmp_path / "store"
    store.mkdir()
    r = run("extract", str(tmp_path / "docs"), "--db", str(store / "i.db"), "-j", "1", "-q")
    assert r.exit_code == 0, r.output
    assert not (store / "i.db-wal").exists()
    before = (store / "i.db").read_bytes()
    stats, impl, find, extract = _read_only_runs(store, [["stats", "--json"], ["implementers", "35-CT/TW"],
                                                         ["find", "KH-UBND"], ["extract", str(tmp_path / "docs")]])
    for p in (stats, impl, find):
        assert p.returncode == 0 and p.stderr == "", p.stderr
    assert '"files": 6' in stats.stdout
    assert "6 implementing document(s)" in impl.stdout
    assert extract.returncode == 2
    line = one_error_line(extract.stderr)
    assert "cannot be written" in line and ("read-only file system" in line or "permission denied" in line)
    assert (store / "i.db").read_bytes() == before
    assert sorted(p.name for p in store.iterdir()) == ["i.db"]


# ------------------------------------------------------------------------------------------------ damaged index


@pytest.fixture(scope="module")
def _damaged_index(tmp_path_factory):
    """60 plans and their index, extracted once for the tests below: the intact file and a copy with 3 pages in the
    middle overwritten by junk (a bad disk sector, a partial copy)."""
    folder = tmp_path_factory.mktemp("damaged")
    plans(folder / "docs", 60)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        r = run("extract", "docs", "--db", "intact.db", "-j", "1", "-q")
    assert r.exit_code == 0, r.output
    conn = sqlite3.connect(folder / "intact.db")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    junk = bytearray((folder / "intact.db").read_bytes())
    for k in range(pages // 2, pages // 2 + 3):
        junk[k * page:(k + 1) * page] = b"junk" * (page // 4)
    return folder, bytes(junk)


@pytest.fixture()
def damaged(_damaged_index, tmp_path, monkeypatch):
    """A folder holding the plans (a link to them), the damaged index i.db and its intact copy intact.db."""
    folder, junk = _damaged_index
    (tmp_path / "docs").symlink_to(folder / "docs", target_is_directory=True)
    (tmp_path / "i.db").write_bytes(junk)
    shutil.copy(folder / "intact.db", tmp_path / "intact.db")
    monkeypatch.chdir(tmp_path)
    return tmp_path


DAMAGED = "index is damaged: rebuild with extract"


@pytest.mark.parametrize("args", [
    ["stats"], ["stats", "--json"], ["implementers", "35-CT/TW"], ["show", "35-CT/TW"], ["chain", "1/KH-UBND"],
    ["timeline", "35-CT/TW"], ["gaps", "35-CT/TW", "--level", "district"], ["find"], ["missing"],
    ["export", "-f", "json", "-o", "g.json"], ["extract", "docs", "-j", "1", "-q"],
])
def test_junk_in_the_middle_of_an_index_is_one_error_from_every_command(damaged, args):
    """`stats` said "internal error: malformed" (exit 3); `implementers` answered from what it could read."""
    r = run(*args, "--db", "i.db")
    assert r.exit_code == 2, r.output
    assert DAMAGED in one_error_line(r.stderr)
    assert not (damaged / "g.json").exists()


def test_the_intact_copy_answers(damaged):
    r = run("implementers", "35-CT/TW", "--db", "intact.db")
    assert r.exit_code == 0 and "60 implementing document(s)" in r.stdout
