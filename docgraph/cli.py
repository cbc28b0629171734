"""The command line. The only module that imports typer; each command opens the index, calls one library function
and renders the result (rich for people, JSON for scripts). Library exceptions become one clean error line."""

from __future__ import annotations

import gc
import os
import signal
import sqlite3
import sys
import traceback
from contextlib import contextmanager
from typing import Annotated, Any, Callable, Iterator, Optional

import typer

from . import i18n, prefork, render
from .errors import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, UsageError, as_docgraph_error
from .export.registry import DIRECTORY_FORMATS, FORMATS, names_text
from .graph import build_graph, build_induced, build_subgraph
from .i18n import N_, _
from .limits import Limits
from .query import (CHAIN_RELATIONS, GAP_LEVELS, NotFound, chain, default_gap_level, document_rows, find_documents, gaps,
                    gaps_graph, implementers, index_provinces, missing, neighbourhood, resolve_one, show, stats,
                    timeline)

# The index and the rule engine are imported by the commands that use them, not here: they bring the extraction
# pipeline, and `--help` needs neither. networkx is imported only by the commands that load the whole graph, and the
# rules module (YAML) only by those that read rules.

class _Group(typer.core.TyperGroup):
    """The root command: before anything is parsed, the interface language is chosen (``--lang`` among the
    arguments, then the environment) and every help text of the command tree is put in it. The workers of an
    ``extract`` are forked here too, from a process that holds little yet (``prefork``)."""

    def main(self, args: Any = None, *a: Any, **kw: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        try:
            i18n.set_language(i18n.choose_language(_lang_argument(argv)))
        except ValueError:  # a bad --lang: its option's callback says so, in the environment's language
            i18n.set_language(i18n.choose_language())
        spare = prefork.extract_workers(argv)  # forked before typer parses the options (prefork.py)
        try:
            _localize(self)
            return super().main(argv, *a, **kw)
        finally:
            if spare:
                prefork.discard()  # not taken (an error, nothing to read): ended now


def _lang_argument(argv: list[str]) -> str | None:
    """The value of --lang among the arguments (before the command's own, where the global option goes)."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _localize(cmd: Any) -> None:
    """The help texts of ``cmd`` and its subcommands (written in English, the catalog's message ids) in the
    interface language; the help texts click and typer write themselves go through the same catalog."""
    if getattr(cmd, "help", None):
        cmd.help = _(cmd.help)
    for param in getattr(cmd, "params", ()):
        if getattr(param, "help", None):
            param.help = _(param.help)
    for sub in getattr(cmd, "commands", {}).values():
        _localize(sub)


# what click and typer write themselves (their help's headings, the usage line, the help option): in the catalog too
_CLICK_TEXTS = (N_("Usage: "), N_("Options"), N_("Arguments"), N_("Commands"), N_("Show this message and exit."),
                N_("default: {default}"), N_("required"), N_("Missing command."), N_("No such command {name!r}."),
                N_("env var: {var}"), N_("(dynamic)"), N_("Aborted!"))


def _localize_click() -> None:
    """Route typer's own messages through docgraph's catalog, and the two texts its click writes without one."""
    import typer.core as tc

    tc._ = i18n.gettext  # "Options", "Commands", "default: {default}"...
    from typer._click import core as click_core
    from typer._click import formatting

    if not getattr(formatting.HelpFormatter.write_usage, "_docgraph", False):
        write_usage = formatting.HelpFormatter.write_usage

        def usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
            write_usage(self, prog, args, _("Usage: ") if prefix is None else prefix)

        usage._docgraph = True  # type: ignore[attr-defined]
        formatting.HelpFormatter.write_usage = usage  # type: ignore[method-assign]
    if not getattr(click_core.Command.get_help_option, "_docgraph", False):
        get_help_option = click_core.Command.get_help_option

        def help_option(self: Any, ctx: Any) -> Any:
            opt = get_help_option(self, ctx)
            if opt is not None:
                opt.help = _("Show this message and exit.")
            return opt

        help_option._docgraph = True  # type: ignore[attr-defined]
        click_core.Command.get_help_option = help_option  # type: ignore[method-assign]


app = typer.Typer(
    name="docgraph",
    cls=_Group,
    help="Citation graph of Vietnamese Party and state documents: extract references from folders of text files,"
         " build the implementation chain, query it and export it.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
_localize_click()
rules_app = typer.Typer(help="Inspect and test the reference rules.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(rules_app, name="rules")

_state = {"debug": bool(os.environ.get("DOCGRAPH_DEBUG"))}

DbOpt = Annotated[Optional[str], typer.Option("--db", help="Index file, or a postgresql:// URL (default: $DOCGRAPH_DB,"
                                                        " else ./docgraph.db).", show_default=False)]
RulesOpt = Annotated[Optional[str], typer.Option("--rules", help="A folder of extra YAML rules (same name overrides).",
                                                 show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout instead of a table.")]
SearchOpt = Annotated[bool, typer.Option("--search", help="Match QUERY against whole words of titles and labels,"
                                                          " with diacritics if typed with them (documents before"
                                                          " news items).")]
SHOWN = 100  # rows a query prints for people by default (--json has them all); rich is slow for thousands
ProvinceOpt = Annotated[Optional[str], typer.Option(
    "--province", help="Keep only documents of this province; a province formed on 1/7/2025 includes those merged into"
    " it (Ninh Bình: Hà Nam, Nam Định, Ninh Bình), an old name only itself.", show_default=False)]
LimitOpt = Annotated[int, typer.Option("--limit", "-n", help="Print at most N rows (0: all; --json always lists all).")]
QueryArg = Annotated[str, typer.Argument(help='What you would type: "Chỉ thị 35-CT/TW", "35-CT/TW", a node id.')]
EvidenceOpt = Annotated[bool, typer.Option("--evidence", "-e", help="Show the sentence (file:line) that links each"
                                                                   " document; --json always has it.")]


def _version(value: bool) -> None:
    if value:
        from . import __version__

        try:
            from importlib.metadata import version

            v = version("docgraph")
        except Exception:  # noqa: BLE001 - run from a source tree that is not installed
            v = __version__
        from . import native

        typer.echo(f"docgraph {v}")
        typer.echo(native.describe())  # which engine runs the per-file stages
        raise typer.Exit()


def _language(value: Optional[str]) -> Optional[str]:
    """--lang is read first (eager), so that the rest of the run, errors included, speaks it."""
    from . import i18n

    try:
        i18n.set_language(i18n.choose_language(value))
    except ValueError as e:
        raise typer.BadParameter(str(e)) from None
    return value


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")] = False,
    lang: Annotated[Optional[str], typer.Option("--lang", help="Interface language: vi or en (default: $DOCGRAPH_LANG,"
                                                " else the locale, else en).", callback=_language, is_eager=True,
                                                metavar="vi|en", show_default=False)] = None,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.", callback=_version,
                                          is_eager=True)] = False,
) -> None:
    if debug:
        _state["debug"] = True


_INTERRUPTED = N_("interrupted: the index keeps every batch written so far; run the same command to complete it")


@contextmanager
def _errors() -> Iterator[None]:
    """Turn library exceptions into one line on stderr and an exit code: a ``DocgraphError`` by its class's
    ``exit_code``, anything else as an internal error."""
    try:
        yield
    except typer.Exit:
        raise
    except KeyboardInterrupt:
        render.error(_(_INTERRUPTED))
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except BrokenPipeError:
        try:
            sys.stdout = None  # type: ignore[assignment]
        finally:
            raise typer.Exit(EXIT_OK) from None
    except Exception as e:  # noqa: BLE001 - last resort: one line, traceback on --debug
        err = as_docgraph_error(e)
        if err is None or err.exit_code == EXIT_INTERNAL:
            _internal(e)
        render.error(err.shown())
        raise typer.Exit(err.exit_code) from None


def _internal(e: BaseException) -> None:
    if _state["debug"]:
        traceback.print_exc()
    else:
        first = (str(e).strip().splitlines() or [""])[0]  # a Spark job's error carries its executors' tracebacks
        render.error(_("internal error: {error} (run with --debug for the traceback)").format(
            error=f"{type(e).__name__}: {first}"))
    raise typer.Exit(EXIT_INTERNAL) from None


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector during a query: it builds tens of thousands of small acyclic dicts, which
    the collector would walk again and again (a third of the time of the largest queries) and could not free."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _open(db: str | None, create: bool = False) -> sqlite3.Connection:
    """The index: an SQLite file, or a PostgreSQL database when ``db`` (or $DOCGRAPH_DB) is a postgresql:// URL."""
    from .store import open_index

    conn = open_index(db, create=create)
    if not create:
        from .index import incomplete

        if incomplete(conn):
            render.warn(_("the index is incomplete (an extract did not finish): answers may miss documents; run"
                          " the same extract again to complete it"))
    return conn


def _limit(n: int) -> int | None:
    if n < 0:
        raise UsageError(_("--limit must be 0 (all) or more"))
    return n or None


def _engine(rules: str | None):
    from .engine import get_engine

    return get_engine(rules)


def _lexicon(rules: str | None):
    """The lexicon of the built-in rules and a --rules folder (its tables only: faster than building the engine)."""
    from .lexicon import load_lexicon

    return load_lexicon(rules)


class _QueryEngine:
    """The rule engine for reading a query, built on first use: a node id ("16-ct-tw-2018") needs no rules, and
    building them takes longer than the query itself. A --rules folder is read at once, so a bad one is an error."""

    def __init__(self, rules: str | None):
        self._rules = rules
        self._engine = _engine(rules) if rules else None

    @property
    def lexicon(self):
        """The rules' lexicon: the engine's when built, else read alone (the tables load faster than the rules)."""
        if self._engine is not None:
            return self._engine.lexicon
        from .lexicon import load_lexicon

        return load_lexicon(self._rules)

    def __getattr__(self, name: str):
        if self._engine is None:
            self._engine = _engine(self._rules)
        return getattr(self._engine, name)


# ---------------------------------------------------------------------------------------------------- extract
@app.command()
def extract(
    paths: Annotated[list[str], typer.Argument(help="Files and folders to scan (folders recursively).")],
    db: DbOpt = None,
    rules: RulesOpt = None,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="Print one JSON object per reference mention on stdout.")] = False,
    json_: Annotated[bool, typer.Option("--json", help="Print the summary as JSON on stdout.")] = False,
    glob: Annotated[Optional[list[str]], typer.Option("--glob", help="File name patterns to read (repeatable; default *.txt and *.md, plus *.docx, *.pdf, *.html, *.htm, *.doc with docgraph[office]).",
                                                      show_default=False)] = None,
    exclude: Annotated[Optional[list[str]], typer.Option("--exclude", help="File name or path patterns to leave out (repeatable); a folder's .docgraphignore adds its own.",
                                                         show_default=False)] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (default: number of cores).")] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds one file may take, reading and parsing included, before it is skipped (0: no limit).")] = 60.0,
    max_unpacked: Annotated[float, typer.Option("--max-unpacked", help="MiB a Word file may unpack to, before it is skipped unread (0: no limit).")] = 256,
    max_depth: Annotated[int, typer.Option("--max-depth", help="How deeply the elements of a web page may nest before it is skipped unparsed (0: no limit).")] = 2000,
    batch: Annotated[int, typer.Option("--batch", help="Files written to the index per transaction.")] = 200,
    province: Annotated[Optional[str], typer.Option("--province", help="Province of the files that name none (a folder exported from one province's database); kept for later runs.")] = None,
    engine: Annotated[str, typer.Option("--engine", help="default (worker processes, SQLite index) or spark (docgraph[spark]: extraction and resolve on Spark, into --db postgresql://...).")] = "default",
    master: Annotated[Optional[str], typer.Option("--master", help="With --engine spark: the Spark master URL (default: spark-submit's, else local[*]).", show_default=False)] = None,
) -> None:
    """Scan files and folders, write the index, print a summary.

    Running it again on the same folder updates the index: unchanged files are not read again, changed ones are
    re-read, deleted ones removed. Examples:

      docgraph extract samples/

      docgraph extract archive/ --db archive.db --jobs 2

      docgraph extract plans/ --jsonl | jq -r .text

      docgraph extract exports/binh-duong/ --province "Bình Dương"

      docgraph extract archive/ --engine spark --db postgresql://docgraph@dbhost/archive
    """
    from .scan import scan
    from .store import db_target, is_url, shown

    with _errors():
        province = _province_name(province) if province is not None else None
        missing = [p for p in paths if not os.path.lexists(p)]
        if missing:
            raise UsageError(_("no such file or folder: {paths}").format(paths=", ".join(missing)))
        target = db_target(db)
        if engine not in ("default", "spark"):
            raise UsageError(_("unknown engine '{engine}': choose default or spark").format(engine=engine))
        if engine == "default" and is_url(target):
            raise UsageError(_("the default engine writes an SQLite index: extract into a file and copy it with"
                               " 'docgraph load FILE --db URL', or use --engine spark"))
        if engine == "spark" and not is_url(target):
            raise UsageError(_("--engine spark writes a PostgreSQL index: give --db postgresql://..."))
        if master is not None and engine != "spark":
            raise UsageError(_("--master is for --engine spark"))
        if rules:
            _engine(rules)  # a user's rules folder is checked before anything is written
        if timeout < 0 or max_unpacked < 0 or max_depth < 0:
            raise UsageError(_("--timeout, --max-unpacked and --max-depth take 0 (no limit) or more"))
        lim = Limits(timeout=timeout or None, max_unpacked=int(max_unpacked * (1 << 20)) or None,
                     max_depth=max_depth or None)
        options = dict(rules_dir=rules, globs=tuple(glob) if glob else None, exclude=tuple(exclude or ()),
                       limits=lim, province=province)
        if engine == "spark":
            from .spark.job import extract as spark_extract

            with render.progress(enabled=not quiet) as (_tick, stage):
                summary = spark_extract(paths, target, master=master, stage=stage, **options)
            conn = _open(target)
        else:
            conn = _open(target, create=True)
            n_jobs = jobs if jobs > 0 else (os.cpu_count() or 1)
            with render.progress(enabled=not quiet) as (tick, stage):
                summary = scan(paths, conn, jobs=n_jobs, batch=max(1, batch), progress=tick, stage=stage, **options)
        render.skipped(summary.skipped)  # on stderr, whatever goes to stdout
        if jsonl:
            render.jsonl(_mentions_of(conn, summary.paths))
        elif json_:
            render.json_out(summary.to_dict())
        else:
            render.extract_summary(summary, shown(target))
            if summary.files == 0:
                from .readers import default_globs

                shown = ", ".join(glob) if glob else ", ".join(default_globs())
                render.warn(_("no file matched {patterns}: use --glob to read other file names").format(patterns=shown))
        conn.close()
        if summary.unreadable:
            raise typer.Exit(EXIT_BAD_INPUT)


