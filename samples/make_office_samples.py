"""Build samples/15_*.docx, 16_*.pdf, 17_*.html (the office part of the sample corpus).

python samples/make_office_samples.py OUTDIR [--txt]   (--txt also writes the text each file should read as, for checking)
Needs python-docx, reportlab and DejaVuSans.ttf (Debian fonts-dejavu-core).
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

OUT = Path(sys.argv[1])
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

# --------------------------------------------------------------------------------------------------------------
# 15: Bắc Giang Department of Health plan, Word

S15_LEFT = [["UBND TỈNH BẮC GIANG", "SỞ Y TẾ"], ["Số: 88/KH-SYT"]]
S15_RIGHT = [["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"],
             ["Bắc Giang, ngày 19 tháng 8 năm 2024"]]
S15_TITLE = ["KẾ HOẠCH", "Bảo đảm công tác y tế phục vụ đại hội đảng bộ các cấp",
             "trên địa bàn tỉnh, nhiệm kỳ 2025 - 2030"]
S15_OPENING = ("Thực hiện Kế hoạch số 120/KH-UBND ngày 02/8/2024 của UBND tỉnh về triển khai thực hiện Chỉ thị "
               "số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị, Sở Y tế xây dựng Kế hoạch bảo đảm công tác y tế "
               "phục vụ đại hội như sau:")
S15_FOOTNOTE = ("Kế hoạch số 83-KH/TU ngày 16/7/2024 của Ban Thường vụ Tỉnh ủy đã giao ngành y tế chăm lo sức "
                "khỏe đại biểu dự đại hội các cấp.")
S15_BODY = [
    ("heading", "I. MỤC ĐÍCH, YÊU CẦU"),
    ("para", "Bảo đảm sức khỏe cho đại biểu, khách mời và lực lượng phục vụ tại mỗi kỳ đại hội; không để xảy ra "
             "ngộ độc thực phẩm hoặc dịch bệnh lây lan trong thời gian tổ chức."),
    ("heading", "II. NHIỆM VỤ CỤ THỂ"),
    ("item", "Bệnh viện Đa khoa tỉnh thành lập tổ cấp cứu thường trực tại hội trường trong những ngày diễn ra "
             "Đại hội đại biểu Đảng bộ tỉnh."),
    ("item", "Chi cục An toàn vệ sinh thực phẩm kiểm tra bếp ăn, lưu mẫu thức ăn tại các điểm phục vụ đại hội."),
    ("item", "Trung tâm Y tế các huyện, thành phố bố trí nhân lực, thuốc và trang thiết bị cho đại hội cấp huyện, "
             "cấp xã."),
    ("item", "Văn phòng Sở lập và lưu trữ hồ sơ công việc đúng Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của "
             "Chính phủ về công tác văn thư."),
    ("table", [["Thời gian", "Đơn vị trực", "Địa điểm"],
               ["Đại hội cấp huyện", "Trung tâm Y tế huyện", "Hội trường huyện ủy, thành ủy"],
               ["Đại hội Đảng bộ tỉnh", "Bệnh viện Đa khoa tỉnh", "Trung tâm Hội nghị tỉnh"]]),
    ("heading", "III. TỔ CHỨC THỰC HIỆN"),
    ("para", "Các đơn vị báo cáo kết quả về Sở Y tế (qua Phòng Nghiệp vụ Y) trước ngày 25 hằng tháng để tổng hợp, "
             "báo cáo Ủy ban nhân dân tỉnh."),
]
S15_SIGN_LEFT = ["Nơi nhận:", "- UBND tỉnh (b/c);", "- Các đơn vị trực thuộc Sở;", "- Lưu: VT, NVY."]
S15_SIGN_RIGHT = ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "(đã ký)", "Nguyễn Thị Hạnh"]

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def build_15(path: Path) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml
    from docx.shared import Cm, Pt
    from xml.sax.saxutils import escape

    d = docx.Document()
    style = d.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    for s in d.sections:
        s.left_margin, s.right_margin = Cm(3), Cm(2)

    def no_borders(table):
        table._tbl.tblPr.append(parse_xml(
            f'<w:tblBorders xmlns:w="{W_NS}">' + "".join(
                f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
            + "</w:tblBorders>"))

    def fill(cell, lines, bold=0):
        for k, x in enumerate(lines):
            p = cell.paragraphs[0] if k == 0 else cell.add_paragraph()
            r = p.add_run(x)
            r.bold = k < bold
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER

    head = d.add_table(rows=2, cols=2)
    no_borders(head)
    head.columns[0].width = Cm(6.5)
    head.columns[1].width = Cm(9.5)
    for row in range(2):
        head.cell(row, 0).width, head.cell(row, 1).width = Cm(6.5), Cm(9.5)
    fill(head.cell(0, 0), S15_LEFT[0], bold=2)
    fill(head.cell(0, 1), S15_RIGHT[0], bold=2)
    fill(head.cell(1, 0), S15_LEFT[1])
    fill(head.cell(1, 1), S15_RIGHT[1])
    d.add_paragraph()
    for k, x in enumerate(S15_TITLE):
        p = d.add_paragraph()
        p.add_run(x).bold = True
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    d.add_paragraph()
    opening = d.add_paragraph(S15_OPENING)
    opening.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    # footnote on "Kế hoạch số 120/KH-UBND": a footnotes part python-docx has no API for
    notes = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W_NS}">'
             '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
             '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
             '</w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/>'
             '</w:rPr><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> '
             f"{escape(S15_FOOTNOTE)}</w:t></w:r></w:p></w:footnote></w:footnotes>")
    part = Part(PackURI("/word/footnotes.xml"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                notes.encode("utf-8"), d.part.package)
    d.part.relate_to(part, RT.FOOTNOTES)
    opening._p.append(parse_xml(f'<w:r xmlns:w="{W_NS}"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                                '<w:footnoteReference w:id="1"/></w:r>'))
    for kind, x in S15_BODY:
        if kind == "heading":
            d.add_paragraph().add_run(x).bold = True
        elif kind == "para":
            d.add_paragraph(x).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        elif kind == "item":
            d.add_paragraph(x, style="List Number").alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        elif kind == "table":
            t = d.add_table(rows=len(x), cols=len(x[0]))
            t.style = "Table Grid"
            for i, row in enumerate(x):
                for j, v in enumerate(row):
                    t.cell(i, j).text = v
    d.add_paragraph()
    sign = d.add_table(rows=1, cols=2)
    no_borders(sign)
    fill(sign.cell(0, 0), S15_SIGN_LEFT)
    fill(sign.cell(0, 1), S15_SIGN_RIGHT, bold=2)
    d.core_properties.author = "docgraph samples"
    d.save(str(path))


def text_15() -> str:
    body = []
    n = 0
    for kind, x in S15_BODY:
        if kind == "item":
            n += 1
            body.append(f"{n}. {x}")
        elif kind == "table":
            body += [c for row in x for c in row]
        else:
            body.append(x)
    return "\n".join(S15_LEFT[0] + S15_LEFT[1] + S15_RIGHT[0] + S15_RIGHT[1] + [""] + S15_TITLE + [""]
                     + [S15_OPENING] + body + [""] + S15_SIGN_LEFT + S15_SIGN_RIGHT + ["", "[1] " + S15_FOOTNOTE]) + "\n"


# --------------------------------------------------------------------------------------------------------------
# 16: Diên Khánh District Party Committee plan (Khánh Hòa), PDF

S16_LEFT = ["ĐẢNG BỘ TỈNH KHÁNH HÒA", "HUYỆN ỦY DIÊN KHÁNH", "*", "Số 56-KH/HU"]
S16_RIGHT = ["ĐẢNG CỘNG SẢN VIỆT NAM", "", "", "Diên Khánh, ngày 02 tháng 4 năm 2024"]
S16_TITLE = ["KẾ HOẠCH", "thực hiện Kế hoạch số 83-KH/TU của Ban Thường vụ Tỉnh ủy",
             "về phát huy vai trò của đội ngũ trí thức trên địa bàn huyện"]
S16_BODY = [
    ("para", "Thực hiện Kế hoạch số 83-KH/TU ngày 05/3/2024 của Ban Thường vụ Tỉnh ủy Khánh Hòa về thực hiện "
             "Nghị quyết số 45-NQ/TW ngày 24/11/2023 của Ban Chấp hành Trung ương Đảng khóa XIII về tiếp tục xây "
             "dựng và phát huy vai trò của đội ngũ trí thức đáp ứng yêu cầu phát triển đất nước nhanh và bền vững "
             "trong giai đoạn mới, Ban Thường vụ Huyện ủy xây dựng Kế hoạch thực hiện trên địa bàn huyện như sau:"),
    ("heading", "I. MỤC ĐÍCH, YÊU CẦU"),
    ("para", "1. Nâng cao nhận thức của cấp ủy, chính quyền các xã, thị trấn về vai trò của trí thức trong phát "
             "triển nông nghiệp công nghệ cao, du lịch sinh thái và chuyển đổi số ở địa phương."),
    ("para", "2. Kế thừa những kết quả xây dựng đội ngũ trí thức của huyện từ khi có Nghị quyết số 27-NQ/TW ngày "
             "06/8/2008 của Ban Chấp hành Trung ương khóa X về xây dựng đội ngũ trí thức trong thời kỳ đẩy mạnh "
             "công nghiệp hóa, hiện đại hóa đất nước."),
    ("heading", "II. NHIỆM VỤ, GIẢI PHÁP"),
    ("para", "1. Lập danh sách trí thức, chuyên gia là người Diên Khánh đang công tác trong và ngoài tỉnh; mời "
             "tham gia tư vấn các đề án trọng điểm của huyện."),
    ("para", "2. Phòng Nội vụ huyện tham mưu chính sách thu hút người có trình độ cao về công tác tại xã, phù hợp "
             "với chế độ quy định tại Nghị định số 40/2014/NĐ-CP ngày 12/5/2014 của Chính phủ về sử dụng, trọng "
             "dụng cá nhân hoạt động khoa học và công nghệ."),
    ("para", "3. Trung tâm Văn hóa, Thông tin và Thể thao huyện mở chuyên mục giới thiệu gương trí thức tiêu biểu, "
             "những mô hình ứng dụng khoa học vào sản xuất có hiệu quả."),
    ("para", "4. Hằng năm, Ban Tuyên giáo Huyện ủy phối hợp với Phòng Nội vụ tổ chức gặp mặt đội ngũ trí thức vào "
             "dịp kỷ niệm Ngày Khoa học và Công nghệ Việt Nam (18/5)."),
    ("heading", "III. TỔ CHỨC THỰC HIỆN"),
    ("para", "1. Ban Tuyên giáo Huyện ủy chủ trì theo dõi, đôn đốc; định kỳ sáu tháng báo cáo Ban Thường vụ Huyện "
             "ủy kết quả thực hiện, những khó khăn, vướng mắc và đề xuất, kiến nghị; cuối năm 2025 tham mưu sơ kết "
             "việc thực hiện Kế hoạch này."),
    ("para", "2. Đảng đoàn, ban cán sự đảng, các chi bộ, đảng bộ trực thuộc xây dựng kế hoạch cụ thể của cấp mình, "
             "gửi về Ban Tuyên giáo Huyện ủy trước ngày 30/4/2024."),
]
S16_SIGN = ["Nơi nhận:", "- Ban Thường vụ Tỉnh ủy (b/c),", "- Ban Tuyên giáo Tỉnh ủy (b/c),",
            "- Các chi bộ, đảng bộ trực thuộc,", "- Lưu Văn phòng Huyện ủy."]
S16_SIGNER = ["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", "(đã ký)", "Trần Văn Khải"]


class Pdf:
    def __init__(self, path: Path):
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont
        from reportlab.pdfgen import canvas

        pdfmetrics.registerFont(TTFont("DV", FONT))
        pdfmetrics.registerFont(TTFont("DVB", FONT_BOLD))
        self.m = pdfmetrics
        self.c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
        self.c.setTitle("Kế hoạch 56-KH/HU")
        self.c.setAuthor("docgraph samples")
        self.w, self.h = A4
        self.left, self.right, self.top, self.bottom = 85.0, self.w - 57.0, self.h - 57.0, 80.0
        self.size, self.lead = 12.5, 17.0
        self.y, self.page = self.top, 1

    def width(self, s, font="DV"):
        return self.m.stringWidth(s, font, self.size)

    def need(self):
        if self.y < self.bottom:
            self.footer()
            self.c.showPage()
            self.page += 1
            self.y = self.top

    def footer(self):
        self.c.setFont("DV", 10)
        self.c.drawCentredString(self.w / 2, 40, f"- {self.page} -")

    def centred(self, s, x0=None, x1=None, font="DV"):
        self.need()
        x0 = self.left if x0 is None else x0
        x1 = self.right if x1 is None else x1
        if s:
            self.c.setFont(font, self.size)
            self.c.drawString((x0 + x1 - self.width(s, font)) / 2, self.y, s)
        self.y -= self.lead

    def header(self, left, right):
        y0, mid = self.y, self.left + (self.right - self.left) * 0.42
        for i, s in enumerate(left):
            self.y = y0 - i * self.lead
            self.centred(s, self.left - 45, mid, "DVB" if i < 2 else "DV")
        for i, s in enumerate(right):
            self.y = y0 - i * self.lead
            self.centred(s, mid, self.right, "DVB" if i == 0 else "DV")
        self.y = y0 - max(len(left), len(right)) * self.lead - self.lead

    def wrap(self, text, first, full):
        pieces, cur = [], ""
        for i, ch in enumerate(text):
            cur += ch
            if ch == " " or (ch == "-" and 0 < i < len(text) - 1 and text[i - 1] != " " and text[i + 1] != " "):
                pieces.append(cur)
                cur = ""
        if cur:
            pieces.append(cur)
        lines, cur = [], ""
        for p in pieces:
            if cur and self.width((cur + p).rstrip()) > (first if not lines else full):
                lines.append(cur.rstrip())
                cur = p
            else:
                cur += p
        if cur.strip():
            lines.append(cur.rstrip())
        return lines

    def paragraph(self, text, indent=28.0, font="DV"):
        full = self.right - self.left
        lines = self.wrap(text, full - indent, full)
        for k, line in enumerate(lines):
            self.need()
            x0 = self.left + (indent if k == 0 else 0)
            self.c.setFont(font, self.size)
            words = line.split(" ")
            if k == len(lines) - 1 or len(words) == 1:
                self.c.drawString(x0, self.y, line)
            else:  # justified: one word at a time
                gap = (self.right - x0 - sum(self.width(w) for w in words)) / (len(words) - 1)
                x = x0
                for w in words:
                    self.c.drawString(x, self.y, w)
                    x += self.width(w) + gap
            self.y -= self.lead

    def save(self):
        self.footer()
        self.c.save()


def build_16(path: Path) -> None:
    pdf = Pdf(path)
    pdf.header(S16_LEFT, S16_RIGHT)
    pdf.centred(S16_TITLE[0], font="DVB")
    for x in S16_TITLE[1:]:
        pdf.centred(x, font="DVB")
    pdf.centred("-----")
    pdf.y -= pdf.lead / 2
    for kind, x in S16_BODY:
        if kind == "heading":
            pdf.y -= pdf.lead / 3
            pdf.paragraph(x, indent=0, font="DVB")
        else:
            pdf.paragraph(x)
    pdf.y -= pdf.lead / 2
    y0 = pdf.y
    for x in S16_SIGN:
        pdf.paragraph(x, indent=0)
    pdf.y = y0
    for x in S16_SIGNER:
        pdf.centred(x, pdf.w / 2 + 20, pdf.right, "DVB" if x.isupper() else "DV")
    pdf.save()


def text_16() -> str:
    return "\n".join([x for x in S16_LEFT if x] + [x for x in S16_RIGHT if x] + [""]
                     + [S16_TITLE[0], " ".join(S16_TITLE[1:]), "-----", ""] + [x for _, x in S16_BODY] + [""]
                     + S16_SIGN + S16_SIGNER) + "\n"


# --------------------------------------------------------------------------------------------------------------
# 17: Bắc Giang portal news page, HTML

S17_TITLE = "Ngành Y tế Bắc Giang sẵn sàng phục vụ đại hội đảng bộ các cấp"
S17_PARAS = [
    "(BGĐT) - Ngày 27/8/2024, Sở Y tế tổ chức hội nghị quán triệt nhiệm vụ bảo đảm y tế cho đại hội đảng bộ "
    "các cấp, nhiệm kỳ 2025 - 2030, với sự tham dự của lãnh đạo các bệnh viện và trung tâm y tế trong tỉnh.",
    "Tại hội nghị, lãnh đạo Sở cho biết Kế hoạch số 88/KH-SYT ngày 19/8/2024 của Sở Y tế được ban hành để thực "
    "hiện Kế hoạch số 120/KH-UBND ngày 02/8/2024 của UBND tỉnh Bắc Giang về triển khai thực hiện Chỉ thị số "
    "35-CT/TW ngày 14/6/2024 của Bộ Chính trị.",
    "Các tổ cấp cứu được trang bị đủ hộp chống sốc và thuốc thiết yếu theo Thông tư số 51/2017/TT-BYT ngày "
    "29/12/2017 của Bộ Y tế về phòng, chẩn đoán và xử trí phản vệ; bếp ăn phục vụ đại hội được kiểm tra "
    "trước và trong mỗi ngày làm việc.",
    "Phát biểu chỉ đạo, Giám đốc Sở Y tế đề nghị các đơn vị không chủ quan, phân công cán bộ trực 24/24 giờ "
    "và báo cáo ngay những tình huống phát sinh.",
]
S17_AUTHOR = "Thanh Hà"


def _ent(s: str) -> str:
    return s.replace("&", "&amp;").replace("ế", "&#7871;").replace("Đ", "&#272;").replace("ệ", "&#x1EC7;")


def build_17(path: Path) -> None:
    paras = "\n".join(f"      <p>{_ent(p)}</p>" for p in S17_PARAS)
    html = f"""<!DOCTYPE html>
