"""The worker's cheaper per-file glue gives what the plain ways give: a mention settled by one positional
construction (and only when a value changes) equals ``dataclasses.replace``'s, a mention's key with its base
remembered equals the key worked out afresh, the stored header written field by field equals ``json.dumps`` of its
dict, a file's kind without ``splitext`` equals the kind with it, and a file read from disk equals its bytes read.
Each is checked on tables of ordinary and hostile inputs (decomposed text, NUL bytes, huge lines, odd encodings)."""

from __future__ import annotations

import enum
import itertools
import json
import os
import random
from dataclasses import asdict, replace

import pytest

from bench_helpers import generated_texts, sample_texts
from docgraph import identity, pipeline
from docgraph import index as ix
from docgraph.engine import get_engine
from docgraph.header import FileHeader
from docgraph.identity import DocKey, first_code, number_key
from docgraph.model import LOCAL_LEVELS, Mention
from docgraph.normalize import slug
from docgraph.readers import read_bytes, read_file
from docgraph.readers.registry import EXTENSIONS, kind_of

HOSTILE = ["", "a\x00b", "Cho\u0301 ta\u0300i", "x" * 100_000, "\"\\/\n\t\r\x1f\x7f", "\u2028\u2029", "\udce9",
           "𝔘𝔫𝔦", "Ủy ban nhân dân", " ", "0", "00"]


# ------------------------------------------------------------------ mentions settled with the header's values


def _settled_reference(mentions: list[Mention], header: FileHeader, lexicon) -> list[Mention]:
    """What analyse_text did before: replace() on every own mention, then on every renamed central issuer."""
    mentions = list(mentions)
    for i, m in enumerate(mentions):
        if m.own:
            m = mentions[i] = replace(m, year=header.year, date=header.date, issuer=m.issuer or header.issuer,
                                      level=header.level if header.level != "unknown" else m.level,
                                      type=header.type or m.type)
        if m.level == "central" and m.issuer and (name := lexicon.issuer_name(m.issuer_code, m.issuer)) != m.issuer:
            mentions[i] = replace(m, issuer=name)
    if any(m.rule == "constitution" and m.year is None for m in mentions):
        in_force = lexicon.constitution_in_force(header.date)
        if in_force is not None:
            for i, m in enumerate(mentions):
                if m.rule == "constitution" and m.year is None:
                    mentions[i] = replace(m, year=in_force)
    return mentions


_MENTION = Mention(3, 9, "Chỉ thị 28", "party_ct", "Chỉ thị", "28", "CT/TW", None, None, "Ban Bí thư", "TW",
                   "central", "party", None, None, None, "XII", "về việc", "khoản 2", False, True, 4)


@pytest.mark.parametrize("changes", [
    {},
    {"type": None, "year": 2024, "date": "2024-01-02", "issuer": "Bộ Chính trị", "level": "provincial"},
    *({"issuer": s} for s in HOSTILE),
    *({"type": s, "date": s} for s in HOSTILE),
    {"year": 0, "level": "unknown"},
    {"year": -1, "issuer": None, "type": None, "date": None},
])
def test_remade_mention_is_replace(changes):
    values = {"type": _MENTION.type, "year": _MENTION.year, "date": _MENTION.date, "issuer": _MENTION.issuer,
              "level": _MENTION.level} | changes
    got = pipeline._remade(_MENTION, values["type"], values["year"], values["date"], values["issuer"],
                           values["level"])
    assert got == replace(_MENTION, **values)
    assert asdict(got) == asdict(replace(_MENTION, **values))


