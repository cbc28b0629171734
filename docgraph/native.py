"""The compiled core (``native/``, the optional ``docgraph_native`` module built from Rust): the only module that
imports it.

The core runs per-file stages (so far: the structure reader, the relation phrases, the rule scans, the header's
province count and the reference context) from the same YAML rule data as the Python engine, which stays the
reference: each stage gives what the Python stage gives. docgraph uses the core when it is installed
(``pip install ./native``) unless ``DOCGRAPH_NATIVE=0``; a stage whose rules it cannot compile (a user's own pattern
in a syntax it lacks) runs in Python for that rule set, said once on stderr.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable

import regex

from . import limits as _limits
from .errors import UsageError

try:  # the one import of the compiled module
    import docgraph_native as _core
except ImportError:  # not installed: the Python engine runs everything
    _core = None

# the core's version this docgraph speaks to (its stages' arguments and results); another one is not used
CORE_VERSION = "0.16.0"
# the stages the core runs (docgraph uses each when the rules in use are ones the core can compile)
STAGES: tuple[str, ...] = ("structure", "phrases", "scan", "header", "context", "relations", "extract")
# what DOCGRAPH_NATIVE=0 turns off; DOCGRAPH_REQUIRE_NATIVE=1 makes a missing core an error (CI, the comparison tests)
ENV_SWITCH, ENV_REQUIRE = "DOCGRAPH_NATIVE", "DOCGRAPH_REQUIRE_NATIVE"

__all__ = ["CORE_VERSION", "installed", "enabled", "required", "describe", "structure_core", "read_structure",
           "line_kind", "phrase_core", "phrase_spans", "scan_core", "scan_cores", "stage_on", "province_counter",
           "provinces_counted", "context_core", "read_contexts", "relation_layout_core", "relation_layout",
           "relation_reader_core", "relation_find", "header_core", "header_lines", "header_read", "extractor", "extract_drafts", "extract_mentions",
           "TimeLimit"]

_warned: set[str] = set()


class NativeUnavailable(UsageError):
    """DOCGRAPH_REQUIRE_NATIVE=1 and the compiled core is not installed (or not the version docgraph needs)."""


def installed() -> bool:
    """The compiled module is importable and of the version this docgraph needs."""
    return _core is not None and _core.version() == CORE_VERSION


def required() -> bool:
    return os.environ.get(ENV_REQUIRE, "") == "1"


def _switched_off() -> bool:
    """DOCGRAPH_NATIVE=0 in os.environ now."""
    return os.environ.get(ENV_SWITCH, "1") == "0"


def enabled() -> bool:
    """The core is installed and not turned off with DOCGRAPH_NATIVE=0 (read at each call: tests switch it)."""
    if _switched_off():
        return False
    if not installed():
        if required():
            raise NativeUnavailable(_missing())
        return False
    return True


def stage_on(stage: str) -> bool:
    """Whether a stage runs in the core now (it is one of STAGES and the core is ``enabled()``)."""
    return stage in STAGES and enabled()


def _missing() -> str:
    if _core is None:
        return "the compiled core (docgraph_native) is not installed: pip install ./native"
    return f"the compiled core is version {_core.version()}, this docgraph needs {CORE_VERSION}: pip install ./native"


def describe() -> str:
    """One line for ``docgraph --version``: whether the core is installed and in use."""
    if _core is None:
        return "compiled core: not installed (pip install ./native)"
    if not installed():
        return _missing()
    if os.environ.get(ENV_SWITCH, "1") == "0":
        return f"compiled core: docgraph_native {_core.version()}, turned off ({ENV_SWITCH}=0)"
    return f"compiled core: docgraph_native {_core.version()}, in use (stages: {', '.join(STAGES) or 'none yet'})"


def note_once(key: str, message: str) -> None:
    """Say on stderr, once a process, that a stage runs in Python for a rule set the core cannot compile."""
    if key not in _warned:
        _warned.add(key)
        print(f"docgraph: {message}", file=sys.stderr)


# the core's exception when a file's time limit runs out inside it (nothing to catch without the core)
TimeLimit: Any = _core.TimeLimit if _core is not None else ()


def time_limit_exceeded() -> _limits.TimeLimitExceeded:
    """The file's time limit ran out inside the core: the same skip the Python stages raise."""
    return _limits.TimeLimitExceeded(_limits.time_limit_reason(_limits.current().seconds))


