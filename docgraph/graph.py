"""The networkx graph, built from the index: one node per document, one edge per (source, target, relation)."""

from __future__ import annotations

import json
import sqlite3
from typing import Iterable, Iterator

import networkx as nx

NODE_FIELDS = ("label", "type", "number", "symbol", "year", "date", "issuer", "issuer_code", "level", "branch",
               "jurisdiction", "title", "source_file", "kind", "mentions", "signer", "signer_title")


def _add_node(g: nx.MultiDiGraph, r: sqlite3.Row) -> None:
    g.add_node(r["id"], **{f: r[f] for f in NODE_FIELDS})


def _add_edge(g: nx.MultiDiGraph, r: sqlite3.Row, evidence: bool = True) -> None:
    """An edges-table row as a graph edge; without ``evidence`` only its first evidence is kept (not parsed)."""
    g.add_edge(r["source"], r["target"], key=r["relation"], relation=r["relation"], count=r["count"],
               file=r["file"], line=r["line"], evidence=r["evidence"],
               evidence_all=json.loads(r["evidence_all"] or "[]") if evidence else [],
               flags=json.loads(r["flags"] or "[]"))


def build_graph(conn: sqlite3.Connection) -> nx.MultiDiGraph:
    """The whole graph (exports, missing, gaps); queries about one document use build_subgraph."""
    g = nx.MultiDiGraph()
    for r in conn.execute("SELECT * FROM documents"):
        _add_node(g, r)
    for r in conn.execute("SELECT * FROM edges"):
        _add_edge(g, r)
    return g


def _chunks(items: list[str], n: int = 500) -> Iterator[list[str]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def build_subgraph(conn: sqlite3.Connection, seeds: Iterable[str], *, down: bool = False, up: bool = False,
                   relations: Iterable[str] | None = None, hops: int | None = None,
                   evidence: bool = True) -> nx.MultiDiGraph:
    """The part of the graph a query needs, read from the index without loading the rest: from ``seeds``, follow
    edges backwards (``down``: who implements them) and/or forwards (``up``: what they implement), only of the
    given relations, at most ``hops`` steps. Queries on a 200,000-document index stay fast this way. Without
    ``evidence`` the edges keep only their first evidence (the full list is not parsed)."""
    rels = tuple(relations) if relations is not None else None
    rel_sql = f" AND relation IN ({','.join('?' * len(rels))})" if rels else ""
    g = nx.MultiDiGraph()
    seen: set[str] = set(seeds)
    edges: dict[tuple[str, str, str], sqlite3.Row] = {}
    for direction, col, other in (("down", "target", "source"), ("up", "source", "target")):
        if not (down if direction == "down" else up):
            continue
        frontier = list(seen if direction == "down" else set(seeds) | seen)
        visited = set(frontier)
        step = 0
        while frontier and (hops is None or step < hops):
            step += 1
            nxt: list[str] = []
            for chunk in _chunks(frontier):
                sql = f"SELECT * FROM edges WHERE {col} IN ({','.join('?' * len(chunk))}){rel_sql}"
                for r in conn.execute(sql, (*chunk, *(rels or ()))):
                    edges[(r["source"], r["target"], r["relation"])] = r
                    if r[other] not in visited:
                        visited.add(r[other])
                        nxt.append(r[other])
            frontier = nxt
        seen |= visited
    for chunk in _chunks(sorted(seen)):
        for r in conn.execute(f"SELECT * FROM documents WHERE id IN ({','.join('?' * len(chunk))})", chunk):
            _add_node(g, r)
    for (s, t, _), r in edges.items():
        if s in g and t in g:
            _add_edge(g, r, evidence)
    return g
