"""The compiled core (native/, docgraph_native) against the Python engine, which is the reference: every stage the
core runs must give what the Python stage gives, on the samples, on generated corpora, on hostile files and on
tables of tricky lines.

These tests need the core installed (``pip install ./native``). Without it they are skipped with that reason, unless
DOCGRAPH_REQUIRE_NATIVE=1 (set by .ci/run, which builds the core): then a missing core fails them.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import regex
from bench_helpers import benchmark, sample_texts

from docgraph import limits, native
from docgraph.engine import get_engine
from docgraph.limits import TimeLimitExceeded
from docgraph.structure import StructureReader

NATIVE = Path(__file__).resolve().parent.parent / "native"


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


def test_a_core_of_another_version_is_not_used_said_once(core, monkeypatch, capsys):
    monkeypatch.setattr(native, "CORE_VERSION", "0.0.1")
    monkeypatch.setattr(native, "_warned", set())
    monkeypatch.delenv(native.ENV_REQUIRE, raising=False)
    monkeypatch.delenv(native.ENV_SWITCH, raising=False)
    spec = get_engine(None).rules.structure
    assert StructureReader(spec)._core is None and StructureReader(spec)._core is None
    err = capsys.readouterr().err
    assert err.count(f"the compiled core is version {core.version()}, this docgraph needs 0.0.1") == 1
    assert "pip install ./native" in err


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
    r"x{,2}y", r"(?i)S", r"(?i)k", r"(?i)^\s*[\p{L}\s,]{0,8}?\bban\s+hành\b", r"(?i)[\p{L}\s]{0,12}?\bthi\b",
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
    # patterns without look-around run on the regex crate's engines alone: ^ and \b see the text before too
    for p, text, pos in [(r"^\s*ban", "  ban ban", 1), (r"\bhành", "xhành hành", 1), (r"\Bành", "hành", 1),
                         (r"(?i)[\p{L}\s]{0,3}?\bthi", "ư thi thi", 2), (r"(?m)^Điều", "a\nĐiều", 1)]:
        want = regex.compile(p, regex.V0).search(text, pos)
        assert core.Pattern(p).search(text, pos) == (want.span() if want else None), (p, text, pos)


# ----------------------------------------------------------------------------------------- character tables
def test_characters_the_engines_read_otherwise_are_left_to_python(core):
    """Every code point on which Python (str methods, the regex module) and the core (Rust's tables) disagree is in
    the core's table of characters whose texts the Python engine reads (native/gen_pytables.py makes it), or is one
    the core's tables leave unassigned: a newer `regex` module (Unicode 17: 12,880 more letters, marks and digits)
    or Python may read those otherwise, so they are left to Python whatever is installed."""
    gen = benchmark_module("native_gen_pytables", NATIVE / "gen_pytables.py")
    table = core.disagreeing()
    left = {c for a, b in table for c in range(a, b + 1)}
    missing = sorted(gen.disagreeing(core) - left)
    assert missing == [], f"regenerate native/src/pytables.rs: {[hex(c) for c in missing[:20]]}"
    # and no character of Vietnamese text is among them
    viet = core.fold_alphabet() + "0123456789 ,.;:()/-–\u0300\u0301\u0303\u0309\u0323\u0306\u0302\u031b\u00a0"
    assert not left & {ord(c) for c in viet}


@pytest.mark.parametrize("s", ["  a \x1c b\x1f ", "\u3000Điều  1.\u00a0Phạm vi\t", "\x85x\u2028y\u200bz", "", " \t",
                               "👍🏽  ư  " * 30])
def test_strip_and_split_as_python(core, s):
    assert core.squeezed(s, 80) == (" ".join(s.split())[:80], s.strip())


# ------------------------------------------------------------------------------------------- structure
def benchmark_module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def readers(core):
    spec = get_engine(None).rules.structure
    return StructureReader(spec, use_native=False), StructureReader(spec, use_native=True)


def same_structure(readers, text: str, *, by_core: bool = True) -> None:
    """Both engines read ``text`` alike in both shapes; ``by_core``: the core read it (not left to Python)."""
    py, rs = readers
    for shape in ("document", "article"):
        a, b = py.read(text, shape), rs.read(text, shape)
        assert b.parts == a.parts, (shape, text[:200])
        assert (b.wrapped, b._line_starts) == (a.wrapped, a._line_starts), shape
        if by_core:
            assert native.read_structure(rs._core, text, shape) is not None


def test_structure_of_the_samples(readers):
    texts = sample_texts()
    assert len(texts) >= 15
    for text in texts:
        same_structure(readers, text)


def test_line_kinds_of_single_lines(readers):
    """``line_kind`` (the relation reader asks it of a unit's last lines and an item's opening) from both engines."""
    from docgraph.readers import read_file

    py, rs = readers
    root = Path(__file__).resolve().parent.parent / "samples"
    lines = [x for p in sorted(root.glob("*.txt")) for x in read_file(str(p)).text.split("\n")]
    lines += [t for text, _ in TRICKY for t in text.split("\n")] + ["  ", "\x1c", "İ căn cứ", "Căn cứ\nLuật"]
    kinds = {}
    for x in lines:
        kinds[x] = py.line_kind(x)
        assert rs.line_kind(x) == kinds[x], x
    assert {"basis", "article", "item", "blank", "plain", "signature", "recipients"} <= set(kinds.values())
    assert native.line_kind(rs._core, "Căn cứ\nLuật") is None and native.line_kind(rs._core, "İ căn cứ") is None
    assert native.line_kind(rs._core, "Căn cứ Luật A;") == "basis"


@pytest.mark.parametrize("seed", [1, 7, 2024])
def test_structure_of_generated_corpora(readers, seed):
    gen = benchmark("generate")
    world = gen.World(120, seed)
    for i in range(120):
        _, text = gen.render_file(world, i, seed, 3000.0, 0.5, 0.05)
        same_structure(readers, text)


@pytest.mark.parametrize("name", ["short_forms", "distinct_short_forms", "long_line", "many_references"])
def test_structure_of_hostile_texts(readers, tmp_path, name):
    path = benchmark("hostile").build(name, tmp_path, 0.05)
    same_structure(readers, path.read_text(encoding="utf-8"))


# (text, the kinds of its parts as a document): lines whose reading turns on a detail both engines must share
TRICKY = [
    ("", ["body"]),
    ("\n\n\n", ["body"]),
    ("KẾ HOẠCH\nTriển khai Chỉ thị 35\nCăn cứ Luật Đất đai;\nĐiều 1. Phạm vi", ["title", "opener", "basis", "article"]),
    # a preamble phrase wrapped from the line before is no preamble line
    ("QUYẾT ĐỊNH\nVề việc ban hành quy chế\nCăn cứ Luật A đã được\ncăn cứ vào tình hình\nQUYẾT ĐỊNH:\nĐiều 1. Nay",
     ["title", "basis", "promulgation", "article"]),
    # astral characters and combining marks before the parts: offsets in code points
    ("👍🏽 Ủy ban 📄\nKẾ HOẠCH\nCa\u0306n cu\u031b\u0301 thực hiện\nCăn cứ Nghị định 30;\n1. Nội dung",
     ["header", "title", "basis"]),
    ("V/v triển khai 👍 kế hoạch\nKính gửi: các sở\nThực hiện Công văn số 12;\nNơi nhận:\n- Như trên;\nTM. ỦY BAN NHÂN DÂN",
     ["title", "body", "opener", "recipients", "signature"]),
    # Python's str.strip also drops U+001C..U+001F, the regex module's \s does not
    ("\x1c\x1d\nĐiều 2. Hiệu lực thi hành\nQuyết định này có hiệu lực", ["header", "effect"]),
    # an article number in other decimal digits: Python's int() reads it
    ("Điều ١٢. Phạm vi\nĐiều 3a: Đối tượng", ["article", "article"]),
    # a signature under the recipients, "TM" within the first 8 characters or not
    ("Nơi nhận:\n- Như trên;\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nNguyễn Văn A", ["recipients", "signature"]),
    # an attached regulation after the signature, a "kèm theo" line wrapped in a sentence
    ("Điều 1. Ban hành\nTM. UBND\nQUY ĐỊNH\n(Ban hành kèm theo Quyết định số 5/QĐ-UBND)\nChương I\nMục 1 chung",
     ["article", "signature", "attached", "attached", "chapter", "chapter"]),
    ("Các nội dung tại Phụ lục I\nban hành kèm theo Thông tư này\n| 1 | Nghị định | Còn |\n[1]. Khoản 2",
     ["body", "table", "footnote"]),
    ("\r\nĐiều 5.\r\nKẾ HOẠCH\r\n", ["header", "article"]),
]


@pytest.mark.parametrize("text, kinds", TRICKY)
def test_tricky_texts(readers, text, kinds):
    py, _ = readers
    assert py.read(text).kinds() == kinds
    same_structure(readers, text)


@pytest.mark.parametrize("text", [
    "İstanbul\nCăn cứ Luật A;\nĐiều 1. X",  # (?i)i does not match İ in Python's regex: the Rust crate's does
    "Điều 1. Phạm vi \u0295\nTM. UBND",  # a letter whose Unicode category changed after Rust's tables
    "KẾ HOẠCH\n\U00016EA0 Beria Erfe\nCăn cứ",  # a script newer than one engine's tables
])
def test_texts_the_core_leaves_to_python(readers, text):
    same_structure(readers, text, by_core=False)
    assert native.read_structure(readers[1]._core, text, "document") is None


def test_the_python_patterns_are_compiled_only_for_a_text_left_to_python(core):
    spec = get_engine(None).rules.structure
    rs = StructureReader(spec, use_native=True)
    rs.read("KẾ HOẠCH\nCăn cứ Luật A;\nĐiều 1. X")  # the core reads it: no Python pattern is needed
    assert not {"lines", "headings", "item_line", "_steps", "basis_sections"} & set(vars(rs))
    text = "İstanbul\nCăn cứ Luật A;\nĐiều 1. X"  # left to Python: it compiles its patterns then
    assert rs.read(text).parts == StructureReader(spec, use_native=False).read(text).parts
    assert {"lines", "headings", "item_line", "_steps"} <= set(vars(rs))
    assert {"lines", "_steps", "basis_sections"} <= set(vars(StructureReader(spec, use_native=False)))


def test_hard_wrapped_with_python_digits_and_spaces(readers):
    long = "Ủy ban nhân dân tỉnh giao các sở, ban, ngành chủ trì triển khai thực hiện các nội dung"
    for first in ("¹ chú thích", "② mục", "\x1cvăn bản", "  tiếp theo", "Tiếp", "\u00a0tiếp"):
        same_structure(readers, "\n".join(f"{long} {i}\n{first}" for i in range(8)))


def test_a_users_line_kind_and_backreference(core):
    spec = {"lines": [{"kind": "twice", "patterns": [r"^(\w)\1"]}, {"kind": "article", "patterns": [r"^Điều \d+\."]}],
            "items": [r"^\s*-\s"]}
    text = "aab\nĐiều 1. X\nxx y\n- a\nbb"
    py, rs = StructureReader(spec, use_native=False), StructureReader(spec, use_native=True)
    assert rs._core is not None
    assert rs.read(text).parts == py.read(text).parts
    assert core.StructureReader([("twice", [r"^(\w)\1"])], [], [], [], [], []).line_kinds(text) == \
        ["twice", "plain", "twice", "plain", "twice"]


def test_rules_the_core_cannot_run_fall_back_to_python_said_once(core, capsys):
    spec = dict(get_engine(None).rules.structure)
    spec["headings"] = [r"^\N{LATIN CAPITAL LETTER A}NNEX$"]
    a = StructureReader(spec)
    b = StructureReader(spec)
    assert a._core is None and b._core is None
    err = capsys.readouterr().err
    assert err.count("the structure rules run in Python") == 1 and "\\N" in err
    assert a.read("ANNEX\nĐiều 1. X").kinds() == ["title", "article"]
    with pytest.raises(ValueError):
        StructureReader(spec, use_native=True)


def test_the_time_limit_holds_in_the_core(readers):
    _, rs = readers
    text = "Căn cứ Luật A;\n" * 200_000
    with pytest.raises(core_time_limit()):
        rs._core.read(text, "document", 0.0)
    with limits.deadline(30):
        assert rs.read(text) is not None
    with limits.deadline(0.001):
        with pytest.raises(TimeLimitExceeded, match=r"time limit exceeded \(0.001 s per file\)"):
            rs.read(text)


def core_time_limit():
    return native.TimeLimit


@pytest.mark.slow
def test_the_index_of_the_samples_is_the_same_with_either_engine(core, tmp_path):
    import os
    import sqlite3
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    out = {}
    for switch in ("0", "1"):
        db = tmp_path / f"n{switch}.db"
        env = dict(os.environ, DOCGRAPH_NATIVE=switch, DOCGRAPH_LANG="en")
        r = subprocess.run([sys.executable, "-m", "docgraph", "extract", str(root / "samples"), "--db", str(db),
                            "--jobs", "1", "--jsonl"], capture_output=True, env=env, cwd=root)
        assert r.returncode == 0, r.stderr
        conn = sqlite3.connect(db)
        rows = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2, 3").fetchall()
                for t in ("edges", "raw_relations", "mentions", "documents")}
        conn.close()
        out[switch] = (r.stdout, rows)
    assert out["1"] == out["0"]
    assert len(out["0"][1]["raw_relations"]) > 10
