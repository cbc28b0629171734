"""Plain text: bytes -> decoded text, with the Vietnamese legacy encodings (TCVN3/ABC, VNI, Windows-1258).

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

Text policy: the decoded text keeps its characters (mention offsets index it) -- UTF-8 in NFD stays NFD. The one
exception is the legacy encodings, whose decoding is a conversion anyway: their text is returned in NFC. Control
characters are kept (normalize.py handles them) unless they are so frequent that the file is taken for binary.

The legacy code tables are data: ``legacy_codecs.yaml`` next to this module.
"""

from __future__ import annotations

import codecs
import os
import re
import unicodedata
from collections.abc import Callable

import yaml

from .common import (SKIP_BINARY_CONTROL, SKIP_BINARY_NUL, SKIP_UNDECODABLE, BinaryFileError, Extracted,
                     UndecodableError)

__all__ = ["decode_bytes", "decode_tcvn3", "decode_vni", "decode_cp1258", "extract_text", "TCVN3_TABLE",
           "VNI_TABLE"]

# --------------------------------------------------------------------------------------------------------------
# Tables (data). Bytes 0x00-0x7F are ASCII in every legacy encoding handled here.


def _load_tables() -> tuple[dict[int, str], dict[str, str]]:
    with open(os.path.join(os.path.dirname(__file__), "legacy_codecs.yaml"), encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return data["tcvn3"], data["vni"]


# TCVN 5712:1993 VN3 ("TCVN3", the ABC fonts): byte 0xA0-0xFF -> character. VNI-Windows: the cp1252 reading of a
# base letter and its modifier byte -> the letter (lowercase only). See legacy_codecs.yaml.
TCVN3_TABLE, VNI_TABLE = _load_tables()


def _single_byte(codec: str) -> str:
    """A single-byte codec's decoding table, its undefined bytes read as the C1 control of the same value (as
    latin-1 does)."""
    return "".join(chr(i) if c == "\ufffd" else c for i, c in enumerate(bytes(range(256)).decode(codec, "replace")))


# --------------------------------------------------------------------------------------------------------------
# Derived tables.

_CP1252_DECODING = _single_byte("cp1252")
_CP1258_DECODING = _single_byte("cp1258")
# 0x80-0x9F are read as cp1252 (smart quotes, dashes), which is what Windows text files written with ABC fonts hold
_TCVN3_DECODING = _CP1252_DECODING[:0xA0] + "".join(TCVN3_TABLE[i] for i in range(0xA0, 0x100))


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


def decode_cp1258(data: bytes) -> str:
    # Python's cp1258, its nine undefined bytes read as the C1 control of the same value (as latin-1 does)
    return unicodedata.normalize("NFC", codecs.charmap_decode(data, "strict", _CP1258_DECODING)[0])


_LEGACY: tuple[tuple[str, Callable[[bytes], str]], ...] = (  # this order breaks ties
    ("windows-1258", decode_cp1258),
    ("tcvn3", lambda b: decode_tcvn3(b, fix_case=False)),
    ("vni", decode_vni),
)
# bytes where Windows-1258 differs from cp1252 by a Vietnamese letter or tone mark: Ă Đ Ơ Ư ă đ ơ ư, 5 tones
_CP1258_VIETNAMESE_BYTES = re.compile(b"[\xc3\xd0\xd5\xdd\xe3\xf0\xf5\xfd\xcc\xec\xd2\xde\xf2]")
_LEGACY_FULL: dict[str, Callable[[bytes], str]] = {
    "windows-1258": decode_cp1258,
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


# the bytes of UTF-8 text that can be (part of) a control character of _CONTROL_RE: the C0 controls and DEL are
# one byte each, the C1 controls (U+0080-U+009F) two bytes that begin with C2
_CONTROL_LEADS = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F, 0xC2])


def _check_controls(text: str, utf8: bytes | None = None) -> None:
    """BinaryFileError when over a tenth of the first characters are control characters. ``utf8``: the bytes
    ``text`` was decoded from as UTF-8, whose count of such bytes (C code, no regular expression) bounds the count
    of control characters from above: the text is scanned only when the bound is over the share."""
    sample = text[:_CONTROL_SAMPLE]
    limit = _CONTROL_SHARE * len(sample)
    if utf8 is not None and len(utf8) - len(utf8.translate(None, _CONTROL_LEADS)) <= limit:
        return
    if sample and len(_CONTROL_RE.findall(sample)) > limit:
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
        _check_controls(text, data)
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



def extract_text(data: bytes) -> Extracted:
    """The ``text`` format of the registry: :func:`decode_bytes`, as is (no normalisation)."""
    text, encoding = decode_bytes(data)
    return Extracted(text, encoding)
