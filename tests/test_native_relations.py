"""The relation reader with the compiled core (native/src/relations*.rs) against the Python reader, the reference:
every relation with its evidence, on the samples, generated corpora, hostile texts, every text of the relation
tests' tables and a table of edge cases (passive riders, coordinated lists, lists after ":", quoted titles,
negations and cancels, consolidated texts, tables, hard-wrapped lines, long lines of thousands of clauses).

These tests need the core installed (``pip install ./native``); without it they are skipped with that reason,
unless DOCGRAPH_REQUIRE_NATIVE=1 (then a missing core fails them).
"""

from __future__ import annotations

import inspect
from dataclasses import replace
from pathlib import Path

import pytest
from bench_helpers import benchmark

from docgraph import limits, native
from docgraph.engine import get_engine
from docgraph.header import read_header
from docgraph.relations import RelationFinder

HEADER = """ỦY BAN NHÂN DÂN
TỈNH BẮC NINH
Số: 88/QĐ-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Bắc Ninh, ngày 03 tháng 3 năm 2025

QUYẾT ĐỊNH
Về việc điều chỉnh một số nội dung

"""

VBHN = """BỘ TÀI CHÍNH
Số: 12/VBHN-BTC
Hà Nội, ngày 9 tháng 4 năm 2025

THÔNG TƯ
Quy định về quản lý phí

"""

REPORT = """SỞ NỘI VỤ
Số: 45/BC-SNV
Hà Nội, ngày 9 tháng 4 năm 2025

BÁO CÁO
Kết quả thực hiện nhiệm vụ

"""


def python_only(f: RelationFinder) -> RelationFinder:
    """``f`` with every part of the core switched off: the reference."""
    f.triggers._core = None
    f.layout_core = None
    f.core = None
    return f


@pytest.fixture(scope="module")
def pair(core):
    e = get_engine(None)
    py = python_only(RelationFinder(e.rules.relations, e.rules.structure, e.lexicon))
    rs = RelationFinder(e.rules.relations, e.rules.structure, e.lexicon)
    assert rs.layout_core is not None and rs.core is not None
    return e, py, rs


def same(pair, text: str, *, by_core: bool = True) -> int:
    """Both readers find the same relations (with their evidence) in ``text`` read as a document and as an
    article, the core's reader itself and its layout under the Python reader; the number found. ``by_core``: the
    core reads the text (it does not leave it to Python)."""
    e, py, rs = pair
    ms = e.extract(text)
    h = read_header(text, ms, e.lexicon)
    n = 0
    for article in (h.kind in ("article", "unknown"), True):
        st = py.reader.read(text, "article" if article else "document")
        want = py.find(text, ms, article=article, structure=st, doc_type=h.type, doc_symbol=h.symbol)
        got = rs.find(text, ms, article=article, structure=st, doc_type=h.type, doc_symbol=h.symbol)
        assert got == want, text[:300]
        core, rs.core = rs.core, None  # the layout alone
        try:
            assert rs.find(text, ms, article=article, structure=st, doc_type=h.type, doc_symbol=h.symbol) == want
        finally:
            rs.core = core
        if by_core:
            assert native.relation_find(rs.core, text, st, ms, article, h.type, h.symbol) is not None
        n += len(want)
    return n


