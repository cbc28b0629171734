"""The SQLite index: files, mentions and raw relations as extracted, then documents and edges resolved from them.

Extraction writes per-file rows in transactions of a batch of files, so an interrupted run leaves a valid index and
the next run completes it (a new index is loaded in one transaction instead, and resolved from what its writer kept:
``bulkload``). ``resolve`` then rebuilds the documents and edges tables from the mentions: year-less
mentions are matched to the one dated document with the same number, symbol and jurisdiction; fields of a document
are the best attested ones; edges are merged with a count and all their evidence. After a re-run that changed a few
files, only the documents those files touch and the edges touching them are rebuilt, with the same result.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections import Counter, defaultdict
from itertools import groupby
from operator import attrgetter, itemgetter
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

from .errors import IndexBusy, IndexDamaged, IndexStoreError, as_docgraph_error
from .i18n import _
from .model import Document, Evidence, Mention, Relation
from .normalize import slug

if TYPE_CHECKING:
    from .lexicon import Lexicon
    from .pipeline import FileResult

# The extraction modules (pipeline, header, engine) are imported by the functions that write and resolve, not here:
# a query opens the index without loading the rule engine.

SCHEMA_VERSION = 4  # 2: page/paragraph of office files; 3: signature block; 4: mentions indexed by (file, idx)
DEFAULT_DB = "docgraph.db"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY,
    path TEXT UNIQUE NOT NULL,
    size INTEGER, mtime_ns INTEGER, sha256 TEXT, encoding TEXT,
    skipped TEXT,
    kind TEXT, own_id TEXT, own_base TEXT, own_year INTEGER, own_jurisdiction TEXT,
    header TEXT
);
CREATE TABLE IF NOT EXISTS mentions (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    line INTEGER, start INTEGER, "end" INTEGER, text TEXT, rule TEXT,
    type TEXT, number TEXT, symbol TEXT, year INTEGER, date TEXT, issuer TEXT, issuer_code TEXT,
    level TEXT, branch TEXT, province TEXT, locality TEXT, name TEXT, term TEXT, subject TEXT, pinpoint TEXT,
    short_form INTEGER, own INTEGER, location TEXT,
    key_base TEXT, key_year INTEGER, key_jurisdiction TEXT, key_level TEXT,
    doc TEXT, ambiguous INTEGER DEFAULT 0
);
CREATE INDEX IF NOT EXISTS mentions_file ON mentions(file_id, idx);
CREATE INDEX IF NOT EXISTS mentions_doc ON mentions(doc);
CREATE TABLE IF NOT EXISTS raw_relations (
    file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    source_idx INTEGER, target_idx INTEGER, relation TEXT, line INTEGER, evidence TEXT, location TEXT
);
CREATE INDEX IF NOT EXISTS raw_relations_file ON raw_relations(file_id);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, label TEXT, type TEXT, number TEXT, symbol TEXT, year INTEGER, date TEXT,
    issuer TEXT, issuer_code TEXT, level TEXT, branch TEXT, jurisdiction TEXT, title TEXT, source_file TEXT,
    kind TEXT, mentions INTEGER, name TEXT, signer TEXT, signer_title TEXT
);
CREATE TABLE IF NOT EXISTS edges (
    source TEXT, target TEXT, relation TEXT, count INTEGER, file TEXT, line INTEGER, evidence TEXT,
    evidence_all TEXT, flags TEXT,
    PRIMARY KEY (source, target, relation)
);
"""
# indexes added after schema 4 was released: in the schema of a new index, and made by resolve() in an older one
# (with the index they replace dropped)
_LATER_INDEXES = """
CREATE INDEX IF NOT EXISTS files_own ON files(own_id);
-- covering for the queries that walk edges backwards (implementers, gaps, missing: who points at these documents)
CREATE INDEX IF NOT EXISTS edges_by_target ON edges(target, relation, source);
DROP INDEX IF EXISTS edges_target;
"""

# The columns of the mentions and documents tables that hold the model's fields are the model's dataclasses' fields
_MENTION_FIELDS = tuple(f.name for f in fields(Mention))
_DOCUMENT_FIELDS = tuple(f.name for f in fields(Document))
# a mentions row: its index in the file, the Mention's fields, then where it stands and what it resolves to
_MENTION_ROW = ("idx", *_MENTION_FIELDS, "location", "key_base", "key_year", "key_jurisdiction", "key_level", "doc")
_FILE_ROW = ("path", "size", "mtime_ns", "sha256", "encoding", "skipped", "kind", "own_id", "own_base", "own_year",
             "own_jurisdiction", "header")
_mention_values = attrgetter(*_MENTION_FIELDS)
_OWN_ID = _FILE_ROW.index("own_id")  # positions in FileRows.file and FileRows.mentions
_DOC = _MENTION_ROW.index("doc")


