"""The lexicon: the domain tables as validated YAML, one typed object, a user's rules folder replacing a table."""

from __future__ import annotations

import pytest

from docgraph.engine import Engine
from docgraph.header import read_signature
from docgraph.lexicon import Lexicon, load_lexicon
from docgraph.model import LEVELS, LOCAL_LEVELS, level_rank
from docgraph.pipeline import _finders, analyse_text
from docgraph.relations import RelationFinder
from docgraph.rules import RulesError, load_rules

# every test here loads the rules or the lexicon with a user's file on top of the built-in ones
pytestmark = pytest.mark.usefixtures("builtin_rules_parsed_once")


def _folder(tmp_path, text: str, name: str = "mine.yaml"):
    d = tmp_path / "rules"
    d.mkdir(exist_ok=True)
    (d / name).write_text(text, encoding="utf-8")
    return d, d / name


# (YAML of a user's rules file, the line the error must name, words the message must hold)
BAD_TABLES = [
    ('tables:\n  place_words:\n    "tỉnh": provincial\n    "vùng": region\n', 4,
     ["table 'place_words'", "entry 'vùng'", "level must be one of"]),
    ('tables:\n  ambiguous_codes:\n    - "UBND"\n    - 05\n', 4,
     ["table 'ambiguous_codes'", "item 2", "quoted string, not 5"]),
    ('tables:\n  reform_dates:\n    district_level_end: "2025-13-01"\n', 3,
     ["table 'reform_dates'", "entry 'district_level_end'", "ISO date"]),
    ('tables:\n  reform_dates:\n    other: "2025-03-01"\n', 2,
     ["table 'reform_dates'", "'district_level_end' is missing"]),
    ('# a comment\ntables:\n  motto_hints: ["CỘNG", "cong"]\n', 3,
     ["table 'motto_hints'", "item 2", "'ộ' or 'Ộ'"]),
    ('tables:\n  signature_titles: "CHỦ TỊCH"\n', 2, ["table 'signature_titles'", "list of quoted strings"]),
    ('tables:\n  issuers:\n    "TW": {level: central, branch: party}\n    "XX": {level: nation, branch: state}\n', 4,
     ["table 'issuers'", "entry 'XX'", "level must be one of"]),
    ('tables:\n  issuers:\n    "TW": {level: central, branch: church}\n', 3,
     ["table 'issuers'", "entry 'TW'", "branch must be one of"]),
    ('tables:\n  issuers:\n    "TW": {level: central, also: ["Bộ Chính trị"], said_as: {"BCT": "Ban Bí thư"}}\n', 3,
     ["table 'issuers'", "entry 'TW'", "said_as 'BCT': 'Ban Bí thư' is not one of the names in also"]),
    ('tables:\n  issuers:\n    "TW": {level: central, said_as: ["BCT"]}\n', 3,
     ["table 'issuers'", "entry 'TW'", "said_as must map each quoted spelling"]),
    ('tables:\n  shared_codes: ["CB", "ZZZ"]\n', 2, ["table 'shared_codes'", "'ZZZ' is not in the issuers table"]),
    ('tables:\n  ocr_patterns:\n    - ["^QH[Il", "QH1"]\n', 3, ["table 'ocr_patterns'", "item 1", "does not compile"]),
    ('tables:\n  type_codes:\n    "CT": no\n', 3, ["table 'type_codes'", "entry 'CT'", "not False"]),
    ('tables:\n  known_units: ["VP"]\n', 2, ["unknown table 'known_units'"]),
    ('tables:\n  named_types:\n    - "Luật"\n    - "Sắc lệnh"\n', 4,
     ["table 'named_types'", "item 2", "'Sắc lệnh' is not a type word"]),
    ("tables:\n  header_title_stops: ['căn cứ', 'điều(\\s+\\d']\n", 2,
     ["table 'header_title_stops'", "item 2", "does not compile"]),    ('tables:\n  - ambiguous_codes\n', 1, ["tables must be a mapping"]),
    ('tables:\n  amending_types: ["Luật", "Sắc luật"]\n', 2,
     ["table 'amending_types'", "item 2", "'Sắc luật' is not a type word"]),
]


