"""Running the CLI in-process for the tests."""

from __future__ import annotations

import signal

import typer.testing
from typer.main import get_command

from docgraph.cli import app


class _Runner(typer.testing.CliRunner):
    """typer's test runner, with the click command of ``app`` built once instead of at every call (typer reads the
    signature and type hints of every command each time: about 20 ms a call, a few seconds over the suite). A run
    puts the help texts in its interface language in place (``cli._localize``): they are set back after each run,
    so that every run starts from the command a fresh process builds."""

    def __init__(self) -> None:
        super().__init__()
        self._commands: dict[int, tuple[object, list[tuple[object, str]]]] = {}

    def _command(self, typer_app):
        if id(typer_app) not in self._commands:
            cmd = get_command(typer_app)
            self._commands[id(typer_app)] = (cmd, [(o, o.help) for o in _help_holders(cmd)])
        return self._commands[id(typer_app)]

    def invoke(self, typer_app, *args, **kwargs):
        cmd, helps = self._command(typer_app)
        built = typer.testing._get_command
        typer.testing._get_command = lambda _: cmd
        try:
            return super().invoke(typer_app, *args, **kwargs)
        finally:
            typer.testing._get_command = built
            for holder, text in helps:
                holder.help = text


def _help_holders(cmd) -> list:
    """The command, its parameters and its subcommands, all the way down: what ``cli._localize`` translates."""
    out = [cmd, *getattr(cmd, "params", ())]
    for sub in getattr(cmd, "commands", {}).values():
        out += _help_holders(sub)
    return out


runner = _Runner()


def run(*args: str):
    return runner.invoke(app, list(args))


def extracted(work):
    """Extract the samples in ``work`` into ./docgraph.db."""
    r = run("extract", "samples", "--jobs", "1", "-q")
    assert r.exit_code == 0, r.output
    return r


def sigint_as_in_a_terminal() -> None:
    """A child's Ctrl-C as a terminal gives it (``preexec_fn`` of a docgraph started by a test that interrupts it):
    a suite run as a background job of a shell (``pytest &``, nohup) inherits SIGINT ignored, and so would every
    docgraph it starts, which then could not be interrupted."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
