"""Graphviz DOT: one rank per level, central on top, colour per level, edge label = relation.

Library code: no CLI imports.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from docgraph.model import LEVELS

from .common import (CONTROL_NO_NL, DEFAULT_REL_STYLE, LEVEL_COLORS, LEVEL_NAMES_VI, LEVEL_STROKES, NEWLINES,
                     RELATION_STYLES, edges_of, label_of, level_of, relation_of)


def _dot_q(s: Any) -> str:
    """A DOT double-quoted string: backslash and quote escaped, newlines as \\n."""
    s = CONTROL_NO_NL.sub("", str(s).replace("\t", " "))
    s = s.replace("\\", "\\\\").replace('"', '\\"')
    s = NEWLINES.sub("\\\\n", s)
    return f'"{s}"'


def to_dot(g: nx.Graph, *, title: str = "docgraph") -> str:
    """Graphviz DOT: rankdir=TB, one rank=same subgraph per level (central on top, kept in
    order by an invisible chain of level anchors), fill colour per level, edge label = relation."""
    out = [
        "digraph docgraph {",
        f"  graph [rankdir=TB, charset=\"UTF-8\", newrank=true, ranksep=0.9, nodesep=0.3, "
        f"label={_dot_q(title)}, labelloc=t, fontname=\"Helvetica\"];",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    present = [lv for lv in LEVELS if any(level_of(d) == lv for _, d in g.nodes(data=True))]
    for lv in present:
        out.append(f"  subgraph {_dot_q('level_' + lv)} {{")
        out.append("    rank=same;")
        out.append(f"    {_dot_q('__level_' + lv)} [label={_dot_q(LEVEL_NAMES_VI[lv])}, shape=plaintext, style=\"\", "
                   f"fontcolor={_dot_q(LEVEL_STROKES[lv])}];")  # fmt: skip
        for n, d in g.nodes(data=True):
            if level_of(d) != lv:
                continue
            attrs = [
                f"label={_dot_q(label_of(n, d))}",
                f"fillcolor={_dot_q(LEVEL_COLORS[lv])}",
                f"color={_dot_q(LEVEL_STROKES[lv])}",
            ]
            if d.get("title"):
                attrs.append(f"tooltip={_dot_q(d['title'])}")
            out.append(f"    {_dot_q(n)} [{', '.join(attrs)}];")
        out.append("  }")
    for a, b in zip(present, present[1:]):
        out.append(f"  {_dot_q('__level_' + a)} -> {_dot_q('__level_' + b)} [style=invis];")
    for u, v, k, d in edges_of(g):
        rel = relation_of(k, d)
        color, dash = RELATION_STYLES.get(rel, DEFAULT_REL_STYLE)
        attrs = [f"label={_dot_q(rel)}", f"color={_dot_q(color)}", f"fontcolor={_dot_q(color)}"]
        if dash:
            attrs.append('style="dashed"')
        if _rank_of(g, u) >= _rank_of(g, v):
            # levels fix the ranks; an upward (or same-level) edge must not fight them
            attrs.append("constraint=false")
        out.append(f"  {_dot_q(u)} -> {_dot_q(v)} [{', '.join(attrs)}];")
    out.append("}")
    return "\n".join(out) + "\n"


def _rank_of(g: nx.Graph, n: Any) -> int:
    return LEVELS.index(level_of(g.nodes[n]))


def render(g: nx.Graph, *, yed: bool = False, title: str = "docgraph") -> tuple[str, list[str]]:
    """The registry's entry."""
    return to_dot(g, title=title), []
