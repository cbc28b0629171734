"""Adversarial shapes for the reader and the engine (issue 17), drawn by hypothesis: long lines, dense short forms,
lists and quotes, deep nesting, big zip entries. Whatever the shape, a file ends within its time limit (read, or
skipped with the reason), never with an exception, and what is read stays inside the text."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench_helpers import benchmark
from docgraph import limits
from docgraph.pipeline import process_file
from docgraph.readers import read_bytes

ROOT = Path(__file__).resolve().parent.parent
hostile = benchmark("hostile")

LIMIT = 1.5  # seconds per file in these tests
SLACK = 5.0  # what a loaded machine (2 cores, a dozen processes) adds between two checks of the limit and around the call
SETTINGS = settings(max_examples=15, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.data_too_large])

# pieces of text the engine and the relation finder work hardest on: references, aliases and their later short
# forms, lists, quotes, item numbers, the own-number line, long runs of spaces
PIECES = [
    "Chỉ thị số {n}-CT/TW", " (sau đây gọi là Chỉ thị {n})", " Chỉ thị {n}", " Chỉ thị số {n}",
    "Nghị định số {n}/2020/NĐ-CP ngày 05/3/2020 của Chính phủ", "Quyết định số {n}/QĐ-UBND", ", {n}-NQ/TW",
    "Luật Đất đai", " (gọi tắt là Luật {n})", "; ", ", ", " và ", ": ", "\n", "\n- ", "\n{n}. ", "“", "”", '"',
    "Số: ", "Căn cứ ", "thực hiện ", "bãi bỏ ", "được sửa đổi, bổ sung bởi:", "Điều {n}. ", "VBHN", "XÁC THỰC",
    " " * 50, "|", "\t",
]


@st.composite
def hostile_texts(draw) -> str:
    """A short pattern of pieces repeated up to thousands of times, on one line or many."""
    pattern = draw(st.lists(st.tuples(st.sampled_from(PIECES), st.integers(0, 40)), min_size=1, max_size=8))
    unit = "".join(p.format(n=n) for p, n in pattern)
    size = draw(st.sampled_from([2_000, 60_000, 400_000]))  # characters: small, a long file, a hostile one
    times = max(1, size // max(1, len(unit)))
    one_line = draw(st.booleans())
    text = unit * times
    if one_line:
        text = text.replace("\n", " ")
    return "Số: 12/KH-UBND\n" + text


def _within_limit(fn, limit: float = LIMIT):
    t = time.monotonic()
    out = fn()
    took = time.monotonic() - t
    assert took < limit + SLACK, took
    return out


@pytest.mark.slow
@SETTINGS
@given(text=hostile_texts())
def test_the_engine_and_relations_end_within_the_limit_on_any_shape(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("shape") / "shape.txt"
    path.write_text(text, encoding="utf-8")
    res = _within_limit(lambda: process_file(str(path), timeout=LIMIT))
    if res.skipped is not None:
        assert str(res.skipped) == f"time limit exceeded ({LIMIT:g} s per file)"
        return
    for m in res.mentions:
        assert 0 <= m.start < m.end <= len(text)
    for r in res.relations:
        assert r.target < len(res.mentions)


TAGS = ["div", "b", "span", "li", "td", "blockquote", "font"]
SIBLINGS = {"li", "td"}  # an unclosed one is closed by the next: they need not nest as deeply as written


@SETTINGS
@given(depth=st.integers(1, 6000), tag=st.sampled_from(TAGS), closed=st.booleans(), max_depth=st.sampled_from([500, 2000]))
def test_a_web_page_of_any_nesting_is_read_or_skipped_within_the_limit(depth, tag, closed, max_depth):
    body = f"<{tag}>" * depth + "Thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024" + (f"</{tag}>" * depth if closed else "")
    page = f"<html><body>{body}</body></html>".encode()
    lim = limits.Limits(timeout=LIMIT, max_depth=max_depth)
    res = _within_limit(lambda: read_bytes("page.html", page, limits=lim))
    if depth > max_depth + 3 and tag not in SIBLINGS:  # html, body and the parser's own wrappers aside
        assert res.text is None and "nested too deeply" in str(res.skipped)
    elif res.text is not None:
        assert "35-CT/TW" in res.text
    else:
        assert "nested too deeply" in str(res.skipped) or "time limit" in str(res.skipped)


MiB = 1 << 20


@pytest.mark.slow
@SETTINGS
@given(unpacked=st.integers(1 * MiB, 48 * MiB))
def test_a_word_file_of_any_unpacked_size_is_read_or_skipped_before_inflating(unpacked):
    data = hostile.docx_bomb_bytes(unpacked)
    lim = limits.Limits(timeout=30, max_unpacked=8 * MiB)  # time to parse a real 7 MiB document on a loaded machine
    size = unpacked  # docx_bomb_bytes rounds to whole mebibyte chunks around the request
    if size > 9 * MiB:  # skipped from the zip's directory: nothing inflated, so in no time whatever the size
        res = _within_limit(lambda: read_bytes("file.docx", data, limits=lim), 0)
        assert res.text is None and "(--max-unpacked)" in str(res.skipped)
    elif size < 7 * MiB:
        res = _within_limit(lambda: read_bytes("file.docx", data, limits=lim), 30)
        assert res.skipped is None and "35-CT/TW" in res.text
