"""The layered layout the HTML view, GEXF and yEd GraphML place documents with: one band per level, central on
top, documents ordered within a level by the positions of their neighbours.

Library code: no CLI imports; plain arithmetic on the graph, no drawing.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from docgraph.model import LEVELS

from .common import edges_of, label_of, level_of

_NODE_H = 34.0
_H_GAP = 26.0
_SUB_GAP = 16.0  # between the rows of one wrapped level
_LEVEL_GAP = 70.0
_BAND_PAD = 18.0
_LEFT = 150.0  # room for the level names
_TOP = 20.0
_MAX_ROW_W = 2000.0


def _box_width(label: str) -> float:
    return max(90.0, min(280.0, 7.0 * len(label) + 24.0))


def layered_layout(g: nx.Graph, *, iterations: int = 6) -> dict[str, Any]:
    """Layers top-down central -> ... -> commune -> unknown; barycentric ordering within a
    layer; a long layer wraps onto several rows. Returns
    ``{"width", "height", "nodes": {str(id): [cx, cy, w, h]}, "bands": [[level, y0, y1]]}``.
    """
    by_level: dict[str, list[Any]] = {lv: [] for lv in LEVELS}
    for n, d in g.nodes(data=True):
        by_level[level_of(d)].append(n)
    rank = {n: LEVELS.index(level_of(d)) for n, d in g.nodes(data=True)}

    def skey(n: Any) -> tuple:
        d = g.nodes[n]
        return (str(d.get("jurisdiction") or ""), str(label_of(n, d)), str(n))

    order = {lv: sorted(ns, key=skey) for lv, ns in by_level.items()}
    pos: dict[Any, float] = {}

    def refresh(lv: str) -> None:
        ns = order[lv]
        for i, n in enumerate(ns):
            pos[n] = i / max(1, len(ns) - 1)

    for lv in LEVELS:
        refresh(lv)
    # each node's neighbours in the graph's order (a set's order changes with Python's hash seed, and so did the sum of
    # their positions in its last bits, which reordered ties)
    nbrs: dict[Any, dict[Any, None]] = {n: {} for n in g.nodes}
    for u, v, _k, _d in edges_of(g):
        if u != v:
            nbrs[u][v] = None
            nbrs[v][u] = None
    for it in range(iterations):
        seq = LEVELS if it % 2 == 0 else tuple(reversed(LEVELS))
        for lv in seq:
            r = LEVELS.index(lv)

            def bary(n: Any, r: int = r, down: bool = it % 2 == 0) -> float:
                ps = [pos[m] for m in nbrs[n] if (rank[m] < r if down else rank[m] > r)]
                return sum(ps) / len(ps) if ps else pos[n]

            order[lv] = sorted(order[lv], key=lambda n: (bary(n), pos[n]))
            refresh(lv)

    widths = {n: _box_width(label_of(n, g.nodes[n])) for n in g.nodes}
    bw = widths.__getitem__

    # A level too wide for one row becomes a grid filled column by column, so documents
    # with the same parent stay in the same or neighbouring columns, under that parent.
    grids: list[tuple[str, list[list[Any]]]] = []
    for lv in LEVELS:
        ns = order[lv]
        if not ns:
            continue
        total = sum(bw(n) for n in ns) + _H_GAP * (len(ns) - 1)
        k = max(1, int(total // _MAX_ROW_W))
        while True:
            cols = [ns[i : i + k] for i in range(0, len(ns), k)]
            width = sum(max(bw(n) for n in c) for c in cols) + _H_GAP * (len(cols) - 1)
            if width <= _MAX_ROW_W or len(cols) == 1:
                break
            k += 1
        grids.append((lv, cols))

    def grid_width(cols: list[list[Any]]) -> float:
        return sum(max(bw(n) for n in c) for c in cols) + _H_GAP * (len(cols) - 1)

    content_w = max([grid_width(cols) for _, cols in grids] + [400.0])
    nodes: dict[str, list[float]] = {}
    bands: list[list[Any]] = []
    y = _TOP
    for lv, cols in grids:
        k = max(len(c) for c in cols)
        y0 = y
        x = _LEFT + (content_w - grid_width(cols)) / 2
        for c in cols:
            cw = max(bw(n) for n in c)
            for r, n in enumerate(c):
                cy = y0 + _BAND_PAD + r * (_NODE_H + _SUB_GAP) + _NODE_H / 2
                nodes[str(n)] = [round(x + cw / 2, 1), round(cy, 1), bw(n), _NODE_H]
            x += cw + _H_GAP
        y1 = y0 + 2 * _BAND_PAD + k * _NODE_H + (k - 1) * _SUB_GAP
        bands.append([lv, round(y0, 1), round(y1, 1)])
        y = y1 + _LEVEL_GAP
    height = (bands[-1][2] if bands else _TOP) + _TOP
    return {
        "width": round(_LEFT + content_w + 30.0, 1),
        "height": round(height, 1),
        "nodes": nodes,
        "bands": bands,
    }
