"""Where every export format writes: stdout, one file, or the files of a folder, never half-written.

A file is written to a temporary file next to it and renamed over it (``os.replace``); a folder format's files are
all written to their temporary files first and renamed only once every one is complete, so an error leaves the
previous export (or nothing) in place, and no temporary file. OSError becomes :class:`ExportError`.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Union

from .registry import ExportError

# a file's content: its text, its bytes, or its lines as they are produced (written as they come)
Content = Union[str, bytes, Iterable[str]]


def _umask() -> int:
    m = os.umask(0o022)
    os.umask(m)
    return m


@contextmanager
def _atomic_targets(paths: list[str]) -> Iterator[list[str]]:
    """Yield one temp path next to each of ``paths``; on success each replaces its path, else all are removed."""
    done: list[tuple[str, str]] = []
    try:
        for path in paths:
            d = os.path.dirname(os.path.abspath(path))
            fd, tmp = tempfile.mkstemp(dir=d, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
            os.close(fd)
            done.append((tmp, path))
        yield [tmp for tmp, _ in done]
        mode = 0o666 & ~_umask()
        for tmp, path in done:
            os.chmod(tmp, mode)
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in done:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        raise


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
    if os.path.isdir(path):
        raise ExportError(f"{fmt} export needs a file path, but {path!r} is a directory")
    try:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with _atomic_targets([path]) as (tmp,):
            _write(tmp, data)
    except OSError as e:
        raise ExportError(f"cannot write {path!r}: {e}") from e


def folder_path(out: str | os.PathLike | None, fmt: str) -> str:
    """The folder a folder format writes into; ExportError for stdout or an existing file."""
    if is_stdout(out):
        raise ExportError(f"{fmt} export writes several files: give a directory, not stdout")
    d = os.fspath(out)
    if os.path.exists(d) and not os.path.isdir(d):
        raise ExportError(f"{fmt} export needs a directory, but {d!r} is a file")
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
        raise ExportError(f"cannot write {fmt} export to {d!r}: {e}") from e
