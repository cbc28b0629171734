"""Snapshot every output docgraph makes for a folder, to prove a refactoring changes none of them.

    python benchmarks/snapshot.py OUTDIR FOLDER [FOLDER ...]

Writes into OUTDIR: the index's tables as TSV (every row, ordered, the meta table without timestamps), the
`extract --jsonl` stream, every export format (whole graph), and the JSON of the query commands for the most cited
documents. Two snapshots of the same folders are then compared with `diff -r OUT1 OUT2`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

FORMATS = ("graphml", "gexf", "json", "csv", "dot", "mermaid", "html", "neo4j")


def run(args: list[str], out: Path | None = None) -> None:
    env = dict(os.environ, COLUMNS="120", DOCGRAPH_LANG="en")
    r = subprocess.run([sys.executable, "-m", "docgraph", *args], capture_output=True, env=env)
    if out is not None:
        out.write_bytes(r.stdout + b"\n--- stderr ---\n" + r.stderr + f"\n--- exit {r.returncode} ---\n".encode())


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(sys.argv[1])
    folders = sys.argv[2:]
    out.mkdir(parents=True, exist_ok=True)
    db = out / "index.db"
    if db.exists():
        db.unlink()
    run(["extract", *folders, "--db", str(db), "--jobs", "1"], out / "extract.txt")
    run(["extract", *folders, "--db", str(out / "jsonl.db"), "--jsonl", "--jobs", "1"], out / "extract.jsonl")
    (out / "jsonl.db").unlink(missing_ok=True)
    conn = sqlite3.connect(db)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    for t in tables:
        cols = [r[1] for r in conn.execute(f"PRAGMA table_info({t})")]
        rows = conn.execute(f"SELECT * FROM {t} ORDER BY {', '.join(str(i + 1) for i in range(len(cols)))}")
        with open(out / f"table_{t}.tsv", "w", encoding="utf-8") as f:
            f.write("\t".join(cols) + "\n")
            for r in rows:
                if t == "meta" and r[0] in ("updated", "created", "last_run", "started", "finished"):
                    continue
                f.write("\t".join("" if v is None else str(v).replace("\n", "\\n") for v in r) + "\n")
    top = [r[0] for r in conn.execute(
        "SELECT target FROM edges GROUP BY target ORDER BY COUNT(*) DESC, target LIMIT 8")]
    conn.close()
    for fmt in FORMATS:
        target = out / f"export.{fmt}"
        run(["export", "-f", fmt, "-o", str(target), "--db", str(db)], out / f"export_{fmt}.log")
    run(["export", "-f", "graphml", "--yed", "-o", str(out / "export.yed.graphml"), "--db", str(db)])
    for i, doc in enumerate(top):
        for cmd in (["implementers", doc, "--json"], ["implementers", doc], ["chain", doc, "--json"],
                    ["show", doc, "--json"], ["show", doc], ["timeline", doc, "--json"],
                    ["gaps", doc, "--json"], ["export", "-f", "html", "--from", doc]):
            run([*cmd, "--db", str(db)], out / f"q{i}_{cmd[0]}_{'_'.join(c.strip('-') for c in cmd[2:])}.txt")
    for cmd in (["stats", "--json"], ["stats"], ["missing", "--json", "--limit", "0"], ["missing"],
                ["find", "--search", "kế hoạch", "--json"]):
        run([*cmd, "--db", str(db)], out / f"{'_'.join(c.strip('-').replace(' ', '_') for c in cmd)}.txt")
    print(json.dumps({"out": str(out), "tables": tables, "top": top}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
