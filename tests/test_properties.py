"""Property tests of the rule engine (``docgraph.extract_text``).

(a) references generated from the numbering grammar (Party ``N-TYPE/ISSUER``, state ``N/TYPE-ISSUER``, normative
    ``N/YEAR/TYPE-ISSUER``, laws ``N/YEAR/QH14``) with random type words, "số", numbers, dates, issuer phrases,
    dash and space variants and Unicode forms, embedded in random Vietnamese filler: found exactly once, with the
    exact number, canonical symbol, year and date;
(b) arbitrary text never raises and every mention is a non-empty slice of the input;
(c) invisible characters and NBSP inserted into a known reference: offsets still slice the source, and the slice
    is the reference with those characters in it.

All texts are built here from word lists; nothing comes from a real corpus.
"""

from __future__ import annotations

import datetime
import json
import re
import unicodedata
from dataclasses import dataclass

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from docgraph import extract_text

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NBSP = "\u00a0"
ZWSP = "\u200b"
SHY = "\u00ad"
ETH = "\u00d0"  # Ð, Latin Eth, an OCR / font look-alike of Đ

# ---------------------------------------------------------------------------------------------------------------
# Vocabulary

TYPE_WORDS = [
    "Chỉ thị", "Nghị quyết", "Quyết định", "Quy định", "Kế hoạch", "Chương trình", "Hướng dẫn", "Kết luận",
    "Thông báo", "Thông tri", "Công văn", "Văn bản", "Công điện", "Thông tư", "Nghị định", "Luật", "Pháp lệnh",
    "Báo cáo", "Tờ trình", "Đề án", "Quy chế",
]

PARTY_TYPES = ["CT", "NQ", "KH", "QĐ", "QĐi", "KL", "HD", "TB", "CTr", "TTr", "BC", "QC", "TT", "ĐA", "CV"]
PARTY_ISSUERS = ["TW", "TU", "VPTW", "BTCTW", "UBKTTW", "BTGTU", "BDVTU", "HU", "QU", "ĐU", "BTCTU-BDVTU"]

STATE_SYMBOLS = [
    "QĐ-TTg", "QĐ-UBND", "KH-UBND", "KH-SKHCN", "TB-VPCP", "BC-BNV", "TTr-CP", "CĐ-TTg", "KH-BCA-BNN&MT",
    "QĐ-BYT", "KH-SGDĐT", "UBND-KGVX", "SGDĐT-VP", "VBHN-VPQH", "CTr-UBND", "NQ-HĐND",
]
NORMATIVE_SYMBOLS = [
    "NĐ-CP", "TT-BTC", "TT-BGTVT", "QĐ-TTg", "NQ-HĐND", "TTLT-BNV-BTC", "TT-BGDĐT", "TT-BLĐTBXH", "NQ-CP",
    "QĐ-UBND", "PL-UBTVQH11",
]
LAW_SYMBOLS = ["QH13", "QH14", "QH15", "UBTVQH14", "UBTVQH15"]

ISSUER_PHRASES = ["Bộ Chính trị", "Chính phủ", "UBND tỉnh Bắc Giang"]

