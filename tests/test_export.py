"""Tests for docgraph.export: every format is read back with an independent reader.

Needs graphviz (`dot`) and chromium on PATH (Debian: apt-get install graphviz chromium).
"""

from __future__ import annotations

import copy
import csv
import html
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

from bench_helpers import benchmark
from docgraph import export as ex
from docgraph.export import atomic
from docgraph.export import FORMATS, ExportError, export_graph, to_graphml_graph
from docgraph.model import LEVELS

C35 = "35-ct-tw-2024"
P83 = "83-kh-tu-2024-bac-giang"
D12 = "12-kh-skhcn-2024-bac-giang"
H45 = "45-kh-ubnd-2024-bac-giang-lang-giang"
X07 = "07-kh-ubnd-2024-bac-giang-lang-giang-tan-dinh"
ART = "file-tin-tuc-dai-hoi-docx"

XSS_TITLE = 'Về tổ chức đại hội đảng bộ các cấp "nhiệm kỳ" 2025-2030 <script>alert(1)</script>'
PWN_TITLE = (
    "</script><script>document.documentElement.setAttribute('data-pwned','1')</script>"
    "<img src=x onerror=\"document.documentElement.setAttribute('data-pwned','2')\">"
)
ART_LABEL = 'Bài viết "Đại hội" #1 & <b> C:\\tin\\'
EVIDENCE_83 = "Thực hiện Chỉ thị số 35-CT/TW [trích yếu]\x0c ngày 14/6/2024 của Bộ Chính trị"


def make_graph() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    base = dict(type=None, number=None, symbol=None, year=None, date=None, issuer=None, issuer_code=None,
                branch=None, jurisdiction="", title=None, source_file=None, kind="document", mentions=1)  # fmt: skip
    g.add_node(C35, **{**base, "label": "Chỉ thị 35-CT/TW", "type": "Chỉ thị", "number": "35", "symbol": "CT/TW",
               "year": 2024, "date": "2024-06-14", "issuer": "Bộ Chính trị", "issuer_code": "TW",
               "level": "central", "branch": "party", "title": XSS_TITLE, "kind": "cited", "mentions": 4})  # fmt: skip
    g.add_node(P83, **{**base, "label": "Kế hoạch 83-KH/TU", "type": "Kế hoạch", "number": "83", "symbol": "KH/TU",
               "year": 2024, "issuer": "Tỉnh ủy Bắc Giang", "issuer_code": "TU", "level": "provincial",
               "branch": "party", "jurisdiction": "Bắc Giang", "title": 'Thực hiện "Chỉ thị 35"\nvề đại hội #1',
               "source_file": "tinh/83-KH-TU.docx", "reviewed": True})  # fmt: skip
    g.add_node(D12, **{**base, "label": "Kế hoạch 12/KH-SKHCN", "level": "department", "year": 2024,
               "issuer": "-Sở Khoa học và Công nghệ", "title": '=HYPERLINK("http://evil")',
               "jurisdiction": "Bắc Giang", "source_file": "so/12.pdf"})  # fmt: skip
    g.add_node(H45, **{**base, "label": "Kế hoạch 45/KH-UBND", "level": "district", "branch": "state",
               "jurisdiction": "Bắc Giang / Lạng Giang", "title": PWN_TITLE, "source_file": "huyen/45.pdf"})  # fmt: skip
    g.add_node(X07, **{**base, "label": "Kế hoạch 07/KH-UBND xã Tân Dĩnh", "level": "commune",
               "jurisdiction": "Bắc Giang / Lạng Giang / Tân Dĩnh", "mentions": 0})  # fmt: skip
    g.add_node(ART, **{**base, "label": ART_LABEL, "level": "unknown", "kind": "article", "mentions": 0,
               "source_file": "tin tuc/dai hoi.docx"})  # fmt: skip

    def edge(u, v, rel, **kw):
        d = dict(relation=rel, count=1, file=None, line=None, evidence=None, evidence_all=[], flags=[])
        d.update(kw)
        g.add_edge(u, v, key=rel, **d)

    edge(P83, C35, "implements", count=2, file="tinh/83-KH-TU.docx", line=5, evidence=EVIDENCE_83,
         evidence_all=[{"file": "tinh/83-KH-TU.docx", "line": 5, "text": EVIDENCE_83},
                       {"file": "tinh/83-KH-TU.docx", "line": 40, "text": "tiếp tục [quán triệt]"}])  # fmt: skip
    edge(D12, P83, "implements", file="so/12.pdf", line=3, evidence="=cmd|' /C calc'!A0",
         evidence_all=[{"file": "so/12.pdf", "line": 3, "text": "=cmd"}], flags=["source_before_target"])
    edge(H45, P83, "implements", file="huyen/45.pdf", line=7, evidence="Thực hiện Kế hoạch số 83-KH/TU",
         flags=["source_before_target", "district_after_reform"])  # fmt: skip
    edge(H45, P83, "based_on", file="@huyen/45.pdf", line=2, evidence='Căn cứ "Kế hoạch" 83-KH/TU')
    edge(X07, H45, "implements", file="xa/07.docx", line=4, evidence="+Triển khai Kế hoạch 45/KH-UBND",
         flags=["district_after_reform"])
    edge(ART, C35, "cites", evidence="nói về Chỉ thị 35")
    return g


