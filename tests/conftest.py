"""Shared fixtures: a working folder holding a copy of the text samples (the office samples are checked by
test_office.py, with and without the office extra), and the same folder with the samples' index already in it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

import pytest

from cli_helpers import extracted
from docgraph.readers import OFFICE_GLOBS

ROOT = Path(__file__).resolve().parent.parent


def _copy_samples(folder: Path) -> None:
    shutil.copytree(ROOT / "samples", folder / "samples", ignore=shutil.ignore_patterns(*OFFICE_GLOBS))


def _enter(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(folder)
    monkeypatch.delenv("DOCGRAPH_DB", raising=False)
    monkeypatch.setenv("COLUMNS", "100")


@pytest.fixture()
def work(tmp_path, monkeypatch):
    _copy_samples(tmp_path)
    _enter(tmp_path, monkeypatch)
    return tmp_path


@pytest.fixture(scope="session")
def _extracted_folders(tmp_path_factory):
    """Folders extracted once for the session, by the name of what was added to the samples."""
    made: dict[str, Path] = {}

    def get(prepare: Callable[[Path], None] | None) -> Path:
        key = f"{prepare.__module__}.{prepare.__qualname__}" if prepare else "samples"
        if key not in made:
            folder = tmp_path_factory.mktemp("extracted")
            _copy_samples(folder)
            if prepare is not None:
                prepare(folder)
            with pytest.MonkeyPatch.context() as mp:
                _enter(folder, mp)
                extracted(folder)
            made[key] = folder
        return made[key]

    return get


@pytest.fixture()
def extract_once(_extracted_folders, tmp_path, monkeypatch):
    """``extract_once(prepare=None)``: what ``work`` then ``prepare(work)`` then ``extracted(work)`` give (the
    samples, the files ``prepare`` writes and ./docgraph.db), with the extract run once for the session and its
    folder copied here (the files keep their times, so that a later extract finds them unchanged)."""

    def make(prepare: Callable[[Path], None] | None = None) -> Path:
        shutil.copytree(_extracted_folders(prepare), tmp_path, dirs_exist_ok=True)
        _enter(tmp_path, monkeypatch)
        return tmp_path

    return make


@pytest.fixture()
def indexed(extract_once):
    """``work`` with the samples extracted into ./docgraph.db."""
    return extract_once()


@pytest.fixture(scope="session")
def _builtin_rule_files() -> dict:
    return {}


@pytest.fixture()
def builtin_rules_parsed_once(_builtin_rule_files, monkeypatch):
    """For the tests of a user's rules folder, which load the rules many times: the built-in rule files are parsed
    once for the session (a parse of all five takes about 0.1 s) and each load gets a fresh copy of what the parser
    gave; a user's file is parsed every time."""
    import copy

    from docgraph import ruleyaml

    builtin = ruleyaml.builtin_rules_dir()
    parse = ruleyaml._read_yaml

    def read(path: Path):
        if path.parent != builtin:
            return parse(path)
        if path not in _builtin_rule_files:
            _builtin_rule_files[path] = parse(path)
        return copy.deepcopy(_builtin_rule_files[path])

    monkeypatch.setattr(ruleyaml, "_read_yaml", read)


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL for the session (tests/pg_server.py); about 5 s to start on the CI machine."""
    from pg_server import PgServer

    server = PgServer()
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture()
def pg_url(pg_server, request):
    """A new empty database on the session's PostgreSQL, as a postgresql:// URL."""
    name = "t_" + "".join(c if c.isalnum() else "_" for c in request.node.name.lower())[:50]
    return pg_server.create_database(name)


@pytest.fixture(scope="module", autouse=True)
def _core_on_for_comparisons(request):
    """The comparison modules (test_native*.py) test the core in use: the suite may be run with DOCGRAPH_NATIVE=0 to
    test the Python engine alone, which must not turn the core off under them (module scope: their module-scoped
    fixtures build engines with it)."""
    if not request.module.__name__.rpartition(".")[2].startswith("test_native"):
        yield
        return
    mp = pytest.MonkeyPatch()
    mp.setenv("DOCGRAPH_NATIVE", "1")
    yield
    mp.undo()


@pytest.fixture(scope="session")
def core():
    """The compiled core's module (native/): a failure when DOCGRAPH_REQUIRE_NATIVE=1 (CI) and it is missing, else a
    skip naming the command that installs it (a plain `pip install '.[test]'` has no Rust build)."""
    from docgraph import native

    if not native.installed():
        if native.required():
            pytest.fail(native._missing() + f" ({native.ENV_REQUIRE}=1)")
        pytest.skip(native._missing())
    return native._core


@pytest.fixture(scope="module")
def engine_pair(core):
    """(Python's engine, the core's) over the built-in rules, for the modules that compare a stage of the two: each
    checks that its stage is off in the first and on in the second."""
    from docgraph import native
    from docgraph.engine import Engine
    from docgraph.rules import load_rules

    rules = load_rules(None)
    mp = pytest.MonkeyPatch()
    mp.setenv(native.ENV_SWITCH, "0")
    py = Engine(rules)
    mp.setenv(native.ENV_SWITCH, "1")
    rs = Engine(rules)
    mp.undo()
    return py, rs
