"""Gold set for reference extraction: loader, structure checks, field scorer, and the scored run.

The gold texts live in ``tests/gold/*.yaml``. Each item is ``{id, text, mentions: [...]}``; a negative item has
``mentions: []``. A gold mention names its span by ``text`` (a substring of the item's text; ``occurrence: n`` picks
the n-th occurrence, counting overlapping ones) and gives the expected fields. Span boundaries are not scored: a gold
mention is matched to a predicted mention whose [start, end) overlaps the gold span and whose number is the same
(leading zeros ignored for matching only), or, for a law cited by name (gold number null), any overlapping one.

Scored fields: number, symbol, year, date, issuer. For each field:
- matched pair, predicted == gold (not both null): true positive;
- matched pair, predicted not null and != gold: false positive (and a false negative when gold is not null);
- matched pair, predicted null, gold not null: false negative;
- gold mention with no match: a false negative for every non-null gold field;
- predicted mention with no match: a false positive for every field it fills;
- null == null is not counted.
Issuer values are compared after NFC, whitespace collapse and case-fold.

Run only the checks that do not need the engine with ``python -m pytest tests/test_gold.py -q -k "structure or score_"``.
"""

from __future__ import annotations

import datetime as _dt
import pathlib
import re
import unicodedata
from typing import Any, Iterable, Mapping

import yaml

GOLD_DIR = pathlib.Path(__file__).parent / "gold"
SCORED_FIELDS = ("number", "symbol", "year", "date", "issuer")
THRESHOLD = 0.98
MIN_MENTIONS = 300
MIN_TEXTS = 40
MIN_NEGATIVES = 60

REQUIRED_KEYS = ("text", "number", "symbol", "year", "date", "issuer", "type")
OPTIONAL_KEYS = ("occurrence", "own", "short_form", "pinpoint", "subject", "term", "name")
TYPES = frozenset(
    {
        "Chỉ thị", "Nghị quyết", "Quyết định", "Quy định", "Kế hoạch", "Chương trình", "Hướng dẫn", "Kết luận",
        "Thông báo", "Thông tri", "Công văn", "Văn bản", "Công điện", "Thông tư", "Thông tư liên tịch", "Nghị định",
        "Luật", "Bộ luật", "Pháp lệnh", "Lệnh", "Báo cáo", "Tờ trình", "Đề án", "Quy chế",
    }
)
LAW_TYPES = frozenset({"Luật", "Bộ luật"})
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SYMBOL_CHARS = re.compile(r"^[0-9A-Za-zĐđ&/\-]+$")
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, when PyYAML has it: ten times faster


# --------------------------------------------------------------------------------------------------------------------
# loading


def load_gold(directory: pathlib.Path = GOLD_DIR) -> list[dict[str, Any]]:
    """All gold items of ``directory/*.yaml`` in file order, each tagged with ``_file``."""
    items: list[dict[str, Any]] = []
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
        assert isinstance(data, list), f"{path.name}: top level must be a list of items"
        for raw in data:
            assert isinstance(raw, dict), f"{path.name}: every item must be a mapping, got {raw!r}"
            item = dict(raw)
            item["_file"] = path.name
            items.append(item)
    return items


def locate(text: str, needle: str, occurrence: int = 1) -> int | None:
    """Start of the ``occurrence``-th (1-based, overlapping allowed) occurrence of ``needle`` in ``text``."""
    pos = -1
    for _ in range(occurrence):
        pos = text.find(needle, pos + 1)
        if pos < 0:
            return None
    return pos


