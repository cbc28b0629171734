"""The rule engine: text -> list[Mention].

Stages, each a small function: normalize the text; run every rule whose literal triggers occur; resolve
overlapping matches with one deterministic function; read the context around each match (type word and "số"
before it, date, issuer, Party term and subject after it); share fields across lists; mark the file's own header
number; resolve short forms to their antecedents; map offsets back to the decoded text.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import os
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

import regex

from . import limits as _limits, native
from .lexicon import key as _key, words_alternation
from .limits import TimeLimitExceeded
from .model import Mention
from .normalize import Normalized, matches_at, normalize
from .rules import Rule, RuleSet, load_rules

# entries of each per-engine cache of pure functions (dates, codes, places): what repeats across files fits in a few
# thousand; a larger bound only makes every worker's memory grow with the number of files read
_CACHE_SIZE = 8192
_LAYOUT_PRIORITY = {"normative": 0, "party": 1, "state": 2, "older": 3, "name": 4}


@dataclass(slots=True)
class _Core:
    start: int
    end: int
    rule: Rule
    number: str | None
    year: int | None
    symbol: str | None
    tw: str | None = None
    name: str | None = None


@dataclass(slots=True)
class _Draft:
    """One reference between the stages (read context, share lists, mark own, short forms, finish): its core match,
    the fields read around it, and its span once the prefix and suffix are added."""

    core_start: int  # the rule's match, before the prefix and suffix are read
    core_end: int
    rule: str  # id of the rule (or "short_form")
    layout: str
    number: str | None
    year: int | None
    date: str | None = None
    issuer: str | None = None
    issuer_span: tuple[int, int] | None = None  # where the issuer phrase stands in the normalized text
    term: str | None = None
    subject: str | None = None
    pinpoint: str | None = None
    short_form: bool = False
    own: bool = False
    name: str | None = None
    tw: str | None = None  # the type word as written
    prefix_start: int = 0
    start: int = 0
    end: int = 0
    symbol: str | None = None
    issuer_code: str | None = None
    branch: str | None = None
    type: str | None = None
    level: str = "unknown"
    province: str | None = None
    locality: str | None = None


class MatchTimeout(TimeLimitExceeded):
    """Matching one text took longer than the per-file limit."""


class Engine:
    """Compiled rules plus context patterns. Build once, call :meth:`extract` per text."""

    _deadline: _limits.Deadline

    def __init__(self, rules: RuleSet):
        self.rules = rules
        lx = self.lexicon = rules.lexicon
        ctx = rules.context
        # the lexicon's tables and answers, as the stages below read them
        self.type_word_map = lx.type_word_map  # type words: spelling (casefolded) -> canonical
        self.type_codes, self.party_type_codes, self.issuers = lx.type_codes, lx.party_type_codes, lx.issuers
        self.type_of_code = lx.type_of_code
        self.generic_types = lx.generic_types  # "văn bản": a type word that names no type
        self.place_words = lx.place_words
        self.canonical_symbol, self.canonical_code = lx.canonical_symbol, lx.canonical_code
        self.level_of_code, self.place_of = lx.level_of_code, lx.place_of
        words = sorted(self.type_word_map, key=len, reverse=True)
        tw_alt = "|".join(regex.escape(w).replace("\\ ", r"\s+") for w in words)
        self.tw_pattern = f"(?i:{tw_alt})"
        self.tw_word_re = regex.compile(rf"(?:{self.tw_pattern})(?![\p{{L}}])")
        cw = words_alternation(lx.central_issuer_words)
        self.central_issuer_re = regex.compile(rf"(?i)^(?:{cw})(?![\p{{L}}])") if cw else None
        # issuer names are not finished after these words: a line break right after them continues the name
        unfinished = "|".join(regex.escape(w, literal_spaces=True) for w in lx.unfinished_issuer_words)
        unfinished = rf"(?:(?<![\p{{L}}])(?:{unfinished}))"
        # "Luật X, có hiệu lực kể từ ngày ...": that date is not the law's
        not_a_name = "|".join(regex.escape(w, literal_spaces=True) for w in lx.not_a_name_words)
        self.not_a_name_re = regex.compile(rf"(?i)(?<![\p{{L}}])(?:{not_a_name})(?![\p{{L}}])")
        self.issuer_of_words = lx.issuer_of_words

        date = f"(?:{ctx['date_num']}|{ctx['date_words']})"
        self.date_re = regex.compile(date)
        stops = "|".join(regex.escape(w).replace("\\ ", r"\s+") for w in
                         sorted(ctx["issuer_stop"], key=len, reverse=True))
        comma_names = "|".join(regex.escape(n) for n in
                               sorted(lx.issuer_names_with_comma, key=len, reverse=True))
        # the stop is tried after every character of an issuer phrase: every branch starts with a space, a line
        # break or a punctuation mark (or the end), so a first lookahead turns the letters of a name away cheaply; the
        # costly "unfinished name" lookbehind runs only where a line break follows (same position, same result)
        stop = (rf"(?=[\s,;.():\[\]]|$)"
                rf"(?:\s+(?i:{stops})(?![\p{{L}}])|\s+(?i:năm)\s+\d|\s+và\s+(?:các\s+)?{self.tw_pattern}(?![\p{{L}}])"
                rf"|[ ]*[,;.():\[\]]|(?=[ ]*\n)(?<!{unfinished}[ ]*)[ ]*\n(?!\p{{Ll}})|[ ]*\n(?=[\p{{L}}_ ]{{1,30}}:)|[ ]*$)")
        heads = "|".join(regex.escape(h).replace("\\ ", r"\s+") for h in ctx.get("issuer_heads_lower", []))
        lead = rf"(?:\p{{Lu}}|(?=(?:{heads})(?![\p{{L}}])))" if heads else r"\p{Lu}"
        issuer_body = (rf"(?:(?:{comma_names})(?={stop})|{lead}(?:[^\n,;.():\[\]]|\n(?=\p{{L}})){{0,150}}?(?={stop}))"
                       if comma_names else
                       rf"{lead}(?:[^\n,;.():\[\]]|\n(?=\p{{L}})){{0,150}}?(?={stop})")
        self.issuer_body = issuer_body
        ngay = r"(?i:ngày|ngay)"
        self.suffix_re = regex.compile(
            rf"(?P<d1>\s*,?\s*(?:(?:ban hành|ký)\s+)?{ngay}\s*{date})?"
            rf"(?:\s+(?i:năm)\s+(?P<byear>(?:19|20)\d\d)(?![\d/]))?"
            rf"(?:\s*,?\s+(?i:của|cua)\s+(?P<issuer>{issuer_body}))?"
            rf"(?P<t>\s*,?\s*\(?(?:khóa|khoá|khoa)\s+(?P<term>[IVXL]{{1,6}})(?![\p{{L}}])\)?)?"
            rf"(?P<d2>\s*,?\s*(?:(?:ban hành|ký)\s+)?{ngay}\s*{date})?"
        )
        # the subject: after "về (việc)" up to the end of the clause (two cheap steps instead of one lazy regex)
        self.subject_intro_re = regex.compile(rf"\s*,?\s*{ctx['subject_intro']}\s+")
        # before a core match, read right to left: [type word [name] [của ISSUER] [ngày DATE]] [số[:]]
        law_words = [w for w in words if self.type_word_map[w] in lx.named_types]
        law_alt = "|".join(regex.escape(w).replace("\\ ", r"\s+") for w in law_words)
        of = "|".join(lx.issuer_of_words)
        prefix = [
            rf"(?:(?<![\p{{L}}])(?:(?P<tw>(?i:{law_alt}))(?:[ ]+(?P<name>\p{{Lu}}[\p{{L}} ,\-]{{0,100}}?))?|(?P<tw>{self.tw_pattern}))",
            rf"(?:\s+(?:{of})\s+(?P<pissuer>(?!{self.tw_pattern}(?![\p{{L}}]))\p{{Lu}}[^\n,;.()]{{0,100}}?))?",
            rf"(?:\s*,?\s*{ngay}\s+{date})?"
            rf"\s*,?\s*)?(?:(?P<so>(?<![\p{{L}}])(?:[Ss]ố|[Ss]o|SỐ))\s*:?\s*)?",
        ]
        self.prefix_re = regex.compile("".join(prefix), regex.REVERSE)
        # a law's name read back from a number that runs over another type word ("Luật Hóa chất và Nghị định số 26/..."):
        # the number is the decree's; the law is named without one
        self.name_split_re = regex.compile(rf"(?:,|\s(?:và|hoặc))\s+(?P<tw>{self.tw_pattern})(?![\p{{L}}])")
        # the "của ISSUER" branch is half the cost of the prefix match; where no "của"/"cua" stands in the look-back
        # window it cannot match, and the same pattern with a never-matching group in its place gives the same match
        self.prefix_no_of_re = regex.compile(prefix[0] + r"(?P<pissuer>(?!))?" + prefix[2], regex.REVERSE)
        self.pinpoint_re = regex.compile(rf"(?<![\p{{L}}])(?:{ctx['pinpoint']}),?\s+", regex.REVERSE)
        self.alias_re = regex.compile(ctx["alias"])
        self.bare_prefix_re = regex.compile(
            rf"(?<![\p{{L}}])(?P<tw>{self.tw_pattern})[ ]+(?:(?:số|so)[ ]*)?", regex.REVERSE)
        # the words of a "not after" phrase stand on one line: "HUYỆN KIM BẢNG\nSố: 112/KH-UBND" is a district's
        # name, then the file's own number, not "bảng số" (table number)
        not_after = "|".join(regex.escape(w).replace("\\ ", r"[ \t]+")
                             for w in sorted(ctx.get("not_after", []), key=len, reverse=True))
        self.not_after_re = regex.compile(rf"(?<![\p{{L}}])(?i:{not_after})\s*:?\s*", regex.REVERSE) if not_after else None
        # what stands before the file's own number on its line, matched in place (fullmatch between the line's start
        # and the number: a copy of the line per mention made a 3 MB line quadratic)
        self.own_line_re = regex.compile(
            # "số" in lower case opens a number line only with its colon: "số 94/2025/QH15, ..." at the start of a line
            # is a sentence that ran on from the line before; "Sô" is how OCR reads "Số"; "Nghị quyết số: 17/2022/..."
            r"[\s|*#>_]*(?:(?:Số|SỐ|So|Sô|SÔ)\s*[:.]?|số\s*[:.]|(?:Số\s*/\s*[Kk]ý\s+hiệu|Số\s+ký\s+hiệu|so_ky_hieu|"
            rf"Luật\s+số|LUẬT\s+SỐ|(?=\p{{Lu}})(?:{self.tw_pattern})\s+số)\s*:)\s*")
        self._codes_cache: dict[tuple, tuple] = {}
        self._date_cache: dict[str, tuple | None] = {}
        self._rules_sorted = sorted(rules.rules, key=lambda r: _LAYOUT_PRIORITY.get(r.layout, 9))
        # the compiled core's rule scans (None: they run in Python, below)
        self._scan_core = native.scan_core(self._rules_sorted, ctx.get("not_after", []), self.not_a_name_re.pattern)
        # the compiled core's reference context, from the same patterns, built on first use (None: _read_context runs
        # in Python)
        self._context_make = native.context_core(
            {"prefix": self.prefix_re, "pinpoint": self.pinpoint_re, "name_split": self.name_split_re,
             "suffix": self.suffix_re, "subject_intro": self.subject_intro_re, "subject_end": _SUBJECT_END,
             "date": self.date_re, "year": _YEAR4},
            _SUFFIX_FIRST)
        self._context = None
        # the core's drafts (scans, overlaps, context, names and codes in one call), built on first use after the
        # context (False: not in use; None once built when the core cannot)
        self._extract_make = self._scan_core is not None and self._context_make is not None and native.stage_on("extract")
        self._extractor = None
        self._core_read: str | None = None  # the last text whose cores the core's scan read
        self._deadline = _NO_DEADLINE

    @property
    def _context_core(self):
        """The core's reference context (None: it is read in Python), built on first use: in the workers, not in the
        process that forks them (each worker's own copy then; the parent's would be counted in each)."""
        if self._context_make is not None:
            self._context, self._context_make = self._context_make(), None
        return self._context

    @property
    def _extract_core(self):
        """The core's drafts of a text (None: the stages run one by one), built on first use as the context."""
        if self._extract_make:
            self._extract_make = False
            self._extractor = native.extractor(
                self._scan_core, self._context_core, [(r.id, r.layout) for r in self._rules_sorted],
                self._compute_codes, dict(self.type_word_map),
                {"list_gap": _LIST_GAP, "own_line": self.own_line_re, "alias": self.alias_re,
                 "tw_word": self.tw_word_re, "bare_prefix": self.bare_prefix_re}, sorted(self.generic_types))
        return self._extractor

    # ---------------------------------------------------------------- public
    def extract(self, text: str, timeout: float | None = None) -> list[Mention]:
        """Every mention in ``text``. With ``timeout`` (seconds), or within the time left to the current file (see
        ``docgraph.limits``), a pathological text or rule raises ``MatchTimeout`` instead of running on."""
        with _limits.deadline(timeout) as d:
            self._deadline = d
            try:
                return self._extract(text)
            except TimeoutError:  # the regex module's own timer: the same deadline
                raise MatchTimeout(_limits.time_limit_reason(d.seconds)) from None
            except TimeLimitExceeded as e:
                raise MatchTimeout(str(e)) from None
            finally:
                self._deadline = _NO_DEADLINE

    def _left(self) -> float | None:
        """Seconds left to the text being matched (None: no limit), for a regex ``timeout=``."""
        return self._deadline.left()

    def _check(self) -> None:
        self._deadline.check()

    def _extract(self, text: str) -> list[Mention]:
        norm = normalize(text)
        t = norm.text
        core = self._extract_core
        if core is not None:
            got = native.extract_mentions(core, t, norm.source, (norm._nstart, norm._nend, norm._ostart, norm._oend),
                                          self._left())
            if got is not None:
                rows, fixes = got
                out = [Mention(*row) for row in rows]
                for i, raw in fixes:  # an issuer whose source text needs NFC
                    out[i] = replace(out[i], issuer=_clean(unicodedata.normalize("NFC", raw)) or out[i].issuer)
                return out
        drafts = self._core_drafts(t)
        if drafts is None:
            drafts = self._read_contexts(t, resolve_overlaps(self._match_cores(t)))
        drafts = self._share_lists(t, drafts)
        drafts = self._mark_own(t, drafts)
        drafts = self._short_forms(t, drafts)
        return self._finish(norm, drafts)

    # ---------------------------------------------------------------- stages
    def _core_drafts(self, t: str) -> list[_Draft] | None:
        """The drafts of ``t`` from the core in one call (what the three stages below give); None: they run."""
        core = self._extract_core
        if core is None:
            return None
        rows = native.extract_drafts(core, t, self._left())
        return None if rows is None else [_Draft(*row) for row in rows]

    def _match_cores(self, t: str) -> list[_Core]:
        if self._scan_core is not None:
            rows = native.scan_cores(self._scan_core, t, self._left())
            if rows is not None:
                self._core_read = t  # the core's check of its characters passed: the context need not repeat it
                rules = self._rules_sorted
                return [_Core(s, e, rules[k], num, int(year) if year else None, sym, tw, name)
                        for s, e, k, num, year, sym, tw, name in rows]
        return self._match_cores_py(t)

    def _match_cores_py(self, t: str) -> list[_Core]:
        """The reference of the compiled core's scan (native/src/scan.rs): the same cores, in the same order."""
        out: list[_Core] = []
        # a number inside a web address ("...TT-BL%C4%90TBXH.aspx") is not a reference as written
        urls = _url_spans(t) if ("://" in t or "www." in t) else []
        seen: dict[tuple[str, ...], bool] = {}
        for rule in self._rules_sorted:
            if not rule.may_match(t, seen):
                continue
            for m in rule.regex.finditer(t, timeout=self._left()):
                gd = m.groupdict()
                year = int(gd["year"]) if gd.get("year") else None
                if urls and _overlaps(m.start(), m.end(), urls):
                    continue
                if self.not_after_re is not None and self.not_after_re.match(t, max(0, m.start() - 20), m.start()):
                    continue
                if rule.layout == "name" and self.not_a_name_re.search(gd.get("name") or ""):
                    continue  # "Luật X, có hiệu lực kể từ ngày ...": that date is not the law's
                out.append(_Core(m.start(), m.end(), rule, gd.get("number"), year, gd.get("symbol"),
                                 gd.get("tw"), gd.get("name")))
        return out

    def _read_contexts(self, t: str, cores: list[_Core]) -> list[_Draft]:
        if self._context_core is not None and cores:
            rows = native.read_contexts(
                self._context_core, t,
                [(c.start, c.end, c.rule.layout == "name", c.rule.layout == "normative", c.year) for c in cores],
                self._left(), self._core_read is t)
            if rows is not None:
                return [self._draft_of(c, row) for c, row in zip(cores, rows)]
        drafts = []
        for i, c in enumerate(cores):
            if i % 256 == 0:
                self._check()  # tens of thousands of references on one line: the limit holds between them
            drafts.append(self._read_context(t, c))
        return drafts

    def _draft_of(self, c: _Core, row: tuple) -> _Draft:
        """The draft of a core from what the compiled core read around it (native.read_contexts): the fields
        _read_context sets, the name and codes finished here as there."""
        tw, name, issuer, issuer_span, date, year, term, subject, pinpoint, prefix_start, start, end = row
        rule = c.rule
        d = _Draft(c.start, c.end, rule.id, rule.layout, c.number, year, date, issuer, issuer_span, term, subject,
                   pinpoint, False, False, None, tw, prefix_start, start, end)
        if rule.layout == "name":
            d.tw = c.tw
            d.name = _clean(f"{c.tw[:1].upper()}{c.tw[1:]} {c.name}".strip(" ,-"))
            symbol = None
        else:
            symbol = c.symbol
            if name is not None:
                d.name = _clean(f"{self.type_word_map[_key(tw)]} {name}")
        self._fill_codes(d, symbol)
        return d

    def _read_context(self, t: str, c: _Core) -> _Draft:
        """The reference of the compiled core's context (native/src/context.rs): the same fields."""
        d = _Draft(c.start, c.end, c.rule.id, c.rule.layout, c.number, c.year)
        start, end = c.start, c.end
        if c.rule.layout == "name":
            d.tw = c.tw
            d.name = _clean(f"{c.tw[:1].upper()}{c.tw[1:]} {c.name}".strip(" ,-"))
            symbol = None
        else:
            symbol = c.symbol
            lo = max(0, c.start - 400)
            pre = self.prefix_no_of_re
            for w in self.issuer_of_words:  # a plain loop of finds costs less than a generator over them
                if t.find(w, lo, c.start) >= 0:
                    pre = self.prefix_re
                    break
            pm = pre.match(t, lo, c.start, timeout=self._left())
            if pm and pm.start() < c.start:
                if pm.group("tw"):
                    d.tw = pm.group("tw")
                    start = pm.start("tw")
                    split = None
                    if pm.group("name"):
                        for split in self.name_split_re.finditer(pm.group("name")):
                            pass
                    if split is not None:
                        d.tw = split.group("tw")
                        start = pm.start("name") + split.start("tw")
                    elif pm.group("name"):  # only the law-word branch of the prefix reads a name
                        d.name = _clean(f"{self.type_word_map[_key(d.tw)]} {pm.group('name')}")
                    if pm.group("pissuer"):
                        d.issuer = _clean(pm.group("pissuer"))
                        d.issuer_span = pm.span("pissuer")
                    dd = self._date_from(pm.group(0))
                    if dd:
                        d.date, dyear = dd
                        if d.year is None:
                            d.year = dyear
                elif pm.group("so"):
                    start = pm.start("so")
        d.prefix_start = start
        # the suffix: date, issuer, term, date
        sm = self.suffix_re.match(t, end, timeout=self._left()) if _may_have_suffix(t, end) else None
        if sm and sm.end() > end:
            if sm.group("issuer"):
                d.issuer = _clean(sm.group("issuer"))
                d.issuer_span = sm.span("issuer")
            if sm.group("byear") and d.year is None:
                d.year = int(sm.group("byear"))
            if sm.group("term"):
                d.term = sm.group("term")
            for g in ("d1", "d2"):
                if sm.group(g):
                    dd = self._date_from(sm.group(g))
                    if dd and d.date is None:
                        d.date, dyear = dd
                        # a normative number carries its own year; every other layout takes the date's
                        if c.rule.layout != "normative" or d.year is None:
                            d.year = dyear
                    elif dd is None and d.year is None:
                        y = _YEAR4.search(sm.group(g))
                        if y:
                            d.year = int(y.group())
            end = sm.end()
            # strip trailing spaces/commas the suffix may have eaten
            while end > c.end and t[end - 1] in " ,\n":
                end -= 1
        if c.rule.layout == "name" and c.year is not None:
            d.year = c.year
        subm = self.subject_intro_re.match(t, end, timeout=self._left())
        if subm:
            stop = _SUBJECT_END.search(t, subm.end(), min(len(t), subm.end() + 300))
            subject = t[subm.end():stop.start() if stop else min(len(t), subm.end() + 300)]
            if len(subject.strip()) >= 2:
                d.subject = _clean(subject)
        pin = self.pinpoint_re.match(t, max(0, start - 80), start)
        if pin and pin.group(0).strip():
            d.pinpoint = _clean(pin.group(0)).rstrip(",")
        d.start, d.end = start, end
        self._fill_codes(d, symbol)
        return d

    def _date_from(self, s: str) -> tuple[str | None, int] | None:
        """The date in ``s`` (a prefix or suffix match: "Chỉ thị số ", ", ngày 25/12/2023"; they repeat, cached)."""
        hit = self._date_cache.get(s, _MISSING)
        if hit is _MISSING:
            if len(self._date_cache) > _CACHE_SIZE:
                self._date_cache.clear()
            hit = self._date_cache[s] = self._read_date(s)
        return hit

    def _read_date(self, s: str) -> tuple[str | None, int] | None:
        m = self.date_re.search(s)
        if not m:
            return None
        day, month, year = int(m.group("d")), int(m.group("m")), int(m.group("y"))
        try:
            return _dt.date(year, month, day).isoformat(), year
        except ValueError:
            return None, year

    def _fill_codes(self, d: _Draft, symbol: str | None) -> None:
        """Symbol, issuer code, branch, type, level and place: a pure function of the type word, layout, symbol and
        issuer phrase, which repeat a lot within and across files (cached)."""
        key = (d.tw, d.layout, symbol, d.issuer)
        hit = self._codes_cache.get(key)
        if hit is None:
            if len(self._codes_cache) > _CACHE_SIZE:
                self._codes_cache.clear()
            hit = self._codes_cache[key] = self._compute_codes(d.tw, d.layout, d.issuer, symbol)
        d.symbol, d.issuer_code, d.branch, d.type, d.level, d.province, d.locality = hit

    def _compute_codes(self, tw: str | None, layout: str, issuer: str | None,
                       symbol: str | None) -> tuple[str | None, str | None, str | None, str | None, str, str | None,
                                                    str | None]:
        """(symbol, issuer code, branch, type, level, province, locality) of a reference."""
        tw_canon = self.type_word_map.get(_key(tw)) if tw else None
        sym = issuer_code = branch = None
        type_from_code = None
        if symbol:
            sym = self.canonical_symbol(symbol)
            if layout == "party":
                typ, _, iss = sym.partition("/")
                type_from_code = self.party_type_codes.get(typ) or self.type_of_code(typ, tw_canon)
                issuer_code = iss
                branch = "party"
            elif layout == "older":
                issuer_code = sym
                branch = "state"
            else:
                segs = sym.split("-")
                first = _strip_digits(segs[0])
                if layout == "normative" and len(segs) == 1:
                    # 59/2020/QH14, 1211/2016/UBTVQH13
                    type_from_code = self.type_codes.get(first)
                    issuer_code = first
                elif len(segs) > 1 and (type_from_code := self.type_of_code(first, tw_canon)):
                    issuer_code = "-".join(segs[1:])
                else:
                    # công văn: NUMBER/ISSUER-UNIT
                    issuer_code = segs[0]
                    type_from_code = None
                branch = "state"
        # a type word that names no type ("văn bản số 12/2022/NĐ-CP") gives way to the type code's type
        typ = type_from_code if type_from_code and tw_canon in self.generic_types else tw_canon or type_from_code
        if layout == "name":
            typ = tw_canon or "Luật"
            branch = "state"
            level = "central"
        else:
            level = self.level_of_code(issuer_code)
            info = self.lexicon.issuer_of(issuer_code)
            if info and info.branch and branch != "party":
                branch = info.branch
            if issuer_code in ("TW",) or (info and info.branch == "party"):
                branch = "party"
        # the issuer phrase can settle the level and name the place
        province = locality = None
        if issuer:
            lvl, prov, loc = self.place_of(issuer)
            if self.central_issuer_re is not None and self.central_issuer_re.match(issuer) and not prov and not loc:
                lvl = "central"
            if level in ("ambiguous", "unknown") and lvl:
                level = lvl
            province, locality = prov, loc
        if level == "ambiguous":
            level = "unknown"
        return sym, issuer_code, branch, typ, level, province, locality

    def _share_lists(self, t: str, ds: list[_Draft]) -> list[_Draft]:
        """'các Nghị quyết số 26-NQ/TW, 27-NQ/TW ngày 19/5/2018': the type flows forward, date and issuer backward."""
        n = len(ds)
        linked = [False] * n  # linked[i]: ds[i] continues the list of ds[i-1]
        for i in range(1, n):
            if i % 1024 == 0:
                self._check()
            a, b = ds[i - 1], ds[i]
            if b.tw or a.layout == "name" or b.layout == "name":
                continue
            gap = t[a.end:b.prefix_start]
            if a.subject is None and _LIST_GAP.fullmatch(gap):
                linked[i] = True

        def list_type(d: _Draft) -> str | None:  # the type a list opened by d gives the numbers after it
            word = self.type_word_map.get(_key(d.tw)) if d.tw else None
            return word if word in self.generic_types else d.type

        shared = list_type(ds[0]) if n else None
        for i in range(1, n):
            b = ds[i]
            if not linked[i]:
                shared = list_type(b)
            elif shared and b.tw is None:
                # "các Nghị quyết số 26-NQ/TW, 27-NQ/TW": the list shares its type word; a word that names no type
                # ("các văn bản số 364/TTr-BNG, số 1518/BNG") leaves each number its own code's type
                b.type = (b.type or shared) if shared in self.generic_types else shared
        for i in range(n - 1, 0, -1):
            if linked[i]:
                a, b = ds[i - 1], ds[i]
                for f in ("date", "issuer", "term"):
                    if getattr(a, f) is None and getattr(b, f) is not None:
                        setattr(a, f, getattr(b, f))
                        if f == "date" and a.year is None:
                            a.year = int(b.date[:4])
                        if f == "issuer":
                            a.province, a.locality = b.province, b.locality
                            if a.level == "unknown":
                                a.level = b.level
                if a.year is None and b.year is not None and b.date is not None and a.date == b.date:
                    a.year = b.year
        return ds

    def _mark_own(self, t: str, ds: list[_Draft]) -> list[_Draft]:
        """The first 'Số: 215/KH-SYT' line near the top is the file's own document, not a reference."""
        limit = _nth_newline(t, 40)
        line_start = _LineStarts(t)
        for d in ds:
            if d.core_start > limit:
                break
            self._check()
            if self.own_line_re.fullmatch(t, line_start(d.core_start), d.core_start):
                d.own = True
                d.start = d.core_start
                return ds
        # a consolidated text (văn bản hợp nhất) is numbered in its authentication block ("XÁC THỰC VĂN BẢN HỢP
        # NHẤT"), after the body and before any appendix
        for d in ds:
            if d.symbol and d.symbol.startswith("VBHN"):
                self._check()
                near = t[max(0, d.core_start - 300):d.core_end + 300].upper()
                if "XÁC THỰC" in near and self.own_line_re.fullmatch(t, line_start(d.core_start), d.core_start):
                    d.own = True
                    d.start = d.core_start
                    break
        return ds

    def _short_forms(self, t: str, ds: list[_Draft]) -> list[_Draft]:
        # same number and symbol later in the file without a year: take the antecedent's fields
        full: dict[tuple[str, str], _Draft] = {}
        for d in ds:
            if d.symbol is None:
                continue
            k = (d.number.lstrip("0"), d.symbol)
            if d.year is not None:
                full.setdefault(k, d)
            elif k in full:
                ant = full[k]
                for f in ("year", "date", "issuer", "province", "locality"):
                    if getattr(d, f) is None:
                        setattr(d, f, getattr(ant, f))
                if d.level == "unknown":
                    d.level = ant.level
        # defined aliases: (sau đây gọi tắt là Chỉ thị 05)
        taken = sorted((d.start, d.end) for d in ds)
        aliases: list[tuple[str, _Draft, int]] = []
        for i, d in enumerate(ds):
            if d.symbol is None and d.layout != "name":
                continue
            if i % 64 == 0:
                self._check()
            limit = ds[i + 1].start if i + 1 < len(ds) else len(t)
            window_end = min(limit, d.end + 400)
            m = self.alias_re.search(t, d.end, window_end)
            if m and not self._alias_belongs(t, d, m):
                m = None
            if m:
                alias = m.group("alias").strip()
                aliases.append((alias, d, m.end()))
        new: list[_Draft] = []
        # the places of each alias in the whole text, found once (a file that defines the same short form on each of
        # its 14,000 lines searched the rest of the file 14,000 times); a later definition of the same alias looks
        # only before the places an earlier one has looked at (the later ones are taken, or overlap what is)
        found: dict[str, tuple[list[int], list[tuple[int, int]]]] = {}
        looked_from: dict[str, int] = {}
        for alias, ant, after in aliases:
            if _ALIAS_HAS_NUMBER.search(alias) and _ALIAS_HAS_SYMBOL.search(alias):
                continue  # a full reference: the rules find it themselves
            self._check()
            if alias not in found:
                pat = regex.compile(rf"(?<![\p{{L}}\d]){regex.escape(alias).replace(chr(92) + ' ', chr(92) + 's+')}(?![\p{{L}}\d]|[-/]\d)")
                spans = [m.span() for m in pat.finditer(t, timeout=self._left())]
                found[alias] = ([a for a, _ in spans], spans)
            starts, spans = found[alias]
            stop = looked_from.get(alias, len(t) + 1)
            if after >= stop:
                continue
            looked_from[alias] = after
            for k in range(bisect.bisect_left(starts, after), bisect.bisect_left(starts, stop)):
                a, b = spans[k]
                if _overlaps(a, b, taken):
                    continue
                new.append(self._short_from(ant, a, b))
                _add_span(taken, a, b)
        # bare later mentions: "Chỉ thị 05", "Nghị quyết số 04" -- only numbers that have an antecedent are looked for
        nums = sorted({(d.number.lstrip("0") or "0") for d in ds
                       if d.number is not None and not d.short_form and d.type}, key=len, reverse=True)
        if nums:
            # every spelling of a wanted number as _BARE_NUMBER can read it (up to five digits, leading zeros kept)
            wanted = {"0" * k + n: n for n in nums for k in range(max(1, 6 - len(n)))}
            # a bare mention needs an antecedent that starts before it: numbers up to the first one are skipped
            lo = min(d.start for d in ds if d.number is not None and not d.short_form and d.type)
            antecedents = _Antecedents(ds)
            for j, nm in enumerate(_BARE_NUMBER.finditer(t, lo)):
                if j % 256 == 0:
                    self._check()
                num = wanted.get(nm[1])
                if num is None or t[nm.start() - 1] not in " ốo":  # the bare prefix ends in " ", "số" or "so"
                    continue
                pm = self.bare_prefix_re.match(t, max(0, nm.start() - 60), nm.start())
                if pm is None:
                    continue
                start, end = pm.start(), nm.end()
                if _overlaps(start, end, taken):
                    continue
                canon = self.type_word_map.get(_key(pm.group("tw")))
                ant = antecedents.only(canon, num, start)
                if ant is not None:
                    new.append(self._short_from(ant, start, end))
                    _add_span(taken, start, end)
        if new:
            ds = sorted(ds + new, key=lambda d: d.start)
        return ds

    def _alias_belongs(self, t: str, d: _Draft, m: regex.Match) -> bool:
        """'(sau đây gọi tắt là X)' defines a short form of this reference only when it comes right after it (or
        after its subject, in the same clause) and X names a document (a type word or a number)."""
        between = t[d.end:m.start()]
        if any(c in between for c in ";()") or _DOT_SPACE.search(between) or "\n\n" in between:
            return False
        if d.subject is None and len(between.strip()) > 3:
            return False
        alias = m.group("alias").strip()
        return bool(self.tw_word_re.match(alias))

    @staticmethod
    def _short_from(ant: _Draft, start: int, end: int) -> _Draft:
        return replace(ant, start=start, end=end, core_start=start, core_end=end, prefix_start=start, short_form=True,
                       own=False, subject=None, pinpoint=None, rule="short_form")

    def _finish(self, norm: Normalized, ds: list[_Draft]) -> list[Mention]:
        src = norm.source
        out: list[Mention] = []
        # line numbers: newlines counted incrementally (mentions come in start order; a count from 0 otherwise)
        seen, nl = 0, 0
        for d in ds:
            s, e = norm.span(d.start, d.end)
            if s + 1 >= seen:
                nl += src.count("\n", seen, s + 1)
            else:
                nl = src.count("\n", 0, s + 1)
            seen = s + 1
            if d.issuer_span and not d.short_form:
                a, b = norm.span(*d.issuer_span)
                d.issuer = _clean(unicodedata.normalize("NFC", src[a:b])) or d.issuer
            out.append(Mention(
                start=s, end=e, text=src[s:e], rule=d.rule, type=d.type, number=d.number,
                symbol=d.symbol, year=d.year, date=d.date, issuer=d.issuer,
                issuer_code=d.issuer_code, level=d.level, branch=d.branch,
                province=d.province, locality=d.locality, name=d.name, term=d.term,
                subject=d.subject, pinpoint=d.pinpoint, short_form=d.short_form, own=d.own,
                line=nl + 1,
            ))
        return out