def db_path(explicit: str | os.PathLike | None) -> Path:
    return Path(explicit or os.environ.get("DOCGRAPH_DB") or DEFAULT_DB)


def connect(path: str | os.PathLike, *, create: bool = False, timeout: float = 30.0) -> sqlite3.Connection:
    """Open the index. ``create`` makes a new one; otherwise a missing file is an error."""
    p = Path(path)
    if not create and not p.exists():
        raise IndexStoreError(_("no index at {path}: run 'docgraph extract FOLDER' first (or pass --db)").format(path=p))
    try:
        conn = sqlite3.connect(str(p), timeout=timeout)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as e:
        if isinstance(as_docgraph_error(e), IndexBusy):  # another docgraph holds the lock: not a damaged file
            raise IndexBusy() from None
        if p.exists() and not writable(p):
            if create:
                raise IndexStoreError(_("{path} cannot be written ({why}): extract needs a writable index (pass --db"
                                        " with another path)").format(path=p, why=_why_not_writable(p))) from None
            conn, tables = _connect_read_only(p, e)
        else:
            raise damaged(p, e) from None
    if "meta" in tables:
        check_pages(conn, p)
        row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        version = int(row[0]) if row else None
        if version != SCHEMA_VERSION:
            conn.close()
            raise IndexStoreError(
                _("{path} was written by another version of docgraph (schema {version}, this one reads {current}):"
                  " delete it and run extract again").format(path=p, version=version, current=SCHEMA_VERSION))
    elif tables:
        conn.close()
        raise IndexStoreError(_("{path} is an SQLite file but not a docgraph index").format(path=p))
    elif not create:
        conn.close()
        raise IndexStoreError(_("{path} is empty: run 'docgraph extract FOLDER' first").format(path=p))
    if "meta" not in tables:
        with conn:
            conn.executescript(_SCHEMA + _LATER_INDEXES)
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
    return conn


def writable(p: Path) -> bool:
    """Whether the index file and its folder (where SQLite keeps its -wal and -shm files) can be written."""
    return os.access(p, os.W_OK) and os.access(p.parent if str(p.parent) else Path("."), os.W_OK)


def _why_not_writable(p: Path) -> str:
    import errno

    try:
        if os.statvfs(p).f_flag & os.ST_RDONLY:
            return _("a read-only file system")
    except OSError:
        pass
    return os.strerror(errno.EACCES).lower()


def _connect_read_only(p: Path, first: sqlite3.DatabaseError) -> tuple[sqlite3.Connection, set[str]]:
    """The index on a read-only file system or in a folder docgraph may not write, opened for reading: ``mode=ro``,
    else (a WAL index whose -shm file cannot be made) ``immutable=1``, nobody can write it there anyway."""
    from urllib.parse import quote

    uri = "file:" + quote(str(p.absolute()))
    last: sqlite3.DatabaseError = first
    for flags in ("?mode=ro", "?mode=ro&immutable=1"):
        try:
            conn = sqlite3.connect(uri + flags, uri=True)
            conn.row_factory = sqlite3.Row
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            return conn, tables
        except sqlite3.DatabaseError as e:
            last = e
    raise IndexStoreError(_("{path} cannot be opened for reading ({why}: {error})").format(
        path=p, why=_why_not_writable(p), error=last)) from None


def damaged(p: str | os.PathLike, e: sqlite3.DatabaseError) -> IndexDamaged:
    """The error of a file that is not an SQLite database at all, or of an index SQLite finds malformed."""
    if (getattr(e, "sqlite_errorcode", None) or 0) & 0xFF != 11:  # not SQLITE_CORRUPT: not a database at all
        return IndexDamaged(_("{path} is not a docgraph index ({error})").format(path=p, error=e))
    return IndexDamaged(_("index is damaged: rebuild with extract ({path}: {error}; delete the file, then run"
                          " extract)").format(path=p, error=e))


# an index up to this size has every page of its tables and indexes walked when it is opened (milliseconds for the
# 800 files of a province, 0.3 s for 1 GiB read from the cache); a larger one only as its queries read it
CHECK_BELOW = 512 << 20


def check_pages(conn: sqlite3.Connection, p: Path) -> None:
    """Walk the b-tree pages of every table and index (a count through each): junk written over pages of the
    file ("database disk image is malformed") is found here, once, rather than as a silently short answer of a
    query that happens not to read them. Raises :class:`IndexDamaged`."""
    try:
        if p.stat().st_size > CHECK_BELOW:
            return
        for kind, name, table in conn.execute(
                "SELECT type, name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index') AND sql IS NOT NULL"
                " ORDER BY name").fetchall():
            how = "NOT INDEXED" if kind == "table" else f'INDEXED BY "{name}"'
            conn.execute(f'SELECT COUNT(*) FROM "{table}" {how}').fetchone()
    except sqlite3.DatabaseError as e:
        conn.close()
        if isinstance(as_docgraph_error(e), IndexBusy):
            raise IndexBusy() from None
        raise damaged(p, e) from None
    except OSError:
        return


