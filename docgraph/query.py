"""Queries an analyst asks of the index: find a document, its implementers, its chain, its card, statistics, what is
cited but missing from the folder, which units have not implemented a document yet, and how long each one took."""

from __future__ import annotations

import datetime as _dt
import json
import sqlite3
import statistics
from collections import Counter, defaultdict, deque
from typing import TYPE_CHECKING, Any, Callable

from .errors import NotFoundError, UsageError
from .model import level_rank
from .normalize import fold, slug
from .textsearch import WordQuery
from .i18n import _

if TYPE_CHECKING:  # the queries read a networkx MultiDiGraph or a graph.SubGraph: networkx is not imported for them
    import networkx as nx

    from .engine import Engine
    from .graph import SubGraph
    from .lexicon import Lexicon

CHAIN_RELATIONS = ("implements", "based_on")
_REL_RANK = {"implements": 0, "based_on": 1, "cites": 2}
GAP_LEVELS = ("provincial", "department", "district", "commune")
# kinds that report on documents rather than being acted on: a title search uses them only when nothing else matches
REPORT_KINDS = {"article", "unknown"}


class NotFound(NotFoundError):
    """The queried document is not in the index (exit code 4)."""


class Ambiguous(UsageError):
    """The query matches several documents; the message lists their ids."""

    def __init__(self, query: str, ids: list[str], labels: list[str]):
        self.ids = ids
        lines = ", ".join(f"{i} ({lab})" for i, lab in zip(ids, labels))
        super().__init__(_("{query!r} matches {n} documents: {candidates}. Query one of these ids.").format(
            query=query, n=len(ids), candidates=lines))


