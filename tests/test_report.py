"""The implementation report (docgraph report -o FILE.xlsx | FILE.docx), read back with openpyxl and python-docx, and
the evidence every answer carries; the everyday expectations (--version, completion, find without a query, find
--search on the subjects of cited documents)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cli_helpers import extracted, run
from test_queries import SO_Y_TE, YEN_DUNG

openpyxl = pytest.importorskip("openpyxl")
docx = pytest.importorskip("docx")

SNV = "samples/04_bac-giang_so-noi-vu_kh-15.txt"

# A Khánh Hòa plan that names Chỉ thị 28-CT/TW only by its number, date and subject (the directive's own file is
# not in the folder: the subject recorded where it is cited is all the index knows of what it is about)
KH_TRE_EM = """TỈNH ỦY KHÁNH HÒA
Số 150-KH/TU
ĐẢNG CỘNG SẢN VIỆT NAM
Khánh Hòa, ngày 20 tháng 3 năm 2024

KẾ HOẠCH
triển khai công tác năm 2024 của Ban Thường vụ Tỉnh ủy

Thực hiện Chỉ thị số 28-CT/TW ngày 25/12/2023 của Bộ Chính trị về tăng cường sự lãnh đạo của Đảng đối với công tác chăm sóc, giáo dục và bảo vệ trẻ em trong tình hình mới, Ban Thường vụ Tỉnh ủy ban hành Kế hoạch như sau:

