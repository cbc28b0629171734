"""The compiled core's reference context (native/src/context.rs) against the Python engine's
(``Engine._read_context``): every field of every draft (type word, name, issuer and its span, date, year, term,
subject, pinpoint, prefix start, span, codes) the same, and the same mentions from ``Engine.extract``, on the
samples, generated corpora, hostile texts and tables of edge cases; the REVERSE patterns (prefix, pinpoint), which
the core runs as their mirror image on the reversed window, give Python's groups on every window of texts.

These tests need the core installed (``pip install ./native``): skipped without it, failed when
DOCGRAPH_REQUIRE_NATIVE=1 (.ci/run).
"""

from __future__ import annotations

import random
from dataclasses import astuple

import pytest
import regex

from bench_helpers import benchmark, generated_texts, sample_texts
from docgraph import native
from docgraph.engine import Engine, MatchTimeout, resolve_overlaps
from docgraph.normalize import normalize
from docgraph.rules import load_rules


@pytest.fixture(scope="module")
def engines(engine_pair):
    """(Python's engine, the core's), over the built-in rules (conftest.engine_pair)."""
    py, rs = engine_pair
    assert py._context_core is None and rs._context_core is not None
    return py, rs


def _cores(engine: Engine, t: str) -> list[tuple]:
    return [(c.start, c.end, c.rule.layout == "name", c.rule.layout == "normative", c.year)
            for c in resolve_overlaps(engine._match_cores_py(t))]


def same_context(engines, text: str, *, in_core: bool = True) -> list[tuple]:
    """Both engines read the same context around every core of ``text`` (normalized as extract does), and give the
    same mentions. ``in_core``: the core reads the text itself (else it leaves it to Python)."""
    py, rs = engines
    t = normalize(text).text
    cores = resolve_overlaps(py._match_cores_py(t))
    want = [astuple(py._read_context(t, c)) for c in cores]
    rows = native.read_contexts(rs._context_core, t, _cores(py, t), None)
    assert (rows is not None) == in_core
    if rows is not None:
        got = [astuple(rs._draft_of(c, row)) for c, row in zip(cores, rows)]
        assert got == want, text[:300]
    assert rs.extract(text) == py.extract(text)
    return want


def _fields(engines, text: str) -> list[dict]:
    py, _ = engines
    t = normalize(text).text
    keys = ("tw", "name", "issuer", "date", "year", "term", "subject", "pinpoint")
    return [{k: getattr(d, k) for k in keys if getattr(d, k) is not None}
            for d in (py._read_context(t, c) for c in resolve_overlaps(py._match_cores_py(t)))]


