"""Word, PDF and web pages (docgraph.readers: docx, pdf, html, doc; the ``office`` extra).

Every input is built here in tmp_path: a .docx with python-docx (a two-column header table, automatic list numbers,
a footnote added through the package), a PDF with reportlab and an embedded TrueType font that has Vietnamese
glyphs (justified lines placed word by word, a symbol split at a line end, two pages), a portal page with
navigation, scripts, a sidebar and entities. Each holds the same document as a .txt, and ``process_file`` must give
the same references, header and relations for both. The last tests scan samples/ with the office files in it.
"""

from __future__ import annotations

import io
import os
import shutil
import stat
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from docgraph import readers
from docgraph.readers import doc as doc_format
from docgraph.readers.common import SKIP_NEEDS_EXTRA
from docgraph.pipeline import FileResult, process_file
from docgraph.readers import ReadResult, read_file
from docgraph.relations import OWN
from samples_readme import readme_table

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"

HAS_DOCX = readers.available("docx")
HAS_PDF = readers.available("pdf")
HAS_HTML = readers.available("html")
needs_docx = pytest.mark.skipif(not HAS_DOCX, reason="python-docx not installed (docgraph[office])")
needs_pdf = pytest.mark.skipif(not HAS_PDF, reason="pypdfium2 not installed (docgraph[office])")
needs_html = pytest.mark.skipif(not HAS_HTML, reason="selectolax not installed (docgraph[office])")
needs_all = pytest.mark.skipif(not readers.available(), reason="docgraph[office] not installed")
needs_libreoffice = pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")),
                                       reason="LibreOffice not installed")

# ---------------------------------------------------------------------------------------------------------------
# The document every format carries. "|" marks where the PDF breaks a line (removed everywhere else).

HEADER_LEFT = ["UBND TỈNH LẠNG SƠN", "SỞ Y TẾ", "Số: 215/KH-SYT"]
HEADER_RIGHT = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                "Lạng Sơn, ngày 05 tháng 9 năm 2024"]
HEADING = "KẾ HOẠCH"
TITLE = "Bảo đảm công tác y tế phục vụ đại hội đảng bộ các cấp trên địa bàn tỉnh"
PREAMBLE = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư, áp dụng cho toàn bộ "
    "hồ sơ của Sở;",
    "Thực hiện Kế hoạch số 140/KH-UBND ngày 20/8/2024 của UBND tỉnh về triển khai thực hiện Chỉ thị số "
    "35-CT/TW ngày 14/6/2024 của Bộ Chính trị về đại hội đảng bộ các cấp tiến tới Đại hội đại biểu toàn quốc "
    "lần thứ XIV của Đảng, Sở Y tế ban hành Kế hoạch như sau:",
]
SECTION_1 = "I. MỤC ĐÍCH, YÊU CẦU"
AIMS = ("Bảo đảm sức khỏe cho đại biểu và lực lượng phục vụ tại mỗi kỳ đại hội; chủ động phương án cấp cứu, "
        "phòng chống dịch bệnh và an toàn thực phẩm trong suốt thời gian tổ chức.")
SECTION_2 = "II. NHIỆM VỤ CỤ THỂ"
TASKS = [
    "Bệnh viện Đa khoa tỉnh bố trí tổ cấp cứu thường trực tại hội trường, có xe cứu thương và cơ số thuốc theo "
    "quy định tại Thông tư số 51/2017/TT-BYT ngày 29/12/2017 của Bộ Y tế.",
    "Danh mục thuốc cấp cứu được rà soát theo Nghị định số |117/2020/NĐ-CP ngày 28/9/2020 của Chính phủ quy "
    "định xử phạt vi phạm hành chính trong lĩnh vực y tế.",
    "Kiểm tra an toàn thực phẩm tại bếp ăn theo Nghị định số 15/2018/NĐ-|CP ngày 02/02/2018 của Chính phủ, "
    "lưu mẫu thức ăn và báo cáo hằng ngày cho Ban Tổ chức đại hội.",
    "Văn phòng Sở tổng hợp kết quả, báo cáo Ủy ban nhân dân tỉnh trước ngày 15 hằng tháng.",
]
SIGN = ["Nơi nhận:", "- UBND tỉnh (b/c);", "- Lưu: VT, NVY."]
SIGNER = ["GIÁM ĐỐC", "(đã ký)", "Hoàng Văn Minh"]
FOOTNOTE = ("Nghị quyết số 20-NQ/TW ngày 25/10/2017 của Ban Chấp hành Trung ương khóa XII về tăng cường công tác "
            "bảo vệ, chăm sóc và nâng cao sức khỏe nhân dân.")


def plain(s: str) -> str:
    return s.replace("|", "")


def task_lines() -> list[str]:
    return [f"{i}. {plain(t)}" for i, t in enumerate(TASKS, 1)]


def state_txt(with_footnote: bool = True) -> str:
    lines = [*HEADER_LEFT, *HEADER_RIGHT, "", HEADING, TITLE, "", *map(plain, PREAMBLE), "", SECTION_1, AIMS, "",
             SECTION_2, *task_lines(), "", *SIGN, "", *SIGNER]
    if with_footnote:
        lines += ["", "[1] " + FOOTNOTE]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------------------
# Comparing what docgraph makes of two files


