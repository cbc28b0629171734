"""A file's own document, read from its header lines.

State header: issuer block ("UBND TỈNH LẠNG SƠN / SỞ Y TẾ"), "Số: 215/KH-SYT", national motto, place-date line,
type heading ("KẾ HOẠCH"), subject line(s). Party header: "TỈNH ỦY KHÁNH HÒA / *", "Số 83-KH/TU", "ĐẢNG CỘNG SẢN
VIỆT NAM", place-date line. Files without such a header are news articles (with a dateline) or unknown.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import regex

from . import native
from .lexicon import Lexicon, load_lexicon
from .model import LEVEL_RANK, Mention
from .normalize import _OLD_TONE_RES, _OLD_TONES, fold


_CACHED_LINE = 160  # longer lines (a body's paragraphs) are not kept in the line caches: they hardly ever repeat


def _line_cache(maxsize: int):
    """``lru_cache`` for a pure function of a line (and fixed words): lines longer than ``_CACHED_LINE`` are worked
    out each time. Header, motto, place-date and issuer lines are short and repeat from file to file; a file whose
    header is short brings its body's paragraphs into the first 30 lines, and kept as keys those filled the caches
    of each worker with some 6 MiB of text (at 20,000 files) that was never asked for again. 1,024 lines a cache
    keep the ones that repeat: on 10,000 generated files 4 % more calls than with 4,096, on real documents 0.3 %,
    about 2 MiB less in each worker."""
    def wrap(f):
        cached = lru_cache(maxsize=maxsize)(f)

        def call(line: str, *rest):
            return cached(line, *rest) if len(line) <= _CACHED_LINE else f(line, *rest)
        call.__doc__, call.__name__, call.__wrapped__ = f.__doc__, f.__name__, f
        call.cache_clear, call.cache_info = cached.cache_clear, cached.cache_info  # type: ignore[attr-defined]
        return call
    return wrap


def _ymd(m: regex.Match) -> tuple[str | None, int]:
    """(ISO date or None when impossible or left blank, year) from a match with groups d, m, y."""
    return _ymd_of(m.group("d"), m.group("m"), m.group("y"))


def _ymd_of(d: str, m: str, y: str) -> tuple[str | None, int]:
    """_ymd of the groups' texts."""
    year = int(y)
    try:
        return _dt.date(year, int(m), int(d)).isoformat(), year
    except ValueError:
        return None, year


