"""One file through the stages: read -> normalize + match -> mentions -> header -> keys -> parts -> raw relations.

``process_file`` is a pure function of the file and the rules, so it runs the same in a worker process.
"""

from __future__ import annotations

import os
import unicodedata
import weakref
from dataclasses import dataclass, field, fields, replace
from operator import attrgetter

from . import limits as _limits
from .engine import Engine, get_engine
from .header import FileHeader
from .identity import DocKey, file_doc_id, mention_key, own_key, read_settled
from .model import Mention
from .readers import ReadResult, read_file
from .readers.listing import FolderPaths
from .relations import OWN, RawRelation, RelationFinder
from .skips import Skip, SkipCode

# the relation reader of each engine (keyed by the engine itself: an id can be reused once an engine is gone)
_finders: weakref.WeakKeyDictionary[Engine, RelationFinder] = weakref.WeakKeyDictionary()


@dataclass(slots=True)
class FileResult:
    path: str  # as stored in the index (relative to the working directory when below it)
    size: int = 0
    mtime_ns: int = 0
    sha256: str | None = None
    encoding: str | None = None
    skipped: Skip | None = None
    header: FileHeader | None = None
    own_id: str | None = None  # the file's own document id (known numbers) or its file- id
    own_key: DocKey | None = None
    mentions: list[Mention] = field(default_factory=list)
    keys: list[DocKey | None] = field(default_factory=list)
    relations: list[RawRelation] = field(default_factory=list)
    # office files: the page or paragraph of each line of the text ("p.2", "¶14", "fn.1"); None for text files
    locations: tuple[str, ...] | None = None

    def location(self, line: int) -> str | None:
        """The location label of a 1-based line, or None."""
        if self.locations and 0 < line <= len(self.locations):
            return self.locations[line - 1] or None
        return None


def display_path(path: str, folders: FolderPaths | None = None) -> str:
    """The path as stored and shown: relative to the working directory when below it; a name that is not valid
    UTF-8 is shown with its bad bytes escaped (\\xe9) so it can be printed and stored. ``folders``: the absolute
    paths of the folders, and the working directory, of a scan that shows many paths (worked out once)."""
    if folders is not None:
        ap, cwd = folders.absolute(path), folders.cwd
    else:
        ap = os.path.abspath(path)
        try:
            cwd = os.path.join(os.getcwd(), "")  # with its trailing separator
        except OSError:  # the working directory is gone
            cwd = None
    # below the working directory: the relative path (what os.path.relpath gives, without its cost per file)
    if cwd and ap.startswith(cwd) and len(ap) > len(cwd):
        rel = ap[len(cwd):]
    elif cwd and path and os.path.join(ap, "") == cwd:
        rel = "."
    else:
        rel = ap
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        rel = os.fsencode(rel).decode("utf-8", "backslashreplace")
    return rel


_MENTION_FIELDS = fields(Mention)
_mention_values = attrgetter(*(f.name for f in _MENTION_FIELDS))
_SETTLED = tuple(next(i for i, f in enumerate(_MENTION_FIELDS) if f.name == n)
                 for n in ("type", "year", "date", "issuer", "level"))
# Mention(*values) is what dataclasses.replace builds (every field is an __init__ argument, in order), without its
# work per field and per call
_POSITIONAL = all(f.init and not f.kw_only for f in _MENTION_FIELDS)


def _remade(m: Mention, typ: str | None, year: int | None, date: str | None, issuer: str | None,
            level: str) -> Mention:
    """``replace(m, type=typ, year=year, date=date, issuer=issuer, level=level)``."""
    if not _POSITIONAL:  # pragma: no cover - a Mention with keyword-only or computed fields
        return replace(m, type=typ, year=year, date=date, issuer=issuer, level=level)
    v = list(_mention_values(m))
    v[_SETTLED[0]], v[_SETTLED[1]], v[_SETTLED[2]], v[_SETTLED[3]], v[_SETTLED[4]] = typ, year, date, issuer, level
    return Mention(*v)


DEFAULT_TIMEOUT = _limits.DEFAULT_TIMEOUT  # seconds for one file (every stage) before it is skipped as pathological