<html lang="vi">
<head>
  <meta charset="utf-8">
  <title>{S17_TITLE} - Cổng Thông tin điện tử tỉnh Bắc Giang</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <style>body {{ font-family: Arial, sans-serif; }} .menu li {{ display: inline; }}</style>
  <script>window.dataLayer = window.dataLayer || []; var tag = "Kế hoạch số 83-KH/TU";</script>
</head>
<body>
  <header class="site-header">
    <div class="banner">CỔNG THÔNG TIN ĐIỆN TỬ TỈNH BẮC GIANG</div>
  </header>
  <nav class="menu">
    <ul>
      <li><a href="/">Trang chủ</a></li>
      <li><a href="/tin-tuc">Tin tức &amp; sự kiện</a></li>
      <li><a href="/van-ban">Văn bản chỉ đạo: Kế hoạch số 83-KH/TU</a></li>
    </ul>
  </nav>
  <div class="breadcrumb">Trang chủ &rsaquo; Tin tức &rsaquo; Y tế</div>
  <main class="layout">
    <article class="news-detail">
      <header>
        <h1>{_ent(S17_TITLE)}</h1>
        <div class="meta">Cập nhật: 27/08/2024 16:20</div>
      </header>
{paras}
      <p class="author"><strong>{S17_AUTHOR}</strong></p>
      <div class="share" style="display:none">Chia sẻ bài viết: Quyết định số 456/QĐ-UBND</div>
      <footer class="tags">Từ khóa: y tế, đại hội đảng bộ</footer>
    </article>
    <aside class="related">
      <h3>Tin liên quan</h3>
      <ul>
        <li><a href="/1">Ngành Giáo dục triển khai Kế hoạch số 210/KH-SGDĐT ngày 15/8/2024</a></li>
        <li><a href="/2">Lạng Giang hoàn thành đại hội chi bộ điểm</a></li>
      </ul>
    </aside>
  </main>
  <form class="search" action="/tim-kiem"><input name="q" placeholder="Tìm kiếm"><button>Tìm</button></form>
  <footer class="site-footer">
    <p>Cơ quan chủ quản: UBND tỉnh Bắc Giang. Giấy phép số 123/GP-TTĐT ngày 05/01/2021.</p>
  </footer>
  <script>console.log("Nghị định số 99/2020/NĐ-CP");</script>
</body>
</html>
"""
    path.write_text(html, encoding="utf-8")


def text_17() -> str:
    return "\n".join([S17_TITLE, "Cập nhật: 27/08/2024 16:20", *S17_PARAS, S17_AUTHOR]) + "\n"


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    build_15(OUT / "15_bac-giang_so-y-te_kh-88.docx")
    build_16(OUT / "16_khanh-hoa_dien-khanh_huyen-uy_kh-56.pdf")
    build_17(OUT / "17_bac-giang_cong-thong-tin_tin-so-y-te.html")
    if "--txt" in sys.argv:
        (OUT / "15.txt").write_text(text_15(), encoding="utf-8")
        (OUT / "16.txt").write_text(text_16(), encoding="utf-8")
        (OUT / "17.txt").write_text(text_17(), encoding="utf-8")