@pytest.mark.parametrize("text,line,words", BAD_TABLES, ids=[w[0] + f"-{i}" for i, (_, _, w) in enumerate(BAD_TABLES)])
def test_a_bad_table_is_an_error_naming_file_line_and_key(tmp_path, text, line, words):
    d, f = _folder(tmp_path, text)
    for load in (load_rules, load_lexicon):
        with pytest.raises(RulesError) as e:
            load(str(d))
        msg = str(e.value)
        assert msg.startswith(f"{f}:{line}: "), msg
        for w in words:
            assert w in msg, msg


@pytest.mark.parametrize("relation,ok", [("implements", True), ("blocker", True), ("cites", True),
                                         ("implement", False), ("blocks", False)])
def test_relation_names_are_checked_against_the_model(tmp_path, relation, ok):
    d, f = _folder(tmp_path, f'relations:\n  - relation: {relation}\n    phrases: ["thi hành xong"]\n')
    if ok:
        assert any(r["relation"] == relation for r in load_rules(str(d)).relations)
    else:
        with pytest.raises(RulesError, match=rf"^{f}:2: unknown relation '{relation}' \(expected one of"):
            load_rules(str(d))


TAIL = "Nội dung.\n\nNơi nhận:\n- Như trên;\n\nVIỆN TRƯỞNG\n\n(đã ký)\n\nNguyễn Văn An\n"


def test_a_user_folder_extends_a_table(tmp_path):
    builtin = load_lexicon()
    assert "VIỆN TRƯỞNG" not in builtin.signature_titles
    assert read_signature(TAIL, builtin) == (None, None)
    titles = ", ".join(f'"{t}"' for t in (*builtin.signature_titles, "VIỆN TRƯỞNG"))
    d, _ = _folder(tmp_path, f"tables:\n  signature_titles: [{titles}]\n")
    mine = load_lexicon(str(d))
    assert mine.signature_titles[-1] == "VIỆN TRƯỞNG" and mine.signature_titles[:-1] == builtin.signature_titles
    assert mine.issuers == builtin.issuers  # the other tables stay the built-in ones
    assert read_signature(TAIL, mine) == ("VIỆN TRƯỞNG", "Nguyễn Văn An")
    # the same lexicon reaches the header reader through the rules and the engine
    engine = Engine(load_rules(str(d)))
    res = analyse_text("UBND TỈNH THÁI BÌNH\nSố: 12/KH-UBND\n\n" + TAIL, "x.txt", engine)
    assert (res.header.signer_title, res.header.signer) == ("VIỆN TRƯỞNG", "Nguyễn Văn An")


def test_a_user_place_word_reaches_the_engine(tmp_path):
    builtin = load_lexicon()
    words = "\n".join(f'    "{w}": {lv}' for w, lv in builtin.place_words.items())
    d, _ = _folder(tmp_path, f'tables:\n  place_words:\n{words}\n    "tp": provincial\n')
    text = "Thực hiện Kế hoạch số 15/KH-UBND ngày 02/3/2024 của UBND TP Cần Thơ, "
    before = Engine(load_rules()).extract(text)[0]
    after = Engine(load_rules(str(d))).extract(text)[0]
    assert (before.level, after.level) == ("unknown", "provincial")
    assert after.province == "Cần Thơ"


def test_one_typed_object_and_the_documented_difference_of_code_lists():
    lx = load_lexicon()
    assert isinstance(lx, Lexicon) and load_lexicon() is lx  # loaded once
    with pytest.raises(AttributeError):
        lx.district_level_end = "2026-01-01"  # frozen
    with pytest.raises(TypeError):
        lx.type_codes["XX"] = "Giấy"  # read-only tables
    # identity resolves the ambiguous codes from context; gaps tells the units of every generic code by name
    assert lx.ambiguous_codes == {"UBND", "HĐND", "ĐU", "MTTQ", "VP", "BCĐ"}
    assert lx.generic_codes - lx.ambiguous_codes == {"CB"} and lx.ambiguous_codes < lx.generic_codes
    assert all(lx.issuers[c].level == "ambiguous" for c in lx.ambiguous_codes)
    assert lx.district_level_end == "2025-07-01"
    assert (lx.level_of_code("SKHCN"), lx.level_of_code("BNNMT"), lx.level_of_code("UBND")) == \
        ("department", "central", "ambiguous")
    assert lx.canonical_symbol("QD- TTG") == "QĐ-TTg"
    assert lx.place_of("UBND huyện Lạng Giang, tỉnh Bắc Giang") == ("district", "Bắc Giang", "Lạng Giang")


