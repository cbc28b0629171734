"""How precise ``docgraph find --search`` is: queries of two words typed with diacritics, taken from an index's own
titles, and how many of the documents found really hold those words.

    python benchmarks/find_precision.py --db INDEX.db [--every N] [--show N]

Every Nth titled document (by id) gives one query: the first two adjacent words of its title, both of two letters or
more, one at least with a diacritic. A document found is right when its label, its title or a subject recorded where
it is cited holds both words with their diacritics, as whole words (any case, either tone placement: "hoà" = "hòa");
"phrase first" counts the queries whose first document holds the two as a phrase. The judge is this script's own
(it runs the same against any version of docgraph's search).
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docgraph.engine import get_engine  # noqa: E402
from docgraph.normalize import fold, modern_tones  # noqa: E402
from docgraph.query import find_documents  # noqa: E402

WORD = re.compile(r"\w+")


def key(s: str) -> list[str]:
    """The words of a text as compared: NFC, lower case, the new tone placement."""
    return WORD.findall(modern_tones(unicodedata.normalize("NFC", s).lower()))


def queries(conn: sqlite3.Connection, every: int) -> list[str]:
    out: list[str] = []
    titles = [t for (t,) in conn.execute("SELECT title FROM documents WHERE title IS NOT NULL ORDER BY id")]
    for t in titles[::every]:
        words = WORD.findall(unicodedata.normalize("NFC", t))
        for a, b in zip(words, words[1:]):
            if (len(a) > 1 and len(b) > 1 and not a.isdigit() and not b.isdigit()
                    and (fold(a) != a.lower() or fold(b) != b.lower())):
                q = f"{a} {b}"
                if q.lower() not in {x.lower() for x in out}:
                    out.append(q)
                break
    return out


def measure(db: str, every: int) -> dict:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    texts: dict[str, list[list[str]]] = defaultdict(list)
    for r in conn.execute("SELECT id, label, title FROM documents"):
        texts[r["id"]] += [key(r["label"] or ""), key(r["title"] or "")]
    for doc, sub in conn.execute("SELECT DISTINCT doc, subject FROM mentions WHERE subject IS NOT NULL"
                                 " AND doc IS NOT NULL"):
        texts[doc].append(key(sub))
    engine = get_engine(None)
    qs = queries(conn, every)
    found = right = phrase_first = 0
    wrong: list[str] = []
    for q in qs:
        words = key(q)
        ids = find_documents(conn, q, engine, search=True)
        found += len(ids)
        for i in ids:
            if any(set(words) <= set(t) for t in texts[i]):
                right += 1
            else:
                wrong.append(f"{q!r}: {i}")
        if ids and any(any(t[k:k + 2] == words for k in range(len(t) - 1)) for t in texts[ids[0]]):
            phrase_first += 1
    return {"queries": len(qs), "found": found, "right": right, "wrong": wrong, "phrase_first": phrase_first}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--every", type=int, default=10)
    ap.add_argument("--show", type=int, default=0)
    a = ap.parse_args(argv)
    m = measure(a.db, a.every)
    print(f"queries          {m['queries']}")
    print(f"documents found  {m['found']}")
    print(f"  holding them   {m['right']} ({m['right'] / max(m['found'], 1):.1%})")
    print(f"phrase first     {m['phrase_first']} of {m['queries']}")
    for row in m["wrong"][: a.show]:
        print(f"    {row[:160]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
