"""Bytes on disk -> decoded text.

``read_file(path)`` never raises for I/O or decoding problems: it returns a :class:`ReadResult` whose ``skipped`` says
why a file could not be used. ``iter_files(paths)`` walks the folders given on the command line.

Decoding order (``decode_bytes``):

1. BOM: UTF-8 (``utf-8-sig``), UTF-32 LE/BE, UTF-16 LE/BE.
2. NUL bytes -> binary, unless the data is BOM-less UTF-16 (NULs only in the high byte of the code units) or they
   are at most 1% of the bytes (PDF conversions leave stray NULs where check boxes were; they are kept in the text).
3. Strict UTF-8 (the common case: one decode, no detector).
4. UTF-8 with a few invalid bytes among many valid multi-byte sequences (a truncated file, one stray byte):
   decoded with U+FFFD replacements, encoding ``utf-8-lossy``.
5. Vietnamese legacy encodings, chosen by scoring a sample decoded with each: TCVN3 (ABC), VNI (VNI-Windows) and
   Windows-1258. The score counts words that contain a non-ASCII letter and are (not) valid Vietnamese syllables.
6. charset-normalizer, only when its answer is unambiguous; otherwise "encoding not recognised".

Word, PDF and web pages (``.docx``, ``.pdf``, ``.html``/``.htm``, legacy ``.doc``) are handed to ``office.py`` by
extension; their text is NFC and, for Word and PDF, ``ReadResult.locations`` labels every line with its page or
paragraph. Without the ``office`` extra such a file is skipped with "needs the office extra: pip install
'docgraph[office]'". The default file patterns (``default_globs()``) include the office kinds whose libraries are
installed.

Text policy: the decoded text keeps its characters (mention offsets index it) -- UTF-8 in NFD stays NFD. The one
exception is the legacy encodings, whose decoding is a conversion anyway: their text is returned in NFC. Control
characters are kept (normalize.py handles them) unless they are so frequent that the file is taken for binary.
"""

from __future__ import annotations

import codecs
import errno
import fnmatch
import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

__all__ = [
    "ReadResult",
    "ReaderError",
    "BinaryFileError",
    "UndecodableError",
    "read_file",
    "decode_bytes",
    "decode_tcvn3",
    "decode_vni",
    "iter_files",
    "DEFAULT_GLOBS",
    "TEXT_GLOBS",
    "OFFICE_GLOBS",
    "default_globs",
]

TEXT_GLOBS: tuple[str, ...] = ("*.txt", "*.md")
OFFICE_GLOBS: tuple[str, ...] = ("*.docx", "*.pdf", "*.html", "*.htm", "*.doc")  # read by office.py
_OFFICE_EXTS = frozenset(g[1:] for g in OFFICE_GLOBS)


def default_globs() -> tuple[str, ...]:
    """``*.txt`` and ``*.md``, plus the office kinds whose libraries are installed (all of them with
    ``docgraph[office]``). Checked on each call without importing the libraries."""
    from .office import office_globs

    return TEXT_GLOBS + office_globs()


def __getattr__(name: str):
    # DEFAULT_GLOBS follows the installed extras (PEP 562), so it is computed when asked for
    if name == "DEFAULT_GLOBS":
        return default_globs()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Skip reasons (``ReadResult.skipped`` and the second item yielded by ``iter_files``).
SKIP_NOT_FOUND = "not found"
SKIP_BROKEN_SYMLINK = "broken symlink"
SKIP_SYMLINK_LOOP = "symlink loop"
SKIP_NOT_REGULAR = "not a regular file"
SKIP_PERMISSION = "permission denied"
SKIP_BAD_NAME = "file name is not valid UTF-8"
SKIP_DIR_WALKED = "folder already walked"
SKIP_BINARY_NUL = "binary file (NUL bytes)"
SKIP_BINARY_CONTROL = "binary file (control characters)"
SKIP_UNDECODABLE = "encoding not recognised"
SKIP_TOO_LARGE = "file too large"  # followed by " (N bytes > MAX)"
SKIP_READ_ERROR = "read error"  # followed by ": strerror"


class ReaderError(Exception):
    """Bytes that cannot be turned into text; ``str(exc)`` is the skip reason."""


