"""Word (.docx) -> text with a location per line (python-docx, the ``office`` extra).

python-docx opens the package and its parts; the body XML is walked here: paragraphs and tables in document order,
Word's automatic list numbers written out ("1.", "a)", "II."), text boxes, footnotes and endnotes (read from their
parts, which python-docx does not expose) after the body. A table that holds a document header or a signature block
(two or three columns: issuer | motto, "Số: ..." | place and date) is read column by column, so the text looks like
a ``.txt`` header: "UBND TỈNH X", "SỞ Y", "Số: 15/KH-SNV", then the motto and the place-date line. Other tables are
read row by row, one line per cell paragraph. Locations: "¶N" (N counts the paragraphs of the body, table cells
included), "fn.N" and "en.N" for notes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

from .. import limits
from ..skips import Skip, SkipCode
from .common import Extracted, OfficeError, finish, require, table_order

__all__ = ["extract_docx"]

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
        if not self.n_para & 255:
            limits.check()
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
        return table_order(rows)


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


def check_unpacked(data: bytes, max_unpacked: int | None) -> None:
    """OfficeError when the package's parts would unpack to more than ``max_unpacked`` bytes, read from the zip's
    directory before anything is inflated (python-docx reads every part into memory: a 1 MB "zip bomb" took 2 GiB
    and more). The sizes are the ones the directory declares; zipfile never inflates an entry past its declared size
    (it stops and reports a bad CRC)."""
    if not max_unpacked:
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            total = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # not a zip: python-docx says so below
    if total > max_unpacked:
        raise OfficeError(Skip(f"unpacks to {total / (1 << 20):,.0f} MiB, more than the limit of "
                               f"{max_unpacked / (1 << 20):,.0f} MiB (--max-unpacked)", SkipCode.TOO_LARGE))


def extract_docx(data: bytes) -> Extracted:
    docx = require("docx")
    check_unpacked(data, limits.active().max_unpacked)
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
    return finish(lines, "docx")

