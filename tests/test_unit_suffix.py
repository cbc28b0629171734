"""A drafting unit's sub-code in brackets after the issuer (police units: "TTr-CAT(PC04)") is part of the symbol, read
as the hyphenated form the same units also write ("KH-CAT-PC04"); CAT is a province's police."""

from __future__ import annotations

import json

import pytest

from cli_helpers import run
from docgraph.engine import get_engine

# (text, number, symbol, date) of the one reference read
READ = [
    ("theo đề nghị tại Tờ trình số 52/TTr-CAT(PC04) ngày 12 tháng 5 năm 2025.", "52", "TTr-CAT-PC04", "2025-05-12"),
    ("Kế hoạch số 21/KH-CAT-PC04 ngày 09/7/2025", "21", "KH-CAT-PC04", "2025-07-09"),
    ("Số: 52 /TTr-CAT(PC04)", "52", "TTr-CAT-PC04", None),
    # a bracket that is no unit code stays out of the symbol
    ("Quyết định số 14/QĐ-UBND (bản sao) ngày 01/3/2024", "14", "QĐ-UBND", None),
    ("Quyết định số 15/QĐ-UBND(1) ngày 02/3/2024", "15", "QĐ-UBND", None),
]


@pytest.mark.parametrize("text,number,symbol,date", READ)
def test_a_bracketed_unit_is_part_of_the_symbol(text, number, symbol, date):
    ms = [m for m in get_engine(None).extract(text) if m.number]
    assert [(m.number, m.symbol) for m in ms] == [(number, symbol)]
    if date:
        assert ms[0].date == date


def test_the_police_are_a_provincial_issuer():
    m = get_engine(None).extract("Kế hoạch số 21/KH-CAT-PC04 ngày 09/7/2025")[0]
    assert (m.issuer_code, m.level, m.branch) == ("CAT-PC04", "provincial", "state")


def test_a_decision_answers_the_submission_of_the_folder(work):
    (work / "ttr.txt").write_text("CÔNG AN TỈNH LÂM ĐỒNG\nSố: 52 /TTr-CAT(PC04)\nLâm Đồng, ngày 12 tháng 5 năm 2025\n\n"
                                  "TỜ TRÌNH\nVề việc thành lập một hội đồng thử\n", encoding="utf-8")
    (work / "qd.txt").write_text("ỦY BAN NHÂN DÂN\nTỈNH LÂM ĐỒNG\nSố: 9/QĐ-UBND\nLâm Đồng, ngày 20 tháng 5 năm 2025\n\n"
                                 "QUYẾT ĐỊNH\nVề việc thành lập một hội đồng thử\n\nTheo đề nghị của Công an tỉnh tại"
                                 " Tờ trình số 52/TTr-CAT(PC04) ngày 12 tháng 5 năm 2025.\n", encoding="utf-8")
    assert run("extract", "ttr.txt", "qd.txt", "-q").exit_code == 0
    r = run("show", "52/TTr-CAT-PC04", "--json")
    assert r.exit_code == 0, r.output
    card = json.loads(r.stdout)
    doc = card.get("document", card)
    assert doc["source_file"] == "ttr.txt" and doc["level"] == "provincial"
    assert "52-ttr-cat-pc04-2025-lam-dong" in r.stdout and "9-qd-ubnd-2025-lam-dong" in r.stdout