class _Words:
    """The patterns a header is read with, compiled from the lexicon's header tables (once per lexicon)."""

    def __init__(self, lx: Lexicon):
        self.lexicon = lx
        # the national motto; " - " in a motto line stands for a dash with or without spaces around it
        self.motto = regex.compile("(?i)" + "|".join(
            r"\s*-\s*".join(regex.escape(part).replace("\\ ", r"\s+") for part in line.split(" - "))
            for line in lx.motto_lines))
        # the hints as one stdlib re search (C speed) instead of a generator over "in" tests; a hint holding another
        # ("ĐẢNG CỘNG" holds "CỘNG") adds nothing. Each holds "ộ" or "Ộ" (the lexicon checks): a one-letter "in" test
        # (a fast C loop) rules out most lines before the re scan, which tries each "c" of the line
        hints = lx.motto_hints
        self.motto_hints = tuple(h for h in hints if not any(o != h and o in h for o in hints))
        self.motto_hint = re.compile("|".join(map(re.escape, self.motto_hints)))
        self.dept_start = regex.compile("(?i)^(?:" + "|".join(map(regex.escape, lx.header_department_start)) + ")")
        # a whole casefolded line of a news page's furniture: its words (longest first), dates, times, separators
        alt = "|".join(map(regex.escape, sorted(lx.page_furniture, key=len, reverse=True)))
        self.furniture = regex.compile(
            rf"{_FURNITURE_SEP}*(?>(?:{alt}|{_FURNITURE_DATE})(?![\p{{L}}\p{{N}}]){_FURNITURE_SEP}*)+") if alt else None
        # the tag of a news lead's source ("(TTXVN) - "), matched at the start of the line
        self.source_tag = regex.compile("|".join(f"(?:{p})" for p in lx.news_source_tags)) if lx.news_source_tags \
            else None
        self.central_start = regex.compile("^(?:" + "|".join(map(regex.escape, lx.header_central_start)) + ")")
        self.central_words = lx.header_central_words
        # the words a signature block opens with ("TM.", "KT.", "CHỦ TỊCH" ...): a title holding another ("PHÓ CHỦ
        # TỊCH") adds nothing as a hint
        titles = lx.signature_titles
        self.sign_words = lx.signature_on_behalf + tuple(t for t in titles if not any(o != t and o in t for o in titles))
        self.sign_weak = frozenset(lx.signature_weak)
        # the words holding a "T", each matched from its first "T" (a lookbehind checks what stands before): re scans
        # for one literal letter far faster than for a set of first letters (T, K, Q, C, B, G); the rest go to
        # str.find
        self.sign_t = re.compile("T(?:" + "|".join(
            (f"(?<={re.escape(w[:w.index('T') + 1])})" if w.index("T") else "") + re.escape(w[w.index("T") + 1:])
            for w in self.sign_words if "T" in w) + ")")
        self.sign_no_t = tuple(w for w in self.sign_words if "T" not in w)
        # the signature block: "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / (đã ký) / Nguyễn Văn An"
        self.sign_start = regex.compile(
            "^(?:" + "|".join(map(regex.escape, lx.signature_on_behalf)) + r")\s*\p{Lu}"
            "|^(?:" + "|".join(map(regex.escape, titles)) + r")\s*$")
        self.title_stop = regex.compile("(?i)^(?:" + "|".join(lx.header_title_stops) + ")")
        self.title_opener = regex.compile("(?i)^(?:" + "|".join(map(regex.escape, lx.header_title_openers)) + ")")
        # "(đã ký)" or a rule inside the signature block
        self.sign_skip = regex.compile(r"(?i)^\(?\s*(?:" + "|".join(lx.signature_skip) + r")[^)]*\)?\s*$|^[*_\-.]+$")
        self.keep_upper = lx.header_keep_upper
        self.place_units = frozenset(lx.header_place_units)
        self.phrases = tuple((k, regex.compile(rf"(?<![\p{{L}}]){regex.escape(k)}(?![\p{{L}}])"), v)
                             for k, v in lx.header_phrases.items())
        # a place word may stand anywhere ("UBND tỉnh Bắc Giang"); an agency word only opens the line ("Sở Nội vụ",
        # not the "ban" inside "Ủy ban nhân dân")
        self.unit_res = [(unit, regex.compile(
            (r"(?<![\p{L}])" if unit in self.place_units else r"^")
            + rf"({regex.escape(unit)}) ((?:[\p{{L}}]+)(?: [\p{{L}}]+)*)$", regex.IGNORECASE))
            for unit in sorted(lx.header_unit_words, key=len, reverse=True)]
        self._core: Any = _UNBUILT
        # what the gazetteer makes of a place-date line's place, before or after the reform (a place repeats from
        # file to file); the issuer blocks' places (_block_place)
        self.place_lines: dict[tuple[str, bool], str | None] = {}
        self.block_places: dict[tuple[str, ...], tuple] = {}


    def core(self, use: bool | None) -> Any | None:
        """The compiled core's header reader for these words (built once), or None when the core is not in use
        (``use``: as in ``read_header``) or cannot compile them."""
        if use is False or (use is None and not native.stage_on("header")):
            return None
        if self._core is _UNBUILT:
            self._core = native.header_core(self.core_spec, use)
        return self._core

    def core_spec(self) -> dict[str, Any]:
        """What the core's header reader is built from: these words, header.py's patterns and limits."""
        lx = self.lexicon
        return {
            "motto": self.motto.pattern, "motto_hints": list(self.motto_hints), "motto_letters": list(_MOTTO_LETTERS),
            "place_first": _PLACE_FIRST, "place_rest": _PLACE_REST, "place_max": _PLACE_MAX,
            "place_date_tail": _PLACE_DATE_TAIL, "place_date_words": list(_PLACE_DATE_WORDS),
            "place_date_hint": _PLACE_DATE_HINT.pattern,
            "blank_number": _BLANK_NUMBER.pattern, "date_field": _DATE_FIELD.pattern,
            "date_field_starts": list(_DATE_FIELD_STARTS), "title_field": _TITLE_FIELD.pattern,
            "title_field_starts": list(_TITLE_FIELD_STARTS), "vv_line": _VV_LINE.pattern, "vv_start": _VV_START.pattern,
            "vv_starts": list(_VV_STARTS), "continues": _CONTINUES.pattern, "title_stop": self.title_stop.pattern,
            "title_opener": self.title_opener.pattern, "rule_cell": _RULE_CELL.pattern,
            "rule_in_cell": _RULE_IN_CELL.pattern, "number_starts": list(_NUMBER_STARTS),
            "empty_lines": list(_SKIP_LINES), "type_words": dict(lx.type_word_map),
            "generic_types": sorted(lx.generic_types), "sign_words": list(self.sign_words),
            "sign_weak": sorted(self.sign_weak), "sign_start": self.sign_start.pattern,
            "sign_skip": self.sign_skip.pattern, "sign_not_title": list(_SIGN_NOT_TITLE), "person": _PERSON.pattern,
            "max_lines": _MAX_LINES, "head_lines": _HEAD_LINES, "block_lines": _BLOCK_LINES,
            "title_lines": _TITLE_LINES, "sign_window": _SIGN_WINDOW, "sign_last_lines": _SIGN_LAST_LINES,
            "sign_block_lines": _SIGN_BLOCK_LINES, "upper_max": _UPPER_MAX, "sign_title_max": _SIGN_TITLE_MAX,
            # an article's headline and dateline
            "furniture": self.furniture.pattern if self.furniture is not None else None,
            "furniture_max": _FURNITURE_MAX,
            "source_tag": self.source_tag.pattern if self.source_tag is not None else None,
            "sentence_end": _SENTENCE_END.pattern, "dateline": _DATELINE.pattern, "dateline_lines": _DATELINE_LINES,
            "dateline_open": _DATELINE_OPEN, "dateline_first": _DATELINE_FIRST, "dateline_rest": _DATELINE_REST,
            "dateline_max": _DATELINE_MAX, "dateline_tail": _DATELINE_TAIL,
            # the issuer's name (_issuer_name, _sentence_case) and Python's str methods it needs
            "keep_upper": sorted(self.keep_upper), "issuer_phrases": [(k, v) for k, _, v in self.phrases],
            "unit_words": [u for u, _ in self.unit_res], "place_units": sorted(self.place_units), **_str_tables(),
            "finish": self.finish_spec(),
        }

    def finish_spec(self) -> dict[str, Any]:
        """What the core finishes a header with (``_finish``, ``_article``, ``settle_place``): the lexicon's functions
        it asks once a distinct question (it keeps the answers), header.py's words and the heading's pattern."""
        lx = self.lexicon
        gz = lx.gazetteer
        return {
            "block_place": lambda block: (*_block_place(block, self), _branch_of(block)),
            "place_line": lambda place, after: gz.place_line(place, gz.reform_date if after else None),
            "level_of_code": lx.level_of_code, "type_of_code": lx.type_of_code,
            "draft_code": lambda blank, worded: _draft_code(blank, worded, lx),
            "province_from_text": lambda head, candidates: _province_from_text(head, lx, tuple(candidates)),
            # provinces_in in the core: its counter, modern_tones' pairs and the letters they may not follow (the
            # one class of its patterns' lookbehind; none when they differ: Python counts)
            "province_counter": gz._province_counter(None) if len(_not_after := {
                regex.search(r"\(\?<!\[(\w+)\]", p.pattern)[1] for p in _OLD_TONE_RES}) == 1 else None,
            "old_tones": dict(_OLD_TONES), "old_tones_not_after": "".join(_not_after),
            "reform_date": gz.reform_date, "ambiguous_codes": sorted(lx.ambiguous_codes),
            "generic_types": sorted(lx.generic_types), "heading_by": _HEADING_BY.pattern,
            "consolidated_prefix": _CONSOLIDATED[0], "consolidated_type": _CONSOLIDATED[1],
            "letter_rule": _LETTER[0], "letter_type": _LETTER[1], "normative_rule": _NORMATIVE_RULE,
            "text_head": _TEXT_HEAD, "header_class": FileHeader, "header_fields": list(FileHeader.__slots__),
        }


