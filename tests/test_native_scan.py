"""The compiled core's rule scans (native/src/scan.rs) against the Python engine's (``Engine._match_cores_py``): the
same cores (span, rule, number, year, symbol, type word, name) in the same order, and the same mentions from
``Engine.extract``, on the samples, generated corpora, hostile texts and tables of tricky lines.

These tests need the core installed (``pip install ./native``): skipped without it, failed when
DOCGRAPH_REQUIRE_NATIVE=1 (.ci/run).
"""

from __future__ import annotations


import pytest
import regex

from bench_helpers import benchmark, generated_texts, sample_texts
from docgraph import native
from docgraph.engine import Engine, MatchTimeout
from docgraph.normalize import normalize
from docgraph.rules import load_rules


@pytest.fixture(scope="module")
def engines(engine_pair):
    """(Python's engine, the core's), over the built-in rules (conftest.engine_pair)."""
    py, rs = engine_pair
    assert py._scan_core is None and rs._scan_core is not None
    return py, rs


def _rows(cores) -> list[tuple]:
    return [(c.start, c.end, c.rule.id, c.number, c.year, c.symbol, c.tw, c.name) for c in cores]


def same_cores(engines, text: str) -> list[tuple]:
    """Both engines find the same cores in ``text`` (normalized as extract does), and the same mentions."""
    py, rs = engines
    t = normalize(text).text
    a = _rows(py._match_cores_py(t))
    assert native.scan_cores(rs._scan_core, t, None) is not None
    assert _rows(rs._match_cores(t)) == a, text[:300]
    assert rs.extract(text) == py.extract(text)
    return a


def test_cores_of_the_samples(engines):
    texts = sample_texts()
    assert len(texts) >= 15
    assert sum(len(same_cores(engines, t)) for t in texts) > 100


@pytest.mark.parametrize("seed", [3, 11, 2025])
def test_cores_of_generated_corpora(engines, seed):
    found = sum(len(same_cores(engines, text)) for text in generated_texts(seed))
    assert found > 150


@pytest.mark.parametrize("name", ["short_forms", "distinct_short_forms", "long_line", "many_references"])
def test_cores_of_hostile_texts(engines, tmp_path, name):
    path = benchmark("hostile").build(name, tmp_path, 0.05)
    assert same_cores(engines, path.read_text(encoding="utf-8"))


# (text, the cores as (rule, number, symbol, year)): what each rule reads and what the exclusions drop
TRICKY = [
    ("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020", [("normative", "30", "NĐ-CP", 2020)]),
    ("👍🏽 theo Chỉ thị số 35-CT/TW và Kế hoạch 83-KH/TU", [("party", "35", "CT/TW", None), ("party", "83", "KH/TU", None)]),
    ("Ca\u0306n cu\u031b\u0301 Quyết định 1017/QĐ-TTg", [("state", "1017", "QĐ-TTg", None)]),
    ("số31-QĐ/TW; SỐ12-QĐ/TW; 5-QĐ/TW", [("party", "31", "QĐ/TW", None), ("party", "12", "QĐ/TW", None),
                                         ("party", "5", "QĐ/TW", None)]),
    ("căn cứ Nghị định số 124/2024/\nNĐ-CP", [("normative", "124", "NĐ-CP", 2024)]),
    ("Nghị quyết 66.7/2025/NQ-CP", [("normative", "66.7", "NQ-CP", 2025)]),
    ("Nghị định số 05-CP và số 61/CP", [("older", "05", "CP", None), ("older_slash", "61", "CP", None)]),
    ("thông tư số 07/2022/tt-btttt, quyết định số 12/qđ-ubnd, chỉ thị số 05-ct/tw",
     [("normative_lower", "07", "tt-btttt", 2022), ("party_lower", "05", "ct/tw", None),
      ("state_lower", "12", "qđ-ubnd", None)]),  # each rule in turn, in the engine's order
    # after a "not after" phrase (a form, an appendix, a table) within 20 characters: no reference
    ("theo Mẫu số 01/BK-HTK ban hành", []),
    ("Phụ lục số: 2/KH-UBND", []),
    ("BIỂU MẪU SỐ\t 3/QĐ-UBND", []),
    ("bảng\tsố 4/TB-UBND", []),
    ("bảng\nsố 4/TB-UBND", [("state", "4", "TB-UBND", None)]),  # the phrase's words stand on one line
    ("tờ khai số     :    5/TK-CT", []),  # the phrase starts 20 characters back
    ("tờ khai số      :    5/TK-CT", [("state", "5", "TK-CT", None)]),  # 21 back
    ("tờ khai     số    :    5/TK-CT", [("state", "5", "TK-CT", None)]),  # only "khai số" in the window
    ("Xmẫu số 6/QĐ-UBND", [("state", "6", "QĐ-UBND", None)]),  # "mẫu" inside a word is no phrase
    ("1mẫu số 6/QĐ-UBND", []),
    ("👍mẫu 7/QĐ-UBND", []),
    ("HUYỆN KIM BẢNG\nSố: 112/KH-UBND", [("state", "112", "KH-UBND", None)]),
    # inside a web address: no reference
    ("https://x.vn/ItemID=1&Keyword=12/2018/TT-BLĐTBXH rồi 13/2018/TT-BTC",
     [("normative", "13", "TT-BTC", 2018)]),
    ("xem www.ABC.vn/x+12/QĐ-UBND và WWW.ABC.vn/x+13/QĐ-UBND", []),  # any case once "www." is written
    ("xem WWW.ABC.vn/x+13/QĐ-UBND", [("state", "13", "QĐ-UBND", None)]),  # looked for after "www." or "://"
    ("HTTPS://ABC.VN/14/QĐ-UBND", []),
    # laws by name; "có hiệu lực" in a name is not a law's name
    ("Căn cứ Luật Đất đai năm 2024; Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015",
     [("law_name", None, None, 2024), ("law_name", None, None, None)]),  # the date is read later
    ("Luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2025.", []),
    ("Căn cứ Luật Đất đai có hiệu lực kể từ ngày 01 tháng 8 năm 2024", []),  # a name holding "có hiệu lực"
    ("Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam năm 2013;", [("constitution", None, None, 2013)]),
    ("Điện thoại 0204/3854/123; tỷ lệ 3/4 số xã; COVID-19/SARS", []),
    ("", []),
]


