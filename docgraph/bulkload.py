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
wrote, but only what is costly to read back: each raw relation's source and target documents with its sort key (its
evidence stays in the index and is read back in the edges' order). The year-less mentions, the dated documents of
each scope and each document's distinct mention fields with their counts (grouped by SQLite: fewer rows than the
mentions, and nothing held while the workers run) are read back at the end, once the workers are gone, so that
the writer holds less while they run. The documents and edges are then the same, row for row, as a full
``resolve`` of the same rows gives: both share ``index._dated``, ``index._YearLess``, ``index._documents`` and
``index._write_edges``. What is kept grows with the relations, not with the text: evidence, headers and mention
texts are not. The load runs with a small page cache (the rows are appended), the usual one restored for the end.

With worker processes the rows do not cross the process boundary as Python objects: each worker writes its chunk of
files into an SQLite database in memory and hands over its bytes (``Pack``), with what the writer keeps of each file
worked out there (``gather``); the writer attaches each chunk (``deserialize``) and copies its rows with ``INSERT ...
SELECT``. Receiving, unpickling and binding every value cost the writer more than half of its time.
"""

from __future__ import annotations

import sqlite3
from array import array
from itertools import groupby, repeat
from operator import itemgetter
from typing import TYPE_CHECKING, Iterator

from . import index as ix

if TYPE_CHECKING:
    from .lexicon import Lexicon

_LOAD_CACHE = -512  # KiB of page cache while loading (SQLite's default: 2,000)
# made again after the load
_DEFERRED = ("mentions_file", "mentions_doc", "raw_relations_file", "files_own", "edges_by_target")
_M = {c: i for i, c in enumerate(ix._MENTION_ROW)}
_KEY_BASE, _KEY_YEAR, _OWN_COL, _DOC = (_M[c] for c in ("key_base", "key_year", "own", "doc"))
_F = {c: i for i, c in enumerate(ix._FILE_ROW)}
_SKIPPED, _OWN_ID = _F["skipped"], _F["own_id"]
_INSERT_MENTION = ix._insert("mentions", ("id", "file_id", *ix._MENTION_ROW))
_INSERT_RAW = "INSERT INTO raw_relations (rowid, file_id, source_idx, target_idx, relation, line, evidence, location)" \
              " VALUES (?,?,?,?,?,?,?,?)"

# A worker's chunk of files travels as one SQLite database (``Pack``): its tables hold the rows as the worker built
# them, with no declared types, so that the index's own columns convert them on the copy exactly as they convert
# the same values bound by ``executemany``. Files carry their ids in the index; mentions and raw relations take
# theirs on the copy, in order.
CHUNKS = hasattr(sqlite3.Connection, "serialize")  # Python 3.11 and an SQLite built with serialize (the default)
_RAW_ROW = ("source_idx", "target_idx", "relation", "line", "evidence", "location")
_CHUNK_TABLES = (("files", ("id", *ix._FILE_ROW)), ("mentions", ("file_id", *ix._MENTION_ROW)),
                 ("raw_relations", ("file_id", *_RAW_ROW)))
_CHUNK_SCHEMA = "".join(f"CREATE TABLE {t} ({', '.join(f'{chr(34)}{c}{chr(34)}' for c in cols)});"
                        for t, cols in _CHUNK_TABLES)
_CHUNK_INSERT = [ix._insert(t, cols) for t, cols in _CHUNK_TABLES]


def _names(cols: tuple) -> str:
    return ", ".join(f'"{c}"' for c in cols)


# copied by file id range: a chunk's files in order (its mentions and relations in the order they were written)
_COPY = [f"INSERT INTO main.{t} ({_names(cols)}) SELECT {_names(cols)} FROM chunk.{t}"
         f" WHERE {'id' if t == 'files' else 'file_id'} BETWEEN ? AND ? ORDER BY rowid" for t, cols in _CHUNK_TABLES]


def gather(r: ix.FileRows, own_idx: int) -> tuple:
    """What the bulk load keeps of one file's rows, worked out where they were built (a worker): (mentions, raw
    relations, the relations resolve's join keeps as (source, target, relation, line, index in the file)). A
    year-less mention stands in the relations as its index in the file (an int), a document as its id; the year-less
    mentions themselves and the documents' values are read back from the index at the end (``BulkLoad.finish``),
    not kept while the workers run."""
    f = r.file
    docs: list = []  # each mention's document, or its index while year-less
    for i, m in enumerate(r.mentions):
        d = m[_DOC]
        if d is not None:
            docs.append(d)
        elif m[_KEY_BASE] is not None and m[_KEY_YEAR] is None and not m[_OWN_COL]:
            docs.append(i)
        else:
            docs.append(None)
    n = len(docs)
    rels = []
    if f[_SKIPPED] is None:
        for k, x in enumerate(r.relations):
            s, t = x[0], x[1]
            # what resolve's join keeps: a read file, a target mention (and a source one unless it is the file)
            if 0 <= t < n:
                src = f[_OWN_ID] if s == own_idx else (docs[s] if 0 <= s < n else None)
                if src is not None and docs[t] is not None:
                    rels.append((src, docs[t], x[2], x[3], k))
    return (n, len(r.relations), rels)


_NULL = ix.NULL  # None as the chunks' rows bind it (eight None in a mention row's thirty values)


# a mention's flags (bool) in a chunk's row, after its file id: bound as the int they are stored as (a bool, not
# exactly an int, goes through the adapter lookup too)
_FLAGS = tuple(1 + _M[c] for c in ("short_form", "own"))


def _bindable(file_id: int, row: tuple, flags: tuple[int, ...] = ()) -> list:
    """A row with its file id first, ready for the chunk's ``executemany``: None as ``_NULL``, the bools at
    positions ``flags`` as ints."""
    out = [file_id, *[_NULL if v is None else v for v in row]]
    for i in flags:
        if out[i].__class__ is bool:
            out[i] = int(out[i])
    return out


class Pack:
    """Run in a worker on each chunk of results (``workers.run``'s ``pack``): the chunk's rows written into one
    SQLite database in memory, handed over as its bytes, so that the writer copies them with ``INSERT ...
    SELECT`` instead of receiving, unpickling and binding every value. Each file becomes a record (path, skip
    reason, the chunk's bytes, its file id, ``gather``'s record); ``first`` is the id of the first file read
    (sequence number 0). A result that is not a ``FileRows`` is left as it is."""

    def __init__(self, first: int):
        self.first = first

    def __call__(self, results: list[tuple[int, object]]) -> list[tuple[int, object]]:
        from .relations import OWN

        rows = [(seq, r) for seq, r in results if isinstance(r, ix.FileRows)]
        if not rows:
            return results
        first = self.first
        db = sqlite3.connect(":memory:", isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=OFF")
            db.executescript(_CHUNK_SCHEMA)
            db.execute("BEGIN")
            db.executemany(_CHUNK_INSERT[0], [_bindable(first + seq, r.file) for seq, r in rows])
            db.executemany(_CHUNK_INSERT[1], [_bindable(first + seq, m, _FLAGS) for seq, r in rows for m in r.mentions])
            db.executemany(_CHUNK_INSERT[2], [_bindable(first + seq, x) for seq, r in rows for x in r.relations])
            db.execute("COMMIT")
            blob = db.serialize()
        finally:
            db.close()
        packed = {seq: (r.path, r.skipped, blob, first + seq, gather(r, OWN)) for seq, r in rows}
        return [(seq, packed.get(seq, r)) for seq, r in results]


def path_of(r: ix.FileRows | tuple) -> str:
    """The path of a result: ``FileRows`` or a chunk record."""
    return r[0] if type(r) is tuple else r.path


def skip_of(r: ix.FileRows | tuple) -> str | None:
    return r[1] if type(r) is tuple else r.skipped


def rows_of(batch: list) -> list[ix.FileRows]:
    """The ``FileRows`` of each result, chunk records read back from their chunk (an index that is not loaded in
    bulk after all: another extract wrote files into it first)."""
    out: list[ix.FileRows] = []
    db = blob = None
    try:
        for r in batch:
            if type(r) is not tuple:
                out.append(r)
                continue
            path, skipped, chunk, fid, _ = r
            if chunk is not blob:
                if db is not None:
                    db.close()
                db = sqlite3.connect(":memory:")
                db.deserialize(chunk)
                blob = chunk
            file = db.execute("SELECT * FROM files WHERE id = ?", (fid,)).fetchone()[1:]
            file = (*file[:_SKIPPED], skipped, *file[_SKIPPED + 1:])  # the skip reason with its code
            mentions = [m[1:] for m in db.execute("SELECT * FROM mentions WHERE file_id = ? ORDER BY rowid", (fid,))]
            raw = [x[1:] for x in db.execute("SELECT * FROM raw_relations WHERE file_id = ? ORDER BY rowid", (fid,))]
            out.append(ix.FileRows(path, skipped, file, mentions, raw))
    finally:
        if db is not None:
            db.close()
    return out


def _copy(conn: sqlite3.Connection, blob: bytes, first: int, last: int) -> None:
    """Copy files ``first`` to ``last`` (ids) of a chunk, with their mentions and relations, into the index."""
    conn.deserialize(blob, name="chunk")
    for statement in _COPY:
        conn.execute(statement, (first, last))


def _insert_rows(conn: sqlite3.Connection, files: list, mentions: list, raw: list) -> None:
    conn.executemany(ix._INSERT_FILE, files)
    conn.executemany(_INSERT_MENTION, mentions)
    conn.executemany(_INSERT_RAW, raw)


def _attach(conn: sqlite3.Connection) -> bool:
    try:
        conn.execute("ATTACH DATABASE ':memory:' AS chunk")
    except sqlite3.OperationalError:
        return False
    return True


def _detach(conn: sqlite3.Connection, attached: bool) -> None:
    if attached:
        try:
            conn.execute("DETACH DATABASE chunk")
        except sqlite3.OperationalError:
            pass


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
        chunks = CHUNKS and _attach(conn)
        conn.execute("BEGIN IMMEDIATE")
        if conn.execute("SELECT 1 FROM files LIMIT 1").fetchone() is not None:
            conn.rollback()
            _detach(conn, chunks)
            _journal(conn, journal)
            return None
        return cls(conn, journal, chunks)

    def __init__(self, conn: sqlite3.Connection, journal: str, chunks: bool = False):
        from .relations import OWN

        self.conn, self.journal, self.own_idx = conn, journal, OWN
        self.chunks = chunks  # the workers' chunk databases can be attached (as "chunk") and copied
        for name in _DEFERRED:
            conn.execute(f"DROP INDEX IF EXISTS {name}")
        # while the workers run, the load appends rows (and reads the files' ids for their mentions' foreign keys):
        # a small page cache does, and the writer holds less; finish's sorts get the usual one back
        self.cache_size = conn.execute("PRAGMA main.cache_size").fetchone()[0]
        conn.execute(f"PRAGMA main.cache_size={_LOAD_CACHE}")
        self.next_file = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM files").fetchone()[0]
        self.next_mention = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM mentions").fetchone()[0]
        self.next_raw = conn.execute("SELECT COALESCE(MAX(rowid), 0) + 1 FROM raw_relations").fetchone()[0]
        self.same: dict = {}  # one object per distinct string kept (a document id, a relation)
        # the relations resolve's join keeps, a column each (kept while the workers run: a tuple each costs three
        # times as much): source, target (a year-less mention still to resolve: its id), relation, file, line and
        # raw_relations rowid, resolve's sort key
        self.src: list = []
        self.dst: list = []
        self.rel: list[str] = []
        self.fid = array("q")
        self.line = array("q")
        self.rowid = array("q")

    def add(self, batch: list) -> None:
        """Load a batch of files, in order: ``FileRows`` (read in this process, or over the time limit) and the
        chunk records of ``Pack`` (their rows copied from the worker's database by ``INSERT ... SELECT``)."""
        conn = self.conn
        fid, mid, rid = self.next_file, self.next_mention, self.next_raw
        files: list[tuple] = []  # FileRows waiting for their executemany, with their ids
        mentions: list[tuple] = []
        raw: list[tuple] = []
        run: list = []  # [blob, first file id, last file id]: chunk files waiting for their copy
        take = self._take
        for r in batch:
            if type(r) is tuple and (r[3] != fid or not self.chunks):  # not where its worker numbered it
                r = rows_of([r])[0]
            if type(r) is tuple:
                if files:
                    _insert_rows(conn, files, mentions, raw)
                    files, mentions, raw = [], [], []
                _, _, blob, _, info = r
                if run and run[0] is blob and run[2] == fid - 1:
                    run[2] = fid
                else:
                    if run:
                        _copy(conn, *run)
                    run = [blob, fid, fid]
            else:
                if run:
                    _copy(conn, *run)
                    run = []
                files.append((fid, *r.file))
                mentions.extend([(mid + i, fid, *m) for i, m in enumerate(r.mentions)])
                raw.extend([(rid + k, fid, *x) for k, x in enumerate(r.relations)])
                info = gather(r, self.own_idx)
            take(fid, mid, rid, info)
            mid += info[0]
            rid += info[1]
            fid += 1
        if run:
            _copy(conn, *run)
        if files:
            _insert_rows(conn, files, mentions, raw)
        self.next_file, self.next_mention, self.next_raw = fid, mid, rid
        # the chunks' mentions and relations took their ids in the order they were copied: the ids counted here
        for table, expected in (("mentions", mid), ("raw_relations", rid)):
            last = conn.execute(f"SELECT COALESCE(MAX(rowid), 0) + 1 FROM {table}").fetchone()[0]
            if last != expected:
                raise RuntimeError(f"bulk load: {table} ends at id {last}, {expected} expected")

    def _take(self, fid: int, mid: int, rid: int, info: tuple) -> None:
        """Keep what resolve needs of one file's relations (``gather``'s record): its mentions' ids begin at
        ``mid``, its raw relations' rowids at ``rid``. (The documents' values are grouped from the index at the
        end, ``finish``.)"""
        rels = info[2]
        if rels:  # a column at a time (a comprehension each: cheaper than six appends per relation)
            keep = self.same.setdefault
            self.src.extend([keep(s, s) if type(s) is str else mid + s for s, _, _, _, _ in rels])
            self.dst.extend([keep(t, t) if type(t) is str else mid + t for _, t, _, _, _ in rels])
            self.rel.extend([keep(rel, rel) for _, _, rel, _, _ in rels])
            self.fid.extend(repeat(fid, len(rels)))
            self.line.extend([line for _, _, _, line, _ in rels])
            self.rowid.extend([rid + k for _, _, _, _, k in rels])

    def finish(self, lexicon: Lexicon) -> dict[str, int]:
        """Resolve, make the indexes, commit and restore the journal. Returns the counts ``resolve`` gives;
        ``lexicon`` as for ``resolve``."""
        conn = self.conn
        conn.execute(f"PRAGMA main.cache_size={int(self.cache_size)}")
        reader = conn.cursor()
        reader.row_factory = None
        # 1. year-less mentions (index._YearLess: the choice resolve makes), read back with the dated documents
        year_less = ix._YearLess(conn, ix._dated(reader))
        resolved: dict[int, str] = {}
        updates = []
        self.same = {}
        for mid, fid, base, juris in reader.execute(
                "SELECT id, file_id, key_base, key_jurisdiction"
                " FROM mentions WHERE own = 0 AND key_base IS NOT NULL AND key_year IS NULL ORDER BY id"):
            doc, amb = year_less(fid, base, juris)
            resolved[mid] = doc
            updates.append((doc, amb, mid))
        conn.executemany("UPDATE mentions SET doc = ?, ambiguous = ? WHERE id = ?", updates)
        del updates
        # 2. documents: each one's distinct values with their counts, grouped by SQLite (resolve counts the rows
        # of each document; the choice of a field does not depend on their order)
        sources = ", ".join(ix._DOC_SOURCES)
        groups = reader.execute(f"SELECT {sources}, COUNT(*) FROM mentions WHERE doc IS NOT NULL"
                                f" GROUP BY {sources} ORDER BY doc")
        docs = ix._documents(conn, ((d, {v[:-1]: v[-1] for v in group})
                                    for d, group in groupby(groups, key=itemgetter(0))))
        conn.execute("DELETE FROM documents")
        conn.execute("DELETE FROM edges")
        conn.executemany(ix._INSERT_DOCUMENT, ix.document_rows(docs))
        # 3. edges, from the relations in the order resolve's query sorts them
        src, dst = self.src, self.dst
        if resolved:
            src = [resolved[x] if type(x) is int else x for x in src]
            dst = [resolved[x] if type(x) is int else x for x in dst]
        paths = dict(reader.execute("SELECT id, path FROM files"))
        rels = list(zip(src, dst, self.rel, map(paths.__getitem__, self.fid), self.line, self.rowid))
        del src, dst, paths
        self.src, self.dst, self.rel, self.fid, self.line, self.rowid = [], [], [], array("q"), array("q"), array("q")
        rels.sort()
        ix._write_edges(conn, _with_evidence(conn, rels), docs, None, lexicon.district_level_end)
        del rels
        for statement in (ix._SCHEMA + ix._LATER_INDEXES).split(";"):
            if statement.strip():
                conn.execute(statement)
        counts = ix.counts(conn)
        conn.commit()
        _detach(conn, self.chunks)
        _journal(conn, self.journal)
        return counts

    def abort(self) -> None:
        """The run stops before its end (Ctrl-C, a worker that died): the files loaded are kept, as the batches an
        interrupted run committed are, with their indexes; documents and edges are left to the next run (the
        index is marked unresolved before the load begins)."""
        conn = self.conn
        try:
            conn.execute(f"PRAGMA main.cache_size={int(self.cache_size)}")
            for statement in (ix._SCHEMA + ix._LATER_INDEXES).split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            _detach(conn, self.chunks)
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
