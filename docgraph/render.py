"""Rendering for the CLI: rich tables and trees for people, plain JSON for scripts. Document text is printed with
markup disabled ("[" is common in it). Progress goes to stderr and never redirects stdout."""

from __future__ import annotations

import json
import re
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from .i18n import N_, _, level_name, relation_name

out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DATED_BEFORE = N_("⚠ dated before its target")  # the mark of an implements edge flagged source_before_target
MISSING_CITERS_SHOWN = 8  # citing documents listed per missing document in the table (--json has them all)
LEVEL_COLOURS = {"central": "red", "provincial": "dark_orange", "department": "green", "district": "blue",
                 "commune": "magenta", "unknown": "grey50"}


# what a terminal would obey rather than print: C0 and C1 control characters (ESC starts the sequences that clear the
# screen, set the window title or colour a forged "error:" line; a newline in a file name forges a line) and the
# bidirectional overrides that reorder what is shown
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape_one(m: re.Match) -> str:
    c = m.group()
    return _NAMED.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")


def safe(s: Any) -> str:
    """``s`` as text a terminal prints as it is: every control character written as its escape (ESC as ``\\x1b``,
    a newline as ``\\n``). Every piece of a file or of the index (names, titles, evidence, skip reasons) goes
    through it on its way to a person; JSON output escapes them itself."""
    s = "" if s is None else str(s)
    return _CONTROL.sub(_escape_one, s) if _CONTROL.search(s) else s


def _t(s: Any, style: str | None = None) -> Text:
    return Text(safe(s), style=style or "")


def error(msg: str) -> None:
    err.print(Text(_("error: {message}").format(message=safe(msg)), style="bold red"))


def warn(msg: str) -> None:
    err.print(Text(_("warning: {message}").format(message=safe(msg)), style="yellow"))


def note(msg: str) -> None:
    err.print(Text(safe(msg), style="dim"))


def json_out(data: Any) -> None:
    """``data`` as JSON on stdout, laid out by ``json_text``: every command's --json goes through here."""
    sys.stdout.write(json_text(data) + "\n")
    sys.stdout.flush()


def _line_encoder() -> Callable[[Any], str]:
    """One line of JSON from the C encoder, UTF-8 text as written, ", " and ": " between items: what json.dumps
    gives without an indent (with one it runs the pure-Python encoder: 0.45 s of the 16.7 MB answer for the 19,920
    implementers of a law, against 0.2 s). The C encoder is called directly when this Python has it (JSONEncoder.encode
    builds a new one for every value: half the time of a small row); checked once against JSONEncoder."""
    plain = json.JSONEncoder(ensure_ascii=False, default=str).encode
    make = getattr(json.encoder, "c_make_encoder", None)
    try:
        c = make(None, str, json.encoder.encode_basestring, None, ": ", ", ", False, False, True)

        def fast(x: Any) -> str:
            return "".join(c(x, 0))

        probe = {"a": [1, 2.5, None, True], "ệ\n": {"b": "x\"y"}, "c": Path("p")}
        if fast(probe) == plain(probe) and fast("ệ") == plain("ệ"):
            return fast
    except Exception:  # noqa: BLE001 - another Python's private signature: the public way
        pass
    return plain


_encode_line = _line_encoder()
_encode_key = json.encoder.encode_basestring  # a str, quoted and escaped as the encoder does (C as well)


def json_text(data: Any) -> str:
    """``data`` as JSON for people and scripts alike. The outer list or object, every list that holds lists or
    objects, and every object that holds such a list or an object (an element of a list: an object that holds
    objects or lists), are broken one element (or key) per line, indented by two spaces a level; every other value,
    such as a document's row in a list of implementers with its evidence, is written on one line. The same keys, values and order as ``json.dumps(data, indent=2)``: only the whitespace differs (and a
    command's answer of thousands of rows is written twice as fast)."""
    parts: list[str] = []
    _json_parts(data, "\n", parts, top=True)
    return "".join(parts)


