"""Decode-side text normalization with an offset map back to the decoded text.

Matching runs on the normalized text; mentions report offsets in the decoded text so that
``source[start:end]`` is exactly what the file says.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator

import regex

# Single characters mapped to a replacement ("" deletes). Look-alikes of letters used in codes, every dash
# look-alike, exotic spaces, zero-width characters, soft hyphens and control characters.
_CHAR_MAP: dict[str, str] = {
    "\u00d0": "\u0110",  # Ð (Latin Eth) -> Đ
    "\u00f0": "\u0111",  # ð -> đ
    "\u0189": "\u0110",  # Ɖ (African D) -> Đ
    # Cyrillic look-alikes
    "\u0410": "A", "\u0412": "B", "\u0421": "C", "\u0415": "E", "\u041d": "H", "\u041a": "K", "\u041c": "M",
    "\u041e": "O", "\u0420": "P", "\u0422": "T", "\u0425": "X", "\u0406": "I", "\u0408": "J", "\u0405": "S",
    "\u0430": "a", "\u0441": "c", "\u0435": "e", "\u043e": "o", "\u0440": "p", "\u0445": "x", "\u0456": "i",
    # Greek look-alikes
    "\u0391": "A", "\u0392": "B", "\u0395": "E", "\u0397": "H", "\u0399": "I", "\u039a": "K", "\u039c": "M",
    "\u039d": "N", "\u039f": "O", "\u03a1": "P", "\u03a4": "T", "\u03a7": "X",
    # dashes and minus signs
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\ufe58": "-", "\ufe63": "-", "\uff0d": "-", "\u00ac": "-",
    # slashes
    "\u2044": "/", "\u2215": "/", "\uff0f": "/",
    # spaces
    "\u00a0": " ", "\u2000": " ", "\u2001": " ", "\u2002": " ", "\u2003": " ", "\u2004": " ", "\u2005": " ",
    "\u2006": " ", "\u2007": " ", "\u2008": " ", "\u2009": " ", "\u200a": " ", "\u202f": " ", "\u205f": " ",
    "\u3000": " ", "\t": " ",
    # invisible
    "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "", "\u00ad": "",
    # line-like separators
    "\u2028": "\n", "\u2029": "\n", "\x0c": "\n", "\x0b": "\n", "\x85": "\n", "\r": "",
}
for _c in range(0x20):
    _ch = chr(_c)
    if _ch not in ("\n",) and _ch not in _CHAR_MAP:
        _CHAR_MAP[_ch] = " "
_CHAR_MAP["\x7f"] = " "



@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalized text plus the sparse map of every place where its length differs from the source."""

    text: str
    source: str
    # replacements whose length changed: parallel lists, sorted by normalized start
    _nstart: tuple[int, ...] = ()
    _nend: tuple[int, ...] = ()
    _ostart: tuple[int, ...] = ()
    _oend: tuple[int, ...] = ()

    def to_source(self, pos: int) -> int:
        """Map a start position of the normalized text to the decoded source text."""
        if not self._nstart:
            return pos
        i = bisect.bisect_right(self._nstart, pos) - 1
        if i < 0:
            return pos
        if pos < self._nend[i]:
            return self._ostart[i]
        return self._oend[i] + (pos - self._nend[i])

    def to_source_end(self, pos: int) -> int:
        """Map an end position (exclusive) of the normalized text to the decoded source text."""
        if not self._nstart or pos <= 0:
            return pos
        last = pos - 1
        i = bisect.bisect_right(self._nstart, last) - 1
        if i >= 0 and last < self._nend[i]:
            return self._oend[i]
        return self.to_source(last) + 1

    def span(self, start: int, end: int) -> tuple[int, int]:
        if not self._nstart:  # no length change anywhere (most texts): offsets are the same
            return start, max(start, end)
        s = self.to_source(start)
        e = self.to_source_end(end)
        return s, max(s, e)


# one-to-one replacements keep offsets (str.replace per distinct character, C speed); deletions and NFC composition
# change the length and go through the slower loop that records the offset map
_SAME_LEN = {ord(k): v for k, v in _CHAR_MAP.items() if len(v) == 1}
_SAME_LEN[ord("\r")] = " "  # CRLF: keep the length, lines are counted on "\n"
_DELETE = "".join(k for k, v in _CHAR_MAP.items() if v == "" and k != "\r")
# what the slow loop rewrites: a run of combining marks (with the character before it as its base, composed by NFC)
# or a deleted character; a deleted character followed by marks is that run's base, not a deletion
_SLOW_SCAN = regex.compile("(\\p{M}+)|[" + regex.escape(_DELETE) + "](?!\\p{M})")
_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
# plain character-class scans run on the standard library's re: about ten times faster than regex for these
_MAPPED = re.compile("[" + re.escape("".join(chr(c) for c in _SAME_LEN)) + "]")
# mapped, combining and deleted characters in one class: one scan both maps and tells whether the slow path is needed
_MAPPED_OR_SLOW = re.compile("[" + re.escape("".join(chr(c) for c in _SAME_LEN)) + _COMBINING + re.escape(_DELETE) + "]")


def _same_length_slow(text: str) -> tuple[str, bool]:
    """The one-to-one replacements made, and whether the text holds a combining or deleted character (the
    replacements neither make nor remove one). After each distinct character is replaced everywhere, the search
    resumes where it stopped: one pass over the text."""
    slow = False
    pat = _MAPPED_OR_SLOW
    m = pat.search(text)
    while m is not None:
        c = m.group()
        rep = _SAME_LEN.get(ord(c))
        if rep is None:  # the first combining or deleted character: from here on only mapped ones are looked for
            slow = True
            pat = _MAPPED
            m = pat.search(text, m.start() + 1)
            continue
        text = text.replace(c, rep)
        m = pat.search(text, m.start())
    return text, slow


