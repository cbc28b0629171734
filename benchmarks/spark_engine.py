#!/usr/bin/env python3
"""The Spark engine against the default one on the same folder and machine.

    python benchmarks/spark_engine.py [FOLDER] [--files N --mb M --seed S] [--master local[2]] [--jobs 2]

Without FOLDER a synthetic corpus is generated first (benchmarks/generate.py) into a temporary folder. Starts a
throwaway PostgreSQL (tests/pg_server.py: PostgreSQL must be installed), then times, as subprocesses of the CLI:
``docgraph extract FOLDER --db x.db --jobs J`` (default engine, SQLite) and
``docgraph extract FOLDER --engine spark --master M --db postgresql://...`` (a new Spark on each run, so its start is
counted), each into a fresh index and then unchanged. Wall time, CPU seconds of the process tree (the JVM and its
Python workers included) and its peak memory, the machine's load average before and after, and whether the two
indexes are the same field by field (benchmarks/compare_index.py). Needs the spark extra.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(f"docgraph_bench_{name}", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", nargs="?", help="corpus folder (default: generate one into a temporary folder)")
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--mb", type=float, default=None)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--master", default="local[2]", help="Spark master (default local[2])")
    ap.add_argument("--jobs", type=int, default=2, help="the default engine's --jobs (default 2)")
    ap.add_argument("--json", help="write the figures to this file")
    args = ap.parse_args()

    run = _load("run", HERE / "run.py")
    compare = _load("compare_index", HERE / "compare_index.py")
    pg_server = _load("pg_server", HERE.parent / "tests" / "pg_server.py")
    from docgraph.store import open_index

    info = run.machine_info()
    check_before = run.machine_check()
    with tempfile.TemporaryDirectory(prefix="docgraph-spark-bench-") as tmp:
        folder = args.folder
        if folder is None:
            folder = os.path.join(tmp, "corpus")
            gen = _load("generate", HERE / "generate.py")
            mb = args.mb if args.mb is not None else args.files * 5 / 1000
            gen.generate(folder, args.files, mb=mb, seed=args.seed, jobs=2)
        server = pg_server.PgServer().start()
        try:
            url = server.create_database("bench")
            db = os.path.join(tmp, "x.db")
            cli = run.docgraph_cmd()
            default = [*cli, "extract", folder, "--db", db, "--jobs", str(args.jobs), "-q", "--json"]
            spark = [*cli, "extract", folder, "--engine", "spark", "--master", args.master, "--db", url, "-q",
                     "--json"]
            out: dict = {"machine": info, "folder": folder, "master": args.master, "jobs": args.jobs}
            for name, cmd in (("default", default), ("spark", spark)):
                for when in ("first", "unchanged"):
                    load = os.getloadavg()
                    r = run.run_measured(cmd)
                    summary = json.loads(r.pop("stdout"))
                    r.update(load_before=[round(x, 2) for x in load], load_after=[round(x, 2) for x in os.getloadavg()],
                             counts={k: summary[k] for k in ("files", "read", "mentions", "documents", "relations")})
                    out[f"{name}_{when}"] = r
                    print(f"{name:8} {when:9} {r['seconds']:8.1f} s  CPU {r['cpu_seconds']:7.1f} s"
                          f"  peak {r['peak_rss_mib']:6.0f} MiB  load {r['load_before'][0]:.1f}->{r['load_after'][0]:.1f}"
                          f"  {r['counts']}", flush=True)
            diffs = compare.differences(open_index(db), open_index(url))
            out["same"] = all(not v for v in diffs.values())
            print("same index field by field:", out["same"], "" if out["same"] else diffs)
        finally:
            server.stop()
    out["machine_check_ms"] = [round(check_before["median_ms"]), round(run.machine_check()["median_ms"])]
    print("machine check (median ms, before / after):", out["machine_check_ms"], "| commit",
          info.get("docgraph_commit"), "|", info["date"])
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0 if out["same"] else 1


if __name__ == "__main__":
    sys.exit(main())
