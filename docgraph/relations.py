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
        alt = "|".join(
            regex.escape(p).replace("\\ ", r"\s+")
            for p, _ in sorted(self.phrases, key=lambda x: -len(x[0]))
        )
        self.trigger_re = regex.compile(rf"(?i)(?<![\p{{L}}])(?:{alt})(?![\p{{L}}])")
        self.lookup = {p: rel for p, rel in self.phrases}
        self.issue_re = regex.compile(r"(?i)(?<![\p{L}])(?:đã\s+)?ban\s+hành(?![\p{L}])")

    def relation_of(self, phrase: str) -> str:
        key = regex.sub(r"\s+", " ", unicodedata.normalize("NFC", phrase)).lower()
        return self.lookup.get(key, "cites")

    def last_trigger(self, gap: str) -> tuple[str, int] | None:
        last = None
        for m in self.trigger_re.finditer(gap):
            last = m
        if last is None:
            return None
        if len(gap) - last.end() > _MAX_TRIGGER_DISTANCE:
            return None
        return self.relation_of(last.group()), last.start()

    def find(self, text: str, mentions: list[Mention], article: bool = False) -> list[RawRelation]:
        """Relations among the mentions of one text (offsets index ``text``)."""
        bounds = clause_bounds(text, mentions)
        out: list[RawRelation] = []
        # the (source, relation) each mention received, for coordination
        got: dict[int, tuple[int, str]] = {}
        prev_idx: int | None = None
        prev_clause = -1
        for i, m in enumerate(mentions):
            if m.own:
                continue
            clause = _clause_of(bounds, m.start)
            cstart = bounds[clause - 1] if clause > 0 else 0
            prev = prev_idx if (prev_idx is not None and prev_clause == clause) else None
            gap_start = mentions[prev].end if prev is not None else cstart
            gap = text[gap_start:m.start]
            trig = self.last_trigger(gap)
            source, relation = OWN, "cites"
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
                out.append(RawRelation(i, prev, "implements", m.line, sentence(text, bounds, clause)))
                source, relation = OWN, "cites"
            if article and source == OWN:
                relation = "cites"
            got[i] = (source, relation)
            # the cited document that acts is also mentioned by this file: record that the file cites it
            out.append(RawRelation(source, i, relation, m.line, sentence(text, bounds, clause)))
            prev_idx, prev_clause = i, clause
        # a reference that acts in a relation phrase ("Kế hoạch A ... thực hiện Chỉ thị B") is the subject of
        # that phrase, not something the file itself cites
        acting = {r.source for r in out if r.source != OWN}
        return [r for r in out if not (r.source == OWN and r.relation == "cites" and r.target in acting)]


_COORD = regex.compile(
    r"(?is)\s*(?:(?:về|v/v)\s+[^;]*?)?\s*(?:,|và|cùng|hoặc|;|, và)?\s*(?:các\s+|tại\s+)?\s*"
)


def clause_bounds(text: str, mentions: list[Mention]) -> list[int]:
    """Start offsets of clauses after the first: after ';', after '. ' + capital, and at line starts that
    begin a new sentence. Never inside a mention."""
    import bisect

    starts = [m.start for m in mentions]  # mentions are sorted and do not overlap
    ends = [m.end for m in mentions]
    out: list[int] = []
    for m in _BOUNDARY.finditer(text):
        pos = m.end()
        i = bisect.bisect_left(starts, pos) - 1  # the last mention starting before pos
        if i >= 0 and ends[i] > pos:
            continue
        out.append(pos)
    return out


_BOUNDARY = regex.compile(r";|\.(?=\s+\p{Lu})|\n(?=\s*(?:[\p{Lu}\d\-+•*]|$))|\n\s*\n|:\s*\n")


def _clause_of(bounds: list[int], pos: int) -> int:
    import bisect

    return bisect.bisect_right(bounds, pos)


def sentence(text: str, bounds: list[int], clause: int, limit: int = 400) -> str:
    start = bounds[clause - 1] if clause > 0 else 0
    end = bounds[clause] if clause < len(bounds) else len(text)
    s = regex.sub(r"\s+", " ", text[start:end]).strip()
    if len(s) > limit:
        s = s[: limit - 1].rstrip() + "…"
    return s
