"""The HTML view: one self-contained, offline page that draws the graph with Cytoscape.js and its layered (dagre)
layout, both shipped in this package (``vendor/``, fetched from npm by ``tools/fetch_view_assets.py``, licences
inlined with them). The page opens on one document's neighbourhood (``--from``'s, or in a large graph the most
implemented document's), filters by level, relation and province (the legend is the filter), pins an edge's
evidence with links to the source files, and shows the whole graph when asked.

The page's own script and style are the package's ``htmlview.js`` and ``htmlview.css``; every word the page shows
comes from :func:`view_strings`, one dict, so the view speaks the interface language.

Library code: no CLI imports.
"""

from __future__ import annotations

import html as _html
import json
import os
import re
from collections import Counter
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import networkx as nx

from docgraph.i18n import _, language, level_name, pgettext, relation_name
from docgraph.model import LEVELS, RELATIONS
from docgraph.query import CHAIN_RELATIONS  # what a neighbourhood follows, as implementers and chain do

from .common import (DEFAULT_REL_STYLE, LEVEL_COLORS, LEVEL_STROKES, RELATION_STYLES, deep, edges_of, fix_surrogates,
                     json_default, label_of, level_of, one_line, relation_of)

# The page opens on the whole graph up to this many documents; above it, on one document's neighbourhood.
FULL_VIEW_LIMIT = 300
# A view of more documents than this is ordered by cytoscape's breadth-first layout instead of dagre (too slow for
# thousands) and drawn with labels and arrowheads only for what is on screen once zoomed in.
LARGE_VIEW = 600
# Evidence items kept per edge (the first is the edge's own); the panel says how many more there are.
MAX_EVIDENCE = 12
# Node fields shown in the details panel, in this order (the others after them, by name).
DETAIL_FIELDS = ("type", "number", "symbol", "date", "year", "issuer", "issuer_code", "level", "branch",
                 "jurisdiction", "title", "kind", "mentions", "signer_title", "signer")  # fmt: skip
_NODE_SKIP = {"label", "source_file"}


def view_strings() -> dict[str, Any]:
    """Every word the page shows, in the interface language (:mod:`docgraph.i18n`): built when called, so the
    language chosen for the run applies. ``{n}``-style fields are filled in by the page."""
    return {
        "lang": language(),
        "search": _("Find a document…"),
        "search_label": _("search"),
        "no_match": _("no document matches"),
        "showing": _("{shown} of {total} documents"),
        "fit": _("Fit"),
        "whole": _("Whole graph"),
        "neighbourhood": _("Neighbourhood"),
        "reset": _("Show all levels and relations"),
        "levels": _("Levels"),
        "relations": _("Relations"),
        "province": _("Province"),
        "all_provinces": _("All provinces"),
        "legend_hint": _("Click a level or a relation to hide or show it."),
        "hint": _("Click an arrow to pin its evidence here, a document for its fields and links. "
                  "Double-click a document to open its neighbourhood. Wheel zooms, drag pans."),
        "large": _("{total} documents in this graph: showing the neighbourhood of {label}. "
                   "Search for a document to open its own, or show the whole graph."),
        "whole_slow": _("Laying out {total} documents can take a while."),
        "empty": _("No documents in this graph."),
        "evidence": _("Evidence"),
        "more_evidence": pgettext("view", "and {n} more"),  # evidence sentences or documents
        "no_evidence": _("no evidence sentence recorded"),
        "source": _("source file"),
        "open_file": _("open the file"),
        "line": _("line"),
        "times": _("{n}×"),
        "flags": _("flags"),
        "from": _("from"),
        "to": _("to"),
        "acts_on": _("Acts on"),
        "acted_on_by": _("Acted on by"),
        "open_neighbourhood": _("Open its neighbourhood"),
        "close": _("Close"),
        "level_names": {lv: level_name(lv) for lv in LEVELS},
        "relation_names": {r: relation_name(r) for r in RELATIONS},
        "fields": {
            "id": _("id"), "type": _("type"), "number": _("number"), "symbol": _("symbol"), "date": _("date"),
            "year": _("year"), "issuer": _("issuer"), "issuer_code": _("issuer code"), "level": _("level"),
            "branch": _("branch"), "jurisdiction": _("jurisdiction"), "title": _("title"), "kind": _("kind"),
            "mentions": _("mentions"), "signer_title": _("signer's title"), "signer": _("signer"),
        },
    }  # fmt: skip