def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
    return row[0] if row else None


def incomplete(conn: sqlite3.Connection) -> bool:
    """Whether the last extract into the index did not finish: files were written but documents and edges not
    resolved from them (an interrupted run, a killed worker, a full disk), or nothing was ever resolved."""
    try:
        return get_meta(conn, "resolved") != "yes"
    except sqlite3.DatabaseError:  # PostgreSQL's errors derive from neither: an old or foreign index says nothing
        return False


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    with conn:
        conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {
        "documents": conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0],
        "edges": conn.execute("SELECT COUNT(*) FROM edges").fetchone()[0],
        "ambiguous": conn.execute("SELECT COUNT(*) FROM mentions WHERE ambiguous=1").fetchone()[0],
    }


# ------------------------------------------------------------------ writing
def file_state(conn: sqlite3.Connection) -> dict[str, tuple[int, int, str | None]]:
    cur = conn.cursor()
    cur.row_factory = None  # plain tuples: this runs on every file of the index at each extract
    return {path: (size, mtime, sha) for path, size, mtime, sha in
            cur.execute("SELECT path, size, mtime_ns, sha256 FROM files")}


def province_defaults(conn: sqlite3.Connection) -> dict[str, str]:
    """path -> the folder-wide default province (``extract --province``) each file was read with."""
    cur = conn.cursor()
    cur.row_factory = None
    return {path: prov for path, prov in cur.execute(
        "SELECT path, json_extract(header, '$.province_default') FROM files WHERE header LIKE '%province_default%'")
        if prov}


_JSON = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(..., ensure_ascii=False) builds an encoder per call
_STR = json.encoder.encode_basestring  # a JSON string literal, non-ASCII kept (the C function json itself uses)


def _evidence_json(evs: list[tuple]) -> str:
    """``json.dumps([{"file": .., "line": .., "text": .. [, "location": ..]}, ...], ensure_ascii=False)`` from
    (file, line, text, location) tuples, byte for byte, without building the dicts (hundreds of thousands of edges)."""
    if len(evs) == 1:  # most edges: one sentence
        (f, ln, t, loc), = evs
        return (f'[{{"file": {_STR(f)}, "line": {"null" if ln is None else int(ln)}, "text": {_STR(t)}'
                + (f', "location": {_STR(loc)}}}]' if loc else "}]"))
    return "[" + ", ".join(
        f'{{"file": {_STR(f)}, "line": {"null" if ln is None else int(ln)}, "text": {_STR(t)}'
        + (f', "location": {_STR(loc)}}}' if loc else "}")
        for f, ln, t, loc in evs) + "]"


@dataclass(slots=True)
class FileRows:
    """One file's rows, ready for SQLite: built in the worker process, so the writer only inserts them.

    ``file``: the files row without its id (``_FILE_ROW``); ``mentions`` (``_MENTION_ROW``) and ``relations``: rows
    without their file id. A mention's
    ``doc`` is filled when it does not depend on other files (the file's own number, a dated reference); the
    year-less ones are resolved across the index by ``resolve``."""

    path: str
    skipped: str | None
    file: tuple
    mentions: list[tuple]
    relations: list[tuple]


# a header class -> its fields' JSON keys ('"kind": '), the same with a null value, a getter of its values
_header_fields: dict[type, tuple[tuple[str, ...], tuple[str, ...], Any]] = {}


def _header_json(h: Any) -> str:
    """The stored header: ``json.dumps`` of the header's fields (in their order) as a dict, non-ASCII kept, byte for
    byte, without building the dict: a string, None or an int written here, any other value by ``json`` itself."""
    known = _header_fields.get(type(h))
    if known is None:
        names = tuple(f.name for f in fields(h))
        keys = tuple(f"{_STR(n)}: " for n in names)
        known = _header_fields[type(h)] = (keys, tuple(k + "null" for k in keys), attrgetter(*names))
    keys, nulls, values = known
    return "{" + ", ".join([n if v is None else k + (_STR(v) if v.__class__ is str else int.__repr__(v)
                                                     if v.__class__ is int else _JSON(v))
                            for k, n, v in zip(keys, nulls, values(h))]) + "}"