def _wanted(use: bool | None) -> bool:
    """Whether a stage is to be built in the core: ``use`` None follows ``enabled()`` (an installed core of another
    version is said once), False never, True always (an error when the core is not installed)."""
    if use is None and _core is not None and not installed() and os.environ.get(ENV_SWITCH, "1") != "0" \
            and not required():
        note_once("version", _missing() + "; the Python engine runs every stage")
    if use is False or (use is None and not enabled()):
        return False
    if use and not installed():
        raise NativeUnavailable(_missing())
    return True


def _compiled(key: str, fallback: str, make: Callable[[], Any], use: bool | None = None) -> Any | None:
    """``make()``, the core's object of a stage; None when the core cannot compile the rules it is given (then the
    stage runs in Python: ``fallback`` and the reason said once), an error when ``use`` is True."""
    try:
        return make()
    except ValueError as e:
        if use:
            raise
        note_once(f"{key}:{e}", f"{fallback} (the compiled core cannot run them: {e})")
        return None


def structure_core(spec: dict[str, Any], use: bool | None = None) -> Any | None:
    """The core's structure reader for the ``structure`` section of a rule set; None when the core is not in use
    or cannot compile one of the section's patterns (then the Python reader runs, said once). ``use``: None to
    follow ``enabled()``, False for never, True for always (an error when the core cannot)."""
    if not _wanted(use):
        return None
    lines = [(str(e["kind"]), [str(p) for p in e.get("patterns", [])]) for e in spec.get("lines", [])]
    lists = [[str(p) for p in spec.get(name, [])]
             for name in ("items", "basis_sections", "effect_articles", "headings", "subject_lines")]
    return _compiled("structure", "the structure rules run in Python", lambda: _core.StructureReader(lines, *lists),
                     use)


def line_kind(core: Any, line: str) -> str | None:
    """The core's kind of one line (``StructureReader.line_kind``); None when it leaves the line to Python."""
    try:
        return core.line_kind_of(line)
    except (TimeLimit, UnicodeEncodeError):  # a lone surrogate; a backtracking limit: Python reads it
        return None


def read_structure(core: Any, text: str, shape: str) -> tuple[list[tuple], bool, list[int]] | None:
    """The core's reading of ``text`` (``StructureReader.read`` builds its parts from it), within the file's time
    limit; None when the core leaves the text to Python (it holds a character the core's Unicode tables read
    otherwise, or a lone surrogate)."""
    try:
        return core.read(text, shape, _limits.current().left())
    except TimeLimit:
        raise time_limit_exceeded() from None
    except UnicodeEncodeError:
        return None


def phrase_core(phrases: list[str], use: bool | None = None) -> Any | None:
    """The core's search of the relation phrases (``phrases``: as ``phrases.phrase_order`` orders them); None when
    the core is not in use or cannot search them (then Python does, said once). ``use``: as in ``structure_core``."""
    if not _wanted(use):
        return None
    return _compiled("phrases", "the relation phrases are searched in Python", lambda: _core.PhraseSet(phrases), use)