def _json_parts(x: Any, nl: str, parts: list[str], top: bool = False, row: bool = False) -> None:
    """Append the JSON of ``x`` to ``parts``; ``nl`` is a newline and the indent of the line ``x`` starts on; ``row``:
    ``x`` is an element of a list (a row keeps a flat object, such as its evidence, on its line)."""
    if isinstance(x, dict):
        if x and (top or _dict_breaks(x, row)):
            inner = nl + "  "
            sep = "{" + inner
            for k, v in x.items():
                key = sep + (_encode_key(k) if type(k) is str else _encode_line({k: None})[1:-7]) + ": "
                t = type(v)  # the common scalars written at once (exact types: a subclass takes the long way)
                if t is str:
                    parts.append(key + _encode_key(v))
                elif v is None:
                    parts.append(key + "null")
                elif t is int:
                    parts.append(key + int.__repr__(v))
                elif not v and (t is list or t is dict):
                    parts.append(key + ("[]" if t is list else "{}"))
                else:
                    parts.append(key)
                    _json_parts(v, inner, parts)
                sep = "," + inner
            parts.append(nl + "}")
            return
    elif isinstance(x, (list, tuple)) and x and (top or _holds_containers(x)):
        inner = nl + "  "
        sep = "[" + inner
        for v in x:
            parts.append(sep)
            _json_parts(v, inner, parts, row=True)
            sep = "," + inner
        parts.append(nl + "]")
        return
    parts.append(_encode_line(x))


def _dict_breaks(d: dict, row: bool = False) -> bool:
    """Is ``d`` broken one key per line: does it hold a non-empty object (for a ``row``, an object that holds
    objects or lists: a row's evidence stays on the row's line), or a list holding lists or objects?"""
    for v in d.values():
        t = type(v)
        if t is str or t is int or v is None:
            continue
        if isinstance(v, dict):
            if v and (not row or any(isinstance(w, (dict, list, tuple)) for w in v.values())):
                return True
        elif isinstance(v, (list, tuple)) and _holds_containers(v):
            return True
    return False


def _holds_containers(seq: list | tuple) -> bool:
    """Does ``seq`` hold a non-empty list or object (then it is broken one element per line)?"""
    return any(isinstance(v, (dict, list, tuple)) and v for v in seq)


def jsonl(rows: Iterable[dict]) -> None:
    w = sys.stdout.write
    for r in rows:
        w(json.dumps(r, ensure_ascii=False) + "\n")
    sys.stdout.flush()


_STAGES = {"resolve": N_("resolving documents and edges")}


@contextmanager
def progress(enabled: bool = True) -> Iterator[tuple[Callable[[int, int, str], None], Callable[[str], None]]]:
    """A progress bar on stderr, shown only on a terminal: ``(tick, stage)``, the two callbacks of ``scan``. A stage
    without per-file progress (resolving documents and edges, seconds on a large folder) gets a pulsing bar and its
    own description, so the run does not look stuck at 100 %."""
    if not enabled or not err.is_terminal:
        yield (lambda done, total, path: None), (lambda name: None)
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn  # extract only

    # "done/total" is a field of its own: a stage has no count to show (rich's M-of-N column would print "0/?")
    bar = Progress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                   TextColumn("[progress.download]{task.fields[count]}"), TimeRemainingColumn(),
                   console=err, redirect_stdout=False, redirect_stderr=False, transient=True)
    task = None
    with bar:
        def tick(done: int, total: int, path: str) -> None:
            nonlocal task
            if task is None:
                task = bar.add_task(_("extracting"), total=total, count="")
            # the total grows while the folder is walked
            bar.update(task, completed=done, total=total, count=f"{done}/{total}")

        def stage(name: str) -> None:
            nonlocal task
            if task is not None:
                bar.remove_task(task)
            task = bar.add_task(_(_STAGES[name]) if name in _STAGES else name, total=None, count="")  # no total: a pulsing bar
            bar.refresh()  # at once, not at the next tick of the refresh thread

        yield tick, stage