# (text, what Python reads around its first reference): the tables say what each edge case is about; both engines
# must agree on every field of every reference
EDGES = [
    # the prefix: type word, "số", a law's name, "của ISSUER" and a date before the number
    ("Căn cứ Nghị quyết số 26-NQ/TW của Bộ Chính trị", {"tw": "Nghị quyết", "issuer": "Bộ Chính trị"}),
    ("theo Chỉ thị của Ban Bí thư ngày 5/3/2020 số 12-CT/TW", {"tw": "Chỉ thị", "issuer": "Ban Bí thư",
                                                              "date": "2020-03-05", "year": 2020}),
    ("Luật Đất đai số 31/2024/QH15", {"tw": "Luật", "name": "Luật Đất đai", "year": 2024}),
    ("Luật Hóa chất và Nghị định số 26/2011/NĐ-CP", {"tw": "Nghị định", "year": 2011}),
    ("Luật Phòng, chống tham nhũng, Nghị định số 59/2019/NĐ-CP", {"tw": "Nghị định", "year": 2019}),
    ("Bộ luật Lao động hoặc Thông tư số 10/2020/TT-BLĐTBXH", {"tw": "Thông tư", "year": 2020}),
    ("Pháp lệnh Ưu đãi người có công số 02/2020/UBTVQH14", {"tw": "Pháp lệnh", "year": 2020,
                                                            "name": "Pháp lệnh Ưu đãi người có công"}),
    ("Thông tư của Bộ Tài chính số 12/2021/TT-BTC", {"tw": "Thông tư", "issuer": "Bộ Tài chính", "year": 2021}),
    ("Quyết định của Chỉ thị số 5/QĐ-UBND", {"tw": "Chỉ thị"}),  # no issuer that is a type word
    ("SỐ: 45/KH-UBND", {}),
    ("so 45/KH-UBND và Số 46/KH-UBND", {}),
    ("Xsố 45/KH-UBND", {}),  # "số" inside a word opens no prefix
    ("văn bản số 12/2022/NĐ-CP", {"tw": "văn bản", "year": 2022}),
    # the suffix: dates in figures and in words, impossible dates, a year, the issuer, the Party term
    ("Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị về đại hội", {
        "tw": "Chỉ thị", "issuer": "Bộ Chính trị", "date": "2024-06-14", "year": 2024, "subject": "đại hội"}),
    ("Kế hoạch số 83-KH/TU ngày 16 tháng 7 năm 2024 của Ban Thường vụ Tỉnh ủy", {
        "tw": "Kế hoạch", "issuer": "Ban Thường vụ Tỉnh ủy", "date": "2024-07-16", "year": 2024}),
    ("Quyết định số 12/QĐ-UBND ngày 31/2/2020 của UBND tỉnh", {"tw": "Quyết định", "year": 2020,
                                                             "issuer": "UBND tỉnh"}),
    ("Quyết định số 13/QĐ-UBND ngày 29/02/2024", {"tw": "Quyết định", "date": "2024-02-29", "year": 2024}),
    ("Quyết định số 14/QĐ-UBND ngày 29/02/2023, ngày 01/03/2023", {"tw": "Quyết định", "year": 2023,
                                                                 "date": "2023-03-01"}),
    ("Nghị quyết số 12/2021/NQ-HĐND ngày 5/5/2020", {"tw": "Nghị quyết", "date": "2020-05-05", "year": 2021}),
    ("Chỉ thị số 12-CT/TW năm 2019 của Ban Bí thư", {"tw": "Chỉ thị", "year": 2019, "issuer": "Ban Bí thư"}),
    ("Nghị quyết số 18-NQ/TW, ngày 25/10/2017 Hội nghị Trung ương 6 khóa XII", {
        "tw": "Nghị quyết", "date": "2017-10-25", "year": 2017}),
    ("Nghị quyết số 18-NQ/TW của Ban Chấp hành Trung ương (khóa XII) ngày 25/10/2017", {
        "tw": "Nghị quyết", "issuer": "Ban Chấp hành Trung ương", "term": "XII", "date": "2017-10-25",
        "year": 2017}),
    ("Thông tư số 09/2020/TT-BVHTTDL của Bộ Văn hóa, Thể thao và Du lịch về", {
        "tw": "Thông tư", "issuer": "Bộ Văn hóa, Thể thao và Du lịch", "year": 2020}),
    ("Kế hoạch số 5/KH-UBND của Ủy ban\nnhân dân tỉnh Bắc Giang\nvề việc", {"tw": "Kế hoạch"}),
    ("Kế hoạch số 6/KH-UBND của ủy ban nhân dân huyện, thực hiện", {"tw": "Kế hoạch"}),
    ("Kế hoạch số 7/KH-UBND của Sở Y tế và Quyết định số 8/QĐ-UBND", {"tw": "Kế hoạch", "issuer": "Sở Y tế"}),
    ("Công văn số 9/UBND-VX của UBND tỉnh\nho_so: 12", {"tw": "Công văn", "issuer": "UBND tỉnh"}),
    ("Chỉ thị số 10-CT/TW cua Bo Chinh tri ngay 1/1/2020", {"tw": "Chỉ thị", "issuer": "Bo Chinh tri"}),
    # the subject, up to the end of its clause
    ("Quyết định số 15/QĐ-UBND về việc phê duyệt kế hoạch; tiếp theo", {
        "tw": "Quyết định", "subject": "phê duyệt kế hoạch"}),
    ("Quyết định số 16/QĐ-UBND V/v giao chỉ tiêu\nnăm 2024 cho các đơn vị.", {
        "tw": "Quyết định", "subject": "giao chỉ tiêu năm 2024 cho các đơn vị"}),
    ("Quyết định số 17/QĐ-UBND về x", {"tw": "Quyết định"}),  # a subject of one character is none
    ("Quyết định số 18/QĐ-UBND về " + "rất dài " * 60, {"tw": "Quyết định"}),
    ("Quyết định số 19/QĐ-UBND về quy hoạch\nhieu_luc: con", {"tw": "Quyết định", "subject": "quy hoạch"}),
    # the pinpoint before the reference
    ("theo khoản 2 Điều 5 Nghị định số 30/2020/NĐ-CP", {"tw": "Nghị định", "year": 2020,
                                                       "pinpoint": "khoản 2 Điều 5"}),
    ("điểm a, khoản 1, 2 Điều 12, Luật số 59/2020/QH14", {"year": 2020}),
    ("Mục II Chỉ thị số 05-CT/TW", {"tw": "Chỉ thị", "pinpoint": "Mục II"}),
    ("XĐiều 3 Chỉ thị số 05-CT/TW", {"tw": "Chỉ thị"}),
    # laws by name keep their own year
    ("Căn cứ Luật Đất đai năm 2024 ngày 18 tháng 1 năm 2024;", {"year": 2024, "date": "2024-01-18"}),
    ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;", {
        "year": 2015, "date": "2015-06-19"}),
    ("", None),
]