def phrase_spans(core: Any, text: str, pos: int = 0, endpos: int | None = None) -> list[tuple[int, int]] | None:
    """The (start, end) of the phrases' matches in ``text[pos:endpos]`` (what ``finditer(text, pos, endpos)`` of
    their pattern finds, the lookbehind reading the character before ``pos``); None when the core leaves the text
    to Python (a character its Unicode tables read otherwise, a lone surrogate)."""
    if pos < 0 or endpos is not None and endpos < 0:
        return None  # counted from the end: Python's reading
    n = len(text)
    end = n if endpos is None else max(0, min(endpos, n))
    pos = max(0, min(pos, n))
    try:
        if pos == 0 and end == n:
            return core.spans(text)
        if pos >= end:
            return []
        base = pos - 1 if pos else 0
        spans = core.spans(text[base:end], pos - base)
    except UnicodeEncodeError:
        return None
    return None if spans is None else [(s + base, e + base) for s, e in spans]


def scan_core(rules: list[Any], not_after: list[str], not_a_name: str) -> Any | None:
    """The core's rule scans (``Engine._match_cores``) for ``rules`` in the engine's order, the context's "not after"
    phrases and the not-a-name pattern; None when the core is not in use or cannot compile one of the patterns
    (then the rule set's scans run in Python, said once)."""
    if "scan" not in STAGES or not _wanted(None):
        return None
    specs = []
    for r in rules:
        if r.flags & ~regex.IGNORECASE:
            note_once("scan:flags", f"the rule scans run in Python (rule {r.id!r}: a flag the compiled core lacks)")
            return None
        specs.append({"id": r.id, "pattern": ("(?i)" if r.flags & regex.IGNORECASE else "") + r.pattern,
                      "triggers": list(r.triggers), "prefilter": r.prefilter, "layout": r.layout})
    return _compiled("scan", "the rule scans run in Python",
                     lambda: _core.RuleScanner(specs, [str(w) for w in not_after], not_a_name))


def scan_cores(core: Any, text: str, seconds: float | None) -> list[tuple] | None:
    """The cores of a normalized text as (start, end, rule index, number, year, symbol, tw, name), offsets in code
    points; ``seconds``: what is left of the time limit. None when the core leaves the text to Python (it holds a
    character the core's Unicode tables read otherwise, or a lone surrogate)."""
    try:
        return core.scan(text, seconds)
    except TimeLimit:
        raise time_limit_exceeded() from None
    except UnicodeEncodeError:
        return None


def province_counter(tables: Callable[[], tuple], use: bool | None = None) -> Any | None:
    """The core's count of the provinces a header's lines name (``Gazetteer.provinces_in``), built from
    ``tables()`` (``Gazetteer.counter_tables``); None when the core is not in use or cannot search the unit words
    (then Python counts them, said once). ``use``: as in ``structure_core``."""
    if not _wanted(use):
        return None
    return _compiled("header", "the provinces of a header are counted in Python",
                     lambda: _core.ProvinceCounter(*tables()), use)


def provinces_counted(core: Any, text: str) -> list[tuple[str, int]] | None:
    """(province, count) in the order first named in ``text`` (NFC, modern tone placement); None when the core
    leaves the text to Python (a character its Unicode tables read otherwise, a lone surrogate)."""
    try:
        return core.count_in(text)
    except UnicodeEncodeError:
        return None


def context_core(patterns: dict[str, Any], suffix_first: str) -> Callable[[], Any | None] | None:
    """What builds the core's reference context (``Engine._read_context``) from the engine's own patterns
    (``patterns``: name -> compiled ``regex`` pattern: prefix and pinpoint REVERSE, the others forward, none with
    other flags) and the first characters of the suffix's groups: a function called on first use (in a worker
    process: the parent that forks the workers never reads a context), which gives the reader, or None when the core
    cannot run one of the patterns (then the context is read in Python, said once). None when the core is not in
    use."""
    if "context" not in STAGES or not _wanted(None):
        return None
    reverse = {"prefix", "pinpoint"}
    src = {}
    for name, p in patterns.items():
        flags = p.flags & ~(regex.VERSION0 | regex.UNICODE)
        if flags != (regex.REVERSE if name in reverse else 0):
            note_once("context:flags", f"the reference context is read in Python ({name}: a flag the compiled core lacks)")
            return None
        src[name] = p.pattern
    return lambda: _compiled("context", "the reference context is read in Python",
                             lambda: _core.ContextReader(src, suffix_first))


