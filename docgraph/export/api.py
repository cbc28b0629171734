"""Export a graph (or a whole index, for a format that streams) in a format of the registry.

Library code: no CLI imports.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import networkx as nx

from .atomic import folder_path, write_file, write_folder
from .registry import ExportError, get_format


def export_graph(
    g: nx.MultiDiGraph,
    fmt: str,
    out: str | os.PathLike | None,
    *,
    yed: bool = False,
    title: str = "docgraph",
    focus: str | None = None,
    strings: dict | None = None,
) -> list[str]:
    """Write ``g`` as ``fmt`` to ``out`` and return warnings (strings, possibly empty).

    ``out`` is a file path for graphml/gexf/json/dot/mermaid/html (None or "-" = stdout) and
    a directory for csv/neo4j (created if missing; None raises :class:`ExportError`).
    Files are written atomically. ``yed`` only applies to graphml. ``focus`` (the document the HTML view opens on)
    and ``strings`` (the view's words in the interface language) go to the formats that take them.
    """
    spec = get_format(fmt)
    if not isinstance(g, nx.Graph):
        raise ExportError("export_graph needs a networkx graph")
    warnings: list[str] = []
    if yed and spec.name != "graphml":
        warnings.append(f"--yed only applies to graphml; ignored for {spec.name}")

    offered = {"focus": focus, "strings": strings,
               "out_dir": None if out is None or str(out) == "-" else Path(out).resolve().parent}
    opts = {k: offered[k] for k in spec.options}
    if spec.folder:
        d = folder_path(out, spec.name)
        files, more = spec.render(g, yed=yed, title=title, **opts)
        write_folder(d, files, spec.name)
        return warnings + more

    try:
        data, more = spec.render(g, yed=yed, title=title, **opts)
    except (TypeError, ValueError, nx.NetworkXError) as e:
        raise ExportError(f"cannot export as {spec.name}: {e}") from e
    write_file(out, data, spec.name)
    return warnings + more


def export_index(conn: Any, fmt: str, out: str | os.PathLike | None) -> tuple[int, int]:
    """Write the whole index ``conn`` as ``fmt``, a format that streams (see the registry), reading its rows as
    they are written, never the graph in memory. Returns (nodes, edges) written."""
    return get_format(fmt).write_from_index(conn, out)