def _texts() -> list[str]:
    own_header = ("ỦY BAN NHÂN DÂN\nTỈNH BẮC GIANG\nSố: 120/KH-UBND\nBắc Giang, ngày 5 tháng 3 năm 2024\n\n"
                  "KẾ HOẠCH\nThực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị\n")
    central = ("CHÍNH PHỦ\nSố: 30/2020/NĐ-CP\nHà Nội, ngày 5 tháng 3 năm 2020\n\nNGHỊ ĐỊNH\n"
               "Căn cứ Nghị định số 40/2014/NĐ-CP ngày 12/5/2014 của Chỉnh phú;\n"
               "Căn cứ Quyết định số 12/QĐ-TTg ngày 3/1/2019 của Thủ tướng Chính phủ cắt giảm;\n")
    constitution = ("QUỐC HỘI\nLuật số: 45/2019/QH14\nHà Nội, ngày 13 tháng 11 năm 2019\n\nLUẬT\n"
                    "Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;\n")
    texts = [own_header, central, constitution, own_header + central, central + constitution]
    texts += [t.replace("Số:", "Số:\x00") for t in texts]  # NUL bytes in the number line
    texts += [own_header.replace("\n", " " * 5000 + "\n")]  # huge lines
    import unicodedata
    texts += [unicodedata.normalize("NFD", t) for t in texts[:5]]  # decomposed letters (read as composed)
    return texts + sample_texts() + generated_texts(5, files=40)


def test_settled_mentions_equal_replace_on_every_mention():
    engine = get_engine()
    lexicon = engine.lexicon
    seen_own = seen_renamed = seen_constitution = 0
    for text in _texts():
        got = pipeline.analyse_text(text, "p.txt", engine)
        import unicodedata
        nfc = unicodedata.normalize("NFC", text)
        extracted = engine.extract(nfc)
        header = identity.read_settled(nfc, extracted, lexicon)
        if header.level == "central" and header.issuer:
            header = replace(header, issuer=lexicon.issuer_name(header.issuer_code, header.issuer))
        assert got.header == header
        expected = _settled_reference(list(extracted), header, lexicon)
        assert got.mentions == expected
        assert [asdict(m) for m in got.mentions] == [asdict(m) for m in expected]
        seen_own += any(m.own for m in extracted)
        seen_renamed += sum(a.issuer != b.issuer for a, b in zip(extracted, expected) if not a.own)
        seen_constitution += any(m.rule == "constitution" and m.year is not None for m in expected)
    assert seen_own and seen_renamed and seen_constitution  # each branch was taken


# ------------------------------------------------------------------ mention keys


def _key_reference(m: Mention, ctx: FileHeader, lexicon) -> DocKey | None:
    """mention_key as it was: its base worked out on each call."""
    if m.number and m.symbol:
        base = f"{number_key(m.number)}-{slug(m.symbol)}"
    elif m.name:
        base = slug(m.name)
    else:
        return None
    level = m.level
    code = first_code(m.issuer_code)
    ambiguous = lexicon.ambiguous_codes
    if level == "unknown" and (code in ambiguous or code == ""):
        if m.branch is None and m.symbol is None:
            level = "unknown"
        elif ctx.level in ("district", "commune") and code in ambiguous:
            level = ctx.level
        elif code in ambiguous and ctx.level in LOCAL_LEVELS:
            level = "provincial"
        elif code in ambiguous and ctx.province:
            level = "provincial"
    jurisdiction = ""
    if level in LOCAL_LEVELS:
        province = m.province or ctx.province
        locality = m.locality
        if locality is None and level in ("district", "commune") and ctx.level in ("district", "commune"):
            locality = ctx.locality
        if m.province is None and m.locality is not None and ctx.locality and m.locality != ctx.locality:
            province = ctx.province
        jurisdiction = province or ""
        if locality and level in ("district", "commune"):
            jurisdiction = f"{province or '?'} / {locality}"
    return DocKey(base, m.year, jurisdiction, level)


LEVELS = ["central", "provincial", "district", "commune", "unknown"]


