"""Labels an analyst can read: a draft's markdown heading is its title, a news item's headline is not the page's
menu, a number's type code names the type a generic "văn bản" leaves open, an issuer printed twice is named once, a
database export's next field does not run into a subject, and a number written with a space before its slash is the
same document. Each table is (input, expected), in this file's own wording."""

from __future__ import annotations

import pytest

from bench_helpers import benchmark
from cli_helpers import run
from docgraph.engine import get_engine
from docgraph.pipeline import analyse_text

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"


@pytest.fixture(scope="module")
def engine():
    return get_engine(None)


def analysed(engine, text: str, name: str = "x.txt"):
    return analyse_text(text, name, engine)


# ---------------------------------------------------------------------------------------- a draft written in markdown
DRAFT_TOP = "**UBND HUYỆN YÊN DŨNG**\n\n**Số:      /KH-UBND**\n\n**" + MOTTO.replace("\n", "**\n**", 1) + "**\n\n"


@pytest.mark.parametrize("heading, title", [
    ("## KẾ HOẠCH\n\n### Phát động phong trào trồng cây xanh mùa xuân\n", "Phát động phong trào trồng cây xanh mùa xuân"),
    ("## KẾ HOẠCH Phát động phong trào trồng cây xanh\n", "Phát động phong trào trồng cây xanh"),
    ("# KẾ HOẠCH\nPhát động phong trào trồng cây\n\nCăn cứ tình hình thực tế;\n", "Phát động phong trào trồng cây"),
    ("**KẾ HOẠCH**\n\n**Phát động tết trồng cây**\n", "Phát động tết trồng cây"),
])
def test_a_markdown_heading_is_the_drafts_type_and_title(engine, heading, title):
    h = analysed(engine, DRAFT_TOP + heading).header
    assert (h.kind, h.type, h.title, h.issuer) == ("draft", "Kế hoạch", title, "UBND huyện Yên Dũng")


def test_a_web_page_turned_markdown_gets_its_subject_heading(engine):
    text = ("*Nguồn: trang văn bản của một cơ quan*\n\n# V/v hướng dẫn chi trả trợ cấp qua bưu điện\n\n"
            "| BỘ TÀI CHÍNH ------- | " + MOTTO.replace("\n", " ") + "|\n|---|---|\n| Số: 4021/BTC-HCSN | Hà Nội, ngày"
            " 4 tháng 5 năm 2019 |\n\nKính gửi: các tỉnh\n")
    h = analysed(engine, text).header
    assert (h.type, h.title) == ("Công văn", "hướng dẫn chi trả trợ cấp qua bưu điện")


# ---------------------------------------------------------------------------------------------- a news item's headline
@pytest.mark.parametrize("top, headline", [
    ("Multimedia Đọc Báo in\n", "Hội nghị sơ kết một năm thực hiện Chỉ thị 35"),
    ("Trang chủ > Thời sự > Chính trị\nThứ Năm, 12/09/2024 - 07:45\n", "Hội nghị sơ kết một năm thực hiện Chỉ thị 35"),
    ("Chia sẻ | In bài | A- A A+\n[img]\n", "Hội nghị sơ kết một năm thực hiện Chỉ thị 35"),
    ("Tin tức\nVideo\nPodcast\n", "Hội nghị sơ kết một năm thực hiện Chỉ thị 35"),
    ("", "Hội nghị sơ kết một năm thực hiện Chỉ thị 35"),
])
def test_a_news_item_is_titled_by_its_headline_not_the_pages_furniture(engine, top, headline):
    text = top + headline + "\n(BTV) - Sáng 11/9, huyện ủy tổ chức hội nghị sơ kết Chỉ thị số 35-CT/TW ngày 14/6/2024.\n"
    h = analysed(engine, text).header
    assert (h.kind, h.title) == ("article", headline)


