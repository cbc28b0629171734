"""The first run on a new index: files, mentions and raw relations loaded in one transaction, documents and edges
resolved from what the writer gathered while the batches came in.

A new index has nothing to replace and no reader to serve until the run ends, so it is loaded the way SQLite loads
fastest: no journal on disk (``journal_mode=MEMORY``: a page that is new in the file needs none, and rollback still
works), one transaction (one sync, at its commit), the secondary indexes dropped and made again after the load (one
sort each instead of an insert per row). An interrupted run keeps the files loaded so far, as an interrupted run
always did (``abort``: the next run completes the index); a run killed outright (power cut, SIGKILL) may leave the
new file unreadable, with nothing lost but that first run. Once committed, the write-ahead log is restored: from
then on the index is as crash-safe as one written batch by batch. When another connection has the index open (a
second extract started at the same time) the journal cannot be changed: the load then runs in the write-ahead log,
still in one transaction.

While the batches arrive, the writer keeps what ``index.resolve`` would otherwise read back from the tables it just
wrote: the dated documents of each scope, the year-less mentions, each document's distinct mention fields with their
counts, and each raw relation's source and target documents with its sort key (its evidence stays in the index and
is read back in the edges' order). The documents and edges are then the same, row for row, as a full ``resolve`` of
the same rows gives: both share ``index._YearLess``, ``index._documents`` and ``index._write_edges``. What is kept
grows with the distinct documents and the relations, not with the text: evidence, headers and mention texts are not.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections import defaultdict
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Iterator

from . import index as ix

if TYPE_CHECKING:
    from .lexicon import Lexicon

# made again after the load
_DEFERRED = ("mentions_file", "mentions_doc", "raw_relations_file", "files_own", "edges_by_target")
_M = {c: i for i, c in enumerate(ix._MENTION_ROW)}
_KEY_BASE, _KEY_YEAR, _KEY_JURIS, _OWN_COL, _DOC = (_M[c] for c in (
    "key_base", "key_year", "key_jurisdiction", "own", "doc"))
# a mention's values for its document (index._DOC_SOURCES, "doc" first)
_doc_sources = itemgetter(*(_M[c] for c in ix._DOC_SOURCES))
_F = {c: i for i, c in enumerate(ix._FILE_ROW)}
_SKIPPED, _OWN_ID, _OWN_BASE, _OWN_YEAR, _OWN_JURIS = (_F[c] for c in (
    "skipped", "own_id", "own_base", "own_year", "own_jurisdiction"))
_INSERT_MENTION = ix._insert("mentions", ("id", "file_id", *ix._MENTION_ROW))
_INSERT_RAW = "INSERT INTO raw_relations (rowid, file_id, source_idx, target_idx, relation, line, evidence, location)" \
              " VALUES (?,?,?,?,?,?,?,?)"


class BulkLoad:
    """Load a new index's rows (``add``, a batch at a time) and resolve them (``finish``); ``abort`` keeps the files
    loaded so far. Made by ``begin``."""

    @classmethod
    def begin(cls, conn: sqlite3.Connection) -> BulkLoad | None:
        """Take the write lock for the whole load; None when the index is not empty once it is held (another
        extract wrote files meanwhile: the caller writes batch by batch, replacing rows)."""
        conn.commit()
        journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
        try:
            conn.execute("PRAGMA journal_mode=MEMORY")
        except sqlite3.OperationalError:  # another connection has the index open: it stays in the write-ahead log
            pass
        conn.execute("BEGIN IMMEDIATE")
        if conn.execute("SELECT 1 FROM files LIMIT 1").fetchone() is not None:
            conn.rollback()
            _journal(conn, journal)
            return None
        return cls(conn, journal)

    def __init__(self, conn: sqlite3.Connection, journal: str):
        from .relations import OWN

        self.conn, self.journal, self.own_idx = conn, journal, OWN
        for name in _DEFERRED:
            conn.execute(f"DROP INDEX IF EXISTS {name}")
        self.next_file = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM files").fetchone()[0]
        self.next_mention = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM mentions").fetchone()[0]
        self.next_raw = conn.execute("SELECT COALESCE(MAX(rowid), 0) + 1 FROM raw_relations").fetchone()[0]
        self.dated: set[tuple[str, int]] = set()  # (scope, year) of each dated document (a set per scope costs more)
        self.year_less: list[tuple[int, int, str, str | None, tuple]] = []  # mention id, file id, base, juris, values
        # the mentions' distinct _DOC_SOURCES values (their document first) -> how many mentions have them
        self.values: dict[tuple, int] = {}
        self.same: dict = {}  # one object per distinct string or tuple kept (a document id, an issuer, ...)
        # the relations resolve's join keeps, a column each (kept while the workers run: a tuple each costs three
        # times as much): source, target (a year-less mention still to resolve: its id), relation, file, line and
        # raw_relations rowid, resolve's sort key
        self.src: list = []
        self.dst: list = []
        self.rel: list[str] = []
        self.path: list[str] = []
        self.line = array("q")
        self.rowid = array("q")

    def add(self, batch: list[ix.FileRows]) -> None:
        dated, agg, year_less, same = self.dated, self.values, self.year_less, self.same
        keep = same.setdefault
        add_src, add_dst, add_rel, add_path = self.src.append, self.dst.append, self.rel.append, self.path.append
        add_line, add_rowid = self.line.append, self.rowid.append
        own_idx = self.own_idx
        fid, mid, rid = self.next_file, self.next_mention, self.next_raw
        files, mentions, raw = [], [], []
        for r in batch:
            f = r.file
            files.append((fid, *f))
            ok = f[_SKIPPED] is None
            if ok and f[_OWN_BASE] is not None and f[_OWN_YEAR] is not None:
                dated.add((f"{f[_OWN_BASE]}|{f[_OWN_JURIS] or ''}", f[_OWN_YEAR]))
            first = mid
            docs: list = []  # each mention's document, or its id while year-less
            for m in r.mentions:
                mentions.append((mid, fid, *m))
                d = m[_DOC]
                base = m[_KEY_BASE]
                if d is not None:
                    values = _doc_sources(m)
                    n = agg.get(values)
                    if n is None:
                        agg[tuple([keep(v, v) if type(v) is str else v for v in values])] = 1
                    else:
                        agg[values] = n + 1
                    docs.append(keep(d, d))
                elif base is not None and m[_KEY_YEAR] is None and not m[_OWN_COL]:
                    values = _doc_sources(m)  # one object for the same values (year-less mentions repeat)
                    values = same.get(values) or keep(values, tuple([keep(v, v) if type(v) is str else v
                                                                     for v in values]))
                    year_less.append((mid, fid, keep(base, base), keep(m[_KEY_JURIS], m[_KEY_JURIS])
                                      if m[_KEY_JURIS] is not None else None, values))
                    docs.append(mid)
                else:
                    docs.append(None)
                if base is not None and m[_KEY_YEAR] is not None:
                    dated.add((f"{base}|{m[_KEY_JURIS] or ''}", m[_KEY_YEAR]))
                mid += 1
            n = mid - first
            path = r.path
            for x in r.relations:
                raw.append((rid, fid, *x))
                s, t = x[0], x[1]
                # what resolve's join keeps: a read file, a target mention (and a source one unless it is the file)
                if ok and 0 <= t < n:
                    src = keep(f[_OWN_ID], f[_OWN_ID]) if s == own_idx else (docs[s] if 0 <= s < n else None)
                    if src is not None and docs[t] is not None:
                        add_src(src)
                        add_dst(docs[t])
                        add_rel(keep(x[2], x[2]))
                        add_path(path)
                        add_line(x[3])
                        add_rowid(rid)
                rid += 1
            fid += 1
        self.next_file, self.next_mention, self.next_raw = fid, mid, rid
        conn = self.conn
        conn.executemany(ix._INSERT_FILE, files)
        conn.executemany(_INSERT_MENTION, mentions)
        conn.executemany(_INSERT_RAW, raw)

    def finish(self, lexicon: Lexicon) -> dict[str, int]:
        """Resolve, make the indexes, commit and restore the journal. Returns the counts ``resolve`` gives;
        ``lexicon`` as for ``resolve``."""
        conn = self.conn
        # 1. year-less mentions (index._YearLess: the choice resolve makes)
        dated: dict[str, set[int]] = defaultdict(set)
        for scope, year in self.dated:
            dated[scope].add(year)
        self.dated = set()
        year_less = ix._YearLess(conn, dated)
        resolved: dict[int, str] = {}
        updates = []
        agg, self.values, self.same = self.values, {}, {}
        for mid, fid, base, juris, values in self.year_less:
            doc, amb = year_less(fid, base, juris)
            resolved[mid] = doc
            updates.append((doc, amb, mid))
            values = (doc, *values[1:])
            agg[values] = agg.get(values, 0) + 1
        self.year_less = []
        conn.executemany("UPDATE mentions SET doc = ?, ambiguous = ? WHERE id = ?", updates)
        # 2. documents: each one's distinct values with their counts
        keys = sorted(agg, key=itemgetter(0))
        docs = ix._documents(conn, ((d, {v: agg[v] for v in group}) for d, group in groupby(keys, key=itemgetter(0))))
        del keys, agg
        conn.execute("DELETE FROM documents")
        conn.execute("DELETE FROM edges")
        conn.executemany(ix._INSERT_DOCUMENT, [(d, *map(doc.get, ix._DOCUMENT_FIELDS[1:]))
                                               for d, doc in sorted(docs.items())])
        # 3. edges, from the relations in the order resolve's query sorts them
        src, dst = self.src, self.dst
        if resolved:
            src = [resolved[x] if type(x) is int else x for x in src]
            dst = [resolved[x] if type(x) is int else x for x in dst]
        rels = list(zip(src, dst, self.rel, self.path, self.line, self.rowid))
        del src, dst
        self.src, self.dst, self.rel, self.path, self.line, self.rowid = [], [], [], [], array("q"), array("q")
        rels.sort()
        ix._write_edges(conn, _with_evidence(conn, rels), docs, None, lexicon.district_level_end)
        del rels
        for statement in (ix._SCHEMA + ix._LATER_INDEXES).split(";"):
            if statement.strip():
                conn.execute(statement)
        counts = ix.counts(conn)
        conn.commit()
        _journal(conn, self.journal)
        return counts

    def abort(self) -> None:
        """The run stops before its end (Ctrl-C, a worker that died): the files loaded are kept, as the batches an
        interrupted run committed are, with their indexes; documents and edges are left to the next run (the
        index is marked unresolved before the load begins)."""
        conn = self.conn
        try:
            for statement in (ix._SCHEMA + ix._LATER_INDEXES).split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            _journal(conn, self.journal)


def _with_evidence(conn: sqlite3.Connection, rels: list[tuple]) -> Iterator[tuple]:
    """(source, target, relation, file, line, evidence, location) for each sorted relation, the evidence read back
    from raw_relations by rowid, a chunk at a time."""
    cur = conn.cursor()
    cur.row_factory = None
    step = 500  # under SQLite's oldest limit of bound parameters
    for i in range(0, len(rels), step):
        chunk = rels[i:i + step]
        ids = [r[5] for r in chunk]
        ev = {rowid: (e, loc) for rowid, e, loc in cur.execute(
            f"SELECT rowid, evidence, location FROM raw_relations WHERE rowid IN ({','.join('?' * len(ids))})", ids)}
        for s, t, rel, path, line, rowid in chunk:
            yield (s, t, rel, path, line, *ev[rowid])


def _journal(conn: sqlite3.Connection, mode: str) -> None:
    try:
        conn.execute(f"PRAGMA journal_mode={mode}")
    except sqlite3.OperationalError:  # another connection has it open: the index stays in the mode it has
        pass