def summary(res: FileResult) -> dict:
    assert res.skipped is None, res.skipped
    h = res.header
    refs = Counter((m.number, m.symbol, m.year, m.date, m.own) for m in res.mentions)

    def doc(i: int) -> str:
        if i == OWN or res.mentions[i].own:
            return "OWN"
        return res.keys[i].doc_id()

    rels = {(r.relation, doc(r.source), doc(r.target)) for r in res.relations}
    head = (h.kind, h.number, h.symbol, h.type, h.date, h.level, h.jurisdiction, h.issuer)
    return {"refs": refs, "relations": rels, "header": head, "own_id": res.own_id}


def same_as_txt(tmp_path: Path, path: Path, txt: str) -> tuple[dict, dict]:
    t = tmp_path / (path.stem + "_equivalent.txt")
    t.write_text(txt, encoding="utf-8")
    a, b = summary(process_file(str(path))), summary(process_file(str(t)))
    assert a["refs"] == b["refs"]
    assert a["header"] == b["header"]
    assert a["relations"] == b["relations"]
    if not b["own_id"].startswith("file-"):  # a file without a number of its own is named after the file
        assert a["own_id"] == b["own_id"]
    return a, b


# ---------------------------------------------------------------------------------------------------------------
# .docx builder

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES_XML = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W_NS}">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
    '</w:footnote><w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {text}'
    "</w:t></w:r></w:p></w:footnote></w:footnotes>"
)


