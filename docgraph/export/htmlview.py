"""The HTML view: one self-contained, offline page (inline CSS, JS, the graph as JSON and its layered layout) in
which the script draws the graph as SVG, with search, focus on a document's chain, and tooltips.

The page's script and style are the package's ``htmlview.js`` and ``htmlview.css``, inlined as they are.

Library code: no CLI imports.
"""

from __future__ import annotations

import html as _html
import json
import re
from functools import cache
from importlib import resources
from typing import Any

import networkx as nx

from docgraph.model import LEVELS, RELATIONS

from .common import (DEFAULT_REL_STYLE, LEVEL_COLORS, LEVEL_NAMES_VI, LEVEL_STROKES, RELATION_STYLES, deep, edges_of,
                     fix_surrogates, json_default, one_line, relation_of)
from .layout import layered_layout


@cache
def asset(name: str) -> str:
    """A file shipped in this package (the view's script or style), its text exactly as stored."""
    return resources.files(__package__).joinpath(name).read_bytes().decode("utf-8")


def _script_json(obj: Any) -> str:
    """JSON safe inside <script type="application/json">: <, >, &, U+2028/9 as \\u escapes."""
    s = json.dumps(deep(obj, fix_surrogates), ensure_ascii=False, default=json_default, separators=(",", ":"))
    return (
        s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )  # fmt: skip


def html_data(g: nx.Graph, *, title: str = "docgraph") -> dict[str, Any]:
    """The object embedded in the HTML page (also handy for tests)."""
    rels = list(RELATIONS)
    for u, v, k, d in edges_of(g):
        r = relation_of(k, d)
        if r not in rels:
            rels.append(r)
    return {
        "meta": {
            "title": title,
            "generator": "docgraph",
            "levels": list(LEVELS),
            "level_names": LEVEL_NAMES_VI,
            "level_colors": LEVEL_COLORS,
            "level_strokes": LEVEL_STROKES,
            "relations": rels,
            "relation_styles": {r: list(RELATION_STYLES.get(r, DEFAULT_REL_STYLE)) for r in rels},
        },
        "nodes": [{"id": str(n), "data": dict(d)} for n, d in g.nodes(data=True)],
        "edges": [
            {"source": str(u), "target": str(v), "key": None if k is None else str(k), "data": dict(d)}
            for u, v, k, d in edges_of(g)
        ],
        "layout": layered_layout(g),
    }


def to_html(g: nx.Graph, *, title: str = "docgraph") -> str:
    """One self-contained, offline HTML file (inline CSS, JS and SVG; no external resources)."""
    parts = {
        "TITLE": _html.escape(one_line(title), quote=True),
        "CSS": asset("htmlview.css"),
        "JS": asset("htmlview.js"),
        "DATA": _script_json(html_data(g, title=title)),
    }
    # one pass, so text inside a substituted part is never substituted again
    return re.sub(r"%%(TITLE|CSS|JS|DATA)%%", lambda m: parts[m.group(1)], _HTML_TEMPLATE)


_HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>%%TITLE%%</title>
<style>%%CSS%%</style>
</head>
<body>
<header>
  <h1>%%TITLE%%</h1>
  <input id="search" type="search" placeholder="Tìm văn bản… (search)" autocomplete="off" aria-label="search">
  <span id="count"></span>
  <button id="fit" type="button">Fit</button>
  <button id="reset" type="button">Reset</button>
</header>
<main>
  <div id="canvas"><svg id="graph" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="document graph"></svg></div>
  <aside>
    <section id="legend"><h2>Cấp (levels)</h2><ul id="levels"></ul><h2>Quan hệ (relations)</h2><ul id="relations"></ul></section>
    <section id="details"><p class="hint">Hover a document or an arrow for details; click a document to focus it and its chain (click the background to reset). Wheel zooms, drag pans.</p></section>
  </aside>
</main>
<div id="tip" role="tooltip" hidden></div>
<script type="application/json" id="docgraph-data">%%DATA%%</script>
<script>%%JS%%</script>
</body>
</html>
"""


def render(g: nx.Graph, *, yed: bool = False, title: str = "docgraph") -> tuple[str, list[str]]:
    """The registry's entry."""
    return to_html(g, title=title), []
