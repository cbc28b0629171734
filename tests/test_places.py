"""Places: the gazetteer, the province of a local document (issuer phrase, header, place-date line, parent unit,
folder default) and what it does to identity. The texts are our own wording."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from docgraph.engine import get_engine
from docgraph.lexicon import load_lexicon
from docgraph.gazetteer import name_key
from docgraph.pipeline import analyse_text

from cli_helpers import run


@pytest.fixture(scope="module")
def g():
    return load_lexicon().gazetteer


@pytest.fixture(scope="module")
def engine():
    return get_engine(None)


# ------------------------------------------------------------------------------------------------ the gazetteer
def test_gazetteer_holds_both_maps_and_the_merger(g):
    before = [p for p in g.provinces.values() if p.before]
    after = [p for p in g.provinces.values() if p.after]
    assert (len(before), len(after)) == (63, 34)
    assert sum(len(g.communes_of(p.name)) for p in after) == 3321
    assert len(g.districts_of("Bắc Giang")) == 10 and g.province("Phú Thọ").capital == "Việt Trì"
    assert all(p.merged_into and g.province(p.merged_into).after for p in before)
    assert g.merged_into("Bắc Giang") == "Bắc Ninh" and g.merged_into("Hà Nam") == "Ninh Bình"
    assert g.members("Ninh Bình") == ("Hà Nam", "Nam Định", "Ninh Bình")
    assert g.members("Nam Định") == ("Nam Định",)  # an old name: itself only
    assert g.members("Hà Nội") == ("Hà Nội",)
    assert g.members("Narnia") == ()


@pytest.mark.parametrize("name, canon", [
    ("Khánh Hoà", "Khánh Hòa"), ("KHÁNH HÒA", "Khánh Hòa"), ("khánh hòa", "Khánh Hòa"), ("Tỉnh Thanh Hoá", "Thanh Hóa"),
    ("Thành phố Hồ Chí Minh", "Hồ Chí Minh"), ("TP.HCM", "Hồ Chí Minh"), ("Thừa Thiên Huế", "Huế"),
    ("Bà Rịa-Vũng Tàu", "Bà Rịa - Vũng Tàu"), ("Căn", None), ("Bảng", None), ("Hội", None),
])
def test_province_names_fold_case_and_tone_placement(g, name, canon):
    p = g.province(name)
    assert (p.name if p else None) == canon


def test_name_key_folds_case_tones_and_dashes():
    assert name_key("Phan Rang–Tháp Chàm") == name_key("PHAN RANG - THÁP CHÀM") == "phan rang - tháp chàm"
    assert name_key("Hoà  Bình") == "hòa bình"


@pytest.mark.parametrize("phrase, level, province, locality", [
    ("của ubnd tỉnh lạng sơn", "provincial", "Lạng Sơn", None),
    ("UỶ BAN NHÂN DÂN TỈNH KHÁNH HOÀ", "provincial", "Khánh Hòa", None),
    ("UBND huyện Lạng Giang", "district", "Bắc Giang", "Lạng Giang"),  # a district placed by the gazetteer
    ("UBND HUYỆN KIM BẢNG", "district", "Hà Nam", "Kim Bảng"),
    ("UBND thành phố Việt Trì", "district", "Phú Thọ", "Việt Trì"),  # a city of a province is a district
    ("Thành ủy Hồ Chí Minh", "provincial", "Hồ Chí Minh", None),  # a centrally-run city is a province
    ("UBND huyện Châu Thành", "district", None, "Châu Thành"),  # in ten provinces: none guessed
    ("UBND huyện Châu Thành, tỉnh Tiền Giang", "district", "Tiền Giang", "Châu Thành"),
    ("Bộ Lao động - Thương binh và Xã hội", None, None, None),
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", None, None, None),
    ("Thủ tướng cong hoa xã Hoi Chủ Nghĩa", None, None, None),  # OCR of the motto
    ("UBND tỉnh\nCăn cứ Luật", None, None, None),  # no place across a line break but a name of the data
    ("UBND phường Việt Trì", "commune", "Phú Thọ", "Việt Trì"),  # a ward of 1/7/2025
    ("Đảng ủy phường Bắc Giang", "commune", "Bắc Ninh", "Bắc Giang"),  # a ward, not the old province
    ("UBND đặc khu Phú Quốc", "commune", "An Giang", "Phú Quốc"),
])
def test_place_of_an_issuer_phrase(g, phrase, level, province, locality):
    f = g.place_of(phrase)
    assert (f.level, f.province, f.locality) == (level, province, locality)


@pytest.mark.parametrize("place, date, province", [
    ("Lạng Sơn", "2024-03-05", "Lạng Sơn"),
    ("Việt Trì", "2024-03-05", "Phú Thọ"),  # provincial capitals
    ("Biên Hòa", "2023-10-01", "Đồng Nai"),
    ("TP. Biên Hoà", "2023-10-01", "Đồng Nai"),
    ("Nha Trang", "2022-01-10", "Khánh Hòa"),
    ("Phủ Lý", "2024-05-02", "Hà Nam"),
    ("Bắc Giang", "2025-08-12", "Bắc Ninh"),  # after the reform: the ward Bắc Giang of the new Bắc Ninh
    ("Bắc Giang", "2024-08-12", "Bắc Giang"),
    ("Châu Thành", "2024-01-01", None),  # a district name ten provinces share
    ("Tân An", "2024-01-01", "Long An"),
    ("Tân An", "2025-09-01", "Tây Ninh"),  # wards of several provinces; the old capital of Long An tells
    ("Căn cứ", None, None),
    ("Hà Nội", None, "Hà Nội"),
])
def test_place_date_line(g, place, date, province):
    assert g.place_line(place, date) == province


# ------------------------------------------------------------------------------------------------ documents
def _plan(issuer_lines: str, number: str, place_date: str, body: str = "") -> str:
    return (f"{issuer_lines}\nSố: {number}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            f"{place_date}\n\nKẾ HOẠCH\nTriển khai chuyển đổi số trong ngành y tế\n\n{body}\n")


def test_same_number_in_two_provinces_told_apart_by_the_place_date_line(engine):
    a = analyse_text(_plan("SỞ Y TẾ", "88/KH-SYT", "Lạng Sơn, ngày 05 tháng 3 năm 2024"), "a.txt", engine)
    b = analyse_text(_plan("SỞ Y TẾ", "88/KH-SYT", "Biên Hòa, ngày 05 tháng 3 năm 2024"), "b.txt", engine)
    assert (a.header.province, a.header.province_source) == ("Lạng Sơn", "place_date")
    assert (b.header.province, b.header.province_source) == ("Đồng Nai", "place_date")  # its capital
    assert a.own_id != b.own_id
    assert a.own_id == "88-kh-syt-2024-lang-son" and b.own_id == "88-kh-syt-2024-dong-nai"


def test_a_district_header_with_an_ordinary_word_keeps_its_own_number(engine):
    text = _plan("ỦY BAN NHÂN DÂN\nHUYỆN KIM BẢNG", "112/KH-UBND", "Kim Bảng, ngày 14 tháng 4 năm 2024",
                 "Thực hiện Kế hoạch số 58/KH-UBND ngày 02/3/2024 của UBND tỉnh Hà Nam.")
    r = analyse_text(text, "kb.txt", engine)
    assert r.own_id == "112-kh-ubnd-2024-ha-nam-kim-bang"
    assert (r.header.level, r.header.province, r.header.locality) == ("district", "Hà Nam", "Kim Bảng")


def test_a_district_named_in_several_provinces_takes_the_parent_it_cites(engine):
    text = _plan("ỦY BAN NHÂN DÂN\nHUYỆN CHÂU THÀNH", "40/KH-UBND", "Châu Thành, ngày 14 tháng 4 năm 2024",
                 "Thực hiện Kế hoạch số 21/KH-UBND ngày 02/3/2024 của UBND tỉnh Tiền Giang.")
    h = analyse_text(text, "ct.txt", engine).header
    assert (h.province, h.locality, h.province_source) == ("Tiền Giang", "Châu Thành", "parent")


def test_lower_case_issuer_places_a_cited_document(engine):
    ms = engine.extract("thu hồi quyết định số 45/qđ-ubnd ngày 12/3/2021 của ubnd tỉnh lạng sơn về việc giao đất")
    m = next(m for m in ms if m.number == "45")
    assert (m.level, m.province) == ("provincial", "Lạng Sơn")


def test_a_cited_document_without_a_place_takes_the_citing_files_province(engine):
    text = _plan("UBND TỈNH LẠNG SƠN\nSỞ Y TẾ", "15/KH-SYT", "Lạng Sơn, ngày 05 tháng 3 năm 2024",
                 "Căn cứ Kế hoạch số 30/KH-UBND ngày 01/02/2024 của UBND tỉnh về chuyển đổi số;")
    r = analyse_text(text, "ls.txt", engine)
    cited = [k for k, m in zip(r.keys, r.mentions) if m.number == "30"]
    assert cited and cited[0].doc_id() == "30-kh-ubnd-2024-lang-son"


# ------------------------------------------------------------------------------------------------ extract --province
def _records(folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "r1.txt").write_text("so_ky_hieu: 341/QĐ-UBND\nngay_ban_hanh: 06/02/2020\ntrich_yeu: thu hồi quyết định "
                                   "số 1021/qđ-ubnd ngày 02/4/2010 của ubnd tỉnh\n", encoding="utf-8")
    (folder / "r2.txt").write_text("so_ky_hieu: 57/KH-UBND\nngay_ban_hanh: 10/03/2021\ntrich_yeu: kế hoạch thực hiện "
                                   "chỉ thị số 05-CT/TW ngày 15/5/2016 của bộ chính trị\n", encoding="utf-8")


def _docs(db: str = "docgraph.db") -> dict[str, tuple]:
    conn = sqlite3.connect(db)
    return {r[0]: r[1:] for r in conn.execute("SELECT id, level, jurisdiction FROM documents")}


def test_extract_province_places_a_folder_that_names_none_and_a_rerun_keeps_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _records(tmp_path / "rows")
    r = run("extract", "rows", "-q", "--jobs", "1", "--province", "bình dương")
    assert r.exit_code == 0, r.output
    docs = _docs()
    assert docs["341-qd-ubnd-2020-binh-duong"] == ("provincial", "Bình Dương")
    assert docs["1021-qd-ubnd-2010-binh-duong"] == ("provincial", "Bình Dương")  # cited: the citing file's
    assert docs["57-kh-ubnd-2021-binh-duong"] == ("provincial", "Bình Dương")
    # a changed file read again without --province keeps the folder's default
    (tmp_path / "rows" / "r2.txt").write_text("so_ky_hieu: 58/KH-UBND\nngay_ban_hanh: 10/03/2021\n"
                                              "trich_yeu: kế hoạch về chuyển đổi số\n", encoding="utf-8")
    r = run("extract", "rows", "-q", "--jobs", "1")
    assert r.exit_code == 0, r.output
    docs = _docs()
    assert docs["58-kh-ubnd-2021-binh-duong"] == ("provincial", "Bình Dương")
    assert "57-kh-ubnd-2021-binh-duong" not in docs
    # a file added to the folder since takes the folder's default too
    (tmp_path / "rows" / "r3.txt").write_text("so_ky_hieu: 60/KH-UBND\nngay_ban_hanh: 12/03/2021\n"
                                              "trich_yeu: kế hoạch về cải cách hành chính\n", encoding="utf-8")
    assert run("extract", "rows", "-q", "--jobs", "1").exit_code == 0
    assert _docs()["60-kh-ubnd-2021-binh-duong"] == ("provincial", "Bình Dương")
    header = json.loads(sqlite3.connect("docgraph.db").execute(
        "SELECT header FROM files WHERE path LIKE '%r1.txt'").fetchone()[0])
    assert (header["province_default"], header["province_source"]) == ("Bình Dương", "default")
    # another default: every file is read again with it
    r = run("extract", "rows", "-q", "--jobs", "1", "--province", "Lâm Đồng")
    assert r.exit_code == 0 and "341-qd-ubnd-2020-lam-dong" in _docs()


def test_extract_province_must_be_a_province(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _records(tmp_path / "rows")
    r = run("extract", "rows", "-q", "--province", "Narnia")
    assert r.exit_code == 2
    assert "no province named 'Narnia'" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "docgraph.db").exists()


def test_a_header_province_wins_over_the_folder_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "p.txt").write_text(_plan("UBND TỈNH LẠNG SƠN", "9/KH-UBND", "Lạng Sơn, ngày 05 tháng 3 năm 2024"),
                                          encoding="utf-8")
    assert run("extract", "d", "-q", "--jobs", "1", "--province", "Bình Dương").exit_code == 0
    assert _docs()["9-kh-ubnd-2024-lang-son"] == ("provincial", "Lạng Sơn")


def test_a_row_without_header_is_placed_by_the_units_its_text_names(engine):
    row = ("so_ky_hieu: 210/QĐ-UBND\nngay_ban_hanh: 11/05/2021\ntrich_yeu: thu hồi đất tại xã An Sơn, "
           "huyện Vân Canh để xây dựng đường giao thông\n")
    h = analyse_text(row, "r.txt", engine).header
    assert (h.province, h.province_source, h.level) == ("Bình Định", "text", "provincial")
    tie = ("so_ky_hieu: 211/UBND-NC\nngay_ban_hanh: 30/09/2021\ntrich_yeu: kiểm soát người ra vào thành phố hồ chí "
           "minh và các tỉnh bình dương, đồng nai\n")
    assert analyse_text(tie, "t.txt", engine).header.province is None  # two provinces named once each: no guess


def test_a_name_stops_before_the_next_unit_word(g):
    assert g.provinces_in("thành phố hồ chí minh và các tỉnh bình dương") == {"Hồ Chí Minh": 1, "Bình Dương": 1}
