#!/usr/bin/env python3
"""docgraph benchmark: throughput, memory, re-run, graph build, query latency, ripgrep baseline, prefilters.

    python benchmarks/run.py [FOLDER] [--files N --mb M --seed S] [--jobs J] [--json OUT.json] [--prefilter-compare]

Without FOLDER a synthetic corpus is generated first (benchmarks/generate.py) into a temporary folder. Every
docgraph run is a subprocess of the installed CLI (``docgraph extract FOLDER --db DB --jobs J -q``), timed wall clock,
while a sampler sums the resident memory of that process and all its descendants (the worker processes) every
~20 ms from /proc; the peak of that sum is reported, with the CPU seconds of the whole tree. Extract runs three
times: into a fresh index, unchanged, and (on a generated corpus only: a given folder is never written to) after
one file was edited. Graph build and library queries are timed in this process. A fixed piece of pure-Python work is
timed before and after ("machine check"): the machine's own speed, to compare reports taken at different times. The
figures are printed as a table and, with --json, written with the machine's description.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RG_PATTERN = "[0-9]+[/-][A-ZĐ]"
SHAPE = r"\d[ ]{0,2}[/\-–][ ]{0,2}\d{0,4}[ ]{0,2}/?[ ]{0,2}[A-ZĐa-zđ]"
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


# ------------------------------------------------------------------------------------------------ machine
def machine_info() -> dict:
    info: dict = {"python": platform.python_version(), "platform": platform.platform(), "cores": os.cpu_count(),
                  "date": dt.datetime.now().astimezone().isoformat(timespec="seconds")}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["ram_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        info["loadavg_at_start"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        pass
    try:
        import docgraph
        info["docgraph_version"] = docgraph.__version__
        src = Path(docgraph.__file__).resolve().parent
        head = subprocess.run(["git", "-C", str(src), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=10)
        if head.returncode == 0:
            dirty = subprocess.run(["git", "-C", str(src), "status", "--porcelain", "--", "."], capture_output=True,
                                   text=True, timeout=10).stdout.strip()
            info["docgraph_commit"] = head.stdout.strip() + ("+dirty" if dirty else "")
    except Exception:  # noqa: BLE001 - informative only
        pass
    rg = shutil.which("rg")
    if rg:
        out = subprocess.run([rg, "--version"], capture_output=True, text=True).stdout.split("\n")[0]
        info["ripgrep"] = out.strip()
    return info


# ------------------------------------------------------------------------------------------------ process tree RSS
def machine_check(repeat: int = 7) -> dict:
    """A fixed piece of pure-Python work of the kind docgraph does (a regex over Vietnamese text, a dict of counts,
    JSON, casefolding), timed in this process before and after the runs. It does not depend on docgraph's code, so
    two reports can be compared for the machine's own speed: this 2-core machine's speed drifts by 20 to 40 % over
    an evening, more than most code changes move the figures."""
    import random
    import re

    rng = random.Random(7)
    words = ["Chỉ thị", "số", "28-CT/TW", "ngày", "25/12/2023", "của", "Bộ Chính trị", "Kế hoạch", "thực hiện",
             "tỉnh", "Quyết định", "1017/QĐ-TTg", "Ủy ban nhân dân", "về", "việc"]
    text = " ".join(rng.choice(words) for _ in range(160_000))  # about 80 ms of work here
    pat = re.compile(r"(\d+)[-/]([A-ZĐ]+)(?:[/-]([A-Za-zĐ]+))?")

    def work() -> int:
        counts: dict[str, int] = {}
        for m in pat.finditer(text):
            counts[m.group(0)] = counts.get(m.group(0), 0) + 1
        return len(json.dumps(counts, ensure_ascii=False)) + sum(len(w.casefold()) for w in text.split())

    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        work()
        times.append(time.perf_counter() - t)
    return {"min_ms": min(times) * 1000, "median_ms": statistics.median(times) * 1000, "runs": repeat}


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    out.extend(int(x) for x in f.read().split())
            except OSError:
                pass
    except OSError:
        pass
    return out


def _children_by_ppid(root: int) -> list[int]:
    """Fallback when /proc/<pid>/task/*/children is missing: every process's parent from /proc/*/stat."""
    kids: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                s = f.read()
            ppid = int(s[s.rindex(")") + 2:].split()[1])
            kids.setdefault(ppid, []).append(int(name))
        except (OSError, ValueError):
            pass
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        for c in kids.get(p, []):
            out.append(c)
            todo.append(c)
    return out


_HAS_CHILDREN_FILE = os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/children")


def tree_pids(root: int) -> list[int]:
    if not _HAS_CHILDREN_FILE:
        return [root, *_children_by_ppid(root)]
    out, todo = [root], [root]
    while todo:
        for c in _children(todo.pop()):
            out.append(c)
            todo.append(c)
    return out


def rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return 0


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) of one process so far, its children not counted, from /proc."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
        fields = s[s.rindex(")") + 2:].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime
    except (OSError, ValueError, IndexError):
        return None


class TreeSampler(threading.Thread):
    """Samples the summed RSS of a process tree every ``interval`` seconds; ``peak`` is the max of the sums."""

    def __init__(self, pid: int, interval: float = 0.02):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak = 0
        self.peak_procs = 0
        self.samples = 0
        self.root_cpu = 0.0  # CPU seconds of the process itself (not its children), last sampled
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            cpu = process_cpu(self.pid)
            if cpu is not None:
                self.root_cpu = cpu
            pids = tree_pids(self.pid)
            total = sum(rss_bytes(p) for p in pids)
            self.samples += 1
            if total > self.peak:
                self.peak = total
            self.peak_procs = max(self.peak_procs, len(pids))
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def run_measured(cmd: list[str], *, ok: tuple[int, ...] = (0,)) -> dict:
    """Run ``cmd``; wall time, peak summed RSS of its process tree, return code, stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    sampler = TreeSampler(p.pid)
    sampler.start()
    out, err = p.communicate()
    wall = time.perf_counter() - t0
    sampler.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU seconds of the whole tree (the workers are waited for by docgraph, so their time rolls up to it): on a
    # machine shared with other work, wall time grows but this does not
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if p.returncode not in ok:
        raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}: {err.decode(errors='replace')[-2000:]}")
    # docgraph's own process is the write path (listing, receiving rows, writing, resolving); with --jobs 2 or more
    # the extraction runs in its workers: the rest of the tree's CPU (sampled, so up to one interval short)
    return {"seconds": wall, "cpu_seconds": cpu, "main_cpu_seconds": sampler.root_cpu,
            "workers_cpu_seconds": max(0.0, cpu - sampler.root_cpu), "peak_rss_mib": sampler.peak / 2**20,
            "max_processes": sampler.peak_procs,
            "samples": sampler.samples, "returncode": p.returncode, "stdout": out.decode("utf-8", "replace")}


