"""CSV for a spreadsheet or Gephi's spreadsheet import: a folder with nodes.csv and edges.csv, UTF-8 with a byte-order
mark (so that Excel reads Vietnamese).

Library code: no CLI imports. Free-text cells get the spreadsheet formula-injection guard.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

import networkx as nx

from .common import (EDGE_FIELDS, NODE_FIELDS, cell, edges_of, extra_keys, fix_surrogates, label_of, relation_of,
                     xml_clean)

# Free-text columns that get the spreadsheet formula-injection guard in csv.
_FREE_TEXT = frozenset({"label", "title", "issuer", "jurisdiction", "source_file", "evidence", "file"})
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _no_formula(s: str) -> str:
    """Spreadsheet formula-injection guard: a leading apostrophe for =, +, -, @, TAB, CR."""
    return "'" + s if s.startswith(_FORMULA_START) else s


def _flags_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, (list, tuple, set, frozenset)):
        return ";".join(xml_clean(str(x)) for x in v)
    return cell(v)


# Excel reads a CSV file without a byte-order mark in the ANSI code page: Vietnamese becomes mojibake. With it, Excel,
# LibreOffice and Gephi read UTF-8 (Python: encoding="utf-8-sig"). Neo4j's import files are left without it.
BOM = "\ufeff"


def _csv_text(header: list[str], rows: Iterable[list[str]]) -> str:
    buf = io.StringIO()
    buf.write(BOM)
    w = csv.writer(buf, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def csv_tables(g: nx.Graph) -> dict[str, str]:
    """{"nodes.csv": text, "edges.csv": text} for Gephi's spreadsheet import."""
    node_cols = [c for c in NODE_FIELDS if c != "label"]
    node_extra = extra_keys((d for _, d in g.nodes(data=True)), NODE_FIELDS)
    rows = []
    for n, d in g.nodes(data=True):
        row = [cell(n), _no_formula(cell(label_of(n, d)))]
        for c in node_cols + node_extra:
            s = cell(d.get(c))
            row.append(_no_formula(s) if c in _FREE_TEXT else s)
        rows.append(row)
    nodes = _csv_text(["Id", "Label", *node_cols, *node_extra], rows)

    edge_extra = extra_keys((d for *_, d in edges_of(g)), set(EDGE_FIELDS) - {"evidence_all"})
    rows = []
    for u, v, k, d in edges_of(g):
        rel = relation_of(k, d)
        row = [
            cell(u), cell(v), "Directed", fix_surrogates(rel), cell(d.get("count")),
            _no_formula(cell(d.get("file"))), cell(d.get("line")),
            _no_formula(cell(d.get("evidence"))), _flags_text(d.get("flags")), fix_surrogates(rel),
        ]  # fmt: skip
        for c in edge_extra:
            s = cell(d.get(c))
            row.append(_no_formula(s) if c in _FREE_TEXT else s)
        rows.append(row)
    header = ["Source", "Target", "Type", "Relation", "Count", "File", "Line", "Evidence", "Flags", "Label"]
    edges = _csv_text(header + edge_extra, rows)
    return {"nodes.csv": nodes, "edges.csv": edges}


def render(g: nx.Graph, *, yed: bool = False, title: str = "docgraph") -> tuple[dict[str, str], list[str]]:
    """The registry's entry: the folder's files."""
    return csv_tables(g), []
