"""CSV for ``neo4j-admin database import full``: a folder with nodes.csv and relationships.csv, from a graph or
streamed from the index row by row (the same bytes either way).

Library code: no CLI imports.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Iterable, Iterator
from typing import Any

import networkx as nx

from .atomic import folder_path, write_folder
from .common import (EDGE_FIELDS, NEWLINES, NODE_FIELDS, cell, css_name, edges_of, extra_keys, fold, label_of, level_of,
                     relation_of)


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
    s = NEWLINES.sub(" ", cell(v))
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
    s = css_name(fold(s)).replace("-", "_")
    return s[:1].upper() + s[1:]


def neo4j_tables(g: nx.Graph) -> dict[str, str]:
    """{"nodes.csv", "relationships.csv"} for ``neo4j-admin database import full``."""
    node_extra = [(k, _neo_type([d.get(k) for _, d in g.nodes(data=True)]))
                  for k in extra_keys((d for _, d in g.nodes(data=True)), [*NODE_FIELDS, "id"])]
    edge_extra = [(k, _neo_type([d.get(k) for *_, d in edges_of(g)]))
                  for k in extra_keys((d for *_, d in edges_of(g)), [*EDGE_FIELDS])]
    nodes, rels = _neo4j_lines(g.nodes(data=True), edges_of(g), node_extra, edge_extra)
    return {"nodes.csv": "".join(nodes), "relationships.csv": "".join(rels)}


def _neo4j_lines(nodes: Iterable[tuple[Any, dict]], edges: Iterable[tuple[Any, Any, Any, dict]],
                 node_extra: list[tuple[str, str]], edge_extra: list[tuple[str, str]]
                 ) -> tuple[Iterator[str], Iterator[str]]:
    """The lines of nodes.csv and relationships.csv (each ending in a newline), produced as they are read: the
    graph's (``neo4j_tables``) or the index's rows streamed (``write_from_index``) give the same files."""
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
                    row.append(_neo_str(label_of(n, d)))
                else:
                    row.append(_neo_field(d.get(c), t))
            row.append(_neo_str(f"Document;{_neo_label(level_of(d))}"))
            yield ",".join(row) + "\n"

    def edge_lines() -> Iterator[str]:
        yield ",".join([":START_ID", ":END_ID", ":TYPE"] + [f"{c}:{t}" if t else c for c, t in ecols]) + "\n"
        for u, v, k, d in edges:
            rel = relation_of(k, d)
            row = [_neo_str(str(u)), _neo_str(str(v)), _neo_str(_neo_label(rel).upper() or "RELATED")]
            row += [_neo_field(d.get(c), t) for c, t in ecols]
            yield ",".join(row) + "\n"

    return node_lines(), edge_lines()


def render(g: nx.Graph, *, yed: bool = False, title: str = "docgraph") -> tuple[dict[str, str], list[str]]:
    """The registry's entry for a graph: the folder's files."""
    return neo4j_tables(g), []


def write_from_index(conn: Any, out_dir: str | os.PathLike | None) -> tuple[int, int]:
    """``export -f neo4j`` of a whole index without building the graph in memory: the rows are read from SQLite
    and written as they come, in the order ``neo4j_tables(build_graph(conn))`` lists them, and the files are the
    same byte for byte (a test compares). Memory stays flat however large the index (the graph of a 1 GB folder
    takes 3 GiB in networkx). Returns (nodes, relationships) written."""
    from docgraph.graph import NODE_FIELDS as INDEX_NODE_FIELDS
    from docgraph.graph import iter_index_edges, iter_index_nodes

    # the index's fields that this module's table does not name come after the named ones, as neo4j_tables puts a
    # graph's extra keys (all text: "string")
    node_extra = [(k, "string") for k in sorted(set(INDEX_NODE_FIELDS) - set(NODE_FIELDS) - {"id"})]
    d = folder_path(out_dir, "neo4j")
    counts = [0, 0]

    def counted(rows: Iterable, i: int) -> Iterator:
        for r in rows:
            counts[i] += 1
            yield r

    nodes, rels = _neo4j_lines(counted(iter_index_nodes(conn), 0), counted(iter_index_edges(conn), 1), node_extra, [])
    write_folder(d, {"nodes.csv": nodes, "relationships.csv": rels}, "neo4j")
    return counts[0], counts[1]


write_neo4j_from_index = write_from_index  # the name it had in docgraph.export
