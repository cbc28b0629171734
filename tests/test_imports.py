"""The package's import structure: no module imports another that imports it back (directly or round a longer
loop, at the top of the file or inside a function), and every module imports on its own in a fresh interpreter."""

from __future__ import annotations

import ast
import functools
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "docgraph"


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The docgraph modules ``name`` imports, wherever the import statement stands."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            # `from . import x` and `from .pkg import mod` import the module x / pkg.mod; names import their module
            targets = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in MODULES else mod for a in node.names]
        else:
            continue
        for t in targets:
            while t and t not in MODULES:  # `import docgraph.readers.text as t` -> that module
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


@functools.cache  # the tests below only read it
def import_graph() -> dict[str, set[str]]:
    return {name: _imports(name, path) for name, path in MODULES.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a list of nodes (first == last), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        path.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return path[path.index(m):] + [m]
            if m not in state:
                found = visit(m)
                if found:
                    return found
        path.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state:
            found = visit(n)
            if found:
                return found
    return None


@pytest.mark.parametrize("graph,cycle", [
    ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
    ({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, ["a", "b", "c", "a"]),
    ({"a": {"b", "c"}, "b": {"c"}, "c": set()}, None),  # a diamond is not a cycle
])
def test_find_cycle(graph, cycle):
    assert find_cycle(graph) == cycle


def test_import_graph_sees_relative_and_function_level_imports(tmp_path):
    g = import_graph()
    assert "docgraph.readers.text" in g["docgraph.readers.html"]  # from .text import decode_bytes
    assert "docgraph.readers.registry" in g["docgraph.readers"]  # __init__: from .registry import ...
    assert "docgraph.scan" in g["docgraph.cli"]  # imported inside the command function
    assert "docgraph.rules" in g["docgraph.readers.common"]  # from ..rules import, inside a function


def test_no_import_cycle():
    assert find_cycle(import_graph()) is None


def test_readers_do_not_import_their_package():
    """The format modules import their siblings, never ``docgraph.readers`` itself: each works alone."""
    g = import_graph()
    for name in MODULES:
        if name.startswith("docgraph.readers."):
            assert "docgraph.readers" not in g[name], name


@pytest.mark.slow
def test_every_module_imports_alone_in_a_fresh_interpreter():
    failed = {}
    for name in MODULES:
        if name == "docgraph.__main__":
            continue  # importing it runs the CLI (python -m docgraph): the CLI tests cover it
        r = subprocess.run([sys.executable, "-c", f"import {name}"], cwd=ROOT, capture_output=True, text=True,
                           timeout=120)
        if r.returncode:
            failed[name] = r.stderr.strip().splitlines()[-1:]
    assert failed == {}
