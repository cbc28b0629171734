"""Where every export format writes: stdout, one file, or the files of a folder, never half-written.

A file is written to a temporary file next to it and renamed over it (``os.replace``); a folder format's files are
all written to their temporary files first and renamed only once every one is complete, so an error (a full disk)
leaves the previous export (or nothing) in place, and no temporary file; should a rename fail midway, the files
already renamed are put back. OSError becomes :class:`ExportError`.

Only regular files are replaced: a FIFO, a device node, a socket or a symbolic link where an export file should go is
refused (as root, ``-o /dev/null`` would otherwise replace the system's), and a link is never followed to somewhere
else. A folder given for a folder format may itself be a link to a folder.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Union

from .registry import ExportError
from ..i18n import _

# a file's content: its text, its bytes, or its lines as they are produced (written as they come)
Content = Union[str, bytes, Iterable[str]]


def _umask() -> int:
    m = os.umask(0o022)
    os.umask(m)
    return m


def check_target(path: str) -> None:
    """ExportError unless ``path`` is missing or a regular file (never a link, a FIFO, a device or a socket)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as e:
        raise ExportError(_("cannot write {path!r}: {error}").format(path=path, error=e.strerror or e)) from None
    if stat.S_ISLNK(st.st_mode):
        raise ExportError(_("{path!r} is a symbolic link: refusing to replace it (give the path of a regular file)")
                          .format(path=path))
    if stat.S_ISDIR(st.st_mode):
        raise ExportError(_("{path!r} is a directory: give a file path").format(path=path))
    if not stat.S_ISREG(st.st_mode):
        raise ExportError(_("{path!r} is not a regular file (a FIFO, a device or a socket): refusing to write to it")
                          .format(path=path))


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


@contextmanager
def _atomic_targets(paths: list[str]) -> Iterator[list[str]]:
    """Yield one temp path next to each of ``paths``; on success all of them replace their paths, else none does
    and the temp files are removed."""
    for path in paths:
        check_target(path)
    done: list[tuple[str, str]] = []
    try:
        for path in paths:
            d = os.path.dirname(os.path.abspath(path))
            fd, tmp = tempfile.mkstemp(dir=d, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
            os.close(fd)
            done.append((tmp, path))
        yield [tmp for tmp, _ in done]
        mode = 0o666 & ~_umask()
        for tmp, _ in done:
            os.chmod(tmp, mode)
        for path in paths:  # again: a special file may have taken a name while the export was being written
            check_target(path)
        _replace_all(done)
    except BaseException:
        for tmp, _ in done:
            _remove(tmp)
        raise


def _replace_all(pairs: list[tuple[str, str]]) -> None:
    """Rename each temp file over its path, all or none: with more than one file, the old ones are kept under a
    second name (a hard link: no copy) until every rename has succeeded, and put back if one fails."""
    if len(pairs) == 1:
        os.replace(*pairs[0])
        return
    backups: list[tuple[str, str]] = []  # (backup, path)
    renamed: list[str] = []
    try:
        for _, path in pairs:
            if os.path.lexists(path):
                backup = f"{path}.{os.getpid()}.old"
                _remove(backup)
                os.link(path, backup)
                backups.append((backup, path))
        for tmp, path in pairs:
            os.replace(tmp, path)
            renamed.append(path)
    except BaseException:
        restored = {path for _, path in backups}
        for backup, path in backups:
            if path in renamed:
                try:
                    os.replace(backup, path)
                except OSError:
                    pass
        for path in renamed:
            if path not in restored:
                _remove(path)  # a file that did not exist before this export
        for backup, _ in backups:
            _remove(backup)
        raise
    for backup, _ in backups:
        _remove(backup)


def _write(tmp: str, data: Content) -> None:
    if isinstance(data, (str, bytes)):
        with open(tmp, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        return
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.writelines(data)
        f.flush()
        os.fsync(f.fileno())


def to_stdout(data: str | bytes) -> None:
    if isinstance(data, bytes):
        buf = getattr(sys.stdout, "buffer", None)
        if buf is not None:
            sys.stdout.flush()
            buf.write(data)
            buf.flush()
            return
        data = data.decode("utf-8")
    sys.stdout.write(data)
    sys.stdout.flush()


def is_stdout(out: str | os.PathLike | None) -> bool:
    return out is None or (isinstance(out, str) and out == "-")


def write_file(out: str | os.PathLike | None, data: str | bytes, fmt: str) -> None:
    """``data`` to stdout (``out`` None or "-") or atomically to the file ``out`` (its folder made if missing)."""
    if is_stdout(out):
        to_stdout(data)
        return
    path = os.fspath(out)
    if os.path.isdir(path) and not os.path.islink(path):
        raise ExportError(_("{format} export needs a file path, but {path!r} is a directory").format(format=fmt, path=path))
    try:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with _atomic_targets([path]) as (tmp,):
            _write(tmp, data)
    except OSError as e:
        raise ExportError(_("cannot write {path!r}: {error}").format(path=path, error=e.strerror or e)) from e


def folder_path(out: str | os.PathLike | None, fmt: str) -> str:
    """The folder a folder format writes into; ExportError for stdout or an existing file."""
    if is_stdout(out):
        raise ExportError(_("{format} export writes several files: give a directory, not stdout").format(format=fmt))
    d = os.fspath(out)
    if os.path.exists(d) and not os.path.isdir(d):
        raise ExportError(_("{format} export needs a directory, but {path!r} is not one").format(format=fmt, path=d))
    return d


def write_folder(d: str, files: Mapping[str, Content], fmt: str) -> None:
    """The files of one export into the folder ``d`` (made if missing), renamed into place together."""
    try:
        os.makedirs(d, exist_ok=True)
        names = list(files)
        with _atomic_targets([os.path.join(d, name) for name in names]) as tmps:
            for name, tmp in zip(names, tmps):
                _write(tmp, files[name])
    except OSError as e:
        raise ExportError(_("cannot write {format} export to {path!r}: {error}").format(
            format=fmt, path=d, error=e.strerror or e)) from e
