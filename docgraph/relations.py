"""Relations between documents, read part by part (``docgraph/structure.py``) with the phrases of
``rules/relations.yaml``.

A document's structure decides its acts. Every item of a "Căn cứ" line is a basis; the request a "Theo đề nghị ...
tại Tờ trình số T" line names is answered; the title, the promulgating line and the articles state what the
document does to others (replaces, repeals, amends, suspends, corrects); a consolidated text merges the documents it
names before its first article. Inside any part, a relation phrase right after a cited reference, in words that
continue its title, is that reference's act ("Kế hoạch số A ... về thực hiện Chỉ thị số B": A implements B, even
when A is not in the folder); a passive phrase ("X được sửa đổi, bổ sung bởi Y") is the later reference's act on the
earlier one. Everything else is a plain mention (``cites``). A relation phrase never reaches across a list item, a
numbered item, a table cell or a footnote (the units of a part), nor across ";" or a sentence.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

import regex

from . import limits as _limits, native
from .lexicon import Lexicon, load_lexicon, words_alternation
from .model import Mention
from .relations_core import reader_core
from .relations_layout import _ITEM_LEAD_RE, layout, layout_args
from .phrases import (PhraseScanner, any_of, curly_open as _curly_open, evidence, paren_depth as _paren_depth,
                      phrase_alternation as _phrase_re, quote_depths as _quote_depths, quoted as _quoted)
from .structure import (ARTICLE, BASIS, BODY, CHAPTER, EFFECT, HEADER, OPENER, PROMULGATION, REQUEST, SECTION, TITLE, Part,
                        Structure, StructureReader)
from .textpos import last_char as _last_char

OWN = -1  # source index meaning "the file's own document"
_MAX_TITLE = 300  # the words between a reference and its relation phrase: longer is not its title any more
_MAX_LEAD = 60  # the words before a phrase that lets the file's own document act: longer, someone else acts

# the part whose first reference of each item takes a relation without a phrase of its own
_PART_DEFAULT = {BASIS: "based_on", REQUEST: "responds_to", OPENER: "implements"}
# relations a phrase can undo (a review, refusal or proposal of an act is not the act)
# the acts a line ending with ":" hands on to the list items after it
_LIST_CARRY = ("based_on", "amends", "replaces", "repeals", "suspends", "corrects", "consolidates", "responds_to")
_CANCELLABLE = ("implements", "guides", "amends", "replaces", "repeals", "suspends", "corrects")

_COORD = regex.compile(
    r"(?is)^(?:\s*\([^()]{0,200}\))?(?:\s*(?:về|v/v)\b[^;]{0,300}?)?\s*(?:,|;|\bvà\b|\bhoặc\b|\bcùng\b|, và|&)\s*"
    r"(?:các\s+|số\s+)?$")
_ENDS_COORD = regex.compile(r"(?is)(?:,|\bvà\b|\bhoặc\b|\bcùng\b)\s*(?:các\s+|số\s+)?$")
_OWN_BASIS = regex.compile(r"(?is)[^;]{0,300}?\bcó\s+căn\s+cứ\s+ban\s+hành\b")
_LOOSE_COORD = regex.compile(r"(?is)^[^;]{0,400}?(?:,|\bvà\b|\bhoặc\b)\s*(?:các\s+)?$")
_LIST_GAP = regex.compile(r"(?is)^[\s;,\-+•*]*(?:và\s+|các\s+)?$")  # a list item that is only a reference
_ALIAS = regex.compile(r"(?is)^\s*[(,]?\s*(?:sau\s+đây\s+)?(?:gọi\s+tắt\s+là|viết\s+tắt\s+là|gọi\s+là)\s*$")
_ALIAS_END = regex.compile(r"(?i)(?:gọi\s+tắt\s+là|viết\s+tắt\s+là|gọi\s+là)\s*$")
_ABOUT = regex.compile(r"(?i)(?<![\p{L}])(?:về|v/v)(?![\p{L}])")
_BREAK_TITLE = regex.compile(r"(?s)(?:[,;]|\bvà\b|\bhoặc\b)\s+[\p{Lu}]|\bnày\b|\.\s+\p{Lu}")
_SELF = regex.compile(r"(?i)\b(?:này|nay)\b")
_ITEM_LEAD = regex.compile(r"(?i)^" + _ITEM_LEAD_RE)
_ISSUE = regex.compile(r"(?i)(?<![\p{L}])(?:đã\s+|đồng\s+thời\s+)?(?:ban\s+hành|xây\s+dựng\s+và\s+ban\s+hành|ban\s+hành\s+các)"
                       r"(?![\p{L}])")
# words between a reference and an "after" phrase that show the phrase is about something else: the lexicon's
# after_hard_stops anywhere, its after_soft_stops only before the reference's title starts (RelationFinder)
_MAX_EFFECT_TITLE = 600  # an effect article names what it ends with the whole title: titles of circulars run long
# "Thực hiện A, Sở ... đã ...": after the comma a unit tells what it did; the file narrates, it does not carry A out
# (unless the unit is the file's own issuer, named in its header: "Thực hiện A, Sở Công Thương đã ..." in the
# department's own submission is its work on A)
_NARRATED = regex.compile(r",\s*(?P<unit>\p{Lu}[^,;:.()\n]{0,80}?)\s(?:đã|đang)\s+\p{Ll}")
_SENTENCE_END = regex.compile(r"\.\s+\p{Lu}")
_ISSUED_END = regex.compile(r"(?i)ban\s+hành\s*$")
_DONE_END = regex.compile(r"(?i)\bđã\s*$")
_SPACES = regex.compile(r"\s+")
_PUNCT = regex.compile(r"[^\w\s]")
_SYMBOL_SPACES = regex.compile(r"[\s.]")


@dataclass(frozen=True, slots=True)
class RawRelation:
    source: int  # index into the mention list, or OWN
    target: int
    relation: str
    line: int
    evidence: str


@dataclass(slots=True)
class _Phrase:
    relation: str
    start: int
    end: int
    passive: bool = False


class RelationFinder:
    def __init__(self, relations: list[dict], structure: dict[str, Any] | None = None, lexicon: Lexicon | None = None):
        """``relations`` and ``structure``: the rules' sections of those names; ``lexicon``: the word tables (default:
        the built-in ones) that tell a phrase naming a document, a law named without a number, a new clause and the
        words that may stand between a phrase and what it acts on."""
        lx = lexicon if lexicon is not None else load_lexicon()
        # what may stand between a relation phrase and the reference it acts on: pinpoints and fillers, not a title
        self.phrase_tail_re = regex.compile(rf"(?is)^(?:\s*(?:{'|'.join(lx.title_fillers)})\s*)*$")
        # a type word right before a relation phrase: the phrase names a document ("Luật sửa đổi, bổ sung ...")
        self.named_before_re = regex.compile(
            rf"(?<![\p{{L}}])(?:{words_alternation(lx.amending_types, by_length=False)})\s*$")
        # a law named after a relation phrase, without a date or number: "(một số điều của) Luật Quản lý, sử dụng ..."
        self.law_name_re = regex.compile(
            r"(?s)\s*(?:(?:một\s+số\s+điều(?:\s+và\s+biện\s+pháp(?:\s+để)?(?:\s+tổ\s+chức,?)?(?:\s+hướng\s+dẫn)?"
            r"\s+thi\s+hành)?|(?:khoản|điểm|điều)\s+[\w.,\s]{1,40}?)\s+(?:của\s+)?)?"
            rf"(?P<name>(?:{words_alternation(lx.named_types)})\s+[^;.()\n]{{3,160}})")
        # a verb of someone acting, after a comma: a new clause, not words of a title
        self.subject_verb_re = regex.compile(
            rf"(?i)(?<![\p{{L}}])(?:{words_alternation(lx.subject_verbs, by_length=False)})(?![\p{{L}}])")
        # words between a reference and an "after" phrase that show the phrase is about something else ("... khi ...
        # hết hiệu lực"), unless they come after the start of the reference's title ("Nghị định số X ... quy định
        # chính sách hỗ trợ ... khi sinh con hết hiệu lực": "khi" is a word of X's title)
        self.after_stop_re = regex.compile(rf"(?i)(?<![\p{{L}}])(?:{words_alternation(lx.after_hard_stops, by_length=False)})"
                                           r"(?![\p{L}])|;|\.\s+\p{Lu}")
        self.after_licence_re = regex.compile(rf"(?i)(?<![\p{{L}}])(?:{words_alternation(lx.licence_words, by_length=False)})"
                                              r"(?:\s+(?:đã\s+)?(?:cấp|này|đó))?\s*$")
        self.after_soft_stop_re = regex.compile(
            rf"(?i)(?<![\p{{L}}])(?:{words_alternation(lx.after_soft_stops, by_length=False)})(?![\p{{L}}])")
        # words a reference's title opens with ("về", "quy định", ...)
        self.title_start_re = regex.compile(
            rf"(?i)(?<![\p{{L}}])(?:{words_alternation(lx.title_start_words, by_length=False)})(?![\p{{L}}])")
        self.lookup: dict[str, str] = {}
        self.own_parts: dict[str, frozenset[str]] = {}
        self.own_lead: dict[str, dict[str, regex.Pattern]] = {}
        self.not_sources: dict[str, frozenset[str]] = {}
        passive: list[tuple[str, str]] = []
        after: list[tuple[str, str]] = []
        cancel: list[str] = []
        by_rule: list[tuple[str, dict]] = []  # each rule's relation and entry, in order (the compiled core's tables)
        # phrases that act only on a document named right after them, and the types they never act on
        self.tight: dict[str, frozenset[str]] = {}
        self.tight_list: regex.Pattern | None = None  # what a list intro with such a phrase names after it
        self.ranks: list[tuple[int, frozenset[str], list[regex.Pattern]]] = []  # the legal order guides respect
        for r in relations:
            rel = "cites" if r["relation"] == "blocker" else r["relation"]
            by_rule.append((rel, r))
            for p in r.get("phrases", []) or []:
                key = " ".join(unicodedata.normalize("NFC", p).split()).lower()
                self.lookup.setdefault(key, rel) if rel == "cites" else self.lookup.__setitem__(key, rel)
            self.own_parts[rel] = frozenset(r.get("own_parts", []) or [])
            self.own_lead[rel] = {k: regex.compile(v, regex.I) for k, v in (r.get("own_lead") or {}).items()}
            self.not_sources[rel] = frozenset(x.lower() for x in r.get("not_sources", []) or [])
            passive += [(rel, p) for p in r.get("passive", []) or []]
            after += [(rel, p) for p in r.get("after", []) or []]
            cancel += list(r.get("cancel", []) or [])
            tight = r.get("tight") or {}
            not_targets = frozenset(x.lower() for x in tight.get("not_targets", []) or [])
            if tight.get("list"):
                self.tight_list = regex.compile(tight["list"])
            for p in tight.get("phrases", []) or []:
                self.tight[" ".join(unicodedata.normalize("NFC", p).split()).lower()] = not_targets
            for e in r.get("ranks", []) or []:
                self.ranks.append((int(e["rank"]), frozenset(x.lower() for x in e.get("types", []) or []),
                                   [regex.compile(x) for x in e.get("symbols", []) or []]))
        # a phrase listed both as cites and as an act (none by default) is read as the act
        alt = _phrase_re(list(self.lookup))
        self.trigger_re = regex.compile(rf"(?i)(?<![\p{{L}}])(?:{alt})(?![\p{{L}}])") if alt else regex.compile("(?!)")
        self.triggers = PhraseScanner(list(self.lookup), self.trigger_re)  # trigger_re's finditer, faster
        self.inner_leads: dict[str, int] = {}  # _inner_lead by the words before a mention's number
        # where a phrase of a guide or an amendment matches (a trigger_re match of one of them starts there)
        self.guide_probe = PhraseScanner([p for p, r in self.lookup.items() if r in ("guides", "amends")],
                                         self.trigger_re).probe
        self.passive_re = [(rel, regex.compile(rf"(?i)(?<![\p{{L}}]){p}")) for rel, p in passive]
        # one search that tells whether any passive phrase is in a gap (most gaps have none)
        self.passive_any = any_of([p for _, p in passive], r"(?i)(?<![\p{L}])")
        self.after_re = [(rel, regex.compile(rf"(?i){p}")) for rel, p in after]
        self.cancel_re = regex.compile("|".join(f"(?:{c})" for c in cancel), regex.I) if cancel else None
        self.reader = StructureReader(structure or {})
        # the compiled core's layout of a text into parts, units and clauses (None: Python lays it out)
        self.layout_args = layout_args(self.reader)
        self.layout_core = native.relation_layout_core(*self.layout_args)
        narrative = next((r.get("narrative_types") for r in relations if r["relation"] == "implements"), None) or []
        self.narrative_types = frozenset(x.lower() for x in narrative)
        # the whole reader in the compiled core (None: _Reader reads every text)
        self.core = reader_core(self, by_rule, _CORE_OWN) if self.layout_core is not None else None

    # ------------------------------------------------------------------ phrases

    def rank(self, m: Mention) -> int | None:
        """A document's rank in the legal order (lower is higher), from its symbol or type word; None: not ranked."""
        sym = _SPACES.sub("", m.symbol or "").replace("Ð", "Đ")
        typ = (m.type or "").lower()
        for rank, types, symbols in self.ranks:
            if sym and any(x.search(sym) for x in symbols) or typ in types:
                return rank
        return None

    def can_act(self, source: Mention, target: Mention, relation: str) -> bool:
        """Whether ``source`` can act on ``target`` so: by their dates (an amendment comes after what it amends), and
        for a guide by the legal order (a decree guides a law, never a Prime Minister's decision)."""
        if not _dated_ok(source, target, relation):
            return False
        if relation == "guides" and self.ranks:
            a, b = self.rank(source), self.rank(target)
            if a is not None and b is not None and a <= b:
                return False
        return True

    def tight_miss(self, phrase: str, between: str, target: Mention) -> bool:
        """Whether a phrase that acts only on what it names at once ("thu hồi") misses ``target``: other words stand
        between them ("thu hồi đất theo ..."), or the target is of a type it never acts on (a licence)."""
        key = " ".join(unicodedata.normalize("NFC", phrase).split()).lower()
        not_targets = self.tight.get(key)
        if not_targets is None:
            return False
        return not self.phrase_tail_re.match(between.strip()) or (target.type or "").lower() in not_targets

    def relation_of(self, phrase: str) -> str:
        key = " ".join(unicodedata.normalize("NFC", phrase).split()).lower()
        return self.lookup.get(key, "cites")

    def last_phrase(self, gap: str, offset: int) -> _Phrase | None:
        """The last relation phrase (or passive phrase) of a gap; offsets in the whole text."""
        best: _Phrase | None = None
        for m in self.triggers.finditer(gap):
            if best is None or m.start() >= best.start - offset:
                best = _Phrase(self.relation_of(m.group()), offset + m.start(), offset + m.end())
        if self.passive_any is not None and self.passive_any.search(gap) is None:
            return best
        for rel, rx in self.passive_re:
            for m in rx.finditer(gap):
                if best is None or m.end() + offset >= best.end or m.start() + offset >= best.start:
                    best = _Phrase(rel, offset + m.start(), offset + m.end(), passive=True)
        return best

    # ------------------------------------------------------------------ the document

    def find(self, text: str, mentions: list[Mention], article: bool = False,
             structure: Structure | None = None, doc_type: str | None = None,
             doc_symbol: str | None = None) -> list[RawRelation]:
        """Relations among the mentions of one text (offsets index ``text``). ``article``: a news item or a text
        without a header, which reports relations and makes none of its own. ``doc_type``, ``doc_symbol``: the
        file's own type word and symbol from its header (a report narrates; a consolidated text merges)."""
        st = structure or self.reader.read(text, "article" if article else "document")
        if self.core is not None and st._item_re is self.reader.item_re:
            got = native.relation_find(self.core, text, st, mentions, article, doc_type, doc_symbol)
            if got is not None:
                return [RawRelation(*r) for r in got]
        return _Reader(self, text, mentions, st, article, doc_type, doc_symbol).run()