def extract_summary(s: Any, db: str) -> None:
    t = Table(title="docgraph extract", show_header=False, title_justify="left")
    t.add_column("what")
    t.add_column("count", justify="right")
    t.add_row(_("files"), str(s.files))
    t.add_row("  " + _("read this run"), str(s.read))
    t.add_row("  " + _("unchanged"), str(s.unchanged))
    if s.removed:
        t.add_row("  " + _("removed from index"), str(s.removed))
    t.add_row("  " + _("skipped"), str(len(s.skipped)))
    t.add_row(_("mentions"), str(s.mentions))
    t.add_row(_("documents"), str(s.documents))
    t.add_row(_("relations"), str(s.relations))
    if s.ambiguous:
        t.add_row(_("ambiguous mentions"), str(s.ambiguous))
    out.print(t)
    out.print(_t(_("index: {path}").format(path=db), "dim"))


def skipped(rows: Iterable[tuple[str, str]]) -> None:
    """One line per skipped file, on stderr (stdout may be JSON)."""
    lines = Lines()
    for path, reason in rows:
        lines.add(_("skipped {path}: {reason}").format(path=path, reason=reason), "yellow")
    if lines.n:
        err.print(lines.text)


def skipped(rows: Iterable[tuple[str, str]]) -> None:
    """One line per skipped file, on stderr (stdout may be JSON)."""
    lines = Lines()
    for path, reason in rows:
        lines.add(f"skipped {path}: {reason}", "yellow")
    if lines.n:
        err.print(lines.text)


# the node attributes _doc_line prints: a query that renders only through it needs no other (see implementers)
DOC_LINE_FIELDS = ("label", "date", "level", "jurisdiction", "issuer")


def _doc_line(d: dict[str, Any], extra: str = "") -> Text:
    lvl = d.get("level") or "unknown"
    t = Text()
    t.append(safe(d.get("label") or d.get("doc")), style="bold")
    bits = [d.get("date") or _("no date"), level_name(lvl)]
    if d.get("jurisdiction"):
        bits.append(d["jurisdiction"])
    if d.get("issuer"):
        bits.append(d["issuer"])
    t.append("  " + " · ".join(safe(b) for b in bits), style=LEVEL_COLOURS.get(lvl, ""))
    if extra:
        t.append("  " + safe(extra), style="dim")
    return t


def _evidence_text(ev: dict[str, Any] | None) -> Text:
    """A row's evidence for people: file:line and the sentence, dim; empty when the row has none."""
    if not ev:
        return Text("")
    where = f"{ev['file']}:{ev['line']}" if ev.get("line") is not None else str(ev.get("file") or "")
    return Text(safe(f"{where}  {' '.join(str(ev.get('text') or '').split())}".strip()), style="dim italic",
                overflow="fold")


def implementers_tree(g: Any, root: str, rows: list[dict[str, Any]], limit: int | None = None,
                      evidence: bool = False) -> None:
    """The implementers as a tree by level; with ``limit`` only the first ``limit`` rows (the nearest: rows come
    breadth first, so every shown row's parent is shown) and a line saying how many more there are; with
    ``evidence`` each row's linking sentence (file:line) under it."""
    rd = dict(g.nodes[root])
    rd["doc"] = root
    tree = Tree(_doc_line(rd, f"[{root}]"))
    nodes = {root: tree}
    shown = _head(rows, limit)
    for r in shown:
        parent = nodes.get(r["via"], tree)
        extra = relation_name(r["relation"])
        if r.get("lag_days") is not None:
            extra += ", " + _days(r["lag_days"])
        if "source_before_target" in (r.get("flags") or ()):
            extra += f"  {_(DATED_BEFORE)}"
        extra += f"  [{r['doc']}]"
        line = _doc_line(r, extra)
        if evidence and r.get("evidence"):
            line.append("\n").append_text(_evidence_text(r["evidence"]))
        nodes[r["doc"]] = parent.add(line)
    out.print(tree)
    if not rows:
        out.print(_t(_("no document in the index implements it yet"), "yellow"))
    else:
        if len(shown) < len(rows):
            out.print(_t(_("… and {n} more, further down the chain (--limit 0 shows them all, --json lists them"
                           " all)").format(n=len(rows) - len(shown)), "dim"))
        out.print(_t(_("{n} implementing document(s)").format(n=len(rows)), "dim"))


