"""Files -> text: one module per format, one table of formats, and the listing of the files a scan reads.

- ``registry``: :data:`FORMATS` (name, file patterns, optional libraries, extract function) and the entry points
  ``read_file(path)`` and ``read_bytes(name, data)``, which give the same :class:`ReadResult` for the same content.
- ``text``: plain text and the Vietnamese legacy encodings (TCVN3/ABC, VNI, Windows-1258), ``decode_bytes``.
- ``docx``, ``pdf``, ``html``, ``doc``: Word, PDF, web pages, legacy Word and RTF (the ``office`` extra).
- ``common``: the result types, skip reasons and errors, and the line clean-up the extracted formats share.
- ``listing``: the folder walk, file name patterns and ignore rules (``list_files``, ``iter_files``).

Modules import only their siblings, never this package, so importing any one of them works on its own.
"""

from __future__ import annotations

from .common import BinaryFileError, Extracted, OfficeError, ReaderError, ReadResult, UndecodableError
from .listing import IGNORE_FILE, ignore_patterns, is_ignored, iter_files, list_files
from .registry import (FORMATS, OFFICE_GLOBS, TEXT_GLOBS, Format, available, default_globs, kind_of, office_globs,
                       read_bytes, read_file)
from .text import decode_bytes, decode_tcvn3, decode_vni

__all__ = [
    # reading: one file, or the content of one
    "read_file", "read_bytes", "ReadResult", "ReaderError", "BinaryFileError", "UndecodableError", "OfficeError",
    "Extracted", "decode_bytes", "decode_tcvn3", "decode_vni",
    # the formats
    "Format", "FORMATS", "TEXT_GLOBS", "OFFICE_GLOBS", "DEFAULT_GLOBS", "default_globs", "office_globs", "available",
    "kind_of",
    # the files a scan reads
    "IGNORE_FILE", "list_files", "iter_files", "ignore_patterns", "is_ignored",
]


def __getattr__(name: str):
    # DEFAULT_GLOBS follows the installed extras (PEP 562), so it is computed when asked for
    if name == "DEFAULT_GLOBS":
        return default_globs()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
