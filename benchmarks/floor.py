#!/usr/bin/env python3
"""The floor of `docgraph extract` with extraction made free: what listing, writing and resolving cost alone.

    python benchmarks/floor.py FOLDER [--jobs J]

Every file is first extracted once, in this process, and its SQLite rows kept in memory; then a scan of FOLDER runs
with workers that hand those rows back instead of reading and matching the files. The time of that scan is what the
rest of the pipeline (walking the folder, handing rows between processes, writing the index, resolving documents and
edges) costs whatever the matching costs: the most throughput the present design can reach on this machine. The CPU
of this process (the write path) is reported apart, split at the resolve stage: on a loaded machine wall time
varies, CPU seconds much less.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from docgraph import index as ix
from docgraph import scan as scan_mod
from docgraph.pipeline import process_file

_ROWS: dict[str, ix.FileRows] = {}


def _handed_back(args: tuple) -> ix.FileRows:
    return _ROWS[args[0]]


def floor(folder: str, jobs: int) -> dict:
    files = sorted(str(p) for p in Path(folder).rglob("*") if p.suffix in (".txt", ".md") and p.is_file())
    for f in files:
        _ROWS[f] = ix.file_rows(process_file(f, None, os.path.relpath(f, folder)))
    nbytes = sum(os.path.getsize(f) for f in files)
    marks: dict[str, tuple[float, float]] = {}  # stage -> (wall, this process's CPU) when it began
    real_worker = scan_mod._worker

    def stage(name: str) -> None:
        marks[name] = (time.perf_counter(), time.process_time())

    scan_mod._worker = _handed_back  # forked workers inherit the rows and this function
    try:
        with tempfile.TemporaryDirectory(prefix="docgraph-floor-") as tmp:
            conn = ix.connect(Path(tmp) / "floor.db", create=True)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t, c = time.perf_counter(), time.process_time()
            summary = scan_mod.scan([folder], conn, jobs=jobs, stage=stage)
            end, cpu_end = time.perf_counter(), time.process_time()
            conn.close()
    finally:
        scan_mod._worker = real_worker
        _ROWS.clear()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers, once the pool has ended
    workers_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    wall, cpu = end - t, cpu_end - c
    r_wall, r_cpu = marks.get("resolve", (end, cpu_end))
    return {"files": summary.files, "mb": round(nbytes / 1e6, 2), "jobs": jobs, "seconds": wall,
            "resolve_seconds": end - r_wall, "main_cpu_seconds": cpu,
            # this process's CPU split at the resolve stage: listing, receiving and inserting the rows, then
            # resolving documents and edges (with the indexes made and the commit, on a new index)
            "write_cpu_seconds": r_cpu - c, "resolve_cpu_seconds": cpu_end - r_cpu,
            "workers_cpu_seconds": workers_cpu, "mb_s_ceiling": nbytes / 1e6 / wall}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--json", dest="json_out", action="store_true", help="print the figures as JSON")
    a = ap.parse_args(argv)
    if not os.path.isdir(a.folder):
        print(f"error: {a.folder} is not a folder", file=sys.stderr)
        return 2
    r = floor(a.folder, a.jobs)
    if a.json_out:
        print(json.dumps(r, indent=1))
    else:
        print(f"{r['files']} files, {r['mb']} MB, --jobs {r['jobs']}, extraction made free: {r['seconds']:.2f} s"
              f" (resolve {r['resolve_seconds']:.2f} s) = at most {r['mb_s_ceiling']:.1f} MB/s\n"
              f"CPU of the write path (this process): {r['main_cpu_seconds']:.2f} s = listing, receiving and"
              f" writing rows {r['write_cpu_seconds']:.2f} s + resolving {r['resolve_cpu_seconds']:.2f} s;"
              f" workers handing rows back (on a new index packed into SQLite chunks) {r['workers_cpu_seconds']:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
