"""The issuer a document is shown with: a code of one central body names it, whatever spelling the text has."""

from __future__ import annotations

import pytest

from docgraph.engine import get_engine
from docgraph.lexicon import load_lexicon
from docgraph.pipeline import analyse_text

# (issuer code, the phrase read from the text, the name the document is shown with)
NAMES = [
    ("CP", "Chỉnh phú", "Chính phủ"),  # OCR damage
    ("CP", "Chinh phi", "Chính phủ"),
    ("CP", "chính phủ", "Chính phủ"),  # case
    ("CP", "Chính phủ quy định chi tiết", "Chính phủ"),  # words of the title run into the phrase
    ("CP", "Chinh phu cong hoa xa hoi chu nghia viet nam", "Chính phủ"),  # the motto run into a header's issuer
    ("CP", "Hội đồng Chính phủ", "Hội đồng Chính phủ"),  # the Government's older name: another name of the code
    ("TTg", "TTCP", "Thủ tướng Chính phủ"),
    ("TTg", "THỦ TƯỚNG CHÍNH PHỦ", "Thủ tướng Chính phủ"),
    ("QH15", "quốc hội", "Quốc hội"),  # the term's digits do not matter
    ("UBTVQH14", "Ủy ban thường vụ Quốc hội", "Ủy ban Thường vụ Quốc hội"),
    ("BTC", "Bộ trưởng Bộ Tài chính", "Bộ Tài chính"),  # the minister signs for the ministry
    ("BLĐTBXH", "Bộ Lao động - Thương binh và Xã Hội", "Bộ Lao động - Thương binh và Xã hội"),
    ("BYT", "bộ y tế", "Bộ Y tế"),
    # TW stands for three bodies: the one the phrase names, in the table's spelling, else the table's name
    ("TW", "Bộ Chính trị", "Bộ Chính trị"),
    ("TW", "bo chinh tri", "Bộ Chính trị"),
    ("TW", "Ban Bí thư Trung ương Đảng", "Ban Bí thư"),
    ("TW", "ban chấp hành trung ương đảng khóa XIII", "Ban Chấp hành Trung ương"),
    ("TW", "Hội nghị lần thứ tám Ban Chấp hành Trung ương", "Ban Chấp hành Trung ương"),
    ("TW", "Ban Chấp hành", "Ban Chấp hành Trung ương"),  # begins to name it
    ("TW", "Bộ Chính trị và Ban Bí thư", "Bộ Chính trị"),  # the first one named
    ("TW", "Trung ương", "Trung ương"),
    # other ways a text names one of them (said_as): a plenum is the Central Committee meeting
    ("TW", "Hội nghị Trung ương 6 khóa XII", "Ban Chấp hành Trung ương"),
    ("TƯ", "Hội nghị Trung ương 7", "Ban Chấp hành Trung ương"),
    ("TW", "BCH TW khóa XIII", "Ban Chấp hành Trung ương"),
    ("TW", "Bộ Chính trị và BCH Trung ương", "Bộ Chính trị"),  # the first one named, spelled either way
    # kept as read: local and ambiguous codes (every province has one), joint codes, codes not in the table
    ("UBND", "UBND tỉnh Lào Cai", "UBND tỉnh Lào Cai"),
    ("HĐND", "Hội đồng nhân dân tỉnh", "Hội đồng nhân dân tỉnh"),
    ("TU", "Tỉnh ủy Khánh Hòa", "Tỉnh ủy Khánh Hòa"),
    ("BTGTU", "Ban Tuyên giáo Tỉnh ủy Yên Bái", "Ban Tuyên giáo Tỉnh ủy Yên Bái"),
    ("BTC-BNV", "Bộ Tài chính và Bộ Nội vụ", "Bộ Tài chính và Bộ Nội vụ"),
    ("BCA-C04", "Bộ trưởng Bộ Công an", "Bộ trưởng Bộ Công an"),
    ("XYZ", "Một cơ quan", "Một cơ quan"),
    # a phrase naming a place is a local body's, whatever the code, unless it opens with a central one
    ("BTC", "UBND tỉnh Lạng Sơn", "UBND tỉnh Lạng Sơn"),
    ("TTg", "thủ tướng chính phủ trên địa bàn tỉnh Bình Dương", "Thủ tướng Chính phủ"),
    ("CP", None, None),  # no phrase: nothing is made up
    (None, "Chỉnh phú", "Chỉnh phú"),
]


