"""Where the index lives: an SQLite file (the default) or a PostgreSQL database (``postgresql://...``).

Queries, exports and the graph readers talk to the index through a DB-API connection with SQLite's ``?``
placeholders and rows readable by position and by column name; ``open_index`` gives such a connection for either
store. On PostgreSQL it is ``postgres.PgIndex``, which translates the placeholders and serves the same tables (made
from the SQLite schema, so the two cannot drift), so every query gives the same answer on both.

The library SQL keeps to what both stores read the same way: no ``rowid`` other than the documents' and edges'
(PostgreSQL stores it as a column), ``COUNT(expr)`` or ``COUNT(CASE ...)`` rather than ``SUM`` of a comparison,
``col IS NOT NULL, col`` where NULLs must sort first, and ORDER BY columns that leave no ties.
"""

from __future__ import annotations

import os
from typing import Any

URL_PREFIXES = ("postgresql://", "postgres://")


def is_url(db: str | os.PathLike | None) -> bool:
    """Whether ``db`` names a PostgreSQL database rather than an SQLite file."""
    return isinstance(db, str) and db.startswith(URL_PREFIXES)


def db_target(explicit: str | os.PathLike | None) -> str:
    """The index a command uses: ``--db``, else ``$DOCGRAPH_DB``, else ``./docgraph.db`` (a URL is kept as given)."""
    from ..index import db_path

    raw = explicit or os.environ.get("DOCGRAPH_DB")
    return raw if is_url(raw) else str(db_path(explicit))


def open_index(db: str | os.PathLike | None, *, create: bool = False) -> Any:
    """The index ``db`` (see ``db_target``) as a connection the queries read: an ``sqlite3.Connection`` or a
    ``postgres.PgIndex``. Raises ``index.IndexStoreError`` when it cannot be opened."""
    target = db_target(db)
    if is_url(target):
        from .postgres import connect

        return connect(target, create=create)
    from ..index import connect as sqlite_connect

    return sqlite_connect(target, create=create)


def shown(db: str) -> str:
    """``db`` as printed: a URL without its password."""
    if not is_url(db):
        return db
    from .postgres import redact

    return redact(db)
