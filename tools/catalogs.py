"""Update docgraph's message catalogs: extract the messages of the code (Babel, mapping babel.cfg), merge them into
each docgraph/locale/<lang>/LC_MESSAGES/docgraph.po, and compile the .mo files that ship with the package.

    python tools/catalogs.py            # extract, update the .po files, compile
    python tools/catalogs.py --compile  # compile only (after editing a .po)

The same with Babel's own command (from the repository root, so that babel.cfg finds tools/babel_cli.py):

    PYTHONPATH=. pybabel extract -F babel.cfg -k N_ -k NP_:1c,2 --no-location --sort-output \\
        -o docgraph/locale/docgraph.pot .
    pybabel update -i docgraph/locale/docgraph.pot -d docgraph/locale -D docgraph --no-fuzzy-matching
    pybabel compile -d docgraph/locale -D docgraph

A new language: ``pybabel init -i docgraph/locale/docgraph.pot -d docgraph/locale -D docgraph -l LANG``, then add it
to ``docgraph.i18n.LANGUAGES``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "docgraph" / "locale"
POT = LOCALE / "docgraph.pot"
KEYWORDS = ["-k", "N_", "-k", "NP_:1c,2"]


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    from babel.messages.frontend import CommandLineInterface

    def babel(*args: str) -> None:
        CommandLineInterface().run(["pybabel", "-q", *args])

    if "--compile" not in argv:
        babel("extract", "-F", str(ROOT / "babel.cfg"), *KEYWORDS, "--no-location", "--sort-output",
              "--project", "docgraph", "--copyright-holder", "docgraph", "-o", str(POT), str(ROOT))
        babel("update", "-i", str(POT), "-d", str(LOCALE), "-D", "docgraph", "--no-fuzzy-matching",
              "--ignore-obsolete")
    babel("compile", "-d", str(LOCALE), "-D", "docgraph", "--statistics")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
