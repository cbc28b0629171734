"""Word, PDF and web pages -> text with a location per line (the optional ``office`` extra).

``reader.read_file`` hands files to :func:`extract` by extension (``.docx``, ``.pdf``, ``.html``/``.htm``, ``.doc``);
the bytes are sniffed too, so a ``.doc`` that is really a ``.docx``, an HTML page or plain text is still read.
Extraction is a conversion, so its text is NFC. Every reason to skip a file is a :class:`OfficeError` (a
``ReaderError``) whose message is the skip reason.

- ``.docx`` (python-docx for the package and its parts, the body XML walked here): paragraphs and tables in document
  order, Word's automatic list numbers written out ("1.", "a)", "II."), text boxes, footnotes and endnotes (read
  from their parts, which python-docx does not expose) after the body. A table that holds a document header or a
  signature block (two or three columns: issuer | motto, "Số: ..." | place and date) is read column by column, so
  the text looks like a ``.txt`` header: "UBND TỈNH X", "SỞ Y", "Số: 15/KH-SNV", then the motto and the place-date
  line. Other tables are read row by row, one line per cell paragraph. Locations: "¶N" (N counts the paragraphs of
  the body, table cells included), "fn.N" and "en.N" for notes.
- ``.pdf`` (pypdfium2, the PDF engine of Chromium): characters with their boxes, page by page. Lines are cut into
  segments at wide gaps; on page 1 a two-column header band is read left column first. Visual lines of one
  paragraph are joined (a line ends a paragraph when the next line's first word would have fitted on it, when the
  next line starts a list item, is indented, or follows a wide vertical gap); a line that ends in a hyphen or a
  slash attached to a word ("NĐ-" + "CP", "71/2007/" + "NĐ-CP") is joined without a space, a soft hyphen is
  dropped. Lone page numbers at the top or bottom of a page are dropped. Locations: "p.N". A PDF whose pages hold
  no character at all is skipped with "no text layer: needs OCR".
- ``.html``/``.htm`` (selectolax, lexbor backend): charset from a BOM, the page's ``<meta>`` or XML declaration, else
  ``reader.decode_bytes``; script, style, nav, header, footer, aside, form and hidden elements dropped (a header
  inside the article is kept: it holds the title and date); the ``<article>`` (or ``<main>``) when there is one,
  else the body; one line per block (p, div, li, h1-h6, tr cells, br). No locations (line numbers suffice).
- ``.doc`` (Word 97-2003): converted with LibreOffice (``soffice``/``libreoffice``, to .docx, then read as above)
  or ``antiword``, in a temporary folder; without either the file is skipped with a clear reason.

Without the extra's libraries, a file that needs one is skipped with :data:`SKIP_NEEDS_EXTRA`.
"""

from __future__ import annotations

import codecs
import html as _html
import importlib
import importlib.util
import io
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from .reader import ReaderError, decode_bytes

__all__ = [
    "OfficeError",
    "Extracted",
    "EXTENSIONS",
    "SKIP_NEEDS_EXTRA",
    "SKIP_NEEDS_OCR",
    "SKIP_LEGACY_DOC",
    "kind_of",
    "available",
    "office_globs",
    "extract",
    "extract_docx",
    "extract_pdf",
    "extract_html",
    "extract_doc",
]

SKIP_NEEDS_EXTRA = "needs the office extra: pip install 'docgraph[office]'"
SKIP_NEEDS_OCR = "no text layer: needs OCR"
SKIP_LEGACY_DOC = "legacy .doc: install LibreOffice or antiword to read it"
SKIP_ENCRYPTED = "encrypted PDF: needs a password"
SKIP_OWN_EXPORT = "docgraph's own HTML export, not a document"

EXTENSIONS: dict[str, str] = {".docx": "docx", ".pdf": "pdf", ".html": "html", ".htm": "html", ".doc": "doc"}
_GLOBS: dict[str, tuple[str, ...]] = {"docx": ("*.docx",), "pdf": ("*.pdf",), "html": ("*.html", "*.htm"),
                                      "doc": ("*.doc",)}
# the import names each kind needs (pip names: python-docx, pypdfium2, selectolax); .doc is converted to .docx
_MODULES: dict[str, tuple[str, ...]] = {"docx": ("docx",), "pdf": ("pypdfium2",), "html": ("selectolax",),
                                        "doc": ("docx",)}
CONVERT_TIMEOUT = 180  # seconds for one .doc conversion


class OfficeError(ReaderError):
    """A Word, PDF or HTML file that yields no text; ``str(exc)`` is the skip reason."""


@dataclass(frozen=True, slots=True)
class Extracted:
    text: str
    encoding: str  # "docx", "pdf", "html/utf-8", "doc/soffice", "doc/antiword"
    locations: tuple[str, ...] | None = None  # one label per line of ``text`` ("p.2", "¶14", "fn.1")


def kind_of(path: str) -> str | None:
    """'docx', 'pdf', 'html', 'doc' or None, from the file name's extension (case-insensitive)."""
    return EXTENSIONS.get(os.path.splitext(path)[1].lower())


