"""The lexicon: every domain table docgraph reads, validated and typed, in one object.

Type words and codes, issuers (code -> level, branch, name), place words and their levels, the codes whose level
needs context, the reform dates, the words the engine reads around an issuer, and the words of a file's header and
signature block. They are the ``tables`` of the rules folder (``rules/codes.yaml``, ``rules/lexicon.yaml``; a user's
``--rules`` folder replaces a table by defining one with the same name), checked here table by table: a wrong one is a
``RulesError`` naming the file, the line and the table (and the entry) at fault.

Build one with :func:`build_lexicon` (``load_rules`` does) or :func:`load_lexicon`; the engine, the header reader,
document identity, the index and the queries read the same object. Besides the tables it answers the questions they
share: a code's canonical spelling and level, the level and place an issuer phrase names.
"""

from __future__ import annotations

import datetime as _dt
import os
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, Mapping

import regex

from .model import LEVELS
from .normalize import fold
from .ruleyaml import RulesError, _line, _require, read_rule_files, rule_files

if TYPE_CHECKING:
    from .gazetteer import Gazetteer

# entries of each cache of pure functions (codes, places): what repeats across files fits in a few thousand
_CACHE_SIZE = 8192
# the levels a place word or an issuer can name; an issuer code may also be "ambiguous" (the context decides)
PLACE_LEVELS = LEVELS[:-1]
ISSUER_LEVELS = (*LEVELS, "ambiguous")
BRANCHES = ("party", "state")


@dataclass(frozen=True, slots=True)
class Issuer:
    """What an issuer code says: its level (or "ambiguous"), branch and name; ``also``: the other bodies the same
    code stands for (TW: the Central Committee, the Politburo and the Secretariat), named as the text names them;
    ``said_as``: (spelling, name) of other ways a text names one of those bodies ("Hội nghị Trung ương": a plenum of
    the Central Committee)."""

    level: str
    branch: str | None = None
    name: str | None = None
    also: tuple[str, ...] = ()
    said_as: tuple[tuple[str, str], ...] = ()


def key(s: str | None) -> str:
    """A type word or phrase as looked up: NFC, spaces collapsed, lower case."""
    return " ".join(unicodedata.normalize("NFC", s or "").split()).lower()


def words_alternation(words: tuple[str, ...] | list[str], *, by_length: bool = True, spaces: str = r"\s+") -> str:
    """``w1|w2|...`` escaped, longest first (so that a longer phrase wins over its prefix), a space matching
    ``spaces``."""
    ws = sorted(words, key=len, reverse=True) if by_length else list(words)
    return "|".join(regex.escape(w).replace("\\ ", spaces) for w in ws)


