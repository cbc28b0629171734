"""Hostile files: build each one, run `docgraph extract` on it alone and report wall time, peak memory and outcome.

    python benchmarks/hostile.py [--only NAME ...] [--cap SECONDS] [--jobs N] [--json]

Each case is a file nobody planned for (issue 17): a megabyte of one short form defined on every line, one 3 MB line
of references, 150,000 nested HTML tags, a 1 MB .docx that unpacks to 1 GiB, and a few more. Each runs in a fresh
process (`python -m docgraph extract FILE --timeout T -j N -q --json`, its own new index) under an outer cap; "peak
MiB" is the largest resident set among that process and its workers (getrusage of the waited children).

The builders are plain functions (``build(name, folder, scale=1.0)``) so the tests make smaller copies of the same
shapes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

MiB = 1 << 20

# ------------------------------------------------------------------------------------------------ the files


def short_forms(folder: Path, scale: float = 1.0) -> Path:
    """1.2 MB of one defined short form per line: every line defines and uses 'Chỉ thị 35'."""
    line = "Thực hiện Chỉ thị số 35-CT/TW (sau đây gọi là Chỉ thị 35), Chỉ thị 35 yêu cầu.\n"
    n = int(1_200_000 * scale) // len(line.encode())
    p = folder / "short_forms.txt"
    p.write_text(line * max(1, n), encoding="utf-8")
    return p


def distinct_short_forms(folder: Path, scale: float = 1.0) -> Path:
    """1.2 MB of distinct short forms: 'Chỉ thị số N-CT/TW (sau đây gọi là Chỉ thị N)' for N = 1, 2, ..."""
    out, size, i = [], 0, 0
    while size < 1_200_000 * scale:
        i += 1
        s = f"Căn cứ Chỉ thị số {i}-CT/TW (sau đây gọi là Chỉ thị {i}); theo Chỉ thị {i}.\n"
        out.append(s)
        size += len(s.encode())
    p = folder / "distinct_short_forms.txt"
    p.write_text("".join(out), encoding="utf-8")
    return p


def long_line(folder: Path, scale: float = 1.0) -> Path:
    """One 3 MB line (no line break) full of references."""
    unit = "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ và Chỉ thị số 35-CT/TW; "
    n = int(3_000_000 * scale) // len(unit.encode())
    p = folder / "long_line.txt"
    p.write_text("Số: 12/KH-UBND " + unit * max(1, n), encoding="utf-8")
    return p


def nested_html(folder: Path, scale: float = 1.0, depth: int = 150_000) -> Path:
    """A web page with ``depth`` nested <div> (and a reference in the middle)."""
    d = max(1, int(depth * scale))
    body = "<div>" * d + "<p>Thực hiện Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị</p>" + "</div>" * d
    p = folder / "nested.html"
    p.write_text(f"<!doctype html><html><head><meta charset='utf-8'></head><body>{body}</body></html>",
                 encoding="utf-8")
    return p


def nested_inline_html(folder: Path, scale: float = 1.0, depth: int = 150_000) -> Path:
    """A web page with ``depth`` unclosed <b> tags (formatting elements stay open: the tree is that deep)."""
    d = max(1, int(depth * scale))
    p = folder / "nested_inline.html"
    p.write_text("<html><body>" + "<b>" * d + "Chỉ thị số 35-CT/TW</body></html>", encoding="utf-8")
    return p


def _entry(name: str, comp: bytes, crc: int, size: int) -> tuple[bytes, bytes]:
    n = name.encode()
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(comp), size, len(n), 0) + n + comp
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(comp), size, len(n),
                          0, 0, 0, 0, 0, 0) + n
    return local, central


def zip_bytes(entries: list[tuple[bytes, bytes]]) -> bytes:
    """A zip file from (local, central) pairs: the central records get their local header offsets."""
    body, central, offset = [], [], 0
    for local, cen in entries:
        central.append(cen[:42] + struct.pack("<I", offset) + cen[46:])
        body.append(local)
        offset += len(local)
    cd = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(cd), offset, 0)
    return b"".join(body) + cd + end


_CT = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
       b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       b'<Default Extension="xml" ContentType="application/xml"/>'
       b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
       b'wordprocessingml.document.main+xml"/></Types>')
_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         b'officeDocument" Target="word/document.xml"/></Relationships>')
_W = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bomb_bytes(unpacked: int = 1 << 30) -> bytes:
    """A .docx whose word/document.xml unpacks to ``unpacked`` bytes (a valid document: one paragraph of spaces
    and a reference), about a thousandth of that on disk."""
    head = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="' + _W + b'"><w:body>'
    para = b"<w:p><w:r><w:t>Ch\xe1\xbb\x89 th\xe1\xbb\x8b s\xe1\xbb\x91 35-CT/TW</w:t></w:r></w:p>"
    foot = b"</w:body></w:document>"
    filler = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>"
    chunk = filler * (MiB // len(filler))  # whole paragraphs, about a mebibyte
    fill = max(1, (unpacked - len(head) - len(para) - len(foot)) // len(chunk))
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = head + para
    parts = [co.compress(start) + co.flush(zlib.Z_FULL_FLUSH)]
    one = co.compress(chunk) + co.flush(zlib.Z_FULL_FLUSH)
    again = co.compress(chunk) + co.flush(zlib.Z_FULL_FLUSH)  # after a full flush: the same bytes every time
    parts.append(one)
    parts.append(again * (fill - 1))
    parts.append(co.compress(foot) + co.flush(zlib.Z_FINISH))
    crc = zlib.crc32(start)
    for _ in range(fill):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(foot, crc)
    size = len(start) + fill * len(chunk) + len(foot)
    doc = _entry("word/document.xml", b"".join(parts), crc, size)
    small = [_entry(name, zlib.compress(data)[2:-4], zlib.crc32(data), len(data))
             for name, data in (("[Content_Types].xml", _CT), ("_rels/.rels", _RELS))]
    return zip_bytes([small[0], small[1], doc])


def docx_bomb(folder: Path, scale: float = 1.0) -> Path:
    p = folder / "bomb.docx"
    p.write_bytes(docx_bomb_bytes(max(MiB, int((1 << 30) * scale))))
    return p


def many_references(folder: Path, scale: float = 1.0) -> Path:
    """2 MB of ordinary lines, each with three references (a large but honest file: read, not skipped)."""
    line = ("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ; thực hiện Chỉ thị số 35-CT/TW "
            "ngày 14/6/2024 của Bộ Chính trị và Kế hoạch số 83-KH/TU ngày 16/7/2024 của Tỉnh ủy.\n")
    p = folder / "many_references.txt"
    p.write_text(line * max(1, int(2_000_000 * scale) // len(line.encode())), encoding="utf-8")
    return p


CASES = {
    # name: (builder, --timeout, what the issue measured before)
    "short_forms": (short_forms, 5),
    "distinct_short_forms": (distinct_short_forms, 5),
    "long_line": (long_line, 2),
    "nested_html": (nested_html, 5),
    "nested_inline_html": (nested_inline_html, 5),
    "docx_bomb": (docx_bomb, 5),
    "many_references": (many_references, 60),
}


def build(name: str, folder: Path, scale: float = 1.0) -> Path:
    return CASES[name][0](folder, scale)


# ------------------------------------------------------------------------------------------------ running


def run_case(name: str, cap: float, jobs: int, extra: list[str] | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"hostile-{name}-") as tmp:
        folder = Path(tmp)
        path = build(name, folder)
        size = path.stat().st_size
        timeout = CASES[name][1]
        # a fresh interpreter measures itself and its children: its own peak is not the parent's
        probe = (
            "import json, resource, subprocess, sys, time\n"
            "t = time.monotonic()\n"
            "try:\n"
            "    r = subprocess.run(sys.argv[2:], capture_output=True, timeout=float(sys.argv[1]))\n"
            "    rc, out, err = r.returncode, r.stdout.decode('utf-8', 'replace'), r.stderr.decode('utf-8', 'replace')\n"
            "except subprocess.TimeoutExpired as e:\n"
            "    rc, out, err = None, '', 'killed by the outer cap'\n"
            "dt = time.monotonic() - t\n"
            "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
            "print(json.dumps({'seconds': dt, 'peak_mib': peak, 'exit': rc, 'stdout': out, 'stderr': err}))\n"
        )
        cmd = [sys.executable, "-m", "docgraph", "extract", str(path), "--db", str(folder / "i.db"), "--timeout",
               str(timeout), "-j", str(jobs), "-q", "--json", *(extra or [])]
        env = dict(os.environ)
        env.setdefault("PYTHONPATH", str(Path(__file__).resolve().parent.parent))
        r = subprocess.run([sys.executable, "-c", probe, str(cap), *cmd], capture_output=True, text=True, env=env,
                           timeout=cap + 60)
        res = json.loads(r.stdout)
        outcome = "timed out (outer cap)" if res["exit"] is None else f"exit {res['exit']}"
        try:
            summary = json.loads(res["stdout"])
            skipped = summary["skipped"]
            outcome += "; " + ("skipped: " + skipped[0]["reason"] if skipped else f"read, {summary['mentions']} mentions")
        except (ValueError, KeyError, IndexError):
            if res["stderr"].strip():
                outcome += "; " + res["stderr"].strip().splitlines()[-1][:160]
        return {"case": name, "file_bytes": size, "timeout": timeout, "seconds": round(res["seconds"], 2),
                "peak_mib": round(res["peak_mib"], 1), "outcome": outcome}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", help="cases to run (default: all)")
    ap.add_argument("--cap", type=float, default=120.0, help="outer limit per case, seconds")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    names = args.only or list(CASES)
    rows = []
    for name in names:
        row = run_case(name, args.cap, args.jobs)
        rows.append(row)
        if not args.json:
            print(f"{row['case']:<22} {row['file_bytes'] / MiB:8.2f} MiB  --timeout {row['timeout']:<3} "
                  f"{row['seconds']:7.2f} s  {row['peak_mib']:7.1f} MiB peak  {row['outcome']}", flush=True)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
