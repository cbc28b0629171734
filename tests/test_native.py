"""The compiled core (native/, docgraph_native) against the Python engine, which is the reference: every stage the
core runs must give what the Python stage gives, on the samples, on generated corpora, on hostile files and on
tables of tricky lines.

These tests need the core installed (``pip install ./native``). Without it they are skipped with that reason, unless
DOCGRAPH_REQUIRE_NATIVE=1 (set by .ci/run, which builds the core): then a missing core fails them.
"""

from __future__ import annotations


import pytest
import regex

from docgraph import native


@pytest.fixture(scope="module")
def core():
    if not native.installed():
        if native.required():
            pytest.fail(native._missing() + f" ({native.ENV_REQUIRE}=1)")
        pytest.skip(native._missing())
    return native._core


# ------------------------------------------------------------------------------------------------ the module
def test_version_and_self_check(core):
    assert core.version() == native.CORE_VERSION
    assert core.self_check() is True


def test_switch_and_description(core, monkeypatch):
    monkeypatch.setenv(native.ENV_SWITCH, "0")
    assert native.enabled() is False and "turned off" in native.describe()
    monkeypatch.setenv(native.ENV_SWITCH, "1")
    assert native.enabled() is True and native.describe().startswith(f"compiled core: docgraph_native {core.version()}")


def test_required_core_missing_is_an_error(monkeypatch):
    monkeypatch.setattr(native, "_core", None)
    monkeypatch.setenv(native.ENV_REQUIRE, "1")
    monkeypatch.delenv(native.ENV_SWITCH, raising=False)
    with pytest.raises(native.NativeUnavailable, match="pip install ./native"):
        native.enabled()
    monkeypatch.setenv(native.ENV_REQUIRE, "0")
    assert native.enabled() is False and native.describe() == "compiled core: not installed (pip install ./native)"


# ------------------------------------------------------------------------- patterns: the two regex engines
# texts with Vietnamese letters (precomposed and with combining marks), astral characters (emoji) and spaces of
# several kinds: offsets are code points on both sides
TEXTS = [
    "Căn cứ Nghị quyết số 57-NQ/TW; căn  cứ\u00a0Luật Đất đai",
    "👍🏽 Căn cứ Quyết định 12/QĐ-UBND 📄 của ỦY BAN NHÂN DÂN",
    "Ca\u0306n cu\u031b\u0301 Luật",  # "Căn cứ" with combining marks
    "  \t\u3000Điều 12a. Hiệu lực thi hành ¹²³ ①",
    "ĐIỀU LỆ đ Đ ǅ ǆ ẞ ß İ ı K k ſ s",
    "\x1c\x1d Phụ lục I — kèm theo Kế hoạch số 45/KH-UBND",
    "",
]
PATTERNS = [
    r"\s+", r"\S+", r"\w+", r"\d+", r"\b\w", r"\p{L}", r"\p{Lu}+", r"\p{Ll}+", r"[\p{L}\s,]{2,}", r"[^\n\p{Ll}]+",
    r"(?i)căn\s+cứ\b", r"(?i)ủy\s+ban", r"(?i)điều\s+\d+[a-z]?", r"(?i)[a-zđ]\s*[).]", r"(?i)\bkèm\s+theo\b",
    r"(?<![\p{L}])(?:V/v|Về\s+việc)\s", r"^\s*(?:\*\*)?Điều\s+\d+[a-z]?\s*[.:]", r"(?i)hiệu\s+lực$", r"\d\Z",
    r"[_\-=*.]{3,}", r"(?i)\bthi\s+hành", r"(?:ĐIỀU\s+LỆ|PHỤ\s+LỤC|Phụ\s+lục)\b[^\n\p{Ll}]{0,60}$", r"[\[\]]+",
    r"x{,2}y", r"(?i)S", r"(?i)k",
]


def _spans(p: str, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in regex.finditer(p, text, flags=regex.V0)]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_patterns_find_what_python_finds(core, pattern):
    rs = core.Pattern(pattern)
    for text in TEXTS:
        assert rs.findall(text) == _spans(pattern, text), (pattern, text, rs.translated)


@pytest.mark.parametrize("src, lines, expected", [
    (r"a$", False, r"a(?=\n?\z)"),  # Python's $ also matches before a final newline
    (r"a$", True, r"a$"),  # a pattern given single lines keeps it
    (r"(?m)a$", False, r"(?m)a$"),
    (r"a\Z", False, r"a\z"),
    (r"x{,3}", False, r"x{0,3}"),
    (r"[[a]", False, r"[\[a]"),
    (r"b(?i)a", False, r"(?i)ba"),  # inline flags apply to the whole pattern in Python's version 0
])
def test_translation(core, src, lines, expected):
    assert core.Pattern(src, lines).translated == expected


@pytest.mark.parametrize("src", [r"[a&&b]", r"\N{DIGIT ONE}", r"[[:alpha:]]", r"(?x)a b", r"(?L)a", "a\\"])
def test_patterns_the_core_cannot_run_are_refused(core, src):
    with pytest.raises(ValueError):
        core.Pattern(src)


def test_final_newline(core):
    assert core.Pattern(r"ư$").findall("ư\n") == _spans(r"ư$", "ư\n") == [(0, 1)]
    assert core.Pattern(r"(?m)^ư$").findall("ư\nư") == _spans(r"(?m)^ư$", "ư\nư") == [(0, 1), (2, 3)]


def test_search_from_a_position_sees_the_text_before(core):
    text = "xV/v ... V/v họp"
    p = r"(?<![\p{L}])V/v"
    assert core.Pattern(p).search(text, 1) == regex.compile(p).search(text, 1).span() == (9, 12)
    assert core.Pattern(p).search("👍👍V/v", 2) == (2, 5)
    assert core.Pattern(p).search("abc", 1) is None
