"""The index's write and resolve path: rows built in the workers, windows of files in flight, year-less references
resolved again when the folder changes, evidence written as JSON."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from docgraph import index as ix
from docgraph import scan as scan_mod
from docgraph.pipeline import display_path
from docgraph.scan import _doc_path, scan
from test_robustness import make_corpus, snapshot


def test_many_windows_in_flight_give_the_same_index_as_one_process(tmp_path, monkeypatch):
    # 70 files in windows of 8: the listing, the pool and the writer interleave over nine windows
    make_corpus(tmp_path / "docs", 70)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(scan_mod, "WINDOW", 8)
    for jobs, name in ((1, "one.db"), (2, "two.db")):
        conn = ix.connect(tmp_path / name, create=True)
        summary = scan(["docs"], conn, jobs=jobs)
        conn.close()
        assert summary.read == 70 and summary.files == 70
    assert snapshot(tmp_path / "one.db") == snapshot(tmp_path / "two.db")


def test_progress_total_grows_to_the_number_of_files_read(tmp_path, monkeypatch):
    make_corpus(tmp_path / "docs", 30)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(scan_mod, "WINDOW", 8)
    seen: list[tuple[int, int]] = []
    conn = ix.connect(tmp_path / "p.db", create=True)
    scan(["docs"], conn, jobs=2, progress=lambda done, total, path: seen.append((done, total)))
    assert [d for d, _ in seen] == list(range(1, 31))
    assert all(d <= t for d, t in seen)
    assert seen[-1] == (30, 30)


PLAN_CITING = """TỈNH ỦY BẮC GIANG
Số 12-KH/TU
ĐẢNG CỘNG SẢN VIỆT NAM
Bắc Giang, ngày 03 tháng 3 năm 2025

KẾ HOẠCH
về công tác tuyên truyền

Thực hiện Kế hoạch số 83-KH/TU của Tỉnh ủy, Ban Tuyên giáo xây dựng kế hoạch này.
"""

PLAN_83 = """TỈNH ỦY BẮC GIANG
Số 83-KH/TU
ĐẢNG CỘNG SẢN VIỆT NAM
Bắc Giang, ngày 16 tháng 7 năm {year}

KẾ HOẠCH
thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị
"""


def _yearless(db: Path) -> tuple[str | None, int]:
    conn = sqlite3.connect(db)
    row = conn.execute("SELECT m.doc, m.ambiguous FROM mentions m JOIN files f ON f.id = m.file_id"
                       " WHERE f.path LIKE '%citing.txt' AND m.own = 0 AND m.number = '83'").fetchone()
    conn.close()
    return row


def test_a_yearless_reference_is_resolved_again_when_the_folder_changes(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "citing.txt").write_text(PLAN_CITING, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "y.db"

    def extract() -> None:
        conn = ix.connect(db, create=True)
        scan(["docs"], conn, jobs=1)
        conn.close()

    extract()  # no dated 83-KH/TU anywhere: the reference stays year-less
    assert _yearless(db) == ("83-kh-tu-x-bac-giang", 0)
    (docs / "kh83_2024.txt").write_text(PLAN_83.format(year=2024), encoding="utf-8")
    extract()  # one dated 83-KH/TU of the province: the citing file's reference is that one
    assert _yearless(db) == ("83-kh-tu-2024-bac-giang", 0)
    (docs / "kh83_2023.txt").write_text(PLAN_83.format(year=2023), encoding="utf-8")
    extract()  # two dated ones before the citing file: ambiguous, never a guess
    assert _yearless(db) == ("83-kh-tu-x-bac-giang", 1)
    (docs / "kh83_2023.txt").unlink()
    extract()  # back to one
    assert _yearless(db) == ("83-kh-tu-2024-bac-giang", 0)


@pytest.mark.parametrize("evs", [
    [("a.txt", 3, "Thực hiện Chỉ thị số 35-CT/TW", None)],
    [("thư mục/b \"c\".txt", 12, 'quote " backslash \\ tab \t newline \n bell \x07 del \x7f', None),
     ("d.docx", 1, "trang 2", "p.2"), ("e.pdf", None, "", "¶14")],
    [("x", 1, "\u2028 line separator, 🙂, Đ", "")],
])
def test_evidence_json_is_what_json_dumps_writes(evs):
    want = json.dumps([{"file": f, "line": ln, "text": t, **({"location": loc} if loc else {})}
                       for f, ln, t, loc in evs], ensure_ascii=False)
    assert ix._evidence_json(evs) == want
    assert json.loads(ix._evidence_json(evs))[0]["file"] == evs[0][0]


def test_display_and_document_paths_are_relative_to_the_working_folder(tmp_path, monkeypatch):
    (tmp_path / "docs" / "sub").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    assert display_path(str(tmp_path / "docs" / "sub" / "a.txt")) == "docs/sub/a.txt"
    assert display_path("docs/../docs/sub/a.txt") == "docs/sub/a.txt"
    assert display_path(str(tmp_path)) == "."
    assert display_path("/") == "/"
    roots = [str(tmp_path / "docs")]
    assert _doc_path("docs/sub/a.txt", roots) == "sub/a.txt"
    assert _doc_path("/elsewhere/b.txt", roots) == "b.txt"
    assert _doc_path(str(tmp_path / "docsx" / "c.txt"), roots) == "c.txt"  # a sibling folder is not below docs