def gold_spans(item: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The item's gold mentions with ``start``/``end`` offsets into the item's text added."""
    out = []
    for m in item.get("mentions") or []:
        start = locate(item["text"], m["text"], int(m.get("occurrence", 1)))
        if start is None:
            raise ValueError(f"{item.get('id')}: mention text {m['text']!r} not found in its text")
        g = dict(m)
        g["start"], g["end"] = start, start + len(m["text"])
        out.append(g)
    return out


GOLD = load_gold()


# --------------------------------------------------------------------------------------------------------------------
# scoring (pure)


def _norm(field: str, value: Any) -> Any:
    if value is None:
        return None
    if field == "issuer":
        return " ".join(unicodedata.normalize("NFC", str(value)).split()).casefold()
    if field == "year":
        return int(value)
    return str(value)


def _number_key(value: Any) -> str | None:
    if value is None:
        return None
    return str(value).lstrip("0") or "0"


def _match(gold: list[Mapping[str, Any]], pred: list[Mapping[str, Any]]) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, predicted index): overlapping spans, same number; largest overlap first."""
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            overlap = min(g["end"], p["end"]) - max(g["start"], p["start"])
            if overlap <= 0:
                continue
            if g.get("number") is not None and _number_key(g["number"]) != _number_key(p.get("number")):
                continue
            same = g.get("number") is not None or p.get("number") is None
            candidates.append((not same, -overlap, gi, pi))
    pairs, used_g, used_p = [], set(), set()
    for _, _, gi, pi in sorted(candidates):
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gi, pi))
    return pairs


def score(
    gold: Iterable[Mapping[str, Any]],
    predicted: Mapping[str, list[Mapping[str, Any]]],
    fields: tuple[str, ...] = SCORED_FIELDS,
) -> dict[str, Any]:
    """Per-field precision and recall of ``predicted`` against ``gold``.

    ``gold``: items ``{"id", "mentions": [{"start", "end", <fields>, "text"?}]}`` (spans already located).
    ``predicted``: item id -> list of ``{"start", "end", <fields>, "text"?}``.
    Returns ``{"fields": {field: {tp, fp, fn, precision, recall}}, "mentions": {gold, predicted, matched},
    "misses": [(item id, field, expected, got, gold text, predicted text)]}``.
    """
    counts = {f: {"tp": 0, "fp": 0, "fn": 0} for f in fields}
    misses: list[tuple[Any, ...]] = []
    n_gold = n_pred = n_matched = 0
    for item in gold:
        iid = item["id"]
        gms = list(item.get("mentions") or [])
        pms = list(predicted.get(iid, []))
        n_gold += len(gms)
        n_pred += len(pms)
        pairs = _match(gms, pms)
        n_matched += len(pairs)
        matched_g = {gi for gi, _ in pairs}
        matched_p = {pi for _, pi in pairs}
        for gi, pi in sorted(pairs):
            g, p = gms[gi], pms[pi]
            for f in fields:
                gv, pv = _norm(f, g.get(f)), _norm(f, p.get(f))
                if gv is None and pv is None:
                    continue
                if gv == pv:
                    counts[f]["tp"] += 1
                    continue
                if pv is not None:
                    counts[f]["fp"] += 1
                if gv is not None:
                    counts[f]["fn"] += 1
                misses.append((iid, f, g.get(f), p.get(f), g.get("text"), p.get("text")))
        # a gold mention left unmatched: missed, a false negative per field it fills; a predicted one: spurious
        for missed, mentions, matched in ((True, gms, matched_g), (False, pms, matched_p)):
            for i, m in enumerate(mentions):
                if i in matched:
                    continue
                for f in fields:
                    if m.get(f) is not None:
                        counts[f]["fn" if missed else "fp"] += 1
                values = {f: m.get(f) for f in fields}
                misses.append((iid, "missed", values, None, m.get("text"), None) if missed
                              else (iid, "spurious", None, values, None, m.get("text")))
    table = {}
    for f, c in counts.items():
        table[f] = dict(c)
        table[f]["precision"] = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        table[f]["recall"] = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    return {
        "fields": table,
        "mentions": {"gold": n_gold, "predicted": n_pred, "matched": n_matched},
        "misses": misses,
    }