def _province_name(name: str) -> str:
    """The gazetteer's name of a province given on the command line ("khanh hoa" is not enough: "Khánh Hoà" is)."""
    from .lexicon import load_lexicon

    p = load_lexicon().gazetteer.province(name)
    if p is None:
        raise UsageError(_("no province named {name!r} (give a name of the 63 provinces before 1/7/2025 or the 34 after,"
                           " e.g. \"Bắc Giang\", \"Hồ Chí Minh\")").format(name=name))
    return p.name


def _province_members(name: str | None) -> tuple[str, ...] | None:
    """The provinces a query's --province covers (None without one); an unknown name is a usage error."""
    if name is None:
        return None
    from .lexicon import load_lexicon

    members = load_lexicon().gazetteer.members(name)
    if not members:
        _province_name(name)  # raises the error that names the choice
    return members


def _mentions_of(conn: sqlite3.Connection, paths: list[str]) -> Iterator[dict]:
    for p in paths:
        for r in conn.execute(
                "SELECT m.* FROM mentions m JOIN files f ON f.id=m.file_id WHERE f.path=? ORDER BY m.idx", (p,)):
            yield {
                "file": p, "line": r["line"], "start": r["start"], "end": r["end"], "text": r["text"],
                "type": r["type"], "number": r["number"], "symbol": r["symbol"], "year": r["year"], "date": r["date"],
                "issuer": r["issuer"], "level": r["key_level"] or r["level"], "doc": r["doc"], "own": bool(r["own"]),
                "short_form": bool(r["short_form"]), "ambiguous": bool(r["ambiguous"]), "issuer_code": r["issuer_code"],
                "name": r["name"], "subject": r["subject"], "pinpoint": r["pinpoint"], "term": r["term"],
                "rule": r["rule"], "location": r["location"],
            }


