"""One family of exceptions, each class with the exit code the command line gives it.

The library raises members of :class:`DocgraphError`; ``cli`` turns any of them into one line on stderr and
``exit_code`` by class, never by reading the message. Subclasses live next to the code that raises them
(``rules.RulesError``, ``query.NotFound``, ``export.ExportError``, ``readers.ReaderError``, ``report.ReportError``,
``limits.TimeLimitExceeded``...) and derive from one of the bases here; :func:`as_docgraph_error` is the one place
that maps an exception from outside the family (SQLite's "busy") into it.
"""

from __future__ import annotations

import sqlite3

EXIT_OK = 0
EXIT_BAD_INPUT = 1  # a file could not be read, a rule example failed
EXIT_USAGE = 2  # a bad option or value, a broken rules folder, an unusable or busy index, an ambiguous query
EXIT_INTERNAL = 3  # a bug: the traceback with --debug
EXIT_NOT_FOUND = 4  # the queried document is not in the index
EXIT_INTERRUPTED = 130  # Ctrl-C or SIGTERM


class DocgraphError(Exception):
    """Base of every error docgraph raises on purpose. ``exit_code``: the command line's; ``label``: a word the
    error line starts with ("rules: ..."), empty for none."""

    exit_code: int = EXIT_INTERNAL
    label: str = ""

    def shown(self) -> str:
        """The error line, without the leading "error: "."""
        return f"{self.label}: {self}" if self.label else str(self)


class BadInput(DocgraphError):
    """Input docgraph cannot use (exit code 1)."""

    exit_code = EXIT_BAD_INPUT


class UsageError(DocgraphError):
    """A command used wrongly: a bad option value, a missing path (exit code 2)."""

    exit_code = EXIT_USAGE


class ConfigError(UsageError):
    """A configuration file (a rules folder) is wrong; the message names the file and line."""


class IndexStoreError(UsageError):
    """The index cannot be opened or used: none there, another version's, not an index (exit code 2)."""


class IndexDamaged(IndexStoreError):
    """The file is not a readable docgraph index (not SQLite, or damaged)."""


class IndexBusy(IndexStoreError):
    """Another docgraph holds the index's write lock."""

    def __init__(self, message: str | None = None):
        from .i18n import _

        super().__init__(message or _("the index is busy: another docgraph is writing it; try again when it has"
                                      " finished"))


class NotFoundError(DocgraphError):
    """What was asked for is not there (exit code 4)."""

    exit_code = EXIT_NOT_FOUND


class InternalError(DocgraphError):
    """A limit or a state docgraph did not expect (exit code 3, traceback with --debug)."""

    exit_code = EXIT_INTERNAL


# SQLite's primary result codes for "another connection holds the lock" (the extended codes keep them in the low byte)
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6
# and for "the file is damaged" (a malformed page) or "not a database"
_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26


def as_docgraph_error(exc: BaseException) -> DocgraphError | None:
    """``exc`` as a member of the family: itself, or :class:`IndexBusy` for SQLite's "busy" and "locked" errors
    (read from their result code); None for anything else (an internal error)."""
    if isinstance(exc, DocgraphError):
        return exc
    if isinstance(exc, sqlite3.DatabaseError):
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None and code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED):
            return IndexBusy()
        if code is not None and code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB):  # found while a query reads
            from .i18n import _

            return IndexDamaged(_("index is damaged: rebuild with extract ({error}; delete the file, then run"
                                  " extract)").format(error=exc))
    return None
