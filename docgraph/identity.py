"""Document identity: which real document a mention (or a file) is.

Central documents are keyed by number, symbol and year; normative numbers carry their own year; Party numbers recur
every term, so their year (from the date) is part of the key; local documents (provincial and below) also carry their
jurisdiction, read from the issuer phrase or, failing that, from the citing file's own header.
"""

from __future__ import annotations

from dataclasses import dataclass

from .header import FileHeader, read_header, settled_by_core
from .lexicon import Lexicon, load_lexicon
from .model import LOCAL_LEVELS, Mention
from .normalize import slug, slug_once


@dataclass(frozen=True, slots=True)
class DocKey:
    """What identifies a document, before the year of a year-less mention is resolved across the index."""

    base: str  # "83-kh-tu" (number without zeros + symbol), or "luat-dat-dai" for a law by name
    year: int | None
    jurisdiction: str  # "" for central documents
    level: str

    def doc_id(self, year: int | None = None) -> str:
        y = self.year if self.year is not None else year
        head = f"{self.base}-{'x' if y is None else str(y)}"
        return f"{head}-{slug(self.jurisdiction)}" if self.jurisdiction else head


def number_key(number: str) -> str:
    """Leading zeros do not matter: '05' -> '5', '066.07' -> '66.7', '30a' -> '30a'."""
    return ".".join((p.lstrip("0") or "0") for p in number.lower().split("."))


def base_of(number: str | None, symbol: str | None, name: str | None = None) -> str | None:
    if number and symbol:
        return f"{number_key(number)}-{slug(symbol)}"
    if name:
        return slug(name)
    return None


def first_code(issuer_code: str | None) -> str:
    if not issuer_code:
        return ""
    return issuer_code.split("-")[0].rstrip("0123456789")


# a number and symbol's base (``base_of``), per process: the same few thousand documents are cited file after file
_BASES: dict[tuple[str, str], str] = {}
_BASES_MAX = 4096  # emptied when full: under 1 MB a worker, whatever it reads (5,000 files cite ~1,700)


def mention_key(m: Mention, ctx: FileHeader, lexicon: Lexicon) -> DocKey | None:
    """The key of the document a cited mention points to, with the citing file's header as context; an ambiguous
    issuer code (``lexicon.ambiguous_codes``: UBND, HĐND ...) takes its level from that context."""
    number, symbol = m.number, m.symbol
    if number and symbol:  # base_of(number, symbol), remembered
        base = _BASES.get((number, symbol))
        if base is None:
            if len(_BASES) >= _BASES_MAX:
                _BASES.clear()
            base = _BASES[(number, symbol)] = base_of(number, symbol)
    else:
        base = base_of(None, None, m.name)
        if base is None:
            return None
    level = m.level
    if level == "unknown":  # the issuer code is read only here
        code = first_code(m.issuer_code)
        ambiguous = lexicon.ambiguous_codes
        if code in ambiguous or code == "":
            if m.branch is None and symbol is None:
                level = "unknown"
            elif ctx.level in ("district", "commune") and code in ambiguous:
                level = ctx.level
            elif code in ambiguous and ctx.level in LOCAL_LEVELS:
                level = "provincial"
            elif code in ambiguous and ctx.province:
                level = "provincial"
    if level not in LOCAL_LEVELS:
        return DocKey(base, m.year, "", level)
    province = m.province or ctx.province
    locality = m.locality
    if locality is None and level in ("district", "commune") and ctx.level in ("district", "commune"):
        locality = ctx.locality
    if m.province is None and m.locality is not None and ctx.locality and m.locality != ctx.locality:
        province = ctx.province  # a district named without its province: assume the citing file's province
    jurisdiction = province or ""
    if locality and level in ("district", "commune"):
        jurisdiction = f"{province or '?'} / {locality}"
    return DocKey(base, m.year, jurisdiction, level)


def settle_place(h: FileHeader, default_province: str | None = None,
                 lexicon: Lexicon | None = None) -> FileHeader:
    """The header with the folder-wide default province (``extract --province``) where it names none, and a
    document of a code several levels share (``lexicon.ambiguous_codes``: UBND, HĐND, ĐU; default lexicon: the
    built-in one) read as provincial when a province is known and no district or commune is named (as a cited one
    is)."""
    from dataclasses import replace

    changes: dict = {}
    if default_province:
        changes["province_default"] = default_province
        if h.province is None and h.level not in ("central",) and h.kind in ("document", "draft"):
            changes.update(province=default_province, province_source="default")
    province = changes.get("province", h.province)
    if (h.level == "unknown" and province and h.locality is None and h.kind in ("document", "draft")
            and first_code(h.issuer_code) in (lexicon or load_lexicon()).ambiguous_codes):
        changes["level"] = "provincial"
    return replace(h, **changes) if changes else h


def read_settled(text: str, mentions: list[Mention], lexicon: Lexicon, default_province: str | None = None,
                 use_native: bool | None = None) -> FileHeader:
    """``settle_place(read_header(text, mentions, lexicon), default_province, lexicon)``: in one call of the compiled
    core when it is in use (``use_native``: as in ``read_header``)."""
    got = settled_by_core(text, mentions, lexicon, default_province, use_native)
    return got if got is not None else settle_place(read_header(text, mentions, lexicon, use_native),
                                                    default_province, lexicon)


def own_key(h: FileHeader) -> DocKey | None:
    """The key of the file's own document, when its header carries a number."""
    base = base_of(h.number, h.symbol)
    if base is None:
        return None
    return DocKey(base, h.year, h.jurisdiction if h.level in LOCAL_LEVELS else "", h.level)


def file_doc_id(rel_path: str) -> str:
    return "file-" + slug_once(rel_path)