def chain_paths(g: Any, doc: str, paths: list[list[dict[str, Any]]]) -> None:
    if not paths:
        out.print(_t(_("{doc}: implements nothing in the index (it is a root)").format(doc=doc), "yellow"))
        return
    for i, p in enumerate(paths, 1):
        out.print(_t(_("chain {n}").format(n=i), "bold"))
        for depth, d in enumerate(p):
            prefix = "  " * depth + ("└─ " + safe(relation_name(d.get("relation"))) + " → " if depth else "")
            line = Text(prefix)
            line.append_text(_doc_line(d, f"[{d['doc']}]"))
            out.print(line)


def card(c: dict[str, Any], limit: int | None = None) -> None:
    """The document card; with ``limit`` at most ``limit`` mentions and ``limit`` edges each way, and a line saying
    how many more there are. Each list is printed at once (one print per line is slow for thousands of lines)."""
    t = Table(show_header=False, title=safe(c.get("label")), title_justify="left")
    t.add_column("field", style="bold")
    t.add_column("value")
    for f in ("doc", "type", "number", "symbol", "year", "date", "issuer", "issuer_code", "level", "branch",
              "jurisdiction", "title", "signer_title", "signer", "source_file", "encoding", "kind", "mentions"):
        if c.get(f) not in (None, ""):
            t.add_row(_(_CARD_FIELDS[f]), _t(level_name(c[f]) if f == "level" else c[f]))
    out.print(t)
    if c["mentions_list"]:
        out.print(_t(_("mentioned in"), "bold"))
        lines = Lines()
        for m in _head(c["mentions_list"], limit):
            flag = " " + _("(own header)") if m["own"] else (" " + _("(short form)") if m["short_form"] else "")
            lines.add(f"  {_where(m)}  {' '.join(m['text'].split())}{flag}")  # a reference broken over lines: one line
        _more(lines, len(c["mentions_list"]), limit, _("mention(s)"))
        lines.print()
    for direction, title in (("out", N_("edges out (this document → other)")),
                             ("in", N_("edges in (other → this document)"))):
        if not c[direction]:
            continue
        out.print(_t(_(title), "bold"))
        lines = Lines()
        for e in _head(c[direction], limit):
            flags = "".join(f"  {_(DATED_BEFORE)}" if f == "source_before_target" else f"  ⚠ {f}" for f in e["flags"])
            lines.add(f"  {relation_name(e['relation'])}  {e['label']}  [{e['doc']}]  ×{e['count']}{flags}")
            for ev in e["evidence"][:5]:
                lines.add(f"      {_where(ev)}  {ev['text']}", "dim")
        _more(lines, len(c[direction]), limit, _("edge(s)"))
        lines.print()


# the document card's fields and the stats' figures as people read them (the JSON keys stay as they are)
_CARD_FIELDS = {
    "doc": N_("doc"), "type": N_("type"), "number": N_("number"), "symbol": N_("symbol"), "year": N_("year"),
    "date": N_("date"), "issuer": N_("issuer"), "issuer_code": N_("issuer_code"), "level": N_("level"),
    "branch": N_("branch"), "jurisdiction": N_("jurisdiction"), "title": N_("title"), "signer_title": N_("signer_title"),
    "signer": N_("signer"), "source_file": N_("source_file"), "encoding": N_("encoding"), "kind": N_("kind"),
    "mentions": N_("mentions"),
}
_STATS = {
    "files": N_("files"), "files_skipped": N_("files skipped"), "mentions": N_("mentions"),
    "documents": N_("documents"), "documents_in_folder": N_("documents in folder"), "edges": N_("edges"),
    "ambiguous_mentions": N_("ambiguous mentions"), "unresolved_mentions": N_("unresolved mentions"),
    "by_type": N_("by type"), "by_level": N_("by level"), "by_branch": N_("by branch"),
    "by_jurisdiction": N_("by jurisdiction"), "by_relation": N_("by relation"), "flagged_edges": N_("flagged edges"),
}


