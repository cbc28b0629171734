"""Limits on one file: what keeps a hostile file from running away with the time or the memory of a run.

- ``timeout``: seconds for everything done with one file (reading and parsing it, matching, its header, its
  relations). Each stage checks a per-file :class:`Deadline` in its loops and passes what is left to the regex calls;
  a file over the limit is skipped with "time limit exceeded (N s per file)". With worker processes the parent also
  stops a worker stuck in a C library (an HTML or PDF parser) a few seconds after the limit.
- ``max_unpacked``: bytes a Word file (a zip) may unpack to, read from the zip's directory before anything is
  unpacked: a "zip bomb" is skipped without being inflated.
- ``max_depth``: how deeply the elements of a web page or a Word file may nest, checked by a scan of the bytes before
  the parser runs (parsers take minutes on 100,000 nested tags).

``docgraph extract`` takes them as ``--timeout``, ``--max-unpacked`` (MiB) and ``--max-depth``; the library as the
``limits`` argument of ``scan``, ``process_file`` and ``readers.read_file``/``read_bytes``.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Iterator

from .errors import InternalError
from .skips import Skip, SkipCode

__all__ = ["Limits", "DEFAULT", "Deadline", "TimeLimitExceeded", "applied", "active", "deadline", "check", "left",
           "time_limit_reason"]

MiB = 1 << 20
DEFAULT_TIMEOUT = 60.0  # seconds per file
DEFAULT_MAX_UNPACKED = 256 * MiB  # bytes a .docx may unpack to (all its parts)
DEFAULT_MAX_DEPTH = 2000  # nesting of HTML or Word XML elements (real pages: under 100)
# a worker still busy with one file this long after its limit is stopped by the parent (a C parser that does not
# return): max(KILL_GRACE, timeout / 2) seconds
KILL_GRACE = 5.0


@dataclass(frozen=True, slots=True)
class Limits:
    timeout: float | None = DEFAULT_TIMEOUT  # None or 0: no limit
    max_unpacked: int | None = DEFAULT_MAX_UNPACKED
    max_depth: int | None = DEFAULT_MAX_DEPTH

    def kill_after(self) -> float | None:
        """Seconds after which a worker busy with one file is stopped from outside (None: never)."""
        if not self.timeout:
            return None
        return self.timeout + max(KILL_GRACE, self.timeout / 2)


DEFAULT = Limits()


def time_limit_reason(seconds: float | None) -> Skip:
    """The skip reason of a file over the time limit."""
    return Skip(f"time limit exceeded ({seconds:g} s per file)" if seconds else "time limit exceeded",
                SkipCode.TIME_LIMIT)


class TimeLimitExceeded(InternalError):
    """One file took longer than its limit; ``str(exc)`` is the skip reason, :attr:`skip` the reason with its
    code (the file is skipped; raised out of a command, it is an internal error)."""

    @property
    def skip(self) -> Skip:
        return Skip(str(self), SkipCode.TIME_LIMIT)


class Deadline:
    """The end of the time one file may take (``seconds`` None: no end)."""

    __slots__ = ("seconds", "end")

    def __init__(self, seconds: float | None):
        self.seconds = seconds if seconds else None
        self.end = time.monotonic() + seconds if seconds else None

    def left(self) -> float | None:
        """Seconds left (None: no limit); raises :class:`TimeLimitExceeded` when none is."""
        if self.end is None:
            return None
        rest = self.end - time.monotonic()
        if rest <= 0:
            raise TimeLimitExceeded(time_limit_reason(self.seconds))
        return rest

    def check(self) -> None:
        if self.end is not None and time.monotonic() > self.end:
            raise TimeLimitExceeded(time_limit_reason(self.seconds))


_NONE = Deadline(None)
_current: ContextVar[Deadline] = ContextVar("docgraph_deadline", default=_NONE)
_active: ContextVar[Limits] = ContextVar("docgraph_limits", default=DEFAULT)


def active() -> Limits:
    """The limits in force (the defaults unless a caller applied others)."""
    return _active.get()


@contextmanager
def applied(lim: Limits | None) -> Iterator[Deadline]:
    """Run the block (the work on one file) under ``lim`` (None: the limits in force): its size and depth limits,
    and a deadline of ``lim.timeout`` seconds from now."""
    lim = lim if lim is not None else _active.get()
    token = _active.set(lim)
    try:
        with deadline(lim.timeout) as d:
            yield d
    finally:
        _active.reset(token)


@contextmanager
def deadline(seconds: float | None) -> Iterator[Deadline]:
    """Run the block under a per-file deadline (the code it calls checks it with :func:`check` and :func:`left`).
    A deadline already running and ending sooner is kept."""
    d = Deadline(seconds)
    outer = _current.get()
    if outer.end is not None and (d.end is None or outer.end < d.end):
        d = outer
    token = _current.set(d)
    try:
        yield d
    finally:
        _current.reset(token)


def current() -> Deadline:
    return _current.get()


def check() -> None:
    """Raise :class:`TimeLimitExceeded` when the current file's time is up (cheap: call it in loops)."""
    d = _current.get()
    if d.end is not None and time.monotonic() > d.end:
        raise TimeLimitExceeded(time_limit_reason(d.seconds))


def left() -> float | None:
    """Seconds left for the current file (None: no limit), for a regex ``timeout=`` or a child process."""
    return _current.get().left()
