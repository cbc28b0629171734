"""The implementation report of a directive, as analysts hand it in (sơ kết, tổng kết): per province and level, each
implementing document with its unit, number, date, lag, relation, the document it carries out and the sentence that
proves it, and the units that have not acted yet. Built from the queries the CLI answers with (``implementers`` and
``gaps``), written as an Excel workbook (openpyxl) or a Word file (python-docx), in the interface language.

Library code: no typer. openpyxl and python-docx are the ``report`` extra, imported only to write."""

from __future__ import annotations

import datetime as _dt
import os
import re
import sqlite3
import statistics
from pathlib import Path
from typing import Any

from .errors import BadInput
from .graph import add_documents, build_subgraph
from .i18n import _, language, level_name, ngettext, relation_name
from .model import LEVELS, level_rank
from .normalize import fold
from .query import (CHAIN_RELATIONS, GAP_LEVELS, NotFound, gaps, implementers, index_provinces,
                    province_members, province_of, unit_of)

FORMATS = (".xlsx", ".docx")
PENDING_NAMED = 30  # units that have not acted named in the Word summary (the table lists them all)

# characters XML 1.0 cannot hold (a stray control byte in a scanned file): openpyxl and python-docx refuse them
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class ReportError(BadInput):
    """A report that cannot be written: unknown file type, missing library, unwritable path (exit code 1)."""


def reference(d: dict[str, Any]) -> str:
    """A document's number and symbol as it is written ("83-KH/TU", "120/KH-UBND", "30/2020/NĐ-CP"), or ""."""
    label = d.get("label") or ""
    num, sym = d.get("number"), d.get("symbol")
    if not (num and sym):
        return ""
    for ref in (f"{num}/{d.get('year')}/{sym}", f"{num}-{sym}", f"{num}/{sym}"):
        if ref in label:  # the label already spells it the way the document does
            return ref
    return f"{num}-{sym}" if "/" in sym or d.get("branch") == "party" else f"{num}/{sym}"


def _unit(d: dict[str, Any]) -> tuple[str, str]:
    """(key, name) of the unit that issued an implementing document: at the levels ``gaps`` compares, its unit
    there (so the report's acting and pending units are the same units); otherwise the issuer."""
    issuer = (d.get("issuer") or "").strip()
    if d.get("level") in GAP_LEVELS:
        u = unit_of(d)
        if u is not None:
            return f"{d.get('level')}:{u[0]}", u[1] or u[0]
    return f"{d.get('level')}:{fold(issuer) or d['doc']}", issuer


def _median(v: list[int]) -> float | int | None:
    if not v:
        return None
    m = statistics.median(v)
    return int(m) if float(m).is_integer() else m


def _day(iso: str | None) -> _dt.date | None:
    try:
        return _dt.date.fromisoformat(iso) if iso else None
    except ValueError:
        return None