def _head(rows: list[Any], limit: int | None) -> list[Any]:
    return rows[:limit] if limit else rows


def _more(lines: "Lines", n: int, limit: int | None, what: str) -> None:
    """The line after the first ``limit`` of ``n`` rows saying how many more there are (none when all are shown)."""
    if limit and n > limit:
        lines.add("  " + _("… and {n} more {what} (--limit 0 shows them all, --json lists them all)").format(
            n=n - limit, what=what), "dim")


class Lines:
    """Lines printed with one call: the same output as one ``out.print`` per line, several times faster."""

    def __init__(self) -> None:
        self.text = Text()
        self.n = 0

    def add(self, s: Any, style: str | None = None) -> None:
        if self.n:
            self.text.append("\n")
        self.text.append(safe(s), style=style or None)  # one line: a newline in it is escaped
        self.n += 1

    def print(self) -> None:
        if self.n:
            out.print(self.text)


def _where(x: dict[str, Any]) -> str:
    """file:line, with the page or paragraph of an office file: 'plan.pdf:12 (p.2)'."""
    loc = x.get("location")
    return f"{x['file']}:{x['line']}" + (f" ({loc})" if loc else "")


def doc_table(rows: list[dict[str, Any]], title: str, total: int | None = None, limit: int | None = None) -> None:
    """The documents as a table; with ``limit`` only the first ``limit`` rows, then a line saying how many more of
    ``total`` there are (``rows`` may hold just the shown ones)."""
    t = Table(title=title, title_justify="left")
    shown = _head(rows, limit)
    # the id is what the other commands take: never cut short with "…". It keeps one line while the document column
    # still has 30 columns to wrap in; on a narrower terminal it is folded onto more lines, whole. The document's
    # date, level and place go under its label (the --json rows have every column apart)
    longest = max((len(str(r.get("id") or "")) for r in shown), default=2)
    if out.width - longest >= 50:
        t.add_column(_("id"), no_wrap=True, min_width=longest)
    else:
        t.add_column(_("id"), overflow="fold")
    t.add_column(_("document"), ratio=3)
    t.add_column(_("source file"), overflow="fold", ratio=2)
    for r in shown:
        lvl = r.get("level") or "unknown"
        doc = Text(safe(r.get("label") or r.get("id")), style="bold")
        bits = [r.get("date") or _("no date"), level_name(lvl)] + ([r["jurisdiction"]] if r.get("jurisdiction") else [])
        doc.append("\n" + " · ".join(safe(b) for b in bits), style=LEVEL_COLOURS.get(lvl, ""))
        if r.get("source_file"):
            src = _t(r.get("source_file"))
        else:  # known only from references to it: say so, and how often it is cited, instead of an empty cell
            src = Text(_("not in the folder: cited {n}×").format(n=r.get("mentions") or 0), style="dim")
        t.add_row(_t(r.get("id")), doc, src)
    out.print(t)
    lines = Lines()
    _more(lines, len(rows) if total is None else total, limit, _("document(s)"))
    lines.print()