_UNBUILT = object()


def _str_tables() -> dict[str, Any]:
    """Python's str.casefold, str.lower and str.upper of each character below U+20000 they change (none above has a
    case), the ranges of those that are str.isalnum, for the core (worked out each time: kept, 0.7 MiB a worker)."""
    folds: dict[str, dict[str, str]] = {"casefold": {}, "lower": {}, "upper": {}}
    alnum: list[tuple[str, str]] = []
    for c in map(chr, range(0x20000)):
        for name, got in (("casefold", c.casefold()), ("lower", c.lower()), ("upper", c.upper())):
            if got != c:
                folds[name][c] = got
        if c.isalnum():
            if alnum and ord(alnum[-1][1]) == ord(c) - 1:
                alnum[-1] = (alnum[-1][0], c)
            else:
                alnum.append((c, c))
    return {**folds, "alnum": alnum}


@lru_cache(maxsize=8)
def _words(lx: Lexicon) -> _Words:
    return _Words(lx)


@_line_cache(1024)  # pure; the motto and issuer lines repeat from file to file
def _motto(x: str, w: _Words) -> regex.Match | None:
    return w.motto.search(x) if (_MOTTO_LETTERS[0] in x or _MOTTO_LETTERS[1] in x) and w.motto_hint.search(x) \
        else None


@_line_cache(1024)  # pure, and asked again for the same lines
def _place_date(x: str) -> regex.Match | None:
    return _PLACE_DATE.search(x) if (_PLACE_DATE_WORDS[0] in x or _PLACE_DATE_WORDS[1] in x) \
        and _PLACE_DATE_HINT.search(x) else None


# the place-date line: a place (a capital, then letters, spaces, dots, apostrophes or dashes, as few as will do), then
# its date (the parts apart for the compiled core, which tries the date after each length of the place)
_PLACE_FIRST, _PLACE_REST, _PLACE_MAX = r"\p{Lu}", r"[\p{L} .'-]", 40
_PLACE_DATE_TAIL = (r"\s*,\s*(?:ngày|Ngày)\s+(?P<d>\d{1,2}|[.…_ ]*)\s+tháng\s+(?P<m>\d{1,2}|[.…_ ]*)\s+năm\s+"
                    r"(?P<y>(?:19|20)\d\d)")
_PLACE_DATE = regex.compile(rf"(?P<place>{_PLACE_FIRST}{_PLACE_REST}{{1,{_PLACE_MAX}}}?){_PLACE_DATE_TAIL}")
# what _PLACE_DATE needs after the place, with every \s and day/month run widened to [\W\d_] (no \s or digit is a
# stdlib \w letter): a stdlib re scan from the comma, far cheaper than _PLACE_DATE trying each capital letter
_PLACE_DATE_HINT = re.compile(r",\W*(?:ngày|Ngày)[\W\d_]+tháng[\W\d_]+năm\W+(?:19|20)\d\d")
_BLANK_NUMBER = regex.compile(r"^[\s|*#>_]*(?:Số|SỐ|So)\s*[:.]?\s*[.…_ ]*/\s*(?P<symbol>[A-ZĐ][A-Za-zĐđ&]*(?:-[A-ZĐ][A-Za-zĐđ&]*)*)")
_DATELINE = regex.compile(r"(?:ngày\s+|Ngày\s+|\b)(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})\s*/\s*(?P<y>(?:19|20)\d\d)")
# a news dateline's place: "(Bắc Giang) - 12/03/2024", "Hà Nội, 5/6/2023" (the parts apart for the compiled core, as
# for the place-date line)
_DATELINE_OPEN, _DATELINE_FIRST, _DATELINE_REST, _DATELINE_MAX = "(", r"\p{Lu}", r"[\p{L} ]", 30
_DATELINE_TAIL = r"\)?\s*(?:,|-|–)\s*(?:ngày\s+)?\d{1,2}\s*/\s*\d{1,2}\s*/\s*(?:19|20)\d\d"
_DATELINE_PLACE = regex.compile(rf"^{regex.escape(_DATELINE_OPEN)}?(?P<place>{_DATELINE_FIRST}{_DATELINE_REST}"
                                rf"{{1,{_DATELINE_MAX}}}?){_DATELINE_TAIL}")