# ---------------------------------------------------------------------------------------------------- queries
def _query_command(query: str, db: str | None, rules: str | None, search: bool, json_: bool, limit: int | None, *,
                   subgraph: Callable[[sqlite3.Connection, str], Any],
                   answer: Callable[[sqlite3.Connection, Any, str, tuple[str, ...] | None], Any],
                   human: Callable[[Any, str, Any, int | None], None],
                   check: Callable[[], None] | None = None, province: str | None = None) -> None:
    """The shape every query about one document shares: check the options (``check``, then --province), open the
    index, resolve QUERY to one document, read the part of the graph it needs (``subgraph``), compute the
    ``answer(conn, graph, doc, provinces of --province or None)`` and print it (JSON, or
    ``human(graph, doc, answer, rows shown)``)."""
    with _errors(), _no_gc():
        shown = _limit(limit) if limit is not None else None
        if check is not None:
            check()
        members = _province_members(province)
        conn = _open(db)
        doc = resolve_one(conn, query, _QueryEngine(rules), search=search)
        g = subgraph(conn, doc)
        result = answer(conn, g, doc, members)
        if json_:
            render.json_out(result)
        else:
            human(g, doc, result, shown)


@app.command("implementers")
def implementers_cmd(
    query: QueryArg,
    db: DbOpt = None,
    rules: RulesOpt = None,
    json_: JsonOpt = False,
    depth: Annotated[Optional[int], typer.Option("--depth", help="Follow the chain at most N steps down.")] = None,
    level: Annotated[Optional[str], typer.Option("--level", help="Keep only this level (central, provincial, department, district, commune).")] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="Keep only documents dated on or after YYYY-MM-DD.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Also follow 'cites' edges.")] = False,
    search: SearchOpt = False,
    limit: LimitOpt = SHOWN,
    province: ProvinceOpt = None,
    evidence: EvidenceOpt = False,
) -> None:
    """Every document that implements QUERY, directly or through a chain, as a tree by level.

    Follows implements and based_on edges (a plan that names a directive as its "Căn cứ" carries it out).
    Examples:

      docgraph implementers "Chỉ thị 35-CT/TW"

      docgraph implementers 35-CT/TW --level department --json

      docgraph implementers 35-CT/TW --province "Bắc Ninh"

    The tree shows the first 100 documents, nearest first (--limit 0: all); the count and --json cover them all.
    """
    # the tree prints a few fields of each implementer (and ranks by level and date, among them); --json has every
    # column. Reading only those is 0.15 s less for the 19,920 implementers of a much implemented law.
    _query_command(
        query, db, rules, search, json_, limit, province=province,
        subgraph=lambda conn, doc: build_subgraph(conn, [doc], down=True, hops=depth,
                                                  edge_attrs="evidence" if json_ or evidence else False,
                                                  relations=CHAIN_RELATIONS + (("cites",) if all_ else ()),
                                                  node_fields=None if json_ else render.DOC_LINE_FIELDS),
        answer=lambda conn, g, doc, members: implementers(g, doc, depth=depth, follow_cites=all_, level=level,
                                                          since=since, provinces=members),
        human=lambda g, doc, rows, shown: render.implementers_tree(g, doc, rows, limit=shown,
                                                                   evidence=evidence))


