"""What the format readers share: the result types, the skip reasons and errors, the check for optional libraries,
and the line clean-up and table order of the extracted formats (Word, PDF, web pages).

Every reason to skip a file is a :class:`ReaderError` whose message is the skip reason.
"""

from __future__ import annotations

import errno
import importlib
import importlib.util
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import yaml

from ..errors import BadInput
from ..skips import Skip, SkipCode

__all__ = [
    "ReadResult",
    "Extracted",
    "ReaderError",
    "BinaryFileError",
    "UndecodableError",
    "OfficeError",
    "installed",
    "require",
]

# Skip reasons (``ReadResult.skipped`` and the second item yielded by ``listing.iter_files``).
# A reason is a Skip: the text shown and stored, with the code callers decide on (see docgraph.skips).
SKIP_NOT_FOUND = Skip("not found", SkipCode.NOT_FOUND)
SKIP_BROKEN_SYMLINK = Skip("broken symlink", SkipCode.BROKEN_SYMLINK)
SKIP_SYMLINK_LOOP = Skip("symlink loop", SkipCode.SYMLINK_LOOP)
SKIP_NOT_REGULAR = Skip("not a regular file", SkipCode.NOT_REGULAR)
SKIP_PERMISSION = Skip("permission denied", SkipCode.PERMISSION)
SKIP_BAD_NAME = Skip("file name is not valid UTF-8", SkipCode.BAD_NAME)
SKIP_DIR_WALKED = Skip("folder already walked", SkipCode.DIR_WALKED)
SKIP_BINARY_NUL = Skip("binary file (NUL bytes)", SkipCode.BINARY)
SKIP_BINARY_CONTROL = Skip("binary file (control characters)", SkipCode.BINARY)
SKIP_UNDECODABLE = Skip("encoding not recognised", SkipCode.UNDECODABLE)
SKIP_TOO_LARGE = "file too large"  # followed by " (N bytes > MAX)": see too_large()
SKIP_READ_ERROR = "read error"  # followed by ": strerror"
SKIP_NEEDS_EXTRA = Skip("needs the office extra: pip install 'docgraph[office]'", SkipCode.NEEDS_EXTRA)
SKIP_NEEDS_OCR = Skip("no text layer: needs OCR", SkipCode.NEEDS_OCR)
SKIP_LEGACY_DOC = Skip("legacy .doc: install LibreOffice or antiword to read it", SkipCode.LEGACY_DOC)
SKIP_ENCRYPTED = Skip("encrypted PDF: needs a password", SkipCode.ENCRYPTED)
SKIP_OWN_EXPORT = Skip("docgraph's own HTML export, not a document", SkipCode.OWN_EXPORT)


def too_large(detail: str) -> Skip:
    """"file too large (DETAIL)"."""
    return Skip(f"{SKIP_TOO_LARGE} ({detail})", SkipCode.TOO_LARGE)


class ReaderError(BadInput):
    """Bytes that cannot be turned into text; ``str(exc)`` is the skip reason, :attr:`skip` the reason with its
    code (the one given, or the class's ``code``). Extraction turns it into a skip; elsewhere it is bad input (exit
    code 1) of the family in :mod:`docgraph.errors`."""

    code = SkipCode.UNREADABLE

    @property
    def skip(self) -> Skip:
        given = self.args[0] if self.args else None
        return given if isinstance(given, Skip) else Skip(str(self), self.code)


class BinaryFileError(ReaderError):
    """NUL bytes or a high share of control characters."""

    code = SkipCode.BINARY


class UndecodableError(ReaderError):
    """No encoding could be recognised with confidence."""

    code = SkipCode.UNDECODABLE


class OfficeError(ReaderError):
    """A Word, PDF or HTML file that yields no text; ``str(exc)`` is the skip reason (a damaged file, unless the
    reason given has its own code)."""

    code = SkipCode.BAD_FORMAT


@dataclass(frozen=True, slots=True)
class ReadResult:
    path: str  # as given
    text: str | None  # decoded text (NFC only for legacy encodings), None when skipped
    encoding: str | None  # "utf-8", "utf-8-sig", "utf-16-le", "tcvn3", "vni", "windows-1258", ...
    skipped: Skip | None  # reason the file is not usable, None when text is set
    size: int  # bytes
    mtime_ns: int
    sha256: str | None  # hex digest of the raw bytes, None when they could not be read
    # office files: one label per line of ``text`` ("p.2" for a PDF page, "¶14" for a Word paragraph, "fn.1" for a
    # footnote, "" where none applies); None for text files and web pages
    locations: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Extracted:
    """What a format's extract function returns for the bytes of one file."""

    text: str
    encoding: str  # "utf-8", "tcvn3", "docx", "pdf", "html/utf-8", "doc/soffice", "doc/antiword"
    locations: tuple[str, ...] | None = None  # one label per line of ``text`` ("p.2", "¶14", "fn.1")


# --------------------------------------------------------------------------------------------------------------
# Optional libraries (the ``office`` extra).


def installed(name: str) -> bool:
    """Whether the module ``name`` can be imported. Cheap: nothing is imported."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # a parent package that fails, or sys.modules[name] = None
        return False


def require(name: str):
    """The module ``name``; without it, :class:`OfficeError` with :data:`SKIP_NEEDS_EXTRA`."""
    try:
        return importlib.import_module(name)
    except ImportError:
        raise OfficeError(SKIP_NEEDS_EXTRA) from None


# --------------------------------------------------------------------------------------------------------------
# File system errors (read_file and the folder walk).


def as_str(path: str | os.PathLike) -> str:
    p = os.fspath(path)
    return os.fsdecode(p) if isinstance(p, bytes) else p


def os_error_reason(path: str, exc: OSError) -> Skip:
    if exc.errno == errno.ELOOP:
        return SKIP_SYMLINK_LOOP
    if isinstance(exc, FileNotFoundError):
        return SKIP_BROKEN_SYMLINK if os.path.islink(path) else SKIP_NOT_FOUND
    if isinstance(exc, PermissionError):
        return SKIP_PERMISSION
    if isinstance(exc, IsADirectoryError) or exc.errno == errno.ENXIO:  # ENXIO: a socket / device without reader
        return SKIP_NOT_REGULAR
    return Skip(f"{SKIP_READ_ERROR}: {exc.strerror or exc}", SkipCode.READ_ERROR)


# --------------------------------------------------------------------------------------------------------------
# Lines: shared by the extracted formats.


_WS = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_SPACE_BEFORE_MARK = re.compile(r"[ \u00a0]+(?=[\u0300-\u036f])")


def clean_line(s: str) -> str:
    s = _SPACE_BEFORE_MARK.sub("", s)
    return unicodedata.normalize("NFC", _WS.sub(" ", s).strip())


def finish(lines: list[tuple[str, str | None]], encoding: str, with_locations: bool = True,
           blank_lines: bool = True) -> Extracted:
    """Clean lines, squeeze runs of blank lines to one (or drop them all), drop leading and trailing blanks."""
    out: list[str] = []
    locs: list[str] = []
    for text, loc in lines:
        for part in text.split("\n"):
            part = clean_line(part)
            if not part and (not blank_lines or not out or not out[-1]):
                continue
            out.append(part)
            locs.append(loc or "")
    while out and not out[-1]:
        out.pop()
        locs.pop()
    return Extracted("\n".join(out) + ("\n" if out else ""), encoding, tuple(locs) if with_locations else None)


@lru_cache(maxsize=1)
def layout() -> dict:
    """The phrases of ``rules/readers/layout.yaml``, compiled: ``layout_table`` (motto, number_line, recipients)
    and ``header_band_joins`` (pairs of patterns)."""
    from ..rules import builtin_rules_dir

    with open(builtin_rules_dir() / "readers" / "layout.yaml", encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return {
        "layout_table": {k: re.compile(v) for k, v in data["layout_table"].items()},
        "header_band_joins": tuple((re.compile(a), re.compile(b)) for a, b in data["header_band_joins"]),
    }


def _layout_table(cells: list[list[list[str]]]) -> bool:
    """A table used for page layout (a header or a signature block) rather than for data."""
    ncols = max((len(r) for r in cells), default=0)
    if not 2 <= ncols <= 3 or len(cells) > 6:
        return False
    marks = layout()["layout_table"]
    motto, number_line, recipients = marks["motto"], marks["number_line"], marks["recipients"]
    lines = [x for row in cells for cell in row for x in cell]
    return any(motto.search(x) or number_line.match(x) or recipients.match(x) for x in lines)


def table_order(cells: list[list[list[tuple[str, str | None]]]]) -> list[tuple[str, str | None]]:
    """Header and signature tables column by column; data tables row by row, cell by cell."""
    plain = [[[t for t, _ in cell] for cell in row] for row in cells]
    out: list[tuple[str, str | None]] = []
    if _layout_table(plain):
        ncols = max(len(r) for r in cells)
        for c in range(ncols):
            for row in cells:
                if c < len(row):
                    out.extend(x for x in row[c] if x[0].strip())
        out.append(("", None))
    else:
        for row in cells:
            for cell in row:
                out.extend(cell)
        out.append(("", None))
    return out