# "Số" then only spaces, ":", ".", "…", "_" up to "/": every line _BLANK_NUMBER can match holds this (\s is never \w)
_BLANK_HINT = re.compile(r"(?:Số|SỐ|So)(?:[^\w/]|_)*/")
_DATE_FIELD = regex.compile(r"(?i)^(?:ngay_ban_hanh|ngày ban hành)\s*:\s*(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>(?:19|20)\d\d)")
_TITLE_FIELD = regex.compile(r"(?i)^(?:trich_yeu|trích yếu)\s*:\s*(?P<t>.+)")
# compiled once (module-level regex.match(...) calls pay a pattern-cache lookup each time)
_RULE_CELL = re.compile(r"[-:_ ]+")  # ASCII only: stdlib re is faster
_RULE_IN_CELL = re.compile(r"[-_]{3,}")
_VV_LINE = regex.compile(r"(?i)^\s*(?:V/v|Về việc)\s*:?\s*(.+)")
_VV_START = regex.compile(r"(?i)^\s*(?:V/v|Về việc)")
# what stands between the words of a page's menu line, and the dates and times it may show
_FURNITURE_SEP = r"[\s|>»/•·,:;*#\-–—()\[\]]"
_FURNITURE_DATE = r"\d{1,2}[/.\-]\d{1,2}(?:[/.\-]\d{2,4})?|\d{1,2}[:h]\d{2}(?::\d{2})?|\d{4}"
# a Party committee (TỈNH ỦY, ĐẢNG ỦY), not a state one (ỦY BAN NHÂN DÂN, ỦY BAN THƯỜNG VỤ QUỐC HỘI)
_PARTY_UY = regex.compile(r"(?:ỦY|UỶ)(?!\s+BAN)")
# "CHỈ THỊ / CỦA BỘ CHÍNH TRỊ / về ...": the heading names, in capitals, the body that issues the document under the
# header's organ (the Central Committee's header over a directive of the Politburo)
_HEADING_BY = regex.compile(r"(?:CỦA|Của)\s+(?P<body>\p{Lu}[\p{Lu}\s,\-]*?\p{Lu})(?=\s+(?:về|VỀ|V/v)(?![\p{L}])|\s*$)")
_CONTINUES = regex.compile(r"^VÀ\s")  # an issuer line opening with "VÀ" goes on with the line above
# a consolidated text's symbol prefix and its type; an official letter's rule prefix and type (a state number with a
# "V/v" subject line); a normative number's rule prefix (its year is the number's); the first characters of a file
# where a "tỉnh X" is counted
_CONSOLIDATED, _LETTER, _NORMATIVE_RULE, _TEXT_HEAD = ("VBHN", "Văn bản"), ("state", "Công văn"), "normative", 6_000
# the words and prefixes the line loops test with str methods (the compiled core is given the same)
_PLACE_DATE_WORDS = ("ngày", "Ngày")  # _PLACE_DATE holds one of them
_DATE_FIELD_STARTS = ("n", "N")  # _DATE_FIELD's words open the line, and only "n" and "N" lower to "n"
_TITLE_FIELD_STARTS = ("t", "T")
_VV_STARTS = ("v", "V")
_NUMBER_STARTS = ("Số", "SỐ")  # the number line
_SKIP_LINES = ("*", "-", "***")  # the rule under an issuer block
_MOTTO_LETTERS = ("ộ", "Ộ")  # every motto hint holds one (the lexicon checks)
_SIGN_NOT_TITLE = ("-", "+", "•", "Lưu")  # a line of the "Nơi nhận" column beside the signature
# how far the header is read: lines (cells) kept, those searched for the date, number and motto, for the issuer
# block, for the title after the heading; the signature in the last characters, among the last lines, a block's
# lines; an issuer line and a signature title are shorter than these
_MAX_LINES, _HEAD_LINES, _BLOCK_LINES, _TITLE_LINES = 45, 30, 35, 7
_SIGN_WINDOW, _SIGN_LAST_LINES, _SIGN_BLOCK_LINES = 3000, 60, 12
_UPPER_MAX, _SIGN_TITLE_MAX = 90, 60
# an article's dateline among its first lines; a line of page furniture is no longer than this
_DATELINE_LINES, _FURNITURE_MAX = 8, 160


@dataclass(frozen=True, slots=True)
class FileHeader:
    kind: str  # document | draft | article | unknown
    type: str | None = None
    number: str | None = None
    symbol: str | None = None
    year: int | None = None
    date: str | None = None
    issuer: str | None = None
    issuer_code: str | None = None
    level: str = "unknown"
    branch: str | None = None
    province: str | None = None
    locality: str | None = None
    title: str | None = None
    place: str | None = None
    signer: str | None = None  # name in the signature block
    signer_title: str | None = None  # "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
    # where the province was read: header (issuer lines), place_date, parent (a unit the file cites), text (a
    # "tỉnh X" in its first lines), default (extract --province); None when unknown
    province_source: str | None = None
    province_default: str | None = None  # the folder-wide default given to extract (kept for re-runs)

    @property
    def jurisdiction(self) -> str:
        return jurisdiction_of(self.level, self.province, self.locality)


def jurisdiction_of(level: str, province: str | None, locality: str | None) -> str:
    """A header's jurisdiction from its level, province and locality (``FileHeader.jurisdiction``; the index
    computes it from a stored header without building the dataclass)."""
    if level == "central":
        return ""
    if locality and level in ("district", "commune"):
        # a district header without its province still keeps two districts' numbers apart
        return f"{province or '?'} / {locality}"
    return province or ""


@lru_cache(maxsize=2048)  # pure; issuer, heading and signature lines repeat from file to file
def _is_upper_line(s: str) -> bool:
    letters = sum(map(str.isalpha, s))
    return letters >= 2 and (letters - sum(map(str.islower, s))) / letters > 0.85


def _cells(text: str, max_lines: int = _MAX_LINES) -> list[str]:
    """The first lines, with markdown table rows split into cells and separator lines dropped."""
    out: list[str] = []
    # split a prefix first: split(..., max_lines) of the whole text copies all the rest of it into its last piece
    end = 4096
    while True:
        raws = text[:end].split("\n", max_lines) if end < len(text) else text.split("\n", max_lines)
        if len(raws) > max_lines or end >= len(text):  # the prefix held the lines, or the text has no more
            break
        end *= 16
    raws = raws[:max_lines]
    if text.find("|", 0, sum(map(len, raws)) + len(raws)) < 0:  # no table row: the lines as they are
        return [_unmark(raw.strip()) for raw in raws]
    for raw in raws:
        line = _unmark(raw.strip())
        if line.startswith("|"):
            for cell in line.strip("|").split("|"):
                cell = cell.strip()
                if cell and not _RULE_CELL.fullmatch(cell):
                    # "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH -------- " -> drop rules inside cells
                    out.append(_RULE_IN_CELL.sub("", cell).strip())
        else:
            out.append(line)
    return out


def _unmark(line: str) -> str:
    """A line without its markdown: '## KẾ HOẠCH ...' -> 'KẾ HOẠCH ...', '**Số: /KH-UBND**' -> 'Số: /KH-UBND' (a
    draft written in markdown has its heading and number line marked up)."""
    if line.startswith("#"):
        line = line.lstrip("#").strip()
    if line.startswith(("**", "__")) and line.endswith(line[:2]) and len(line) > 4:
        line = line[2:-2].strip()
    return line


def read_header(text: str, mentions: list[Mention], lexicon: Lexicon, use_native: bool | None = None) -> FileHeader:
    """The file's own document, read from its first lines (and its signature block) with the lexicon's words.
    ``use_native``: the compiled core reads the lines (None: when it is in use; False: never, the reference)."""
    words = _words(lexicon)
    core = words.core(use_native)
    if core is not None:
        done = native.header_read(core, text, mentions)
        if done is not None:
            return done
    own = next((m for m in mentions if m.own), None)
    got = native.header_lines(core, text, own is not None) if core is not None else None
    if got is None:
        lines, fields = _read_lines(text, own is not None, words, lexicon)
        read = _article_lines(lines, words) if fields is None else None
    else:
        read, fields = got  # the core reads an article's lines itself
    if fields is None:
        return _article(read, mentions, lexicon, text, use_native)
    return _finish(text, mentions, lexicon, words, own, fields, use_native)


