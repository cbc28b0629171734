"""The workers of ``extract`` are forked before the command line parses its options (``workers.prestart``), so that
what typer's coercion and the command load (pydantic among them) is not held again by every worker; ``run`` takes
those spare workers, and a run that does not need them ends them (issue 20: the process tree's peak memory)."""

from __future__ import annotations

import os
import sys

import pytest

from docgraph import workers
from docgraph.prefork import extract_jobs as _extract_jobs

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked only on Linux here")

CORES = os.cpu_count() or 1

# (arguments, the workers extract would fork: 0 when it forks none of ours)
JOBS = [
    (["extract", "docs/"], CORES),
    (["extract", "docs/", "--jobs", "3"], 3),
    (["extract", "docs/", "-j", "2"], 2),
    (["extract", "docs/", "-j4"], 4),
    (["extract", "docs/", "--jobs=5"], 5),
    (["extract", "docs/", "--jobs", "0"], CORES),
    (["--lang", "vi", "extract", "docs/", "-j", "2"], 2),
    (["--lang=en", "--debug", "extract", "docs/", "-j", "2"], 2),
    (["extract", "docs/", "--engine", "default", "-j", "2"], 2),
    (["extract", "docs/", "--engine=default", "-j", "2"], 2),
    (["extract", "docs/", "--engine", "spark", "--db", "postgresql://x/y"], 0),
    (["extract", "docs/", "--engine=spark"], 0),
    (["extract", "--help"], 0),
    (["extract", "docs/", "-j", "two"], 0),  # typer says what is wrong; no worker is forked for it
    (["extract", "--", "-j", "3"], CORES),  # after "--" a path, not an option
    (["query", "35-CT/TW"], 0),
    (["rules", "test"], 0),
    (["--version"], 0),
    ([], 0),
]


@pytest.mark.parametrize("argv,jobs", JOBS)
def test_the_workers_an_extract_asks_for_are_read_from_its_arguments(argv, jobs):
    assert _extract_jobs(argv) == jobs


MARK = ["before"]  # changed by the test after the spare workers are forked


def _marked(_task: int) -> tuple[int, str]:
    return os.getpid(), MARK[0]


def test_run_takes_the_spare_workers_forked_before():
    workers.prestart(2)
    spare = workers._spare
    assert spare is not None and len(spare.procs) == 2
    pids = {p.pid for p, _ in spare.procs}
    MARK[0] = "after"  # what this process holds from now on is not in the spare workers
    try:
        out = list(workers.run(range(40), _marked, 2, chunk=4))
    finally:
        MARK[0] = "before"
    assert workers._spare is None
    assert {pid for pid, _ in out} <= pids  # the spare workers read every task
    assert {mark for _, mark in out} == {"before"}
    assert all(not p.is_alive() for p, _ in spare.procs)  # ended with the run


def _warm() -> None:
    MARK[0] = "warmed"


def test_spare_workers_ready_themselves_while_they_wait():
    workers.prestart(2, _warm)  # the command line's warm: the pipeline imported, the engine built
    assert {mark for _, mark in workers.run(range(20), _marked, 2, chunk=4)} == {"warmed"}
    assert MARK[0] == "before"  # in the workers only


def test_a_run_with_another_number_of_jobs_forks_its_own_and_ends_the_spares():
    workers.prestart(3)
    spare = workers._spare
    out = list(workers.run(range(20), _marked, 2, chunk=4))
    assert not {pid for pid, _ in out} & {p.pid for p, _ in spare.procs}
    assert workers._spare is None and all(not p.is_alive() for p, _ in spare.procs)


def test_a_function_that_cannot_be_sent_to_the_spares_runs_in_workers_forked_for_it():
    workers.prestart(2)
    spare = workers._spare
    local = []  # a closure does not pickle: the spares cannot be told to run it

    def tagged(task: int) -> tuple[int, int]:
        return task, len(local)

    assert list(workers.run(range(30), tagged, 2, chunk=4)) == [(i, 0) for i in range(30)]
    assert all(not p.is_alive() for p, _ in spare.procs)


def test_spare_workers_not_taken_are_ended():
    workers.prestart(2)
    spare = workers._spare
    workers.discard_spare()
    assert workers._spare is None and all(not p.is_alive() for p, _ in spare.procs)
    workers.discard_spare()  # nothing left: nothing to do


def test_an_extract_in_spare_workers_writes_the_index_one_without_workers_writes(tmp_path):
    """The command line as users run it (a process of its own): its spare workers read the files, and the index is
    the one a run reading every file in its own process writes, row for row."""
    import shutil
    import sqlite3
    import subprocess
    from pathlib import Path

    samples = Path(__file__).resolve().parent.parent / "samples"
    folder = tmp_path / "docs"
    shutil.copytree(samples, folder)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    dumps = []
    for jobs in ("2", "1"):
        db = tmp_path / f"index-{jobs}.db"
        subprocess.run([sys.executable, "-m", "docgraph", "extract", "docs", "--db", str(db), "-j", jobs, "-q"],
                       cwd=tmp_path, env=env, check=True, capture_output=True)
        conn = sqlite3.connect(db)
        dumps.append(list(conn.iterdump()))
        conn.close()
    assert len(dumps[0]) > 100 and dumps[0] == dumps[1]
