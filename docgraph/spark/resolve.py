"""The cross-document resolve of ``index.resolve`` as DataFrame code, with its semantics:

1. a year-less mention takes the one dated document of its scope (number, symbol, jurisdiction); with several, the
   one dated no later than the citing file, if only one is; else it is ambiguous (``-x``), never a guess;
2. a document takes, field by field, the most common value of its mentions (ties: the longest, then the smallest),
   then the values of its own files' headers (the last file by path wins, field by field); its label, level and
   jurisdiction as SQLite's resolve makes them;
3. one edge per (source, target, relation) with its count and its distinct evidence in file, line and reading
   order; ``cites`` dropped beside a stronger relation between the same two; the date flags.

The per-document label and the evidence JSON are the index module's own functions (Python UDFs), so the text is
the same byte for byte. Input: the index's files, mentions and raw_relations tables; output: the documents and
edges tables (with the ``rowid`` that orders them as a fresh SQLite resolve does) and the mention updates.
"""

from __future__ import annotations

import json
from typing import Any

from ..index import DOC_FIELDS, document_label, evidence_json
from ..model import LOCAL_LEVELS
from ..normalize import slug
from ..relations import OWN

# header fields a document's own file sets (the last file by path with a value wins), as index._resolve lists them
HEADER_FIELDS = ("type", "number", "symbol", "year", "date", "issuer_code", "branch", "title", "signer",
                 "signer_title", "issuer")
_VOTED = (*DOC_FIELDS, "year", "level", "jurisdiction")  # the fields voted on by mentions


def _header_overlay(header: str | None) -> dict[str, Any]:
    """What one file's header sets on its document: the non-empty header fields, its level (unless unknown) and,
    for a local level, its jurisdiction."""
    from ..header import FileHeader

    h = json.loads(header or "{}")
    out = {c: h.get(c) if h.get(c) not in (None, "") else None for c in HEADER_FIELDS}
    hdr = FileHeader(**h) if h else None
    out["level"] = hdr.level if hdr is not None and hdr.level != "unknown" else None
    out["local_jurisdiction"] = hdr.jurisdiction if hdr is not None and hdr.level in LOCAL_LEVELS else None
    return out


def _slug(jurisdiction: str | None) -> str | None:
    return slug(jurisdiction) if jurisdiction else None


def _label(row: Any) -> str:
    doc = row.asDict()
    doc["_normative"] = doc.pop("normative")
    return document_label(doc, doc["id"])