def settled_by_core(text: str, mentions: list[Mention], lexicon: Lexicon, default_province: str | None = None,
                    use_native: bool | None = None) -> FileHeader | None:
    """``identity.read_settled`` in one call of the core; None when it is not in use or leaves the text to Python."""
    core = _words(lexicon).core(use_native)
    return native.header_read(core, text, mentions, default_province, True) if core is not None else None


def _read_lines(text: str, has_own: bool, words: _Words, lexicon: Lexicon) -> tuple[list[str], tuple | None]:
    """What read_header reads from the lines: (the first lines, None) for a file with no number of its own, no blank
    number line and no motto (an article, whose lines _article_lines reads); else ([], (date, the blank number's
    symbol, the issuer block, the type heading, the title, whether a subject line "V/v" opens one of the first lines,
    the signature, the issuer's name)); the date as (place or None, day, month, year). The compiled core's
    HeaderReader.read_lines gives the same, an article's lines read as _article_lines reads them."""
    lines = _cells(text)
    # one C-speed scan of the first 30 lines joined tells whether a per-line regex loop can find anything at all
    # (each prefilter finds every line its pattern can match; a line holds no "\n")
    head = "\n".join(lines[:_HEAD_LINES])
    # place-date line (or the date field of a database export row: "ngay_ban_hanh: 13/07/2022")
    date = None
    maybe_field = head.startswith(_DATE_FIELD_STARTS) or any("\n" + c in head for c in _DATE_FIELD_STARTS)
    if maybe_field or any(w in head for w in _PLACE_DATE_WORDS):
        for x in lines[:_HEAD_LINES]:
            fm = _DATE_FIELD.match(x) if maybe_field and x.startswith(_DATE_FIELD_STARTS) else None
            if fm:
                date = (None, fm.group("d"), fm.group("m"), fm.group("y"))
                break
            pm = _place_date(x)
            if pm:
                date = (pm.group("place").strip(), pm.group("d"), pm.group("m"), pm.group("y"))
                break
    # the number line left blank ("Số:   /KH-UBND", a draft) and the motto matter only for a file without its own number
    blank = None
    if not has_own:
        if _BLANK_HINT.search(head):
            for x in lines[:_HEAD_LINES]:
                bm = _BLANK_NUMBER.match(x)
                if bm:
                    blank = bm.group("symbol")
                    break
        if blank is None and not any(_motto(x, words) for x in lines[:_HEAD_LINES]):
            return lines, None
    # issuer block: upper-case lines before the number line or the motto (in a two-column layout, the part of
    # the line before the motto); the type heading comes after them
    block: list[str] = []
    type_word = None
    title_lines: list[str] = []
    heading_idx = None
    block_open = True
    # a consolidated text's banner names its consolidator ("VĂN BẢN HỢP NHẤT - BỘ TÀI CHÍNH"): the issuer when the
    # header names no other (the consolidated document's own header may follow, with its own issuer)
    banner: list[str] = []
    target = block  # the list the last issuer line went to
    cut = False  # that line ended with a dash: the next one goes on with the name
    for i, x in enumerate(lines[:_BLOCK_LINES]):
        if not x or x in _SKIP_LINES:
            continue
        mm = _motto(x, words)
        if mm or x.startswith(_NUMBER_STARTS) or _place_date(x):
            if mm and block_open:
                left = x[:mm.start()].strip(" *_-|")
                if left and _is_upper_line(left):
                    block.append(" ".join(left.split()))
                    target, cut = block, False
            if not mm:  # the number line and the place-date line end the issuer block; the motto may sit beside it
                block_open = False
            continue
        tw = _heading_type(x, lexicon)
        if tw and block_open and tw[0] in lexicon.generic_types:
            # a gazette's banner ("VĂN BẢN QUY PHẠM PHÁP LUẬT") above the issuer: the type heading comes later
            after = x[len(tw[1]):].partition("-")[2].strip(" *_-")
            target, cut = banner, x.rstrip(" *_").endswith(("-", "–"))
            if after and _is_upper_line(after):
                banner.append(" ".join(after.split()))
                cut = False
            continue
        if tw and (block or i > 2):
            type_word = tw
            heading_idx = i
            rest = x[len(tw[1]):].strip(" :")
            if rest:
                title_lines.append(rest)
            break
        if block_open and len(x) < _UPPER_MAX and _is_upper_line(x):
            part = " ".join(x.strip("* _-").split())
            if cut or (target and _CONTINUES.match(part)):
                # one name broken over two lines: "BỘ LAO ĐỘNG -" / "THƯƠNG BINH VÀ XÃ HỘI", "... THƯƠNG BINH" / "VÀ
                # XÃ HỘI"
                if target:
                    target[-1] += (" - " if cut else " ") + part
                else:
                    target.append(part)
            else:
                block.append(part)
                target = block
            cut = x.rstrip(" *_").endswith(("-", "–"))
    block = block or banner
    if heading_idx is not None:
        for x in lines[heading_idx + 1: heading_idx + 1 + _TITLE_LINES]:
            if not x:
                if title_lines:
                    break
                continue
            first = not title_lines
            if (words.title_stop.match(x) and not (first and words.title_opener.match(x))) or _motto(x, words) \
                    or x.startswith(_NUMBER_STARTS):
                break
            title_lines.append(x)
    else:
        for x in lines[:_HEAD_LINES]:
            # lines are stripped (every regex \s is str.isspace) and (?i) folds "t" and "v" only to "T" and "V": a
            # line can match these only when it opens with that letter
            tm = _TITLE_FIELD.match(x) if x.startswith(_TITLE_FIELD_STARTS) else None
            if tm:
                title_lines.append(tm.group("t"))
                break
            vm = _VV_LINE.match(x) if x.startswith(_VV_STARTS) else None
            if vm:
                title_lines.append(vm.group(1))
                break
    title = " ".join(" ".join(title_lines).split()).strip(" -_") or None

    def subject_line() -> bool:
        return any(x.startswith(_VV_STARTS) and _VV_START.match(x) for x in lines[:_HEAD_LINES])
    return [], (date, blank, block, type_word, title, subject_line, read_signature(text, lexicon),
                _issuer_name(block, words))


