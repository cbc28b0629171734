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


# ---------------------------------------------------------------- issue 14, point by point: what must be found, what
# must not. (body, edges that must be there, edges that must not be there; "own" is the file's document)
POINTS = [
    # 1. Căn cứ lines: every item is a basis, by ";", ",", "và", on a next line; riders amend the item; a cited title
    # "quy định chi tiết" says the cited decree guides the law
    ("Căn cứ Nghị định số 11/2020/NĐ-CP ngày 20/1/2020 của Chính phủ, Nghị định số 45/2022/NĐ-CP ngày 7/7/2022 "
     "của Chính phủ và Thông tư số 08/2023/TT-BTC ngày 1/2/2023 của Bộ Tài chính;\n",
     {("own", "based_on", "11/NĐ-CP"), ("own", "based_on", "45/NĐ-CP"), ("own", "based_on", "8/TT-BTC")}, set()),
    ("Căn cứ Nghị định số 11/2020/NĐ-CP ngày 20/1/2020 của Chính phủ về thủ tục hành chính;\n"
     "Nghị định số 45/2022/NĐ-CP ngày 7/7/2022 của Chính phủ về xử phạt;\n",
     {("own", "based_on", "11/NĐ-CP"), ("own", "based_on", "45/NĐ-CP")}, set()),
    ("Căn cứ Luật Tổ chức Chính phủ số 76/2015/QH13 (đã được sửa đổi, bổ sung một số điều bởi Luật số 47/2019/QH14 "
     "và Luật số 63/2025/QH15);\n",
     {("own", "based_on", "76/QH13"), ("47/QH14", "amends", "76/QH13"), ("63/QH15", "amends", "76/QH13")},
     {("own", "based_on", "47/QH14"), ("own", "based_on", "63/QH15"), ("76/QH13", "amends", "47/QH14")}),
    ("Căn cứ Nghị định số 24/2014/NĐ-CP ngày 4/4/2014 của Chính phủ, được sửa đổi, bổ sung tại Nghị định số "
     "107/2020/NĐ-CP ngày 14/9/2020 của Chính phủ;\n",
     {("own", "based_on", "24/NĐ-CP"), ("107/NĐ-CP", "amends", "24/NĐ-CP")}, {("own", "based_on", "107/NĐ-CP")}),
    ("Căn cứ Nghị định số 38/2022/NĐ-CP ngày 12/6/2022 của Chính phủ quy định chi tiết một số điều của Luật Đầu tư "
     "công số 39/2019/QH14;\n",
     {("own", "based_on", "38/NĐ-CP"), ("38/NĐ-CP", "guides", "39/QH14")}, {("own", "based_on", "39/QH14")}),
    # a reference coordinated after a rider, dated no later than the item, is a second item, not an amender
    ("Căn cứ Nghị định số 78/2025/NĐ-CP ngày 01/4/2025 của Chính phủ được sửa đổi, bổ sung bởi Nghị định số "
     "187/2025/NĐ-CP ngày 01/7/2025 và Nghị định số 79/2025/NĐ-CP ngày 01/4/2025 của Chính phủ về rà soát văn bản;\n",
     {("own", "based_on", "78/NĐ-CP"), ("187/NĐ-CP", "amends", "78/NĐ-CP"), ("own", "based_on", "79/NĐ-CP")},
     {("79/NĐ-CP", "amends", "78/NĐ-CP")}),
    # 2. requests answered
    ("Theo đề nghị của Giám đốc Sở Tài chính tại Tờ trình số 55/TTr-STC ngày 1/3/2024.\n",
     {("own", "responds_to", "55/TTr-STC")}, set()),
    ("Xét đề nghị của Sở Nội vụ tại Báo cáo số 12/BC-SNV ngày 2/2/2024 và Công văn số 140/SNV-CCVC ngày 5/2/2024;\n",
     {("own", "responds_to", "12/BC-SNV"), ("own", "responds_to", "140/SNV-CCVC")}, set()),
    ("Trả lời Công văn số 300/UBND-KT ngày 3/3/2024 của UBND huyện, Sở Xây dựng có ý kiến như sau:\n",
     {("own", "responds_to", "300/UBND-KT")}, set()),
    # 3. operative acts of this document, in Điều 1 or the effect article
    ("Điều 3. Quyết định này có hiệu lực kể từ ngày ký và thay thế Quyết định số 77/QĐ-UBND ngày 1/2/2020.\n",
     {("own", "replaces", "77/QĐ-UBND")}, set()),
    ("Điều 2. Bãi bỏ Điều 5 của Quyết định số 20/2019/QĐ-UBND ngày 3/5/2019 của UBND tỉnh.\n",
     {("own", "repeals", "20/QĐ-UBND")}, set()),
    ("Điều 4. Hiệu lực thi hành\nQuyết định số 15/2018/QĐ-UBND ngày 2/4/2018 của UBND tỉnh và Quyết định số "
     "16/2018/QĐ-UBND ngày 3/4/2018 hết hiệu lực kể từ ngày Quyết định này có hiệu lực.\n",
     {("own", "repeals", "15/QĐ-UBND"), ("own", "repeals", "16/QĐ-UBND")}, set()),
    ("Điều 1. Tạm ngưng hiệu lực thi hành Quyết định số 44/2023/QĐ-UBND ngày 1/9/2023 của UBND tỉnh đến hết năm 2024.\n",
     {("own", "suspends", "44/QĐ-UBND")}, {("own", "repeals", "44/QĐ-UBND")}),
    ("Điều 1. Đính chính Quyết định số 60/QĐ-UBND ngày 2/2/2024 của UBND tỉnh như sau:\n",
     {("own", "corrects", "60/QĐ-UBND")}, {("own", "amends", "60/QĐ-UBND")}),
    ("Điều 1. Sửa đổi, bổ sung một số điều của Quyết định số 30/2021/QĐ-UBND ngày 9/9/2021 của UBND tỉnh như sau:\n",
     {("own", "amends", "30/QĐ-UBND")}, set()),
    # 4. not acts: wording edits, negations, following, quoted titles, the own number, table rows
    ("Điều 2. Thay thế cụm từ “Nghị định số 15/2020/NĐ-CP” bằng cụm từ “Nghị định số 28/2024/NĐ-CP” tại khoản 1 Điều 10.\n",
     {("own", "cites", "15/NĐ-CP"), ("own", "cites", "28/NĐ-CP")}, {("own", "replaces", "15/NĐ-CP")}),
    ("Không thực hiện chế độ quy định tại Quyết định số 99/QĐ-UBND ngày 1/1/2023 đối với các đối tượng này.\n",
     {("own", "cites", "99/QĐ-UBND")}, {("own", "implements", "99/QĐ-UBND")}),
    ("Tạm dừng thực hiện Kế hoạch số 70/KH-UBND ngày 3/3/2023 cho đến khi có hướng dẫn mới.\n",
     set(), {("own", "implements", "70/KH-UBND")}),
    # ... and in an article it is this document suspending it
    ("Điều 1. Tạm dừng thực hiện Kế hoạch số 70/KH-UBND ngày 3/3/2023 của UBND tỉnh.\n",
     {("own", "suspends", "70/KH-UBND")}, {("own", "implements", "70/KH-UBND")}),
    ("Mức hỗ trợ thực hiện theo quy định tại Nghị định số 76/2019/NĐ-CP ngày 8/10/2019 của Chính phủ.\n",
     {("own", "cites", "76/NĐ-CP")}, set()),
    ("Trình tự thực hiện theo hướng dẫn tại Thông tư số 05/2024/TT-BNV ngày 1/7/2024 của Bộ Nội vụ.\n",
     {("own", "cites", "5/TT-BNV")}, {("own", "guides", "5/TT-BNV"), ("own", "implements", "5/TT-BNV")}),
    ("Căn cứ Quyết định số 100/QĐ-UBND ngày 1/2/2024 của UBND tỉnh về việc phê duyệt “Kế hoạch thực hiện Chỉ thị số "
     "05-CT/TW ngày 15/5/2016 của Bộ Chính trị”;\n",
     {("own", "based_on", "100/QĐ-UBND"), ("100/QĐ-UBND", "implements", "5/CT/TW")},
     {("own", "implements", "5/CT/TW"), ("own", "based_on", "5/CT/TW")}),
    ("(Ban hành kèm theo Quyết định số 321/QĐ-UBND ngày 10/10/2024 của UBND tỉnh Ninh Bình)\n", set(),
     {("own", "cites", "321/QĐ-UBND")}),
    ("| STT | Văn bản thay thế | Mức thu |\n| 1 | Thông tư số 85/2019/TT-BTC | 50.000 đồng |\n",
     {("own", "cites", "85/TT-BTC")}, {("own", "replaces", "85/TT-BTC"), ("own", "based_on", "85/TT-BTC")}),
    # 5. passive voice: the later reference acts on the earlier one
    ("Ghi chú: Nghị định số 20/2021/NĐ-CP ngày 15/3/2021 đã được sửa đổi, bổ sung bởi Nghị định số 76/2024/NĐ-CP.\n",
     {("76/NĐ-CP", "amends", "20/NĐ-CP")}, {("20/NĐ-CP", "amends", "76/NĐ-CP"), ("own", "amends", "76/NĐ-CP")}),
    ("Lưu ý: Thông tư số 02/2018/TT-BXD được thay thế bởi Thông tư số 10/2024/TT-BXD.\n",
     {("10/TT-BXD", "replaces", "2/TT-BXD")}, {("2/TT-BXD", "replaces", "10/TT-BXD")}),
    ("Lưu ý: Luật Đầu tư số 61/2020/QH14 được hướng dẫn bởi Nghị định số 31/2021/NĐ-CP.\n",
     {("31/NĐ-CP", "guides", "61/QH14")}, {("61/QH14", "guides", "31/NĐ-CP")}),
    ("Lưu ý: Quyết định số 5/2017/QĐ-UBND đã bị bãi bỏ bởi Quyết định số 9/2022/QĐ-UBND.\n",
     {("9/QĐ-UBND", "repeals", "5/QĐ-UBND")}, {("5/QĐ-UBND", "repeals", "9/QĐ-UBND"), ("own", "repeals", "9/QĐ-UBND")}),
    # 6. plans, reports and news: a plan named with what it carries out, wherever it is named
    ("Đề nghị các đơn vị bám sát Kế hoạch số 160-KH/TU ngày 2/3/2025 của Tỉnh ủy về triển khai thực hiện Nghị quyết "
     "số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị khi xây dựng dự toán.\n",
     {("160/KH/TU", "implements", "57/NQ/TW")}, {("own", "implements", "57/NQ/TW")}),
    ("Nội dung bám sát Nghị quyết số 03/NQ-CP ngày 9/1/2025 của Chính phủ ban hành Chương trình hành động của Chính "
     "phủ thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị.\n",
     {("3/NQ-CP", "implements", "57/NQ/TW")}, {("own", "implements", "57/NQ/TW")}),
    ("Thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị, Sở đã ban hành Kế hoạch số 90/KH-SNV ngày "
     "1/8/2024 và Kế hoạch số 91/KH-SNV ngày 2/8/2024.\n",
     {("90/KH-SNV", "implements", "35/CT/TW"), ("91/KH-SNV", "implements", "35/CT/TW")}, set()),
    ("1. Tuyên truyền, phổ biến Luật Đất đai ngày 18 tháng 01 năm 2024 và Nghị định số 59/2023/NĐ-CP ngày 14/8/2023 "
     "của Chính phủ đến người dân.\n",
     set(), {("own", "implements", "59/NĐ-CP"), ("own", "implements", "Luật Đất đai")}),
    ("Thực hiện Kế hoạch số 12/KH-UBND ngày 1/2/2024 của UBND tỉnh, Sở Y tế triển khai thực hiện Chỉ thị số "
     "35-CT/TW ngày 14/6/2024 của Bộ Chính trị.\n",
     {("own", "implements", "12/KH-UBND")}, {("12/KH-UBND", "implements", "35/CT/TW")}),
    ("Báo cáo kết quả thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị được gửi trước ngày 15/12.\n",
     set(), {("own", "implements", "35/CT/TW")}),
    # 7. boundaries: never across a list item, a numbered item, a table cell or a footnote
    ("1. Thực hiện tốt công tác dân vận.\n2. Nghị định số 12/2022/NĐ-CP ngày 17/1/2022 là căn cứ xử phạt.\n",
     {("own", "cites", "12/NĐ-CP")}, {("own", "implements", "12/NĐ-CP")}),
    ("Tổ chức thực hiện các nhiệm vụ sau:\n- Kế hoạch số 14/KH-UBND ngày 2/2/2024 về chuyển đổi số.\n",
     {("own", "cites", "14/KH-UBND")}, {("own", "implements", "14/KH-UBND")}),
    ("| Thay thế | Quyết định số 40/QĐ-UBND ngày 1/1/2020 |\n",
     {("own", "cites", "40/QĐ-UBND")}, {("own", "replaces", "40/QĐ-UBND")}),
    ("Các đơn vị triển khai thực hiện\n[3]. Quyết định số 7/QĐ-UBND ngày 1/1/2024 của UBND tỉnh.\n",
     {("own", "cites", "7/QĐ-UBND")}, {("own", "implements", "7/QĐ-UBND")}),
]