_MISSING = object()
_NO_DEADLINE = _limits.Deadline(None)


class _LineStarts:
    """The start of the line holding a position of ``t``: bisected in the newlines found once (a search back from
    each mention made one long line quadratic)."""

    __slots__ = ("nl",)

    def __init__(self, t: str):
        self.nl = [m.start() for m in _NEWLINE.finditer(t)]

    def __call__(self, pos: int) -> int:
        i = bisect.bisect_left(self.nl, pos)
        return self.nl[i - 1] + 1 if i else 0


_NEWLINE = regex.compile("\n")


class _Antecedents:
    """The documents a bare later mention ("Chỉ thị 05") may stand for: the drafts of a type and number before it.
    ``only`` answers, in a bisection, what the scan of every draft for every bare number answered (quadratic on a
    file of thousands): the one document (number, symbol, year) among those before ``start``, or None when there
    are none or several; the draft given is the last of that document's in ``ds``'s order."""

    def __init__(self, ds: list[_Draft]):
        groups: dict[tuple, list[tuple[int, int, _Draft]]] = {}
        for i, d in enumerate(ds):
            if d.short_form or d.number is None:
                continue
            groups.setdefault((d.type, d.number.lstrip("0") or "0"), []).append((d.start, i, d))
        self.index: dict[tuple, tuple[list[int], list[_Draft | None]]] = {}
        for k, rows in groups.items():
            rows.sort(key=lambda r: (r[0], r[1]))
            starts: list[int] = []
            answer: list[_Draft | None] = []
            first_key = None
            several = False
            last_i, last = -1, None
            for start, i, d in rows:
                key = (d.number.lstrip("0"), d.symbol, d.year)
                if first_key is None:
                    first_key = key
                elif key != first_key:
                    several = True
                if i > last_i:
                    last_i, last = i, d
                starts.append(start)
                answer.append(None if several else last)
            self.index[k] = (starts, answer)

    def only(self, type_: str | None, num: str, start: int) -> _Draft | None:
        got = self.index.get((type_, num))
        if got is None:
            return None
        starts, answer = got
        n = bisect.bisect_left(starts, start)  # the drafts that start before ``start``
        return answer[n - 1] if n else None