def format_report(result: Mapping[str, Any], limit: int = 300) -> str:
    lines = [f"{'field':<8} {'tp':>5} {'fp':>5} {'fn':>5} {'precision':>10} {'recall':>8}"]
    for f, r in result["fields"].items():
        lines.append(f"{f:<8} {r['tp']:>5} {r['fp']:>5} {r['fn']:>5} {r['precision']:>10.3f} {r['recall']:>8.3f}")
    m = result["mentions"]
    lines.append(f"mentions: gold {m['gold']}, predicted {m['predicted']}, matched {m['matched']}")
    misses = result["misses"]
    if misses:
        lines.append(f"misses ({len(misses)}):")
        for iid, f, expected, got, gtext, ptext in misses[:limit]:
            where = f" gold={gtext!r}" if gtext is not None else ""
            where += f" pred={ptext!r}" if ptext is not None else ""
            lines.append(f"  {iid} [{f}] expected={expected!r} got={got!r}{where}")
        if len(misses) > limit:
            lines.append(f"  ... {len(misses) - limit} more")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------------------------
# structure of the gold files


def _check_mention(iid: str, text: str, m: Mapping[str, Any]) -> list[str]:
    errs = []
    keys = set(m)
    missing = [k for k in REQUIRED_KEYS if k not in keys]
    unknown = keys - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS)
    if missing:
        errs.append(f"{iid}: mention {m.get('text')!r} lacks {missing}")
    if unknown:
        errs.append(f"{iid}: mention {m.get('text')!r} has unknown keys {sorted(unknown)}")
    if missing:
        return errs
    mt = m["text"]
    if not isinstance(mt, str) or not mt:
        return errs + [f"{iid}: mention text must be a non-empty string"]
    occurrence = m.get("occurrence", 1)
    if not isinstance(occurrence, int) or occurrence < 1:
        errs.append(f"{iid}: occurrence must be a positive int")
        occurrence = 1
    if locate(text, mt, occurrence) is None:
        errs.append(f"{iid}: mention text {mt!r} (occurrence {occurrence}) not found in the text")
    elif "occurrence" not in m and locate(text, mt, 2) is not None:
        errs.append(f"{iid}: mention text {mt!r} occurs more than once: give `occurrence`")
    number, symbol, year, date = m["number"], m["symbol"], m["year"], m["date"]
    if number is not None:
        # digits as written, with the dotted (66.7/2025/NQ-CP) and lettered (30a/2008/NQ-CP) forms
        if not (isinstance(number, str) and re.fullmatch(r"\d+(?:\.\d+)?[a-d]?", number)):
            errs.append(f"{iid}: number must be a quoted digit string, got {number!r}")
        elif number not in mt:
            errs.append(f"{iid}: number {number!r} not in mention text {mt!r}")
    if symbol is not None:
        if not isinstance(symbol, str):
            errs.append(f"{iid}: symbol must be a string, got {symbol!r}")
        elif unicodedata.normalize("NFC", symbol) != symbol or "\u00d0" in symbol:
            errs.append(f"{iid}: symbol {symbol!r} must be NFC with Đ (U+0110)")
        elif not SYMBOL_CHARS.match(symbol):
            errs.append(f"{iid}: bad symbol {symbol!r}")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool) or not 1945 <= year <= 2100):
        errs.append(f"{iid}: bad year {year!r}")
    if date is not None:
        if not isinstance(date, str) or not ISO_DATE.match(date):
            errs.append(f"{iid}: date must be a quoted ISO yyyy-mm-dd string, got {date!r}")
        else:
            try:
                d = _dt.date.fromisoformat(date)
            except ValueError:
                errs.append(f"{iid}: impossible date {date!r}")
            else:
                if year != d.year:
                    errs.append(f"{iid}: year {year!r} disagrees with date {date!r}")
    if m["issuer"] is not None and (not isinstance(m["issuer"], str) or not m["issuer"].strip()):
        errs.append(f"{iid}: issuer must be a non-empty string or null")
    if m["type"] is not None and m["type"] not in TYPES:
        errs.append(f"{iid}: unknown type {m['type']!r}")
    for flag in ("own", "short_form"):
        if flag in m and not isinstance(m[flag], bool):
            errs.append(f"{iid}: {flag} must be a bool")
    if number is None and not m.get("short_form"):
        if m["type"] not in LAW_TYPES or year is None:
            errs.append(f"{iid}: a mention without number must be a law cited by name and year (or a short form)")
        elif not m.get("name"):
            errs.append(f"{iid}: a law cited by name needs `name`")
    if symbol is not None and number is None:
        errs.append(f"{iid}: symbol without number")
    return errs


