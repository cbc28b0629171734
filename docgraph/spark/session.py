"""The Spark session a run uses: the one ``spark-submit`` made (its master and settings), else a new one on
``master`` (default ``local[*]``: every core of this machine)."""

from __future__ import annotations

import os
import sys
import warnings
from typing import Any

from ..errors import UsageError
from ..i18n import _

LOCAL_CONF = {
    # a run on one machine: no web UI, bound to the loopback interface (no firewall prompt, no clash on a shared
    # host), and the executors' Python is this one
    "spark.ui.enabled": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.ui.showConsoleProgress": "false",
}


class SparkMissing(UsageError):
    """pyspark is not installed (exit code 2)."""


def get_session(master: str | None = None, *, conf: dict[str, str] | None = None) -> Any:
    """The active session if there is one (``spark-submit``, a notebook), else a new one on ``master``."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkMissing(_("--engine spark needs the spark extra: pip install 'docgraph[spark]'")) from None
    warnings.filterwarnings("ignore", module="pyspark")  # pandas version notes on every task
    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    builder = SparkSession.builder.appName("docgraph")
    if master is None and not _submitted():
        master = "local[*]"
    if master is not None:
        builder = builder.master(master)
    if master is not None and master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        for k, v in LOCAL_CONF.items():
            builder = builder.config(k, v)
        log_conf = os.path.join(os.path.dirname(__file__), "log4j2.properties")
        builder = builder.config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{log_conf}")
        # a shuffle in as many pieces as there are cores (twice): Spark's 200 are for clusters
        cores = master[6:-1] if master.startswith("local[") else "1"
        n = (os.cpu_count() or 1) if cores in ("*", "") else int(cores.split(",")[0])
        builder = builder.config("spark.sql.shuffle.partitions", str(2 * n))
    for k, v in (conf or {}).items():
        builder = builder.config(k, v)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _submitted() -> bool:
    """Whether this process was started by spark-submit (which chose the master, and hands this process the JVM it
    launched through this variable)."""
    return "PYSPARK_GATEWAY_PORT" in os.environ
