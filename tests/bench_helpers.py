"""The scripts of benchmarks/ as modules, for the tests that call their functions."""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


@functools.cache
def benchmark(name: str) -> ModuleType:
    """benchmarks/NAME.py as the module docgraph_bench_NAME, loaded once and registered in sys.modules (dataclasses
    and the worker pool of generate.py look their module up by name)."""
    spec = importlib.util.spec_from_file_location(f"docgraph_bench_{name}", BENCH / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod
