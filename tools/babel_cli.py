"""A Babel extractor for docgraph/cli.py: the messages marked in its code (as Babel's python extractor reads them)
and every help text of the command tree (commands' docstrings, options' and arguments' help), which the command line
puts in the interface language at run time (``cli._localize``). Used by babel.cfg; run Babel with the repository
root on the import path (``python tools/catalogs.py`` does)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from babel.messages.extract import extract_python


def help_texts() -> list[str]:
    """Every help text of docgraph's command tree, as click holds them (the catalog's message ids)."""
    import typer

    from docgraph.cli import app

    out: list[str] = []

    def walk(cmd: Any) -> None:
        if getattr(cmd, "help", None):
            out.append(cmd.help)
        for p in getattr(cmd, "params", ()):
            if getattr(p, "help", None):
                out.append(p.help)
        for sub in getattr(cmd, "commands", {}).values():
            walk(sub)

    walk(typer.main.get_command(app))
    return list(dict.fromkeys(out))


def extract(fileobj: Any, keywords: Any, comment_tags: Any, options: dict) -> Iterator[tuple]:
    yield from extract_python(fileobj, keywords, comment_tags, options)
    for text in help_texts():
        yield 0, None, text, ["help text of the command line"]
