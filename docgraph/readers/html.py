"""Web pages (.html, .htm) -> text (selectolax, lexbor backend; the ``office`` extra).

Charset from a BOM, the page's ``<meta>`` or XML declaration, else ``text.decode_bytes``; script, style, nav, header,
footer, aside, form and hidden elements dropped (a header inside the article is kept: it holds the title and date);
the ``<article>`` (or ``<main>``) when there is one, else the body; one line per block (p, div, li, h1-h6, tr cells,
br). No locations (line numbers suffice).
"""

from __future__ import annotations

import codecs
import html as _html
import re
import unicodedata
from collections.abc import Iterator

from .. import limits
from ..skips import Skip, SkipCode
from .common import SKIP_OWN_EXPORT, Extracted, OfficeError, ReaderError, finish, require, table_order
from .text import decode_bytes, decode_cp1258

__all__ = ["extract_html"]


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
            return decode_cp1258(data), "windows-1258"
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


# Nesting, as a parser's tree would have it, read from the tags alone (before the parser runs: lexbor takes 0.02 s
# on 2,000 nested elements, 9 s on 40,000 and minutes on 150,000, and cannot be stopped while it runs)
_TOKEN = re.compile(r"<(?:(!--)|(/?)([A-Za-z][A-Za-z0-9:_-]*)([^<>]*?)(/?)>)")
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "noembed", "noframes", "iframe", "plaintext"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                   "track", "wbr", "keygen", "command", "basefont", "bgsound", "frame", "isindex", "image"})
# an open element closed by a start tag (HTML's implied end tags), unless a scope element was opened after it
_CLOSED_BY = {
    "p": (frozenset({"p", "div", "ul", "ol", "dl", "table", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "form",
                     "blockquote", "section", "article", "aside", "header", "footer", "nav", "main", "figure",
                     "address", "center", "details", "dialog", "fieldset", "figcaption", "hr", "menu", "summary",
                     "listing", "hgroup", "dir"}), frozenset({"table", "td", "th", "caption", "button", "object"})),
    "li": (frozenset({"li"}), frozenset({"ul", "ol", "menu", "table"})),
    "dt": (frozenset({"dt", "dd"}), frozenset({"dl", "table"})),
    "dd": (frozenset({"dt", "dd"}), frozenset({"dl", "table"})),
    "option": (frozenset({"option", "optgroup"}), frozenset({"select", "datalist"})),
    "optgroup": (frozenset({"optgroup"}), frozenset({"select"})),
    "td": (frozenset({"td", "th", "tr", "tbody", "thead", "tfoot"}), frozenset({"table"})),
    "th": (frozenset({"td", "th", "tr", "tbody", "thead", "tfoot"}), frozenset({"table"})),
    "tr": (frozenset({"tr", "tbody", "thead", "tfoot"}), frozenset({"table"})),
    "thead": (frozenset({"tbody", "thead", "tfoot"}), frozenset({"table"})),
    "tbody": (frozenset({"tbody", "thead", "tfoot"}), frozenset({"table"})),
    "tfoot": (frozenset({"tbody", "thead", "tfoot"}), frozenset({"table"})),
}
_OPENERS = frozenset(t for closers, _ in _CLOSED_BY.values() for t in closers)


def nesting_depth(text: str, limit: int | None = None) -> int:
    """How deeply the elements of an HTML page nest, read from its tags in one pass (comments, scripts and other
    raw text skipped, void elements and HTML's implied end tags such as a new <p>, <li> or <td> closing the open one
    taken into account). With ``limit``, the scan stops as soon as the depth passes it."""
    stack: list[str] = []
    where: dict[str, list[int]] = {}  # tag -> positions in ``stack`` where it is open
    deepest = 0
    pos, n = 0, len(text)
    search = _TOKEN.search

    def pop_to(i: int) -> None:
        while len(stack) > i:
            where[stack.pop()].pop()

    count = 0
    while pos < n:
        m = search(text, pos)
        if m is None:
            break
        count += 1
        if not count & 4095:
            limits.check()
        pos = m.end()
        if m.group(1):  # a comment: skipped whole
            end = text.find("-->", pos)
            pos = n if end < 0 else end + 3
            continue
        closing, name = m.group(2), m.group(3).lower()
        if closing:
            at = where.get(name)
            if at:
                pop_to(at[-1])
            continue
        if name in _VOID or m.group(5):
            continue
        if name in _RAW_TEXT:  # its content is text up to its end tag
            end = re.compile(rf"</{name}\b", re.I).search(text, pos)
            pos = n if end is None else end.end()
            continue
        if name in _OPENERS:
            for open_name, (closers, scopes) in _CLOSED_BY.items():
                if name in closers and where.get(open_name):
                    top = where[open_name][-1]
                    if not any(where.get(sc) and where[sc][-1] > top for sc in scopes):
                        pop_to(top)
        where.setdefault(name, []).append(len(stack))
        stack.append(name)
        if len(stack) > deepest:
            deepest = len(stack)
            if limit is not None and deepest > limit:
                return deepest
    return deepest


def extract_html(data: bytes) -> Extracted:
    require("selectolax")
    from selectolax.lexbor import LexborHTMLParser

    if b'id="docgraph-data"' in data:  # `docgraph export -f html` saved into a scanned folder
        raise OfficeError(SKIP_OWN_EXPORT)
    text, enc = _html_decode(data)
    max_depth = limits.active().max_depth
    if max_depth and text.count("<") > max_depth and nesting_depth(text, max_depth) > max_depth:
        raise OfficeError(Skip(f"web page nested too deeply (more than {max_depth} elements, --max-depth)",
                               SkipCode.TOO_LARGE))
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
    return finish(out, f"html/{enc}", with_locations=False, blank_lines=False)


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
    steps = 0
    while stack:
        steps += 1
        if not steps & 4095:
            limits.check()
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
    return table_order(rows)


def _own_rows(table) -> Iterator:
    """The table's rows, not those of tables nested in its cells."""
    c = table.first_child
    while c is not None:
        if c.tag == "tr":
            yield c
        elif c.tag in ("thead", "tbody", "tfoot"):
            yield from _own_rows(c)
        c = c.next

