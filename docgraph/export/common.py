"""What every export format shares: the colours and names of levels and relations, the node and edge fields, text
hygiene (XML-illegal characters, newlines, diacritics, JSON of odd values) and reading a graph's nodes and edges
the same way for multi and simple graphs.

Library code: no CLI imports. Nothing here writes files (that is :mod:`docgraph.export.atomic`).
"""

from __future__ import annotations

import json
import numbers
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

import networkx as nx

from docgraph.model import LEVELS

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
    "suspends": ("#ff7f0e", "8 3"),
    "corrects": ("#17becf", "4 3"),
    "consolidates": ("#bcbd22", ""),
    "cites": ("#999999", "2 3"),
}
DEFAULT_REL_STYLE = ("#777777", "")

NODE_FIELDS = (
    "label", "type", "number", "symbol", "year", "date", "issuer", "issuer_code", "level",
    "branch", "jurisdiction", "title", "source_file", "kind", "mentions",
)  # fmt: skip
EDGE_FIELDS = ("relation", "count", "file", "line", "evidence", "evidence_all", "flags")


# --------------------------------------------------------------------------- text hygiene

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
CONTROL_NO_NL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
NEWLINES = re.compile("\r\n|\r|\n|\u2028|\u2029|\x85")


def xml_clean(s: str) -> str:
    """Drop characters XML 1.0 forbids (C0 controls except \\t \\n \\r, lone surrogates, U+FFFE/FFFF) and write
    line ends as \\n, so the file reads back the same whichever XML writer networkx uses (lxml keeps \\r)."""
    return _XML_ILLEGAL.sub("", s.replace("\r\n", "\n").replace("\r", "\n"))


def fix_surrogates(s: str) -> str:
    return _SURROGATE.sub("\ufffd", s)


def one_line(s: str) -> str:
    """Control characters removed, every kind of newline -> one space."""
    return CONTROL_NO_NL.sub("", NEWLINES.sub(" ", s.replace("\t", " ")))


def fold(s: str) -> str:
    """Vietnamese (and other) diacritics folded to ASCII letters: 'Đồng' -> 'Dong'."""
    s = s.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def deep(obj: Any, fn) -> Any:
    """Apply ``fn`` to every string inside dicts/lists/tuples/sets (keys included)."""
    if isinstance(obj, str):
        return fn(obj)
    if isinstance(obj, dict):
        return {(deep(k, fn) if isinstance(k, str) else k): deep(v, fn) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [deep(v, fn) for v in obj]
    if isinstance(obj, (set, frozenset)):
        return sorted((deep(v, fn) for v in obj), key=str)
    return obj


def json_default(o: Any) -> Any:
    if isinstance(o, (set, frozenset)):
        return sorted(o, key=str)
    if hasattr(o, "isoformat"):
        return o.isoformat()
    if isinstance(o, numbers.Integral):
        return int(o)
    if isinstance(o, numbers.Real):
        return float(o)
    return str(o)


def json_text(v: Any) -> str:
    return json.dumps(deep(v, fix_surrogates), ensure_ascii=False, default=json_default)


_NMTOKEN_BAD = re.compile(r"[^A-Za-z0-9._:-]+")


def nmtoken(s: Any) -> str:
    """A valid XML NMTOKEN (ASCII subset) for ``s``; '' never returned."""
    return _NMTOKEN_BAD.sub("_", fold(str(s))) or "_"


def unique_ids(items: Iterable[Any], make) -> dict[Any, str]:
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


def level_of(d: dict) -> str:
    lv = d.get("level")
    return lv if lv in LEVELS else "unknown"


def label_of(n: Any, d: dict) -> str:
    lab = d.get("label")
    if lab is None or (isinstance(lab, str) and not lab.strip()):
        return str(n)
    return lab if isinstance(lab, str) else str(lab)


def edges_of(g: nx.Graph) -> Iterator[tuple[Any, Any, Any, dict]]:
    """(u, v, key, data) for multi and simple graphs alike (key = relation when not multi)."""
    if g.is_multigraph():
        yield from g.edges(keys=True, data=True)
    else:
        for u, v, d in g.edges(data=True):
            yield u, v, d.get("relation"), d


def relation_of(k: Any, d: dict) -> str:
    r = d.get("relation")
    if r is None or r == "":
        r = k if k is not None else "related"
    return str(r)


def css_name(s: Any) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", "" if s is None else str(s)) or "none"


# --------------------------------------------------------------------------- table cells (csv, neo4j)

def cell(v: Any) -> str:
    """One value as the text of a table cell: None empty, bools true/false, containers as JSON, XML-clean."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple, dict, set, frozenset)):
        return json_text(v)
    return xml_clean(v if isinstance(v, str) else str(v))


def extra_keys(dicts: Iterable[dict], known: Iterable[str]) -> list[str]:
    """The keys of ``dicts`` not in ``known``, sorted: the extra columns after the named ones."""
    known = set(known)
    extra: dict[str, None] = {}
    for d in dicts:
        extra.update(dict.fromkeys(str(k) for k in d if str(k) not in known))
    return sorted(extra)

