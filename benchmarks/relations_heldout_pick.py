"""Re-derive the 24 held-out documents of benchmarks/gold/relations_heldout/ by its fixed rule (a record, not a tool).

    python benchmarks/relations_heldout_pick.py [--corpus DIR]

The rule (decided before any file was read, and without running docgraph):
1. pool: every .txt/.md file of the corpus sub-folders that no file of benchmarks/gold/relations/ names;
2. group by kind, from the folder and file name only:
   A laws/decrees/circulars: congbao_8chude files named luat-*, nghi-dinh-*, thong-tu-*            (take 5)
   B decisions: congbao_8chude quyet-dinh-*, provincial qd_* files, congbot_tvpl pages whose first
     3000 characters hold a line that is exactly "QUYẾT ĐỊNH"                                        (take 5)
   C provincial working files: the other files of provincial_laocai_sct and provincial_lamdong_vpubnd (take 8)
   D news: provincial_binhdinh_news                                                                  (take 3)
   E others: every remaining file (VBHN, resolutions, OCR, drafts, catalogue rows, full laws)        (take 3)
3. markers (regular expressions on the text, case-insensitive): rider "được sửa đổi, bổ sung"; request
   "đề nghị | Tờ trình số | Phúc đáp | Trả lời công văn"; repeal "bãi bỏ | hết hiệu lực"; list "các <type word> số";
4. only files of at most 40,000 characters (annotation time), first those with two marker kinds or more, then those
   with one (news: one is enough from the start); within a pass, subgroups (the type word for A, the folder for B and
   C, the folder or the congbao type word for E) take turns, each in the order of sha1 of its "folder/file" path.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
MARKERS = {
    "rider": r"được sửa đổi,? bổ sung",
    "request": r"đề nghị|Tờ trình số|Phúc đáp|Trả lời (công|văn)",
    "repeal": r"bãi bỏ|hết hiệu lực",
    "list": r"các (Nghị định|Nghị quyết|Quyết định|Thông tư|Chỉ thị|Kế hoạch|Luật|Công văn|văn bản) (số|:)",
}
TAKE = {"A": 5, "B": 5, "C": 8, "D": 3, "E": 3}
MAX_CHARS = 40_000


def kind(rel: str, text: str) -> str:
    folder, name = rel.split("/", 1)
    if folder == "congbao_8chude":
        if re.match(r"(luat|nghi-dinh|thong-tu)-", name):
            return "A"
        return "B" if name.startswith("quyet-dinh") else "E"
    if folder.startswith("provincial_") and folder != "provincial_binhdinh_news":
        return "B" if name.startswith("qd_") else "C"
    if folder == "congbot_tvpl":
        return "B" if re.search(r"^QUYẾT ĐỊNH\s*$", text[:3000], re.M) else "E"
    return "D" if folder == "provincial_binhdinh_news" else "E"


def subgroup(rel: str, k: str) -> str:
    folder, name = rel.split("/", 1)
    if k == "A" or (k == "E" and folder == "congbao_8chude"):
        return name.split("-so-")[0]
    return folder


def pick(corpus: Path) -> list[tuple[str, str, list[str]]]:
    tuned = {yaml.safe_load(p.read_text(encoding="utf-8"))["file"] for p in (HERE / "gold" / "relations").glob("*.yaml")}
    rows = []
    for p in sorted(corpus.glob("*/*")):
        rel = p.relative_to(corpus).as_posix()
        if p.suffix not in (".txt", ".md") or rel in tuned:
            continue
        text = p.read_text(encoding="utf-8", errors="replace")
        found = [m for m, rx in MARKERS.items() if re.search(rx, text, re.I)]
        rows.append((hashlib.sha1(rel.encode()).hexdigest(), rel, kind(rel, text), len(text), found))
    rows.sort()
    out = []
    for k in "ABCDE":
        chosen: list = []
        for need in ((1,) if k == "D" else (2, 1)):
            groups: dict[str, list] = {}
            for r in rows:
                if r[2] == k and r[3] <= MAX_CHARS and len(r[4]) >= need and r not in chosen:
                    groups.setdefault(subgroup(r[1], k), []).append(r)
            order = sorted(groups, key=lambda g: groups[g][0][0])
            i = 0
            while len(chosen) < TAKE[k] and any(groups.values()):
                g = order[i % len(order)]
                i += 1
                if groups[g]:
                    chosen.append(groups[g].pop(0))
        out += [(k, r[1], r[4]) for r in chosen]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=None, help="the real corpus (default: ../shared/corpus)")
    a = ap.parse_args(argv)
    a.corpus = a.corpus or next((b / "shared" / "corpus" for b in HERE.parents if (b / "shared" / "corpus").is_dir()),
                                HERE.parent.parent / "shared" / "corpus")
    if not a.corpus.is_dir():
        sys.exit(f"relations_heldout_pick: corpus folder {a.corpus} not found (pass --corpus DIR)")
    for k, rel, found in pick(a.corpus):
        print(k, rel, ",".join(found))
    return 0


if __name__ == "__main__":
    sys.exit(main())
