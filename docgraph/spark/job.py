"""``docgraph extract PATH... --engine spark --db postgresql://...``: one run, from the driver.

1. plan (driver): list the files as the default engine does and compare them with what the index holds;
2. extract (executors): read and match the files to read, each task staging its rows in PostgreSQL;
3. publish the files (driver, one transaction): the re-read and gone files' rows replaced by the staged ones;
4. resolve (executors): the index's files, mentions and raw relations read back in ranges of file ids, documents
   and edges resolved as DataFrames (``resolve.py``) and staged;
5. publish the graph (driver, one transaction).

A run with nothing to read and an index already resolved starts no Spark at all. A file whose mtime changed but
whose content did not is read (to hash it) and keeps its rows, as with the default engine.
"""

from __future__ import annotations

import functools
import json
from typing import Any, Callable, Sequence

from ..index import counts as index_counts
from ..index import get_meta
from ..limits import Limits
from ..scan import ScanSummary, given_province, rules_fingerprint
from ..skips import Skip, SkipCode, code_of
from ..store import pgstage
from ..store.postgres import ROWID_TABLES, PgIndex, connect, sqlite_columns
from .plan import Plan, Todo, plan

TODO_SCHEMA = ("file_id long, abspath string, path string, doc_path string, old_sha string, size long,"
               " mtime_ns long, province string")
FILE_COLS = ("id", "path", "skipped", "kind", "own_id", "own_base", "own_year", "own_jurisdiction", "header")
FILES_PER_TASK = 256  # files handed to one extraction task (at least two tasks per core)
FILES_PER_READ = 5000  # files whose rows one task reads back from the index