def docgraph_cmd() -> list[str]:
    exe = shutil.which("docgraph")
    return [exe] if exe else [sys.executable, "-m", "docgraph"]


def timed(fn, repeat: int) -> dict:
    times = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return {"median_ms": statistics.median(times) * 1000, "min_ms": min(times) * 1000, "runs": repeat,
            "_result": result}


# ------------------------------------------------------------------------------------------------ corpus
def corpus_files(folder: Path) -> list[Path]:
    """The files docgraph extract reads by default (*.txt, *.md), sorted."""
    out = [p for p in folder.rglob("*") if p.is_file() and p.suffix in (".txt", ".md")]
    return sorted(out)


def describe(folder: Path) -> dict:
    files = corpus_files(folder)
    size = sum(p.stat().st_size for p in files)
    d = {"path": str(folder), "files": len(files), "bytes": size, "mb": round(size / 1e6, 2)}
    meta = folder / "corpus.json"
    if meta.is_file():
        try:
            d["generated"] = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
    return d


# ------------------------------------------------------------------------------------------------ prefilters
def prefilter_compare(folder: Path, db: Path | None, max_mb: float, repeat: int) -> dict:
    """Throughput and exactness of candidate prefilters over the corpus text (decoded as docgraph reads it)."""
    import regex

    import docgraph
    from docgraph.readers import read_file
    from docgraph.rules import load_rules

    triggers = sorted({t for r in load_rules().rules for t in r.triggers})
    name_triggers = sorted({t for r in load_rules().rules if r.layout == "name" for t in r.triggers})
    texts: list[tuple[str, str]] = []
    total = 0
    for p in corpus_files(folder):
        r = read_file(str(p))
        if r.text is None:
            continue
        texts.append((str(p), r.text))
        total += len(r.text.encode("utf-8"))
        if total >= max_mb * 1e6:
            break
    blobs = [t.encode("utf-8") for _, t in texts]

    # ground truth, lazily: a file rejected by a prefilter is a miss when extract_text finds a mention in it
    truth: dict[int, bool] = {}

    def has_mention(i: int) -> bool:
        if i not in truth:
            truth[i] = bool(docgraph.extract_text(texts[i][1]))
        return truth[i]

    methods: list[tuple] = []  # (name, any(text) -> bool, count of all candidates, runs on UTF-8 bytes)

    def lit_any(t: str) -> bool:
        return any(x in t for x in triggers)

    def lit_all(t: str) -> int:
        n = 0
        for x in triggers:
            n += t.count(x)
        return n
    methods.append((f"str in: rule triggers ({len(triggers)} literals)", lit_any, lit_all, False))

    shape = regex.compile(SHAPE)
    methods.append(("regex: reference shape only", lambda t: shape.search(t) is not None,
                    lambda t: sum(1 for _ in shape.finditer(t)), False))
    shape_names = regex.compile(SHAPE + "|" + "|".join(regex.escape(x) for x in name_triggers))
    methods.append(("regex: shape | law-name", lambda t: shape_names.search(t) is not None,
                    lambda t: sum(1 for _ in shape_names.finditer(t)), False))
    import re
    shape_re = re.compile(SHAPE + "|" + "|".join(re.escape(x) for x in name_triggers))
    methods.append(("re (stdlib): shape | law-name", lambda t: shape_re.search(t) is not None,
                    lambda t: sum(1 for _ in shape_re.finditer(t)), False))
    notes = {}
    try:
        import ahocorasick
        A = ahocorasick.Automaton()
        for i, x in enumerate(triggers):
            A.add_word(x, i)
        A.make_automaton()

        def aho_any(t: str) -> bool:
            for _ in A.iter(t):
                return True
            return False
        methods.append(("pyahocorasick: rule triggers", aho_any, lambda t: sum(1 for _ in A.iter(t)), False))
    except ImportError:
        notes["pyahocorasick"] = "not importable (pip install pyahocorasick to try it)"
    try:
        import hyperscan as hs

        def hs_db(exprs: list[bytes], single: bool):
            db_ = hs.Database(mode=hs.HS_MODE_BLOCK)
            fl = hs.HS_FLAG_UTF8 | hs.HS_FLAG_UCP | (hs.HS_FLAG_SINGLEMATCH if single else 0)
            db_.compile(expressions=exprs, ids=list(range(len(exprs))), elements=len(exprs), flags=[fl] * len(exprs))
            return db_

        def hs_methods(label: str, exprs: list[bytes]):
            d_any, d_all = hs_db(exprs, True), hs_db(exprs, False)

            def stop(*_a):
                return True

            def any_(b: bytes) -> bool:
                try:
                    d_any.scan(b, match_event_handler=stop)
                except hs.ScanTerminated:
                    return True
                return False

            def all_(b: bytes) -> int:
                n = [0]

                def cb(*_a):
                    n[0] += 1
                d_all.scan(b, match_event_handler=cb)
                return n[0]
            methods.append((label, any_, all_, True))
        hs_methods("hyperscan: rule triggers (UTF-8)", [regex.escape(x).encode() for x in triggers])
        hs_methods("hyperscan: shape | law-name (UTF-8)",
                   [SHAPE.encode(), *[regex.escape(x).encode() for x in name_triggers]])
    except ImportError:
        notes["hyperscan"] = "not importable (pip install hyperscan to try it)"

    rows = []
    for name, any_fn, all_fn, on_bytes in methods:
        data = blobs if on_bytes else [t for _, t in texts]
        best = None
        passed: list[int] = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            res = [any_fn(x) for x in data]
            el = time.perf_counter() - t0
            best = el if best is None else min(best, el)
            passed = [i for i, ok in enumerate(res) if ok]
        best_all = None
        hits = 0
        for _ in range(max(1, repeat // 2)):
            t0 = time.perf_counter()
            hits = sum(all_fn(x) for x in data)
            el = time.perf_counter() - t0
            best_all = el if best_all is None else min(best_all, el)
        pset = set(passed)
        missed = [texts[i][0] for i in range(len(texts)) if i not in pset and has_mention(i)]
        rows.append({"method": name, "mb_s": total / 1e6 / best if best else None, "seconds": best,
                     "files_passed": len(passed), "files": len(texts),
                     "mb_s_all_hits": total / 1e6 / best_all if best_all else None, "candidate_hits": hits,
                     "missed_files": len(missed), "missed_examples": missed[:5], "exact": not missed})
    # positives: files with at least one mention (computed for the files the widest filter passes, cached)
    with_mentions = None
    if db is not None and db.exists():
        try:
            conn = sqlite3.connect(str(db))
            with_mentions = conn.execute("SELECT COUNT(DISTINCT file_id) FROM mentions").fetchone()[0]
            conn.close()
        except sqlite3.Error:
            pass
    return {"files": len(texts), "bytes": total, "mb": round(total / 1e6, 2), "triggers": triggers,
            "shape_pattern": SHAPE, "files_with_mentions_in_index": with_mentions,
            "ground_truth_checked_files": len(truth), "rows": rows, "notes": notes}


# ------------------------------------------------------------------------------------------------ main run
def bench(folder: Path, work: Path, jobs: int, repeat: int, do_prefilter: bool, prefilter_mb: float,
          log=print, changeable: bool = False) -> dict:
    """``changeable``: the corpus was generated by this run, so one of its files may be edited to time a re-run
    with one changed file (a folder given by the user is never written to)."""
    dg = docgraph_cmd()
    res: dict = {"machine": machine_info(), "corpus": describe(folder), "jobs": jobs, "command": dg,
                 "machine_check": {"before": machine_check()}}
    mb = res["corpus"]["bytes"] / 1e6
    nfiles = res["corpus"]["files"]
    db = work / "bench.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)

    log(f"extract (first run) of {nfiles} files, {mb:.1f} MB, --jobs {jobs} ...")
    first = run_measured([*dg, "extract", str(folder), "--db", str(db), "--jobs", str(jobs), "-q", "--json"],
                         ok=(0, 1))
    summary = json.loads(first.pop("stdout") or "{}")
    stats = json.loads(subprocess.run([*dg, "stats", "--db", str(db), "--json"], capture_output=True, text=True,
                                      check=True).stdout)
    mentions = stats.get("mentions", 0)
    res["extract"] = {**first, "mb_s": mb / first["seconds"], "files_s": nfiles / first["seconds"],
                      "mentions": mentions, "mentions_s": mentions / first["seconds"],
                      "documents": stats.get("documents"), "edges": stats.get("edges"),
                      "by_relation": stats.get("by_relation"), "ambiguous_mentions": stats.get("ambiguous_mentions"),
                      "unresolved_mentions": stats.get("unresolved_mentions"),
                      "files_read": summary.get("read"), "skipped": len(summary.get("skipped", []))}
    log(f"  {first['seconds']:.1f} s, {mb / first['seconds']:.2f} MB/s, peak {first['peak_rss_mib']:.0f} MiB")

    log("extract (unchanged re-run) ...")
    second = run_measured([*dg, "extract", str(folder), "--db", str(db), "--jobs", str(jobs), "-q", "--json"],
                          ok=(0, 1))
    s2 = json.loads(second.pop("stdout") or "{}")
    res["rerun"] = {**second, "ratio_to_first": second["seconds"] / first["seconds"],
                    "files_read": s2.get("read"), "unchanged": s2.get("unchanged")}
    log(f"  {second['seconds']:.2f} s ({res['rerun']['ratio_to_first']:.3f} of the first run)")

    if changeable:
        victim = min(folder.rglob("*.txt"))
        with open(victim, "a", encoding="utf-8") as fh:
            fh.write("\nThực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị.\n")
        log(f"extract (re-run, one file changed: {victim.name}) ...")
        third = run_measured([*dg, "extract", str(folder), "--db", str(db), "--jobs", str(jobs), "-q", "--json"],
                             ok=(0, 1))
        s3 = json.loads(third.pop("stdout") or "{}")
        res["rerun_one_changed"] = {**third, "ratio_to_first": third["seconds"] / first["seconds"],
                                    "files_read": s3.get("read")}
        log(f"  {third['seconds']:.2f} s ({res['rerun_one_changed']['ratio_to_first']:.3f} of the first run)")

    # graph build and library queries, in process
    from docgraph import index as ix
    from docgraph import query
    from docgraph.graph import build_graph

    conn = ix.connect(db)
    t0 = time.perf_counter()
    g = build_graph(conn)
    gb = time.perf_counter() - t0
    builds = [gb]
    if gb < 2.0:
        for _ in range(2):
            t0 = time.perf_counter()
            g = build_graph(conn)
            builds.append(time.perf_counter() - t0)
    res["graph_build"] = {"seconds": statistics.median(builds), "runs": len(builds),
                          "nodes": g.number_of_nodes(), "edges": g.number_of_edges()}
    log(f"graph build {res['graph_build']['seconds']:.2f} s ({g.number_of_nodes()} nodes, {g.number_of_edges()} edges)")

    row = conn.execute("SELECT target, COUNT(*) FROM edges GROUP BY target ORDER BY 2 DESC, 1 LIMIT 1").fetchone()
    central = row[0] if row else None
    deep = conn.execute(
        "SELECT e1.source FROM edges e1 JOIN edges e2 ON e1.target=e2.source "
        "WHERE e1.relation='implements' AND e2.relation='implements' ORDER BY e1.source LIMIT 1").fetchone()
    chain_doc = deep[0] if deep else central
    impl = conn.execute("SELECT target, COUNT(*) FROM edges WHERE relation='implements' GROUP BY target "
                        "ORDER BY 2 DESC, 1 LIMIT 1").fetchone()
    impl_doc = impl[0] if impl else central
    res["queries"] = {"central_doc": central, "central_in_edges": row[1] if row else 0, "chain_doc": chain_doc,
                      "implemented_doc": impl_doc, "implemented_in_edges": impl[1] if impl else 0}
    if central:
        lib = {
            "implementers": timed(lambda: query.implementers(g, central), repeat),
            "implementers (most implemented)": timed(lambda: query.implementers(g, impl_doc), repeat),
            "chain": timed(lambda: query.chain(g, chain_doc), repeat),
            "show": timed(lambda: query.show(conn, g, central), repeat),
        }
        sizes = {"implementers": len(lib["implementers"]["_result"] or []),
                 "implementers (most implemented)": len(lib["implementers (most implemented)"]["_result"] or []),
                 "chain": len(lib["chain"]["_result"] or [])}
        for v in lib.values():
            v.pop("_result")
        res["queries"]["library"] = lib
        res["queries"]["result_sizes"] = sizes
        cli = {}
        for label, name, doc in (("implementers", "implementers", central),
                                 ("implementers (most implemented)", "implementers", impl_doc),
                                 ("chain", "chain", chain_doc), ("show", "show", central)):
            runs = [run_measured([*dg, name, doc, "--db", str(db), "--json"]) for _ in range(repeat)]
            secs = [r["seconds"] for r in runs]
            cli[label] = {"median_ms": statistics.median(secs) * 1000, "min_ms": min(secs) * 1000,
                         "peak_rss_mib": max(r["peak_rss_mib"] for r in runs), "runs": repeat}
        startup = [run_measured([*dg, "--help"])["seconds"] for _ in range(repeat)]
        cli["startup (--help)"] = {"median_ms": statistics.median(startup) * 1000, "min_ms": min(startup) * 1000,
                                   "runs": repeat}
        res["queries"]["cli"] = cli
        log("queries: " + ", ".join(f"{k} {v['median_ms']:.0f} ms" for k, v in cli.items()))
    conn.close()

    rg = shutil.which("rg")
    if rg:
        runs = [run_measured([rg, "-c", RG_PATTERN, str(folder)], ok=(0, 1)) for _ in range(3)]
        best = min(runs, key=lambda r: r["seconds"])
        files_hit = len([ln for ln in best["stdout"].splitlines() if ln.strip()])
        res["ripgrep"] = {"pattern": RG_PATTERN, "seconds": best["seconds"], "mb_s": mb / best["seconds"],
                          "files_matching": files_hit, "runs": 3,
                          "docgraph_over_ripgrep": first["seconds"] / best["seconds"]}
        log(f"ripgrep {best['seconds']:.3f} s; docgraph/ripgrep = {res['ripgrep']['docgraph_over_ripgrep']:.0f}x")
    else:
        res["ripgrep"] = None

    if do_prefilter:
        log("prefilter comparison ...")
        res["prefilter"] = prefilter_compare(folder, db, prefilter_mb, 3)
    res["machine_check"]["after"] = machine_check()
    try:
        res["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        pass
    return res


# ------------------------------------------------------------------------------------------------ report
def table(rows: list[tuple[str, str]]) -> str:
    w = max(len(a) for a, _ in rows)
    return "\n".join(f"{a.ljust(w)}  {b}" for a, b in rows)


def report(res: dict) -> str:
    m, c, e, r = res["machine"], res["corpus"], res["extract"], res["rerun"]
    lines = [
        ("date", m.get("date", "")),
        ("machine", f"{m.get('cpu', '?')}, {m.get('cores')} cores, {m.get('ram_gib')} GiB RAM, Python {m['python']}"),
        ("docgraph", f"{m.get('docgraph_version', '?')} {m.get('docgraph_commit', '')}".strip()),
        ("load average (start / end)", f"{m.get('loadavg_at_start')} / {m.get('loadavg_at_end')}"),
    ]
    mc = res.get("machine_check")
    if mc and "after" in mc:
        lines.append(("machine check (before / after)",
                      f"{mc['before']['min_ms']:.0f} / {mc['after']['min_ms']:.0f} ms"
                      " (fixed pure-Python work, min of 7: lower is faster)"))
    lines += [
        ("corpus", f"{c['path']}: {c['files']} files, {c['mb']} MB"),
        ("jobs", str(res["jobs"])),
        ("first extract", f"{e['seconds']:.2f} s (CPU {e['cpu_seconds']:.1f} s, all processes)"),
        ("  write path (main process CPU)", f"{e['main_cpu_seconds']:.1f} s: listing, receiving, writing, resolving"),
        ("  extraction (workers' CPU)", f"{e['workers_cpu_seconds']:.1f} s: reading and matching"
                                        + (" (--jobs 1: in the main process)" if res["jobs"] <= 1 else "")),
        ("  throughput", f"{e['mb_s']:.2f} MB/s, {e['files_s']:.0f} files/s, {e['mentions_s']:.0f} mentions/s"),
        ("  index", f"{e['mentions']} mentions, {e['documents']} documents, {e['edges']} edges"),
        ("  peak RSS (process tree)", f"{e['peak_rss_mib']:.0f} MiB (up to {e['max_processes']} processes)"),
        ("unchanged re-run", f"{r['seconds']:.2f} s = {r['ratio_to_first']:.3f} x first "
                             f"(peak {r['peak_rss_mib']:.0f} MiB)"),
    ]
    if "rerun_one_changed" in res:
        o = res["rerun_one_changed"]
        lines.append(("re-run, one file changed", f"{o['seconds']:.2f} s = {o['ratio_to_first']:.3f} x first "
                                                  f"({o['files_read']} file read)"))
    lines += [
        ("graph build (in process)", f"{res['graph_build']['seconds']:.3f} s "
                                     f"({res['graph_build']['nodes']} nodes, {res['graph_build']['edges']} edges)"),
    ]
    q = res.get("queries", {})
    if q.get("central_doc"):
        lines.append(("query targets", f"{q['central_doc']} ({q['central_in_edges']} in-edges)"))
        lines.append(("", f"most implemented: {q['implemented_doc']} ({q['implemented_in_edges']} implements edges)"))
        lines.append(("", f"chain: {q['chain_doc']}"))
        for k, v in q["cli"].items():
            extra = f", peak {v['peak_rss_mib']:.0f} MiB" if "peak_rss_mib" in v else ""
            lines.append((f"  CLI {k}", f"{v['median_ms']:.0f} ms median (min {v['min_ms']:.0f}){extra}"))
        for k, v in q["library"].items():
            lines.append((f"  library {k}", f"{v['median_ms']:.2f} ms median"))
        lines.append(("  result sizes", ", ".join(f"{k} {v}" for k, v in q["result_sizes"].items())))
    rg = res.get("ripgrep")
    if rg:
        lines.append(("ripgrep -c " + rg["pattern"],
                      f"{rg['seconds']:.3f} s ({rg['mb_s']:.0f} MB/s, {rg['files_matching']} files match)"))
        lines.append(("docgraph / ripgrep", f"{rg['docgraph_over_ripgrep']:.0f}x"))
    out = table(lines)
    pf = res.get("prefilter")
    if pf:
        out += "\n\n" + prefilter_table(pf)
    return out


def prefilter_table(pf: dict) -> str:
    head = (f"prefilters over {pf['files']} files, {pf['mb']} MB of decoded text "
            f"({pf['files_with_mentions_in_index']} files have a mention in the index)\n"
            f"rule triggers: {' '.join(repr(t) for t in pf['triggers'])}; shape: {pf['shape_pattern']}\n"
            "first hit = stop at the first candidate (a file-level filter); all hits = find every candidate\n"
            "missed = files rejected although docgraph.extract_text finds a mention in them")
    rows = [("method", "MB/s (first hit)", "MB/s (all hits)", "files passed", "missed", "exact")]
    for r in pf["rows"]:
        rows.append((r["method"], f"{r['mb_s']:.0f}", f"{r['mb_s_all_hits']:.0f}",
                     f"{r['files_passed']}/{r['files']}", str(r["missed_files"]), "yes" if r["exact"] else "NO"))
    w = [max(len(x[i]) for x in rows) for i in range(len(rows[0]))]
    text = "\n".join("  ".join(x[i].ljust(w[i]) if i == 0 else x[i].rjust(w[i]) for i in range(len(x)))
                     for x in rows)
    notes = "".join(f"\n{k}: {v}" for k, v in pf.get("notes", {}).items())
    return head + "\n" + text + notes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", nargs="?", help="corpus folder (default: generate one into a temporary folder)")
    ap.add_argument("--files", type=int, default=2000, help="files to generate when no FOLDER (default 2000)")
    ap.add_argument("--mb", type=float, default=None, help="total MB to generate (default 5 KB a file)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--density", type=float, default=0.5, help="references per KB to generate")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="docgraph extract --jobs (default: cores)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per query latency (median reported)")
    ap.add_argument("--json", dest="json_out", help="write all figures to this JSON file")
    ap.add_argument("--prefilter-compare", action="store_true", help="also compare candidate prefilters")
    ap.add_argument("--prefilter-mb", type=float, default=300.0, help="at most this much text for the prefilters")
    ap.add_argument("--workdir", help="keep the index (and a generated corpus) here instead of a temp folder")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr")
    a = ap.parse_args(argv)

    def log(msg: str) -> None:
        if not a.quiet:
            print(msg, file=sys.stderr, flush=True)

    tmp = None
    if a.workdir:
        work = Path(a.workdir)
        work.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="docgraph-bench-")
        work = Path(tmp.name)
    try:
        gen = None
        if a.folder:
            folder = Path(a.folder)
            if not folder.is_dir():
                print(f"error: {folder} is not a folder", file=sys.stderr)
                return 2
        else:
            sys.path.insert(0, str(HERE))
            import generate as gen_mod
            folder = work / "corpus"
            log(f"generating {a.files} files (seed {a.seed}) into {folder} ...")
            gen = gen_mod.generate(str(folder), a.files, mb=a.mb, density=a.density, seed=a.seed,
                                   jobs=min(2, os.cpu_count() or 1))
            log(f"  {gen['mb']:.1f} MB in {gen['seconds']:.1f} s")
        res = bench(folder, work, a.jobs, a.repeat, a.prefilter_compare, a.prefilter_mb, log,
                    changeable=not a.folder)
        if gen:
            res["generate_seconds"] = gen["seconds"]
        print(report(res))
        if a.json_out:
            Path(a.json_out).write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
            log(f"wrote {a.json_out}")
    finally:
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
