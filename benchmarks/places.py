"""How many local documents docgraph places in a province: the share of provincial, department, district and commune
nodes whose jurisdiction names a province of the gazetteer, and every jurisdiction that is not a place.

    python benchmarks/places.py FOLDER [--default SUBFOLDER=PROVINCE ...] [--db OUT.db]
    python benchmarks/places.py --db INDEX.db          # measure an index already built

With FOLDER the index is built afresh (``docgraph extract FOLDER``); each ``--default`` then runs
``docgraph extract FOLDER/SUBFOLDER --province PROVINCE`` on the same index, as a user does for a folder exported
from one province's database that never names its province.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docgraph.lexicon import load_lexicon  # noqa: E402

LEVELS = ("provincial", "department", "district", "commune")


def extract(args: list[str]) -> None:
    r = subprocess.run([sys.executable, "-m", "docgraph", "extract", "--quiet", *args], capture_output=True, text=True)
    if r.returncode not in (0, 1):
        sys.exit(f"extract {' '.join(args)} failed ({r.returncode}): {r.stderr.strip()[-500:]}")


def measure(db: str) -> dict:
    g = load_lexicon().gazetteer
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT id, level, jurisdiction, source_file FROM documents WHERE level IN (?,?,?,?)",
                        LEVELS).fetchall()
    out: dict = {"levels": {}, "not_places": Counter(), "total": 0, "placed": 0}
    for lvl in LEVELS:
        n = placed = files = files_placed = 0
        for _id, level, juris, src in rows:
            if level != lvl:
                continue
            prov = (juris or "").split(" / ")[0].strip()
            ok = bool(prov) and prov != "?" and g.is_province(prov)
            if prov and prov != "?" and not ok:
                out["not_places"][prov] += 1
            n += 1
            placed += ok
            if src:
                files += 1
                files_placed += ok
        out["levels"][lvl] = (n, placed, files, files_placed)
        out["total"] += n
        out["placed"] += placed
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", nargs="?")
    ap.add_argument("--db")
    ap.add_argument("--default", action="append", default=[], metavar="SUBFOLDER=PROVINCE")
    a = ap.parse_args()
    if a.folder is None and a.db is None:
        ap.error("give a FOLDER or --db")
    db = a.db
    if a.folder:
        db = db or os.path.join(tempfile.mkdtemp(prefix="places-"), "index.db")
        if os.path.exists(db):
            os.unlink(db)
        extract([a.folder, "--db", db])
        for d in a.default:
            sub, _, prov = d.partition("=")
            extract([os.path.join(a.folder, sub), "--db", db, "--province", prov])
    m = measure(db)
    print(f"index: {db}")
    print(f"{'level':<12}{'nodes':>7}{'placed':>8}{'share':>8}   {'files':>6}{'placed':>8}")
    for lvl, (n, placed, files, fp) in m["levels"].items():
        share = f"{100 * placed / n:.1f}%" if n else "-"
        print(f"{lvl:<12}{n:>7}{placed:>8}{share:>8}   {files:>6}{fp:>8}")
    share = f"{100 * m['placed'] / m['total']:.1f}%" if m["total"] else "-"
    print(f"{'all local':<12}{m['total']:>7}{m['placed']:>8}{share:>8}")
    bad = m["not_places"]
    print(f"jurisdictions that are no place: {sum(bad.values())}"
          + (": " + ", ".join(f"{k!r} ×{v}" for k, v in bad.most_common(15)) if bad else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
