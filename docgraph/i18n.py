"""The interface language: English (the messages as written in the code) or Vietnamese, from gettext catalogs.

The catalogs are ``docgraph/locale/<lang>/LC_MESSAGES/docgraph.po`` and their compiled ``.mo``, shipped as package
data (Babel extracts and compiles them; installing docgraph needs neither Babel nor a compiler). The language is
chosen once per run by ``choose_language``: ``--lang``, then ``$DOCGRAPH_LANG``, then the locale (``LC_ALL``,
``LC_MESSAGES``, ``LANG``: a ``vi_*`` one gives Vietnamese), else English. JSON keys and values never change with it.

Library code: no typer. Messages are marked with ``_`` (translated when called), ``N_`` (marked only, translated
later with ``_``), ``ngettext`` (plural forms) and ``pgettext`` (a context: the relation and level names)."""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Mapping
from pathlib import Path

DOMAIN = "docgraph"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("en", "vi")
DEFAULT = "en"

_state: dict[str, object] = {"lang": DEFAULT, "t": _gettext.NullTranslations()}


def normalize(value: str | None) -> str | None:
    """The language a value names ("vi", "vi_VN.UTF-8", "VI-vn", "en_US"), or None for one docgraph has no catalog
    for (or "C" and "POSIX", which name none)."""
    if not value:
        return None
    code = value.strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else None


def choose_language(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """``explicit`` (``--lang``), else ``$DOCGRAPH_LANG``, else the first of ``LC_ALL``, ``LC_MESSAGES`` and ``LANG``
    that names a language (``C.UTF-8``, common in containers, names none, so the next one is read), else English.
    A value of ``DOCGRAPH_LANG`` or of the locale that is not a language docgraph has is English."""
    env = os.environ if environ is None else environ
    if explicit:
        lang = normalize(explicit)
        if lang is None:
            raise ValueError(f"unknown language {explicit!r}: choose one of {', '.join(LANGUAGES)}")
        return lang
    if env.get("DOCGRAPH_LANG"):
        return normalize(env["DOCGRAPH_LANG"]) or DEFAULT
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        v = env.get(var)
        if v and v.split(".")[0] not in ("C", "POSIX"):
            return normalize(v) or DEFAULT
    return DEFAULT


def set_language(lang: str) -> None:
    """Translate from now on into ``lang`` ("en" or "vi")."""
    lang = normalize(lang) or DEFAULT
    t: _gettext.NullTranslations
    if lang == DEFAULT:
        t = _gettext.NullTranslations()
    else:
        t = _gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[lang], fallback=True)
    _state["lang"], _state["t"] = lang, t


def language() -> str:
    """The language messages are translated into now."""
    return str(_state["lang"])


def _(message: str) -> str:
    return _state["t"].gettext(message)  # type: ignore[union-attr]


gettext = _


def ngettext(singular: str, plural: str, n: int) -> str:
    return _state["t"].ngettext(singular, plural, n)  # type: ignore[union-attr]


def pgettext(context: str, message: str) -> str:
    return _state["t"].pgettext(context, message)  # type: ignore[union-attr]


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it (a module constant translated where it is used)."""
    return message


def relation_name(relation: str | None) -> str:
    """A relation in the interface language ("implements": "thực hiện"); an unknown one as it is."""
    if not relation:
        return ""
    msgid = _RELATIONS.get(relation)
    return pgettext("relation", msgid) if msgid else relation


def level_name(level: str | None) -> str:
    """A level in the interface language ("department": "sở/ngành"); None is "unknown"."""
    msgid = _LEVELS.get(level or "unknown")
    return pgettext("level", msgid) if msgid else str(level)


def NP_(context: str, message: str) -> str:
    """Mark ``message`` in ``context`` for the catalog (``pgettext`` translates it where it is used)."""
    return message


# the relation and level names as the catalog has them: English is the name itself (the JSON value)
_RELATIONS = {
    "implements": NP_("relation", "implements"),
    "based_on": NP_("relation", "based_on"),
    "guides": NP_("relation", "guides"),
    "amends": NP_("relation", "amends"),
    "replaces": NP_("relation", "replaces"),
    "repeals": NP_("relation", "repeals"),
    "suspends": NP_("relation", "suspends"),
    "corrects": NP_("relation", "corrects"),
    "consolidates": NP_("relation", "consolidates"),
    "responds_to": NP_("relation", "responds_to"),
    "cites": NP_("relation", "cites"),
}
_LEVELS = {
    "central": NP_("level", "central"),
    "provincial": NP_("level", "provincial"),
    "department": NP_("level", "department"),
    "district": NP_("level", "district"),
    "commune": NP_("level", "commune"),
    "unknown": NP_("level", "unknown"),
}
