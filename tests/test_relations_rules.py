"""Relation rules by domain category: guide phrases, what "thu hồi" and "hủy bỏ" act on, repeals in the effect article,
working files (processing sheets, reports, letters), riders on a Căn cứ item. Texts written for these tests; each row
is (body, header, edges that must be there, edges that must not be there), "own" being the file's document."""

from __future__ import annotations

import pytest

from test_relations import HEADER, TITLE_HEADER, edges


def _title(title: str) -> str:
    return TITLE_HEADER.format(title=title)


EFFECT = "Điều 9. Hiệu lực thi hành\n1. Nghị định này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2026.\n"

GUIDES = [
    # the measures to enforce a law are a guide to it, not a plan carrying it out
    ("Căn cứ Nghị định số 88/2003/NĐ-CP ngày 30/7/2003 của Chính phủ về biện pháp thi hành Luật Lao động số "
     "35/2002/QH10;\n", HEADER,
     {("own", "based_on", "88/NĐ-CP"), ("88/NĐ-CP", "guides", "35/QH10")}, {("88/NĐ-CP", "implements", "35/QH10")}),
    ("Căn cứ Nghị định số 70/2005/NĐ-CP ngày 8/7/2005 của Chính phủ về thi hành Luật Thanh tra số 22/2004/QH11;\n",
     HEADER, {("70/NĐ-CP", "guides", "22/QH11")}, {("70/NĐ-CP", "implements", "22/QH11")}),
    ("Căn cứ Nghị định số 12/2016/NĐ-CP ngày 19/2/2016 của Chính phủ quy định chi tiết một số điều và biện pháp để tổ "
     "chức, hướng dẫn thi hành Luật Thuế xuất khẩu số 107/2016/QH13;\n", HEADER,
     {("12/NĐ-CP", "guides", "107/QH13")}, set()),
    # "quy định chi tiết ... Luật X và Nghị định Y": both are guided, also when the law is named without a number
    ("Căn cứ Luật Hóa chất số 69/2025/QH15;\nCăn cứ Thông tư số 02/2026/TT-BCT ngày 20/3/2026 của Bộ trưởng Bộ Công "
     "Thương quy định chi tiết và hướng dẫn thi hành một số điều của Luật Hóa chất và Nghị định số 26/2026/NĐ-CP ngày "
     "10/1/2026 của Chính phủ;\n", HEADER,
     {("own", "based_on", "2/TT-BCT"), ("2/TT-BCT", "guides", "69/QH15"), ("2/TT-BCT", "guides", "26/NĐ-CP")},
     {("own", "based_on", "26/NĐ-CP")}),
    ("Căn cứ Thông tư số 12/2018/TT-BCT ngày 15/6/2018 của Bộ Công Thương quy định chi tiết một số điều của Luật Quản "
     "lý ngoại thương số 05/2017/QH14 và Nghị định số 69/2018/NĐ-CP ngày 15/5/2018 của Chính phủ;\n", HEADER,
     {("12/TT-BCT", "guides", "5/QH14"), ("12/TT-BCT", "guides", "69/NĐ-CP")}, set()),
    # a decree guides laws, never a Prime Minister's decision named after its guided law
    (EFFECT + "2. Nghị định số 30/2021/NĐ-CP ngày 4/5/2021 của Chính phủ quy định chi tiết thi hành Luật Đầu tư số "
     "61/2020/QH14 và Quyết định số 73/2011/QĐ-TTg ngày 28/12/2011 của Thủ tướng Chính phủ về chính sách hỗ trợ vùng "
     "khó khăn hết hiệu lực kể từ ngày Nghị định này có hiệu lực thi hành.\n", HEADER,
     {("30/NĐ-CP", "guides", "61/QH14"), ("own", "repeals", "30/NĐ-CP"), ("own", "repeals", "73/QĐ-TTg")},
     {("30/NĐ-CP", "guides", "73/QĐ-TTg"), ("own", "repeals", "61/QH14")}),
]

