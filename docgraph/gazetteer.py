"""Vietnamese administrative units: which names are places, and in which province.

The data (``rules/gazetteer.json``) is an extract of the PyPI package ``vietnamadminunits`` (General Statistics
Office lists; regenerate with ``tools/build_gazetteer.py``): the 63 provinces with their districts and communes as
they stood until 30/6/2025, the 34 provinces and 3,321 communes from 1/7/2025, and which old provinces each new one
was formed from (Resolution 202/2025/QH15). Names are matched whatever their case and tone placement ("Khánh Hoà" =
"KHÁNH HÒA" = "khánh hòa"); only names of the data are places, so "Căn cứ" or "Bảng" never become one.

    >>> from docgraph.lexicon import load_lexicon
    >>> g = load_lexicon().gazetteer
    >>> g.province("khánh hoà").name
    'Khánh Hòa'
    >>> g.place_of("của ubnd tỉnh lạng sơn")
    Found(level='provincial', province='Lạng Sơn', locality=None, candidates=())
    >>> g.place_of("UBND huyện Lạng Giang").province
    'Bắc Giang'
    >>> g.place_line("Việt Trì", "2024-03-05")
    'Phú Thọ'
    >>> g.members("Ninh Bình")
    ('Hà Nam', 'Nam Định', 'Ninh Bình')
"""

from __future__ import annotations

import json
from sys import intern
from collections import Counter
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Mapping

import regex

from . import native
from .model import LEVEL_RANK
from .normalize import fold, modern_tones

_HYPHEN = regex.compile(r"\s*[-–]\s*")
_NAME_WORD = regex.compile(r"[\p{L}\p{M}]+(?:\.[\p{L}\p{M}]+)*")


_MISSING = object()


def name_key(s: str) -> str:
    """The form names are compared in: NFC, modern tone placement, lower case, one space, " - " for dashes."""
    s = modern_tones(unicodedata.normalize("NFC", s))
    return " ".join(_HYPHEN.sub(" - ", s).split()).lower()


@dataclass(frozen=True, slots=True)
class Province:
    """A province or centrally-run city, before or after the 2025 reform (or both, when its name went on)."""

    name: str  # "Bắc Giang", "Hồ Chí Minh"
    full: str  # "Tỉnh Bắc Giang", "Thành phố Hồ Chí Minh"
    before: bool  # one of the 63 (until 30/6/2025)
    after: bool  # one of the 34 (from 1/7/2025)
    merged_into: str | None = None  # the province of 1/7/2025 that it became part of (itself when it went on)
    merged_from: tuple[str, ...] = ()  # a province of 1/7/2025: the old provinces it was formed from
    capital: str | None = None  # before the reform: the city that is its seat (None for a centrally-run city)

    @property
    def city(self) -> bool:
        """A centrally-run city (thành phố trực thuộc trung ương)."""
        return self.full.startswith("Thành phố")


@dataclass(frozen=True, slots=True)
class Place:
    """A district or commune: its unit word, name and province."""

    name: str
    level: str  # district | commune
    unit: str  # "Huyện", "Thành phố", "Quận", "Thị xã", "Xã", "Phường", "Thị trấn", "Đặc khu"
    province: str
    after: bool  # a commune of 1/7/2025 (else a unit of the 63-province map)
    capital: bool = False


@dataclass(frozen=True, slots=True)
class Found:
    """What a phrase names: the deepest level, the province (named or implied by a placed unit), the district or
    commune, and the provinces that unit may lie in when its name is not unique."""

    level: str | None
    province: str | None
    locality: str | None
    candidates: tuple[str, ...] = ()