def file_rows(res: FileResult) -> FileRows:
    h = res.header
    ok = res.own_key
    header = _header_json(h) if h else None
    file = (res.path, res.size, res.mtime_ns, res.sha256, res.encoding, res.skipped, h.kind if h else None,
            res.own_id, ok.base if ok else None, ok.year if ok else None, ok.jurisdiction if ok else None, header)
    mentions = []
    # office files: the page or paragraph of a line (FileResult.location, without a call per row)
    locs = res.locations or ()
    nlocs = len(locs)
    own_id = res.own_id
    for i, (m, k) in enumerate(zip(res.mentions, res.keys)):
        line = m.line
        location = (locs[line - 1] or None) if nlocs and 0 < line <= nlocs else None
        if k is None:
            mentions.append((i, *_mention_values(m), location, None, None, None, None, own_id if m.own else None))
            continue
        if m.own:
            doc = own_id
        elif k.year is not None:
            doc = k.doc_id()
        else:
            doc = None  # a year-less key: resolve() decides
        mentions.append((i, *_mention_values(m), location, k.base, k.year, k.jurisdiction, k.level, doc))
    relations = [(r.source, r.target, r.relation, r.line, r.evidence,
                  (locs[r.line - 1] or None) if nlocs and 0 < r.line <= nlocs else None) for r in res.relations]
    return FileRows(res.path, res.skipped, file, mentions, relations)


def _insert(table: str, columns: Sequence[str]) -> str:
    names = ", ".join(f'"{c}"' for c in columns)  # quoted: "end" is an SQL keyword
    return f"INSERT INTO {table} ({names}) VALUES ({','.join('?' * len(columns))})"


_INSERT_FILE = _insert("files", ("id", *_FILE_ROW))
_INSERT_MENTION = _insert("mentions", ("file_id", *_MENTION_ROW))
_INSERT_DOCUMENT = _insert("documents", _DOCUMENT_FIELDS)
# NULL as a row to insert binds it: sqlite3 binds a float as it is, and SQLite stores a NaN as NULL, where each None
# goes through sqlite3's adapter lookup first (a third of the cost of a row with many of them)
NULL = float("nan")


def document_rows(docs: dict[str, dict[str, Any]]) -> list[list]:
    """The documents table's rows of ``docs`` (id -> fields), by id, ready for ``_INSERT_DOCUMENT``."""
    get_fields = _DOCUMENT_FIELDS[1:]
    return [[d, *[NULL if v is None else v for v in map(doc.get, get_fields)]] for d, doc in sorted(docs.items())]


def _docs_of_paths(conn: sqlite3.Connection, paths: list[str]) -> set[str]:
    """The documents the index's rows of these files speak of: their own and those of their mentions."""
    out: set[str] = set()
    for chunk in (paths[i:i + 500] for i in range(0, len(paths), 500)):
        marks = ",".join("?" * len(chunk))
        out.update(r[0] for r in conn.execute(
            f"SELECT own_id FROM files WHERE path IN ({marks}) AND own_id IS NOT NULL", chunk))
        out.update(r[0] for r in conn.execute(
            f"SELECT DISTINCT m.doc FROM mentions m JOIN files f ON f.id = m.file_id WHERE f.path IN ({marks})"
            " AND m.doc IS NOT NULL", chunk))
    return out


def write_rows(conn: sqlite3.Connection, batch: list[FileRows], *, replace: bool = True,
               touched: set[str] | None = None) -> None:
    """Replace the rows of these files, in one transaction. ``replace=False`` when none of them is indexed yet
    (a first run): no delete is needed. ``touched`` collects the documents whose rows change (the old and the new
    rows' documents), for an incremental ``resolve``."""
    if not batch:
        return
    with conn:
        if not conn.in_transaction:
            # the write lock first: the ids below are read from MAX(id), and a second extract on the same index must
            # not read the same one before this batch is in (sqlite3 would begin only at the first INSERT)
            conn.execute("BEGIN IMMEDIATE")
        if not replace and _any_indexed(conn, [r.path for r in batch]):
            replace = True  # another extract on this index wrote these files since this one began
        if touched is not None:
            if replace:
                touched |= _docs_of_paths(conn, [r.path for r in batch])
            for r in batch:
                if r.file[_OWN_ID]:
                    touched.add(r.file[_OWN_ID])
                touched.update(m[_DOC] for m in r.mentions if m[_DOC])
        if replace:
            conn.executemany("DELETE FROM files WHERE path=?", [(r.path,) for r in batch])
        # ids assigned here, so each table takes one executemany for the whole batch
        next_id = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM files").fetchone()[0]
        conn.executemany(_INSERT_FILE, [(next_id + i, *r.file) for i, r in enumerate(batch)])
        conn.executemany(_INSERT_MENTION, [(next_id + i, *m) for i, r in enumerate(batch) for m in r.mentions])
        conn.executemany("INSERT INTO raw_relations VALUES (?,?,?,?,?,?,?)",
                         [(next_id + i, *x) for i, r in enumerate(batch) for x in r.relations])