def stats(s: dict[str, Any]) -> None:
    t = Table(title="docgraph stats", show_header=False, title_justify="left")
    t.add_column("what")
    t.add_column("count", justify="right")
    for k in ("files", "files_skipped", "mentions", "documents", "documents_in_folder", "edges", "ambiguous_mentions",
              "unresolved_mentions"):
        t.add_row(_(_STATS[k]), safe(s[k]))
    out.print(t)
    for k in ("by_type", "by_level", "by_branch", "by_jurisdiction", "by_relation", "flagged_edges"):
        if not s[k]:
            continue
        tt = Table(title=_(_STATS[k]), show_header=False, title_justify="left")
        tt.add_column(k)
        tt.add_column("count", justify="right")
        for name, n in s[k].items():
            shown = level_name(name) if k == "by_level" else relation_name(name) if k == "by_relation" else name
            tt.add_row(_t(shown), safe(n))
        out.print(tt)
    for sk in s["skipped"]:
        out.print(_t(_("skipped {path}: {reason}").format(path=sk["path"], reason=sk["reason"]), "yellow"))
    for a in s.get("ambiguous", []):
        out.print(_t(_("ambiguous {place}  {text}").format(place=f"{a['file']}:{a['line']}", text=" ".join(a["text"].split())),
                     "yellow"))  # one line


def rules_table(rows: list[dict[str, Any]]) -> None:
    t = Table(title=_("{n} rules").format(n=len(rows)), title_justify="left")
    for col in ("id", "layout", "examples", "description", "file"):
        t.add_column(col)
    for r in rows:
        t.add_row(_t(r["id"]), _t(r["layout"]), str(r["examples"]), _t(r["description"]), _t(f"{r['file']}:{r['line']}"))
    out.print(t)


def rule_test_results(results: list[dict[str, Any]]) -> None:
    failed = [r for r in results if not r["ok"]]
    for r in failed:
        out.print(_t(f"FAIL {r['rule']} ({r['kind']}) {r['file']}:{r['line']}: {r['text']!r}: {r['why']}", "red"))
    style = "green" if not failed else "red"
    out.print(_t(_("{passed} passed, {failed} failed").format(passed=len(results) - len(failed), failed=len(failed)),
                 style))


# ---------------------------------------------------------------------------------------------------- analyst queries
def _days(lag: int | float) -> str:
    """A lag for people: "+32 days", "-3 days"."""
    return _("{lag} days").format(lag=f"{'+' if lag >= 0 else ''}{lag}")


def _lag_text(lag: int | float | None) -> Text:
    if lag is None:
        return _t("", "dim")
    return _t(_days(lag), "red" if lag < 0 else "")


def _label_id(label: Any, doc: Any) -> Text:
    t = Text(safe(label or doc or ""))
    if doc and doc != label:
        t.append(f"\n[{safe(doc)}]", style="dim")
    return t


def missing_table(rows: list[dict[str, Any]], total: int | None = None) -> None:
    if not rows:
        out.print(_t(_("every cited document is in the folder"), "green"))
        return
    if total is not None and total > len(rows):
        head = _("what to collect next: the {n} most cited of {total} document(s) cited but not in the folder").format(
            n=len(rows), total=total)
    else:
        head = _("what to collect next: {n} document(s) cited but not in the folder").format(n=len(rows))
    out.print(_t(head, "bold"))
    w = len(str(rows[-1]["rank"]))
    for r in rows:
        line = Text(f"{r['rank']:>{w}}  ")
        line.append_text(_doc_line(r, f"[{r['doc']}]"))
        out.print(line)
        pad = " " * (w + 2)
        summary = Text(pad)
        summary.append(_("cited by {n} document(s), {m} mention(s)").format(n=r["cited_by_count"], m=r["mention_count"]))
        if r["relations"]:
            summary.append(" · " + safe(", ".join(relation_name(x) for x in r["relations"])), style="bold")
        out.print(summary)
        shown_by = r["cited_by"][:MISSING_CITERS_SHOWN]
        for c in shown_by:
            by = Text(pad + "  ← ")
            by.append(safe(c["label"] or c["doc"] or c["file"]))
            bits = []
            if c["relations"]:
                bits.append(", ".join(relation_name(x) for x in c["relations"]))
            if c["mentions"]:
                bits.append(f"×{c['mentions']}")
            if bits:
                by.append("  " + safe(" ".join(bits)), style="bold" if c["relations"] else "")
            if c["doc"]:
                by.append(f"  [{safe(c['doc'])}]", style="dim")
            out.print(by)
        if len(r["cited_by"]) > len(shown_by):
            out.print(Text(pad + "  " + _("… and {n} more (--json lists them all)").format(
                n=len(r["cited_by"]) - len(shown_by)), style="dim"))


