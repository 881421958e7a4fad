"""The one registry of what a run produces: every corpus field that holds records.

Chunk merge (:func:`parallax.analyze.analyze_stories`), :class:`~parallax.store.Store`
save and load, the batch partitions' record rows and the JSON renderer all
iterate :data:`FIELDS`; none of them lists fields by hand, so a record type
added here is merged, stored, batched and rendered everywhere at once (and a
test fails when a ``Corpus`` field holding records is missing from it).

A field is owned by an article (``scope="article"``: its records are about
one article and are replaced when that article is re-analysed), by a story
(``scope="story"``: replaced when the story is) or by the whole corpus
(``scope="corpus"``, e.g. entities, which accumulate evidence across
stories, chunks and runs).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .records import (
    Article,
    Claim,
    ClaimGroup,
    Contradiction,
    CoverageMatrix,
    Digest,
    Draft,
    Entity,
    EntityMention,
    FramingSignal,
    Issue,
    OutletCard,
    Quote,
    QuoteCluster,
    Record,
    Reuse,
    Story,
    TimelineEvent,
)

Scope = Literal["article", "story", "corpus"]
# concat: chunks hold disjoint records, appended in chunk order.
# by_id: one record per id, two chunks' records folded with the type's ``merged``.
# input: set before the chunked analysis; chunks only read it, so it is never merged back.
Merge = Literal["concat", "by_id", "input"]
# Where the store keeps a field: its own table (articles, stories), the generic records table, or nowhere.
Table = Literal["articles", "stories", "records", "none"]


def _path(record: Any, dotted: str) -> Any:
    value = record
    for part in dotted.split("."):
        value = getattr(value, part)
    return value


def content_id(record: Record) -> str:
    """A stable id for a record that has none of its own: the hash of its content."""
    payload = json.dumps(record.as_dict(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True, slots=True)
class Field:
    """One corpus field holding records, and how every consumer treats it."""

    name: str
    record: type[Record]
    scope: Scope
    owner: str = ""  # dotted path to the owning article id or story id ("" for corpus scope)
    key: str = ""  # dotted path to the record's own id ("" when ids come from the content)
    merge: Merge = "concat"
    table: Table = "records"
    # For corpus-scope records loaded with one story: (field, dotted path) of the records that refer to them.
    referenced_by: tuple[tuple[str, str], ...] = ()

    def owner_of(self, record: Record) -> str:
        return str(_path(record, self.owner))

    def id_of(self, record: Record) -> str:
        if self.key:
            value = _path(record, self.key)
            if isinstance(value, str) and value:
                return value
        return content_id(record)

    def merged(self, whole: Sequence[Record], part: Iterable[Record]) -> list[Record]:
        """``whole`` followed by ``part`` as one value of this field."""
        if self.merge == "input":
            return list(whole)
        if self.merge == "concat":
            return [*whole, *part]
        out: dict[str, Record] = {}
        for rec in [*whole, *part]:
            rid = self.id_of(rec)
            out[rid] = out[rid].merged(rec) if rid in out else rec  # type: ignore[attr-defined]
        return list(out.values())


FIELDS: tuple[Field, ...] = (
    Field("drafts", Draft, "corpus", key="id", merge="input", table="none"),
    Field("articles", Article, "article", owner="id", key="id", merge="input", table="articles"),
    Field("stories", Story, "story", owner="id", key="id", merge="input", table="stories"),
    # A reuse record is stored with the article that carries the copied text.
    Field("reuse", Reuse, "article", owner="target.article_id", merge="input"),
    Field("quotes", Quote, "article", owner="article_id", key="id"),
    Field("mentions", EntityMention, "article", owner="span.article_id"),
    Field("claims", Claim, "article", owner="span.article_id", key="id"),
    Field("framing", FramingSignal, "article", owner="article_id"),
    Field("quote_clusters", QuoteCluster, "story", owner="story_id", key="id"),
    Field("claim_groups", ClaimGroup, "story", owner="story_id", key="id"),
    Field("contradictions", Contradiction, "story", owner="story_id", key="id"),
    Field("timeline", TimelineEvent, "story", owner="story_id"),
    Field("digests", Digest, "story", owner="story_id", key="story_id"),
    Field("coverage", CoverageMatrix, "story", owner="story_id", key="story_id"),
    Field("outlet_cards", OutletCard, "story", owner="story_id"),
    Field("entities", Entity, "corpus", key="id", merge="by_id", referenced_by=(("mentions", "entity_id"),)),
    # What stages skipped or doubted: reported in the run summary, not stored as records.
    Field("issues", Issue, "corpus", table="none"),
)

BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
# Fields the store keeps in its generic records table, in a fixed order.
RECORD_FIELDS: tuple[Field, ...] = tuple(f for f in FIELDS if f.table == "records")


def field(name: str) -> Field:
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"{name!r} is not a registered record field") from None


__all__ = ["BY_NAME", "FIELDS", "RECORD_FIELDS", "Field", "content_id", "field"]
