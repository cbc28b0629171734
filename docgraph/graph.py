"""The graph, built from the index: one node per document, one edge per (source, target, relation).

``build_graph`` gives the whole graph as a networkx MultiDiGraph (exports, missing, gaps). ``build_subgraph`` gives
the part one query needs as a ``SubGraph``: the same reading interface (``g.nodes[n]``, ``n in g``,
``g.in_edges(n, data=True)``, ``g.out_edges(n, data=True)``) without networkx, so a query on a large index neither
imports networkx nor pays for its bookkeeping."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import fields
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

from .model import Document

if TYPE_CHECKING:
    import networkx as nx

# a node's attributes: the Document's fields but its id (the node itself) and a law's name (its label says it)
NODE_FIELDS = tuple(f.name for f in fields(Document) if f.name not in ("id", "name"))
_NODE_SQL = ", ".join(("id",) + NODE_FIELDS)
_EDGE_COLS = ("source", "target", "relation", "count", "file", "line", "evidence", "flags")
_EDGE_SQL = ", ".join(_EDGE_COLS)


def _json_list(s: str | None) -> list:
    # most edges have no flags: "[]" needs no parser
    return json.loads(s) if s and s != "[]" else []


def _node_attrs(r: tuple, fields: tuple[str, ...] = NODE_FIELDS) -> dict[str, Any]:
    """A node's attributes from a row of ``SELECT {_NODE_SQL} FROM documents`` (or of id and ``fields``)."""
    return dict(zip(fields, r[1:]))


def _edge_attrs(r: tuple) -> dict[str, Any]:
    """An edge's attributes from a row of ``SELECT {_EDGE_SQL}, evidence_all FROM edges``."""
    return {"relation": r[2], "count": r[3], "file": r[4], "line": r[5], "evidence": r[6],
            "evidence_all": _json_list(r[8]), "flags": _json_list(r[7])}


def build_graph(conn: sqlite3.Connection) -> nx.MultiDiGraph:
    """The whole graph (exports, missing, gaps); queries about one document use build_subgraph."""
    import networkx as nx

    cur = conn.cursor()
    cur.row_factory = None
    g = nx.MultiDiGraph()
    for r in cur.execute(f"SELECT {_NODE_SQL} FROM documents ORDER BY rowid"):
        g.add_node(r[0], **_node_attrs(r))
    for r in cur.execute(f"SELECT {_EDGE_SQL}, evidence_all FROM edges ORDER BY rowid"):
        g.add_edge(r[0], r[1], key=r[2], **_edge_attrs(r))
    return g


def iter_index_nodes(conn: sqlite3.Connection) -> Iterator[tuple[str, dict[str, Any]]]:
    """(id, attributes) of every document, in ``build_graph``'s node order, read as they are used."""
    cur = conn.cursor()
    cur.row_factory = None
    for r in cur.execute(f"SELECT {_NODE_SQL} FROM documents ORDER BY rowid"):
        yield r[0], _node_attrs(r)


def iter_index_edges(conn: sqlite3.Connection) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """(source, target, relation, attributes) of every edge, in the order ``build_graph(conn).edges(keys=True)``
    lists them (by source in node order; for one source, by target in the order its first edge was added; then
    in table order), read a few hundred sources at a time: memory does not grow with the index."""
    ids = conn.cursor()
    ids.row_factory = None
    cur = conn.cursor()
    cur.row_factory = None
    sources = (r[0] for r in ids.execute("SELECT id FROM documents ORDER BY rowid"))
    while True:
        chunk = [s for _, s in zip(range(500), sources)]
        if not chunk:
            return
        by_source: dict[str, list[tuple]] = {s: [] for s in chunk}
        for r in select_in(cur, f"SELECT rowid, {_EDGE_SQL}, evidence_all FROM edges WHERE source IN ({{ids}})", chunk):
            by_source[r[1]].append(r)
        for s in chunk:
            rows = by_source[s]
            first: dict[str, int] = {}
            for r in rows:
                first[r[2]] = min(first.get(r[2], r[0]), r[0])
            for r in sorted(rows, key=lambda r: (first[r[2]], r[0])):
                yield r[1], r[2], r[3], _edge_attrs(r[1:])


