"""The compiled core's long repeats of one character (``[\\p{L}\\s,]{0,80}?``, ``[^;]{0,300}?``): it runs them in
fancy-regex's machine, as a repeat of an atomic group (native/src/pattern.rs ``atomic_repeats``), instead of the
regex crate's NFA that holds one copy of the class per repetition (megabytes in each worker). What they find must
stay what Python's ``regex`` finds, the relaxed copy and the prefilter the structure reader tries first must stay
those of the pattern as written, and a text on which the machine runs out of backtracking steps must still get
Python's answer (the pattern as written answers then)."""

from __future__ import annotations

import pytest
import regex

PATTERNS = [
    r"(?i)^\s*[\p{L}\s,]{0,80}?\bban\s+hành\s+(?:Nghị\s+định|Luật)\b",
    r"(?i)^\s*[\p{L}\s,]{0,12}?\bban\s+hành\b",
    r"^[^;]{0,30}?\bcó\s+căn\s+cứ\b",
    r"[^;]{0,30}?\bcó\s+căn\s+cứ\b",
    r"[^;]{0,25}(?:,|\bvà\b)\s*$",
    r"[]x]{2,12}y",  # a ']' first in the class is a literal
    r"[^]x]{0,15}z",
    r"\p{Lu}[\p{L} ,\-]{0,14}?\s+số",
    r"\w{1,11}\.",
    r"\d{12}",
    r"\s{0,20}\S",
    r"(?s)a.{0,11}b",
    r"a.{0,11}b",
    r"\-{11,}",
    r"\pL{3,15}",
    r"[\w.,\s]{1,14}?\)",
    r"(?:ab){0,20}c",  # a group: not rewritten
    r"x{3,}y",  # no upper bound: not rewritten
]

TEXTS = [
    "Căn cứ Luật; ban hành Nghị định số 12/2024/NĐ-CP",
    "  Quyết định này ban hành Luật đất đai",
    "  " + "ab " * 30 + "ban hành Luật",  # 90 characters before: over the bound of 80
    "  " + "ab " * 26 + "ban hành Luật",  # 78: within it
    "x" * 12 + "y ]]]]]]]]]]]y " + "q" * 16 + "z",
    "Về việc, có căn cứ ban hành; và nhiều nội dung khác có căn cứ",
    "Ủy ban nhân dân tỉnh, Sở Nội vụ và \n",
    "Bộ Tài chính - Kế hoạch số 45/KH-UBND",
    "Ca\u0306n cu\u031b\u0301 có căn cứ 👍🏽 ① ¹²³ ẞ ß İ ı",
    "123456789012 3456789012345 a\nb a123456789b (ghi chú, 1.2)",
    "----------- --- ",
    "",
]


def _spans(p: str, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in regex.finditer(p, text, flags=regex.V0)]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_long_repeats_find_what_python_finds(core, pattern):
    rs = core.Pattern(pattern)
    for text in TEXTS:
        assert rs.findall(text) == _spans(pattern, text), (pattern, text)
        for line in text.split("\n"):
            assert (rs.search(line) is not None) == (regex.search(pattern, line) is not None), (pattern, line)


def test_the_relaxed_copy_and_the_prefilter_are_the_patterns_as_written(core):
    p = core.Pattern(r"(?i)^\s*[\p{L}\s,]{0,80}?\bban\s+hành\s+(?:Nghị\s+định|Luật)\b", True)
    assert p.relaxed == r"(?i)^\s*[\p{L}\s,]{0,}?ban\s+hành\s+(?:Nghị\s+định|Luật)"
    assert p.prefilter == p.relaxed
    assert "(?>" not in p.translated


@pytest.mark.parametrize("spaces, letters, found", [(30_000, 100, False), (30_000, 50, True)])
def test_a_line_over_the_backtracking_steps_gets_pythons_answer(core, spaces, letters, found):
    # every split of the spaces between \s* and the repeat is tried before the line is refused: millions of steps
    p = r"(?i)^\s*[\p{L}\s,]{0,80}?\bban\s+hành\b"
    line = " " * spaces + "x" * letters + " ban hành"
    want = regex.search(p, line)
    assert (want is not None) == found
    assert core.Pattern(p, True).search(line) == (want.span() if want else None)