def extract(paths: Sequence[str], url: str, *, master: str | None = None, rules_dir: str | None = None,
            globs: Sequence[str] | None = None, exclude: Sequence[str] = (), limits: Limits | None = None,
            province: str | None = None, spark: Any = None, stage: Callable[[str], None] | None = None,
            spark_conf: dict[str, str] | None = None) -> ScanSummary:
    """Extract ``paths`` into the PostgreSQL index ``url`` on Spark (``spark``, else a session on ``master``) and
    resolve its documents and edges; the same index ``scan.scan`` makes in SQLite."""
    from ..engine import get_engine
    from ..rules import rule_files

    pg = connect(url, create=True)
    try:
        pgstage.run_lock(pg)
        fingerprint = rules_fingerprint([str(f) for f in rule_files(rules_dir)])
        old_rules = get_meta(pg, "rules")
        if old_rules != fingerprint:
            get_engine(rules_dir)  # rules not used on this index before: fail early, on the driver, if broken
        known, defaults, next_id = pgstage.file_state(pg)
        if old_rules not in (None, fingerprint):
            known = {}  # files indexed with other rules are read again
        folders = json.loads(get_meta(pg, "province_defaults") or "{}")
        if province is not None:  # kept with the folders given, as the default engine keeps it
            folders = given_province(folders, paths, province)
            with pg:
                pg.execute("INSERT INTO meta VALUES ('province_defaults', ?) ON CONFLICT (key)"
                           " DO UPDATE SET value = EXCLUDED.value",
                           (json.dumps(folders, ensure_ascii=False, sort_keys=True),))
        p = plan(paths, known, defaults, next_id, globs=globs, exclude=exclude, province=province, folders=folders)
        summary = p.summary
        unresolved = get_meta(pg, "resolved") != "yes"
        if p.todo or p.gone or unresolved:
            if spark is None:
                from .session import get_session

                spark = get_session(master, conf=spark_conf)
            pgstage.create_stages(pg)
            try:
                if stage:
                    stage("extract")
                results = _extract(spark, url, p.todo, rules_dir, limits) if p.todo else []
                touched = _account(p, results)
                replaced = [r[0] for r in results if r[1] == "read"] + p.gone
                pgstage.publish_files(pg, replaced, touched, fingerprint)
                summary.removed = len(p.gone)
                if summary.read or summary.removed or unresolved:
                    if stage:
                        stage("resolve")
                    _resolve(spark, url, pg, get_engine(rules_dir).lexicon.district_level_end)
                    pgstage.publish_graph(pg)
            finally:
                pgstage.drop_stages(pg)
        elif old_rules != fingerprint:
            with pg:
                pg.execute("INSERT INTO meta VALUES ('rules', ?) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                           (fingerprint,))
        n = index_counts(pg)
        summary.documents, summary.relations, summary.ambiguous = n["documents"], n["edges"], n["ambiguous"]
        summary.mentions = pg.execute("SELECT COUNT(*) FROM mentions WHERE own=0").fetchone()[0]
        return summary
    finally:
        pg.close()


def _extract(spark: Any, url: str, todo: list[Todo], rules_dir: str | None,
             lim: Limits | None) -> list[tuple[str, str, str | None]]:
    """Read and match ``todo`` on the executors; (path, "read" or "touch", skip reason) per file."""
    from .tasks import RESULT_COLS, extract_partition

    sc = spark.sparkContext
    slices = max(1, min(len(todo), max(sc.defaultParallelism * 2, -(-len(todo) // FILES_PER_TASK))))
    df = spark.createDataFrame(sc.parallelize([tuple(_fields(t)) for t in todo], slices), TODO_SCHEMA)
    schema = ", ".join(f"{c} {t}" for c, t in RESULT_COLS)
    rows = df.mapInArrow(functools.partial(extract_partition, url, rules_dir, lim), schema).collect()
    # a skip reason crosses the executors as text and code: a Skip again here, as the default engine's
    return [(r["path"], r["status"], Skip(r["skipped"], SkipCode(r["code"])) if r["skipped"] else None)
            for r in rows]


def _fields(t: Todo) -> tuple:
    return (t.file_id, t.abspath, t.path, t.doc_path, t.old_sha, t.size, t.mtime_ns, t.province)


def _account(p: Plan, results: list[tuple[str, str, str | None]]) -> list[tuple[str, int, int]]:
    """Count the files read in the summary (skip reasons in listing order); the touched files (path, size,
    mtime_ns) to update."""
    summary = p.summary
    by_path = {t.path: t for t in p.todo}
    touched = []
    skipped = []
    for path, status, reason in results:
        if status == "touch":
            summary.unchanged += 1
            touched.append((path, by_path[path].size, by_path[path].mtime_ns))
            continue
        summary.read += 1
        if reason:
            skipped.append((path, reason))
    for path, reason in sorted(skipped, key=lambda x: p.order[x[0]]):
        summary.skipped.append((path, reason))
        if not code_of(reason).benign:
            summary.unreadable.append((path, reason))
    return touched


def read_table(spark: Any, url: str, table: str, names: Sequence[str] | None, key: str, lo: int, hi: int,
               parts: int) -> Any:
    """The index's ``table`` (columns ``names``, default all) as a DataFrame, read by the executors in ``parts``
    ranges of ``key`` between ``lo`` and ``hi`` (inclusive)."""
    from .tasks import read_ranges

    types = dict(sqlite_columns()[table]) | ({"rowid": "INTEGER"} if table in ROWID_TABLES else {})
    cols = [(c, "long" if types[c] == "INTEGER" else "string") for c in (names or types)]
    step = max(1, -(-(hi - lo + 1) // parts))
    bounds = [(a, a + step) for a in range(lo, hi + 1, step)] or [(0, 1)]
    ranges = spark.createDataFrame(spark.sparkContext.parallelize(bounds, len(bounds)), "lo long, hi long")
    schema = ", ".join(f"`{c}` {t}" for c, t in cols)
    return ranges.mapInArrow(functools.partial(read_ranges, url, table, cols, key), schema)


def _resolve(spark: Any, url: str, pg: PgIndex, district_end: str) -> None:
    """Resolve the published index on the executors and stage the documents, edges and mention updates."""
    from ..index import DOC_FIELDS
    from .resolve import resolve
    from .tasks import stage_rows

    lo, hi, n = pg.execute("SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0), COUNT(*) FROM files").fetchone()
    # ranges of a few thousand files (a task's start costs more than reading them), at most two per core
    parts = max(1, min(spark.sparkContext.defaultParallelism * 2, -(-n // FILES_PER_READ)))
    mention_cols = ("id", "file_id", "idx", "own", "rule", "key_base", "key_year", "key_jurisdiction", "key_level",
                    "doc", "ambiguous", *DOC_FIELDS)
    files = read_table(spark, url, "files", FILE_COLS, "id", lo, hi, parts)
    mentions = read_table(spark, url, "mentions", mention_cols, "file_id", lo, hi, parts)
    relations = read_table(spark, url, "raw_relations", None, "file_id", lo, hi, parts)
    from pyspark import StorageLevel

    cached = [df.persist(StorageLevel.MEMORY_AND_DISK) for df in (files, mentions, relations)]
    try:
        documents, edges, updates, more = resolve(*cached, district_end=district_end)
        cached += more
        for table, df in ((pgstage.stage("documents"), documents), (pgstage.stage("edges"), edges),
                          (pgstage.DOC_UPDATES, updates)):
            df.mapInArrow(functools.partial(stage_rows, url, table, df.columns), "rows long").collect()
    finally:
        for df in cached:
            df.unpersist()