def test_mention_key_equals_the_key_worked_out_afresh():
    lexicon = get_engine().lexicon
    mentions = [
        replace(_MENTION, number=n, symbol=s, name=name, level=lv, issuer_code=code, branch=br, province=pr,
                locality=lo, year=y)
        for n, s, name in [("28", "CT/TW", None), ("028", "ct/tw", None), (None, "CT/TW", None), ("5", None, None),
                           (None, None, "Luật Đất đai"), (None, None, None), ("066.07", "KH-UBND", "Luật X"),
                           ("1\x00", "QĐ\x00TTg", None), ("", "", ""), ("9" * 500, "A/" * 300, None)]
        for lv in LEVELS
        for code in [None, "", "UBND", "UBND-VX", "HĐND", "TW", "TTg", "BTC-BNV", "TU12"]
        for br in [None, "party"]
        for pr, lo in [(None, None), ("Bắc Giang", None), (None, "Lạng Giang"), ("Bắc Giang", "Yên Thế")]
        for y in [None, 2024]
    ]
    headers = [FileHeader("document", level=lv, province=pr, locality=lo)
               for lv in LEVELS for pr, lo in [(None, None), ("Bắc Giang", None), ("Khánh Hòa", "Lạng Giang"),
                                              (None, "Yên Thế")]]
    rng = random.Random(3)
    for m in mentions:
        for h in rng.sample(headers, 4):
            assert identity.mention_key(m, h, lexicon) == _key_reference(m, h, lexicon), (m, h)


def test_mention_key_bases_stay_bounded(monkeypatch):
    lexicon = get_engine().lexicon
    monkeypatch.setattr(identity, "_BASES_MAX", 8)
    monkeypatch.setattr(identity, "_BASES", {})
    ctx = FileHeader("document")
    for i in range(40):
        m = replace(_MENTION, number=f"0{i % 13}", symbol=f"KH-{i % 5}", own=False)
        assert identity.mention_key(m, ctx, lexicon) == _key_reference(m, ctx, lexicon)
        assert len(identity._BASES) <= 8


# ------------------------------------------------------------------ the stored header


class _Level(enum.IntEnum):
    TWO = 2


@pytest.mark.parametrize("value", [
    *HOSTILE, None, 0, -7, 2024, 10**40, True, False, 1.5, float("nan"), float("inf"), -0.0, 1e300,
    ["a", None, 1], {"k": "ü", "n": None}, (1, "b"), _Level.TWO, type("S", (str,), {})("sub"),
])
def test_header_json_is_json_dumps(value):
    for field in ("kind", "title", "year", "province_default"):
        h = FileHeader("document", title="Kế hoạch", year=2024)
        h = replace(h, **{field: value})
        assert ix._header_json(h) == json.dumps(asdict(h), ensure_ascii=False)


def test_header_json_of_every_sample_header():
    engine = get_engine()
    for text in sample_texts() + generated_texts(6, files=30):
        h = pipeline.analyse_text(text, "p.txt", engine).header
        assert ix._header_json(h) == json.dumps(asdict(h), ensure_ascii=False)


# ------------------------------------------------------------------ a file's kind, a file read


@pytest.mark.parametrize("path", [
    "a.docx", "A.DOCX", "a.b.Pdf", "x/.docx", ".docx", "a.docx/b", "a.docx/b.txt", "noext", "", ".", "..", "a.",
    "dir.pdf/", "a/b.htm", "a.html.txt", "a.txt.doc", "a\x00.pdf", "ü.DOC", "/abs/p.x.HTML", "a..docx", "...pdf",
    *(a + b for a, b in itertools.product(["a", ".a", "a/", "a.b/", ""], [e.upper() for e in EXTENSIONS])),
])
def test_kind_of_is_the_extension_s(path):
    assert kind_of(path) == EXTENSIONS.get(os.path.splitext(path)[1].lower())