# a subject ends at a ";", a full stop, a "(", or a line break unless the next line goes on in lower case; a database
# export's next field ("\nhieu_luc: ...", a snake_case name and a colon) is no continuation
_SUBJECT_END = regex.compile(r"\s*;|\.\s|\.$|\s*\n(?!\p{Ll})|\s*\n(?=\p{Ll}+(?:_\p{Ll}+)+\s*:)|\s*\(")
_BARE_NUMBER = regex.compile(r"(?<![\d.,/\-])(?P<number>\d{1,5})(?![\d/\-]|[.,]\d|\p{L})")
_URL = regex.compile(r"(?i)(?:https?://|www\.)[^\s<>()\[\]\"']+")
_WWW = regex.compile(r"(?i)www\.")
_LIST_GAP = regex.compile(r"\s*(?:,|và|hoặc|cùng|&)?\s*(?:,\s*)?")
_YEAR4 = regex.compile(r"(?:19|20)\d\d")
_DOT_SPACE = regex.compile(r"\.\s")
_ALIAS_HAS_NUMBER = regex.compile(r"\d")
_ALIAS_HAS_SYMBOL = regex.compile(r"\d\s*[-/]\s*\p{Lu}")


def resolve_overlaps(cores: list[_Core]) -> list[_Core]:
    """One deterministic choice among overlapping matches: leftmost, then longest, then rule priority."""
    cores = sorted(cores, key=lambda c: (c.start, -(c.end - c.start), _LAYOUT_PRIORITY.get(c.rule.layout, 9), c.rule.id))
    out: list[_Core] = []
    last_end = -1
    for c in cores:
        if c.start >= last_end:
            out.append(c)
            last_end = c.end
        elif out and c.end > last_end and c.rule.layout != "name" and out[-1].rule.layout == "name":
            # a numbered reference beats a law-by-name match it overlaps
            out[-1] = c
            last_end = c.end
    return out