def structure_errors(items: list[Mapping[str, Any]]) -> list[str]:
    errs: list[str] = []
    seen: dict[str, str] = {}
    for item in items:
        iid = item.get("id")
        unknown = set(item) - {"id", "text", "mentions", "_file", "note"}
        if unknown:
            errs.append(f"{iid}: unknown item keys {sorted(unknown)}")
        if not isinstance(iid, str) or not iid:
            errs.append(f"{item.get('_file')}: item without id")
            continue
        if iid in seen:
            errs.append(f"{iid}: duplicate id (in {seen[iid]} and {item.get('_file')})")
        seen[iid] = item.get("_file", "")
        text = item.get("text")
        if not isinstance(text, str) or not text.strip():
            errs.append(f"{iid}: text must be a non-empty string")
            continue
        mentions = item.get("mentions")
        if not isinstance(mentions, list):
            errs.append(f"{iid}: mentions must be a list ([] for a negative)")
            continue
        item_errs = []
        for m in mentions:
            if not isinstance(m, dict):
                item_errs.append(f"{iid}: mention must be a mapping, got {m!r}")
                continue
            item_errs.extend(_check_mention(iid, text, m))
        errs.extend(item_errs)
        if item_errs:
            continue
        spans = sorted((g["start"], g["end"], g["text"]) for g in gold_spans(item))
        for (s1, e1, t1), (s2, e2, t2) in zip(spans, spans[1:]):
            if s2 < e1:
                errs.append(f"{iid}: gold spans overlap: {t1!r} and {t2!r}")
    return errs


def gold_counts(items: list[Mapping[str, Any]]) -> dict[str, int]:
    return {
        "mentions": sum(len(i.get("mentions") or []) for i in items),
        "texts": sum(1 for i in items if i.get("mentions")),
        "negatives": sum(1 for i in items if i.get("mentions") == []),
    }


def test_gold_structure():
    assert GOLD, f"no gold items in {GOLD_DIR}"
    errs = structure_errors(GOLD)
    assert not errs, "gold structure errors:\n" + "\n".join(errs)


def test_gold_structure_counts():
    c = gold_counts(GOLD)
    assert c["mentions"] >= MIN_MENTIONS, c
    assert c["texts"] >= MIN_TEXTS, c
    assert c["negatives"] >= MIN_NEGATIVES, c


def test_gold_structure_self_contained():
    """Gold texts are written for the project: the tests must not depend on the shared corpus."""
    for path in GOLD_DIR.glob("*.yaml"):
        assert "/work/shared" not in path.read_text(encoding="utf-8"), path.name


# --------------------------------------------------------------------------------------------------------------------
# unit tests of the scorer on tiny fake inputs


def _g(start, end, **fields):
    base = {f: None for f in SCORED_FIELDS}
    base.update(fields)
    base.update(start=start, end=end)
    return base


def test_score_perfect_match():
    gold = [{"id": "a", "mentions": [_g(0, 10, number="35", symbol="CT/TW", year=2024, date="2024-06-14")]}]
    pred = {"a": [_g(2, 12, number="35", symbol="CT/TW", year=2024, date="2024-06-14")]}
    r = score(gold, pred)
    for f in ("number", "symbol", "year", "date"):
        assert r["fields"][f] == {"tp": 1, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0}
    # issuer null == null: not counted at all
    assert r["fields"]["issuer"] == {"tp": 0, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0}
    assert r["mentions"] == {"gold": 1, "predicted": 1, "matched": 1}
    assert r["misses"] == []


