"""Typed records passed between stages.

Every derived record points back to the clean text of an article through a
:class:`Span` (article id + character offsets into ``Article.text``), so any
claim in a report can be shown in its source.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import types
import typing
from dataclasses import dataclass, field
from typing import Any, TypeVar

R = TypeVar("R", bound="Record")

PARAGRAPH_SEP = "\n\n"


def make_id(prefix: str, *parts: str) -> str:
    """An id from content: ``prefix`` and a short hash of ``parts``.

    Derived records (groups, clusters, contradictions) name themselves by
    what they hold, so a re-run, or a story gaining an article, keeps the id
    of every record whose content did not change.
    """
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=8).hexdigest()
    return f"{prefix}{digest}"


class Record:
    """Mixin giving slotted dataclasses a JSON-friendly round trip."""

    __slots__ = ()

    def as_dict(self) -> dict[str, Any]:
        return {f.name: _dump(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    @classmethod
    def from_dict(cls: type[R], data: dict[str, Any]) -> R:
        hints = _type_hints(cls)  # type: ignore[arg-type]
        kwargs = {}
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            if f.name in data:
                kwargs[f.name] = _load(hints[f.name], data[f.name])
        return cls(**kwargs)


@functools.cache
def _type_hints(cls: type) -> dict[str, Any]:
    # get_type_hints is slow and records are loaded in bulk from the store.
    return typing.get_type_hints(cls)


def _dump(value: Any) -> Any:
    if isinstance(value, Record):
        return value.as_dict()
    if isinstance(value, (list, tuple)):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {k: _dump(v) for k, v in value.items()}
    return value


def _load(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _load(inner[0], value) if len(inner) == 1 else value
    if origin in (list, tuple):
        item = args[0] if args else Any
        items = [_load(item, v) for v in value]
        return tuple(items) if origin is tuple else items
    if origin is dict:
        vt = args[1] if len(args) == 2 else Any
        return {k: _load(vt, v) for k, v in value.items()}
    if isinstance(tp, type) and issubclass(tp, Record) and isinstance(value, dict):
        return tp.from_dict(value)
    return value


@dataclass(slots=True, frozen=True, order=True)
class Span(Record):
    """Half-open character range ``[start, end)`` in an article's clean text."""

    article_id: str
    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"invalid span {self.start}:{self.end}")

    def overlaps(self, other: Span) -> bool:
        return self.article_id == other.article_id and self.start < other.end and other.start < self.end


@dataclass(slots=True)
class Draft(Record):
    """What a reader produced from one input, before cleaning."""

    id: str
    source: str
    format: str
    text: str
    url: str | None = None
    title: str | None = None
    byline: str | None = None
    published: str | None = None
    outlet: str | None = None
    language: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Article(Record):
    """A cleaned article. ``text`` is the clean body that all spans index into."""

    id: str
    source: str
    paragraphs: list[str]
    outlet: str | None = None
    wire: str | None = None  # wire agency whose copy the article carries, when it names one
    title: str | None = None
    byline: str | None = None
    published: str | None = None
    dateline: str | None = None
    boilerplate: list[str] = field(default_factory=list)
    language: str | None = None
    url: str | None = None
    format: str = "text"
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return PARAGRAPH_SEP.join(self.paragraphs)

    def paragraph_spans(self) -> list[Span]:
        spans, pos = [], 0
        for para in self.paragraphs:
            spans.append(Span(self.id, pos, pos + len(para)))
            pos += len(para) + len(PARAGRAPH_SEP)
        return spans

    def snippet(self, span: Span) -> str:
        return self.text[span.start : span.end]

    @property
    def label(self) -> str:
        """Short human name: the outlet if known, else the source file name."""
        return self.outlet or self.source.rsplit("/", 1)[-1]


@dataclass(slots=True)
class Story(Record):
    id: str
    article_ids: list[str]
    title: str = ""
    keywords: list[str] = field(default_factory=list)
    first_published: str | None = None
    last_published: str | None = None


@dataclass(slots=True)
class Reuse(Record):
    """Text of ``target`` copied or lightly edited from ``source``.

    ``kind`` is ``duplicate`` (whole article) or ``passage`` (a sentence or
    paragraph). ``original`` names the likely original article when the
    publication dates tell it.
    """

    source: Span
    target: Span
    score: float
    kind: str = "passage"
    original: str | None = None


