"""What runs on the executors, one call per partition (``mapInArrow``): extracting files into staged rows, reading the
index's rows back in ranges of file ids, and staging the resolved documents, edges and mention updates. Each writes
to PostgreSQL itself (``store.pgstage.write_part``): rows never travel through the driver."""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Sequence

MENTION_ID_STRIDE = 10_000_000  # a mention's id: its file's id * stride + its index in the file


def _part() -> int:
    from pyspark import TaskContext

    return TaskContext.get().partitionId()


def _schema(cols: Sequence[tuple[str, str]]) -> Any:
    import pyarrow as pa

    return pa.schema([(c, pa.int64() if t == "long" else pa.string()) for c, t in cols])


RESULT_COLS = (("path", "string"), ("status", "string"), ("skipped", "string"), ("code", "string"))


def extract_partition(url: str, rules_dir: str | None, lim: Any, batches: Iterable[Any]) -> Iterator[Any]:
    """Read and match the partition's files (``plan.Todo`` rows) within the limits ``lim`` (None: those in force),
    and stage their files, mentions and raw relations
    rows; yield one result row per file: read (with its skip reason, if any) or touch (same content as indexed)."""
    import pyarrow as pa

    from ..index import FILE_ROW, MENTION_ROW, file_rows
    from ..limits import applied
    from ..pipeline import process_read
    from ..readers import read_file
    from ..skips import code_of
    from ..store.pgstage import stage, write_part
    from ..store.postgres import columns

    files: list[tuple] = []
    mentions: list[tuple] = []
    relations: list[tuple] = []
    out: list[dict] = []
    for batch in batches:
        for t in batch.to_pylist():
            with applied(lim):  # the per-file limits cover the reading, as in process_file
                r = read_file(t["abspath"])
                if t["old_sha"] and r.sha256 == t["old_sha"]:  # only the mtime changed
                    out.append({"path": t["path"], "status": "touch", "skipped": None, "code": None})
                    continue
                rows = file_rows(process_read(r, t["path"], rules_dir, t["doc_path"], t["province"]))
            fid = t["file_id"]
            files.append((fid, *rows.file))
            # the Mention's flags are bools (SQLite stores them as 1 and 0; PostgreSQL's BIGINT takes no "f")
            mentions.extend((fid * MENTION_ID_STRIDE + m[0], fid, *(int(v) if type(v) is bool else v for v in m), 0)
                            for m in rows.mentions)
            relations.extend((fid, *x, i) for i, x in enumerate(rows.relations))
            out.append({"path": t["path"], "status": "read", "skipped": rows.skipped,
                        "code": code_of(rows.skipped).value if rows.skipped else None})
    # columns named as FileRows orders its values (not the tables' order)
    tables = [(stage("files"), ["id", *FILE_ROW], files),
              (stage("mentions"), ["id", "file_id", *MENTION_ROW, "ambiguous"], mentions),
              (stage("raw_relations"), columns("raw_relations"), relations)]
    for name, cols, rows in tables:
        if rows and len(rows[0]) != len(cols):
            raise RuntimeError(f"{name}: rows of {len(rows[0])} values for {len(cols)} columns")
    write_part(url, _part(), tables)
    yield pa.RecordBatch.from_pylist(out, schema=_schema(RESULT_COLS))


def read_ranges(url: str, table: str, cols: Sequence[tuple[str, str]], key: str,
                batches: Iterable[Any]) -> Iterator[Any]:
    """The rows of ``table`` (columns ``cols``: name, "long" or "string") whose ``key`` lies in each [lo, hi) range
    of the partition, streamed from a server-side cursor in Arrow batches."""
    import psycopg
    import pyarrow as pa

    schema = _schema(cols)
    names = ", ".join(c if c == "rowid" else f'"{c}"' for c, _ in cols)
    with psycopg.connect(url) as conn:
        for batch in batches:
            for lo, hi in zip(batch.column("lo").to_pylist(), batch.column("hi").to_pylist()):
                with conn.cursor(name="docgraph_read") as cur:
                    cur.itersize = 20_000
                    cur.execute(f'SELECT {names} FROM {table} WHERE "{key}" >= %s AND "{key}" < %s', (lo, hi))
                    while True:
                        rows = cur.fetchmany(20_000)
                        if not rows:
                            break
                        yield pa.RecordBatch.from_arrays(
                            [pa.array(col, type=schema.field(i).type) for i, col in enumerate(zip(*rows))],
                            schema=schema)


def stage_rows(url: str, table: str, cols: Sequence[str], batches: Iterable[Any]) -> Iterator[Any]:
    """Stage the partition's rows (columns ``cols``, in that order) into the staging table ``table``; yield the count."""
    import pyarrow as pa

    from ..store.pgstage import write_part

    rows: list[tuple] = []
    for batch in batches:
        data = [batch.column(c).to_pylist() for c in cols]
        rows.extend(zip(*data))
    write_part(url, _part(), [(table, list(cols), rows)])
    yield pa.RecordBatch.from_pylist([{"rows": len(rows)}], schema=pa.schema([("rows", pa.int64())]))
