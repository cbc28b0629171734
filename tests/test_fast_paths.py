"""The cheaper ways the worker path and the writer do their per-file work give what the plain ways give: old-style
tones by four passes, the control-character check bounded by a count of bytes, a file read with os.read, absolute
and shown paths from each folder's absolute path, and a chunk's rows bound with NULL as a NaN."""

from __future__ import annotations

import os
import random
import re
import sqlite3

import pytest

from docgraph import bulkload
from docgraph import normalize as nz
from docgraph.pipeline import display_path
from docgraph.readers import text as tx
from docgraph.readers.common import BinaryFileError
from docgraph.readers.listing import FolderPaths
from docgraph.readers.registry import _read_all

# the one pattern modern_tones used to be: the reference its four passes must match
_ONE_PASS = re.compile("(?<![qQgG])(?:" + "|".join(nz._OLD_TONES) + r")(?![^\W\d_])")


def _one_pass(s: str) -> str:
    return _ONE_PASS.sub(lambda m: nz._OLD_TONES[m.group()], s)


@pytest.mark.parametrize("text, expected", [
    ("Khánh Hoà", "Khánh Hòa"),
    ("Tỉnh uỷ, Thành uỷ.", "Tỉnh ủy, Thành ủy."),
    ("HOÀ BÌNH - UỶ BAN", "HÒA BÌNH - ỦY BAN"),
    ("Oà Uỷ", "Òa Ủy"),
    ("toàn quốc, hoàn thành", "toàn quốc, hoàn thành"),  # inside a syllable: unchanged
    ("quý, Quỳ, goá", "quý, Quỳ, goá"),  # after q or g: the u/o belongs to the consonant
    ("hoà1 hoà_ hoàx", "hòa1 hòa_ hoàx"),  # a digit or underscore ends the syllable, a letter does not
    ("oàuý", "oàúy"),  # two pairs in a row: only the second ends a syllable
    ("", ""),
])
def test_modern_tones_table(text, expected):
    assert nz.modern_tones(text) == expected == _one_pass(text)


def test_modern_tones_four_passes_equal_one_pass_on_random_text():
    rng = random.Random(20)
    alphabet = "oOuUqQgGaAyY _1.\n" + "".join({k[1] for k in nz._OLD_TONES}) + "ñđ"
    for _ in range(20000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert nz.modern_tones(s) == _one_pass(s), s


def _check_plain(text: str) -> bool:
    sample = text[:tx._CONTROL_SAMPLE]
    return bool(sample) and len(tx._CONTROL_RE.findall(sample)) > tx._CONTROL_SHARE * len(sample)


@pytest.mark.parametrize("text", [
    "Số: 12/KH-UBND\n" * 5,
    "a\x01" * 3 + "b" * 50,  # under a tenth
    "a\x01" * 30,  # half
    "\x85\x90 văn bản" * 10,  # C1 controls: two bytes each in UTF-8, the first C2
    "\xa0\xa9\xab" * 40 + "\x01" * 10,  # C2-led characters that are no controls push the bound over: scanned
    "x" * 70000 + "\x01" * 9000,  # controls past the sampled first 65,536 characters do not count
    "\x7f" * 3,
])
def test_control_check_with_the_utf8_bound_raises_as_the_scan_does(text):
    data = text.encode("utf-8")
    raised = False
    try:
        tx._check_controls(text, data)
    except BinaryFileError:
        raised = True
    assert raised == _check_plain(text)


def test_read_all_reads_what_a_buffered_read_does(tmp_path):
    p = tmp_path / "f.bin"
    p.write_bytes(bytes(range(256)) * 5000)
    for claimed in (0, 10, 1_280_000, 5_000_000):  # the size fstat said (a file that grew, shrank, or /proc)
        for most in (None, 1, 1000, 1_279_999, 1_280_000, 1_280_001, 9_000_000):
            fd = os.open(p, os.O_RDONLY)
            try:
                got = _read_all(fd, claimed, most)
            finally:
                os.close(fd)
            with open(p, "rb") as fh:
                assert got == (fh.read() if most is None else fh.read(most)), (claimed, most)


def test_folder_paths_give_abspath_and_display_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rng = random.Random(7)
    parts = ["a", "b", "..", ".", "", "x y", "é", "\udce9", ".h", str(tmp_path)[1:]]
    folders = FolderPaths()
    for _ in range(20000):
        p = "".join(rng.choice(parts) + rng.choice(["/", "", "//", "///"]) for _ in range(rng.randint(1, 5)))
        if rng.random() < 0.3:
            p = "/" + p
        if not p:
            continue
        assert folders.absolute(p) == os.path.abspath(p), p
        assert display_path(p, folders) == display_path(p), p


def test_chunk_rows_bound_with_nan_for_null_store_what_none_stores():
    rows = [(1, None, "a", 2.5, True, False, None, "", "x" * 50, None), (2, 0, None, None, None, 7, "b", None, "", 3)]

    def stored(bound: list) -> list:
        db = sqlite3.connect(":memory:")
        db.execute("CREATE TABLE t (a, b, c, d, e, f, g, h, i, j, k)")
        db.executemany("INSERT INTO t VALUES (?,?,?,?,?,?,?,?,?,?,?)", bound)
        out = db.execute("SELECT *, typeof(b), typeof(c), typeof(e) FROM t ORDER BY rowid").fetchall()
        db.close()
        return out

    assert stored([bulkload._bindable(9, r) for r in rows]) == stored([(9, *r) for r in rows])
    assert stored([bulkload._bindable(9, r, (5, 6)) for r in rows]) == stored([(9, *r) for r in rows])


@pytest.mark.parametrize("evs", [
    [("a/b.txt", 3, "Căn cứ \"Luật\"\n", None)],
    [("a/b.txt", None, "x", "p.2")],
    [("a.docx", 1, "một", "¶4"), ("b.txt", 2, "hai\\", None)],
])
def test_evidence_json_is_json_dumps(evs):
    import json

    from docgraph import index as ix

    expected = json.dumps([{"file": f, "line": ln, "text": t, **({"location": loc} if loc else {})}
                           for f, ln, t, loc in evs], ensure_ascii=False)
    assert ix._evidence_json(evs) == expected


def test_document_rows_store_what_plain_tuples_store():
    from docgraph import index as ix

    docs = {"b-1": {"label": "B", "year": 2020, "mentions": 0}, "a-x": {"label": "A", "title": "", "kind": "cited"}}
    conn = sqlite3.connect(":memory:")
    conn.executescript(ix._SCHEMA)
    conn.executemany(ix._INSERT_DOCUMENT, ix.document_rows(docs))
    fast = conn.execute("SELECT *, typeof(title), typeof(year) FROM documents ORDER BY rowid").fetchall()
    conn.execute("DELETE FROM documents")
    plain = [(d, *map(doc.get, ix._DOCUMENT_FIELDS[1:])) for d, doc in sorted(docs.items())]
    conn.executemany(ix._INSERT_DOCUMENT, plain)
    assert fast == conn.execute("SELECT *, typeof(title), typeof(year) FROM documents ORDER BY rowid").fetchall()