def add_footnote(document, paragraph, text: str) -> None:
    """A footnote part with one note, referenced from the end of ``paragraph`` (python-docx has no API for it)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    from xml.sax.saxutils import escape

    part = Part(PackURI("/word/footnotes.xml"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                FOOTNOTES_XML.format(text=escape(text)).encode("utf-8"), document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)
    run = parse_xml(f'<w:r xmlns:w="{W_NS}"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                    '<w:footnoteReference w:id="1"/></w:r>')
    paragraph._p.append(run)


def no_borders(table) -> None:
    from docx.oxml import parse_xml

    tbl_pr = table._tbl.tblPr
    tbl_pr.append(parse_xml(
        f'<w:tblBorders xmlns:w="{W_NS}">' + "".join(f'<w:{side} w:val="nil"/>' for side in
                                                      ("top", "left", "bottom", "right", "insideH", "insideV"))
        + "</w:tblBorders>"))


def build_docx(path: Path, *, two_rows: bool = True, footnote: bool = True) -> Path:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    d = docx.Document()
    rows = 2 if two_rows else 1
    table = d.add_table(rows=rows, cols=2)
    no_borders(table)

    def fill(cell, lines: list[str]) -> None:
        cell.paragraphs[0].text = lines[0]
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        for x in lines[1:]:
            cell.add_paragraph(x).alignment = WD_ALIGN_PARAGRAPH.CENTER

    if two_rows:  # issuer block | motto, then number | place-date: the usual Word header
        fill(table.cell(0, 0), HEADER_LEFT[:2])
        fill(table.cell(0, 1), HEADER_RIGHT[:2])
        fill(table.cell(1, 0), HEADER_LEFT[2:])
        fill(table.cell(1, 1), HEADER_RIGHT[2:])
    else:
        fill(table.cell(0, 0), HEADER_LEFT)
        fill(table.cell(0, 1), HEADER_RIGHT)
    d.add_paragraph("")
    d.add_paragraph(HEADING).alignment = WD_ALIGN_PARAGRAPH.CENTER
    d.add_paragraph(TITLE).alignment = WD_ALIGN_PARAGRAPH.CENTER
    d.add_paragraph("")
    last = None
    for x in PREAMBLE:
        last = d.add_paragraph(plain(x))
    if footnote:
        add_footnote(d, last, FOOTNOTE)
    d.add_paragraph("")
    d.add_paragraph(SECTION_1)
    d.add_paragraph(AIMS)
    d.add_paragraph("")
    d.add_paragraph(SECTION_2)
    for t in TASKS:  # automatic numbers: the text holds no "1."
        d.add_paragraph(plain(t), style="List Number")
    d.add_paragraph("")
    sign = d.add_table(rows=1, cols=2)
    no_borders(sign)
    fill(sign.cell(0, 0), SIGN)
    fill(sign.cell(0, 1), SIGNER)
    d.save(str(path))
    return path


# ---------------------------------------------------------------------------------------------------------------
# .pdf builder (reportlab, an embedded TrueType font with Vietnamese glyphs)

FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",  # Debian/Ubuntu fonts-dejavu-core
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/arial.ttf",
]


def vietnamese_font() -> str | None:
    for p in FONT_CANDIDATES:
        if os.path.isfile(p):
            return p
    try:  # matplotlib ships DejaVu Sans
        import matplotlib

        p = os.path.join(os.path.dirname(matplotlib.__file__), "mpl-data", "fonts", "ttf", "DejaVuSans.ttf")
        return p if os.path.isfile(p) else None
    except ImportError:
        return None


def _reportlab_ok() -> bool:
    try:
        import reportlab  # noqa: F401
    except ImportError:
        return False
    return vietnamese_font() is not None


needs_reportlab = pytest.mark.skipif(not _reportlab_ok(),
                                     reason="reportlab or a TrueType font with Vietnamese glyphs is missing")


class PdfWriter:
    """A4 pages, 12 pt text, justified lines placed word by word (as many PDF producers do), a centred two-column
    header, page numbers at the foot of each page. A "|" in a paragraph forces a line break there."""

    def __init__(self, path: Path, font_path: str, *, nfd: bool = False):
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont
        from reportlab.pdfgen import canvas

        self.metrics = pdfmetrics
        if "VNSans" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("VNSans", font_path))
        self.c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
        self.w, self.h = A4
        self.left, self.right, self.top, self.bottom = 85.0, self.w - 57.0, self.h - 57.0, 70.0
        self.size, self.lead = 12.0, 16.0
        self.y = self.top
        self.page = 1
        self.nfd = nfd

    def _t(self, s: str) -> str:
        return unicodedata.normalize("NFD", s) if self.nfd else s

    def width(self, s: str) -> float:
        return self.metrics.stringWidth(self._t(s), "VNSans", self.size)

    def _need(self) -> None:
        if self.y < self.bottom:
            self.c.setFont("VNSans", 10)
            self.c.drawCentredString(self.w / 2, 35, str(self.page))
            self.c.showPage()
            self.page += 1
            self.y = self.top

    def _draw(self, x: float, s: str) -> None:
        self.c.setFont("VNSans", self.size)
        self.c.drawString(x, self.y, self._t(s))

    def centred(self, s: str, x0: float | None = None, x1: float | None = None) -> None:
        self._need()
        x0 = self.left if x0 is None else x0
        x1 = self.right if x1 is None else x1
        self._draw((x0 + x1 - self.width(s)) / 2, s)
        self.y -= self.lead

    def header(self, left: list[str], right: list[str]) -> None:
        y0, mid = self.y, self.left + (self.right - self.left) * 0.42
        for i, s in enumerate(left):
            self.y = y0 - i * self.lead
            self.centred(s, self.left - 40, mid)
        for i, s in enumerate(right):
            self.y = y0 - i * self.lead
            self.centred(s, mid, self.right)
        self.y = y0 - max(len(left), len(right)) * self.lead - self.lead

    def _wrap(self, text: str, first_width: float, width: float) -> list[str]:
        # break opportunities: after a space, after a hyphen inside a word (as Word does: "NĐ-" / "CP")
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
            limit = first_width if not lines else width
            if cur and self.width((cur + p).rstrip()) > limit:
                lines.append(cur.rstrip())
                cur = p
            else:
                cur += p
        if cur.strip():
            lines.append(cur.rstrip())
        return lines

    def paragraph(self, text: str, indent: float = 28.0) -> None:
        """A justified paragraph. A "|" forces a line break: the first line then ends there, flush with the right
        margin (its indent is whatever is left), as it would if the text had wrapped there by itself."""
        full = self.right - self.left
        if "|" in text:
            head, tail = text.split("|")
            head = head.rstrip()
            assert self.width(head) <= full - 10, f"the forced break must fall on the first line: {head!r}"
            indent = full - self.width(head) - 0.5
            lines = [head] + self._wrap(tail, full, full)
        else:
            lines = self._wrap(text, full - indent, full)
        for k, line in enumerate(lines):
            self._need()
            x0 = self.left + (indent if k == 0 else 0)
            words = line.split(" ")
            if k == len(lines) - 1 or len(words) == 1:
                self._draw(x0, line)
            else:
                gap = (self.right - x0 - sum(self.width(w) for w in words)) / (len(words) - 1)
                x = x0
                for w in words:
                    self._draw(x, w)
                    x += self.width(w) + gap
            self.y -= self.lead

    def skip(self) -> None:
        self.y -= self.lead / 2

    def save(self) -> None:
        self.c.setFont("VNSans", 10)
        self.c.drawCentredString(self.w / 2, 35, str(self.page))
        self.c.save()


def build_pdf(path: Path, *, nfd: bool = False, padding: int = 0, right: list[str] | None = None) -> Path:
    pdf = PdfWriter(path, vietnamese_font(), nfd=nfd)
    pdf.header(HEADER_LEFT, right or HEADER_RIGHT)
    pdf.centred(HEADING)
    pdf.centred(TITLE)
    pdf.skip()
    for x in PREAMBLE:
        pdf.paragraph(x)
    pdf.skip()
    pdf.centred(SECTION_1)
    pdf.paragraph(AIMS)
    for _ in range(padding):  # push the tasks onto page 2
        pdf.paragraph(AIMS)
    pdf.skip()
    pdf.centred(SECTION_2)
    for i, t in enumerate(TASKS, 1):
        pdf.paragraph(f"{i}. {t}")
    pdf.skip()
    for x in SIGN:
        pdf.paragraph(x, indent=0)
    pdf.skip()
    for x in SIGNER:
        pdf.centred(x, pdf.w / 2, pdf.right)
    pdf.save()
    return path


def build_scanned_pdf(path: Path) -> Path:
    """An image-only PDF, as a scanner makes: a bitmap of the page and some vector shapes, no text."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    try:
        from PIL import Image, ImageDraw

        img = Image.new("L", (400, 560), 255)
        draw = ImageDraw.Draw(img)
        for y in range(40, 540, 18):
            draw.rectangle((40, y, 360, y + 8), fill=30)  # lines of "text" as black bars
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        buf.seek(0)
        c.drawImage(ImageReader(buf), 50, 100, width=495, height=690)
    except ImportError:
        pass
    c.rect(60, 60, 200, 20, fill=1)
    c.line(60, 800, 500, 800)
    c.showPage()
    c.rect(100, 100, 50, 50)
    c.save()
    return path


# ---------------------------------------------------------------------------------------------------------------
# .html builder