def test_score_wrong_and_missing_field_values():
    gold = [{"id": "a", "mentions": [_g(0, 10, number="35", symbol="CT/TW", year=2024, date="2024-06-14")]}]
    pred = {"a": [_g(0, 10, number="35", symbol="CT/TW", year=2024, date="2024-06-15", issuer="Bộ Chính trị")]}
    r = score(gold, pred)
    assert r["fields"]["date"]["tp"] == 0 and r["fields"]["date"]["fp"] == 1 and r["fields"]["date"]["fn"] == 1
    assert r["fields"]["issuer"]["fp"] == 1 and r["fields"]["issuer"]["fn"] == 0
    assert r["fields"]["issuer"]["precision"] == 0.0 and r["fields"]["issuer"]["recall"] == 1.0
    assert {(m[0], m[1]) for m in r["misses"]} == {("a", "date"), ("a", "issuer")}
    # predicted null where gold has a value: a false negative only
    pred = {"a": [_g(0, 10, number="35", symbol="CT/TW", year=None, date=None)]}
    r = score(gold, pred)
    assert r["fields"]["year"] == {"tp": 0, "fp": 0, "fn": 1, "precision": 1.0, "recall": 0.0}


def test_score_missed_and_spurious_mentions():
    gold = [
        {"id": "a", "mentions": [_g(0, 10, number="1", symbol="QĐ-TTg", year=2024)]},
        {"id": "neg", "mentions": []},
    ]
    pred = {"a": [], "neg": [_g(3, 8, number="2021", symbol=None, year=2025)]}
    r = score(gold, pred)
    assert r["fields"]["number"] == {"tp": 0, "fp": 1, "fn": 1, "precision": 0.0, "recall": 0.0}
    assert r["fields"]["symbol"] == {"tp": 0, "fp": 0, "fn": 1, "precision": 1.0, "recall": 0.0}
    assert r["fields"]["year"]["fp"] == 1 and r["fields"]["year"]["fn"] == 1
    assert r["fields"]["date"] == {"tp": 0, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0}
    assert [m[1] for m in r["misses"]] == ["missed", "spurious"]


def test_score_matching_needs_overlap_and_same_number():
    gold = [{"id": "a", "mentions": [_g(0, 10, number="26", symbol="NQ/TW"), _g(12, 20, number="27", symbol="NQ/TW")]}]
    # one predicted span covering both numbers only matches the gold mention with its number
    pred = {"a": [_g(0, 20, number="27", symbol="NQ/TW")]}
    r = score(gold, pred)
    assert r["mentions"]["matched"] == 1
    assert r["fields"]["number"] == {"tp": 1, "fp": 0, "fn": 1, "precision": 1.0, "recall": 0.5}
    # no overlap: no match even with equal fields
    pred = {"a": [_g(30, 40, number="26", symbol="NQ/TW")]}
    r = score(gold, pred)
    assert r["mentions"]["matched"] == 0
    assert r["fields"]["number"]["fp"] == 1 and r["fields"]["number"]["fn"] == 2


def test_score_leading_zeros_match_but_number_field_is_strict():
    gold = [{"id": "a", "mentions": [_g(0, 10, number="05", symbol="CT/TW")]}]
    r = score(gold, {"a": [_g(0, 10, number="5", symbol="CT/TW")]})
    assert r["mentions"]["matched"] == 1
    assert r["fields"]["symbol"]["tp"] == 1
    assert r["fields"]["number"] == {"tp": 0, "fp": 1, "fn": 1, "precision": 0.0, "recall": 0.0}


