"""The index in PostgreSQL (``docgraph[postgres]``, psycopg 3): the same tables as the SQLite index, read by the same
queries through ``PgIndex``, a connection that takes SQLite's ``?`` placeholders and gives rows readable by position
and by column name (as ``sqlite3.Row``).

The tables are made from the SQLite schema itself (``index.connect``'s), column for column: INTEGER becomes BIGINT,
TEXT is compared byte by byte (``COLLATE "C"``, SQLite's order) whatever the database's locale, and the indexes are
SQLite's own statements. ``documents``, ``edges`` and ``raw_relations`` carry SQLite's hidden ``rowid`` as a column:
the graph is read in that order. ``load_sqlite`` copies a finished SQLite index in (COPY); the Spark engine writes
its results the same way.
"""

from __future__ import annotations

import re
import sqlite3
from functools import lru_cache
from typing import Any, Iterable, Iterator, Sequence

from ..index import SCHEMA_VERSION, IndexStoreError

try:
    import psycopg
    from psycopg.rows import tuple_row
except ImportError:  # the postgres extra is not installed: connect() says so
    psycopg = None  # type: ignore[assignment]

TABLES = ("meta", "files", "mentions", "raw_relations", "documents", "edges")  # in the order they are loaded
ROWID_TABLES = ("documents", "edges", "raw_relations")  # read in SQLite's rowid order: kept as a column
_TYPES = {"INTEGER": "BIGINT", "TEXT": 'TEXT COLLATE "C"', "REAL": "DOUBLE PRECISION", "": 'TEXT COLLATE "C"'}


def redact(url: str) -> str:
    """The URL without its password (``postgresql://user:secret@host/db`` -> ``postgresql://user@host/db``)."""
    return re.sub(r"^(postgres(?:ql)?://[^:/@]*):[^@]*@", r"\1@", url)


# ------------------------------------------------------------------ the connection the queries read
@lru_cache(maxsize=1024)
def pg_sql(sql: str) -> str:
    """SQLite's SQL as psycopg takes it: ``?`` outside string literals becomes ``%s`` and a literal ``%`` (in LIKE
    patterns) is doubled."""
    out = []
    quoted = False
    for ch in sql:
        if ch == "'":
            quoted = not quoted
        if ch == "?" and not quoted:
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        else:
            out.append(ch)
    return "".join(out)


class Row(tuple):
    """A row readable by position (it is a tuple) and by column name, with ``keys()`` (``dict(row)`` works), as
    ``sqlite3.Row``. One subclass per column list holds the names."""

    __slots__ = ()
    _index: dict[str, int] = {}

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


@lru_cache(maxsize=256)
def _row_class(names: tuple[str, ...]) -> type[Row]:
    return type("Row", (Row,), {"__slots__": (), "_index": {n: i for i, n in enumerate(names)}})


def named_row(cursor: Any) -> Any:
    """psycopg row factory giving ``Row``s."""
    names = tuple(c.name for c in cursor.description) if cursor.description else ()
    return _row_class(names)


if psycopg is not None:
    class PgCursor(psycopg.Cursor):
        """A psycopg cursor that takes SQLite's placeholders; ``row_factory = None`` gives plain tuples (as on a
        sqlite3 cursor), anything else named rows."""

        __slots__ = ()

        @property
        def row_factory(self):  # type: ignore[override]
            return psycopg.Cursor.row_factory.fget(self)

        @row_factory.setter
        def row_factory(self, factory) -> None:
            psycopg.Cursor.row_factory.fset(self, tuple_row if factory is None else named_row)

        def execute(self, query: str, params: Sequence[Any] = (), **kw: Any):  # type: ignore[override]
            return super().execute(pg_sql(query), tuple(params), **kw)

        def executemany(self, query: str, params_seq: Iterable[Sequence[Any]], **kw: Any):  # type: ignore[override]
            return super().executemany(pg_sql(query), params_seq, **kw)


class PgIndex:
    """A docgraph index in PostgreSQL, read like an ``sqlite3.Connection`` (``execute``, ``cursor``, ``commit``,
    ``with conn:`` for a transaction). ``raw`` is the psycopg connection (COPY). It runs in autocommit: a query
    holds no transaction open."""

    def __init__(self, raw: Any, url: str):
        self.raw = raw
        self.url = url
        self._tx: list[Any] = []

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.cursor().execute(sql, params)

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> Any:
        cur = self.cursor()
        cur.executemany(sql, seq)
        return cur

    def cursor(self) -> Any:
        return self.raw.cursor()

    @property
    def in_transaction(self) -> bool:
        return bool(self._tx)

    def commit(self) -> None:
        if not self.raw.autocommit:
            self.raw.commit()

    def rollback(self) -> None:
        if not self.raw.autocommit:
            self.raw.rollback()

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> PgIndex:
        tx = self.raw.transaction()
        tx.__enter__()
        self._tx.append(tx)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._tx.pop().__exit__(*exc)


def _first_line(e: BaseException) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0]


