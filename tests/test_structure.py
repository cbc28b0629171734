"""The parts of a document (docgraph/structure.py): every example of rules/structure.yaml, and whole documents of our
own wording read into their parts."""

from __future__ import annotations

import pytest

from docgraph.engine import get_engine
from docgraph.structure import reader_for

RULES = get_engine(None).rules
READER = reader_for(RULES)
SPEC = RULES.structure


def _line_examples():
    for entry in SPEC["lines"]:
        for ex in entry.get("examples", []):
            yield entry["kind"], ex, True
        for ex in entry.get("not", []):
            yield entry["kind"], ex, False


@pytest.mark.parametrize("kind, text, must", list(_line_examples()))
def test_every_line_example_of_the_rules(kind, text, must):
    got = READER.line_kind(text.split("\n")[0])
    assert (got == kind) is must, f"{text!r} read as {got}"


@pytest.mark.parametrize("text", SPEC["item_examples"])
def test_item_examples_open_an_item(text):
    assert READER.line_kind(text) == "item" or any(p.search(text) for p in READER.item_line)


@pytest.mark.parametrize("text", SPEC["item_not"])
def test_item_counter_examples_do_not(text):
    assert not any(p.search(text) for p in READER.item_line)


DECISION = """ỦY BAN NHÂN DÂN
TỈNH HÀ NAM
Số: 88/QĐ-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Hà Nam, ngày 02 tháng 4 năm 2024

QUYẾT ĐỊNH
Về việc ban hành Quy chế phối hợp quản lý cụm công nghiệp

CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH

Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Căn cứ Nghị định số 32/2024/NĐ-CP ngày 15/3/2024 của Chính phủ về quản lý, phát triển cụm công nghiệp;
Theo đề nghị của Giám đốc Sở Công Thương tại Tờ trình số 41/TTr-SCT ngày 20/3/2024.

QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Quy chế phối hợp quản lý cụm công nghiệp trên địa bàn tỉnh.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký và thay thế Quyết định số 12/QĐ-UBND ngày 05/01/2019.
Điều 3. Các sở, ngành chịu trách nhiệm thi hành Quyết định này.

Nơi nhận:
- Như Điều 3;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH

Trần Văn Bình

QUY CHẾ
Phối hợp quản lý cụm công nghiệp
(Ban hành kèm theo Quyết định số 88/QĐ-UBND ngày 02/4/2024 của UBND tỉnh)
Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Quy chế này quy định việc phối hợp giữa các sở.
| STT | Văn bản | Ghi chú |
"""

PLAN = """TỈNH ỦY PHÚ YÊN
*
Số 21-KH/TU
ĐẢNG CỘNG SẢN VIỆT NAM
Phú Yên, ngày 10 tháng 9 năm 2024

KẾ HOẠCH
thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị

Thực hiện Chỉ thị số 35-CT/TW của Bộ Chính trị, Ban Thường vụ Tỉnh ủy ban hành Kế hoạch thực hiện như sau:
I. MỤC ĐÍCH, YÊU CẦU
1. Quán triệt sâu sắc nội dung Chỉ thị.
II. NHIỆM VỤ
- Các cấp ủy xây dựng kế hoạch.
[1]. Hướng dẫn số 26-HD/BTCTW ngày 09/10/2024.
T/M BAN THƯỜNG VỤ
BÍ THƯ
"""


def _kinds(text: str, shape: str = "document") -> list[tuple[str, str, bool]]:
    st = READER.read(text, shape)
    return [(p.kind, " ".join(text[p.start:p.end].split())[:30], p.attached) for p in st.parts]


def test_a_decision_read_into_its_parts():
    kinds = [(k, a) for k, _, a in _kinds(DECISION)]
    assert kinds == [
        ("header", False), ("title", False), ("body", False), ("basis", False), ("basis", False), ("request", False),
        ("promulgation", False), ("article", False), ("effect", False), ("effect", False), ("recipients", False),
        ("signature", False), ("attached", True), ("attached", True), ("chapter", True), ("article", True),
        ("table", True)]


def test_a_party_plan_read_into_its_parts():
    assert [k for k, _, _ in _kinds(PLAN)] == [
        "header", "title", "opener", "section", "section", "footnote", "signature"]


def test_parts_cover_the_text_in_order():
    for text in (DECISION, PLAN):
        st = READER.read(text)
        assert st.parts[0].start == 0 and st.parts[-1].end == len(text)
        assert all(a.end == b.start for a, b in zip(st.parts, st.parts[1:]))
        assert st.part_at(text.index("Căn cứ" if "Căn cứ" in text else "Thực hiện")).kind in ("basis", "opener")


def test_a_news_item_is_a_title_line_then_paragraphs():
    news = "Tỉnh ủy sơ kết công tác quý III\n\n(Báo Phú Yên) - Sáng 2/10, Tỉnh ủy họp.\nHội nghị thống nhất.\n"
    assert [k for k, _, _ in _kinds(news, "article")] == ["title", "body"]


def test_a_letters_subject_line_is_its_title():
    letter = ("UBND TỈNH HÀ NAM\nSỞ TÀI CHÍNH\nSố: 512/STC-NS\nV/v hướng dẫn thực hiện Nghị định số 45/2024/NĐ-CP\n"
              "Kính gửi: Các sở, ngành.\n\nPhúc đáp Công văn số 77/SNV-TCBC ngày 2/5/2024 của Sở Nội vụ, Sở Tài chính"
              " có ý kiến như sau:\n1. Về kinh phí.\n")
    kinds = _kinds(letter)
    assert kinds[1][0] == "title" and kinds[1][1].startswith("V/v hướng dẫn")
    assert ("request", False) in [(k, a) for k, _, a in kinds]


