"""The worker processes of ``extract``: tasks go out in small chunks, their results come back by chunk, in order.

A pool of our own rather than ``concurrent.futures``: it must know which file each worker is reading, so that

- a worker that dies (the out-of-memory killer) ends the run at once with an error naming that file
  (:class:`WorkerDied`), where the executor hung for good in its shutdown;
- a worker still busy with one file well past the per-file time limit (stuck in a C parser that no deadline can
  interrupt) is stopped and that file reported as over the limit, the run going on with a new worker;
- Ctrl-C on the whole process group stops the run within a second, without a traceback from any worker: workers
  ignore SIGINT and the parent kills them;
- workers never outlive the parent (``PR_SET_PDEATHSIG`` on Linux, a thread watching the parent elsewhere).

Each worker writes the sequence number of the task it is on and when it began into a shared array; results carry
their sequence numbers, so the parent yields them in task order with a bounded buffer. A worker stopped past the
limit loses the results of its chunk so far: those tasks are sent again.

A forked worker holds, from its first page, all that the parent held when it was forked. The command line forks
the workers of ``extract`` early (``prestart``), before it parses its options: typer's coercion of the options
imports pydantic, the command's modules are loaded, and none of it is any use to a worker, yet three processes would
count it. ``run`` takes these spare workers (``func`` and ``pack`` reach them as their first message) when it asks
for as many; otherwise it forks its own, as it does for a worker that replaces one stopped.
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import wait as mp_wait
from multiprocessing.reduction import ForkingPickler
from typing import Any

from .errors import BadInput
from .i18n import _

__all__ = ["WorkerDied", "discard_spare", "prestart", "run"]

_SIGNALS = {signal.SIGINT, signal.SIGTERM}
_CHUNK_BYTES = 16_384  # a chunk of tasks stays well under a socket's buffer: two in flight never block a send
_IN_FLIGHT = 2  # chunks sent to a worker ahead of its results
_RECHECK = 0.1  # seconds before the time limits are looked at again while a worker is between two chunks


class WorkerDied(BadInput):
    """A worker process ended without being asked to (exit code 1: the file it was reading could not be read, and
    the run stopped); the message names that file."""

    def __init__(self, path: str | None, exitcode: int | None):
        self.path = path
        self.exitcode = exitcode
        if exitcode is not None and exitcode < 0:
            try:
                name = signal.Signals(-exitcode).name
            except ValueError:
                name = f"signal {-exitcode}"
            how = _("was killed by {signal}").format(signal=name)
            if -exitcode == signal.SIGKILL:
                how += " " + _("(the out-of-memory killer sends it)")
        else:
            how = _("exited with code {code}").format(code=exitcode)
        what = _("while reading {path}").format(path=path) if path else _("between two files")
        super().__init__(_("a worker process {how} {what}; the index keeps every batch written so far: run the same"
                           " command to complete it").format(how=how, what=what))


def _die_with_parent(parent: int) -> None:
    """End this process when ``parent`` does (even killed with SIGKILL)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0:  # PR_SET_PDEATHSIG
                if os.getppid() != parent:  # the parent died before the request was made
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(1)
            time.sleep(0.5)

    threading.Thread(target=watch, daemon=True).start()


def _worker_main(conn: Any, slots: Any, i: int, func: Callable[[Any], Any] | None, parent: int,
                 pack: Callable[[list[tuple[int, Any]]], list[tuple[int, Any]]] | None = None,
                 warm: Callable[[], Any] | None = None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent ends the workers
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)
    _die_with_parent(parent)
    if func is None:  # a spare worker (prestart): its function and pack come first
        if warm is not None:  # what it will need, readied while the parent is still parsing its options
            try:
                warm()
            except Exception:  # noqa: BLE001 - the same work fails again where it is needed, and says why there
                pass
        try:
            setup = conn.recv()
        except (EOFError, OSError):
            return
        if setup is None:
            return
        func, pack = setup
    while True:
        try:
            chunk = conn.recv()
        except (EOFError, OSError):
            return
        if chunk is None:
            return
        results: list[tuple[int, Any]] = []
        error = None
        for seq, task in chunk:
            slots[2 * i + 1] = time.monotonic()
            slots[2 * i] = seq
            try:
                results.append((seq, func(task)))
            except BaseException as e:  # noqa: BLE001 - handed to the parent, which raises it
                error = e
                break
        slots[2 * i] = -1.0
        if error is None and pack is not None:
            try:
                results = pack(results)
            except BaseException as e:  # noqa: BLE001 - handed to the parent, which raises it
                error = e
        try:
            conn.send(("error", error) if error is not None else ("ok", results))
        except (OSError, EOFError):
            return  # the parent is gone
        except Exception as e:  # noqa: BLE001 - an exception that does not pickle
            conn.send(("error", RuntimeError(f"{type(error).__name__}: {error} ({e})")))