class _Reader:
    """One document's relations."""

    def __init__(self, finder: RelationFinder, text: str, mentions: list[Mention], st: Structure, article: bool,
                 doc_type: str | None = None, doc_symbol: str | None = None):
        self.f = finder
        self.text = text
        self.ms = mentions
        self.st = st
        self.article = article
        own = next((m for m in mentions if m.own), None)
        own_type = doc_type or (own.type if own is not None else None) or ""
        # a report or a submission narrates: past its opening line, "Thực hiện X, ..." tells what others did
        self.narrative = own_type.lower() in finder.narrative_types
        self.opened = False  # past the title and the opening lines
        self.opened_once = False
        self.own_key = _key(own) if own is not None and own.number else None
        symbol = doc_symbol or (own.symbol if own is not None else None) or ""
        self.vbhn = "VBHN" in symbol.upper()
        self.out: list[RawRelation] = []
        self.sentence_heads: list[int] = []  # the first references of the ";" items of the sentence so far
        self.list_role: tuple | None = None  # the own act of the item before a ";"
        self.list_depth = 0  # how deep in parentheses that item's reference stood
        self.starts = sorted(m.start for m in mentions)
        self.colon_role: tuple | None = None  # the act a clause ending with ":" hands on to the next one
        # a consolidated text: the text whose preamble is being read (its base first, then an amending text's)
        self.basis_owner: int | None = None
        self.item_rel: str | None = None  # the relation of the preamble item being read
        self.named: dict[int, str] | None = None  # the mentions with a name a law can be cited by (_named_law)

    def run(self) -> list[RawRelation]:
        ms = self.ms
        merged_before = True  # a consolidated text: still before its first article or basis
        for part, idxs, units in layout(self):
            if part.kind in (BASIS, ARTICLE, EFFECT, CHAPTER, PROMULGATION, REQUEST):
                merged_before = False
            if part.kind in (ARTICLE, EFFECT, CHAPTER, SECTION) or (part.kind in (BODY, OPENER, BASIS) and idxs
                                                                       and self.opened_once):
                self.opened = True
            if part.kind in (OPENER, BODY, BASIS) and idxs:
                self.opened_once = True
            if not idxs:
                continue
            quotes = _quote_depths(self.text, part.start, part.end)
            self.item_rel = _PART_DEFAULT.get(part.kind)
            carry: tuple | None = None  # the act of a line that introduces a list ("Bãi bỏ các văn bản sau đây:")
            for us, ue, item, uidx, clauses, intro_here in units:
                _limits.check()  # a file's time limit covers its relations (a 3 MB line has thousands of clauses)
                if not item:
                    carry = None
                self.sentence_heads = []
                self.list_role = None
                self.colon_role = None
                role: dict[int, tuple] = {}
                for cs, ce, cidx, before, at_item, colon_here in clauses:
                    _limits.check()
                    if before != ";":
                        self.sentence_heads = []
                    colon = self.colon_role if before == ":" else None
                    head = self._clause(part, cs, ce, cidx, quotes, carry if at_item else None, role, colon)
                    if head is not None:
                        self.sentence_heads.append(head)
                    # "X ..., được sửa đổi, bổ sung bởi:" then a line that names Y: Y amends X
                    self.colon_role = self._list_intro(part, cs, ce, cidx, role, quotes) if colon_here else None
                intro = self._list_intro(part, us, ue, uidx, role, quotes) if intro_here else None
                if intro is not None:
                    carry = intro
            if self.vbhn and merged_before and part.kind in (TITLE, BODY):
                for i in idxs:
                    if not ms[i].own and _key(ms[i]) != self.own_key:
                        if self.basis_owner is None:
                            self.basis_owner = i
                        self._emit(OWN, i, "consolidates", [(ms[i].start, ms[i].end)], part.start, part.end)
        # a reference that acts ("Kế hoạch A ... thực hiện Chỉ thị B", "... bởi Luật Y") is the subject of that
        # phrase, not something the file itself cites
        acting = {r.source for r in self.out if r.source != OWN}
        return [r for r in self.out if not (r.source == OWN and r.relation == "cites" and r.target in acting)]

    # ------------------------------------------------------------------ one clause

    def _list_intro(self, part: Part, us: int, ue: int, uidx: list[int], role: dict[int, tuple],
                    quotes) -> tuple | None:
        """The act a unit ending with ":" hands to the list items after it: "Bãi bỏ ... các văn bản sau đây:" (the
        file repeals each item), "X được sửa đổi, bổ sung bởi:" (each item amends X), "Căn cứ:". Asked only of a
        span ``relations_layout.intro_possible`` lets through."""
        text = self.text
        lines = text[us:ue].split("\n")
        while lines and self.f.reader.line_kind(lines[-1]) in ("noise", "blank"):
            lines.pop()
        body = "\n".join(lines).rstrip()
        # a unit ending with ":", or an article's heading alone ("Điều 1. Bãi bỏ toàn bộ 15 văn bản") before items
        heading = part.kind in (ARTICLE, EFFECT) and us == part.start and "\n" not in body.strip()
        if not body.endswith(":") and not heading:
            return None
        end = us + len(body)
        last = max((self.ms[i].end for i in uidx if self.ms[i].end <= end), default=us)
        cut = max(text.rfind(";", us, end), text.rfind(". ", us, end), last)
        tail_start = max(cut, us)
        ph = self.f.last_phrase(text[tail_start:end], tail_start)
        if ph is None or ph.relation not in _LIST_CARRY:
            return None
        if not ph.passive and " ".join(text[ph.start:ph.end].split()).lower() in self.f.tight and (
                self.f.tight_list is None or not self.f.tight_list.match(text, ph.end, end)):
            return None  # "Hỗ trợ khi thu hồi đất công ích:" hands nothing on
        if ph.passive:
            patient = self._patient(max((i for i in uidx if self.ms[i].end <= ph.start), default=None,
                                        key=lambda i: self.ms[i].start), role)
            return ("passive", patient, ph.relation) if patient is not None else None
        if _quoted(quotes, text, us, ph.start) or part.attached or part.kind not in self.f.own_parts.get(ph.relation, ()):
            return None
        lead = text[us:ph.start]
        lead = lead[_ITEM_LEAD.match(lead).end():]
        if len(lead) > _MAX_LEAD and not _SELF.search(lead):
            return None
        if self.f.cancel_re is not None and ph.relation in _CANCELLABLE and self.f.cancel_re.search(text[max(us, ph.start - 120):ph.start]):
            return None
        return ("own", ph.relation)

    def _clause(self, part: Part, cs: int, ce: int, idxs: list[int], quotes, carry: tuple | None = None,
                role: dict[int, tuple] | None = None, colon: tuple | None = None) -> int | None:
        """The relations of one clause; returns its first reference (a head of the sentence's items)."""
        text, ms, f = self.text, self.ms, self.f
        prev: int | None = None
        # what each mention of the clause received: ("own", rel) | ("between", source, rel) | ("passive", patient, rel)
        role = {} if role is None else role
        first = True
        head = None
        item_rel = self._item_relation(part, cs) if part.kind in _PART_DEFAULT else None
        list_role = self.list_role if _last_char(text, cs) == ";" else colon
        narrated = _NARRATED.search(text, cs, ce)
        if narrated is not None and " ".join(narrated.group("unit").lower().split()) in self._header_words():
            narrated = None
        # where each mention stands in the clause, and the straight quotes counted so far: looked up, not searched
        # and counted again from the clause's start for each mention (quadratic in a clause of thousands)
        self.clause_idxs, self.clause_pos = idxs, {i: k for k, i in enumerate(idxs)}
        straight_at, straight = cs, 0
        for n, i in enumerate(idxs):
            if n % 64 == 63:
                _limits.check()
            m = ms[i]
            if m.own or (self.own_key is not None and _key(m) == self.own_key):
                continue  # the document itself (its number in its attached regulation is no self-edge)
            gap_start = ms[prev].end if prev is not None else cs
            gap = text[gap_start:m.start + _inner_lead(f, m)]
            if m.start >= straight_at:
                straight += text.count('"', straight_at, m.start)
                straight_at = m.start
            else:
                straight_at, straight = m.start, text.count('"', cs, m.start)
            quoted = _curly_open(quotes, m.start) or straight % 2 == 1
            ph = f.last_phrase(gap, gap_start)
            named = self.f.named_before_re.search(text, max(gap_start, ph.start - 30), ph.start) if ph is not None \
                and not ph.passive else None
            if named is not None and not _ISSUED_END.search(text[gap_start:named.start()]):
                # "... bởi Luật sửa đổi, bổ sung ... số Y": the phrase names Y; what acts is the phrase before it
                ph = f.last_phrase(text[gap_start:named.start()], gap_start)
            if ph is not None and not quoted and _quoted(quotes, text, cs, ph.start):
                ph = None  # a phrase of a quoted title ("... về việc “hủy bỏ ...”") acts on nothing outside it
            if ph is not None and not ph.passive and _ALIAS_END.search(text, gap_start, m.start):
                ph = _Phrase("cites", ph.start, ph.end)  # "... (sau đây gọi là Thông tư số X)": a name, not an object
            if ph is not None and not ph.passive and f.tight_miss(text[ph.start:ph.end], text[ph.end:m.start], m):
                ph = _Phrase("cites", ph.start, ph.end)  # "thu hồi đất theo Nghị định số X": X is only followed
            coord = False
            tail = text[ph.end:gap_start + _ENDS_COORD.search(gap).start()] if ph is not None and \
                _ENDS_COORD.search(gap) else ""
            fallback = False  # the phrase may be a word of the title before: coordinate if it makes no act
            if ph is not None and not ph.passive and prev is not None and prev in role and _ENDS_COORD.search(gap) \
                    and not self.f.phrase_tail_re.match(tail):
                if tail.lstrip()[:1].isupper() or self.f.law_name_re.fullmatch(tail.strip()):
                    # "... thực hiện Nghị quyết Đại hội Đảng lần thứ X, Nghị quyết số B": a list of the phrase's
                    # objects, the first without a number
                    fallback = True
                else:
                    # "Thông tư A sửa đổi Thông tư B hướng dẫn giám sát ... và Thông tư C": the phrase is a word of
                    # B's title; C is coordinated with B
                    ph, coord = None, True
            r: tuple | None = None
            if ph is not None and ph.passive:
                patient = self._patient(prev, role)
                if patient is not None and not f.can_act(m, ms[patient], ph.relation):
                    # dated no later than what it would amend: a second item after the rider, not an amender
                    r = role.get(patient) or ("own", "cites")
                    if r[0] == "own" and not self.article:
                        self._emit(OWN, i, r[1], [(m.start, m.end)], cs, ce)
                    role[i] = r
                    prev = i
                    first = False
                    continue
                if patient is None:
                    # a rider on a document the text names without a reference ("Luật báo chí ngày 28 tháng 12 năm
                    # 1989 đã được sửa đổi theo Luật số Y hết hiệu lực"): Y is history, nothing this file does to it
                    r = ("own", "cites", "rider")
                else:
                    r = ("passive", patient, ph.relation)
                    self._emit(i, patient, ph.relation, [(ms[patient].start, ms[patient].end), (ph.start, ph.end),
                                                         (m.start, m.end)], cs, ce)
            elif prev is not None and _ISSUE.search(gap) and (ph is None or not self._titled(prev, ph)) \
                    and self._implemented(prev, role, idxs):
                # "Thực hiện Chỉ thị A, Tỉnh ủy đã ban hành Kế hoạch B": B implements A
                tgts = self._implemented(prev, role, idxs)
                r = ("passive", tgts[0], "implements", tuple(tgts[1:]))
                for t in tgts:
                    self._emit(i, t, "implements", [(ms[t].start, ms[t].end), (m.start, m.end)], cs, ce)
                self._emit(OWN, i, "cites", [(m.start, m.end)], cs, ce)
            elif first and carry is not None and (ph is None or ph.relation == "cites") and not quoted:
                r = carry
                if r[0] == "passive":
                    for t in _patients(r):
                        self._emit(i, t, r[2], [(ms[t].start, ms[t].end), (m.start, m.end)], cs, ce)
            elif first and ph is None and list_role is not None and list_role[0] == "passive" and _LIST_GAP.match(gap) \
                    and not self._list_closed(cs) and (m.type or "").lower() not in f.not_sources.get(list_role[2], ()):
                # "... đã ban hành Kế hoạch A; Kế hoạch B": the narrative's list goes on; a rider's list ends with its
                # parenthesis ("(được sửa đổi, bổ sung bởi A; B); C": C is the next item), and a letter amends nothing
                r = list_role
                for t in _patients(r):
                    self._emit(i, t, r[2], [(ms[t].start, ms[t].end), (m.start, m.end)], min(cs, ms[t].start), ce)
            elif first and self.vbhn and self.basis_owner is not None and not quoted and (
                    item_rel == "based_on" and (ph is None or ph.relation in ("based_on", "cites"))
                    or ph is not None and ph.relation == "based_on"):
                # a consolidated text repeats the preambles of the texts it merges: its base text's (first), then,
                # in a note "Thông tư số Y ... có căn cứ ban hành như sau:", the amending text's
                r = ("between", self.basis_owner, "based_on")
            elif first and item_rel is not None and not quoted and not (self.vbhn and item_rel == "based_on") \
                    and not (self.narrative and self.opened) and (
                    item_rel == "based_on" or ph is None or ph.relation == item_rel
                    or ph.relation == "cites" and item_rel != "implements"):
                r = ("own", item_rel)
            elif first and ph is None and list_role is not None and _LIST_GAP.match(gap):
                r = list_role  # "thay thế Quyết định số A ...; Quyết định số B ...": the list goes on after ";"
                if r[0] == "passive":
                    for t in _patients(r):
                        self._emit(i, t, r[2], [(ms[t].start, ms[t].end), (m.start, m.end)], min(cs, ms[t].start), ce)
            elif ph is not None and ph.relation != "cites":
                r = self._phrase_act(part, cs, prev, i, ph, quoted)
                if fallback and r[0] != "between":
                    r = self._inherit(prev, i, idxs, role)
                    if r[0] == "passive":
                        for t in _patients(r):
                            self._emit(i, t, r[2], [(ms[t].start, ms[t].end), (m.start, m.end)], cs, ce)
            elif ph is not None:  # a phrase after which a reference is only followed or mentioned
                r = ("own", "cites")
            elif prev is not None and prev in role and (
                    coord or _COORD.match(gap) or _ALIAS.match(gap)
                    # a preamble item names documents one after another, each with its title: "Căn cứ Thông tư
                    # số A ... quy định về ... và Thông tư số B ..."
                    or part.kind in _PART_DEFAULT and ph is None and m.text[:1].isupper()
                    and _LOOSE_COORD.match(gap) and role[prev][0] == "own"):
                r = self._inherit(prev, i, idxs, role)
                if r[0] == "passive":
                    for t in _patients(r):
                        self._emit(i, t, r[2], [(ms[t].start, ms[t].end), (m.start, m.end)], cs, ce)
            else:
                r = ("own", "cites")
            if r == ("own", "implements") and narrated is not None and m.end <= narrated.start():
                r = ("own", "cites", "implements")  # "Thực hiện A, Sở ... đã ...": a narrative, not the file's act
            if r[0] == "own":
                rel = r[1]
                if self.article and rel != "cites" and not (part.kind == REQUEST and rel == "responds_to"):
                    rel = "cites"  # a news item reports; it does not itself implement or rely on anything
                spans = [(m.start, m.end)]
                if ph is not None:
                    spans.insert(0, (ph.start, ph.end))
                self._emit(OWN, i, rel, spans, cs, ce)
            elif r[0] == "between":
                src = r[1]
                self._emit(src, i, r[2], [(ms[src].start, ms[src].end)] + ([(ph.start, ph.end)] if ph else [])
                           + [(m.start, m.end)], cs, ce)
            role[i] = r
            if self.vbhn and _OWN_BASIS.match(text, m.end, ce):
                self.basis_owner = i  # "Thông tư số Y ... có căn cứ ban hành như sau:"
            self._after(part, i, idxs, role, ce, cs, quoted)
            self._named_law(i, idxs, ce, cs)
            prev = i
            if first:
                head = i
            if r[0] != "between":
                # the list a ";" continues is that of the last reference named at the clause's level
                self.list_role = r if (r[0] == "own" and r[1] != "cites" or r[0] == "passive") else None
                self.list_depth = _paren_depth(text, max(part.start, m.start - 2000), m.start)
            first = False
        return head

    header_words_: str | None = None

    def _header_words(self) -> str:
        """The file's header in lower case, spaces collapsed (read when a clause narrates)."""
        if self.header_words_ is None:
            head = next((p for p in self.st.parts if p.kind == HEADER), None)
            text = self.text
            self.header_words_ = " ".join(text[head.start:head.end].lower().split()) if head is not None else ""
        return self.header_words_

    def _list_closed(self, cs: int) -> bool:
        """Whether the parenthesis the list before a ";" stood in is closed by ``cs``: "(được sửa đổi bởi A; B)" goes
        on to B, "(được sửa đổi bởi A); B" does not."""
        if self.list_depth <= 0:
            return False
        return _paren_depth(self.text, max(0, cs - 2000), cs) < self.list_depth

    clause_idxs: list[int] | None = None
    clause_pos: dict[int, int] = {}

    def _pos(self, idxs: list[int], i: int) -> int | None:
        """``idxs.index(i)`` (None when absent), from the clause's table when ``idxs`` are the clause's mentions."""
        if idxs is self.clause_idxs:
            return self.clause_pos.get(i)
        return idxs.index(i) if i in idxs else None

    def _item_relation(self, part: Part, cs: int) -> str | None:
        """The relation the first reference of a preamble item takes without a phrase of its own: by the item's
        opening words ("Căn cứ", "Xét đề nghị ...", "Thực hiện"), else that of the item before it when the list
        goes on after ";" or ":", else none (a new sentence)."""
        text = self.text
        opening = text[cs:min(len(text), cs + 200)].lstrip(" \t\n;-+•*").split("\n")[0]
        kind = self.f.reader.line_kind(opening)
        if kind in _PART_DEFAULT:
            self.item_rel = _PART_DEFAULT[kind]
        elif part.kind == OPENER and _SENTENCE_END.search(text, part.start, cs):
            return None  # "Thực hiện A, ... . Sở đã ...; trình ... tại Tờ trình số T": past its first sentence
        elif cs <= part.start or _last_char(text, cs, part.start) in (";", ":", ",") or (
                part.kind == BASIS and "\n" not in text[part.start:cs].strip()
                and bisect_left(self.starts, cs) == bisect_left(self.starts, part.start)):
            # the list after a heading line of bases that names no document ("I. CĂN CỨ", "1. Căn cứ pháp lý")
            self.item_rel = self.item_rel or _PART_DEFAULT[part.kind]
        else:
            return None
        return self.item_rel

    def _named_law(self, i: int, idxs: list[int], ce: int, cs: int) -> None:
        """"Nghị định số X ... quy định chi tiết (một số điều của) Luật Y" where Y is named without a date or number
        (so it is no reference of its own) but the file cites it elsewhere by that name: X guides (or amends) Y."""
        text, ms = self.text, self.ms
        if self.named is None:
            folded = ((k, _fold_name(m.name or "")) for k, m in enumerate(ms) if m.name)
            self.named = {k: name for k, name in folded if len(name) >= 8}
        if not self.named or len(self.named) == 1 and i in self.named:
            return  # no other reference's name to find
        pos = self._pos(idxs, i)
        nxt = ms[idxs[pos + 1]].start if pos + 1 < len(idxs) else ce
        tail_start = ms[i].end
        if self.f.guide_probe is None or self.f.guide_probe.search(text, tail_start, nxt) is None:
            return  # no phrase of a guide or an amendment: the first one the loop below looks for
        ph = None
        for x in self.f.triggers.finditer(text, tail_start, nxt):
            if self.f.relation_of(x.group()) in ("guides", "amends"):
                ph = x
                break
        if ph is None or not _titled(text[tail_start:ph.start()], self.f.subject_verb_re) \
                or self.f.named_before_re.search(text, max(tail_start, ph.start() - 30), ph.start()):
            return
        rel = self.f.relation_of(ph.group())
        lead = text[max(tail_start, ph.start() - 120):ph.start()]
        if self.f.cancel_re is not None and self.f.cancel_re.search(lead) \
                or (ms[i].type or "").lower() in self.f.not_sources.get(rel, ()):
            return
        law = self.f.law_name_re.match(text, ph.end(), nxt)
        if law is None:
            return
        said = _fold_name(law.group("name"))
        best = None
        for k, name in self.named.items():
            if said.startswith(name) and (best is None or len(name) > best[0]):
                best = (len(name), k)
        if best is not None and best[1] != i and self.f.can_act(ms[i], ms[best[1]], rel):
            k = best[1]
            # the evidence shows the name here and the reference the file gave it where it is cited in full
            self.out.append(RawRelation(i, k, rel, ms[i].line, evidence(
                text, cs, ce, [(ms[i].start, ms[i].end), (ph.start(), ph.end()), (law.start(), law.end()),
                               (ms[k].start, ms[k].end)])))

    def _inherit(self, prev: int, i: int, idxs: list[int], role: dict[int, tuple]) -> tuple:
        """The role a reference coordinated with ``prev`` takes: ``prev``'s, unless the dates say it cannot be acted
        on (or act) so; then that of the clause's first reference (a new item of the list)."""
        ms = self.ms
        r = role[prev]
        if r[0] in ("passive", "between") and not (
                self.f.can_act(ms[i], ms[r[1]], r[2]) if r[0] == "passive" else self.f.can_act(ms[r[1]], ms[i], r[2])):
            r = role.get(idxs[0]) or ("own", "cites")
            if r[0] != "own":
                r = ("own", "cites")
        return r

    def _patient(self, prev: int | None, role: dict[int, tuple]) -> int | None:
        """The reference a passive phrase is about: the one before it, or, when that one is itself the actor of a
        passive phrase ("X được sửa đổi bởi Y và được hướng dẫn bởi Z"), the one it acts on."""
        if prev is None:
            return None
        r = role.get(prev)
        if r is not None and r[0] == "passive":
            return r[1]
        return prev

    def _implemented(self, prev: int, role: dict[int, tuple], idxs: list[int]) -> list[int]:
        """The references a narrative "Thực hiện A, B, tỉnh đã ban hành Kế hoạch C" says C implements: the one
        before C and those coordinated with it, when the clause opened by carrying them out."""
        r = role.get(prev)
        if r is None or not (r[0] == "own" and "implements" in r[1:] or r[0] == "between" and r[2] == "implements"
                             and len(r) == 3):
            return []
        group = [prev]
        k = self._pos(idxs, prev)
        while k > 0 and role.get(idxs[k - 1]) == r:
            k -= 1
            group.insert(0, idxs[k])
        return group

    def _titled(self, prev: int, ph: _Phrase) -> bool:
        """Whether the words from reference ``prev`` to phrase ``ph`` continue ``prev``'s title."""
        between = self.text[self.ms[prev].end:ph.start]
        return _titled(between, self.f.subject_verb_re)

    def _phrase_act(self, part: Part, cs: int, prev: int | None, i: int, ph: _Phrase, quoted: bool) -> tuple:
        """Who acts with a relation phrase before reference ``i``: the reference before it (its title goes on), the
        file's own document (the part lets it and the phrase opens the clause), or nobody (a mention)."""
        text, ms, f = self.text, self.ms, self.f
        rel = ph.relation
        named = self.f.named_before_re.search(text, max(cs, ph.start - 30), ph.start)
        if named and not _ISSUED_END.search(text[max(cs, named.start() - 20):named.start()]):
            return ("own", "cites")  # "Luật sửa đổi, bổ sung ...": the name of a document, not an act
        titled = False  # the phrase continues the title of the reference before it
        if prev is not None:
            between = text[ms[prev].end:ph.start]
            titled = _titled(between, self.f.subject_verb_re)
        if rel in _CANCELLABLE and f.cancel_re is not None:
            # the words before the phrase, within the clause (within the title when it continues one)
            lead = text[max(ms[prev].end if titled else cs, ph.start - 120):ph.start]
            if f.cancel_re.search(lead):
                return ("own", "cites")
        if prev is not None:
            if titled and f.can_act(ms[prev], ms[i], rel):
                src_type = (ms[prev].type or "").lower()
                if src_type in f.not_sources.get(rel, ()):
                    return ("own", "cites")
                return ("between", prev, rel)
            if titled and _key(ms[prev]) is not None and _key(ms[prev]) == _key(ms[i]):
                return ("own", "cites")  # "Nghị định X quy định chi tiết ... (sau đây viết tắt là Nghị định X)"
        if quoted or part.attached:
            return ("own", "cites")
        if part.kind not in f.own_parts.get(rel, ()):
            return ("own", "cites", rel)  # not an act of the file here; a narrative may still use it
        lead_re = f.own_lead.get(rel, {}).get(part.kind)
        if lead_re is not None and not lead_re.search(text[cs:ph.start]):
            return ("own", "cites", rel)
        if self.narrative and self.opened:
            return ("own", "cites", rel)  # past its opening line, a report narrates what others did
        if part.kind == TITLE:
            return ("own", rel)
        lead = text[cs:ph.start]
        lead = lead[_ITEM_LEAD.match(lead).end():]
        if len(lead) <= _MAX_LEAD or _SELF.search(lead) or lead_re is not None:
            return ("own", rel)
        return ("own", "cites", rel)

    def _after(self, part: Part, i: int, idxs: list[int], role: dict[int, tuple], ce: int, cs: int,
               quoted: bool) -> None:
        """A phrase written after the reference ("Quyết định số X ... hết hiệu lực kể từ ..."): the file's own act
        on the document the sentence is about: the reference itself, or the one whose title it is in ("X sửa đổi
        Y hết hiệu lực": X), or the one a rider is about ("X đã được sửa đổi theo Y hết hiệu lực": X); with the
        references coordinated before it and the items of the same sentence before a ";"."""
        text, ms = self.text, self.ms
        pos = self._pos(idxs, i)
        nxt = ms[idxs[pos + 1]].start if pos + 1 < len(idxs) else ce
        tail = text[ms[i].end:nxt]
        for rel, rx in self.f.after_re:
            m = rx.search(tail)
            if m is None:
                continue
            before = tail[:m.start()]
            if len(before) > (_MAX_EFFECT_TITLE if part.kind == EFFECT else _MAX_TITLE) or self.f.after_stop_re.search(before):
                continue
            if self.f.after_licence_re.search(before):
                continue  # "... giấy phép hết hiệu lực": the licence ends, not the text
            soft = self.f.after_soft_stop_re.search(before)
            title = self.f.title_start_re.search(before)
            if soft is not None and (title is None or soft.start() < title.start()):
                continue
            if quoted or part.attached or part.kind not in self.f.own_parts.get(rel, ()) or self.article:
                return
            if _DONE_END.search(before + m.group()[:len(m.group()) - len(m.group().lstrip(" ,()"))]):
                return
            if role.get(i, ("",))[-1] == "rider":
                return
            subject = i
            seen = set()
            while subject in role and role[subject][0] in ("between", "passive") and subject not in seen:
                seen.add(subject)
                r = role[subject]
                subject = r[1] if r[0] == "passive" else r[1]
            k = self._pos(idxs, subject)
            if k is None:
                return
            group = [subject]
            while k > 0:
                a, b = idxs[k - 1], idxs[k]
                gap = text[ms[a].end:ms[b].start].lstrip(" )\n")  # "(sau đây gọi là A) và B"
                # "A ... quy định về X và chế độ Y và B ... hết hiệu lực": A's title, then B coordinated with A
                if not (_COORD.match(gap) or _ENDS_COORD.search(gap) and self.f.title_start_re.match(gap.lstrip())
                        and len(gap) <= _MAX_EFFECT_TITLE and not self.f.after_stop_re.search(gap)):
                    break
                # "A quy định chi tiết Luật Y và B ... hết hiệu lực": Y is a word of A's title; A is what is coordinated
                seen = set()
                while role.get(a, ("own",))[0] == "between" and role[a][1] in idxs and a not in seen:
                    seen.add(a)
                    a = role[a][1]
                if role.get(a, ("own",))[0] != "own" or idxs.index(a) >= k:
                    break
                group.insert(0, a)
                k = idxs.index(a)
            group = [g for g in self.sentence_heads if g not in group] + group
            at = (ms[i].end + m.start(), ms[i].end + m.end())
            for g in group:
                self._emit(OWN, g, rel, [(ms[g].start, ms[g].end), at], min(cs, ms[g].start), ce)
            return

    # ------------------------------------------------------------------ output

    def _emit(self, source: int, target: int, relation: str, spans: list[tuple[int, int]], cs: int, ce: int) -> None:
        m = self.ms[target]
        self.out.append(RawRelation(source, target, relation, m.line, evidence(self.text, cs, ce, spans)))


