"""GraphML (plain, or with yFiles graphics for yEd), written from a sanitized copy of the graph that GEXF shares.

Library code: no CLI imports. The input graph is never modified.
"""

from __future__ import annotations

import html as _html
import io
import math
import numbers
import re
from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape as xml_escape, quoteattr

import networkx as nx

from docgraph.model import LEVELS

from .common import (DEFAULT_REL_STYLE, LEVEL_COLORS, LEVEL_STROKES, RELATION_STYLES, edges_of, json_text, label_of,
                     nmtoken, relation_of, unique_ids, xml_clean)
from .layout import layered_layout
from .registry import ExportError

_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1  # GraphML "long"


def _xml_scalar(v: Any) -> Any:
    """One attribute value -> None (omit), int, float or an XML-clean str."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, numbers.Integral):
        return int(v)
    if isinstance(v, numbers.Real):
        f = float(v)
        return f if math.isfinite(f) else None
    if isinstance(v, str):
        return xml_clean(v)
    if isinstance(v, (list, tuple, dict, set, frozenset)):
        return xml_clean(json_text(v))
    if hasattr(v, "isoformat"):
        return xml_clean(v.isoformat())
    return xml_clean(str(v))


def _unify_types(records: list[dict]) -> None:
    """In place: every key gets one type across all records (int, float or str)."""
    kinds: dict[str, set[type]] = {}
    for r in records:
        for k, v in r.items():
            kinds.setdefault(k, set()).add(type(v))
    for k, ts in kinds.items():
        if ts <= {int}:
            if all(_INT_MIN <= r[k] <= _INT_MAX for r in records if k in r):
                continue
            target = str
        elif ts <= {int, float}:
            target = float
        else:
            target = str
        for r in records:
            if k in r and type(r[k]) is not target:
                r[k] = target(r[k]) if target is float else str(r[k])


def _clean_attrs(d: dict, names: dict[str, str]) -> dict[str, Any]:
    out = {}
    for k, v in d.items():
        sv = _xml_scalar(v)
        if sv is not None:
            out[names.get(k, k)] = sv
    return out


def _attr_names(keys: Iterable[Any], taken: set[str], prefix: str) -> dict[Any, str]:
    """Attribute names -> NMTOKEN key names not in ``taken`` (another scope's names)."""
    out: dict[Any, str] = {}
    used: set[str] = set()
    for k in keys:
        base = nmtoken(k)
        if base in taken:
            base = f"{prefix}_{base}"
        cand, i = base, 2
        while cand in used or cand in taken:
            cand = f"{base}_{i}"
            i += 1
        out[k] = cand
        used.add(cand)
    return out


def sanitized_copy(g: nx.Graph, *, unique_edge_ids: bool, graph_attrs: bool) -> nx.MultiDiGraph:
    """The copy GraphML and GEXF write (see :func:`to_graphml_graph`); edges keyed ``e0, e1, ...`` or by relation."""
    ids = unique_ids(g.nodes, nmtoken)
    node_keys: dict[Any, None] = {"label": None}
    for _, d in g.nodes(data=True):
        node_keys.update(dict.fromkeys(k for k in d if k != "doc_id"))
    node_names = _attr_names(node_keys, set(), "node")
    node_names["doc_id"] = "doc_id" if "doc_id" not in node_names.values() else "doc_id_"
    taken = set(node_names.values())
    edge_keys: dict[Any, None] = {"relation": None}
    for *_, d in edges_of(g):
        edge_keys.update(dict.fromkeys(d))
    edge_names = _attr_names(edge_keys, taken, "edge")
    taken |= set(edge_names.values())

    h = nx.MultiDiGraph()
    if graph_attrs:
        gd = {k: v for k, v in g.graph.items() if k not in ("node_default", "edge_default")}
        gnames = _attr_names(gd, taken | {"id"}, "graph")
        h.graph.update(_clean_attrs(gd, gnames))

    node_recs = []
    for n, d in g.nodes(data=True):
        rec = _clean_attrs({**d, "label": label_of(n, d)}, node_names)
        rec[node_names["doc_id"]] = xml_clean(str(n))
        node_recs.append((ids[n], rec))
    _unify_types([r for _, r in node_recs])
    h.add_nodes_from(node_recs)

    edge_recs = []
    seen: set[tuple[str, str, str]] = set()
    for i, (u, v, k, d) in enumerate(edges_of(g)):
        rec = _clean_attrs({**d, "relation": relation_of(k, d)}, edge_names)
        if unique_edge_ids:
            key = f"e{i}"
        else:
            key = xml_clean(str(k if k is not None else rec.get("relation", "")))
            base, j = key, 2
            while (ids[u], ids[v], key) in seen:
                key = f"{base}_{j}"
                j += 1
            seen.add((ids[u], ids[v], key))
        edge_recs.append((ids[u], ids[v], key, rec))
    _unify_types([r for *_, r in edge_recs])
    for u, v, key, rec in edge_recs:
        h.add_edge(u, v, key=key, **rec)
    return h


def to_graphml_graph(g: nx.Graph) -> nx.MultiDiGraph:
    """The sanitized copy written as GraphML.

    Node ids -> unique NMTOKENs (original id kept as ``doc_id``); every node has ``label``;
    None values omitted; bools -> "true"/"false"; lists/dicts -> JSON text; one type per
    key; XML-illegal characters stripped; edge keys -> unique ids ``e0, e1, ...`` (GraphML
    edge ids must be unique in the document; the relation stays in ``relation``).
    Attribute names that clash across scopes are prefixed (``edge_``, ``graph_``) because
    key ids are named after them.
    """
    return sanitized_copy(g, unique_edge_ids=True, graph_attrs=True)


def _graphml_bytes(h: nx.MultiDiGraph) -> bytes:
    buf = io.BytesIO()
    nx.write_graphml(h, buf, encoding="utf-8", named_key_ids=True)
    return buf.getvalue()


def to_graphml(g: nx.Graph, *, yed: bool = False) -> bytes:
    """GraphML bytes with named keys; ``yed`` adds yFiles node/edge graphics."""
    h = to_graphml_graph(g)
    data = _graphml_bytes(h)
    if yed:
        data = _add_yed_graphics(g, h, data)
    return data


GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
YFILES_NS = "http://www.yworks.com/xml/graphml"
YED_NS = "http://www.yworks.com/xml/yed/3"
YED_SCHEMA = "http://graphml.graphdrawing.org/xmlns http://www.yworks.com/xml/schema/graphml/1.1/ygraphml.xsd"


def _xml_attrs(attrs: dict[str, str]) -> str:
    return "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items())


_ATTR_RE = re.compile(r'([\w.:-]+)="([^"]*)"')


def _add_yed_graphics(g: nx.Graph, h: nx.MultiDiGraph, data: bytes) -> bytes:
    """Add yFiles ShapeNode / PolyLineEdge graphics (label, level colour, position) to the
    GraphML written by networkx, so yEd shows labels and colours.

    Works on the text networkx wrote: inside it, data values are escaped, so a literal
    ``</node>``, ``</edge>`` or ``<graph`` can only be markup."""
    text = data.decode("utf-8")
    existing = set(re.findall(r'<key id="([^"]*)"', text))
    ng, eg = "yed_nodegraphics", "yed_edgegraphics"
    while ng in existing:
        ng += "_"
    while eg in existing:
        eg += "_"

    m = re.search(r"<graphml\b[^>]*>", text)
    if m is None:  # pragma: no cover - networkx always writes one
        raise ExportError("GraphML without <graphml>")
    root_tag = (
        f'<graphml xmlns="{GRAPHML_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        f' xmlns:y="{YFILES_NS}" xmlns:yed="{YED_NS}" xsi:schemaLocation="{YED_SCHEMA}">'
    )
    text = text[: m.start()] + root_tag + text[m.end() :]
    keys = (
        f'<key id="{ng}" for="node" yfiles.type="nodegraphics" />\n  '
        f'<key id="{eg}" for="edge" yfiles.type="edgegraphics" />\n  '
    )
    gi = text.index("<graph ")
    text = text[:gi] + keys + text[gi:]

    lay = layered_layout(g)
    # sanitized id -> layout box (the layout is keyed by the original id)
    by_new = {new: lay["nodes"].get(str(orig)) for orig, new in unique_ids(g.nodes, nmtoken).items()}
    label_attrs = _xml_attrs({
        "alignment": "center", "autoSizePolicy": "content", "fontFamily": "Dialog", "fontSize": "12",
        "fontStyle": "plain", "hasBackgroundColor": "false", "hasLineColor": "false",
        "modelName": "internal", "modelPosition": "c", "textColor": "#000000", "visible": "true",
    })  # fmt: skip
    edge_label_attrs = _xml_attrs({
        "alignment": "center", "fontFamily": "Dialog", "fontSize": "10", "fontStyle": "plain",
        "hasBackgroundColor": "false", "hasLineColor": "false", "modelName": "centered",
        "modelPosition": "center", "textColor": "#000000", "visible": "true",
    })  # fmt: skip

    def node_gfx(m: re.Match) -> str:
        nid = _html.unescape(m.group(2))
        d = h.nodes[nid]
        lv = d.get("level") if d.get("level") in LEVELS else "unknown"
        cx, cy, w, hh = by_new.get(nid) or (0.0, 0.0, 120.0, 34.0)
        geo = {"x": f"{cx - w / 2:.1f}", "y": f"{cy - hh / 2:.1f}", "width": f"{w:.1f}", "height": f"{hh:.1f}"}
        gfx = (
            f'  <data key="{ng}"><y:ShapeNode>'
            f"<y:Geometry{_xml_attrs(geo)} />"
            f"<y:Fill{_xml_attrs({'color': LEVEL_COLORS[lv].upper(), 'transparent': 'false'})} />"
            f"<y:BorderStyle{_xml_attrs({'color': LEVEL_STROKES[lv].upper(), 'type': 'line', 'width': '1.0'})} />"
            f"<y:NodeLabel{label_attrs}>{xml_escape(str(d.get('label', nid)))}</y:NodeLabel>"
            '<y:Shape type="roundrectangle" />'
            "</y:ShapeNode></data>\n    "
        )
        return m.group(1) + m.group(3) + gfx + "</node>"

    def edge_gfx(m: re.Match) -> str:
        attrs = {k: _html.unescape(v) for k, v in _ATTR_RE.findall(m.group(2))}
        rel = str(h.edges[attrs["source"], attrs["target"], attrs["id"]].get("relation", ""))
        color, dash = RELATION_STYLES.get(rel, DEFAULT_REL_STYLE)
        line = {"color": color.upper(), "type": "dashed" if dash else "line", "width": "1.0"}
        gfx = (
            f'  <data key="{eg}"><y:PolyLineEdge>'
            f"<y:LineStyle{_xml_attrs(line)} />"
            '<y:Arrows source="none" target="standard" />'
            f"<y:EdgeLabel{edge_label_attrs}>{xml_escape(rel)}</y:EdgeLabel>"
            '<y:BendStyle smoothed="true" />'
            "</y:PolyLineEdge></data>\n    "
        )
        return m.group(1) + m.group(3) + gfx + "</edge>"

    text = re.sub(r'(<node id="([^"]*)"\s*>)(.*?)</node>', node_gfx, text, flags=re.S)
    text = re.sub(r"(<edge ([^>]*?)\s*>)(.*?)</edge>", edge_gfx, text, flags=re.S)
    return text.encode("utf-8")


def id_warnings(g: nx.Graph, fmt: str) -> list[str]:
    """The warning that node ids were rewritten as XML NMTOKENs (graphml and gexf), or none."""
    changed = [n for n, new in unique_ids(g.nodes, nmtoken).items() if new != str(n)]
    if not changed:
        return []
    return [
        f"{fmt}: {len(changed)} node id(s) were not valid XML NMTOKENs and were rewritten "
        f"(original kept in attribute doc_id), e.g. {str(changed[0])!r}"
    ]


def render(g: nx.Graph, *, yed: bool = False, title: str = "docgraph") -> tuple[bytes, list[str]]:
    """The registry's entry: GraphML bytes and the id warnings."""
    warnings = id_warnings(g, "graphml")
    return to_graphml(g, yed=yed), warnings