@app.command("chain")
def chain_cmd(query: QueryArg, db: DbOpt = None, rules: RulesOpt = None, json_: JsonOpt = False,
              search: SearchOpt = False) -> None:
    """The upstream chain(s) from a document to what it implements, up to the central level.

    Example:

      docgraph chain "Kế hoạch 15/KH-SNV"
    """
    _query_command(query, db, rules, search, json_, None,
                   subgraph=lambda conn, doc: build_subgraph(conn, [doc], up=True, relations=CHAIN_RELATIONS,
                                                             edge_attrs=False),
                   answer=lambda conn, g, doc, members: chain(g, doc),
                   human=lambda g, doc, paths, shown: render.chain_paths(g, doc, paths))


@app.command("show")
def show_cmd(query: QueryArg, db: DbOpt = None, rules: RulesOpt = None, json_: JsonOpt = False,
             search: SearchOpt = False, limit: LimitOpt = SHOWN) -> None:
    """One document: its fields, the files that mention it (file:line) and its edges in and out, with evidence.

    Lists the first 100 mentions and 100 edges each way (--limit 0: all; --json has them all). Example:

      docgraph show 83-kh-tu-2024-khanh-hoa
    """
    _query_command(query, db, rules, search, json_, limit,
                   subgraph=lambda conn, doc: build_subgraph(conn, [doc], up=True, down=True, hops=1,
                                                             node_fields=("label",)),
                   answer=lambda conn, g, doc, members: show(conn, g, doc),
                   human=lambda g, doc, card, shown: render.card(card, limit=shown))


