"""Which files a scan reads: the folder walk (``iter_files``), the file name patterns, and the ignore rules
(``--exclude`` patterns and ``.docgraphignore`` files). ``list_files`` puts them together.

Folders are walked recursively in sorted order, following symlinks but never twice into the same folder; hidden
entries and ``__pycache__`` are not walked. A ``.docgraphignore`` in a folder given to the scan holds one pattern a
line (``#`` starts a comment); a pattern matches a file's name or its path relative to that folder (fnmatch). The
``exclude`` patterns match a file's name or its path as listed, wherever it is.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Iterator, Sequence

from ..skips import Skip
from .common import (SKIP_BAD_NAME, SKIP_DIR_WALKED, SKIP_NOT_FOUND, SKIP_NOT_REGULAR, SKIP_SYMLINK_LOOP, as_str,
                     os_error_reason)
from .registry import default_globs

__all__ = ["IGNORE_FILE", "FolderPaths", "iter_files", "list_files", "ignore_patterns", "is_ignored"]

IGNORE_FILE = ".docgraphignore"


class FolderPaths:
    """``os.path.abspath`` of many files in few folders (the files of one scan), each folder's worked out once: a
    file's absolute path is its folder's joined with its name, what ``abspath`` gives without normalizing the whole
    path again. ``cwd``: the working directory when made, with a trailing separator (None when it is gone)."""

    def __init__(self) -> None:
        self.heads: dict[str, str] = {}
        try:
            self.cwd: str | None = os.path.join(os.getcwd(), "")
        except OSError:
            self.cwd = None

    def absolute(self, path: str) -> str:
        head, _, name = path.rpartition(os.sep)
        prefix = self.heads.get(head)  # the folder's absolute path with one separator after it
        if prefix is None:
            if not head.strip(os.sep) or os.altsep or not self.cwd:  # "a", "/a", "//a": as abspath has them
                return os.path.abspath(path)
            prefix = self.heads[head] = os.path.join(os.path.abspath(head), "")
        if name in ("", ".", ".."):
            return os.path.abspath(path)
        return prefix + name


def list_files(
    paths: Sequence[str | os.PathLike],
    globs: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
    *,
    ignore: list[tuple[str, str]] | None = None,
) -> Iterator[tuple[str, Skip | None]]:
    """Yield ``(path, skip_reason_or_None)`` for the files a scan of ``paths`` reads: :func:`iter_files` with
    ``globs`` (default: ``default_globs()``), less the files the ignore rules leave out and the folders already
    walked. ``ignore``: the rules, when the caller already has them (``ignore_patterns(paths, exclude)``)."""
    if ignore is None:
        ignore = ignore_patterns(paths, exclude)
    for path, reason in iter_files(paths, default_globs() if globs is None else globs):
        if (ignore and is_ignored(path, ignore)) or (reason is not None and reason.code.not_a_file):
            continue
        yield path, reason


def ignore_patterns(paths: Sequence[str | os.PathLike], exclude: Sequence[str]) -> list[tuple[str, str]]:
    """(root, pattern) pairs: the ``exclude`` patterns apply everywhere (root ""); a folder's .docgraphignore below
    it."""
    out = [("", p) for p in exclude]
    for p in paths:
        f = os.path.join(p, IGNORE_FILE)
        if os.path.isdir(p) and os.path.isfile(f):
            try:
                with open(f, encoding="utf-8") as fh:
                    for line in fh:
                        line = line.strip()
                        if line and not line.startswith("#"):
                            out.append((p, line))
            except (OSError, UnicodeDecodeError):
                pass
    return out


def is_ignored(path: str, patterns: list[tuple[str, str]]) -> bool:
    """Whether one of the (root, pattern) pairs of :func:`ignore_patterns` leaves ``path`` out."""
    name = os.path.basename(path)
    for root, pat in patterns:
        if root:
            rel = os.path.relpath(path, root)
            if rel.startswith(".."):
                continue
        else:
            rel = path
        if fnmatch.fnmatch(name, pat) or fnmatch.fnmatch(rel, pat):
            return True
    return False


def _name_ok(path: str) -> bool:
    try:
        os.fsencode(path).decode("utf-8")
    except (UnicodeDecodeError, UnicodeEncodeError):
        return False
    return True


def _skip_in_walk(name: str) -> bool:
    return name.startswith(".") or name == "__pycache__"


def iter_files(
    paths: Sequence[str | os.PathLike], globs: Sequence[str] | None = None
) -> Iterator[tuple[str, Skip | None]]:
    """Yield ``(path, skip_reason_or_None)`` for the files to read.

    Folders are walked recursively in sorted order, following symlinks but never twice into the same folder
    (a link back to an ancestor yields "symlink loop"). Hidden entries (".git", ".notes.txt") and "__pycache__"
    are not walked. In folders, files are kept when their name matches one of ``globs`` (fnmatch, case-insensitive;
    default: ``default_globs()``); files named explicitly are always yielded. A path is yielded at most once.
    """
    patterns = [g.lower() for g in (default_globs() if globs is None else globs)]
    visited_dirs: set[tuple[int, int]] = set()
    seen_files: set[str] = set()

    # all the patterns as one compiled regex: what fnmatch.fnmatchcase does per pattern, in one match
    name_re = re.compile("|".join(f"(?:{fnmatch.translate(pat)})" for pat in patterns)) if patterns else None

    def matches(name: str) -> bool:
        return name_re is not None and name_re.match(name.lower()) is not None

    folders = FolderPaths()

    def file_item(path: str, reason: Skip | None) -> Iterator[tuple[str, Skip | None]]:
        key = folders.absolute(path)  # normalized, as abspath is
        if key in seen_files:
            return
        seen_files.add(key)
        if reason is None and not _name_ok(path):
            reason = SKIP_BAD_NAME
        yield path, reason

    def walk(top: str, top_key: tuple[int, int]) -> Iterator[tuple[str, Skip | None]]:
        visited_dirs.add(top_key)
        # stack of (remaining entries, reversed; directory path; keys of the directory and its ancestors)
        stack: list[tuple[list[os.DirEntry], str, frozenset[tuple[int, int]]]] = []

        def listing(d: str) -> list[os.DirEntry] | Skip:
            try:
                with os.scandir(d) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                return os_error_reason(d, exc)
            return entries[::-1]

        first = listing(top)
        if isinstance(first, Skip):
            yield top, first
            return
        stack.append((first, top, frozenset([top_key])))
        while stack:
            entries, d, ancestors = stack[-1]
            if not entries:
                stack.pop()
                continue
            entry = entries.pop()
            name = entry.name
            if _skip_in_walk(name):
                continue
            path = entry.path
            try:
                if not entry.is_symlink():
                    # the common case: the directory listing already says what it is, no stat needed
                    if not entry.is_dir():
                        if matches(name):
                            yield from file_item(path, None if entry.is_file() else SKIP_NOT_REGULAR)
                        continue
                    st = entry.stat()
                else:
                    st = os.stat(path)  # follow the link
            except OSError as exc:
                reason = os_error_reason(path, exc)
                if reason == SKIP_SYMLINK_LOOP or matches(name):
                    yield from file_item(path, reason)
                continue
            if stat.S_ISDIR(st.st_mode):
                key = (st.st_dev, st.st_ino)
                if key in ancestors:
                    yield path, SKIP_SYMLINK_LOOP
                    continue
                if key in visited_dirs:
                    yield path, SKIP_DIR_WALKED
                    continue
                visited_dirs.add(key)
                sub = listing(path)
                if isinstance(sub, Skip):
                    yield path, sub
                    continue
                stack.append((sub, path, ancestors | {key}))
            elif matches(name):
                yield from file_item(path, None if stat.S_ISREG(st.st_mode) else SKIP_NOT_REGULAR)

    for arg in paths:
        p = as_str(arg)
        try:
            st = os.stat(p)
        except OSError as exc:
            yield from file_item(p, os_error_reason(p, exc))
            continue
        except ValueError:
            yield from file_item(p, SKIP_NOT_FOUND)
            continue
        if stat.S_ISDIR(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if key not in visited_dirs:
                yield from walk(p, key)
        elif stat.S_ISREG(st.st_mode):
            yield from file_item(p, None)
        else:
            yield from file_item(p, SKIP_NOT_REGULAR)