def resolve(files: Any, mentions: Any, relations: Any, *, district_end: str) -> tuple[Any, Any, Any, list[Any]]:
    """(documents, edges, mention_updates) DataFrames from the index's three extracted tables, and the frames
    persisted on the way (to unpersist when the three are written). ``district_end``: the day the district level
    ended (the lexicon's), after which a district's document is flagged."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T
    from pyspark.sql.window import Window

    col, lit = F.col, F.lit

    def scope(base: str, juris: str) -> Any:
        return F.concat(col(base), lit("|"), F.coalesce(col(juris), lit("")))

    def truthy(c: Any) -> Any:
        return c.isNotNull() & (c != lit(""))

    ok_files = files.filter(col("skipped").isNull())

    # 1. year-less mentions
    dated = (ok_files.filter(col("own_base").isNotNull() & col("own_year").isNotNull())
             .select(scope("own_base", "own_jurisdiction").alias("scope"), col("own_year").alias("y"))
             .unionByName(mentions.filter(col("key_base").isNotNull() & col("key_year").isNotNull())
                          .select(scope("key_base", "key_jurisdiction").alias("scope"), col("key_year").alias("y")))
             .groupBy("scope").agg(F.collect_set("y").alias("years")))
    yearless = mentions.filter((col("own") == 0) & col("key_base").isNotNull() & col("key_year").isNull())
    file_dates = files.select(col("id").alias("file_id"), F.get_json_object("header", "$.date").alias("fd"))
    y = (yearless.select("id", "file_id", "key_base", "key_jurisdiction", "doc", "ambiguous",
                         scope("key_base", "key_jurisdiction").alias("scope"))
         .join(dated, "scope", "left").join(file_dates, "file_id", "left")
         .withColumn("juris_slug", F.udf(_slug, T.StringType(), useArrow=True)(col("key_jurisdiction"))))
    n = F.when(col("years").isNull(), lit(0)).otherwise(F.size("years"))
    fd_year = F.substring("fd", 1, 4).cast("int")
    before = F.when(truthy(col("fd")), F.filter("years", lambda v: v <= fd_year)).otherwise(F.array())
    year = F.when(n == 1, F.element_at("years", 1)).when((n > 1) & (F.size(before) == 1), F.element_at(before, 1))
    y = y.withColumn("y2", year).withColumn(
        "amb2", F.when((n > 1) & col("y2").isNull(), lit(1)).otherwise(lit(0)).cast("long"))
    y = y.withColumn("doc2", F.concat(
        col("key_base"), lit("-"), F.coalesce(col("y2").cast("string"), lit("x")),
        F.when(truthy(col("key_jurisdiction")), F.concat(lit("-"), col("juris_slug"))).otherwise(lit(""))))
    updates = (y.filter(~col("doc").eqNullSafe(col("doc2")) | (col("ambiguous") != col("amb2")))
               .select("id", col("doc2").alias("doc"), col("amb2").alias("ambiguous")))
    m = (mentions.join(y.select("id", "doc2", "amb2"), "id", "left")
         .withColumn("doc", F.coalesce("doc2", "doc"))
         .withColumn("ambiguous", F.coalesce("amb2", "ambiguous")).drop("doc2", "amb2")
         .persist())  # read by the documents and by the edges

    # 2. documents: the most common value of each field among their mentions...
    source = {f: f for f in DOC_FIELDS} | {"year": "key_year", "level": "key_level", "jurisdiction": "key_jurisdiction"}
    cited = m.filter(col("doc").isNotNull())
    votes = (cited.select("doc", F.explode(F.array(*[
                F.struct(lit(f).alias("field"), col(source[f]).cast("string").alias("v")) for f in _VOTED])).alias("x"))
             .select("doc", "x.field", "x.v")
             .filter(truthy(col("v")) & ~((col("field") == "level") & (col("v") == "unknown"))))
    best = (votes.groupBy("doc", "field", "v").count()
            .groupBy("doc", "field")
            .agg(F.min(F.struct((-col("count")).alias("c"), (-F.length("v")).alias("l"), col("v"))).alias("b"))
            .groupBy("doc").pivot("field", list(_VOTED)).agg(F.first(col("b.v"))))
    per_doc = cited.groupBy("doc").agg(
        F.max(F.coalesce(col("rule").startswith("normative"), lit(False)).cast("int")).alias("normative"),
        F.sum(F.when(col("own") == 0, 1).otherwise(0)).cast("long").alias("mentions"))
    from_mentions = per_doc.join(best, "doc", "left").withColumn("year", col("year").cast("long"))

    # ... then what their own files' headers say, the last file by path winning field by field
    overlay_type = T.StructType(
        [T.StructField(c, T.LongType() if c == "year" else T.StringType()) for c in HEADER_FIELDS]
        + [T.StructField("level", T.StringType()), T.StructField("local_jurisdiction", T.StringType())])
    overlay = F.udf(_header_overlay, overlay_type, useArrow=True)
    o = ok_files.select(col("own_id").alias("doc"), "path", "kind", overlay("header").alias("h"))

    def last(c: str, alias: str) -> Any:
        return F.max(F.when(col(c).isNotNull(), F.struct(col("path"), col(c).alias("v")))).getField("v").alias(alias)

    from_files = o.groupBy("doc").agg(
        *[last(f"h.{c}", f"f_{c}") for c in HEADER_FIELDS], last("h.level", "f_level"),
        F.max(F.when(col("h.local_jurisdiction").isNotNull(),
                     F.struct(col("path"), col("h.local_jurisdiction").alias("v")))).alias("f_local"),
        F.max("path").alias("source_file"),
        F.max(F.struct(col("path"), col("kind"))).getField("kind").alias("f_kind"))
    d = from_mentions.join(from_files, "doc", "full_outer")
    for c in HEADER_FIELDS:
        mc = col(c) if c in _VOTED else lit(None).cast("long" if c == "year" else "string")
        d = d.withColumn(c, F.coalesce(col(f"f_{c}"), mc))
    d = (d.withColumn("level", F.coalesce("f_level", "level"))
         .withColumn("jurisdiction", F.when(col("f_local").isNotNull(), col("f_local").getField("v"))
                     .otherwise(F.coalesce("jurisdiction", lit(""))))
         .withColumn("kind", F.when(col("source_file").isNull(), lit("cited"))
                     .otherwise(F.coalesce(F.when(truthy(col("f_kind")), col("f_kind")), lit("document"))))
         .withColumn("mentions", F.coalesce("mentions", lit(0)).cast("long"))
         .withColumn("normative", F.coalesce(col("normative") == 1, lit(False)))
         .withColumnRenamed("doc", "id"))
    label = F.udf(_label, T.StringType(), useArrow=True)
    d = d.withColumn("label", label(F.struct("id", "type", "number", "symbol", "year", "branch", "jurisdiction",
                                              "name", "title", "kind", "normative")))
    d = d.withColumn("level", F.when(truthy(col("level")), col("level")).otherwise(lit("unknown")))
    documents = (d.select("id", "label", "type", "number", "symbol", "year", "date", "issuer", "issuer_code",
                          "level", "branch", "jurisdiction", "title", "source_file", "kind", "mentions", "name",
                          "signer", "signer_title")
                 .orderBy("id").withColumn("rowid", F.monotonically_increasing_id())
                 .persist())  # written, and read for the edges' flags

    # 3. edges
    fo = ok_files.select(col("id").alias("file_id"), "path", "own_id")
    mt = m.select(col("file_id"), col("idx").alias("target_idx"), col("doc").alias("dst"))
    ms = m.select(col("file_id"), col("idx").alias("source_idx"), col("doc").alias("ms_doc"))
    e = (relations.join(fo, "file_id").join(mt, ["file_id", "target_idx"]).join(ms, ["file_id", "source_idx"], "left")
         .withColumn("src", F.when(col("source_idx") == OWN, col("own_id")).otherwise(col("ms_doc")))
         .filter(truthy(col("src")) & truthy(col("dst")) & (col("src") != col("dst")))
         .withColumn("loc", F.when(truthy(col("location")), col("location"))))
    evs = (e.groupBy("src", "dst", "relation", "path", "line", "evidence", "loc")
           .agg(F.count(lit(1)).alias("n"), F.min("rowid").alias("first")))
    grouped = (evs.groupBy("src", "dst", "relation")
               .agg(F.sum("n").cast("long").alias("count"),
                    F.array_sort(F.collect_list(F.struct("path", "line", "first", "evidence", "loc"))).alias("evs")))
    pair = Window.partitionBy("src", "dst")
    grouped = (grouped.withColumn("rels", F.count(lit(1)).over(pair))
               .filter(~((col("rels") > 1) & (col("relation") == "cites"))))
    dates = documents.select("id", "date", "level")
    grouped = (grouped.join(dates.select(col("id").alias("src"), col("date").alias("s_date"),
                                         col("level").alias("s_level")), "src", "left")
               .join(dates.select(col("id").alias("dst"), col("date").alias("t_date")), "dst", "left"))
    flag1 = F.when((col("relation") == "implements") & truthy(col("s_date")) & truthy(col("t_date"))
                   & (col("s_date") < col("t_date")), lit('"source_before_target"'))
    flag2 = F.when((col("s_level") == "district") & truthy(col("s_date")) & (col("s_date") > lit(district_end)),
                   lit('"district_after_reform"'))
    ev_json = F.udf(lambda evs: evidence_json([(v["path"], v["line"], v["evidence"], v["loc"]) for v in evs]),
                    T.StringType(), useArrow=True)
    first = F.element_at("evs", 1)
    edges = (grouped.select(
                col("src").alias("source"), col("dst").alias("target"), "relation", "count",
                first.getField("path").alias("file"), first.getField("line").alias("line"),
                first.getField("evidence").alias("evidence"), ev_json("evs").alias("evidence_all"),
                F.concat(lit("["), F.concat_ws(", ", flag1, flag2), lit("]")).alias("flags"))
             .orderBy("source", "target", "relation").withColumn("rowid", F.monotonically_increasing_id()))
    return documents, edges, updates, [m, documents]