@pytest.mark.parametrize("lead, headline", [
    ("(BTV) - Sáng 11/9, huyện ủy tổ chức hội nghị sơ kết Chỉ thị số 35-CT/TW ngày 14/6/2024. Dự có các đồng chí.",
     "Sáng 11/9, huyện ủy tổ chức hội nghị sơ kết Chỉ thị số 35-CT/TW ngày 14/6/2024"),
    ("(baobinhdinh.vn)- Chiều 22.4, UBND tỉnh làm việc với huyện Vân Canh về Chỉ thị số 35-CT/TW.",
     "Chiều 22.4, UBND tỉnh làm việc với huyện Vân Canh về Chỉ thị số 35-CT/TW"),
    ("HÀ NỘI (TTXVN) – Sáng nay, Ban Bí thư sơ kết Chỉ thị số 35-CT/TW. Hội nghị trực tuyến toàn quốc.",
     "Sáng nay, Ban Bí thư sơ kết Chỉ thị số 35-CT/TW"),
    # no tag: the line is the page's headline, kept whole
    ("Sơ kết Chỉ thị số 35-CT/TW. Huyện Tây Sơn dẫn đầu", "Sơ kết Chỉ thị số 35-CT/TW. Huyện Tây Sơn dẫn đầu"),
])
def test_a_news_item_without_a_headline_is_titled_by_its_leads_first_sentence(engine, lead, headline):
    h = analysed(engine, "Trang chủ > Thời sự\n" + lead + "\nNội dung bài viết.\n").header
    assert (h.kind, h.title) == ("article", headline)


@pytest.mark.parametrize("line, furniture", [
    ("Multimedia Đọc Báo in", True), ("Kinh tế - Xã hội", True), ("07/12/2026 10:15 GMT+7", True),
    ("Kinh tế xã hội tỉnh tăng trưởng khá", False), ("Ban hành kế hoạch tuyên truyền", False),
    ("Chia sẻ kinh nghiệm triển khai", False),
])
def test_page_furniture_is_whole_lines_of_menu_words(engine, line, furniture):
    from docgraph.header import _furniture, _words

    assert _furniture(line, _words(engine.lexicon)) is furniture


# ------------------------------------------------------------------------------------ a number's type code names it
@pytest.mark.parametrize("sentence, expected", [
    ("Căn cứ văn bản số 12/2022/NĐ-CP ngày 3/2/2022 của Chính phủ.", [("12", "Nghị định")]),
    ("Thực hiện văn bản số 88/QĐ-UBND ngày 2/3/2023 của UBND tỉnh.", [("88", "Quyết định")]),
    ("Theo văn bản số 4107/BTC-NSNN ngày 5/5/2023 của Bộ Tài chính.", [("4107", "Văn bản")]),  # no type code
    ("Căn cứ Văn bản hợp nhất số 15/VBHN-BTC ngày 1/2/2021.", [("15", "Văn bản")]),  # a consolidated text
    ("Căn cứ Nghị quyết số 19/NQ-CP ngày 5/2/2023 của Chính phủ.", [("19", "Nghị quyết")]),  # a type word wins
    # a list opened by "văn bản": each number its own code's type
    ("Theo đề nghị tại các văn bản số 51/TTr-SNV ngày 1/3/2024, số 60/SNV-TCBC ngày 9/3/2024 và số 72/BC-SNV ngày"
     " 20/3/2024 của Sở Nội vụ.", [("51", "Tờ trình"), ("60", "Văn bản"), ("72", "Báo cáo")]),
    # a list opened by a type word: every number that type
    ("Thực hiện các Nghị quyết số 26-NQ/TW, 27-NQ/TW ngày 19/5/2018 của Ban Chấp hành Trung ương.",
     [("26", "Nghị quyết"), ("27", "Nghị quyết")]),
])
def test_a_generic_type_word_gives_way_to_the_numbers_type_code(engine, sentence, expected):
    assert [(m.number, m.type) for m in engine.extract(sentence)] == expected


GAZETTE = """CÔNG BÁO/Số 99 + 100/Ngày 20-3-2022
VĂN BẢN QUY PHẠM PHÁP LUẬT
BỘ NỘI VỤ
BỘ NỘI VỤ
""" + MOTTO + """Số: 6/2022/TT-BNV
Hà Nội, ngày 1 tháng 3 năm 2022
THÔNG TƯ
Hướng dẫn một việc của ngành
"""


def test_a_gazette_banner_is_no_type_heading(engine):
    h = analysed(engine, GAZETTE).header
    assert (h.type, h.title, h.issuer, h.level) == ("Thông tư", "Hướng dẫn một việc của ngành", "Bộ Nội vụ", "central")


def test_a_numbered_header_without_a_type_heading_takes_the_codes_type(engine):
    text = "CHÍNH PHỦ\n" + MOTTO + "Số: 12/2022/NĐ-CP\nHà Nội, ngày 3 tháng 2 năm 2022\n\nVĂN BẢN QUY PHẠM PHÁP LUẬT\n"
    assert analysed(engine, text).header.type == "Nghị định"


