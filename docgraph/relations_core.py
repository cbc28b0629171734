"""The relation reader of the compiled core (native/src/relations*.rs), built from a ``RelationFinder``: the same
patterns (relations.py's own and those the finder compiles from the rules and the lexicon) and tables, passed as
their sources with their flags inline. ``relations._Reader`` stays the reference and reads the texts the core
leaves to Python."""

from __future__ import annotations

from typing import Any

import regex

from . import native
from .phrases import _EVIDENCE_LIMIT, phrase_order
from .relations_layout import LAYOUT_MODE

_FLAGS = {regex.I: "i", regex.M: "m", regex.S: "s"}


def _source(rx: regex.Pattern) -> str | None:
    """A compiled pattern as the compiled core is given it: its source with its flags inline; None when it has a
    flag the core lacks (then the reader runs in Python)."""
    if rx.flags & ~(regex.I | regex.M | regex.S | regex.U | regex.V0):
        return None
    flags = "".join(f for bit, f in _FLAGS.items() if rx.flags & bit)
    return (f"(?{flags})" if flags else "") + rx.pattern


def reader_core(f: Any, by_rule: list[tuple[str, dict]], own: dict[str, Any]) -> Any | None:
    """The core's reader for finder ``f`` (``by_rule``: each rule's relation and entry, in order; ``own``: what
    relations.py gives of its own: its patterns, the relation lists, the part defaults, the length limits); None: a
    pattern with a flag the core lacks, no phrase search or structure reader in the core, or a pattern it cannot
    compile."""
    if f.triggers._core is None or f.reader._core is None:
        return None
    pats = {**own["patterns"], "phrase_tail": f.phrase_tail_re, "named_before": f.named_before_re,
            "law_name": f.law_name_re, "subject_verb": f.subject_verb_re, "after_stop": f.after_stop_re,
            "after_licence": f.after_licence_re, "after_soft_stop": f.after_soft_stop_re,
            "title_start": f.title_start_re, "passive_any": f.passive_any, "cancel": f.cancel_re,
            "tight_list": f.tight_list}
    patterns = {k: _source(v) for k, v in pats.items() if v is not None}
    if any(v is None for v in patterns.values()):
        return None
    patterns["law_name_full"] = f"(?:{patterns['law_name']})\\Z"  # fullmatch
    rules = []  # each rule entry's own tables, in order (a later entry of the same relation wins, as above)
    for rel, r in by_rule:
        rules.append((rel, list(r.get("own_parts", []) or []),
                      [(k, "(?i)" + v) for k, v in (r.get("own_lead") or {}).items()],
                      [x.lower() for x in r.get("not_sources", []) or []],
                      [rf"(?i)(?<![\p{{L}}]){p}" for p in r.get("passive", []) or []],
                      [rf"(?i){p}" for p in r.get("after", []) or []]))
    ranks = [(rank, sorted(types), [_source(x) for x in symbols]) for rank, types, symbols in f.ranks]
    if any(x is None for _, _, xs in ranks for x in xs):
        return None
    lists = {**own["lists"], "narrative_types": sorted(f.narrative_types)}
    return native.relation_reader_core(
        f.layout_args, list(LAYOUT_MODE.items()), patterns, phrase_order(list(f.lookup)),
        list(f.lookup.items()), rules, [(p, sorted(n)) for p, n in f.tight.items()], ranks, lists,
        list(own["part_default"].items()), (*own["limits"], _EVIDENCE_LIMIT), f.reader._core)