class BinaryFileError(ReaderError):
    """NUL bytes or a high share of control characters."""


class UndecodableError(ReaderError):
    """No encoding could be recognised with confidence."""


@dataclass(frozen=True, slots=True)
class ReadResult:
    path: str  # as given
    text: str | None  # decoded text (NFC only for legacy encodings), None when skipped
    encoding: str | None  # "utf-8", "utf-8-sig", "utf-16-le", "tcvn3", "vni", "windows-1258", ...
    skipped: str | None  # reason the file is not usable, None when text is set
    size: int  # bytes
    mtime_ns: int
    sha256: str | None  # hex digest of the raw bytes, None when they could not be read
    # office files: one label per line of ``text`` ("p.2" for a PDF page, "¶14" for a Word paragraph, "fn.1" for a
    # footnote, "" where none applies); None for text files and web pages
    locations: tuple[str, ...] | None = None


# --------------------------------------------------------------------------------------------------------------
# Tables (data). Bytes 0x00-0x7F are ASCII in every legacy encoding handled here.

# cp1252 for 0x80-0x9F; the five bytes cp1252 leaves undefined map to the C1 control of the same value (as latin-1).
_CP1252_HIGH = (
    "\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f"
    "\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178"
)

# TCVN 5712:1993 VN3 ("TCVN3", the ABC fonts .VnTime ...): bytes 0xA0-0xFF. Lowercase letters all have a code; of
# the uppercase letters only Ă Â Ê Ô Ơ Ư Đ and sixteen toned ones fit in the gaps, the others were written with the
# lowercase codes in an uppercase font (.VnTimeH) -- see _tcvn3_fix_case. 0xB0-0xB4 are combining tone marks.
# 0x80-0x9F are read as cp1252 (smart quotes, dashes), which is what Windows text files written with ABC fonts hold.
TCVN3_TABLE: dict[int, str] = {
    0xA0: "\u00a0", 0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ", 0xAF: "Ằ",
    0xB0: "\u0300", 0xB1: "\u0309", 0xB2: "\u0303", 0xB3: "\u0301", 0xB4: "\u0323",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ", 0xBA: "Ẳ", 0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ",
    0xBE: "ắ", 0xBF: "Ẵ",
    0xC0: "Ắ", 0xC1: "Ầ", 0xC2: "Ẩ", 0xC3: "Ẫ", 0xC4: "Ấ", 0xC5: "Ề", 0xC6: "ặ", 0xC7: "ầ",
    0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ", 0xCC: "è", 0xCD: "Ể", 0xCE: "ẻ", 0xCF: "ẽ",
    0xD0: "é", 0xD1: "ẹ", 0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ", 0xD7: "ì",
    0xD8: "ỉ", 0xD9: "Ễ", 0xDA: "Ế", 0xDB: "Ồ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị", 0xDF: "ò",
    0xE0: "Ổ", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ", 0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ",
    0xE8: "ố", 0xE9: "ộ", 0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ", 0xEF: "ù",
    0xF0: "Ỗ", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ", 0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ",
    0xF8: "ứ", 0xF9: "ự", 0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ", 0xFF: "Ố",
}

# VNI-Windows (VNI-Times ... fonts): a base letter followed by a modifier byte, shown here as the cp1252 characters
# of the bytes. Lowercase only; the uppercase forms are the same strings upper-cased ("AÙ" -> "Á", "Ñ" -> "Đ").
VNI_TABLE: dict[str, str] = {
    # a, ă, â
    "aù": "á", "aø": "à", "aû": "ả", "aõ": "ã", "aï": "ạ",
    "aê": "ă", "aé": "ắ", "aè": "ằ", "aú": "ẳ", "aü": "ẵ", "aë": "ặ",
    "aâ": "â", "aá": "ấ", "aà": "ầ", "aå": "ẩ", "aã": "ẫ", "aä": "ậ",
    # e, ê
    "eù": "é", "eø": "è", "eû": "ẻ", "eõ": "ẽ", "eï": "ẹ",
    "eâ": "ê", "eá": "ế", "eà": "ề", "eå": "ể", "eã": "ễ", "eä": "ệ",
    # i (single bytes)
    "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị",
    # o, ô, ơ
    "où": "ó", "oø": "ò", "oû": "ỏ", "oõ": "õ", "oï": "ọ",
    "oâ": "ô", "oá": "ố", "oà": "ồ", "oå": "ổ", "oã": "ỗ", "oä": "ộ",
    "ô": "ơ", "ôù": "ớ", "ôø": "ờ", "ôû": "ở", "ôõ": "ỡ", "ôï": "ợ",
    # u, ư
    "uù": "ú", "uø": "ù", "uû": "ủ", "uõ": "ũ", "uï": "ụ",
    "ö": "ư", "öù": "ứ", "öø": "ừ", "öû": "ử", "öõ": "ữ", "öï": "ự",
    # y
    "yù": "ý", "yø": "ỳ", "yû": "ỷ", "yõ": "ỹ", "î": "ỵ",
    # đ
    "ñ": "đ",
}

