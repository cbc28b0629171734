"""docgraph: citation graph of Vietnamese Party and state documents."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import extract_text
    from .model import Document, Evidence, Mention, Relation

__all__ = ["extract_text", "Mention", "Document", "Relation", "Evidence"]
__version__ = "0.1.0"

# imported on first use: `docgraph --help` and the queries need neither the rule engine nor its regex and YAML
_LAZY = {"extract_text": "engine", "Mention": "model", "Document": "model", "Relation": "model", "Evidence": "model"}


def __getattr__(name: str) -> Any:
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError(f"module 'docgraph' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{mod}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