def build_report(conn: sqlite3.Connection, doc: str, *, province: str | None = None,
                 level: str | None = None) -> dict[str, Any]:
    """The report's data for ``doc`` (a node id), optionally for one province (its name) and one level.

    ``rows``: each implementing document (direct or through a chain, as ``implementers``) with its province, level,
    unit, issuer, type, reference, date, lag in days, relation, the document it carries out (``via``) and the
    linking edge's evidence (file, line, sentence), sorted by province, level and date. ``pending``: the units of
    the levels ``gaps`` compares that have no implementing document, per province. ``summary``: the counts."""
    if level is not None and level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    g = build_subgraph(conn, [doc], down=True, relations=CHAIN_RELATIONS, edge_attrs="evidence")
    if doc not in g:
        raise NotFound(f"{doc!r} is not in the index")
    gap_levels = [lv for lv in GAP_LEVELS if level in (None, lv)]
    if gap_levels:  # the units: every document of those levels, implementing or not
        add_documents(g, conn, where=f"level IN ({','.join('?' * len(gap_levels))})", params=gap_levels)
    # a province of 1/7/2025 covers the ones merged into it (province_members), as --province of the queries
    members = province_members(province) if province else None
    wanted = {fold(p) for p in members} if members else None

    def kept(prov: str | None) -> bool:
        return wanted is None or (prov is not None and fold(prov) in wanted)

    root = dict(g.nodes[doc], doc=doc)
    rows = []
    for r in implementers(g, doc, level=level):
        prov = province_of(r.get("jurisdiction"))
        if not kept(prov):
            continue
        key, unit = _unit(r)
        ev = r.get("evidence") or {}
        rows.append({
            "province": prov, "level": r.get("level"), "unit": unit, "unit_key": key, "issuer": r.get("issuer"),
            "doc": r["doc"], "label": r.get("label"), "type": r.get("type"), "reference": reference(r),
            "title": r.get("title"), "date": r.get("date"), "lag_days": r.get("lag_days"),
            "relation": r["relation"], "via": r["via"], "via_label": g.nodes[r["via"]].get("label"),
            "depth": r["depth"],
            "evidence": ev.get("text"), "file": ev.get("file"), "line": ev.get("line"),
            "source_file": r.get("source_file"),
        })
    rows.sort(key=lambda r: (r["province"] is not None, fold(r["province"] or ""),
                             level_rank(r["level"]), r["date"] or "9999", r["doc"]))
    pending = []
    not_acted: dict[str, str] = {}  # provinces where no unit of a level compared has acted
    every = index_provinces(conn)
    for lv in gap_levels:
        for p in gaps(g, doc, lv, provinces=every, only=members)["provinces"]:
            if not kept(p["province"]):
                continue
            if not p["covered"] and p["gaps"]:
                not_acted.setdefault(fold(p["province"]), p["province"])
            for u in p["gaps"]:
                name = u["name"] or u["unit"]
                pending.append({"province": p["province"], "level": lv, "unit": name,
                                "code": u["unit"] if u["unit"] != name else None,  # a department's code (SYT)
                                "documents": [e["label"] or e["doc"] for e in u["other"]]})
    pending.sort(key=lambda u: (fold(u["province"]), level_rank(u["level"]), fold(u["unit"] or "")))
    lags = [r["lag_days"] for r in rows if r["lag_days"] is not None]
    provinces = sorted({r["province"] for r in rows if r["province"]}, key=fold)
    acted = {fold(p) for p in provinces}
    return {
        "doc": doc, "label": root.get("label"), "type": root.get("type"), "reference": reference(root),
        "date": root.get("date"), "level": root.get("level"), "issuer": root.get("issuer"),
        "title": root.get("title"), "province": province, "level_filter": level,
        "rows": rows, "pending": pending,
        "summary": {
            "documents": len(rows),
            "provinces": provinces,
            "units": len({(r["province"], r["unit_key"]) for r in rows}),
            "median_lag_days": _median(lags),  # as timeline's
            "undated": sum(1 for r in rows if not r["date"]),
            "pending_units": len(pending),
            "provinces_not_acted": sorted((p for k, p in not_acted.items() if k not in acted), key=fold),
        },
    }


# ---------------------------------------------------------------------------------------------------- text
def _date_text(iso: str | None) -> str:
    """A date for people: 14/06/2024 in Vietnamese, 2024-06-14 in English."""
    d = _day(iso)
    if d is None:
        return iso or ""
    return d.strftime("%d/%m/%Y") if language() == "vi" else d.isoformat()


def _number(x: float | int | None) -> str:
    if x is None:
        return ""
    s = f"{x:g}" if isinstance(x, float) else str(x)
    return s.replace(".", ",") if language() == "vi" else s


def title(rep: dict[str, Any]) -> str:
    return _("Implementation report: {document}").format(document=rep["label"] or rep["doc"])