def find_documents(conn: sqlite3.Connection, query: str, engine: Engine, *, search: bool = False) -> list[str]:
    """Document ids matching what an analyst typed: a reference, a node id, a law name, or (search) words of titles,
    labels and the subjects recorded where the document is cited. An empty query lists every document, by id."""
    if not query.strip():
        return [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY id")]
    return _find(conn, query, engine, search, subjects=True)[0]


# the longest query taken: a reference or a few words of a title fit many times over; SQLite refuses LIKE patterns
# over 50,000 bytes (a Vietnamese letter takes up to 3 of them), and matching a pasted file would take minutes
MAX_QUERY = 1000


def check_query(query: str) -> None:
    """A query longer than ``MAX_QUERY`` characters is a usage error."""
    if len(query) > MAX_QUERY:
        raise UsageError(_("the query is {n:,} characters long: give a reference or a few words (at most {limit:,}"
                           " characters)").format(n=len(query), limit=MAX_QUERY))


def _find(conn: sqlite3.Connection, query: str, engine: Engine, search: bool,
          subjects: bool = False) -> tuple[list[str], str]:
    """The matching ids and how they were found: "id", "reference", "prefix" or "words" (of titles and labels, and
    with ``subjects`` of the subjects recorded in the mentions of a document)."""
    check_query(query)
    q = query.strip()
    if not q:
        return [], "words"
    row = conn.execute("SELECT id FROM documents WHERE id=?", (q,)).fetchone()
    if row:
        return [row[0]], "id"
    if not search:
        mentions = [m for m in engine.extract(q) if m.number or m.name]
        if not mentions and q[:1].isdigit():
            mentions = [m for m in engine.extract(f"số {q}") if m.number]
        if mentions:
            m = mentions[0]
            if m.number and m.symbol:
                from .identity import number_key

                rows = [r for r in conn.execute(
                    "SELECT id, number, year, date, jurisdiction FROM documents WHERE symbol=? ORDER BY id",
                    (m.symbol,)) if r["number"] and number_key(r["number"]) == number_key(m.number)]
                if m.date:
                    rows = [r for r in rows if r["date"] in (m.date, None) and r["year"] in (m.year, None)] or rows
                elif m.year:
                    rows = [r for r in rows if r["year"] == m.year] or rows
                if m.province:
                    rows = [r for r in rows if fold(m.province) in fold(r["jurisdiction"] or "")] or rows
                # a year-less placeholder ("-x") is dropped when a dated document exists
                dated = [r for r in rows if r["year"] is not None]
                return [r["id"] for r in (dated or rows)], "reference"
            if m.name:
                base = slug(m.name)
                rows = conn.execute("SELECT id, year FROM documents WHERE id LIKE ? ORDER BY id",
                                    (base + "-%",)).fetchall()
                if m.year:
                    rows = [r for r in rows if r["year"] == m.year] or rows
                return [r["id"] for r in rows], "reference"
        # a node id prefix ("35-ct-tw")
        rows = conn.execute("SELECT id FROM documents WHERE id LIKE ? ORDER BY id", (slug(q) + "-%",)).fetchall()
        if rows and slug(q):
            return [r[0] for r in rows], "prefix"
    wq = WordQuery(q)
    if not wq.words:
        return [], "words"
    by_subject: dict[str, int] = {}
    if subjects:
        # a cited document's subject ("Chỉ thị số 28-CT/TW ... về tăng cường ... bảo vệ trẻ em") is often all the
        # index knows of what it is about: its own file is not in the folder, so it has no title. Each distinct
        # subject is matched once, and only the documents of those that match are read.
        from .graph import select_in

        hits = {sub: rank for (sub,) in conn.execute("SELECT DISTINCT subject FROM mentions WHERE subject IS NOT NULL")
                if (rank := wq.rank(sub)) is not None}
        for doc, sub in select_in(conn, "SELECT DISTINCT doc, subject FROM mentions WHERE subject IN ({ids})"
                                        " AND doc IS NOT NULL", list(hits)):
            by_subject[doc] = min(hits[sub], by_subject.get(doc, hits[sub]))
    found: list[tuple[int, str]] = []
    for r in conn.execute("SELECT id, label, title FROM documents ORDER BY id"):
        ranks = [x for x in (wq.rank(r["label"], r["title"]), by_subject.get(r["id"])) if x is not None]
        if ranks:
            found.append((min(ranks), r["id"]))
    # the words as a phrase first, then near each other, then apart; by id within each (a stable sort)
    return [i for _, i in sorted(found, key=lambda x: x[0])], "words"


def document_rows(conn: sqlite3.Connection, ids: list[str]) -> list[dict[str, Any]]:
    """The ``documents`` rows of ``ids`` as dicts (every column), in the order of ``ids``; unknown ids are left out."""
    from .graph import select_in

    by_id = {r["id"]: dict(r) for r in select_in(conn, "SELECT * FROM documents WHERE id IN ({ids})", ids)}
    for d in by_id.values():
        d.pop("rowid", None)  # a column of a PostgreSQL index (SQLite's is hidden)
    return [by_id[i] for i in ids if i in by_id]


def resolve_one(conn: sqlite3.Connection, query: str, engine: Engine, *, search: bool = False) -> str:
    """The one document a query names. Words of a title (``search``, or free text that is no reference) that match
    documents and news items alike keep the documents: "đội ngũ trí thức" is the plan, not the portal item that
    reports on it."""
    ids, how = _find(conn, query, engine, search)
    if how == "words" and not ids:  # no title has the words: the subjects recorded where documents are cited
        ids, how = _find(conn, query, engine, search, subjects=True)
    if how == "words" and len(ids) > 1:
        kinds = {r["id"]: r["kind"] for r in conn.execute(
            f"SELECT id, kind FROM documents WHERE id IN ({','.join('?' * len(ids))})", ids)}
        docs = [i for i in ids if kinds.get(i) not in REPORT_KINDS]
        ids = docs or ids
    if not ids:
        hint = "" if search else " " + _("(try --search for words of a title)")
        raise NotFound(_("no document matching {query!r} in the index").format(query=query) + hint)
    if len(ids) > 1:
        # what tells the candidates apart: the label, the date, how often cited, whether the file is in the folder
        # (a source that misdates a directive makes a second one, cited once and never in the folder)
        labels = []
        for i in ids:
            label, date, cited, source = conn.execute(
                "SELECT label, date, mentions, source_file FROM documents WHERE id=?", (i,)).fetchone()
            bits = [label, date or _("no date"), _("cited {n}×").format(n=cited),
                    _("in the folder") if source else _("not in the folder")]
            labels.append(", ".join(bits))
        raise Ambiguous(query, ids, labels)
    return ids[0]


def _node(g: nx.MultiDiGraph, n: str) -> dict[str, Any]:
    d = dict(g.nodes[n])
    d["doc"] = n
    return d


def _lag_from(root: str | None) -> Callable[[str | None], int | None]:
    """The days from ``root`` (an ISO date, or None) to a date, None when either is missing or not a date; ``root``
    is read once and each date once, however many rows carry it."""
    try:
        day = _dt.date.fromisoformat(root) if root else None
    except ValueError:
        day = None
    known: dict[str, int | None] = {}

    def lag(a: str | None) -> int | None:
        if not a or day is None:
            return None
        if a not in known:
            try:
                known[a] = (_dt.date.fromisoformat(a) - day).days
            except ValueError:
                known[a] = None
        return known[a]

    return lag


def edge_evidence(d: dict[str, Any]) -> dict[str, Any] | None:
    """The evidence of an edge as a row shows it: ``{"file", "line", "text"}`` (the first place it was found, the
    sentence), or None for a graph read without it (``build_subgraph(..., edge_attrs=False)``)."""
    if d.get("file") is None and d.get("evidence") is None:
        return None
    return {"file": d.get("file"), "line": d.get("line"), "text": d.get("evidence")}


def implementers(g: nx.MultiDiGraph, doc: str, *, depth: int | None = None, follow_cites: bool = False,
                 level: str | None = None, since: str | None = None,
                 provinces: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """Every document that implements ``doc`` directly or through a chain (implements and based_on edges);
    ``provinces`` keeps those of these provinces (see :func:`province_members`). Each row is the document's
    attributes plus ``doc``, ``depth``, ``via`` (the document it implements), ``relation``, ``lag_days``, ``evidence``
    (the linking edge's file, line and sentence, see ``edge_evidence``) and ``flags``."""
    if doc not in g:
        raise NotFound(f"{doc!r} is not in the graph")
    rels = set(CHAIN_RELATIONS) | ({"cites"} if follow_cites else set())
    nodes = g.nodes
    lag = _lag_from(nodes[doc].get("date"))
    seen = {doc: 0}
    out: list[dict[str, Any]] = []
    queue = deque([doc])
    while queue:
        v = queue.popleft()
        dv = seen[v]
        if depth is not None and dv >= depth:
            continue
        preds = {(u, d["relation"]): d for u, _, d in g.in_edges(v, data=True)
                 if d["relation"] in rels and u not in seen}
        # by level (central first), date and id; a document that both implements and is based on v is listed once,
        # as implementing it (the sort keys are unique: the attribute dicts after them are never compared)
        ranked = []
        for (u, rel), d in preds.items():
            a = nodes[u]
            ranked.append(((level_rank(a.get("level")), a.get("date") or "", u, _REL_RANK[rel]), u, rel, a, d))
        ranked.sort()
        for _, u, rel, a, d in ranked:
            if u in seen:
                continue
            seen[u] = dv + 1
            row = dict(a)
            row["doc"] = u
            row.update(depth=dv + 1, via=v, relation=rel, lag_days=lag(a.get("date")), evidence=edge_evidence(d))
            # the index flags an implements edge whose source is dated before its target: every answer shows it
            vd = nodes[v].get("date")
            row["flags"] = ["source_before_target"] if rel == "implements" and a.get("date") and vd \
                and a["date"] < vd else []
            out.append(row)
            queue.append(u)
    if level:
        out = [r for r in out if r.get("level") == level]
    if since:
        out = [r for r in out if (r.get("date") or "") >= since]
    if provinces is not None:
        out = in_provinces(out, provinces)
    return out


def province_members(name: str) -> tuple[str, ...]:
    """The provinces a query for ``name`` covers: a province of 1/7/2025 with the old ones merged into it
    ("Ninh Bình" -> Hà Nam, Nam Định, Ninh Bình), an old one itself. Raises ``NotFound`` for a name that is no
    province."""
    members = _default_lexicon().gazetteer.members(name)
    if not members:
        raise NotFound(_("no province named {name!r}").format(name=name))
    return members


def in_provinces(rows: list[dict[str, Any]], provinces: tuple[str, ...]) -> list[dict[str, Any]]:
    """The rows (documents) whose jurisdiction lies in one of ``provinces``."""
    keep = {fold(p) for p in provinces}
    return [r for r in rows if fold(province_of(r.get("jurisdiction")) or "") in keep]


def neighbourhood(conn: sqlite3.Connection, doc: str) -> set[str]:
    """``doc``, the documents that implement it and those of its chains (what ``export --from`` keeps), read from the
    index without loading the whole graph."""
    from .graph import build_subgraph

    down = build_subgraph(conn, [doc], down=True, relations=CHAIN_RELATIONS, edge_attrs=False)
    up = build_subgraph(conn, [doc], up=True, relations=CHAIN_RELATIONS, edge_attrs=False)
    keep = {doc} | {r["doc"] for r in implementers(down, doc)}
    for p in chain(up, doc):
        keep |= {r["doc"] for r in p}
    return keep


def chain(g: nx.MultiDiGraph, doc: str, *, max_paths: int = 200) -> list[list[dict[str, Any]]]:
    """Every upstream path from ``doc`` along implements/based_on edges to a document that implements nothing."""
    if doc not in g:
        raise NotFound(f"{doc!r} is not in the graph")
    paths: list[list[str]] = []

    def ups(n: str) -> list[tuple[str, str]]:
        return sorted({(v, d["relation"]) for _, v, d in g.out_edges(n, data=True) if d["relation"] in CHAIN_RELATIONS},
                      key=lambda x: (level_rank(g.nodes[x[0]].get("level")), x[0]))

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
        {"file": r["path"], "line": r["line"], "location": r["location"], "text": r["text"],
         "own": bool(r["own"]),
         "short_form": bool(r["short_form"]), "ambiguous": bool(r["ambiguous"])}
        for r in conn.execute(
            "SELECT f.path, m.line, m.location, m.text, m.own, m.short_form, m.ambiguous FROM mentions m JOIN files f"
            " ON f.id=m.file_id WHERE m.doc=? ORDER BY f.path, m.line, m.idx", (doc,))]
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

    # SQL both stores read alike (docgraph.store): COUNT, not SUM of a comparison; NULL groups first, then by value
    files = conn.execute("SELECT COUNT(*), COUNT(skipped) FROM files").fetchone()
    # each distinct flag list parsed once (most edges have none), and one pass over the mentions for three counts:
    # on a 1 GB index 2 s less than a parse per edge and a scan per count
    flagged: Counter = Counter()
    for flags, n in conn.execute("SELECT flags, COUNT(*) FROM edges WHERE flags IS NOT NULL AND flags != '[]'"
                                 " GROUP BY flags"):
        for f in json.loads(flags):
            flagged[f] += n
    mentions, ambiguous, unresolved = conn.execute(
        "SELECT COUNT(CASE WHEN own=0 THEN 1 END), COUNT(CASE WHEN ambiguous=1 THEN 1 END),"
        " COUNT(CASE WHEN own=0 AND (doc IS NULL OR doc LIKE '%-x' OR doc LIKE '%-x-%') THEN 1 END)"
        " FROM mentions").fetchone()
    return {
        "files": files[0] or 0,
        "files_skipped": files[1] or 0,
        "skipped": [{"path": r[0], "reason": r[1]} for r in
                    conn.execute("SELECT path, skipped FROM files WHERE skipped IS NOT NULL ORDER BY path")],
        "mentions": mentions or 0,
        "documents": conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0],
        "documents_in_folder": conn.execute("SELECT COUNT(*) FROM documents WHERE source_file IS NOT NULL").fetchone()[0],
        "edges": conn.execute("SELECT COUNT(*) FROM edges").fetchone()[0],
        "by_type": group("SELECT type, COUNT(*) FROM documents GROUP BY type ORDER BY 2 DESC, type IS NOT NULL, type"),
        "by_level": group("SELECT level, COUNT(*) FROM documents GROUP BY level ORDER BY 2 DESC, level IS NOT NULL, level"),
        "by_branch": group("SELECT branch, COUNT(*) FROM documents GROUP BY branch ORDER BY 2 DESC, branch IS NOT NULL, branch"),
        "by_jurisdiction": group("SELECT jurisdiction, COUNT(*) FROM documents GROUP BY jurisdiction ORDER BY 2 DESC, jurisdiction IS NOT NULL, jurisdiction"),
        "by_relation": group("SELECT relation, COUNT(*) FROM edges GROUP BY relation ORDER BY 2 DESC, relation IS NOT NULL, relation"),
        "ambiguous_mentions": ambiguous or 0,
        "unresolved_mentions": unresolved or 0,
        "flagged_edges": dict(sorted(flagged.items())),
        # the mentions that could not be tied to one document, for review (file:line and text)
        "ambiguous": [{"file": r[0], "line": r[1], "text": r[2]} for r in conn.execute(
            "SELECT f.path, m.line, m.text FROM mentions m JOIN files f ON f.id = m.file_id WHERE m.ambiguous = 1"
            " ORDER BY f.path, m.line, m.idx LIMIT 200")],
    }


