"""Graph -> files: graphml (plain or yEd), gexf, json, csv, dot, mermaid, html, neo4j.

Library code: no CLI imports. Every exporter works on a *copy* of the graph; the input
``nx.MultiDiGraph`` (node and edge attributes per docs/CONTRACTS.md) is never modified.

Entry point: :func:`export_graph`. Each format also has a pure renderer (``to_graphml``,
``to_gexf``, ``to_json``, ``to_dot``, ``to_mermaid``, ``to_html``, ``csv_tables``,
``neo4j_tables``) returning text/bytes, so callers and tests can use them without files.

Every file is written atomically: a temporary file in the target directory, then
``os.replace``; nothing half-written is left behind on error.
"""

from __future__ import annotations

import csv
import html as _html
import io
import json
import math
import numbers
import os
import re
import sys
import tempfile
import unicodedata
from xml.sax.saxutils import escape as xml_escape, quoteattr
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import networkx as nx

from docgraph.model import LEVELS, RELATIONS

__all__ = [
    "FORMATS",
    "DIRECTORY_FORMATS",
    "MERMAID_MAX_EDGES",
    "LEVEL_COLORS",
    "ExportError",
    "export_graph",
    "to_graphml_graph",
    "to_gexf_graph",
    "to_graphml",
    "to_gexf",
    "to_json",
    "to_dot",
    "to_mermaid",
    "to_html",
    "csv_tables",
    "neo4j_tables",
    "write_neo4j_from_index",
    "layered_layout",
    "xml_clean",
    "nmtoken",
]

FORMATS = ("graphml", "gexf", "json", "csv", "dot", "mermaid", "html", "neo4j")
DIRECTORY_FORMATS = ("csv", "neo4j")
MERMAID_MAX_EDGES = 300

# Fill colour per level (light, black text readable) and a darker stroke.
LEVEL_COLORS = {
    "central": "#f4a3a3",
    "provincial": "#f8c27a",
    "department": "#f3dc6b",
    "district": "#a8d89a",
    "commune": "#9cc3ee",
    "unknown": "#d4d4d4",
}
LEVEL_STROKES = {
    "central": "#b22222",
    "provincial": "#c66a00",
    "department": "#a68a00",
    "district": "#3a8a2a",
    "commune": "#2f6db5",
    "unknown": "#777777",
}
LEVEL_NAMES_VI = {
    "central": "Trung ương",
    "provincial": "Tỉnh",
    "department": "Sở, ngành",
    "district": "Huyện",
    "commune": "Xã",
    "unknown": "Chưa rõ",
}
RELATION_STYLES = {  # colour, SVG dash array ("" = solid)
    "implements": ("#444444", ""),
    "based_on": ("#1f77b4", "6 3"),
    "guides": ("#2ca02c", ""),
    "amends": ("#9467bd", ""),
    "replaces": ("#8c564b", ""),
    "repeals": ("#d62728", ""),
    "responds_to": ("#e377c2", "4 3"),
    "cites": ("#999999", "2 3"),
}
_DEFAULT_REL_STYLE = ("#777777", "")

NODE_FIELDS = (
    "label", "type", "number", "symbol", "year", "date", "issuer", "issuer_code", "level",
    "branch", "jurisdiction", "title", "source_file", "kind", "mentions",
)  # fmt: skip
EDGE_FIELDS = ("relation", "count", "file", "line", "evidence", "evidence_all", "flags")
# Free-text columns that get the spreadsheet formula-injection guard in csv.
_FREE_TEXT = frozenset({"label", "title", "issuer", "jurisdiction", "source_file", "evidence", "file"})


class ExportError(Exception):
    """Bad format, bad destination, or a graph that cannot be written."""


# --------------------------------------------------------------------------- text hygiene

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL_NO_NL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_NEWLINES = re.compile("\r\n|\r|\n|\u2028|\u2029|\x85")


def xml_clean(s: str) -> str:
    """Drop characters XML 1.0 forbids (C0 controls except \\t \\n \\r, lone surrogates, U+FFFE/FFFF) and write
    line ends as \\n, so the file reads back the same whichever XML writer networkx uses (lxml keeps \\r)."""
    return _XML_ILLEGAL.sub("", s.replace("\r\n", "\n").replace("\r", "\n"))


def _fix_surrogates(s: str) -> str:
    return _SURROGATE.sub("\ufffd", s)


def _one_line(s: str) -> str:
    """Control characters removed, every kind of newline -> one space."""
    return _CONTROL_NO_NL.sub("", _NEWLINES.sub(" ", s.replace("\t", " ")))


def _fold(s: str) -> str:
    """Vietnamese (and other) diacritics folded to ASCII letters: 'Đồng' -> 'Dong'."""
    s = s.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _deep(obj: Any, fn) -> Any:
    """Apply ``fn`` to every string inside dicts/lists/tuples/sets (keys included)."""
    if isinstance(obj, str):
        return fn(obj)
    if isinstance(obj, dict):
        return {(_deep(k, fn) if isinstance(k, str) else k): _deep(v, fn) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_deep(v, fn) for v in obj]
    if isinstance(obj, (set, frozenset)):
        return sorted((_deep(v, fn) for v in obj), key=str)
    return obj


def _json_default(o: Any) -> Any:
    if isinstance(o, (set, frozenset)):
        return sorted(o, key=str)
    if hasattr(o, "isoformat"):
        return o.isoformat()
    if isinstance(o, numbers.Integral):
        return int(o)
    if isinstance(o, numbers.Real):
        return float(o)
    return str(o)


def _json_text(v: Any) -> str:
    return json.dumps(_deep(v, _fix_surrogates), ensure_ascii=False, default=_json_default)


_NMTOKEN_BAD = re.compile(r"[^A-Za-z0-9._:-]+")


def nmtoken(s: Any) -> str:
    """A valid XML NMTOKEN (ASCII subset) for ``s``; '' never returned."""
    return _NMTOKEN_BAD.sub("_", _fold(str(s))) or "_"


def _unique_ids(items: Iterable[Any], make) -> dict[Any, str]:
    """Map each item to ``make(item)`` made unique; items whose own str() is already the
    made value keep it (they are assigned first, so a rewritten id never steals it)."""
    items = list(items)
    out: dict[Any, str] = {}
    used: set[str] = set()
    rest = []
    for it in items:
        m = make(it)
        if m == str(it) and m not in used:
            out[it] = m
            used.add(m)
        else:
            rest.append(it)
    for it in rest:
        base = make(it)
        cand, i = base, 2
        while cand in used:
            cand = f"{base}_{i}"
            i += 1
        out[it] = cand
        used.add(cand)
    return out


def _level(d: dict) -> str:
    lv = d.get("level")
    return lv if lv in LEVELS else "unknown"


def _label(n: Any, d: dict) -> str:
    lab = d.get("label")
    if lab is None or (isinstance(lab, str) and not lab.strip()):
        return str(n)
    return lab if isinstance(lab, str) else str(lab)


