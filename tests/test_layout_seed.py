"""The layered layout of the GEXF and yEd exports is the same whatever Python's hash seed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# a graph of a few hundred documents on four levels, each implementing two or three of the level above: enough
# neighbours per document for the order of their positions' sum to show in the last bits of the barycentres
BUILD = """
import random, sys
import networkx as nx
from docgraph.export import export_graph

rnd = random.Random(17)
g = nx.MultiDiGraph()
levels = [("central", 6), ("provincial", 40), ("district", 160), ("commune", 320)]
prev = []
for level, n in levels:
    ids = [f"{level[:3]}-{i:03d}" for i in range(n)]
    for i in ids:
        g.add_node(i, label=f"Kế hoạch {i}", level=level, jurisdiction="Bắc Giang" if level != "central" else None)
    for i in ids:
        for t in rnd.sample(prev, min(len(prev), rnd.choice((2, 3)))):
            g.add_edge(i, t, key="implements", relation="implements")
    prev = ids
export_graph(g, sys.argv[1], sys.argv[2], yed=sys.argv[1] == "graphml")
"""


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_the_layered_layout_is_the_same_whatever_the_hash_seed(tmp_path, fmt):
    outs = []
    for seed in ("1", "2", "3"):
        out = tmp_path / f"g{seed}.{fmt}"
        p = subprocess.run([sys.executable, "-c", BUILD, fmt, str(out)], capture_output=True, text=True, timeout=120,
                           env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]), "PYTHONHASHSEED": seed})
        assert p.returncode == 0, p.stderr
        outs.append(out.read_bytes())
    assert b"viz:position" in outs[0] or b"y:Geometry" in outs[0]
    assert outs[0] == outs[1] == outs[2]