@cache
def asset(name: str) -> str:
    """A file shipped in this package (the view's script or style, a vendored library), its text exactly as stored."""
    return resources.files(__package__).joinpath(name).read_bytes().decode("utf-8")


@cache
def library_script() -> str:
    """Cytoscape.js and its dagre layout as shipped in ``vendor/``, each library's licence before it."""
    versions = json.loads(asset("vendor/VERSIONS.json"))
    parts = []
    for p in versions["packages"]:
        licence = next(f for f in p["files"] if f.startswith("LICENSE."))
        text = asset(f"vendor/{licence}").replace("*/", "* /")
        parts.append(f"/*! {p['name']} {p['version']} ({p['license']}) */\n/*!\n{text}*/")
    for name in ("cytoscape.min.js", "cytoscape-dagre.min.js"):
        parts.append(asset(f"vendor/{name}"))
    return "\n".join(parts)


def _script_json(obj: Any) -> str:
    """JSON safe inside <script type="application/json">: <, >, &, U+2028/9 as \\u escapes."""
    s = json.dumps(deep(obj, fix_surrogates), ensure_ascii=False, default=json_default, separators=(",", ":"))
    return (
        s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )  # fmt: skip


def file_href(path: str, out_dir: str | os.PathLike | None) -> str:
    """The link to a source file as the index names it: a path relative to the page's folder ``out_dir`` when the
    index holds a relative path (the page and the folder can move together), else an absolute ``file:`` URL."""
    p = Path(path)
    if not p.is_absolute():
        p = Path.cwd() / p
        if out_dir is not None:
            try:
                rel = os.path.relpath(p, out_dir)
            except ValueError:  # another drive
                pass
            else:
                return quote(Path(rel).as_posix(), safe="/")
    try:
        return p.as_uri()
    except ValueError:
        return quote(p.as_posix(), safe="/")


def province_of(d: dict) -> str | None:
    """The province of a document: the first part of its jurisdiction ("Bắc Giang / Lạng Giang" -> "Bắc Giang")."""
    j = d.get("jurisdiction")
    if not isinstance(j, str) or not j.strip():
        return None
    return j.split(" / ")[0].strip() or None


def most_implemented(g: nx.Graph) -> Any:
    """The document with the most direct implementers (ties: the most cited, then the smallest id): where a large
    graph's view opens."""
    impl: Counter = Counter()
    cited: Counter = Counter()
    for u, v, k, d in edges_of(g):
        if u != v:
            cited[v] += 1
            if relation_of(k, d) in CHAIN_RELATIONS:
                impl[v] += 1
    if not len(g):
        return None
    return min(g.nodes, key=lambda n: (-impl[n], -cited[n], str(n)))


def html_data(g: nx.Graph, *, title: str = "docgraph", focus: Any = None, strings: dict | None = None,
              out_dir: str | os.PathLike | None = None) -> dict[str, Any]:
    """The object embedded in the HTML page (also handy for tests).

    ``focus``: the document the view opens on (its neighbourhood); None: the whole graph if it has at most
    ``FULL_VIEW_LIMIT`` documents, else :func:`most_implemented`'s neighbourhood (``meta.large`` is then true).
    ``out_dir``: the folder the page is written to, for links to source files relative to it.
    """
    rels = list(RELATIONS)
    for u, v, k, d in edges_of(g):
        r = relation_of(k, d)
        if r not in rels:
            rels.append(r)
    files: dict[str, int] = {}

    def file_index(path: Any) -> int | None:
        if not isinstance(path, str) or not path:
            return None
        if path not in files:
            files[path] = len(files)
        return files[path]

    nodes = []
    for n, d in g.nodes(data=True):
        fields = {k: v for k, v in d.items() if k not in _NODE_SKIP and v is not None and v != "" and v != []}
        nodes.append({"id": str(n), "label": label_of(n, d), "level": level_of(d), "province": province_of(d),
                      "file": file_index(d.get("source_file")), "data": fields})
    edges = []
    for i, (u, v, k, d) in enumerate(edges_of(g)):
        items: list[list] = []
        seen: set[tuple] = set()
        if d.get("evidence") or d.get("file"):
            items.append([file_index(d.get("file")), d.get("line"), d.get("evidence")])
            seen.add((d.get("file"), d.get("line"), d.get("evidence")))
        every = d.get("evidence_all") if isinstance(d.get("evidence_all"), list) else []
        more = 0
        for x in every:
            x = x if isinstance(x, dict) else {"text": x}
            key = (x.get("file"), x.get("line"), x.get("text"))
            if key in seen:
                continue
            seen.add(key)
            if len(items) < MAX_EVIDENCE:
                items.append([file_index(x.get("file")), x.get("line"), x.get("text")])
            else:
                more += 1
        e = {"id": f"e{i}", "source": str(u), "target": str(v), "relation": relation_of(k, d),
             "count": d.get("count"), "evidence": items}
        if more:
            e["more"] = more
        if d.get("flags"):
            e["flags"] = d["flags"]
        edges.append(e)
    large = focus is None and g.number_of_nodes() > FULL_VIEW_LIMIT
    start = focus if focus is not None else most_implemented(g) if large else None
    return {
        "meta": {
            "title": title,
            "generator": "docgraph",
            "levels": list(LEVELS),
            "level_colors": LEVEL_COLORS,
            "level_strokes": LEVEL_STROKES,
            "relations": rels,
            "relation_styles": {r: list(RELATION_STYLES.get(r, DEFAULT_REL_STYLE)) for r in rels},
            "chain_relations": list(CHAIN_RELATIONS),
            "focus": None if start is None else str(start),
            "large": large,
            "large_view": LARGE_VIEW,
            "strings": strings if strings is not None else view_strings(),
        },
        "files": [[path, file_href(path, out_dir)] for path in files],
        "nodes": nodes,
        "edges": edges,
    }


