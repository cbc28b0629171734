"""The Spark engine (``docgraph[spark]``): ``docgraph extract PATH... --engine spark --db postgresql://...``.

The driver lists the files as the default engine does (``plan``), executors read and match them and write their
rows to PostgreSQL (``tasks``), the cross-document resolve runs as DataFrame code with the default's semantics
(``resolve``), and the driver publishes each step in one transaction (``job``). The result is the index
``docgraph extract PATH... --db x.db`` makes, in PostgreSQL, where every query and export reads it.

Importing this package imports no Spark: ``job.extract`` and ``session.get_session`` do when called.
"""