ARTICLE_TITLE = "Lạng Sơn: Ngành y tế sẵn sàng phục vụ đại hội đảng bộ các cấp"
ARTICLE = [
    "Lạng Sơn, 12/9/2024 - Sở Y tế vừa triển khai các phương án bảo đảm y tế cho đại hội đảng bộ các cấp, "
    "nhiệm kỳ 2025 - 2030.",
    "Theo đó, Kế hoạch số 215/KH-SYT ngày 05/9/2024 của Sở Y tế được ban hành để thực hiện Kế hoạch số "
    "140/KH-UBND ngày 20/8/2024 của UBND tỉnh Lạng Sơn.",
    "Các bệnh viện & trung tâm y tế tuyến huyện được giao bố trí tổ cấp cứu, kiểm tra an toàn thực phẩm "
    "theo Nghị định số 15/2018/NĐ-CP ngày 02/02/2018 của Chính phủ.",
    "Đại diện Sở cho biết, kết quả sẽ được báo cáo Ủy ban nhân dân tỉnh trước ngày 15 hằng tháng.",
]
ARTICLE_AUTHOR = "Minh Anh"


def article_txt() -> str:
    return "\n".join([ARTICLE_TITLE, *ARTICLE, ARTICLE_AUTHOR]) + "\n"


def _entities(s: str) -> str:
    # the way portals write text: & escaped, some letters as numeric references (ế = &#7871;)
    return s.replace("&", "&amp;").replace("ế", "&#7871;").replace("Đ", "&#272;")


def cp1258_encode(s: str) -> bytes:
    """Windows-1258 keeps most tone marks as combining characters: decompose what has no code of its own."""
    out = bytearray()
    for ch in s:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", ch)
        for m in marks:  # ế = ê + acute, ộ = ô + dot below: the code page has ê and ô
            composed = unicodedata.normalize("NFC", base + m)
            if len(composed) == 1 and composed.encode("cp1258", "replace") != b"?":
                base = composed
                marks.remove(m)
                break
        out += base.encode("cp1258") + "".join(marks).encode("cp1258")
    return bytes(out)


def build_html(path: Path, *, charset: str | None = "utf-8", encoding: str = "utf-8", bom: bool = False) -> Path:
    meta = f'<meta charset="{charset}">' if charset else ""
    paras = "\n".join(f"<p>{_entities(p)}</p>" for p in ARTICLE)
    page = f"""<!DOCTYPE html>
<html lang="vi"><head>{meta}<title>{ARTICLE_TITLE} - Cổng thông tin điện tử tỉnh</title>
<style>.menu {{ color: red; }} p::after {{ content: "Kế hoạch số 1/KH-UBND"; }}</style>
<script>var related = "Quyết định số 999/QĐ-UBND ngày 01/01/2024";</script>
</head><body>
<header><div class="logo">CỔNG THÔNG TIN ĐIỆN TỬ TỈNH LẠNG SƠN</div></header>
<nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/tin">Tin tức &amp; sự kiện</a></li>
<li><a href="/vb">Văn bản: Kế hoạch số 77/KH-UBND</a></li></ul></nav>
<div class="container">
<article class="news-detail">
<header><h1>{_entities(ARTICLE_TITLE)}</h1></header>
<div class="content">
{paras}
<p style="text-align:right"><strong>{ARTICLE_AUTHOR}</strong></p>
</div>
<div class="share" hidden>Chia sẻ: Quyết định số 123/QĐ-UBND</div>
<footer class="tags">Từ khóa: y tế, đại hội</footer>
</article>
<aside><h3>Tin liên quan</h3><ul><li>Triển khai Kế hoạch số 99/KH-UBND ngày 02/01/2024</li></ul></aside>
</div>
<form><input name="q" value="Chỉ thị số 1-CT/TW"></form>
<footer>Bản quyền thuộc UBND tỉnh Lạng Sơn. Giấy phép số 05/GP-TTĐT ngày 10/01/2020.</footer>
<script>document.write("Nghị định số 1/2020/NĐ-CP");</script>
</body></html>
"""
    data = cp1258_encode(page) if encoding == "cp1258" else page.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)
    return path


# ===============================================================================================================
# Tests: .docx


@needs_docx
def test_docx_same_references_header_and_relations_as_txt(tmp_path):
    p = build_docx(tmp_path / "ke-hoach.docx")
    a, _ = same_as_txt(tmp_path, p, state_txt())
    assert a["header"][:6] == ("document", "215", "KH-SYT", "Kế hoạch", "2024-09-05", "department")
    assert a["header"][6] == "Lạng Sơn"
    assert ("implements", "OWN", "140-kh-ubnd-2024-lang-son") in a["relations"]
    assert ("based_on", "OWN", "30-nd-cp-2020") in a["relations"]
    assert sum(a["refs"].values()) >= 8


@needs_docx
def test_docx_text_layout_numbering_footnote_and_locations(tmp_path):
    r = read_file(build_docx(tmp_path / "kh.docx"))
    assert r.skipped is None and r.encoding == "docx"
    lines = r.text.splitlines()
    # the header table is read column by column, as a .txt header
    assert lines[:6] == HEADER_LEFT + HEADER_RIGHT
    assert lines.index("Số: 215/KH-SYT") < lines.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    # Word's automatic list numbers are written out
    for t in task_lines():
        assert t in lines
    # the footnote comes after the body, marked and located
    fn = next(i for i, x in enumerate(lines) if x.startswith("[1] "))
    assert lines[fn] == "[1] " + FOOTNOTE
    assert r.locations is not None and len(r.locations) == len(lines)
    assert r.locations[fn] == "fn.1"
    assert r.locations[lines.index(HEADING)].startswith("¶")
    numbers = [int(x[1:]) for x in r.locations[6:] if x.startswith("¶")]
    assert numbers == sorted(numbers)  # after the header table, paragraph numbers follow the text
    assert r.text == unicodedata.normalize("NFC", r.text)
    # the same document with a one-row header table reads the same
    r1 = read_file(build_docx(tmp_path / "kh1.docx", two_rows=False))
    assert r1.text.splitlines()[:6] == lines[:6]


