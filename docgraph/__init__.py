"""docgraph: citation graph of Vietnamese Party and state documents."""

from .engine import extract_text
from .model import Document, Evidence, Mention, Relation

__all__ = ["extract_text", "Mention", "Document", "Relation", "Evidence"]
__version__ = "0.1.0"
