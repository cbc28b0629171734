"""Words of a title as an analyst types them, matched against titles, labels and subjects.

A query typed with Vietnamese diacritics is matched with them ("Hiến pháp" is not "hiện ... pháp"), in any case and
either tone placement ("hoà" = "hòa"); a query typed without any ("hien phap") is matched without them. Words match
whole words of the text. A text where the query's words stand together, in order, ranks first; then one where they
stand within one word of each other (or in another order); then one that holds them apart.
"""

from __future__ import annotations

import unicodedata

import regex

from .normalize import fold, modern_tones

_WORD = regex.compile(r"\w+")
PHRASE, NEAR, SCATTERED = 0, 1, 2  # the ranks of a match, best first


def accented_key(s: str) -> str:
    """A text as a query with diacritics compares it: NFC, lower case, Latin eth as Đ, the new tone placement."""
    return modern_tones(unicodedata.normalize("NFC", s).lower().replace("ð", "đ"))


def has_diacritics(s: str) -> bool:
    """Whether a query carries a Vietnamese diacritic or đ (then it is matched with them)."""
    return fold(s) != unicodedata.normalize("NFC", s).lower()


class WordQuery:
    """The words of a query; ``rank(*texts)`` the best rank of a text holding them all, or None."""

    def __init__(self, query: str):
        self.accented = has_diacritics(query)
        self.words = _WORD.findall(self.key(query))

    def key(self, s: str) -> str:
        return accented_key(s) if self.accented else fold(s)

    def rank(self, *texts: str | None) -> int | None:
        ranks = [r for t in texts if t and (r := self._rank(self.key(t))) is not None]
        return min(ranks) if ranks else None

    def _rank(self, text: str) -> int | None:
        words = self.words
        if not words or not all(w in text for w in words):  # a cheap test before the text is split into words
            return None
        tokens = _WORD.findall(text)
        if not set(words) <= set(tokens):
            return None
        n = len(words)
        if n == 1:
            return PHRASE
        if any(tokens[i:i + n] == words for i in range(len(tokens) - n + 1)):
            return PHRASE
        wanted = set(words)
        if any(wanted <= set(tokens[i:i + n + 1]) for i in range(max(1, len(tokens) - n))):
            return NEAR
        return SCATTERED