@pytest.mark.parametrize("body, present, absent", POINTS)
def test_issue_14_points(body, present, absent):
    got = edges(body)
    assert present <= got, f"missing {present - got}; got {got}"
    assert not (absent & got), f"must not find {absent & got}"


TITLE_HEADER = """ỦY BAN NHÂN DÂN
TỈNH NINH BÌNH
Số: 45/2024/QĐ-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Ninh Bình, ngày 10 tháng 10 năm 2024

QUYẾT ĐỊNH
{title}

"""


@pytest.mark.parametrize("title, present, absent", [
    ("Sửa đổi, bổ sung, bãi bỏ một số điều của Quyết định số 30/2021/QĐ-UBND ngày 9/9/2021 của UBND tỉnh",
     {("own", "amends", "30/QĐ-UBND")}, set()),
    ("Về việc bãi bỏ Quyết định số 12/2019/QĐ-UBND ngày 1/4/2019 của UBND tỉnh", {("own", "repeals", "12/QĐ-UBND")}, set()),
    ("Ban hành Kế hoạch thực hiện Kết luận số 21-KL/TW ngày 25/10/2021 của Ban Chấp hành Trung ương",
     {("own", "implements", "21/KL/TW")}, set()),
    # publishing a list of the documents that guide a decree is not guiding it
    ("Về việc công bố danh mục văn bản quy định chi tiết, hướng dẫn thi hành Nghị định số 15/2020/NĐ-CP",
     {("own", "cites", "15/NĐ-CP")}, {("own", "guides", "15/NĐ-CP")}),
])
def test_the_title_states_the_act(title, present, absent):
    got = edges("Điều 1. Nội dung.\n", header=TITLE_HEADER.format(title=title))
    assert present <= got and not (absent & got), got


