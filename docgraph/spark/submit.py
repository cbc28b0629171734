"""The program file to hand ``spark-submit``: docgraph's command line, with absolute imports (spark-submit runs a
file, not a module). Its path::

    python -c 'import docgraph.spark.submit as m; print(m.__file__)'

then ``spark-submit [--master URL ...] THAT_PATH extract FOLDER --engine spark --db postgresql://...``: the run uses
the session spark-submit started (its master, archives and settings)."""

if __name__ == "__main__":
    from docgraph.cli import main

    main()