def _finish(text: str, mentions: list[Mention], lexicon: Lexicon, words: _Words, own: Mention | None, fields: tuple,
            use_native: bool | None) -> FileHeader:
    """The FileHeader of a document from what _read_lines (or the core) read: level, province and issuer with the
    lexicon's places and the file's mentions."""
    dated, blank, block, type_word, title, subject_line, (signer_title, signer), issuer = fields
    date = place = year = None
    if dated is not None:
        place, d, m, y = dated
        date, year = _ymd_of(d, m, y)
    level, province, locality, candidates = _block_place_of(block, words)
    province_source = "header" if province else None
    issuer_code = own.issuer_code if own else None
    if own is None and blank is not None:
        issuer_code = _draft_code(blank, type_word[0] if type_word else None, lexicon)[1]
    code_level = lexicon.level_of_code(issuer_code) if issuer_code else "unknown"
    if level == "unknown" and code_level not in ("ambiguous", "unknown"):
        level = code_level
    if code_level == "department" and level in ("provincial", "unknown"):
        level = "department"
    in_place = _place_line(words, place, date) if place else None
    if in_place is None:
        place = None  # only a name of the gazetteer is a place ("Căn cứ ..., ngày ..." is none)
    if province is None and level != "central":
        # the place-date line (a province, or a city, district or commune the gazetteer places), then the parent
        # unit the file cites, then a "tỉnh X" in its first lines; a district named in several provinces keeps
        # only an answer among them
        for source, prov in (("place_date", lambda: in_place),
                             ("parent", lambda: _province_from_mentions(mentions, candidates)),
                             ("text", lambda: _province_from_text(text, lexicon, candidates, use_native))):
            p = prov()
            if p and (not candidates or p in candidates):
                province, province_source = p, source
                break
    branch = own.branch if own else None
    if branch is None:
        branch = _branch_of(block)
    typ = type_word[0] if type_word else (own.type if own else None)
    if own is not None and own.symbol and own.symbol.startswith(_CONSOLIDATED[0]):
        typ = _CONSOLIDATED[1]  # a consolidated text: its heading names the consolidated document's type, not its own
        if date is None:  # its date stands in the authentication block, below the number
            for x in _lines_after(text, own):
                pm = _place_date(x)
                if pm:
                    date, year = _ymd(pm)
                    break
    if typ is None and own is not None and own.rule.startswith(_LETTER[0]) and (
            subject_line() if callable(subject_line) else subject_line):
        typ = _LETTER[1]  # NUMBER/ISSUER-UNIT with a "V/v" subject line: an official letter
    if own is not None:
        number, symbol = own.number, own.symbol
        if own.year and year is None:
            year = own.year
        if own.rule.startswith(_NORMATIVE_RULE) and own.year:
            year = own.year
    else:
        number = None
        symbol = lexicon.canonical_symbol(blank) if blank is not None else None
    if symbol and (typ is None or typ in lexicon.generic_types):
        # no type heading, or a generic one (a gazette's "VĂN BẢN QUY PHẠM PHÁP LUẬT" banner): the number's type code
        # names the type (12/2022/NĐ-CP is a Nghị định; a consolidated text's VBHN names none)
        first = symbol.split("/")[0].split("-")[0]
        typ = lexicon.type_of_code(first, typ) or typ
    by = _HEADING_BY.match(title) if title else None
    if by:
        issuer = _issuer_name([by.group("body")], words) or issuer
        title = title[by.end():].strip() or None
    kind = "document" if own is not None or blank is None else "draft"  # a blank "Số:   /KH-UBND" is a draft
    return FileHeader(kind=kind, type=typ, number=number, symbol=symbol, year=year, date=date, issuer=issuer,
                      issuer_code=issuer_code, level=level, branch=branch, province=province, locality=locality,
                      title=title, place=place, signer=signer, signer_title=signer_title,
                      province_source=province_source)


def _draft_code(blank: str, worded: str | None, lexicon: Lexicon) -> tuple[str, str]:
    """(symbol, issuer code) of a blank number's symbol ("/KH-UBND"); ``worded``: the heading's type word."""
    sym = lexicon.canonical_symbol(blank)
    segs = sym.split("-")
    return sym, "-".join(segs[1:]) if len(segs) > 1 and lexicon.type_of_code(segs[0], worded) else segs[0]


def _branch_of(block: list[str]) -> str:
    """The branch an issuer block's words tell: a Party's ("ĐẢNG", "TỈNH ỦY") unless it names a people's body."""
    return "party" if any("ĐẢNG" in x.upper() or _PARTY_UY.search(x.upper()) for x in block) \
        and not any("NHÂN DÂN" in x.upper() for x in block) else "state"


def _lines_after(text: str, own: Mention, n: int = 4) -> list[str]:
    """text.split("\\n")[own.line:own.line + n], the n lines after the number line, without splitting the whole
    text (a consolidated text's number can stand thousands of lines down)."""
    if own.line >= 1 and text.count("\n", 0, own.start) == own.line - 1:  # own.line is the line of own.start
        start = text.find("\n", own.start) + 1
        if start == 0:
            return []
        end = start
        for _ in range(n):
            nl = text.find("\n", end)
            if nl < 0:
                return text[start:].split("\n")
            end = nl + 1
        return text[start:end].split("\n")[:n]
    return text.split("\n")[own.line:own.line + n]


_CELL_SPLIT = re.compile(r"\s{3,}|\|")
_PERSON = regex.compile(r"^(?:\p{Lu}\p{Ll}+)(?:\s+\p{Lu}\p{Ll}*){1,4}$")