def _url_spans(t: str) -> list[tuple[int, int]]:
    """The spans of ``_URL.finditer(t)``, found faster: _URL is tried only where a match can start (4 or 5 characters
    before a "://", or at a "www." in any case) instead of at every position of the text."""
    starts = {m.start() for m in _WWW.finditer(t)}
    i = t.find("://")
    while i >= 0:
        starts.update(s for s in (i - 5, i - 4) if s >= 0)
        i = t.find("://", i + 3)
    return [m.span() for m in matches_at(_URL, t, starts)]


def _overlaps(s: int, e: int, spans: list[tuple[int, int]]) -> bool:
    """``spans`` is kept sorted by start (see ``_add_span``) and its spans do not overlap each other."""
    i = bisect.bisect_left(spans, (e, -1)) - 1
    return i >= 0 and spans[i][1] > s


def _add_span(spans: list[tuple[int, int]], s: int, e: int) -> None:
    bisect.insort(spans, (s, e))


def _strip_digits(code: str) -> str:
    return code.rstrip("0123456789") or code


def _clean(s: str) -> str:
    return " ".join(s.split()).strip(" ,;:-")


# every group of suffix_re starts, after spaces and a comma, with "ngày"/"năm"/"của" (any case), "ban hành", "ký",
# "khóa" or "(khóa"
_SUFFIX_FIRST = "nNcCbk("


def _may_have_suffix(t: str, end: int) -> bool:
    """False when suffix_re can only match the empty string at ``end`` (half the calls): the first character after
    spaces and commas starts none of its groups (any other space character: the regex decides)."""
    n = len(t)
    while end < n and t[end] in " ,\n":
        end += 1
    return end < n and (t[end] in _SUFFIX_FIRST or t[end].isspace())


def _nth_newline(s: str, n: int) -> int:
    i = -1
    for _ in range(n):
        i = s.find("\n", i + 1)
        if i == -1:
            return len(s)
    return i


@lru_cache(maxsize=8)
def get_engine(rules_dir: str | None = None) -> Engine:
    return Engine(load_rules(rules_dir))


def extract_text(text: str, rules_dir: str | os.PathLike | None = None) -> list[Mention]:
    """Every reference mention in ``text``, in order. Offsets index ``text`` itself."""
    return get_engine(str(rules_dir) if rules_dir is not None else None).extract(text)
