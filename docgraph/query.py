"""Queries an analyst asks of the index: find a document, its implementers, its chain, its card, statistics."""

from __future__ import annotations

import datetime as _dt
import json
import sqlite3
from collections import Counter, deque
from typing import Any

import networkx as nx

from .engine import Engine
from .normalize import fold, slug

LEVEL_ORDER = {"central": 0, "provincial": 1, "department": 2, "district": 3, "commune": 4, "unknown": 5}
CHAIN_RELATIONS = ("implements", "based_on")


class NotFound(Exception):
    """The queried document is not in the index (exit code 4)."""


class Ambiguous(Exception):
    """The query matches several documents; the message lists their ids."""

    def __init__(self, query: str, ids: list[str], labels: list[str]):
        self.ids = ids
        lines = ", ".join(f"{i} ({lab})" for i, lab in zip(ids, labels))
        super().__init__(f"{query!r} matches {len(ids)} documents: {lines}. Query one of these ids.")


def find_documents(conn: sqlite3.Connection, query: str, engine: Engine, *, search: bool = False) -> list[str]:
    """Document ids matching what an analyst typed: a reference, a node id, a law name, or (search) title words."""
    q = query.strip()
    if not q:
        return []
    row = conn.execute("SELECT id FROM documents WHERE id=?", (q,)).fetchone()
    if row:
        return [row[0]]
    if not search:
        mentions = [m for m in engine.extract(q) if m.number or m.name]
        if not mentions and q[:1].isdigit():
            mentions = [m for m in engine.extract(f"số {q}") if m.number]
        if mentions:
            m = mentions[0]
            if m.number and m.symbol:
                rows = conn.execute(
                    "SELECT id, year, date, jurisdiction FROM documents WHERE symbol=? AND CAST(number AS INTEGER)=?"
                    " ORDER BY id", (m.symbol, int(m.number))).fetchall()
                if m.date:
                    rows = [r for r in rows if r["date"] in (m.date, None) and r["year"] in (m.year, None)] or rows
                elif m.year:
                    rows = [r for r in rows if r["year"] == m.year] or rows
                if m.province:
                    rows = [r for r in rows if fold(m.province) in fold(r["jurisdiction"] or "")] or rows
                # a year-less placeholder ("-x") is dropped when a dated document exists
                dated = [r for r in rows if r["year"] is not None]
                return [r["id"] for r in (dated or rows)]
            if m.name:
                base = slug(m.name)
                rows = conn.execute("SELECT id, year FROM documents WHERE id LIKE ? ORDER BY id",
                                    (base + "-%",)).fetchall()
                if m.year:
                    rows = [r for r in rows if r["year"] == m.year] or rows
                return [r["id"] for r in rows]
        # a node id prefix ("35-ct-tw")
        rows = conn.execute("SELECT id FROM documents WHERE id LIKE ? ORDER BY id", (slug(q) + "-%",)).fetchall()
        if rows and slug(q):
            return [r[0] for r in rows]
    words = [w for w in fold(q).split() if w]
    if not words:
        return []
    out = []
    for r in conn.execute("SELECT id, label, title FROM documents ORDER BY id"):
        hay = fold(f"{r['label'] or ''} {r['title'] or ''}")
        if all(w in hay for w in words):
            out.append(r["id"])
    return out


def resolve_one(conn: sqlite3.Connection, query: str, engine: Engine, *, search: bool = False) -> str:
    ids = find_documents(conn, query, engine, search=search)
    if not ids:
        hint = "" if search else " (try --search for words of a title)"
        raise NotFound(f"no document matching {query!r} in the index{hint}")
    if len(ids) > 1:
        labels = [conn.execute("SELECT label FROM documents WHERE id=?", (i,)).fetchone()[0] for i in ids]
        raise Ambiguous(query, ids, labels)
    return ids[0]


def _node(g: nx.MultiDiGraph, n: str) -> dict[str, Any]:
    d = dict(g.nodes[n])
    d["doc"] = n
    return d


def _lag(a: str | None, b: str | None) -> int | None:
    if not a or not b:
        return None
    try:
        return (_dt.date.fromisoformat(a) - _dt.date.fromisoformat(b)).days
    except ValueError:
        return None


def implementers(g: nx.MultiDiGraph, doc: str, *, depth: int | None = None, follow_cites: bool = False,
                 level: str | None = None, since: str | None = None) -> list[dict[str, Any]]:
    """Every document that implements ``doc`` directly or through a chain (implements and based_on edges)."""
    if doc not in g:
        raise NotFound(f"{doc!r} is not in the graph")
    rels = set(CHAIN_RELATIONS) | ({"cites"} if follow_cites else set())
    root_date = g.nodes[doc].get("date")
    seen = {doc: 0}
    out: list[dict[str, Any]] = []
    queue = deque([doc])
    while queue:
        v = queue.popleft()
        dv = seen[v]
        if depth is not None and dv >= depth:
            continue
        preds = []
        for u, _, data in g.in_edges(v, data=True):
            if data["relation"] in rels and u not in seen:
                preds.append((u, data["relation"]))
        for u, rel in sorted(set(preds), key=lambda x: (LEVEL_ORDER.get(g.nodes[x[0]].get("level"), 9),
                                                       g.nodes[x[0]].get("date") or "", x[0])):
            if u in seen:
                continue
            seen[u] = dv + 1
            row = _node(g, u)
            row.update(depth=dv + 1, via=v, relation=rel, lag_days=_lag(row.get("date"), root_date))
            out.append(row)
            queue.append(u)
    if level:
        out = [r for r in out if r.get("level") == level]
    if since:
        out = [r for r in out if (r.get("date") or "") >= since]
    return out