N_NODES, N_EDGES = 6, 6


@pytest.fixture
def g() -> nx.MultiDiGraph:
    return make_graph()


def _edge_set(graph: nx.MultiDiGraph) -> set[tuple[str, str, str]]:
    return {(str(u), str(v), str(d["relation"])) for u, v, d in graph.edges(data=True)}


def _no_temp_files(folder: Path) -> None:
    leftovers = [p.name for p in folder.iterdir() if p.name.startswith(".") or p.name.endswith(".tmp")]
    assert leftovers == []


# ----------------------------------------------------------------------------- basics


def test_formats_and_errors(g, tmp_path):
    assert FORMATS == ("graphml", "gexf", "json", "csv", "dot", "mermaid", "html", "neo4j")
    with pytest.raises(ExportError):
        export_graph(g, "xlsx", tmp_path / "x")
    for fmt in ("csv", "neo4j"):
        with pytest.raises(ExportError):
            export_graph(g, fmt, None)
        f = tmp_path / f"{fmt}.file"
        f.write_text("x")
        with pytest.raises(ExportError):
            export_graph(g, fmt, f)
    with pytest.raises(ExportError):
        export_graph(g, "json", tmp_path)  # a directory where a file is needed


def test_package_has_no_cli_imports():
    modules = sorted(Path(ex.__file__).parent.glob("*.py"))
    assert len(modules) > 8
    for path in modules:
        src = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import|from)\s+(typer|click|rich)\b", src, re.M), path.name


def test_input_graph_not_modified(g, tmp_path):
    before = copy.deepcopy(g)
    for fmt in FORMATS:
        export_graph(g, fmt, tmp_path / fmt)
    export_graph(g, "graphml", tmp_path / "y.graphml", yed=True)
    assert list(g.nodes(data=True)) == list(before.nodes(data=True))
    assert list(g.edges(keys=True, data=True)) == list(before.edges(keys=True, data=True))


def test_stdout_for_text_formats(g, capsys):
    assert export_graph(g, "json", None) == []
    data = json.loads(capsys.readouterr().out)
    assert len(data["nodes"]) == N_NODES
    export_graph(g, "graphml", None)
    out = capsys.readouterr().out
    assert out.startswith("<?xml") and "</graphml>" in out
    export_graph(g, "mermaid", "-")
    assert "flowchart TD" in capsys.readouterr().out


def test_yed_flag_warns_for_other_formats(g, tmp_path):
    w = export_graph(g, "json", tmp_path / "a.json", yed=True)
    assert any("yed" in x.lower() for x in w)


# ----------------------------------------------------------------------------- graphml