def _any_indexed(conn: sqlite3.Connection, paths: list[str]) -> bool:
    for chunk in (paths[i:i + 500] for i in range(0, len(paths), 500)):
        if conn.execute(f"SELECT 1 FROM files WHERE path IN ({','.join('?' * len(chunk))}) LIMIT 1", chunk).fetchone():
            return True
    return False


def touch_file(conn: sqlite3.Connection, path: str, size: int, mtime_ns: int) -> None:
    with conn:
        conn.execute("UPDATE files SET size=?, mtime_ns=? WHERE path=?", (size, mtime_ns, path))


def delete_files(conn: sqlite3.Connection, paths: Iterable[str], touched: set[str] | None = None) -> int:
    paths = list(paths)
    n = 0
    with conn:
        if touched is not None:
            touched |= _docs_of_paths(conn, paths)
        for p in paths:
            n += conn.execute("DELETE FROM files WHERE path=?", (p,)).rowcount
    return n


# ------------------------------------------------------------------ resolving
def _most_common(values: Sequence[Any]) -> Any:
    vals = [v for v in values if v is not None and v != ""]
    if not vals:
        return None
    first = vals[0]
    if all(v == first for v in vals):  # the usual case: one mention, or all agree
        return first
    c = Counter(vals)
    best = max(c.values())
    # most frequent; ties -> the most specific (longest) -> smallest, deterministic
    return sorted((v for v in c if c[v] == best), key=lambda v: (-len(str(v)), str(v)))[0]


# a document takes the best-attested value of each field it shares with its mentions; year and level are chosen
# from the mentions' keys, apart
_DOC_FIELDS = tuple(f for f in _MENTION_FIELDS if f in _DOCUMENT_FIELDS and f not in ("year", "level"))
# a mention's values for its document, in the order _documents unpacks them
_DOC_SOURCES = ("doc", "own", "rule", "key_year", "key_level", "key_jurisdiction", *_DOC_FIELDS)


def resolve(conn: sqlite3.Connection, touched: set[str] | None = None,
            lexicon: Lexicon | None = None) -> dict[str, int]:
    """Rebuild documents and edges from the extracted rows. Returns counts.

    ``touched``: the documents whose rows changed since the index was last resolved (collected by ``write_rows`` and
    ``delete_files``); only they and the edges touching them are rebuilt. ``None`` rebuilds everything. Either way the
    result is the same. Mentions and relations are streamed from SQLite, so memory grows with the number of documents
    and edges (the graph itself), not with the number of mentions or files. It runs in one write transaction taken
    up front, so a concurrent extract waits instead of failing midway. ``lexicon`` (default: the built-in one) gives
    the reform dates the edge flags read."""
    conn.commit()
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in _LATER_INDEXES.split(";"):  # an older index gets them on its next extract
            if statement.strip():
                conn.execute(statement)
        if lexicon is None:
            from .lexicon import load_lexicon
            lexicon = load_lexicon()
        counts = _resolve(conn, None if touched is None else set(touched), lexicon)
    except BaseException:
        conn.rollback()
        raise
    conn.commit()
    return counts