@needs_docx
def test_docx_reads_data_tables_row_by_row_and_text_boxes(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("Phụ lục: phân công nhiệm vụ")
    t = d.add_table(rows=3, cols=4)
    data = [["STT", "Nội dung", "Cơ quan chủ trì", "Thời hạn"],
            ["1", "Triển khai Kế hoạch số 120/KH-UBND ngày 02/8/2024", "Sở Nội vụ", "Tháng 9/2024"],
            ["2", "Rà soát theo Nghị định số 30/2020/NĐ-CP", "Văn phòng", "Quý IV"]]
    for i, row in enumerate(data):
        for j, v in enumerate(row):
            t.cell(i, j).text = v
    d.add_paragraph("Hết phụ lục.")
    p = tmp_path / "phu-luc.docx"
    d.save(str(p))
    r = read_file(p)
    lines = [x for x in r.text.split("\n") if x]
    assert lines[:2] == ["Phụ lục: phân công nhiệm vụ", "STT"]
    assert lines.index("Triển khai Kế hoạch số 120/KH-UBND ngày 02/8/2024") < lines.index("Sở Nội vụ") \
        < lines.index("2") < lines.index("Quý IV") < lines.index("Hết phụ lục.")


@needs_docx
def test_docx_skips_deleted_text_and_keeps_breaks(tmp_path):
    import docx
    from docx.oxml import parse_xml

    d = docx.Document()
    para = d.add_paragraph("Thực hiện Chỉ thị số 35-CT/TW")
    para._p.append(parse_xml(f'<w:del xmlns:w="{W_NS}" w:id="1" w:author="a"><w:r>'
                             "<w:delText> và Chỉ thị số 99-CT/TW</w:delText></w:r></w:del>"))
    para._p.append(parse_xml(f'<w:r xmlns:w="{W_NS}"><w:t xml:space="preserve"> ngày 14/6/2024</w:t>'
                             "<w:br/><w:t>dòng sau</w:t><w:softHyphen/><w:t>x</w:t>"
                             "<w:noBreakHyphen/><w:t>y</w:t></w:r>"))
    p = tmp_path / "del.docx"
    d.save(str(p))
    r = read_file(p)
    assert r.text == "Thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024\ndòng sauxx-y\n".replace("xx", "x")
    assert r.locations == ("¶1", "¶1")


def test_docx_damaged_is_skipped_with_a_reason(tmp_path):
    p = tmp_path / "hong.docx"
    p.write_bytes(b"PK\x03\x04 this is not really a zip")
    r = read_file(p)
    assert r.text is None and r.skipped and (r.skipped.startswith("not a readable .docx")
                                             or r.skipped == SKIP_NEEDS_EXTRA)
    assert r.sha256 is not None and r.size == p.stat().st_size


# ===============================================================================================================
# Tests: .pdf


@needs_pdf
@needs_reportlab
def test_pdf_same_references_header_and_relations_as_txt(tmp_path):
    p = build_pdf(tmp_path / "ke-hoach.pdf")
    a, _ = same_as_txt(tmp_path, p, state_txt(with_footnote=False))
    assert a["header"][:7] == ("document", "215", "KH-SYT", "Kế hoạch", "2024-09-05", "department", "Lạng Sơn")
    assert ("implements", "OWN", "140-kh-ubnd-2024-lang-son") in a["relations"]


@needs_pdf
@needs_reportlab
def test_pdf_rejoins_lines_symbols_and_pages(tmp_path):
    r = read_file(build_pdf(tmp_path / "dai.pdf", padding=30))
    assert r.skipped is None and r.encoding == "pdf"
    lines = r.text.splitlines()
    assert r.text == unicodedata.normalize("NFC", r.text)
    # the header: left column first
    assert lines[:6] == HEADER_LEFT + HEADER_RIGHT
    # a symbol split at a line end ("NĐ-" / "CP") and "số" / number are joined; paragraphs are one line each
    for t in task_lines():
        assert t in lines, t
    assert "15/2018/NĐ-CP ngày 02/02/2018" in r.text
    assert "Nghị định số 117/2020/NĐ-CP" in r.text
    # page numbers are gone; pages are located
    assert not any(x.strip().isdigit() for x in lines)
    assert r.locations is not None and len(r.locations) == len(lines)
    assert r.locations[0] == "p.1"
    assert r.locations[lines.index(task_lines()[0])] in ("p.2", "p.3")
    assert set(r.locations) - {""} <= {"p.1", "p.2", "p.3", "p.4"}
    res = process_file(r.path)
    refs = {(m.number, m.symbol) for m in res.mentions}
    assert {("15", "NĐ-CP"), ("117", "NĐ-CP"), ("51", "TT-BYT")} <= refs


@needs_pdf
@needs_reportlab
def test_pdf_header_lines_wrapped_by_a_narrow_column_are_joined(tmp_path):
    # a narrow header cell wraps the motto and the place-date line; the issuer block lines stay apart
    right = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA", "VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Lạng Sơn, ngày 05 tháng 9 năm",
             "2024"]
    r = read_file(build_pdf(tmp_path / "hep.pdf", right=right))
    assert r.text.splitlines()[:6] == HEADER_LEFT + HEADER_RIGHT
    same_as_txt(tmp_path, Path(r.path), state_txt(with_footnote=False))