# a short name given after a title ("sau đây gọi là ...") names a document; it is nobody's object
ALIASES = [
    ("Điều 3. Nguồn thông tin\nNghị định số 23/2021/NĐ-CP quy định chi tiết Luật Việc làm (sau đây viết tắt là Nghị "
     "định số 23/2021/NĐ-CP).\n", HEADER,
     set(), {("own", "guides", "23/NĐ-CP"), ("23/NĐ-CP", "guides", "23/NĐ-CP")}),
    (EFFECT + "2. Thông tư số 115/2017/TT-BTC ngày 25/10/2017 của Bộ trưởng Bộ Tài chính hướng dẫn giám sát giao dịch "
     "(sau đây gọi là Thông tư số 115/2017/TT-BTC) và Thông tư số 116/2017/TT-BTC ngày 25/10/2017 hướng dẫn công tác "
     "giám sát tuân thủ hết hiệu lực thi hành.\n", HEADER,
     {("own", "repeals", "115/TT-BTC"), ("own", "repeals", "116/TT-BTC")},
     {("own", "guides", "115/TT-BTC"), ("115/TT-BTC", "guides", "115/TT-BTC")}),
]

RECOVERY = [
    # "thu hồi đất" recovers land; the decree it follows is no repeal
    ("Điều 1. Nội dung.\n", _title("Về việc ban hành Quy định bồi thường khi Nhà nước thu hồi đất theo Nghị định số "
                                   "197/2004/NĐ-CP ngày 3/12/2004 của Chính phủ"),
     set(), {("own", "repeals", "197/NĐ-CP")}),
    ("Điều 2. Phạm vi\nQuyết định này quy định mức bồi thường khi Nhà nước thu hồi đất theo Nghị định số "
     "197/2004/NĐ-CP ngày 3/12/2004 và Nghị định số 69/2009/NĐ-CP ngày 13/8/2009 của Chính phủ.\n", HEADER,
     set(), {("own", "repeals", "197/NĐ-CP"), ("own", "repeals", "69/NĐ-CP")}),
    # withdrawing a licence is an administrative measure, not a text repealed; withdrawing a decision is
    ("Điều 3. Thu hồi Giấy phép số 12/GP-UBND ngày 5/5/2020 của UBND tỉnh cấp cho Công ty A.\n", HEADER,
     set(), {("own", "repeals", "12/GP-UBND")}),
    ("Điều 1. Thu hồi Quyết định số 450/QĐ-UBND ngày 5/5/2020 của UBND tỉnh về việc giao đất cho Công ty A.\n", HEADER,
     {("own", "repeals", "450/QĐ-UBND")}, set()),
    ("Điều 2. Thu hồi các văn bản sau đây:\n1. Quyết định số 450/QĐ-UBND ngày 5/5/2020 của UBND tỉnh.\n"
     "2. Quyết định số 451/QĐ-UBND ngày 6/5/2020 của UBND tỉnh.\n", HEADER,
     {("own", "repeals", "450/QĐ-UBND"), ("own", "repeals", "451/QĐ-UBND")}, set()),
    # a heading about land recovery hands nothing on to its items
    ("Điều 2. Hỗ trợ khi thu hồi đất công ích của xã:\n- Kinh phí thanh toán theo quy định tại Thông tư liên tịch số "
     "06/2006/TTLT-BTC-BLĐTBXH ngày 19/01/2006 của liên Bộ.\n", HEADER,
     set(), {("own", "repeals", "6/TTLT-BTC-BLĐTBXH")}),
    # "thu hồi, hủy bỏ bằng tốt nghiệp" is a word of a title; the circular after it is no repeal
    ("Điều 3. Cấp phát văn bằng theo Thông tư số 10/2017/TT-BLĐTBXH ngày 13/3/2017 của Bộ trưởng quy định mẫu bằng; "
     "in, quản lý, thu hồi, hủy bỏ bằng tốt nghiệp và Thông tư số 24/2020/TT-BLĐTBXH ngày 30/12/2020 của Bộ trưởng.\n",
     HEADER, set(), {("own", "repeals", "24/TT-BLĐTBXH")}),
    # a phrase inside a quotation acts on nothing outside it
    ("Điều 3. Nội dung “thu hồi, hủy bỏ văn bằng” tại Thông tư số 10/2017/TT-BLĐTBXH được áp dụng.\n", HEADER,
     set(), {("own", "repeals", "10/TT-BLĐTBXH")}),
    # an amending text that also strikes articles amends, in a rider too
    ("Căn cứ Thông tư số 24/2020/TT-BLĐTBXH ngày 30/12/2020 của Bộ trưởng sửa đổi, bổ sung, hủy bỏ một số điều của "
     "Thông tư số 10/2017/TT-BLĐTBXH ngày 13/3/2017;\n", HEADER,
     {("24/TT-BLĐTBXH", "amends", "10/TT-BLĐTBXH")}, {("24/TT-BLĐTBXH", "repeals", "10/TT-BLĐTBXH")}),
    ("Điều 1. Nội dung.\n", _title("Sửa đổi, bổ sung một số điều của Thông tư số 10/2017/TT-BLĐTBXH ngày 13/3/2017 đã "
                                   "được sửa đổi, bổ sung, hủy bỏ bởi Thông tư số 24/2020/TT-BLĐTBXH ngày 30/12/2020"),
     {("own", "amends", "10/TT-BLĐTBXH"), ("24/TT-BLĐTBXH", "amends", "10/TT-BLĐTBXH")},
     {("own", "repeals", "24/TT-BLĐTBXH")}),
]