# --------------------------------------------------------------------------------------------------------------
# Derived tables.

_TCVN3_DECODING = "".join(chr(i) for i in range(0x80)) + _CP1252_HIGH + "".join(
    TCVN3_TABLE[i] for i in range(0xA0, 0x100)
)
_CP1252_DECODING = "".join(chr(i) for i in range(0x80)) + _CP1252_HIGH + "".join(chr(i) for i in range(0xA0, 0x100))
_CP1258_DECODING = "".join(
    chr(i) if c == "\ufffd" else c for i, c in enumerate(bytes(range(256)).decode("cp1258", "replace"))
)


def _build_vni_map() -> dict[str, str]:
    out: dict[str, str] = {}
    for seq, char in VNI_TABLE.items():
        out[seq] = char
        out[seq.upper()] = char.upper()
        if len(seq) == 2:  # tolerate a modifier whose case differs from its base letter: the base decides
            out[seq[0] + seq[1].upper()] = char
            out[seq[0].upper() + seq[1]] = char.upper()
    return out


_VNI_MAP = _build_vni_map()
_VNI_RE = re.compile("|".join(re.escape(k) for k in sorted(_VNI_MAP, key=len, reverse=True)))

_TCVN3_UPPER = "".join(c for c in TCVN3_TABLE.values() if c.isupper())
_TCVN3_AMBIGUOUS = "".join(c for c in TCVN3_TABLE.values() if c.islower())  # may stand for an uppercase letter
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # grave, acute, tilde, hook above, dot below
# a letter with a tone mark: a word, not an acronym such as LĐTBXH
_TCVN3_TONED = re.compile(
    "[" + "".join(c for c in TCVN3_TABLE.values() if _TONE_MARKS & set(unicodedata.normalize("NFD", c))) + "]"
)
# a whole word of uppercase and TCVN3-ambiguous letters only, with at least one of the latter
_TCVN3_CASE_CANDIDATE = re.compile(
    rf"(?<![^\W\d_])[A-Z{_TCVN3_UPPER}{_TCVN3_AMBIGUOUS}]*[{_TCVN3_AMBIGUOUS}]"
    rf"[A-Z{_TCVN3_UPPER}{_TCVN3_AMBIGUOUS}]*(?![^\W\d_])"
)
_WORD_RE = re.compile(r"[^\W\d_]+")
_LETTER_RE = re.compile(r"[^\W\d_]")

# --------------------------------------------------------------------------------------------------------------
# Vietnamese syllable check (used to score legacy decodings).

_SYLLABLE_RE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x)?"
    r"(?:iêu|yêu|oai|oay|oao|oeo|uây|uôi|ươi|ươu|uya|uyê|uyu|uêu"
    r"|ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|oo|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ưu|ươ|yê"
    r"|a|ă|â|e|ê|i|o|ô|ơ|u|ư|y)"
    r"(?:ch|ng|nh|c|m|n|p|t)?"
)
_VIET_LETTERS = frozenset(
    unicodedata.normalize("NFC", base + tone)
    for base in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
    for tone in ("", *sorted(_TONE_MARKS))
) | frozenset("bcdđghklmnpqrstvxBCDĐGHKLMNPQRSTVXfjwzFJWZ")
# A token: a run of anything but white space, ASCII digits and punctuation, and the General Punctuation block
# (smart quotes, dashes, bullets). Latin-1 symbols stay inside tokens so mojibake such as "nh©n" counts as bad.
_TOKEN_RE = re.compile(r"[^\s!-@\[-`{-~\u2000-\u206f]+")
_SAMPLE_BYTES = 256 * 1024


