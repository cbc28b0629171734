#!/usr/bin/env python3
"""How big the HTML view is and how long headless Chromium takes to show it.

    python benchmarks/html_view.py PAGE.html [PAGE.html#whole ...] [--runs N]
    python benchmarks/html_view.py --db INDEX [--from QUERY] [--runs N]   # export first (whole graph, or --from)

For each page (a fragment such as ``#whole`` or ``#focus=ID`` is passed to the page): its size, and over N runs
(median) the wall time of ``chromium --headless --screenshot`` (start to PNG written) and the page's own time to its
first drawn view: ``data-render-ms`` on ``<html>``, which the view sets to ``performance.now()`` once laid out (time
since navigation start: parsing the HTML and the JSON, the library, the layout). A page that does not set it (an
older view) gets a copy with a script at the end of <body> that records ``performance.now()`` when it runs, i.e. after
its own scripts. Chromium's start-up is in the wall time, not in the page's time; on a loaded machine both vary:
the load average is printed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TIMER = '<script>document.documentElement.setAttribute("data-render-ms", String(Math.round(performance.now())))</script>'


def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not exe:
        raise SystemExit("chromium is needed (apt-get install chromium)")
    return exe


def run(page_url: str, profile: Path, *extra: str) -> tuple[float, str]:
    args = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
            "--disable-background-networking", "--disable-component-update", "--disable-dev-shm-usage",
            f"--user-data-dir={profile}", "--window-size=1400,900", "--hide-scrollbars", *extra, page_url]
    t = time.perf_counter()
    r = subprocess.run(args, capture_output=True, timeout=600)
    return time.perf_counter() - t, r.stdout.decode("utf-8", "replace")


def measure(page: str, runs: int, tmp: Path) -> dict:
    path, _, frag = page.partition("#")
    p = Path(path).resolve()
    text = p.read_text(encoding="utf-8")
    timed = p
    if "data-render-ms" not in text:
        timed = tmp / ("timed-" + p.name)
        timed.write_text(text.replace("</body>", TIMER + "</body>"), encoding="utf-8")
    url = timed.as_uri() + ("#" + frag if frag else "")
    shots, page_ms, shown = [], [], ""
    for i in range(runs):
        wall, _ = run(url, tmp / f"prof{i}", f"--screenshot={tmp / 'shot.png'}")
        shots.append(wall)
        _, dom = run(url, tmp / f"prof{i}", "--dump-dom")
        tag = re.search(r"<html[^>]*>", dom)
        m = re.search(r'data-render-ms="(\d+)"', tag.group(0) if tag else "")
        if m:
            page_ms.append(int(m.group(1)))
        n = re.search(r'data-nodes="(\d+)"', tag.group(0) if tag else "")
        shown = n.group(1) if n else "?"
    return {"page": page, "bytes": p.stat().st_size, "screenshot_s": statistics.median(shots),
            "page_ms": statistics.median(page_ms) if page_ms else None, "nodes_drawn": shown}


def export(db: str, query: str | None, out: Path) -> Path:
    cmd = [sys.executable, "-m", "docgraph", "export", "-f", "html", "--db", db, "-o", str(out)]
    if query:
        cmd += ["--from", query]
    subprocess.run(cmd, check=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pages", nargs="*")
    ap.add_argument("--db")
    ap.add_argument("--from", dest="query")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        pages = list(a.pages)
        if a.db:
            out = export(a.db, a.query, tmp / "view.html")
            pages += [str(out)] + ([] if a.query else [f"{out}#whole"])
        if not pages:
            ap.error("give pages or --db")
        print(f"load average {os.getloadavg()[0]:.1f} / {os.getloadavg()[1]:.1f} on {os.cpu_count()} cores")
        print(f"{'page':60} {'MB':>6} {'drawn':>6} {'page ms':>8} {'screenshot s':>13}")
        for page in pages:
            r = measure(page, a.runs, tmp)
            print(f"{r['page'][-60:]:60} {r['bytes'] / 1e6:6.2f} {r['nodes_drawn']:>6} {r['page_ms'] or '?':>8} "
                  f"{r['screenshot_s']:13.1f}")


if __name__ == "__main__":
    main()