@pytest.mark.parametrize("text, first", EDGES)
def test_edge_cases(engines, text, first):
    rows = same_context(engines, text)
    if first is None:
        assert rows == []
        return
    got = _fields(engines, text)[0]
    assert {k: got.get(k) for k in first} == first, got


def test_prefix_at_the_window_edge(engines):
    """The prefix is read in the 400 characters before a number: a type word cut by that edge, or with a letter
    just before the edge, reads as in Python."""
    for pad in range(380, 420):
        for lead in ("x", " ", "1", "Đ", ""):
            for word in ("Nghị quyết số ", "Luật Đất đai số ", "Chỉ thị của Bộ Y tế ngày 1/2/2020 số "):
                text = lead + "a" * (pad - len(word)) + word + "12-NQ/TW"
                same_context(engines, text)
                text = lead + "a " * (pad // 2) + word + "12-NQ/TW"
                same_context(engines, text)


def test_texts_the_core_leaves_to_python(engines):
    """A date in other digits (int() reads them, the core does not), a lone surrogate, a character the two engines'
    tables read otherwise: Python reads the context of that text."""
    for text in ("Chỉ thị số 35-CT/TW ngày ١٤/٦/2024 của Bộ Chính trị", "Chỉ thị số 35-CT/TW ngày 14/6/2024 \udcff",
                 "Chỉ thị số 35-CT/TW ngày 14/6/2024 \u0295"):
        same_context(engines, text, in_core=False)


def test_contexts_of_the_samples(engines):
    texts = sample_texts()
    assert len(texts) >= 15
    assert sum(len(same_context(engines, t)) for t in texts) > 100


@pytest.mark.parametrize("seed", [5, 17, 2026])
def test_contexts_of_generated_corpora(engines, seed):
    found = sum(len(same_context(engines, text)) for text in generated_texts(seed))
    assert found > 150


@pytest.mark.parametrize("name", ["short_forms", "distinct_short_forms", "long_line", "many_references"])
def test_contexts_of_hostile_texts(engines, tmp_path, name):
    path = benchmark("hostile").build(name, tmp_path, 0.05)
    assert same_context(engines, path.read_text(encoding="utf-8"))


def test_a_long_line_of_issuers_and_names(engines):
    unit = ("Căn cứ Luật Tổ chức Chính phủ, Nghị quyết số 26-NQ/TW ngày 5/8/2023 của Ban Chấp hành Trung ương khóa "
            "XIII về việc kiện toàn, theo khoản 2 Điều 4 Quyết định của Thủ tướng số 12/QĐ-TTg, ")
    rows = same_context(engines, unit * 300)
    assert len(rows) == 600


def _python_groups(m) -> list[tuple[str, int, int]] | None:
    if m is None:
        return None
    out = [("", *m.span())]
    for name in m.re.groupindex:
        if m.group(name) is not None:
            out.append((name, *m.span(name)))
    return sorted(out)


@pytest.mark.parametrize("which, window", [("prefix", 400), ("pinpoint", 80)])
def test_reverse_patterns_are_their_mirror(engines, which, window):
    """The hypothesis the core relies on, on every window of a few texts: a regex.REVERSE match of Python's pattern
    (right to left from the window's end) gives the groups the core's mirror finds left to right on the reversed
    window, window edges and lookbehinds before them included."""
    py, rs = engines
    pat = py.prefix_re if which == "prefix" else py.pinpoint_re
    texts = [
        "Thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị, Luật Đất đai số 31/2024/QH15 và Luật Hóa chất "
        "và Nghị định số 26/2011/NĐ-CP; điểm a khoản 2 Điều 5 Quyết định của Thủ tướng Chính phủ ngày 1 tháng 2 năm "
        "2020 số: 12/QĐ-TTg, Mục IV Kế hoạch của UBND tỉnh Bắc Giang, ngày 3/4/2021, số 7",
        "Căn cứ Pháp lệnh Ưu đãi, Bộ luật Dân sự  \n số\t: 8; phần 3 Nghị quyết cua Bo Y te ngay 30-4-2019 SỐ 9 "
        "chương II, 👍 Chỉ thị của Chỉ thị số 10, khoản 1, 2, 3 điều 7a Thông tư số",
    ]
    rnd = random.Random(7)
    n = 0
    for t in texts:
        t = normalize(t).text
        ends = list(range(len(t) + 1))
        for end in ends:
            for lo in {max(0, end - window), rnd.randrange(0, end + 1), max(0, end - rnd.randrange(0, 40))}:
                want = _python_groups(pat.match(t, lo, end))
                got = rs._context_core.reverse_match(which, t, lo, end)
                assert (sorted(got) if got is not None else None) == want, (t[lo:end], lo, end)
                n += 1
    assert n > 1000


def test_the_time_limit_holds_in_the_core(engines):
    """A text whose context the core cannot read within the time left ends in the same skip as in Python."""
    py, rs = engines
    text = "Căn cứ Nghị quyết số 26-NQ/TW của Bộ Chính trị về việc kiện toàn, Chỉ thị số 35-CT/TW; " * 20000
    msgs = []
    for e in (py, rs):
        with pytest.raises(MatchTimeout) as err:
            e.extract(text, timeout=0.05)
        msgs.append(str(err.value))
    assert msgs[0] == msgs[1] == "time limit exceeded (0.05 s per file)"
    t = normalize(text).text
    with pytest.raises(native.TimeLimit):
        rs._context_core.read(t, _cores(py, t), 0.0)


def test_patterns_the_core_cannot_mirror_are_read_in_python_said_once(core, capsys, monkeypatch):
    """A REVERSE pattern with a lookbehind of two characters (the core mirrors one-character lookbehinds only):
    the context is read in Python, said once."""
    monkeypatch.setenv(native.ENV_SWITCH, "1")
    e = Engine(load_rules(None))
    pats = {"prefix": e.prefix_re, "pinpoint": regex.compile(r"(?<=ab)(?:điều)\s+", regex.REVERSE),
            "name_split": e.name_split_re, "suffix": e.suffix_re, "subject_intro": e.subject_intro_re,
            "subject_end": regex.compile(r"\s*;"), "date": e.date_re, "year": regex.compile(r"\d{4}")}
    assert native.context_core(pats, "n")() is None  # built on first use
    assert native.context_core(pats, "n")() is None
    assert capsys.readouterr().err.count("the reference context is read in Python") == 1
    pats["pinpoint"] = regex.compile(r"(?:điều)\s+", regex.REVERSE | regex.IGNORECASE)
    assert native.context_core(pats, "n") is None  # a flag the core lacks