def _fold_name(name: str) -> str:
    """A law's name for comparison: lower case, spaces and punctuation folded."""
    return " ".join(_PUNCT.sub(" ", unicodedata.normalize("NFC", name).lower()).split())


def _titled(between: str, subject_verb: regex.Pattern) -> bool:
    """Whether the words between a reference and a relation phrase continue the reference's title: not too long,
    no new sentence or own-document word ("này"), and no new subject after a comma ("..., Tỉnh ủy ban hành ...")
    unless the title opens after it ("... của Liên Bộ: Lao động, Tài chính, Y tế về việc sửa đổi ...")."""
    if len(between) > _MAX_TITLE:
        return False
    last = None
    for last in _BREAK_TITLE.finditer(between):
        pass
    if last is None:
        return True
    if last.group().strip() in ("này",) or last.group().startswith("."):
        return False
    rest = between[last.end():]
    about = _ABOUT.search(rest)
    return about is not None and not subject_verb.search(rest, 0, about.start())


def _patients(r: tuple) -> tuple[int, ...]:
    """The references a ("passive", patient, relation[, more patients]) role acts on."""
    return (r[1],) + (r[3] if len(r) > 3 else ())


def _inner_lead(f: RelationFinder, m: Mention) -> int:
    """How far a relation phrase reaches into a mention read with a title before its number ("Chương trình hành
    động ... thực hiện Nghị quyết số 57-NQ/TW" read as one reference): the end of the last phrase before the
    number's type word, else 0."""
    if not m.number:
        return 0
    at = m.text.find(m.number)
    if at <= 0:
        return 0
    lead = m.text[:at]  # the words before the number: the same few ("Nghị quyết số ") in most mentions
    end = f.inner_leads.get(lead)
    if end is None:
        last = None
        for x in f.triggers.finditer(lead):
            last = x
        # only a plan's "thực hiện": "Luật sửa đổi, bổ sung ... số 118/2025/QH15" is a law's name, not an amendment
        end = last.end() if last is not None and f.relation_of(last.group()) == "implements" else 0
        if len(f.inner_leads) >= 4096:
            f.inner_leads.clear()
        f.inner_leads[lead] = end
    return end


