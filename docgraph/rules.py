"""Load, validate and compile the YAML rules: built-in ones (package data) plus a user's folder.

A rules folder holds ``*.yaml`` files with any of the top-level sections ``fragments``, ``rules``, ``context``,
``tables``, ``relations`` and ``structure``. Files are read in name order; the user's folder is read after the built-in one and a
rule, fragment, context entry, table or relation with the same name replaces the built-in one.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import regex

from .lexicon import Lexicon, build_lexicon, take_tables
from .model import PSEUDO_RELATIONS, RELATIONS
from .ruleyaml import (RulesError, _line, _read_yaml, _require, builtin_rules_dir, read_rule_files,  # noqa: F401 (API)
                       rule_files)


_TOP_KEYS = {"fragments", "rules", "context", "tables", "relations", "structure", "version"}
_RULE_KEYS = {"id", "description", "layout", "triggers", "prefilter", "pattern", "flags", "examples", "enabled"}
_LAYOUTS = {"party", "state", "normative", "older", "name"}
_FLAG_VALUES = {"ignorecase": regex.IGNORECASE}
_PLACEHOLDER = regex.compile(r"\{([a-z_][a-z0-9_]*)\}")


@dataclass(frozen=True)
class Example:
    text: str
    expect: dict[str, Any] | None  # None for a no-match example
    line: int


@dataclass
class Rule:
    """A reference rule: a lazily compiled regex paired with cheap literal triggers."""

    id: str
    description: str
    layout: str
    pattern: str  # fragments already expanded
    triggers: tuple[str, ...]
    flags: int
    examples: tuple[Example, ...]
    file: str
    line: int
    # optional standard-library ``re`` pattern that every text the rule matches must contain somewhere: a cheap
    # per-text check (a literal start lets ``re`` skip ahead) that spares the full ``regex`` pass
    prefilter: str | None = None

    @cached_property
    def regex(self) -> regex.Pattern:
        return regex.compile(self.pattern, self.flags | regex.VERSION0)

    @cached_property
    def prefilter_re(self) -> re.Pattern | None:
        return re.compile(self.prefilter) if self.prefilter else None

    def may_match(self, text: str, seen: dict[tuple[str, ...], bool] | None = None) -> bool:
        """``seen``: the trigger checks already made on this text (most rules share the trigger "/")."""
        if self.triggers:
            hit = seen.get(self.triggers) if seen is not None else None
            if hit is None:
                hit = any(t in text for t in self.triggers)
                if seen is not None:
                    seen[self.triggers] = hit
            if not hit:
                return False
        pre = self.prefilter_re
        return pre is None or pre.search(text) is not None


@dataclass
class RuleSet:
    rules: list[Rule]
    fragments: dict[str, str]
    context: dict[str, Any]
    tables: dict[str, Any]
    relations: list[dict[str, Any]]
    sources: list[str] = field(default_factory=list)
    structure: dict[str, Any] = field(default_factory=dict)  # the parts of a document (rules/structure.yaml)
    lexicon: Lexicon | None = None  # the tables, validated and typed (every RuleSet load_rules returns has one)


def _expand(pattern: str, fragments: dict[str, str], where: str, depth: int = 0) -> str:
    if depth > 10:
        raise RulesError(f"{where}: fragments refer to each other in a loop")

    def repl(m: regex.Match) -> str:
        name = m.group(1)
        if name not in fragments:
            # a regex quantifier like {2} never matches this (letters only), so an unknown name is an error
            raise RulesError(f"{where}: unknown fragment {{{name}}}")
        return _expand(fragments[name], fragments, where, depth + 1)

    return _PLACEHOLDER.sub(repl, pattern)


def load_rules(extra: str | os.PathLike | None = None) -> RuleSet:
    """Read the built-in rules and, when given, a user's rules folder (or one file), validate and compile them."""
    raw_rules: dict[str, tuple[Path, Any]] = {}
    fragments: dict[str, str] = {}
    context: dict[str, Any] = {}
    tables: dict[str, Any] = {}
    table_lines: dict[str, tuple[Path, int]] = {}  # where each table was (last) defined
    relations: dict[str, dict[str, Any]] = {}
    structure: dict[str, Any] = {}
    files = rule_files(extra)
    for path, data in read_rule_files(files):
        for key in data:
            _require(key in _TOP_KEYS, path, _line(data, key),
                     f"unknown section {key!r} (expected one of {', '.join(sorted(_TOP_KEYS))})")
        for name, pat in (data.get("fragments") or {}).items():
            _require(isinstance(pat, str), path, _line(data["fragments"], name),
                     f"fragment {name!r}: pattern must be a quoted string")
            fragments[name] = pat
        for name, val in (data.get("context") or {}).items():
            context[name] = (val, path, _line(data["context"], name))
        take_tables(data, path, tables, table_lines)
        st = data.get("structure") or {}
        _require(isinstance(st, dict), path, _line(data, "structure"), "structure must be a mapping")
        structure.update(st)  # a user's file replaces a built-in entry of the same name
        rels = data.get("relations") or []
        _require(isinstance(rels, list), path, _line(data, "relations"), "relations must be a list")
        for r in rels:
            _require(isinstance(r, dict) and isinstance(r.get("relation"), str), path, _line(r),
                     "each relation entry needs a 'relation' name")
            _require(r["relation"] in RELATIONS or r["relation"] in PSEUDO_RELATIONS, path, _line(r, "relation"),
                     f"unknown relation {r['relation']!r} (expected one of "
                     f"{', '.join(sorted(RELATIONS + PSEUDO_RELATIONS))})")
            _require(isinstance(r.get("phrases", []), list), path, _line(r, "phrases"),
                     f"relation {r.get('relation')!r}: phrases must be a list")
            relations[r["relation"]] = r
        rules = data.get("rules") or []
        _require(isinstance(rules, list), path, _line(data, "rules"), "rules must be a list")
        for r in rules:
            _require(isinstance(r, dict), path, _line(rules), "each rule must be a mapping")
            rid = r.get("id")
            _require(isinstance(rid, str) and rid, path, _line(r), "rule without an 'id'")
            for key in r:
                _require(key in _RULE_KEYS, path, _line(r, key),
                         f"rule {rid!r}: unknown key {key!r} (expected one of {', '.join(sorted(_RULE_KEYS))})")
            raw_rules[rid] = (path, r)

    compiled: list[Rule] = []
    for rid, (path, r) in raw_rules.items():
        if r.get("enabled", True) is False:
            continue
        where = f"{path}:{_line(r, 'pattern')}: rule {rid!r}"
        pat = r.get("pattern")
        _require(isinstance(pat, str) and pat, path, _line(r), f"rule {rid!r}: 'pattern' must be a quoted string")
        layout = r.get("layout")
        _require(layout in _LAYOUTS, path, _line(r, "layout"),
                 f"rule {rid!r}: layout must be one of {', '.join(sorted(_LAYOUTS))}")
        triggers = r.get("triggers", [])
        _require(isinstance(triggers, list) and all(isinstance(t, str) for t in triggers), path,
                 _line(r, "triggers"), f"rule {rid!r}: triggers must be a list of quoted strings")
        prefilter = r.get("prefilter")
        _require(prefilter is None or (isinstance(prefilter, str) and prefilter), path, _line(r, "prefilter"),
                 f"rule {rid!r}: prefilter must be a quoted string")
        if prefilter is not None:
            try:
                re.compile(prefilter)
            except re.error as e:
                raise RulesError(f"{path}:{_line(r, 'prefilter')}: rule {rid!r}: prefilter does not compile "
                                 f"(standard-library re syntax): {e}") from None
        flags = 0
        for f in r.get("flags", []) or []:
            _require(f in _FLAG_VALUES, path, _line(r, "flags"), f"rule {rid!r}: unknown flag {f!r}")
            flags |= _FLAG_VALUES[f]
        expanded = _expand(pat, fragments, where)
        try:
            regex.compile(expanded, flags)
        except regex.error as e:
            raise RulesError(f"{where}: regex does not compile: {e}") from None
        examples = _parse_examples(path, rid, r)
        compiled.append(Rule(rid, str(r.get("description", "")), layout, expanded, tuple(triggers), flags,
                             tuple(examples), str(path), _line(r), prefilter))

    ctx: dict[str, Any] = {}
    for name, (val, path, line) in context.items():
        if isinstance(val, str):
            expanded = _expand(val, fragments, f"{path}:{line}: context {name!r}")
            try:
                regex.compile(expanded)
            except regex.error as e:
                raise RulesError(f"{path}:{line}: context {name!r}: regex does not compile: {e}") from None
            ctx[name] = expanded
        else:
            ctx[name] = val
    for needed in ("date_num", "date_words", "issuer_stop", "subject_intro", "pinpoint", "alias"):
        if needed not in ctx:
            raise RulesError(f"{files[0].parent}: context entry {needed!r} is missing")
    lexicon = build_lexicon(tables, table_lines, files[0].parent)
    return RuleSet(compiled, fragments, ctx, tables, list(relations.values()), [str(f) for f in files], structure,
                   lexicon)


def _parse_examples(path: Path, rid: str, r: dict) -> list[Example]:
    ex = r.get("examples")
    if ex is None:
        return []
    _require(isinstance(ex, dict), path, _line(r, "examples"), f"rule {rid!r}: examples must be a mapping")
    out: list[Example] = []
    for item in ex.get("match", []) or []:
        _require(isinstance(item, dict) and isinstance(item.get("text"), str), path, _line(item) or _line(ex),
                 f"rule {rid!r}: a match example needs 'text' (and 'expect')")
        expect = item.get("expect") or {}
        _require(isinstance(expect, dict), path, _line(item, "expect"), f"rule {rid!r}: 'expect' must be a mapping")
        out.append(Example(item["text"], dict(expect), _line(item)))
    for item in ex.get("no_match", []) or []:
        _require(isinstance(item, str), path, _line(ex, "no_match"),
                 f"rule {rid!r}: each no_match example must be a quoted string")
        out.append(Example(item, None, _line(ex, "no_match")))
    return out