# Filler: no digits at all (so never "digit then / or -"), no type word, and none of the words that the engine
# reads around a reference ("số", "ngày", "của", "năm", "tháng", "khóa", "về", "điều", "khoản"...).
FILLER_WORDS = [
    "nhằm", "tăng cường", "công tác", "công chức", "đảng viên", "nhân dân", "phát triển", "kinh tế", "bảo đảm",
    "an ninh", "trật tự", "các cấp", "địa phương", "đơn vị", "nghiêm túc", "hiệu quả", "tổ chức", "lãnh đạo",
    "chỉ đạo", "kiểm tra", "giám sát", "đời sống", "người dân", "doanh nghiệp", "môi trường", "nông thôn",
    "giáo dục", "y tế", "văn hóa", "thể thao", "khoa học", "công nghệ", "chuyển đổi số", "hành chính",
    "cải cách", "trách nhiệm", "người đứng đầu", "cơ quan", "mặt trận", "đoàn thể", "tuyên truyền", "vận động",
    "xây dựng", "chỉnh đốn", "toàn diện", "bền vững", "thường xuyên", "kịp thời", "quyết liệt",
    "phối hợp", "chặt chẽ", "nâng cao", "chất lượng", "đội ngũ", "trí thức", "thanh niên", "phụ nữ", "biên giới",
    "hải đảo", "miền núi", "đồng bằng", "an sinh", "xã hội", "ổn định", "vững chắc",
    # no word ending in "bộ" ("cán bộ", "đồng bộ"): "cán bộ Luật số ..." is read as the type word "Bộ luật"
]
assert not any(ch.isdigit() for w in FILLER_WORDS for ch in w)


@st.composite
def filler(draw, min_words: int = 0, max_words: int = 12) -> str:
    words = draw(st.lists(st.sampled_from(FILLER_WORDS), min_size=min_words, max_size=max_words))
    return " ".join(words)


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


# ---------------------------------------------------------------------------------------------------------------
# (a) generated references


@dataclass
class Ref:
    text: str  # the whole generated reference, as inserted
    core: str  # the number-symbol part, as inserted
    number: str
    symbol: str
    year: int | None
    date: str | None
    issuer: str | None


HYPHENS = ["-", "-", "\u2013", "\u2011", "\u2212"]  # ASCII hyphen, en dash, non-breaking hyphen, minus


@st.composite
def hyphen(draw) -> str:
    h = draw(st.sampled_from(HYPHENS))
    if draw(st.booleans()):
        h += draw(st.sampled_from([" ", NBSP]))  # "TT- BGTVT", "296- QĐ/TW"
    return h


@st.composite
def number_str(draw) -> str:
    n = draw(st.integers(min_value=1, max_value=9999))
    s = str(n)
    if len(s) < 4 and draw(st.booleans()):
        s = s.zfill(draw(st.integers(min_value=len(s) + 1, max_value=4)))  # "05", "0031"
    return s


@st.composite
def written_code(draw, code: str) -> str:
    """A code as written: Đ sometimes as Ð (Latin Eth)."""
    if "Đ" in code and draw(st.booleans()):
        return code.replace("Đ", ETH)
    return code


@st.composite
def join_segments(draw, segs: list[str]) -> str:
    out = draw(written_code(segs[0]))
    for seg in segs[1:]:
        out += draw(hyphen()) + draw(written_code(seg))
    return out


DATE_FORMS = {  # how a date is written
    "d/m/y": "{d}/{m}/{y}",
    "dd/mm/y": "{d:02d}/{m:02d}/{y}",
    "dd-mm-y": "{d:02d}-{m:02d}-{y}",
    "d-m-y": "{d}-{m}-{y}",
    "dd.mm.y": "{d:02d}.{m:02d}.{y}",
    "words": "{d:02d} tháng {m} năm {y}",
    "words_padded": "{d:02d} tháng {m:02d} năm {y}",
    "ocr_space": "{d}/ {m}/{y}",  # OCR: "22/ 12/2024"
}


@st.composite
def date_phrase(draw, year: int) -> tuple[str, str]:
    """(written date without 'ngày', ISO date)."""
    month = draw(st.integers(min_value=1, max_value=12))
    day = draw(st.integers(min_value=1, max_value=28))
    iso = f"{year:04d}-{month:02d}-{day:02d}"
    fmt = draw(st.sampled_from(list(DATE_FORMS)))
    return DATE_FORMS[fmt].format(d=day, m=month, y=year), iso


