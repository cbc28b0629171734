"""Graph -> files: graphml (plain or yEd), gexf, json, csv, dot, mermaid, html, neo4j.

Library code: no CLI imports. Every exporter works on a *copy* of the graph; the input
``nx.MultiDiGraph`` (node and edge attributes per docs/CONTRACTS.md) is never modified.

One module per format, listed in one registry (:mod:`.registry`: name, one file or a folder, streamed from the
index or not, the module). Entry points: :func:`export_graph` (a graph) and :func:`export_index` (a whole index,
for a format that streams). Each format also has a pure renderer (``to_graphml``, ``to_gexf``, ``to_json``,
``to_dot``, ``to_mermaid``, ``to_html``, ``csv_tables``, ``neo4j_tables``) returning text/bytes, so callers and
tests can use them without files. The layered layout is :mod:`.layout`; writing (temporary file, then
``os.replace``; nothing half-written is left behind on error) is :mod:`.atomic`.

Importing this package is light (the registry only): the rest is imported on first use, so the CLI can read the
format names without loading networkx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docgraph import lazy_names

from .registry import DIRECTORY_FORMATS, FORMATS, REGISTRY, ExportError, Format, get_format

if TYPE_CHECKING:
    from .api import export_graph, export_index
    from .common import LEVEL_COLORS, nmtoken, xml_clean
    from .csvtables import csv_tables
    from .dot import to_dot
    from .gexf import to_gexf, to_gexf_graph
    from .graphml import to_graphml, to_graphml_graph
    from .htmlview import html_data, to_html
    from .layout import layered_layout
    from .mermaid import MERMAID_MAX_EDGES, to_mermaid
    from .neo4j import neo4j_tables, write_neo4j_from_index
    from .nodelink import to_json

# public name -> the module of this package that defines it
_LAZY = {
    "export_graph": "api", "export_index": "api",
    "LEVEL_COLORS": "common", "nmtoken": "common", "xml_clean": "common",
    "csv_tables": "csvtables", "to_dot": "dot", "to_gexf": "gexf", "to_gexf_graph": "gexf",
    "to_graphml": "graphml", "to_graphml_graph": "graphml", "html_data": "htmlview", "to_html": "htmlview",
    "layered_layout": "layout", "MERMAID_MAX_EDGES": "mermaid", "to_mermaid": "mermaid",
    "neo4j_tables": "neo4j", "write_neo4j_from_index": "neo4j", "to_json": "nodelink",
}  # fmt: skip

__all__ = ["FORMATS", "DIRECTORY_FORMATS", "REGISTRY", "ExportError", "Format", "get_format", *_LAZY]


__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())