def _token_score(tok: str, cache: dict[str, int]) -> int:
    """+1 for a valid Vietnamese syllable, -1 for garbage, 0 for abbreviations (NĐ, QĐ, TƯ) and single characters
    (a lone "à" or "Ổ" proves nothing)."""
    hit = cache.get(tok)
    if hit is not None:
        return hit
    t = unicodedata.normalize("NFC", tok)
    if len(t) == 1:
        score = 0
    elif any(unicodedata.combining(c) for c in t) or not all(c in _VIET_LETTERS for c in t):
        score = -1
    else:
        nfd = unicodedata.normalize("NFD", t.lower())
        tones = sum(1 for c in nfd if c in _TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONE_MARKS))
        if tones <= 1 and _SYLLABLE_RE.fullmatch(base):
            score = 1
        elif tones == 0 and t.isupper() and len(t) <= 8:
            score = 0
        else:
            score = -1
    cache[tok] = score
    return score


def _vietnamese_score(text: str) -> tuple[int, int]:
    """(good, bad): tokens with a non-ASCII character that are / are not Vietnamese syllables."""
    good = bad = 0
    cache: dict[str, int] = {}
    for tok in _TOKEN_RE.findall(text):
        if tok.isascii():
            continue
        s = _token_score(tok, cache)
        if s > 0:
            good += 1
        elif s < 0:
            bad += 1
    return good, bad


# --------------------------------------------------------------------------------------------------------------
# Legacy decoders.


def _tcvn3_fix_case(text: str) -> str:
    """Upper-case lowercase-coded letters in words that are otherwise upper case.

    TCVN3 has no code for most uppercase toned letters: "QUYẾT ĐỊNH" typed with Caps Lock comes out as "QUYÕT §ÞNH"
    (ế, ị lowercase). A word is upper-cased when its other letters are all uppercase and there are at least two of
    them ("QUYÕT", "§ÞNH"). A word with at most one other letter ("Hµ" in "Hµ NéI", "ë" in "VIÖC ë N¦íC") is
    upper-cased when the words right before and after it on its line (separated by spaces only) are uppercase words
    with a toned letter. "Uû ban", "Sè: 21/CT-TTg", "Së L§TBXH", "C«ng ty ABC ë TP" are left alone.
    """
    out: list[str] = []
    last = 0
    for m in _TCVN3_CASE_CANDIDATE.finditer(text):
        ws, we = m.span()
        word = m.group()
        caps, upper, other_lower = _caps_word(word)
        upgrade = caps
        if not caps and upper <= 1 and not other_lower:
            neighbours = [w for w in (_neighbour(text, ws, -1), _neighbour(text, we, 1)) if w is not None]
            upgrade = bool(neighbours) and all(_caps_word(w)[0] and _TCVN3_TONED.search(w) for w in neighbours)
        if upgrade:
            out.append(text[last:ws])
            out.append(word.upper())
            last = we
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def _neighbour(text: str, i: int, step: int) -> str | None:
    """The word right after index ``i`` (step 1) or before it (step -1), separated by spaces or tabs only."""
    j = i if step > 0 else i - 1
    if not 0 <= j < len(text) or text[j] not in " \t":
        return None
    while 0 <= j < len(text) and text[j] in " \t":
        j += step
    if not 0 <= j < len(text) or not _LETTER_RE.match(text, j):
        return None
    if step > 0:
        return _WORD_RE.match(text, j).group()  # type: ignore[union-attr]
    k = j
    while k > 0 and _LETTER_RE.match(text, k - 1):
        k -= 1
    return text[k : j + 1]


def _caps_word(word: str) -> tuple[bool, int, bool]:
    """(is an uppercase word, count of uppercase letters, has a lowercase letter that is not TCVN3-ambiguous)."""
    upper = sum(1 for c in word if c.isupper())
    other_lower = any(c.islower() and c not in _TCVN3_AMBIGUOUS for c in word)
    return (upper >= 2 and not other_lower), upper, other_lower