@dataclass(frozen=True, eq=False)
class Lexicon:
    """Every domain table, read-only. Equal only to itself (it keys caches of derived patterns)."""

    # reference parts (codes.yaml)
    type_words: Mapping[str, tuple[str, ...]]  # canonical type word -> the spellings seen in running text
    named_types: tuple[str, ...]  # type words a law is cited by name with ("Luật Đất đai")
    type_codes: Mapping[str, str]  # type code -> type word
    generic_types: frozenset[str]  # type words that name no type ("Văn bản"): a number's type code names it
    worded_type_codes: frozenset[str]  # type codes also an issuer's (TC): their type only with the type word
    party_type_codes: Mapping[str, str]  # codes meaning something else in a Party symbol
    canonical_case: Mapping[str, str]  # upper-case spelling -> mixed-case code (TTG -> TTg)
    ocr_codes: Mapping[str, str]  # code written without diacritics -> the code
    ocr_patterns: tuple[tuple[str, str], ...]  # regex repairs of whole code segments: (pattern, replacement)
    # issuers
    issuers: Mapping[str, Issuer]
    department_prefix: str  # "S" + initials: a provincial department (Sở)
    ministry_prefix: str  # "B" + initials: a ministry
    central_issuer_words: tuple[str, ...]  # an issuer phrase opening with one names a central body
    issuer_names_with_comma: tuple[str, ...]
    ambiguous_codes: frozenset[str]  # codes whose level the symbol alone does not tell
    shared_codes: frozenset[str]  # codes of one level shared by many units (CB)
    department_name_starts: tuple[str, ...]  # folded: a department issuer name opens with one (gaps)
    unfinished_issuer_words: tuple[str, ...]  # a line break after one does not end an issuer phrase
    issuer_of_words: tuple[str, ...]  # "của": an issuer named before the number
    not_a_name_words: tuple[str, ...]  # a law "name" holding one is a sentence about a date
    # places and dates
    place_words: Mapping[str, str]  # word introducing a place -> the level of the unit it names
    department_words: tuple[str, ...]  # "sở" inside a provincial issuer phrase: a department
    city_words: tuple[str, ...]  # place words naming a city: a centrally-run one, or a city of a province
    leading_place_units: tuple[str, ...]  # unit words (and abbreviations) before a name in a place-date line
    district_level_end: str  # ISO date: no district level after it
    new_units_from: str  # ISO date: the 34 provinces and the two tiers from this day (the gazetteer's units in force)
    constitutions: Mapping[str, str]  # year of a constitution -> ISO date it came into force (a citation without year)
    # relations between documents (docgraph/relations.py)
    amending_types: tuple[str, ...]  # right before a relation phrase, the phrase is a name ("Luật sửa đổi, bổ sung")
    subject_verbs: tuple[str, ...]  # after a comma, a new clause: not words of a title
    after_soft_stops: tuple[str, ...]  # before an "after" phrase and a title's start: the phrase is about something else
    after_hard_stops: tuple[str, ...]  # before an "after" phrase anywhere: the phrase is about something else
    licence_words: tuple[str, ...]  # a licence or certificate ends, not a document
    title_start_words: tuple[str, ...]  # a reference's title opens with one
    title_fillers: tuple[str, ...]  # patterns: what may stand between a relation phrase and what it acts on
    # the header and the signature block
    motto_lines: tuple[str, ...]
    motto_hints: tuple[str, ...]
    header_central_words: tuple[str, ...]  # folded (no diacritics, lower case)
    header_central_start: tuple[str, ...]
    header_department_start: tuple[str, ...]
    header_keep_upper: frozenset[str]
    header_phrases: Mapping[str, str]  # lower-case phrase -> its spelling in an issuer name
    header_unit_words: tuple[str, ...]
    header_place_units: tuple[str, ...]
    header_title_stops: tuple[str, ...]  # patterns: a line opening with one ends the title
    header_title_openers: tuple[str, ...]  # ... unless it is the title's first line and opens with one of these
    page_furniture: tuple[str, ...]  # lower case: a news page's menu words, passed over when its headline is read
    news_source_tags: tuple[str, ...]  # patterns: the source's tag that opens a news lead ("(TTXVN) - ")
    signature_on_behalf: tuple[str, ...]
    signature_titles: tuple[str, ...]
    signature_weak: tuple[str, ...]
    signature_skip: tuple[str, ...]  # patterns: "(đã ký)" lines inside a signature block
    # caches of the pure functions below (one lexicon per rules folder)
    _caches: dict[str, dict] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        derived: dict[str, Any] = {}
        twm: dict[str, str] = {}
        for canon, spellings in self.type_words.items():
            for sp in (canon, *spellings):
                twm[key(sp)] = canon
        derived["type_word_map"] = twm
        derived["generic_codes"] = self.ambiguous_codes | self.shared_codes
        derived["ocr_res"] = tuple((regex.compile(p), r) for p, r in self.ocr_patterns)
        # a place word alone ("UBND tỉnh"), folded, longest first: the level when the gazetteer names no place
        level_words = [(fold(w), lvl) for w, lvl in sorted(self.place_words.items(), key=lambda x: -len(x[0]))]
        derived["level_word_res"] = [(regex.compile(rf"(?<![a-z]){regex.escape(k)}(?![a-z])"), lv)
                                     for k, lv in level_words]
        dept = words_alternation(self.department_words, by_length=False)
        derived["department_word_re"] = regex.compile(rf"(?i)(?<![\p{{L}}])(?:{dept})(?![\p{{L}}])")
        for name in ("place", "code", "symbol", "issuer_name"):
            self._caches[name] = {}
        for k, v in derived.items():
            object.__setattr__(self, k, v)

    # derived tables, set by __post_init__ (declared for readers and type checkers)
    type_word_map: dict[str, str] = field(init=False, repr=False)  # every spelling (key()) -> canonical type word
    generic_codes: frozenset[str] = field(init=False, repr=False)  # ambiguous | shared: the name tells units apart
    ocr_res: tuple = field(init=False, repr=False)
    level_word_res: list = field(init=False, repr=False)
    department_word_re: regex.Pattern = field(init=False, repr=False)

    # ------------------------------------------------------------------------------------------------ codes
    def canonical_symbol(self, raw: str) -> str:
        """'QD-UBND', 'QĐ- TTG' -> 'QĐ-UBND', 'QĐ-TTg': every code segment in its canonical spelling."""
        hit = self._caches["symbol"].get(raw)
        return hit if hit is not None else self._remember("symbol", raw, self._canonical_symbol)

    def _canonical_symbol(self, raw: str) -> str:
        parts = _SYM_SPLIT.split(_UNIT_SUFFIX.sub(r"-\1", "".join(raw.split())))
        return "".join(p if p in ("/", "-") else self.canonical_code(p) for p in parts)

    def canonical_code(self, seg: str) -> str:
        hit = self._caches["code"].get(seg)
        return hit if hit is not None else self._remember("code", seg, self._canonical_code)

    def _remember(self, name: str, arg: Any, fn: Callable[[Any], Any]) -> Any:
        """``fn(arg)``, kept in the cache ``name`` (emptied when it outgrows ``_CACHE_SIZE``)."""
        cache = self._caches[name]
        if len(cache) > _CACHE_SIZE:
            cache.clear()
        hit = cache[arg] = fn(arg)
        return hit

    def _canonical_code(self, seg: str) -> str:
        up = seg.upper()
        if up in self.ocr_codes:
            up = self.ocr_codes[up].upper()
        for pat, rep in self.ocr_res:
            if pat.match(up):
                up = pat.sub(rep, up)
                break
        return self.canonical_case.get(up, up)

    def type_of_code(self, code: str, word: str | None) -> str | None:
        """The type a symbol's type code names, the type word (canonical) written before the number being ``word``:
        a code that is also an issuer's (``worded_type_codes``: TC, Thông cáo and the Ministry of Finance's code
        before 2003) names it only when the word does; else None (4773/TC-CSTC is a letter of the ministry)."""
        typ = self.type_codes.get(code)
        return None if typ is None or (code in self.worded_type_codes and word != typ) else typ

    def issuer_of(self, code: str | None) -> Issuer | None:
        """The issuers-table entry of a code's first segment (term digits dropped), or None."""
        if not code:
            return None
        return self.issuers.get(_strip_digits(code.split("-")[0]))

    def issuer_name(self, code: str | None, phrase: str | None) -> str | None:
        """The name of the issuer of a document whose issuer code is ``code``, read from the text as ``phrase``. A code
        of one central body (one code of the issuers table at the central level, term digits dropped: CP, TTg, QH15,
        BTC) has its name in the table, and that name wins over the text's spelling, damaged or not ("Chỉnh phú",
        "chính phủ", "Bộ trưởng Bộ Tài chính", "Chính phủ cắt giảm"); one that also stands for other bodies (TW) takes
        the one of them the phrase names, else its table name. Anything else keeps ``phrase``: no phrase, a local
        or ambiguous code (UBND, TU, HĐND: every province has one), a joint code (BTC-BNV), a code not in the table,
        a phrase naming a place that does not open with a central body ("UBND tỉnh Lạng Sơn")."""
        if not phrase or not code:
            return phrase
        cache = self._caches["issuer_name"]
        hit = cache.get((code, phrase))
        return hit if hit is not None else self._remember("issuer_name", (code, phrase), self._issuer_name)

    def _issuer_name(self, code_phrase: tuple[str, str]) -> str:
        code, phrase = code_phrase
        if "-" in code:
            return phrase  # a joint code (BTC-BNV) or a body and its unit (BCA-C04)
        info = self.issuers.get(_strip_digits(code))
        if info is None or info.level != "central" or not info.name:
            return phrase
        _, province, locality = self.place_of(phrase)
        if (province or locality) and not any(
                (f := fold(phrase)).startswith(w) and f[len(w):len(w) + 1] in ("", " ")
                for w in map(fold, self.central_issuer_words)):
            return phrase  # "của UBND tỉnh Lạng Sơn": a local body, whatever the code says
        if info.also:
            # the first of them the phrase names, or the one it begins to name ("Ban Chấp hành": two words or more)
            f = fold(phrase)
            found = [(m.start(), name) for said, name in (*((n, n) for n in info.also), *info.said_as)
                     for m in [regex.search(rf"(?<![a-z0-9]){regex.escape(fold(said))}(?![a-z0-9])", f)] if m]
            if found:
                return min(found)[1]
            words = f.split()
            begun = [name for name in info.also if len(words) >= 2 and fold(name).split()[:len(words)] == words]
            if begun:
                return begun[0]
        return info.name

    def constitution_in_force(self, date: str | None) -> int | None:
        """The year of the constitution in force on ``date`` (ISO), the one a document of that date cites as "Hiến pháp
        nước Cộng hòa xã hội chủ nghĩa Việt Nam" without a year; None without a date or before the first."""
        if not date:
            return None
        years = [int(y) for y, since in self.constitutions.items() if since <= date[:10]]
        return max(years) if years else None

    def level_of_code(self, code: str | None) -> str:
        """The level an issuer code names: its table entry, else a department or ministry prefix, else unknown."""
        if not code:
            return "unknown"
        first = _strip_digits(code.split("-")[0])
        info = self.issuers.get(first)
        if info:
            return info.level
        if len(first) >= 3 and first.startswith(self.department_prefix) and first[1:2].isupper():
            return "department"
        if len(first) >= 3 and first.startswith(self.ministry_prefix) and first[1:2].isupper():
            return "central"
        return "unknown"

    # ------------------------------------------------------------------------------------------------ places
    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer (administrative units, rules/gazetteer.json) with this lexicon's place words."""
        gz = self._caches.get("gazetteer")
        if gz is None:
            from .gazetteer import gazetteer

            gz = self._caches["gazetteer"] = gazetteer(tuple(sorted(self.place_words.items())), self.new_units_from,
                                                      self.city_words, self.leading_place_units)
        return gz

    def place_of(self, phrase: str) -> tuple[str | None, str | None, str | None]:
        """Level, province and locality named in an issuer phrase or a header line (cached: issuers repeat)."""
        hit = self._caches["place"].get(phrase)
        return hit if hit is not None else self._remember("place", phrase, self._place_of)

    def _place_of(self, phrase: str) -> tuple[str | None, str | None, str | None]:
        """A unit word followed by a name of the gazetteer (any case, any tone placement) gives the level and the
        place; a unit word alone ("UBND tỉnh") only the level."""
        found = self.gazetteer.place_of(phrase)
        level, province, locality = found.level, found.province, found.locality
        if level is None:
            f = fold(phrase).replace("xa hoi", " ")  # "Lao động - Thương binh và Xã hội" names no commune
            for pat, lv in self.level_word_res:
                if pat.search(f):
                    level = lv
                    break
        if level == "provincial" and self.department_word_re.search(phrase):
            level = "department"
        return level, province, locality


