"""The workers of ``docgraph extract``, forked by the command line before it parses its options.

A forked worker holds, from its first page, all that its parent held when it was forked, and the process tree's
memory counts it once per process. Parsing the options (typer's coercion imports pydantic) and running the command
(its modules, the index, the listing) make the command line's process about 30 MiB larger, none of which a worker
uses: forked after that, each of them held it too. So the command line guesses from its arguments, before parsing
them, how many workers an ``extract`` will ask for and forks them at once (``workers.prestart``); the scan's pool
takes them. A wrong guess costs a fork: the pool forks its own and the spares end. While the command line parses
its options and lists the files (one core idle), the spares import the pipeline and build the engine they will
use. Only the command line forks early: the library's ``scan`` forks its workers when it starts them.
"""

from __future__ import annotations

import os
from functools import partial


def extract_workers(argv: list[str]) -> int:
    """Fork the workers ``argv`` asks of ``extract`` (``extract_jobs``) now; how many were forked (0: none)."""
    jobs = extract_jobs(argv)
    if jobs > 1:
        from . import workers

        own_rules = any(a == "--rules" or a.startswith("--rules=") for a in argv)
        workers.prestart(jobs, partial(_warm_worker, own_rules))
    return jobs if jobs > 1 else 0


def discard() -> None:
    """End the spare workers no scan took."""
    from . import workers

    workers.discard_spare()


def _warm_worker(own_rules: bool) -> None:
    """What a worker of ``extract`` needs first: the pipeline's modules and, unless a rules folder is given, the
    engine of the built-in rules."""
    from . import scan  # noqa: F401 - the worker's function and all it imports

    if not own_rules:
        from .engine import get_engine

        get_engine(None)


def extract_jobs(argv: list[str]) -> int:
    """The worker processes ``argv`` asks of ``extract`` with the default engine (0 for any other command; a guess
    from the words alone, made before typer reads them: --jobs, -j, else the number of cores)."""
    words = iter(argv)
    for word in words:
        if word == "--lang":
            next(words, None)
        elif not word.startswith("-"):
            if word != "extract":
                return 0
            break
        elif word in ("--help", "--version", "--"):
            return 0
    else:
        return 0
    jobs = 0
    for word in words:
        if word == "--":
            break
        if word in ("--help", "--engine") or word.startswith("--engine="):  # --engine spark: no workers of ours
            if word == "--help" or (next(words, None) if word == "--engine" else word[len("--engine="):]) != "default":
                return 0
        value = next(words, "") if word in ("--jobs", "-j") else \
            word[len("--jobs="):] if word.startswith("--jobs=") else word[2:] if word.startswith("-j") else None
        if value is not None:
            try:
                jobs = int(value)
            except ValueError:
                return 0
    return jobs if jobs > 0 else (os.cpu_count() or 1)
