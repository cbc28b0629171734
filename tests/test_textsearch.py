"""Words of a title as typed: with diacritics they match with diacritics, without they match folded; a phrase
ranks first."""

from __future__ import annotations

import json

import pytest

from cli_helpers import run
from docgraph.textsearch import NEAR, PHRASE, SCATTERED, WordQuery

# (query, a title, the rank it gets, or None when it does not match)
RANKS = [
    ("Hiến pháp", "Căn cứ Hiến pháp năm 2013", PHRASE),
    ("Hiến pháp", "thực hiện quy định pháp luật về vật liệu nổ", None),  # "hiện" is not "Hiến"
    ("hien phap", "thực hiện quy định pháp luật về vật liệu nổ", SCATTERED),  # no diacritics typed: folded
    ("hien phap", "Căn cứ Hiến pháp năm 2013", PHRASE),
    ("HIẾN PHÁP", "căn cứ hiến pháp", PHRASE),  # any case
    ("Khánh Hoà", "Kế hoạch của Tỉnh ủy Khánh Hòa", PHRASE),  # old and new tone placement
    ("Tỉnh ủy", "TỈNH UỶ QUẢNG NINH", PHRASE),
    ("Đảng", "Ban Chấp hành Ðảng bộ tỉnh", PHRASE),  # a Latin eth read as Đ
    ("đảng", "đăng ký kinh doanh", None),
    ("trí thức", "xây dựng đội ngũ trí thức", PHRASE),
    ("trí thức", "trích lục hồ sơ thức ăn", None),  # whole words only
    ("hien", "cải thiện môi trường", None),  # whole words, also folded
    ("đội ngũ trí thức", "đội ngũ các trí thức", NEAR),  # one word between
    ("trí thức đội ngũ", "đội ngũ trí thức", NEAR),  # another order
    ("đội ngũ trí thức", "trí thức trẻ và phát triển đội ngũ giáo viên", SCATTERED),
    ("35-CT/TW", "Chỉ thị 35-CT/TW (2024)", PHRASE),
    ("", "anything", None),
]


@pytest.mark.parametrize("query,title,rank", RANKS)
def test_the_rank_of_a_title(query, title, rank):
    assert WordQuery(query).rank(title) == rank


def test_the_best_of_several_texts_counts():
    assert WordQuery("bảo vệ trẻ em").rank("Chỉ thị 28-CT/TW", None, "tăng cường bảo vệ trẻ em") == PHRASE


def _prepare(folder):
    folder = folder / "samples"
    (folder / "phrase.txt").write_text("UBND TỈNH BẮC GIANG\nSố: 7/KH-UBND\nBắc Giang, ngày 02 tháng 3 năm 2024\n\n"
                                       "KẾ HOẠCH\nTuyên truyền Hiến pháp năm 2013\n", encoding="utf-8")
    (folder / "apart.txt").write_text("UBND TỈNH BẮC GIANG\nSố: 8/KH-UBND\nBắc Giang, ngày 03 tháng 3 năm 2024\n\n"
                                      "KẾ HOẠCH\nThực hiện Hiến chương và các văn bản pháp luật về công đoàn\n",
                                      encoding="utf-8")
    (folder / "loose.txt").write_text("UBND TỈNH BẮC GIANG\nSố: 9/KH-UBND\nBắc Giang, ngày 04 tháng 3 năm 2024\n\n"
                                      "KẾ HOẠCH\nThực hiện pháp luật về phòng cháy\n", encoding="utf-8")


# (query, the documents found, in order)
FOUND = [
    ("Hiến pháp", ["7-kh-ubnd-2024-bac-giang", "8-kh-ubnd-2024-bac-giang"]),  # the phrase first, then apart
    # typed without diacritics: "Thực hiện pháp luật" holds "hien phap" as a phrase, folded
    ("hien phap", ["7-kh-ubnd-2024-bac-giang", "9-kh-ubnd-2024-bac-giang", "8-kh-ubnd-2024-bac-giang"]),
    ("Thực hiện pháp luật", ["9-kh-ubnd-2024-bac-giang", "8-kh-ubnd-2024-bac-giang"]),
    ("pháp Hiến", ["7-kh-ubnd-2024-bac-giang", "8-kh-ubnd-2024-bac-giang"]),  # near (another order), then apart
]


@pytest.mark.parametrize("query,ids", FOUND)
def test_find_search_ranks_and_keeps_its_json_shape(extract_once, query, ids):
    extract_once(_prepare)
    r = run("find", "--search", query, "--json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    found = [d["id"] for d in rows if d["id"] in {"7-kh-ubnd-2024-bac-giang", "8-kh-ubnd-2024-bac-giang",
                                                   "9-kh-ubnd-2024-bac-giang"}]
    assert found == ids
    assert all(isinstance(d, dict) and {"id", "label", "title", "issuer"} <= set(d) for d in rows)


def test_a_query_with_diacritics_finds_nothing_loose(extract_once):
    extract_once(_prepare)
    r = run("find", "--search", "Hiến pháp luật phòng")
    assert r.exit_code == 4 and "no document matching" in r.output


def test_the_help_says_how_it_searches():
    out = run("find", "--help").output
    assert "diacritics" in out and "phrase" in out