@app.command("find")
def find_cmd(query: Annotated[str, typer.Argument(help='What you would type: "83-KH/TU", "Chỉ thị 35-CT/TW", words'
                                                    ' with --search; nothing lists the whole index.')] = "",
             db: DbOpt = None, rules: RulesOpt = None, json_: JsonOpt = False,
             search: Annotated[bool, typer.Option("--search", help="Match QUERY against whole words of titles and"
                                                                   " labels (news items included).")] = False,
             limit: LimitOpt = SHOWN) -> None:
    """List the documents a query matches (useful when a number exists in several provinces or years).

    Without a query, every document of the index. --search also matches the subjects recorded where a document is
    cited ("Chỉ thị số 28-CT/TW ... về ... bảo vệ trẻ em"). Words typed with diacritics match with them ("Hiến pháp"
    is not "hiện ... pháp"; any case, "hoà" = "hòa"), words typed without match without; every word must stand in
    the text as a whole word. The words as a phrase come first, then close together, then apart. Lists the first
    100, by id (--limit 0: all); the count and --json cover them all. Examples:

      docgraph find

      docgraph find 83-KH/TU

      docgraph find --search "đội ngũ trí thức" --json
    """
    with _errors(), _no_gc():
        shown = _limit(limit)
        conn = _open(db)
        ids = find_documents(conn, query, _QueryEngine(rules), search=search)
        if not ids:
            if not query.strip():
                raise NotFound(_("the index has no document yet"))
            raise NotFound(_("no document matching {query!r} in the index").format(query=query))
        title = (_("{n} document(s) matching {query!r}").format(n=len(ids), query=query) if query.strip()
                 else _("{n} document(s) in the index").format(n=len(ids)))
        if json_:
            render.json_out(document_rows(conn, ids))
        else:  # only the rows shown are read
            render.doc_table(document_rows(conn, ids[:shown] if shown else ids), title=title, total=len(ids),
                             limit=shown)


@app.command("stats")
def stats_cmd(db: DbOpt = None, rules: RulesOpt = None, json_: JsonOpt = False) -> None:
    """Counts by type, level, branch, jurisdiction and relation; ambiguous and unresolved mentions; skipped files."""
    with _errors():
        conn = _open(db)
        s = stats(conn)
        if json_:
            render.json_out(s)
        else:
            render.stats(s)