_SYM_SPLIT = regex.compile(r"([/\-])")
_UNIT_SUFFIX = regex.compile(r"\(([^()]+)\)$")  # "TTr-CAT(PC04)": a drafting unit's code in brackets, as "-PC04"


def _strip_digits(code: str) -> str:
    return code.rstrip("0123456789") or code


# ------------------------------------------------------------------------------------------------ validation
class _Where:
    """Where a table was defined, for error messages: ``FILE:LINE: table 'NAME'[ KEY]: ...``."""

    def __init__(self, name: str, value: Any, path: Path, line: int):
        self.name, self.value, self.path, self.line = name, value, path, line

    def fail(self, msg: str, at: Any = None) -> RulesError:
        line = _line(self.value, at) if at is not None else 0
        entry = f" entry {at!r}" if isinstance(at, str) else (f" item {at + 1}" if isinstance(at, int) else "")
        return RulesError(f"{self.path}:{line or self.line}: table {self.name!r}{entry}: {msg}")


def _text(w: _Where, v: Any, at: Any = None, what: str = "value") -> str:
    if not isinstance(v, str) or not v.strip():
        raise w.fail(f"{what} must be a non-empty quoted string, not {v!r}", at)
    return v


def _words(w: _Where) -> tuple[str, ...]:
    if not isinstance(w.value, list):
        raise w.fail("must be a list of quoted strings")
    return tuple(_text(w, v, i, "each item") for i, v in enumerate(w.value))


