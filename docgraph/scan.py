"""Scan paths into the index: the library function behind ``docgraph extract``.

Files are read and matched in worker processes (``jobs``, see ``workers``); results are written by this process in
transactions of ``batch`` files, or on a new index in one bulk load resolved as it goes (``bulkload``). Each file is
read within ``limits`` (time, unpacked size, nesting depth: see ``limits``). Unchanged files (same size and mtime, or
same content hash) are not read again; files that disappeared from a scanned folder are removed from the index. The
index content does not depend on ``jobs``.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass, field
from dataclasses import replace as dc_replace
from itertools import chain, islice
from typing import Callable, Iterable, Iterator, Sequence

from . import bulkload, hooks, workers
from . import index as ix
from . import limits as _limits
from .bulkload import BulkLoad
from .engine import get_engine
from .lexicon import load_lexicon
from .pipeline import DEFAULT_TIMEOUT, FileResult, display_path, process_file
from .readers.listing import FolderPaths, ignore_patterns, is_ignored, list_files
from .rules import rule_files
from .skips import code_of

WINDOW = 512  # files listed before the workers start (fewer than 8: read in this process)


@dataclass
class ScanSummary:
    files: int = 0  # files seen
    read: int = 0  # files read and matched this run
    unchanged: int = 0
    removed: int = 0
    mentions: int = 0
    documents: int = 0
    relations: int = 0
    ambiguous: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # errors that make the exit code 1
    paths: list[str] = field(default_factory=list)  # index paths of the files given, in order

    def to_dict(self) -> dict:
        return {
            "files": self.files, "read": self.read, "unchanged": self.unchanged, "removed": self.removed,
            "mentions": self.mentions, "documents": self.documents, "relations": self.relations,
            "ambiguous": self.ambiguous,
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
        }


Task = tuple[str, "str | None", str, _limits.Limits, "str | None"]  # path, rules, doc path, limits, province


def _worker(args: Task) -> ix.FileRows:
    path, rules_dir, doc_path, lim, province = args
    hooks.pause("read", path)
    # rows are built here, in the worker: plain tuples cross the process boundary faster than dataclasses
    return ix.file_rows(process_file(path, rules_dir, doc_path, province=province, limits=lim))


def _overrun(args: Task) -> ix.FileRows:
    """The rows of a file whose worker was stopped past the time limit (stuck in a parser): skipped, with its size
    and date, so the next run does not try it again unless it changes."""
    path, _, _, lim, _ = args
    try:
        st = os.stat(path)
        size, mtime = st.st_size, st.st_mtime_ns
    except OSError:
        size = mtime = 0
    return ix.file_rows(FileResult(path=display_path(path), size=size, mtime_ns=mtime,
                                   skipped=_limits.time_limit_reason(lim.timeout)))


def own_doc_path(path: str, roots_abs: Sequence[str], absolute: str | None = None) -> str:
    """The path that names a file's own document id: relative to the folder given to extract (``roots_abs``:
    the folders given, made absolute). ``absolute``: ``os.path.abspath(path)``, when the caller has it."""
    ap = absolute if absolute is not None else os.path.abspath(path)
    for ar in roots_abs:
        prefix = os.path.join(ar, "")  # with one trailing separator
        if ap.startswith(prefix):
            return ap[len(prefix):]  # both are normalized: this is os.path.relpath(ap, ar), without its cost
    return os.path.basename(path)


def given_province(folders: dict[str, str], paths: Sequence[str], province: str) -> dict[str, str]:
    """The folders (and files) given with ``--province`` (the index's meta ``province_defaults``: stored path ->
    province) with ``paths`` given now with ``province``: a file added to one of them later gets it too."""
    return folders | {display_path(p): province for p in paths}


def province_default(province: str | None, defaults: dict[str, str],
                     folders: dict[str, str]) -> Callable[[str], str | None]:
    """The default province of a file (by its stored path): ``province`` given now, else the one it was read with
    (``defaults``), else that of the deepest folder given with one (``folders``)."""
    def default_of(shown: str) -> str | None:
        if province is not None:
            return province
        if shown in defaults:
            return defaults[shown]
        roots = [r for r in folders if under_root(shown, r)]
        return folders[max(roots, key=len)] if roots else None
    return default_of


def _sha256(path: str) -> str | None:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()



def stat_listed(paths: Sequence[str], globs: Sequence[str] | None, ignore, summary: ScanSummary,
                seen: dict[str, int], folders: FolderPaths | None = None) -> Iterator[tuple[str, str, os.stat_result]]:
    """Each file of ``paths`` once, as (path, shown path, stat), while the folders are walked. ``seen`` collects every
    shown path in listing order (skipped ones too); a file skipped at listing or that cannot be stat'ed is counted in
    ``summary`` and not yielded. The default engine and the Spark plan list files by this one function.
    ``folders``: the absolute paths of the folders met (``FolderPaths``), shared with the caller."""
    if folders is None:
        folders = FolderPaths()
    for path, reason in list_files(paths, globs, ignore=ignore):
        shown = display_path(path, folders)
        if shown in seen:
            continue
        seen[shown] = len(seen)
        summary.files += 1
        summary.paths.append(shown)
        if reason is not None:
            summary.skipped.append((shown, reason))
            if not code_of(reason).benign:
                summary.unreadable.append((shown, reason))
            continue
        try:
            st = os.stat(path)
        except OSError as e:
            summary.skipped.append((shown, e.strerror or "cannot stat"))
            summary.unreadable.append((shown, e.strerror or "cannot stat"))
            continue
        yield path, shown, st


def scan(
    paths: Sequence[str],
    conn: sqlite3.Connection,
    *,
    rules_dir: str | None = None,
    globs: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
    jobs: int = 1,
    batch: int = 200,
    timeout: float | None = DEFAULT_TIMEOUT,
    progress: Callable[[int, int, str], None] | None = None,
    stage: Callable[[str], None] | None = None,
    province: str | None = None,
    limits: _limits.Limits | None = None,
) -> ScanSummary:
    """Extract every matching file under ``paths`` into the index ``conn`` and resolve documents and edges.

    ``progress(done, total, path)`` is called after each file read (``total`` grows while the folder is walked);
    ``stage(name)`` when the run enters a stage with no per-file progress (``"resolve"``: documents and edges are
    rebuilt, seconds on a large folder). ``province``: the province of the files that name none (a folder
    exported from one province's database); it is kept with each file and each path given, so a later run without
    it keeps it, also for a file added to such a folder since, and a file indexed with another default is read
    again. ``limits``: what one file may take (default: those in force, with ``timeout`` seconds); a file over a
    limit is skipped with the reason.

    A worker process that dies (the out-of-memory killer) ends the run with :class:`workers.WorkerDied`, naming the
    file it was reading, once the files read before it are written: the next run completes the index."""
    lim = limits if limits is not None else dc_replace(_limits.active(), timeout=timeout)
    summary = ScanSummary()
    fingerprint = rules_fingerprint([str(f) for f in rule_files(rules_dir)])
    rules_changed = ix.get_meta(conn, "rules") not in (None, fingerprint)
    if rules_dir is not None and ix.get_meta(conn, "rules") != fingerprint:
        get_engine(rules_dir)  # a folder of rules not used on this index before: fail early, in this process, if broken
    # files indexed with other rules are read again, whatever their size and mtime
    known = {} if rules_changed else ix.file_state(conn)
    defaults = ix.province_defaults(conn)  # path -> the default province a file was read with
    folders = json.loads(ix.get_meta(conn, "province_defaults") or "{}")
    if province is not None:
        folders = given_province(folders, paths, province)
        ix.set_meta(conn, "province_defaults", json.dumps(folders, ensure_ascii=False, sort_keys=True))
    default_of = province_default(province, defaults, folders)
    seen_real: dict[str, int] = {}
    ignore = ignore_patterns(paths, exclude)
    roots_abs = [os.path.abspath(r) for r in paths if os.path.isdir(r)]
    dirty = False

    def mark_dirty() -> None:
        nonlocal dirty
        if not dirty:  # until resolve() has run on the new rows, even if interrupted
            ix.set_meta(conn, "resolved", "no")
            dirty = True

    def todo() -> Iterator[Task]:
        """The files to read, yielded while the folder is still being walked: workers start at once."""
        folders = FolderPaths()
        for path, shown, st in stat_listed(paths, globs, ignore, summary, seen_real, folders):
            default = default_of(shown)
            old = known.get(shown) if defaults.get(shown) == default else None
            if old is not None and old[0] == st.st_size and old[1] == st.st_mtime_ns:
                summary.unchanged += 1
                continue
            if old is not None and old[0] == st.st_size and old[2] and _sha256(path) == old[2]:
                ix.touch_file(conn, shown, st.st_size, st.st_mtime_ns)
                summary.unchanged += 1
                continue
            # the engine is built where files are read (in each worker: a tenth of a second); this process needs only
            # the lexicon, and holding the engine here it would hold it again in every worker forked from it
            listed[0] += 1
            yield path, rules_dir, own_doc_path(path, roots_abs, folders.absolute(path)), lim, default

    listed = [0]  # files to read found so far: the progress total grows while the walk goes on
    # an empty index (a first run) has no rows to replace: the per-file delete is skipped
    replace = conn.execute("SELECT 1 FROM files LIMIT 1").fetchone() is not None
    # an index resolved with the same rules needs only the documents the changed files touch rebuilt; after an
    # interrupted run or a change of rules, everything is
    touched: set[str] | None = (set() if replace and not rules_changed and ix.get_meta(conn, "resolved") == "yes"
                                else None)
    done = 0
    pending: list = []  # ix.FileRows, or the chunk records of bulkload.Pack
    # a new index is loaded in one transaction and resolved from what the writer gathered (bulkload.py)
    bulk: BulkLoad | None = None
    bulk_counts: dict[str, int] | None = None

    def write() -> None:
        nonlocal bulk, replace
        hooks.pause("write", "\n".join(map(bulkload.path_of, pending)))
        mark_dirty()
        if not replace and bulk is None:
            bulk = BulkLoad.begin(conn)
            replace = bulk is None  # another extract on this index wrote files since this one began
        if bulk is not None:
            bulk.add(pending)
        else:
            ix.write_rows(conn, bulkload.rows_of(pending), replace=replace, touched=touched)
        pending.clear()

    # on a new index the workers hand their rows over as one SQLite database per chunk (bulkload.Pack), file ids
    # counted from the first one (1)
    pack = bulkload.Pack(1) if not replace and bulkload.CHUNKS else None
    results = _results(todo(), jobs, lim, pack)
    try:
        try:
            path_of, skip_of = bulkload.path_of, bulkload.skip_of
            for res in results:
                done += 1
                if progress:
                    progress(done, listed[0], path_of(res))
                summary.read += 1
                skipped = skip_of(res)
                if skipped:
                    summary.skipped.append((path_of(res), skipped))
                    if not code_of(skipped).benign:
                        summary.unreadable.append((path_of(res), skipped))
                pending.append(res)
                if len(pending) >= batch:
                    write()
        except workers.WorkerDied:
            if pending:  # what was read before the worker died is kept
                write()
            raise
        finally:
            results.close()  # the workers end here, whatever happened
        if pending:
            write()
        if bulk is not None:
            if stage:
                stage("resolve")
            bulk_counts = bulk.finish(load_lexicon(rules_dir))
    except BaseException:
        if bulk is not None and bulk_counts is None:
            bulk.abort()  # the files loaded so far are kept, as the batches of an interrupted run are
        raise

    # files under a scanned folder that are gone
    roots = [display_path(p) for p in paths if os.path.isdir(p)]
    gone = [p for p in known if p not in seen_real and any(under_root(p, r) for r in roots)
            and (not os.path.exists(p) or is_ignored(p, ignore))]
    if gone:
        mark_dirty()
    summary.removed = ix.delete_files(conn, gone, touched)
    ix.set_meta(conn, "rules", fingerprint)
    if summary.read or summary.removed or ix.get_meta(conn, "resolved") != "yes":
        if touched is not None and len(touched) > conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] // 4:
            touched = None  # most of the graph changed: rebuilding it all is cheaper
        if bulk_counts is not None:  # resolved by the bulk load
            counts = bulk_counts
        else:
            if stage:
                stage("resolve")
            counts = ix.resolve(conn, touched, lexicon=load_lexicon(rules_dir))
        ix.set_meta(conn, "resolved", "yes")
    else:  # nothing changed: documents and edges are already resolved
        counts = ix.counts(conn)
    summary.documents = counts["documents"]
    summary.relations = counts["edges"]
    summary.ambiguous = counts["ambiguous"]
    summary.mentions = conn.execute("SELECT COUNT(*) FROM mentions WHERE own=0").fetchone()[0]
    return summary


def rules_fingerprint(sources: Sequence[str]) -> str:
    """A hash of the rule files in use: a change of rules makes every file be read again."""
    h = hashlib.sha256()
    for src in sources:
        h.update(os.path.basename(src).encode())
        try:
            with open(src, "rb") as f:
                h.update(f.read())
        except OSError:
            pass
    return h.hexdigest()[:16]


def under_root(path: str, root: str) -> bool:
    """Whether ``path`` (as stored) lies in the folder ``root`` (as stored)."""
    root = root.rstrip(os.sep)
    return root in ("", ".") and not os.path.isabs(path) or path == root or path.startswith(root + os.sep)


def _results(todo: Iterable[Task], jobs: int, lim: _limits.Limits,
             pack: bulkload.Pack | None = None) -> Iterator:
    """Results in the order of ``todo``: ``FileRows``. With ``jobs`` > 1 the files go to worker processes
    (``workers.run``) while the folder is still being walked; a bounded number are in flight, so memory stays flat
    however many files there are. A worker stuck on one file well past the time limit is stopped and the file
    skipped. ``pack``: the workers hand each chunk over packed (``bulkload.Pack``'s records)."""
    it = iter(todo)
    first = list(islice(it, WINDOW))
    if jobs <= 1 or len(first) < 8:
        workers.discard_spare()  # forked ahead by the command line (workers.prestart), not needed
        for args in chain(first, it):
            yield _worker(args)
        return
    chunk = max(1, min(32, len(first) // (jobs * 8)))
    yield from workers.run(chain(first, it), _worker, jobs, chunk=chunk, kill_after=lim.kill_after(),
                           name_of=lambda args: display_path(args[0]), size_of=lambda args: len(args[0]),
                           overrun=_overrun, buffer=2 * WINDOW, pack=pack)