# -------------------------------------------------------------------------------------- an issuer printed twice
@pytest.mark.parametrize("block, issuer", [
    ("BỘ NỘI VỤ\nBỘ NỘI VỤ\n", "Bộ Nội vụ"),
    ("BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI\nBỘ LAO ĐỘNG -\nTHƯƠNG BINH VÀ XÃ HỘI\n", "Bộ Lao động - Thương binh và Xã hội"),
    ("BỘ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN\nBỘ NÔNG NGHIỆP\nVÀ PHÁT TRIỂN NÔNG THÔN\n",
     "Bộ Nông nghiệp và Phát triển nông thôn"),
    ("BỘ LAO ĐỘNG - THƯƠNG BINH\nVÀ XÃ HỘI\n", "Bộ Lao động - Thương binh và Xã hội"),
    ("UBND TỈNH BẮC GIANG\nSỞ NỘI VỤ\n", "UBND tỉnh Bắc Giang - Sở Nội vụ"),  # two units, both kept
    ("ĐẢNG BỘ TỈNH BẮC GIANG\nHUYỆN ỦY LẠNG GIANG\n", "Đảng bộ tỉnh Bắc Giang - Huyện ủy Lạng Giang"),
])
def test_an_issuer_is_named_once(engine, block, issuer):
    text = block + MOTTO + "Số: 7/KH-SNV\nBắc Giang, ngày 2 tháng 4 năm 2024\n\nKẾ HOẠCH\nMột việc thử\n"
    assert analysed(engine, text).header.issuer.casefold() == issuer.casefold()


@pytest.mark.parametrize("block, branch", [
    ("ỦY BAN THƯỜNG VỤ QUỐC HỘI\n", "state"),
    ("ỦY BAN NHÂN DÂN TỈNH BẮC GIANG\n", "state"),
    ("TỈNH ỦY BẮC GIANG\n", "party"),
    ("ĐẢNG ỦY KHỐI CƠ QUAN TỈNH\n", "party"),
])
def test_a_committee_is_a_state_body_unless_it_is_a_party_one(engine, block, branch):
    text = block + MOTTO + "Hà Nội, ngày 2 tháng 4 năm 2024\n\nKẾ HOẠCH\nMột việc thử\n"
    assert analysed(engine, text).header.branch == branch


def test_a_consolidated_texts_banner_names_its_issuer_only_when_the_header_names_none(engine):
    alone = "VĂN BẢN HỢP NHẤT - BỘ TÀI CHÍNH\n" + MOTTO + "THÔNG TƯ1\nHướng dẫn một việc\n"
    h = analysed(engine, alone).header
    assert (h.issuer, h.type, h.title) == ("Bộ Tài chính", "Thông tư", "Hướng dẫn một việc")
    before = "VĂN BẢN HỢP NHẤT -\nBỘ TÀI CHÍNH\n\nCHÍNH PHỦ\n" + MOTTO + "Số: 3/2020/NĐ-CP\nNGHỊ ĐỊNH\nQuy định một việc\n"
    assert analysed(engine, before).header.issuer == "Chính phủ"


# ------------------------------------------------------------------------------ a database export's next field
@pytest.mark.parametrize("row, subjects", [
    ("so_ky_hieu: 31/KH-UBND\nngay_ban_hanh: 02/03/2021\ntrich_yeu: triển khai quyết định số 77/qđ-ttg ngày 01/02/2021"
     " của thủ tướng chính phủ về phòng chống thiên tai\nhieu_luc: Văn bản đang có hiệu lực\n",
     ["phòng chống thiên tai"]),
    ("trich_yeu: thực hiện chỉ thị số 05-ct/tu ngày 01/02/2021 của tỉnh ủy về cải cách hành chính\nghi_chu: không\n",
     ["cải cách hành chính"]),
    # a lower-case line that goes on with the sentence still belongs to the subject
    ("Thực hiện Quyết định số 77/QĐ-TTg ngày 01/02/2021 của Thủ tướng Chính phủ về phòng chống\nthiên tai năm 2021.\n",
     ["phòng chống thiên tai năm 2021"]),
])
def test_a_scraped_field_name_does_not_run_into_a_subject(engine, row, subjects):
    assert [m.subject for m in engine.extract(row) if m.subject] == subjects


