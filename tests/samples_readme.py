"""What samples/README.md says the samples hold: the tables under its headings, row by row."""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parent.parent / "samples" / "README.md"


def readme_table(section: str) -> list[list[str]]:
    """The rows of the table under ``## section`` (its header row and rule left out), each a list of its cells."""
    text = README.read_text(encoding="utf-8")
    part = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in part.splitlines():
        if not line.startswith("|") or set(line) <= set("|-: "):
            continue
        rows.append([c.strip().strip("`") for c in line.strip().strip("|").split("|")])
    return rows[1:]
