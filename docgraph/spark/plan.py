"""Which files a run reads: the listing of the default engine (``readers.list_files``: the same globs, excludes and
.docgraphignore files), compared with what the index holds of each file (path, size, mtime, sha256 and the default
province it was read with). Runs on the driver; no Spark needed (a run with nothing to read starts none)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Sequence

from ..pipeline import display_path
from ..readers.listing import ignore_patterns, is_ignored
from ..scan import ScanSummary, own_doc_path, province_default, stat_listed, under_root


@dataclass(frozen=True, slots=True)
class Todo:
    """A file to read, as an executor needs it."""

    file_id: int  # the id its rows get if it is read
    abspath: str  # where an executor opens it
    path: str  # as stored and shown
    doc_path: str  # names its own document id when it has no number
    old_sha: str | None  # the indexed content's hash when only the mtime changed: same content -> no new rows
    size: int
    mtime_ns: int
    province: str | None  # the default province (extract --province, or the one it was read with)


@dataclass
class Plan:
    summary: ScanSummary
    todo: list[Todo] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)  # indexed files of the scanned folders that are gone or ignored
    order: dict[str, int] = field(default_factory=dict)  # path -> position in the listing


def plan(paths: Sequence[str], known: dict[str, tuple[int, int, str | None]], defaults: dict[str, str],
         next_id: int, *, globs: Sequence[str] | None = None, exclude: Sequence[str] = (),
         province: str | None = None, folders: dict[str, str] | None = None) -> Plan:
    """What ``scan.scan`` would read of ``paths`` given an index holding ``known`` (path -> size, mtime_ns, sha256),
    ``defaults`` (path -> default province it was read with) and ``folders`` (the folders given with
    ``--province``, this run's included): the files to read (ids from ``next_id`` on, in listing order), the
    unchanged and skipped ones (counted in the summary) and the gone ones."""
    out = Plan(ScanSummary())
    summary = out.summary
    ignore = ignore_patterns(paths, exclude)
    default_of = province_default(province, defaults, folders or {})
    roots_abs = [os.path.abspath(r) for r in paths if os.path.isdir(r)]
    for path, shown, st in stat_listed(paths, globs, ignore, summary, out.order):
        default = default_of(shown)
        old = known.get(shown) if defaults.get(shown) == default else None
        if old is not None and old[0] == st.st_size and old[1] == st.st_mtime_ns:
            summary.unchanged += 1
            continue
        sha = old[2] if old is not None and old[0] == st.st_size and old[2] else None
        out.todo.append(Todo(next_id + len(out.todo), os.path.abspath(path), shown, own_doc_path(path, roots_abs),
                             sha, st.st_size, st.st_mtime_ns, default))
    roots = [display_path(p) for p in paths if os.path.isdir(p)]
    out.gone = [p for p in known if p not in out.order and any(under_root(p, r) for r in roots)
                and (not os.path.exists(p) or is_ignored(p, ignore))]
    return out