@dataclass(slots=True)
class Quote(Record):
    id: str
    article_id: str
    span: Span
    text: str
    kind: str = "direct"  # direct | indirect | mixed
    speaker: str | None = None  # the name shown: the full name of the entity the text points to
    speaker_span: Span | None = None
    cue: str | None = None
    cue_span: Span | None = None
    via: str | None = None
    speaker_id: str | None = None  # the speaker's Entity id, where the people model resolved one


@dataclass(slots=True)
class QuoteVariant(Record):
    text: str
    quote_ids: list[str]
    article_ids: list[str]
    diff: list[tuple[str, str]] = field(default_factory=list)  # (op, words), op in = + -


@dataclass(slots=True)
class QuoteCluster(Record):
    id: str
    story_id: str
    canonical: str
    quote_ids: list[str]
    variants: list[QuoteVariant] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


@dataclass(slots=True)
class EntityMention(Record):
    span: Span
    text: str
    label: str
    entity_id: str | None = None


@dataclass(slots=True)
class Entity(Record):
    id: str
    name: str
    label: str
    aliases: list[str] = field(default_factory=list)
    descriptors: dict[str, list[str]] = field(default_factory=dict)  # article id -> labels used

    def merged(self, other: Entity) -> Entity:
        """One record with both records' evidence (chunks, partitions or runs each see part of it).

        The name is the better of the two by :func:`name_rank`, so which chunk or run saw the entity
        first does not change it; the label stays this record's; neither record is changed.
        """
        name = min(self.name, other.name, key=name_rank)
        return Entity(
            id=self.id,
            name=name,
            label=self.label,
            aliases=sorted((set(self.aliases) | set(other.aliases) | {self.name, other.name}) - {name}),
            # Keyed by article id: a re-analysed article's labels replace its old ones.
            descriptors={**self.descriptors, **other.descriptors},
        )


def name_rank(name: str) -> tuple[bool, int, str]:
    """Order of preference among one entity's names: not shouted (a dateline's WASHINGTON), fuller, then
    alphabetical, a total order so merging in any order gives the same name."""
    return (name.isupper(), -len(name.split()), name)


@dataclass(slots=True)
class Claim(Record):
    """One proposition of an article: a clause-level statement, its attribution unwrapped.

    ``span`` is the whole proposition ("Y, X said"), ``content`` the fact
    alone (Y) and ``source`` who it is attributed to (X). ``status`` is the
    alignment's decision: shared (another outlet states it), exclusive (no
    other outlet does) or uncertain; ``best`` its strongest P(same fact)
    against another outlet.
    """

    id: str
    span: Span
    text: str
    group_id: str | None = None
    content: Span | None = None
    sentence: Span | None = None
    source: str | None = None
    source_span: Span | None = None
    cue: str | None = None
    status: str = ""
    best: float = 0.0


# Claim group kinds, in the order a report lists them: reported by at least half of the story's
# outlets and by two or more (the others do not report it), reported by two or more while whether
# some others do is undecided, by one outlet only, undecided (shown as neither), not about the story.
GROUP_KINDS: tuple[str, ...] = ("consensus", "shared", "reported", "exclusive", "uncertain", "off-topic")
KIND_ORDER: dict[str, int] = {kind: n for n, kind in enumerate(GROUP_KINDS)}


@dataclass(slots=True)
class ClaimGroup(Record):
    """Claims of one story that state the same fact, and what that says about each outlet.

    ``omitted_by``: outlets that have no plausible match (they leave the fact
    out); ``uncertain``: absent outlets the alignment cannot decide about.
    """

    id: str
    story_id: str
    claim_ids: list[str]
    article_ids: list[str]
    kind: str = "shared"  # one of GROUP_KINDS
    text: str = ""
    confidence: float = 0.0  # mean P(same fact) over the members' cross-article pairs
    omitted_by: list[str] = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Contradiction(Record):
    id: str
    story_id: str
    kind: str  # number | date | agent | role | place | other
    left: Span
    right: Span
    left_value: str
    right_value: str
    explanation: str = ""


@dataclass(slots=True)
class FramingSignal(Record):
    article_id: str
    kind: str  # headline | loaded | tone | topic
    label: str
    score: float = 0.0
    spans: list[Span] = field(default_factory=list)
    explanation: str = ""


@dataclass(slots=True)
class TimelineEvent(Record):
    date: str
    text: str
    spans: list[Span] = field(default_factory=list)
    precision: str = "day"  # day | month | year
    story_id: str = ""


@dataclass(slots=True)
class DigestSentence(Record):
    text: str
    citations: list[Span]
    section: str = "consensus"  # consensus | partial | other | disputed


@dataclass(slots=True)
class Digest(Record):
    story_id: str
    sentences: list[DigestSentence] = field(default_factory=list)


@dataclass(slots=True)
class CoverageRow(Record):
    """One aligned fact: which outlets report it, and where."""

    group_id: str
    kind: str  # one of GROUP_KINDS
    text: str
    cells: dict[str, list[Span]] = field(default_factory=dict)  # outlet -> claim spans
    omitted_by: list[str] = field(default_factory=list)  # outlets that leave the fact out
    uncertain: list[str] = field(default_factory=list)  # outlets the alignment cannot decide about
    confidence: float = 0.0
    # Outlet -> the outlet whose sentence it repeats (a re-used passage stating this fact): not a second
    # confirmation. ``independent`` counts the outlets that state the fact in their own text.
    echoes: dict[str, str] = field(default_factory=dict)
    independent: int = 0

    @property
    def outlets(self) -> list[str]:
        return sorted(self.cells)


@dataclass(slots=True)
class SourceLink(Record):
    """An outlet whose text is not (all) its own: wire copy, or another outlet's article re-used.

    ``kind``: ``wire`` (the article says it carries the agency ``origin``), ``duplicate`` (the whole
    article is ``origin``'s), ``reuse`` (``share`` of its text is ``origin``'s, ``passages`` passages).
    ``folded``: counted as the same source as ``origin`` rather than an independent one.
    ``direction_known``: the dates tell which article came first; otherwise the two only share text.
    """

    outlet: str
    origin: str
    kind: str
    share: float = 0.0
    passages: int = 0
    folded: bool = False
    direction_known: bool = False


@dataclass(slots=True)
class CoverageMatrix(Record):
    story_id: str
    outlets: list[str]
    rows: list[CoverageRow] = field(default_factory=list)
    sources: list[SourceLink] = field(default_factory=list)
    independent: int = 0  # independent sources: outlets, with wire copies and re-used articles folded

    def consensus(self) -> list[CoverageRow]:
        return [r for r in self.rows if r.kind == "consensus"]

    def exclusive(self, outlet: str | None = None) -> list[CoverageRow]:
        """Facts only one outlet reports (its additions)."""
        return [r for r in self.rows if r.kind == "exclusive" and (outlet is None or outlet in r.cells)]

    def omissions(self, outlet: str) -> list[CoverageRow]:
        """Facts other outlets report that ``outlet`` leaves out (only where the alignment is sure)."""
        return [r for r in self.rows if outlet in r.omitted_by]

    def table(self, width: int = 60) -> str:
        head = "fact".ljust(width) + " | " + " | ".join(self.outlets)
        lines = [head, "-" * len(head)]
        for row in self.rows:
            marks = " | ".join(("x" if o in row.cells else " ").center(len(o)) for o in self.outlets)
            lines.append(f"{row.text[: width - 1]:<{width}} | {marks}")
        return "\n".join(lines)


@dataclass(slots=True)
class SourceCitation(Record):
    """An outlet's attribution of information to another source ("according to Reuters")."""

    source: str
    span: Span
    cue: str


@dataclass(slots=True)
class CardFact(Record):
    group_id: str
    text: str
    spans: list[Span] = field(default_factory=list)


@dataclass(slots=True)
class OutletCard(Record):
    """What one outlet did with the story: emphasis, additions, omissions, quotes, sources, labels."""

    outlet: str
    story_id: str
    article_ids: list[str]
    headline: str = ""
    lead: str = ""
    lead_span: Span | None = None
    exclusive: list[CardFact] = field(default_factory=list)
    omissions: list[CardFact] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)  # Quote ids
    sources: list[SourceCitation] = field(default_factory=list)
    mentions: dict[str, int] = field(default_factory=dict)  # entity name -> mention count
    descriptors: dict[str, list[str]] = field(default_factory=dict)  # entity name -> labels used


@dataclass(slots=True)
class Issue(Record):
    """Something a stage skipped or doubted, reported in the run summary."""

    source: str
    message: str
    severity: str = "warning"  # warning | error


RECORD_TYPES: tuple[type[Record], ...] = (
    Span, Draft, Article, Story, Reuse, Quote, QuoteVariant, QuoteCluster, EntityMention,
    Entity, Claim, ClaimGroup, Contradiction, FramingSignal, TimelineEvent, DigestSentence,
    Digest, CoverageRow, SourceLink, CoverageMatrix, SourceCitation, CardFact, OutletCard, Issue,
)
