"""Running the CLI in-process for the tests."""

from __future__ import annotations

from typer.testing import CliRunner

from docgraph.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def extracted(work):
    """Extract the samples in ``work`` into ./docgraph.db."""
    r = run("extract", "samples", "--jobs", "1", "-q")
    assert r.exit_code == 0, r.output
    return r