def test_a_consolidated_text_consolidates_the_documents_it_merges():
    text = ("BỘ CÔNG THƯƠNG\nSố: 37/VBHN-BCT\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nHà Nội, ngày 26 tháng 5 năm 2026\n\n"
            "THÔNG TƯ\nQuy định về quản lý vật liệu nổ\n\nThông tư số 23/2024/TT-BCT ngày 07 tháng 11 năm 2024 của Bộ "
            "trưởng Bộ Công Thương, có hiệu lực từ ngày 01/01/2025, được sửa đổi, bổ sung bởi Thông tư số "
            "38/2025/TT-BCT ngày 19 tháng 6 năm 2025 của Bộ trưởng Bộ Công Thương.\n\nĐiều 1. Phạm vi điều chỉnh\n"
            "Thông tư này áp dụng theo Nghị định số 71/2018/NĐ-CP.\n")
    got = edges("", header=text)
    assert {("own", "consolidates", "23/TT-BCT"), ("own", "consolidates", "38/TT-BCT"),
            ("38/TT-BCT", "amends", "23/TT-BCT")} <= got
    assert ("own", "consolidates", "71/NĐ-CP") not in got


def test_the_evidence_always_shows_its_target():
    long_title = "về " + "quản lý, phát triển và khai thác hạ tầng kỹ thuật " * 20
    body = (f"Căn cứ Nghị định số 11/2020/NĐ-CP ngày 20/1/2020 của Chính phủ {long_title}, được sửa đổi, bổ sung bởi "
            f"Nghị định số 45/2022/NĐ-CP ngày 7/7/2022 của Chính phủ {long_title};\n")
    res = analyse_text(HEADER + body, "t.txt", get_engine(None))
    for r in res.relations:
        target = " ".join(res.mentions[r.target].text.split())
        assert target in r.evidence, (r.relation, r.evidence)
        assert len(r.evidence) <= 500
        if r.source != OWN:
            assert " ".join(res.mentions[r.source].text.split()) in r.evidence


