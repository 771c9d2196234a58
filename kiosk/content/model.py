"""The document model: report → sections → blocks → sentences.

Everything here is plain immutable data, built once by :mod:`kiosk.content.parse`
and shared by every request, so views never mutate it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

BlockType = Literal["heading", "paragraph", "list", "table"]


@dataclass(frozen=True)
class Sentence:
    id: str
    text: str


@dataclass(frozen=True)
class Block:
    id: str
    type: BlockType
    text: str
    sentences: tuple[Sentence, ...]
    line: int
    level: int | None = None
    #: For lists: the items, and whether they were numbered in the source.
    items: tuple[tuple[Sentence, ...], ...] = ()
    ordered: bool = False
    #: For tables: the header row (may be empty) and the body rows; each row
    #: has one sentence (same index in ``sentences``: header first if any).
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.level is not None:
            data["level"] = self.level
        data["text"] = self.text
        if self.type == "list":
            data["ordered"] = self.ordered
            data["items"] = [[s.id for s in item] for item in self.items]
        if self.type == "table":
            data["header"] = list(self.header)
            data["rows"] = [list(r) for r in self.rows]
        data["sentences"] = [{"id": s.id, "text": s.text} for s in self.sentences]
        return data


@dataclass(frozen=True)
class Section:
    """A heading and everything up to the next heading of the same or a higher level."""

    id: str
    title: str
    level: int
    children: tuple[Section, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "level": self.level,
            "children": [c.to_json() for c in self.children],
        }


@dataclass(frozen=True)
class Meta:
    title: str
    date: str | None = None
    publisher: str | None = None
    source: str | None = None
    year: int | None = None
    language: str = "zh-CN"
    category: str | None = None
    origin_url: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "date": self.date,
            "publisher": self.publisher,
            "source": self.source,
            "year": self.year,
            "language": self.language,
            "category": self.category,
            "origin_url": self.origin_url,
        }


@dataclass(frozen=True)
class Report:
    slug: str
    meta: Meta
    blocks: tuple[Block, ...]
    sections: tuple[Section, ...]
    path: str = ""
    #: id → block, sentence id → block id; built on construction.
    _by_id: dict[str, Block] = field(default_factory=dict, compare=False, repr=False)
    _sentence_block: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for block in self.blocks:
            self._by_id[block.id] = block
            for s in block.sentences:
                self._sentence_block[s.id] = block.id

    @property
    def sentences(self) -> list[Sentence]:
        return [s for b in self.blocks for s in b.sentences]

    def block(self, block_id: str) -> Block | None:
        return self._by_id.get(block_id)

    def block_of_sentence(self, sentence_id: str) -> Block | None:
        block_id = self._sentence_block.get(sentence_id)
        return self._by_id.get(block_id) if block_id else None

    def to_json(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            **self.meta.to_json(),
            "sections": [s.to_json() for s in self.sections],
            "blocks": [b.to_json() for b in self.blocks],
        }