def decode_tcvn3(data: bytes, *, fix_case: bool = True) -> str:
    """TCVN3 (ABC) bytes -> NFC text. ``fix_case`` applies the uppercase-word heuristic of ``_tcvn3_fix_case``."""
    text = codecs.charmap_decode(data, "strict", _TCVN3_DECODING)[0]
    if fix_case:
        text = _tcvn3_fix_case(text)
    return unicodedata.normalize("NFC", text)


def decode_vni(data: bytes) -> str:
    """VNI-Windows bytes -> NFC text. Bytes that are not part of a VNI letter keep their cp1252 meaning."""
    text = codecs.charmap_decode(data, "strict", _CP1252_DECODING)[0]
    text = _VNI_RE.sub(lambda m: _VNI_MAP[m.group()], text)
    return unicodedata.normalize("NFC", text)


def _decode_cp1258(data: bytes) -> str:
    # Python's cp1258, its nine undefined bytes read as the C1 control of the same value (as latin-1 does)
    return unicodedata.normalize("NFC", codecs.charmap_decode(data, "strict", _CP1258_DECODING)[0])


_LEGACY: tuple[tuple[str, Callable[[bytes], str]], ...] = (  # this order breaks ties
    ("windows-1258", _decode_cp1258),
    ("tcvn3", lambda b: decode_tcvn3(b, fix_case=False)),
    ("vni", decode_vni),
)
# bytes where Windows-1258 differs from cp1252 by a Vietnamese letter or tone mark: Ă Đ Ơ Ư ă đ ơ ư, 5 tones
_CP1258_VIETNAMESE_BYTES = re.compile(b"[\xc3\xd0\xd5\xdd\xe3\xf0\xf5\xfd\xcc\xec\xd2\xde\xf2]")
_LEGACY_FULL: dict[str, Callable[[bytes], str]] = {
    "windows-1258": _decode_cp1258,
    "tcvn3": decode_tcvn3,
    "vni": decode_vni,
}


def _decode_legacy(data: bytes) -> tuple[str, str] | None:
    """Pick the Vietnamese legacy encoding whose decoding of a sample reads best as Vietnamese.

    Score = good - 2 * bad (see ``_vietnamese_score``). The winner needs two good syllables at least, a quarter of its
    non-ASCII words valid (noisy OCR text stays around 40 %, wrong decodings of real text far lower) and a clear lead
    over the plain cp1252 reading, so that French or Spanish text is not taken for Vietnamese.
    """
    sample = data[:_SAMPLE_BYTES]
    base_good, base_bad = _vietnamese_score(
        unicodedata.normalize("NFC", codecs.charmap_decode(sample, "strict", _CP1252_DECODING)[0])
    )
    base_net = base_good - 2 * base_bad
    best: tuple[int, int, str] | None = None  # (net score, -priority, name)
    for prio, (name, decoder) in enumerate(_LEGACY):
        if name == "windows-1258" and not _CP1258_VIETNAMESE_BYTES.search(sample):
            continue  # no ă ơ ư đ or tone byte: nothing tells it from cp1252 (left to the detector)
        good, bad = _vietnamese_score(decoder(sample))
        net = good - 2 * bad
        if good < 2 or good * 4 < good + bad or net - base_net < max(2, (good + bad) / 4):
            continue
        if best is None or (net, -prio) > best[:2]:
            best = (net, -prio, name)
    if best is None:
        return None
    return _LEGACY_FULL[best[2]](data), best[2]


# --------------------------------------------------------------------------------------------------------------
# Other decoding steps.

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
)
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_CONTROL_BYTES_RE = re.compile(b"[\x00-\x08\x0e-\x1f\x7f]")
_CONTROL_SAMPLE = 64 * 1024
_CONTROL_SHARE = 0.10


def _check_controls(text: str) -> None:
    sample = text[:_CONTROL_SAMPLE]
    if sample and len(_CONTROL_RE.findall(sample)) > _CONTROL_SHARE * len(sample):
        raise BinaryFileError(SKIP_BINARY_CONTROL)


