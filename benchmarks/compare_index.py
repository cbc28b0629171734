"""Compare two docgraph indexes field by field (an SQLite file, a postgresql:// URL, or one of each).

    python benchmarks/compare_index.py A B

Compares every column of the documents and edges (and the order the graph is read in), the mentions and raw
relations of each file (by path: file ids differ between engines) and the files (without their ids). Prints one
line per table and the first differences; exit code 1 when they differ. The Spark engine's tests use it to check
that `extract --engine spark --db postgresql://...` gives the index `extract --db x.db` gives.
"""

from __future__ import annotations

import sys
from typing import Any

TABLES = {  # table -> (columns left out, ORDER BY)
    "documents": ((), "id"),
    "edges": ((), "source, target, relation"),
    "files": (("id",), "path"),
    "mentions": (("id", "file_id"), "f.path, m.idx"),
    "raw_relations": (("file_id",), "f.path, r.line, r.source_idx, r.target_idx, r.relation, r.evidence"),
}
_ALIAS = {"mentions": "m", "raw_relations": "r"}


def _rows(conn: Any, table: str, cols: list[str], order: str) -> list[tuple]:
    q = ", ".join(f'"{c}"' for c in cols)
    if table in _ALIAS:
        a = _ALIAS[table]
        q = f"SELECT f.path, {', '.join(f'{a}.{chr(34)}{c}{chr(34)}' for c in cols)} FROM {table} {a}" \
            f" JOIN files f ON f.id = {a}.file_id ORDER BY {order}"
    else:
        q = f"SELECT {q} FROM {table} ORDER BY {order}"
    return [tuple(r) for r in conn.execute(q)]


def differences(a: Any, b: Any, *, limit: int = 5) -> dict[str, list[str]]:
    """Table -> descriptions of its differences between the indexes ``a`` and ``b`` (open connections); an empty
    list when the table is the same."""
    from docgraph.store.postgres import columns

    out: dict[str, list[str]] = {}
    for table, (skip, order) in TABLES.items():
        cols = [c for c in columns(table) if c not in skip and c != "rowid"]
        ra, rb = _rows(a, table, cols, order), _rows(b, table, cols, order)
        diffs: list[str] = []
        if len(ra) != len(rb):
            diffs.append(f"{len(ra)} rows against {len(rb)}")
        names = (["path"] if table in _ALIAS else []) + cols
        for x, y in zip(ra, rb):
            if x != y and len(diffs) < limit:
                fields = {n: (v, w) for n, v, w in zip(names, x, y) if v != w}
                diffs.append(f"{x[:2]}: {fields}")
            elif x != y:
                diffs.append("...")
                break
        if table in ("documents", "edges"):
            keys = order.split(", ")
            oa = [r[:len(keys)] for r in a.execute(f"SELECT {order} FROM {table} ORDER BY rowid")]
            ob = [r[:len(keys)] for r in b.execute(f"SELECT {order} FROM {table} ORDER BY rowid")]
            if [tuple(r) for r in oa] != [tuple(r) for r in ob]:
                diffs.append("read in another order")
        out[table] = diffs
    return out


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    from docgraph.store import open_index

    a, b = open_index(sys.argv[1]), open_index(sys.argv[2])
    same = True
    for table, diffs in differences(a, b).items():
        n = a.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        print(f"{table:14} {n:9} rows  {'same' if not diffs else 'DIFFERENT'}")
        for d in diffs:
            print(f"    {d}")
        same &= not diffs
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