@pytest.mark.parametrize("text, expected", TRICKY)
def test_tricky_lines(engines, text, expected):
    rows = same_cores(engines, text)
    assert [(rid, num, sym, year) for _, _, rid, num, year, sym, _, _ in rows] == expected


def _not_after_py(engine, t: str, start: int) -> bool:
    return engine.not_after_re.match(t, max(0, start - 20), start) is not None


def test_not_after_forward_check_is_the_reverse_match(engines):
    """The core reads "is a not-after phrase right before this start" forwards; Python matches backwards with
    regex.REVERSE. Every start of every text of a table gives the same answer."""
    py, rs = engines
    heads = ["mẫu số", "Mẫu", "MẪU SỐ", "biểu mẫu số", "phụ lục", "Phụ  lục\tsố", "bảng số", "mã số", "tờ khai số",
             "form", "FORM", "Form:", "xform", "mẫusố", "bảng\nsố", "👍mẫu", "1mẫu", "_mẫu", "ẫu số", "ma\u0303 số"]
    tails = ["", " ", ":", " : ", "  :  ", "\t", "\n", "::", " 1", "   \u3000  "]
    n = 0
    for h in heads:
        for tail in tails:
            for lead in ("", "x", " ", "văn bản theo ", "Ⅻ", "😀 "):
                t = lead + h + tail + "12/QĐ-UBND"
                for start in range(len(t) + 1):
                    assert rs._scan_core.not_after_before(t, start) == _not_after_py(py, t, start), (t, start)
                    n += 1
    assert n > 20000


def test_url_and_not_after_on_long_lines(engines):
    line = "Căn cứ Nghị định số 30/2020/NĐ-CP, mẫu số 12/QĐ-UBND, http://a.vn/1/QĐ-UBND và Chỉ thị 35-CT/TW; " * 400
    rows = same_cores(engines, line)
    assert len(rows) == 800


def test_a_users_rules_the_core_cannot_run_run_in_python_said_once(tmp_path, core, capsys, monkeypatch):
    (tmp_path / "mine.yaml").write_text(
        "rules:\n"
        "  - id: twice\n"
        "    layout: state\n"
        "    pattern: '(?P<number>(\\d)\\2)/(?P<symbol>[A-Z]+-[A-Z]+)(?![A-Z])'\n"
        "  - id: mine\n"
        "    layout: state\n"
        "    pattern: '(?P<number>\\d+)~(?P<symbol>\\N{LATIN CAPITAL LETTER A}B)'\n",
        encoding="utf-8")
    monkeypatch.setenv(native.ENV_SWITCH, "1")
    rules = load_rules(tmp_path)
    a, b = Engine(rules), Engine(rules)
    assert a._scan_core is None and b._scan_core is None
    assert capsys.readouterr().err.count("the rule scans run in Python") == 1
    assert [(m.number, m.symbol) for m in a.extract("số 12~AB")] == [("12", "AB")]