def test_graphml_named_keys_roundtrip(g, tmp_path):
    out = tmp_path / "g.graphml"
    assert export_graph(g, "graphml", out) == []
    text = out.read_text(encoding="utf-8")
    assert 'id="d0"' not in text and 'key="d0"' not in text
    root = ET.fromstring(out.read_bytes())
    ns = "{http://graphml.graphdrawing.org/xmlns}"
    keys = root.findall(f"{ns}key")
    key_ids = [k.get("id") for k in keys]
    assert len(key_ids) == len(set(key_ids)), "one <key> per attribute name"
    for k in keys:
        assert k.get("id") == k.get("attr.name")
    types = {k.get("id"): k.get("attr.type") for k in keys}
    assert types["label"] == "string" and types["year"] == "long" and types["count"] == "long"
    assert types["reviewed"] == "string"  # a bool is written as "true"/"false" text
    edge_ids = [e.get("id") for e in root.iter(f"{ns}edge")]
    assert len(edge_ids) == len(set(edge_ids)) == N_EDGES

    h = nx.read_graphml(out, force_multigraph=True)
    assert h.number_of_nodes() == N_NODES and h.number_of_edges() == N_EDGES
    assert _edge_set(h) == _edge_set(g)
    for n, d in g.nodes(data=True):
        r = h.nodes[n]
        assert r["label"] == d["label"]
        assert r["doc_id"] == n
        assert r["level"] == d["level"]
        for k, v in d.items():
            if v is None:
                assert k not in r, f"None must be omitted ({k})"
    assert h.nodes[C35]["title"] == XSS_TITLE
    assert h.nodes[C35]["year"] == 2024 and h.nodes[C35]["mentions"] == 4
    assert h.nodes[P83]["reviewed"] == "true"
    assert h.nodes[P83]["title"] == 'Thực hiện "Chỉ thị 35"\nvề đại hội #1'
    (e,) = [d for u, v, d in h.edges(data=True) if (u, v) == (P83, C35)]
    assert e["evidence"] == EVIDENCE_83.replace("\x0c", "")  # XML-illegal control char stripped
    assert e["count"] == 2 and e["line"] == 5
    assert json.loads(e["evidence_all"])[1] == {"file": "tinh/83-KH-TU.docx", "line": 40, "text": "tiếp tục [quán triệt]"}
    assert json.loads(e["flags"]) == []
    (e,) = [d for u, v, d in h.edges(data=True) if (u, v, d["relation"]) == (H45, P83, "implements")]
    assert json.loads(e["flags"]) == ["source_before_target", "district_after_reform"]


def test_graphml_types_consistent_per_key(tmp_path):
    g = nx.MultiDiGraph()
    g.add_node("a", label="A", number=35, year=2024, flag=True, score=1)
    g.add_node("b", label="B", number="07", year=None, flag=False, score=2.5)
    g.add_node("c", label=None, number=None)
    g.add_edge("a", "b", key="implements", relation="implements", line=None, count=1)
    h = to_graphml_graph(g)
    assert h.nodes["a"]["number"] == "35" and h.nodes["b"]["number"] == "07"
    assert h.nodes["a"]["flag"] == "true" and h.nodes["b"]["flag"] == "false"
    assert h.nodes["a"]["score"] == 1.0 and isinstance(h.nodes["a"]["score"], float)
    assert "year" not in h.nodes["b"] and h.nodes["c"]["label"] == "c"
    out = tmp_path / "t.graphml"
    export_graph(g, "graphml", out)
    r = nx.read_graphml(out, force_multigraph=True)
    assert r.nodes["a"]["number"] == "35" and r.nodes["b"]["number"] == "07"
    assert r.nodes["b"]["score"] == 2.5 and r.nodes["c"]["label"] == "c"
    assert "line" not in next(iter(r.edges(data=True)))[2]


def test_graphml_ids_are_nmtokens(tmp_path):
    g = nx.MultiDiGraph()
    for n in ("Chỉ thị 35/CT-TW", "a b", "a_b", "ok-id.1", 42):
        g.add_node(n, label=str(n), level="central")
    g.add_edge("a b", "Chỉ thị 35/CT-TW", key="implements", relation="implements")
    out = tmp_path / "ids.graphml"
    warnings = export_graph(g, "graphml", out)
    assert warnings and "doc_id" in warnings[0]
    r = nx.read_graphml(out)
    nmtoken = re.compile(r"^[A-Za-z0-9._:-]+$")
    assert all(nmtoken.match(n) for n in r.nodes)
    assert sorted(d["doc_id"] for _, d in r.nodes(data=True)) == sorted(map(str, g.nodes))
    assert "a_b" in r and r.nodes["a_b"]["doc_id"] == "a_b"  # a valid id is never renamed
    assert "ok-id.1" in r
    by_doc = {d["doc_id"]: n for n, d in r.nodes(data=True)}
    assert r.has_edge(by_doc["a b"], by_doc["Chỉ thị 35/CT-TW"])