def analyse_text(text: str, path: str, engine: Engine, doc_path: str | None = None,
                 timeout: float | None = None, province: str | None = None) -> FileResult:
    """``path`` is stored in the index; ``doc_path`` (relative to the scanned folder) names a file's own id;
    ``province`` is the folder-wide default for a file that names none. Raises ``TimeLimitExceeded`` (matching:
    ``MatchTimeout``) when it takes more than ``timeout`` seconds, or than the time left to the current file."""
    res = FileResult(path=path)
    if not unicodedata.is_normalized("NFC", text):
        # decomposed letters (a file saved on macOS, some exports: "A" + U+0301 for "Á"): every stage reads composed
        # text, so a header's "BÁO CÁO", an "Điều 1." and a sentence's words read as typed; lines are unchanged
        text = unicodedata.normalize("NFC", text)
    mentions = engine.extract(text, timeout=timeout)
    _limits.check()
    lexicon = engine.lexicon
    header = read_settled(text, mentions, lexicon, province)
    if header.level == "central" and header.issuer:
        # the body a central code names, not the header's spelling of it (OCR damage, a motto run into it)
        header = replace(header, issuer=lexicon.issuer_name(header.issuer_code, header.issuer))
    mentions = list(mentions)  # each mention is rebuilt only where one of these changes it
    constitution = False
    for i, m in enumerate(mentions):
        typ, year, date, issuer, level = m.type, m.year, m.date, m.issuer, m.level
        if m.own:
            # the own header number is the document itself: give it the header's date, issuer and level
            typ, year, date, issuer = header.type or typ, header.year, header.date, issuer or header.issuer
            if header.level != "unknown":
                level = header.level
        # a central code's issuer by its name in the table, whatever the citing text's spelling ("của Chỉnh phú")
        if level == "central" and issuer:
            issuer = lexicon.issuer_name(m.issuer_code, issuer)
        if issuer != m.issuer or (m.own and (typ != m.type or year != m.year or date != m.date or level != m.level)):
            m = mentions[i] = _remade(m, typ, year, date, issuer, level)
        if year is None and m.rule == "constitution":
            constitution = True
    if constitution:
        # "Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam": the constitution in force on this file's date
        in_force = lexicon.constitution_in_force(header.date)
        if in_force is not None:
            for i, m in enumerate(mentions):
                if m.rule == "constitution" and m.year is None:
                    mentions[i] = replace(m, year=in_force)
    res.header = header
    res.mentions = mentions
    res.keys = [None if m.own else mention_key(m, header, lexicon) for m in mentions]
    ok = own_key(header)
    res.own_key = ok
    res.own_id = ok.doc_id() if ok else file_doc_id(doc_path or path)
    finder = _finders.get(engine)
    if finder is None:
        finder = _finders[engine] = RelationFinder(engine.rules.relations, engine.rules.structure, engine.lexicon)
    article = header.kind in ("article", "unknown")
    # the document's parts (header, title, preamble, articles, ...): each carries its own relation rules
    _limits.check()
    structure = finder.reader.read(text, "article" if article else "document")
    _limits.check()
    res.relations = finder.find(text, mentions, article=article, structure=structure, doc_type=header.type,
                                doc_symbol=header.symbol)
    return res


def process_file(path: str, rules_dir: str | None = None, doc_path: str | None = None,
                 timeout: float | None = DEFAULT_TIMEOUT, province: str | None = None,
                 limits: _limits.Limits | None = None) -> FileResult:
    """One file through every stage, within ``limits`` (default: those in force with ``timeout`` seconds): the
    time limit covers them all, from reading to relations; a file over it is skipped with the reason."""
    lim = limits if limits is not None else replace(_limits.active(), timeout=timeout)
    with _limits.applied(lim):
        return process_read(read_file(path), display_path(path), rules_dir, doc_path, province)


def process_read(r: ReadResult, shown: str, rules_dir: str | None = None, doc_path: str | None = None,
                 province: str | None = None) -> FileResult:
    """The stages after reading, of a file already read: by ``read_file``, or by ``read_bytes`` on content fetched
    elsewhere (a Spark executor), under the limits in force (the caller's ``limits.applied`` block should cover
    the reading too). ``shown`` is the path stored in the index."""
    if r.text is None:
        return FileResult(path=shown, size=r.size, mtime_ns=r.mtime_ns, sha256=r.sha256, encoding=r.encoding,
                          skipped=r.skipped or Skip("unreadable", SkipCode.UNREADABLE))
    engine = get_engine(rules_dir)
    try:
        res = analyse_text(r.text, shown, engine, doc_path, province=province)
    except _limits.TimeLimitExceeded as e:  # MatchTimeout included
        return FileResult(path=shown, size=r.size, mtime_ns=r.mtime_ns, sha256=r.sha256, encoding=r.encoding,
                          skipped=e.skip)
    res.size, res.mtime_ns, res.sha256, res.encoding = r.size, r.mtime_ns, r.sha256, r.encoding
    res.locations = r.locations
    return res


__all__ = ["FileResult", "process_file", "process_read", "analyse_text", "display_path", "OWN"]
