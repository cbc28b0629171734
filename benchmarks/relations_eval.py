"""Score docgraph's relations against hand-annotated gold (benchmarks/gold/relations/*.yaml).

A benchmark, not a test: it needs the real corpus (default ../shared/corpus, i.e. /work/shared/corpus), which a
user's clone does not have. It extracts ONLY the annotated files with the code of the checkout it lives in, reads the
SQLite index and prints, per relation type, precision and recall of the documents' own acts, the between-document
recall and the trap violations. The gold format is described in benchmarks/gold/relations/README.md.

    python benchmarks/relations_eval.py [--corpus DIR] [--gold DIR] [--db PATH] [--verbose] [--json]

Gold targets are matched to the index's documents by their number and symbol (and year), or by a law's name and
year, never by docgraph's ids, so the scorer survives a change of the id scheme.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import unicodedata
from collections import defaultdict
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def default_corpus() -> Path:
    """../shared/corpus next to the checkout (or next to any folder above it, for worktrees)."""
    for base in REPO.parents:
        if (base / "shared" / "corpus").is_dir():
            return base / "shared" / "corpus"
    return REPO.parent / "shared" / "corpus"


DEFAULT_GOLD = REPO / "benchmarks" / "gold" / "relations"
ACT_TYPES = ("based_on", "implements", "guides", "amends", "replaces", "repeals", "responds_to", "suspends",
             "corrects", "consolidates")
DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u00ad\ufe63\uff0d"), "-")
LOOKALIKES = {ord("\u00d0"): "d", ord("\u0110"): "d", ord("\u0111"): "d", ord("\u0421"): "c", ord("\u0441"): "c"}
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00a0"), " ")
LAW_NAME = re.compile(r"^(bo luat|luat|phap lenh|hien phap)\b")
NUMBERED = re.compile(r"^(\d+(?:\.\d+)?[a-z]?)\s*[-/]\s*(.+)$")


# ---------------------------------------------------------------- normalisation (pure helpers)

def fold(text: str | None) -> str:
    """NFC, Đ/Ð/đ -> d, diacritics dropped, casefolded, dashes unified, runs of spaces collapsed."""
    if not text:
        return ""
    t = unicodedata.normalize("NFC", str(text)).translate(INVISIBLE).translate(LOOKALIKES).translate(DASHES)
    t = "".join(c for c in unicodedata.normalize("NFD", t) if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", t.casefold()).strip()


def norm_name(text: str | None) -> str:
    """A law's name for comparison: folded, punctuation dropped ("Luật Phòng, chống tham nhũng" -> luat phong chong ...)."""
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", fold(text))).strip()


def norm_number(number: str | None) -> str:
    n = fold(number).replace(" ", "")
    return n.lstrip("0") or ("0" if n else "")


def norm_symbol(symbol: str | None) -> str:
    return fold(symbol).replace(" ", "")


def parse_target(target: str, year: int | None = None) -> dict:
    """A gold target as a key: {"kind": "number", "number", "symbol", "year"} or {"kind": "name", "name", "year"}.

    (Run the examples with ``python -m doctest benchmarks/relations_eval.py``.)

    >>> [parse_target(t)[k] for t in ("30/2020/NĐ-CP", "09/2019/TT-BTC") for k in ("number", "symbol", "year")]
    ['30', 'nd-cp', 2020, '9', 'tt-btc', 2019]
    >>> [parse_target(t)["symbol"] for t in ("35-CT/TW", "2403/QÐ-UBND", "11–NQ/TW", "296- QĐ/TW")]
    ['ct/tw', 'qd-ubnd', 'nq/tw', 'qd/tw']
    >>> parse_target("409/TTr-CAT(PC04)")["symbol"]  # a drafting unit in brackets, as the rules store it
    'ttr-cat-pc04'
    >>> parse_target("Luật Phòng, chống tham nhũng năm 2018")["name"], parse_target("Luật Đất đai 2024")["year"]
    ('luat phong chong tham nhung', 2024)
    """
    f = fold(target)
    m = re.match(r"^(.*?)(?:\s+(?:nam\s+)?(\d{4}))?$", f)
    if LAW_NAME.match(f) and not re.search(r"\d+\s*/\s*\d{4}\s*/", f):
        name, y = (m.group(1), m.group(2)) if m else (f, None)
        return {"kind": "name", "name": norm_name(name), "year": year or (int(y) if y else None), "text": target}
    compact = f.replace(" ", "")
    m = NUMBERED.match(compact)
    if not m:
        return {"kind": "unparsed", "text": target, "year": year}
    number, rest = m.group(1), m.group(2)
    ym = re.match(r"^((?:19|20)\d\d)/(.+)$", rest)
    if ym:
        year = year or int(ym.group(1))
        rest = ym.group(2)
    rest = re.sub(r"\(([^()]+)\)$", r"-\1", rest)
    return {"kind": "number", "number": norm_number(number), "symbol": rest, "year": year, "text": target}


