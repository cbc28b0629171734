"""Relations per trigger phrase and per trap, identity across files, flags. Texts written for these tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docgraph import index as ix
from docgraph.engine import get_engine
from docgraph.graph import build_graph
from docgraph.pipeline import OWN, analyse_text
from docgraph.query import stats
from docgraph.scan import scan

HEADER = """ỦY BAN NHÂN DÂN
TỈNH NINH BÌNH
Số: 321/QĐ-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Ninh Bình, ngày 10 tháng 10 năm 2024

QUYẾT ĐỊNH
Về việc ban hành quy chế làm việc

"""


def edges(body: str, header: str = HEADER) -> set[tuple[str, str, str]]:
    """(source, relation, target) with 'own' for the file's own document and the cited symbol otherwise."""
    text = header + body
    res = analyse_text(text, "t.txt", get_engine(None))
    ms = res.mentions

    def name(i: int) -> str:
        if i == OWN:
            return "own"
        m = ms[i]
        return f"{int(m.number)}/{m.symbol}" if m.symbol else (m.name or "?")

    return {(name(r.source), r.relation, name(r.target)) for r in res.relations}


@pytest.mark.parametrize("body, expected", [
    # based_on: each "Căn cứ" line
    ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\n"
     "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư;\n",
     {("own", "based_on", "Luật Tổ chức chính quyền địa phương"), ("own", "based_on", "30/NĐ-CP")}),
    # implements: body opener
    ("Thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị, Ủy ban nhân dân tỉnh quyết định:\n",
     {("own", "implements", "35/CT/TW")}),
    ("Để cụ thể hóa Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị, tỉnh ban hành quyết định này.\n",
     {("own", "implements", "57/NQ/TW")}),
    ("Quán triệt Kết luận số 21-KL/TW ngày 25/10/2021 của Ban Chấp hành Trung ương đến toàn thể cán bộ.\n",
     {("own", "implements", "21/KL/TW")}),
    # a relation phrase right after a cited reference: that reference acts
    ("Thực hiện Kế hoạch số 45-KH/TU ngày 10/5/2023 của Tỉnh ủy về thực hiện Nghị quyết số 29-NQ/TW "
     "ngày 17/11/2022 của Ban Chấp hành Trung ương, Ủy ban nhân dân tỉnh quyết định:\n",
     {("own", "implements", "45/KH/TU"), ("45/KH/TU", "implements", "29/NQ/TW")}),
    # coordinated objects are all implemented
    ("Thực hiện Quyết định số 1017/QĐ-TTg ngày 22/8/2018 của Thủ tướng Chính phủ và Kế hoạch số 12-KH/TU "
     "ngày 03/3/2019 của Tỉnh ủy, Ủy ban nhân dân tỉnh quyết định:\n",
     {("own", "implements", "1017/QĐ-TTg"), ("own", "implements", "12/KH/TU")}),
    # guides: the acting document is the cited decree, the file is based on it
    ("Căn cứ Nghị định số 54/2006/NĐ-CP ngày 26/5/2006 của Chính phủ hướng dẫn thi hành "
     "Pháp lệnh Ưu đãi người có công năm 2005;\n",
     {("own", "based_on", "54/NĐ-CP"), ("54/NĐ-CP", "guides", "Pháp lệnh Ưu đãi người có công")}),
    ("Điều 1. Quyết định này sửa đổi, bổ sung một số điều của Quyết định số 12/2020/QĐ-UBND ngày 01/6/2020 "
     "của Ủy ban nhân dân tỉnh.\n",
     {("own", "amends", "12/QĐ-UBND")}),
    ("Điều 3. Quyết định này thay thế Quyết định số 2403/QĐ-UBND ngày 15/12/2021 của Ủy ban nhân dân tỉnh.\n",
     {("own", "replaces", "2403/QĐ-UBND")}),
    ("Điều 4. Bãi bỏ Quyết định số 18/2019/QĐ-UBND ngày 02/4/2019 của Ủy ban nhân dân tỉnh.\n",
     {("own", "repeals", "18/QĐ-UBND")}),
    ("Phúc đáp Công văn số 1532/SNV-TCBC ngày 20/8/2024 của Sở Nội vụ, Sở Tài chính có ý kiến như sau:\n",
     {("own", "responds_to", "1532/SNV-TCBC")}),
    ("Xét đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 77/TTr-SNV ngày 01/10/2024;\n",
     {("own", "responds_to", "77/TTr-SNV")}),
    # plain mention: cites
    ("Kết quả này phù hợp với Nghị định số 40/2014/NĐ-CP ngày 12/5/2014 của Chính phủ.\n",
     {("own", "cites", "40/NĐ-CP")}),
])
def test_relation_phrases(body, expected):
    assert edges(body) == expected


def test_amendment_history_in_parentheses_is_not_an_act_of_the_file():
    got = edges("Căn cứ Luật Đất đai số 45/2013/QH13 (đã được sửa đổi, bổ sung bởi Luật số 35/2018/QH14);\n")
    # the rider is history: the later law amends the basis; the file itself is based on the basis alone
    assert got == {("own", "based_on", "45/QH13"), ("35/QH14", "amends", "45/QH13")}