EDGES = [
    # passive riders, one after another, and a rider on a document named without a reference
    "Căn cứ Luật Ban hành văn bản quy phạm pháp luật ngày 22 tháng 6 năm 2015 được sửa đổi, bổ sung bởi Luật số "
    "63/2020/QH14 ngày 18 tháng 6 năm 2020 và được hướng dẫn bởi Nghị định số 34/2016/NĐ-CP ngày 14/5/2016;\n",
    "Luật báo chí ngày 28 tháng 12 năm 1989 đã được sửa đổi theo Luật số 12/1999/QH10 hết hiệu lực.\n",
    "Điều 2. Quyết định số 10/2019/QĐ-UBND (được sửa đổi, bổ sung bởi Quyết định số 5/2021/QĐ-UBND; "
    "Quyết định số 7/2022/QĐ-UBND); Quyết định số 9/2023/QĐ-UBND hết hiệu lực kể từ ngày ký.\n",
    # coordinated lists, with and without numbers
    "Thực hiện Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XX, Nghị quyết số 03-NQ/TU ngày 2/2/2021 và Kế hoạch số "
    "15-KH/TU ngày 3/3/2021 của Tỉnh ủy, Ủy ban nhân dân tỉnh ban hành kế hoạch như sau:\n",
    "Thông tư số 01/2020/TT-BTC sửa đổi Thông tư số 02/2019/TT-BTC hướng dẫn giám sát tài chính và Thông tư số "
    "03/2018/TT-BTC.\n",
    # lists after ":"
    "Điều 3. Bãi bỏ các văn bản sau đây:\n1. Quyết định số 11/2018/QĐ-UBND ngày 1/2/2018;\n"
    "2. Quyết định số 12/2018/QĐ-UBND ngày 2/2/2018;\n- Chỉ thị số 3/CT-UBND ngày 4/4/2019.\n",
    "Quyết định số 20/2017/QĐ-UBND được sửa đổi, bổ sung bởi:\na) Quyết định số 21/2019/QĐ-UBND;\n"
    "b) Quyết định số 22/2020/QĐ-UBND.\n",
    "Điều 1. Bãi bỏ toàn bộ 3 văn bản\n1. Quyết định số 31/2016/QĐ-UBND;\n2. Quyết định số 32/2016/QĐ-UBND.\n",
    "Căn cứ:\n- Luật Đất đai ngày 18 tháng 1 năm 2024;\n- Nghị định số 102/2024/NĐ-CP ngày 30/7/2024;\n",
    # quoted titles, aliases, a tight phrase
    "Triển khai Đề án “thay thế Quyết định số 40/2015/QĐ-UBND” theo Kế hoạch số 9/KH-UBND ngày 1/1/2024.\n",
    "Thực hiện Nghị định số 15/2021/NĐ-CP (sau đây gọi tắt là Nghị định số 15/2021/NĐ-CP) của Chính phủ.\n",
    "Hỗ trợ khi thu hồi đất theo Nghị định số 88/2024/NĐ-CP ngày 15/7/2024:\n- Quyết định số 5/2024/QĐ-UBND.\n",
    # negations, refusals and proposals of an act
    "Điều 2. Đề nghị xem xét bãi bỏ Quyết định số 17/2016/QĐ-UBND ngày 2/3/2016 của Ủy ban nhân dân tỉnh.\n",
    "Điều 3. Không thay thế Quyết định số 18/2016/QĐ-UBND; chưa sửa đổi Quyết định số 19/2016/QĐ-UBND.\n",
    # narrated acts, a named law after a guide phrase
    "Thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016, Sở Tư pháp đã ban hành Kế hoạch số 70/KH-STP ngày 1/6/2016.\n",
    "Căn cứ Luật Quản lý, sử dụng tài sản công ngày 21 tháng 6 năm 2017;\nCăn cứ Nghị định số 151/2017/NĐ-CP "
    "ngày 26/12/2017 quy định chi tiết một số điều của Luật Quản lý, sử dụng tài sản công;\n",
    # effect article: "... hết hiệu lực", with riders and a licence
    "Điều 5. Quyết định này có hiệu lực từ ngày ký và thay thế Quyết định số 50/QĐ-UBND ngày 1/1/2020; "
    "giấy phép số 3/GP-UBND hết hiệu lực.\nQuyết định số 51/QĐ-UBND ngày 2/1/2020 hết hiệu lực kể từ ngày ký.\n",
    # a table, hard-wrapped lines, a "." inside a reference
    "| STT | Văn bản | Ghi chú |\n| 1 | Quyết định số 1.234/QĐ-UBND ngày 1/2/2020 | thay thế Quyết định số "
    "99/QĐ-UBND |\n| 2 |  | căn cứ Nghị định số 8/2019/NĐ-CP |\n",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công\ntác văn thư; căn cứ Thông "
    "tư số 01/2011/TT-BNV\nngày 19/01/2011 của Bộ Nội vụ hướng dẫn thể thức và kỹ thuật trình bày văn bản;\n",
    # odd characters: emoji, combining marks, non-breaking spaces, straight and curly quotes
    "👍 Thực hiện\u00a0Kế hoạch số 1/KH-UBND ngày 1/1/2024 về \"thực hiện Nghị quyết số 2-NQ/TU\" 📄 và Quyết định "
    "số 3/QĐ-UBND; «bãi bỏ Quyết định số 4/QĐ-UBND»\n",
    "",
    "Không có văn bản nào được nhắc đến ở đây.\n",
]


@pytest.mark.parametrize("body", EDGES)
@pytest.mark.parametrize("header", [HEADER, VBHN, REPORT, ""])
def test_edge_cases(pair, header, body):
    same(pair, header + body)


def test_consolidated_text(pair):
    text = VBHN + ("Thông tư số 5/2020/TT-BTC ngày 1/2/2020 của Bộ Tài chính quy định về quản lý phí, có hiệu lực "
                   "kể từ ngày 1/4/2020, được sửa đổi, bổ sung bởi Thông tư số 9/2022/TT-BTC ngày 3/3/2022.\n"
                   "Căn cứ Luật Phí và lệ phí ngày 25 tháng 11 năm 2015;\nCăn cứ Nghị định số 120/2016/NĐ-CP;\n"
                   "Thông tư số 9/2022/TT-BTC có căn cứ ban hành như sau:\nCăn cứ Nghị định số 14/2023/NĐ-CP;\n"
                   "Điều 1. Phạm vi điều chỉnh\n")
    assert same(pair, text) >= 8


