"""docgraph/phrases.py: the phrase scanner finds exactly what the phrases' alternation finds (the relation reader's
outputs depend on it match for match), and the joined probe of several patterns says what they say."""

from __future__ import annotations

import regex
from hypothesis import given, settings, strategies as st

from docgraph.phrases import PhraseScanner, any_of, paren_depth, phrase_alternation, quote_depths, quoted

PHRASES = ["thực hiện", "thực hiện nghị quyết", "sửa đổi", "sửa đổi, bổ sung", "bổ sung", "theo", "căn cứ",
           "thay thế", "thay", "quy định chi tiết", "quy định"]


def _exact(phrases: list[str]) -> regex.Pattern:
    return regex.compile(rf"(?i)(?<![\p{{L}}])(?:{phrase_alternation(phrases)})(?![\p{{L}}])")


EXACT = _exact(PHRASES)
SCANNER = PhraseScanner(PHRASES, EXACT)


def _spans(it) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in it]


TEXTS = [
    "Kế hoạch thực hiện Nghị quyết số 5 và sửa đổi, bổ sung Quyết định số 7",
    "THỰC HIỆN  Chỉ thị; được thay thế bởi văn bản khác",  # capitals, two spaces
    "thực hiệnthay thế quy định chi tiết",  # a phrase glued to the next word is no phrase
    "sửa đổi,\nbổ sung theo đó; thaythế; bổ sungtheo",
    "căn cứ căn cứ căn cứ",
    "Xthực hiện quy định chitiết 5theo",  # a letter before a phrase, a digit before one
    "",
]


def test_phrase_alternation_puts_longer_phrases_first() -> None:
    alt = phrase_alternation(["thay", "thay thế", "Thay  thế"])
    assert alt.split("|") == [r"thay\s+\s+thế", r"thay\s+thế", "thay"]


def test_scanner_finds_what_the_alternation_finds_in_every_window() -> None:
    for text in TEXTS:
        for a in range(len(text) + 1):
            for b in range(a, len(text) + 1):
                assert _spans(SCANNER.finditer(text, a, b)) == _spans(EXACT.finditer(text, a, b)), (text, a, b)
        assert _spans(SCANNER.finditer(text)) == _spans(EXACT.finditer(text))


def test_scanner_picks_the_longest_phrase_where_several_start() -> None:
    text = "Kế hoạch thực hiện Nghị quyết số 5 sửa đổi, bổ sung Quyết định số 7"
    assert [m.group() for m in SCANNER.finditer(text)] == ["thực hiện Nghị quyết", "sửa đổi, bổ sung"]
    # the window ends inside the longer phrase: the shorter one is what the window holds
    assert [m.group() for m in SCANNER.finditer(text, 0, text.index(" Nghị"))] == ["thực hiện"]


def test_scanner_without_phrases_finds_nothing() -> None:
    assert list(PhraseScanner([], regex.compile("(?!)")).finditer("thực hiện")) == []


_WORDS = st.sampled_from(["thực", "hiện", "thực hiện", "nghị quyết", "sửa đổi", ",", " bổ sung", "theo", "thay",
                          "thế", "căn cứ", "quy", "định", "chi tiết", " ", "  ", "\n", "X", "5", "Đ", "THEO", "(", ")"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, max_size=14), st.integers(0, 200), st.integers(0, 200))
def test_scanner_matches_the_alternation_on_any_text(words: list[str], a: int, b: int) -> None:
    text = "".join(words)
    a, b = sorted((min(a, len(text)), min(b, len(text))))
    assert _spans(SCANNER.finditer(text, a, b)) == _spans(EXACT.finditer(text, a, b))


def test_any_of_finds_a_text_when_one_of_the_patterns_does() -> None:
    patterns = [r"được\s+sửa\s+đổi\s+bởi", r"(?:đã\s+)?bị\s+bãi\s+bỏ\s+(?:bởi|tại)"]
    probe = any_of(patterns, r"(?i)(?<![\p{L}])")
    for text in ["Điều 3 được  sửa đổi bởi Luật số 2", "đã bị bãi bỏ tại Nghị định", "không bị bãi bỏ", "xđược sửa đổi bởi"]:
        one = any(regex.search(rf"(?i)(?<![\p{{L}}]){p}", text) for p in patterns)
        assert (probe.search(text) is not None) == one, text


def test_any_of_refuses_what_it_cannot_join() -> None:
    assert any_of([]) is None
    assert any_of([r"(a)\1", "b"]) is None  # a back-reference would point into another pattern
    assert any_of([r"(?s)a.b", "c"]) is None  # a global flag would reach the other patterns
    assert any_of(["(unclosed"]) is None


def test_parentheses_and_quotes() -> None:
    text = "A (B (C) D; “E «F» G” H"
    assert [paren_depth(text, 0, text.index(x)) for x in "ABCDH"] == [0, 1, 2, 1, 1]
    quotes = quote_depths(text, 0, len(text))
    assert [d for _, d in quotes] == [1, 2, 1, 0]
    assert quoted(quotes, text, 0, text.index("F")) and not quoted(quotes, text, 0, text.index("H"))
    assert quoted([], 'nói "X', 0, 6) and not quoted([], 'nói "X" Y', 0, 8)
    assert paren_depth("((a) (b", 0, 7) == 2 and paren_depth("((a", 0, 3) == 2 and paren_depth("a)", 0, 2) == 0
    assert quote_depths("không có ngoặc kép", 0, 18) == [] and quote_depths("“A” B", 3, 5) == []
