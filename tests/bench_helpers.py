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


def sample_texts() -> list[str]:
    """The decoded texts of samples/ (the files with one), in name order: what the comparison tests run both engines
    on."""
    from docgraph.readers import read_file

    root = BENCH.parent / "samples"
    texts = [read_file(str(p)).text for p in sorted(root.iterdir()) if p.is_file()]
    return [t for t in texts if t]


def generated_texts(seed: int, files: int = 150, refs: float = 0.6, noise: float = 0.08) -> list[str]:
    """``files`` texts of benchmarks/generate.py's world of ``seed`` (about 3 KB each; ``refs`` and ``noise`` as
    its render_file takes them)."""
    gen = benchmark("generate")
    world = gen.World(files, seed)
    return [gen.render_file(world, i, seed, 3000.0, refs, noise)[1] for i in range(files)]
