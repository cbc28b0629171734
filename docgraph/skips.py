"""Why a file was not indexed: a code that decides (is it a failure? is it a file at all?) and the text shown.

A :class:`Skip` is the text itself (a ``str``: what ``extract`` prints and the index stores, unchanged) carrying its
:class:`SkipCode`. Callers decide on ``skip.code``, never on words of the text.
"""

from __future__ import annotations

import enum


class SkipCode(enum.Enum):
    NOT_FOUND = "not_found"
    BROKEN_SYMLINK = "broken_symlink"
    SYMLINK_LOOP = "symlink_loop"
    NOT_REGULAR = "not_regular"  # a FIFO, socket, device or folder where a file was expected
    DIR_WALKED = "dir_walked"  # a folder reached a second time through a link: not a file, not reported
    PERMISSION = "permission"
    BAD_NAME = "bad_name"  # a file name that is not valid UTF-8
    BINARY = "binary"
    UNDECODABLE = "undecodable"
    TOO_LARGE = "too_large"  # also a Word file unpacking past --max-unpacked, a page nested past --max-depth
    READ_ERROR = "read_error"
    UNREADABLE = "unreadable"  # any other reason the bytes could not be read
    TIME_LIMIT = "time_limit"  # reading or matching took longer than the per-file limit
    NEEDS_EXTRA = "needs_extra"  # an office file without the office extra installed
    NEEDS_OCR = "needs_ocr"  # a PDF without a text layer
    LEGACY_DOC = "legacy_doc"  # a .doc without a converter installed
    ENCRYPTED = "encrypted"
    BAD_FORMAT = "bad_format"  # a damaged or mislabelled office file
    OWN_EXPORT = "own_export"  # docgraph's own HTML export

    @property
    def benign(self) -> bool:
        """Not a failure: the file is readable in principle but holds no text to index (exit code stays 0)."""
        return self in _BENIGN

    @property
    def not_a_file(self) -> bool:
        """Not a file of the folder at all: neither counted nor reported."""
        return self is SkipCode.DIR_WALKED


_BENIGN = frozenset({SkipCode.BINARY, SkipCode.NOT_REGULAR, SkipCode.SYMLINK_LOOP, SkipCode.BROKEN_SYMLINK,
                     SkipCode.TIME_LIMIT, SkipCode.NEEDS_OCR, SkipCode.OWN_EXPORT})


class Skip(str):
    """A skip reason: the text as shown and stored, with its ``code``."""

    code: SkipCode

    def __new__(cls, text: str, code: SkipCode) -> Skip:
        self = super().__new__(cls, text)
        self.code = code
        return self

    def __reduce__(self):  # crosses the worker processes' boundary with its code
        return Skip, (str(self), self.code)

    def __repr__(self) -> str:
        return f"Skip({str(self)!r}, {self.code})"


def code_of(reason: str) -> SkipCode:
    """The code of a reason; a plain string (no code given) counts as unreadable."""
    return reason.code if isinstance(reason, Skip) else SkipCode.UNREADABLE