def _edges(g: nx.Graph) -> Iterator[tuple[Any, Any, Any, dict]]:
    """(u, v, key, data) for multi and simple graphs alike (key = relation when not multi)."""
    if g.is_multigraph():
        yield from g.edges(keys=True, data=True)
    else:
        for u, v, d in g.edges(data=True):
            yield u, v, d.get("relation"), d


def _relation(k: Any, d: dict) -> str:
    r = d.get("relation")
    if r is None or r == "":
        r = k if k is not None else "related"
    return str(r)


def _css_name(s: Any) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", "" if s is None else str(s)) or "none"


# --------------------------------------------------------------------------- graphml / gexf copy

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
        return xml_clean(_json_text(v))
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


def _sanitized_copy(g: nx.Graph, *, unique_edge_ids: bool, graph_attrs: bool) -> nx.MultiDiGraph:
    ids = _unique_ids(g.nodes, nmtoken)
    node_keys: dict[Any, None] = {"label": None}
    for _, d in g.nodes(data=True):
        node_keys.update(dict.fromkeys(k for k in d if k != "doc_id"))
    node_names = _attr_names(node_keys, set(), "node")
    node_names["doc_id"] = "doc_id" if "doc_id" not in node_names.values() else "doc_id_"
    taken = set(node_names.values())
    edge_keys: dict[Any, None] = {"relation": None}
    for *_, d in _edges(g):
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
        rec = _clean_attrs({**d, "label": _label(n, d)}, node_names)
        rec[node_names["doc_id"]] = xml_clean(str(n))
        node_recs.append((ids[n], rec))
    _unify_types([r for _, r in node_recs])
    h.add_nodes_from(node_recs)

    edge_recs = []
    seen: set[tuple[str, str, str]] = set()
    for i, (u, v, k, d) in enumerate(_edges(g)):
        rec = _clean_attrs({**d, "relation": _relation(k, d)}, edge_names)
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
    return _sanitized_copy(g, unique_edge_ids=True, graph_attrs=True)


def _hex_rgb(c: str) -> dict[str, int]:
    c = c.lstrip("#")
    return {"r": int(c[0:2], 16), "g": int(c[2:4], 16), "b": int(c[4:6], 16)}


_GEXF_RESERVED_NODE = {"id", "pid", "start", "end", "viz", "parents", "slices", "spells"}
_GEXF_RESERVED_EDGE = {"id", "label", "weight", "type", "start", "end", "viz", "slices", "spells", "key"}


def to_gexf_graph(g: nx.Graph) -> nx.MultiDiGraph:
    """The sanitized copy written as GEXF: as :func:`to_graphml_graph` but edges keyed by
    relation, edge ``label`` = relation, and ``viz`` colour/position per node for Gephi."""
    h = _sanitized_copy(g, unique_edge_ids=False, graph_attrs=False)
    lay = layered_layout(g)
    ids = _unique_ids(g.nodes, nmtoken)
    for n in g.nodes:
        d = h.nodes[ids[n]]
        for k in [k for k in d if k in _GEXF_RESERVED_NODE]:
            d[f"attr_{k}"] = d.pop(k)
        lv = _level(g.nodes[n])
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
    by_new = {new: lay["nodes"].get(str(orig)) for orig, new in _unique_ids(g.nodes, nmtoken).items()}
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
        color, dash = RELATION_STYLES.get(rel, _DEFAULT_REL_STYLE)
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


def to_gexf(g: nx.Graph) -> bytes:
    buf = io.BytesIO()
    nx.write_gexf(to_gexf_graph(g), buf, encoding="utf-8", version="1.2draft")
    return buf.getvalue()


# --------------------------------------------------------------------------- json

def _node_link(g: nx.Graph) -> dict:
    try:
        return nx.node_link_data(g, edges="edges")
    except TypeError:  # networkx < 3.4
        return nx.node_link_data(g, link="edges")


def to_json(g: nx.Graph) -> str:
    """node-link JSON (``edges`` key), UTF-8 text, indent 2."""
    data = _deep(_node_link(g), _fix_surrogates)
    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n"


# --------------------------------------------------------------------------- csv / neo4j

def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple, dict, set, frozenset)):
        return _json_text(v)
    return xml_clean(v if isinstance(v, str) else str(v))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _no_formula(s: str) -> str:
    """Spreadsheet formula-injection guard: a leading apostrophe for =, +, -, @, TAB, CR."""
    return "'" + s if s.startswith(_FORMULA_START) else s


def _flags_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, (list, tuple, set, frozenset)):
        return ";".join(xml_clean(str(x)) for x in v)
    return _cell(v)


def _extra_keys(dicts: Iterable[dict], known: Iterable[str]) -> list[str]:
    known = set(known)
    extra: dict[str, None] = {}
    for d in dicts:
        extra.update(dict.fromkeys(str(k) for k in d if str(k) not in known))
    return sorted(extra)