def test_an_implementer_dated_before_its_target_is_marked_in_every_answer(index_of, monkeypatch):
    from cli_helpers import run

    monkeypatch.setenv("COLUMNS", "200")  # table cells on one line

    early = PROV_PLAN.replace("tháng 7 năm 2024", "tháng 3 năm 2024")
    conn, g = index_of({"b.txt": early.format(P="NINH BÌNH", p="Ninh Bình", n=7, d=1),
                        "c.txt": PROV_PLAN.format(P="LÀO CAI", p="Lào Cai", n=9, d=20)})
    conn.close()
    mark = "⚠ dated before its target"
    tree = run("implementers", "35-ct-tw-2024", "--db", "t.db")
    assert tree.exit_code == 0, tree.output
    flat = " ".join(x.strip("│└├─ ") for x in tree.output.splitlines())
    assert tree.output.count(mark) == 1 and "-105 days" in flat
    assert flat.index("-105 days") < flat.index(mark) < flat.index("7-kh-tu-2024-ninh-binh")
    assert mark in run("timeline", "35-ct-tw-2024", "--db", "t.db").output
    assert mark in run("show", "7-kh-tu-2024-ninh-binh", "--db", "t.db").output
    rows = json.loads(run("implementers", "35-ct-tw-2024", "--db", "t.db", "--json").output)
    assert {r["doc"]: r["flags"] for r in rows} == {"7-kh-tu-2024-ninh-binh": ["source_before_target"],
                                                    "9-kh-tu-2024-lao-cai": []}


