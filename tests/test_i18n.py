"""The Vietnamese interface: the language chosen by --lang, $DOCGRAPH_LANG or the locale; messages, help, tables,
relation and level names and the report in Vietnamese; JSON unchanged; the shipped catalog complete and compiled."""

from __future__ import annotations

import datetime as dt
import gettext
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import run, runner
from docgraph import i18n
from docgraph.cli import app
from docgraph.model import LEVELS, RELATIONS

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "docgraph" / "locale" / "vi" / "LC_MESSAGES" / "docgraph.po"
MO = PO.with_suffix(".mo")


@pytest.fixture(autouse=True)
def _english_after():
    yield
    i18n.set_language("en")


def vi(*args: str, **env: str):
    """The command run in-process with DOCGRAPH_LANG=vi (or the given environment)."""
    return runner.invoke(app, list(args), env=env or {"DOCGRAPH_LANG": "vi"})


@pytest.mark.parametrize("explicit, env, expected", [
    (None, {}, "en"),
    ("vi", {}, "vi"),
    ("en", {"DOCGRAPH_LANG": "vi"}, "en"),  # --lang first
    (None, {"DOCGRAPH_LANG": "vi", "LANG": "en_US.UTF-8"}, "vi"),
    (None, {"DOCGRAPH_LANG": "en", "LANG": "vi_VN.UTF-8"}, "en"),  # then DOCGRAPH_LANG
    (None, {"LANG": "vi_VN.UTF-8"}, "vi"),  # then the locale
    (None, {"LC_MESSAGES": "vi_VN", "LANG": "en_GB.UTF-8"}, "vi"),
    (None, {"LC_ALL": "vi_VN.utf8", "LC_MESSAGES": "en_US"}, "vi"),
    (None, {"LC_ALL": "en_US.UTF-8", "LANG": "vi_VN.UTF-8"}, "en"),  # LC_ALL wins
    (None, {"LC_ALL": "C.UTF-8", "LANG": "vi_VN.UTF-8"}, "vi"),  # C names no language: the next one is read
    (None, {"LANG": "fr_FR.UTF-8"}, "en"),  # no French catalog
    (None, {"DOCGRAPH_LANG": "xx"}, "en"),
    ("vi-VN", {}, "vi"),
    ("VI", {}, "vi"),
])
def test_language_is_chosen_by_option_then_docgraph_lang_then_locale(explicit, env, expected):
    assert i18n.choose_language(explicit, env) == expected


def test_an_unknown_lang_is_a_usage_error(work):
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        i18n.choose_language("fr", {})
    r = run("--lang", "fr", "stats")
    assert r.exit_code == 2 and "unknown language 'fr'" in r.stderr


def test_every_relation_and_level_has_a_vietnamese_name():
    i18n.set_language("vi")
    names = {r: i18n.relation_name(r) for r in RELATIONS}
    assert names["implements"] == "thực hiện" and names["based_on"] == "căn cứ" and names["guides"] == "hướng dẫn"
    assert names["amends"] == "sửa đổi" and names["replaces"] == "thay thế" and names["repeals"] == "bãi bỏ"
    assert names["responds_to"] == "trả lời" and names["cites"] == "dẫn chiếu"
    assert names["suspends"] == "tạm đình chỉ" and names["corrects"] == "đính chính"
    assert names["consolidates"] == "hợp nhất"
    assert all(n != r for r, n in names.items()), names  # none left in English
    assert [i18n.level_name(lv) for lv in LEVELS] == ["Trung ương", "tỉnh", "sở/ngành", "huyện", "xã", "chưa rõ"]
    i18n.set_language("en")
    assert i18n.relation_name("based_on") == "based_on" and i18n.level_name("department") == "department"