class Resolver:
    """Gold target -> set of document ids of the index (empty when the index has no such document)."""

    def __init__(self, conn: sqlite3.Connection):
        self.by_key: dict[tuple[str, str], list[tuple[str, int | None]]] = defaultdict(list)
        self.names: list[tuple[str, str, str, int | None]] = []  # id, folded name, folded label, year
        for did, number, symbol, year, name, label in conn.execute(
                "SELECT id, number, symbol, year, name, label FROM documents"):
            if number and symbol:
                self.by_key[(norm_number(number), norm_symbol(symbol))].append((did, year))
            if name or label:
                self.names.append((did, norm_name(name), norm_name(label), year))
        self.cache: dict[tuple, frozenset[str]] = {}

    def resolve(self, target: str, year: int | None = None) -> frozenset[str]:
        """Ids of the documents a gold target names; "A|B" lists spellings of one document (a typo in the text)."""
        key = (target, year)
        if key not in self.cache:
            ids: set[str] = set()
            for alt in str(target).split("|"):
                ids |= self._resolve(parse_target(alt.strip(), year))
            self.cache[key] = frozenset(ids)
        return self.cache[key]

    def _resolve(self, t: dict) -> set[str]:
        if t["kind"] == "number":
            cands = self.by_key.get((t["number"], t["symbol"]), [])
            if t["year"]:
                exact = [d for d, y in cands if y == t["year"]]
                return set(exact or [d for d, y in cands if y is None])
            return {d for d, _ in cands}
        if t["kind"] == "name":
            name, y = t["name"], t["year"]
            pool = [(d, n, lab) for d, n, lab, dy in self.names if y is None or dy == y or (dy is None and str(y) in lab)]
            for test in (lambda n, lab: n == name, lambda n, lab: n.startswith(name) or lab.startswith(name),
                         lambda n, lab: name in n or name in lab):
                hits = {d for d, n, lab in pool if test(n, lab)}
                if hits:
                    return hits
        return set()


# ---------------------------------------------------------------- running docgraph

def run_extract(files: list[Path], db: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    cmd = [sys.executable, "-m", "docgraph", "extract", *map(str, files), "--db", str(db), "-q"]
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"relations_eval: docgraph extract failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")


_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, when PyYAML has it: ten times faster


def load_gold(gold_dir: Path) -> list[dict]:
    out = []
    for p in sorted(gold_dir.glob("*.yaml")):
        g = yaml.load(p.read_text(encoding="utf-8"), Loader=_SAFE_LOADER) or {}  # noqa: S506 - a safe loader
        if not g.get("file"):
            sys.exit(f"relations_eval: {p.name} has no 'file'")
        g["_gold"] = p.name
        for k in ("acts", "between", "traps"):
            g[k] = g.get(k) or []
        out.append(g)
    return out


# ---------------------------------------------------------------- scoring

def _edge_files(file: str | None, evidence_all: str | None) -> set[str]:
    files = {file} if file else set()
    try:
        files |= {e.get("file") for e in json.loads(evidence_all or "[]") if isinstance(e, dict)}
    except (ValueError, TypeError):
        pass
    return {os.path.realpath(f) for f in files if f}


