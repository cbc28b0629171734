"""The relation reader's layout of a text (``relations._Reader.run`` reads it): each part's mentions, its units (list
items, numbered items, table cells: ``Structure.units``) and each unit's clauses, cut at ";", at a sentence's end
and at a new line (a hard-wrapped text's line breaks are no cuts); with what the reader asks of each clause. The
compiled core lays out a whole text in one call (native/src/relations.rs); ``layout_py`` stays the reference."""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

import regex

from . import native
from .structure import ARTICLE, BASIS, EFFECT, REQUEST, TABLE, TITLE, Part, StructureReader
from .textpos import blank as _blank, last_char as _last_char

CLAUSE_CUT = regex.compile(r";|\.(?=\s+[\p{Lu}\d])|\n(?=[ \t]*[\p{Lu}\d\-+•*\"“(])|:[ \t]*\n")
CLAUSE_CUT_WRAPPED = regex.compile(r";|\.(?=\s+[\p{Lu}\d])|:[ \t]*\n")  # hard-wrapped text: a line break is no cut
CLAUSE_CUT_LIST = regex.compile(r";|\.(?=\s+\p{Lu})|:[ \t]*\n")  # basis and request lines: items end at ";"
TITLE_CUT = regex.compile(r";")  # a title is one line: only ";" cuts it
# how the compiled core lays out a part (``layout``): 0 cut by CLAUSE_CUT (CLAUSE_CUT_WRAPPED in a hard-wrapped
# text), 1 a table (its units are its cells), 2 cut by CLAUSE_CUT_LIST, 3 by TITLE_CUT, 4 an article's heading may
# introduce a list
LAYOUT_MODE = {TABLE: 1, BASIS: 2, REQUEST: 2, TITLE: 3, ARTICLE: 4, EFFECT: 4}
_ITEM_LEAD_RE = (r"[\s\-+•*–]*(?:(?:\d{1,3}(?:\.\d{1,3})*|[a-zđ]|[IVX]{1,5})\s*[.)]\s*|\(\d{1,3}\)\s*)?"
                 r"(?:điều\s+\d+[a-z]?\s*[.:]\s*)?")
ITEM_LEAD_AT = regex.compile(r"(?i)" + _ITEM_LEAD_RE)  # an item's opening words, matched in place


def layout_args(reader: StructureReader) -> tuple[list[str], str, str]:
    """What the core's layout is built from: the clause cuts, the structure rules' item start, an item's lead."""
    return ([CLAUSE_CUT.pattern, CLAUSE_CUT_WRAPPED.pattern, CLAUSE_CUT_LIST.pattern, TITLE_CUT.pattern],
            ("(?m)" if reader.item_re.flags & regex.M else "") + reader.item_re.pattern, ITEM_LEAD_AT.pattern)


def layout(r: Any):
    """(part, its mentions, its units) for each part, the mentions in text order; each unit (start, end, whether
    it starts a list item, its mentions, its clauses, whether it may introduce a list); each clause (start,
    end, mentions, the last character before it that is no white space, whether it holds the item's first
    words, whether it may introduce a list). The compiled core lays the whole text out in one call."""
    core = r.f.layout_core
    if core is not None and r.st._item_re is r.f.reader.item_re:
        got = native.relation_layout(core, r.text, [(p.start, p.end, LAYOUT_MODE.get(p.kind, 0)) for p in r.st.parts],
                                     r.st._line_starts, r.st.wrapped, [(m.start, m.end) for m in r.ms])
        if got is not None:
            return ((part, idxs, units) for part, (idxs, units) in zip(r.st.parts, got))
    return layout_py(r)


def layout_py(r: Any):
    """``layout`` in Python: the reference."""
    ms, text = r.ms, r.text
    order = sorted(range(len(ms)), key=lambda i: ms[i].start)
    k = 0
    for part in r.st.parts:
        idxs: list[int] = []
        while k < len(order) and ms[order[k]].start < part.end:
            if ms[order[k]].start >= part.start:
                idxs.append(order[k])
            k += 1
        if not idxs:
            yield part, idxs, []
            continue
        heading = part.kind in (ARTICLE, EFFECT)
        starts = [ms[i].start for i in idxs]  # in order: idxs follows ``order``
        units = []
        for us, ue in r.st.units(part):
            uidx = idxs[bisect_left(starts, us):bisect_left(starts, ue)]
            cl = [(cs, ce, cidx, _last_char(text, cs), _blank(text, ITEM_LEAD_AT.match(text, us, cs).end(), cs),
                        intro_possible(text, cs, ce, heading and cs == part.start))
                       for cs, ce, cidx in clauses(r, part, us, ue, uidx)]
            units.append((us, ue, r.st.starts_item(us), uidx, cl,
                          intro_possible(text, us, ue, heading and us == part.start)))
        yield part, idxs, units


def clauses(r: Any, part: Part, us: int, ue: int, idxs: list[int]):
    """(start, end, mentions) of the clauses of a unit; never cut inside a mention."""
    if not idxs:
        return []  # only clauses with mentions are returned
    cut_re = CLAUSE_CUT_LIST if part.kind in (BASIS, REQUEST) else \
        CLAUSE_CUT_WRAPPED if r.st.wrapped else CLAUSE_CUT
    if part.kind == TITLE:
        cut_re = TITLE_CUT
    ms = r.ms
    spans = [(ms[i].start, ms[i].end) for i in idxs]
    cuts = [us]
    j = 0
    for m in cut_re.finditer(r.text, us, ue):
        p = m.end()
        while j < len(spans) and spans[j][1] <= m.start():
            j += 1
        if j < len(spans) and spans[j][0] < m.end() <= spans[j][1]:
            continue  # inside a mention
        if j < len(spans) and spans[j][0] <= m.start() < spans[j][1]:
            continue
        cuts.append(p)
    cuts.append(ue)
    out = []
    k = 0
    for a, b in zip(cuts, cuts[1:]):
        cidx = []
        while k < len(idxs) and ms[idxs[k]].start < b:
            if ms[idxs[k]].start >= a:
                cidx.append(idxs[k])
            k += 1
        if cidx:
            out.append((a, b, cidx))
    return out


def intro_possible(text: str, a: int, b: int, heading: bool) -> bool:
    """Whether ``text[a:b]`` may introduce a list (``_list_intro``): it holds a ":" or it is an article's heading (no
    need to class the last lines of other spans)."""
    return heading or text.find(":", a, b) >= 0
