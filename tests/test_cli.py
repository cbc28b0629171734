"""The CLI contract: commands, flags, JSON shapes, exit codes, errors without tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from cli_helpers import extracted, run

ROOT = Path(__file__).resolve().parent.parent


def test_extract_summary_and_default_db(work):
    r = extracted(work)
    assert (work / "docgraph.db").exists()
    assert "files" in r.stdout and "documents" in r.stdout and "relations" in r.stdout
    assert "14" in r.stdout  # 14 sample files (README.md is excluded by samples/.docgraphignore)


def test_extract_rerun_does_not_duplicate(indexed):
    first = json.loads(run("stats", "--json").stdout)
    r = run("extract", "samples", "--json", "-q")
    assert json.loads(r.stdout)["unchanged"] == 14
    assert json.loads(run("stats", "--json").stdout) == first


def test_db_from_environment(work, monkeypatch):
    monkeypatch.setenv("DOCGRAPH_DB", str(work / "env.db"))
    extracted(work)
    assert (work / "env.db").exists() and not (work / "docgraph.db").exists()


def test_jsonl_contract(work):
    r = run("extract", "samples", "--jsonl", "-q")
    assert r.exit_code == 0
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert rows, "no mentions"
    keys = {"file", "line", "start", "end", "text", "type", "number", "symbol", "year", "date", "issuer", "level",
            "doc", "own"}
    assert all(keys <= set(row) for row in rows)
    # offsets slice the file's text exactly
    for row in rows[:40]:
        text = Path(row["file"]).read_text(encoding="utf-8")
        assert text[row["start"]:row["end"]] == row["text"]
    own = [x for x in rows if x["own"]]
    assert {x["doc"] for x in own} >= {"35-ct-tw-2024", "83-kh-tu-2024-bac-giang", "83-kh-tu-2024-khanh-hoa"}
    ct35 = next(x for x in rows if x["symbol"] == "CT/TW" and not x["own"])
    assert ct35["number"] == "35" and ct35["year"] == 2024 and ct35["date"] == "2024-06-14"
    assert "\\u" not in r.stdout  # UTF-8, not escaped


def test_implementers_json_and_tree(indexed):
    r = run("implementers", "Chỉ thị số 35-CT/TW ngày 14/6/2024", "--json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    need = {"doc", "type", "number", "symbol", "year", "date", "issuer", "level", "jurisdiction", "source_file",
            "depth", "via"}
    assert all(need <= set(x) for x in rows)
    assert {x["doc"] for x in rows} >= {"83-kh-tu-2024-bac-giang", "45-kh-hu-2024-bac-giang-lang-giang"}
    r2 = run("implementers", "35-CT/TW", "--depth", "1", "--json")
    assert {x["depth"] for x in json.loads(r2.stdout)} == {1}
    tree = run("implementers", "Chỉ thị 35-CT/TW")
    assert tree.exit_code == 0 and "Kế hoạch 45-KH/HU" in tree.stdout


def test_ambiguous_query_lists_the_candidates(indexed):
    r = run("implementers", "83-KH/TU")
    assert r.exit_code == 2
    assert "83-kh-tu-2024-bac-giang" in r.stderr and "83-kh-tu-2024-khanh-hoa" in r.stderr
    # what tells them apart: date, how often cited, whether the file is in the folder
    import re

    assert re.search(r"83-kh-tu-2024-bac-giang \(Kế hoạch 83-KH/TU \(Bắc Giang\), 2024-07-16, cited [1-9]\d*×,"
                     r" in the folder\)", r.stderr.replace("\n", " ")), r.stderr
    r = run("implementers", "Kế hoạch số 83-KH/TU của Tỉnh ủy Khánh Hòa", "--json")
    assert r.exit_code == 0, r.output
    assert {x["doc"] for x in json.loads(r.stdout)} == {"95-kh-skhcn-2024-khanh-hoa"}


def test_chain_show_stats(indexed):
    r = run("chain", "Kế hoạch 15/KH-SNV", "--json")
    paths = json.loads(r.stdout)
    assert any([n["doc"] for n in p] == ["15-kh-snv-2024-bac-giang", "120-kh-ubnd-2024-bac-giang",
                                         "83-kh-tu-2024-bac-giang", "35-ct-tw-2024"] for p in paths)
    card = json.loads(run("show", "35-ct-tw-2024", "--json").stdout)
    assert card["source_file"].endswith("01_chi-thi-35-ct-tw.txt")
    assert any(e["relation"] == "implements" for e in card["in"])
    assert all(ev["file"] and ev["line"] and ev["text"] for e in card["in"] for ev in e["evidence"])
    human = run("show", "35-ct-tw-2024")
    assert human.exit_code == 0 and "mentioned in" in human.stdout
    s = json.loads(run("stats", "--json").stdout)
    assert s["files"] == 14 and s["by_relation"]["implements"] >= 10 and s["by_level"]["department"] >= 3


def test_unknown_document_exit_4(indexed):
    r = run("show", "Chỉ thị 99-CT/TW")
    assert r.exit_code == 4
    assert "no document matching" in r.stderr and "Traceback" not in r.output


def test_missing_index_is_a_clean_error(work):
    r = run("stats", "--db", "nope.db")
    assert r.exit_code == 2 and "no index at nope.db" in r.stderr


def test_export_graphml_and_json_open_in_networkx(indexed):
    assert run("export", "-f", "graphml", "-o", "g.graphml").exit_code == 0
    g = nx.read_graphml(indexed / "g.graphml")
    assert g.number_of_nodes() == 26
    xml = (indexed / "g.graphml").read_text(encoding="utf-8")
    assert 'id="d0"' not in xml and 'attr.name="label"' in xml
    r = run("export", "-f", "json")
    data = json.loads(r.stdout)
    assert "edges" in data and len(data["nodes"]) == 26


@pytest.mark.usefixtures("builtin_rules_parsed_once")
def test_broken_rules_file_is_exit_2_with_file_and_line(work):
    bad = work / "myrules"
    bad.mkdir()
    (bad / "bad.yaml").write_text("rules:\n  - id: x\n    layout: state\n    pattern: '(unclosed'\n", encoding="utf-8")
    r = run("extract", "samples", "--rules", str(bad))
    assert r.exit_code == 2
    assert "bad.yaml:4" in r.stderr and "'x'" in r.stderr and "Traceback" not in r.output
    (bad / "bad.yaml").write_text("rules:\n  - id: x\n    layout: state\n  pattern: 'a'\n   - b\n", encoding="utf-8")
    r = run("rules", "list", "--rules", str(bad))
    assert r.exit_code == 2 and "bad.yaml:" in r.stderr


@pytest.mark.usefixtures("builtin_rules_parsed_once")
def test_user_rules_override_builtin_by_name(work):
    mine = work / "mine"
    mine.mkdir()
    (mine / "extra.yaml").write_text(
        "rules:\n"
        "  - id: older\n"
        "    layout: older\n"
        "    enabled: false\n", encoding="utf-8")
    r = run("rules", "list", "--rules", str(mine), "--json")
    ids = {x["id"] for x in json.loads(r.stdout)}
    assert "older" not in ids and "party" in ids


def test_rules_test_passes():
    r = run("rules", "test")
    assert r.exit_code == 0, r.stdout
    assert " 0 failed" in r.stdout


def test_every_command_is_documented_in_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for cmd in ("extract", "implementers", "chain", "show", "stats", "export", "find", "missing", "gaps", "timeline", "rules list", "rules test"):
        assert f"docgraph {cmd}" in readme, cmd
        assert run(*cmd.split(), "--help").exit_code == 0


@pytest.mark.slow
def test_jsonl_pipes_cleanly_through_a_subprocess(work):
    """Progress and diagnostics go to stderr; stdout is JSON lines only."""
    p = subprocess.run([sys.executable, "-m", "docgraph", "extract", "samples", "--jsonl"], capture_output=True,
                       text=True, encoding="utf-8", env={**os.environ, "DOCGRAPH_DB": str(work / "p.db")})
    assert p.returncode == 0, p.stderr
    for line in p.stdout.splitlines():
        json.loads(line)


@pytest.mark.slow
def test_every_export_matches_the_index(indexed):
    """Each export of the samples index, read back by an independent reader, has the index's nodes and edges."""
    import csv
    import xml.etree.ElementTree as ET

    s = json.loads(run("stats", "--json").stdout)
    n_nodes, n_edges = s["documents"], s["edges"]
    for fmt, out in (("graphml", "g.graphml"), ("gexf", "g.gexf"), ("json", "g.json"), ("dot", "g.dot"),
                     ("mermaid", "g.mmd"), ("html", "g.html"), ("csv", "csvdir"), ("neo4j", "neo")):
        r = run("export", "-f", fmt, "-o", out)
        assert r.exit_code == 0, (fmt, r.output)
    g = nx.read_graphml(indexed / "g.graphml")
    assert (g.number_of_nodes(), g.number_of_edges()) == (n_nodes, n_edges)
    assert all(d.get("label") for _, d in g.nodes(data=True))
    gx = nx.read_gexf(indexed / "g.gexf")
    assert (gx.number_of_nodes(), gx.number_of_edges()) == (n_nodes, n_edges)
    data = json.loads((indexed / "g.json").read_text(encoding="utf-8"))
    assert (len(data["nodes"]), len(data["edges"])) == (n_nodes, n_edges)
    with open(indexed / "csvdir" / "nodes.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == n_nodes and {"Id", "Label"} <= set(rows[0])
    with open(indexed / "csvdir" / "edges.csv", encoding="utf-8-sig", newline="") as f:
        erows = list(csv.DictReader(f))
    assert len(erows) == n_edges and {"Source", "Target", "Type"} <= set(erows[0])
    by_rel = {}
    for e in erows:
        by_rel[e["Relation"]] = by_rel.get(e["Relation"], 0) + 1
    assert by_rel == s["by_relation"]
    with open(indexed / "neo" / "relationships.csv", encoding="utf-8", newline="") as f:
        assert len(list(csv.reader(f))) == n_edges + 1
    dot = subprocess.run(["dot", "-Tsvg", str(indexed / "g.dot")], capture_output=True, text=True)
    assert dot.returncode == 0
    svg = ET.fromstring(dot.stdout)
    ns = "{http://www.w3.org/2000/svg}"
    assert sum(1 for el in svg.iter(f"{ns}g") if el.get("class") == "node") >= n_nodes
    mmd = (indexed / "g.mmd").read_text(encoding="utf-8")
    assert "\nflowchart TD\n" in mmd and mmd.count("-->") + mmd.count("-.->") + mmd.count("==>") >= n_edges
    html = (indexed / "g.html").read_text(encoding="utf-8")
    assert "<script src=" not in html and "http://" not in html.split("docgraph-data")[0].replace("http://www.w3.org", "")


def test_missing_path_is_a_usage_error_and_creates_no_index(work):
    r = run("extract", "nothere", "samples")
    assert r.exit_code == 2 and "no such file or folder: nothere" in r.stderr
    assert not (work / "docgraph.db").exists()


def test_folder_without_matching_files_says_so(work):
    (work / "empty").mkdir()
    r = run("extract", "empty", "-q")
    assert r.exit_code == 0 and "no file matched" in r.stderr and "--glob" in r.stderr


# ---------------------------------------------------------------------------------------------------- --limit
PROVINCES = ("Bắc Giang", "Khánh Hòa", "Lạng Sơn", "Điện Biên", "Hải Dương", "Nghệ An", "Thanh Hóa", "Quảng Ninh",
             "Nam Định", "Thái Bình", "Hà Giang", "Cà Mau")


def _many_plans(work):
    """Chỉ thị 35-CT/TW and, implementing it, one provincial plan dated 1-12 August 2024 per province (12) and three
    undated district drafts: more rows than a --limit of 5 or 2 shows."""
    folder = work / "many"
    folder.mkdir()
    (folder / "ct35.txt").write_text((ROOT / "samples" / "01_chi-thi-35-ct-tw.txt").read_text(encoding="utf-8"),
                                     encoding="utf-8")
    for i, p in enumerate(PROVINCES):
        (folder / f"plan{i:02d}.txt").write_text(
            f"TỈNH ỦY {p.upper()}\n*\nSố {100 + i}-KH/TU\nĐẢNG CỘNG SẢN VIỆT NAM\n{p}, ngày {1 + i} tháng 8 năm 2024\n\n"
            f"KẾ HOẠCH\nthực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị\n\nThực hiện Chỉ thị số 35-CT/TW"
            f" ngày 14/6/2024 của Bộ Chính trị về đại hội đảng bộ các cấp, Ban Thường vụ Tỉnh ủy ban hành Kế hoạch"
            f" thực hiện như sau:\n", encoding="utf-8")
    for i in range(3):
        (folder / f"draft{i}.txt").write_text(
            f"ỦY BAN NHÂN DÂN\nHUYỆN SỐ {i}\n-------\nSố:      /KH-UBND\nĐộc lập - Tự do - Hạnh phúc\n\nDỰ THẢO\n\n"
            f"KẾ HOẠCH\nTriển khai số {i}\n\nThực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị, Ủy ban"
            f" nhân dân huyện ban hành Kế hoạch như sau:\n", encoding="utf-8")
    r = run("extract", "many", "--jobs", "1", "-q")
    assert r.exit_code == 0, r.output


def _table_rows(out: str) -> list[str]:
    """The first line of each body row of a rich table: its first cell is not blank (ids and dates never wrap)."""
    body = out.split("┡", 1)[1]
    return [line for line in body.splitlines() if line.startswith("│ ") and line[2] != " "]


def test_timeline_limit_shows_the_first_rows_and_says_how_many_more(work):
    _many_plans(work)
    tl = json.loads(run("timeline", "Chỉ thị 35-CT/TW", "--json", "--limit", "2").stdout)  # --json: all of them
    assert len(tl["rows"]) == 12 and len(tl["undated"]) == 3
    r = run("timeline", "Chỉ thị 35-CT/TW", "--limit", "5")
    assert r.exit_code == 0, r.output
    rows = _table_rows(r.stdout.split("median lag by level")[0])
    assert [line[2:12] for line in rows] == [f"2024-08-0{d}" for d in range(1, 6)]  # the earliest five, by date
    assert "12 dated implementing document(s), by date" in r.stdout
    assert "… and 7 more dated document(s)" in r.stdout
    assert sum(1 for line in r.stdout.splitlines() if "█" in line) == 5  # a bar per shown document
    assert "│ all        │        12 │" in r.stdout  # the medians cover every document
    assert "3 implementing document(s) without a date" in r.stdout
    assert r.stdout.count("[file-draft") == 3 and "more document(s) without a date" not in r.stdout
    short = run("timeline", "-n", "2", "Chỉ thị 35-CT/TW").stdout
    assert short.count("[file-draft") == 2 and "… and 1 more document(s) without a date" in short
    full = run("timeline", "Chỉ thị 35-CT/TW", "--limit", "0")
    assert len(_table_rows(full.stdout.split("median lag by level")[0])) == 12 and "more dated" not in full.stdout
    assert full.stdout.count("[file-draft") == 3
    default = run("timeline", "Chỉ thị 35-CT/TW").stdout  # 100 by default: all 15 here
    assert len(_table_rows(default.split("median lag by level")[0])) == 12 and "… and" not in default


def test_find_limit_shows_the_first_rows_and_says_how_many_more(work):
    _many_plans(work)
    ids = [x["id"] for x in json.loads(run("find", "--search", "Kế hoạch", "--json", "--limit", "3").stdout)]
    # 12 plans and 3 drafts, and the directive: the subject the plans record for it runs on to "... ban hành Kế
    # hoạch"; by id; --json has them all
    assert len(ids) == 16 and ids == sorted(ids) and "35-ct-tw-2024" in ids
    r = run("find", "--search", "Kế hoạch", "--limit", "3")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("16 document(s) matching 'Kế hoạch'")
    cells = [line.split("│")[1].strip() for line in _table_rows(r.stdout)]
    assert cells == ids[:3], (cells, ids[:3])  # whole: an id is what the other commands take, never cut with "…"
    assert "… and 13 more document(s) (--limit 0 shows them all, --json lists them all)" in r.stdout
    full = run("find", "--search", "Kế hoạch", "--limit", "0")
    assert len(_table_rows(full.stdout)) == 16 and "more document(s)" not in full.stdout
    assert len(_table_rows(run("find", "--search", "Kế hoạch").stdout)) == 16  # 100 by default
    one = run("find", "35-CT/TW", "-n", "1")
    assert len(_table_rows(one.stdout)) == 1 and "more" not in one.stdout


def test_negative_limit_is_one_error_line_and_exit_2(work):
    _many_plans(work)
    for args in (("find", "35-CT/TW"), ("find", "--search", "Kế hoạch"), ("timeline", "35-CT/TW"),
                 ("implementers", "35-CT/TW"), ("show", "35-CT/TW")):
        r = run(*args, "--limit", "-1")
        assert r.exit_code == 2, args
        assert r.stderr == "error: --limit must be 0 (all) or more\n" and r.stdout == "", args


# ---------------------------------------------------------------------------------------------------- --json layout
def test_json_text_is_json_dumps_but_for_whitespace():
    """render.json_text (every command's --json) holds what json.dumps(indent=2) holds, key order included."""
    from docgraph.render import json_text

    for data in ([], {}, [1, 2], {"a": 1}, "ệ", None, 2.5, [float("nan")], [[[]]], [[{}]],
                 [{"doc": "a", "n": 1, "x": None, "ok": True}, {"doc": "b", "lines": [1, 2], "t": ("u", 3)}],
                 {"z": {"y": 1}, "a": [], "w": [[1], [2]], 1: 2, None: 3, 2.5: [{}], False: {"k": [{"q": 'ệ\n"x'}]}},
                 {"path": Path("samples/a.txt"), "in": [{"evidence": [{"file": "f", "line": 1}], "flags": []}]}):
        text = json_text(data)
        assert json.dumps(json.loads(text), ensure_ascii=False, indent=2) == json.dumps(
            data, ensure_ascii=False, indent=2, default=str), data
    assert json_text([{"a": 1}, {"b": [1, 2]}]) == '[\n  {"a": 1},\n  {"b": [1, 2]}\n]'
    assert json_text({"a": 1, "b": {"c": [{"d": 1}]}}) == '{\n  "a": 1,\n  "b": {\n    "c": [\n      {"d": 1}\n    ]\n  }\n}'
    assert json_text({"a": 1, "b": []}) == '{\n  "a": 1,\n  "b": []\n}' and json_text([]) == "[]"


def test_json_output_has_one_document_per_line(indexed):
    r = run("implementers", "Chỉ thị 35-CT/TW", "--json")
    lines = r.stdout.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and r.stdout.endswith("]\n")
    rows = [json.loads(line.strip().rstrip(",")) for line in lines[1:-1]]
    assert rows == json.loads(r.stdout) and len(rows) == 7 and all(line.startswith("  {") for line in lines[1:-1])
    card = run("show", "35-ct-tw-2024", "--json").stdout
    assert card.startswith('{\n  "label": "Chỉ thị 35-CT/TW (2024)",\n  "type": "Chỉ thị",\n')
    mentions = card.split('"mentions_list": [\n', 1)[1].split("\n  ]", 1)[0].splitlines()
    assert [json.loads(m.strip().rstrip(",")) for m in mentions] == json.loads(card)["mentions_list"]
    stats = run("stats", "--json").stdout
    assert '\n  "by_level": {"central": ' in stats and "\\u" not in stats  # UTF-8 as written


@pytest.mark.slow
def test_usage_errors_are_one_line_with_exit_2(indexed):
    """A bad value, a missing argument or option, an unknown option or command: one line on stderr, exit code 2
    (click alone would print the usage and a hint as well); `docgraph` alone still prints the help."""
    for args, message in ((["timeline", "35-CT/TW", "--limit", "abc"], "error: Invalid value for '--limit' / '-n': "),
                          (["show"], "error: Missing argument 'query'. (see 'docgraph show --help')"),
                          (["gaps", "35-CT/TW", "--level"], "error: Option '--level' requires an argument."),
                          (["find", "35-CT/TW", "--bogus"], "error: No such option: --bogus"),
                          (["nosuch"], "error: No such command 'nosuch'. (see 'docgraph --help')"),
                          (["find", "35-CT/TW", "-n", "-2"], "error: --limit must be 0 (all) or more")):
        p = subprocess.run([sys.executable, "-c", "import sys; from docgraph.cli import main; sys.argv[0] = 'docgraph';"
                            " main()", *args], capture_output=True, text=True, encoding="utf-8")
        assert p.returncode == 2, (args, p.stderr)
        assert p.stderr.startswith(message) and p.stderr.count("\n") == 1 and p.stdout == "", (args, p.stderr)
    for args, code in ((["show", "Chỉ thị 99-CT/TW"], 4), (["find", "35-CT/TW", "--json"], 0), (["--help"], 0), ([], 2)):
        p = subprocess.run([sys.executable, "-m", "docgraph", *args], capture_output=True, text=True, encoding="utf-8")
        assert p.returncode == code, (args, p.stderr)
    assert p.stderr.startswith("Usage: ") and "Commands:" in p.stderr  # `docgraph` alone: the help


def test_progress_shows_the_resolve_stage_after_the_files(monkeypatch):
    import io

    from rich.console import Console

    from docgraph import render

    buf = io.StringIO()
    monkeypatch.setattr(render, "err", Console(file=buf, force_terminal=True, width=100))
    with render.progress() as (tick, stage):
        for i in range(1, 4):
            tick(i, 3, f"f{i}.txt")
        stage("resolve")
    shown = buf.getvalue()
    assert "extracting" in shown
    assert "resolving documents and edges" in shown
    assert "0/?" not in shown  # a stage has no count


def test_progress_is_silent_off_a_terminal(monkeypatch):
    import io

    from rich.console import Console

    from docgraph import render

    buf = io.StringIO()
    monkeypatch.setattr(render, "err", Console(file=buf, force_terminal=False))
    with render.progress() as (tick, stage):
        tick(1, 1, "a.txt")
        stage("resolve")
    assert buf.getvalue() == ""


def test_find_table_keeps_every_id_whole_at_any_width(monkeypatch):
    """A narrow terminal folds a long id onto more lines of its cell; it never cuts it with "…"."""
    import io

    from rich.console import Console

    from docgraph import render

    rows = [{"id": "file-07-bac-giang-lang-giang-ubnd-du-thao-txt", "label": "Kế hoạch (dự thảo): Bảo đảm điều kiện",
             "date": None, "level": "district", "jurisdiction": "Bắc Giang / Lạng Giang",
             "source_file": "samples/07_bac-giang_lang-giang_ubnd_du-thao.txt"},
            {"id": "83-kh-tu-2024-bac-giang", "label": "Kế hoạch 83-KH/TU (Bắc Giang)", "date": "2024-07-16",
             "level": "provincial", "jurisdiction": "Bắc Giang", "source_file": "samples/02.txt"}]
    for width in (50, 80, 120):
        buf = io.StringIO()
        monkeypatch.setattr(render, "out", Console(file=buf, width=width, highlight=False))
        render.doc_table(rows, title="t")
        body = buf.getvalue().split("┡", 1)[1]
        cells = [line.split("│")[1].strip() for line in body.splitlines() if line.startswith("│")]
        assert "…" not in "".join(cells), width
        joined = "".join(cells)  # an id's folded lines, then the blank cells below it
        assert rows[0]["id"] + rows[1]["id"] == joined, (width, cells)
        if width >= 120:
            assert cells[0] == rows[0]["id"]  # room enough: one line


def test_find_says_a_document_only_cited_is_not_in_the_folder(monkeypatch):
    """An empty "source file" cell read as a missing value; a document known only from references says so."""
    import io

    from rich.console import Console

    from docgraph import render

    rows = [{"id": "1532-snv-tcbc-2024-bac-giang", "label": "Công văn 1532/SNV-TCBC (Bắc Giang)", "date": "2024-08-20",
             "level": "department", "source_file": None, "kind": "cited", "mentions": 3},
            {"id": "83-kh-tu-2024-bac-giang", "label": "Kế hoạch 83-KH/TU (Bắc Giang)", "date": "2024-07-16",
             "level": "provincial", "source_file": "plans/83.txt", "kind": "document", "mentions": 4}]
    buf = io.StringIO()
    monkeypatch.setattr(render, "out", Console(file=buf, width=160, highlight=False))
    render.doc_table(rows, title="t")
    lines = [x for x in buf.getvalue().splitlines() if x.startswith("│") and "-" in x.split("│")[1]]
    assert lines[0].split("│")[3].strip() == "not in the folder: cited 3×"
    assert lines[1].split("│")[3].strip() == "plans/83.txt"


def test_an_ambiguous_query_shows_which_candidate_is_only_cited(tmp_path, monkeypatch):
    # one source misdates a directive: two documents with the same number and symbol; the error says which one the
    # folder cites once and which it cites throughout
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d").mkdir()
    for i in range(3):
        (tmp_path / "d" / f"kh{i}.txt").write_text(
            f"TỈNH ỦY BẮC GIANG\nSố {10 + i}-KH/TU\nĐẢNG CỘNG SẢN VIỆT NAM\nBắc Giang, ngày 03 tháng 3 năm 2025\n\n"
            "KẾ HOẠCH\nvề chuyển đổi số\n\nThực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị.\n",
            encoding="utf-8")
    (tmp_path / "d" / "tin.txt").write_text(
        "Hội nghị quán triệt Nghị quyết số 57-NQ/TW ngày 10/8/2023 của Bộ Chính trị.\n", encoding="utf-8")
    assert run("extract", "d", "-q", "--jobs", "1").exit_code == 0
    r = run("implementers", "Nghị quyết 57-NQ/TW")
    assert r.exit_code == 2
    err = r.stderr.replace("\n", " ")
    assert "57-nq-tw-2023 (Nghị quyết 57-NQ/TW (2023), 2023-08-10, cited 1×, not in the folder)" in err, err
    assert "57-nq-tw-2024 (Nghị quyết 57-NQ/TW (2024), 2024-12-22, cited 3×, not in the folder)" in err, err


@pytest.mark.slow
def test_export_from_a_query_is_the_same_file_whatever_the_hash_seed(indexed):
    # the part of the graph --from keeps is listed in the index's order, not in a set's (which Python salts per run)
    outs = set()
    for seed in ("1", "2", "3"):
        p = subprocess.run([sys.executable, "-m", "docgraph", "export", "-f", "graphml", "--from", "Chỉ thị 35-CT/TW"],
                           capture_output=True, cwd=indexed, env={**os.environ, "PYTHONHASHSEED": seed}, timeout=120)
        assert p.returncode == 0, p.stderr
        outs.add(p.stdout)
    assert len(outs) == 1 and b"35-ct-tw-2024" in outs.pop()


def test_the_readme_library_example_runs(work):
    # the README's Library section, run as written on the samples
    text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = text.split("## Library", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    ns: dict = {}
    exec(compile(block, "README.md (Library)", "exec"), ns)  # noqa: S102 - our own documentation
    assert ns["rows"] and ns["docs"] and ns["edges"] and ns["todo"]
    assert {r["doc"] for r in ns["rows"]} >= {"83-kh-tu-2024-bac-giang", "120-kh-ubnd-2024-bac-giang"}