# ---------------------------------------------------------------------------------------------------- the CLI
def test_query_output_in_vietnamese_under_docgraph_lang(indexed):
    tree = vi("implementers", "Chỉ thị 35-CT/TW", "--evidence")
    assert tree.exit_code == 0, tree.output
    assert "Chỉ thị 35-CT/TW (2024)  2024-06-14 · Trung ương" in tree.stdout
    assert "thực hiện, +59 ngày  [15-kh-snv-2024-bac-giang]" in tree.stdout
    assert "· sở/ngành · Bắc Giang" in tree.stdout and "căn cứ, +75 ngày" in tree.stdout
    assert "7 văn bản thực hiện" in tree.stdout
    assert "implements" not in tree.stdout and "days" not in tree.stdout
    tl = vi("timeline", "35-CT/TW")
    assert "văn bản thực hiện có ngày, theo thứ tự thời gian" in tl.stdout and "độ trễ trung vị theo cấp" in tl.stdout
    gaps = vi("gaps", "35-CT/TW", "--level", "department")
    assert "Đơn vị cấp sở/ngành và Chỉ thị 35-CT/TW" in gaps.stdout
    assert "Bắc Giang (nay là Bắc Ninh): 3/3 đơn vị cấp sở/ngành đã thực hiện" in gaps.stdout
    assert "1 đơn vị chưa có văn bản thực hiện: SKHCN" in gaps.stdout
    card = vi("show", "83-kh-tu-2024-bac-giang")
    assert "được nhắc đến tại" in card.stdout and "liên kết đi (văn bản này → văn bản khác)" in card.stdout
    # the same answer in English, and JSON whatever the language
    assert "implements, +59 days" in run("implementers", "Chỉ thị 35-CT/TW").stdout
    assert vi("implementers", "35-CT/TW", "--json").stdout == run("implementers", "35-CT/TW", "--json").stdout
    assert vi("stats", "--json").stdout == run("stats", "--json").stdout


def test_errors_and_help_in_vietnamese(indexed):
    r = vi("show", "Chỉ thị 99-CT/TW")
    assert r.exit_code == 4
    assert r.stderr == ("lỗi: không có văn bản nào khớp với 'Chỉ thị 99-CT/TW' trong chỉ mục (thử --search để tìm theo"
                        " từ trong trích yếu)\n")
    r = vi("find", "35-CT/TW", "--limit", "-1")
    assert r.exit_code == 2 and r.stderr == "lỗi: --limit phải từ 0 (tất cả) trở lên\n"
    r = vi("--lang", "vi", "report", "35-CT/TW", "-o", "x.pdf")
    assert r.stderr == "lỗi: không thể ghi báo cáo thành 'x.pdf': hãy chỉ định tệp có đuôi .xlsx hoặc .docx\n"
    h = vi("report", "--help")
    assert h.exit_code == 0
    assert "Báo cáo tình hình thực hiện văn bản QUERY" in h.stdout and "Tùy chọn" in h.stdout
    assert "Hiển thị hướng dẫn này rồi thoát." in h.stdout and "Cách dùng:" in h.stdout
    assert "Show this message" not in h.stdout
    top = runner.invoke(app, ["--lang", "vi", "--help"])
    assert "Đồ thị trích dẫn văn bản của Đảng và Nhà nước" in top.stdout and "Lệnh:" in top.stdout
    assert "Options" in run("--help").stdout  # English again without it


@pytest.mark.slow
def test_vietnamese_from_the_locale_and_from_lang_in_a_real_run(indexed):
    """A vi_VN locale (LANG, or LC_ALL over an English LANG) gives Vietnamese; --lang en overrides it."""
    base = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE",
                                                             "DOCGRAPH_LANG")}

    def cli(env: dict, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "docgraph", *args], capture_output=True, text=True,
                              encoding="utf-8", env={**base, "COLUMNS": "120", **env}, cwd=indexed, timeout=120)

    for env in ({"LANG": "vi_VN.UTF-8"}, {"LC_ALL": "vi_VN.UTF-8", "LANG": "en_US.UTF-8"}, {"DOCGRAPH_LANG": "vi"}):
        p = cli(env, "timeline", "Chỉ thị 35-CT/TW")
        assert p.returncode == 0, p.stderr
        assert "độ trễ trung vị theo cấp" in p.stdout and "+32 ngày" in p.stdout, env
    p = cli({"LANG": "vi_VN.UTF-8"}, "--lang", "en", "timeline", "Chỉ thị 35-CT/TW")
    assert "median lag by level" in p.stdout
    p = cli({"LANG": "vi_VN.UTF-8"}, "show")
    assert p.returncode == 2 and p.stderr == "lỗi: Thiếu tham số 'query'. (xem 'python -m docgraph show --help')\n"
    p = cli({"LANG": "vi_VN.UTF-8"}, "gaps", "83-kh-tu-2024-bac-giang")
    assert p.returncode == 2 and p.stderr == ("lỗi: 83-kh-tu-2024-bac-giang là văn bản của địa phương: hãy chọn cấp đơn "
                                              "vị cần đối chiếu bằng --level (department, district hoặc commune)\n")
    p = cli({"DOCGRAPH_LANG": "vi"}, "--help")
    assert p.stdout.startswith("Cách dùng: python -m docgraph [OPTIONS] COMMAND [ARGS]...")



