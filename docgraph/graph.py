"""The networkx graph, built from the index: one node per document, one edge per (source, target, relation)."""

from __future__ import annotations

import json
import sqlite3

import networkx as nx

NODE_FIELDS = ("label", "type", "number", "symbol", "year", "date", "issuer", "issuer_code", "level", "branch",
               "jurisdiction", "title", "source_file", "kind", "mentions")


def build_graph(conn: sqlite3.Connection) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for r in conn.execute("SELECT * FROM documents"):
        g.add_node(r["id"], **{f: r[f] for f in NODE_FIELDS})
    for r in conn.execute("SELECT * FROM edges"):
        g.add_edge(r["source"], r["target"], key=r["relation"], relation=r["relation"], count=r["count"],
                   file=r["file"], line=r["line"], evidence=r["evidence"],
                   evidence_all=json.loads(r["evidence_all"] or "[]"), flags=json.loads(r["flags"] or "[]"))
    return g