def _csv_text(header: list[str], rows: Iterable[list[str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def csv_tables(g: nx.Graph) -> dict[str, str]:
    """{"nodes.csv": text, "edges.csv": text} for Gephi's spreadsheet import."""
    node_cols = [c for c in NODE_FIELDS if c != "label"]
    node_extra = _extra_keys((d for _, d in g.nodes(data=True)), NODE_FIELDS)
    rows = []
    for n, d in g.nodes(data=True):
        row = [_cell(n), _no_formula(_cell(_label(n, d)))]
        for c in node_cols + node_extra:
            s = _cell(d.get(c))
            row.append(_no_formula(s) if c in _FREE_TEXT else s)
        rows.append(row)
    nodes = _csv_text(["Id", "Label", *node_cols, *node_extra], rows)

    edge_extra = _extra_keys((d for *_, d in _edges(g)), set(EDGE_FIELDS) - {"evidence_all"})
    rows = []
    for u, v, k, d in _edges(g):
        rel = _relation(k, d)
        row = [
            _cell(u), _cell(v), "Directed", _fix_surrogates(rel), _cell(d.get("count")),
            _no_formula(_cell(d.get("file"))), _cell(d.get("line")),
            _no_formula(_cell(d.get("evidence"))), _flags_text(d.get("flags")), _fix_surrogates(rel),
        ]  # fmt: skip
        for c in edge_extra:
            s = _cell(d.get(c))
            row.append(_no_formula(s) if c in _FREE_TEXT else s)
        rows.append(row)
    header = ["Source", "Target", "Type", "Relation", "Count", "File", "Line", "Evidence", "Flags", "Label"]
    edges = _csv_text(header + edge_extra, rows)
    return {"nodes.csv": nodes, "edges.csv": edges}


def _neo_str(v: Any) -> str:
    """One neo4j-admin import field: None -> empty (no property), ints bare, text quoted on one line."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, numbers.Integral):
        return str(int(v))
    if isinstance(v, numbers.Real):
        return repr(float(v)) if math.isfinite(float(v)) else ""
    s = _NEWLINES.sub(" ", _cell(v))
    return '"' + s.replace('"', '""') + '"'


def _neo_int(v: Any) -> str:
    if isinstance(v, bool) or v is None:
        return ""
    if isinstance(v, numbers.Integral):
        return str(int(v))
    try:
        return str(int(str(v).strip()))
    except ValueError:
        return ""


def _neo_array(v: Any) -> str:
    if v is None:
        return ""
    items = list(v) if isinstance(v, (list, tuple, set, frozenset)) else [v]
    if not items:
        return ""
    return _neo_str(";".join(str(x).replace(";", ",") for x in items))


def _neo_type(values: list[Any]) -> str:
    vals = [v for v in values if v is not None]
    if vals and all(isinstance(v, bool) for v in vals):
        return "boolean"
    if vals and all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in vals):
        return "long"
    if vals and all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in vals):
        return "double"
    return "string"


def _neo_field(v: Any, typ: str) -> str:
    if typ in ("int", "long"):
        return _neo_int(v)
    if typ == "string[]":
        return _neo_array(v)
    return _neo_str(v)


def _neo_label(s: str) -> str:
    s = _css_name(_fold(s)).replace("-", "_")
    return s[:1].upper() + s[1:]


def neo4j_tables(g: nx.Graph) -> dict[str, str]:
    """{"nodes.csv", "relationships.csv"} for ``neo4j-admin database import full``."""
    node_extra = [(k, _neo_type([d.get(k) for _, d in g.nodes(data=True)]))
                  for k in _extra_keys((d for _, d in g.nodes(data=True)), [*NODE_FIELDS, "id"])]
    edge_extra = [(k, _neo_type([d.get(k) for *_, d in _edges(g)]))
                  for k in _extra_keys((d for *_, d in _edges(g)), [*EDGE_FIELDS])]
    nodes, rels = _neo4j_lines(g.nodes(data=True), _edges(g), node_extra, edge_extra)
    return {"nodes.csv": "".join(nodes), "relationships.csv": "".join(rels)}


def _neo4j_lines(nodes: Iterable[tuple[Any, dict]], edges: Iterable[tuple[Any, Any, Any, dict]],
                 node_extra: list[tuple[str, str]], edge_extra: list[tuple[str, str]]
                 ) -> tuple[Iterator[str], Iterator[str]]:
    """The lines of nodes.csv and relationships.csv (each ending in a newline), produced as they are read: the
    graph's (``neo4j_tables``) or the index's rows streamed (``write_neo4j_from_index``) give the same files."""
    node_types = {"year": "int", "mentions": "int"}
    cols = [("id", "ID")] + [(c, node_types.get(c, "")) for c in NODE_FIELDS]
    cols += [(k, "" if t == "string" else t) for k, t in node_extra]
    ecols = [("count", "int"), ("file", ""), ("line", "int"), ("evidence", ""), ("flags", "string[]"),
             ("evidence_all", "")]  # fmt: skip
    ecols += [(k, "" if t == "string" else t) for k, t in edge_extra]

    def node_lines() -> Iterator[str]:
        yield ",".join([f"{c}:{t}" if t else c for c, t in cols] + [":LABEL"]) + "\n"
        for n, d in nodes:
            row = []
            for c, t in cols:
                if c == "id":
                    row.append(_neo_str(str(n)))
                elif c == "label":
                    row.append(_neo_str(_label(n, d)))
                else:
                    row.append(_neo_field(d.get(c), t))
            row.append(_neo_str(f"Document;{_neo_label(_level(d))}"))
            yield ",".join(row) + "\n"

    def edge_lines() -> Iterator[str]:
        yield ",".join([":START_ID", ":END_ID", ":TYPE"] + [f"{c}:{t}" if t else c for c, t in ecols]) + "\n"
        for u, v, k, d in edges:
            rel = _relation(k, d)
            row = [_neo_str(str(u)), _neo_str(str(v)), _neo_str(_neo_label(rel).upper() or "RELATED")]
            row += [_neo_field(d.get(c), t) for c, t in ecols]
            yield ",".join(row) + "\n"

    return node_lines(), edge_lines()


def write_neo4j_from_index(conn: Any, out_dir: str | os.PathLike) -> tuple[int, int]:
    """``export -f neo4j`` of a whole index without building the graph in memory: the rows are read from SQLite
    and written as they come, in the order ``neo4j_tables(build_graph(conn))`` lists them, and the files are the
    same byte for byte (a test compares). Memory stays flat however large the index (the graph of a 1 GB folder
    takes 3 GiB in networkx). Returns (nodes, relationships) written."""
    from .graph import NODE_FIELDS as INDEX_NODE_FIELDS
    from .graph import iter_index_edges, iter_index_nodes

    # the index's fields that this module's table does not name come after the named ones, as neo4j_tables puts a
    # graph's extra keys (all text: "string")
    node_extra = [(k, "string") for k in sorted(set(INDEX_NODE_FIELDS) - set(NODE_FIELDS) - {"id"})]

    d = os.fspath(out_dir)
    if os.path.exists(d) and not os.path.isdir(d):
        raise ExportError(f"neo4j export needs a directory, but {d!r} is a file")
    counts = [0, 0]

    def counted(rows: Iterable, i: int) -> Iterator:
        for r in rows:
            counts[i] += 1
            yield r

    try:
        os.makedirs(d, exist_ok=True)
        nodes, rels = _neo4j_lines(counted(iter_index_nodes(conn), 0), counted(iter_index_edges(conn), 1),
                                   node_extra, [])
        for name, lines in (("nodes.csv", nodes), ("relationships.csv", rels)):
            with _atomic_target(os.path.join(d, name)) as tmp:
                with open(tmp, "w", encoding="utf-8", newline="") as f:
                    f.writelines(lines)
                    f.flush()
                    os.fsync(f.fileno())
    except OSError as e:
        raise ExportError(f"cannot write neo4j export to {d!r}: {e}") from e
    return counts[0], counts[1]


# --------------------------------------------------------------------------- layout

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
        by_level[_level(d)].append(n)
    rank = {n: LEVELS.index(_level(d)) for n, d in g.nodes(data=True)}

    def skey(n: Any) -> tuple:
        d = g.nodes[n]
        return (str(d.get("jurisdiction") or ""), str(_label(n, d)), str(n))

    order = {lv: sorted(ns, key=skey) for lv, ns in by_level.items()}
    pos: dict[Any, float] = {}

    def refresh(lv: str) -> None:
        ns = order[lv]
        for i, n in enumerate(ns):
            pos[n] = i / max(1, len(ns) - 1)

    for lv in LEVELS:
        refresh(lv)
    nbrs: dict[Any, set] = {n: set() for n in g.nodes}
    for u, v, _k, _d in _edges(g):
        if u != v:
            nbrs[u].add(v)
            nbrs[v].add(u)
    for it in range(iterations):
        seq = LEVELS if it % 2 == 0 else tuple(reversed(LEVELS))
        for lv in seq:
            r = LEVELS.index(lv)

            def bary(n: Any, r: int = r, down: bool = it % 2 == 0) -> float:
                ps = [pos[m] for m in nbrs[n] if (rank[m] < r if down else rank[m] > r)]
                return sum(ps) / len(ps) if ps else pos[n]

            order[lv] = sorted(order[lv], key=lambda n: (bary(n), pos[n]))
            refresh(lv)

    widths = {n: _box_width(_label(n, g.nodes[n])) for n in g.nodes}
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


# --------------------------------------------------------------------------- dot

def _dot_q(s: Any) -> str:
    """A DOT double-quoted string: backslash and quote escaped, newlines as \\n."""
    s = _CONTROL_NO_NL.sub("", str(s).replace("\t", " "))
    s = s.replace("\\", "\\\\").replace('"', '\\"')
    s = _NEWLINES.sub("\\\\n", s)
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
    present = [lv for lv in LEVELS if any(_level(d) == lv for _, d in g.nodes(data=True))]
    for lv in present:
        out.append(f"  subgraph {_dot_q('level_' + lv)} {{")
        out.append("    rank=same;")
        out.append(f"    {_dot_q('__level_' + lv)} [label={_dot_q(LEVEL_NAMES_VI[lv])}, shape=plaintext, style=\"\", "
                   f"fontcolor={_dot_q(LEVEL_STROKES[lv])}];")  # fmt: skip
        for n, d in g.nodes(data=True):
            if _level(d) != lv:
                continue
            attrs = [
                f"label={_dot_q(_label(n, d))}",
                f"fillcolor={_dot_q(LEVEL_COLORS[lv])}",
                f"color={_dot_q(LEVEL_STROKES[lv])}",
            ]
            if d.get("title"):
                attrs.append(f"tooltip={_dot_q(d['title'])}")
            out.append(f"    {_dot_q(n)} [{', '.join(attrs)}];")
        out.append("  }")
    for a, b in zip(present, present[1:]):
        out.append(f"  {_dot_q('__level_' + a)} -> {_dot_q('__level_' + b)} [style=invis];")
    for u, v, k, d in _edges(g):
        rel = _relation(k, d)
        color, dash = RELATION_STYLES.get(rel, _DEFAULT_REL_STYLE)
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
    return LEVELS.index(_level(g.nodes[n]))


# --------------------------------------------------------------------------- mermaid

def _mermaid_text(s: Any) -> str:
    """Text for inside a Mermaid ``"..."`` label: entity codes for # " & < > ` and no newlines."""
    s = _one_line(str(s))
    s = s.replace("#", "#35;")  # first: the others introduce '#'
    for ch, ent in (("&", "#amp;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("`", "#96;"), ("\\", "#92;")):
        s = s.replace(ch, ent)
    return s


def _mermaid_id(n: Any) -> str:
    return "n_" + (re.sub(r"[^A-Za-z0-9_]", "_", _fold(str(n))) or "_")


def to_mermaid(g: nx.Graph, *, title: str = "docgraph") -> tuple[str, list[str]]:
    """``flowchart TD`` with one subgraph per level; returns (text, warnings)."""
    ids = _unique_ids(g.nodes, _mermaid_id)
    out = [f"%% {_one_line(title)}", "flowchart TD"]
    present = [lv for lv in LEVELS if any(_level(d) == lv for _, d in g.nodes(data=True))]
    for lv in present:
        out.append(f'  subgraph lvl_{lv}["{_mermaid_text(f"{LEVEL_NAMES_VI[lv]} ({lv})")}"]')
        for n, d in g.nodes(data=True):
            if _level(d) == lv:
                out.append(f'    {ids[n]}["{_mermaid_text(_label(n, d))}"]')
        out.append("  end")
    n_edges = 0
    for u, v, k, d in _edges(g):
        rel = re.sub(r"[^A-Za-z0-9_]", "_", _fold(_relation(k, d))) or "related"
        out.append(f"  {ids[u]} -->|{rel}| {ids[v]}")
        n_edges += 1
    for lv in present:
        out.append(f"  classDef lv_{lv} fill:{LEVEL_COLORS[lv]},stroke:{LEVEL_STROKES[lv]},color:#000")
        members = [ids[n] for n, d in g.nodes(data=True) if _level(d) == lv]
        for i in range(0, len(members), 50):
            out.append(f"  class {','.join(members[i:i + 50])} lv_{lv}")
    warnings = []
    if n_edges > MERMAID_MAX_EDGES:
        warnings.append(
            f"mermaid: {n_edges} edges (> {MERMAID_MAX_EDGES}); Mermaid renderers are slow or refuse "
            "graphs this large (default maxEdges 500); consider html, dot or a filtered graph"
        )
    return "\n".join(out) + "\n", warnings


# --------------------------------------------------------------------------- html

def _script_json(obj: Any) -> str:
    """JSON safe inside <script type="application/json">: <, >, &, U+2028/9 as \\u escapes."""
    s = json.dumps(_deep(obj, _fix_surrogates), ensure_ascii=False, default=_json_default, separators=(",", ":"))
    return (
        s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )  # fmt: skip


def html_data(g: nx.Graph, *, title: str = "docgraph") -> dict[str, Any]:
    """The object embedded in the HTML page (also handy for tests)."""
    rels = list(RELATIONS)
    for u, v, k, d in _edges(g):
        r = _relation(k, d)
        if r not in rels:
            rels.append(r)
    return {
        "meta": {
            "title": title,
            "generator": "docgraph",
            "levels": list(LEVELS),
            "level_names": LEVEL_NAMES_VI,
            "level_colors": LEVEL_COLORS,
            "level_strokes": LEVEL_STROKES,
            "relations": rels,
            "relation_styles": {r: list(RELATION_STYLES.get(r, _DEFAULT_REL_STYLE)) for r in rels},
        },
        "nodes": [{"id": str(n), "data": dict(d)} for n, d in g.nodes(data=True)],
        "edges": [
            {"source": str(u), "target": str(v), "key": None if k is None else str(k), "data": dict(d)}
            for u, v, k, d in _edges(g)
        ],
        "layout": layered_layout(g),
    }


def to_html(g: nx.Graph, *, title: str = "docgraph") -> str:
    """One self-contained, offline HTML file (inline CSS, JS and SVG; no external resources)."""
    parts = {
        "TITLE": _html.escape(_one_line(title), quote=True),
        "CSS": _HTML_CSS,
        "JS": _HTML_JS,
        "DATA": _script_json(html_data(g, title=title)),
    }
    # one pass, so text inside a substituted part is never substituted again
    return re.sub(r"%%(TITLE|CSS|JS|DATA)%%", lambda m: parts[m.group(1)], _HTML_TEMPLATE)


_HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>%%TITLE%%</title>
<style>%%CSS%%</style>
</head>
<body>
<header>
  <h1>%%TITLE%%</h1>
  <input id="search" type="search" placeholder="Tìm văn bản… (search)" autocomplete="off" aria-label="search">
  <span id="count"></span>
  <button id="fit" type="button">Fit</button>
  <button id="reset" type="button">Reset</button>
</header>
<main>
  <div id="canvas"><svg id="graph" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="document graph"></svg></div>
  <aside>
    <section id="legend"><h2>Cấp (levels)</h2><ul id="levels"></ul><h2>Quan hệ (relations)</h2><ul id="relations"></ul></section>
    <section id="details"><p class="hint">Hover a document or an arrow for details; click a document to focus it and its chain (click the background to reset). Wheel zooms, drag pans.</p></section>
  </aside>
</main>
<div id="tip" role="tooltip" hidden></div>
<script type="application/json" id="docgraph-data">%%DATA%%</script>
<script>%%JS%%</script>
</body>
</html>
"""

_HTML_CSS = """
*{box-sizing:border-box}
html,body{margin:0;height:100%;font:13px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;color:#222;background:#fafafa}
header{display:flex;gap:10px;align-items:center;padding:8px 14px;background:#fff;border-bottom:1px solid #ddd;height:52px}
header h1{font-size:17px;margin:0 12px 0 0;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:40%}
#search{flex:0 1 320px;padding:6px 9px;border:1px solid #bbb;border-radius:6px;font:inherit}
#count{color:#666;min-width:70px}
button{font:inherit;padding:5px 11px;border:1px solid #bbb;background:#f4f4f4;border-radius:6px;cursor:pointer}
button:hover{background:#e8e8e8}
main{display:flex;height:calc(100% - 52px)}
#canvas{flex:1;position:relative;overflow:hidden;background:#fff}
#graph{width:100%;height:100%;display:block;cursor:grab;user-select:none}
#graph.panning{cursor:grabbing}
aside{width:340px;border-left:1px solid #ddd;overflow:auto;padding:10px 14px;background:#fcfcfc}
aside h2{font-size:13px;margin:10px 0 6px;color:#555;text-transform:uppercase;letter-spacing:.03em}
aside ul{list-style:none;margin:0;padding:0}
aside li{display:flex;align-items:center;gap:8px;margin:3px 0}
.sw{display:inline-block;width:16px;height:12px;border-radius:3px;border:1px solid #0003}
.ln{display:inline-block;width:26px;height:0;border-top:2px solid #444}
.hint{color:#777}
#details h3{font-size:15px;margin:12px 0 6px}
#details table{border-collapse:collapse;width:100%}
#details td{vertical-align:top;padding:2px 4px;border-bottom:1px solid #eee;word-break:break-word}
#details td:first-child{color:#666;white-space:nowrap;width:1%}
#details .rel{margin:6px 0;padding:6px;border:1px solid #eee;border-radius:6px;background:#fff}
#details .rel button{padding:1px 6px;font-weight:600}
#details .ev{color:#444;font-style:italic;margin-top:3px;white-space:pre-wrap;word-break:break-word}
#tip{position:fixed;z-index:10;max-width:460px;background:#fffffff2;border:1px solid #999;border-radius:6px;box-shadow:0 3px 12px #0003;padding:8px 10px;pointer-events:none;font-size:12px}
#tip b{display:block;font-size:13px;margin-bottom:4px}
#tip table{border-collapse:collapse}
#tip td{vertical-align:top;padding:1px 4px;word-break:break-word}
#tip td:first-child{color:#666;white-space:nowrap}
#tip .ev{font-style:italic;white-space:pre-wrap}
.band rect{stroke:none}
.band text{font-size:14px;font-weight:600}
.band text.en{font-size:11px;font-weight:400;fill:#777}
.node{cursor:pointer}
.node rect{stroke-width:1.3}
.node text{font-size:12px;fill:#111;pointer-events:none;dominant-baseline:central;text-anchor:middle}
.node:hover rect{stroke-width:2.6}
.edge .line{fill:none;stroke-width:1.4}
.edge .hit{fill:none;stroke:transparent;stroke-width:10}
.edge:hover .line{stroke-width:3}
svg.focusing .node{opacity:.15}
svg.focusing .node.focus,svg.focusing .node.up,svg.focusing .node.down{opacity:1}
svg.focusing .node.focus rect{stroke-width:3.5;stroke:#000}
svg.focusing .node.up rect{stroke-width:2.5}
svg.focusing .node.down rect{stroke-width:2.5;stroke-dasharray:5 2}
svg.focusing .edge{opacity:.07}
svg.focusing .edge.hl{opacity:1}
svg.focusing .edge.hl .line{stroke-width:2.4}
svg.searching .node.nomatch{opacity:.12}
svg.searching .node.match rect{stroke:#000;stroke-width:3}
svg.searching .edge{opacity:.25}
.empty{font-size:16px;fill:#888}
"""

_HTML_JS = r"""
(function () {
  "use strict";
  var doc = document, root = doc.documentElement;
  var DATA;
  try {
    DATA = JSON.parse(doc.getElementById("docgraph-data").textContent);
  } catch (e) {
    root.setAttribute("data-docgraph", "error");
    return;
  }
  var META = DATA.meta, NODES = DATA.nodes, EDGES = DATA.edges, LAYOUT = DATA.layout;
  var SVGNS = "http://www.w3.org/2000/svg";
  var svgRoot = doc.getElementById("graph");
  var tip = doc.getElementById("tip");
  var details = doc.getElementById("details");

  function S(tag, attrs, parent) {
    var e = doc.createElementNS(SVGNS, tag);
    if (attrs) { for (var k in attrs) { if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, String(attrs[k])); } }
    if (parent) parent.appendChild(e);
    return e;
  }
  function H(tag, cls, text, parent) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (parent) parent.appendChild(e);
    return e;
  }
  function cssName(s) { s = String(s === null || s === undefined ? "" : s).replace(/[^A-Za-z0-9_-]/g, "_"); return s || "none"; }
  function levelOf(n) { var l = n.data.level; return META.levels.indexOf(l) >= 0 ? l : "unknown"; }
  function labelOf(n) { var l = n.data.label; return (l === null || l === undefined || String(l).trim() === "") ? n.id : String(l); }
  function text(v) {
    if (v === null || v === undefined) return "";
    if (typeof v === "object") return JSON.stringify(v);
    return String(v);
  }
  function relOf(e) { var r = e.data.relation; return (r === null || r === undefined || r === "") ? (e.key || "related") : String(r); }
  function relStyle(r) { return META.relation_styles[r] || ["#777777", ""]; }
  function fold(s) {
    return String(s).replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  var byId = new Map(), outE = new Map(), inE = new Map(), nodeEl = new Map();
  NODES.forEach(function (n) { byId.set(n.id, n); outE.set(n.id, []); inE.set(n.id, []); });
  EDGES.forEach(function (e, i) {
    e.index = i;
    if (outE.has(e.source)) outE.get(e.source).push(e);
    if (inE.has(e.target)) inE.get(e.target).push(e);
  });

  // ---- legend
  var levelCount = {};
  NODES.forEach(function (n) { var l = levelOf(n); levelCount[l] = (levelCount[l] || 0) + 1; });
  var ulL = doc.getElementById("levels");
  META.levels.forEach(function (l) {
    var li = H("li", "", null, ulL);
    var sw = H("span", "sw", null, li);
    sw.style.background = META.level_colors[l];
    sw.style.borderColor = META.level_strokes[l];
    H("span", "", META.level_names[l] + " (" + l + ")", li);
    H("span", "hint", String(levelCount[l] || 0), li);
  });
  var relCount = {};
  EDGES.forEach(function (e) { var r = relOf(e); relCount[r] = (relCount[r] || 0) + 1; });
  var ulR = doc.getElementById("relations");
  META.relations.forEach(function (r) {
    if (!relCount[r]) return;
    var li = H("li", "", null, ulR);
    var ln = H("span", "ln", null, li);
    var st = relStyle(r);
    ln.style.borderTopColor = st[0];
    if (st[1]) ln.style.borderTopStyle = "dashed";
    H("span", "", r, li);
    H("span", "hint", String(relCount[r]), li);
  });

  // ---- svg scaffolding
  var defs = S("defs", null, svgRoot);
  META.relations.forEach(function (r) {
    var m = S("marker", { id: "arr-" + cssName(r), viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, defs);
    S("path", { d: "M0,0L10,5L0,10z", fill: relStyle(r)[0] }, m);
  });
  var scene = S("g", { "class": "scene" }, svgRoot);
  var gBands = S("g", { "class": "bands" }, scene);
  var gEdges = S("g", { "class": "edges" }, scene);
  var gNodes = S("g", { "class": "nodes" }, scene);
  var W = LAYOUT.width, HH = LAYOUT.height;

  LAYOUT.bands.forEach(function (b) {
    var l = b[0], y0 = b[1], y1 = b[2];
    var g = S("g", { "class": "band band-" + cssName(l) }, gBands);
    S("rect", { x: 0, y: y0, width: W, height: y1 - y0, fill: META.level_colors[l], "fill-opacity": 0.16, rx: 6 }, g);
    var t = S("text", { x: 12, y: (y0 + y1) / 2 - 4, fill: META.level_strokes[l] }, g);
    t.textContent = META.level_names[l];
    var t2 = S("text", { x: 12, y: (y0 + y1) / 2 + 12, "class": "en" }, g);
    t2.textContent = l;
  });

  if (!NODES.length) {
    var et = S("text", { x: 40, y: 60, "class": "empty" }, scene);
    et.textContent = "No documents in this graph.";
    W = Math.max(W, 400); HH = Math.max(HH, 120);
  }

  // ---- edges
  var pairCount = new Map(), pairSeen = new Map();
  EDGES.forEach(function (e) { var k = e.source + "\u0000" + e.target; pairCount.set(k, (pairCount.get(k) || 0) + 1); });
  function edgePath(e) {
    var a = LAYOUT.nodes[e.source], b = LAYOUT.nodes[e.target];
    if (!a || !b) return null;
    var k = e.source + "\u0000" + e.target, cnt = pairCount.get(k), i = pairSeen.get(k) || 0;
    pairSeen.set(k, i + 1);
    var off = (i - (cnt - 1) / 2) * 10;
    var ax = a[0] + off, ay = a[1], bx = b[0] + off, by = b[1];
    if (e.source === e.target) {
      var rx = a[0] + a[2] / 2;
      return "M" + rx + "," + (ay - 6) + " C" + (rx + 40 + off) + "," + (ay - 34) + " " + (rx + 40 + off) + "," + (ay + 34) + " " + rx + "," + (ay + 6);
    }
    if (Math.abs(ay - by) < 1) {
      var y0 = ay - a[3] / 2, y1 = by - b[3] / 2, lift = Math.min(90, 24 + Math.abs(bx - ax) / 5) + Math.abs(off);
      return "M" + ax + "," + y0 + " C" + ax + "," + (y0 - lift) + " " + bx + "," + (y1 - lift) + " " + bx + "," + y1;
    }
    var spread = Math.max(0, b[2] / 2 - 10);  // arrive on the side the edge comes from
    bx += Math.max(-spread, Math.min(spread, (ax - bx) * 0.25));
    var down = by > ay;
    var sy = ay + (down ? a[3] / 2 : -a[3] / 2), ty = by + (down ? -b[3] / 2 : b[3] / 2), my = (sy + ty) / 2;
    var lo = Math.min(ay, by), hi = Math.max(ay, by), skip = 0;
    LAYOUT.bands.forEach(function (b) { if (b[1] > lo && b[2] < hi) skip += 1; });
    if (skip >= 1 && Math.abs(bx - ax) < 160 * skip) {
      // a long edge bows sideways so it does not run through the documents between its ends
      var dx = bx - ax, side = dx > 20 ? 1 : dx < -20 ? -1 : (e.index % 2 ? -1 : 1);
      var bow = side * (90 + 35 * Math.min(skip, 5));
      var q1 = sy + (ty - sy) * 0.3, q3 = sy + (ty - sy) * 0.7;
      return "M" + ax + "," + sy + " C" + (ax + bow) + "," + q1 + " " + (bx + bow) + "," + q3 + " " + bx + "," + ty;
    }
    return "M" + ax + "," + sy + " C" + ax + "," + my + " " + bx + "," + my + " " + bx + "," + ty;
  }
  var edgeEl = [];
  EDGES.forEach(function (e) {
    var d = edgePath(e);
    if (d === null) return;
    var r = relOf(e), st = relStyle(r);
    var g = S("g", { "class": "edge rel-" + cssName(r), "data-source": e.source, "data-target": e.target, "data-relation": r }, gEdges);
    var line = S("path", { "class": "line", d: d, stroke: st[0], "marker-end": "url(#arr-" + cssName(r) + ")" }, g);
    if (st[1]) line.setAttribute("stroke-dasharray", st[1]);
    S("path", { "class": "hit", d: d }, g);
    g.addEventListener("mouseenter", function (ev) { showTip(edgeTip(e), ev); });
    g.addEventListener("mousemove", moveTip);
    g.addEventListener("mouseleave", hideTip);
    edgeEl[e.index] = g;
  });

  // ---- nodes
  NODES.forEach(function (n) {
    var box = LAYOUT.nodes[n.id];
    if (!box) return;
    var l = levelOf(n), lab = labelOf(n);
    var g = S("g", { "class": "node level-" + cssName(l), "data-id": n.id, transform: "translate(" + box[0] + "," + box[1] + ")" }, gNodes);
    var desc = S("desc", null, g);
    desc.textContent = lab + (n.data.title ? " \u2014 " + text(n.data.title) : "");
    S("rect", { x: -box[2] / 2, y: -box[3] / 2, width: box[2], height: box[3], rx: 7, fill: META.level_colors[l], stroke: META.level_strokes[l] }, g);
    var maxc = Math.max(6, Math.floor((box[2] - 14) / 6.6));
    var t = S("text", { x: 0, y: 0 }, g);
    t.textContent = lab.length > maxc ? lab.slice(0, maxc - 1) + "\u2026" : lab;
    g.addEventListener("mouseenter", function (ev) { showTip(nodeTip(n), ev); });
    g.addEventListener("mousemove", moveTip);
    g.addEventListener("mouseleave", hideTip);
    g.addEventListener("click", function (ev) { ev.stopPropagation(); focus(n.id); });
    nodeEl.set(n.id, g);
  });

  // ---- tooltip
  var FIELD_ORDER = ["type", "number", "symbol", "date", "year", "issuer", "issuer_code", "level", "branch", "jurisdiction", "title", "kind", "mentions", "source_file"];
  function fieldRows(d, id) {
    var rows = [["id", id]];
    FIELD_ORDER.forEach(function (k) { if (d[k] !== null && d[k] !== undefined && d[k] !== "") rows.push([k, k === "level" ? d[k] + " \u2014 " + (META.level_names[d[k]] || "") : text(d[k])]); });
    Object.keys(d).forEach(function (k) {
      if (k === "label" || FIELD_ORDER.indexOf(k) >= 0) return;
      if (d[k] !== null && d[k] !== undefined && d[k] !== "") rows.push([k, text(d[k])]);
    });
    return rows;
  }
  function table(rows, parent) {
    var t = H("table", "", null, parent);
    rows.forEach(function (r) { var tr = H("tr", "", null, t); H("td", "", r[0], tr); H("td", "", r[1], tr); });
    return t;
  }
  function nodeTip(n) {
    var f = doc.createDocumentFragment();
    H("b", "", labelOf(n), f);
    var rows = fieldRows(n.data, n.id);
    rows.push(["acts on", String(outE.get(n.id).length)]);
    rows.push(["acted on by", String(inE.get(n.id).length)]);
    table(rows, f);
    return f;
  }
  function nameOf(id) { var n = byId.get(id); return n ? labelOf(n) : id; }
  function evidenceList(d) {
    var ev = Array.isArray(d.evidence_all) ? d.evidence_all : [];
    return ev.slice(0, 5).map(function (x) {
      if (x && typeof x === "object") return (x.file ? x.file : "") + (x.line ? ":" + x.line : "") + " \u2014 " + text(x.text);
      return text(x);
    });
  }
  function edgeTip(e) {
    var f = doc.createDocumentFragment(), d = e.data;
    H("b", "", nameOf(e.source) + "  \u2192 " + relOf(e) + " \u2192  " + nameOf(e.target), f);
    var rows = [["relation", relOf(e)]];
    if (d.count !== null && d.count !== undefined) rows.push(["count", text(d.count)]);
    if (d.file) rows.push(["file", text(d.file) + (d.line ? ":" + d.line : "")]);
    if (Array.isArray(d.flags) && d.flags.length) rows.push(["flags", d.flags.join(", ")]);
    table(rows, f);
    if (d.evidence) H("div", "ev", "\u201c" + text(d.evidence) + "\u201d", f);
    var more = evidenceList(d);
    if (more.length > 1) {
      H("div", "", "all evidence (" + d.evidence_all.length + "):", f);
      more.forEach(function (s) { H("div", "ev", s, f); });
    }
    return f;
  }
  function showTip(frag, ev) {
    while (tip.firstChild) tip.removeChild(tip.firstChild);
    tip.appendChild(frag);
    tip.hidden = false;
    moveTip(ev);
  }
  function moveTip(ev) {
    if (tip.hidden) return;
    var x = ev.clientX + 14, y = ev.clientY + 14, r = tip.getBoundingClientRect();
    if (x + r.width > window.innerWidth - 4) x = Math.max(4, ev.clientX - r.width - 14);
    if (y + r.height > window.innerHeight - 4) y = Math.max(4, ev.clientY - r.height - 14);
    tip.style.left = x + "px"; tip.style.top = y + "px";
  }
  function hideTip() { tip.hidden = true; }

  // ---- focus
  var focused = null;
  function walk(start, adj, key) {
    var seen = new Set([start]), stack = [start], edges = [];
    while (stack.length) {
      var cur = stack.pop();
      adj.get(cur).forEach(function (e) {
        edges.push(e.index);
        var nxt = e[key];
        if (!seen.has(nxt) && adj.has(nxt)) { seen.add(nxt); stack.push(nxt); }
      });
    }
    seen.delete(start);
    return { nodes: seen, edges: edges };
  }
  function clearFocus() {
    focused = null;
    svgRoot.classList.remove("focusing");
    nodeEl.forEach(function (g) { g.classList.remove("focus", "up", "down"); });
    edgeEl.forEach(function (g) { if (g) g.classList.remove("hl"); });
    renderDetails(null);
  }
  function focus(id) {
    clearFocus();
    if (!byId.has(id)) return;
    focused = id;
    var up = walk(id, outE, "target"), down = walk(id, inE, "source");
    svgRoot.classList.add("focusing");
    nodeEl.get(id).classList.add("focus");
    up.nodes.forEach(function (m) { nodeEl.get(m).classList.add("up"); });
    down.nodes.forEach(function (m) { nodeEl.get(m).classList.add("down"); });
    up.edges.concat(down.edges).forEach(function (i) { if (edgeEl[i]) edgeEl[i].classList.add("hl"); });
    renderDetails(id);
  }
  var hintText = details.textContent;
  function relBlock(e, otherId, parent) {
    var box = H("div", "rel", null, parent);
    H("span", "", relOf(e) + " ", box);
    var b = H("button", "", nameOf(otherId), box);
    b.type = "button";
    b.addEventListener("click", function () { focus(otherId); });
    if (e.data.file) H("div", "hint", text(e.data.file) + (e.data.line ? ":" + e.data.line : ""), box);
    if (e.data.evidence) H("div", "ev", "\u201c" + text(e.data.evidence) + "\u201d", box);
  }
  function renderDetails(id) {
    while (details.firstChild) details.removeChild(details.firstChild);
    if (id === null) { H("p", "hint", hintText, details); return; }
    var n = byId.get(id);
    H("h3", "", labelOf(n), details);
    table(fieldRows(n.data, n.id), details);
    var o = outE.get(id), i = inE.get(id);
    H("h2", "", "Acts on \u2191 (" + o.length + ")", details);
    o.forEach(function (e) { relBlock(e, e.target, details); });
    H("h2", "", "Acted on by \u2193 (" + i.length + ")", details);
    i.forEach(function (e) { relBlock(e, e.source, details); });
  }

  // ---- search
  var search = doc.getElementById("search"), countEl = doc.getElementById("count");
  var foldedText = new Map();
  NODES.forEach(function (n) { foldedText.set(n.id, fold([labelOf(n), n.id, text(n.data.title), text(n.data.issuer), text(n.data.jurisdiction)].join(" \u0001 "))); });
  function applySearch() {
    var q = fold(search.value.trim());
    if (!q) {
      svgRoot.classList.remove("searching");
      nodeEl.forEach(function (g) { g.classList.remove("match", "nomatch"); });
      countEl.textContent = NODES.length + " docs";
      return [];
    }
    var hits = [];
    svgRoot.classList.add("searching");
    nodeEl.forEach(function (g, id) {
      var ok = foldedText.get(id).indexOf(q) >= 0;
      g.classList.toggle("match", ok); g.classList.toggle("nomatch", !ok);
      if (ok) hits.push(id);
    });
    countEl.textContent = hits.length + " / " + NODES.length;
    return hits;
  }
  search.addEventListener("input", applySearch);
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { var h = applySearch(); if (h.length) focus(h[0]); }
    if (ev.key === "Escape") { search.value = ""; applySearch(); clearFocus(); }
  });
  applySearch();

  // ---- pan / zoom
  var vb = { x: 0, y: 0, w: W, h: HH };
  function applyVB() { svgRoot.setAttribute("viewBox", vb.x + " " + vb.y + " " + vb.w + " " + vb.h); }
  function fit() { vb = { x: 0, y: 0, w: W, h: HH }; applyVB(); }
  fit();
  svgRoot.setAttribute("preserveAspectRatio", "xMidYMin meet");
  function toSvg(cx, cy) {
    var m = svgRoot.getScreenCTM();
    if (!m) return { x: vb.x, y: vb.y };
    var p = svgRoot.createSVGPoint(); p.x = cx; p.y = cy;
    return p.matrixTransform(m.inverse());
  }
  svgRoot.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var f = ev.deltaY > 0 ? 1.15 : 1 / 1.15, p = toSvg(ev.clientX, ev.clientY);
    vb.x = p.x - (p.x - vb.x) * f; vb.y = p.y - (p.y - vb.y) * f; vb.w *= f; vb.h *= f;
    applyVB();
  }, { passive: false });
  var drag = null, moved = false;
  svgRoot.addEventListener("pointerdown", function (ev) {
    if (ev.button !== 0) return;
    drag = { x: ev.clientX, y: ev.clientY, vx: vb.x, vy: vb.y }; moved = false;
  });
  window.addEventListener("pointermove", function (ev) {
    if (!drag) return;
    var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (!moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    moved = true; svgRoot.classList.add("panning"); hideTip();
    var r = svgRoot.getBoundingClientRect(), s = Math.max(vb.w / r.width, vb.h / r.height);
    vb.x = drag.vx - dx * s; vb.y = drag.vy - dy * s; applyVB();
  });
  window.addEventListener("pointerup", function () { drag = null; svgRoot.classList.remove("panning"); });
  svgRoot.addEventListener("click", function (ev) {
    if (moved) { moved = false; return; }
    if (ev.target.closest && ev.target.closest(".node")) return;
    clearFocus();
  });
  doc.getElementById("fit").addEventListener("click", fit);
  doc.getElementById("reset").addEventListener("click", function () { search.value = ""; applySearch(); clearFocus(); fit(); });
  doc.addEventListener("keydown", function (ev) { if (ev.key === "Escape" && ev.target !== search) clearFocus(); });

  root.setAttribute("data-nodes", String(nodeEl.size));
  root.setAttribute("data-edges", String(edgeEl.filter(Boolean).length));
  root.setAttribute("data-docgraph", "ready");
})();
"""


# --------------------------------------------------------------------------- writing

def _umask() -> int:
    m = os.umask(0o022)
    os.umask(m)
    return m


@contextmanager
def _atomic_target(path: str) -> Iterator[str]:
    """Yield a temp path next to ``path``; on success it replaces ``path`` atomically."""
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=d, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _atomic_write(path: str, data: str | bytes) -> None:
    if isinstance(data, str):
        data = data.encode("utf-8")
    with _atomic_target(path) as tmp:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())


def _to_stdout(data: str | bytes) -> None:
    if isinstance(data, bytes):
        buf = getattr(sys.stdout, "buffer", None)
        if buf is not None:
            sys.stdout.flush()
            buf.write(data)
            buf.flush()
            return
        data = data.decode("utf-8")
    sys.stdout.write(data)
    sys.stdout.flush()


def _render(g: nx.Graph, fmt: str, yed: bool, title: str) -> tuple[str | bytes, list[str]]:
    if fmt == "graphml":
        return to_graphml(g, yed=yed), []
    if fmt == "gexf":
        return to_gexf(g), []
    if fmt == "json":
        return to_json(g), []
    if fmt == "dot":
        return to_dot(g, title=title), []
    if fmt == "mermaid":
        return to_mermaid(g, title=title)
    if fmt == "html":
        return to_html(g, title=title), []
    raise ExportError(f"unknown format {fmt!r}")  # pragma: no cover


def _id_warnings(g: nx.Graph, fmt: str) -> list[str]:
    changed = [n for n, new in _unique_ids(g.nodes, nmtoken).items() if new != str(n)]
    if not changed:
        return []
    return [
        f"{fmt}: {len(changed)} node id(s) were not valid XML NMTOKENs and were rewritten "
        f"(original kept in attribute doc_id), e.g. {str(changed[0])!r}"
    ]


def export_graph(
    g: nx.MultiDiGraph,
    fmt: str,
    out: str | os.PathLike | None,
    *,
    yed: bool = False,
    title: str = "docgraph",
) -> list[str]:
    """Write ``g`` as ``fmt`` to ``out`` and return warnings (strings, possibly empty).

    ``out`` is a file path for graphml/gexf/json/dot/mermaid/html (None or "-" = stdout) and
    a directory for csv/neo4j (created if missing; None raises :class:`ExportError`).
    Files are written atomically. ``yed`` only applies to graphml.
    """
    if not isinstance(fmt, str) or fmt.strip().lower() not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    fmt = fmt.strip().lower()
    if not isinstance(g, nx.Graph):
        raise ExportError("export_graph needs a networkx graph")
    warnings: list[str] = []
    if yed and fmt != "graphml":
        warnings.append(f"--yed only applies to graphml; ignored for {fmt}")
    if fmt in ("graphml", "gexf"):
        warnings += _id_warnings(g, fmt)
    to_stdout = out is None or (isinstance(out, str) and out == "-")

    if fmt in DIRECTORY_FORMATS:
        if to_stdout:
            raise ExportError(f"{fmt} export writes several files: give a directory, not stdout")
        d = os.fspath(out)
        if os.path.exists(d) and not os.path.isdir(d):
            raise ExportError(f"{fmt} export needs a directory, but {d!r} is a file")
        try:
            os.makedirs(d, exist_ok=True)
            tables = csv_tables(g) if fmt == "csv" else neo4j_tables(g)
            for name, text in tables.items():
                _atomic_write(os.path.join(d, name), text)
        except OSError as e:
            raise ExportError(f"cannot write {fmt} export to {d!r}: {e}") from e
        return warnings

    try:
        data, more = _render(g, fmt, yed, title)
    except (TypeError, ValueError, nx.NetworkXError) as e:
        raise ExportError(f"cannot export as {fmt}: {e}") from e
    warnings += more
    if to_stdout:
        _to_stdout(data)
        return warnings
    path = os.fspath(out)
    if os.path.isdir(path):
        raise ExportError(f"{fmt} export needs a file path, but {path!r} is a directory")
    try:
        parent = os.path.dirname(os.path.abspath(path))
        os.makedirs(parent, exist_ok=True)
        _atomic_write(path, data)
    except OSError as e:
        raise ExportError(f"cannot write {path!r}: {e}") from e
    return warnings