def _codes(w: _Where) -> dict[str, str]:
    if not isinstance(w.value, dict):
        raise w.fail("must be a mapping of quoted strings to quoted strings")
    return {_text(w, k, None, "each key"): _text(w, v, k) for k, v in w.value.items()}


def _type_words(w: _Where) -> dict[str, tuple[str, ...]]:
    if not isinstance(w.value, dict):
        raise w.fail("must map each type word to a list of its spellings")
    out = {}
    for k, v in w.value.items():
        _text(w, k, None, "each key")
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            raise w.fail("spellings must be a list of quoted strings", k)
        out[k] = tuple(v)
    return out


def _pairs(w: _Where) -> tuple[tuple[str, str], ...]:
    if not isinstance(w.value, list):
        raise w.fail("must be a list of [pattern, replacement] pairs")
    out = []
    for i, v in enumerate(w.value):
        if not (isinstance(v, list) and len(v) == 2 and all(isinstance(x, str) for x in v)):
            raise w.fail("each item must be a [pattern, replacement] pair of quoted strings", i)
        try:
            regex.compile(v[0])
        except regex.error as e:
            raise w.fail(f"pattern does not compile: {e}", i) from None
        out.append((v[0], v[1]))
    return tuple(out)


def _issuers(w: _Where) -> dict[str, Issuer]:
    if not isinstance(w.value, dict):
        raise w.fail("must map each issuer code to {level, branch, name}")
    out = {}
    for code, v in w.value.items():
        _text(w, code, None, "each code")
        if not isinstance(v, dict):
            raise w.fail("must be a mapping {level, branch, name}", code)
        extra = set(v) - {"level", "branch", "name", "also", "said_as"}
        if extra:
            raise w.fail(f"unknown key {sorted(extra)[0]!r} (expected level, branch, name, also, said_as)", code)
        if v.get("level") not in ISSUER_LEVELS:
            raise w.fail(f"level must be one of {', '.join(ISSUER_LEVELS)}, not {v.get('level')!r}", code)
        if v.get("branch") is not None and v["branch"] not in BRANCHES:
            raise w.fail(f"branch must be one of {', '.join(BRANCHES)}, not {v['branch']!r}", code)
        if v.get("name") is not None:
            _text(w, v["name"], code, "name")
        also = v.get("also") or []
        if not isinstance(also, list):
            raise w.fail("also must be a list of quoted names", code)
        also_names = tuple(_text(w, x, code, "also") for x in also)
        said_as = v.get("said_as") or {}
        if not isinstance(said_as, dict):
            raise w.fail("said_as must map each quoted spelling to one of the names in also", code)
        for spelling, name in said_as.items():
            _text(w, spelling, code, "said_as")
            if name not in also_names:
                raise w.fail(f"said_as {spelling!r}: {name!r} is not one of the names in also", code)
        out[code] = Issuer(v["level"], v.get("branch"), v.get("name"), also_names, tuple(said_as.items()))
    return out