def test_graphml_yed_graphics(g, tmp_path):
    out = tmp_path / "yed.graphml"
    export_graph(g, "graphml", out, yed=True)
    root = ET.parse(out).getroot()
    ns = "{http://graphml.graphdrawing.org/xmlns}"
    y = "{http://www.yworks.com/xml/graphml}"
    gfx = [k for k in root.findall(f"{ns}key") if k.get("yfiles.type") == "nodegraphics"]
    assert len(gfx) == 1 and gfx[0].get("for") == "node"
    assert any(k.get("yfiles.type") == "edgegraphics" for k in root.findall(f"{ns}key"))
    # keys come before <graph> (GraphML schema order)
    tags = [c.tag for c in root]
    assert tags.index(f"{ns}graph") > max(i for i, t in enumerate(tags) if t == f"{ns}key")
    nodes = list(root.iter(f"{ns}node"))
    assert len(nodes) == N_NODES
    fills = {}
    for node in nodes:
        shapes = node.findall(f"{ns}data/{y}ShapeNode")
        assert len(shapes) == 1
        label = shapes[0].find(f"{y}NodeLabel")
        assert label is not None and label.text == g.nodes[node.get("id")]["label"]
        fills[g.nodes[node.get("id")]["level"]] = shapes[0].find(f"{y}Fill").get("color")
        geo = shapes[0].find(f"{y}Geometry")
        assert float(geo.get("width")) > 0
    assert len(set(fills.values())) == len(LEVELS), "one fill colour per level"
    assert len(list(root.iter(f"{y}PolyLineEdge"))) == N_EDGES
    # still a valid GraphML for networkx
    h = nx.read_graphml(out, force_multigraph=True)
    assert h.number_of_nodes() == N_NODES and h.number_of_edges() == N_EDGES


# ----------------------------------------------------------------------------- gexf / json


def test_gexf_roundtrip(g, tmp_path):
    out = tmp_path / "g.gexf"
    export_graph(g, "gexf", out)
    text = out.read_text(encoding="utf-8")
    assert 'version="1.2"' in text and "http://www.gexf.net/1.2draft" in text
    root = ET.fromstring(out.read_bytes())
    ns = "{http://www.gexf.net/1.2draft}"
    labels = {n.get("id"): n.get("label") for n in root.iter(f"{ns}node")}
    assert labels == {n: d["label"] for n, d in g.nodes(data=True)}
    h = nx.read_gexf(out)
    assert h.number_of_nodes() == N_NODES and h.number_of_edges() == N_EDGES
    assert _edge_set(h) == _edge_set(g)
    assert h.nodes[C35]["label"] == "Chỉ thị 35-CT/TW" and h.nodes[C35]["year"] == 2024
    assert h.nodes[C35]["title"] == XSS_TITLE and h.nodes[H45]["doc_id"] == H45
    ev = [d["evidence"] for u, v, d in h.edges(data=True) if (u, v) == (P83, C35)]
    assert ev == [EVIDENCE_83.replace("\x0c", "")]


def test_json_node_link_roundtrip(g, tmp_path):
    out = tmp_path / "g.json"
    export_graph(g, "json", out)
    raw = out.read_bytes().decode("utf-8")
    assert "Chỉ thị 35-CT/TW" in raw  # ensure_ascii=False
    assert '\n  "' in raw  # indent 2
    data = json.loads(raw)
    assert "edges" in data and "links" not in data
    try:
        h = nx.node_link_graph(data, edges="edges")
    except TypeError:  # networkx < 3.4
        h = nx.node_link_graph(data, link="edges")
    assert isinstance(h, nx.MultiDiGraph)
    assert dict(h.nodes(data=True)) == dict(g.nodes(data=True))
    assert sorted(h.edges(keys=True, data=True), key=str) == sorted(g.edges(keys=True, data=True), key=str)


# ----------------------------------------------------------------------------- csv / neo4j


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs to read UTF-8
    with open(path, encoding="utf-8-sig", newline="") as f:
        r = csv.DictReader(f)
        rows = list(r)
        return list(r.fieldnames or []), rows


