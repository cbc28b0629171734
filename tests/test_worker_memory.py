"""What a worker of ``extract`` keeps between files stays small: its caches keep the short lines and names that
repeat from file to file, not every file's text or path (issue 18: the process tree's peak memory)."""

from __future__ import annotations

import pytest

from docgraph import header
from docgraph.lexicon import load_lexicon

PARAGRAPH = ("Ngày 25 tháng 12 năm 2023, Ủy ban nhân dân tỉnh đã ban hành văn bản hướng dẫn các sở, ngành và địa"
             " phương triển khai thực hiện; các cơ quan, đơn vị báo cáo kết quả trước ngày 30 hằng tháng ") * 2
SHORT = ["Hà Nội, ngày 25 tháng 12 năm 2023", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "KẾ HOẠCH", "Số: 12/KH-UBND"]


@pytest.mark.parametrize("name", ["_motto", "_place_date", "_heading_type"])
def test_the_header_line_caches_keep_short_lines_only(name):
    lexicon = load_lexicon()
    rest = {"_motto": (header._words(lexicon),), "_place_date": (), "_heading_type": (lexicon,)}[name]
    f = getattr(header, name)
    f.cache_clear()
    assert len(PARAGRAPH) > header._CACHED_LINE
    for i in range(5):  # a long line is worked out each time, with the same answer as the function itself
        line = PARAGRAPH + str(i)
        got, plain = f(line, *rest), f.__wrapped__(line, *rest)
        assert (got is None) == (plain is None) and (got is None or got.span() == plain.span()
                                                      if hasattr(got, "span") else got == plain)
    assert f.cache_info().currsize == 0
    for line in SHORT:
        assert f(line, *rest) == f(line, *rest)  # the second call is the cached answer
    assert f.cache_info().currsize == len(SHORT)
    assert f.cache_info().hits == len(SHORT)


def test_a_long_line_still_gives_its_place_and_date():
    line = "Hà Nội, ngày 25 tháng 12 năm 2023 " + "các cơ quan, đơn vị báo cáo kết quả thực hiện " * 5
    header._place_date.cache_clear()
    m = header._place_date(line)
    assert len(line) > header._CACHED_LINE and m.group(0) == "Hà Nội, ngày 25 tháng 12 năm 2023"
    assert header._place_date.cache_info().currsize == 0


def test_a_files_own_id_is_its_slugged_path_and_keeps_no_cache_entry():
    from docgraph.identity import file_doc_id
    from docgraph.normalize import fold, slug, slug_once

    for path in ["vb/Kế hoạch số 5 (bản cuối).txt", "ĐẢNG ỦY/Thông báo.md", "a//b--c.txt"]:
        want = slug(path)
        slug.cache_clear()
        fold.cache_clear()
        assert slug_once(path) == want and file_doc_id(path) == "file-" + want
        assert slug.cache_info().currsize == 0 and fold.cache_info().currsize == 0
    assert file_doc_id("vb/Kế hoạch số 5.txt") == "file-vb-ke-hoach-so-5-txt"


def test_the_gazetteer_lets_its_data_go_once_both_indexes_are_built():
    from docgraph.gazetteer import Gazetteer, data_path
    import json

    lx = load_lexicon()
    g = Gazetteer(json.loads(data_path().read_text(encoding="utf-8")), dict(lx.place_words), "2025-07-01")
    assert "before" in g._data
    assert g.districts("Lạng Giang")[0].province == "Bắc Giang"  # the districts' index alone: the data stays
    assert "before" in g._data and "after" in g._data
    communes = g.communes("Phường Bến Nghé") or g.communes("Bến Nghé")
    assert communes and all(c.province == "Hồ Chí Minh" for c in communes)
    assert "before" not in g._data and "after" not in g._data and g._data["about"] == g.about
    assert g.lookup("Lạng Giang") and g.districts_of("Bắc Giang") and g.communes_of("Ninh Bình")
