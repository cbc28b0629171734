"""The index in PostgreSQL: a finished SQLite index loaded with `docgraph load` answers every query and export with
the same bytes as the SQLite file, on a throwaway PostgreSQL server started for the session (tests/pg_server.py)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from cli_helpers import run
from docgraph import index as ix
from docgraph.store import is_url, open_index, shown
from docgraph.store.postgres import PgIndex, columns, pg_sql, redact

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("graphml", "gexf", "json", "csv", "dot", "mermaid", "html", "neo4j")


@pytest.mark.parametrize("sql, expected", [
    ("SELECT id FROM documents WHERE id=?", "SELECT id FROM documents WHERE id=%s"),
    ("SELECT id FROM documents WHERE id LIKE ? ORDER BY id", "SELECT id FROM documents WHERE id LIKE %s ORDER BY id"),
    ("SELECT COUNT(CASE WHEN doc LIKE '%-x' THEN 1 END) FROM mentions",
     "SELECT COUNT(CASE WHEN doc LIKE '%%-x' THEN 1 END) FROM mentions"),
    ("SELECT '?' , ? FROM meta", "SELECT '?' , %s FROM meta"),  # a ? inside a string literal stays
    ("SELECT 1 WHERE 'it''s?' = ?", "SELECT 1 WHERE 'it''s?' = %s"),
])
def test_sqlite_placeholders_become_psycopg_ones(sql, expected):
    assert pg_sql(sql) == expected


@pytest.mark.parametrize("url, expected", [
    ("postgresql://ana:s3cr:et@db.example/archive", "postgresql://ana@db.example/archive"),
    ("postgres://ana@db/archive", "postgres://ana@db/archive"),
    ("postgresql:///archive?host=/tmp/x", "postgresql:///archive?host=/tmp/x"),
])
def test_urls_are_printed_without_their_password(url, expected):
    assert redact(url) == expected
    assert shown(url) == expected
    assert is_url(url)
    assert not is_url("docgraph.db") and not is_url(None)


def test_tables_are_sqlites_with_the_rowid_where_the_graph_is_read_in_its_order():
    mem = ix.connect(":memory:", create=True)
    for t in ("files", "mentions", "meta"):
        assert columns(t) == [r[1] for r in mem.execute(f"PRAGMA table_info({t})")]
    for t in ("documents", "edges", "raw_relations"):
        assert columns(t) == [r[1] for r in mem.execute(f"PRAGMA table_info({t})")] + ["rowid"]


def _outputs(db: str, folder: Path) -> dict[str, bytes]:
    """Every query answer (tables and --json) and every export for the most cited documents of the index ``db``,
    each as the bytes it printed or wrote (exports go to files under ``folder``)."""
    conn = open_index(db)
    top = [r[0] for r in conn.execute(
        "SELECT target FROM edges GROUP BY target ORDER BY COUNT(*) DESC, target LIMIT 4")]
    levels = {r[0] for r in conn.execute("SELECT level FROM documents")}
    conn.close()
    out: dict[str, bytes] = {}

    def cli(name: str, *args: str) -> None:
        r = run(*args, "--db", db)
        out[name] = r.output_bytes + f"\n[exit {r.exit_code}]".encode()  # stdout and stderr

    for i, doc in enumerate(top):
        for cmd in (["implementers", doc, "--json"], ["implementers", doc], ["implementers", doc, "--all", "--json"],
                    ["chain", doc, "--json"], ["chain", doc], ["show", doc, "--json"], ["show", doc],
                    ["timeline", doc, "--json"], ["timeline", doc], ["export", "-f", "html", "--from", doc],
                    ["export", "-f", "graphml", "--from", doc]):
            cli(f"{i} {' '.join(cmd[:1] + cmd[2:])}", *cmd)
        for level in ("provincial", "department", "district", "commune"):
            cli(f"{i} gaps {level}", "gaps", doc, "--level", level, "--json")
        cli(f"{i} gaps table", "gaps", doc, "--level", "district")
    for cmd in (["stats", "--json"], ["stats"], ["missing", "--json", "--limit", "0"], ["missing"],
                ["find", "--search", "kế hoạch", "--json"], ["find", "35-CT/TW", "--json"], ["find", "83-KH/TU"],
                ["implementers", "83-KH/TU"], ["implementers", "Chỉ thị 35-CT/TW", "--json"],
                ["show", "Chỉ thị 35-CT/TW", "--json"], ["gaps", "Chỉ thị 35-CT/TW", "--level", "provincial", "--json"],
                ["gaps", "Chỉ thị 35-CT/TW"], ["gaps", "83-kh-tu-2024-bac-giang"],
                ["timeline", "--search", "đội ngũ trí thức", "--json"], ["implementers", "no-such-document"]):
        cli(" ".join(cmd), *cmd)
    for fmt in FORMATS:
        target = folder / f"export-{fmt}"
        cli(f"export {fmt}", "export", "-f", fmt, "-o", str(target))
        files = sorted(target.rglob("*")) if target.is_dir() else [target]
        for f in files:
            out[f"file {f.relative_to(folder)}"] = f.read_bytes()
    cli("export yed", "export", "-f", "graphml", "--yed")
    assert len(levels) > 1
    return out


def _assert_same(a: dict[str, bytes], b: dict[str, bytes], db_a: str, db_b: str) -> None:
    assert a.keys() == b.keys()
    for k in a:
        if k.startswith("export ") and "wrote" in a[k].decode("utf-8", "replace"):
            continue  # "wrote graphml (30 nodes, 34 edges) to PATH": compared through the files themselves
        assert a[k] == b[k], k


@pytest.mark.slow
def test_every_query_and_export_gives_the_same_bytes_on_both_stores(tmp_path, monkeypatch, pg_url):
    shutil.copytree(ROOT / "samples", tmp_path / "samples")  # with the office samples: the test extra reads them
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DOCGRAPH_DB", raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    r = run("extract", "samples", "--db", "x.db", "-q", "--jobs", "1")
    assert r.exit_code == 0, r.output
    r = run("load", "x.db", "--db", pg_url)
    assert r.exit_code == 0, r.output
    assert "loaded 30 documents, 34 edges and 17 files" in r.output

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    lite = _outputs("x.db", tmp_path / "a")
    pg = _outputs(pg_url, tmp_path / "b")
    _assert_same(lite, pg, "x.db", pg_url)
    # the answers are real ones, not two empty outputs
    assert lite["implementers Chỉ thị 35-CT/TW --json"].count(b'"doc": ') == 8
    assert b"83-kh-tu-2024-bac-giang" in lite["implementers Chỉ thị 35-CT/TW --json"]
    assert b"[exit 4]" in lite["implementers no-such-document"]
    assert b"matches 2 documents" in lite["implementers 83-KH/TU"]
    assert len(lite["file export-graphml"]) > 10_000

    # the index in PostgreSQL holds the same rows
    src = sqlite3.connect("x.db")
    pgi = open_index(pg_url)
    assert isinstance(pgi, PgIndex)
    for t in ("files", "mentions", "documents", "edges", "raw_relations"):
        cols = columns(t)
        sel = ", ".join(f'"{c}"' if c != "rowid" else "rowid" for c in cols)
        order = "rowid" if "rowid" in cols else "id"
        assert list(src.execute(f"SELECT {sel} FROM {t} ORDER BY {order}")) == \
            [tuple(r) for r in pgi.execute(f"SELECT {sel} FROM {t} ORDER BY {order}")], t


def test_library_reads_a_postgresql_index(work, pg_url):
    from docgraph import graph, query

    r = run("extract", "samples", "--db", "x.db", "-q", "--jobs", "1")
    assert r.exit_code == 0, r.output
    assert run("load", "x.db", "--db", pg_url).exit_code == 0
    lite, pg = ix.connect("x.db"), open_index(pg_url)
    assert list(ix.iter_documents(pg)) == list(ix.iter_documents(lite))
    assert list(ix.iter_relations(pg)) == list(ix.iter_relations(lite))
    a = graph.build_graph(lite)
    b = graph.build_graph(pg)
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    assert list(a.edges(keys=True, data=True)) == list(b.edges(keys=True, data=True))
    sub = graph.build_subgraph(pg, ["35-ct-tw-2024"], down=True, relations=query.CHAIN_RELATIONS, edge_attrs=False)
    assert [r["doc"] for r in query.implementers(sub, "35-ct-tw-2024")][:2] == [
        "83-kh-tu-2024-bac-giang", "120-kh-ubnd-2024-bac-giang"]
    assert query.missing(pg) == query.missing(lite)
    assert query.stats(pg) == query.stats(lite)


def test_loading_again_replaces_the_index(work, pg_url):
    assert run("extract", "samples", "--db", "x.db", "-q", "--jobs", "1").exit_code == 0
    assert run("load", "x.db", "--db", pg_url).exit_code == 0
    for p in sorted((work / "samples").glob("0[3-9]*")):
        p.unlink()
    assert run("extract", "samples", "--db", "x.db", "-q", "--jobs", "1").exit_code == 0
    r = run("load", "x.db", "--db", pg_url)
    assert r.exit_code == 0, r.output
    a = run("stats", "--json", "--db", "x.db").stdout
    assert run("stats", "--json", "--db", pg_url).stdout == a
    assert '"files": 7' in a  # 14 text samples, 03 to 09 deleted


def test_store_errors_are_one_line(work, pg_server, pg_url, monkeypatch):
    # a database without an index: every query says what to do
    r = run("stats", "--db", pg_url)
    assert r.exit_code == 2
    assert r.output.strip().count("\n") == 0
    assert "holds no docgraph index" in r.output and "docgraph load" in r.output
    # a server that is not there, with a password that must not be printed
    bad = "postgresql://ana:hunter2@/nowhere?host=/nonexistent-docgraph-socket"
    r = run("implementers", "35-CT/TW", "--db", bad)
    assert r.exit_code == 2 and r.output.startswith("error: cannot open postgresql://ana@/nowhere")
    assert "hunter2" not in r.output and "Traceback" not in r.output
    # $DOCGRAPH_DB may be a URL too
    monkeypatch.setenv("DOCGRAPH_DB", bad)
    r = run("stats")
    assert r.exit_code == 2 and "cannot open postgresql://ana@/nowhere" in r.output
    monkeypatch.delenv("DOCGRAPH_DB")
    # the default engine writes SQLite; load takes an SQLite index and a URL
    r = run("extract", "samples", "--db", pg_url)
    assert r.exit_code == 2 and "docgraph load" in r.output and "--engine spark" in r.output
    r = run("load", "nothing.db", "--db", pg_url)
    assert r.exit_code == 2 and "no index at nothing.db" in r.output
    assert run("extract", "samples", "--db", "x.db", "-q", "--jobs", "1").exit_code == 0
    r = run("load", "x.db", "--db", "other.db")
    assert r.exit_code == 2 and "postgresql:// URL" in r.output
    # a database holding other tables is not taken for an index
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as c:
        c.execute("CREATE TABLE edges (a int)")
    r = run("stats", "--db", pg_url)
    assert r.exit_code == 2 and "not a docgraph index" in r.output


def test_the_readmes_read_only_role_queries_and_cannot_load(work, pg_server):
    """The README's SQL for analysts, run as written: its role answers queries and cannot replace the index."""
    import psycopg

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    part = readme[readme.index("Analysts get a read-only role"):]
    sql = part[part.index("```sql\n") + 7:part.index("\n```", part.index("```sql\n"))]
    assert "GRANT SELECT" in sql and "CREATE ROLE ana LOGIN" in sql
    owner = pg_server.create_database("archive")
    assert run("extract", "samples", "--db", "x.db", "-q", "--jobs", "1").exit_code == 0
    with psycopg.connect(pg_server.url(), autocommit=True) as c:
        c.execute("DROP ROLE IF EXISTS ana")
        c.execute("DROP ROLE IF EXISTS analysts")
    with psycopg.connect(owner, autocommit=True) as c:
        for statement in sql.split(";"):
            if statement.strip():
                c.execute(statement)
    assert run("load", "x.db", "--db", owner).exit_code == 0  # the owner loads after the grants: default privileges
    ana = owner.replace(f"{pg_server.user}@", "ana:change%20me@")
    r = run("implementers", "Chỉ thị 35-CT/TW", "--json", "--db", ana)
    assert r.exit_code == 0, r.output
    assert r.stdout == run("implementers", "Chỉ thị 35-CT/TW", "--json", "--db", "x.db").stdout
    r = run("load", "x.db", "--db", ana)
    assert r.exit_code == 2, r.output
    assert r.output.startswith("error: cannot write postgresql://ana@/archive") and "permission denied" in r.output
    assert "change" not in r.output