class Gazetteer:
    """Lookups over the administrative units. Build with :func:`gazetteer` (cached) or from a data dict."""

    def __init__(self, data: dict, unit_words: Mapping[str, str], reform_date: str,
                 city_words: tuple[str, ...] = (), leading_units: tuple[str, ...] = ()):
        """``unit_words``: the words that introduce a place, with the level of the unit they name; ``reform_date``
        (ISO): from this day two tiers and 34 provinces; ``city_words``: the unit words that name a city (centrally
        run, or of a province); ``leading_units``: the unit words (and abbreviations) a place-date line may put
        before a name. The lexicon gives them all (``Lexicon.gazetteer``: its place_words, reform_dates.new_units_from,
        city_words and leading_place_units)."""
        self.reform_date = reform_date
        self.city_words = frozenset(name_key(w) for w in city_words)
        alt = "|".join(regex.escape(w) for w in leading_units) or "(?!)"
        self._leading_unit = regex.compile(rf"(?i)^(?:{alt})\s*")
        self.about: str = data.get("about", "")
        self.provinces: dict[str, Province] = {}
        new_names = {p["name"] for p in data["after"]}
        old_names = {p["name"] for p in data["before"]}
        after = {p["name"]: p for p in data["after"]}
        for p in data["before"]:
            a = after.get(p["name"])
            self.provinces[p["name"]] = Province(
                p["name"], p["full"], True, p["name"] in new_names, p.get("merged_into"),
                tuple(a.get("merged_from", ())) if a else (), p.get("capital"))
        for p in data["after"]:
            if p["name"] not in old_names:
                self.provinces[p["name"]] = Province(p["name"], p["full"], False, True, p["name"],
                                                     tuple(p.get("merged_from", ())))
        self._known: dict[tuple, tuple | None] = {}  # provinces_in's memo of _name_after
        self._prov_keys: dict[str, str] = {}
        for p in self.provinces.values():
            self._prov_keys[name_key(p.name)] = p.name
            self._prov_keys[name_key(p.full)] = p.name
        for canon, alts in data.get("aliases", {}).items():
            for a in alts:
                self._prov_keys.setdefault(name_key(a), canon)
        self._data = data
        words = dict(unit_words)
        self.unit_words = {name_key(w): lvl for w, lvl in words.items()}
        self._cache: dict[str, Found] = {}

    # the indexes of districts and communes and the patterns are built on first use: a query that only names a
    # province never pays for them. A place's unit word is one of a few ("Xã", "Phường"): one string each (the JSON
    # reader makes one per place: 1 MiB of the 13,000 communes in each worker of extract)
    @cached_property
    def _districts(self) -> dict[str, list[Place]]:
        out: dict[str, list[Place]] = {}
        for p in self._data["before"]:
            for unit, name in p["districts"]:
                out.setdefault(_data_key(name), []).append(
                    Place(name, "district", intern(unit), p["name"], False,
                          name == p.get("capital") and unit == "Thành phố"))
        self._built("_districts")
        return out

    @cached_property
    def _communes(self) -> dict[str, list[Place]]:
        out: dict[str, list[Place]] = {}
        for p in self._data["before"]:
            for _district, wards in p.get("communes", {}).items():
                for unit, name in wards:
                    out.setdefault(_data_key(name), []).append(Place(name, "commune", intern(unit), p["name"], False))
        for p in self._data["after"]:
            for unit, name in p["communes"]:
                out.setdefault(_data_key(name), []).append(Place(name, "commune", intern(unit), p["name"], True))
        self._built("_communes")
        return out

    def _built(self, index: str) -> None:
        """Once both indexes are built the data they came from is let go (some 3 MiB of lists and strings in
        each worker of ``extract``; the places keep their names)."""
        other = "_communes" if index == "_districts" else "_districts"
        if other in self.__dict__:
            self._data = {k: v for k, v in self._data.items() if k not in ("before", "after")}

    @cached_property
    def _unit_re(self) -> regex.Pattern:
        alt = "|".join(regex.escape(w).replace("\\ ", r"\s+") for w in sorted(self.unit_words, key=len, reverse=True))
        # a unit word, then the words of a name (a dash may join two: "Bà Rịa - Vũng Tàu", "Phan Rang - Tháp Chàm")
        return regex.compile(
            rf"(?<![\p{{L}}\p{{M}}])(?P<w>{alt})(?![\p{{L}}\p{{M}}])\s+(?P<name>[\p{{L}}\p{{M}}]+"
            # the name stops before another unit word ("thành phố Hồ Chí Minh và các tỉnh Bình Dương")
            rf"(?:(?:[ \t]+|[ \t]*[-–][ \t]*)(?!(?:{alt})(?![\p{{L}}\p{{M}}]))[\p{{L}}\p{{M}}]+){{0,5}})",
            regex.IGNORECASE)

    @cached_property
    def _bare_province(self) -> regex.Pattern:
        """A province's name of two words or more (or Huế) closing a phrase: "Sở Nội vụ Bắc Giang"."""
        return regex.compile(
            r"(?<![\p{L}\p{M}])(?:" + "|".join(
                regex.escape(k).replace("\\ ", r"\s+").replace(r"\-", r"\s*[-–]\s*")
                for k in sorted(self._prov_keys, key=len, reverse=True) if k[:1].isalpha() and " " in k
                or k in ("huế",)) + r")\s*$", regex.IGNORECASE)

    # ------------------------------------------------------------------------------------------------ lookups
    def province(self, name: str | None) -> Province | None:
        """The province a name denotes (old or new, any case or tone placement, with or without "Tỉnh"/"Thành
        phố"), else None."""
        if not name:
            return None
        k = name_key(name)
        canon = self._prov_keys.get(k) or self._prov_keys.get(name_key(self._leading_unit.sub("", name)))
        return self.provinces.get(canon) if canon else None

    def is_province(self, name: str | None) -> bool:
        return self.province(name) is not None

    def lookup(self, name: str) -> list[Province | Place]:
        """Every unit a name denotes: provinces first, then districts, then communes."""
        k = name_key(name)
        out: list[Province | Place] = []
        p = self.province(name)
        if p:
            out.append(p)
        out += self._districts.get(k, [])
        out += self._communes.get(k, [])
        return out

    def districts(self, name: str) -> list[Place]:
        return list(self._districts.get(name_key(name), ()))

    def communes(self, name: str) -> list[Place]:
        return list(self._communes.get(name_key(name), ()))

    def districts_of(self, province: str) -> list[Place]:
        """The districts of an old province (until 30/6/2025)."""
        p = self.province(province)
        return [d for ds in self._districts.values() for d in ds if p and d.province == p.name]

    def communes_of(self, province: str) -> list[Place]:
        """The communes of a province of 1/7/2025."""
        p = self.province(province)
        return [c for cs in self._communes.values() for c in cs if p and c.after and c.province == p.name]

    def merged_into(self, name: str) -> str | None:
        p = self.province(name)
        return p.merged_into if p else None

    def members(self, name: str) -> tuple[str, ...]:
        """The provinces whose documents a query for ``name`` covers: a province of 1/7/2025 with the old ones
        merged into it ("Ninh Bình" -> Hà Nam, Nam Định, Ninh Bình); an old province, itself. Empty when ``name``
        is no province."""
        p = self.province(name)
        if p is None:
            return ()
        if p.after and p.merged_from:
            return tuple(sorted(set(p.merged_from) | {p.name}, key=fold))
        return (p.name,)

    # ------------------------------------------------------------------------------------------------ phrases
    def place_of(self, phrase: str) -> Found:
        """The place an issuer phrase or a header line names ("của ubnd tỉnh lạng sơn", "UBND HUYỆN LẠNG
        GIANG", "Huyện ủy Lạng Giang, tỉnh Bắc Giang"): unit words followed by a name of the data."""
        hit = self._cache.get(phrase)
        if hit is None:
            if len(self._cache) > 8192:
                self._cache.clear()
            hit = self._cache[phrase] = self._place_of(phrase)
        return hit

    def _place_of(self, phrase: str) -> Found:
        text = modern_tones(unicodedata.normalize("NFC", phrase))
        level = province = locality = None
        candidates: tuple[str, ...] = ()
        for m in self._unit_re.finditer(text):
            w = name_key(m.group("w"))
            lvl = self.unit_words.get(w)
            words = _words(m.group("name"))
            if not words or lvl is None:
                continue
            if w.endswith("xã") and fold(words[0]) == "hoi":  # "xã hội": society, not a commune (OCR "xã Hoi")
                continue
            # across a line break only a name of the data counts ("tỉnh\nCăn cứ ..." names no place)
            hit = self._name_after(w, lvl, words, unplaced="\n" not in text[m.end("w"):m.start("name")])
            if hit is None:
                continue
            hlvl, prov, loc, cands = hit
            if hlvl == "provincial":
                province = province or prov
            else:
                if locality is None:
                    locality, candidates = loc, cands
            if level is None or LEVEL_RANK[hlvl] > LEVEL_RANK[level]:
                level = hlvl
        if province is None:
            bm = self._bare_province.search(text.rstrip(" .,;"))
            if bm and bm.group(0)[:1].isupper() and (locality is None or name_key(bm.group(0)) != name_key(locality)):
                province = self._prov_keys.get(name_key(bm.group(0)))
        if province is None and len(candidates) == 1:
            province = candidates[0]
        return Found(level, province, locality, candidates if province is None or province not in candidates
                     else (province,) if candidates else ())

    def _key_hit(self, lvl: str, city: bool, k: str) -> tuple[str, str | None, str | None, tuple[str, ...]] | None:
        """What the name of key ``k`` denotes after a unit word of level ``lvl`` (``city``: a word that names a city),
        or None when the data has no such unit (``_name_after`` then tries a shorter name)."""
        if lvl == "provincial":
            canon = self._prov_keys.get(k)
            p = self.provinces.get(canon) if canon else None
            if city:
                if p is not None and p.city:
                    return "provincial", p.name, None, ()
                cities = [d for d in self._districts.get(k, ()) if d.unit == "Thành phố"]
                if cities:
                    return "district", None, cities[0].name, _provinces_of(cities)
                if p is not None:
                    return "provincial", p.name, None, ()
            elif p is not None:
                return "provincial", p.name, None, ()
        elif lvl == "district":
            ds = self._districts.get(k)
            if ds:
                return "district", None, ds[0].name, _provinces_of(ds)
        elif lvl == "commune":
            cs = self._communes.get(k)
            if cs:
                return "commune", None, cs[0].name, _provinces_of(cs)
        return None

    def _name_after(self, w: str, lvl: str, words: list[str], unplaced: bool = True
                    ) -> tuple[str, str | None, str | None, tuple[str, ...]] | None:
        """(level, province, locality, candidate provinces) for the longest name of the data that opens
        ``words``, after the unit word ``w``; a capitalised name that is not in the data names an unplaced
        district or commune (never a province)."""
        city = w in self.city_words
        for n in range(min(len(words), 6), 0, -1):
            hit = self._key_hit(lvl, city, name_key(" ".join(words[:n])))
            if hit is not None:
                return hit
        if unplaced and lvl in ("district", "commune") and words[0][:1].isupper() and words[0] != "-":
            # a unit the data does not list (renamed or merged before 2025): its name, capitalised words only
            name = []
            for x in words[:4]:
                if not x[:1].isupper() or len(x) < 2:
                    break
                name.append(x)
            if not name:
                return None
            return lvl, None, " ".join(x[:1].upper() + x[1:].lower() for x in name), ()
        return None

    def provinces_in(self, text: str, use_native: bool | None = None) -> Counter:
        """How often each province is named in ``text`` after a unit word: a province ("tỉnh Bắc Giang", "Thành ủy
        Hà Nội"), or a district or commune whose name the data places in one province only ("huyện Vân Canh").
        ``use_native``: the compiled core counts them (None: when it is in use; False: never)."""
        text = modern_tones(unicodedata.normalize("NFC", text))
        core = self._province_counter(use_native)
        if core is not None:
            got = native.provinces_counted(core, text)
            if got is not None:
                return Counter(dict(got))
        c: Counter = Counter()
        for m in self._unit_re.finditer(text):
            w = name_key(m.group("w"))
            lvl = self.unit_words.get(w)
            words = _words(m.group("name"))
            if lvl is None or not words or (w.endswith("xã") and fold(words[0]) == "hoi"):
                continue
            k = (w, lvl, tuple(words[:6]))
            hit = self._known.get(k, _MISSING)
            if hit is _MISSING:  # names repeat from file to file: looked up once (a bounded memo)
                if len(self._known) > 20_000:
                    self._known.clear()
                hit = self._known[k] = self._name_after(w, lvl, words, unplaced=False)
            if hit is None:
                continue
            if hit[1]:
                c[hit[1]] += 1
            elif len(hit[3]) == 1:
                c[hit[3][0]] += 1
        return c

    def _province_counter(self, use: bool | None) -> Any | None:
        """The compiled core's province counter over this gazetteer's tables (built once), or None when the core is
        not in use (``use``: as in ``provinces_in``) or cannot search the unit words."""
        if use is False or (use is None and not native.stage_on("header")):
            return None
        got = self.__dict__.get("_counter", _MISSING)
        if got is _MISSING:
            got = self.__dict__["_counter"] = native.province_counter(self.counter_tables, use)
        return got

    def counter_tables(self) -> tuple:
        """What the compiled core's province counter is built from: the unit words in the pattern's order, their
        levels, the city words, for a city word, a provincial, a district and a commune word the province each
        name of the data counts for ("" when none: several provinces), and fold() of the characters below U+2000
        that is part of "hoi" (the "xã hội" test)."""
        tables = []
        # the names each level's lookup can find (_key_hit finds no other)
        for lvl, city, keys in (("provincial", True, (*self._prov_keys, *self._districts)),
                                ("provincial", False, self._prov_keys), ("district", False, self._districts),
                                ("commune", False, self._communes)):
            table = {}
            for k in keys:
                hit = self._key_hit(lvl, city, k)
                if hit is not None:
                    table[k] = hit[1] or (hit[3][0] if len(hit[3]) == 1 else "")
            tables.append(table)
        # fold's own function: 8,192 characters would stay in its cache
        hoi = {c: f for c in map(chr, range(0x2000))
               if (f := fold.__wrapped__(c)) in ("", "h", "o", "i", "ho", "oi", "hoi")}
        return (sorted(self.unit_words, key=len, reverse=True), dict(self.unit_words), sorted(self.city_words),
                tables, hoi)

    def place_line(self, place: str | None, date: str | None = None) -> str | None:
        """The province of a place-date line's place ("Lạng Sơn", "Việt Trì", "TP. Biên Hòa"), read with the
        units in force on ``date`` (ISO): a province, a district or city, a commune; a name that several provinces
        share counts only when one of them has it as its capital. None when the name is no place of the data."""
        if not place:
            return None
        name = self._leading_unit.sub("", place.strip(" .,")).strip()
        if not name or not name[:1].isupper():
            return None
        after = bool(date) and date >= self.reform_date
        p = self.province(name)
        if p is not None:
            return p.merged_into if after and not p.after and p.merged_into else p.name
        k = name_key(name)
        units = self._districts.get(k, [])
        communes_after = [c for c in self._communes.get(k, ()) if c.after]
        communes_before = [c for c in self._communes.get(k, ()) if not c.after]
        order = [communes_after, units, communes_before] if after else [units, communes_before, communes_after]
        among: set[str] | None = None  # the provinces an ambiguous name left open
        for group in order:
            provs = set(self._in_force(_provinces_of(group), after))
            if len(provs) > 1:
                caps = set(self._in_force(_provinces_of([u for u in group if u.capital]), after))
                provs = caps if len(caps) == 1 else provs
            if not provs:
                continue
            if among is None:
                if len(provs) == 1:
                    return provs.pop()
                among = provs
            elif group is units and len(provs) == 1 and provs <= among:
                # after the reform a ward's name several provinces share, and one old district of that name
                # ("Tân An": the old Long An's capital, in the new Tây Ninh): the district tells
                return provs.pop()
        return None  # no place, or a name several provinces share: no guess

    def _in_force(self, provinces: tuple[str, ...], after: bool) -> tuple[str, ...]:
        """The provinces, each as the province of 1/7/2025 it became part of when ``after``."""
        if not after:
            return provinces
        return tuple(q.merged_into if not q.after and q.merged_into else q.name
                     for q in (self.provinces[p] for p in provinces))