class _Spare:
    """Workers forked ahead of ``run`` (``prestart``), waiting for their function."""

    def __init__(self, ctx: Any, jobs: int, warm: Callable[[], Any] | None = None):
        self.jobs, self.parent = jobs, os.getpid()
        self.slots = ctx.RawArray("d", 2 * jobs)
        self.procs: list[tuple[Any, Any]] = []  # (process, its end of the pipe)
        for k in range(jobs):
            self.slots[2 * k] = -1.0
            self.procs.append(_fork(ctx, self.slots, k, None, None, self.parent, warm))

    def close(self) -> None:
        _stop([_Worker(proc, conn, k) for k, (proc, conn) in enumerate(self.procs)])
        self.procs = []


_spare: _Spare | None = None


def _context() -> Any:
    return mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")


def _fork(ctx: Any, slots: Any, k: int, func: Callable[[Any], Any] | None, pack: Any, parent: int,
          warm: Callable[[], Any] | None = None) -> tuple[Any, Any]:
    ours, theirs = ctx.Pipe(duplex=True)
    proc = ctx.Process(target=_worker_main, args=(theirs, slots, k, func, parent, pack, warm), daemon=True,
                       name=f"docgraph-worker-{k}")
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)  # the child sets its handlers before any arrives
    try:
        proc.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
    theirs.close()
    return proc, ours


def prestart(jobs: int, warm: Callable[[], Any] | None = None) -> None:
    """Fork ``jobs`` workers now, from this process as it is, for the next ``run`` with as many jobs (only where
    workers are forked: elsewhere they start with ``run``). Each calls ``warm()`` first (its errors are ignored),
    then waits. Unused, they end with ``discard_spare`` or with this process."""
    global _spare
    discard_spare()
    if jobs > 1 and _context().get_start_method() == "fork":
        _spare = _Spare(_context(), jobs, warm)


def discard_spare() -> None:
    """End the workers of ``prestart`` if no ``run`` took them."""
    global _spare
    spare, _spare = _spare, None
    if spare is not None:
        spare.close()


def _take_spare(jobs: int, func: Callable[[Any], Any], pack: Any) -> tuple[_Spare, bytes] | None:
    """The spare workers when there are ``jobs`` of them, alive, and ``func`` and ``pack`` can be sent to them."""
    global _spare
    spare, _spare = _spare, None
    if spare is None:
        return None
    try:
        if spare.jobs != jobs or os.getpid() != spare.parent or any(not p.is_alive() for p, _ in spare.procs):
            raise ValueError
        setup = bytes(ForkingPickler.dumps((func, pack)))
    except Exception:  # noqa: BLE001 - a function defined in a test, another process: fork new workers
        spare.close()
        return None
    return spare, setup


class _Worker:
    __slots__ = ("proc", "conn", "slot", "sent", "stopping")

    def __init__(self, proc: Any, conn: Any, slot: int):
        self.proc = proc
        self.conn = conn
        self.slot = slot
        self.sent: deque[list[int]] = deque()  # sequence numbers of the chunks sent, oldest first
        self.stopping = False  # killed on purpose (over the time limit)


