"""Reading the rules' YAML files: a loader that remembers the line of every mapping key and list item, the
``RulesError`` a wrong file raises (naming its file and line), and where the built-in rules live. ``rules`` (the
reference rules) and ``lexicon`` (the domain tables) both read their files with it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

import yaml

from .errors import ConfigError


class RulesError(ConfigError):
    """A rules file is wrong. The message names the file, line and rule (or table and entry)."""

    label = "rules"


class _LineDict(dict):
    line: int = 0
    key_lines: dict


class _LineList(list):
    line: int = 0
    item_lines: list


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> _LineDict:
    loader.flatten_mapping(node)
    out = _LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise RulesError(f"line {key_node.start_mark.line + 1}: a mapping key must be a plain value") from None
        if key in out:
            raise RulesError(f"line {key_node.start_mark.line + 1}: duplicate key {key!r}")
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode, deep: bool = False) -> _LineList:
    out = _LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


# libyaml's parser when PyYAML has it (the same documents, several times faster: every command reads the rules); a
# file it refuses is read again by the pure-Python parser, whose message is the one users see
_FastLoader: type | None = None
if getattr(yaml, "CSafeLoader", None) is not None:
    class _FastLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        pass

for _cls in (_Loader, _FastLoader):
    if _cls is not None:
        _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
        _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)

def builtin_rules_dir() -> Path:
    here = Path(__file__).resolve().parent
    installed = here / "rules"
    if installed.is_dir() and any(installed.glob("*.yaml")):
        return installed
    return here.parent / "rules"


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise RulesError(f"{path}: cannot read: {e}") from None
    try:
        if _FastLoader is not None:
            try:
                return yaml.load(text, Loader=_FastLoader)  # noqa: S506 - a CSafeLoader subclass
            except yaml.YAMLError:
                pass  # the pure-Python parser below says what is wrong, with its usual message
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except RulesError as e:
        raise RulesError(f"{path}:{str(e)[5:]}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise RulesError(f"{where}: YAML error: {problem}") from None


def _line(d: Any, key: Any = None) -> int:
    """The line of ``d`` in its file, or of its key ``key`` (a mapping) or item number ``key`` (a list); 0 unknown."""
    if isinstance(d, _LineDict):
        if key is not None and key in d.key_lines:
            return d.key_lines[key]
        return d.line
    if isinstance(d, _LineList):
        if isinstance(key, int) and 0 <= key < len(d.item_lines):
            return d.item_lines[key]
        return d.line
    return 0


def _require(cond: bool, path: Path, line: int, msg: str) -> None:
    if not cond:
        raise RulesError(f"{path}:{line}: {msg}")


def rule_files(extra: str | os.PathLike | None = None) -> list[Path]:
    files = sorted(builtin_rules_dir().glob("*.yaml"))
    if extra is not None:
        p = Path(extra)
        if not p.exists():
            raise RulesError(f"{p}: rules folder not found")
        files += sorted(p.glob("*.yaml")) if p.is_dir() else [p]
    return files


def read_rule_files(files: list[Path]) -> Iterator[tuple[Path, dict]]:
    """Each rule file's top-level mapping, in the order given (an empty file is skipped)."""
    for path in files:
        data = _read_yaml(path)
        if data is None:
            continue
        _require(isinstance(data, dict), path, 1, "top level must be a mapping")
        yield path, data