def test_levels_are_one_ordered_type():
    assert LEVELS == ("central", "provincial", "department", "district", "commune", "unknown")
    assert LOCAL_LEVELS == ("provincial", "department", "district", "commune")
    assert sorted(["unknown", "commune", "central", "department"], key=level_rank) == \
        ["central", "department", "commune", "unknown"]
    assert level_rank(None) == level_rank("") == 9 > level_rank("unknown")
    # every level the tables name is one of them (issuers may also be "ambiguous")
    lx = load_lexicon()
    assert set(lx.place_words.values()) <= set(LEVELS[:-1])
    assert {i.level for i in lx.issuers.values()} <= {*LEVELS, "ambiguous"}


def test_the_gazetteer_reads_its_unit_words_from_the_lexicon(tmp_path):
    builtin = load_lexicon()
    gz = builtin.gazetteer
    assert (gz.place_line("TP. Biên Hòa"), gz.place_line("Thị xã Từ Sơn"), gz.place_line("T.X Từ Sơn")) == \
        ("Đồng Nai", "Bắc Ninh", None)
    units = ", ".join(f'"{w}"' for w in ("t.x", *builtin.leading_place_units))
    d, _ = _folder(tmp_path, f"tables:\n  leading_place_units: [{units}]\n")
    assert load_lexicon(str(d)).gazetteer.place_line("T.X Từ Sơn") == "Bắc Ninh"



def test_the_relation_reader_takes_its_words_from_the_rules_lexicon(tmp_path):
    builtin = load_lexicon()
    finder = RelationFinder([], None, builtin)
    assert finder.after_soft_stop_re.search("của UBND tỉnh tạm thời") is None
    assert finder.title_start_re.search("Quyết định về việc quản lý chợ")
    assert finder.named_before_re.search("Luật ") and not finder.named_before_re.search("Kế hoạch ")
    words = ", ".join(f'"{w}"' for w in (*builtin.after_soft_stops, "tạm"))
    d, _ = _folder(tmp_path, f"tables:\n  after_soft_stops: [{words}]\n")
    engine = Engine(load_rules(str(d)))
    analyse_text("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\n", "x.txt", engine)
    # the pipeline's relation reader for this engine reads the engine's lexicon, not the built-in one
    assert _finders[engine].after_soft_stop_re.search("của UBND tỉnh tạm thời")


@pytest.mark.parametrize("pattern, text, found", [
    # the hard stops before an "after" phrase
    ("after_stop_re", "số 05/2020/QĐ-UBND thì", True),  # "... thì giấy phép hết hiệu lực": a condition, no repeal
    ("after_stop_re", "số 05/2020/QĐ-UBND và Quyết định này", True),
    ("after_stop_re", "số 05/2020/QĐ-UBND; các văn bản", True),
    ("after_stop_re", "số 05/2020/QĐ-UBND về quản lý chợ", False),
    # a licence ending
    ("after_licence_re", "các giấy phép đã cấp", True),
    ("after_licence_re", "Giấy chứng nhận này", True),
    ("after_licence_re", "Quyết định số 12/2021/QĐ-UBND về giấy phép xây dựng của tỉnh", False),
])
def test_the_hard_stops_and_licence_endings_are_lexicon_words(pattern, text, found):
    finder = RelationFinder([], None, load_lexicon())
    assert bool(getattr(finder, pattern).search(text)) is found


@pytest.mark.parametrize("date, year", [("2024-10-10", 2013), ("2014-01-01", 2013), ("2013-12-31", 1992),
                                        ("1985-06-01", 1980), ("1946-01-01", None), (None, None)])
def test_the_constitution_in_force_on_a_date(date, year):
    assert load_lexicon().constitution_in_force(date) == year


def test_a_constitution_dated_badly_is_an_error_naming_file_line_and_key(tmp_path):
    d, f = _folder(tmp_path, 'tables:\n  constitutions:\n    "2013": "2014-1-1"\n')
    with pytest.raises(RulesError) as e:
        load_lexicon(str(d))
    assert str(e.value).startswith(f"{f}:3: ") and "entry '2013'" in str(e.value) and "ISO date" in str(e.value)