def score(gold: list[dict], conn: sqlite3.Connection, corpus: Path) -> dict:
    res = Resolver(conn)
    own_of = {os.path.realpath(p): o for p, o in conn.execute("SELECT path, own_id FROM files")}
    edges = [(s, t, r, _edge_files(f, ea)) for s, t, r, f, ea in
             conn.execute("SELECT source, target, relation, file, evidence_all FROM edges")]
    acts_by = defaultdict(list)  # (source, target) -> [relation, ...] (non-cites)
    for s, t, r, _ in edges:
        if r != "cites":
            acts_by[(s, t)].append(r)
    per = {r: {"gold": 0, "pred": 0, "tp_pred": 0, "tp_gold": 0} for r in ACT_TYPES}
    found = right = n_acts = 0
    btw_gold = btw_found = btw_pred = btw_tp = 0
    traps_n = traps_hit = unresolved = own_n = own_ok = 0
    details: list[dict] = []

    def note(file, kind, relation, source, target, why=""):
        details.append({"file": file, "kind": kind, "relation": relation, "source": source, "target": target,
                        "why": why})

    for g in gold:
        fname = g["file"]
        path = os.path.realpath(corpus / fname)
        own = own_of.get(path)
        own_label = own or f"<no own id; gold {g.get('own')}>"
        if g.get("own"):
            own_n += 1
            if own and own in res.resolve(str(g["own"]), g.get("own_year")):
                own_ok += 1
            else:
                note(fname, "own number not recognised", "-", own_label, g["own"])
        # (a)-(c) the document's own acts
        gold_acts = []  # (relation, target text, ids)
        for a in g["acts"]:
            ids = res.resolve(str(a["target"]), a.get("year"))
            if not ids:
                unresolved += 1
                note(fname, "unresolved", a["relation"], "own", a["target"], "no document in the index")
            gold_acts.append((a["relation"], str(a["target"]), ids))
        for rel, tgt, ids in gold_acts:
            n_acts += 1
            per.setdefault(rel, {"gold": 0, "pred": 0, "tp_pred": 0, "tp_gold": 0})["gold"] += 1
            rels = {r for t in ids for r in acts_by.get((own, t), [])} if own else set()
            if rels:
                found += 1
                if rel in rels:
                    right += 1
                    per[rel]["tp_gold"] += 1
                else:
                    note(fname, "wrong type", rel, own_label, tgt, "found as " + ",".join(sorted(rels)))
            else:
                note(fname, "missed act", rel, own_label, tgt)
        gold_pairs = {(rel, t) for rel, _, ids in gold_acts for t in ids}
        for s, t, r, files in edges:
            if r == "cites" or s != own or own is None or path not in files:
                continue
            per.setdefault(r, {"gold": 0, "pred": 0, "tp_pred": 0, "tp_gold": 0})["pred"] += 1
            if (r, t) in gold_pairs:
                per[r]["tp_pred"] += 1
            else:
                note(fname, "false positive", r, s, t)
        # (d) between-document relations
        gold_btw = []
        for b in g["between"]:
            sids, tids = res.resolve(str(b["source"]), b.get("source_year")), res.resolve(str(b["target"]), b.get("year"))
            gold_btw.append((b["relation"], sids, tids))
            btw_gold += 1
            if any((s, t) in acts_by and b["relation"] in acts_by[(s, t)] for s in sids for t in tids):
                btw_found += 1
            else:
                why = "" if sids and tids else "source or target not in the index"
                note(fname, "missed between", b["relation"], b["source"], b["target"], why)
        for s, t, r, files in edges:
            if r == "cites" or s == own or path not in files:
                continue
            btw_pred += 1
            if any(r == rel and s in sids and t in tids for rel, sids, tids in gold_btw):
                btw_tp += 1
            else:
                note(fname, "false between", r, s, t)
        # (e) traps
        for tr in g["traps"]:
            traps_n += 1
            sids = res.resolve(str(tr["source"]), tr.get("source_year")) if tr.get("source") else {own} - {None}
            tids = res.resolve(str(tr["target"]), tr.get("year"))
            rel = tr.get("relation")
            hit = sorted({r for s in sids for t in tids for r in acts_by.get((s, t), []) if rel in (None, r)})
            if hit:
                traps_hit += 1
                note(fname, "trap violated", ",".join(hit), tr.get("source") or own_label, tr["target"],
                     tr.get("why", ""))

    def ratio(a, b):
        return round(a / b, 3) if b else None

    types = {r: {"gold": v["gold"], "pred": v["pred"], "tp": v["tp_gold"], "tp_pred": v["tp_pred"],
                 "precision": ratio(v["tp_pred"], v["pred"]), "recall": ratio(v["tp_gold"], v["gold"])}
             for r, v in per.items() if v["gold"] or v["pred"]}
    return {
        "documents": len(gold), "own_recognised": [own_ok, own_n],
        "types": types,
        "acts_found": [found, n_acts], "type_accuracy": [right, found],
        "between_recall": [btw_found, btw_gold], "between_precision": [btw_tp, btw_pred],
        "trap_violations": [traps_hit, traps_n],
        "unresolved_targets": unresolved,
        "details": details,
    }