# ---------------------------------------------------------------------- a space before the slash of a number
@pytest.mark.parametrize("number_line", ["Số: 773 /QĐ-TTg", "Số: 773/QĐ-TTg", "Số 773 / QĐ-TTg", "Số:773  /QĐ-TTg"])
def test_a_space_before_the_slash_is_the_same_number(engine, number_line):
    text = "THỦ TƯỚNG CHÍNH PHỦ\n" + number_line + "\n" + MOTTO + "Hà Nội, ngày 10 tháng 6 năm 2023\n\nQUYẾT ĐỊNH\nMột việc\n"
    assert analysed(engine, text).own_id == "773-qd-ttg-2023"


def test_a_cited_number_with_a_space_before_the_slash_is_the_document_of_that_number(work):
    (work / "samples").mkdir(exist_ok=True)
    (work / "own.txt").write_text("THỦ TƯỚNG CHÍNH PHỦ\nSố: 773 /QĐ-TTg\n" + MOTTO + "Hà Nội, ngày 10 tháng 6 năm 2023\n"
                                  "\nQUYẾT ĐỊNH\nPhê duyệt một đề án\n", encoding="utf-8")
    (work / "plan.txt").write_text("UBND TỈNH BẮC GIANG\nSố: 50/KH-UBND\n" + MOTTO + "Bắc Giang, ngày 1 tháng 7 năm 2023"
                                   "\n\nKẾ HOẠCH\nThực hiện Quyết định số 773 /QĐ-TTg ngày 10/6/2023 của Thủ tướng"
                                   " Chính phủ\n", encoding="utf-8")
    assert run("extract", "own.txt", "plan.txt", "-q").exit_code == 0
    r = run("implementers", "773/QĐ-TTg", "--json")
    assert r.exit_code == 0, r.output
    assert '"50-kh-ubnd-2023-bac-giang"' in r.stdout and '"773-qd-ttg-2023"' in r.stdout
    assert run("find", "--json").stdout.count('"773-qd-ttg-2023"') == 1


# ------------------------------------------------------------------------------------------------ the benchmark
def test_the_labels_benchmark_counts_the_faults_of_an_index(tmp_path, capsys):
    """benchmarks/labels.py on the index of a folder of two files: one fault of each kind it counts, or none (the
    index extracted in this process, as the script's FOLDER argument would in a subprocess)."""
    (tmp_path / "row.txt").write_text("so_ky_hieu: 9/KH-UBND\nngay_ban_hanh: 02/03/2021\ntrich_yeu: thực hiện quyết định"
                                      " số 5/qđ-ttg ngày 01/02/2021 về trồng rừng\nhieu_luc: còn hiệu lực\n",
                                      encoding="utf-8")
    (tmp_path / "gaz.txt").write_text(GAZETTE + "Căn cứ văn bản số 12/2022/NĐ-CP ngày 3/2/2022 của Chính phủ;\n",
                                      encoding="utf-8")
    db = str(tmp_path / "l.db")
    r = run("extract", str(tmp_path), "--db", db, "-q")
    assert r.exit_code == 0, r.output
    capsys.readouterr()
    assert benchmark("labels").main(["--db", db]) == 0
    counts = dict(line.split() for line in capsys.readouterr().out.splitlines())
    assert counts == {"generic_type": "0", "issuer_repeated": "0", "subject_field": "0", "title_markup": "0",
                      "untitled": "0", "furniture_title": "0", "number_split": "0", "issuer_not_canonical": "0"}


@pytest.mark.parametrize("issuer, repeated", [
    ("Bộ Tài chính - Bộ Tài chính", True), ("Bộ Lao động - Thương binh và Xã hội - Bộ lao động - thương binh - Và xã hội",
                                             True),
    ("Ngân hàng Nhà nước Việt Nam - Ngân hàng Nhà nước - Việt Nam", True), ("Bộ Lao động - Thương binh và Xã hội", False),
    ("UBND tỉnh Bắc Giang - Sở Nội vụ", False), (None, False),
])
def test_the_benchmark_knows_a_repeated_issuer(issuer, repeated):
    assert benchmark("labels").repeats(issuer) is repeated