def to_html(g: nx.Graph, *, title: str = "docgraph", focus: Any = None, strings: dict | None = None,
            out_dir: str | os.PathLike | None = None) -> str:
    """One self-contained, offline HTML file: inline CSS, the graph library, the view's script and the graph as
    JSON; no external resources (the page's Content-Security-Policy forbids them)."""
    data = html_data(g, title=title, focus=focus, strings=strings, out_dir=out_dir)
    s = data["meta"]["strings"]
    parts = {
        "LANG": _html.escape(str(s.get("lang", "en")), quote=True),
        "TITLE": _html.escape(one_line(title), quote=True),
        "SEARCH": _html.escape(s["search"], quote=True),
        "SEARCH_LABEL": _html.escape(s["search_label"], quote=True),
        "CSS": asset("htmlview.css"),
        "LIB": library_script(),
        "JS": asset("htmlview.js"),
        "DATA": _script_json(data),
    }
    # one pass, so text inside a substituted part is never substituted again
    return re.sub(r"%%([A-Z_]+)%%", lambda m: parts[m.group(1)], _HTML_TEMPLATE)


_HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="%%LANG%%">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:">
<title>%%TITLE%%</title>
<style>%%CSS%%</style>
</head>
<body>
<header>
  <h1>%%TITLE%%</h1>
  <div id="find"><input id="search" type="search" placeholder="%%SEARCH%%" autocomplete="off" aria-label="%%SEARCH_LABEL%%"><ul id="hits" hidden></ul></div>
  <span id="count"></span>
  <button id="fit" type="button"></button>
  <button id="scope" type="button"></button>
</header>
<main>
  <div id="canvas"><div id="cy"></div><p id="notice" hidden></p></div>
  <aside>
    <section id="filters"></section>
    <section id="details"></section>
  </aside>
</main>
<script type="application/json" id="docgraph-data">%%DATA%%</script>
<script>%%LIB%%</script>
<script>%%JS%%</script>
</body>
</html>
"""


def render(g: nx.Graph, *, yed: bool = False, title: str = "docgraph", focus: Any = None,
           strings: dict | None = None, out_dir: str | os.PathLike | None = None) -> tuple[str, list[str]]:
    """The registry's entry; warns when a large graph's view opens on one neighbourhood."""
    page = to_html(g, title=title, focus=focus, strings=strings, out_dir=out_dir)
    warnings = []
    if focus is None and g.number_of_nodes() > FULL_VIEW_LIMIT:
        start = most_implemented(g)
        warnings.append(_(
            "{n} documents: the HTML view opens on the neighbourhood of {label} [{id}] ('{whole}' in the page shows"
            " them all); --from QUERY exports one document's neighbourhood only").format(
            n=g.number_of_nodes(), label=label_of(start, g.nodes[start]), id=start, whole=view_strings()["whole"]))
    return page, warnings