def build_induced(conn: sqlite3.Connection, keep: Iterable[str]) -> nx.MultiDiGraph:
    """The graph on the documents ``keep`` with every edge among them and every attribute: the nodes, edges and
    attributes of ``build_graph(conn).subgraph(keep)``, listed in ``build_graph``'s order (networkx's view of a
    small node set lists it in the set's own order, which changes with Python's hash seed), without reading the
    rest of the index (``export --from`` on a large index)."""
    import networkx as nx

    keep = set(keep)
    cur = conn.cursor()
    cur.row_factory = None
    nodes: list[tuple] = []
    edges: list[tuple] = []
    nodes += select_in(cur, f"SELECT rowid, {_NODE_SQL} FROM documents WHERE id IN ({{ids}})", sorted(keep))
    edges += [r for r in select_in(cur, f"SELECT rowid, {_EDGE_SQL}, evidence_all FROM edges WHERE source IN ({{ids}})",
                                   sorted(keep)) if r[2] in keep]
    g = nx.MultiDiGraph()
    for r in sorted(nodes):  # build_graph's order: the documents table's
        g.add_node(r[1], **_node_attrs(r[1:]))
    order = {n: i for i, n in enumerate(g)}
    # by source in node order, then in table order: how build_graph's adjacency lists them
    for r in sorted(edges, key=lambda r: (order[r[1]], r[0])):
        g.add_edge(r[1], r[2], key=r[3], **_edge_attrs(r[1:]))
    return g


class _Nodes(dict):
    """``g.nodes``: the node -> attribute dict mapping itself (``g.nodes[n]`` is a plain dict lookup, which the
    queries do a few times per row); ``g.nodes(data=True)`` iterates (n, attrs) as networkx's does."""

    __slots__ = ()

    def __call__(self, data: bool = False) -> Iterator:
        return iter(self.items()) if data else iter(self)


class SubGraph:
    """A small directed multigraph with the reading interface of a networkx MultiDiGraph that the queries use: one
    edge per (source, target, key), edges iterated in insertion order. ``to_networkx`` gives a real one."""

    def __init__(self) -> None:
        self._node: dict[str, dict[str, Any]] = _Nodes()
        self._succ: dict[str, dict[tuple[str, Any], dict[str, Any]]] = {}
        self._pred: dict[str, dict[tuple[str, Any], dict[str, Any]]] = {}
        self.nodes = self._node

    def add_node(self, n: str, **attrs: Any) -> None:
        if n in self._node:
            self._node[n].update(attrs)
        else:
            self._node[n] = attrs
            self._succ[n] = {}
            self._pred[n] = {}

    def add_edge(self, u: str, v: str, key: Any = None, **attrs: Any) -> None:
        for n in (u, v):
            if n not in self._node:
                self.add_node(n)
        d = self._succ[u].get((v, key))
        if d is None:
            d = self._succ[u][(v, key)] = self._pred[v][(u, key)] = {}
        d.update(attrs)

    def __contains__(self, n: object) -> bool:
        return n in self._node

    def __len__(self) -> int:
        return len(self._node)

    def __iter__(self) -> Iterator[str]:
        return iter(self._node)

    def out_edges(self, n: str, data: bool = False) -> list[tuple]:
        es = self._succ.get(n, {})
        return [(n, v, d) for (v, _), d in es.items()] if data else [(n, v) for (v, _) in es]

    def in_edges(self, n: str, data: bool = False) -> list[tuple]:
        es = self._pred.get(n, {})
        return [(u, n, d) for (u, _), d in es.items()] if data else [(u, n) for (u, _) in es]

    def number_of_nodes(self) -> int:
        return len(self._node)

    def number_of_edges(self) -> int:
        return sum(len(es) for es in self._succ.values())

    def to_networkx(self) -> nx.MultiDiGraph:
        import networkx as nx

        g = nx.MultiDiGraph()
        for n, attrs in self._node.items():
            g.add_node(n, **attrs)
        for u, es in self._succ.items():
            for (v, key), d in es.items():
                g.add_edge(u, v, key=key, **d)
        return g


def add_documents(g: SubGraph, conn: sqlite3.Connection, *, ids: Iterable[str] | None = None, where: str | None = None,
                  params: Sequence[Any] = ()) -> None:
    """Add to ``g`` the documents ``ids``, or those matching the SQL condition ``where`` on the documents table, as
    nodes with every attribute and without their edges (a query that also looks at documents it reaches by no edge:
    the units of a level for ``gaps``, the citing documents for ``missing``). Nodes already in ``g`` keep theirs."""
    cur = conn.cursor()
    cur.row_factory = None
    if ids is not None:
        _add_nodes(g, select_in(cur, f"SELECT {_NODE_SQL} FROM documents WHERE id IN ({{ids}})", sorted(set(ids))))
    if where is not None:
        _add_nodes(g, cur.execute(f"SELECT {_NODE_SQL} FROM documents WHERE {where} ORDER BY id", tuple(params)))