def _decode_bom(data: bytes) -> tuple[str, str] | None:
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), name
            except UnicodeDecodeError:
                continue  # e.g. FF FE 00 00 that is not UTF-32: try UTF-16, then give up on BOMs
    return None


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without BOM: NULs only in the high byte of the code units, and in at least 70 % of them (Latin text,
    Vietnamese included, is mostly U+0000-U+00FF)."""
    n = len(data)
    if n < 4 or n % 2:
        return None
    for codec, high, low in (("utf-16-le", data[1::2], data[0::2]), ("utf-16-be", data[0::2], data[1::2])):
        if low.count(0) == 0 and high.count(0) * 10 >= len(high) * 7:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                return None
            _check_controls(text)
            return text, codec
    return None


def _lossy_utf8(data: bytes) -> tuple[str, str] | None:
    """UTF-8 with a handful of invalid bytes among many valid multi-byte characters."""
    text = data.decode("utf-8", "replace")
    errors = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", "ignore")) - errors
    if errors and non_ascii >= 5 * errors and errors * 100 <= len(text):
        return text, "utf-8-lossy"
    return None


def _detect_other(data: bytes) -> tuple[str, str] | None:
    """charset-normalizer, accepted only when it is unambiguous: every candidate about as good gives the same text,
    or one of them is cp1252 (Latin text that several code pages read alike; Windows' own is the likely one)."""
    try:
        import charset_normalizer
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    try:
        results = list(charset_normalizer.from_bytes(data))
    except Exception:  # noqa: BLE001 - a third-party detector must not make read_file raise
        return None
    if not results:
        return None
    best = min(results, key=lambda r: (r.chaos, -r.coherence))
    if best.chaos > 0.1 or best.coherence < 0.1:
        return None
    rivals = [r for r in results if r.chaos <= best.chaos + 0.01 and r.coherence >= best.coherence - 0.1]
    western = [r for r in rivals if "cp1252" in r.could_be_from_charset]
    if western:
        text, name = str(western[0]), "cp1252"
    elif len({str(r) for r in rivals}) == 1:
        text, name = str(best), best.encoding
    else:
        return None
    if name.replace("_", "").replace("-", "") in ("cp1258", "windows1258"):
        text = unicodedata.normalize("NFC", text)
        if any(unicodedata.combining(c) for c in text):  # tone marks left on consonants: not Vietnamese
            return None
    return text, name


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode raw bytes to ``(text, encoding)``.

    Raises :class:`BinaryFileError` (NUL bytes, control characters) or :class:`UndecodableError`.
    """
    data = bytes(data)
    if not data:
        return "", "utf-8"
    found = _decode_bom(data)
    if found is not None:
        _check_controls(found[0])
        return found
    nuls = data.count(0)
    if nuls:
        found = _bomless_utf16(data)
        if found is not None:
            return found
        if nuls * 100 > len(data):  # real text converted from PDF/Word may hold a few stray NULs
            raise BinaryFileError(SKIP_BINARY_NUL)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        _check_controls(text)
        return text, "utf-8"
    sample = data[:_CONTROL_SAMPLE]
    if len(_CONTROL_BYTES_RE.findall(sample)) > _CONTROL_SHARE * len(sample):
        raise BinaryFileError(SKIP_BINARY_CONTROL)
    for step in (_lossy_utf8, _decode_legacy, _detect_other):
        found = step(data)
        if found is not None:
            _check_controls(found[0])
            return found
    raise UndecodableError(SKIP_UNDECODABLE)


# --------------------------------------------------------------------------------------------------------------
# Files.


def _as_str(path: str | os.PathLike) -> str:
    p = os.fspath(path)
    return os.fsdecode(p) if isinstance(p, bytes) else p


def _os_error_reason(path: str, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return SKIP_SYMLINK_LOOP
    if isinstance(exc, FileNotFoundError):
        return SKIP_BROKEN_SYMLINK if os.path.islink(path) else SKIP_NOT_FOUND
    if isinstance(exc, PermissionError):
        return SKIP_PERMISSION
    if isinstance(exc, IsADirectoryError) or exc.errno == errno.ENXIO:  # ENXIO: a socket / device without reader
        return SKIP_NOT_REGULAR
    return f"{SKIP_READ_ERROR}: {exc.strerror or exc}"


def read_file(path: str | os.PathLike, max_bytes: int | None = None) -> ReadResult:
    """Read and decode one file. Never raises for I/O or decoding problems (see ``ReadResult.skipped``).

    FIFOs, sockets, devices and folders are reported as "not a regular file" without being read (a FIFO is opened
    non-blocking). ``max_bytes``: larger files are skipped unread.
    """
    p = _as_str(path)

    def skip(reason: str, size: int = 0, mtime_ns: int = 0, sha: str | None = None) -> ReadResult:
        return ReadResult(p, None, None, reason, size, mtime_ns, sha)

    try:
        st = os.stat(p)
    except OSError as exc:
        return skip(_os_error_reason(p, exc))
    except ValueError:  # embedded NUL in the path
        return skip(SKIP_NOT_FOUND)
    if not stat.S_ISREG(st.st_mode):
        return skip(SKIP_NOT_REGULAR, st.st_size, st.st_mtime_ns)
    if max_bytes is not None and st.st_size > max_bytes:
        return skip(f"{SKIP_TOO_LARGE} ({st.st_size} bytes > {max_bytes})", st.st_size, st.st_mtime_ns)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(p, flags)
    except OSError as exc:
        return skip(_os_error_reason(p, exc), st.st_size, st.st_mtime_ns)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # replaced between stat and open
            os.close(fd)
            return skip(SKIP_NOT_REGULAR, st.st_size, st.st_mtime_ns)
        with os.fdopen(fd, "rb") as fh:
            data = fh.read() if max_bytes is None else fh.read(max_bytes + 1)
    except OSError as exc:
        return skip(_os_error_reason(p, exc), st.st_size, st.st_mtime_ns)
    except MemoryError:
        return skip(f"{SKIP_TOO_LARGE} (out of memory)", st.st_size, st.st_mtime_ns)
    if max_bytes is not None and len(data) > max_bytes:
        return skip(f"{SKIP_TOO_LARGE} (more than {max_bytes} bytes)", len(data), st.st_mtime_ns)
    sha = hashlib.sha256(data).hexdigest()
    if os.path.splitext(p)[1].lower() in _OFFICE_EXTS:
        return _read_office(p, data, st.st_mtime_ns, sha)
    try:
        text, encoding = decode_bytes(data)
    except ReaderError as exc:
        return skip(str(exc), len(data), st.st_mtime_ns, sha)
    return ReadResult(p, text, encoding, None, len(data), st.st_mtime_ns, sha)


def _read_office(p: str, data: bytes, mtime_ns: int, sha: str) -> ReadResult:
    from . import office

    try:
        ex = office.extract(p, data)
    except ReaderError as exc:
        return ReadResult(p, None, None, str(exc), len(data), mtime_ns, sha)
    except Exception as exc:  # noqa: BLE001 - a library failing on a hostile file
        kind = office.kind_of(p) or "office"
        return ReadResult(p, None, None, f"{kind} file could not be read ({type(exc).__name__})", len(data),
                          mtime_ns, sha)
    return ReadResult(p, ex.text, ex.encoding, None, len(data), mtime_ns, sha, ex.locations)


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
) -> Iterator[tuple[str, str | None]]:
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

    def file_item(path: str, reason: str | None) -> Iterator[tuple[str, str | None]]:
        key = os.path.normpath(os.path.abspath(path))
        if key in seen_files:
            return
        seen_files.add(key)
        if reason is None and not _name_ok(path):
            reason = SKIP_BAD_NAME
        yield path, reason

    def walk(top: str, top_key: tuple[int, int]) -> Iterator[tuple[str, str | None]]:
        visited_dirs.add(top_key)
        # stack of (remaining entries, reversed; directory path; keys of the directory and its ancestors)
        stack: list[tuple[list[os.DirEntry], str, frozenset[tuple[int, int]]]] = []

        def listing(d: str) -> list[os.DirEntry] | str:
            try:
                with os.scandir(d) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                return _os_error_reason(d, exc)
            return entries[::-1]

        first = listing(top)
        if isinstance(first, str):
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
                reason = _os_error_reason(path, exc)
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
                if isinstance(sub, str):
                    yield path, sub
                    continue
                stack.append((sub, path, ancestors | {key}))
            elif matches(name):
                yield from file_item(path, None if stat.S_ISREG(st.st_mode) else SKIP_NOT_REGULAR)

    for arg in paths:
        p = _as_str(arg)
        try:
            st = os.stat(p)
        except OSError as exc:
            yield from file_item(p, _os_error_reason(p, exc))
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