def normalize(text: str) -> Normalized:
    """NFC, look-alike letters, dashes, spaces, invisible and control characters; offsets kept."""
    t1, slow = _same_length_slow(text)
    if not slow:
        return Normalized(modern_tones(t1), text)
    pieces: list[str] = []
    nstart: list[int] = []
    nend: list[int] = []
    ostart: list[int] = []
    oend: list[int] = []
    last = 0
    npos = 0
    for m in _SLOW_SCAN.finditer(t1):
        s, e = m.span()
        if m.lastindex:  # a run of marks: with the character before it
            if s == 0:
                continue  # marks at the very start have no base: left as they are
            s -= 1
            seg = t1[s:e]
            rep = unicodedata.normalize("NFC", seg)
        else:
            seg = m.group()
            rep = ""
        if rep == seg:
            continue
        pieces.append(t1[last:s])
        npos += s - last
        pieces.append(rep)
        if len(rep) != len(seg):
            nstart.append(npos)
            nend.append(npos + len(rep))
            ostart.append(s)
            oend.append(e)
        npos += len(rep)
        last = e
    pieces.append(t1[last:])
    # tone placement changes keep the length, so the offset map stays valid
    return Normalized(modern_tones("".join(pieces)), text, tuple(nstart), tuple(nend), tuple(ostart), tuple(oend))


_FOLD_TABLE = str.maketrans({"đ": "d", "Đ": "D"})


@lru_cache(maxsize=65536)  # pure, and called again and again on the same issuer phrases, lines and symbols
def fold(s: str) -> str:
    """Lower case without diacritics, đ -> d: for name matching ("Tỉnh uỷ" == "Tỉnh ủy" == "tinh uy")."""
    s = unicodedata.normalize("NFD", s.translate(_FOLD_TABLE))
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


_SLUG_RE = regex.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def slug(s: str) -> str:
    """ASCII slug, a valid XML NMTOKEN: 'Bắc Giang' -> 'bac-giang', 'CT/TW' -> 'ct-tw'."""
    return _SLUG_RE.sub("-", fold(s)).strip("-")


def slug_once(s: str) -> str:
    """``slug`` of a string met once (a file's path), kept out of the caches: each worker of ``extract`` would
    otherwise keep every path it read, twice, up to 65,536 of them."""
    return _SLUG_RE.sub("-", fold.__wrapped__(s)).strip("-")


# old ("hoà", "uỷ") and new ("hòa", "ủy") tone placement are both valid; names are stored in the new style
_OLD_TONES = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
    "Oà": "Òa", "Oá": "Óa", "Oả": "Ỏa", "Oã": "Õa", "Oạ": "Ọa",
    "Uỳ": "Ùy", "Uý": "Úy", "Uỷ": "Ủy", "Uỹ": "Ũy", "Uỵ": "Ụy",
    "OÀ": "ÒA", "OÁ": "ÓA", "OẢ": "ỎA", "OÃ": "ÕA", "OẠ": "ỌA",
    "UỲ": "ÙY", "UÝ": "ÚY", "UỶ": "ỦY", "UỸ": "ŨY", "UỴ": "ỤY",
}
# one pattern per first letter, each starting with that letter: re's literal prefix scan skips ahead to it (about
# twice as fast over a whole text as one pattern for the four letters, which tries a character class at every
# position). The four passes give what one pass gives: a replacement keeps every letter a letter and makes no o, u,
# q or g, so no other match appears or goes. The matches are those of (?<![qQgG])(oà|oá|...)(?![^\W\d_]).
_OLD_TONE_SECOND: dict[str, str] = {}
for _k in _OLD_TONES:
    _OLD_TONE_SECOND[_k[0]] = _OLD_TONE_SECOND.get(_k[0], "") + _k[1]
_OLD_TONE_RES = tuple(re.compile(f"{a}(?<![qQgG]{a})[{b}]" + r"(?![^\W\d_])") for a, b in _OLD_TONE_SECOND.items())


def _modern_tone(m: re.Match) -> str:
    return _OLD_TONES[m.group()]


_OLD_TONE_MARKED = frozenset(k[1] for k in _OLD_TONES)  # what every match holds: its toned second letter


def modern_tones(s: str) -> str:
    """'Khánh Hoà' -> 'Khánh Hòa', 'Tỉnh uỷ' -> 'Tỉnh ủy' (only at the end of a syllable, not after q/g)."""
    if len(s) <= 64 and _OLD_TONE_MARKED.isdisjoint(s):  # a name or a line: one look at each letter, no pattern
        return s
    for pattern in _OLD_TONE_RES:
        s = pattern.sub(_modern_tone, s)
    return s


def matches_at(pattern: regex.Pattern, text: str, starts: Iterable[int]) -> Iterator[regex.Match]:
    """What ``pattern.finditer(text)`` yields, when ``starts`` holds every position where a match can start (found
    cheaply, e.g. with str.find): the pattern is tried only there, not at every position. Lookbehinds still see the
    text before a start. For patterns that cannot match the empty string."""
    end = 0
    for i in sorted(starts):
        if i >= end and (m := pattern.match(text, i)) is not None:
            yield m
            end = m.end()