def run(tasks: Iterable[Any], func: Callable[[Any], Any], jobs: int, *, chunk: int = 8,
        kill_after: float | None = None, name_of: Callable[[Any], str] = str,
        size_of: Callable[[Any], int] | None = None,
        overrun: Callable[[Any], Any] | None = None, buffer: int = 1024,
        pack: Callable[[list[tuple[int, Any]]], list[tuple[int, Any]]] | None = None) -> Iterator[Any]:
    """``func(task)`` for every task, computed in ``jobs`` worker processes, yielded in the order of ``tasks``.

    ``kill_after``: seconds after which a worker still on one task is killed and ``overrun(task)`` yielded in its
    place. ``size_of(task)``: about how many bytes a task takes to send (default: the length of its name; a cheaper
    measure saves ``name_of`` on every task). ``buffer``: tasks taken from ``tasks`` ahead of the results yielded (memory stays flat). Raises
    :class:`WorkerDied` when a worker dies on its own, the exception ``func`` raised in a worker, and whatever
    stops the caller; the workers are ended in every case. ``pack``: run in the worker on each chunk's results,
    [(sequence number, result)], before they are sent; it returns them in the same form (the results the caller
    receives; ``overrun``'s are not packed)."""
    ctx = _context()
    taken_spare = _take_spare(jobs, func, pack)
    spare: list[tuple[Any, Any] | None] = list(taken_spare[0].procs) if taken_spare else []
    if taken_spare:
        slots = taken_spare[0].slots
    else:
        slots = ctx.RawArray("d", 2 * jobs)
        for k in range(jobs):
            slots[2 * k] = -1.0
    parent = os.getpid()
    workers: list[_Worker | None] = [None] * jobs
    by_seq: dict[int, Any] = {}  # tasks taken and not yet yielded (sent, queued or done)
    done: dict[int, Any] = {}
    queue: deque[int] = deque()  # sequence numbers to send, in order (a killed worker's go first)
    it = iter(tasks)
    taken = 0  # tasks taken from ``it``
    exhausted = False
    next_out = 0

    def start(k: int) -> _Worker:
        proc_conn = spare[k] if k < len(spare) else None
        if proc_conn is not None:  # a worker of prestart: its function first
            spare[k] = None
            proc_conn[1].send_bytes(taken_spare[1])
        else:
            proc_conn = _fork(ctx, slots, k, func, pack, parent)
        slots[2 * k] = -1.0
        w = workers[k] = _Worker(proc_conn[0], proc_conn[1], k)
        return w

    def send(w: _Worker) -> None:
        seqs: list[int] = []
        size = 0
        while queue and len(seqs) < chunk and size < _CHUNK_BYTES:
            seq = queue.popleft()
            seqs.append(seq)
            size += (size_of(by_seq[seq]) if size_of else len(name_of(by_seq[seq]))) + 64
        w.conn.send([(s, by_seq[s]) for s in seqs])
        w.sent.append(seqs)

    def receive(w: _Worker) -> bool:
        """Read the results of the worker's oldest chunk; False at the end of its stream."""
        try:
            kind, value = w.conn.recv()
        except (EOFError, OSError, ValueError, TypeError, AttributeError, ImportError):
            return False
        if kind == "error":
            raise value
        done.update(value)
        w.sent.popleft()
        return True

    def lost(w: _Worker) -> None:
        """The worker ``w`` is gone: its results already sent are read, what it had left goes back in the queue
        (in front, in order); a death not asked for ends the run."""
        while w.conn.poll(0) and receive(w):
            pass
        w.proc.join(1)
        current = int(slots[2 * w.slot])
        left = sorted(s for chunk_ in w.sent for s in chunk_)
        workers[w.slot] = None
        w.conn.close()
        if not w.stopping:
            raise WorkerDied(name_of(by_seq[current]) if current in by_seq else None, w.proc.exitcode)
        if current in by_seq and current not in done:
            done[current] = overrun(by_seq[current]) if overrun else None
            left = [s for s in left if s != current]
        queue.extendleft(reversed(left))

    try:
        for k in range(jobs):
            start(k)
        while True:
            while not exhausted and len(by_seq) < buffer:
                try:
                    task = next(it)
                except StopIteration:
                    exhausted = True
                    break
                by_seq[taken] = task
                queue.append(taken)
                taken += 1
            for k, w in enumerate(workers):
                if w is None and queue:
                    w = start(k)
                if w is not None and not w.stopping:
                    while queue and len(w.sent) < _IN_FLIGHT:
                        send(w)
            while next_out in done:
                value = done.pop(next_out)
                del by_seq[next_out]
                next_out += 1
                yield value
            if exhausted and next_out == taken:
                return
            live = [w for w in workers if w is not None]
            timeout = None
            if kill_after is not None:
                now = time.monotonic()
                for w in live:
                    seq, began = slots[2 * w.slot], slots[2 * w.slot + 1]
                    if seq >= 0 and not w.stopping:
                        over = began + kill_after - now
                        if over <= 0 and slots[2 * w.slot] == seq:
                            w.stopping = True
                            w.proc.kill()
                        else:
                            timeout = over if timeout is None else min(timeout, over)
                    elif w.sent and not w.stopping:
                        # between two chunks, with another sent: it starts that one without a word, so look again
                        # soon (waiting for a message only, a worker stuck on that chunk's first file was never
                        # stopped: the other one idle, the run hung)
                        timeout = _RECHECK if timeout is None else min(timeout, _RECHECK)
            handles = {w.conn: w for w in live}
            handles.update({w.proc.sentinel: w for w in live})
            for h in mp_wait(list(handles), timeout):
                w = handles[h]
                if workers[w.slot] is not w:
                    continue  # already handled through its other handle
                if h is w.conn and receive(w):
                    continue
                lost(w)
    finally:
        _stop([w for w in workers if w is not None])
        _stop([_Worker(*pc, 0) for pc in spare if pc is not None])  # spares not started (the run ended first)


def _stop(live: list[_Worker]) -> None:
    """End the workers: at once (they hold nothing that needs saving), then reap them."""
    for w in live:
        try:
            w.proc.kill()
        except (OSError, ValueError, AttributeError):
            pass
    for w in live:
        try:
            w.proc.join(2)
            w.conn.close()
        except (OSError, ValueError, AssertionError):
            pass
