"""The compiled core's extract stage (native/src/drafts.rs) against the Python engine: the drafts of a text (scans,
overlaps, context, a law's name, the codes: every field of every ``_Draft``) and every mention of ``Engine.extract``
the same, on tables of edge cases (aliases, bare later numbers, lists, own numbers, consolidated texts, OCR noise,
NFD text, huge lines), the samples, generated corpora and hostile texts.

These tests need the core installed (``pip install ./native``): skipped without it, failed when
DOCGRAPH_REQUIRE_NATIVE=1 (.ci/run).
"""

from __future__ import annotations

import unicodedata
from dataclasses import astuple

import pytest

from bench_helpers import benchmark, generated_texts, sample_texts
from docgraph import native
from docgraph.engine import Engine, MatchTimeout, resolve_overlaps
from docgraph.normalize import normalize
from docgraph.rules import load_rules


@pytest.fixture(scope="module")
def engines(engine_pair):
    """(Python's engine, the core's), over the built-in rules (conftest.engine_pair)."""
    py, rs = engine_pair
    assert py._extract_core is None and rs._extract_core is not None
    return py, rs


def same_extract(engines, text: str, *, in_core: bool = True) -> list:
    """Both engines give the same drafts of ``text`` (normalized as extract does) and the same mentions; returns the
    mentions. ``in_core``: the core reads the text itself (else it leaves it to Python)."""
    py, rs = engines
    t = normalize(text).text
    want = [astuple(d) for d in py._read_contexts(t, resolve_overlaps(py._match_cores_py(t)))]
    got = rs._core_drafts(t)
    assert (got is not None) == in_core
    if got is not None:
        assert [astuple(d) for d in got] == want, text[:300]
    ms = py.extract(text)
    assert rs.extract(text) == ms, text[:300]
    return ms


def _summary(ms) -> list[tuple]:
    return [(m.text, m.type, m.number, m.symbol, m.year, m.short_form, m.own) for m in ms]


# (text, the mentions Python finds: text, type, number, symbol, year, short form, own): what each edge case is about
EDGES = [
    # an alias defined after a reference, then used
    ("Căn cứ Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị (sau đây gọi tắt là Chỉ thị 05). Thực hiện "
     "Chỉ thị 05, các cấp ủy", [("Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị", "Chỉ thị", "05", "CT/TW", 2016,
                                 False, False),
                                ("Chỉ thị 05", "Chỉ thị", "05", "CT/TW", 2016, True, False),
                                ("Chỉ thị 05", "Chỉ thị", "05", "CT/TW", 2016, True, False)]),
    # a bare later mention with "số"
    ("Nghị quyết số 04-NQ/TU ngày 3/2/2021 của Tỉnh ủy; triển khai Nghị quyết số 04 trong năm",
     [("Nghị quyết số 04-NQ/TU ngày 3/2/2021 của Tỉnh ủy", "Nghị quyết", "04", "NQ/TU", 2021, False, False),
      ("Nghị quyết số 04", "Nghị quyết", "04", "NQ/TU", 2021, True, False)]),
    # two documents of one type and number: a bare mention names neither
    ("Chỉ thị số 05-CT/TW năm 2016 và Chỉ thị số 05-CT/TU năm 2018; thực hiện Chỉ thị 05",
     [("Chỉ thị số 05-CT/TW năm 2016", "Chỉ thị", "05", "CT/TW", 2016, False, False),
      ("Chỉ thị số 05-CT/TU năm 2018", "Chỉ thị", "05", "CT/TU", 2018, False, False)]),
    # a list shares its type word forward and its date and issuer backward
    ("các Chỉ thị số 05-CT/TW, 06-CT/TW ngày 1/2/2017 của Ban Bí thư",
     [("Chỉ thị số 05-CT/TW", "Chỉ thị", "05", "CT/TW", 2017, False, False),
      ("06-CT/TW ngày 1/2/2017 của Ban Bí thư", "Chỉ thị", "06", "CT/TW", 2017, False, False)]),
    # the file's own number near the top
    ("ỦY BAN NHÂN DÂN\nSố: 215/KH-UBND\nKẾ HOẠCH thực hiện Chỉ thị số 35-CT/TW",
     [("215/KH-UBND", "Kế hoạch", "215", "KH-UBND", None, False, True),
      ("Chỉ thị số 35-CT/TW", "Chỉ thị", "35", "CT/TW", None, False, False)]),
    # a consolidated text numbered in its authentication block
    ("Nội dung.\n" + "dòng\n" * 45 + "XÁC THỰC VĂN BẢN HỢP NHẤT\nSố: 12/VBHN-BTC\nHà Nội",
     [("12/VBHN-BTC", "Văn bản", "12", "VBHN-BTC", None, False, True)]),
    # the same number and symbol later without a year: the antecedent's fields
    ("Quyết định số 12/QĐ-UBND ngày 5/6/2020 của UBND tỉnh Bắc Giang. Theo Quyết định số 12/QĐ-UBND thì",
     [("Quyết định số 12/QĐ-UBND ngày 5/6/2020 của UBND tỉnh Bắc Giang", "Quyết định", "12", "QĐ-UBND", 2020, False,
       False),
      ("Quyết định số 12/QĐ-UBND", "Quyết định", "12", "QĐ-UBND", 2020, False, False)]),
]