def _resolve(conn: sqlite3.Connection, dirty: set[str] | None, lexicon: Lexicon) -> dict[str, int]:
    from .relations import OWN

    reader = conn.cursor()
    reader.row_factory = None
    dated = _dated(reader)

    # 1. year-less mentions: the one dated document of their scope, else ambiguous (never a guess). The document
    # of every other mention was set when it was written: it does not depend on other files. A year-less mention
    # whose document changes (a dated one appeared or went) touches both documents.
    year_less = _YearLess(conn, dated)
    updates: list[tuple[str, int, int]] = []
    for mid, fid, base, juris, old_doc, old_amb in reader.execute(
            "SELECT id, file_id, key_base, key_jurisdiction, doc, ambiguous FROM mentions"
            " WHERE own = 0 AND key_base IS NOT NULL AND key_year IS NULL"):
        doc, amb = year_less(fid, base, juris)
        if doc != old_doc or amb != old_amb:
            updates.append((doc, amb, mid))
            if dirty is not None:
                dirty.add(doc)
                if old_doc:
                    dirty.add(old_doc)
    conn.executemany("UPDATE mentions SET doc = ?, ambiguous = ? WHERE id = ?", updates)

    # the documents to rebuild: all, or the touched ones (in a temporary table the queries join)
    if dirty is None:
        in_dirty = ""
    else:
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS dirty_docs (id TEXT PRIMARY KEY)")
        conn.execute("DELETE FROM dirty_docs")
        conn.executemany("INSERT INTO dirty_docs VALUES (?)", [(d,) for d in dirty])
        in_dirty = " IN (SELECT id FROM temp.dirty_docs)"

    # 2. documents: the best-attested fields of their mentions, one document at a time
    rows = reader.execute(
        "SELECT " + ", ".join(_DOC_SOURCES)
        + " FROM mentions WHERE doc IS NOT NULL" + (f" AND doc{in_dirty}" if in_dirty else "") + " ORDER BY doc")
    docs = _documents(conn, ((d, Counter(group)) for d, group in groupby(rows, key=itemgetter(0))), in_dirty)

    # one transaction, opened by resolve(); a touched document no longer spoken of is gone
    conn.execute("DELETE FROM documents" + (f" WHERE id{in_dirty}" if in_dirty else ""))
    conn.execute("DELETE FROM edges" + (f" WHERE source{in_dirty} OR target{in_dirty}" if in_dirty else ""))
    conn.executemany(_INSERT_DOCUMENT, document_rows(docs))

    # 3. edges: raw relations grouped by (source, target), streamed in that order; with touched documents, only the
    # relations of files that speak of one of them, and only the pairs that touch one
    rows = reader.execute(
        "SELECT CASE WHEN r.source_idx = ? THEN f.own_id ELSE ms.doc END AS src, mt.doc AS dst, r.relation,"
        " f.path, r.line, r.evidence, r.location"
        " FROM raw_relations r JOIN files f ON f.id = r.file_id AND f.skipped IS NULL"
        " JOIN mentions mt ON mt.file_id = r.file_id AND mt.idx = r.target_idx"
        " LEFT JOIN mentions ms ON ms.file_id = r.file_id AND ms.idx = r.source_idx"
        + (f" WHERE r.file_id IN (SELECT file_id FROM mentions WHERE doc{in_dirty}"
           f" UNION SELECT id FROM files WHERE own_id{in_dirty})" if in_dirty else "")
        # within a line, in reading order (a file's relations are written in that order, together): the first
        # evidence of an edge is the first sentence on the line, whatever order the query plan feeds the sorter
        + " ORDER BY src, dst, r.relation, f.path, r.line, r.rowid", (OWN,))
    _write_edges(conn, rows, docs, dirty, lexicon.district_level_end)
    if in_dirty:
        conn.execute("DELETE FROM dirty_docs")
    return counts(conn)


def _dated(reader: sqlite3.Cursor) -> dict[str, set[int]]:
    """The dated documents known per scope (base|jurisdiction -> years): from own headers and from dated mentions."""
    dated: dict[str, set[int]] = defaultdict(set)
    for base, year, juris in reader.execute(
            "SELECT own_base, own_year, own_jurisdiction FROM files WHERE skipped IS NULL AND own_base IS NOT NULL"):
        if year is not None:
            dated[f"{base}|{juris or ''}"].add(year)
    for base, juris, year in reader.execute(
            "SELECT DISTINCT key_base, key_jurisdiction, key_year FROM mentions"
            " WHERE key_base IS NOT NULL AND key_year IS NOT NULL"):
        dated[f"{base}|{juris or ''}"].add(year)
    return dated


class _YearLess:
    """The document of a year-less mention: the one dated document of its scope (``dated``: base|jurisdiction ->
    years), or the one dated before the citing file, else ambiguous (``-x``). Called as ``(file_id, base, juris)``
    -> ``(doc, ambiguous)``."""

    def __init__(self, conn: sqlite3.Connection, dated: dict[str, set[int]]):
        self.conn, self.dated, self.dates = conn, dated, {}

    def file_date(self, fid: int) -> str | None:
        """The date of a citing file, read when a year-less reference needs it (parsing every header costs seconds
        on a large index)."""
        if fid not in self.dates:
            row = self.conn.execute("SELECT header FROM files WHERE id = ?", (fid,)).fetchone()
            self.dates[fid] = json.loads(row[0] or "{}").get("date") if row else None
        return self.dates[fid]

    def __call__(self, fid: int, base: str, juris: str | None) -> tuple[str, int]:
        year = None
        amb = 0
        years = self.dated.get(f"{base}|{juris or ''}", ())
        if len(years) == 1:
            year = next(iter(years))
        elif len(years) > 1:
            # only one dated before the citing file? then that one; else ambiguous
            fd = self.file_date(fid)
            before = {y for y in years if fd and y <= int(fd[:4])}
            if len(before) == 1:
                year = next(iter(before))
            else:
                amb = 1
        return f"{base}-{year if year is not None else 'x'}" + (f"-{slug(juris)}" if juris else ""), amb