# ------------------------------------------------------------------------------------------------ missing
def missing(conn: sqlite3.Connection, g: nx.MultiDiGraph | None = None, limit: int | None = 20) -> list[dict[str, Any]]:
    """Documents cited in the folder but not in it (no source file): what to collect next.

    Ranked by the number of distinct documents that mention them, then by the number of mentions. Each row lists the
    citing documents (the files' own documents) with their mentions and the relations they have to it. ``file-`` ids
    (drafts, news items) are never missing documents. ``limit`` None or 0 keeps every row. Without ``g`` the part of
    the graph it needs is read from the index: the missing documents, their edges in and the citing documents (the
    same answer as on the whole graph, in a fraction of the time on a large index)."""
    per: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for r in conn.execute(
            "SELECT m.doc, f.path, f.own_id, m.line FROM mentions m JOIN files f ON f.id=m.file_id"
            " JOIN documents d ON d.id=m.doc"
            " WHERE m.own=0 AND d.source_file IS NULL AND d.id NOT LIKE 'file-%' ORDER BY f.path, m.line"):
        citer = r["own_id"] or f"file:{r['path']}"
        c = per[r["doc"]].setdefault(citer, {"doc": r["own_id"], "file": r["path"], "mentions": 0, "lines": []})
        c["mentions"] += 1
        c["lines"].append(r["line"])
    if g is None:
        from .graph import add_documents, build_subgraph

        seeds = [r[0] for r in conn.execute(
            "SELECT id FROM documents WHERE source_file IS NULL AND id NOT LIKE 'file-%' ORDER BY id")]
        g = build_subgraph(conn, seeds, down=True, hops=1, edge_attrs=False)
        add_documents(g, conn, ids=[c["doc"] for citers in per.values() for c in citers.values() if c["doc"]])
    # a relation reported by a third file (a news item: "plan X implements Y") also makes X a citing document
    for doc in list(g.nodes):
        if doc.startswith("file-") or g.nodes[doc].get("source_file"):
            continue
        for u, _, d in g.in_edges(doc, data=True):
            if u not in per[doc]:
                per[doc][u] = {"doc": u, "file": g.nodes[u].get("source_file"), "mentions": 0, "lines": []}
    rows = []
    for doc, citers in per.items():
        if not citers or doc not in g:
            continue
        row = _node(g, doc)
        rels_of: dict[str, set[str]] = defaultdict(set)  # citing document -> its relations to doc
        for u, _, d in g.in_edges(doc, data=True):
            rels_of[u].add(d["relation"])
        by = []
        for c in citers.values():
            u = c["doc"]
            rels = sorted(rels_of.get(u, ())) if u in g else []
            by.append({"doc": u, "label": g.nodes[u].get("label") if u in g else c["file"], "file": c["file"],
                       "level": g.nodes[u].get("level") if u in g else None,
                       "date": g.nodes[u].get("date") if u in g else None,
                       "mentions": c["mentions"], "lines": c["lines"], "relations": rels})
        by.sort(key=lambda c: (-c["mentions"], level_rank(c["level"]), c["doc"] or c["file"] or ""))
        row["cited_by_count"] = len(by)
        row["mention_count"] = sum(c["mentions"] for c in by)
        row["relations"] = sorted({d["relation"] for _, _, d in g.in_edges(doc, data=True)})
        row["cited_by"] = by
        rows.append(row)
    rows.sort(key=lambda r: (-r["cited_by_count"], -r["mention_count"], level_rank(r.get("level")),
                             r["doc"]))
    for i, r in enumerate(rows, 1):
        r["rank"] = i
    return rows[:limit] if limit else rows