@pytest.mark.parametrize("text, want", EDGES)
def test_edge_cases(engines, text, want):
    assert _summary(same_extract(engines, text)) == want


MORE = [
    # an alias that is a full reference, an alias in another clause, an alias without a type word
    "Luật Đất đai số 31/2024/QH15 (sau đây gọi tắt là Luật số 31/2024/QH15). Luật số 31/2024/QH15 quy định",
    "Chỉ thị số 05-CT/TW; (sau đây gọi tắt là Chỉ thị 05) và Chỉ thị 05",
    "Chỉ thị số 05-CT/TW về tăng cường (gọi tắt là 05) rồi 05 và Chỉ thị 05",
    "Nghị định số 15/2020/NĐ-CP (sau đây gọi là Nghị định 15), Nghị định 15, nghị định 15, Nghị định 150",
    "Luật Bảo vệ môi trường (sau đây gọi tắt là Luật BVMT) ... Luật BVMT và Luật BVMT-2",
    # lists: "các văn bản" names no type; "và", "hoặc", "&"
    "các văn bản số 364/TTr-BNG, số 1518/BNG và 20/2019/NĐ-CP",
    "Nghị quyết số 26-NQ/TW, 27-NQ/TW và 28-NQ/TW ngày 19/5/2018 của Ban Chấp hành Trung ương khóa XII",
    "Quyết định số 1/QĐ-TTg hoặc số 2/QĐ-TTg & 3/QĐ-TTg, ngày 2/3/2019",
    # own numbers: lower-case "số" without its colon is a sentence; OCR's "Sô"
    "UBND TỈNH\nsố 94/2025/QH15, ngày 1/1/2025\n",
    "UBND TỈNH\nSô: 94/KH-UBND\nKẾ HOẠCH",
    "| Số/Ký hiệu: | 17/2022/NĐ-CP |\nNghị quyết số: 17/2022/NQ-HĐND",
    # numbers that look bare but are not: dates, decimals, codes
    "Chỉ thị số 05-CT/TW ngày 1/2/2017. Chỉ thị 05/2017, Chỉ thị 05.1, Chỉ thị 05-x và Chỉ thị 005",
    "Kế hoạch số 7/KH-UBND năm 2021; Kế hoạch 07 và Kế hoạch số 0007 rồi kế hoạch 7a",
    # OCR noise: letters and codes as OCR reads them
    "Căn cứ Nghi đinh so 15/2020/ND-CP cua Chinh phu ngay 3/2/2020; Nghi đinh 15 quy đinh",
    "Chỉ thị số 35-CT/TW. Chi thi 35 và CHỈ THỊ 35",
    # NFD text (decomposed marks) and a Cyrillic look-alike in the issuer
    unicodedata.normalize("NFD", "Căn cứ Chỉ thị số 05-CT/TW của Bộ Chính trị (sau đây gọi tắt là Chỉ thị 05); Chỉ thị 05"),
    "Quyết định số 12/QĐ-UBND của UBND tỉnh Bắс Giang",
    # characters normalization deletes or composes (offsets and the issuer re-read from the decoded text), CRLF
    "Căn cứ\u200b Chỉ thị số 05-CT/TW của Bộ\u00ad Chính trị,\r\nChỉ thị 05 và\r\n\r\nChỉ thị số 05",
    "Quyết định số 12/QĐ-UBND của UBND tỉnh Ba\u0300c Giang\n" + "Quye\u0301t định 12 ",
    # an alias spelled with two spaces, then across a line break; an alias in a later clause
    "Chỉ thị số 05-CT/TW của Bộ Chính trị (sau đây gọi tắt là Chỉ thị  05). Chỉ thị\n05 và Chỉ thị 05",
    "Chỉ thị số 05-CT/TW về công tác dân vận (sau đây gọi tắt là Chỉ thị 05) rồi Chỉ thị 05-CT",
    # lines: mentions on many lines, one line reached twice
    "\n".join(f"dòng {i}: Kế hoạch số {i}/KH-UBND ngày {1 + i % 28}/3/2022" for i in range(1, 60)),
    "",
    "no reference at all\n",
]