def _place_levels(w: _Where) -> dict[str, str]:
    out = _codes(w)
    for k, lv in out.items():
        if lv not in PLACE_LEVELS:
            raise w.fail(f"level must be one of {', '.join(PLACE_LEVELS)}, not {lv!r}", k)
    return out


def _dates(w: _Where) -> dict[str, str]:
    out = _codes(w)
    for k, v in out.items():
        try:
            _dt.date.fromisoformat(v)
        except ValueError:
            raise w.fail(f"must be a quoted ISO date YYYY-MM-DD, not {v!r}", k) from None
        if len(v) != 10:
            raise w.fail(f"must be a quoted ISO date YYYY-MM-DD, not {v!r}", k)
    return out


def _motto_hints(w: _Where) -> tuple[str, ...]:
    out = _words(w)
    for i, h in enumerate(out):
        if "ộ" not in h and "Ộ" not in h:  # header.py tests for these letters before the hints
            raise w.fail(f"each hint must hold 'ộ' or 'Ộ', not {h!r}", i)
    return out


def _folded(w: _Where) -> tuple[str, ...]:
    return tuple(fold(x) for x in _words(w))


def _patterns(w: _Where) -> tuple[str, ...]:
    out = _words(w)
    for i, p in enumerate(out):
        try:
            regex.compile(p)
        except regex.error as e:
            raise w.fail(f"pattern does not compile: {e}", i) from None
    return out