def test_this_decree_and_this_article_are_not_references():
    assert edges("Điều 5. Quyết định này có hiệu lực kể từ ngày ký. Nghị định này và Điều này không phải tham chiếu.\n") == set()


def test_news_report_gives_the_reported_relation():
    news = "Tỉnh ủy họp bàn công tác tuyên giáo\n(Báo Ninh Bình) - Ngày 5/9/2024, Thường trực Tỉnh ủy họp.\n"
    got = edges("Thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị, Tỉnh ủy đã ban hành "
                "Kế hoạch số 83-KH/TU ngày 16/7/2024 để triển khai trong toàn Đảng bộ.\n", header=news)
    assert ("83/KH/TU", "implements", "35/CT/TW") in got
    assert ("own", "cites", "35/CT/TW") in got  # an article only cites
    assert not any(s == "own" and r == "implements" for s, r, _ in got)


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture()
def index_of(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def build(files: dict[str, str]):
        for name, text in files.items():
            _write(tmp_path / "docs", name, text)
        conn = ix.connect(tmp_path / "t.db", create=True)
        scan(["docs"], conn, jobs=1)
        return conn, build_graph(conn)

    return build


PROV_PLAN = """TỈNH ỦY {P}
*
Số {n}-KH/TU
ĐẢNG CỘNG SẢN VIỆT NAM
{p}, ngày {d} tháng 7 năm 2024

KẾ HOẠCH
thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị
"""

DEPT_PLAN = """UBND TỈNH {P}
SỞ NỘI VỤ
Số: {n}/KH-SNV
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
{p}, ngày 20 tháng {m} năm 2024

KẾ HOẠCH
Triển khai công tác chuẩn bị đại hội

Thực hiện Kế hoạch số {ref} của Tỉnh ủy về đại hội đảng bộ các cấp, Sở Nội vụ ban hành kế hoạch như sau.
"""


def test_local_numbers_resolve_within_their_province(index_of):
    conn, g = index_of({
        "a.txt": PROV_PLAN.format(P="NINH BÌNH", p="Ninh Bình", n=83, d=10),
        "b.txt": PROV_PLAN.format(P="LÀO CAI", p="Lào Cai", n=83, d=20),
        "c.txt": DEPT_PLAN.format(P="LÀO CAI", p="Lào Cai", n=5, m=8, ref="83-KH/TU ngày 20/7/2024"),
        # a year-less mention resolves to the one dated document of the same jurisdiction
        "d.txt": DEPT_PLAN.format(P="NINH BÌNH", p="Ninh Bình", n=9, m=9, ref="83-KH/TU"),
    })
    assert g.has_edge("5-kh-snv-2024-lao-cai", "83-kh-tu-2024-lao-cai")
    assert g.has_edge("9-kh-snv-2024-ninh-binh", "83-kh-tu-2024-ninh-binh")
    assert not any("83-kh-tu-x" in n for n in g)
    assert g.nodes["83-kh-tu-2024-ninh-binh"]["level"] == "provincial"
    assert g.nodes["5-kh-snv-2024-lao-cai"]["level"] == "department"
    # the same edge stated in two files is one edge with a count and both evidences
    assert g.get_edge_data("83-kh-tu-2024-lao-cai", "35-ct-tw-2024")["implements"]["count"] == 1


def test_ambiguous_yearless_mention_is_counted_not_merged(index_of):
    plan = PROV_PLAN.replace("năm 2024", "năm {y}")
    conn, g = index_of({
        "a.txt": plan.format(P="NINH BÌNH", p="Ninh Bình", n=83, d=10, y=2021),
        "b.txt": plan.format(P="NINH BÌNH", p="Ninh Bình", n=83, d=10, y=2024),
        "c.txt": "Tin ngắn\nNgày 1/1/2025, tỉnh sơ kết Kế hoạch số 83-KH/TU của Tỉnh ủy Ninh Bình.\n",
    })
    assert "83-kh-tu-2021-ninh-binh" in g and "83-kh-tu-2024-ninh-binh" in g
    s = stats(conn)
    assert s["ambiguous_mentions"] == 1
    assert [Path(a["file"]).name for a in s["ambiguous"]] == ["c.txt"]


def test_same_edge_in_two_files_is_one_edge_with_all_evidence(index_of):
    text = "Tin số {i}\nNgày 2/9/2024, tỉnh cho biết Kế hoạch số 83-KH/TU ngày 10/7/2024 của Tỉnh ủy Ninh Bình về thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị đã được triển khai.\n"
    conn, g = index_of({"n1.txt": text.format(i=1), "n2.txt": text.format(i=2)})
    e = g.get_edge_data("83-kh-tu-2024-ninh-binh", "35-ct-tw-2024")["implements"]
    assert e["count"] == 2
    assert {Path(x["file"]).name for x in e["evidence_all"]} == {"n1.txt", "n2.txt"}


def test_flags_implements_before_target_and_district_after_reform(index_of):
    district = """ỦY BAN NHÂN DÂN
HUYỆN GIA VIỄN
Số: 12/KH-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Gia Viễn, ngày 02 tháng 8 năm 2025

KẾ HOẠCH
Thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị trên địa bàn huyện thuộc tỉnh Ninh Bình
"""
    early = PROV_PLAN.replace("tháng 7 năm 2024", "tháng 3 năm 2024")
    conn, g = index_of({"a.txt": district, "b.txt": early.format(P="NINH BÌNH", p="Ninh Bình", n=7, d=1)})
    flags = stats(conn)["flagged_edges"]
    assert flags.get("district_after_reform") == 1
    assert flags.get("source_before_target") == 1
    e = g.get_edge_data("7-kh-tu-2024-ninh-binh", "35-ct-tw-2024")["implements"]
    assert e["flags"] == ["source_before_target"]


def test_a_document_does_not_cite_itself(index_of):
    text = DEPT_PLAN.format(P="NINH BÌNH", p="Ninh Bình", n=9, m=9, ref="83-KH/TU ngày 10/7/2024") + \
        "Kế hoạch số 09/KH-SNV này được gửi các phòng.\n"
    conn, g = index_of({"a.txt": text})
    assert not g.has_edge("9-kh-snv-2024-ninh-binh", "9-kh-snv-2024-ninh-binh")
    rows = conn.execute("SELECT doc FROM mentions WHERE own=0").fetchall()
    assert ("9-kh-snv-2024-ninh-binh",) in [tuple(r) for r in rows]
    assert json.loads(conn.execute("SELECT flags FROM edges LIMIT 1").fetchone()[0]) == []


@pytest.mark.parametrize("tail, title, name", [
    ("Nơi nhận:\n- Như trên;\n- Lưu: VT.\n\nTM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n(đã ký)\n\nNguyễn Văn An\n",
     "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", "Nguyễn Văn An"),
    ("Nơi nhận:                                   T/M BAN THƯỜNG VỤ\n- Như trên,                                 BÍ THƯ\n"
     "- Lưu VPTU.\n                                            Lê Thị Mai\n",
     "T/M BAN THƯỜNG VỤ / BÍ THƯ", "Lê Thị Mai"),
    ("Nơi nhận:\n- Lưu: VT.\n\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n", "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH", None),
    ("Các đơn vị thực hiện nghiêm túc kế hoạch này.\n", None, None),
])
def test_signature_block(tail, title, name):
    from docgraph.header import read_signature

    assert read_signature(HEADER + "Nội dung kế hoạch.\n\n" + tail) == (title, name)


def test_consolidated_text_is_numbered_and_dated_by_its_authentication_block():
    from docgraph.pipeline import analyse_text

    text = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\nTHÔNG TƯ\nQuy định về quản lý vật liệu nổ\n"
            "Thông tư số 23/2024/TT-BCT ngày 07 tháng 11 năm 2024 của Bộ trưởng Bộ Công Thương, được sửa đổi, bổ sung bởi "
            "Thông tư số 38/2025/TT-BCT ngày 19 tháng 6 năm 2025.\nĐiều 1. Phạm vi điều chỉnh.\n"
            "BỘ CÔNG THƯƠNG\nSố: 37/VBHN-BCT\nXÁC THỰC VĂN BẢN HỢP NHẤT\nHà Nội, ngày 26 tháng 5 năm 2026\n"
            "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG\n\nTrương Thanh Hoài\n\nPhụ lục\nMẫu số 01/BK-HTK\n")
    res = analyse_text(text, "vbhn.txt", get_engine(None))
    h = res.header
    assert (h.number, h.symbol, h.date, h.type, h.kind) == ("37", "VBHN-BCT", "2026-05-26", "Văn bản", "document")
    assert res.own_id == "37-vbhn-bct-2026"
    assert h.signer == "Trương Thanh Hoài"
    assert not any(m.symbol == "BK-HTK" for m in res.mentions)  # a form number is not a reference


def test_library_returns_documents_and_relations_as_dataclasses(index_of):
    from docgraph.index import iter_documents, iter_relations
    from docgraph.model import Document, Relation

    conn, g = index_of({"a.txt": PROV_PLAN.format(P="NINH BÌNH", p="Ninh Bình", n=83, d=10)})
    docs = {d.id: d for d in iter_documents(conn)}
    assert all(isinstance(d, Document) for d in docs.values())
    plan = docs["83-kh-tu-2024-ninh-binh"]
    assert (plan.level, plan.jurisdiction, plan.date, plan.kind) == ("provincial", "Ninh Bình", "2024-07-10", "document")
    rels = list(iter_relations(conn))
    assert all(isinstance(r, Relation) for r in rels)
    (r,) = [r for r in rels if r.target == "35-ct-tw-2024"]
    assert (r.source, r.relation, r.count) == ("83-kh-tu-2024-ninh-binh", "implements", 1)
    assert r.evidence[0].file.endswith("a.txt") and "Chỉ thị số 35-CT/TW" in r.evidence[0].text
    assert len(docs) == g.number_of_nodes() and len(rels) == g.number_of_edges()