def scope(rep: dict[str, Any]) -> str:
    """The line under the title: the document's date and issuer, and the province or level the report is for."""
    bits = []
    if rep["date"]:
        bits.append(_("dated {date}").format(date=_date_text(rep["date"])))
    if rep["issuer"]:
        bits.append(_("issued by {issuer}").format(issuer=rep["issuer"]))
    if rep["province"]:
        bits.append(_("province: {province}").format(province=rep["province"]))
    if rep["level_filter"]:
        bits.append(_("level: {level}").format(level=level_name(rep["level_filter"])))
    return "; ".join(bits)


def summary_text(rep: dict[str, Any]) -> str:
    """The one-paragraph summary: how many provinces and units acted, the median lag, who has not acted."""
    s = rep["summary"]
    name = rep["label"] or rep["doc"]
    if not s["documents"]:
        text = _("No document in the index implements {document} yet.").format(document=name)
    else:
        provinces = len(s["provinces"])
        where = (ngettext("{n} province ({names})", "{n} provinces ({names})", provinces).format(
            n=provinces, names=", ".join(s["provinces"])) if provinces else _("the central level only"))
        text = ngettext("{n} document implements {document}", "{n} documents implement {document}",
                        s["documents"]).format(n=s["documents"], document=name)
        text += ", " + ngettext("issued by {n} unit in {where}.", "issued by {n} units in {where}.",
                                s["units"]).format(n=s["units"], where=where)
        if s["median_lag_days"] is not None:
            text += " " + _("The median lag is {days} days after the document's date.").format(
                days=_number(s["median_lag_days"]))
        if s["undated"]:
            text += " " + ngettext("{n} implementing document has no date.", "{n} implementing documents have no date.",
                                   s["undated"]).format(n=s["undated"])
    idle = s.get("provinces_not_acted") or []
    if idle:
        text += " " + ngettext("No unit in {n} province has acted yet: {names}.",
                               "No unit in {n} provinces has acted yet: {names}.", len(idle)).format(
            n=len(idle), names=", ".join(idle))
    pending = rep["pending"]
    if pending:
        named = "; ".join(f"{u['unit']} ({u['province']}, {level_name(u['level'])})" for u in pending[:PENDING_NAMED])
        if len(pending) > PENDING_NAMED:
            named += "; " + _("and {n} more").format(n=len(pending) - PENDING_NAMED)
        text += " " + ngettext("{n} unit has not acted yet: {units}.", "{n} units have not acted yet: {units}.",
                               len(pending)).format(n=len(pending), units=named)
    elif s["documents"]:
        text += " " + _("Every unit of the levels compared has acted.")
    return text


def _columns() -> list[tuple[str, str, int]]:
    """(key, heading, width) of the implementing documents' sheet and table."""
    return [
        ("province", _("Province"), 16), ("level", _("Level"), 12), ("unit", _("Unit"), 26),
        ("issuer", _("Issuer"), 30), ("type", _("Type"), 12), ("reference", _("Number and symbol"), 18),
        ("date", _("Date"), 12), ("lag_days", _("Lag (days)"), 10), ("relation", _("Relation"), 12),
        ("via_label", _("Implements (via)"), 30), ("evidence", _("Evidence"), 70), ("file", _("Source file"), 36),
        ("line", _("Line"), 7), ("doc", _("Document id"), 30),
    ]


def _pending_columns() -> list[tuple[str, str, int]]:
    return [("province", _("Province"), 16), ("level", _("Level"), 12), ("unit", _("Unit"), 34),
            ("code", _("Code"), 14), ("documents", _("Its documents in the index (none implements it)"), 70)]


def _cell_text(s: Any) -> str:
    return _ILLEGAL.sub("", "" if s is None else str(s))


def _shown(key: str, r: dict[str, Any]) -> Any:
    """A row's value as the report shows it (the relation and level in the interface language)."""
    v = r.get(key)
    if key == "level":
        return level_name(v)
    if key == "relation":
        return relation_name(v)
    if key == "province":
        return v or level_name("central")
    if key == "documents":
        return "; ".join(v)
    return v


