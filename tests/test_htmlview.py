"""The HTML view: the page's data, its self-containment and links, and (slow) what headless Chromium shows: the
layout, the legend filters, a click that pins an edge's evidence, a screenshot.

Needs chromium on PATH for the slow tests (Debian: apt-get install chromium); Pillow (a test dependency) reads the
screenshot.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path
from urllib.parse import urljoin

import networkx as nx
import pytest

from cli_helpers import run
from docgraph.export import export_graph, htmlview
from docgraph.export.common import LEVEL_COLORS, RELATION_STYLES
from docgraph.model import LEVELS, RELATIONS
from test_export import ART, C35, D12, EVIDENCE_83, H45, N_EDGES, N_NODES, P83, X07, XSS_TITLE, make_graph

DATA_RE = re.compile(r'<script type="application/json" id="docgraph-data">(.*?)</script>', re.S)


@pytest.fixture
def g() -> nx.MultiDiGraph:
    return make_graph()


def _data(page: str) -> dict:
    (block,) = DATA_RE.findall(page)
    return json.loads(block)


def _edge_id(data: dict, source: str, target: str, relation: str) -> str:
    (e,) = [e for e in data["edges"] if (e["source"], e["target"], e["relation"]) == (source, target, relation)]
    return e["id"]


# ----------------------------------------------------------------------------- the page's data


def test_data_holds_each_document_and_edge_with_its_evidence(g):
    data = htmlview.html_data(g)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert set(nodes) == set(g.nodes)
    files = [f for f, _href in data["files"]]
    assert {n: (v["label"], v["level"], v["province"], v["file"] is not None and files[v["file"]])
            for n, v in nodes.items()} == {
        C35: ("Chỉ thị 35-CT/TW", "central", None, False),
        P83: ("Kế hoạch 83-KH/TU", "provincial", "Bắc Giang", "tinh/83-KH-TU.docx"),
        D12: ("Kế hoạch 12/KH-SKHCN", "department", "Bắc Giang", "so/12.pdf"),
        H45: ("Kế hoạch 45/KH-UBND", "district", "Bắc Giang", "huyen/45.pdf"),
        X07: ("Kế hoạch 07/KH-UBND xã Tân Dĩnh", "commune", "Bắc Giang", False),
        ART: ('Bài viết "Đại hội" #1 & <b> C:\\tin\\', "unknown", None, "tin tuc/dai hoi.docx"),
    }  # fmt: skip
    # the fields of the details panel: none of the empty ones
    assert nodes[C35]["data"] == {"type": "Chỉ thị", "number": "35", "symbol": "CT/TW", "year": 2024,
                                  "date": "2024-06-14", "issuer": "Bộ Chính trị", "issuer_code": "TW",
                                  "level": "central", "branch": "party", "title": XSS_TITLE, "kind": "cited",
                                  "mentions": 4}  # fmt: skip
    edges = {(e["source"], e["target"], e["relation"]): e for e in data["edges"]}
    assert len(edges) == N_EDGES and [e["id"] for e in data["edges"]] == [f"e{i}" for i in range(N_EDGES)]

    def ev(e):
        return [(files[i] if i is not None else None, line, text) for i, line, text in e["evidence"]]

    # the edge's own evidence first, then the others, each once
    assert ev(edges[P83, C35, "implements"]) == [("tinh/83-KH-TU.docx", 5, EVIDENCE_83),
                                                 ("tinh/83-KH-TU.docx", 40, "tiếp tục [quán triệt]")]
    assert edges[P83, C35, "implements"]["count"] == 2
    assert ev(edges[D12, P83, "implements"]) == [("so/12.pdf", 3, "=cmd|' /C calc'!A0"), ("so/12.pdf", 3, "=cmd")]
    assert edges[H45, P83, "implements"]["flags"] == ["source_before_target", "district_after_reform"]
    assert ev(edges[ART, C35, "cites"]) == [(None, None, "nói về Chỉ thị 35")]
    assert data["meta"]["focus"] is None and data["meta"]["large"] is False


def test_evidence_is_capped_per_edge_and_the_rest_counted():
    g = nx.MultiDiGraph()
    g.add_node("a", label="A", level="provincial")
    g.add_node("b", label="B", level="central")
    every = [{"file": "a.txt", "line": i, "text": f"câu {i}"} for i in range(1, 31)]
    g.add_edge("a", "b", key="cites", relation="cites", file="a.txt", line=1, evidence="câu 1", evidence_all=every)
    (e,) = htmlview.html_data(g)["edges"]
    assert [x[1] for x in e["evidence"]] == list(range(1, htmlview.MAX_EVIDENCE + 1))
    assert e["more"] == 30 - htmlview.MAX_EVIDENCE


@pytest.mark.parametrize("stored, out_dir, href", [
    ("samples/a b.txt", "{cwd}", "samples/a%20b.txt"),          # relative to the page: they move together
    ("samples/a.txt", "{cwd}/out/html", "../../samples/a.txt"),
    ("../corpus/Kế hoạch.txt", "{cwd}", "../corpus/K%E1%BA%BF%20ho%E1%BA%A1ch.txt"),
    ("/data/corpus/x#1.txt", "{cwd}", "file:///data/corpus/x%231.txt"),  # an absolute path stays absolute
    ("samples/a.txt", None, "file://{cwd}/samples/a.txt"),     # no page folder (stdout): absolute
])  # fmt: skip
def test_links_to_source_files(stored, out_dir, href, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cwd = str(tmp_path)
    assert htmlview.file_href(stored, out_dir and out_dir.format(cwd=cwd)) == href.format(cwd=cwd)


def test_a_large_graph_opens_on_the_most_implemented_document(g, monkeypatch):
    monkeypatch.setattr(htmlview, "FULL_VIEW_LIMIT", 3)
    meta = htmlview.html_data(g)["meta"]
    assert meta["large"] is True and meta["focus"] == P83  # implemented by D12 and H45 (twice)
    page, warnings = htmlview.render(g)
    assert _data(page)["meta"]["focus"] == P83
    assert len(warnings) == 1 and f"[{P83}]" in warnings[0] and "--from" in warnings[0]
    # a document asked for (export --from) is where it opens, with no warning
    page, warnings = htmlview.render(g, focus=C35)
    assert _data(page)["meta"]["focus"] == C35 and _data(page)["meta"]["large"] is False and warnings == []


def test_the_words_of_the_view_are_in_the_interface_language(g, monkeypatch):
    """view_strings() asks docgraph.i18n for every word, when called (a stand-in catalog here: it marks each)."""
    import gettext

    from docgraph import i18n

    class Marked(gettext.NullTranslations):
        def gettext(self, message):
            return "«" + message + "»"

        def pgettext(self, context, message):
            return f"«{context}:{message}»"

    monkeypatch.setitem(i18n._state, "t", Marked())
    monkeypatch.setitem(i18n._state, "lang", "vi")
    s = htmlview.view_strings()
    assert s["lang"] == "vi" and s["levels"] == "«Levels»" and s["evidence"] == "«Evidence»"
    assert s["level_names"]["central"] == "«level:central»" and s["relation_names"]["cites"] == "«relation:cites»"
    assert s["fields"]["issuer"] == "«issuer»"
    page = htmlview.to_html(g)
    assert '<html lang="vi">' in page and 'placeholder="«Find a document…»"' in page
    assert _data(page)["meta"]["strings"]["hint"].startswith("«Click an arrow")


def test_every_level_and_relation_has_a_name_and_a_style():
    s = htmlview.view_strings()
    assert set(s["level_names"]) == set(LEVELS)
    assert set(RELATIONS) <= set(s["relation_names"])
    assert {"suspends", "corrects", "consolidates"} <= set(s["relation_names"]) <= set(RELATION_STYLES)
    assert set(htmlview.DETAIL_FIELDS) <= set(s["fields"])


# ----------------------------------------------------------------------------- the page


def test_page_is_self_contained_and_escaped(g):
    page = htmlview.to_html(g, title="Chuỗi </script><script>alert(2)</script>")
    assert page.count("<script") == 3 and page.count("</script>") == 3  # the data, the library, the view
    assert "<title>Chuỗi &lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;</title>" in page
    assert "content=\"default-src 'none'; script-src 'unsafe-inline'" in page  # nothing is fetched
    markup = re.sub(r"<script[^>]*>.*?</script>", "", page, flags=re.S)
    assert not re.search(r"\b(src|href)\s*=", markup) and "@import" not in markup and "url(" not in markup
    (block,) = DATA_RE.findall(page)
    assert "<" not in block and ">" not in block and "&" not in block and "\\u003c/script\\u003e" in block
    assert json.loads(block)["meta"]["title"].startswith("Chuỗi")


def test_page_inlines_the_shipped_library_with_its_licences(g):
    """Cytoscape.js and its dagre layout are package data (vendor/, fetched by tools/fetch_view_assets.py) inlined
    whole, each licence before them; VERSIONS.json records the file hashes."""
    files = resources.files("docgraph.export")
    versions = json.loads((files / "vendor" / "VERSIONS.json").read_text(encoding="utf-8"))
    assert {p["name"] for p in versions["packages"]} >= {"cytoscape", "cytoscape-dagre"}
    page = htmlview.to_html(g)
    for p in versions["packages"]:
        assert p["license"] == "MIT" and f"/*! {p['name']} {p['version']} (MIT) */" in page
        for name, sha in p["files"].items():
            data = (files / "vendor" / name).read_bytes()
            assert hashlib.sha256(data).hexdigest() == sha, name
            if name.endswith(".js"):
                assert page.count(data.decode("utf-8")) == 1
            else:
                assert "Permission is hereby granted" in data.decode("utf-8")
    for name in ("htmlview.js", "htmlview.css"):
        assert page.count((files / name).read_bytes().decode("utf-8")) == 1
    assert not re.search(r"%%[A-Z_]+%%", page)


def test_line_separators_are_escaped_in_the_data():
    g = nx.MultiDiGraph()
    g.add_node("a", label="x\u2028y\u2029z & <b>", level="central")
    (block,) = DATA_RE.findall(htmlview.to_html(g))
    assert "\u2028" not in block and "\u2029" not in block
    assert json.loads(block)["nodes"][0]["label"] == "x\u2028y\u2029z & <b>"


def test_export_from_a_query_opens_on_it_with_links_next_to_the_page(indexed):
    r = run("export", "-f", "html", "-o", "out/view.html", "--from", "Chỉ thị 35-CT/TW")
    assert r.exit_code == 0, r.output
    data = _data((indexed / "out" / "view.html").read_text(encoding="utf-8"))
    assert data["meta"]["focus"] == "35-ct-tw-2024" and data["meta"]["large"] is False
    assert "35-ct-tw-2024" in {n["id"] for n in data["nodes"]}
    for path, href in data["files"]:
        assert href == "../" + path and (indexed / "out" / href).resolve() == (indexed / path).resolve()
    r = run("export", "-f", "html", "-o", "all.html")
    assert r.exit_code == 0 and "warning" not in r.output  # 30 documents: the whole graph, no warning
    assert _data((indexed / "all.html").read_text(encoding="utf-8"))["meta"]["focus"] is None


# ----------------------------------------------------------------------------- in headless Chromium


def _chromium_run(page: str, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    assert exe, "chromium is required for this test: apt-get install chromium"
    args = [
        exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'chromium-profile'}", "--window-size=1400,900",
        *extra, page,
    ]  # fmt: skip
    return subprocess.run(args, capture_output=True, timeout=120)


def _dom(page: Path, tmp_path: Path, fragment: str = "") -> str:
    r = _chromium_run(page.as_uri() + fragment, tmp_path, "--dump-dom")
    assert r.returncode == 0, r.stderr.decode(errors="replace")[-2000:]
    return r.stdout.decode("utf-8")


def _html_attrs(dom: str) -> dict[str, str]:
    tag = re.search(r"<html[^>]*>", dom).group(0)
    return dict(re.findall(r'([a-z-]+)="([^"]*)"', tag))


def _details(dom: str) -> str:
    return re.search(r'<section id="details">(.*?)</section>', dom, re.S).group(1)


@pytest.mark.slow
def test_view_renders_the_graph_with_its_legend(g, tmp_path):
    out = tmp_path / "g.html"
    export_graph(g, "html", out, title="Chuỗi <b>văn bản</b>")
    dom = _dom(out, tmp_path)
    attrs = _html_attrs(dom)
    assert attrs["data-docgraph"] == "ready", "the view was laid out"
    assert "data-pwned" not in attrs, "an injected script or handler ran"
    assert (attrs["data-nodes"], attrs["data-edges"]) == (str(N_NODES), str(N_EDGES))
    assert int(attrs["data-render-ms"]) > 0
    assert re.search(r"<title>Chuỗi &lt;b&gt;văn bản&lt;/b&gt;</title>", dom)
    assert f"{N_NODES} of {N_NODES} documents" in dom
    assert re.findall(r'data-level="([a-z]+)"', dom) == list(LEVELS)  # the legend: one toggle per level present
    assert re.findall(r'data-relation="([a-z_]+)"', dom) == ["implements", "based_on", "cites"]
    assert re.findall(r'<option value="([^"]*)"', dom) == ["", "Bắc Giang"]


PIN_HARNESS = """<script>
(function () {
  var v = window.docgraphView, res = {};
  v.cy.$id("%(edge)s").emit("tap");  // what a click on the arrow does
  res.pinned = document.querySelector("#details .edge-card").getAttribute("data-edge");
  res.sentence = document.querySelector("#details .sentence").textContent;
  res.link = document.querySelector("#details a.file").getAttribute("href");
  res.link_text = document.querySelector("#details a.file").textContent;
  v.cy.$id("%(node)s").emit("tap");
  res.node_title = document.querySelector("#details .node-card h3").textContent;
  res.node_cells = Array.prototype.map.call(document.querySelectorAll("#details td"), function (t) { return t.textContent; });
  res.elements = document.querySelectorAll("#details script, #details img").length;
  document.documentElement.setAttribute("data-harness", JSON.stringify(res));
})();
</script>
</body>"""


@pytest.mark.slow
def test_clicking_an_edge_pins_its_evidence_with_a_link_to_the_file(tmp_path, monkeypatch):
    src = tmp_path / "corpus" / "huyện" / "45.txt"
    src.parent.mkdir(parents=True)
    src.write_text("Thực hiện Kế hoạch số 83-KH/TU\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    g = make_graph()
    for _u, _v, d in g.edges(data=True):
        if d["file"] == "huyen/45.pdf":
            d["file"] = "corpus/huyện/45.txt"
    out = tmp_path / "out" / "g.html"
    out.parent.mkdir()
    export_graph(g, "html", out)
    edge = _edge_id(_data(out.read_text(encoding="utf-8")), H45, P83, "implements")

    # the page's link hook: #select-edge=ID pins that edge as a click does
    panel = _details(_dom(out, tmp_path, f"#select-edge={edge}"))
    assert f'data-edge="{edge}"' in panel
    assert '<blockquote class="sentence">Thực hiện Kế hoạch số 83-KH/TU</blockquote>' in panel
    (href,) = re.findall(r'<a class="file" href="([^"]+)"', panel)
    assert urljoin(out.as_uri(), html.unescape(href)) == src.as_uri()
    assert "corpus/huyện/45.txt:7" in panel
    assert "source_before_target, district_after_reform" in panel

    # a scripted tap on the edge, then on a document whose title is hostile
    harness = tmp_path / "out" / "harness.html"
    harness.write_text(out.read_text(encoding="utf-8").replace("</body>", PIN_HARNESS % {"edge": edge, "node": C35}),
                       encoding="utf-8")
    dom = _dom(harness, tmp_path)
    res = json.loads(html.unescape(re.search(r'data-harness="([^"]*)"', dom).group(1)))
    assert res["pinned"] == edge and res["sentence"] == "Thực hiện Kế hoạch số 83-KH/TU"
    assert urljoin(harness.as_uri(), res["link"]) == src.as_uri() and res["link_text"] == "corpus/huyện/45.txt:7"
    assert res["node_title"] == "Chỉ thị 35-CT/TW" and XSS_TITLE in res["node_cells"] and res["elements"] == 0


FILTER_HARNESS = """<script>
(function () {
  var root = document.documentElement, res = [];
  function nodes() { return Number(root.getAttribute("data-nodes")); }
  function toggle(sel) { var cb = document.querySelector(sel); cb.checked = !cb.checked; cb.dispatchEvent(new Event("change")); }
  res.push(nodes());
  toggle('input[data-level="central"]'); res.push(nodes()); toggle('input[data-level="central"]');
  toggle('input[data-relation="cites"]'); res.push(nodes()); toggle('input[data-relation="cites"]');
  var sel = document.getElementById("province");
  sel.value = "Bắc Giang"; sel.dispatchEvent(new Event("change")); res.push(nodes());
  sel.value = ""; sel.dispatchEvent(new Event("change")); res.push(nodes());
  var s = document.getElementById("search");
  s.value = "tan dinh"; s.dispatchEvent(new Event("input"));
  var hits = Array.prototype.map.call(document.querySelectorAll("#hits button"), function (b) { return b.getAttribute("data-id"); });
  document.querySelector("#hits button").click();
  var shown = document.querySelector("#details .node-card").getAttribute("data-node");
  root.setAttribute("data-harness", JSON.stringify({ nodes: res, hits: hits, shown: shown }));
})();
</script>
</body>"""


@pytest.mark.slow
def test_legend_and_province_filter_the_view_and_search_finds(g, tmp_path):
    page = tmp_path / "harness.html"
    page.write_text(htmlview.to_html(g).replace("</body>", FILTER_HARNESS), encoding="utf-8")
    dom = _dom(page, tmp_path)
    res = json.loads(html.unescape(re.search(r'data-harness="([^"]*)"', dom).group(1)))
    # all; central hidden; cites hidden (the article only cites); Bắc Giang (the directive stays: its documents
    # implement it; the article goes: it is of no province and cites only the directive); all again
    assert res["nodes"] == [N_NODES, N_NODES - 1, N_NODES - 1, N_NODES - 1, N_NODES]
    assert res["hits"] == [X07] and res["shown"] == X07


@pytest.mark.slow
def test_a_large_graph_opens_on_a_neighbourhood_and_shows_all_when_asked(g, tmp_path, monkeypatch):
    monkeypatch.setattr(htmlview, "FULL_VIEW_LIMIT", 3)
    out = tmp_path / "g.html"
    export_graph(g, "html", out)
    dom = _dom(out, tmp_path)
    # 83-KH/TU, what implements it (12, 45 and 07 through 45), what it implements (35): not the article
    assert _html_attrs(dom)["data-nodes"] == "5"
    assert re.search(r'<p id="notice">6 documents in this graph: showing the neighbourhood of Kế hoạch 83-KH/TU\.', dom)
    assert re.search(r'<button id="scope" type="button">Whole graph</button>', dom)
    assert _html_attrs(_dom(out, tmp_path, "#whole"))["data-nodes"] == str(N_NODES)
    assert _html_attrs(_dom(out, tmp_path, f"#focus={ART}"))["data-nodes"] == "2"  # the article and what it cites


@pytest.mark.slow
def test_the_words_of_the_page_come_from_python(g, tmp_path):
    strings = htmlview.view_strings()
    strings.update(lang="vi", levels="Cấp", relations="Quan hệ", showing="{shown}/{total} văn bản")
    strings["level_names"] = {**strings["level_names"], "central": "Trung ương"}
    strings["relation_names"] = {**strings["relation_names"], "implements": "thực hiện"}
    out = tmp_path / "g.html"
    out.write_text(htmlview.to_html(g, strings=strings), encoding="utf-8")
    dom = _dom(out, tmp_path)
    assert _html_attrs(dom)["lang"] == "vi"
    assert "<h2>Cấp</h2>" in dom and "<h2>Quan hệ</h2>" in dom and f"{N_NODES}/{N_NODES} văn bản" in dom
    assert '<span class="name">Trung ương</span>' in dom and '<span class="name">thực hiện</span>' in dom


@pytest.mark.slow
def test_screenshot_shows_the_documents(g, tmp_path):
    from PIL import Image

    out = tmp_path / "g.html"
    export_graph(g, "html", out)
    png = tmp_path / "shot.png"
    r = _chromium_run(out.as_uri(), tmp_path, f"--screenshot={png}", "--hide-scrollbars")
    assert r.returncode == 0 and png.exists()
    img = Image.open(png).convert("RGB")
    assert img.size == (1400, 900)
    colours = img.getcolors(maxcolors=1 << 20)
    assert len(colours) > 200, "a drawing, not a blank page"
    by_colour = {c: n for n, c in colours}
    for level in ("central", "provincial", "department", "district", "commune"):  # the boxes, filled by level
        fill = tuple(int(LEVEL_COLORS[level][i:i + 2], 16) for i in (1, 3, 5))
        assert by_colour.get(fill, 0) > 1000, level


DETAIL_HARNESS = """<script>
(function () {
  var v = window.docgraphView, cy = v.cy, res = {};
  function state() {
    return { labels: cy.nodes().not(".band").filter(function (n) { return n.data("short") !== ""; }).map(function (n) { return n.id(); }).sort(),
             arrows: cy.edges().filter(function (e) { return !e.hasClass("plain"); }).length };
  }
  cy.zoom(0.05); v.detail(); res.far = state();
  cy.zoom(1.2); cy.center(cy.$id("%(node)s")); v.detail(); res.near = state();
  document.documentElement.setAttribute("data-harness", JSON.stringify(res));
})();
</script>
</body>"""


@pytest.mark.slow
def test_a_view_of_thousands_draws_labels_and_arrows_only_when_zoomed_in(g, tmp_path, monkeypatch):
    """Above LARGE_VIEW documents the view is ordered by cytoscape's breadth-first layout and, to draw in seconds,
    gives labels and arrowheads only to what is on screen at a readable zoom (here with the limit lowered)."""
    monkeypatch.setattr(htmlview, "LARGE_VIEW", 3)
    page = tmp_path / "harness.html"
    page.write_text(htmlview.to_html(g).replace("</body>", DETAIL_HARNESS % {"node": X07}), encoding="utf-8")
    dom = _dom(page, tmp_path)
    assert _html_attrs(dom)["data-nodes"] == str(N_NODES)
    res = json.loads(html.unescape(re.search(r'data-harness="([^"]*)"', dom).group(1)))
    assert res["far"] == {"labels": [], "arrows": 0}
    assert X07 in res["near"]["labels"] and len(res["near"]["labels"]) < N_NODES and res["near"]["arrows"] >= 1


@pytest.mark.slow
def test_the_view_benchmark_measures_a_page(g, tmp_path):
    """benchmarks/html_view.py: size, nodes drawn and times of a page (a smoke test, not a timing test)."""
    import sys

    out = tmp_path / "g.html"
    export_graph(g, "html", out)
    bench = Path(__file__).resolve().parent.parent / "benchmarks" / "html_view.py"
    r = subprocess.run([sys.executable, str(bench), str(out), "--runs", "1"], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    (row,) = [line for line in r.stdout.splitlines() if line.startswith(str(out)[-60:])]
    size, drawn, page_ms, shot = row[60:].split()
    assert float(size) == round(out.stat().st_size / 1e6, 2) and drawn == str(N_NODES)
    assert int(page_ms) > 0 and float(shot) > 0