@pytest.mark.parametrize("code,phrase,name", NAMES)
def test_the_name_of_an_issuer_code(code, phrase, name):
    assert load_lexicon().issuer_name(code, phrase) == name


# (a citing text, the issuer of the cited mention)
CITED = [
    ("Căn cứ Nghị định số 35/2023/NĐ-CP ngày 20/6/2023 của Chỉnh phú về xây dựng;", "Chính phủ"),
    ("Thực hiện Quyết định số 1017/QĐ-TTg ngày 05/8/2023 của TTCP về đào tạo;", "Thủ tướng Chính phủ"),
    ("Thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chinh tri về đại hội;", "Bộ Chính trị"),
    ("Thực hiện Kế hoạch số 83-KH/TU ngày 16/7/2024 của Tỉnh uỷ Bắc Giang về đại hội;", "Tỉnh uỷ Bắc Giang"),
    # the phrase names a province: the document is not the central body's, whatever its code
    ("Căn cứ Quyết định số 12/QĐ-BTC ngày 02/01/2024 của UBND tỉnh Lạng Sơn;", "UBND tỉnh Lạng Sơn"),
    # the issuer ends where the sentence's verb begins (the issuer_stop words)
    ("Theo Văn bản số 88/UBND-KT ngày 03/4/2024 của UBND tỉnh Yên Bái chấp thuận Công ty A đầu tư dự án;",
     "UBND tỉnh Yên Bái"),
    ("Quyết định số 7/QĐ-UBND ngày 05/01/2024 của Chủ tịch UBND tỉnh Yên Bái giữ nguyên hiệu lực;",
     "Chủ tịch UBND tỉnh Yên Bái"),
]


@pytest.mark.parametrize("text,issuer", CITED)
def test_a_cited_document_takes_its_codes_name(text, issuer):
    res = analyse_text(text, "note.txt", get_engine(None))
    assert [m.issuer for m in res.mentions] == [issuer]


def test_a_damaged_header_of_a_central_document_gives_the_codes_name():
    text = ("CHINH PHU\n\nSố: 12/2024/NĐ-CP\n\nHà Nội, ngày 05 tháng 02 năm 2024\n\nNGHỊ ĐỊNH\n"
            "Quy định một việc thử\n\nCăn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;\n")
    res = analyse_text(text, "nd.txt", get_engine(None))
    assert (res.header.issuer, res.header.issuer_code, res.header.level) == ("Chính phủ", "CP", "central")
    own = [m for m in res.mentions if m.own]
    assert [m.issuer for m in own] == ["Chính phủ"]


def test_a_local_header_keeps_its_own_name():
    text = ("UBND TỈNH LẠNG SƠN\nSỞ Y TẾ\n\nSố: 215/KH-SYT\n\nLạng Sơn, ngày 05 tháng 3 năm 2024\n\nKẾ HOẠCH\n"
            "Thực hiện một việc thử\n")
    res = analyse_text(text, "kh.txt", get_engine(None))
    assert res.header.issuer == "UBND tỉnh Lạng Sơn - Sở Y tế"


def test_a_user_table_may_give_another_name(tmp_path):
    (tmp_path / "codes.yaml").write_text(
        'tables:\n  issuers:\n    "CP": {level: central, branch: state, name: "Chính phủ nước CHXHCN Việt Nam"}\n'
        '    "UBND": {level: ambiguous, branch: state, name: "Ủy ban nhân dân"}\n'
        '    "HĐND": {level: ambiguous, branch: state, name: "Hội đồng nhân dân"}\n'
        '    "ĐU": {level: ambiguous, branch: party}\n    "MTTQ": {level: ambiguous, branch: state}\n'
        '    "VP": {level: ambiguous, branch: state}\n    "BCĐ": {level: ambiguous, branch: state}\n'
        '    "CB": {level: commune, branch: party}\n', encoding="utf-8")
    assert load_lexicon(str(tmp_path)).issuer_name("CP", "Chỉnh phú") == "Chính phủ nước CHXHCN Việt Nam"
