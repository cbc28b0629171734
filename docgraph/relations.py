"""Relations between documents, from the trigger phrases in ``rules/relations.yaml``.

A phrase belongs to the nearest reference after it. The document that acts is the reference written just before the
phrase in the same clause ("Kế hoạch số A ... về thực hiện Chỉ thị số B": A implements B), or the file's own
document when the phrase opens the clause ("Căn cứ ...", "Thực hiện ..."). References coordinated with "và" or a
comma share the relation of the one before them. A blocker ("đã được sửa đổi, bổ sung bởi ...") is history, not an
act: it makes no edge of its own.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

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