def read_signature(text: str, lexicon: Lexicon | None = None) -> tuple[str | None, str | None]:
    """(title lines joined with " / ", signer's name) from the last lines of a document, or (None, None).
    ``lexicon``: the signature words (default: the built-in rules')."""
    words = _words(lexicon or load_lexicon())
    # No signature unless the last 3,000 characters hold a hint word (a sign word but a weak one: "Q."); then the first
    # of the last 60 lines that holds a sign word and starts a signature block. The words never span lines, and a
    # line holds one exactly when its stripped text does (they neither start nor end with a space or "|").
    window = text[-_SIGN_WINDOW:]
    starts = {window.rfind("\n", 0, m.start()) + 1 for m in words.sign_t.finditer(window)}  # line starts
    hinted = bool(starts)
    weak = words.sign_weak
    for w in words.sign_no_t:
        i = window.find(w)
        hinted = hinted or (i >= 0 and w not in weak)
        while i >= 0:
            starts.add(window.rfind("\n", 0, i) + 1)
            i = window.find(w, i + 1)
    if not hinted:
        return None, None
    for start in sorted(starts):
        if window.count("\n", start) >= _SIGN_LAST_LINES:
            continue  # not among the last 60 lines
        # this line and the 11 after it (the block's lines)
        lines = [x.strip().strip("|").strip()
                 for x in window[start:].split("\n", _SIGN_BLOCK_LINES)[:_SIGN_BLOCK_LINES]]
        found = _signature_at(lines, words)
        if found is not None:
            return found
    return None, None


def _signature_at(lines: list[str], words: _Words) -> tuple[str, str | None] | None:
    """The signature block starting on lines[0], or None when none starts there."""
    x = lines[0]
    # the signature column often sits beside "Nơi nhận:" in a two-column layout: take the right part
    cells = [c.strip() for c in _CELL_SPLIT.split(x) if c.strip()]
    if not cells:
        return None
    cand = cells[-1]
    if not words.sign_start.match(cand):
        return None
    titles = [cand]
    name = None
    for y in lines[1:]:
        ycells = [c.strip() for c in _CELL_SPLIT.split(y) if c.strip()]
        if not ycells:
            continue
        yc = ycells[-1]
        if words.sign_skip.match(yc) or yc.startswith(_SIGN_NOT_TITLE):
            continue  # "(đã ký)", or a line of the "Nơi nhận" column beside the signature
        if len(yc) < _SIGN_TITLE_MAX and _is_upper_line(yc) and not _PERSON.match(yc):
            titles.append(yc)
            continue
        if _PERSON.match(yc):
            name = yc
        break
    return " / ".join(titles), name  # the name may be missing: a draft, or "(đã ký)" only


@_line_cache(1024)  # pure for a given lexicon; issuer and heading lines repeat from file to file
def _heading_type(line: str, lexicon: Lexicon) -> tuple[str, str] | None:
    """'KẾ HOẠCH' / 'CHƯƠNG TRÌNH HÀNH ĐỘNG thực hiện ...' -> (canonical type, the matched words)."""
    if not line or not line[0].isupper():
        return None
    words = line.split()
    if words[0].lower() not in _type_first_words(lexicon):  # every type word spelling starts with one of these
        return None
    for n in (4, 3, 2, 1):
        if len(words) < n:
            continue
        head = " ".join(words[:n])
        canon = lexicon.type_word_map.get(head.lower())  # the dict test first: most lines name no type
        if canon is None and head[-1].isdigit():  # a footnote's mark: "THÔNG TƯ1"
            canon = lexicon.type_word_map.get(head.lower().rstrip("0123456789"))
        if canon and _is_upper_line(head):
            return canon, head
    return None


@lru_cache(maxsize=8)
def _type_first_words(lexicon: Lexicon) -> frozenset[str]:
    return frozenset(k.split(" ")[0] for k in lexicon.type_word_map)


_MEMO = 1024  # the most entries of each memo of _Words (emptied when full)


def _place_line(words: _Words, place: str, date: str | None) -> str | None:
    """``Gazetteer.place_line(place, date)``, remembered: it reads the date only as before or after the reform."""
    gz = words.lexicon.gazetteer
    key = (place, bool(date) and date >= gz.reform_date)
    memo = words.place_lines
    hit = memo.get(key, _UNBUILT)
    if hit is _UNBUILT:
        if len(memo) >= _MEMO:
            memo.clear()
        hit = memo[key] = gz.place_line(place, date)
    return hit  # type: ignore[return-value]


def _block_place_of(block: list[str], words: _Words) -> tuple[str, str | None, str | None, tuple[str, ...]]:
    """``_block_place``, remembered (issuer blocks repeat from file to file)."""
    key = tuple(block)
    memo = words.block_places
    hit = memo.get(key)
    if hit is None:
        if len(memo) >= _MEMO:
            memo.clear()
        hit = memo[key] = _block_place(block, words)
    return hit


def _block_place(block: list[str], words: _Words) -> tuple[str, str | None, str | None, tuple[str, ...]]:
    """Level (the deepest the lines name: levels rank top down, "unknown" below any), province, district or commune,
    and the provinces a district or commune named in several may lie in, from the issuer lines of a header."""
    level = "unknown"
    province = locality = None
    candidates: tuple[str, ...] = ()
    lexicon = words.lexicon
    for x in block:
        f = fold(x)
        lvl, prov, loc = lexicon.place_of(x)
        if any(w in f for w in words.central_words) and not prov and not loc:
            lvl = "central" if lvl is None else lvl
        if words.dept_start.match(x) or f.startswith("so "):
            lvl = "department"
        if words.central_start.match(x):
            lvl = lvl or "central"
        if loc and locality is None:
            candidates = lexicon.gazetteer.place_of(x).candidates
        province = province or prov
        locality = locality or loc
        if lvl and lvl != "unknown" and (level == "unknown" or LEVEL_RANK[lvl] > LEVEL_RANK[level]):
            level = lvl
    if province is not None and candidates and province not in candidates:
        candidates = ()  # the header names the province: it wins over the district's namesakes
    return level, province, locality, candidates


def _province_from_mentions(mentions: list[Mention], candidates: tuple[str, ...] = ()) -> str | None:
    """The province most often named in the file's references ("của UBND tỉnh Hà Nam" in a district plan: the
    parent unit), among ``candidates`` when given."""
    c = Counter(m.province for m in mentions if m.province and not m.own
                and (not candidates or m.province in candidates))
    return c.most_common(1)[0][0] if c else None