def _documents(conn: sqlite3.Connection, groups: Iterable[tuple[str, dict[tuple, int]]],
               in_dirty: str = "") -> dict[str, dict[str, Any]]:
    """The documents to write: ``groups`` gives each document id with its mentions' distinct ``_DOC_SOURCES``
    values, each with the number of mentions that have them (the choice of a field counts them, in no order); the
    files' headers are read from the index (those owning a document of ``in_dirty`` only, when given)."""
    from .header import jurisdiction_of
    from .model import LOCAL_LEVELS

    docs: dict[str, dict[str, Any]] = {}
    for d, agg in groups:
        if len(agg) == 1:  # the usual case: every mention of the document says the same
            (values, n), = agg.items()
            doc = {c: None if v is None or v == "" else v for c, v in zip(_DOC_FIELDS, values[6:])}
            _, own, rule, year, level, juris = values[:6]
            doc["year"] = None if year is None or year == "" else year
            doc["level"] = None if level is None or level == "" or level == "unknown" else level
            doc["jurisdiction"] = None if juris is None or juris == "" else juris
            doc["_normative"] = bool(rule and rule.startswith("normative"))
            doc["mentions"] = 0 if own else n
        else:
            ns = tuple(agg.values())
            _, own, rule, year, level, juris, *cols = zip(*agg)  # one tuple per column
            doc = {c: _pick(col, ns) for c, col in zip(_DOC_FIELDS, cols)}
            doc["year"] = _pick(year, ns)
            doc["level"] = _pick(tuple(None if v == "unknown" else v for v in level), ns)
            doc["jurisdiction"] = _pick(juris, ns)
            doc["_normative"] = any(v and v.startswith("normative") for v in rule)
            doc["mentions"] = sum(n for o, n in zip(own, ns) if not o)
        docs[d] = doc
    reader = conn.cursor()
    reader.row_factory = None
    for path, kind, own_id, header in reader.execute(
            "SELECT path, kind, own_id, header FROM files WHERE skipped IS NULL"
            + (f" AND own_id{in_dirty}" if in_dirty else "") + " ORDER BY path"):
        h = json.loads(header or "{}")
        doc = docs.setdefault(own_id, {"mentions": 0})
        for c in _HEADER_FIELDS:
            v = h.get(c)
            if v is not None and v != "":
                doc[c] = v
        if h:
            level = h.get("level", "unknown")
            if level != "unknown":
                doc["level"] = level
            doc["jurisdiction"] = (jurisdiction_of(level, h.get("province"), h.get("locality"))
                                   if level in LOCAL_LEVELS else (doc.get("jurisdiction") or ""))
        doc["source_file"] = path
        doc["kind"] = kind or "document"
    for d, doc in docs.items():
        doc.setdefault("kind", "cited")
        doc["label"] = _label(doc, d)
        if doc.get("level") in (None, ""):
            doc["level"] = "unknown"
        doc["jurisdiction"] = doc.get("jurisdiction") or ""
    return docs


# the header fields a file's own document takes from it
_HEADER_FIELDS = ("type", "number", "symbol", "year", "date", "issuer_code", "branch", "title", "signer",
                  "signer_title", "issuer")


def _pick(col: tuple, counts: tuple[int, ...]) -> Any:
    """``_most_common`` of a column of distinct mention values, each occurring ``counts`` times."""
    first = col[0]
    if col.count(first) == len(col):
        return None if first is None or first == "" else first
    return _most_counted(zip(col, counts))


def _most_counted(pairs: Iterable[tuple[Any, int]]) -> Any:
    """``_most_common`` of values given with how many times each occurs."""
    c: dict[Any, int] = {}
    for v, n in pairs:
        if v is not None and v != "":
            c[v] = c.get(v, 0) + n
    if len(c) <= 1:
        return next(iter(c), None)
    best = max(c.values())
    return sorted((v for v in c if c[v] == best), key=lambda v: (-len(str(v)), str(v)))[0]


