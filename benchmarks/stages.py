"""CPU seconds of each per-file stage, in one process, on the files of a folder.

    python benchmarks/stages.py FOLDER [--files N] [--repeat R]

Runs the stages of ``pipeline.process_read`` one after another on each file (read, rule scans, header, mention keys,
structure, relations), each timed with process_time around its call, and prints the seconds per stage of the last of
R passes (the first ones warm the caches). ``DOCGRAPH_NATIVE=0`` or ``1`` chooses the engine of the stages the
compiled core runs (``docgraph --version`` says which are).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docgraph import native  # noqa: E402
from docgraph.engine import get_engine  # noqa: E402
from docgraph.identity import mention_key, read_settled  # noqa: E402
from docgraph.readers.registry import read_file  # noqa: E402
from docgraph.relations import RelationFinder  # noqa: E402

STAGES = ("read", "extract", "header", "keys", "structure", "relations")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder")
    ap.add_argument("--files", type=int, default=1000, help="at most N files, in name order (default 1000)")
    ap.add_argument("--repeat", type=int, default=2, help="passes; the last one is shown (default 2)")
    a = ap.parse_args(argv)
    files = sorted(str(p) for p in Path(a.folder).rglob("*") if p.is_file())[:a.files]
    e = get_engine(None)
    finder = RelationFinder(e.rules.relations, e.rules.structure, e.lexicon)
    pt = time.process_time
    seconds = dict.fromkeys(STAGES, 0.0)
    for _ in range(max(1, a.repeat)):
        seconds = dict.fromkeys(STAGES, 0.0)
        for f in files:
            t0 = pt()
            text = read_file(f).text
            if text is None:
                continue
            t1 = pt()
            ms = e.extract(text)
            t2 = pt()
            h = read_settled(text, ms, e.lexicon)  # read_header, then identity.settle_place
            t3 = pt()
            [None if m.own else mention_key(m, h, e.lexicon) for m in ms]
            t4 = pt()
            article = h.kind in ("article", "unknown")
            st = finder.reader.read(text, "article" if article else "document")
            t5 = pt()
            finder.find(text, ms, article=article, structure=st, doc_type=h.type, doc_symbol=h.symbol)
            t6 = pt()
            for k, dt in zip(STAGES, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5)):
                seconds[k] += dt
    print(f"{len(files)} files; {native.describe()}; DOCGRAPH_NATIVE={os.environ.get('DOCGRAPH_NATIVE', '')}")
    print(" ".join(f"{k} {v:.3f}" for k, v in seconds.items()) + f"  total {sum(seconds.values()):.3f} s CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
