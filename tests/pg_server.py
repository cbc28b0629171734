"""A throwaway PostgreSQL server for the tests and benchmarks: initdb into a temporary folder, listen on a unix
socket there only (no TCP port to collide with), stop and delete at the end. PostgreSQL refuses to run as root: as
root the server runs as the ``nobody`` user (``runuser``). The binaries come from $PATH, else Debian's
/usr/lib/postgresql/VERSION/bin (``apt-get install postgresql``: .ci/run installs it)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time


def bindir() -> str | None:
    """The folder of initdb and pg_ctl, or None when PostgreSQL is not installed."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return os.path.dirname(found)
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                      key=lambda p: int(p.split("/")[-3]) if p.split("/")[-3].isdigit() else 0)
    return os.path.dirname(versions[-1]) if versions else None


class PgServer:
    """``start()``, then ``url(name)`` of a database made by ``create_database(name)``; ``stop()`` removes it all.
    ``started_in``: seconds initdb and the start took."""

    user = "docgraph"

    def __init__(self) -> None:
        self.dir: str | None = None
        self.started_in = 0.0
        self._bin = bindir()
        self._as: list[str] = []

    def _run(self, *args: str) -> None:
        r = subprocess.run([*self._as, *args], capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {r.stdout}{r.stderr}")

    def start(self) -> PgServer:
        if self._bin is None:
            raise RuntimeError("PostgreSQL is required for this test: apt-get install postgresql")
        t0 = time.monotonic()
        self.dir = tempfile.mkdtemp(prefix="docgraph-pg-")  # short: the socket path has a 107-byte limit
        if os.geteuid() == 0:
            runner = shutil.which("runuser")
            if runner is None:
                raise RuntimeError("as root, the PostgreSQL tests need runuser (util-linux) to run it as nobody")
            self._as = [runner, "-u", "nobody", "--"]
            shutil.chown(self.dir, "nobody")
        data = os.path.join(self.dir, "data")
        self._run(os.path.join(self._bin, "initdb"), "-N", "-D", data, "--auth=trust", "--no-locale", "-E", "UTF8",
                  "-U", self.user)
        opts = (f"-c listen_addresses='' -c unix_socket_directories={self.dir} -c fsync=off"
                " -c synchronous_commit=off -c full_page_writes=off")
        self._run(os.path.join(self._bin, "pg_ctl"), "-D", data, "-l", os.path.join(self.dir, "log"), "-w",
                  "-o", opts, "start")
        self.started_in = time.monotonic() - t0
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@/{database}?host={self.dir}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}"')
            c.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if self.dir is None:
            return
        data = os.path.join(self.dir, "data")
        if os.path.exists(os.path.join(data, "postmaster.pid")):
            try:
                self._run(os.path.join(self._bin, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop")
            except RuntimeError:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None