def show(result: dict, verbose: bool) -> None:
    def pct(a, b):
        return f"{a}/{b} ({a / b:.0%})" if b else f"{a}/{b}"

    def f3(x):
        return "-" if x is None else f"{x:.2f}"

    print(f"{'relation':<14}{'gold':>6}{'pred':>6}{'TP':>6}{'prec':>7}{'recall':>8}")
    for r, v in result["types"].items():
        print(f"{r:<14}{v['gold']:>6}{v['pred']:>6}{v['tp']:>6}{f3(v['precision']):>7}{f3(v['recall']):>8}")
    t = {k: sum(v[k] for v in result["types"].values()) for k in ("gold", "pred", "tp", "tp_pred")}
    print(f"{'all acts':<14}{t['gold']:>6}{t['pred']:>6}{t['tp']:>6}"
          f"{f3(t['tp_pred'] / t['pred'] if t['pred'] else None):>7}{f3(t['tp'] / t['gold'] if t['gold'] else None):>8}")
    print()
    print(f"documents annotated:           {result['documents']}")
    print(f"own number recognised:         {pct(*result['own_recognised'])}")
    print(f"own acts found (any type):     {pct(*result['acts_found'])}")
    print(f"  ... with the right type:     {pct(*result['type_accuracy'])}")
    print(f"between-document recall:       {pct(*result['between_recall'])}")
    print(f"between-document precision:    {pct(*result['between_precision'])}")
    print(f"trap violations:               {result['trap_violations'][0]} of {result['trap_violations'][1]} traps")
    print(f"gold targets not in the index: {result['unresolved_targets']}")
    if verbose:
        print()
        for d in result["details"]:
            why = f"   ({d['why']})" if d["why"] else ""
            print(f"{d['file']}: {d['kind']} {d['relation']} {d['source']} -> {d['target']}{why}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=None, help="the real corpus (default: ../shared/corpus)")
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--db", type=Path, help="index to write (default: a temporary file)")
    ap.add_argument("--verbose", "-v", action="store_true", help="list every miss, false positive and trap hit")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    a = ap.parse_args(argv)
    a.corpus = a.corpus or default_corpus()
    if not a.corpus.is_dir():
        sys.exit(f"relations_eval: corpus folder {a.corpus} not found (this benchmark needs the real corpus; "
                 "pass --corpus DIR)")
    if not a.gold.is_dir():
        sys.exit(f"relations_eval: gold folder {a.gold} not found")
    gold = load_gold(a.gold)
    if not gold:
        sys.exit(f"relations_eval: no *.yaml gold files in {a.gold}")
    missing = [g["file"] for g in gold if not (a.corpus / g["file"]).is_file()]
    if missing:
        sys.exit(f"relations_eval: gold names files absent from the corpus: {', '.join(missing)}")
    files = [(a.corpus / g["file"]).resolve() for g in gold]
    with tempfile.TemporaryDirectory(prefix="relations_eval-") as tmp:
        db = a.db or Path(tmp) / "index.db"
        if a.db and db.exists():
            db.unlink()
        run_extract(files, db)
        conn = sqlite3.connect(db)
        try:
            result = score(gold, conn, a.corpus)
        finally:
            conn.close()
    if a.json:
        if not a.verbose:
            result = {k: v for k, v in result.items() if k != "details"}
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        show(result, a.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