def _found(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # a parent package that fails, or sys.modules[name] = None
        return False


def available(kind: str | None = None) -> bool:
    """Whether the libraries for ``kind`` (or for every kind) are installed. Cheap: nothing is imported."""
    kinds = [kind] if kind else list(_MODULES)
    return all(_found(m) for k in kinds for m in _MODULES[k])


def office_globs() -> tuple[str, ...]:
    """File name patterns of the kinds whose libraries are installed (all of them with ``docgraph[office]``)."""
    return tuple(g for kind, gs in _GLOBS.items() if available(kind) for g in gs)


def _require(name: str):
    try:
        return importlib.import_module(name)
    except ImportError:
        raise OfficeError(SKIP_NEEDS_EXTRA) from None


def extract(path: str, data: bytes) -> Extracted:
    """Text of an office file from its bytes; ``path`` gives the kind (extension). Raises :class:`OfficeError`."""
    kind = _sniff(data, kind_of(path))
    if kind == "docx":
        return extract_docx(data)
    if kind == "pdf":
        return extract_pdf(data)
    if kind == "html":
        return extract_html(data)
    if kind == "doc":
        return extract_doc(data)
    if kind == "rtf":
        return extract_doc(data, suffix=".rtf")
    text, enc = decode_bytes(data)  # plain text saved under an office name
    return Extracted(unicodedata.normalize("NFC", text), enc)


def _sniff(data: bytes, kind: str | None) -> str | None:
    head = data[:1024]
    if head.startswith(b"PK\x03\x04"):
        return "docx" if kind in ("docx", "doc") else kind
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: Word 97-2003
        return "doc" if kind in ("docx", "doc") else kind
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf" if kind in ("docx", "doc") else kind
    if head.startswith(b"%PDF-") or (kind == "pdf" and b"%PDF-" in head):  # some PDFs have bytes before
        return "pdf"
    if kind in ("doc", "docx") and re.match(rb"\s*(?:<!doctype|<html|<\?xml)", head.lstrip(b"\xef\xbb\xbf"), re.I):
        return "html"  # Word's "Save as web page" kept under .doc
    if kind == "pdf":
        raise OfficeError("not a PDF file (no %PDF header)")
    if kind == "doc":
        return "text"
    return kind


# ==============================================================================================================
# Lines: shared by the three formats.


_WS = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_SPACE_BEFORE_MARK = re.compile(r"[ \u00a0]+(?=[\u0300-\u036f])")


def _clean_line(s: str) -> str:
    s = _SPACE_BEFORE_MARK.sub("", s)
    return unicodedata.normalize("NFC", _WS.sub(" ", s).strip())


def _finish(lines: list[tuple[str, str | None]], encoding: str, with_locations: bool = True,
            blank_lines: bool = True) -> Extracted:
    """Clean lines, squeeze runs of blank lines to one (or drop them all), drop leading and trailing blanks."""
    out: list[str] = []
    locs: list[str] = []
    for text, loc in lines:
        for part in text.split("\n"):
            part = _clean_line(part)
            if not part and (not blank_lines or not out or not out[-1]):
                continue
            out.append(part)
            locs.append(loc or "")
    while out and not out[-1]:
        out.pop()
        locs.pop()
    return Extracted("\n".join(out) + ("\n" if out else ""), encoding, tuple(locs) if with_locations else None)


_MOTTO = re.compile(r"(?i)c[ộô]ng\s+h[òo][àa]?\s+x[ãa]\s+h[ộo]i|độc\s+lập\s*-\s*tự\s+do|đảng\s+cộng\s+sản\s+việt\s+nam")
_NUMBER_LINE = re.compile(r"^\s*(?:Số|SỐ)\b")
_RECIPIENTS = re.compile(r"(?i)^\s*nơi\s+nhận")


def _layout_table(cells: list[list[list[str]]]) -> bool:
    """A table used for page layout (a header or a signature block) rather than for data."""
    ncols = max((len(r) for r in cells), default=0)
    if not 2 <= ncols <= 3 or len(cells) > 6:
        return False
    lines = [x for row in cells for cell in row for x in cell]
    return any(_MOTTO.search(x) or _NUMBER_LINE.match(x) or _RECIPIENTS.match(x) for x in lines)


def _table_order(cells: list[list[list[tuple[str, str | None]]]]) -> list[tuple[str, str | None]]:
    """Header and signature tables column by column; data tables row by row, cell by cell."""
    plain = [[[t for t, _ in cell] for cell in row] for row in cells]
    out: list[tuple[str, str | None]] = []
    if _layout_table(plain):
        ncols = max(len(r) for r in cells)
        for c in range(ncols):
            for row in cells:
                if c < len(row):
                    out.extend(x for x in row[c] if x[0].strip())
        out.append(("", None))
    else:
        for row in cells:
            for cell in row:
                out.extend(cell)
        out.append(("", None))
    return out


# ==============================================================================================================
# .docx

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_RT_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_RT_ENDNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_T, _TAB, _BR, _CR, _P, _TBL, _TR, _TC = (_w(x) for x in ("t", "tab", "br", "cr", "p", "tbl", "tr", "tc"))
_PPR, _RPR, _SDT, _SDTCONTENT, _TXBX = (_w(x) for x in ("pPr", "rPr", "sdt", "sdtContent", "txbxContent"))
_NOBREAK, _SOFT, _SYM, _TCPR, _VMERGE = (_w(x) for x in ("noBreakHyphen", "softHyphen", "sym", "tcPr", "vMerge"))
_DEL, _MOVEFROM, _CUSTOMXML, _SMARTTAG = (_w(x) for x in ("del", "moveFrom", "customXml", "smartTag"))
_FALLBACK = f"{{{_MC}}}Fallback"
_VAL = _w("val")
_SKIP_SUBTREES = frozenset({_PPR, _RPR, _FALLBACK, _DEL, _MOVEFROM, _w("instrText"), _w("delText"),
                            _w("fldData"), _w("tblPr"), _w("tblGrid"), _w("trPr"), _TCPR, _w("sectPr")})


def _roman(n: int) -> str:
    out = []
    for v, s in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
                 (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out.append(s)
            n -= v
    return "".join(out)


def _letters(n: int) -> str:
    # Word: a..z, aa..zz, aaa..
    n = max(n, 1)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _fmt_number(n: int, fmt: str) -> str:
    if fmt in ("upperRoman",):
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


class _Numbering:
    """Word's automatic list numbers (numbering.xml), rendered the simple way: one counter per list and level,
    deeper levels restart when a shallower one advances."""

    def __init__(self, numbering_el, styles_el):
        self.abstract: dict[str, dict[int, tuple[int, str, str]]] = {}  # abstractNumId -> ilvl -> (start, fmt, text)
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId -> (abstractNumId, start overrides)
        self.style_num: dict[str, tuple[str | None, int | None]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if numbering_el is not None:
            for an in numbering_el.iterchildren(_w("abstractNum")):
                lv: dict[int, tuple[int, str, str]] = {}
                for lvl in an.iterchildren(_w("lvl")):
                    ilvl = int(lvl.get(_w("ilvl"), "0"))
                    start = _child_val(lvl, "start")
                    fmt = _child_val(lvl, "numFmt") or "decimal"
                    text = _child_val(lvl, "lvlText")
                    lv[ilvl] = (int(start) if start and start.lstrip("-").isdigit() else 1, fmt,
                                text if text is not None else f"%{ilvl + 1}.")
                self.abstract[an.get(_w("abstractNumId"), "")] = lv
            for num in numbering_el.iterchildren(_w("num")):
                aid = _child_val(num, "abstractNumId") or ""
                overrides: dict[int, int] = {}
                for ov in num.iterchildren(_w("lvlOverride")):
                    so = _child_val(ov, "startOverride")
                    if so and so.lstrip("-").isdigit():
                        overrides[int(ov.get(_w("ilvl"), "0"))] = int(so)
                self.nums[num.get(_w("numId"), "")] = (aid, overrides)
        if styles_el is not None:
            based: dict[str, str] = {}
            own: dict[str, tuple[str | None, int | None]] = {}
            for st in styles_el.iterchildren(_w("style")):
                sid = st.get(_w("styleId"), "")
                b = _child_val(st, "basedOn")
                if b:
                    based[sid] = b
                ppr = st.find(_PPR)
                npr = ppr.find(_w("numPr")) if ppr is not None else None
                if npr is not None:
                    nid, ilvl = _child_val(npr, "numId"), _child_val(npr, "ilvl")
                    own[sid] = (nid, int(ilvl) if ilvl and ilvl.isdigit() else None)
            for sid in set(based) | set(own):
                seen, cur = set(), sid
                while cur and cur not in own and cur not in seen:
                    seen.add(cur)
                    cur = based.get(cur)
                if cur in own:
                    self.style_num[sid] = own[cur]

    def label(self, p) -> str:
        ppr = p.find(_PPR)
        nid = ilvl = None
        if ppr is not None:
            npr = ppr.find(_w("numPr"))
            if npr is not None:
                nid = _child_val(npr, "numId")
                lv = _child_val(npr, "ilvl")
                ilvl = int(lv) if lv and lv.isdigit() else None
            sty = _child_val(ppr, "pStyle")
            if sty and sty in self.style_num:
                snid, silvl = self.style_num[sty]
                nid = nid or snid
                ilvl = ilvl if ilvl is not None else silvl
        if not nid or nid == "0" or nid not in self.nums:
            return ""
        ilvl = ilvl or 0
        aid, overrides = self.nums[nid]
        levels = self.abstract.get(aid, {})
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(nid, {})
        start = overrides.get(ilvl, levels[ilvl][0])
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        _, fmt, text = levels[ilvl]
        if fmt == "bullet":
            return "-"

        def sub(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            if k not in levels:
                return ""
            n = counters.get(k, overrides.get(k, levels[k][0]))
            return _fmt_number(n, levels[k][1] if k != ilvl else fmt)

        return re.sub(r"%([1-9])", sub, text).strip()


def _child_val(el, tag: str) -> str | None:
    c = el.find(_w(tag))
    return c.get(_VAL) if c is not None else None


class _DocxWalker:
    def __init__(self, numbering: _Numbering):
        self.numbering = numbering
        self.n_para = 0

    def blocks(self, parent) -> list[tuple[str, str | None]]:
        """Lines (text, location) of the block-level children of ``parent`` (body, cell, note, text box)."""
        out: list[tuple[str, str | None]] = []
        for child in _block_children(parent):
            if child.tag == _P:
                out.extend(self.paragraph(child))
            elif child.tag == _TBL:
                out.extend(self.table(child))
        return out

    def paragraph(self, p) -> list[tuple[str, str | None]]:
        self.n_para += 1
        loc = f"¶{self.n_para}"
        parts: list[str] = []
        boxes: list = []
        stack = [iter(p)]
        while stack:
            el = next(stack[-1], None)
            if el is None:
                stack.pop()
                continue
            tag = el.tag
            if not isinstance(tag, str) or tag in _SKIP_SUBTREES:
                continue
            if tag == _T:
                parts.append(el.text or "")
            elif tag == _TAB:
                parts.append("\t")
            elif tag in (_BR, _CR):
                parts.append("\n")
            elif tag == _NOBREAK:
                parts.append("-")
            elif tag == _SOFT:
                pass
            elif tag == _SYM:
                ch = el.get(_w("char"), "")
                try:
                    c = chr(int(ch, 16))
                except ValueError:
                    c = ""
                if c and not 0xE000 <= ord(c) <= 0xF8FF:  # symbol-font private-use codes carry no text
                    parts.append(c)
            elif tag == _TXBX:
                boxes.append(el)
            else:
                stack.append(iter(el))
        text = "".join(parts)
        label = self.numbering.label(p)
        if label and text.strip():
            text = f"{label} {text.lstrip()}"
        out = [(text, loc)]
        for box in boxes:
            out.extend(self.blocks(box))
        return out

    def table(self, tbl) -> list[tuple[str, str | None]]:
        rows: list[list[list[tuple[str, str | None]]]] = []
        for tr in _iter_tagged(tbl, _TR):
            row: list[list[tuple[str, str | None]]] = []
            for tc in _iter_tagged(tr, _TC):
                tcpr = tc.find(_TCPR)
                vm = tcpr.find(_VMERGE) if tcpr is not None else None
                if vm is not None and vm.get(_VAL) != "restart":
                    continue  # the continuation of a vertically merged cell
                row.append([x for x in self.blocks(tc)])
            if row:
                rows.append(row)
        return _table_order(rows)


def _block_children(parent) -> Iterator:
    """w:p and w:tbl children, looking through content controls and custom XML wrappers."""
    for child in parent:
        tag = child.tag
        if tag in (_P, _TBL):
            yield child
        elif tag == _SDT:
            content = child.find(_SDTCONTENT)
            if content is not None:
                yield from _block_children(content)
        elif tag in (_CUSTOMXML, _SMARTTAG, _w("ins")):
            yield from _block_children(child)


def _iter_tagged(parent, tag: str) -> Iterator:
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in (_SDT, _CUSTOMXML):
            inner = child.find(_SDTCONTENT) if child.tag == _SDT else child
            if inner is not None:
                yield from _iter_tagged(inner, tag)


def _notes(part_xml: bytes | None, kind: str, walker: _DocxWalker) -> list[tuple[str, str | None]]:
    """Footnotes or endnotes: "[N] text" lines, located "fn.N" / "en.N"."""
    if not part_xml:
        return []
    from lxml import etree

    try:
        root = etree.fromstring(part_xml, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except etree.XMLSyntaxError:
        return []
    out: list[tuple[str, str | None]] = []
    tag = _w("footnote" if kind == "fn" else "endnote")
    for note in root.iterchildren(tag):
        if note.get(_w("type")) in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        nid = note.get(_w("id"), "")
        saved = walker.n_para
        lines = walker.blocks(note)
        walker.n_para = saved  # notes do not count as body paragraphs
        text_lines = [t for t, _ in lines if t.strip()]
        if not text_lines:
            continue
        first = True
        for t in text_lines:
            out.append((f"[{nid}] {t.strip()}" if first else t, f"{kind}.{nid}"))
            first = False
    return out


def _part_blob(document, reltype: str, fallback: str, data: bytes) -> bytes | None:
    for rel in document.part.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            try:
                return rel.target_part.blob
            except Exception:  # noqa: BLE001 - a damaged part must not make the whole file unreadable
                return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return z.read(fallback)
    except (KeyError, zipfile.BadZipFile, OSError):
        return None


def extract_docx(data: bytes) -> Extracted:
    docx = _require("docx")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds on damaged packages
        raise OfficeError(f"not a readable .docx ({type(exc).__name__})") from None
    try:
        numbering_el = document.part.numbering_part.element
    except Exception:  # noqa: BLE001 - no numbering part
        numbering_el = None
    try:
        styles_el = document.part.styles.element if hasattr(document.part.styles, "element") else None
    except Exception:  # noqa: BLE001
        styles_el = None
    walker = _DocxWalker(_Numbering(numbering_el, styles_el))
    lines = walker.blocks(document.element.body)
    for reltype, name, kind in ((_RT_FOOTNOTES, "word/footnotes.xml", "fn"), (_RT_ENDNOTES, "word/endnotes.xml", "en")):
        notes = _notes(_part_blob(document, reltype, name, data), kind, walker)
        if notes:
            lines.append(("", None))
            lines.extend(notes)
    return _finish(lines, "docx")


# ==============================================================================================================
# .pdf


@dataclass(slots=True)
class _Seg:
    text: str
    x0: float
    x1: float
    y: float  # baseline (bottom of the characters), PDF units, growing upwards
    size: float
    page: int
    first_word: float = 0.0  # width of the first word (for the "would it have fitted" test)
    x_second: float = 0.0  # where the second word starts (the text after a list marker "1.")
    band: int = 0  # 1 / 2: left / right column of page 1's two-column header, 0 elsewhere


_PAGE_NUMBER = re.compile(r"^[-–—\s]*(?:(?:trang|page)\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?[-–—\s]*$", re.I)
_LIST_START = re.compile(r"^(?:[-+•*–]\s|\(?\d{1,3}[.)]\s|\(?[a-zđ][.)]\s|[IVXLC]{1,6}[.)]\s|Điều\s+\d)")
_JOIN_TIGHT = re.compile(r"(?:[\w)][-/]|\u00ad)$")


def extract_pdf(data: bytes) -> Extracted:
    pdfium = _require("pypdfium2")
    raw = _require("pypdfium2.raw")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg:
            raise OfficeError(SKIP_ENCRYPTED) from None
        raise OfficeError(f"not a readable PDF ({exc})") from None
    try:
        pages: list[list[_Seg]] = []
        n_chars = 0
        for i in range(len(pdf)):
            page = pdf[i]
            try:
                tp = page.get_textpage()
                try:
                    segs, n = _page_segments(tp, raw, i + 1)
                finally:
                    tp.close()
            finally:
                page.close()
            n_chars += n
            pages.append(segs)
    finally:
        pdf.close()
    if n_chars == 0:
        raise OfficeError(SKIP_NEEDS_OCR)
    lines = _reflow(pages)
    if not any(c.isalnum() for t, _ in lines for c in t):
        raise OfficeError(SKIP_NEEDS_OCR)
    return _finish(lines, "pdf")


def _page_segments(tp, raw, page_no: int) -> tuple[list[_Seg], int]:
    """The page's text as segments: pieces of one visual line, split at wide gaps, in content order.

    x extents and the line come from the loose character boxes (advance widths, the font's descent line). A space
    is added where two characters stand apart by more than a quarter of the font size and pdfium put none (words
    placed one by one, decomposed tone marks)."""
    import ctypes

    n = tp.count_chars()
    if n <= 0:
        return [], 0
    text = tp.get_text_range(0, n)
    if len(text) == n:
        chars: Iterator[tuple[int, str]] = enumerate(text)
    else:  # characters outside the BMP take two indices (UTF-16): read the code units one by one
        chars = _utf16_chars(raw, tp.raw, n)
    rect = raw.FS_RECTF()
    p_rect = ctypes.byref(rect)
    get_box, get_size = raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetFontSize
    size = last_height = 10.0
    combining = unicodedata.combining
    handle = tp.raw
    segs: list[_Seg] = []
    cur: list[tuple[str, float, float, float, float]] = []  # (char, x0, x1, baseline, size); nan for spaces
    nan = float("nan")
    space = (" ", nan, nan, nan, 0.0)
    real = 0
    prev: tuple[str, float, float, float, float] | None = None  # last base character of the segment

    def flush() -> None:
        nonlocal prev
        if cur:
            seg = _make_seg(cur, page_no)
            if seg is not None:
                segs.append(seg)
            cur.clear()
        prev = None

    for i, ch in chars:
        if ch == "\r" or ch == "\n":
            flush()
            continue
        if ch.isspace():  # real or generated by pdfium between words
            if cur and cur[-1][0] != " ":
                cur.append(space)
            continue
        if ch == "\ufffe":  # pdfium's mark for a hyphen at a line end: keep it ("NĐ-" / "CP"), the lines are joined
            ch = "-"
        elif ch == "\x00" or ch == "\ufffd":
            continue
        real += 1
        if combining(ch):
            cur.append((ch, nan, nan, nan, prev[4] if prev else 10.0))  # on its base letter, whatever its box says
            continue
        get_box(handle, i, p_rect)
        x0, x1, y = rect.left, rect.right, rect.bottom  # the loose box's bottom: the font's descent line
        if x1 < x0:
            x0, x1 = x1, x0
        # the font size, asked once per run of characters of one height (one ctypes call less per character)
        height = rect.top - rect.bottom
        if prev is None or abs(height - last_height) > 0.01:
            size = get_size(handle, i) or 10.0
            last_height = height
        if prev is not None:
            big = size if size > prev[4] else prev[4]
            gap = x0 - prev[2]
            if abs(y - prev[3]) > 0.5 * big or gap > 2.5 * big or gap < -big:
                flush()
            elif gap > 0.25 * big and cur[-1][0] != " ":
                cur.append(space)
        c = (ch, x0, x1, y, size)
        cur.append(c)
        prev = c
    flush()
    return segs, real


def _utf16_chars(raw, handle, n: int) -> Iterator[tuple[int, str]]:
    i = 0
    while i < n:
        u = raw.FPDFText_GetUnicode(handle, i)
        if 0xD800 <= u < 0xDC00 and i + 1 < n:
            lo = raw.FPDFText_GetUnicode(handle, i + 1)
            if 0xDC00 <= lo < 0xE000:
                yield i, chr(0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00))
                i += 2
                continue
        if not 0xD800 <= u < 0xE000:
            yield i, chr(u)
        i += 1


def _make_seg(chars: list[tuple[str, float, float, float, float]], page_no: int) -> _Seg | None:
    text = "".join(c[0] for c in chars).strip()
    solid = [c for c in chars if not c[0].isspace() and c[1] == c[1]]  # base letters with a box
    if not text or not solid:
        return None
    x0 = min(c[1] for c in solid)
    x1 = max(c[2] for c in solid)
    # the first word's right end and the second word's start
    first_end, second, seen_space = x0, x1, False
    for c in chars:
        if c[0] == " ":
            seen_space = seen_space or first_end > x0
        elif c[1] == c[1]:
            if not seen_space:
                first_end = max(first_end, c[2])
            else:
                second = c[1]
                break
    ys = sorted(c[3] for c in solid)
    return _Seg(text, x0, x1, ys[len(ys) // 2], statistics.median(c[4] for c in solid), page_no, first_end - x0,
                second)


def _header_band(segs: list[_Seg]) -> list[_Seg]:
    """Page 1: a two-column header (issuer block | motto, number | place-date) read left column first."""
    rows: list[list[_Seg]] = []
    for s in segs[:40]:
        for r in rows:
            if abs(r[0].y - s.y) <= 0.5 * max(s.size, r[0].size):
                r.append(s)
                break
        else:
            rows.append([s])
    rows.sort(key=lambda r: -r[0].y)
    rows = rows[:14]
    two = [i for i, r in enumerate(rows) if len(r) >= 2]
    if not two or two[0] > 2:
        return segs
    band_rows = rows[: two[-1] + 1]
    left_end = max(min(rows[i], key=lambda s: s.x0).x1 for i in two)
    right_start = min(max(rows[i], key=lambda s: s.x0).x0 for i in two)
    if left_end >= right_start:
        return segs
    split = (left_end + right_start) / 2
    if any(s.x0 < split < s.x1 for r in band_rows for s in r):
        return segs  # a line crosses the gap: not a two-column band
    for r in rows[len(band_rows):]:  # a column's last lines below the last two-column row ("2024" wrapped)
        if band_rows[-1][0].y - r[0].y > 1.6 * r[0].size or any(s.x0 < split < s.x1 for s in r) \
                or (r[0].x0 + r[0].x1) / 2 < split:
            break
        band_rows.append(r)
    band = sorted((s for r in band_rows for s in r), key=lambda s: -s.y)
    ids = {id(s) for s in band}
    left_col = [s for s in band if (s.x0 + s.x1) / 2 < split]
    right_col = [s for s in band if (s.x0 + s.x1) / 2 >= split]
    for s in left_col:
        s.band = 1
    for s in right_col:
        s.band = 2
    return left_col + right_col + [s for s in segs if id(s) not in ids]


def _drop_page_numbers(segs: list[_Seg]) -> list[_Seg]:
    if not segs:
        return segs
    top = max(s.y for s in segs)
    bottom = min(s.y for s in segs)
    out = []
    for s in segs:
        if _PAGE_NUMBER.match(s.text) and (s.y >= top - 1 or s.y <= bottom + 1):
            alone = sum(1 for o in segs if abs(o.y - s.y) < 0.5 * s.size) == 1
            if alone:
                continue
        out.append(s)
    return out


# header lines that a narrow table cell wrapped: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA" / "VIỆT NAM", "..., ngày 05 tháng 9 năm" /
# "2024", "Số: 215/KH-" / "SYT"
_BAND_JOIN = (
    (re.compile(r"(?i)chủ\s+nghĩa$"), re.compile(r"(?i)^việt\s+nam")),
    (re.compile(r"(?i)ngày\s+\S*\s+tháng\s+\S*\s+năm$"), re.compile(r"^(?:19|20)\d\d\b")),
    (re.compile(r"(?i)ngày\s+\S*\s+tháng$"), re.compile(r"^\S+\s+năm\s+(?:19|20)\d\d\b")),
    (re.compile(r"[\w)][-/]$"), re.compile(r"^\w")),
)


def _joins(prev: _Seg, s: _Seg, first: _Seg, right: float, left: float, pitch: float) -> bool:
    """Whether ``s`` continues the paragraph whose last line so far is ``prev`` and first line ``first``."""
    if prev.band or s.band:
        return prev.band == s.band and 0 < prev.y - s.y <= 1.6 * max(pitch, prev.size) \
            and any(a.search(prev.text) and b.search(s.text) for a, b in _BAND_JOIN)
    if abs(s.size - prev.size) > 0.2 * max(s.size, prev.size) or _LIST_START.match(s.text):
        return False
    if prev.page == s.page:
        if not 0 < prev.y - s.y <= 1.45 * max(pitch, prev.size):
            return False
    if prev.x1 + 0.3 * prev.size + s.first_word <= right + 0.5:
        return False  # the first word would have fitted on the line before: the break was meant
    tol = 0.6 * s.size
    return (s.x0 <= left + s.size or abs(s.x0 - first.x0) <= tol or abs(s.x0 - prev.x0) <= tol
            or (_LIST_START.match(first.text) is not None and abs(s.x0 - first.x_second) <= tol))


def _reflow(pages: list[list[_Seg]]) -> list[tuple[str, str | None]]:
    """Join the visual lines of a paragraph (across pages too); a blank line where the vertical gap is wide."""
    out: list[tuple[str, str | None]] = []
    prev: _Seg | None = None
    first: _Seg | None = None
    prev_right = prev_left = prev_pitch = 0.0
    for idx, segs in enumerate(pages):
        segs = _drop_page_numbers(segs)
        if idx == 0:
            segs = _header_band(segs)
        if not segs:
            continue
        body = [s for s in segs if not s.band] or segs
        left = min(s.x0 for s in body)
        right = max(s.x1 for s in body)
        pitches = [a.y - b.y for a, b in zip(segs, segs[1:]) if 0 < a.y - b.y < 3 * a.size]
        pitch = statistics.median(pitches) if pitches else segs[0].size * 1.2
        for s in segs:
            same_page = prev is not None and prev.page == s.page
            if prev is not None and first is not None and _joins(
                    prev, s, first, right if same_page else prev_right, left if same_page else prev_left,
                    pitch if same_page else prev_pitch):
                text, loc = out[-1]
                if text.endswith("\u00ad"):
                    text = text[:-1] + s.text
                elif _JOIN_TIGHT.search(text):
                    text += s.text
                else:
                    text += " " + s.text
                out[-1] = (text, loc)
            else:
                if same_page and prev.y - s.y > 1.7 * max(pitch, prev.size) and out:
                    out.append(("", None))
                out.append((s.text, f"p.{s.page}"))
                first = s
            prev = s
        prev_right, prev_left, prev_pitch = right, left, pitch
    return out


# ==============================================================================================================
# .html


_DROP_TAGS = ("script", "style", "noscript", "template", "nav", "aside", "form", "iframe", "svg", "canvas",
              "button", "select", "input", "textarea", "object", "embed", "dialog", "menu", "head")
_BLOCK_TAGS = frozenset({"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
                         "article", "main", "blockquote", "pre", "dd", "dt", "dl", "figure", "figcaption", "address",
                         "center", "hr", "header", "footer", "body", "html", "tbody", "thead", "tfoot", "caption",
                         "details", "summary", "fieldset", "legend", "option"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9._:-]+)""", re.I)
_LEFT_ENTITY = re.compile(r"&(?:#\d{2,7}|#[xX][0-9a-fA-F]{2,6}|amp|quot|apos|lt|gt|nbsp);")
_WESTERN = {"iso8859-1", "latin-1", "cp1252", "ascii", "iso8859-15", "windows-1252"}


def _html_decode(data: bytes) -> tuple[str, str]:
    boms = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
    for bom, codec in boms:
        if data.startswith(bom):
            return data[len(bom):].decode(codec, "replace"), codec
    head = data[:4096]
    m = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if m:
        name = m.group(1).decode("ascii", "replace").lower()
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            codec = None
        if codec == "utf-8":
            try:
                return data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                pass  # mislabelled: detect
        elif codec in ("cp1258",):
            from .reader import _decode_cp1258

            return _decode_cp1258(data), "windows-1258"
        elif codec is not None and codec not in _WESTERN and not codec.startswith("utf-8"):
            return unicodedata.normalize("NFC", data.decode(codec, "replace")), codec
        # western single-byte labels are often wrong for Vietnamese pages (TCVN3, VNI fonts): detect
    try:
        return decode_bytes(data)
    except ReaderError:
        raise OfficeError("web page: encoding not recognised") from None


def _visible_root(tree):
    body = tree.body
    if body is None:
        return tree.root
    candidates = [n for n in tree.css("article")]
    if candidates:
        best = max(candidates, key=lambda n: len(n.text(separator=" ", strip=True) or ""))
        body_len = len(body.text(separator=" ", strip=True) or "")
        best_len = len(best.text(separator=" ", strip=True) or "")
        if best_len >= 200 or best_len * 3 >= body_len:
            return best
    for sel in ("main", "[role=main]"):
        node = tree.css_first(sel)
        if node is not None and len(node.text(separator=" ", strip=True) or "") >= 100:
            return node
    return body


def _is_hidden(node) -> bool:
    attrs = node.attributes
    if "hidden" in attrs or (attrs.get("aria-hidden") or "").lower() == "true":
        return True
    style = (attrs.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def extract_html(data: bytes) -> Extracted:
    _require("selectolax")
    from selectolax.lexbor import LexborHTMLParser

    if b'id="docgraph-data"' in data:  # `docgraph export -f html` saved into a scanned folder
        raise OfficeError(SKIP_OWN_EXPORT)
    text, enc = _html_decode(data)
    try:
        tree = LexborHTMLParser(text)
    except Exception as exc:  # noqa: BLE001 - parser failure on hostile input
        raise OfficeError(f"web page could not be parsed ({type(exc).__name__})") from None
    for tag in _DROP_TAGS:
        if tag == "head":
            continue
        for node in tree.css(tag):
            node.decompose()
    root = _visible_root(tree)
    inside_root = root.tag in ("article", "main") or (root.attributes.get("role") == "main")
    # page-level headers and footers go; the article's own header (title, date) stays, its footer goes
    for node in list(tree.css("header")) + list(tree.css("footer")):
        keep = node.tag == "header" and inside_root and _has_ancestor(node, root)
        if not keep:
            node.decompose()
    lines: list[tuple[str, str | None]] = []
    if root.css_first("h1") is None:
        h1 = tree.css_first("h1")
        title = h1.text(separator=" ", strip=True) if h1 is not None else ""
        if not title:
            t = tree.css_first("title")
            title = t.text(strip=True) if t is not None else ""
        if title:
            lines.append((title, None))
            lines.append(("", None))
    lines.extend(_html_lines(root))
    out = []
    for t, loc in lines:
        if "&" in t and _LEFT_ENTITY.search(t):
            t = _LEFT_ENTITY.sub(lambda m: _html.unescape(m.group()), t)  # entities escaped twice by a CMS
        out.append((t, loc))
    return _finish(out, f"html/{enc}", with_locations=False, blank_lines=False)


def _has_ancestor(node, anc) -> bool:
    p = node.parent
    while p is not None:
        if p.mem_id == anc.mem_id:
            return True
        p = p.parent
    return False


def _html_lines(root) -> list[tuple[str, str | None]]:
    """One line per block; a table's cells read as :func:`_table_order` says."""
    lines: list[tuple[str, str | None]] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            text = "".join(buf)
            if text.strip():
                lines.append((text, None))
            buf.clear()

    # iterative walk: (node, pre) with sentinels for block ends
    stack: list[tuple[object, bool, bool]] = [(root, False, False)]
    while stack:
        node, pre, closing = stack.pop()
        if closing:
            flush()
            continue
        tag = node.tag or ""
        if tag == "-text":
            t = node.text_content or ""
            buf.append(t if pre else re.sub(r"\s+", " ", t))
            continue
        if tag.startswith("-") or tag in _DROP_TAGS or _is_hidden(node):  # comments, doctype; dropped elements
            continue
        if tag == "br":
            if pre:
                buf.append("\n")
            else:
                flush()
            continue
        if tag == "table" and node is not root:
            flush()
            lines.extend(_html_table(node))
            continue
        is_block = tag in _BLOCK_TAGS or tag in ("td", "th")
        if is_block:
            flush()
            stack.append((node, pre, True))
        children = []
        c = node.first_child
        while c is not None:
            children.append(c)
            c = c.next
        for c in reversed(children):
            stack.append((c, pre or tag in ("pre", "textarea"), False))
    flush()
    # lines from <pre> may hold newlines: split them
    out: list[tuple[str, str | None]] = []
    for t, loc in lines:
        out.extend((x, loc) for x in t.split("\n"))
    return out


def _html_table(table) -> list[tuple[str, str | None]]:
    rows: list[list[list[tuple[str, str | None]]]] = []
    for tr in _own_rows(table):
        row = []
        c = tr.first_child
        while c is not None:
            if c.tag in ("td", "th"):
                row.append([x for x in _html_lines(c) if x[0].strip()])
            c = c.next
        if row:
            rows.append(row)
    return _table_order(rows)


def _own_rows(table) -> Iterator:
    """The table's rows, not those of tables nested in its cells."""
    c = table.first_child
    while c is not None:
        if c.tag == "tr":
            yield c
        elif c.tag in ("thead", "tbody", "tfoot"):
            yield from _own_rows(c)
        c = c.next


# ==============================================================================================================
# .doc (Word 97-2003) and RTF


def _converter() -> tuple[str, str] | None:
    for name in ("soffice", "libreoffice"):
        exe = shutil.which(name)
        if exe:
            return "soffice", exe
    exe = shutil.which("antiword")
    if exe:
        return "antiword", exe
    return None


def extract_doc(data: bytes, suffix: str = ".doc") -> Extracted:
    tool = _converter()
    if tool is None or (tool[0] == "antiword" and suffix != ".doc"):
        raise OfficeError(SKIP_LEGACY_DOC)
    name, exe = tool
    with tempfile.TemporaryDirectory(prefix="docgraph-doc-") as tmp:
        src = os.path.join(tmp, "in" + suffix)
        with open(src, "wb") as fh:
            fh.write(data)
        try:
            if name == "soffice":
                to_docx = available("docx")
                target = "docx:MS Word 2007 XML" if to_docx else "txt:Text (encoded):UTF8"
                profile = "file://" + os.path.join(tmp, "profile").replace(os.sep, "/")
                proc = subprocess.run(
                    [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nologo",
                     "--convert-to", target, "--outdir", os.path.join(tmp, "out"), src],
                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                    timeout=CONVERT_TIMEOUT, check=False)
                out = os.path.join(tmp, "out", "in." + ("docx" if to_docx else "txt"))
                if not os.path.isfile(out):
                    err = (proc.stderr or b"").decode("utf-8", "replace").strip().splitlines()
                    raise OfficeError(f"legacy .doc: conversion failed ({err[-1] if err else 'no output'})")
                with open(out, "rb") as fh:
                    converted = fh.read()
                if to_docx:
                    res = extract_docx(converted)
                    return Extracted(res.text, "doc/soffice", res.locations)
                text, _ = decode_bytes(converted)
                return _finish([(x, None) for x in text.split("\n")], "doc/soffice", with_locations=False)
            proc = subprocess.run([exe, "-m", "UTF-8.txt", "-w", "0", src], stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=CONVERT_TIMEOUT,
                                  check=False)
            if proc.returncode != 0 or not proc.stdout.strip():
                err = (proc.stderr or b"").decode("utf-8", "replace").strip().splitlines()
                raise OfficeError(f"legacy .doc: conversion failed ({err[-1] if err else 'no output'})")
            text = proc.stdout.decode("utf-8", "replace")
            return _finish([(x, None) for x in text.split("\n")], "doc/antiword", with_locations=False)
        except subprocess.TimeoutExpired:
            raise OfficeError(f"legacy .doc: conversion timed out after {CONVERT_TIMEOUT} s") from None
        except OSError as exc:
            raise OfficeError(f"legacy .doc: conversion failed ({exc.strerror or exc})") from None

