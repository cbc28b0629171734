"""Questions about a stretch of a long text answered in place, without copying it: asked once per clause or per
mention, a slice (``text[:pos].rstrip()``) made the work on a file quadratic in its size (issue 17)."""

from __future__ import annotations


def last_char(text: str, pos: int, start: int = 0) -> str:
    """``text[start:pos].rstrip()[-1:]``: the last character before ``pos`` that is not white space ("" if none)."""
    i = pos - 1
    while i >= start and text[i].isspace():
        i -= 1
    return text[i] if i >= start else ""


def blank(text: str, a: int, b: int) -> bool:
    """``not text[a:b].strip()``: nothing but white space between ``a`` and ``b``."""
    for i in range(a, b):
        if not text[i].isspace():
            return False
    return True