EFFECT_REPEALS = [
    # "khi" is a word of the repealed decree's title, not a condition
    (EFFECT + "2. Nghị định số 39/2015/NĐ-CP của Chính phủ quy định chính sách hỗ trợ cho phụ nữ khi sinh con đúng "
     "chính sách dân số hết hiệu lực từ ngày 01 tháng 7 năm 2026.\n", HEADER, {("own", "repeals", "39/NĐ-CP")}, set()),
    # "A <title> và B <title> hết hiệu lực": both
    (EFFECT + "2. Quyết định số 70/2012/QĐ-TTg ngày 28/12/2012 của Thủ tướng Chính phủ quy định về chế độ trực và chế "
     "độ làm thêm giờ và Quyết định số 71/2010/QĐ-TTg ngày 11/5/2010 của Thủ tướng Chính phủ về chế độ phụ cấp đối với "
     "cô đỡ thôn bản hết hiệu lực kể từ ngày Nghị định này có hiệu lực.\n", HEADER,
     {("own", "repeals", "70/QĐ-TTg"), ("own", "repeals", "71/QĐ-TTg")}, set()),
    # a line of a wrapped sentence that reads "ban hành kèm theo Thông tư này" opens no appendix: the articles after
    # it are still the file's own
    ("Điều 4. Mức bồi dưỡng\n1. Mức bồi dưỡng xác định theo Phụ lục I\nban hành kèm theo Thông tư này và được áp dụng "
     "như sau.\nĐiều 8. Hiệu lực thi hành\n1. Thông tư này có hiệu lực kể từ ngày 01 tháng 3 năm 2023.\n2. Thông tư số "
     "25/2013/TT-BLĐTBXH ngày 18/10/2013 của Bộ trưởng hướng dẫn thực hiện chế độ bồi dưỡng đối với người lao động "
     "làm việc trong điều kiện có yếu tố nguy hiểm, độc hại hết hiệu lực kể từ ngày Thông tư này có hiệu lực.\n",
     HEADER, {("own", "repeals", "25/TT-BLĐTBXH")}, set()),
    # the licence ends, not the decree it was granted under
    ("Điều 5. Giấy phép\nGiấy phép cấp theo Nghị định số 12/2020/NĐ-CP về cấp phép khi giấy phép hết hiệu lực phải "
     "xin lại.\n", HEADER, set(), {("own", "repeals", "12/NĐ-CP")}),
]


# an amending law named by its title is the basis, not the law it amends (nor that law with the amending one's year),
# also when the gazette's line breaks inside the title; following a law's procedure carries nothing out
AMENDING_LAWS = [
    ("Căn cứ Luật Bảo hiểm y tế ngày 14 tháng 11 năm 2008; Luật sửa đổi, bổ sung một số điều của Luật Bảo hiểm y tế "
     "ngày 13 tháng 6 năm 2014;\n", HEADER,
     {("own", "based_on", "Luật Bảo hiểm y tế"),
      ("own", "based_on", "Luật sửa đổi, bổ sung một số điều của Luật Bảo hiểm y tế")}, set()),
    ("Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ \nsung một số điều của Luật Tổ chức "
     "Chính phủ và Luật Tổ chức chính quyền địa \nphương ngày 22 tháng 11 năm 2019;\n", HEADER,
     {("own", "based_on", "Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền "
                          "địa phương")},
     {("own", "based_on", "Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương")}),
    ("Kính gửi: Chính phủ\nThực hiện quy định của Luật Ban hành văn bản quy phạm pháp luật năm\n2025, Bộ Tư pháp "
     "trình dự án Luật như sau.\n", HEADER,
     {("own", "cites", "Luật Ban hành văn bản quy phạm pháp luật")},
     {("own", "implements", "Luật Ban hành văn bản quy phạm pháp luật")}),
]