def test_a_users_rule_with_a_backreference_runs_in_the_core(tmp_path, core, monkeypatch):
    (tmp_path / "mine.yaml").write_text(
        "rules:\n"
        "  - id: twice\n"
        "    layout: state\n"
        "    flags: [ignorecase]\n"
        "    triggers: ['/']\n"
        "    pattern: '(?P<number>(\\d)\\2)/(?P<symbol>ab-[a-z]+)(?![a-z])'\n",
        encoding="utf-8")
    rules = load_rules(tmp_path)
    monkeypatch.setenv(native.ENV_SWITCH, "0")
    py = Engine(rules)
    monkeypatch.setenv(native.ENV_SWITCH, "1")
    rs = Engine(rules)
    assert rs._scan_core is not None
    rows = same_cores((py, rs), "số 11/AB-CD, 12/ab-cd, số 33/Ab-xy và 44/ab-")
    assert [(r[2], r[3]) for r in rows if r[2] == "twice"] == [("twice", "11"), ("twice", "33")]


def test_the_time_limit_holds_in_the_core(engines):
    """A text the scan cannot finish within the time left ends in the same skip as in Python."""
    py, rs = engines
    text = "Căn cứ Nghị định số 30/2020/NĐ-CP và Chỉ thị số 35-CT/TW; " * 40000
    msgs = []
    for e in (py, rs):
        with pytest.raises(MatchTimeout) as err:
            e.extract(text, timeout=0.01)
        msgs.append(str(err.value))
    assert msgs[0] == msgs[1] == "time limit exceeded (0.01 s per file)"
    with pytest.raises(native.TimeLimit):
        rs._scan_core.scan(normalize(text).text, 0.0)


@pytest.mark.parametrize("odd", ["\udcff", "\u0295", "\U00016EA0"])
def test_texts_the_core_leaves_to_python(engines, odd):
    """A lone surrogate (the core's strings cannot hold it), a letter whose Unicode category changed after Rust's
    tables, a script newer than one engine's tables: the Python engine scans that text."""
    py, rs = engines
    text = f"Chỉ thị số 35-CT/TW {odd} và 36-CT/TW"
    assert native.scan_cores(rs._scan_core, text, None) is None
    assert _rows(rs._match_cores(text)) == _rows(py._match_cores_py(text))
    assert len(_rows(py._match_cores_py(text))) == 2


def test_every_rule_has_a_relaxed_copy(engines):
    """Each built-in rule's starts are found by the regex crate's automata (the fast path)."""
    assert all(engines[1]._scan_core.relaxed_rules())
    assert len(engines[1]._scan_core.relaxed_rules()) == len(load_rules(None).rules)


def test_ignorecase_rule_flag(engines):
    py, _ = engines
    assert all(not (r.flags & ~regex.IGNORECASE) for r in py._rules_sorted)


def test_a_pattern_out_of_backtracking_steps_leaves_the_text_to_python(tmp_path, core, monkeypatch):
    """The core's backtracking limit is no skip of its own: the text goes to Python, which runs within the file's
    time limit (here it runs out: the same skip as without the core)."""
    (tmp_path / "slow.yaml").write_text(
        "rules:\n"
        "  - id: slow\n"
        "    layout: state\n"
        "    triggers: ['a']\n"
        "    pattern: '(?P<number>\\d)(?P<symbol>(a|aa)+)+(?<=x)'\n", encoding="utf-8")
    monkeypatch.setenv(native.ENV_SWITCH, "1")
    e = Engine(load_rules(tmp_path))
    text = "1" + "a" * 40 + "b"
    assert native.scan_cores(e._scan_core, text, 5.0) is None
    with pytest.raises(MatchTimeout, match=r"time limit exceeded \(0.5 s per file\)"):
        e.extract(text, timeout=0.5)


def test_a_trailing_lookahead_the_core_answers_at_once(tmp_path, core, monkeypatch):
    """(a|aa)+)+$ backtracks without end in Python's regex; fancy-regex rewrites the trailing look-ahead and finds
    that it cannot match."""
    (tmp_path / "slow.yaml").write_text(
        "rules:\n"
        "  - id: slow\n"
        "    layout: state\n"
        "    triggers: ['a']\n"
        "    pattern: '(?P<number>\\d)(?P<symbol>(a|aa)+)+$'\n", encoding="utf-8")
    monkeypatch.setenv(native.ENV_SWITCH, "1")
    e = Engine(load_rules(tmp_path))
    assert native.scan_cores(e._scan_core, "1" + "a" * 40 + "b", 5.0) == []
    assert [(m.number, m.symbol) for m in e.extract("số 1aaaa")] == [("1", "AAAA")]  # symbols in upper case
