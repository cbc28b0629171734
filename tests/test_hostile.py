"""Hostile files and faults (issue 17): no hang, no runaway file, no internal error, nothing lost.

One test (or a few) per row of the issue's table. The process tests are deterministic: a test hook
(``DOCGRAPH_TEST_PAUSE``, see docgraph/hooks.py) holds a worker or the writer at a known point and says so by
creating a file, so the test kills or interrupts it at that point instead of sleeping and hoping.
"""

from __future__ import annotations

import os
import resource
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import extracted, run
from docgraph.export import ExportError, atomic, export_graph

ROOT = Path(__file__).resolve().parent.parent


def docgraph_proc(*args: str, cwd: Path, env: dict | None = None, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "docgraph", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8",
                            env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}, **kw)


def one_error_line(stderr: str) -> str:
    lines = [x for x in stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


# ------------------------------------------------------------------------------------------------ export -o


def _device(tmp_path: Path) -> Path:
    """A character device node: one made in tmp_path as root (never the system's own /dev/null, which a bad
    export would replace), /dev/null otherwise (a user cannot replace it anyway)."""
    if os.geteuid() == 0:
        node = tmp_path / "null"
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        return node
    return Path("/dev/null")


@pytest.mark.parametrize("kind", ["fifo", "device", "symlink"])
def test_export_refuses_a_special_file_or_a_link_and_leaves_it_alone(work, kind):
    extracted(work)
    outside = work / "elsewhere" / "precious.graphml"
    outside.parent.mkdir()
    outside.write_text("precious")
    if kind == "fifo":
        target = work / "out.graphml"
        os.mkfifo(target)
    elif kind == "device":
        target = _device(work)
    else:
        target = work / "out.graphml"
        os.symlink(outside, target)
    before = os.lstat(target)
    r = run("export", "-f", "graphml", "-o", str(target))
    assert r.exit_code == 2, r.output
    line = one_error_line(r.stderr)
    assert str(target) in line and ("symbolic link" in line if kind == "symlink" else "not a regular file" in line)
    after = os.lstat(target)
    assert (after.st_mode, after.st_ino, after.st_rdev) == (before.st_mode, before.st_ino, before.st_rdev)
    assert outside.read_text() == "precious"
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]


def test_folder_export_refuses_a_file_that_is_a_link_out_of_the_folder(work):
    extracted(work)
    out = work / "csv"
    out.mkdir()
    outside = work / "passwd"
    outside.write_text("root:x:0:0\n")
    os.symlink(outside, out / "edges.csv")
    r = run("export", "-f", "csv", "-o", str(out))
    assert r.exit_code == 2
    assert "symbolic link" in one_error_line(r.stderr)
    assert outside.read_text() == "root:x:0:0\n"
    assert sorted(p.name for p in out.iterdir()) == ["edges.csv"]  # nodes.csv not written either


def test_folder_export_given_as_a_link_to_a_folder_writes_into_it(work):
    extracted(work)
    real = work / "real"
    real.mkdir()
    os.symlink(real, work / "link")
    r = run("export", "-f", "csv", "-o", str(work / "link"))
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in real.iterdir()) == ["edges.csv", "nodes.csv"]


def _many_plans(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(1, n + 1):
        (folder / f"kh_{i:04d}.txt").write_text(
            f"ỦY BAN NHÂN DÂN\nTỈNH BẮC GIANG\nSố: {i}/KH-UBND\nBắc Giang, ngày 12 tháng 9 năm 2024\n\nKẾ HOẠCH\n"
            f"Thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị và Quyết định số {i + 1000}/QĐ-UBND"
            f" ngày 01/8/2024 của Ủy ban nhân dân tỉnh Bắc Giang.\n", encoding="utf-8")


def test_disk_full_during_a_csv_export_replaces_neither_file(tmp_path):
    """A real write error (the file size limit of the process: EFBIG, as ENOSPC would be) on the second file of
    the export: the previous nodes.csv and edges.csv stay as they were, together, and no temporary file is left."""
    _many_plans(tmp_path / "docs", 400)
    for name in ("few", "all"):
        docs = ["docs/" + p.name for p in sorted((tmp_path / "docs").iterdir())[: 40 if name == "few" else None]]
        p = docgraph_proc("extract", *docs, "--db", f"{name}.db", "-q", "-j", "1", cwd=tmp_path)
        assert p.wait(300) == 0, p.stderr.read()
    old = docgraph_proc("export", "-f", "csv", "-o", "out", "--db", "few.db", cwd=tmp_path)
    assert old.wait(120) == 0, old.stderr.read()
    fresh = docgraph_proc("export", "-f", "csv", "-o", "fresh", "--db", "all.db", cwd=tmp_path)
    assert fresh.wait(120) == 0
    sizes = sorted((tmp_path / "fresh" / n).stat().st_size for n in ("nodes.csv", "edges.csv"))
    assert 40_000 < sizes[0] < sizes[1]
    limit = (sizes[0] + sizes[1]) // 2  # the first file fits, the second does not

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    before = {n: (tmp_path / "out" / n).read_bytes() for n in ("nodes.csv", "edges.csv")}
    p = docgraph_proc("export", "-f", "csv", "-o", "out", "--db", "all.db", cwd=tmp_path, preexec_fn=small_files)
    assert p.wait(120) == 2
    line = one_error_line(p.stderr.read())
    assert "cannot write csv export" in line and "too large" in line
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()} == before


def test_a_failed_rename_puts_back_the_files_already_renamed(tmp_path, monkeypatch):
    import networkx as nx

    g = nx.MultiDiGraph()
    g.add_node("a", label="A", level="central")
    g.add_node("b", label="B", level="provincial")
    g.add_edge("b", "a", key="implements", relation="implements")
    out = tmp_path / "csv"
    export_graph(g, "csv", out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real = os.replace
    calls = []

    def second_fails(src, dst):
        calls.append(dst)
        if len(calls) == 2 and str(src).endswith(".tmp"):
            raise OSError(5, "Input/output error")
        real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", second_fails)
    g.add_node("c", label="C", level="district")
    with pytest.raises(ExportError, match="Input/output error"):
        export_graph(g, "csv", out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