# ---------------------------------------------------------------------------------------------------- files
def write_report(rep: dict[str, Any], path: str | os.PathLike) -> None:
    """Write ``rep`` (``build_report``) to ``path``: a workbook for .xlsx, a Word file for .docx. The file is
    written next to its place and renamed over it, so a failure leaves the previous one."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in FORMATS:
        raise ReportError(_("cannot write a report as {name!r}: give a file ending in .xlsx or .docx").format(
            name=str(path)))
    if p.is_dir():
        raise ReportError(_("{name!r} is a folder: give a file ending in .xlsx or .docx").format(name=str(path)))
    try:
        data = to_xlsx(rep) if suffix == ".xlsx" else to_docx(rep)
    except ImportError as e:
        raise ReportError(_("writing {kind} needs {package}: pip install 'docgraph[report]'").format(
            kind=suffix, package=e.name or str(e))) from None
    from .export.atomic import write_file
    from .export.registry import ExportError

    try:
        write_file(p, data, suffix[1:])
    except ExportError as e:
        raise ReportError(str(e)) from None


def to_xlsx(rep: dict[str, Any]) -> bytes:
    """The workbook: a summary sheet, the implementing documents and the units that have not acted, each table with
    a frozen header row and filters; dates are dates, lags and lines numbers."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    date_fmt = "dd/mm/yyyy" if language() == "vi" else "yyyy-mm-dd"
    bold = Font(bold=True)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Summary")[:31]
    ws["A1"] = _cell_text(title(rep))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = _cell_text(scope(rep))
    ws["A4"] = _cell_text(summary_text(rep))
    ws["A4"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 120
    ws.row_dimensions[4].height = 15 * max(2, len(ws["A4"].value) // 100 + 1)
    facts = [(_("Document"), rep["label"] or rep["doc"]), (_("Document id"), rep["doc"]),
             (_("Date"), _day(rep["date"])), (_("Implementing documents"), rep["summary"]["documents"]),
             (_("Provinces that acted"), len(rep["summary"]["provinces"])),
             (_("Units that acted"), rep["summary"]["units"]),
             (_("Median lag (days)"), rep["summary"]["median_lag_days"]),
             (_("Units that have not acted"), rep["summary"]["pending_units"])]
    for i, (k, v) in enumerate(facts, 6):
        ws.cell(i, 1, _cell_text(k)).font = bold
        c = ws.cell(i, 2, v if not isinstance(v, str) else _cell_text(v))
        if isinstance(v, _dt.date):
            c.number_format = date_fmt
    ws.column_dimensions["B"].width = 40

    def table(name: str, cols: list[tuple[str, str, int]], items: list[dict[str, Any]]) -> None:
        sh = wb.create_sheet(name[:31])
        for j, (_key, heading, width) in enumerate(cols, 1):
            c = sh.cell(1, j, heading)
            c.font = bold
            sh.column_dimensions[get_column_letter(j)].width = width
        wrap = Alignment(wrap_text=True, vertical="top")
        for i, r in enumerate(items, 2):
            for j, (key, _h, _w) in enumerate(cols, 1):
                v = _shown(key, r)
                if key == "date":
                    v = _day(v)
                c = sh.cell(i, j)
                if isinstance(v, str):
                    c.value = _cell_text(v)
                    c.data_type = "s"  # text, even when it starts with "=" (never a formula)
                else:
                    c.value = v
                if key == "date":
                    c.number_format = date_fmt
                elif key == "evidence":
                    c.alignment = wrap
        sh.freeze_panes = "A2"
        sh.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{max(1, len(items)) + (1 if items else 0)}"

    table(_("Implementing documents"), _columns(), rep["rows"])
    table(_("Units not yet acted"), _pending_columns(), rep["pending"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_docx(rep: dict[str, Any]) -> bytes:
    """The Word file: a title, the scope line, the one-paragraph summary, the implementing documents' table and the
    table of units that have not acted (landscape A4)."""
    import io

    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    d = Document()
    sec = d.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, side, Cm(1.5))
    d.styles["Normal"].font.name = "Times New Roman"
    d.styles["Normal"].font.size = Pt(12)
    d.add_heading(_cell_text(title(rep)), level=1)
    if scope(rep):
        d.add_paragraph().add_run(_cell_text(scope(rep))).italic = True
    d.add_paragraph(_cell_text(summary_text(rep)))
    d.add_heading(_("Implementing documents"), level=2)
    cols = [("province", _("Province")), ("level", _("Level")), ("unit", _("Unit")),
            ("document", _("Document")), ("date", _("Date")), ("lag_days", _("Lag (days)")),
            ("relation", _("Relation")), ("evidence", _("Evidence"))]
    rows = []
    for r in rep["rows"]:
        doc_text = " ".join(x for x in (r["type"], r["reference"]) if x) if r["reference"] else (r["label"] or r["doc"])
        ev = r["evidence"] or ""
        if r["file"]:
            ev += f"\n({r['file']}:{r['line']})" if r["line"] is not None else f"\n({r['file']})"
        rel = relation_name(r["relation"])
        if r["via_label"]:
            rel += f": {r['via_label']}"
        rows.append([_shown("province", r), level_name(r["level"]), r["unit"], doc_text, _date_text(r["date"]),
                     _number(r["lag_days"]), rel, ev])
    _docx_table(d, [h for _k, h in cols], rows, [2.2, 1.8, 3.2, 3.0, 2.0, 1.4, 3.8, 9.3])
    if not rows:
        d.add_paragraph(_("No document in the index implements it yet."))
    d.add_heading(_("Units that have not acted"), level=2)
    if rep["pending"]:
        _docx_table(d, [h for _k, h, _w in _pending_columns()],
                    [[_shown(k, u) for k, _h, _w in _pending_columns()] for u in rep["pending"]],
                    [2.2, 1.8, 5.0, 2.0, 15.7])
    else:
        d.add_paragraph(_("None: every unit of the levels compared has acted."))
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _docx_table(d: Any, headings: list[str], rows: list[list[Any]], widths_cm: list[float]) -> None:
    """A table with a bold header row repeated on every page. Rows are made by copying one row's XML: python-docx
    builds a cell at a time, minutes for the thousands of rows of a much implemented law."""
    import copy

    from docx.oxml.ns import qn
    from docx.shared import Cm

    t = d.add_table(rows=2, cols=len(headings))
    t.style = "Table Grid"
    for j, h in enumerate(headings):
        cell = t.rows[0].cells[j]
        cell.width = Cm(widths_cm[j])
        run = cell.paragraphs[0].add_run(h)
        run.bold = True
    tr_pr = t.rows[0]._tr.get_or_add_trPr()
    header = tr_pr.makeelement(qn("w:tblHeader"), {})
    tr_pr.append(header)
    template = t.rows[1]._tr
    for j in range(len(headings)):
        t.rows[1].cells[j].width = Cm(widths_cm[j])
    tbl = t._tbl
    tbl.remove(template)
    for values in rows:
        tr = copy.deepcopy(template)
        for tc, v in zip(tr.iter(qn("w:tc")), values):
            p = tc.find(qn("w:p"))
            lines = _cell_text(v).split("\n")
            for k, line in enumerate(lines):
                r = p.makeelement(qn("w:r"), {})
                if k:
                    r.append(r.makeelement(qn("w:br"), {}))
                txt = r.makeelement(qn("w:t"), {qn("xml:space"): "preserve"})
                txt.text = line
                r.append(txt)
                p.append(r)
        tbl.append(tr)