@st.composite
def core_reference(draw) -> tuple[str, str, str, int | None]:
    """(written core, number, canonical symbol, year carried by the number or None)."""
    family = draw(st.sampled_from(["party", "state", "normative", "law"]))
    num = draw(number_str())
    if family == "party":
        typ = draw(st.sampled_from(PARTY_TYPES))
        iss = draw(st.sampled_from(PARTY_ISSUERS))
        symbol = f"{typ}/{iss}"
        written = num + draw(hyphen()) + draw(written_code(typ)) + "/" + draw(join_segments(iss.split("-")))
        return written, num, symbol, None
    slash = draw(st.sampled_from(["/", "/", " /"]))  # "2219 /QĐ-TTg"
    if family == "state":
        symbol = draw(st.sampled_from(STATE_SYMBOLS))
        return num + slash + draw(join_segments(symbol.split("-"))), num, symbol, None
    year = draw(st.integers(min_value=1995, max_value=2025))
    symbol = draw(st.sampled_from(NORMATIVE_SYMBOLS if family == "normative" else LAW_SYMBOLS))
    written = f"{num}{slash}{year}/" + draw(join_segments(symbol.split("-")))
    return written, num, symbol, year


@st.composite
def reference(draw) -> Ref:
    core, number, symbol, num_year = draw(core_reference())
    parts: list[str] = []
    tw = draw(st.one_of(st.none(), st.sampled_from(TYPE_WORDS)))
    case = draw(st.sampled_from(["lower", "sentence", "title", "upper"]))
    so = draw(st.sampled_from(["", "số ", "số", "số\n"]))  # "số31-QĐ/TW", line break after "số"

    def cased(s: str) -> str:
        return {"lower": s.lower(), "sentence": s, "title": s.title(), "upper": s.upper()}[case]

    year = num_year
    date = issuer = written_date = None
    if draw(st.booleans()):
        dyear = num_year if num_year is not None else draw(st.integers(min_value=1995, max_value=2025))
        written_date, date = draw(date_phrase(dyear))
        if year is None:
            year = dyear
    if draw(st.booleans()):
        issuer = draw(st.sampled_from(ISSUER_PHRASES))
    # where the date and the issuer go: after the number (either order), or between the type word and "số"
    # ("Quyết định ngày 12/4/2021 số 45/QĐ-UBND", "Quyết định của Chính phủ số ...")
    order = draw(st.sampled_from(["date_issuer", "issuer_date", "before"] if tw else ["date_issuer", "issuer_date"]))
    comma = draw(st.sampled_from(["", ","]))
    if tw is not None:
        parts.append(cased(tw))
        if order == "before":
            if issuer:
                parts.append(f" của {issuer}")
            if written_date:
                parts.append(f"{comma} ngày {written_date}")
        parts.append(" ")
        if order == "before" and (issuer or written_date) and not so.strip():
            so = "số "
    parts.append(cased(so) + core)
    if order == "date_issuer" and written_date:
        parts.append(f"{comma} ngày {written_date}")
    if order != "before" and issuer:
        parts.append(f" của {issuer}")
    if order == "issuer_date" and written_date:
        parts.append(f" ngày {written_date}")
    return Ref("".join(parts), core, number, symbol, year, date, issuer)


@st.composite
def embedded(draw) -> tuple[str, Ref]:
    ref = draw(reference())
    before = draw(filler(max_words=10))
    after = draw(filler(max_words=10))
    # the reference ends with a punctuation mark or a subject, so that an issuer phrase has a clear end
    end = draw(st.sampled_from([";", ".", ",", " về việc", " về"]))
    text = (_cap(before) + " " if before else "") + ref.text + end + (" " + after if after else "")
    if draw(st.booleans()):
        text = _cap(draw(filler(min_words=1, max_words=8))) + ".\n" + text
    return text, ref


def _nfc(s: str | None) -> str | None:
    return unicodedata.normalize("NFC", s) if s is not None else None