@app.command("export")
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"{names_text(FORMATS)}.")] = "graphml",
    out: Annotated[Optional[str], typer.Option("--output", "-o", help=f"Output file (a folder for"
                                               f" {names_text(DIRECTORY_FORMATS, ' and ')}); default stdout.")] = None,
    db: DbOpt = None,
    rules: RulesOpt = None,
    from_: Annotated[Optional[str], typer.Option("--from", help="Keep only QUERY, its implementers and its chain.")] = None,
    yed: Annotated[bool, typer.Option("--yed", help="GraphML with yFiles graphics (labels and colours in yEd).")] = False,
) -> None:
    """Export the graph for Gephi, yEd, Cytoscape, Graphviz, a spreadsheet or a browser.

    Examples:

      docgraph export -f graphml -o graph.graphml

      docgraph export -f json | jq '.nodes | length'

      docgraph export -f html -o chain.html --from "Chỉ thị 35-CT/TW"
    """
    from .export import REGISTRY, export_graph, export_index

    with _errors():
        if fmt not in FORMATS:
            raise UsageError(_("unknown format {name!r}: choose one of {names}").format(name=fmt, names=", ".join(FORMATS)))
        conn = _open(db)
        if REGISTRY[fmt].streams and not from_ and not yed:
            # a format for graphs too large for networkx: the whole index streamed, the same files
            n_nodes, n_edges = export_index(conn, fmt, out)
            render.note(_("wrote {format} ({nodes} nodes, {edges} edges) to {path}").format(
                format=fmt, nodes=n_nodes, edges=n_edges, path=out))
            return
        focus = None
        if from_:  # QUERY, its implementers and its chain, with every edge among them: only they are read
            focus = resolve_one(conn, from_, _QueryEngine(rules))
            g = build_induced(conn, neighbourhood(conn, focus))
        else:
            g = build_graph(conn)
        warnings = export_graph(g, fmt, out, yed=yed, focus=focus)  # an ExportError is a UsageError (exit code 2)
        for w in warnings:
            render.warn(w)
        if out:
            render.note(_("wrote {format} ({nodes} nodes, {edges} edges) to {path}").format(
                format=fmt, nodes=g.number_of_nodes(), edges=g.number_of_edges(), path=out))


@app.command("missing")
def missing_cmd(
    db: DbOpt = None,
    rules: RulesOpt = None,
    json_: JsonOpt = False,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Show the N most cited (0: all).")] = 20,
) -> None:
    """Documents cited in the folder but not in it: what to collect next.

    Ranked by how many documents cite them, then by mentions; each row gives the level, the relations used
    (implements, based_on, cites...) and the citing documents. Drafts and news items (file- ids) are left out.
    Examples:

      docgraph missing

      docgraph missing --limit 5 --json | jq -r '.[].doc'
    """
    with _errors(), _no_gc():
        if limit < 0:
            raise UsageError(_("--limit must be 0 (all) or more"))
        conn = _open(db)
        rows = missing(conn, None, None)  # reads the part of the graph it needs
        shown = rows[:limit] if limit else rows
        if json_:
            render.json_out(shown)
        else:
            render.missing_table(shown, total=len(rows))


@app.command("gaps")
def gaps_cmd(
    query: QueryArg,
    level: Annotated[Optional[str], typer.Option(
        "--level", help="Units to compare: provincial, department, district or commune (default for a central"
                        " document: provincial).", show_default=False)] = None,
    db: DbOpt = None,
    rules: RulesOpt = None,
    json_: JsonOpt = False,
    search: SearchOpt = False,
    province: ProvinceOpt = None,
    evidence: EvidenceOpt = False,
) -> None:
    """Units of a level that have not acted on QUERY yet, province by province, then those that have.

    The provinces: QUERY's own, or for a central document every province of the index, also those where nobody has
    acted. A unit is any issuer at that level seen in the province (the Party committee, People's Committee and
    Council at provincial level, departments by code: SNV, SGDĐT...; districts and communes by name). A unit is
    covered when one of its documents implements QUERY directly or through a chain (implements and based_on edges,
    as in `docgraph implementers`). Examples:

      docgraph gaps "Chỉ thị 35-CT/TW"

      docgraph gaps "Chỉ thị 35-CT/TW" --level department --province "Bắc Ninh"

      docgraph gaps 83-kh-tu-2024-bac-giang --level district --json
    """
    def check() -> None:
        if level is not None and level not in GAP_LEVELS:
            raise UsageError(_("--level must be one of {levels}, not {level!r}").format(levels=", ".join(GAP_LEVELS),
                                                                                         level=level))

    chosen: list[str] = []  # the level compared: --level, or QUERY's default once it is resolved

    def subgraph(conn: sqlite3.Connection, doc: str) -> Any:
        lv = level or default_gap_level(conn, doc)
        if lv is None:
            raise UsageError(_("{doc} is a local document: say which of its units to compare with --level "
                               "(department, district or commune)").format(doc=doc))
        chosen.append(lv)
        return gaps_graph(conn, doc, lv)

    _query_command(query, db, rules, search, json_, None, check=check, province=province,
                   subgraph=subgraph,
                   answer=lambda conn, g, doc, members: gaps(g, doc, chosen[0], provinces=index_provinces(conn),
                                                             only=members, lexicon=_lexicon(rules)),
                   human=lambda g, doc, res, shown: render.gaps_report(res, evidence=evidence))