# ------------------------------------------------------------------------------------------------ gaps
def province_of(jurisdiction: str | None) -> str | None:
    """The province part of a jurisdiction ("Bắc Giang / Lạng Giang" -> "Bắc Giang"); None when unknown."""
    p = (jurisdiction or "").split(" / ")[0].strip()
    return p if p and p != "?" else None


def unit_of(d: dict[str, Any], lexicon: Lexicon | None = None) -> tuple[str, str | None] | None:
    """(key, name) of the unit that issued a document at its level, or None when it cannot be told.

    Provincial units (the Party committee, the People's Committee and Council, the committee's boards) and
    department units are told apart by issuer code (TU, UBND, BTGTU; SNV, SGDĐT, SKHCN; a code many department units
    share, such as ĐU, ``lexicon.generic_codes``, by the issuer's name); district and commune units by the last part
    of the jurisdiction ("Bắc Giang / Lạng Giang"). ``lexicon``: default the built-in one."""
    level = d.get("level")
    issuer = (d.get("issuer") or "").strip()
    last = issuer.split(" - ")[-1].strip() if issuer else ""
    if level == "provincial":
        code = (d.get("issuer_code") or "").split("-")[0]
        parts = issuer.split(" - ")
        if len(parts) == 2 and parts[1].startswith(("Tỉnh ", "Thành phố ")):  # "Ủy ban nhân dân - Tỉnh Bắc Giang"
            last = f"{parts[0]} {parts[1][:1].lower()}{parts[1][1:]}"
        if code:
            return code, last or None
        return (fold(last), last) if last else None
    if level == "department":
        lx = lexicon or _default_lexicon()
        code = (d.get("issuer_code") or "").split("-")[0]
        named = last if (" - " in issuer or fold(last).startswith(lx.department_name_starts)) else None
        if code and code not in lx.generic_codes:
            return code, named
        if named:
            return fold(named), named
        return None
    if level in ("district", "commune"):
        parts = [p.strip() for p in (d.get("jurisdiction") or "").split(" / ")]
        if len(parts) >= 2 and parts[-1]:
            return fold(parts[-1]), parts[-1]
        return None
    return None