def chain(g: nx.MultiDiGraph, doc: str, *, max_paths: int = 200) -> list[list[dict[str, Any]]]:
    """Every upstream path from ``doc`` along implements/based_on edges to a document that implements nothing."""
    if doc not in g:
        raise NotFound(f"{doc!r} is not in the graph")
    paths: list[list[str]] = []

    def ups(n: str) -> list[tuple[str, str]]:
        return sorted({(v, d["relation"]) for _, v, d in g.out_edges(n, data=True) if d["relation"] in CHAIN_RELATIONS},
                      key=lambda x: (LEVEL_ORDER.get(g.nodes[x[0]].get("level"), 9), x[0]))

    stack: list[tuple[str, list[str]]] = [(doc, [doc])]
    while stack and len(paths) < max_paths:
        n, path = stack.pop()
        nxt = [(v, r) for v, r in ups(n) if v not in path]
        if not nxt:
            if len(path) > 1:
                paths.append(path)
            continue
        for v, _ in reversed(nxt):
            stack.append((v, path + [v]))
    out = []
    for p in sorted(paths, key=lambda p: (len(p), p)):
        rows = []
        for i, n in enumerate(p):
            row = _node(g, n)
            if i > 0:
                prev = p[i - 1]
                rels = sorted({d["relation"] for _, v, d in g.out_edges(prev, data=True) if v == n})
                row["relation"] = rels[0] if rels else None
            rows.append(row)
        out.append(rows)
    return out


def show(conn: sqlite3.Connection, g: nx.MultiDiGraph, doc: str) -> dict[str, Any]:
    """The document card: fields, every mention (file:line and text), every edge in and out with evidence."""
    if doc not in g:
        raise NotFound(f"{doc!r} is not in the graph")
    card = _node(g, doc)
    card["mentions_list"] = [
        {"file": r["path"], "line": r["line"], "text": r["text"], "own": bool(r["own"]),
         "short_form": bool(r["short_form"]), "ambiguous": bool(r["ambiguous"])}
        for r in conn.execute(
            "SELECT f.path, m.line, m.text, m.own, m.short_form, m.ambiguous FROM mentions m JOIN files f"
            " ON f.id=m.file_id WHERE m.doc=? ORDER BY f.path, m.line", (doc,))]
    if card.get("source_file"):
        enc = conn.execute("SELECT encoding FROM files WHERE path=?", (card["source_file"],)).fetchone()
        card["encoding"] = enc[0] if enc else None

    def edge(u: str, v: str, d: dict, other: str) -> dict[str, Any]:
        return {"relation": d["relation"], "doc": other, "label": g.nodes[other].get("label"), "count": d["count"],
                "evidence": d["evidence_all"], "flags": d["flags"]}

    card["out"] = [edge(u, v, d, v) for u, v, d in sorted(g.out_edges(doc, data=True), key=lambda e: (e[2]["relation"], e[1]))]
    card["in"] = [edge(u, v, d, u) for u, v, d in sorted(g.in_edges(doc, data=True), key=lambda e: (e[2]["relation"], e[0]))]
    return card


def stats(conn: sqlite3.Connection) -> dict[str, Any]:
    def group(sql: str) -> dict[str, int]:
        return {(r[0] if r[0] not in (None, "") else "(none)"): r[1] for r in conn.execute(sql)}

    files = conn.execute("SELECT COUNT(*), SUM(skipped IS NOT NULL) FROM files").fetchone()
    flagged = Counter()
    for r in conn.execute("SELECT flags FROM edges"):
        for f in json.loads(r[0] or "[]"):
            flagged[f] += 1
    return {
        "files": files[0] or 0,
        "files_skipped": files[1] or 0,
        "skipped": [{"path": r[0], "reason": r[1]} for r in
                    conn.execute("SELECT path, skipped FROM files WHERE skipped IS NOT NULL ORDER BY path")],
        "mentions": conn.execute("SELECT COUNT(*) FROM mentions WHERE own=0").fetchone()[0],
        "documents": conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0],
        "documents_in_folder": conn.execute("SELECT COUNT(*) FROM documents WHERE source_file IS NOT NULL").fetchone()[0],
        "edges": conn.execute("SELECT COUNT(*) FROM edges").fetchone()[0],
        "by_type": group("SELECT type, COUNT(*) FROM documents GROUP BY type ORDER BY 2 DESC, 1"),
        "by_level": group("SELECT level, COUNT(*) FROM documents GROUP BY level ORDER BY 2 DESC, 1"),
        "by_branch": group("SELECT branch, COUNT(*) FROM documents GROUP BY branch ORDER BY 2 DESC, 1"),
        "by_jurisdiction": group("SELECT jurisdiction, COUNT(*) FROM documents GROUP BY jurisdiction ORDER BY 2 DESC, 1"),
        "by_relation": group("SELECT relation, COUNT(*) FROM edges GROUP BY relation ORDER BY 2 DESC, 1"),
        "ambiguous_mentions": conn.execute("SELECT COUNT(*) FROM mentions WHERE ambiguous=1").fetchone()[0],
        "unresolved_mentions": conn.execute(
            "SELECT COUNT(*) FROM mentions WHERE own=0 AND (doc IS NULL OR doc LIKE '%-x' OR doc LIKE '%-x-%')"
        ).fetchone()[0],
        "flagged_edges": dict(flagged),
    }