@app.command("timeline")
def timeline_cmd(query: QueryArg, db: DbOpt = None, rules: RulesOpt = None, json_: JsonOpt = False,
                 search: SearchOpt = False, limit: LimitOpt = SHOWN, province: ProvinceOpt = None,
                 evidence: EvidenceOpt = False) -> None:
    """How long each implementing document took: dates, lag in days from QUERY's date, median lag per level.

    Lists the documents that implement QUERY directly or through a chain, sorted by date, with a bar per
    document; documents without a date are listed apart. Shows the first 100 of each list (--limit 0: all); the
    counts, the medians and --json cover them all. Examples:

      docgraph timeline "Chỉ thị 35-CT/TW"

      docgraph timeline --search "đội ngũ trí thức" --json

      docgraph timeline "Chỉ thị 35-CT/TW" --province "Bắc Giang"
    """
    _query_command(query, db, rules, search, json_, limit, province=province,
                   subgraph=lambda conn, doc: build_subgraph(conn, [doc], down=True, relations=CHAIN_RELATIONS,
                                                             edge_attrs="evidence" if json_ or evidence else False),
                   answer=lambda conn, g, doc, members: timeline(g, doc, provinces=members),
                   human=lambda g, doc, tl, shown: render.timeline_report(tl, limit=shown, evidence=evidence))


@app.command("report")
def report_cmd(
    query: QueryArg,
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="The file to write: FILE.xlsx (a workbook)"
                                                  " or FILE.docx (a Word document).", show_default=False)] = None,
    province: Annotated[Optional[str], typer.Option("--province", help="Only this province.",
                                                    show_default=False)] = None,
    level: Annotated[Optional[str], typer.Option("--level", help="Only this level (central, provincial, department,"
                                                 " district, commune).", show_default=False)] = None,
    db: DbOpt = None,
    rules: RulesOpt = None,
    json_: Annotated[bool, typer.Option("--json", help="Print the report's data as JSON instead of writing a file.")] = False,
    search: SearchOpt = False,
) -> None:
    """The implementation report of QUERY, as a workbook (.xlsx) or a Word file (.docx), in the interface language.

    Per province and level, each implementing document (unit, type, number and symbol, date, lag in days, relation,
    the document it carries out, the evidence sentence, source file and line) and the units that have not acted
    (as `docgraph gaps` finds them), with a summary. Examples:

      docgraph report "Chỉ thị 35-CT/TW" -o bao-cao.xlsx

      docgraph --lang vi report 35-CT/TW --province "Bắc Giang" -o bao-cao.docx
    """
    from .model import LEVELS
    from .report import FORMATS as REPORT_FORMATS
    from .report import build_report, write_report

    with _errors(), _no_gc():
        levels = [lv for lv in LEVELS if lv != "unknown"]
        if level is not None and level not in levels:
            raise UsageError(_("--level must be one of {levels}, not {level!r}").format(levels=", ".join(levels),
                                                                                         level=level))
        if not json_:
            if not output:
                raise UsageError(_("give the file to write with -o FILE.xlsx or -o FILE.docx (or --json)"))
            if os.path.splitext(output)[1].lower() not in REPORT_FORMATS:
                raise UsageError(_("cannot write a report as {name!r}: give a file ending in .xlsx or .docx").format(
                    name=output))
        prov = _province_name(province) if province is not None else None
        conn = _open(db)
        doc = resolve_one(conn, query, _QueryEngine(rules), search=search)
        rep = build_report(conn, doc, province=prov, level=level)
        if json_:
            render.json_out(rep)
            return
        write_report(rep, output)  # a ReportError is one line, exit code 1
        s = rep["summary"]
        render.note(_("wrote {path}: {documents} implementing document(s), {units} unit(s) in {provinces}"
                      " province(s), {pending} unit(s) that have not acted").format(
            path=output, documents=s["documents"], units=s["units"], provinces=len(s["provinces"]),
            pending=s["pending_units"]))


