"""The parts of a document, with offsets: header, title, preamble lines, promulgating line, articles, sections,
attached regulation, tables, footnotes, signature, recipients (domain notes, section 8).

What a line starts is data (``rules/structure.yaml``); this module walks the lines once and groups them into parts.
A part is a span of the text; its *units* (list items, numbered items, table cells) are the spans a relation phrase
never reaches across. News items and reports have a simpler shape: a title line, then body paragraphs.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import regex

from . import native

# kinds of part
HEADER, TITLE, BASIS, REQUEST, OPENER, PROMULGATION = "header", "title", "basis", "request", "opener", "promulgation"
ARTICLE, EFFECT, CHAPTER, SECTION, BODY = "article", "effect", "chapter", "section", "body"
ATTACHED, TABLE, FOOTNOTE, SIGNATURE, RECIPIENTS = "attached", "table", "footnote", "signature", "recipients"

_PREAMBLE = (BASIS, REQUEST, OPENER)
# patterns used on every line or part, compiled once (a module-level regex call looks its pattern up each time)
_BAR = regex.compile(r"\|")
_NEWLINE = regex.compile("\n")
_LETTER = regex.compile(r"\p{L}")
_LOWER_START = regex.compile(r"\s*\p{Ll}")
_SUBJECT_CELL = regex.compile(r"(?i)(?<![\p{L}])(?:V/v|Về\s+việc)\s")
_DIGITS = regex.compile(r"\d+")
_BASIS_WORDS = regex.compile(r"(?i)căn\s+cứ")
_ATTACHED_WORDS = regex.compile(r"(?i)kèm\s+theo")
_EFFECT_WORDS = regex.compile(r"(?i)(?:này|này\s+được)\s+có\s+hiệu\s+lực|hết\s+hiệu\s+lực")
_NONSPACE = regex.compile(r"\S")
_TAIL = (SIGNATURE, RECIPIENTS)


@dataclass(frozen=True, slots=True)
class Part:
    kind: str
    start: int
    end: int
    label: str = ""  # "Điều 1", "I", the heading line of a section
    attached: bool = False  # inside an attached regulation or appendix (after "ban hành kèm theo ...")
    number: int | None = None  # an article's number


class Structure:
    """The parts of one text, in order, covering it; ``part_at`` finds the part of an offset."""

    def __init__(self, text: str, parts: list[Part], item_re: regex.Pattern, wrapped: bool = False,
                 line_starts: list[int] | None = None):
        self.text = text
        # where each line starts: an item opens only there (``item_re`` is anchored with ^), so ``units`` tries it at
        # these offsets instead of at every character of a part
        self._line_starts = line_starts if line_starts is not None else [0] + [m.end() for m in _NEWLINE.finditer(text)]
        # lines are cut inside sentences (text from PDF): a line break is no paragraph boundary
        self.wrapped = wrapped
        self.parts = parts
        self._starts = [p.start for p in parts]
        self._item_re = item_re

    def part_at(self, offset: int) -> Part | None:
        i = bisect_right(self._starts, offset) - 1
        if i < 0:
            return None
        p = self.parts[i]
        return p if offset < p.end or (offset == p.end and i == len(self.parts) - 1) else None

    def kinds(self) -> list[str]:
        return [p.kind for p in self.parts]

    def starts_item(self, pos: int) -> bool:
        """Whether a list or numbered item starts at ``pos`` (a unit's start)."""
        m = self._item_re.match(self.text, pos)
        return m is not None

    def units(self, part: Part) -> list[tuple[int, int]]:
        """The spans of ``part`` a relation phrase never reaches across: each list or numbered item (a line that
        starts one), each table cell, each footnote."""
        text = self.text
        if part.kind == TABLE:
            out = []
            pos = part.start
            for m in _BAR.finditer(text, pos=part.start, endpos=part.end):
                if m.start() > pos:
                    out.append((pos, m.start()))
                pos = m.end()
            if pos < part.end:
                out.append((pos, part.end))
            return [(a, b) for a, b in out if text[a:b].strip()] or [(part.start, part.end)]
        cuts = [part.start]
        item, ls, end = self._item_re, self._line_starts, part.end
        after = part.start  # where the last item found ends: matches do not overlap (finditer's order)
        for k in range(bisect_left(ls, part.start), bisect_left(ls, end)):
            at = ls[k]
            if at < after:
                continue
            m = item.match(text, at, end)
            if m is not None:
                if at > cuts[-1]:
                    cuts.append(at)
                after = m.end()
        cuts.append(part.end)
        return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


class StructureReader:
    """Compiled from the ``structure`` section of the rules."""

    def __init__(self, spec: dict[str, Any], use_native: bool | None = None):
        """``use_native``: read with the compiled core (docgraph/native.py) when it is in use and runs these rules
        (None, the default), never (False), or always (True: an error when it cannot)."""
        self._spec = spec
        items = spec.get("items", [])
        self.item_re = regex.compile("|".join(f"(?:{p})" for p in items) if items else r"(?!)", regex.M)
        self._core = native.structure_core(spec, use_native)
        if self._core is None:  # the Python reader reads every text: its patterns now (a bad one is said here)
            _ = self._steps, self.basis_sections, self.effect_articles, self.subject_lines
        # else the patterns below are compiled on first use: only a text the core leaves to Python needs them
        # (memory: about 2 MB a process of the regex module's programs)

    @cached_property
    def lines(self) -> list[tuple[str, list[regex.Pattern]]]:
        return [(entry["kind"], [regex.compile(p, regex.V0) for p in entry.get("patterns", [])])
                for entry in self._spec.get("lines", [])]

    @cached_property
    def item_line(self) -> list[regex.Pattern]:
        return [regex.compile(p) for p in self._spec.get("items", [])]

    @cached_property
    def basis_sections(self) -> list[regex.Pattern]:
        return [regex.compile(p) for p in self._spec.get("basis_sections", [])]

    @cached_property
    def effect_articles(self) -> list[regex.Pattern]:
        return [regex.compile(p) for p in self._spec.get("effect_articles", [])]

    @cached_property
    def headings(self) -> list[regex.Pattern]:
        return [regex.compile(p) for p in self._spec.get("headings", [])]

    @cached_property
    def subject_lines(self) -> list[regex.Pattern]:
        return [regex.compile(p) for p in self._spec.get("subject_lines", [])]

    @cached_property
    def _ordered(self) -> list[tuple[str, list[regex.Pattern]]]:
        """The kinds in the order they are tried: the rules' lines, then headings, then list items."""
        return self.lines + [("heading", self.headings), ("item", self.item_line)]

    @cached_property
    def _steps(self) -> _LineKinds | None:
        return _line_kinds_of(self._ordered)

    def line_kind(self, line: str) -> str:
        """What a line starts: a kind of ``lines`` in the rules, "item", "heading", "subject", "blank" or "plain"."""
        if self._core is not None:
            got = native.line_kind(self._core, line)
            if got is not None:
                return got
        if not line.strip():
            return "blank"
        if self._steps is None:
            return self.line_kind_each(line)
        for pat, kind in self._steps.steps(line):
            if isinstance(kind, str):
                if pat.search(line):
                    return kind
            else:
                m = pat.match(line)
                if m:
                    return kind[m.lastgroup]
        return "plain"

    def line_kind_each(self, line: str) -> str:
        """``line_kind`` pattern by pattern: the reference the one-pass alternation is tested against."""
        if not line.strip():
            return "blank"
        for kind, pats in self._ordered:
            if any(p.search(line) for p in pats):
                return kind
        return "plain"

    def read(self, text: str, shape: str = "document") -> Structure:
        """``shape``: "document" (a header, a title, then a preamble and a body) or "article" (news: a title line,
        then paragraphs)."""
        if self._core is not None:
            got = native.read_structure(self._core, text, shape)
            if got is not None:  # None: a text the core leaves to Python (a character its tables read otherwise)
                raw, wrapped, starts = got
                parts = [Part(k, a, b, label, inside, None if num is None else int(num))
                         for k, a, b, label, inside, num in raw]
                return Structure(text, parts, self.item_re, wrapped, starts)
        lines = _lines(text)
        kinds = [self.line_kind(x) for _, _, x in lines]
        # a preamble phrase at the start of a line continues the sentence of a hard-wrapped line before it unless it
        # starts with a capital or that line ended an item ("căn cứ" in "... đã được \ncăn cứ ..." is no new line)
        last = ""
        for j, (_, _, x) in enumerate(lines):
            if kinds[j] in (BASIS, REQUEST, OPENER, "promulgation") and last and not _ends_item(last):
                first = _LETTER.search(x)
                if first is None or not first.group().isupper():
                    kinds[j] = "plain"
            elif kinds[j] == ATTACHED and last and not _ends_item(last) and _LOWER_START.match(x):
                # "... tại Phụ lục I \nban hành kèm theo Thông tư này ...": a wrapped sentence, not an appendix's heading
                kinds[j] = "plain"
            if kinds[j] not in ("blank", "noise"):
                last = x
        wrapped = _hard_wrapped(lines)
        parts: list[Part] = []
        i = 0
        n = len(lines)
        if shape == "document":
            i = self._head(text, lines, kinds, parts)
        else:
            while i < n and kinds[i] == "blank":
                i += 1
            if i < n:
                parts.append(Part(TITLE, lines[i][0], lines[i][1]))
                i += 1
        self._body(text, lines, kinds, i, parts)
        return Structure(text, _cover(parts, len(text)), self.item_re, wrapped, [a for a, _, _ in lines])

    def _head(self, text, lines, kinds, parts) -> int:
        """The header and the title; returns the index of the first body line."""
        n = len(lines)
        limit = min(n, 60)
        heading = next((j for j in range(limit) if kinds[j] == "heading"), None)
        first_body = next((j for j in range(limit) if kinds[j] in _PREAMBLE + (ARTICLE, "promulgation")), limit)
        if heading is not None and heading < first_body:
            if heading > 0:
                parts.append(Part(HEADER, 0, lines[heading][0]))
            j = heading + 1
            while j < n and (kinds[j] in ("plain", "noise") or kinds[j] == "promulgation" and j <= heading + 2
                             and not lines[j][2].rstrip().endswith(":")) \
                    and not lines[j][2].strip().startswith("Kính gửi"):
                j += 1
            # a heading alone on its line: the title is the lines after it (or, when a blank line follows, the
            # next lines of text)
            if j == heading + 1:
                k = j
                while k < n and kinds[k] == "blank":
                    k += 1
                j = k
                while j < n and kinds[j] in ("plain", "noise"):
                    j += 1
            parts.append(Part(TITLE, lines[heading][0], lines[j - 1][1] if j > heading else lines[heading][1]))
            return j
        for j in range(min(limit, first_body)):
            x = lines[j][2]
            m = next((p.search(x) for p in self.subject_lines if p.search(x)), None)
            if m is None:
                sub = _SUBJECT_CELL.search(x) if kinds[j] == TABLE else None
                if sub is None:
                    continue
                start = lines[j][0] + sub.start()
            else:
                start = lines[j][0] + m.start()
            if start > 0:
                parts.append(Part(HEADER, 0, start))
            k = j + 1
            while k < n and kinds[k] == "plain" and not lines[k][2].strip().startswith("Kính gửi") \
                    and not _ends_sentence(lines[k - 1][2]) and k < j + 4:
                k += 1
            parts.append(Part(TITLE, start, lines[k - 1][1]))
            return k
        if first_body < limit and first_body > 0:
            parts.append(Part(HEADER, 0, lines[first_body][0]))
            return first_body
        return 0

    def _body(self, text, lines, kinds, i, parts) -> None:
        n = len(lines)
        attached = False
        cur: list[Any] | None = None  # [kind, start, end, label, number, attached]
        last_line = ""

        def close():
            nonlocal cur
            if cur is not None:
                kind, start, end, label, number, inside = cur
                if kind == ARTICLE and self._is_effect(text[start:min(end, start + 400)], label):
                    kind = EFFECT
                parts.append(Part(kind, start, end, label, inside, number))
            cur = None

        def open_(kind, j, label="", number=None):
            nonlocal cur
            close()
            cur = [kind, lines[j][0], lines[j][1], label, number, attached]

        in_preamble = True
        for j in range(i, n):
            start, end, x = lines[j]
            k = kinds[j]
            if k == "blank" or k == "noise":
                if cur is not None:
                    cur[2] = end
                continue
            if k in (BASIS, REQUEST, OPENER):
                open_(k if not (cur and cur[0] == SECTION and self._basis_section(cur[3])) else BASIS, j)
            elif k == "promulgation" or (in_preamble and cur is not None and cur[0] in _PREAMBLE
                                         and x.rstrip().endswith(":") and k == "plain" and _ends_item(last_line)):
                open_(PROMULGATION, j)
                in_preamble = False
            elif k == ARTICLE:
                num = _DIGITS.search(x)
                open_(ARTICLE, j, " ".join(x.split())[:80], int(num.group()) if num else None)
                in_preamble = False
            elif k == CHAPTER:
                open_(CHAPTER, j, " ".join(x.split())[:80])
                in_preamble = False
            elif k == SECTION:
                label = " ".join(x.split())[:80]
                open_(BASIS if self._basis_section(label) else SECTION, j, label)
                in_preamble = False
            elif k == ATTACHED and not self._attached_here(text, lines, kinds, j, cur):
                if cur is None:
                    open_(BODY, j)
                else:
                    cur[2] = end
            elif k == ATTACHED:
                attached = True
                open_(ATTACHED, j, " ".join(x.split())[:80])
            elif k in (TABLE, FOOTNOTE, RECIPIENTS, SIGNATURE):
                if k == SIGNATURE and cur is not None and cur[0] == SIGNATURE:
                    cur[2] = end
                elif k == SIGNATURE and cur is not None and cur[0] == RECIPIENTS and "TM" not in x[:8]:
                    cur[2] = end
                else:
                    open_(k, j)
            elif k == "heading":
                # a type heading after the signature: an attached document (a plan attached to a decision)
                if cur is not None and cur[0] in _TAIL + (ATTACHED,):
                    attached = True
                    open_(ATTACHED, j, " ".join(x.split())[:80])
                elif cur is None:
                    open_(BODY, j)
                else:
                    cur[2] = end
            else:  # item or plain: continues the part, unless that part is closed by its nature
                if cur is None:
                    open_(BODY, j)
                elif cur[0] in (TABLE, FOOTNOTE):
                    if cur[0] == FOOTNOTE and k == "plain" and not _ends_sentence(last_line):
                        cur[2] = end
                    else:
                        open_(BODY, j)
                elif cur[0] == SIGNATURE:
                    if len(x.strip()) <= 40:
                        cur[2] = end  # the signer's name, "(đã ký)"
                    else:
                        open_(BODY, j)
                elif cur[0] == RECIPIENTS:
                    if k == "item" or len(x.strip()) <= 40:
                        cur[2] = end
                    else:
                        open_(BODY, j)
                elif cur[0] in _PREAMBLE + (PROMULGATION,) and cur[0] != BASIS and _ends_sentence(last_line):
                    open_(BODY, j)
                elif cur[0] == BASIS and not cur[3] and _ends_sentence(last_line) and not last_line.rstrip().endswith(":"):
                    open_(BODY, j)
                elif cur[0] == BASIS and not cur[3] and last_line.rstrip().endswith(":") and k != "item" \
                        and _BASIS_WORDS.search(text[cur[1]:cur[2]]) is None:
                    open_(BODY, j)
                else:
                    cur[2] = end
            last_line = x
        close()

    @staticmethod
    def _attached_here(text, lines, kinds, j, cur) -> bool:
        """A capitals heading ("QUY ĐỊNH") opens an attached regulation after the signature, or when a "kèm theo"
        line follows it; elsewhere it is a chapter's title ("QUY ĐỊNH CHUNG")."""
        if _ATTACHED_WORDS.search(lines[j][2]):
            return True
        if cur is None or cur[0] in _TAIL + (ATTACHED,):
            return True
        nxt = [x for _, _, x in lines[j + 1:j + 5] if x.strip()][:3]
        return any(_ATTACHED_WORDS.search(x) for x in nxt)

    def _basis_section(self, label: str) -> bool:
        return bool(label) and any(p.search(label) for p in self.basis_sections)

    def _is_effect(self, head: str, label: str) -> bool:
        return any(p.search(label) for p in self.effect_articles) or bool(
            _EFFECT_WORDS.search(head))


def _ends_item(line: str) -> bool:
    return line.rstrip().endswith((".", ":", ";", "./.", "!", "?"))


def _hard_wrapped(lines: list[tuple[int, int, str]]) -> bool:
    """Most long lines run on into a next line that starts in lower case: text cut into lines inside sentences."""
    long = cont = 0
    for (_, _, x), (_, _, y) in zip(lines, lines[1:]):
        if len(x.strip()) < 40:
            continue
        long += 1
        first = _NONSPACE.search(y)
        if first is not None and (first.group().islower() or first.group().isdigit()) and not _ends_item(x):
            cont += 1
    return long >= 5 and cont >= 0.25 * long


def _ends_sentence(line: str) -> bool:
    s = line.rstrip()
    return s.endswith((".", ":", "./.", "!", "?")) and not s.endswith("..")


def _lines(text: str) -> list[tuple[int, int, str]]:
    out = []
    pos = 0
    for x in text.split("\n"):
        out.append((pos, pos + len(x), x))
        pos += len(x) + 1
    return out


def _cover(parts: list[Part], n: int) -> list[Part]:
    """Parts in order, each running to the next one's start (blank lines and noise belong to the part before)."""
    parts = sorted(parts, key=lambda p: p.start)
    out: list[Part] = []
    for k, p in enumerate(parts):
        end = parts[k + 1].start if k + 1 < len(parts) else n
        if out and p.start < out[-1].end:
            continue
        out.append(Part(p.kind, p.start, max(p.start, min(end, n)), p.label, p.attached, p.number))
    if out and out[0].start > 0:
        out.insert(0, Part(HEADER, 0, out[0].start))
    if not out:
        out.append(Part(BODY, 0, n))
    return out


_LEAD_FLAGS = regex.compile(r"\(\?([a-zA-Z]+)\)")
_Steps = list[tuple[regex.Pattern, "dict[str, str] | str"]]


class _LineKinds:
    """The line patterns as few calls as possible. Each run of patterns anchored with ``^`` becomes one ordered
    alternation matched at the start of the line: the first alternative that matches is the first pattern, in order,
    that ``search`` finds. A pattern not anchored keeps its own ``search``. And the alternation holds only the patterns
    that can match a line opening as this one does (its leading spaces and first other character, tested once per
    opening with the regex module's partial matching): a line costs one or two calls, not about twenty."""

    def __init__(self, entries: list[tuple[str, str, regex.Pattern, str]]):
        self.entries = entries  # (kind, group name or "" when not anchored, the pattern, its source as an alternative)
        self._by_opening: dict[str, _Steps] = {}
        self._alternations: dict[tuple[str, ...], regex.Pattern] = {}

    def steps(self, line: str) -> _Steps:
        m = _NONSPACE.search(line)
        opening = line[:m.end()] if m else line
        got = self._by_opening.get(opening)
        if got is None:
            if len(self._by_opening) > 4096:  # bounded: leading spaces vary
                self._by_opening.clear()
            got = self._by_opening[opening] = self._steps_for(opening)
        return got

    def _steps_for(self, opening: str) -> _Steps:
        steps: _Steps = []
        run: list[tuple[str, str, str]] = []

        def close() -> None:
            if run:
                names = tuple(name for name, _, _ in run)
                pat = self._alternations.get(names)
                if pat is None:
                    pat = self._alternations[names] = regex.compile("|".join(src for _, src, _ in run), regex.V0)
                steps.append((pat, {name: kind for name, _, kind in run}))
                run.clear()

        for kind, name, p, src in self.entries:
            if not name:
                close()
                steps.append((p, kind))
            elif p.match(opening, partial=True) is not None:
                run.append((name, src, kind))
        close()
        return steps


def _line_kinds_of(ordered: list[tuple[str, list[regex.Pattern]]]) -> _LineKinds | None:
    """The patterns of ``ordered`` for ``_LineKinds``; ``None`` (pattern by pattern) when a pattern has a numbered
    back-reference or inline flags after its start, which an alternation would change."""
    entries: list[tuple[str, str, regex.Pattern, str]] = []
    for kind, pats in ordered:
        for p in pats:
            src = p.pattern
            flags = ""
            m = _LEAD_FLAGS.match(src)
            if m:
                flags, src = m.group(1), src[m.end():]
            if regex.search(r"\\[1-9]|\(\?[a-zA-Z]+\)", src):
                return None
            if not src.startswith("^"):
                entries.append((kind, "", p, ""))
                continue
            name = f"k{len(entries)}"
            entries.append((kind, name, p, f"(?P<{name}>" + (f"(?{flags}:{src})" if flags else src) + ")"))
    return _LineKinds(entries)


_readers: dict[int, StructureReader] = {}


def reader_for(rules) -> StructureReader:
    """The structure reader of a rule set (built once per rule set)."""
    r = _readers.get(id(rules))
    if r is None:
        r = _readers[id(rules)] = StructureReader(rules.structure)
    return r


__all__ = ["Part", "Structure", "StructureReader", "reader_for", "HEADER", "TITLE", "BASIS", "REQUEST", "OPENER",
           "PROMULGATION", "ARTICLE", "EFFECT", "CHAPTER", "SECTION", "BODY", "ATTACHED", "TABLE", "FOOTNOTE",
           "SIGNATURE", "RECIPIENTS"]