def libreoffice_convert(src: Path, fmt: str, tmp_path: Path) -> Path:
    """``src`` converted to ``fmt`` by LibreOffice (headless, a profile of its own), in tmp_path/out."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run([exe, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", fmt,
                    "--outdir", str(tmp_path / "out"), str(src)], check=True, capture_output=True, timeout=300)
    return tmp_path / "out" / f"{src.stem}.{fmt}"


@pytest.mark.slow
@needs_pdf
@needs_docx
@needs_libreoffice
def test_pdf_made_by_libreoffice_reads_like_the_docx(tmp_path):
    src = build_docx(tmp_path / "goc.docx", footnote=False)
    a = summary(process_file(str(libreoffice_convert(src, "pdf", tmp_path))))
    b = summary(process_file(str(src)))
    assert a["refs"] == b["refs"] and a["header"] == b["header"] and a["relations"] == b["relations"]


@needs_pdf
@needs_reportlab
def test_pdf_with_decomposed_tone_marks_reads_as_nfc(tmp_path):
    r = read_file(build_pdf(tmp_path / "nfd.pdf", nfd=True))
    assert r.skipped is None
    assert r.text == unicodedata.normalize("NFC", r.text)
    assert plain(PREAMBLE[2]) in r.text.splitlines()
    assert not any(unicodedata.combining(c) for c in r.text)


@needs_pdf
@needs_reportlab
def test_scanned_pdf_needs_ocr(tmp_path):
    r = read_file(build_scanned_pdf(tmp_path / "scan.pdf"))
    assert r.text is None
    assert r.skipped == "no text layer: needs OCR"
    res = process_file(str(tmp_path / "scan.pdf"))
    assert res.skipped == "no text layer: needs OCR" and not res.mentions


@needs_pdf
@needs_reportlab
def test_pdf_with_a_password_is_skipped(tmp_path):
    from reportlab.pdfgen import canvas

    p = tmp_path / "mat.pdf"
    c = canvas.Canvas(str(p), encrypt="mat-khau")
    c.drawString(100, 700, "Chi thi so 35-CT/TW")
    c.save()
    assert read_file(p).skipped == "encrypted PDF: needs a password"


@needs_pdf
def test_not_a_pdf_or_a_damaged_one(tmp_path):
    p = tmp_path / "loi.pdf"
    p.write_bytes(b"<html>404 Not Found</html>")
    assert read_file(p).skipped == "not a PDF file (no %PDF header)"
    q = tmp_path / "cut.pdf"
    q.write_bytes(b"%PDF-1.4\n1 0 obj\n<<")
    r = read_file(q)
    assert r.text is None and r.skipped


# ===============================================================================================================
# Tests: .html


@needs_html
def test_html_same_references_and_relations_as_txt(tmp_path):
    p = build_html(tmp_path / "tin.html")
    a, _ = same_as_txt(tmp_path, p, article_txt())
    assert a["header"][0] == "article" and a["header"][4] == "2024-09-12"
    assert ("implements", "215-kh-syt-2024-lang-son", "140-kh-ubnd-2024-lang-son") in a["relations"]


@needs_html
def test_html_drops_page_furniture_and_decodes_entities(tmp_path):
    r = read_file(build_html(tmp_path / "tin.html"))
    assert r.skipped is None and r.encoding == "html/utf-8"
    assert r.text == article_txt()
    for noise in ("77/KH-UBND", "99/KH-UBND", "999/QĐ-UBND", "05/GP-TTĐT", "1-CT/TW", "123/QĐ-UBND", "1/KH-UBND",
                  "Trang chủ", "Từ khóa"):
        assert noise not in r.text
    assert "bệnh viện & trung tâm".lower() in r.text.lower()
    assert r.locations is None


@needs_html
@pytest.mark.parametrize("charset,encoding,bom", [
    (None, "utf-8", False),  # no declaration: readers.decode_bytes
    ("utf-8", "utf-8", True),
    ("windows-1258", "cp1258", False),  # a declared legacy code page
    ("utf-16", "utf-16", False),
])
def test_html_charsets(tmp_path, charset, encoding, bom):
    p = build_html(tmp_path / "cs.htm", charset=charset, encoding=encoding, bom=bom)
    r = read_file(p)
    assert r.skipped is None, r.skipped
    assert r.text == article_txt()


@needs_html
def test_html_without_article_uses_main_or_body(tmp_path):
    p = tmp_path / "plain.html"
    p.write_text("<html><body><nav>Menu: Kế hoạch số 5/KH-UBND</nav><div><h2>Thông báo</h2>"
                 "<div>Thực hiện Chỉ thị số 35-CT/TW<br>ngày 14/6/2024 của Bộ Chính trị.</div>"
                 "<table><tr><td>Số: 1</td><td>Nội dung</td></tr></table>"
                 "<ul><li>một</li><li>hai</li></ul></div><footer>Liên hệ</footer></body></html>", encoding="utf-8")
    r = read_file(p)
    assert r.text == ("Thông báo\nThực hiện Chỉ thị số 35-CT/TW\nngày 14/6/2024 của Bộ Chính trị.\n"
                      "Số: 1\nNội dung\nmột\nhai\n")


@needs_html
def test_docgraph_html_export_is_not_read_as_a_page(tmp_path):
    import networkx as nx

    from docgraph.export import to_html

    g = nx.MultiDiGraph()
    g.add_node("35-ct-tw-2024", label="Chỉ thị 35-CT/TW", level="central")
    p = tmp_path / "graph.html"
    p.write_text(to_html(g), encoding="utf-8")
    assert read_file(p).skipped == "docgraph's own HTML export, not a document"


# ===============================================================================================================
# Tests: legacy .doc, sniffing


def test_doc_without_converter_is_skipped_with_a_clear_reason(tmp_path, monkeypatch):
    monkeypatch.setattr(doc_format.shutil, "which", lambda name: None)
    p = tmp_path / "cu.doc"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    r = read_file(p)
    assert r.text is None and r.skipped == "legacy .doc: install LibreOffice or antiword to read it"


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for antiword")
def test_doc_through_antiword(tmp_path, monkeypatch):
    tool = tmp_path / "bin" / "antiword"
    tool.parent.mkdir()
    tool.write_text("#!/bin/sh\nprintf 'Thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị\\n'\n",
                    encoding="utf-8")
    tool.chmod(tool.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(doc_format.shutil, "which", lambda name: str(tool) if name == "antiword" else None)
    p = tmp_path / "cu.doc"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    r = read_file(p)
    assert r.skipped is None and r.encoding == "doc/antiword"
    assert r.text == "Thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị\n"


@pytest.mark.slow
@needs_docx
@needs_libreoffice
def test_doc_through_libreoffice(tmp_path):
    src = build_docx(tmp_path / "goc.docx", footnote=False)
    doc = libreoffice_convert(src, "doc", tmp_path)
    a = summary(process_file(str(doc)))
    b = summary(process_file(str(src)))
    assert a["refs"] == b["refs"] and a["header"] == b["header"] and a["relations"] == b["relations"]
    assert read_file(doc).encoding == "doc/soffice"


@needs_docx
def test_office_files_are_sniffed(tmp_path):
    # a .docx saved under .doc is read as .docx; plain text under .doc as text
    p = build_docx(tmp_path / "that-ra-docx.doc")
    assert read_file(p).encoding == "docx"
    q = tmp_path / "text.doc"
    q.write_text("Căn cứ Nghị định số 30/2020/NĐ-CP\n", encoding="utf-8")
    r = read_file(q)
    assert r.text == "Căn cứ Nghị định số 30/2020/NĐ-CP\n" and r.encoding == "utf-8"


# ===============================================================================================================
# Tests: without the extra, globs, the reader API


def block_extra(monkeypatch) -> None:
    for name in ("docx", "pypdfium2", "pypdfium2.raw", "selectolax", "selectolax.lexbor"):
        monkeypatch.setitem(sys.modules, name, None)  # import raises ImportError


@pytest.mark.parametrize("name,data", [
    ("a.docx", b"PK\x03\x04..."),
    ("a.pdf", b"%PDF-1.4\n%..."),
    ("a.html", "<html><body><p>Chỉ thị số 35-CT/TW</p></body></html>".encode()),
    ("a.htm", b"<p>x</p>"),
])
def test_missing_extra_gives_the_install_hint(tmp_path, monkeypatch, name, data):
    block_extra(monkeypatch)
    p = tmp_path / name
    p.write_bytes(data)
    r = read_file(p)
    assert r.text is None
    assert r.skipped == "needs the office extra: pip install 'docgraph[office]'"
    assert r.size == len(data) and r.sha256
    assert process_file(str(p)).skipped == r.skipped
    assert not readers.available()
    assert readers.office_globs() == ()
    assert readers.default_globs() == ("*.txt", "*.md")


def test_default_globs_grow_with_the_extra():
    globs = readers.default_globs()
    assert globs[:2] == ("*.txt", "*.md")
    if readers.available():
        assert set(globs) == {"*.txt", "*.md", "*.docx", "*.pdf", "*.html", "*.htm", "*.doc"}
    assert readers.DEFAULT_GLOBS == globs and readers.TEXT_GLOBS == ("*.txt", "*.md")


def test_iter_files_with_default_globs_picks_office_files(tmp_path):
    for n in ("a.txt", "b.DOCX", "c.pdf", "d.html", "e.htm", "f.doc", "g.xlsx"):
        (tmp_path / n).write_bytes(b"x")
    got = [os.path.basename(p) for p, _ in readers.iter_files([tmp_path], readers.default_globs())]
    if readers.available():
        assert got == ["a.txt", "b.DOCX", "c.pdf", "d.html", "e.htm", "f.doc"]
    else:
        assert got == ["a.txt"]
    assert [os.path.basename(p) for p, _ in readers.iter_files([tmp_path], ("*.pdf",))] == ["c.pdf"]


def test_read_result_keeps_its_positional_api(tmp_path):
    r = ReadResult("p", "t", "utf-8", None, 1, 2, "00")
    assert r.locations is None
    p = tmp_path / "a.txt"
    p.write_text("Chỉ thị số 35-CT/TW\n", encoding="utf-8")
    assert read_file(p).locations is None


# ===============================================================================================================
# The sample corpus with its office files


def _scan_samples(tmp_path, monkeypatch, globs):
    from docgraph import index as ix
    from docgraph.graph import build_graph
    from docgraph.scan import scan

    shutil.copytree(SAMPLES, tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    conn = ix.connect(tmp_path / "s.db", create=True)
    summary_ = scan(["samples"], conn, jobs=1, globs=globs)
    g = build_graph(conn)
    conn.close()
    return summary_, g


OFFICE_SAMPLES = ("15_bac-giang_so-y-te_kh-88.docx", "16_khanh-hoa_dien-khanh_huyen-uy_kh-56.pdf",
                  "17_bac-giang_cong-thong-tin_tin-so-y-te.html")


def test_office_samples_are_present_and_documented():
    for name in OFFICE_SAMPLES:
        assert (SAMPLES / name).is_file(), name
    rows = readme_table("Office files (read when docgraph[office] is installed)")  # the files table, then pitfalls
    assert {r[0] for r in rows if len(r) == 3} == set(OFFICE_SAMPLES)
    assert {r[0] for r in rows if len(r) == 2} - {"file"} == {"15", "16", "17"}


@needs_all
def test_samples_with_office_files(tmp_path, monkeypatch):
    s, g = _scan_samples(tmp_path, monkeypatch, readers.TEXT_GLOBS + readers.OFFICE_GLOBS)
    assert s.files == 17 and not s.skipped, s.skipped
    main_edges = readme_table("Expected edges")
    office_edges = readme_table("Expected edges (office)")
    expected = {(a, r, b) for a, r, b, *_ in main_edges + office_edges}
    got = {(u, d["relation"], v) for u, v, d in g.edges(data=True)}
    assert not (expected - got) and not (got - expected), \
        f"missing: {sorted(expected - got)}\nextra: {sorted(got - expected)}"
    found = {(a, r, b): {f.strip() for f in files.split(",")} for a, r, b, files in main_edges + office_edges}
    for a, r, b, files in readme_table("Expected evidence (office)"):
        found[(a, r, b)] |= {f.strip() for f in files.split(",")}
    for (a, r, b), files in found.items():
        data = g.get_edge_data(a, b)[r]
        assert {Path(e["file"]).name for e in data["evidence_all"]} == files, (a, r, b)
        assert all(e["text"] and e["line"] > 0 for e in data["evidence_all"])
    docs = readme_table("Expected documents") + readme_table("Expected documents (office)")
    for doc_id, level, jurisdiction, *_ in docs:
        assert doc_id in g, doc_id
        assert (g.nodes[doc_id]["level"], g.nodes[doc_id]["jurisdiction"]) == (level, jurisdiction), doc_id
    assert set(g.nodes) == {r[0] for r in docs}


@needs_all
def test_office_samples_read_like_documents():
    """Each office sample's header is read as its .txt counterpart would be; lines carry locations."""
    docx_ = read_file(SAMPLES / OFFICE_SAMPLES[0])
    assert docx_.text.splitlines()[:6] == ["UBND TỈNH BẮC GIANG", "SỞ Y TẾ", "Số: 88/KH-SYT",
                                           "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                                           "Bắc Giang, ngày 19 tháng 8 năm 2024"]
    assert docx_.locations[-1] == "fn.1"
    res = process_file(str(SAMPLES / OFFICE_SAMPLES[1]))
    h = res.header
    assert (res.own_id, h.date, h.level, h.jurisdiction) == (
        "56-kh-hu-2024-khanh-hoa-dien-khanh", "2024-04-02", "district", "Khánh Hòa / Diên Khánh")
    pdf = read_file(SAMPLES / OFFICE_SAMPLES[1])
    assert set(pdf.locations) - {""} == {"p.1", "p.2"}
    assert not any(x.strip() in ("- 1 -", "- 2 -") for x in pdf.text.splitlines())
    page = read_file(SAMPLES / OFFICE_SAMPLES[2])
    for noise in ("83-KH/TU", "210/KH-SGDĐT", "456/QĐ-UBND", "123/GP-TTĐT", "99/2020/NĐ-CP"):
        assert noise not in page.text


def test_samples_without_the_extra_skip_office_files(tmp_path, monkeypatch):
    block_extra(monkeypatch)
    s, g = _scan_samples(tmp_path, monkeypatch, readers.TEXT_GLOBS + readers.OFFICE_GLOBS)
    skipped = {Path(p).name: why for p, why in s.skipped}
    assert skipped == {n: SKIP_NEEDS_EXTRA for n in OFFICE_SAMPLES}
    expected = {(a, r, b) for a, r, b, *_ in readme_table("Expected edges")}
    assert {(u, d["relation"], v) for u, v, d in g.edges(data=True)} == expected


def _locations_wired() -> bool:
    from docgraph.pipeline import FileResult

    return "locations" in getattr(FileResult, "__dataclass_fields__", {})


@needs_all
def test_evidence_points_to_page_paragraph_and_footnote(tmp_path, monkeypatch):
    _, g = _scan_samples(tmp_path, monkeypatch, readers.TEXT_GLOBS + readers.OFFICE_GLOBS)

    def where(a: str, b: str, rel: str) -> list[tuple[str, int, str | None]]:
        return [(Path(e["file"]).name, e["line"], e.get("location"))
                for e in g.get_edge_data(a, b)[rel]["evidence_all"]]

    assert {x[2] for x in where("56-kh-hu-2024-khanh-hoa-dien-khanh", "83-kh-tu-2024-khanh-hoa", "implements")} \
        == {"p.1"}
    assert where("88-kh-syt-2024-bac-giang", "83-kh-tu-2024-bac-giang", "cites") == [(OFFICE_SAMPLES[0], 42, "fn.1")]
    assert ("15_bac-giang_so-y-te_kh-88.docx", 12, "¶12") in where("88-kh-syt-2024-bac-giang",
                                                                    "120-kh-ubnd-2024-bac-giang", "implements")
    # text files and web pages carry no location
    assert all(x[2] is None for x in where("15-kh-snv-2024-bac-giang", "120-kh-ubnd-2024-bac-giang", "implements"))
    assert all(x[2] is None for x in where("file-17-bac-giang-cong-thong-tin-tin-so-y-te-html", "51-tt-byt-2017",
                                           "cites"))
