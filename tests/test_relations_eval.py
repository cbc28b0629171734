"""benchmarks/relations_eval.py: target parsing and the shape of both relation gold folders.

Needs no corpus: the gold files are checked for their structure only (the scored run needs the real corpus and is
run by hand: ``python benchmarks/relations_eval.py [--gold benchmarks/gold/relations_heldout]``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench_helpers import benchmark

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "benchmarks" / "gold"
RELATIONS = {"implements", "based_on", "guides", "amends", "replaces", "repeals", "responds_to", "suspends",
             "corrects", "consolidates"}
KINDS = {"law", "decree", "circular", "pm_decision", "ministry_decision", "provincial_decision", "plan", "letter",
         "report", "submission", "news", "draft", "record", "other"}


@pytest.fixture(scope="module")
def ev():
    return benchmark("relations_eval")


@pytest.fixture(scope="module")
def gold(ev):
    """Each gold folder as ``load_gold`` reads it, read once for the module (the tests only read it)."""
    return {folder: ev.load_gold(GOLD / folder) for folder in ("relations", "relations_heldout")}


@pytest.mark.parametrize("target, year, expected", [
    ("30/2020/NĐ-CP", None, ("number", "30", "nd-cp", 2020)),
    ("66.18/2026/NQ-CP", None, ("number", "66.18", "nq-cp", 2026)),     # a dotted Government resolution number
    ("21.4/GĐN", 2026, ("number", "21.4", "gdn", 2026)),                  # a company letter dated in its number
    ("519/TTr-CAT-PC06", 2025, ("number", "519", "ttr-cat-pc06", 2025)),
    ("02-QC/TU", 2025, ("number", "2", "qc/tu", 2025)),
])
def test_parse_numbered_targets(ev, target, year, expected):
    t = ev.parse_target(target, year)
    assert (t["kind"], t["number"], t["symbol"], t["year"]) == expected


@pytest.mark.parametrize("target, name, year", [
    ("Luật Tổ chức HĐND và UBND 2003", "luat to chuc hdnd va ubnd", 2003),
    ("Pháp lệnh Ưu đãi người có công với cách mạng 2005", "phap lenh uu dai nguoi co cong voi cach mang", 2005),
    ("Hiến pháp 1992", "hien phap", 1992),
])
def test_parse_named_targets(ev, target, name, year):
    t = ev.parse_target(target)
    assert (t["kind"], t["name"], t["year"]) == ("name", name, year)


@pytest.mark.parametrize("folder", ["relations", "relations_heldout"])
def test_gold_folder_shape(gold, folder):
    assert gold[folder], f"no gold files in {folder}"
    assert (GOLD / folder / "README.md").is_file()
    for g in gold[folder]:
        where = g["_gold"]
        assert where == g["file"].replace("/", "__").rsplit(".", 1)[0] + ".yaml", where
        assert g["kind"] in KINDS, where
        for a in g["acts"]:
            assert a["relation"] in RELATIONS, (where, a)
            assert a["target"].strip(), (where, a)
        for b in g["between"]:
            assert b["relation"] in RELATIONS | {"cites"}, (where, b)
            assert b["source"].strip() and b["target"].strip(), (where, b)
        for t in g["traps"]:
            assert t["target"].strip() and t.get("why"), (where, t)


def test_heldout_is_disjoint_from_the_tuned_set(gold):
    tuned = {g["file"] for g in gold["relations"]}
    held = {g["file"] for g in gold["relations_heldout"]}
    assert held and not tuned & held