def _write_edges(conn: sqlite3.Connection, rows: Iterable[tuple], docs: dict[str, dict[str, Any]],
                 dirty: set[str] | None, district_end: str) -> None:
    """Insert the edges of ``rows``: (source, target, relation, file, line, evidence, location) sorted by source,
    target, relation, file, line and reading order; with ``dirty``, only the pairs touching one of its documents.
    ``district_end``: the date district-level documents ended (the lexicon's), for the flag of one issued after."""

    def date_level(d: str) -> dict[str, Any]:
        """The date and level of a document not rebuilt (the edge flags need them), read from the index."""
        r = conn.execute("SELECT date, level FROM documents WHERE id = ?", (d,)).fetchone()
        doc = docs[d] = {"date": r[0], "level": r[1]} if r else {"date": None}
        return doc

    out: list[tuple] = []
    for (src, dst), group in groupby(rows, key=itemgetter(0, 1)):
        if not src or not dst or src == dst:
            continue
        if dirty is not None and src not in dirty and dst not in dirty:
            continue  # an untouched pair: its edges are in the index as they were
        pair = list(group)
        by_rel: dict[str, tuple[int, list[tuple]]]
        if len(pair) == 1:  # the usual case: one sentence links the two
            r = pair[0]
            by_rel = {r[2]: (1, [(r[3], r[4], r[5], r[6] or None)])}
        else:
            by_rel = {}
            for rel, rel_rows in groupby(pair, key=itemgetter(2)):  # sorted by relation within the pair
                count = 0
                # (file, line, text, location), distinct, in file and line order (a dict: a list's "not in" was
                # quadratic in the evidence of one edge, 7 s for a file citing one directive 34,000 times)
                distinct: dict[tuple, None] = {}
                for r in rel_rows:
                    count += 1
                    distinct[(r[3], r[4], r[5], r[6] or None)] = None
                by_rel[rel] = (count, list(distinct))
        if len(by_rel) > 1:
            by_rel.pop("cites", None)  # "cites" says less than any other relation between the same two
        s_doc, t_doc = docs.get(src) or date_level(src), docs.get(dst) or date_level(dst)
        s_date, s_level, t_date = s_doc.get("date"), s_doc.get("level"), t_doc.get("date")
        for rel, (count, evs) in by_rel.items():
            flags = []
            if rel == "implements" and s_date and t_date and s_date < t_date:
                flags.append("source_before_target")
            if s_level == "district" and s_date and s_date > district_end:
                flags.append("district_after_reform")
            first = evs[0]
            out.append((src, dst, rel, count, first[0], first[1], first[2], _evidence_json(evs),
                        _JSON(flags) if flags else "[]"))
        if len(out) >= 5000:
            conn.executemany("INSERT INTO edges VALUES (?,?,?,?,?,?,?,?,?)", out)
            out = []
    conn.executemany("INSERT INTO edges VALUES (?,?,?,?,?,?,?,?,?)", out)


def iter_documents(conn: sqlite3.Connection) -> Iterator[Document]:
    """Every document of the index, as the library's frozen dataclass."""
    names = [f.name for f in fields(Document)]
    for r in conn.execute(f"SELECT {', '.join(names)} FROM documents ORDER BY id"):
        yield Document(**{n: r[n] for n in names})


def iter_relations(conn: sqlite3.Connection) -> Iterator[Relation]:
    """Every edge of the index, with all its evidence, as the library's frozen dataclass."""
    for r in conn.execute("SELECT * FROM edges ORDER BY source, target, relation"):
        yield Relation(r["source"], r["target"], r["relation"],
                       tuple(Evidence(**e) for e in json.loads(r["evidence_all"] or "[]")),
                       tuple(json.loads(r["flags"] or "[]")), r["count"])


def _label(doc: dict[str, Any], doc_id: str) -> str:
    typ = doc.get("type")
    if doc.get("number") and doc.get("symbol"):
        sym = doc["symbol"]
        num = doc["number"]
        if doc.get("year") and sym and "/" not in sym and _is_normative(doc):
            ref = f"{num}/{doc['year']}/{sym}"
        elif doc.get("branch") == "party" or "/" in sym:
            ref = f"{num}-{sym}"
        else:
            ref = f"{num}/{sym}"
        label = f"{typ} {ref}" if typ else ref
        if doc.get("jurisdiction"):
            label += f" ({doc['jurisdiction']})"
        elif doc.get("branch") == "party" and doc.get("year"):
            label += f" ({doc['year']})"  # Party numbers recur every term: the year tells them apart
        return label
    if doc.get("name"):
        return f"{doc['name']} {doc['year']}" if doc.get("year") else doc["name"]
    if doc.get("title"):
        t = doc["title"]
        prefix = f"{typ} (dự thảo): " if doc.get("kind") == "draft" and typ else ""
        return prefix + (t if len(t) <= 80 else t[:79] + "…")
    return doc_id


def _is_normative(doc: dict[str, Any]) -> bool:
    return bool(doc.get("_normative")) or bool(doc.get("symbol") and doc["symbol"].split("-")[0] in (
        "NĐ", "TT", "TTLT", "NQLT", "PL", "L") or (doc.get("symbol") or "").startswith(("QH", "UBTVQH")))


# the pieces of resolve for the engines that resolve elsewhere (docgraph.spark), so they give the same documents and
# edges: the mention fields a document takes the most common value of, its label, an edge's evidence as stored; and
# the columns, in order, of FileRows' file and mention rows
DOC_FIELDS = _DOC_FIELDS
FILE_ROW = _FILE_ROW
MENTION_ROW = _MENTION_ROW
document_label = _label
evidence_json = _evidence_json
