"""Mermaid ``flowchart TD``, one subgraph per level; a warning when the graph is too large for Mermaid renderers.

Library code: no CLI imports.
"""

from __future__ import annotations

import re
from typing import Any

import networkx as nx

from docgraph.model import LEVELS

from .common import (LEVEL_COLORS, LEVEL_NAMES_VI, LEVEL_STROKES, edges_of, fold, label_of, level_of, one_line,
                     relation_of, unique_ids)

MERMAID_MAX_EDGES = 300


def _mermaid_text(s: Any) -> str:
    """Text for inside a Mermaid ``"..."`` label: entity codes for # " & < > ` and no newlines."""
    s = one_line(str(s))
    s = s.replace("#", "#35;")  # first: the others introduce '#'
    for ch, ent in (("&", "#amp;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("`", "#96;"), ("\\", "#92;")):
        s = s.replace(ch, ent)
    return s


def _mermaid_id(n: Any) -> str:
    return "n_" + (re.sub(r"[^A-Za-z0-9_]", "_", fold(str(n))) or "_")


def to_mermaid(g: nx.Graph, *, title: str = "docgraph") -> tuple[str, list[str]]:
    """``flowchart TD`` with one subgraph per level; returns (text, warnings)."""
    ids = unique_ids(g.nodes, _mermaid_id)
    out = [f"%% {one_line(title)}", "flowchart TD"]
    present = [lv for lv in LEVELS if any(level_of(d) == lv for _, d in g.nodes(data=True))]
    for lv in present:
        out.append(f'  subgraph lvl_{lv}["{_mermaid_text(f"{LEVEL_NAMES_VI[lv]} ({lv})")}"]')
        for n, d in g.nodes(data=True):
            if level_of(d) == lv:
                out.append(f'    {ids[n]}["{_mermaid_text(label_of(n, d))}"]')
        out.append("  end")
    n_edges = 0
    for u, v, k, d in edges_of(g):
        rel = re.sub(r"[^A-Za-z0-9_]", "_", fold(relation_of(k, d))) or "related"
        out.append(f"  {ids[u]} -->|{rel}| {ids[v]}")
        n_edges += 1
    for lv in present:
        out.append(f"  classDef lv_{lv} fill:{LEVEL_COLORS[lv]},stroke:{LEVEL_STROKES[lv]},color:#000")
        members = [ids[n] for n, d in g.nodes(data=True) if level_of(d) == lv]
        for i in range(0, len(members), 50):
            out.append(f"  class {','.join(members[i:i + 50])} lv_{lv}")
    warnings = []
    if n_edges > MERMAID_MAX_EDGES:
        warnings.append(
            f"mermaid: {n_edges} edges (> {MERMAID_MAX_EDGES}); Mermaid renderers are slow or refuse "
            "graphs this large (default maxEdges 500); consider html, dot or a filtered graph"
        )
    return "\n".join(out) + "\n", warnings


def render(g: nx.Graph, *, yed: bool = False, title: str = "docgraph") -> tuple[str, list[str]]:
    """The registry's entry: the text and its warnings."""
    return to_mermaid(g, title=title)
