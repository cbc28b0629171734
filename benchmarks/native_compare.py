"""Compare the compiled core (native/) with the Python engine on the files of folders: every output of every stage
the core runs must be the same.

    python benchmarks/native_compare.py FOLDER [FOLDER ...] [--stage structure|relations|scan|extract|header]
        [--repeat N] [--show N]

Reads each file as ``docgraph extract`` does (docgraph's readers), runs each stage both ways and compares what it
returns (structure: every part with its kind, offsets, label, attached flag and number, the wrapped flag and the line
starts, for both shapes, "document" and "article"; relations: every relation the relation reader finds, with its
evidence, from the same mentions, header and structure, the relation phrases searched by each engine; scan: every
core of ``Engine._match_cores`` with its span, rule, number, year, symbol, type word and name; extract: every mention
of ``Engine.extract``; header: every field of ``read_header``'s FileHeader, from the same mentions, and of ``read_settled``'s); prints the number of files and outputs compared, those that differ (the first --show of them
named), and the CPU seconds of each engine on the stage (``--repeat`` runs, alternated, the median). Exit code 1 when
any output differs. A later stage adds its comparison to ``STAGES``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docgraph import native  # noqa: E402
from docgraph.engine import Engine, get_engine  # noqa: E402
from docgraph.normalize import normalize  # noqa: E402
from docgraph.readers import read_file  # noqa: E402
from docgraph.structure import StructureReader  # noqa: E402

SHAPES = ("document", "article")


def structure_outputs(reader: StructureReader, text: str) -> list[Any]:
    out = []
    for shape in SHAPES:
        st = reader.read(text, shape)
        out.append((st.parts, st.wrapped, st._line_starts))
    return out


def structure_stage(rules, texts=None) -> tuple[Callable[[str], Any], Callable[[str], Any]]:
    """(the Python engine's function, the core's) of one text, for this stage."""
    py = StructureReader(rules.structure, use_native=False)
    rs = StructureReader(rules.structure, use_native=True)
    return (lambda text: structure_outputs(py, text)), (lambda text: structure_outputs(rs, text))


def relations_stage(rules, texts: list[tuple[str, str]]) -> tuple[Callable[[str], Any], Callable[[str], Any]]:
    """The relation reader with the phrases searched in Python, and with the core (the rest in Python for both)."""
    from docgraph.engine import get_engine
    from docgraph.header import read_header
    from docgraph.relations import RelationFinder

    e = get_engine(None)
    py = RelationFinder(rules.relations, rules.structure, e.lexicon)
    py.triggers._core = None  # the reference: PhraseScanner._finditer_py
    py.layout_core = None  # and _Reader._layout_py
    py.core = None  # and _Reader itself
    rs = RelationFinder(rules.relations, rules.structure, e.lexicon)
    prepared: dict[str, tuple] = {}
    for _, text in texts:  # what the relation reader is given, read once, outside the timing
        ms = e.extract(text)
        h = read_header(text, ms, e.lexicon)
        art = h.kind in ("article", "unknown")
        prepared[text] = (ms, art, py.reader.read(text, "article" if art else "document"), h)

    def run(finder):
        def one(text: str) -> list:
            ms, art, st, h = prepared[text]
            return finder.find(text, ms, article=art, structure=st, doc_type=h.type, doc_symbol=h.symbol)
        return one

    return run(py), run(rs)



def _engines(rules) -> tuple[Engine, Engine]:
    """(an engine whose stages run in Python, one that uses the core), over the same rules"""
    old = os.environ.get(native.ENV_SWITCH)
    try:
        os.environ[native.ENV_SWITCH] = "0"
        py = Engine(rules)
        os.environ[native.ENV_SWITCH] = "1"
        rs = Engine(rules)
    finally:
        if old is None:
            os.environ.pop(native.ENV_SWITCH, None)
        else:
            os.environ[native.ENV_SWITCH] = old
    return py, rs


def _core_rows(cores) -> list[tuple]:
    return [(c.start, c.end, c.rule.id, c.number, c.year, c.symbol, c.tw, c.name) for c in cores]


def scan_stage(rules, texts: list[tuple[str, str]]) -> tuple[Callable[[str], Any], Callable[[str], Any]]:
    """The rule scans (Engine._match_cores): every core with its span, rule and fields, on the texts normalized once
    outside the timing."""
    py, rs = _engines(rules)
    norm = {text: normalize(text).text for _, text in texts}
    return (lambda text: _core_rows(py._match_cores_py(norm[text]))), \
        (lambda text: _core_rows(rs._match_cores(norm[text])))


def extract_stage(rules, texts=None) -> tuple[Callable[[str], Any], Callable[[str], Any]]:
    """Engine.extract: every mention, all of its fields."""
    py, rs = _engines(rules)
    return py.extract, rs.extract


def header_stage(rules, texts: list[tuple[str, str]]) -> tuple[Callable[[str], Any], Callable[[str], Any]]:
    """read_header: every field of the FileHeader, from the same mentions (extracted once, outside the timing), and
    what read_settled (read_header then identity.settle_place) gives without a default province and with one."""
    import dataclasses

    from docgraph.header import read_header
    from docgraph.identity import read_settled

    e = get_engine(None)
    mentions = {text: e.extract(text) for _, text in texts}

    def run(use: bool):
        return lambda text: [dataclasses.astuple(h) for h in (
            read_header(text, mentions[text], e.lexicon, use_native=use),
            read_settled(text, mentions[text], e.lexicon, None, use_native=use),
            read_settled(text, mentions[text], e.lexicon, "Bắc Ninh", use_native=use))]
    return run(False), run(True)


STAGES: dict[str, Callable] = {"structure": structure_stage, "relations": relations_stage, "scan": scan_stage,
                               "extract": extract_stage, "header": header_stage}


def texts_of(folders: list[str]) -> list[tuple[str, str]]:
    out = []
    for folder in folders:
        paths = [folder] if os.path.isfile(folder) else sorted(
            str(p) for p in Path(folder).rglob("*") if p.is_file())
        for p in paths:
            r = read_file(p)
            if r.text is not None:
                out.append((p, r.text))
    return out


def timed(fn: Callable[[str], Any], texts: list[tuple[str, str]]) -> tuple[float, list[Any]]:
    t0 = time.process_time()
    got = [fn(t) for _, t in texts]
    return time.process_time() - t0, got


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folders", nargs="+")
    ap.add_argument("--stage", choices=sorted(STAGES), action="append")
    ap.add_argument("--repeat", type=int, default=1, help="timed runs of each engine, alternated (median shown)")
    ap.add_argument("--show", type=int, default=10, help="name at most N differing files")
    a = ap.parse_args(argv)
    if not native.installed():
        print(f"native_compare: {native._missing()}", file=sys.stderr)
        return 2
    texts = texts_of(a.folders)
    rules = get_engine(None).rules
    failed = False
    for name in a.stage or sorted(STAGES):
        py, rs = STAGES[name](rules, texts)
        times: dict[str, list[float]] = {"python": [], "native": []}
        for _ in range(max(1, a.repeat)):
            tp, want = timed(py, texts)
            tr, got = timed(rs, texts)
            times["python"].append(tp)
            times["native"].append(tr)
        differ = [path for (path, _), w, g in zip(texts, want, got) if w != g]
        outputs = sum(len(w) for w in want)
        parts = sum(len(o[0]) for w in want for o in w) if name == "structure" else None
        mp, mr = statistics.median(times["python"]), statistics.median(times["native"])
        print(f"{name}: {len(texts)} files, {outputs} outputs" + (f" ({parts} parts)" if parts is not None else "")
              + f" compared, {len(differ)} differing; CPU python {mp:.3f} s, native {mr:.3f} s"
              + (f" ({mp / mr:.1f}x)" if mr > 0 else ""))
        for path in differ[:a.show]:
            print(f"  differs: {path}")
        failed |= bool(differ)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