def _table_texts() -> list[str]:
    """Every text of the relation tests' tables (their bodies, with and without a header)."""
    import test_relations

    out = []
    for _, fn in inspect.getmembers(test_relations, inspect.isfunction):
        for mark in getattr(fn, "pytestmark", []):
            if mark.name != "parametrize":
                continue
            for values in mark.args[1]:
                for v in values if isinstance(values, (tuple, list)) else (values,):
                    if isinstance(v, str) and len(v) > 20:
                        out.append(v)
    return out


def test_the_relation_tests_texts(pair):
    import test_relations

    texts = _table_texts()
    assert len(texts) > 30
    assert sum(same(pair, test_relations.HEADER + t) + same(pair, t) for t in texts) > 50


def test_samples(pair):
    from docgraph.readers import read_file

    root = Path(__file__).resolve().parent.parent / "samples"
    texts = [t for t in (read_file(str(p)).text for p in sorted(root.iterdir()) if p.is_file()) if t]
    assert len(texts) >= 15
    assert sum(same(pair, t) for t in texts) > 50


@pytest.mark.parametrize("seed", [3, 11])
def test_generated_corpora(pair, seed):
    gen = benchmark("generate")
    world = gen.World(150, seed)
    n = sum(same(pair, gen.render_file(world, i, seed, 3000.0, 0.5, 0.05)[1]) for i in range(150))
    assert n > 100


@pytest.mark.parametrize("name", ["short_forms", "distinct_short_forms", "long_line", "many_references"])
def test_hostile_texts(pair, tmp_path, name):
    path = benchmark("hostile").build(name, tmp_path, 0.05)
    same(pair, path.read_text(encoding="utf-8"))


def test_a_long_line_of_thousands_of_clauses(pair):
    one = "Quyết định số {n}/QĐ-UBND được sửa đổi bởi Quyết định số {m}/QĐ-UBND; thay thế Chỉ thị số {n}/CT-UBND: "
    text = HEADER + "Điều 1. " + "".join(one.format(n=i, m=i + 1) for i in range(1500)) + "\n"
    assert same(pair, text) > 3000


def test_the_time_limit_holds_in_the_core(pair):
    e, _, rs = pair
    text = HEADER + "Điều 1. " + "Bãi bỏ Quyết định số 1/QĐ-UBND; " * 20000 + "\n"
    ms = e.extract(text)
    st = rs.reader.read(text)
    parts = [(p.start, p.end, 0) for p in st.parts]
    with pytest.raises(native.TimeLimit):
        rs.layout_core.layout(text, parts, st._line_starts, st.wrapped, [(m.start, m.end) for m in ms], 0.0)
    with pytest.raises(native.TimeLimit):
        rs.core.find(text, [(p.kind, p.start, p.end, p.attached) for p in st.parts], st._line_starts, st.wrapped,
                     [(m.start, m.end, m.own, m.type, m.number, m.symbol, m.date, m.year, m.name, m.text, m.line)
                      for m in ms], False, None, None, 0.0)
    with limits.deadline(0.001):
        with pytest.raises(limits.TimeLimitExceeded, match=r"time limit exceeded \(0.001 s per file\)"):
            rs.find(text, ms, structure=st)


def test_a_name_nfc_would_change_is_left_to_python(pair):
    """The reader compares laws' names in NFC: a name holding a combining mark (the core has no NFC) sends the
    text to the Python reader."""
    e, py, rs = pair
    text = HEADER + ("Căn cứ Luật Đất đai ngày 18 tháng 1 năm 2024;\nCăn cứ Nghị định số 102/2024/NĐ-CP ngày "
                     "30/7/2024 quy định chi tiết thi hành một số điều của Luật Đất đai;\n")
    ms = e.extract(text)
    named = [i for i, m in enumerate(ms) if m.name]
    assert named
    ms = [replace(m, name=m.name.replace("Đất", "Đa\u0302\u0301t")) if m.name else m for m in ms]
    st = py.reader.read(text)
    assert native.relation_find(rs.core, text, st, ms, False, "Quyết định", "QĐ-UBND") is None
    assert rs.find(text, ms, structure=st) == py.find(text, ms, structure=st)


def test_texts_the_core_leaves_to_python(pair):
    e, py, rs = pair
    text = HEADER + "Căn cứ Quyết định số 1/QĐ-UBND ngày 1/1/2020 \u0295;\n"
    assert native.relation_layout(rs.layout_core, text, [(0, len(text), 0)], [0], False, []) is None
    assert same(pair, text, by_core=False) >= 1
    assert native.relation_layout(rs.layout_core, "căn cứ \ud800", [(0, 8, 0)], [0], False, []) is None


def test_switched_off(core, monkeypatch):
    monkeypatch.setenv(native.ENV_SWITCH, "0")
    e = get_engine(None)
    f = RelationFinder(e.rules.relations, e.rules.structure, e.lexicon)
    assert f.layout_core is None and f.core is None
