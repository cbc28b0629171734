"""Run the examples every rule carries: texts that must match (with the expected fields) and texts that must not."""

from __future__ import annotations

from typing import Any

from .engine import Engine


def run_examples(engine: Engine) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    for rule in engine.rules.rules:
        for ex in rule.examples:
            mentions = engine.extract(ex.text)
            mine = [m for m in mentions if m.rule == rule.id]
            if ex.expect is None:
                ok = not mine
                got = [m.text for m in mine]
                why = "" if ok else f"matched {got}"
            else:
                def fits(m) -> bool:
                    return all(getattr(m, k, None) == v for k, v in ex.expect.items())

                ok = any(fits(m) for m in mine)
                why = ""
                if not ok:
                    if not mine:
                        why = "no match" + (f" (other rules: {[m.rule for m in mentions]})" if mentions else "")
                    else:
                        best = mine[0]
                        diffs = {k: getattr(best, k, None) for k, v in ex.expect.items() if getattr(best, k, None) != v}
                        why = f"fields differ: got {diffs}"
            results.append({"rule": rule.id, "file": rule.file, "line": ex.line, "kind": "no_match" if ex.expect is None else "match",
                            "text": ex.text, "ok": ok, "why": why})
    return results