@pytest.mark.parametrize("text", MORE)
def test_more_edge_cases(engines, text):
    same_extract(engines, text)


def test_texts_the_core_leaves_to_python(engines):
    """A character the two engines' Unicode tables read otherwise, a date in other digits: Python reads the text."""
    for text in ("Chỉ thị số 35-CT/TW ngày ١٤/٦/2024 của Bộ Chính trị", "Chỉ thị số 35-CT/TW \u0295 Chỉ thị 35"):
        same_extract(engines, text, in_core=False)


def test_huge_lines(engines):
    unit = ("Căn cứ Luật Tổ chức Chính phủ, Nghị quyết số 26-NQ/TW ngày 5/8/2023 của Ban Chấp hành Trung ương khóa "
            "XIII (sau đây gọi tắt là Nghị quyết 26) về việc kiện toàn, theo Nghị quyết 26 và các Chỉ thị số 05-CT/TW, "
            "06-CT/TW của Bộ Chính trị, ")
    ms = same_extract(engines, unit * 300)
    assert len(ms) > 1200


def test_the_samples(engines):
    texts = sample_texts()
    assert len(texts) >= 15
    assert sum(len(same_extract(engines, t)) for t in texts) > 100


@pytest.mark.parametrize("seed", [3, 11, 2027])
def test_generated_corpora(engines, seed):
    found = sum(len(same_extract(engines, text)) for text in generated_texts(seed))
    assert found > 150


@pytest.mark.parametrize("name", ["short_forms", "distinct_short_forms", "long_line", "many_references"])
def test_hostile_texts(engines, tmp_path, name):
    path = benchmark("hostile").build(name, tmp_path, 0.05)
    assert same_extract(engines, path.read_text(encoding="utf-8"))


def test_the_time_limit_holds_in_the_core(engines):
    """A text the core cannot extract within the time left ends in the same skip as in Python."""
    py, rs = engines
    text = "Căn cứ Nghị quyết số 26-NQ/TW của Bộ Chính trị về việc kiện toàn, Chỉ thị số 35-CT/TW; " * 20000
    msgs = []
    for e in (py, rs):
        with pytest.raises(MatchTimeout) as err:
            e.extract(text, timeout=0.05)
        msgs.append(str(err.value))
    assert msgs[0] == msgs[1] == "time limit exceeded (0.05 s per file)"
    with pytest.raises(native.TimeLimit):
        rs._extract_core.drafts_of(normalize(text).text, 0.0)


def test_the_codes_are_computed_once_per_key(engines, monkeypatch):
    """The core keeps the codes docgraph's function gives for each (type word, layout, symbol, issuer)."""
    rules = load_rules(None)
    monkeypatch.setenv(native.ENV_SWITCH, "1")
    e = Engine(rules)
    calls = []
    compute = e._compute_codes
    e._compute_codes = lambda *a: calls.append(a) or compute(*a)
    text = "Chỉ thị số 05-CT/TW của Bộ Chính trị; Chỉ thị số 06-CT/TW của Bộ Chính trị; " * 3
    assert [m.number for m in e.extract(text)] == ["05", "06"] * 3
    assert calls == [("Chỉ thị", "party", "Bộ Chính trị", "CT/TW")]