def gaps_report(res: dict[str, Any], evidence: bool = False) -> None:
    """Per province, the units that have not acted first, then those that have with the document that covers them;
    a closing line names the provinces where no unit has acted."""
    root = {"label": res["label"], "date": res["date"], "level": res["root_level"]}
    level = level_name(res["level"])
    head = Text(_("{level} units and ").format(level=level), style="bold")
    head.append_text(_doc_line(root, f"[{res['doc']}]"))
    out.print(head)
    if not res["provinces"]:
        out.print(_t(_("no province in the index to compare"), "yellow"))
        return
    for p in res["provinces"]:
        n_cov, n = len(p["covered"]), p["units"]
        name = p["province"] + (" " + _("(now {province})").format(province=p["merged_into"])
                                if p.get("merged_into") else "")
        if not n:
            out.print(_t(_("{province}: no {level}-level issuer from this province in the index").format(
                province=name, level=level), "yellow"))
            continue
        t = Table(title=_("{province}: {covered} of {n} {level} unit(s) implement it").format(
            province=name, covered=n_cov, n=n, level=level), title_justify="left")
        t.add_column(_("unit"))
        t.add_column(_("document"), overflow="fold")
        t.add_column(_("date, lag"))
        t.add_column(_("how"))
        for u in p["gaps"]:
            seen = u["other"] or [{"label": "", "doc": "", "date": ""}]
            for i, e in enumerate(seen):
                t.add_row(_unit_text(u, False) if i == 0 else Text(""), _label_id(e["label"], e["doc"]),
                          _t(e["date"] or (_("no date") if e["doc"] else ""), "dim"),
                          _t(_("does not implement it") if e["doc"] else "", "dim"))
        for u in p["covered"]:
            for i, e in enumerate(u["implementing"]):
                how = (_("the query itself") if e["relation"] == "query"
                       else f"{relation_name(e['relation'])} {e.get('via_label') or e['via']}")
                when = _t(e["date"] or _("no date"))
                if e.get("lag_days") is not None:
                    when.append("\n").append_text(_lag_text(e["lag_days"]))
                if "source_before_target" in (e.get("flags") or ()):
                    when.append("\n").append_text(_t(_(DATED_BEFORE), "red"))
                how_text = _t(how, "dim")
                if evidence and e.get("evidence"):
                    how_text.append("\n").append_text(_evidence_text(e["evidence"]))
                t.add_row(_unit_text(u, True) if i == 0 else Text(""), _label_id(e["label"], e["doc"]), when,
                          how_text)
        out.print(t)
        if p["gaps"]:
            names = ", ".join(u["unit"] for u in p["gaps"])
            out.print(_t(_("{n} unit(s) with no document implementing it: {units}").format(
                n=len(p["gaps"]), units=names), "bold red"))
        else:
            out.print(_t(_("no gap"), "green"))
    if res.get("not_acted") and len(res["provinces"]) > 1:
        out.print(_t(_("{n} of {total} province(s) where no {level} unit has acted: {provinces}").format(
            n=len(res["not_acted"]), total=len(res["provinces"]), level=level,
            provinces=", ".join(res["not_acted"])), "bold red"))


def _unit_text(u: dict[str, Any], covered: bool) -> Text:
    t = Text("✓ " if covered else "✗ ", style="green" if covered else "bold red")
    t.append(safe(u["unit"] or ""), style="bold")
    if u.get("name") and u["name"] != u["unit"]:
        t.append(f"\n{safe(u['name'])}")
    return t


