"""The graph built from samples/ matches samples/README.md, document by document and edge by edge."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from docgraph import index as ix
from docgraph.graph import build_graph
from docgraph.query import implementers
from docgraph.readers import OFFICE_GLOBS
from docgraph.scan import scan
from samples_readme import readme_table

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="module")
def graph(tmp_path_factory, monkeypatch_module):
    work = tmp_path_factory.mktemp("samples")
    shutil.copytree(SAMPLES, work / "samples", ignore=shutil.ignore_patterns(*OFFICE_GLOBS))
    monkeypatch_module.chdir(work)
    conn = ix.connect(work / "s.db", create=True)
    scan(["samples"], conn, jobs=1)
    g = build_graph(conn)
    yield g
    conn.close()


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def test_expected_edges_exactly(graph):
    expected = {(s, r, t) for s, r, t, *_ in readme_table("Expected edges")}
    assert len(expected) >= 25
    got = {(u, d["relation"], v) for u, v, d in graph.edges(data=True)}
    missing = sorted(expected - got)
    extra = sorted(got - expected)
    assert not missing and not extra, f"missing: {missing}\nextra: {extra}"


def test_edge_evidence_points_at_the_file(graph):
    expected = {(s, r, t): found for s, r, t, found in readme_table("Expected edges")}
    for (s, r, t), found in expected.items():
        data = graph.get_edge_data(s, t)[r]
        files = {Path(e["file"]).name for e in data["evidence_all"]}
        assert files == {f.strip() for f in found.split(",")}, (s, r, t)
        assert all(e["text"] and e["line"] > 0 for e in data["evidence_all"])


def test_expected_documents(graph):
    rows = readme_table("Expected documents")
    assert len(rows) >= 20
    for doc_id, level, jurisdiction, *_ in rows:
        assert doc_id in graph, doc_id
        node = graph.nodes[doc_id]
        assert node["level"] == level, (doc_id, node["level"])
        assert node["jurisdiction"] == jurisdiction, (doc_id, node["jurisdiction"])
    assert set(graph.nodes) == {r[0] for r in rows}


def test_two_provinces_share_a_number_but_not_a_node(graph):
    assert "83-kh-tu-2024-bac-giang" in graph and "83-kh-tu-2024-khanh-hoa" in graph
    assert graph.nodes["83-kh-tu-2024-bac-giang"]["date"] != graph.nodes["83-kh-tu-2024-khanh-hoa"]["date"]


def test_implementers_of_the_central_directive(graph):
    rows = implementers(graph, "35-ct-tw-2024")
    got = {r["doc"] for r in rows}
    assert got == {
        "83-kh-tu-2024-bac-giang", "120-kh-ubnd-2024-bac-giang", "15-kh-snv-2024-bac-giang",
        "210-kh-sgddt-2024-bac-giang", "45-kh-hu-2024-bac-giang-lang-giang",
        "file-07-bac-giang-lang-giang-ubnd-du-thao-txt", "2417-stc-hcsn-2024-bac-giang",
    }
    assert not any("khanh-hoa" in d for d in got)
    by = {r["doc"]: r for r in rows}
    assert by["83-kh-tu-2024-bac-giang"]["depth"] == 1
    assert by["file-07-bac-giang-lang-giang-ubnd-du-thao-txt"]["depth"] == 2  # draft -> 45-KH/HU -> 35-CT/TW
    assert by["83-kh-tu-2024-bac-giang"]["lag_days"] == 32
