"""The compiled core's phrase search (native/src/phrases.rs) against docgraph/phrases.py's ``PhraseScanner``, the
reference: the same matches (start, end, the phrase matched) on the samples, generated corpora, hostile texts,
tables of tricky texts and every character before, after and inside a phrase.

These tests need the core installed (``pip install ./native``); without it they are skipped with that reason,
unless DOCGRAPH_REQUIRE_NATIVE=1 (then a missing core fails them).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import regex
from bench_helpers import benchmark

from docgraph import native
from docgraph.engine import get_engine
from docgraph.phrases import PhraseScanner, phrase_pattern
from docgraph.relations import RelationFinder

# a few phrases of the shapes the rules hold: one a prefix of another, a comma inside, đ/Đ
SMALL = ["thực hiện", "thực hiện nghị quyết", "sửa đổi", "sửa đổi, bổ sung", "bổ sung", "theo", "căn cứ",
         "thay thế", "thay", "quy định chi tiết", "quy định", "đã được"]


def _pair(phrases: list[str]) -> tuple[PhraseScanner, PhraseScanner]:
    exact = regex.compile(phrase_pattern(phrases))
    py, rs = PhraseScanner(phrases, exact, use_native=False), PhraseScanner(phrases, exact, use_native=True)
    assert py._core is None and rs._core is not None
    return py, rs


@pytest.fixture(scope="module")
def rules(core):
    """The relation phrases of rules/relations.yaml, as the relation reader searches them."""
    e = get_engine(None)
    f = RelationFinder(e.rules.relations, e.rules.structure, e.lexicon)
    assert f.triggers._core is not None  # the reader itself uses the core
    return _pair(list(f.lookup))


@pytest.fixture(scope="module")
def small(core):
    return _pair(SMALL)


def _found(it) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in it]


def same(pair, text: str, windows: int = 20, *, by_core: bool = True, seed: int = 0) -> int:
    """Both scanners find the same matches in ``text`` and in ``windows`` random windows of it; the matches."""
    py, rs = pair
    want = _found(py.finditer(text))
    assert _found(rs.finditer(text)) == want, text[:300]
    rnd = random.Random(seed)
    for _ in range(windows if text else 0):
        a = rnd.randrange(len(text) + 1)
        b = rnd.randrange(a, len(text) + 1)
        assert _found(rs.finditer(text, a, b)) == _found(py.finditer(text, a, b)), (a, b, text[:300])
    if by_core:
        assert native.phrase_spans(rs._core, text) is not None
    return len(want)


def test_the_core_searches_the_rules_phrases(rules):
    text = "Căn cứ Luật số 5; THỰC HIỆN  Nghị quyết 7 và sửa đổi,\nbổ sung 👍căn cứ"
    assert [m.group() for m in rules[1].finditer(text)] == ["Căn cứ", "THỰC HIỆN", "sửa đổi,\nbổ sung", "căn cứ"]
    same(rules, text, 200)


def test_samples(rules):
    from docgraph.readers import read_file

    root = Path(__file__).resolve().parent.parent / "samples"
    texts = [t for t in (read_file(str(p)).text for p in sorted(root.iterdir()) if p.is_file()) if t]
    assert len(texts) >= 15
    assert sum(same(rules, t, seed=i) for i, t in enumerate(texts)) > 50


@pytest.mark.parametrize("seed", [1, 7, 2024])
def test_generated_corpora(rules, seed):
    gen = benchmark("generate")
    world = gen.World(120, seed)
    n = 0
    for i in range(120):
        _, text = gen.render_file(world, i, seed, 3000.0, 0.5, 0.05)
        n += same(rules, text, 5, seed=i)
    assert n > 100


@pytest.mark.parametrize("name", ["short_forms", "distinct_short_forms", "long_line", "many_references"])
def test_hostile_texts(rules, tmp_path, name):
    path = benchmark("hostile").build(name, tmp_path, 0.05)
    same(rules, path.read_text(encoding="utf-8"), 5)


# (text, the phrases found): case folding, spaces, boundaries
TRICKY = [
    ("", []),
    ("Căn Cứ; CĂN CỨ; căn cứ; cĂN cỨ", ["Căn Cứ", "CĂN CỨ", "căn cứ", "cĂN cỨ"]),
    ("Ca\u0306n cu\u031b\u0301 Luật", []),  # combining marks: no NFC phrase matches them (as in Python)
    ("ĐÃ ĐƯỢC sửa đổi; Đã được SỬA ĐỔI, BỔ SUNG", ["ĐÃ ĐƯỢC", "sửa đổi", "Đã được", "SỬA ĐỔI, BỔ SUNG"]),
    ("sửa\nđổi, \r\n bổ\tsung; căn\u00a0cứ; căn\u3000cứ; căn\u2028cứ", ["sửa\nđổi, \r\n bổ\tsung", "căn\u00a0cứ",
                                                                      "căn\u3000cứ", "căn\u2028cứ"]),
    ("căn\x1ccứ; căn\u200bcứ", []),  # not white space for the regex module (str.isspace differs on the first)
    ("👍căn cứ 📄thực hiện🏽", ["căn cứ", "thực hiện"]),
    ("xcăn cứ căn cứx căn cứ5 5căn cứ _căn cứ_", ["căn cứ", "căn cứ", "căn cứ"]),
    ("thực hiện nghị quyết; thực hiện nghị quyếtx; thực hiện  Nghị\nQuyết", ["thực hiện nghị quyết", "thực hiện",
                                                                          "thực hiện  Nghị\nQuyết"]),
    ("thaythế thay thế thay  thếx theo.theo", ["thay thế", "thay", "theo", "theo"]),
    ("căn cứ" * 3 + " căn cứ", ["căn cứ"]),
    ("ǅ căn cứ ǅ; Ⅰcăn cứⅠ; ⓐcăn cứⓐ; ß căn cứ ẞ", ["căn cứ", "căn cứ", "căn cứ", "căn cứ"]),
]


@pytest.mark.parametrize("text, found", TRICKY)
def test_tricky_texts(small, text, found):
    py, rs = small
    assert [m.group() for m in py.finditer(text)] == found
    same(small, text, 0)
    for a in range(len(text) + 1):  # every window
        for b in range(a, len(text) + 1, 3):
            assert _found(rs.finditer(text, a, b)) == _found(py.finditer(text, a, b)), (a, b)


def test_every_character_around_and_inside_a_phrase(small):
    """Each code point of the first two planes (but those the core leaves to Python) before, after and inside a
    phrase: the letter boundaries and white space of both engines agree."""
    disagree = native._core.disagreeing()
    left = set()
    for a, b in disagree:
        left.update(range(a, b + 1))
    chars = [chr(c) for c in range(0x20000) if c not in left and not 0xD800 <= c <= 0xDFFF]
    for i in range(0, len(chars), 8192):
        text = "".join(f"{c}căn cứ{c} căn{c}cứ\n{c}Sửa đổi,{c}bổ sung{c}\n" for c in chars[i:i + 8192])
        same(small, text, 3)


@pytest.mark.parametrize("text", [
    "İ căn cứ İ",  # (?i)i does not match İ in Python's regex: the Rust crate's does
    "căn cứ \u0295",  # a letter whose Unicode category changed after Rust's tables
    "căn cứ \ud800",  # a lone surrogate: no UTF-8
])
def test_texts_the_core_leaves_to_python(small, text):
    py, rs = small
    assert native.phrase_spans(rs._core, text) is None
    assert _found(rs.finditer(text)) == _found(py.finditer(text)) == [(0, 6, "căn cứ")] * ("İ" not in text) \
        + [(2, 8, "căn cứ")] * ("İ" in text)


def test_negative_positions_are_pythons(small):
    py, rs = small
    text = "căn cứ và thực hiện"
    assert _found(rs.finditer(text, -9)) == _found(py.finditer(text, -9))
    assert _found(rs.finditer(text, 0, -3)) == _found(py.finditer(text, 0, -3))


@pytest.mark.parametrize("phrases", [["straße"], ["căn  cứ"], [" căn cứ"], ["căn cứ:"]])
def test_phrases_the_core_cannot_search_fall_back_to_python_said_once(core, capsys, phrases):
    native._warned.clear()
    exact = regex.compile(phrase_pattern(phrases))
    a, b = PhraseScanner(phrases, exact), PhraseScanner(phrases, exact)
    assert a._core is None and b._core is None
    assert capsys.readouterr().err.count("the relation phrases are searched in Python") == 1
    with pytest.raises(ValueError):
        PhraseScanner(phrases, exact, use_native=True)
    text = "STRASSE straße căn  cứ căn cứ: x"
    assert _found(a.finditer(text)) == _found(exact.finditer(text))


def test_another_pattern_than_the_phrases_is_searched_in_python(core):
    exact = regex.compile(r"(?i)(?<![\p{L}])(?:căn\s+cứ|căn\s+cứ)(?![\p{L}])")  # the same, written otherwise
    s = PhraseScanner(["căn cứ"], exact)
    assert s._core is None and _found(s.finditer("Căn cứ x")) == [(0, 6, "Căn cứ")]


def test_switched_off(core, monkeypatch):
    monkeypatch.setenv(native.ENV_SWITCH, "0")
    assert PhraseScanner(SMALL, regex.compile(phrase_pattern(SMALL)))._core is None