def test_units_never_reach_across_items_or_cells():
    st = READER.read(DECISION)
    table = [p for p in st.parts if p.kind == "table"][0]
    assert [DECISION[a:b].strip() for a, b in st.units(table)] == ["STT", "Văn bản", "Ghi chú"]
    plan = READER.read(PLAN)
    section = [p for p in plan.parts if p.kind == "section"][1]
    assert len(plan.units(section)) == 2  # the heading, the "- ..." item


def test_a_hard_wrapped_text_is_known():
    wrapped = "".join(f"Dòng thứ {i} của một văn bản được cắt giữa câu khi chuyển từ PDF sang\nvăn bản, " for i in range(8))
    assert READER.read("Tiêu đề\n" + wrapped, "article").wrapped
    assert not READER.read(PLAN).wrapped


# --- one pass over the line patterns: the same kind as trying them one by one ----------------------------------

_LINES = [
    "", "   ", "CÔNG BÁO/Số 12", "  17  ", "Ký bởi: Văn phòng", "-----", "| Số TT | Nội dung |", "[3] Xem Điều 2.",
    "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Căn cứ Luật Tổ chức chính quyền địa phương;",
    "căn cứ vào tình hình thực tế, ...", "2. Căn cứ pháp lý", "Theo đề nghị của Giám đốc Sở Nội vụ;",
    "Phúc đáp Công văn số 12/UBND", "Văn bản: Tờ trình số 5/TTr-SKHĐT", "Thực hiện Chỉ thị số 28-CT/TW,",
    "Điều 3. Hiệu lực thi hành", "QUYẾT ĐỊNH:", "Ủy ban nhân dân tỉnh ban hành Kế hoạch thực hiện như sau",
    "Nay Sở ban hành hướng dẫn về việc thực hiện như sau:", "Chương II", "II. NHIỆM VỤ", "QUY ĐỊNH",
    "(Ban hành kèm theo Quyết định số 7/QĐ-UBND)", "KẾ HOẠCH", "1.2. Tuyên truyền", "a) Các sở", "- Sở Tư pháp",
    "(4) Báo cáo kết quả", "Hội nghị đã thống nhất các nội dung sau đây.", "V/v triển khai Nghị quyết",
]


@pytest.mark.parametrize("line", _LINES)
def test_one_pass_gives_the_kind_of_the_first_pattern_in_order(line):
    assert READER._steps is not None  # the built-in rules take the fast path
    assert READER.line_kind(line) == READER.line_kind_each(line)


def test_one_pass_keeps_order_across_a_pattern_that_is_not_anchored():
    from docgraph.structure import StructureReader
    spec = {"lines": [{"kind": "first", "patterns": ["^A"]}, {"kind": "anywhere", "patterns": ["(?i)zz"]},
                      {"kind": "last", "patterns": ["^B", "^Azz"]}]}
    r = StructureReader(spec)
    assert len(r._steps.steps("Azz")) == 3
    assert [r.line_kind(x) for x in ["Azz", "Bzz", "B", "C zz", "C"]] == ["first", "anywhere", "last", "anywhere",
                                                                          "plain"]


def test_a_back_reference_keeps_the_pattern_by_pattern_path():
    from docgraph.structure import StructureReader
    r = StructureReader({"lines": [{"kind": "twice", "patterns": [r"^(\w)\1"]}]})
    assert r._steps is None
    assert r.line_kind("aab") == "twice" and r.line_kind("abc") == "plain"


def test_one_pass_agrees_on_every_line_of_the_samples():
    from pathlib import Path

    from docgraph.readers.registry import read_file
    root = Path(__file__).resolve().parent.parent / "samples"
    lines = [x for f in sorted(root.rglob("*")) if f.is_file() for x in (read_file(f).text or "").split("\n")]
    assert len(lines) > 500
    assert [READER.line_kind(x) for x in lines] == [READER.line_kind_each(x) for x in lines]


def _cuts_at_every_offset(text, start, end):
    cuts = [start]
    for m in READER.item_re.finditer(text, pos=start, endpos=end):
        if m.start() > cuts[-1]:
            cuts.append(m.start())
    cuts.append(end)
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


@pytest.mark.parametrize("text", [
    "1. Mục đích\n2. Yêu cầu\n- một\n- hai\n",
    "Lời mở đầu\n\n\n  a) điểm một trên dòng sau hai dòng trống\nb) điểm hai\n",
    "V/v triển khai\n(1) thứ nhất (2) không phải đầu dòng\n+ cộng\n",
    "Không có mục nào ở đây cả.\nChỉ là văn xuôi.\n",
])
def test_units_are_cut_where_finditer_would_cut(text):
    """Items are tried only at line starts (the item pattern is anchored): the same cuts as trying every offset, also
    for a part that starts inside a line."""
    from docgraph.structure import BODY, Part

    st = READER.read(text, "article")
    for part in st.parts + [Part(BODY, 3, len(text))]:
        assert st.units(part) == _cuts_at_every_offset(text, part.start, part.end)