_STRICT = ("amends", "replaces", "repeals", "suspends", "corrects")


def _dated_ok(source: Mention, target: Mention, relation: str) -> bool:
    """Whether ``source`` can act on ``target`` by their dates: an amendment, replacement, repeal, suspension or
    correction comes after what it acts on, a guide not before (unknown dates: yes)."""
    if relation not in _STRICT and relation != "guides":
        return True
    a, b = source.date, target.date
    if a and b:
        return a > b if relation in _STRICT else a >= b
    if source.year and target.year:
        return source.year >= target.year
    return True


def _key(m: Mention | None) -> tuple | None:
    if m is None or not m.number:
        return None
    return (m.number.lstrip("0"), _SYMBOL_SPACES.sub("", (m.symbol or "").upper()).replace("Đ", "D"))


# what the compiled core's reader is given of this module (relations_core.reader_core)
_CORE_OWN = {
    "patterns": {"coord": _COORD, "ends_coord": _ENDS_COORD, "own_basis": _OWN_BASIS, "loose_coord": _LOOSE_COORD,
                 "list_gap": _LIST_GAP, "alias": _ALIAS, "alias_end": _ALIAS_END, "about": _ABOUT,
                 "break_title": _BREAK_TITLE, "self": _SELF, "item_lead": _ITEM_LEAD, "issue": _ISSUE,
                 "narrated": _NARRATED, "sentence_end": _SENTENCE_END, "issued_end": _ISSUED_END, "done_end": _DONE_END,
                 "punct": _PUNCT, "symbol_spaces": _SYMBOL_SPACES, "spaces": _SPACES},
    "lists": {"list_carry": list(_LIST_CARRY), "cancellable": list(_CANCELLABLE), "strict": list(_STRICT)},
    "part_default": _PART_DEFAULT, "limits": (_MAX_TITLE, _MAX_LEAD, _MAX_EFFECT_TITLE)}


__all__ = ["OWN", "RawRelation", "RelationFinder", "evidence"]
