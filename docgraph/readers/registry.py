"""The formats docgraph reads, in one table, and the entry points that read a file or its bytes.

``read_file(path)`` and ``read_bytes(name, data)`` never raise for I/O or decoding problems: they return a
:class:`ReadResult` whose ``skipped`` says why a file could not be used. ``read_bytes`` is ``read_file`` without the
disk: the same result for the same name and content (``mtime_ns`` is whatever the caller passes, 0 by default), so
extraction can run where the bytes are, not the file.

A file's format comes from its name's extension (:data:`FORMATS`); a name no format claims is read as text. The
extracted formats (Word, PDF, web pages, legacy Word) are sniffed from their bytes too, so a ``.doc`` that is really a
``.docx``, an HTML page or plain text is still read; their text is NFC, and a library failing on a hostile file
gives "<format> file could not be read (<exception>)". Without the ``office`` extra such a file is skipped with
"needs the office extra: pip install 'docgraph[office]'". The default file patterns (:func:`default_globs`) include
the formats whose libraries are installed.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from .. import limits as _limits
from . import doc, docx, html, pdf, text
from ..skips import Skip, SkipCode
from .common import (SKIP_NOT_FOUND, SKIP_NOT_REGULAR, Extracted, OfficeError, ReaderError, ReadResult, as_str,
                     installed, os_error_reason, too_large)

__all__ = ["Format", "FORMATS", "TEXT_GLOBS", "OFFICE_GLOBS", "EXTENSIONS", "kind_of", "available", "office_globs",
           "default_globs", "extract", "read_bytes", "read_file"]


@dataclass(frozen=True, slots=True)
class Format:
    name: str  # "text", "docx", "pdf", "html", "doc": also the kind in skip reasons
    globs: tuple[str, ...]  # the file names it reads by default (fnmatch, case-insensitive)
    modules: tuple[str, ...]  # import names of the optional libraries it needs (pip: python-docx, pypdfium2, ...)
    extract: Callable[[bytes], Extracted]


FORMATS: tuple[Format, ...] = (
    Format("text", ("*.txt", "*.md"), (), text.extract_text),
    Format("docx", ("*.docx",), ("docx",), docx.extract_docx),
    Format("pdf", ("*.pdf",), ("pypdfium2",), pdf.extract_pdf),
    Format("html", ("*.html", "*.htm"), ("selectolax",), html.extract_html),
    Format("doc", ("*.doc",), ("docx",), doc.extract_doc),  # converted to .docx
)
_BY_NAME = {f.name: f for f in FORMATS}
_OFFICE = tuple(f for f in FORMATS if f.name != "text")  # the extracted formats: sniffed, NFC, the office extra

TEXT_GLOBS: tuple[str, ...] = _BY_NAME["text"].globs
OFFICE_GLOBS: tuple[str, ...] = tuple(g for f in _OFFICE for g in f.globs)
EXTENSIONS: dict[str, str] = {g[1:]: f.name for f in _OFFICE for g in f.globs}  # ".docx" -> "docx"


def kind_of(path: str) -> str | None:
    """'docx', 'pdf', 'html', 'doc' or None, from the file name's extension (case-insensitive)."""
    if path.__class__ is str and path[path.rfind("."):].lower() not in EXTENSIONS:
        # splitext's extension is this same tail from the last dot, or none: no format either way (most files)
        return None
    return EXTENSIONS.get(os.path.splitext(path)[1].lower())


def available(kind: str | None = None) -> bool:
    """Whether the libraries for ``kind`` (or for every kind) are installed. Cheap: nothing is imported."""
    kinds = [_BY_NAME[kind]] if kind else list(_OFFICE)
    return all(installed(m) for f in kinds for m in f.modules)


def office_globs() -> tuple[str, ...]:
    """File name patterns of the kinds whose libraries are installed (all of them with ``docgraph[office]``)."""
    return tuple(g for f in _OFFICE if available(f.name) for g in f.globs)


def default_globs() -> tuple[str, ...]:
    """``*.txt`` and ``*.md``, plus the office kinds whose libraries are installed (all of them with
    ``docgraph[office]``). Checked on each call without importing the libraries."""
    return TEXT_GLOBS + office_globs()


def extract(path: str, data: bytes) -> Extracted:
    """Text of an office file from its bytes; ``path`` gives the kind (extension). Raises :class:`OfficeError`."""
    kind = _sniff(data, kind_of(path))
    if kind == "rtf":
        return doc.extract_doc(data, suffix=".rtf")
    fmt = _BY_NAME.get(kind) if kind != "text" else None
    if fmt is not None:
        return fmt.extract(data)
    plain, enc = text.decode_bytes(data)  # plain text saved under an office name
    return Extracted(unicodedata.normalize("NFC", plain), enc)


def _sniff(data: bytes, kind: str | None) -> str | None:
    head = data[:1024]
    if head.startswith(b"PK\x03\x04"):
        return "docx" if kind in ("docx", "doc") else kind
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: Word 97-2003
        return "doc" if kind in ("docx", "doc") else kind
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf" if kind in ("docx", "doc") else kind
    if head.startswith(b"%PDF-") or (kind == "pdf" and b"%PDF-" in head):  # some PDFs have bytes before
        return "pdf"
    if kind in ("doc", "docx") and re.match(rb"\s*(?:<!doctype|<html|<\?xml)", head.lstrip(b"\xef\xbb\xbf"), re.I):
        return "html"  # Word's "Save as web page" kept under .doc
    if kind == "pdf":
        raise OfficeError("not a PDF file (no %PDF header)")
    if kind == "doc":
        return "text"
    return kind