# ------------------------------------------------------------------------------------ the line of the file's number
@pytest.mark.parametrize("text, own", [
    # a header that names its type before "số:" (resolutions of the Standing Committee)
    ("ỦY BAN THƯỜNG VỤ QUỐC HỘI\n\nNghị quyết số: 25/2022/UBTVQH15\n" + MOTTO + "\nNGHỊ QUYẾT\nVề giờ làm thêm\n\n"
     "Căn cứ Bộ luật Lao động số 45/2019/QH14;\n", "25-ubtvqh15-2022"),
    # OCR reads "Số" as "Sô"
    ("THỦ TƯỚNG CHÍNH PHỦ\n" + MOTTO + "Sô: 194/CĐ-TTg Hà Nội, ngày 10 tháng 10 năm 2025\n\nCÔNG ĐIỆN\nVề phòng chống bão\n",
     "194-cd-ttg-2025"),
    # a gazette page without its header: "số 94/2025/QH15" opening a line ran on from the Căn cứ line before it; the
    # law it names is not the file's document
    ("NGHỊ ĐỊNH\nQuy định ưu đãi cho đơn vị điều độ\n\nCăn cứ Luật Điện lực số 61/2024/QH15 được sửa đổi, bổ sung bởi "
     "Luật\nsố 94/2025/QH15 và Luật số 116/2025/QH15;\nTheo đề nghị của Bộ trưởng Bộ Công Thương;\n", "file-x-txt"),
    # a lower-case "số:" with its colon still opens the number line
    ("SỞ TƯ PHÁP\nsố: 41/STP-VP\n" + MOTTO + "\nV/v góp ý dự thảo\n", "41-stp-vp"),
])
def test_the_files_own_number_line(engine, text, own):
    assert analysed(engine, text).own_id.startswith(own)


# ------------------------------------------------------------------------------- decomposed letters (NFD) read as typed
def test_a_decomposed_text_reads_as_the_composed_one(engine):
    import unicodedata

    composed = ("ỦY BAN NHÂN DÂN\nTỈNH LÂM ĐỒNG\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
                "Số:    /BC-UBND    Lâm Đồng, ngày    tháng 12 năm 2025\n\nBÁO CÁO\nTổng kết công tác phòng, chống"
                " ma túy năm 2025\n\nCăn cứ Luật Phòng, chống ma túy ngày 30 tháng 3 năm 2021;\n"
                "Thực hiện Công văn số 5240/BCA-V01 ngày 23/11/2025 của Bộ Công an, UBND tỉnh báo cáo như sau:\n")
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    a, b = analysed(engine, composed), analysed(engine, decomposed)
    assert (b.header.type, b.header.title) == ("Báo cáo", "Tổng kết công tác phòng, chống ma túy năm 2025")
    assert b.header == a.header
    assert [(m.type, m.number, m.line) for m in b.mentions] == [(m.type, m.number, m.line) for m in a.mentions]
    assert [(r.relation, r.line) for r in b.relations] == [(r.relation, r.line) for r in a.relations]
    assert {r.relation for r in b.relations} >= {"based_on"}


@pytest.mark.parametrize("heading, typ", [("QUYÉT ĐỊNH", "Quyết định"), ("QUYÊT ĐỊNH", "Quyết định"),
                                          ("KÉ HOẠCH", "Kế hoạch"), ("QUYẾT ĐỊNH", "Quyết định")])
def test_an_ocr_heading_with_the_stacked_e_misread_names_its_type(engine, heading, typ):
    text = ("ỦY BAN NHÂN DÂN\nTỈNH LÀO CAI\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "Số: 11/2026/QĐ-UBND    Lào Cai, ngày 29 tháng 01 năm 2026\n" + heading +
            "\nBan hành Quy định về quản lý đầu tư\n\nCăn cứ Luật Xây dựng số 50/2014/QH13;\n")
    h = analysed(engine, text).header
    assert (h.type, h.title) == (typ, "Ban hành Quy định về quản lý đầu tư")


@pytest.mark.parametrize("heading, issuer, title", [
    ("CHỈ THỊ\nCỦA BỘ CHÍNH TRỊ\nvề công tác cán bộ", "Bộ Chính trị", "về công tác cán bộ"),
    ("QUY ĐỊNH\nCỦA BAN BÍ THƯ\nVỀ CÔNG TÁC KIỂM TRA", "Ban Bí thư", "VỀ CÔNG TÁC KIỂM TRA"),
    ("CHỈ THỊ\nvề công tác cán bộ", "Ban Chấp hành Trung ương", "về công tác cán bộ"),  # the header's organ
])
def test_a_heading_that_names_its_issuer_gives_the_issuer(engine, heading, issuer, title):
    text = ("BAN CHẤP HÀNH TRUNG ƯƠNG\n*\nSố 40-CT/TW\nĐẢNG CỘNG SẢN VIỆT NAM\nHà Nội, ngày 14 tháng 6 năm 2024\n\n"
            + heading + "\n-----\n\nNội dung chỉ thị.\n")
    h = analysed(engine, text).header
    assert (h.issuer, h.title) == (issuer, title)