def _data_key(s: str) -> str:
    """name_key of a name of the data (NFC, one space already): the common case without a dash, faster."""
    return modern_tones(s).lower() if "-" not in s else name_key(s)


def _words(s: str) -> list[str]:
    """The words of a name, a dash kept as its own word ("Bà Rịa - Vũng Tàu")."""
    out = []
    for part in _HYPHEN.split(s):
        if out:
            out.append("-")
        out += part.split()
    return [w for w in out if w]


def _provinces_of(places: list[Place] | tuple[Place, ...]) -> tuple[str, ...]:
    return tuple(sorted({p.province for p in places}, key=fold))


def data_path() -> Path:
    from .ruleyaml import builtin_rules_dir

    return builtin_rules_dir() / "gazetteer.json"


@lru_cache(maxsize=4)
def gazetteer(unit_words: tuple[tuple[str, str], ...], reform_date: str, city_words: tuple[str, ...] = (),
              leading_units: tuple[str, ...] = ()) -> Gazetteer:
    """The gazetteer of the built-in data (cached), with ``unit_words`` (pairs), ``reform_date`` and the other words
    of :class:`Gazetteer`; ask the lexicon for it (``load_lexicon().gazetteer``), which passes its own."""
    data = json.loads(data_path().read_text(encoding="utf-8"))
    return Gazetteer(data, dict(unit_words), reform_date, city_words, leading_units)
