"""Writing a PostgreSQL index from many processes at once (the Spark engine's executors), then publishing it from one.

Each task COPYs its rows into a staging table (``stage_<table>``: the table's columns and the task's partition
number), replacing what an earlier attempt of the same partition wrote, in one transaction under an advisory lock
on that partition: a task that Spark retries or runs twice leaves its rows once. The driver then moves the staged
rows into the index in one transaction (``publish_files``, ``publish_graph``), so readers see the old index or the
new one, never a half-written one. A run holds ``run_lock`` from start to end: two runs on one index do not mix.
"""

from __future__ import annotations

import zlib
from typing import Any, Iterable, Sequence

from ..i18n import _
from ..index import IndexStoreError
from .postgres import PgIndex, columns, copy_rows, redact

STAGED = ("files", "mentions", "raw_relations", "documents", "edges")
DOC_UPDATES = "stage_mention_docs"  # (id, doc, ambiguous) of the year-less mentions whose document resolve changed
_RUN_LOCK = 0x646F6367  # "docg": the advisory lock of a run on an index


def stage(table: str) -> str:
    return f"stage_{table}"


def run_lock(pg: PgIndex) -> None:
    """Take the index's run lock for this session (released when it closes), or fail at once if a run holds it."""
    if not pg.execute("SELECT pg_try_advisory_lock(?)", (_RUN_LOCK,)).fetchone()[0]:
        raise IndexStoreError(_("{index} is busy: another extract is writing it; try again when it has finished").format(
            index=redact(pg.url)))


def create_stages(pg: PgIndex) -> None:
    """Empty staging tables for a run (UNLOGGED: they are rebuilt by the next run if the server stops)."""
    with pg:
        for t in STAGED:
            pg.execute(f"DROP TABLE IF EXISTS {stage(t)}")
            pg.execute(f"CREATE UNLOGGED TABLE {stage(t)} (LIKE {t} INCLUDING DEFAULTS)")
            pg.execute(f"ALTER TABLE {stage(t)} ADD COLUMN part INTEGER")
        pg.execute(f"DROP TABLE IF EXISTS {DOC_UPDATES}")
        pg.execute(f'CREATE UNLOGGED TABLE {DOC_UPDATES} (id BIGINT, doc TEXT COLLATE "C", ambiguous BIGINT,'
                   " part INTEGER)")


def drop_stages(pg: PgIndex) -> None:
    with pg:
        for t in (*(stage(t) for t in STAGED), DOC_UPDATES):
            pg.execute(f"DROP TABLE IF EXISTS {t}")


def write_part(url: str, part: int, tables: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> None:
    """In a task: replace partition ``part``'s rows of each staging table (name, columns, rows) in one transaction."""
    import psycopg

    with psycopg.connect(url) as raw:  # commits on leaving the block
        pg = PgIndex(raw, url)
        for name, _, _ in tables:
            # one lock per (table, partition): a second attempt of the task waits, then replaces the first's rows
            raw.execute("SELECT pg_advisory_xact_lock(%s, %s)", (zlib.crc32(name.encode()) & 0x7FFFFFFF, part))
            raw.execute(f"DELETE FROM {name} WHERE part = %s", (part,))
        for name, cols, rows in tables:
            copy_rows(pg, name, [*cols, "part"], ((*r, part) for r in rows))


def file_state(pg: PgIndex) -> tuple[dict[str, tuple[int, int, str | None]], dict[str, str], int]:
    """What the index holds of each file: path -> (size, mtime_ns, sha256), path -> the default province it was read
    with (``extract --province``), and the next free file id."""
    cur = pg.cursor()
    cur.row_factory = None
    known = {p: (size, mtime, sha) for p, size, mtime, sha in cur.execute("SELECT path, size, mtime_ns, sha256 FROM files")}
    defaults = {p: prov for p, prov in cur.execute(
        "SELECT path, header::json->>'province_default' FROM files WHERE header LIKE '%province_default%'") if prov}
    next_id = cur.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM files").fetchone()[0]
    return known, defaults, next_id


def publish_files(pg: PgIndex, replaced: Sequence[str], touched: Sequence[tuple[str, int, int]], rules: str) -> None:
    """Move the staged file rows into the index, in one transaction: the rows of the files ``replaced`` (read again,
    or gone) go, the staged ones come in, the files read again with the same content (``touched``: path, size,
    mtime_ns) keep their rows with their new size and mtime. The index is marked unresolved until
    ``publish_graph``."""
    with pg:
        pg.execute("INSERT INTO meta VALUES ('resolved', 'no') ON CONFLICT (key) DO UPDATE SET value = 'no'")
        if replaced:
            pg.execute("CREATE TEMP TABLE gone_paths (path TEXT COLLATE \"C\") ON COMMIT DROP")
            copy_rows(pg, "gone_paths", ["path"], ((p,) for p in replaced))
            ids = "SELECT f.id FROM files f JOIN gone_paths g ON g.path = f.path"
            pg.execute(f"DELETE FROM mentions WHERE file_id IN ({ids})")
            pg.execute(f"DELETE FROM raw_relations WHERE file_id IN ({ids})")
            pg.execute("DELETE FROM files WHERE path IN (SELECT path FROM gone_paths)")
        for t in ("files", "mentions", "raw_relations"):
            cols = ", ".join(f'"{c}"' for c in columns(t))
            pg.execute(f"INSERT INTO {t} ({cols}) SELECT {cols} FROM {stage(t)}")
        if touched:
            pg.executemany("UPDATE files SET size = ?, mtime_ns = ? WHERE path = ?",
                           [(size, mtime, p) for p, size, mtime in touched])
        pg.execute("INSERT INTO meta VALUES ('rules', ?) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                   (rules,))
    for t in ("files", "mentions", "raw_relations"):
        pg.execute(f"ANALYZE {t}")


def publish_graph(pg: PgIndex) -> None:
    """Replace the documents and edges by the staged ones and apply the staged mention updates, in one transaction;
    the index is then resolved."""
    with pg:
        for t in ("documents", "edges"):
            cols = ", ".join(f'"{c}"' for c in columns(t))
            pg.execute(f"TRUNCATE {t}")
            pg.execute(f"INSERT INTO {t} ({cols}) SELECT {cols} FROM {stage(t)} ORDER BY rowid")
        pg.execute(f"UPDATE mentions m SET doc = u.doc, ambiguous = u.ambiguous FROM {DOC_UPDATES} u WHERE m.id = u.id")
        pg.execute("INSERT INTO meta VALUES ('resolved', 'yes') ON CONFLICT (key) DO UPDATE SET value = 'yes'")
    for t in ("documents", "edges", "mentions"):
        pg.execute(f"ANALYZE {t}")