def select_in(cur: sqlite3.Cursor | sqlite3.Connection, sql: str, ids: Iterable[str],
              params: Sequence[Any] = ()) -> Iterator[Any]:
    """The rows of ``sql`` for all of ``ids``: its ``{ids}`` becomes the placeholders of 500 ids at a time (SQLite
    caps the parameters of one statement); ``params`` follow the ids."""
    ids = list(ids)
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        yield from cur.execute(sql.format(ids=",".join("?" * len(chunk))), (*chunk, *params))


def _add_nodes(g: SubGraph, rows: Iterable[tuple], fields: tuple[str, ...] = NODE_FIELDS) -> None:
    """Nodes from rows of (id, *fields), without edges; a node already in ``g`` keeps its attributes."""
    nodes, succ, pred = g._node, g._succ, g._pred
    for r in rows:
        if r[0] not in nodes:
            nodes[r[0]] = _node_attrs(r, fields)
            succ[r[0]] = {}
            pred[r[0]] = {}


def build_subgraph(conn: sqlite3.Connection, seeds: Iterable[str], *, down: bool = False, up: bool = False,
                   relations: Iterable[str] | None = None, hops: int | None = None,
                   edge_attrs: bool | str = True, node_fields: Iterable[str] | None = None) -> SubGraph:
    """The part of the graph a query needs, read from the index without loading the rest: from ``seeds``, follow
    edges backwards (``down``: who implements them) and/or forwards (``up``: what they implement), only of the
    given relations, at most ``hops`` steps; each direction starts from the seeds. Queries on a 200,000-document
    index stay fast this way. Without ``edge_attrs`` an edge carries its relation only (all that implementers, chain
    and timeline read): its count, places, evidence and flags are not read; with ``edge_attrs="evidence"`` it carries
    its relation and its first evidence (``file``, ``line``, ``evidence``: what the rows of implementers, timeline and
    gaps show), without the JSON of all its evidence. With ``node_fields`` the nodes other than the seeds carry only
    those attributes (show reads the label of each neighbour); the seeds carry them all."""
    fields = tuple(node_fields) if node_fields is not None else NODE_FIELDS
    if not set(fields) <= set(NODE_FIELDS):
        raise ValueError(f"unknown node fields: {', '.join(sorted(set(fields) - set(NODE_FIELDS)))}")
    rels = tuple(relations) if relations is not None else None
    rel_sql = f" AND relation IN ({','.join('?' * len(rels))})" if rels else ""
    if edge_attrs not in (True, False, "evidence"):
        raise ValueError(f"edge_attrs must be True, False or 'evidence', not {edge_attrs!r}")
    evidence_only = edge_attrs == "evidence"
    cols = ("source, target, relation, file, line, evidence" if evidence_only
            else f"{_EDGE_SQL}, evidence_all" if edge_attrs else "source, target, relation")
    cur = conn.cursor()
    cur.row_factory = None  # plain tuples: sqlite3.Row lookups by name cost more than the query on large results
    seeds = list(dict.fromkeys(seeds))
    seen: set[str] = set(seeds)
    edges: dict[tuple[str, str, str], tuple] = {}
    for on, col, other in ((down, "target", 0), (up, "source", 1)):
        if not on:
            continue
        frontier = list(seeds)
        visited = set(frontier)
        step = 0
        while frontier and (hops is None or step < hops):
            step += 1
            nxt: list[str] = []
            for r in select_in(cur, f"SELECT {cols} FROM edges WHERE {col} IN ({{ids}}){rel_sql}", frontier,
                               rels or ()):
                edges[r[0], r[1], r[2]] = r
                o = r[other]
                if o not in visited:
                    visited.add(o)
                    nxt.append(o)
            frontier = nxt
        seen |= visited
    # filled in place: add_node and add_edge would copy every attribute dict once more (40,000 of them for the
    # implementers of a much implemented law)
    g = SubGraph()
    nodes, succ, pred = g._node, g._succ, g._pred
    some = set() if fields == NODE_FIELDS else seen - set(seeds)
    for ids, cols in ((seen - some, NODE_FIELDS), (some, fields)):
        sql = ", ".join(("id",) + cols)
        _add_nodes(g, select_in(cur, f"SELECT {sql} FROM documents WHERE id IN ({{ids}})", sorted(ids)), cols)
    for (s, t, rel), r in edges.items():
        if s in nodes and t in nodes:
            succ[s][t, rel] = pred[t][s, rel] = (
                {"relation": rel, "file": r[3], "line": r[4], "evidence": r[5]} if evidence_only
                else _edge_attrs(r) if edge_attrs else {"relation": rel})
    return g