@pytest.mark.parametrize("body, header, present, absent", GUIDES + ALIASES + RECOVERY + EFFECT_REPEALS + AMENDING_LAWS)
def test_domain_rules(body, header, present, absent):
    got = edges(body, header=header)
    assert present <= got, f"missing {present - got}; got {got}"
    assert not (absent & got), f"must not find {absent & got}"


SHEET = """UBND TỈNH NINH BÌNH
VĂN PHÒNG
Số: 88/PT-VP
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM

PHIẾU TRÌNH GIẢI QUYẾT CÔNG VIỆC

Kính gửi: Lãnh đạo UBND tỉnh.

"""

LETTER = """SỞ XÂY DỰNG
Số: 412/SXD-QLN
V/v trả lời Tờ trình số 56/TTr-UBND ngày 2/3/2026 của UBND xã An Hòa
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM

Kính gửi: Ủy ban nhân dân xã An Hòa.

"""

WORKING_FILES = [
    # a field naming the submission the sheet processes
    ("I. NỘI DUNG TRÌNH\n1. Văn bản/cơ quan, đơn vị: Tờ trình số 77/TTr-SNV ngày 04/11/2025 của Sở Nội vụ.\n"
     "2. Trích yếu: về việc hợp nhất hai quỹ.\n", SHEET, {("own", "responds_to", "77/TTr-SNV")}, set()),
    # a letter's subject line answering a submission
    ("Sở Xây dựng có ý kiến như sau:\n1. Nội dung.\n", LETTER, {("own", "responds_to", "56/TTr-UBND")}, set()),
    # a narrative of what a department did under an instruction is not the sheet carrying it out
    ("II. QUÁ TRÌNH XÂY DỰNG\nThực hiện chỉ đạo của Ủy ban nhân dân tỉnh tại Văn bản số 1392/UBND-NLN ngày 27/02/2026 "
     "về việc tham mưu, xây dựng quyết định, Sở Nông nghiệp và Môi trường đã xây dựng dự thảo. Quá trình xây dựng được "
     "thực hiện qua các bước: Văn bản số 3960/SNNMT-KHTC ngày 21/11/2025 của Sở; Văn bản số 1654/STP-XDVBQPPL ngày "
     "05/12/2025 của Sở Tư pháp; trình Ủy ban nhân dân tỉnh tại Tờ trình số 471/TTr-SNNMT ngày 09/6/2026.\n", SHEET,
     set(), {("own", "implements", "1392/UBND-NLN"), ("own", "implements", "3960/SNNMT-KHTC"),
             ("own", "implements", "1654/STP-XDVBQPPL"), ("own", "implements", "471/TTr-SNNMT")}),
    # ... but in the department's own submission the same words tell its own work
    ("Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh tại Quyết định số 482/QĐ-UBND ngày 13/02/2026, Sở Xây dựng đã chủ trì "
     "xây dựng dự thảo Quyết định.\n", LETTER, {("own", "implements", "482/QĐ-UBND")}, set()),
    # "according to the report" answers no request; "căn cứ" as a common noun names no basis
    ("3. Ý kiến\nTheo Báo cáo thẩm định số 215/BC-STP ngày 21/5/2026 của Sở Tư pháp, dự thảo đủ điều kiện trình.\n"
     "Các ý kiến tập trung vào: cập nhật căn cứ pháp lý theo Nghị định số 74/2026/NĐ-CP ngày 1/3/2026 của Chính phủ.\n"
     "Sở đã tiếp thu, chỉnh sửa (về căn cứ ban hành, Điều 1) và gửi lại tại Văn bản số 4947/SNNMT-QLXDCT ngày "
     "04/6/2026.\n", SHEET, set(),
     {("own", "responds_to", "215/BC-STP"), ("own", "based_on", "74/NĐ-CP"), ("own", "based_on", "4947/SNNMT-QLXDCT")}),
    # a numbered heading over a list of bases: every item, the first one too, is a basis
    ("III. Ý KIẾN CỦA VĂN PHÒNG\n1. Căn cứ pháp lý để thẩm định\n- Luật Tổ chức chính quyền địa phương số "
     "72/2025/QH15 ngày 16/6/2025;\n- Nghị định số 115/2026/NĐ-CP ngày 2/4/2026 của Chính phủ quy định giá dịch vụ thủy "
     "lợi;\n2. Về thẩm quyền\nNội dung.\n", SHEET,
     {("own", "based_on", "72/QH15"), ("own", "based_on", "115/NĐ-CP")}, set()),
    ("I. CĂN CỨ XÂY DỰNG KẾ HOẠCH\n- Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16/6/2025;\n"
     "- Nghị định số 115/2026/NĐ-CP ngày 2/4/2026 của Chính phủ;\nII. MỤC ĐÍCH\nNội dung.\n", HEADER,
     {("own", "based_on", "72/QH15"), ("own", "based_on", "115/NĐ-CP")}, set()),
]