def _check_found_once(text: str, ref: Ref) -> None:
    ms = extract_text(text)
    assert len(ms) == 1, f"{text!r}: expected one mention, got {[(m.text, m.number, m.symbol) for m in ms]}"
    m = ms[0]
    assert m.text == text[m.start:m.end]
    assert (m.number, m.symbol, m.year, m.date) == (ref.number, ref.symbol, ref.year, ref.date), (
        f"{text!r}: got {(m.number, m.symbol, m.year, m.date)}, "
        f"expected {(ref.number, ref.symbol, ref.year, ref.date)}")
    if ref.issuer is not None:
        # the issuer is read from the source text (which may be NFD): compare in NFC
        assert _nfc(m.issuer) == ref.issuer, f"{text!r}: issuer {m.issuer!r}, expected {ref.issuer!r}"
    # the mention covers the number-symbol core as written
    core = unicodedata.normalize("NFD", ref.core) if text != unicodedata.normalize("NFC", text) else ref.core
    i = text.find(core)
    if i != -1:
        assert m.start <= i and i + len(core) <= m.end, f"{text!r}: core {core!r} not inside {m.text!r}"


@SETTINGS
@given(embedded(), st.sampled_from(["NFC", "NFD"]))
@example(("Thực hiện Chỉ thị số 28-CT/TW ngày 25/12/2023 của Bộ Chính trị;",
          Ref("Chỉ thị số 28-CT/TW ngày 25/12/2023 của Bộ Chính trị", "28-CT/TW", "28", "CT/TW", 2023,
              "2023-12-25", "Bộ Chính trị")), "NFD")
# "số" glued to the number in capitals, as in a heading written all in capitals ("QUYẾT ĐỊNH SỐ12/QĐ-TTg")
@example(("SỐ1-CT/TW;", Ref("SỐ1-CT/TW", "1-CT/TW", "1", "CT/TW", None, None, None)), "NFC")
def test_generated_reference_found_once(case, form):
    text, ref = case
    text = unicodedata.normalize(form, text)
    _check_found_once(text, ref)


# ---------------------------------------------------------------------------------------------------------------
# (b) arbitrary text: never raises, every mention is a slice of the input

ALPHABET = st.one_of(
    st.characters(min_codepoint=0, max_codepoint=0x1F),  # control characters
    st.characters(min_codepoint=0x300, max_codepoint=0x36F),  # combining marks
    st.sampled_from(list("ăâđêôơưĂÂĐÊÔƠƯàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")),
    st.sampled_from(list("0123456789/-/-  \n,.;:()&")),
    st.sampled_from(["\u2013", NBSP, ZWSP, SHY, ETH, "\u00f0", "\ufeff", "\u2028", "\x85", "\u0421", "\r"]),
    st.characters(min_codepoint=0x41, max_codepoint=0x7A),
    st.characters(),
)
TOKENS = st.sampled_from([
    "số ", "Số: ", "ngày ", " tháng ", " năm ", "của ", "Chỉ thị ", "Nghị định ", "Luật ", "quyết định ",
    "-CT/TW", "/QĐ-UBND", "/2020/NĐ-CP", "/QH14", "-CP", "(gọi tắt là Chỉ thị ", ")", "Điều ", "khoản ",
    "Bộ Chính trị", "UBND tỉnh ", "về việc ", "khóa XIII", "Tỉnh uỷ", "hoà", "2024", "12/5/2023",
])
RANDOM_TEXT = st.one_of(
    st.text(ALPHABET, max_size=120),
    st.lists(st.one_of(TOKENS, st.text(ALPHABET, max_size=6)), max_size=30).map("".join),
)


@SETTINGS
@given(RANDOM_TEXT)
@example("Luật Đất đai năm 2024\u0301")
@example("Chỉ thị số 05-CT/TW\u200b\u0301")
def test_random_text_never_raises_and_slices(text):
    for m in extract_text(text):
        assert 0 <= m.start < m.end <= len(text), (text, m)
        assert m.text == text[m.start:m.end], (text, m)
        if m.date is not None:
            datetime.date.fromisoformat(m.date)
        assert m.number is None or m.number.isdigit(), (text, m)


