"""The data model: frozen, typed dataclasses that flow one way through docgraph.

read -> normalize -> match rules -> Mention -> Document (identity) -> Relation -> graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field, asdict
from typing import Any

# The levels of government, top down, then "unknown": the one ordered type of levels (queries rank by it, exports
# draw one row per level). The lexicon's tables name levels from this list.
LEVELS = ("central", "provincial", "department", "district", "commune", "unknown")
LEVEL_RANK = {lv: i for i, lv in enumerate(LEVELS)}  # central 0 ... commune 4, unknown 5
# the levels below central: a document of one of them is identified together with its jurisdiction
LOCAL_LEVELS = LEVELS[1:5]


def level_rank(level: str | None, missing: int = 9) -> int:
    """A level's place in LEVELS (to sort top down); ``missing`` for a value that is no level (None, "")."""
    return LEVEL_RANK.get(level, missing)  # type: ignore[arg-type]


RELATIONS = (
    "implements",
    "based_on",
    "guides",
    "amends",
    "replaces",
    "repeals",
    "responds_to",
    "suspends",
    "corrects",
    "consolidates",
    "cites",
)
# a relations.yaml entry that is no relation: "blocker" phrases describe history ("đã được sửa đổi bởi ...") and stop
# the phrase before them from acting on the next reference
PSEUDO_RELATIONS = ("blocker",)


@dataclass(frozen=True, slots=True)
class Mention:
    """One reference as written in a text (or the file's own "Số: ..." line when ``own``)."""

    start: int  # offsets into the decoded (not normalized) text; text == source[start:end]
    end: int
    text: str
    rule: str  # id of the rule that matched
    type: str | None = None  # canonical type word, e.g. "Chỉ thị", "Kế hoạch", "Nghị định", "Luật"
    number: str | None = None  # digits as written: "28", "01"
    symbol: str | None = None  # ký hiệu after number (and year): "CT/TW", "QĐ-TTg", "NĐ-CP", "QH14"
    year: int | None = None
    date: str | None = None  # ISO yyyy-mm-dd
    issuer: str | None = None  # issuer phrase as written after "của" (normalized spacing)
    issuer_code: str | None = None  # e.g. "TW", "TTg", "UBND", "SKHCN"
    level: str = "unknown"
    branch: str | None = None  # "party" | "state" | None
    province: str | None = None  # explicit province in the issuer phrase: "của Tỉnh ủy Khánh Hòa" -> "Khánh Hòa"
    locality: str | None = None  # explicit district or commune: "UBND huyện Lạng Giang" -> "Lạng Giang"
    name: str | None = None  # a law cited by name: "Luật Đất đai"
    term: str | None = None  # Party term, e.g. "XII"
    subject: str | None = None  # text after "về (việc)"
    pinpoint: str | None = None  # "khoản 2 Điều 3"
    short_form: bool = False
    own: bool = False  # the file's own header number line: the document itself
    line: int = 0  # 1-based line of ``start`` in the decoded text

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Document:
    """One node: a real document, either a file in the folder or only cited."""

    id: str  # slug, valid NMTOKEN: "28-ct-tw-2023", "83-kh-tu-2024-khanh-hoa"
    label: str  # "Chỉ thị 28-CT/TW"
    type: str | None = None
    number: str | None = None
    symbol: str | None = None
    year: int | None = None
    date: str | None = None
    issuer: str | None = None
    issuer_code: str | None = None
    level: str = "unknown"
    branch: str | None = None
    jurisdiction: str = ""
    title: str | None = None
    source_file: str | None = None
    kind: str = "document"  # document | draft | article | unknown | cited (only cited, not a file here)
    mentions: int = 0
    name: str | None = None  # a law cited by name
    signer: str | None = None
    signer_title: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Evidence:
    file: str
    line: int
    text: str  # the sentence the edge came from
    location: str | None = None  # page or paragraph of an office file: "p.2", "¶14"


@dataclass(frozen=True, slots=True)
class Relation:
    source: str  # Document.id
    target: str  # Document.id
    relation: str  # one of RELATIONS
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    flags: tuple[str, ...] = field(default_factory=tuple)  # e.g. "source_before_target"
    count: int = 0  # places the edge was found

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["evidence"] = [asdict(e) for e in self.evidence]
        d["flags"] = list(self.flags)
        return d
