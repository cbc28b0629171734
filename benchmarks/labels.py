"""How readable the labels of an index are: counts of the label faults an analyst meets in a table or a report.

    python benchmarks/labels.py FOLDER [--db OUT.db] [--show N]
    python benchmarks/labels.py --db INDEX.db [--show N]      # measure an index already built

- ``generic_type``: documents typed "Văn bản" though their number's type code names a type (12/2022/NĐ-CP is a
  Nghị định); a consolidated text (VBHN) names none and is not counted;
- ``issuer_repeated``: issuers that say a part twice ("Bộ Tài chính - Bộ Tài chính", also with other case, spaces or
  dashes);
- ``subject_field``: subjects (a document's title, or the subject recorded where it is cited) that run into a
  database export's next field ("... hieu_luc: Văn bản đang có hiệu lực");
- ``title_markup``: titles that keep markdown ("# ...", "**...**");
- ``untitled``: documents and drafts read from a file of the folder that got no title;
- ``furniture_title``: news items titled with a line of the page's furniture ("Chia sẻ", "Multimedia Đọc Báo in"),
  as the page_furniture table of the rules names it;
- ``number_split``: one number and symbol of one year and jurisdiction indexed as more than one document;
- ``issuer_not_canonical``: central documents whose issuer is not the name the issuers table gives their code, or
  one of the other bodies it names for that code (35/2023/NĐ-CP "của Chỉnh phú" is Chính phủ; "Bộ trưởng Bộ Tài
  chính" of a TT-BTC is Bộ Tài chính); local, ambiguous and joint codes are not counted.

``--show N`` prints up to N examples of each.
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docgraph.header import _furniture, _words  # noqa: E402
from docgraph.lexicon import load_lexicon  # noqa: E402
from docgraph.normalize import fold  # noqa: E402

FIELD = re.compile(r"(?<![\w])[a-z]+(?:_[a-z]+)+\s*:")
GENERIC = "Văn bản"


def extract(folder: str, db: str) -> None:
    r = subprocess.run([sys.executable, "-m", "docgraph", "extract", "--quiet", folder, "--db", db],
                       capture_output=True, text=True)
    if r.returncode not in (0, 1):
        sys.exit(f"extract {folder} failed ({r.returncode}): {r.stderr.strip()[-500:]}")


def type_of_code(symbol: str | None, codes: dict[str, str], worded: frozenset[str] = frozenset()) -> str | None:
    """The type a symbol's type code names ("NĐ-CP" -> "Nghị định", "KH/TU" -> "Kế hoạch"), or None; a code that
    names its type only with the type word (``worded``: TC) names none."""
    if not symbol:
        return None
    first = symbol.split("/")[0].split("-")[0]
    t = None if first in worded else codes.get(first)
    return t if t and t != GENERIC else None


def _key(s: str) -> str:
    return "".join(ch for ch in fold(s) if ch.isalnum())


def repeats(issuer: str | None) -> bool:
    """Whether an issuer says a part twice: two equal parts between " - ", or the whole said twice over."""
    if not issuer:
        return False
    parts = [_key(p) for p in issuer.split(" - ") if _key(p)]
    if len(parts) != len(set(parts)):
        return True
    k = "".join(parts)
    return len(k) % 2 == 0 and len(k) > 0 and k[: len(k) // 2] == k[len(k) // 2:]


def measure(db: str) -> dict[str, list[str]]:
    lexicon = load_lexicon()
    codes, words = lexicon.type_codes, _words(lexicon)
    conn = sqlite3.connect(db)
    out: dict[str, list[str]] = {k: [] for k in ("generic_type", "issuer_repeated", "subject_field", "title_markup",
                                                  "untitled", "furniture_title", "number_split",
                                                  "issuer_not_canonical")}
    for id_, typ, symbol, issuer, title, kind, src, code, level in conn.execute(
            "SELECT id, type, symbol, issuer, title, kind, source_file, issuer_code, level FROM documents"):
        named = type_of_code(symbol, codes, lexicon.worded_type_codes)
        if typ == GENERIC and named:
            out["generic_type"].append(f"{id_}: {typ} {symbol} (the code names a {named})")
        if repeats(issuer):
            out["issuer_repeated"].append(f"{id_}: {issuer}")
        if title and FIELD.search(title):
            out["subject_field"].append(f"{id_}: {title}")
        if title and (title.startswith("#") or title.startswith("**")):
            out["title_markup"].append(f"{id_}: {title}")
        if src and kind in ("document", "draft") and not title:
            out["untitled"].append(f"{id_}: {src}")
        if kind == "article" and title and _furniture(title, words):
            out["furniture_title"].append(f"{id_}: {title}")
        if level == "central" and issuer and lexicon.issuer_name(code, issuer) != issuer:
            out["issuer_not_canonical"].append(f"{id_}: {issuer} ({code}: {lexicon.issuer_name(code, issuer)})")
    for doc, subject in conn.execute("SELECT DISTINCT doc, subject FROM mentions WHERE subject IS NOT NULL"):
        if FIELD.search(subject):
            out["subject_field"].append(f"{doc} (cited): {subject}")
    for number, symbol, year, juris, ids in conn.execute(
            "SELECT number, REPLACE(symbol, ' ', ''), year, jurisdiction, GROUP_CONCAT(id, ' ') FROM documents"
            " WHERE number IS NOT NULL AND symbol IS NOT NULL GROUP BY 1, 2, 3, 4 HAVING COUNT(*) > 1"):
        out["number_split"].append(f"{number}/{symbol} {year} {juris or ''}: {ids}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", nargs="?")
    ap.add_argument("--db")
    ap.add_argument("--show", type=int, default=0)
    a = ap.parse_args(argv)
    if a.folder is None and a.db is None:
        ap.error("give a FOLDER to extract or --db INDEX")
    with tempfile.TemporaryDirectory() as tmp:
        db = a.db or os.path.join(tmp, "labels.db")
        if a.folder:
            if a.db and os.path.exists(a.db):
                os.remove(a.db)
            extract(a.folder, db)
        found = measure(db)
    for name, rows in found.items():
        print(f"{name:16} {len(rows)}")
        for row in rows[: a.show]:
            print(f"    {row[:160]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