def index_provinces(conn: sqlite3.Connection) -> list[str]:
    """Every province some document of the index lies in, by name."""
    seen: dict[str, str] = {}
    for (j,) in conn.execute(  # ordered: the first of two spellings of a province wins on either store
            "SELECT DISTINCT jurisdiction FROM documents WHERE jurisdiction != '' ORDER BY jurisdiction"):
        p = province_of(j)
        if p:
            seen.setdefault(fold(p), p)
    return sorted(seen.values(), key=fold)


def default_gap_level(conn: sqlite3.Connection, doc: str) -> str | None:
    """The level ``gaps`` compares when none is asked: the provinces' own units (provincial) for a central document,
    the question an analyst asks first of a directive; ``None`` for a local one, whose units below it may be
    departments, districts or communes alike."""
    row = conn.execute("SELECT level FROM documents WHERE id=?", (doc,)).fetchone()
    return "provincial" if row is not None and row[0] == "central" else None


def gaps_graph(conn: sqlite3.Connection, doc: str, level: str) -> SubGraph:
    """The part of the index ``gaps`` reads: the implementers of ``doc`` (its chain relations) and every document of
    ``level`` (the units), not the whole graph (21 s -> 2.5 s on a 1 GB index)."""
    from .graph import add_documents, build_subgraph

    g = build_subgraph(conn, [doc], down=True, relations=CHAIN_RELATIONS, edge_attrs="evidence")
    add_documents(g, conn, where="level = ?", params=(level,))
    return g


