"""JSON: networkx's node-link form (``edges`` key), UTF-8, indent 2.

Library code: no CLI imports.
"""

from __future__ import annotations

import json

import networkx as nx

from .common import deep, fix_surrogates, json_default


def _node_link(g: nx.Graph) -> dict:
    try:
        return nx.node_link_data(g, edges="edges")
    except TypeError:  # networkx < 3.4
        return nx.node_link_data(g, link="edges")


def to_json(g: nx.Graph) -> str:
    """node-link JSON (``edges`` key), UTF-8 text, indent 2."""
    data = deep(_node_link(g), fix_surrogates)
    return json.dumps(data, ensure_ascii=False, indent=2, default=json_default) + "\n"


def render(g: nx.Graph, *, yed: bool = False, title: str = "docgraph") -> tuple[str, list[str]]:
    """The registry's entry."""
    return to_json(g), []