def test_score_law_by_name_matches_by_overlap():
    gold = [{"id": "a", "mentions": [_g(5, 25, number=None, year=2024)]}]
    r = score(gold, {"a": [_g(5, 18, number=None, year=2024)]})
    assert r["mentions"]["matched"] == 1 and r["fields"]["year"]["tp"] == 1
    assert r["fields"]["number"] == {"tp": 0, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0}


def test_score_issuer_comparison_folds_case_space_and_nfc():
    gold = [{"id": "a", "mentions": [_g(0, 10, number="9", issuer="Thủ tướng Chính phủ")]}]
    nfd = unicodedata.normalize("NFD", "THỦ  TƯỚNG\u00a0chính phủ")
    r = score(gold, {"a": [_g(0, 10, number="9", issuer=nfd)]})
    assert r["fields"]["issuer"]["tp"] == 1 and r["misses"] == []


def test_score_one_to_one_assignment():
    gold = [{"id": "a", "mentions": [_g(0, 10, number="5", symbol="CT/TW")]}]
    pred = {"a": [_g(0, 4, number="5", symbol="CT/TW"), _g(0, 10, number="5", symbol="CT/TW")]}
    r = score(gold, pred)
    assert r["mentions"]["matched"] == 1
    assert r["fields"]["symbol"] == {"tp": 1, "fp": 1, "fn": 0, "precision": 0.5, "recall": 1.0}


def test_structure_checker_catches_errors():
    items = [
        {"id": "x", "text": "Chỉ thị số 05-CT/TW", "mentions": [
            {"text": "Chỉ thị số 5-CT/TW", "number": "5", "symbol": "CT/TW", "year": None, "date": None,
             "issuer": None, "type": "Chỉ thị"}]},
        {"id": "y", "text": "Luật Đất đai năm 2024", "mentions": [
            {"text": "Luật Đất đai", "number": None, "symbol": None, "year": None, "date": None,
             "issuer": None, "type": "Luật"}]},
        {"id": "z", "text": "ngày 31/02/2020", "mentions": [
            {"text": "ngày", "number": 5, "symbol": "QÐ-UBND", "year": 2021, "date": "2020-02-31",
             "issuer": None, "type": "Quyết định"}]},
    ]
    errs = structure_errors(items)
    assert any("not found" in e for e in errs)
    assert any("law cited by name" in e for e in errs)
    assert any("quoted digit string" in e for e in errs)
    assert any("U+0110" in e for e in errs)
    assert any("impossible date" in e for e in errs)


# --------------------------------------------------------------------------------------------------------------------
# the scored run against the engine


def _extractor():
    from docgraph import extract_text

    return extract_text


def _as_dict(m: Any) -> dict[str, Any]:
    keys = ("start", "end", "text", "type", "number", "symbol", "year", "date", "issuer", "short_form", "own")
    return {k: getattr(m, k, None) for k in keys}


def _predict(extract) -> dict[str, list[dict[str, Any]]]:
    return {item["id"]: [_as_dict(m) for m in extract(item["text"])] for item in GOLD}


def test_gold_scores():
    extract = _extractor()
    predicted = _predict(extract)
    gold = [{"id": item["id"], "mentions": gold_spans(item)} for item in GOLD]
    result = score(gold, predicted)
    report = format_report(result)
    print(report)
    failing = {
        f: (round(r["precision"], 3), round(r["recall"], 3))
        for f, r in result["fields"].items()
        if r["precision"] < THRESHOLD or r["recall"] < THRESHOLD
    }
    assert not failing, f"fields below {THRESHOLD}: {failing}\n{report}"


def test_gold_predicted_offsets():
    """Engine contract: Mention.text == source[start:end] (offsets into the text as given)."""
    extract = _extractor()
    bad = []
    for item in GOLD:
        for m in extract(item["text"]):
            if item["text"][m.start : m.end] != m.text:
                bad.append((item["id"], m.start, m.end, m.text))
    assert not bad, bad[:50]