def test_csv_tables_for_gephi(g, tmp_path):
    out = tmp_path / "csv-out"  # created
    export_graph(g, "csv", out)
    assert sorted(p.name for p in out.iterdir()) == ["edges.csv", "nodes.csv"]
    cols, nodes = _read_csv(out / "nodes.csv")
    assert cols[:2] == ["Id", "Label"]
    assert {"type", "level", "title", "issuer", "year", "mentions"} <= set(cols)
    assert len(nodes) == N_NODES
    by_id = {r["Id"]: r for r in nodes}
    assert set(by_id) == set(g.nodes)
    assert by_id[C35]["Label"] == "Chỉ thị 35-CT/TW" and by_id[C35]["year"] == "2024"
    assert by_id[C35]["title"] == XSS_TITLE
    assert by_id[P83]["title"] == 'Thực hiện "Chỉ thị 35"\nvề đại hội #1'  # quoting keeps the newline
    assert by_id[ART]["Label"] == ART_LABEL
    assert by_id[X07]["title"] == "" and by_id[X07]["year"] == ""
    # formula injection neutralised in free text, ids and codes untouched
    assert by_id[D12]["title"] == "'" + '=HYPERLINK("http://evil")'
    assert by_id[D12]["issuer"] == "'-Sở Khoa học và Công nghệ"
    assert by_id[C35]["date"] == "2024-06-14"

    cols, edges = _read_csv(out / "edges.csv")
    assert cols[:9] == ["Source", "Target", "Type", "Relation", "Count", "File", "Line", "Evidence", "Flags"]
    assert len(edges) == N_EDGES
    assert {r["Type"] for r in edges} == {"Directed"}
    assert {(r["Source"], r["Target"], r["Relation"]) for r in edges} == _edge_set(g)
    (e,) = [r for r in edges if r["Source"] == D12]
    assert e["Evidence"] == "'=cmd|' /C calc'!A0" and e["Flags"] == "source_before_target"
    (e,) = [r for r in edges if r["Relation"] == "based_on"]
    assert e["File"] == "'@huyen/45.pdf" and e["Evidence"] == 'Căn cứ "Kế hoạch" 83-KH/TU'
    (e,) = [r for r in edges if r["Source"] == X07]
    assert e["Evidence"].startswith("'+") and e["Count"] == "1" and e["Line"] == "4"
    (e,) = [r for r in edges if r["Source"] == P83]
    assert "[trích yếu]" in e["Evidence"] and "\x0c" not in e["Evidence"]
    assert e["Count"] == "2"
    _no_temp_files(out)