def test_every_relation_type_has_an_export_style():
    from docgraph.export.common import RELATION_STYLES
    from docgraph.model import RELATIONS

    assert set(RELATIONS) == set(RELATION_STYLES)
    assert {"suspends", "corrects", "consolidates"} <= set(RELATIONS)


# ---------------------------------------------------------------- lists, narratives and shapes the gold showed
REPORT_HEADER = """UBND TỈNH HÀ NAM
SỞ NỘI VỤ
Số: 230/BC-SNV
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Hà Nam, ngày 20 tháng 11 năm 2025

BÁO CÁO
Kết quả công tác cải cách hành chính năm 2025

Thực hiện Công văn số 4100/BNV-CCHC ngày 2/7/2025 của Bộ Nội vụ, Sở Nội vụ báo cáo như sau:
I. KẾT QUẢ
"""


@pytest.mark.parametrize("body, header, present, absent", [
    # an article that introduces a list with its act: every item is acted on
    ("Điều 1. Bãi bỏ toàn bộ các văn bản sau đây:\n1. Thông tư số 08/2013/TT-BNV ngày 10/6/2013 của Bộ Nội vụ.\n"
     "2. Quyết định số 01/2006/QĐ-BNV ngày 16/2/2006 của Bộ trưởng Bộ Nội vụ.\n", HEADER,
     {("own", "repeals", "8/TT-BNV"), ("own", "repeals", "1/QĐ-BNV")}, set()),
    ("Điều 1. Bãi bỏ toàn bộ 2 văn bản quy phạm pháp luật\n1. Chỉ thị số 03/2005/CT-BNV ngày 7/3/2005.\n"
     "2. Thông tư số 15/2010/TT-BNV ngày 1/4/2010.\n", HEADER,
     {("own", "repeals", "3/CT-BNV"), ("own", "repeals", "15/TT-BNV")}, set()),
    # an operative act over a ";" list
    ("Điều 3. Quyết định này có hiệu lực kể từ ngày ký và thay thế Quyết định số 2007/QĐ-UBND ngày 20/9/2023 của "
     "UBND tỉnh về kiện toàn Ban chỉ đạo; Quyết định số 505/QĐ-UBND ngày 14/3/2025 của UBND tỉnh về kiện toàn Ban chỉ đạo.\n",
     HEADER, {("own", "replaces", "2007/QĐ-UBND"), ("own", "replaces", "505/QĐ-UBND")}, set()),
    # the document a rider is about is what ceases to have effect, not its amender
    ("Điều 9. Hiệu lực thi hành\n2. Luật Cư trú số 81/2006/QH11 đã được sửa đổi, bổ sung một số điều theo Luật số "
     "36/2013/QH13 hết hiệu lực kể từ ngày Luật này có hiệu lực thi hành.\n", HEADER,
     {("own", "repeals", "81/QH11"), ("36/QH13", "amends", "81/QH11")}, {("own", "repeals", "36/QH13")}),
    # "hết hiệu lực" in a rule about a licence is nobody's repeal
    ("Điều 5. Giấy phép\nTrường hợp cấp theo Nghị định số 12/2020/NĐ-CP mà giấy phép hết hiệu lực thì phải xin lại.\n",
     HEADER, set(), {("own", "repeals", "12/NĐ-CP")}),
    # a narrative with two documents carried out, a list of plans after ";"
    ("Thực hiện Nghị quyết số 68-NQ/TW ngày 4/5/2025 của Bộ Chính trị, Nghị quyết số 02/NQ-CP ngày 8/1/2025 của "
     "Chính phủ, Ủy ban nhân dân tỉnh đã ban hành Kế hoạch số 1868/KH-UBND ngày 15/8/2025; Kế hoạch số 1900/KH-UBND "
     "ngày 20/8/2025.\n", HEADER,
     {("1868/KH-UBND", "implements", "68/NQ/TW"), ("1868/KH-UBND", "implements", "2/NQ-CP"),
      ("1900/KH-UBND", "implements", "68/NQ/TW")}, set()),
    # a report carries out what its opening line names; past it, it narrates what others did
    ("1. Sở đã tham mưu triển khai thực hiện Chỉ thị số 23/CT-TTg ngày 2/9/2021 của Thủ tướng Chính phủ.\n", REPORT_HEADER,
     {("own", "implements", "4100/BNV-CCHC")}, {("own", "implements", "23/CT-TTg")}),
    # a letter that gives a department a task does not itself carry out the department's plan
    ("3. Sở Tư pháp\nTập trung thực hiện Kế hoạch số 36/KH-STP ngày 5/11/2025 của Sở Tư pháp về kiểm tra văn bản.\n",
     HEADER, set(), {("own", "implements", "36/KH-STP")}),
    # "Điều 1. Ban hành kèm theo ... Kế hoạch thực hiện X": the decision carries X out
    ("Điều 1. Ban hành kèm theo Quyết định này Kế hoạch thực hiện Kết luận số 21-KL/TW ngày 25/10/2021 của Ban "
     "Chấp hành Trung ương.\n", HEADER, {("own", "implements", "21/KL/TW")}, set()),
    # an issuer listing several ministries still runs on into the title after it
    ("Căn cứ Thông tư liên tịch số 25/2010/TTLT-BLĐTBXH-BTC ngày 11/9/2010 của Liên Bộ: Lao động - Thương binh và Xã "
     "hội, Tài chính về việc sửa đổi, bổ sung Thông tư liên tịch số 17/2006/TTLT-BLĐTBXH-BTC ngày 21/11/2006;\n",
     HEADER, {("own", "based_on", "25/TTLT-BLĐTBXH-BTC"), ("25/TTLT-BLĐTBXH-BTC", "amends", "17/TTLT-BLĐTBXH-BTC")},
     {("own", "based_on", "17/TTLT-BLĐTBXH-BTC")}),
    # a preamble item opened by "xét" inside a Căn cứ line answers the report it names
    ("Căn cứ Quyết định số 1187/QĐ-BNV ngày 15/10/2025 của Bộ Nội vụ; xét Báo cáo số 228/BC-SNV ngày 28/11/2025 của "
     "Sở Nội vụ.\n", HEADER, {("own", "based_on", "1187/QĐ-BNV"), ("own", "responds_to", "228/BC-SNV")}, set()),
    # a rider on a law named without a reference: the amender is history, nothing the file repeals
    ("Điều 9. Hiệu lực thi hành\n2. Luật Báo chí ngày 28 tháng 12 năm 1989 đã được sửa đổi, bổ sung một số điều theo "
     "Luật số 12/1999/QH10 hết hiệu lực kể từ ngày Luật này có hiệu lực thi hành.\n", HEADER, set(),
     {("own", "repeals", "12/QH10")}),
    # "Luật sửa đổi, bổ sung ..." names a law; it is no amendment by the file
    ("Quy định này nhằm thực hiện nội dung được giao tại khoản 7 Điều 1 Luật sửa đổi, bổ sung một số điều của 10 luật "
     "có liên quan đến an ninh, trật tự số 118/2025/QH15.\n", HEADER, set(), {("own", "amends", "118/QH15")}),
    # a title carrying out a list whose first item has no number: the numbered item after the comma is carried out
    ("Điều 1. Bãi bỏ các văn bản sau:\n1. Quyết định số 02/2007/QĐ-BTS ngày 8/3/2007 của Bộ trưởng Bộ Thủy sản về việc "
     "ban hành Chương trình hành động thực hiện Nghị quyết Đại hội Đảng lần thứ X, Nghị quyết số 25/2006/NQ-CP ngày "
     "9/10/2006 của Chính phủ về phát triển thủy sản.\n", HEADER,
     {("own", "repeals", "2/QĐ-BTS"), ("2/QĐ-BTS", "implements", "25/NQ-CP")}, {("own", "repeals", "25/NQ-CP")}),
    # a law the file names with its number once, then by name alone in another document's title: that one guides it
    ("Căn cứ Luật Quản lý, sử dụng vũ khí, vật liệu nổ và công cụ hỗ trợ số 42/2024/QH15;\nCăn cứ Nghị định số "
     "181/2024/NĐ-CP ngày 31/12/2024 của Chính phủ quy định chi tiết một số điều của Luật Quản lý, sử dụng vũ khí, vật "
     "liệu nổ và công cụ hỗ trợ về vật liệu nổ công nghiệp;\n", HEADER,
     {("own", "based_on", "42/QH15"), ("own", "based_on", "181/NĐ-CP"), ("181/NĐ-CP", "guides", "42/QH15")}, set()),
    # ... but a letter about a draft law that would amend it does not
    ("Tài liệu tham khảo: Công văn số 9466/BKHĐT-QLQH ngày 12/11/2024 về việc lấy ý kiến Hồ sơ đề nghị xây dựng Luật "
     "sửa đổi, bổ sung một số điều của Luật Quy hoạch; Luật Quy hoạch số 21/2017/QH14.\n", HEADER, set(),
     {("9466/BKHĐT-QLQH", "amends", "21/QH14")}),
    # a rider whose amender is named as "Luật sửa đổi, bổ sung ..." amends the item all the same
    ("Căn cứ Luật Quản lý, sử dụng vũ khí, vật liệu nổ và công cụ hỗ trợ số 42/2024/QH15 được sửa đổi, bổ sung bởi "
     "Luật sửa đổi, bổ sung một số điều của 10 luật có liên quan đến an ninh, trật tự số 118/2025/QH15;\n", HEADER,
     {("own", "based_on", "42/QH15"), ("118/QH15", "amends", "42/QH15")},
     {("own", "amends", "118/QH15"), ("own", "based_on", "118/QH15")}),
    # adjusting pensions is not amending the decisions that set them
    ("Điều 1. Nghị định này điều chỉnh mức trợ cấp hằng tháng theo Quyết định số 142/2008/QĐ-TTg.\n", HEADER,
     set(), {("own", "amends", "142/QĐ-TTg")}),
])
def test_lists_narratives_and_shapes(body, header, present, absent):
    got = edges(body, header=header)
    assert present <= got, f"missing {present - got}; got {got}"
    assert not (absent & got), f"must not find {absent & got}"