I. MỤC ĐÍCH, YÊU CẦU
Các cấp ủy, tổ chức đảng quán triệt nội dung Chỉ thị đến cán bộ, đảng viên.
"""


def _add_gaps(work):
    (work / "samples" / "15_bac-giang_so-y-te_kh-77.txt").write_text(SO_Y_TE, encoding="utf-8")
    (work / "samples" / "16_bac-giang_yen-dung_huyen-uy_kh-12.txt").write_text(YEN_DUNG, encoding="utf-8")


@pytest.fixture()
def gaps_work(extract_once):
    """The samples plus a Sở Y tế plan and a Yên Dũng district plan that implement nothing of Chỉ thị 35-CT/TW."""
    return extract_once(_add_gaps)


def _sheet_rows(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    head = rows[0]
    return [dict(zip(head, r)) for r in rows[1:]]


# ---------------------------------------------------------------------------------------------------- xlsx
def test_report_workbook_has_the_implementing_documents_their_evidence_and_the_units_that_have_not_acted(gaps_work):
    r = run("report", "Chỉ thị 35-CT/TW", "-o", "bao-cao.xlsx")
    assert r.exit_code == 0, r.output
    assert "wrote bao-cao.xlsx" in r.stderr
    wb = openpyxl.load_workbook(gaps_work / "bao-cao.xlsx")
    assert wb.sheetnames == ["Summary", "Implementing documents", "Units not yet acted"]
    ws = wb["Implementing documents"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:N8"  # 14 columns, header and 7 documents
    assert [c.value for c in ws[1]] == [
        "Province", "Level", "Unit", "Issuer", "Type", "Number and symbol", "Date", "Lag (days)", "Relation",
        "Implements (via)", "Evidence", "Source file", "Line", "Document id"]
    rows = _sheet_rows(ws)
    by_ref = {row["Number and symbol"]: row for row in rows}
    assert set(by_ref) == {"83-KH/TU", "120/KH-UBND", "15/KH-SNV", "210/KH-SGDĐT", "2417/STC-HCSN", "45-KH/HU", None}
    snv = by_ref["15/KH-SNV"]
    assert snv["Province"] == "Bắc Giang" and snv["Level"] == "department" and snv["Unit"] == "Sở Nội vụ"
    assert snv["Type"] == "Kế hoạch" and snv["Relation"] == "implements"
    assert snv["Implements (via)"] == "Kế hoạch 120/KH-UBND (Bắc Giang)"
    assert snv["Date"] == dt.datetime(2024, 8, 12) and snv["Lag (days)"] == 59  # typed: a date, a number
    assert snv["Evidence"].startswith("Thực hiện Kế hoạch số 120/KH-UBND ngày 02/8/2024")
    assert snv["Source file"] == SNV and snv["Line"] == 13
    stc = by_ref["2417/STC-HCSN"]
    assert stc["Relation"] == "based_on" and stc["Evidence"].startswith("Căn cứ Kế hoạch số 120/KH-UBND")
    assert by_ref[None]["Date"] is None and by_ref[None]["Lag (days)"] is None  # the undated draft
    # by level, then date: provincial, department, district
    assert [row["Level"] for row in rows] == ["provincial"] * 2 + ["department"] * 3 + ["district"] * 2
    # every cell type as written: dates are dates, lags and lines numbers
    date_cells = [row[6] for row in ws.iter_rows(min_row=2) if row[6].value is not None]
    assert date_cells and all(c.is_date for c in date_cells)
    assert all(isinstance(row["Lag (days)"], int) for row in rows if row["Date"])

    pending = wb["Units not yet acted"]
    assert pending.freeze_panes == "A2" and pending.auto_filter.ref == "A1:E5"
    docs_col = "Its documents in the index (none implements it)"
    assert _sheet_rows(pending) == [
        {"Province": "Bắc Giang", "Level": "department", "Unit": "Sở Y tế", "Code": "SYT",
         docs_col: "Kế hoạch 77/KH-SYT (Bắc Giang)"},
        {"Province": "Bắc Giang", "Level": "district", "Unit": "Yên Dũng", "Code": None,
         docs_col: "Kế hoạch 12-KH/HU (Bắc Giang / Yên Dũng)"},
        # Khánh Hòa is in the index, and none of its units has acted on the directive
        {"Province": "Khánh Hòa", "Level": "provincial", "Unit": "Tỉnh ủy Khánh Hòa", "Code": "TU",
         docs_col: "Kế hoạch 83-KH/TU (Khánh Hòa)"},
        {"Province": "Khánh Hòa", "Level": "department", "Unit": "Sở Khoa học và Công nghệ", "Code": "SKHCN",
         docs_col: "Kế hoạch 95/KH-SKHCN (Khánh Hòa)"},
    ]
    summary = wb["Summary"]
    assert summary["A1"].value == "Implementation report: Chỉ thị 35-CT/TW (2024)"
    assert "7 documents implement Chỉ thị 35-CT/TW (2024), issued by 6 units in 1 province (Bắc Giang)" in \
        summary["A4"].value
    assert "No unit in 1 province has acted yet: Khánh Hòa. 4 units have not acted yet: Sở Y tế (Bắc Giang," \
           " department); Yên Dũng (Bắc Giang, district); Tỉnh ủy Khánh Hòa (Khánh Hòa, provincial); Sở Khoa học" \
           " và Công nghệ (Khánh Hòa, department)." in summary["A4"].value
    facts = {summary.cell(i, 1).value: summary.cell(i, 2).value for i in range(6, 14)}
    assert facts["Date"] == dt.datetime(2024, 6, 14) and facts["Implementing documents"] == 7
    assert facts["Median lag (days)"] == 57 and facts["Units that have not acted"] == 4


# ---------------------------------------------------------------------------------------------------- docx
def test_report_word_file_has_a_title_a_summary_and_the_tables(gaps_work):
    r = run("report", "35-CT/TW", "-o", "out/bao-cao.docx")  # its folder is made
    assert r.exit_code == 0, r.output
    d = docx.Document(str(gaps_work / "out" / "bao-cao.docx"))
    paras = [p.text for p in d.paragraphs if p.text]
    assert paras[0] == "Implementation report: Chỉ thị 35-CT/TW (2024)"
    assert d.paragraphs[0].style.name == "Heading 1"
    assert paras[1] == "dated 2024-06-14; issued by Bộ Chính trị"
    summary = paras[2]
    assert summary.startswith("7 documents implement Chỉ thị 35-CT/TW (2024), issued by 6 units in 1 province"
                              " (Bắc Giang). The median lag is 57 days after the document's date.")
    assert "4 units have not acted yet: Sở Y tế (Bắc Giang, department); Yên Dũng (Bắc Giang, district);" in summary
    docs, pending = d.tables
    head = [c.text for c in docs.rows[0].cells]
    assert head == ["Province", "Level", "Unit", "Document", "Date", "Lag (days)", "Relation", "Evidence"]
    body = [[c.text for c in row.cells] for row in docs.rows[1:]]
    assert len(body) == 7
    (snv,) = [row for row in body if row[3] == "Kế hoạch 15/KH-SNV"]
    assert snv[:3] == ["Bắc Giang", "department", "Sở Nội vụ"] and snv[4:6] == ["2024-08-12", "59"]
    assert snv[6] == "implements: Kế hoạch 120/KH-UBND (Bắc Giang)"
    assert snv[7].startswith("Thực hiện Kế hoạch số 120/KH-UBND") and snv[7].endswith(f"\n({SNV}:13)")
    assert [[c.text for c in row.cells][:3] for row in pending.rows[1:]] == [
        ["Bắc Giang", "department", "Sở Y tế"], ["Bắc Giang", "district", "Yên Dũng"],
        ["Khánh Hòa", "provincial", "Tỉnh ủy Khánh Hòa"], ["Khánh Hòa", "department", "Sở Khoa học và Công nghệ"]]


def test_report_for_one_province_and_one_level(gaps_work):
    rep = json.loads(run("report", "35-CT/TW", "--level", "department", "--json").stdout)
    assert [r["reference"] for r in rep["rows"]] == ["15/KH-SNV", "210/KH-SGDĐT", "2417/STC-HCSN"]
    assert [(u["unit"], u["province"]) for u in rep["pending"]] == [("Sở Y tế", "Bắc Giang"),
                                                                    ("Sở Khoa học và Công nghệ", "Khánh Hòa")]
    assert rep["summary"] == {"documents": 3, "provinces": ["Bắc Giang"], "units": 3, "median_lag_days": 62,
                              "undated": 0, "pending_units": 2, "provinces_not_acted": ["Khánh Hòa"]}
    row = rep["rows"][0]
    assert (row["file"], row["line"]) == (SNV, 13) and row["evidence"].startswith("Thực hiện Kế hoạch số 120/KH")
    # a province named the way the gazetteer knows it (old tone placement, any case); none of Khánh Hòa's documents
    # implements it
    rep = json.loads(run("report", "35-CT/TW", "--province", "KHÁNH HOÀ", "--json").stdout)
    assert rep["province"] == "Khánh Hòa" and rep["rows"] == []
    assert [u["unit"] for u in rep["pending"]] == ["Tỉnh ủy Khánh Hòa", "Sở Khoa học và Công nghệ"]
    r = run("report", "35-CT/TW", "--province", "Khánh Hòa", "-o", "kh.docx")
    assert r.exit_code == 0, r.output
    text = "\n".join(p.text for p in docx.Document(str(gaps_work / "kh.docx")).paragraphs)
    assert "No document in the index implements Chỉ thị 35-CT/TW (2024) yet." in text
    assert "province: Khánh Hòa" in text


@pytest.mark.parametrize("args, message", [
    (["-o", "r.pdf"], "give a file ending in .xlsx or .docx"),
    ([], "give the file to write with -o FILE.xlsx or -o FILE.docx"),
    (["-o", "r.xlsx", "--level", "ward"], "--level must be one of central, provincial, department, district"),
    (["-o", "r.xlsx", "--province", "Atlantis"], "no province named 'Atlantis'"),
])
def test_report_bad_input_is_one_line(indexed, args, message):
    r = run("report", "35-CT/TW", *args)
    assert r.exit_code == 2
    assert message in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not list(indexed.glob("r.*"))


def test_report_into_a_folder_is_an_error_and_leaves_nothing(indexed):
    (indexed / "d.xlsx").mkdir()
    r = run("report", "35-CT/TW", "-o", "d.xlsx")
    assert r.exit_code == 1 and "is a folder" in r.stderr


# ---------------------------------------------------------------------------------------------------- evidence
def test_every_implementers_timeline_and_gaps_row_carries_its_evidence(gaps_work):
    rows = json.loads(run("implementers", "35-CT/TW", "--json").stdout)
    assert len(rows) == 7 and all(r["evidence"]["file"] and r["evidence"]["line"] and r["evidence"]["text"]
                                  for r in rows)
    by = {r["doc"]: r["evidence"] for r in rows}
    assert by["15-kh-snv-2024-bac-giang"] == {
        "file": SNV, "line": 13,
        "text": by["15-kh-snv-2024-bac-giang"]["text"]} and "120/KH-UBND" in by["15-kh-snv-2024-bac-giang"]["text"]
    assert by["83-kh-tu-2024-bac-giang"]["file"] == "samples/02_bac-giang_tinh-uy_kh-83.txt"
    tl = json.loads(run("timeline", "35-CT/TW", "--json").stdout)
    assert all(r["evidence"]["text"] for r in tl["rows"] + tl["undated"])
    assert {r["doc"]: r["evidence"] for r in tl["rows"] + tl["undated"]} == by
    res = json.loads(run("gaps", "35-CT/TW", "--level", "department", "--json").stdout)
    entries = [e for u in res["provinces"][0]["covered"] for e in u["implementing"]]
    assert len(entries) == 3 and all(e["evidence"] == by[e["doc"]] for e in entries)


def test_evidence_flag_shows_the_sentence_under_each_row(gaps_work):
    r = run("implementers", "35-CT/TW", "--evidence")
    assert r.exit_code == 0, r.output
    assert f"{SNV}:13" in r.stdout and "Thực hiện Kế hoạch số 120/KH-UBND" in r.stdout
    assert SNV not in run("implementers", "35-CT/TW").stdout
    t = run("timeline", "35-CT/TW", "-e")
    assert t.exit_code == 0 and "evidence" in t.stdout and "Căn cứ" in t.stdout
    assert "Căn cứ" not in run("timeline", "35-CT/TW").stdout
    g = run("gaps", "35-CT/TW", "--level", "department", "--evidence")
    assert g.exit_code == 0 and "Căn cứ" in g.stdout and "Căn cứ" not in run("gaps", "35-CT/TW", "--level",
                                                                             "department").stdout


# ---------------------------------------------------------------------------------------------------- everyday
def test_version():
    from docgraph import __version__

    from docgraph import native

    r = run("--version")
    assert r.exit_code == 0 and r.stdout.splitlines() == [f"docgraph {__version__}", native.describe()]


def test_shell_completion_is_offered():
    r = run("--help")
    assert "--install-completion" in r.stdout and "--show-completion" in r.stdout
    shown = run("--show-completion", "bash")
    assert shown.exit_code == 0 and "complete" in shown.stdout


def test_find_without_a_query_lists_the_index(indexed):
    every = json.loads(run("find", "--json", "--limit", "0").stdout)
    stats = json.loads(run("stats", "--json").stdout)
    assert len(every) == stats["documents"]
    assert [d["id"] for d in every] == sorted(d["id"] for d in every)
    r = run("find")
    assert r.exit_code == 0 and f"{stats['documents']} document(s) in the index" in r.stdout


def test_find_search_matches_the_subject_of_a_cited_document(work):
    (work / "samples" / "20_khanh-hoa_tinh-uy_kh-150.txt").write_text(KH_TRE_EM, encoding="utf-8")
    extracted(work)
    ids = [d["id"] for d in json.loads(run("find", "--search", "bảo vệ trẻ em", "--json").stdout)]
    assert ids == ["28-ct-tw-2023"]  # no title has those words; the subject where it is cited does
    assert [d["id"] for d in json.loads(run("find", "--search", "BAO VE TRE EM", "--json").stdout)] == ids
    # a query command reads titles first, then the subjects
    rows = json.loads(run("implementers", "--search", "bảo vệ trẻ em", "--json").stdout)
    assert [r["doc"] for r in rows] == ["150-kh-tu-2024-khanh-hoa"]
    # title words still find the plan alone (the subjects are read only when no title has the words)
    assert json.loads(run("timeline", "--search", "đội ngũ trí thức", "--json").stdout)["doc"] == \
        "83-kh-tu-2024-khanh-hoa"