@app.command("load")
def load_cmd(
    index_file: Annotated[str, typer.Argument(help="An SQLite index written by 'docgraph extract'.")],
    db: Annotated[Optional[str], typer.Option("--db", help="The postgresql:// URL to load it into (default:"
                                                          " $DOCGRAPH_DB).", show_default=False)] = None,
) -> None:
    """Copy a finished SQLite index into PostgreSQL, replacing the index the database held (one transaction).

    Every query and export then reads it with --db postgresql://... and gives the same answers. Example:

      docgraph load docgraph.db --db postgresql://docgraph@dbhost/archive
    """
    from . import index as ix
    from .store import db_target, is_url, shown

    with _errors():
        target = db_target(db)
        if not is_url(target):
            raise UsageError(_("--db must be a postgresql:// URL (or set $DOCGRAPH_DB to one)"))
        src = ix.connect(index_file)
        if ix.get_meta(src, "resolved") == "no":
            raise UsageError(_("{path} was not resolved (an interrupted extract): run extract again first").format(
                path=index_file))
        from .store.postgres import load_sqlite

        counts = load_sqlite(src, _open(target, create=True))
        render.note(_("loaded {documents} documents, {edges} edges and {files} files into {target}").format(
            documents=counts["documents"], edges=counts["edges"], files=counts["files"], target=shown(target)))


# ---------------------------------------------------------------------------------------------------- rules
@rules_app.command("list")
def rules_list(rules: RulesOpt = None, json_: JsonOpt = False) -> None:
    """Show every rule: id, layout, triggers, number of examples, file."""
    with _errors():
        eng = _engine(rules)
        rows = [{"id": r.id, "layout": r.layout, "description": r.description, "triggers": list(r.triggers),
                 "examples": len(r.examples), "file": r.file, "line": r.line} for r in eng.rules.rules]
        if json_:
            render.json_out(rows)
        else:
            render.rules_table(rows)


@rules_app.command("test")
def rules_test(rules: RulesOpt = None, json_: JsonOpt = False) -> None:
    """Run every rule's examples; exit 1 when one fails."""
    from .ruletest import run_examples

    with _errors():
        eng = _engine(rules)
        results = run_examples(eng)
        failed = [r for r in results if not r["ok"]]
        if json_:
            render.json_out(results)
        else:
            render.rule_test_results(results)
        if failed:
            raise typer.Exit(EXIT_BAD_INPUT)


def _terminate(signum, frame) -> None:  # noqa: ARG001
    raise KeyboardInterrupt


def _interrupted() -> None:
    render.error(_(_INTERRUPTED))
    sys.exit(EXIT_INTERRUPTED)


# click's UsageError (a bad option or value, a missing argument), the base of typer.BadParameter: typer vendors click
# from 0.2x on and imported it before
_UsageError = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")


def _usage_message(e: Any) -> str:
    """click's message for a usage error, the common ones in the interface language (click writes them without a
    catalog): a missing argument or option, an unknown option, a bad value."""
    import re

    text = e.format_message()
    m = re.fullmatch(r"Missing (argument|option|parameter)(?: (.+?))?\.(?: (.*))?", text, re.S)
    if m:
        what = {"argument": _("argument"), "option": _("option")}.get(m[1], _("parameter"))
        out = _("Missing {what} {name}.").format(what=what, name=m[2] or "").replace(" .", ".")
        return out + (f" {m[3]}" if m[3] else "")
    m = re.fullmatch(r"No such option: (\S+)(.*)", text, re.S)
    if m:
        return _("No such option: {name}").format(name=m[1]) + m[2]
    m = re.fullmatch(r"Invalid value for (.+?): (.*)", text, re.S)
    if m:
        return _("Invalid value for {name}: {message}").format(name=m[1], message=m[2])
    return text


def main() -> None:
    # SIGTERM ends a run the way Ctrl-C does: the batches written so far stay, the next run completes the index
    signal.signal(signal.SIGTERM, _terminate)
    try:
        code = app(standalone_mode=False)
    except _UsageError as e:
        if type(e).__name__ == "NoArgsIsHelpError":  # `docgraph` alone: the help, as before
            e.show()
        else:  # one line, as every other error (click would print the usage and a hint on three more)
            hint = " " + _("(see '{command} --help')").format(command=e.ctx.command_path) if e.ctx is not None else ""
            render.error(f"{_usage_message(e)}{hint}")
        sys.exit(e.exit_code)
    except typer.Abort as e:
        if isinstance(e.__cause__, KeyboardInterrupt):  # Ctrl-C or SIGTERM after the command's work was done
            _interrupted()
        render.error(_("aborted"))
        sys.exit(EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        _interrupted()
    except BrokenPipeError:  # `docgraph ... | head`
        try:
            sys.stdout = None  # type: ignore[assignment]
        except Exception:  # noqa: BLE001
            pass
        sys.exit(0)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


if __name__ == "__main__":
    main()