def _code_set(w: _Where) -> frozenset[str]:
    return frozenset(_words(w))


# table name -> (reader, default when no rules file defines it; _REQUIRED: an error)
_REQUIRED = object()
_TABLES: dict[str, tuple[Callable[[_Where], Any], Any]] = {
    "type_words": (_type_words, _REQUIRED),
    "type_codes": (_codes, _REQUIRED),
    "named_types": (_words, _REQUIRED),
    "generic_types": (_code_set, frozenset()),
    "worded_type_codes": (_code_set, frozenset()),
    "party_type_codes": (_codes, {}),
    "canonical_case": (_codes, {}),
    "ocr_codes": (_codes, {}),
    "ocr_patterns": (_pairs, ()),
    "issuers": (_issuers, _REQUIRED),
    "department_prefix": (lambda w: _text(w, w.value), "S"),
    "ministry_prefix": (lambda w: _text(w, w.value), _REQUIRED),
    "central_issuer_words": (_words, ()),
    "issuer_names_with_comma": (_words, ()),
    "ambiguous_codes": (_code_set, _REQUIRED),
    "shared_codes": (_code_set, frozenset()),
    "department_name_starts": (_folded, _REQUIRED),
    "unfinished_issuer_words": (_words, _REQUIRED),
    "issuer_of_words": (_words, _REQUIRED),
    "not_a_name_words": (_words, _REQUIRED),
    "place_words": (_place_levels, {}),
    "department_words": (_words, _REQUIRED),
    "city_words": (_words, _REQUIRED),
    "leading_place_units": (_words, _REQUIRED),
    "reform_dates": (_dates, _REQUIRED),
    "constitutions": (_dates, {}),
    "motto_lines": (_words, _REQUIRED),
    "motto_hints": (_motto_hints, _REQUIRED),
    "header_central_words": (_folded, _REQUIRED),
    "header_central_start": (_words, _REQUIRED),
    "header_department_start": (_words, _REQUIRED),
    "header_keep_upper": (_code_set, _REQUIRED),
    "header_phrases": (_codes, _REQUIRED),
    "header_unit_words": (_words, _REQUIRED),
    "header_place_units": (_words, _REQUIRED),
    "amending_types": (_words, _REQUIRED),
    "subject_verbs": (_words, _REQUIRED),
    "after_soft_stops": (_words, _REQUIRED),
    "after_hard_stops": (_words, _REQUIRED),
    "licence_words": (_words, _REQUIRED),
    "title_start_words": (_words, _REQUIRED),
    "title_fillers": (_patterns, _REQUIRED),
    "signature_on_behalf": (_words, _REQUIRED),
    "signature_titles": (_words, _REQUIRED),
    "signature_weak": (_words, ()),
    "signature_skip": (_patterns, _REQUIRED),
    "header_title_stops": (_patterns, _REQUIRED),
    "header_title_openers": (_words, _REQUIRED),
    "page_furniture": (lambda w: tuple(x.casefold() for x in _words(w)), ()),
    "news_source_tags": (_patterns, ()),
}
# the reform dates the code reads
_REFORM_DATES = ("district_level_end", "new_units_from")