def _view_data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="docgraph-data">(.*?)</script>', page, re.S)
    assert m, page[:300]
    return json.loads(m.group(1))


@pytest.mark.parametrize("env", [{"DOCGRAPH_LANG": "vi"}, {"LANG": "vi_VN.UTF-8"}])
def test_html_view_in_vietnamese(indexed, env):
    """The page's words, relation and level names come from the catalog; the data (relation keys) stays English."""
    r = runner.invoke(app, ["export", "-f", "html", "-o", "view.html"], env={"DOCGRAPH_LANG": None, "LC_ALL": None, "LC_MESSAGES": None, **env})
    assert r.exit_code == 0, r.output
    assert "đã xuất html" in r.stderr + r.stdout
    page = (indexed / "view.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in page and 'placeholder="Tìm văn bản…"' in page
    data = _view_data(page)
    s = data["meta"]["strings"]
    expected = {"whole": "Toàn bộ đồ thị", "levels": "Cấp", "relations": "Quan hệ", "evidence": "Câu dẫn chứng",
                "all_provinces": "Tất cả tỉnh, thành phố", "more_evidence": "và {n} mục khác", "close": "Đóng"}
    assert {k: s[k] for k in expected} == expected
    assert s["relation_names"]["suspends"] == "tạm đình chỉ" and s["relation_names"]["corrects"] == "đính chính"
    assert s["relation_names"]["consolidates"] == "hợp nhất" and s["level_names"]["department"] == "sở/ngành"
    assert {e["relation"] for e in data["edges"]} <= set(RELATIONS)  # the data keeps the English keys


def test_dated_before_mark_and_large_view_warning_are_translated():
    i18n.set_language("vi")
    from docgraph import render
    assert i18n._(render.DATED_BEFORE) == "⚠ ban hành trước văn bản được thực hiện"
    msg = i18n._("{n} documents: the HTML view opens on the neighbourhood of {label} [{id}] ('{whole}' in the page"
                 " shows them all); --from QUERY exports one document's neighbourhood only")
    assert msg.startswith("{n} văn bản: trang HTML mở ở vùng lân cận của {label} [{id}]")

# ---------------------------------------------------------------------------------------------------- the report
def test_report_in_vietnamese(indexed):
    openpyxl = pytest.importorskip("openpyxl")
    docx = pytest.importorskip("docx")
    assert vi("report", "Chỉ thị 35-CT/TW", "-o", "bao-cao.xlsx").exit_code == 0
    wb = openpyxl.load_workbook(indexed / "bao-cao.xlsx")
    assert wb.sheetnames == ["Tổng hợp", "Văn bản thực hiện", "Đơn vị chưa thực hiện"]
    ws = wb["Văn bản thực hiện"]
    assert [c.value for c in ws[1]] == [
        "Tỉnh, thành phố", "Cấp", "Đơn vị", "Cơ quan ban hành", "Loại văn bản", "Số, ký hiệu", "Ngày ban hành",
        "Độ trễ (ngày)", "Quan hệ", "Thực hiện văn bản", "Câu dẫn chứng", "Tệp nguồn", "Dòng", "Mã văn bản"]
    rows = {r[5]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    snv = rows["15/KH-SNV"]
    assert snv[1] == "sở/ngành" and snv[8] == "thực hiện" and snv[6] == dt.datetime(2024, 8, 12) and snv[7] == 59
    assert rows["2417/STC-HCSN"][8] == "căn cứ" and rows["83-KH/TU"][1] == "tỉnh"
    assert ws["G2"].number_format == "dd/mm/yyyy"
    summary = wb["Tổng hợp"]
    assert summary["A1"].value == "Báo cáo tình hình thực hiện Chỉ thị 35-CT/TW (2024)"
    assert summary["A4"].value.startswith("Có 7 văn bản thực hiện Chỉ thị 35-CT/TW (2024), do 6 đơn vị thuộc 1 tỉnh,"
                                          " thành phố (Bắc Giang) ban hành. Độ trễ trung vị là 57 ngày")
    assert "Chưa có đơn vị nào của 1 tỉnh, thành phố triển khai thực hiện: Khánh Hòa." in summary["A4"].value
    assert "Còn 2 đơn vị chưa ban hành văn bản thực hiện: Tỉnh ủy Khánh Hòa (Khánh Hòa, tỉnh); Sở Khoa học và" \
           " Công nghệ (Khánh Hòa, sở/ngành)." in summary["A4"].value
    assert [r[:3] for r in wb["Đơn vị chưa thực hiện"].iter_rows(min_row=2, values_only=True)] == [
        ("Khánh Hòa", "tỉnh", "Tỉnh ủy Khánh Hòa"), ("Khánh Hòa", "sở/ngành", "Sở Khoa học và Công nghệ")]

    assert vi("report", "35-CT/TW", "-o", "bao-cao.docx").exit_code == 0
    d = docx.Document(str(indexed / "bao-cao.docx"))
    paras = [p.text for p in d.paragraphs if p.text]
    assert paras[:2] == ["Báo cáo tình hình thực hiện Chỉ thị 35-CT/TW (2024)",
                         "ban hành ngày 14/06/2024; cơ quan ban hành: Bộ Chính trị"]
    assert "Văn bản thực hiện" in paras and "Đơn vị chưa thực hiện" in paras
    table = d.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Tỉnh, thành phố", "Cấp", "Đơn vị", "Văn bản", "Ngày ban hành",
                                                     "Độ trễ (ngày)", "Quan hệ", "Câu dẫn chứng"]
    (snv,) = [[c.text for c in r.cells] for r in table.rows[1:] if r.cells[3].text == "Kế hoạch 15/KH-SNV"]
    assert snv[1:3] == ["sở/ngành", "Sở Nội vụ"] and snv[4:7] == ["12/08/2024", "59",
                                                                  "thực hiện: Kế hoạch 120/KH-UBND (Bắc Giang)"]


# ---------------------------------------------------------------------------------------------------- the catalog
def _code_messages() -> set:
    """Every message of the code, as Babel extracts it with the project's mapping (babel.cfg) and keywords."""
    babel = pytest.importorskip("babel.messages.extract")
    sys.path.insert(0, str(ROOT))
    try:
        from tools.catalogs import KEYWORDS  # noqa: F401 - the keywords tools/catalogs.py passes to pybabel

        keywords = dict(babel.DEFAULT_KEYWORDS, N_=None, NP_=((1, "c"), 2))
        from babel.messages.frontend import parse_mapping_cfg

        with open(ROOT / "babel.cfg", encoding="utf-8") as f:
            method_map, options_map = parse_mapping_cfg(f)
        out = set()
        for _file, _line, msg, _comments, context in babel.extract_from_dir(
                str(ROOT), method_map, options_map, keywords=keywords):
            out.add((context, msg))
        return out
    finally:
        sys.path.remove(str(ROOT))


def _po() -> dict:
    from babel.messages.pofile import read_po

    with open(PO, "rb") as f:
        cat = read_po(f)
    return {(m.context, m.id): m for m in cat if m.id}


def test_every_message_of_the_code_has_a_vietnamese_translation():
    code = _code_messages()
    po = _po()
    assert len(code) > 200
    missing = sorted(str(k) for k in code if k not in po or not po[k].string or
                     (isinstance(po[k].string, tuple) and not all(po[k].string)) or po[k].fuzzy)
    assert not missing, f"not translated (run python tools/catalogs.py and translate): {missing[:10]}"
    # the same placeholders in each translation as in its message
    for key, m in po.items():
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        want = set(re.findall(r"\{[^}]*\}", ids[-1]))
        for s in strings:
            assert set(re.findall(r"\{[^}]*\}", s)) == want, (key, s)


def test_the_compiled_catalog_is_that_of_the_po_file():
    """The .mo shipped with the package says what the .po says (python tools/catalogs.py --compile after an edit)."""
    po = _po()
    with open(MO, "rb") as f:
        mo = gettext.GNUTranslations(f)
    for (context, msgid), m in po.items():
        if isinstance(msgid, tuple):
            assert mo.ngettext(msgid[0], msgid[1], 1) == m.string[0], msgid
        elif context:
            assert mo.pgettext(context, msgid) == m.string, (context, msgid)
        else:
            assert mo.gettext(msgid) == m.string, msgid
    # and nothing more: the .mo holds no message the .po has dropped
    assert len(mo._catalog) == len(po) + 1  # plus the header  # noqa: SLF001


def test_catalogs_are_package_data():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"locale/*/LC_MESSAGES/*.mo"' in text and '"locale/*/LC_MESSAGES/*.po"' in text
    assert i18n.LOCALE_DIR == ROOT / "docgraph" / "locale" and MO.exists()