def test_a_consolidated_texts_preamble_belongs_to_the_texts_it_merges():
    text = ("BỘ NỘI VỤ\nSố: 12/VBHN-BNV\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nHà Nội, ngày 2 tháng 3 năm 2025\n\n"
            "THÔNG TƯ\nHướng dẫn tuyển dụng\n\nThông tư số 16/2018/TT-BNV ngày 12/10/2018 của Bộ trưởng Bộ Nội vụ, có "
            "hiệu lực kể từ ngày 1/12/2018, được sửa đổi, bổ sung bởi:\nThông tư số 12/2024/TT-BNV ngày 14/11/2024 của "
            "Bộ trưởng Bộ Nội vụ, có hiệu lực từ ngày 29/12/2024.\nCăn cứ Nghị định số 14/2017/NĐ-CP ngày 17/2/2017 của "
            "Chính phủ;\nBộ trưởng Bộ Nội vụ ban hành Thông tư hướng dẫn tuyển dụng.\nĐiều 1. Phạm vi\nNội dung.\n")
    got = edges("", header=text)
    assert {("own", "consolidates", "16/TT-BNV"), ("own", "consolidates", "12/TT-BNV"),
            ("12/TT-BNV", "amends", "16/TT-BNV"), ("16/TT-BNV", "based_on", "14/NĐ-CP")} <= got
    assert ("own", "based_on", "14/NĐ-CP") not in got


def test_every_evidence_of_the_samples_shows_its_target(tmp_path, monkeypatch):
    samples = Path(__file__).resolve().parent.parent / "samples"
    monkeypatch.chdir(tmp_path)
    conn = ix.connect(tmp_path / "s.db", create=True)
    scan([str(samples)], conn, jobs=1)
    rows = conn.execute("SELECT r.evidence, m.text FROM raw_relations r JOIN mentions m"
                        " ON m.file_id = r.file_id AND m.idx = r.target_idx").fetchall()
    assert len(rows) > 40
    missing = [(ev, t) for ev, t in rows if " ".join(t.split()) not in " ".join(ev.split())]
    assert missing == []
