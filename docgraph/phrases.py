"""Where the relation reader's phrases, quotes and parentheses stand in a text (``docgraph/relations.py`` reads
what they mean), and the evidence shown for a relation: its clause cut around them.

The relation phrases of ``rules/relations.yaml`` are searched with one long alternation, longest phrase first. Tried
at every position of a gap, that alternation costs the regex engine about a microsecond a character; the same
phrases arranged as a tree of their characters (``phrase_trie``) tell in a quarter of the time whether any phrase
starts at a position. ``PhraseScanner`` finds with the tree where a phrase starts and asks the alternation only there,
which phrase it is: the matches are those of the alternation's ``finditer``, match for match. The compiled core
(docgraph/native.py), when in use, finds the same matches in one call (``PhraseScanner._finditer_py`` stays the
reference).
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left

import regex

from . import native

_PAREN = regex.compile(r"[()]")
_QUOTE = regex.compile(r"[“”«»]")
_OPEN_QUOTES = "“«"
_EVIDENCE_LIMIT = 400


def phrase_order(phrases: list[str]) -> list[str]:
    """The phrases as the alternation tries them: NFC, lower case, longest first."""
    return sorted({unicodedata.normalize("NFC", p).lower() for p in phrases}, key=lambda p: -len(p))


def phrase_alternation(phrases: list[str]) -> str:
    """The phrases as one alternation, longest first (the longest phrase that matches at a position wins); a space
    stands for any run of white space."""
    return "|".join(regex.escape(p).replace("\\ ", r"\s+") for p in phrase_order(phrases))


def phrase_pattern(phrases: list[str]) -> str:
    """The pattern of ``PhraseScanner``'s ``exact``: the alternation between two letter boundaries, case-insensitive."""
    return rf"(?i)(?<![\p{{L}}])(?:{phrase_alternation(phrases)})(?![\p{{L}}])"


class PhraseMatch:
    """A match the compiled core found: what the relation reader asks of a match object."""

    __slots__ = ("_text", "_start", "_end")

    def __init__(self, text: str, start: int, end: int):
        self._text, self._start, self._end = text, start, end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def span(self) -> tuple[int, int]:
        return self._start, self._end

    def group(self, n: int = 0) -> str:
        if n != 0:
            raise IndexError("no such group")
        return self._text[self._start:self._end]

    def __repr__(self) -> str:
        return f"<PhraseMatch span={self.span()!r} match={self.group()!r}>"


def phrase_trie(phrases: list[str]) -> str:
    """The language of ``phrase_alternation(phrases)`` as a tree of characters: a pattern that matches where any of
    the phrases does (not necessarily the same phrase: no phrase is preferred)."""
    root: dict = {}
    for p in {unicodedata.normalize("NFC", p).lower() for p in phrases}:
        node = root
        for ch in p:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [(r"\s+" if ch == " " else regex.escape(ch)) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return emit(root)


class PhraseScanner:
    """``finditer`` of ``exact`` (a ``(?i)`` alternation of ``phrases`` between two letter boundaries), sped up:
    ``probe`` (the same phrases as a tree, between the same boundaries) finds the next position where a phrase
    matches, ``exact`` tells which one. Both match at exactly the same positions, so the matches are those of
    ``exact.finditer``."""

    def __init__(self, phrases: list[str], exact: regex.Pattern, use_native: bool | None = None):
        """``use_native``: search with the compiled core when it is in use (None), never (False) or always (True:
        an error when it cannot). The core runs only when ``exact`` is ``phrase_pattern(phrases)``."""
        self.exact = exact
        tree = phrase_trie(phrases) if phrases else ""
        self.probe = regex.compile(rf"(?i)(?<![\p{{L}}])(?:{tree})(?![\p{{L}}])") if tree else None
        self._core = None
        if phrases and use_native is not False and exact.pattern == phrase_pattern(phrases) \
                and exact.flags & regex.V1 == 0:
            self._core = native.phrase_core(phrase_order(phrases), use_native)

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None):
        """The matches of ``exact.finditer(text, pos, endpos)``, in order."""
        if self._core is not None:
            spans = native.phrase_spans(self._core, text, pos, endpos)
            if spans is not None:
                return [PhraseMatch(text, s, e) for s, e in spans]
        return self._finditer_py(text, pos, endpos)

    def _finditer_py(self, text: str, pos: int = 0, endpos: int | None = None):
        """``finditer`` in Python: the reference."""
        if self.probe is None:
            return
        end = len(text) if endpos is None else endpos
        search, match = self.probe.search, self.exact.match
        while True:
            at = search(text, pos, end)
            if at is None:
                return
            m = match(text, at.start(), end)
            yield m
            pos = m.end()