def test_neo4j_import_tables(g, tmp_path):
    out = tmp_path / "neo"
    export_graph(g, "neo4j", out)
    assert sorted(p.name for p in out.iterdir()) == ["nodes.csv", "relationships.csv"]
    lines = (out / "nodes.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    assert header[:3] == ["id:ID", "label", "type"] and header[-1] == ":LABEL"
    assert "year:int" in header and "mentions:int" in header
    assert len(lines) == 1 + N_NODES  # no multi-line records
    with open(out / "nodes.csv", encoding="utf-8", newline="") as f:
        rows = {r["id:ID"]: r for r in csv.DictReader(f)}
    assert rows[C35][":LABEL"] == "Document;Central"
    assert rows[X07][":LABEL"] == "Document;Commune"
    assert rows[ART][":LABEL"] == "Document;Unknown"
    assert rows[C35]["title"] == XSS_TITLE and rows[C35]["year:int"] == "2024"
    assert rows[P83]["title"] == 'Thực hiện "Chỉ thị 35" về đại hội #1'
    assert rows[ART]["label"] == ART_LABEL
    assert re.search(r',2024,', lines[1 + list(g.nodes).index(C35)]), "ints unquoted"

    lines = (out / "relationships.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith(":START_ID,:END_ID,:TYPE,count:int,file,line:int,evidence")
    assert len(lines) == 1 + N_EDGES
    with open(out / "relationships.csv", encoding="utf-8", newline="") as f:
        rels = list(csv.DictReader(f))
    assert {(r[":START_ID"], r[":END_ID"], r[":TYPE"]) for r in rels} == {
        (u, v, rel.upper()) for u, v, rel in _edge_set(g)
    }
    assert {r[":TYPE"] for r in rels} == {"IMPLEMENTS", "BASED_ON", "CITES"}
    (r,) = [r for r in rels if r[":START_ID"] == P83]
    assert r["count:int"] == "2" and r["line:int"] == "5"
    _no_temp_files(out)


# ----------------------------------------------------------------------------- dot


@pytest.mark.slow
def test_dot_renders_with_graphviz(g, tmp_path):
    dot = shutil.which("dot")
    assert dot, "graphviz is required for this test: apt-get install graphviz"
    out = tmp_path / "g.dot"
    export_graph(g, "dot", out, title='Chuỗi "văn bản"\nBắc Giang')
    text = out.read_text(encoding="utf-8")
    assert "rankdir=TB" in text
    assert text.count("rank=same") == len(LEVELS)
    for line in text.splitlines():  # newlines inside strings were escaped
        assert line.startswith(("digraph", "  ", "}")), line
    svg = subprocess.run([dot, "-Tsvg", str(out)], capture_output=True, timeout=60)
    assert svg.returncode == 0, svg.stderr.decode()
    s = svg.stdout.decode("utf-8")
    names = [html.unescape(t) for t in re.findall(r'<g id="node\d+" class="node">\s*<title>(.*?)</title>', s)]
    docs = [n for n in names if not n.startswith("__level_")]
    assert sorted(docs) == sorted(g.nodes)
    assert len(re.findall(r'<g id="edge\d+" class="edge">', s)) == N_EDGES  # the level chain is invisible
    texts = [html.unescape(t) for t in re.findall(r"<text[^>]*>(.*?)</text>", s)]
    assert ART_LABEL in texts  # quote, backslash, &, < survived
    assert "implements" in texts and "based_on" in texts
    # levels top-down: -Tplain gives y (origin bottom-left)
    plain = subprocess.run([dot, "-Tplain", str(out)], capture_output=True, timeout=60, text=True)
    assert plain.returncode == 0
    ys = {}
    for line in plain.stdout.splitlines():
        if line.startswith("node "):
            parts = line.split()
            ys[parts[1].strip('"')] = float(parts[3])
    order = [C35, P83, D12, H45, X07, ART]
    assert [ys[n] for n in order] == sorted((ys[n] for n in order), reverse=True)


# ----------------------------------------------------------------------------- mermaid


def test_mermaid_structure(g, tmp_path):
    out = tmp_path / "g.mmd"
    assert export_graph(g, "mermaid", out) == []
    lines = out.read_text(encoding="utf-8").splitlines()
    body = [line for line in lines if not line.startswith("%%")]
    assert body[0] == "flowchart TD"
    node_re = re.compile(r'^\s+(n_[A-Za-z0-9_]+)\["([^"]*)"\]$')
    nodes = [m.groups() for m in map(node_re.match, lines) if m]
    assert len(nodes) == N_NODES
    assert len({i for i, _ in nodes}) == N_NODES
    labels = dict(nodes)
    assert len([line for line in lines if line.strip().startswith("subgraph ")]) == len(LEVELS)
    assert len([line for line in lines if line.strip() == "end"]) == len(LEVELS)
    art = [lab for lab in labels.values() if lab.startswith("Bài viết")][0]
    assert art == "Bài viết #quot;Đại hội#quot; #35;1 #amp; #lt;b#gt; C:#92;tin#92;"
    for lab in labels.values():
        assert '"' not in lab and "<" not in lab and ">" not in lab
    edge_re = re.compile(r"^\s+(n_\w+) -->\|(\w+)\| (n_\w+)$")
    edges = [m.groups() for m in map(edge_re.match, lines) if m]
    assert len(edges) == N_EDGES
    ids = {i for i, _ in nodes}
    assert all(a in ids and b in ids for a, _, b in edges)
    assert {r for _, r, _ in edges} == {"implements", "based_on", "cites"}
    # ids containing only [A-Za-z0-9_] even for exotic document ids
    g2 = nx.MultiDiGraph()
    g2.add_node("end", label="end")
    g2.add_node("Chỉ thị 35/CT-TW", label="x")
    g2.add_edge("end", "Chỉ thị 35/CT-TW", key="cites", relation="cites")
    text, _ = ex.to_mermaid(g2)
    assert re.search(r"^\s+n_end\[", text, re.M) and re.search(r"^\s+n_Chi_thi_35_CT_TW\[", text, re.M)


def test_mermaid_warns_above_300_edges(tmp_path):
    g = nx.MultiDiGraph()
    g.add_node("hub", label="hub", level="central")
    for i in range(300):
        g.add_node(f"n{i}", label=f"n{i}", level="commune")
        g.add_edge(f"n{i}", "hub", key="implements", relation="implements")
    assert export_graph(g, "mermaid", tmp_path / "a.mmd") == []
    g.add_edge("n1", "hub", key="cites", relation="cites")
    w = export_graph(g, "mermaid", tmp_path / "b.mmd")
    assert len(w) == 1 and "301" in w[0]


# ----------------------------------------------------------------------------- html: tests/test_htmlview.py


DATA_RE = re.compile(r'<script type="application/json" id="docgraph-data">(.*?)</script>', re.S)


# ----------------------------------------------------------------------------- robustness


def test_atomic_writes_leave_no_temp_files(g, tmp_path, monkeypatch):
    for fmt in FORMATS:
        target = tmp_path / ("dir-" + fmt if fmt in ("csv", "neo4j") else "out." + fmt)
        export_graph(g, fmt, target)
        assert target.exists()
    _no_temp_files(tmp_path)
    # an existing file is replaced whole, never truncated in place
    target = tmp_path / "out.json"
    old_inode = target.stat().st_ino
    export_graph(g, "json", target)
    assert target.stat().st_ino != old_inode
    # a failing replace leaves neither a temp file nor a partial target
    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "replace", boom)
    with pytest.raises(ExportError):
        export_graph(g, "html", tmp_path / "new.html")
    with pytest.raises(ExportError):
        export_graph(g, "csv", tmp_path / "newdir")
    assert not (tmp_path / "new.html").exists()
    assert not list((tmp_path / "newdir").iterdir())
    _no_temp_files(tmp_path)


def test_hostile_strings_everywhere(tmp_path):
    g = nx.MultiDiGraph()
    bad = "a\x00b\x01c\x0bd\x1fe\ud800f\ufffeg\uffffh\x7fi\tj\r\nk"
    g.add_node("x", label=bad, level="central", title=bad, flags={"set"}, extra=("t", 1))
    g.add_node("y", label="y", level="weird-level", title=None)
    g.add_edge("y", "x", key="implements", relation="implements", evidence=bad, evidence_all=[{"text": bad}],
               flags=[bad])  # fmt: skip
    for fmt in FORMATS:
        export_graph(g, fmt, tmp_path / f"o-{fmt}")
    r = nx.read_graphml(tmp_path / "o-graphml")
    assert r.nodes["x"]["label"] == "abcdefgh\x7fi\tj\nk"  # XML parsers normalise \r\n
    nx.read_gexf(tmp_path / "o-gexf")
    json.loads((tmp_path / "o-json").read_text(encoding="utf-8"))
    export_graph(g, "graphml", tmp_path / "yed.graphml", yed=True)
    ET.parse(tmp_path / "yed.graphml")
    (block,) = DATA_RE.findall((tmp_path / "o-html").read_text(encoding="utf-8"))
    d = json.loads(block)
    assert {n["id"] for n in d["nodes"]} == {"x", "y"}


@pytest.mark.slow
def test_empty_graph_all_formats(tmp_path):
    g = nx.MultiDiGraph()
    for fmt in FORMATS:
        export_graph(g, fmt, tmp_path / f"e-{fmt}")
    assert nx.read_graphml(tmp_path / "e-graphml").number_of_nodes() == 0
    _, rows = _read_csv(tmp_path / "e-csv" / "nodes.csv")
    assert rows == []
    assert "flowchart TD" in (tmp_path / "e-mermaid").read_text(encoding="utf-8")
    dot = shutil.which("dot")
    if dot:
        assert subprocess.run([dot, "-Tsvg", str(tmp_path / "e-dot")], capture_output=True).returncode == 0


def test_neo4j_streamed_from_the_index_is_the_graphs_export_byte_for_byte(tmp_path, monkeypatch):
    """`export -f neo4j` reads the index row by row (flat memory on a national index): its files are those the
    graph gives, byte for byte, on the samples plus a generated folder."""
    from docgraph import index as ix
    from docgraph.export import write_neo4j_from_index
    from docgraph.graph import build_graph
    from docgraph.readers import OFFICE_GLOBS
    from docgraph.scan import scan

    root = Path(__file__).resolve().parent.parent
    shutil.copytree(root / "samples", tmp_path / "samples", ignore=shutil.ignore_patterns(*OFFICE_GLOBS))
    benchmark("generate").generate(str(tmp_path / "synthetic"), 60, seed=11)
    monkeypatch.chdir(tmp_path)
    conn = ix.connect(tmp_path / "i.db", create=True)
    scan(["samples", "synthetic"], conn, jobs=1)
    g = build_graph(conn)
    assert g.number_of_edges() > 100
    export_graph(g, "neo4j", str(tmp_path / "from_graph"))
    assert write_neo4j_from_index(conn, tmp_path / "streamed") == (g.number_of_nodes(), g.number_of_edges())
    for name in ("nodes.csv", "relationships.csv"):
        assert (tmp_path / "streamed" / name).read_bytes() == (tmp_path / "from_graph" / name).read_bytes(), name


# ----------------------------------------------------------------------------- the package: registry, assets, writing


def test_registry_lists_every_format_once_with_how_it_writes():
    from docgraph.export import REGISTRY, get_format

    table = [(f.name, f.folder, f.streams) for f in REGISTRY.values()]
    assert table == [
        ("graphml", False, False), ("gexf", False, False), ("json", False, False), ("csv", True, False),
        ("dot", False, False), ("mermaid", False, False), ("html", False, False), ("neo4j", True, True),
    ]  # fmt: skip
    assert ex.DIRECTORY_FORMATS == ("csv", "neo4j")
    assert get_format(" HTML ") is REGISTRY["html"]
    with pytest.raises(ExportError, match="choose one of graphml, gexf"):
        get_format("xlsx")
    with pytest.raises(ExportError, match="not streamed"):
        REGISTRY["json"].write_from_index


def test_every_registry_entry_renders_what_its_pure_function_gives(g):
    """The registry's functions are the formats' renderers: a file format gives text/bytes, a folder format
    {file name: text}, the same as the pure function of that format."""
    from docgraph.export import REGISTRY

    pure = {
        "graphml": lambda: ex.to_graphml(g), "gexf": lambda: ex.to_gexf(g), "json": lambda: ex.to_json(g),
        "csv": lambda: ex.csv_tables(g), "dot": lambda: ex.to_dot(g), "mermaid": lambda: ex.to_mermaid(g)[0],
        "html": lambda: ex.to_html(g), "neo4j": lambda: ex.neo4j_tables(g),
    }  # fmt: skip
    assert set(pure) == set(REGISTRY)
    for name, spec in REGISTRY.items():
        data, warnings = spec.render(g, yed=False, title="docgraph")
        assert data == pure[name](), name
        if spec.folder:
            assert sorted(data) == (["edges.csv", "nodes.csv"] if name == "csv" else ["nodes.csv", "relationships.csv"])
        else:
            assert isinstance(data, (str, bytes)) and data
        assert isinstance(warnings, list)


def _second_call_fails(monkeypatch, owner, name: str, error: OSError, counts=lambda *args: True) -> None:
    """``owner.name`` raises ``error`` at its second call that ``counts``; the other calls go through."""
    real = getattr(owner, name)
    calls = []

    def fake(*args):
        if counts(*args):
            calls.append(args)
            if len(calls) == 2:
                raise error
        return real(*args)

    monkeypatch.setattr(owner, name, fake)


@pytest.mark.parametrize("step", ["write", "rename"])
def test_a_folder_export_is_replaced_whole_or_not_at_all(g, tmp_path, monkeypatch, step):
    """The files of one folder export are renamed into place only once all are written: a failure while writing
    the second leaves the previous export as it was, and no temporary file; so does a failure while renaming the
    second into place (the first, already renamed, is put back)."""
    out = tmp_path / "csv"
    export_graph(g, "csv", out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    if step == "write":
        _second_call_fails(monkeypatch, atomic, "_write", OSError("disk full"))
        message = "cannot write csv export"
    else:
        _second_call_fails(monkeypatch, atomic.os, "replace", OSError(5, "Input/output error"),
                           counts=lambda src, dst: str(src).endswith(".tmp"))
        message = "Input/output error"
    g.add_node("new-doc", label="Kế hoạch mới", level="commune")
    with pytest.raises(ExportError, match=message):
        export_graph(g, "csv", out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    _no_temp_files(out)


@pytest.mark.slow
def test_importing_the_package_loads_no_format():
    """The CLI reads the registry for its help text: that must not import networkx or any format module."""
    code = ("import sys, docgraph.export as e; assert e.FORMATS[0] == 'graphml';"
            "print(sorted(m for m in sys.modules if m.startswith(('networkx', 'docgraph.export.'))))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "['docgraph.export.registry']"
