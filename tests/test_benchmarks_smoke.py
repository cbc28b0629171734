"""Smoke test of the benchmark tools (benchmarks/generate.py and benchmarks/run.py): not a timing test."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench_helpers import benchmark
from docgraph import index as ix
from docgraph.scan import scan

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_generate_is_deterministic_and_extractable(tmp_path):
    gen = benchmark("generate")
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    gen.generate(str(a), 30, seed=11)
    gen.generate(str(b), 30, seed=11, jobs=2)
    gen.generate(str(c), 30, seed=12)
    ta, tb = _tree(a), _tree(b)
    assert len([p for p in ta if p.endswith(".txt")]) == 30
    assert ta == tb  # same seed -> identical bytes, whatever --jobs
    assert ta != _tree(c)
    for data in ta.values():
        data.decode("utf-8")

    conn = ix.connect(tmp_path / "b.db", create=True)
    s = scan([str(a)], conn, jobs=1)
    assert s.files == 30 and not s.unreadable
    assert s.mentions > 30
    assert s.relations > 10
    rel = dict(conn.execute("SELECT relation, COUNT(*) FROM edges GROUP BY relation").fetchall())
    assert rel.get("implements", 0) > 0 and rel.get("based_on", 0) > 0
    # a chain of at least two implements steps (department or district plan -> provincial plan -> central)
    deep = conn.execute("SELECT COUNT(*) FROM edges e1 JOIN edges e2 ON e1.target=e2.source "
                        "WHERE e1.relation='implements' AND e2.relation='implements'").fetchone()[0]
    assert deep > 0
    conn.close()


def test_generate_size_target(tmp_path):
    gen = benchmark("generate")
    desc = gen.generate(str(tmp_path / "s"), 40, mb=0.4, seed=3)
    assert 0.3e6 < desc["bytes"] < 0.5e6


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("docgraph") is None, reason="the docgraph command is not installed")
def test_run_json_keys(tmp_path):
    out = tmp_path / "r.json"
    p = subprocess.run([sys.executable, str(BENCH / "run.py"), "--files", "20", "--seed", "1", "--jobs", "1",
                        "--repeat", "1", "--json", str(out), "--prefilter-compare", "-q"],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    assert "first extract" in p.stdout
    res = json.loads(out.read_text(encoding="utf-8"))
    for key in ("machine", "corpus", "extract", "rerun", "graph_build", "queries", "ripgrep", "prefilter"):
        assert key in res
    for key in ("cpu", "cores", "ram_gib", "python", "date"):
        assert key in res["machine"]
    assert res["corpus"]["files"] == 20
    mc = res["machine_check"]  # the machine's own speed, before and after the runs
    assert all(mc[k]["min_ms"] > 0 and mc[k]["runs"] == 7 for k in ("before", "after"))
    assert "machine check (before / after)" in p.stdout
    e = res["extract"]
    for key in ("seconds", "mb_s", "files_s", "mentions", "mentions_s", "peak_rss_mib"):
        assert key in e
    # the write path (docgraph's own process) and the extraction (its workers) apart
    assert 0 < e["main_cpu_seconds"] <= e["cpu_seconds"] and e["workers_cpu_seconds"] >= 0
    assert "write path (main process CPU)" in p.stdout
    assert e["mentions"] > 0 and e["peak_rss_mib"] > 0
    assert res["rerun"]["files_read"] == 0 and "ratio_to_first" in res["rerun"]
    q = res["queries"]
    assert q["central_doc"]
    assert set(q["cli"]) >= {"implementers", "chain", "show"}
    assert set(q["library"]) >= {"implementers", "chain", "show"}
    rows = res["prefilter"]["rows"]
    assert rows and all({"method", "mb_s", "files_passed", "missed_files", "exact"} <= set(r) for r in rows)


def test_floor_hands_back_the_rows_and_times_the_rest(tmp_path):
    """benchmarks/floor.py: the pipeline with extraction made free indexes the same folder, and puts scan back."""
    sys.path.insert(0, str(BENCH))
    try:
        import floor
    finally:
        sys.path.remove(str(BENCH))
    from docgraph import scan as scan_mod

    gen = benchmark("generate")
    gen.generate(str(tmp_path / "c"), 24, seed=5)
    real = scan_mod._worker
    for jobs in (1, 2):
        r = floor.floor(str(tmp_path / "c"), jobs)
        assert r["files"] == 24 and r["seconds"] > 0 and r["resolve_seconds"] > 0 and r["mb_s_ceiling"] > 0
        # the write path's CPU, split at the resolve stage
        assert r["write_cpu_seconds"] > 0 and r["resolve_cpu_seconds"] > 0
        assert abs(r["write_cpu_seconds"] + r["resolve_cpu_seconds"] - r["main_cpu_seconds"]) < 1e-6
    assert scan_mod._worker is real