def _default_lexicon() -> Lexicon:
    from .lexicon import load_lexicon

    return load_lexicon()


def gaps(g: nx.MultiDiGraph, doc: str, level: str, *, provinces: list[str] | None = None,
         only: tuple[str, ...] | None = None, lexicon: Lexicon | None = None) -> dict[str, Any]:
    """Units of ``level``, province by province, that have not acted on ``doc``, then those that have.

    The provinces: ``doc``'s own, or for a document without one (a central directive) every province of the index
    (``provinces``, from :func:`index_provinces`; by default every province of ``g``'s documents), also those where
    nobody has acted; ``only`` (see :func:`province_members`) keeps some of them. The units of a province: every
    issuer at ``level`` of a document in the index (a file or only cited) in that province. A unit is covered when
    one of its documents is among ``implementers(g, doc)`` (implements and based_on edges, directly or through a
    chain); otherwise it is a gap. ``lexicon`` (default: the built-in one) tells which issuer codes many units
    share."""
    lexicon = lexicon or _default_lexicon()
    if level not in GAP_LEVELS:
        raise ValueError(f"level must be one of {', '.join(GAP_LEVELS)}, not {level!r}")
    if doc not in g:
        raise NotFound(f"{doc!r} is not in the graph")
    impl = {r["doc"]: r for r in _with_via_labels(g, implementers(g, doc))}
    own_prov = province_of(g.nodes[doc].get("jurisdiction"))
    if own_prov:
        names = [own_prov]
    elif provinces is not None:
        names = list(provinces)
    else:
        names = [province_of(a.get("jurisdiction")) for _, a in g.nodes(data=True)]
    # the implementers' provinces always count: a unit that acted is never left out
    names += [province_of(r.get("jurisdiction")) for r in impl.values()] if not own_prov else []
    wanted = {fold(p) for p in only} if only is not None else None
    by_key: dict[str, str] = {}
    for p in sorted((p for p in names if p), key=fold):
        if wanted is None or fold(p) in wanted:
            by_key.setdefault(fold(p), p)
    units: dict[str, dict[str, dict[str, Any]]] = {k: {} for k in by_key}
    # by id: a unit's first name and ties between names do not depend on the order the graph was built in (an
    # index updated by re-runs lists its documents in another order than a fresh one)
    for n in sorted(g.nodes):
        d = dict(g.nodes[n], doc=n)
        p = province_of(d.get("jurisdiction"))
        if d.get("level") != level or not p or fold(p) not in units:
            continue
        u = unit_of(d, lexicon)
        if u is None:
            continue
        key, name = u
        unit = units[fold(p)].setdefault(key, {"unit": name if name and fold(name) == key else key, "name": name,
                                               "documents": []})
        if name and (not unit["name"] or len(name) > len(unit["name"])):
            unit["name"] = name
        entry = {"doc": n, "label": d.get("label"), "date": d.get("date"), "kind": d.get("kind")}
        if n in impl:
            r = impl[n]
            entry.update(relation=r["relation"], via=r["via"], via_label=r["via_label"], depth=r["depth"],
                         lag_days=r["lag_days"], flags=r["flags"], evidence=r["evidence"])
        elif n == doc:
            entry.update(relation="query")
        unit["documents"].append(entry)
    gz = lexicon.gazetteer
    out = []
    for k, prov in by_key.items():
        covered, missing_ = [], []
        for unit in units[k].values():
            docs = sorted(unit.pop("documents"), key=lambda e: (e["date"] or "9999", e["doc"]))
            unit["implementing"] = [e for e in docs if e.get("relation")]
            unit["other"] = [e for e in docs if not e.get("relation")]
            (covered if unit["implementing"] else missing_).append(unit)
        covered.sort(key=lambda u: (min((e["date"] or "9999") for e in u["implementing"]), u["unit"]))
        missing_.sort(key=lambda u: fold(u["unit"] or ""))
        info = gz.province(prov)
        out.append({"province": prov, "merged_into": info.merged_into if info and info.merged_into != prov else None,
                    "units": len(covered) + len(missing_), "acted": bool(covered), "gaps": missing_,
                    "covered": covered})
    root = _node(g, doc)
    return {"doc": doc, "label": root.get("label"), "date": root.get("date"), "level": level,
            "root_level": root.get("level"), "provinces": out,
            "not_acted": [p["province"] for p in out if not p["acted"]]}


