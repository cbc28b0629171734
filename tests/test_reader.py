"""Tests for docgraph.readers (text, registry, listing): decoding (UTF-8/16/32, TCVN3, VNI, Windows-1258,
fallback), binary detection, robust file reading, read_bytes, the table of formats, and folder walking. Every
input is built in tmp_path; the legacy bytes are produced by encoders written here independently of the module's
tables."""

from __future__ import annotations

import codecs
import dataclasses
import hashlib
import os
import shutil
import subprocess
import sys
import threading
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docgraph.readers import listing, registry
from docgraph.readers import text as text_format
from docgraph.readers import (
    FORMATS,
    OFFICE_GLOBS,
    TEXT_GLOBS,
    BinaryFileError,
    ReaderError,
    ReadResult,
    UndecodableError,
    decode_bytes,
    decode_tcvn3,
    decode_vni,
    ignore_patterns,
    is_ignored,
    iter_files,
    kind_of,
    list_files,
    read_bytes,
    read_file,
)

SENTENCE = "Uỷ ban nhân dân tỉnh Khánh Hòa ban hành Nghị định số 30/2020/NĐ-CP ngày 05/3/2020"
LONG_TEXT = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\n"
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư;\n"
    "Thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị về đại hội đảng bộ các cấp;\n"
    "Theo đề nghị của Giám đốc Sở Nội vụ, Ủy ban nhân dân tỉnh quyết định ban hành kế hoạch này.\n"
)
TONES = {"\u0300": "grave", "\u0301": "acute", "\u0309": "hook", "\u0303": "tilde", "\u0323": "dot"}

# ---------------------------------------------------------------------------------------------------------------
# Encoders used to build test inputs (independent of docgraph.readers' tables).

_TCVN3_ENC: dict[str, int] = {}
for _chars, _start in (
    ("ĂÂÊÔƠƯĐăâêôơưđẰ", 0xA1),
    ("àảãáạẲằẳẵắẴẮẦẨẪẤỀặầẩẫấậèỂẻẽéẹềểễếệìỉỄẾỒĩíịòỔỏõóọồổỗốộờởỡớợùỖủũúụừửữứựỳỷỹýỵỐ", 0xB5),
):
    for _i, _c in enumerate(_chars):
        _TCVN3_ENC[_c] = _start + _i


def tcvn3_encode(text: str, *, gap_uppercase: bool = True) -> bytes:
    """Unicode -> TCVN3. An uppercase toned letter without a code of its own is written with the lowercase code (as
    ABC users did); with ``gap_uppercase=False`` every uppercase toned letter is written that way."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ord(ch) < 0x80:
            out.append(ord(ch))
            continue
        toned_upper = ch.isupper() and any(m in TONES for m in unicodedata.normalize("NFD", ch))
        if ch in _TCVN3_ENC and not (toned_upper and not gap_uppercase):
            out.append(_TCVN3_ENC[ch])
        elif ch.lower() in _TCVN3_ENC:
            out.append(_TCVN3_ENC[ch.lower()])
        else:
            raise ValueError(f"not encodable in TCVN3: {ch!r}")
    return bytes(out)


_VNI_PLAIN_TONE = {"": "", "grave": "ø", "acute": "ù", "hook": "û", "tilde": "õ", "dot": "ï"}
_VNI_CIRCUMFLEX = {"": "â", "grave": "à", "acute": "á", "hook": "å", "tilde": "ã", "dot": "ä"}
_VNI_BREVE = {"": "ê", "grave": "è", "acute": "é", "hook": "ú", "tilde": "ü", "dot": "ë"}
_VNI_I = {"": "i", "grave": "ì", "acute": "í", "hook": "æ", "tilde": "ó", "dot": "ò"}


def vni_encode(text: str) -> bytes:
    """Unicode -> VNI-Windows bytes, built from the VNI typing rules."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ord(ch) < 0x80:
            out.append(ch)
            continue
        low = ch.lower()
        nfd = unicodedata.normalize("NFD", low)
        tone = next((TONES[m] for m in nfd if m in TONES), "")
        base = unicodedata.normalize("NFC", "".join(m for m in nfd if m not in TONES))
        if base == "đ":
            seq = "ñ"
        elif base in "aeouy":
            seq = "î" if (base, tone) == ("y", "dot") else base + _VNI_PLAIN_TONE[tone]
        elif base == "i":
            seq = _VNI_I[tone]
        elif base in "âêô":
            seq = "aeo"["âêô".index(base)] + _VNI_CIRCUMFLEX[tone]
        elif base == "ă":
            seq = "a" + _VNI_BREVE[tone]
        elif base in "ơư":
            seq = "ôö"["ơư".index(base)] + _VNI_PLAIN_TONE[tone]
        else:
            raise ValueError(f"not encodable in VNI: {ch!r}")
        out.append(seq.upper() if ch.isupper() else seq)
    return "".join(out).encode("cp1252")