# ---------------------------------------------------------------------------------------------------------------
# (c) invisible characters and NBSP inside a known reference

KNOWN = [
    # (reference, number, symbol, year, date)
    ("Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ", "30", "NĐ-CP", 2020, "2020-03-05"),
    ("Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị", "35", "CT/TW", 2024, "2024-06-14"),
    ("Kế hoạch số 215/KH-SKHCN ngày 12/4/2021 của UBND tỉnh Bắc Giang", "215", "KH-SKHCN", 2021, "2021-04-12"),
    ("Luật số 59/2020/QH14 ngày 17 tháng 6 năm 2020", "59", "QH14", 2020, "2020-06-17"),
]
INVISIBLE = [ZWSP, SHY, "\u200c", "\u2060", "\ufeff"]


def _strip_invisible(s: str) -> str:
    return "".join(c for c in s if c not in INVISIBLE).replace(NBSP, " ")


@st.composite
def noisy_reference(draw) -> tuple[str, str, tuple]:
    ref, *fields = draw(st.sampled_from(KNOWN))
    chars = list(ref)
    # invisible characters may go anywhere inside the reference (they are deleted before matching)
    inserts = draw(st.lists(st.tuples(st.integers(0, len(ref)), st.sampled_from(INVISIBLE)), min_size=1,
                            max_size=6))
    pieces = {i: [] for i in range(len(ref) + 1)}
    for pos, ch in inserts:
        pieces[pos].append(ch)
    # an NBSP replaces an existing space, or goes next to a hyphen of the symbol ("NĐ-\u00a0CP")
    spaces = [i for i, c in enumerate(chars) if c == " "]
    for i in draw(st.lists(st.sampled_from(spaces), max_size=3, unique=True)):
        chars[i] = NBSP
    core_start = next(i for i, c in enumerate(ref) if c.isdigit())
    core_end = ref.index(" ", core_start)
    hyphens = [i for i in range(core_start, core_end) if ref[i] == "-" and not ref[i + 1].isdigit()]
    if hyphens and draw(st.booleans()):
        pieces[draw(st.sampled_from(hyphens)) + 1].append(NBSP)
    out = "".join("".join(pieces[i]) + chars[i] for i in range(len(ref))) + "".join(pieces[len(ref)])
    return out, ref, tuple(fields)


@SETTINGS
@given(noisy_reference(), filler(max_words=6), filler(max_words=6), st.sampled_from(["NFC", "NFD"]))
@example(("Nghị\u00ad định số 3\u200b0/2020/NĐ-\u00a0CP ngày 05/3/2020 của Chính phủ\u200b", "Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ",
          ("30", "NĐ-CP", 2020, "2020-03-05")), "", "", "NFC")
def test_invisible_characters_keep_offsets(case, before, after, form):
    noisy, clean, (number, symbol, year, date) = case
    text = (_cap(before) + " " if before else "") + noisy + ";" + (" " + after if after else "")
    text = unicodedata.normalize(form, text)
    ms = extract_text(text)
    assert len(ms) == 1, (text, [(m.text, m.symbol) for m in ms])
    m = ms[0]
    assert m.text == text[m.start:m.end]
    assert (m.number, m.symbol, m.year, m.date) == (number, symbol, year, date), (text, m)
    # the slice is the reference itself, only with the inserted characters (if any at its edges) around it
    got = unicodedata.normalize("NFC", _strip_invisible(m.text))
    want = unicodedata.normalize("NFC", _strip_invisible(clean))
    assert re.sub(r"-\s+", "-", got) == want, (text, m.text)


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20)


@given(_json_values)
@settings(max_examples=300, deadline=None)
def test_every_json_answer_holds_what_json_dumps_holds(data):
    """Every command's --json is laid out by render.json_text: only its whitespace may differ from json.dumps."""
    from docgraph.render import json_text

    text = json_text(data)
    assert json.dumps(json.loads(text), ensure_ascii=False, indent=2) == json.dumps(data, ensure_ascii=False, indent=2)