def connect(url: str, *, create: bool = False) -> PgIndex:
    """Open the index in the PostgreSQL database ``url``. ``create`` makes its tables in an empty database;
    otherwise an empty database is an error, as a missing SQLite file is."""
    if psycopg is None:
        raise IndexStoreError("a postgresql:// index needs the postgres extra: pip install 'docgraph[postgres]'")
    try:
        raw = psycopg.connect(url, autocommit=True, cursor_factory=PgCursor, row_factory=named_row)
    except psycopg.Error as e:
        raise IndexStoreError(f"cannot open {redact(url)}: {_first_line(e)}") from None
    conn = PgIndex(raw, url)
    tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}
    if "meta" in tables:
        row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        version = int(row[0]) if row else None
        if version != SCHEMA_VERSION:
            conn.close()
            raise IndexStoreError(
                f"{redact(url)} was written by another version of docgraph (schema {version}, this one reads"
                f" {SCHEMA_VERSION}): load or extract it again")
    elif tables & set(TABLES):
        conn.close()
        raise IndexStoreError(f"{redact(url)} has tables but is not a docgraph index")
    elif not create:
        conn.close()
        raise IndexStoreError(f"{redact(url)} holds no docgraph index: run 'docgraph extract FOLDER --engine spark"
                              f" --db URL' or 'docgraph load INDEX.db --db URL' first")
    else:
        with conn:
            for statement in schema_statements():
                conn.execute(statement)
            conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
    return conn


# ------------------------------------------------------------------ the schema, from SQLite's
def sqlite_columns() -> dict[str, list[tuple[str, str]]]:
    """(column, SQLite type) of every table of a new SQLite index, in table order."""
    from ..index import connect as sqlite_connect

    mem = sqlite_connect(":memory:", create=True)
    try:
        return {t: [(c[1], (c[2] or "").upper()) for c in mem.execute(f"PRAGMA table_info({t})")] for t in TABLES}
    finally:
        mem.close()


def columns(table: str) -> list[str]:
    """The columns of ``table`` in PostgreSQL: SQLite's, then ``rowid`` for the tables read in rowid order."""
    return [c for c, _ in sqlite_columns()[table]] + (["rowid"] if table in ROWID_TABLES else [])


@lru_cache(maxsize=1)
def schema_statements() -> tuple[str, ...]:
    """CREATE TABLE and CREATE INDEX statements of the PostgreSQL index, made from a new SQLite index's schema."""
    from ..index import connect as sqlite_connect

    mem = sqlite_connect(":memory:", create=True)
    out: list[str] = []
    try:
        for t in TABLES:
            info = list(mem.execute(f"PRAGMA table_info({t})"))
            cols = []
            for _, name, typ, notnull, default, _pk in info:
                col = f'"{name}" {_TYPES.get((typ or "").upper(), _TYPES[""])}'
                if notnull:
                    col += " NOT NULL"
                if default is not None:
                    col += f" DEFAULT {default}"
                cols.append(col)
            if t in ROWID_TABLES:
                cols.append("rowid BIGINT")
            pk = [name for _, name, *_rest, pk in sorted(info, key=lambda c: c[5]) if pk]
            if pk:
                cols.append(f"PRIMARY KEY ({', '.join(chr(34) + c + chr(34) for c in pk)})")
            for idx in mem.execute(f"PRAGMA index_list({t})"):
                if idx[3] == "u":  # a UNIQUE constraint of the table's definition
                    ucols = [r[2] for r in mem.execute(f"PRAGMA index_info({idx[1]})")]
                    cols.append(f"UNIQUE ({', '.join(chr(34) + c + chr(34) for c in ucols)})")
            out.append(f"CREATE TABLE IF NOT EXISTS {t} ({', '.join(cols)})")
        for (sql,) in mem.execute("SELECT sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL ORDER BY name"):
            out.append(re.sub(r"(?i)^CREATE INDEX (?!IF NOT EXISTS)", "CREATE INDEX IF NOT EXISTS ", sql))
        for t in ("documents", "edges"):
            out.append(f"CREATE INDEX IF NOT EXISTS {t}_rowid ON {t}(rowid)")
    finally:
        mem.close()
    return tuple(out)


# ------------------------------------------------------------------ loading
def copy_rows(pg: PgIndex, table: str, cols: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY ``rows`` into ``table`` (in the caller's transaction). Returns the number of rows."""
    n = 0
    quoted = ", ".join(f'"{c}"' for c in cols)
    with pg.raw.cursor().copy(f"COPY {table} ({quoted}) FROM STDIN") as cp:
        for r in rows:
            cp.write_row(r)
            n += 1
    return n


def _sqlite_rows(src: sqlite3.Connection, table: str, cols: list[str]) -> Iterator[tuple]:
    cur = src.cursor()
    cur.row_factory = None
    sel = ", ".join(f'"{c}"' if c != "rowid" else "rowid" for c in cols)
    yield from cur.execute(f"SELECT {sel} FROM {table} ORDER BY rowid")


def load_sqlite(src: sqlite3.Connection, pg: PgIndex) -> dict[str, int]:
    """Replace the PostgreSQL index ``pg`` by a copy of the SQLite index ``src``, in one transaction (a reader sees
    the old index or the new one). Returns the rows copied per table."""
    counts: dict[str, int] = {}
    try:
        with pg:
            pg.execute(f"TRUNCATE {', '.join(TABLES)}")
            for t in TABLES:
                cols = columns(t)
                counts[t] = copy_rows(pg, t, cols, _sqlite_rows(src, t, cols))
        for t in TABLES:
            pg.execute(f"ANALYZE {t}")
    except psycopg.errors.InsufficientPrivilege as e:  # a read-only role
        raise IndexStoreError(f"cannot write {redact(pg.url)}: {_first_line(e)}") from None
    return counts