def build_lexicon(tables: dict[str, Any], lines: dict[str, tuple[Path, int]], folder: Path) -> Lexicon:
    """The lexicon of merged ``tables`` (name -> YAML value), ``lines`` saying where each was defined; ``folder``
    (the built-in rules) is named when a required table is missing."""
    for name in tables:
        if name not in _TABLES:
            path, line = lines[name]
            raise RulesError(f"{path}:{line}: unknown table {name!r} (expected one of {', '.join(sorted(_TABLES))})")
    got: dict[str, Any] = {}
    wheres: dict[str, _Where] = {}
    for name, (read, default) in _TABLES.items():
        if name not in tables:
            if default is _REQUIRED:
                raise RulesError(f"{folder}: table {name!r} is missing")
            got[name] = default
            continue
        path, line = lines[name]
        w = wheres[name] = _Where(name, tables[name], path, line)
        got[name] = read(w)
    for table in ("named_types", "amending_types"):
        for i, t in enumerate(got[table]):
            if t not in got["type_words"]:
                raise wheres[table].fail(f"{t!r} is not a type word of the type_words table", i)
    for c in sorted(got["worded_type_codes"]):
        if c not in got["type_codes"]:
            raise wheres["worded_type_codes"].fail(f"{c!r} is not a code of the type_codes table")
    for t in sorted(got["generic_types"]):
        if t not in got["type_words"]:
            raise wheres["generic_types"].fail(f"{t!r} is not a type word of the type_words table")
    for code in sorted(got["ambiguous_codes"] | got["shared_codes"]):
        if code not in got["issuers"]:
            w = wheres.get("ambiguous_codes") if code in got["ambiguous_codes"] else wheres.get("shared_codes")
            raise w.fail(f"code {code!r} is not in the issuers table")
    dates = got.pop("reform_dates")
    for d in _REFORM_DATES:
        if d not in dates:
            raise wheres["reform_dates"].fail(f"date {d!r} is missing")
    frozen = {k: MappingProxyType(v) if isinstance(v, dict) else v for k, v in got.items()}
    return Lexicon(**frozen, district_level_end=dates["district_level_end"], new_units_from=dates["new_units_from"])


@lru_cache(maxsize=8)
def load_lexicon(rules_dir: str | os.PathLike | None = None) -> Lexicon:
    """The lexicon of the built-in rules and, when given, a user's rules folder: only the ``tables`` sections are read
    (for code that needs the tables without the rules, such as a query)."""
    tables: dict[str, Any] = {}
    lines: dict[str, tuple[Path, int]] = {}
    files = rule_files(rules_dir)
    for path, data in read_rule_files(files):
        take_tables(data, path, tables, lines)
    return build_lexicon(tables, lines, files[0].parent)


def take_tables(data: dict, path: Path, tables: dict[str, Any], lines: dict[str, tuple[Path, int]]) -> None:
    """The ``tables`` section of one rule file into ``tables`` (a later file's table replaces one of the same name)
    and where each was defined into ``lines``."""
    section = data.get("tables") or {}
    _require(isinstance(section, dict), path, _line(data, "tables"), "tables must be a mapping")
    for name, val in section.items():
        tables[name] = val
        lines[name] = (path, _line(section, name))