def timeline_report(tl: dict[str, Any], limit: int | None = None, evidence: bool = False) -> None:
    """The timeline; with ``limit`` at most ``limit`` dated documents (table and bars, the earliest) and ``limit``
    undated ones, each list followed by a line saying how many more there are. The medians cover them all."""
    root = {"label": tl["label"], "date": tl["date"], "level": tl["level"]}
    out.print(_doc_line(root, f"[{tl['doc']}]"))
    rows = tl["rows"]
    if not rows and not tl["undated"]:
        out.print(_t(_("no document in the index implements it yet"), "yellow"))
        return
    if not tl["date"]:
        out.print(_t(_("it has no date in the index, so there are no lags"), "yellow"))
    if rows:
        t = Table(title=_("{n} dated implementing document(s), by date").format(n=len(rows)), title_justify="left")
        t.add_column(_("date"))
        t.add_column(_("lag"), justify="right")
        t.add_column(_("level"))
        t.add_column(_("document"), overflow="fold")
        t.add_column(_("relation"))
        if evidence:
            t.add_column(_("evidence"), overflow="fold", ratio=2)
        shown = _head(rows, limit)
        for r in shown:
            lvl = r.get("level") or "unknown"
            rel = _t(relation_name(r["relation"]), "dim")
            if "source_before_target" in (r.get("flags") or ()):
                rel = Text.assemble(rel, "\n", _t(_(DATED_BEFORE), "red"))
            cells = [_t(r["date"]), _lag_text(r.get("lag_days")), _t(level_name(lvl), LEVEL_COLOURS.get(lvl, "")),
                     _label_id(r.get("label"), r["doc"]), rel]
            if evidence:
                cells.append(_evidence_text(r.get("evidence")))
            t.add_row(*cells)
        out.print(t)
        lines = Lines()
        _more(lines, len(rows), limit, _("dated document(s)"))
        lines.print()
        _lag_bars(shown)
    if tl["median_lag_by_level"]:
        m = Table(title=_("median lag by level"), title_justify="left")
        m.add_column(_("level"))
        m.add_column(_("documents"), justify="right")
        m.add_column(_("median lag"), justify="right")
        for lvl, v in tl["median_lag_by_level"].items():
            m.add_row(_t(level_name(lvl), LEVEL_COLOURS.get(lvl, "")), str(v["documents"]),
                      _lag_text(v["median_lag_days"]))
        m.add_row(_t(_("all"), "bold"), str(sum(v["documents"] for v in tl["median_lag_by_level"].values())),
                  _lag_text(tl["median_lag_days"]))
        out.print(m)
    if tl["undated"]:
        out.print(_t(_("{n} implementing document(s) without a date").format(n=len(tl["undated"])), "bold"))
        for r in _head(tl["undated"], limit):
            out.print(Text("  ").append_text(_doc_line(r, f"{relation_name(r['relation'])}  [{r['doc']}]")))
            if evidence and r.get("evidence"):
                out.print(Text("    ").append_text(_evidence_text(r["evidence"])))
        lines = Lines()
        _more(lines, len(tl["undated"]), limit, _("document(s) without a date"))
        lines.print()


def _lag_bars(rows: list[dict[str, Any]]) -> None:
    """One bar per document, its length proportional to the lag (a red bar: dated before the document it implements)."""
    lagged = [r for r in rows if r.get("lag_days") is not None]
    if not lagged:
        return
    name_w = min(36, max(len(str(r.get("label") or r["doc"])) for r in lagged))
    longest = max(abs(r["lag_days"]) for r in lagged) or 1
    width = max(10, min(60, out.width - name_w - 12 - 12))
    out.print(_t(_("lag in days"), "bold"))
    for r in lagged:
        lvl = r.get("level") or "unknown"
        label = safe(r.get("label") or r["doc"])
        if len(label) > name_w:
            label = label[:name_w - 1] + "…"
        lag = r["lag_days"]
        n = round(abs(lag) / longest * width)
        line = Text(f"{safe(r['date'])}  ")
        line.append(label.ljust(name_w), style=LEVEL_COLOURS.get(lvl, ""))
        line.append(" ")
        line.append("█" * n if n else "▏", style="red" if lag < 0 else LEVEL_COLOURS.get(lvl, ""))
        line.append(f" {'+' if lag >= 0 else ''}{lag}")
        out.print(line)
