"""A test hook: hold a worker or the writer of ``extract`` at a known point, so a test can kill or interrupt it there
instead of sleeping and hoping (tests/test_hostile.py).

``DOCGRAPH_TEST_PAUSE="POINT:TEXT:DIR"``: when the process reaches POINT with a name containing TEXT, it creates the
file ``DIR/paused-POINT-PID`` and waits until ``DIR/resume`` exists. Points: ``read`` (a worker, before it reads a
file), ``write`` (the writer, before it writes a batch holding such a file), ``locked`` (extract, once it holds the
index's write lock; TEXT is matched against the index path). Unset (always, outside the tests), it costs one check.
"""

from __future__ import annotations

import os
import time

_SPEC = os.environ.get("DOCGRAPH_TEST_PAUSE")


def pause(point: str, name: str = "") -> None:
    if _SPEC is None:
        return
    want, _, rest = _SPEC.partition(":")
    text, _, folder = rest.partition(":")
    if want != point or text not in name or not folder:
        return
    marker = os.path.join(folder, f"paused-{point}-{os.getpid()}")
    with open(marker, "w", encoding="utf-8") as f:
        f.write(name)
    resume = os.path.join(folder, "resume")
    while not os.path.exists(resume):
        time.sleep(0.02)
