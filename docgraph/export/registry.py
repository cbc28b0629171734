"""The export formats: one table that the CLI and :func:`docgraph.export.export_graph` ask, instead of deciding
per format.

Light on purpose (no networkx, no format module imported): the CLI reads it to build its help text and to check
``--format`` before anything heavy is loaded. A format's functions are looked up in its module on first use.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Callable

from ..errors import UsageError


class ExportError(UsageError):
    """Bad format, bad destination, or a graph that cannot be written: a usage error of the family in
    :mod:`docgraph.errors` (exit code 2), which the CLI maps like any other."""


@dataclass(frozen=True)
class Format:
    """One export format.

    ``folder``: it writes a folder of files (never stdout), not one file. ``streams``: a whole-index export reads
    the index row by row (``module.write_from_index(conn, out)``) instead of building a networkx graph.
    ``module`` (in this package) has ``render(g, *, yed, title) -> (data, warnings)``: ``data`` is the file's text
    or bytes, or for a folder format ``{file name: text}``. ``options``: the keywords its ``render`` also takes, of
    those :func:`docgraph.export.export_graph` offers (``focus``: the document to open on; ``strings``: the
    interface's words; ``out_dir``: the folder the file is written to).
    """

    name: str
    folder: bool
    streams: bool
    module: str
    options: tuple[str, ...] = ()

    def _function(self, attr: str) -> Callable[..., Any]:
        return getattr(importlib.import_module(f"{__package__}.{self.module}"), attr)

    @property
    def render(self) -> Callable[..., tuple[Any, list[str]]]:
        return self._function("render")

    @property
    def write_from_index(self) -> Callable[[Any, Any], tuple[int, int]]:
        if not self.streams:
            raise ExportError(f"{self.name} export is not streamed from the index")
        return self._function("write_from_index")


REGISTRY: dict[str, Format] = {f.name: f for f in (
    Format("graphml", folder=False, streams=False, module="graphml"),
    Format("gexf", folder=False, streams=False, module="gexf"),
    Format("json", folder=False, streams=False, module="nodelink"),
    Format("csv", folder=True, streams=False, module="csvtables"),
    Format("dot", folder=False, streams=False, module="dot"),
    Format("mermaid", folder=False, streams=False, module="mermaid"),
    Format("html", folder=False, streams=False, module="htmlview", options=("focus", "strings", "out_dir")),
    Format("neo4j", folder=True, streams=True, module="neo4j"),
)}  # fmt: skip

FORMATS = tuple(REGISTRY)
DIRECTORY_FORMATS = tuple(name for name, f in REGISTRY.items() if f.folder)


def get_format(name: Any) -> Format:
    """The registry entry of ``name`` (case and surrounding blanks ignored); ExportError for an unknown one."""
    if not isinstance(name, str) or name.strip().lower() not in REGISTRY:
        raise ExportError(f"unknown export format {name!r}; choose one of {', '.join(FORMATS)}")
    return REGISTRY[name.strip().lower()]


def names_text(names: tuple[str, ...], last: str = " or ") -> str:
    """'a, b or c': the names for a help text."""
    return ", ".join(names[:-1]) + last + names[-1] if len(names) > 1 else "".join(names)
