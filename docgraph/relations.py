"""Relations between documents, from the trigger phrases in ``rules/relations.yaml``.

A phrase belongs to the nearest reference after it. The document that acts is the reference written just before the
phrase in the same clause ("Kế hoạch số A ... về thực hiện Chỉ thị số B": A implements B), or the file's own
document when the phrase opens the clause ("Căn cứ ...", "Thực hiện ..."). References coordinated with "và" or a
comma share the relation of the one before them. A blocker ("đã được sửa đổi, bổ sung bởi ...") is history, not an
act: it makes no edge of its own.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import regex

from .model import Mention

OWN = -1  # source index meaning "the file's own document"
_MAX_TRIGGER_DISTANCE = 160


@dataclass(frozen=True, slots=True)
class RawRelation:
    source: int  # index into the mention list, or OWN
    target: int
    relation: str
    line: int
    evidence: str


# characters the fast trigger scan may meet: ASCII, Latin (Vietnamese included), combining marks, punctuation
_FAST_CANDIDATES = "".join(chr(c) for a, b in ((0x09, 0x0D), (0x20, 0x7E), (0xA0, 0x24F), (0x300, 0x36F),
                                               (0x1E00, 0x1EFF), (0x2010, 0x2027), (0x2030, 0x205E))
                           for c in range(a, b + 1))


@lru_cache(maxsize=8)
def _agreeing_chars(phrase_chars: tuple[str, ...]) -> str:
    """The candidates on which a case-insensitive ``regex`` scan of a text and a case-sensitive ``re`` scan of its
    casefolded form read alike: one character after casefolding, a letter for one exactly when for the other (the
    lookarounds), a space likewise, and equal to a phrase character exactly when it matches it case-insensitively.
    The phrase characters casefold to distinct single characters."""
    cands = [c for c in _FAST_CANDIDATES if len(c.casefold()) == 1]
    text, folded = "".join(cands), "".join(c.casefold() for c in cands)

    def where(pattern, s: str) -> set[str]:  # the candidates whose character in s the pattern matches
        return {cands[m.start()] for m in pattern.finditer(s)}

    ok = set(cands)
    ok -= where(regex.compile(r"\p{L}"), text) ^ where(re.compile(r"[^\W\d_]"), folded)
    ok -= where(regex.compile(r"\s"), text) ^ where(re.compile(r"\s"), folded)
    # the phrase characters a candidate matches: the first one and the last one in order, both the one it folds to
    index = {p.casefold(): i for i, p in enumerate(phrase_chars)}
    n = len(phrase_chars)
    first = regex.compile("(?i)" + "|".join(f"({regex.escape(p)})" for p in phrase_chars))
    last = regex.compile("(?i)" + "|".join(f"({regex.escape(p)})" for p in reversed(phrase_chars)))
    for i, c in enumerate(cands):
        want = index.get(folded[i])
        m1, m2 = first.match(text, i), last.match(text, i)
        got = (m1.lastindex - 1, n - m2.lastindex) if m1 is not None and m2 is not None else None
        if got != (None if want is None else (want, want)):
            ok.discard(c)
    return "".join(sorted(ok))


def _other_than(chars: str) -> re.Pattern:
    """A pattern that finds any character not in ``chars`` (written as ranges)."""
    ranges: list[list[int]] = []
    for c in map(ord, chars):
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    return re.compile("[^" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges) + "]")


class RelationFinder:
    def __init__(self, relations: list[dict]):
        self.phrases: list[tuple[str, str]] = []
        for r in relations:
            for p in r.get("phrases", []):
                self.phrases.append((unicodedata.normalize("NFC", p).lower(), r["relation"]))
        ordered = [p for p, _ in sorted(self.phrases, key=lambda x: -len(x[0]))]
        alt = "|".join(regex.escape(p).replace("\\ ", r"\s+") for p in ordered)
        self.trigger_re = regex.compile(rf"(?i)(?<![\p{{L}}])(?:{alt})(?![\p{{L}}])")
        chars = sorted({c for p in ordered for c in p if not c.isspace()})
        # a character no trigger match can hold (not a phrase character in any case, not a space): a scan that
        # starts right after one finds the same matches from there on as a scan from further left (see last_trigger)
        inside = "".join(f"\\U{ord(c):08x}" for c in chars)
        self.outside_re = regex.compile(rf"(?i)[^\s{inside}]", regex.REVERSE)
        # the same scan, about three times faster: the standard library's re, case-sensitive, on the casefolded text.
        # It gives the same matches wherever every character is one on which both readings agree (almost every
        # Vietnamese text); any other character sends the scan back to trigger_re.
        self.trigger_cf_re = self.other_re = None
        if all(len(c.casefold()) == 1 for c in chars) and len({c.casefold() for c in chars}) == len(chars):
            cf_alt = "|".join(re.escape(p.casefold()).replace("\\ ", r"\s+") for p in ordered)
            self.trigger_cf_re = re.compile(rf"(?<![^\W\d_])(?:{cf_alt})(?![^\W\d_])")
            self.other_re = _other_than(_agreeing_chars(tuple(chars)))
        self.lookup = {p: rel for p, rel in self.phrases}
        self.issue_re = regex.compile(r"(?i)(?<![\p{L}])(?:đã\s+)?ban\s+hành(?![\p{L}])")

    def relation_of(self, phrase: str) -> str:
        key = " ".join(unicodedata.normalize("NFC", phrase).split()).lower()
        return self.lookup.get(key, "cites")

    def last_trigger(self, gap: str) -> tuple[str, int] | None:
        # only a match ending in the last _MAX_TRIGGER_DISTANCE characters counts, so the scan starts at a character
        # outside any match before that tail: a match that starts before it also ends before it (too far away), and
        # from it on the matches are those of a scan of the whole gap
        pos = 0
        tail = len(gap) - _MAX_TRIGGER_DISTANCE - 1
        if tail > 0:
            o = self.outside_re.search(gap, 0, tail)
            pos = o.end() if o is not None else 0
        last = None
        if self.trigger_cf_re is not None and self.other_re.search(gap, pos - 1 if pos else 0) is None:
            # from the character before pos on: the lookbehind reads it
            base = pos - 1 if pos else 0
            for m in self.trigger_cf_re.finditer(gap[base:].casefold(), pos - base):
                last = m
            if last is None:
                return None
            start, end = last.start() + base, last.end() + base
        else:
            for m in self.trigger_re.finditer(gap, pos):
                last = m
            if last is None:
                return None
            start, end = last.span()
        if len(gap) - end > _MAX_TRIGGER_DISTANCE:
            return None
        return self.relation_of(gap[start:end]), start

    def find(self, text: str, mentions: list[Mention], article: bool = False) -> list[RawRelation]:
        """Relations among the mentions of one text (offsets index ``text``)."""
        clauses = Clauses(text, mentions)
        out: list[RawRelation] = []
        # the (source, relation) each mention received, for coordination
        got: dict[int, tuple[int, str]] = {}
        prev_idx: int | None = None
        for i, m in enumerate(mentions):
            if m.own:
                continue
            cstart = clauses.start_before(i)
            prev = prev_idx if (prev_idx is not None and mentions[prev_idx].end >= cstart) else None
            gap_start = mentions[prev].end if prev is not None else cstart
            gap = text[gap_start:m.start]
            trig = self.last_trigger(gap)
            source, relation = OWN, "cites"
            evidence = clauses.sentence(i)
            if trig is not None and trig[0] != "blocker":
                relation = trig[0]
                source = prev if prev is not None else OWN
            elif trig is not None:  # a blocker: history, not an act of this document
                if prev is not None and prev in got:
                    source, relation = got[prev]
                    if source != OWN:
                        source, relation = OWN, "cites"
                else:
                    source, relation = OWN, "cites"
            elif prev is not None and _COORD.fullmatch(gap) and prev in got:
                source, relation = got[prev]
            elif prev is not None and self.issue_re.search(gap) and prev in got and got[prev][0] == OWN \
                    and got[prev][1] == "implements":
                # "Thực hiện Chỉ thị A, Tỉnh ủy đã ban hành Kế hoạch B": B implements A
                out.append(RawRelation(i, prev, "implements", m.line, evidence))
                source, relation = OWN, "cites"
            got[i] = (source, relation)
            if article and source == OWN:
                relation = "cites"  # a news item reports; it does not itself implement or rely on anything
            out.append(RawRelation(source, i, relation, m.line, evidence))
            prev_idx = i
        # a reference that acts in a relation phrase ("Kế hoạch A ... thực hiện Chỉ thị B") is the subject of
        # that phrase, not something the file itself cites
        acting = {r.source for r in out if r.source != OWN}
        return [r for r in out if not (r.source == OWN and r.relation == "cites" and r.target in acting)]


class Clauses:
    """Clause boundaries around mentions, found lazily: after ';', after '. ' + capital, at line starts that begin
    a new sentence. Never inside a mention. Only the text near each mention is scanned."""

    WINDOW = 1500

    def __init__(self, text: str, mentions: list[Mention]):
        self.text = text
        self.mentions = mentions
        self._starts: dict[int, int] = {}  # start_before is asked twice per mention (and recursively): memoized

    def start_before(self, i: int) -> int:
        hit = self._starts.get(i)
        if hit is None:
            hit = self._starts[i] = self._start_before(i)
        return hit

    def _start_before(self, i: int) -> int:
        m = self.mentions[i]
        lo = self.mentions[i - 1].end if i > 0 else 0
        lo = max(lo, m.start - self.WINDOW)
        last = _last_boundary(self.text, lo, m.start)
        if last is not None:
            return last.end()
        if i > 0 and self.mentions[i - 1].end >= m.start - self.WINDOW:
            # no boundary since the previous mention: same clause as it
            return self.start_before(i - 1) if not self.mentions[i - 1].own else self.mentions[i - 1].end
        return lo

    def end_after(self, i: int) -> int:
        m = self.mentions[i]
        pos = m.end
        limit = min(len(self.text), m.end + self.WINDOW)
        j = i + 1
        while True:
            nxt = self.mentions[j].start if j < len(self.mentions) else limit
            b = _BOUNDARY.search(self.text, pos, min(nxt, limit))
            if b is not None:
                return b.end()
            if j >= len(self.mentions) or nxt >= limit:
                return limit
            pos = self.mentions[j].end
            j += 1

    def sentence(self, i: int, limit: int = 400) -> str:
        a, b = self.start_before(i), self.end_after(i)
        if b - a > 4 * limit:
            # a long clause is cut at ``limit``: its first 4*limit characters, spaces collapsed, begin the whole
            # clause's collapsed form; when they reach past the limit, they alone give the same cut
            s = " ".join(self.text[a:a + 4 * limit].split())
            if len(s) > limit:
                return s[: limit - 1].rstrip() + "…"
        s = " ".join(self.text[a:b].split())
        if len(s) > limit:
            s = s[: limit - 1].rstrip() + "…"
        return s


_COORD = regex.compile(
    r"(?is)\s*(?:(?:về|v/v)\s+[^;]*?)?\s*(?:,|và|cùng|hoặc|;|, và)?\s*(?:các\s+|tại\s+)?\s*"
)


_BOUNDARY = regex.compile(r";|\.(?=\s+\p{Lu})|\n(?=\s*(?:[\p{Lu}\d\-+•*]|$))|\n\s*\n|:\s*\n|\n(?=[\p{L}_ ]{1,30}:)")

# a character that no _BOUNDARY match holds except as its last one (matches are ';', '.', a line break, or runs of
# spaces that start with ':' or a line break)
_NOT_INSIDE_BOUNDARY = regex.compile(r"[^\s:]", regex.REVERSE)


def _last_boundary(text: str, lo: int, hi: int) -> regex.Match | None:
    """The last match of ``_BOUNDARY.finditer(text, lo, hi)``, found by scanning a tail of the range (clauses are
    short, the range up to Clauses.WINDOW long). The tail starts right after a character no match can hold inside,
    where a scan from further left finds the same matches from there on; a tail without a match grows."""
    step = 200
    p = hi
    while True:
        p = max(lo, p - step)
        if p > lo:
            c = _NOT_INSIDE_BOUNDARY.search(text, lo, p)
            p = c.end() if c is not None else lo
        last = None
        for b in _BOUNDARY.finditer(text, p, hi):
            last = b
        if last is not None or p <= lo:
            return last
        step *= 4
