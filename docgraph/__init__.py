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


def lazy_names(package: str, table: dict[str, str], namespace: dict[str, Any]) -> tuple[Any, Any]:
    """The ``__getattr__`` and ``__dir__`` (PEP 562) of a package whose public names are imported on first use:
    ``table`` maps each name to the package's module that defines it (docgraph's and docgraph.export's)."""

    def __getattr__(name: str) -> Any:
        mod = table.get(name)
        if mod is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        import importlib

        value = getattr(importlib.import_module(f".{mod}", package), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(namespace.get("__all__", ())))

    return __getattr__, __dir__


__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())