RIDERS = [
    # the rider ends with its parenthesis: the item after the ";" is the next basis, not an amender
    ("* Căn cứ pháp lý: Nghị định số 93/2019/NĐ-CP ngày 25/11/2019 của Chính phủ (được sửa đổi, bổ sung tại Nghị định "
     "số 136/2024/NĐ-CP ngày 23/10/2024 của Chính phủ); Nghị định số 126/2024/NĐ-CP ngày 8/10/2024 của Chính phủ về "
     "hội; Công văn số 1911/BNV-TCPCP ngày 29/4/2025 của Bộ Nội vụ.\n", SHEET,
     {("own", "based_on", "93/NĐ-CP"), ("136/NĐ-CP", "amends", "93/NĐ-CP"), ("own", "based_on", "126/NĐ-CP"),
      ("own", "based_on", "1911/BNV-TCPCP")},
     {("126/NĐ-CP", "amends", "93/NĐ-CP"), ("1911/BNV-TCPCP", "amends", "93/NĐ-CP"), ("own", "based_on", "136/NĐ-CP")}),
    # inside the parenthesis the list of amenders goes on after ";"
    ("Căn cứ Luật Tổ chức Chính phủ số 76/2015/QH13 (được sửa đổi, bổ sung bởi Luật số 47/2019/QH14; Luật số "
     "63/2025/QH15);\n", HEADER,
     {("own", "based_on", "76/QH13"), ("47/QH14", "amends", "76/QH13"), ("63/QH15", "amends", "76/QH13")},
     {("own", "based_on", "63/QH15")}),
    # a letter after a rider without parenthesis amends nothing
    ("Căn cứ Nghị định số 93/2019/NĐ-CP ngày 25/11/2019 của Chính phủ được sửa đổi, bổ sung bởi Nghị định số "
     "136/2024/NĐ-CP ngày 23/10/2024; Công văn số 1911/BNV-TCPCP ngày 29/4/2025 của Bộ Nội vụ;\n", HEADER,
     {("136/NĐ-CP", "amends", "93/NĐ-CP"), ("own", "based_on", "1911/BNV-TCPCP")},
     {("1911/BNV-TCPCP", "amends", "93/NĐ-CP")}),
]


@pytest.mark.parametrize("body, header, present, absent", WORKING_FILES + RIDERS)
def test_working_files_and_riders(body, header, present, absent):
    got = edges(body, header=header)
    assert present <= got, f"missing {present - got}; got {got}"
    assert not (absent & got), f"must not find {absent & got}"


@pytest.mark.parametrize("line, doc_date, doc_id", [
    # without a year: the constitution in force on the citing document's date
    ("Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;", "ngày 10 tháng 10 năm 2024", "hien-phap-2013"),
    ("Căn cứ Hiến pháp nước Cộng hoà xã hội chủ nghĩa Việt Nam;", "ngày 5 tháng 3 năm 2010", "hien-phap-1992"),
    # with its year: that one, whatever the date
    ("Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam năm 1992 đã được sửa đổi, bổ sung một số điều;",
     "ngày 10 tháng 10 năm 2012", "hien-phap-1992"),
])
def test_the_constitution_is_a_basis_of_its_year(line, doc_date, doc_id):
    from docgraph.engine import get_engine
    from docgraph.pipeline import analyse_text

    text = HEADER.replace("ngày 10 tháng 10 năm 2024", doc_date) + line + "\n"
    res = analyse_text(text, "t.txt", get_engine(None))
    ids = [k.doc_id() if k else None for k in res.keys]
    assert doc_id in ids
    assert ("own", "based_on", "Hiến pháp") in edges(line + "\n", HEADER)


@pytest.mark.parametrize("text", ["bảo đảm thi hành Hiến pháp và pháp luật;", "Hiến pháp năm 1958 của Cộng hòa Pháp"])
def test_the_constitution_only_by_its_full_name(text):
    assert not any(t == "Hiến pháp" for _, _, t in edges(text + "\n", HEADER))
