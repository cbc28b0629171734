"""Shared fixtures: a working folder holding a copy of the text samples (the office samples are checked by
test_office.py, with and without the office extra)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from docgraph.readers import OFFICE_GLOBS

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def work(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "samples", tmp_path / "samples", ignore=shutil.ignore_patterns(*OFFICE_GLOBS))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DOCGRAPH_DB", raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    return tmp_path


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