def _province_from_text(text: str, lexicon: Lexicon, candidates: tuple[str, ...] = (),
                        use_native: bool | None = None) -> str | None:
    """The province most often named with its unit word in the first lines ("Đảng bộ tỉnh Bắc Giang", or "huyện
    Vân Canh", a district of one province)."""
    head = text[:_TEXT_HEAD]
    if not head:
        return None
    ranked = [(p, n) for p, n in lexicon.gazetteer.provinces_in(head, use_native).most_common()
              if not candidates or p in candidates]
    if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    return None  # none, or a tie ("thành phố Hồ Chí Minh và các tỉnh Bình Dương, ..."): no guess


@lru_cache(maxsize=4096)  # pure; issuer lines repeat from file to file
def _sentence_case(line: str, words: _Words) -> str:
    """'SỞ NỘI VỤ' -> 'Sở Nội vụ', 'UBND TỈNH BẮC GIANG' -> 'UBND tỉnh Bắc Giang', 'TỈNH ỦY BẮC GIANG' -> 'Tỉnh ủy Bắc Giang'."""
    keep = words.keep_upper
    low = " ".join(w if w in keep else w.lower() for w in line.split())
    for k, pat, v in words.phrases:
        if k in low:
            low = pat.sub(v, low)
    text = low
    # capitalise the word after a unit word (Sở Nội vụ, Bộ Tài chính) and every word of a place name
    lower = text.lower()  # text changes only right before the loop ends
    place_units = words.place_units
    for unit, pat in words.unit_res:
        if unit not in lower:
            continue

        def cap(m: regex.Match, unit: str = unit) -> str:
            rest = m.group(2)
            if unit in place_units:
                rest = " ".join(w[:1].upper() + w[1:] for w in rest.split())
            else:
                rest = rest[:1].upper() + rest[1:]
            return m.group(1) + " " + rest
        new = pat.sub(cap, text)
        if new != text:
            text = new
            break
    return text[:1].upper() + text[1:]


def _issuer_name(block: list[str], words: _Words) -> str | None:
    lines = [x.strip() for x in block if x.strip()]
    # compared by letters and digits only: "BỘ LAO ĐỘNG -" / "THƯƠNG BINH VÀ XÃ HỘI" says "Bộ Lao động - Thương binh và
    # Xã hội" again
    keys = ["".join(ch for ch in x.casefold() if ch.isalnum()) for x in lines]
    kept: list[int] = []
    i = 0
    while i < len(lines):
        # the issuer printed twice (a gazette's running head above the header, a two-column layout): a line, or a
        # run of up to three lines, that says again what is already kept, in one line or in as many
        said = {keys[k] for k in kept} | {"".join(keys[k] for k in kept[a:]) for a in range(len(kept))}
        run = next((j for j in range(i + 1, min(len(lines), i + 3) + 1) if "".join(keys[i:j]) in said), None)
        if run is not None:
            i = run
            continue
        kept.append(i)
        i += 1
    parts = [_sentence_case(lines[k], words) if _is_upper_line(lines[k]) else lines[k] for k in kept]
    return " - ".join(parts) or None


def _furniture(line: str, words: _Words) -> bool:
    """Whether a line of a news page is no headline: only menu words, section names, buttons, dates and separators
    (the page_furniture table). A long line is text."""
    return words.furniture is not None and len(line) <= _FURNITURE_MAX \
        and words.furniture.fullmatch(line.casefold()) is not None


# a sentence of a lead ends with its stop and a space before a capital ("21.4" and "ĐBQH." inside do not end it)
_SENTENCE_END = regex.compile(r"[.!?…](?=\s+[\p{Lu}\d\"“(])")


def _headline(line: str, words: _Words) -> str:
    """The headline of a news item read from its first line: as it is when the page has a headline line; when that
    line is the lead (a page without one), its first sentence, without the source's tag ("(TTXVN) - Sáng 16/4, ..."
    is titled "Sáng 16/4, ...")."""
    tag = words.source_tag.match(line) if words.source_tag is not None else None
    if tag is None:
        return line
    lead = line[tag.end():]
    end = _SENTENCE_END.search(lead)
    return (lead[:end.start()] if end else lead).strip().rstrip(".").strip() or line


def _article_lines(lines: list[str], words: _Words) -> tuple[str | None, tuple[str, str, str] | None, str | None, bool]:
    """What an article's header is read from in its first lines (the compiled core's read_lines gives the same): the
    headline, the dateline's (day, month, year) and its place, whether any line holds text."""
    # the headline: the first line of two words or more that is not the page's furniture (a menu, section names, a
    # date alone); else the first line that is not furniture
    heads = [x.lstrip("# ").strip() for x in lines if x.strip() and not _furniture(x, words)]
    title = next((x for x in heads if len(x.split()) > 1), heads[0] if heads else None)
    if title is not None:
        title = _headline(title, words)
    dated = place = None
    for x in lines[:_DATELINE_LINES]:
        dm = _DATELINE.search(x) if "/" in x else None  # every dateline holds "/"
        if dm:
            dated = (dm.group("d"), dm.group("m"), dm.group("y"))
            pm = _DATELINE_PLACE.match(x)
            if pm:
                place = pm.group("place").strip()
            break
    return title, dated, place, any(x.strip() for x in lines)


def _article(read: tuple, mentions: list[Mention], lexicon: Lexicon, text: str,
             use_native: bool | None = None) -> FileHeader:
    """The FileHeader of a file without a header of its own from what _article_lines (or the core) read: a news
    item's date, headline and province."""
    title, dated, place, any_text = read
    date = year = None
    if dated is not None:
        date, y = _ymd_of(*dated)
        year = y if date else None
    if not any_text:
        return FileHeader(kind="unknown")
    in_place = _place_line(_words(lexicon), place, date) if place else None
    place = place if in_place else None
    province, source = in_place, "place_date" if in_place else None
    if province is None:
        province = _province_from_mentions(mentions)
        source = "parent" if province else None
    if province is None:
        province = _province_from_text(text, lexicon, use_native=use_native)
        source = "text" if province else None
    return FileHeader(kind="article" if (date or title) else "unknown", date=date, year=year, title=title,
                      province=province, place=place, province_source=source)