def read_contexts(core: Any, text: str, cores: list[tuple], seconds: float | None,
                  checked: bool = False) -> list[tuple] | None:
    """The context of each core of a normalized text (cores: (start, end, layout is "name", layout is "normative",
    year)) as (type word, law name as written, issuer, issuer span, date, year, term, subject, pinpoint, prefix start,
    start, end), offsets in code points; ``seconds``: what is left of the time limit; ``checked``: the core's scan
    read this text (its characters are ones the core reads as Python does). None when the core leaves the text to
    Python."""
    try:
        return core.read(text, cores, seconds, checked)
    except TimeLimit:
        raise time_limit_exceeded() from None
    except UnicodeEncodeError:
        return None


def extractor(scan: Any, context: Any, rules: list[tuple[str, str]], codes: Callable[..., tuple],
              type_word_map: dict[str, str], later: dict[str, Any], generic_types: list[str]) -> Any | None:
    """The core's extract stage (scans, overlaps, context, names and codes, shared lists, the own number, short
    forms and the mentions' offsets in the decoded text, in one call) from the core's rule scans and reference
    context of the same engine, ``rules`` the (id, layout) of the scans' rules in their order, ``codes`` the engine's
    ``_compute_codes`` (called once per distinct key: its tables, the gazetteer's among them, stay in Python), the
    lexicon's type word map and generic types, and ``later`` the engine's patterns of the stages after the drafts
    (name -> compiled ``regex`` pattern: bare_prefix REVERSE, the others forward, none with other flags; when one has
    another, only the drafts are read in the core, said once). None when the core is not in use."""
    if "extract" not in STAGES or not _wanted(None) or scan is None or context is None:
        return None
    src: dict[str, str] | None = {}
    for name, p in later.items():
        flags = p.flags & ~(regex.VERSION0 | regex.UNICODE)
        if flags != (regex.REVERSE if name == "bare_prefix" else 0):
            note_once("extract:flags", f"short forms are read in Python ({name}: a flag the compiled core lacks)")
            src = None
            break
        src[name] = p.pattern
    return _compiled("extract", "the extract stage runs in Python",
                     lambda: _core.Extractor(scan, context, rules, codes, type_word_map, src, generic_types))


def extract_mentions(core: Any, text: str, source: str, offsets: tuple, seconds: float | None
                     ) -> tuple[list[tuple], list[tuple[int, str]]] | None:
    """The mentions of a text as the fields of ``model.Mention`` in its order, what ``Engine._extract`` gives, and
    the (index, source text) of the issuers docgraph re-reads itself (the source text needs NFC); ``text``:
    normalized, ``source``: decoded, ``offsets``: ``Normalized``'s map (normalized starts, ends, source starts,
    ends); ``seconds``: what is left of the time limit. None when the core leaves the text to Python."""
    try:
        return core.extract(text, source, offsets, seconds)
    except TimeLimit:
        raise time_limit_exceeded() from None
    except UnicodeEncodeError:
        return None


def extract_drafts(core: Any, text: str, seconds: float | None) -> list[tuple] | None:
    """The drafts of a normalized text as the fields of ``engine._Draft`` (offsets in code points), what
    ``Engine._read_contexts`` gives for the cores of ``resolve_overlaps(Engine._match_cores(text))``; ``seconds``:
    what is left of the time limit. None when the core leaves the text to Python."""
    try:
        return core.drafts_of(text, seconds)
    except TimeLimit:
        raise time_limit_exceeded() from None
    except UnicodeEncodeError:
        return None


