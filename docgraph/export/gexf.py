"""GEXF for Gephi: the sanitized copy GraphML writes, edges keyed by relation, a colour and a position per node.

Library code: no CLI imports. The input graph is never modified.
"""

from __future__ import annotations

import io

import networkx as nx

from .common import LEVEL_COLORS, level_of, nmtoken, unique_ids
from .graphml import id_warnings, sanitized_copy
from .layout import layered_layout


def _hex_rgb(c: str) -> dict[str, int]:
    c = c.lstrip("#")
    return {"r": int(c[0:2], 16), "g": int(c[2:4], 16), "b": int(c[4:6], 16)}


_GEXF_RESERVED_NODE = {"id", "pid", "start", "end", "viz", "parents", "slices", "spells"}
_GEXF_RESERVED_EDGE = {"id", "label", "weight", "type", "start", "end", "viz", "slices", "spells", "key"}


def to_gexf_graph(g: nx.Graph) -> nx.MultiDiGraph:
    """The sanitized copy written as GEXF: as :func:`to_graphml_graph` but edges keyed by
    relation, edge ``label`` = relation, and ``viz`` colour/position per node for Gephi."""
    h = sanitized_copy(g, unique_edge_ids=False, graph_attrs=False)
    lay = layered_layout(g)
    ids = unique_ids(g.nodes, nmtoken)
    for n in g.nodes:
        d = h.nodes[ids[n]]
        for k in [k for k in d if k in _GEXF_RESERVED_NODE]:
            d[f"attr_{k}"] = d.pop(k)
        lv = level_of(g.nodes[n])
        cx, cy, _w, _h = lay["nodes"][str(n)]
        d["viz"] = {
            "color": {**_hex_rgb(LEVEL_COLORS[lv]), "a": 1.0},
            "size": 10.0,
            "position": {"x": float(cx), "y": float(-cy), "z": 0.0},
        }
    for _u, _v, _k, d in h.edges(keys=True, data=True):
        for k in [k for k in d if k in _GEXF_RESERVED_EDGE]:
            d[f"attr_{k}"] = d.pop(k)
        d["label"] = d.get("relation", "")
    return h


def to_gexf(g: nx.Graph) -> bytes:
    """GEXF 1.2 bytes of :func:`to_gexf_graph`."""
    buf = io.BytesIO()
    nx.write_gexf(to_gexf_graph(g), buf, encoding="utf-8", version="1.2draft")
    return buf.getvalue()


def render(g: nx.Graph, *, yed: bool = False, title: str = "docgraph") -> tuple[bytes, list[str]]:
    """The registry's entry: GEXF bytes and the id warnings."""
    warnings = id_warnings(g, "gexf")
    return to_gexf(g), warnings