@pytest.mark.parametrize("data", [
    b"", b"plain ascii\n", "Số: 12/KH-UBND\n".encode(), "Số: 12/KH-UBND\n".encode("utf-16"),
    "Chỉ thị số 28".encode("utf-16-le"), b"a\x00b" * 10, b"\x00" * 50, "x".encode() * 2_000_000,
    "Cho\u0301 ta\u0300i".encode(), b"\xff\xfe\x00\x00", b"S\xe8 12/KH\n" * 20, b"\x01\x02\x03" * 100,
    b"\xef\xbb\xbfb\xc3\xa1o c\xc3\xa1o", b"\xc3\x28 invalid " + "đúng".encode() * 50,
])
@pytest.mark.parametrize("name", ["f.txt", "f.md", "F.TXT", "noext", "f.doc"])
def test_read_file_is_read_bytes_of_its_content(tmp_path, data, name):
    p = tmp_path / name
    p.write_bytes(data)
    got = read_file(str(p))
    assert got == read_bytes(str(p), data, got.mtime_ns)
    assert got == read_file(p)  # a Path: the same


# ------------------------------------------------------------------ a worker's chunk


def _chunk_reference(rows: list, first: int) -> bytes:
    """A chunk's database as Pack wrote it with one _bindable call per row."""
    import sqlite3

    from docgraph import bulkload

    db = sqlite3.connect(":memory:", isolation_level=None)
    db.execute("PRAGMA journal_mode=OFF")
    db.executescript(bulkload._CHUNK_SCHEMA)
    db.execute("BEGIN")
    db.executemany(bulkload._CHUNK_INSERT[0], [bulkload._bindable(first + seq, r.file) for seq, r in rows])
    db.executemany(bulkload._CHUNK_INSERT[1], [bulkload._bindable(first + seq, m, bulkload._FLAGS)
                                               for seq, r in rows for m in r.mentions])
    db.executemany(bulkload._CHUNK_INSERT[2], [bulkload._bindable(first + seq, x)
                                               for seq, r in rows for x in r.relations])
    db.execute("COMMIT")
    blob = db.serialize()
    db.close()
    return blob


def test_chunk_is_the_one_bound_row_by_row():
    from docgraph import bulkload

    engine = get_engine()
    results = [pipeline.analyse_text(t, f"d/{i}.txt", engine, f"{i}.txt") for i, t in enumerate(_texts())]
    rows = [ix.file_rows(r) for r in results]
    # a row with a bool where an int is stored, and one whose mention flags are ints already
    own = ix._MENTION_ROW.index("own")
    for r in rows[:3]:
        r.mentions[:] = [(*m[:own], int(m[own]), *m[own + 1:]) if k % 2 else m for k, m in enumerate(r.mentions)]
    flags = {m[own].__class__ for r in rows for m in r.mentions}
    assert flags == {bool, int}
    for start in range(0, len(rows), 16):
        chunk = list(enumerate(rows[start:start + 16]))
        packed = bulkload.Pack(7)(chunk)
        blob = packed[0][1][2]
        assert blob == _chunk_reference(chunk, 7)
        assert [p[1][:2] for p in packed] == [(r.path, r.skipped) for _, r in chunk]


def _doc_id_reference(k: DocKey, year: int | None = None) -> str:
    y = k.year if k.year is not None else year
    parts = [k.base, str(y) if y is not None else "x"]
    if k.jurisdiction:
        parts.append(slug(k.jurisdiction))
    return "-".join(parts)


@pytest.mark.parametrize("base", ["83-kh-tu", "", "luat-dat-dai", "a\x00b", "x" * 10_000])
def test_doc_id_is_the_joined_parts(base):
    for year, jurisdiction, given in itertools.product([None, 2024, 0, -5, 10**30, True, _Level.TWO],
                                                       ["", "Bắc Giang", "Bắc Giang / Lạng Giang", "?", "\x00"],
                                                       [None, 1999]):
        k = DocKey(base, year, jurisdiction, "provincial")
        assert k.doc_id(given) == _doc_id_reference(k, given)