def cp1258_encode(text: str) -> bytes:
    """Unicode -> Windows-1258 as Windows writes it: base letters precomposed (â ă ê ô ơ ư đ), tones as separate
    combining bytes."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        nfd = unicodedata.normalize("NFD", ch)
        tones = "".join(m for m in nfd if m in TONES)
        base = unicodedata.normalize("NFC", "".join(m for m in nfd if m not in TONES))
        out += base.encode("cp1258") + tones.encode("cp1258")
    return bytes(out)


def write(path, data: bytes):
    path.write_bytes(data)
    return str(path)


# ---------------------------------------------------------------------------------------------------------------
# The encoders themselves.


def test_encoders_produce_the_known_mojibake():
    assert tcvn3_encode("Uỷ ban nhân dân").decode("cp1252") == "Uû ban nh©n d©n"
    assert tcvn3_encode("NĐ-CP ngày").decode("cp1252") == "N§-CP ngµy"
    vni = vni_encode("Cộng hòa xã hội chủ nghĩa Việt Nam").decode("cp1252")
    assert vni == "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam"
    assert vni_encode("được").decode("cp1252") == "ñöôïc"
    raw = cp1258_encode("Việt")
    assert raw == b"Vi\xea\xf2t"  # ê, then the combining dot below as its own byte


# ---------------------------------------------------------------------------------------------------------------
# UTF-8, BOMs, normalization policy.


def test_utf8_plain(tmp_path):
    data = LONG_TEXT.encode("utf-8")
    p = write(tmp_path / "a.txt", data)
    r = read_file(p)
    assert r == ReadResult(
        path=p,
        text=LONG_TEXT,
        encoding="utf-8",
        skipped=None,
        size=len(data),
        mtime_ns=os.stat(p).st_mtime_ns,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def test_path_is_returned_as_given(tmp_path):
    write(tmp_path / "a.txt", b"x")
    assert read_file(tmp_path / "a.txt").path == str(tmp_path / "a.txt")
    assert read_file(os.fsencode(tmp_path / "a.txt")).path == str(tmp_path / "a.txt")


def test_utf8_bom_is_removed(tmp_path):
    p = write(tmp_path / "bom.txt", codecs.BOM_UTF8 + SENTENCE.encode("utf-8"))
    r = read_file(p)
    assert (r.text, r.encoding, r.skipped) == (SENTENCE, "utf-8-sig", None)


@pytest.mark.parametrize(
    "codec, bom, name",
    [
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16-le"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16-be"),
        ("utf-32-le", codecs.BOM_UTF32_LE, "utf-32-le"),
        ("utf-32-be", codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_utf16_utf32_with_bom(tmp_path, codec, bom, name):
    p = write(tmp_path / "u.txt", bom + LONG_TEXT.encode(codec))
    r = read_file(p)
    assert (r.text, r.encoding, r.skipped) == (LONG_TEXT, name, None)


def test_utf16_without_bom(tmp_path):
    r = read_file(write(tmp_path / "u.txt", LONG_TEXT.encode("utf-16-le")))
    assert (r.text, r.encoding) == (LONG_TEXT, "utf-16-le")
    r = read_file(write(tmp_path / "v.txt", SENTENCE.encode("utf-16-be")))
    assert (r.text, r.encoding) == (SENTENCE, "utf-16-be")


def test_nfd_utf8_is_kept_as_is(tmp_path):
    nfd = unicodedata.normalize("NFD", LONG_TEXT)
    assert nfd != LONG_TEXT
    r = read_file(write(tmp_path / "nfd.txt", nfd.encode("utf-8")))
    assert r.text == nfd  # offsets index the decoded text: no normalization for UTF-8
    assert r.encoding == "utf-8"


def test_control_characters_are_kept(tmp_path):
    text = "Nghị\u00a0định\x0c số\u200b 30/2020/NĐ-CP\r\n\x1a"
    r = read_file(write(tmp_path / "c.txt", text.encode("utf-8")))
    assert r.text == text


def test_utf8_with_a_stray_byte_is_read_lossy(tmp_path):
    data = LONG_TEXT.encode("utf-8") + b"\xff" + SENTENCE.encode("utf-8")
    r = read_file(write(tmp_path / "lossy.txt", data))
    assert r.encoding == "utf-8-lossy"
    assert r.text == LONG_TEXT + "\ufffd" + SENTENCE


def test_truncated_utf8_character_at_end(tmp_path):
    data = LONG_TEXT.encode("utf-8") + "ệ".encode("utf-8")[:2]
    r = read_file(write(tmp_path / "cut.txt", data))
    assert r.encoding == "utf-8-lossy"
    assert r.text == LONG_TEXT + "\ufffd"


# ---------------------------------------------------------------------------------------------------------------
# Legacy Vietnamese encodings.


def test_tcvn3_round_trip_sentence(tmp_path):
    data = tcvn3_encode(SENTENCE)
    assert data.decode("cp1252").startswith("Uû ban nh©n d©n tØnh Kh¸nh Hßa")
    r = read_file(write(tmp_path / "abc.txt", data))
    assert (r.text, r.encoding, r.skipped) == (SENTENCE, "tcvn3", None)
    assert r.sha256 == hashlib.sha256(data).hexdigest()


def test_tcvn3_long_text_and_nfc(tmp_path):
    # "Ủy" (uppercase toned U has no TCVN3 code) is written "ủy" with the lowercase code and decodes so.
    text, enc = decode_bytes(tcvn3_encode(LONG_TEXT))
    assert enc == "tcvn3"
    assert text == LONG_TEXT.replace("Ủy", "ủy")
    assert unicodedata.is_normalized("NFC", text)


def test_tcvn3_known_mojibake_bytes():
    assert decode_bytes("Uû ban nh©n d©n".encode("cp1252")) == ("Uỷ ban nhân dân", "tcvn3")
    assert decode_bytes("NghÞ ®Þnh sè 30/2020/N§-CP ngµy 05/3/2020".encode("cp1252")) == (
        "Nghị định số 30/2020/NĐ-CP ngày 05/3/2020",
        "tcvn3",
    )


def test_tcvn3_uppercase_words_typed_with_lowercase_codes():
    heading = "QUYẾT ĐỊNH\nCỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nLAO ĐỘNG ĐI LÀM VIỆC Ở NƯỚC NGOÀI\nHà Nội, 05/3/2020"
    data = tcvn3_encode(heading, gap_uppercase=False)
    assert data.decode("cp1252").startswith("QUYÕT §ÞNH")
    assert decode_bytes(data) == (heading, "tcvn3")
    # A one-letter-uppercase word is upper-cased only between toned uppercase words: "UỶ BAN" stays "Uỷ BAN"
    # (BAN has no tone, the bytes cannot tell "UỶ" from "Uỷ").
    assert decode_tcvn3(tcvn3_encode("UỶ BAN NHÂN DÂN", gap_uppercase=False)) == "Uỷ BAN NHÂN DÂN"
    # without the case heuristic the toned letters stay lowercase, exactly as coded
    assert decode_tcvn3(data, fix_case=False).startswith("QUYếT ĐịNH")


def test_tcvn3_case_heuristic_leaves_mixed_case_alone():
    text = "Uỷ ban nhân dân tỉnh Khánh Hòa; Công ty TNHH Hà Nội; UBND TP Hà Nội\nSố: 21/CT-TTg\nSở LĐTBXH tỉnh; Có HĐLĐ"
    assert decode_tcvn3(tcvn3_encode(text)) == text


def test_tcvn3_uppercase_toned_letters_with_their_own_code():
    text = "ỐNG ẮC QUY, ỀNH ỔN ẤN ẦM ỄNH ẾCH ỒN ỖNG ỂNH ẴM ẲNG ẰNG ẨN ẪN"
    data = tcvn3_encode(text)
    own_codes = {0xAF, 0xBA, 0xBF, 0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xCD, 0xD9, 0xDA, 0xDB, 0xE0, 0xF0, 0xFF}
    assert all(b < 0x80 or b in own_codes for b in data)
    assert decode_tcvn3(data) == text


@pytest.mark.slow
def test_tcvn3_table_matches_iconv_when_available():
    if shutil.which("iconv") is None:
        pytest.skip("iconv not installed: cannot cross-check the TCVN3 table")
    raw = bytes(range(0xA0, 0x100))
    proc = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=raw, capture_output=True)
    if proc.returncode != 0:
        pytest.skip("this iconv has no TCVN5712-1")
    expected = proc.stdout.decode("utf-8")
    got = "".join(text_format.TCVN3_TABLE[b] for b in raw)
    assert got == expected


def test_vni_round_trip(tmp_path):
    data = vni_encode(LONG_TEXT)
    r = read_file(write(tmp_path / "vni.txt", data))
    assert (r.text, r.encoding, r.skipped) == (LONG_TEXT, "vni", None)


def test_vni_uppercase_and_every_letter():
    letters = "aàảãáạăằẳẵắặâầẩẫấậeèẻẽéẹêềểễếệiìỉĩíịoòỏõóọôồổỗốộơờởỡớợuùủũúụưừửữứựyỳỷỹýỵđ"
    text = f"{letters} {letters.upper()} ĐỘC LẬP - TỰ DO - HẠNH PHÚC"
    assert decode_vni(vni_encode(text)) == text


def test_vni_known_mojibake():
    raw = "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam. Ñoäc laäp - Töï do - Haïnh phuùc".encode("cp1252")
    assert decode_bytes(raw) == ("Cộng hòa xã hội chủ nghĩa Việt Nam. Độc lập - Tự do - Hạnh phúc", "vni")


def test_windows_1258_becomes_nfc(tmp_path):
    data = cp1258_encode(LONG_TEXT)
    assert b"\xf2" in data and b"\xec" in data  # combining dot below / acute bytes are really there
    r = read_file(write(tmp_path / "w.txt", data))
    assert (r.text, r.encoding, r.skipped) == (LONG_TEXT, "windows-1258", None)
    assert unicodedata.is_normalized("NFC", r.text)


def test_windows_1258_sentence_with_uppercase():
    text = "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA\n" + SENTENCE
    assert decode_bytes(cp1258_encode(text)) == (text, "windows-1258")


def test_legacy_encodings_are_told_apart():
    for encode, name in ((tcvn3_encode, "tcvn3"), (vni_encode, "vni"), (cp1258_encode, "windows-1258")):
        for text in (SENTENCE, "Nghị định số 30/2020/NĐ-CP về công tác văn thư", LONG_TEXT.replace("Ủy", "Uỷ")):
            assert decode_bytes(encode(text)) == (text, name), (name, text)


# ---------------------------------------------------------------------------------------------------------------
# Other encodings and refusals.


def test_charset_normalizer_fallback_cyrillic():
    text = "Настоящий Федеральный закон регулирует отношения, возникающие в связи с исполнением решений. " * 3
    assert decode_bytes(text.encode("cp1251")) == (text, "cp1251")


WESTERN = {
    "fr": "Le conseil municipal s'est réuni mardi à la mairie pour étudier le budget. Après une longue discussion, "
    "les élus ont décidé de rénover l'école et d'agrandir la bibliothèque.",
    "es": "El ayuntamiento aprobó ayer el nuevo plan de movilidad después de varios meses de debate. ¿Qué pasará con "
    "los aparcamientos? Sí, tú podrás opinar en otoño.",
    "de": "Der Gemeinderat hat am Dienstag über den Haushalt beraten. Die Bücherei wird vergrößert, und die "
    "Maßnahmen sind für die Einwohner wichtig.",
    "it": "Il consiglio comunale si è riunito martedì per esaminare il bilancio. Perché adesso? Così i bambini "
    "potranno entrare nella nuova scuola già a settembre.",
    "pt": "A câmara municipal aprovou ontem o novo plano de mobilidade depois de vários meses de discussão. Também "
    "serão construídas novas ciclovias no próximo ano.",
}


@pytest.mark.parametrize("lang", sorted(WESTERN))
def test_western_text_is_not_taken_for_vietnamese(lang):
    # accented Latin words must not be read as TCVN3/VNI/Windows-1258 ("é" is "ộ" in TCVN3, "à" is "Ổ")
    text = WESTERN[lang]
    assert decode_bytes(text.encode("cp1252")) == (text, "cp1252")


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(0x80, 0x100)) * 4,
        b"abc \xff\xfe\xfd def \x8f\x90 \x81\x9d" * 10,
        b"\xff",
        b"ok \xb5",
    ],
)
def test_garbage_is_not_recognised(data):
    with pytest.raises(UndecodableError, match="encoding not recognised"):
        decode_bytes(data)


def test_binary_png_under_txt_name(tmp_path):
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00" + b"\x00" * 64
    p = write(tmp_path / "image.txt", data)
    r = read_file(p)
    assert r.text is None and r.encoding is None
    assert r.skipped == "binary file (NUL bytes)"
    assert r.size == len(data)
    assert r.sha256 == hashlib.sha256(data).hexdigest()
    with pytest.raises(BinaryFileError):
        decode_bytes(data)


def test_stray_nul_bytes_are_kept_but_many_are_binary():
    # PDF conversions leave a few NULs (check boxes): the text is kept, NULs included (normalize.py drops them)
    data = LONG_TEXT.encode("utf-8") + b"\x00 Nh\xc3\xa0 \x00\n"
    assert decode_bytes(data) == (LONG_TEXT + "\x00 Nhà \x00\n", "utf-8")
    with pytest.raises(BinaryFileError, match="NUL"):
        decode_bytes(b"abc\x00def\x00" * 10)  # more than 1 % NUL bytes
    with pytest.raises(BinaryFileError, match="NUL"):
        decode_bytes(b"\x00" * 10)


def test_control_characters_heavy_file_is_binary(tmp_path):
    data = b"\x01\x02\x03\x04abc\x1b\x1c\x1d" * 50
    r = read_file(write(tmp_path / "ctl.txt", data))
    assert r.skipped == "binary file (control characters)"
    assert r.text is None
    with pytest.raises(BinaryFileError):
        decode_bytes(bytes([0x10, 0x11, 0xE9, 0x12, 0x13]) * 20)  # not UTF-8 either


def test_empty_file(tmp_path):
    p = write(tmp_path / "empty.txt", b"")
    r = read_file(p)
    assert (r.text, r.encoding, r.skipped, r.size) == ("", "utf-8", None, 0)
    assert r.sha256 == hashlib.sha256(b"").hexdigest()
    assert decode_bytes(b"") == ("", "utf-8")


# ---------------------------------------------------------------------------------------------------------------
# File system oddities.


def test_missing_file(tmp_path):
    r = read_file(tmp_path / "nope.txt")
    assert r == ReadResult(str(tmp_path / "nope.txt"), None, None, "not found", 0, 0, None)


def test_directory_passed_as_file(tmp_path):
    r = read_file(tmp_path)
    assert r.skipped == "not a regular file"
    assert r.text is None and r.sha256 is None


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_broken_symlink(tmp_path):
    link = tmp_path / "dangling.txt"
    os.symlink(tmp_path / "missing.txt", link)
    assert read_file(link).skipped == "broken symlink"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_symlink_to_file_is_followed(tmp_path):
    target = tmp_path / "real.txt"
    target.write_bytes(SENTENCE.encode("utf-8"))
    os.symlink(target, tmp_path / "link.txt")
    assert read_file(tmp_path / "link.txt").text == SENTENCE


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_self_referencing_symlink(tmp_path):
    loop = tmp_path / "loop.txt"
    os.symlink(loop, loop)
    assert read_file(loop).skipped == "symlink loop"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_does_not_block(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    box: list[ReadResult] = []
    t = threading.Thread(target=lambda: box.append(read_file(fifo)), daemon=True)
    t.start()
    t.join(timeout=10)
    if t.is_alive():  # unblock the reader before failing, so the test run does not hang
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        pytest.fail("read_file blocked on a FIFO")
    assert box[0].skipped == "not a regular file"
    assert box[0].text is None


def test_permission_denied_reported(tmp_path, monkeypatch):
    p = write(tmp_path / "secret.txt", b"abc")

    def deny(*args, **kwargs):
        raise PermissionError(13, "Permission denied", p)

    monkeypatch.setattr(registry.os, "open", deny)
    r = read_file(p)
    assert r.skipped == "permission denied"
    assert r.size == 3 and r.sha256 is None


def test_max_bytes(tmp_path):
    p = write(tmp_path / "big.txt", b"x" * 100)
    r = read_file(p, max_bytes=10)
    assert r.skipped == "file too large (100 bytes > 10)"
    assert r.text is None and r.sha256 is None and r.size == 100
    assert read_file(p, max_bytes=100).text == "x" * 100


def test_20_mb_single_line(tmp_path):
    unit = "Nghị định số 30/2020/NĐ-CP ngày 05/3/2020; "
    text = unit * (20_000_000 // len(unit.encode("utf-8")) + 1)
    data = text.encode("utf-8")
    assert len(data) > 20_000_000 and b"\n" not in data
    r = read_file(write(tmp_path / "huge.txt", data))
    assert r.skipped is None and r.encoding == "utf-8"
    assert len(r.text) == len(text) and r.text[-len(unit) :] == unit
    assert r.size == len(data)


def test_large_tcvn3_file_single_line(tmp_path):
    unit = "QUYẾT ĐỊNH " + SENTENCE + "; "
    data = tcvn3_encode(unit, gap_uppercase=False) * (4_000_000 // len(unit) + 1)
    r = read_file(write(tmp_path / "huge_abc.txt", data))
    assert r.encoding == "tcvn3"
    assert r.text == unit * (4_000_000 // len(unit) + 1)


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="needs a file system that accepts any bytes in names")
def test_invalid_utf8_file_name(tmp_path):
    raw = os.fsencode(tmp_path) + b"/bad\xff\xfename.txt"
    fd = os.open(raw, os.O_CREAT | os.O_WRONLY, 0o644)
    os.write(fd, SENTENCE.encode("utf-8"))
    os.close(fd)
    items = list(iter_files([tmp_path]))
    assert items == [(os.fsdecode(raw), "file name is not valid UTF-8")]
    r = read_file(items[0][0])  # still readable for callers that want it
    assert r.text == SENTENCE and r.path == os.fsdecode(raw)


# ---------------------------------------------------------------------------------------------------------------
# iter_files


def make_tree(root):
    (root / "b").mkdir()
    (root / "b" / "c").mkdir()
    (root / ".git").mkdir()
    (root / "__pycache__").mkdir()
    names = ("z.txt", "a.md", "B.TXT", "notes.py", "b/x.txt", "b/c/y.md", ".git/h.txt", "__pycache__/p.txt")
    for rel in (*names, ".hidden.txt"):
        (root / rel).write_text("x", encoding="utf-8")


def test_iter_files_walks_sorted_and_filters(tmp_path):
    make_tree(tmp_path)
    got = list(iter_files([tmp_path]))
    j = lambda *parts: os.path.join(str(tmp_path), *parts)  # noqa: E731
    assert got == [
        (j("B.TXT"), None),  # globs match case-insensitively; sorted by name (upper case first)
        (j("a.md"), None),
        (j("b", "c", "y.md"), None),  # depth first, in name order
        (j("b", "x.txt"), None),
        (j("z.txt"), None),
    ]  # .git, __pycache__ and hidden files are not walked; notes.py does not match
    assert list(iter_files([tmp_path], globs=("*.py",))) == [(j("notes.py"), None)]


def test_iter_files_explicit_arguments(tmp_path):
    make_tree(tmp_path)
    explicit = str(tmp_path / "notes.py")
    missing = str(tmp_path / "missing.txt")
    hidden = str(tmp_path / ".hidden.txt")
    got = list(iter_files([explicit, missing, hidden, str(tmp_path / "b"), explicit]))
    assert got == [
        (explicit, None),  # explicit file yielded although *.py does not match; yielded once
        (missing, "not found"),
        (hidden, None),
        (os.path.join(str(tmp_path / "b"), "c", "y.md"), None),
        (os.path.join(str(tmp_path / "b"), "x.txt"), None),
    ]


def test_iter_files_same_file_twice_through_folder_and_argument(tmp_path):
    make_tree(tmp_path)
    got = list(iter_files([str(tmp_path / "z.txt"), str(tmp_path)]))
    assert [p for p, _ in got].count(str(tmp_path / "z.txt")) == 1
    assert len(got) == 5


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_iter_files_symlink_loop(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "doc.txt").write_text("x", encoding="utf-8")
    os.symlink(tmp_path / "a", tmp_path / "a" / "b" / "up")  # a/b/up -> a: a loop
    os.symlink(tmp_path / "self.txt", tmp_path / "self.txt")  # a link to itself
    got = list(iter_files([tmp_path]))
    assert got == [
        (str(tmp_path / "a" / "b" / "doc.txt"), None),
        (str(tmp_path / "a" / "b" / "up"), "symlink loop"),
        (str(tmp_path / "self.txt"), "symlink loop"),
    ]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_iter_files_symlinked_folder_walked_once(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "doc.txt").write_text("x", encoding="utf-8")
    os.symlink(tmp_path / "real", tmp_path / "alias")
    os.symlink(tmp_path / "real", tmp_path / "zlink")
    os.symlink(tmp_path / "gone.txt", tmp_path / "broken.txt")
    got = list(iter_files([tmp_path]))
    assert got == [
        (str(tmp_path / "alias" / "doc.txt"), None),
        (str(tmp_path / "broken.txt"), "broken symlink"),
        (str(tmp_path / "real"), "folder already walked"),
        (str(tmp_path / "zlink"), "folder already walked"),
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_iter_files_fifo_and_unlistable_folder(tmp_path, monkeypatch):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "locked").mkdir()
    assert list(iter_files([tmp_path / "pipe.txt"])) == [(str(tmp_path / "pipe.txt"), "not a regular file")]

    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(listing.os, "scandir", scandir)
    assert list(iter_files([tmp_path])) == [
        (str(tmp_path / "locked"), "permission denied"),
        (str(tmp_path / "pipe.txt"), "not a regular file"),
    ]


# ---------------------------------------------------------------------------------------------------------------
# Data class


def test_read_result_is_frozen_with_slots():
    r = ReadResult("p", "t", "utf-8", None, 1, 2, "00")
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.text = "x"  # type: ignore[misc]
    assert not hasattr(r, "__dict__")
    assert issubclass(BinaryFileError, ReaderError) and issubclass(UndecodableError, ReaderError)


# ---------------------------------------------------------------------------------------------------------------
# Properties


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_decode_bytes_never_raises_anything_else(data):
    try:
        text, encoding = decode_bytes(data)
    except ReaderError as exc:
        assert str(exc)
    else:
        assert isinstance(text, str) and isinstance(encoding, str) and encoding


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000))
def test_read_file_never_raises(tmp_path, data):
    p = write(tmp_path / "random.txt", data)
    r = read_file(p)
    assert r.size == len(data)
    assert r.sha256 == hashlib.sha256(data).hexdigest()
    assert (r.text is None) == (r.skipped is not None) == (r.encoding is None)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=500))
def test_any_utf8_text_decodes_unchanged_or_is_binary(text):
    try:
        if text.startswith("\ufeff"):  # a leading U+FEFF is a BOM
            assert decode_bytes(text.encode("utf-8")) == (text[1:], "utf-8-sig")
        else:
            assert decode_bytes(text.encode("utf-8")) == (text, "utf-8")
    except BinaryFileError:
        assert "\x00" in text or any(unicodedata.category(c) == "Cc" for c in text)


VIET_LOWER = "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=VIET_LOWER + VIET_LOWER.upper() + " .,;:/-0123456789\n", max_size=300))
def test_legacy_tables_round_trip(text):
    assert decode_vni(vni_encode(text)) == text
    assert decode_tcvn3(tcvn3_encode(text.lower()), fix_case=False) == text.lower()


# ---------------------------------------------------------------------------------------------------------------
# read_bytes: the same result as read_file for the same name and content, without the disk.

SAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "samples")


@pytest.mark.parametrize("name,data", [
    ("a.txt", LONG_TEXT.encode("utf-8")),
    ("a.md", codecs.BOM_UTF16_LE + SENTENCE.encode("utf-16-le")),
    ("tcvn3.txt", tcvn3_encode(LONG_TEXT)),
    ("vni.txt", vni_encode(LONG_TEXT)),
    ("cp1258.txt", cp1258_encode(LONG_TEXT)),
    ("binary.txt", b"\x00\x01\x02" * 100),
    ("empty.txt", b""),
    ("no-extension", SENTENCE.encode("utf-8")),
    ("text-under-office-name.doc", SENTENCE.encode("utf-8")),
    ("broken.pdf", b"not a pdf at all"),
    ("15_bac-giang_so-y-te_kh-88.docx", None),  # None: the sample of that name
    ("16_khanh-hoa_dien-khanh_huyen-uy_kh-56.pdf", None),
    ("17_bac-giang_cong-thong-tin_tin-so-y-te.html", None),
])
def test_read_bytes_gives_what_read_file_gives(tmp_path, name, data):
    if data is None:
        with open(os.path.join(SAMPLES, name), "rb") as fh:
            data = fh.read()
    p = write(tmp_path / name, data)
    from_disk = read_file(p)
    from_bytes = read_bytes(str(p), data, from_disk.mtime_ns)
    assert from_bytes == from_disk
    assert read_bytes(name, data).mtime_ns == 0 and read_bytes(name, data).path == name
    assert read_bytes(name, bytearray(data)) == read_bytes(name, data)


def test_read_bytes_keeps_the_skip_reasons():
    assert read_bytes("x.txt", b"\x00" * 50).skipped == "binary file (NUL bytes)"
    assert read_bytes("x.pdf", b"plain words").skipped == "not a PDF file (no %PDF header)"
    r = read_bytes("x.txt", vni_encode(LONG_TEXT))
    assert (r.text, r.encoding, r.locations) == (LONG_TEXT, "vni", None)


# ---------------------------------------------------------------------------------------------------------------
# The table of formats


def test_formats_table():
    assert [f.name for f in FORMATS] == ["text", "docx", "pdf", "html", "doc"]
    assert TEXT_GLOBS == ("*.txt", "*.md")
    assert OFFICE_GLOBS == ("*.docx", "*.pdf", "*.html", "*.htm", "*.doc")
    assert [(n, kind_of(n)) for n in ("a.DOCX", "b.pdf", "c.htm", "d.html", "e.doc", "f.txt", "g")] == [
        ("a.DOCX", "docx"), ("b.pdf", "pdf"), ("c.htm", "html"), ("d.html", "html"), ("e.doc", "doc"),
        ("f.txt", None), ("g", None)]
    assert {f.name: f.modules for f in FORMATS}["pdf"] == ("pypdfium2",)


# ---------------------------------------------------------------------------------------------------------------
# list_files: the folder walk with the ignore rules (what a scan reads)


def test_list_files_applies_ignore_file_and_excludes(tmp_path):
    for rel in ("a.txt", "b.txt", "notes/c.txt", "notes/d.md", "draft/e.txt", "f.bin"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    (tmp_path / ".docgraphignore").write_text("# drafts are not read\ndraft/*\n\nb.txt\n", encoding="utf-8")
    names = lambda **kw: [os.path.relpath(p, tmp_path) for p, _ in list_files([str(tmp_path)], **kw)]
    assert names() == ["a.txt", os.path.join("notes", "c.txt"), os.path.join("notes", "d.md")]
    assert names(exclude=["*.md"]) == ["a.txt", os.path.join("notes", "c.txt")]
    assert names(globs=["*.bin"]) == ["f.bin"]
    assert names(ignore=[]) == ["a.txt", "b.txt", os.path.join("draft", "e.txt"), os.path.join("notes", "c.txt"),
                                os.path.join("notes", "d.md")]
    assert ignore_patterns([str(tmp_path)], ["*.md"]) == [("", "*.md"), (str(tmp_path), "draft/*"),
                                                          (str(tmp_path), "b.txt")]
    assert is_ignored(str(tmp_path / "draft" / "e.txt"), ignore_patterns([str(tmp_path)], []))
    assert not is_ignored(str(tmp_path / "a.txt"), ignore_patterns([str(tmp_path)], []))


def test_list_files_leaves_out_folders_walked_twice(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("x", encoding="utf-8")
    os.symlink(tmp_path / "sub", tmp_path / "link")  # "link" sorts first: "sub" is then a folder walked already
    assert list(iter_files([str(tmp_path)])) == [(str(tmp_path / "link" / "a.txt"), None),
                                                 (str(tmp_path / "sub"), "folder already walked")]
    assert list(list_files([str(tmp_path)])) == [(str(tmp_path / "link" / "a.txt"), None)]