def relation_layout_core(cuts: list[str], item: str, item_lead: str, use: bool | None = None) -> Any | None:
    """The core's layout of a text for the relation reader (``relations_layout.layout``): ``cuts`` the clause-cut
    patterns (normal, hard-wrapped, preamble list, title), ``item`` the pattern that starts a list item (the
    structure rules'), ``item_lead`` the item's opening words; None when the core is not in use or cannot compile
    them (then Python lays texts out, said once). ``use``: as in ``structure_core``."""
    if "relations" not in STAGES or not _wanted(use):
        return None
    return _compiled("relations", "the relation reader lays texts out in Python",
                     lambda: _core.RelationLayout(cuts, item, item_lead), use)


def relation_layout(core: Any, text: str, parts: list[tuple[int, int, int]], line_starts: list[int], wrapped: bool,
                    mentions: list[tuple[int, int]]) -> list[tuple] | None:
    """For each part (start, end, layout mode), its mentions and units as ``relations_layout.layout_py`` gives them, within
    the file's time limit; None when the core leaves the text to Python (a character its Unicode tables read
    otherwise, a lone surrogate)."""
    try:
        return core.layout(text, parts, line_starts, wrapped, mentions, _limits.current().left())
    except TimeLimit:
        raise time_limit_exceeded() from None
    except UnicodeEncodeError:
        return None


def relation_reader_core(*args: Any) -> Any | None:
    """The core's whole relation reader (``RelationFinder._core`` gives it the finder's patterns and tables); None
    when the core is not in use or cannot compile them (then ``_Reader`` reads every text, said once)."""
    if "relations" not in STAGES or not _wanted(None):
        return None
    return _compiled("relations", "the relation reader runs in Python", lambda: _core.RelationReader(*args))


def relation_find(core: Any, text: str, st: Any, mentions: list[Any], article: bool, doc_type: str | None,
                  doc_symbol: str | None) -> list[tuple] | None:
    """The relations of ``text`` as ``RelationFinder.find`` gives them, as tuples (source, target, relation, line,
    evidence), within the file's time limit; None when the core leaves the text to Python."""
    try:
        return core.find(text, [(p.kind, p.start, p.end, p.attached) for p in st.parts], st._line_starts, st.wrapped,
                         [(m.start, m.end, m.own, m.type, m.number, m.symbol, m.date, m.year, m.name, m.text, m.line)
                          for m in mentions], article, doc_type, doc_symbol, _limits.current().left())
    except TimeLimit:
        raise time_limit_exceeded() from None
    except UnicodeEncodeError:
        return None


def header_core(spec: Callable[[], dict], use: bool | None = None) -> Any | None:
    """The core's header reader (``read_header``'s line work) built from ``spec()`` (``header._Words.core_spec``);
    None when the core is not in use or cannot compile the header's patterns (then Python reads headers, said
    once). ``use``: as in ``structure_core``."""
    if not _wanted(use):
        return None
    return _compiled("header", "headers are read in Python", lambda: _core.HeaderReader(spec()), use)


def header_lines(core: Any, text: str, has_own: bool) -> tuple[tuple | None, tuple | None] | None:
    """What ``header._read_lines`` gives, read by the core within the file's time limit, an article's lines read as
    ``header._article_lines`` reads them: (that reading, None) or (None, the document's fields); None when the core
    leaves the text to Python (a character its Unicode tables read otherwise, a lone surrogate)."""
    try:
        return core.read_lines(text, has_own, _limits.current().left())
    except TimeLimit:
        raise time_limit_exceeded() from None
    except UnicodeEncodeError:
        return None


def header_read(core: Any, text: str, mentions: list[Any], default_province: str | None = None,
                settle: bool = False) -> Any | None:
    """``header.read_header``'s FileHeader, read and finished by the core within the file's time limit (with
    ``settle``: what ``identity.settle_place`` makes of it with ``default_province``); None when the core leaves the
    text to Python (as ``header_lines``, or a part of the finishing it leaves to Python)."""
    try:
        return core.read_header(text, mentions, default_province, settle, _limits.current().left())
    except TimeLimit:
        raise time_limit_exceeded() from None
    except UnicodeEncodeError:
        return None