# what makes patterns unsafe to join into one alternation: a global flag or a back-reference of their own
_UNJOINABLE = regex.compile(r"\(\?[a-zA-Z]+\)|\\[1-9]|\\g<|\(\?P=")


def any_of(patterns: list[str], prefix: str = "") -> regex.Pattern | None:
    """One pattern that matches somewhere exactly when one of ``prefix + p`` (for ``p`` in ``patterns``) does: its
    ``search`` says in one pass whether a text holds any of them. None: no patterns, or some that cannot be joined."""
    if not patterns or any(_UNJOINABLE.search(p) for p in patterns):
        return None
    try:
        return regex.compile(prefix + "(?:" + "|".join(f"(?:{p})" for p in patterns) + ")")
    except regex.error:
        return None


def paren_depth(text: str, start: int, pos: int) -> int:
    """How many parentheses opened in ``text[start:pos]`` are still open at ``pos``."""
    if text.find(")", start, pos) < 0:
        return text.count("(", start, pos)  # nothing closes: every one opened is open
    depth = 0
    for ch in _PAREN.findall(text, start, pos):
        depth = depth + 1 if ch == "(" else max(0, depth - 1)
    return depth


def quote_depths(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(offset, depth after it) at each curly quote of a part."""
    out: list[tuple[int, int]] = []
    if all(text.find(q, start, end) < 0 for q in "“”«»"):
        return out
    depth = 0
    for m in _QUOTE.finditer(text, start, end):
        depth = depth + 1 if m.group() in _OPEN_QUOTES else max(0, depth - 1)
        out.append((m.start(), depth))
    return out


def quoted(quotes: list[tuple[int, int]], text: str, cs: int, pos: int) -> bool:
    """Inside a quotation at ``pos``: curly quotes opened in the part, or an odd number of straight ones in the
    clause before it."""
    return curly_open(quotes, pos) or text.count('"', cs, pos) % 2 == 1


def curly_open(quotes: list[tuple[int, int]], pos: int) -> bool:
    """Whether curly quotes opened in the part are still open at ``pos``."""
    i = bisect_left(quotes, (pos, -1))  # the quotes before ``pos``: the last one's depth holds
    return bool(i) and quotes[i - 1][1] > 0


def evidence(text: str, cs: int, ce: int, spans: list[tuple[int, int]], limit: int = _EVIDENCE_LIMIT) -> str:
    """The clause ``text[cs:ce]`` cut to about ``limit`` characters around ``spans`` (the relation phrase and both
    references), spaces collapsed: every span is in what is shown; a cut end is marked "…"."""
    lo = min(a for a, _ in spans)
    hi = max(b for _, b in spans)
    cs, ce = min(cs, lo), max(ce, hi)
    if hi - lo <= limit:
        room = limit - (hi - lo)
        a = max(cs, lo - room // 2)
        b = min(ce, hi + (room - (lo - a)))
        a = max(cs, min(a, b - limit))
        s = " ".join(text[a:b].split())
        return ("…" if a > cs else "") + s + ("…" if b < ce else "")
    pieces = []
    for a, b in sorted(spans):
        pa, pb = max(cs, a - 30), min(ce, b + 30)
        while pa > cs and not text[pa - 1].isspace() and pa > a - 45:
            pa -= 1  # whole words
        while pb < ce and not text[pb].isspace() and pb < b + 45:
            pb += 1
        if pieces and pa <= pieces[-1][1]:
            pieces[-1] = (pieces[-1][0], max(pieces[-1][1], pb))
        else:
            pieces.append((pa, pb))
    return " … ".join(" ".join(text[a:b].split()) for a, b in pieces)


__all__ = ["PhraseMatch", "PhraseScanner", "any_of", "curly_open", "evidence", "paren_depth", "phrase_alternation", "phrase_order",
           "phrase_pattern", "phrase_trie",
           "quote_depths", "quoted"]