# ------------------------------------------------------------------------------------------------ timeline
def timeline(g: nx.MultiDiGraph, doc: str, *, provinces: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Every implementing document (``implementers``; of ``provinces`` only, when given) with its date and lag in
    days from ``doc``'s date, sorted by date; the median lag per level and overall; undated documents apart."""
    rows = _with_via_labels(g, implementers(g, doc, provinces=provinces))
    dated = sorted((r for r in rows if r.get("date")), key=lambda r: (r["date"], r["doc"]))
    undated = sorted((r for r in rows if not r.get("date")),
                     key=lambda r: (level_rank(r.get("level")), r["doc"]))
    by_level: dict[str, list[int]] = defaultdict(list)
    for r in dated:
        if r.get("lag_days") is not None:
            by_level[r.get("level") or "unknown"].append(r["lag_days"])
    lags = [r["lag_days"] for r in dated if r.get("lag_days") is not None]
    root = _node(g, doc)
    return {
        "doc": doc, "label": root.get("label"), "date": root.get("date"), "level": root.get("level"),
        "rows": dated, "undated": undated,
        "median_lag_days": _median(lags),
        "median_lag_by_level": {lvl: {"median_lag_days": _median(v), "documents": len(v)}
                                for lvl, v in sorted(by_level.items(), key=lambda x: level_rank(x[0]))},
    }


def _with_via_labels(g: nx.MultiDiGraph, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for r in rows:
        r["via_label"] = g.nodes[r["via"]].get("label") if r.get("via") in g else None
    return rows


def _median(v: list[int]) -> float | int | None:
    if not v:
        return None
    m = statistics.median(v)
    return int(m) if float(m).is_integer() else m
