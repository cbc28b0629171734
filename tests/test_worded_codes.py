"""TC is a type code (Thông cáo) and the Ministry of Finance's code before BTC: the type word decides."""

from __future__ import annotations

import pytest

from docgraph.engine import get_engine
from docgraph.lexicon import load_lexicon
from docgraph.ruleyaml import RulesError

# (text, type, symbol, issuer code)
READ = [
    ("theo ý kiến của Bộ Tài chính (Văn bản số 510/TC-CST ngày 14/3/2002)", "Văn bản", "TC-CST", "TC"),
    ("Công văn số 61/TC-TCT ngày 05/01/2001 của Bộ Tài chính", "Công văn", "TC-TCT", "TC"),
    ("Thông cáo số 3/TC-BNG ngày 10/10/2019", "Thông cáo", "TC-BNG", "BNG"),
    ("Thông tri số 09-TT/TC ngày 02 tháng 4 năm 1980", "Thông tri", "TT/TC", "TC"),
    # the other type codes name their type whatever the word: "văn bản số 12/2022/NĐ-CP" is a Nghị định
    ("văn bản số 14/KH-UBND ngày 01/02/2023", "Kế hoạch", "KH-UBND", "UBND"),
]


@pytest.mark.parametrize("text,typ,symbol,code", READ)
def test_the_type_word_decides_a_worded_code(text, typ, symbol, code):
    ms = [m for m in get_engine(None).extract(text) if m.number]
    assert [(m.type, m.symbol, m.issuer_code) for m in ms] == [(typ, symbol, code)]


def test_a_worded_code_must_be_a_type_code(tmp_path):
    (tmp_path / "codes.yaml").write_text('tables:\n  worded_type_codes: ["TC", "ZZ"]\n', encoding="utf-8")
    with pytest.raises(RulesError, match="'ZZ' is not a code of the type_codes table"):
        load_lexicon(str(tmp_path))