def read_bytes(name: str | os.PathLike, data: bytes, mtime_ns: int = 0,
               limits: _limits.Limits | None = None) -> ReadResult:
    """Decode the content ``data`` of a file called ``name`` (its extension picks the format). Never raises for
    decoding problems (see ``ReadResult.skipped``). ``limits`` (default: those in force, see ``docgraph.limits``):
    the time, unpacked size and nesting depth a file may take; a file over one is skipped with the reason."""
    if limits is not None:
        with _limits.applied(limits):
            return read_bytes(name, data, mtime_ns)
    return _read_bytes(as_str(name), bytes(data), mtime_ns)


def _read_bytes(p: str, data: bytes, mtime_ns: int) -> ReadResult:
    """``read_bytes`` of a name already a ``str`` and content already ``bytes``, under the limits in force."""
    sha = hashlib.sha256(data).hexdigest()
    kind = kind_of(p)
    if kind is None:
        try:
            plain, encoding = text.decode_bytes(data)
        except ReaderError as exc:
            return ReadResult(p, None, None, exc.skip, len(data), mtime_ns, sha)
        return ReadResult(p, plain, encoding, None, len(data), mtime_ns, sha)
    try:
        ex = extract(p, data)
    except (ReaderError, _limits.TimeLimitExceeded) as exc:
        return ReadResult(p, None, None, exc.skip, len(data), mtime_ns, sha)
    except Exception as exc:  # noqa: BLE001 - a library failing on a hostile file
        return ReadResult(p, None, None, Skip(f"{kind} file could not be read ({type(exc).__name__})",
                                              SkipCode.UNREADABLE), len(data), mtime_ns, sha)
    return ReadResult(p, ex.text, ex.encoding, None, len(data), mtime_ns, sha, ex.locations)


def _read_all(fd: int, size: int, most: int | None = None) -> bytes:
    """The bytes of an open file up to its end, or its first ``most`` bytes (what a buffered ``read()`` or
    ``read(most)`` gives), in one ``os.read`` when ``size`` (its size by ``fstat``) is right: no file object."""
    want = size + 1 if most is None else min(size + 1, most)  # one byte over the size: the end is seen at once
    data = os.read(fd, want)
    if len(data) == size < want or len(data) == most:
        return data
    # a short read (Linux reads at most 2 GiB at a time), a file that grew since fstat or says size 0 (/proc)
    parts = [data]
    got = len(data)
    while most is None or got < most:
        more = os.read(fd, 1 << 20 if most is None else min(1 << 20, most - got))
        if not more:
            break
        parts.append(more)
        got += len(more)
    return b"".join(parts)


# a FIFO opened without blocking (then turned away as not a regular file), no descriptor left to a child process
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def read_file(path: str | os.PathLike, max_bytes: int | None = None,
              limits: _limits.Limits | None = None) -> ReadResult:
    """Read and decode one file. Never raises for I/O or decoding problems (see ``ReadResult.skipped``).

    FIFOs, sockets, devices and folders are reported as "not a regular file" without being read (a FIFO is opened
    non-blocking). ``max_bytes``: larger files are skipped unread. ``limits``: as for :func:`read_bytes`.
    """
    if limits is not None:
        with _limits.applied(limits):
            return read_file(path, max_bytes)
    p = path if path.__class__ is str else as_str(path)

    def skip(reason: Skip, size: int = 0, mtime_ns: int = 0) -> ReadResult:
        return ReadResult(p, None, None, reason, size, mtime_ns, None)

    try:
        st = os.stat(p)
    except OSError as exc:
        return skip(os_error_reason(p, exc))
    except ValueError:  # embedded NUL in the path
        return skip(SKIP_NOT_FOUND)
    if not stat.S_ISREG(st.st_mode):
        return skip(SKIP_NOT_REGULAR, st.st_size, st.st_mtime_ns)
    if max_bytes is not None and st.st_size > max_bytes:
        return skip(too_large(f"{st.st_size} bytes > {max_bytes}"), st.st_size, st.st_mtime_ns)
    try:
        fd = os.open(p, _OPEN_FLAGS)
    except OSError as exc:
        return skip(os_error_reason(p, exc), st.st_size, st.st_mtime_ns)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # replaced between stat and open
            return skip(SKIP_NOT_REGULAR, st.st_size, st.st_mtime_ns)
        data = _read_all(fd, st.st_size, None if max_bytes is None else max_bytes + 1)
    except OSError as exc:
        return skip(os_error_reason(p, exc), st.st_size, st.st_mtime_ns)
    except MemoryError:
        return skip(too_large("out of memory"), st.st_size, st.st_mtime_ns)
    finally:
        os.close(fd)
    if max_bytes is not None and len(data) > max_bytes:
        return skip(too_large(f"more than {max_bytes} bytes"), len(data), st.st_mtime_ns)
    return _read_bytes(p, data, st.st_mtime_ns)
