"""The stages' shared check of a text's characters (native/src/pytext.rs ``checked_text``): the first stage of the
core given a str checks it for characters the core leaves to Python, the later stages given the same str object reuse
that answer (the header's opening lines, a slice of the same text, too); another object, whether its text is equal or
not, or whether it took the address of a str since freed, is checked anew. Files read one after another by the whole
pipeline give the same results with either engine, and the core reads exactly the texts it should.

These tests need the core installed (``pip install ./native``): skipped without it, failed when
DOCGRAPH_REQUIRE_NATIVE=1 (.ci/run).
"""

from __future__ import annotations

import gc
import sys

import pytest

from docgraph import native, pipeline

HEAD = "ỦY BAN NHÂN DÂN\nTỈNH BẮC GIANG\nSố: 215/KH-UBND\nKẾ HOẠCH\nthực hiện Chỉ thị số 35-CT/TW\n"
BODY = ("Căn cứ Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị (sau đây gọi tắt là Chỉ thị 05);\n"
        "Điều 1. Bãi bỏ Quyết định số 12/2018/QĐ-UBND ngày 2/2/2018 của Ủy ban nhân dân tỉnh.\n"
        "Điều 2. Thực hiện Chỉ thị 05 trong năm 2024.\n")
# a letter the two engines read otherwise: (?i)i matches it in the regex crate, not in Python's regex module
ODD = "İ"


def fresh(s: str) -> str:
    """An equal text in a new str object."""
    return "".join(list(s))


def outside(text: str) -> bool:
    """The text holds a character the core leaves to Python (its own table of them)."""
    return any(a <= ord(c) <= b for c in set(text) for a, b in native._core.disagreeing())


@pytest.fixture(scope="module")
def engines(engine_pair):
    py, rs = engine_pair
    assert rs._extract_core is not None
    return py, rs


def analysed(engines, text: str) -> tuple:
    """``pipeline.analyse_text`` with the Python engine and with the core: the same result; the core's."""
    py, rs = engines
    mp = pytest.MonkeyPatch()
    try:
        mp.setenv(native.ENV_SWITCH, "0")
        want = pipeline.analyse_text(text, "f.txt", py)
        mp.setenv(native.ENV_SWITCH, "1")
        got = pipeline.analyse_text(text, "f.txt", rs)
    finally:
        mp.undo()
    assert got == want, text[:200]
    return got


def test_files_one_after_another_read_alike(engines):
    """Clean texts, texts with a character left to Python in their header or only further on, equal texts in new
    objects, the same object twice, a lone surrogate: each file as Python reads it."""
    texts = [HEAD + BODY, HEAD + BODY + ODD, HEAD.replace("BẮC", "B" + ODD + "C") + BODY, HEAD + BODY + "\ud800",
             HEAD + BODY]
    n = 0
    for t in texts + [fresh(t) for t in reversed(texts)]:
        for _ in range(2):  # the same object again
            n += len(analysed(engines, t).relations)
    assert n > 0


def test_each_stage_answers_for_its_own_text(engines):
    """The structure reader, the rule scans and the relation reader of the core, given one text after another
    (the same object again, an equal one, one whose character left to Python comes after the part a stage read
    before): each leaves a text to Python exactly when it holds such a character."""
    py, rs = engines
    finder = pipeline.RelationFinder(rs.rules.relations, rs.rules.structure, rs.lexicon)
    st_core, scan_core = finder.reader._core, rs._scan_core
    clean = HEAD + BODY
    odd = clean + ODD
    seq = [clean, clean, odd, odd, fresh(clean), fresh(odd), clean, odd[:-1], odd[:len(clean)]]
    for t in seq:
        want = outside(t)
        assert (native.read_structure(st_core, t, "document") is None) == want
        assert (native.scan_cores(scan_core, t, None) is None) == want
        ms = py.extract(t)
        st = finder.reader.read(t)
        assert (native.relation_find(finder.core, t, st, ms, False, None, None) is None) == want
        assert (native.extract_mentions(rs._extract_core, t, t, ((), (), (), ()), None) is None) == want


def test_a_freed_text_does_not_answer_for_a_new_one(engines):
    """A clean text freed, then a text of the same length with a character left to Python (it may take the freed
    object's place in memory): the core checks the new one."""
    st_core = pipeline.RelationFinder(engines[1].rules.relations, engines[1].rules.structure,
                                      engines[1].lexicon).reader._core
    for k in range(50):
        clean = fresh(HEAD + BODY + "x" * k)
        assert native.read_structure(st_core, clean, "document") is not None
        size = len(clean)
        del clean
        gc.collect()
        odd = fresh(HEAD + BODY + ODD + "x" * (k - 1) if k else HEAD + BODY[:-1] + ODD)
        assert len(odd) == size
        assert native.read_structure(st_core, odd, "document") is None


def test_no_text_is_kept_after_its_file(engines):
    """The check's memory of the last text is let go when the file's last stage (the relations) is done: no text is
    kept alive between files."""
    t = fresh(HEAD + BODY)
    before = sys.getrefcount(t)
    analysed(engines, t)
    assert sys.getrefcount(t) == before
