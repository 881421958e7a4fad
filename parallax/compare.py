"""Coverage comparison: the claim × outlet matrix and per-outlet summary cards.

Built from the ``claims``/``claim_groups`` (and, where present, ``mentions``,
``entities`` and ``quotes``) of a corpus. Every cell and every listed fact
keeps its spans, so a report can show the sentence in its source.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .pipeline import Corpus
from .records import Article, Claim, ClaimGroup, Record, Span, Story


@dataclass(slots=True)
class CoverageRow(Record):
    """One aligned fact: which outlets report it, and where."""

    group_id: str
    kind: str  # consensus | shared | exclusive | off-topic
    text: str
    cells: dict[str, list[Span]] = field(default_factory=dict)  # outlet -> claim spans

    @property
    def outlets(self) -> list[str]:
        return sorted(self.cells)


@dataclass(slots=True)
class CoverageMatrix(Record):
    story_id: str
    outlets: list[str]
    rows: list[CoverageRow] = field(default_factory=list)

    def consensus(self) -> list[CoverageRow]:
        return [r for r in self.rows if r.kind == "consensus"]

    def exclusive(self, outlet: str | None = None) -> list[CoverageRow]:
        """Facts only one outlet reports (its additions)."""
        return [r for r in self.rows if r.kind == "exclusive" and (outlet is None or outlet in r.cells)]

    def omissions(self, outlet: str) -> list[CoverageRow]:
        """Widely reported (consensus) facts that ``outlet`` does not carry."""
        return [r for r in self.consensus() if outlet not in r.cells]

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


def coverage_matrix(corpus: Corpus, story: Story) -> CoverageMatrix:
    arts = corpus.story_articles(story)
    label = {a.id: a.label for a in arts}
    claims = {c.id: c for c in corpus.claims}
    rows = []
    for group in corpus.claim_groups:
        if group.story_id != story.id:
            continue
        cells: dict[str, list[Span]] = defaultdict(list)
        for cid in group.claim_ids:
            claim = claims.get(cid)
            if claim is not None:
                cells[label.get(claim.span.article_id, claim.span.article_id)].append(claim.span)
        rows.append(CoverageRow(group.id, group.kind, group.text, dict(cells)))
    order = {"consensus": 0, "shared": 1, "exclusive": 2, "off-topic": 3}
    rows.sort(key=lambda r: (order.get(r.kind, 4), -len(r.cells), min(min(s) for s in r.cells.values())))
    return CoverageMatrix(story.id, sorted(set(label.values())), rows)


def outlet_cards(corpus: Corpus, story: Story) -> list[OutletCard]:
    matrix = coverage_matrix(corpus, story)
    arts = corpus.story_articles(story)
    by_outlet: dict[str, list[Article]] = defaultdict(list)
    for art in arts:
        by_outlet[art.label].append(art)
    return [_card(corpus, story, matrix, outlet, by_outlet[outlet]) for outlet in matrix.outlets]


def _card(
    corpus: Corpus, story: Story, matrix: CoverageMatrix, outlet: str, arts: list[Article]
) -> OutletCard:
    ids = [a.id for a in arts]
    first = arts[0]
    lead_span = first.paragraph_spans()[0] if first.paragraphs else None
    card = OutletCard(
        outlet=outlet,
        story_id=story.id,
        article_ids=ids,
        headline=first.title or "",
        lead=first.paragraphs[0] if first.paragraphs else "",
        lead_span=lead_span,
    )
    card.exclusive = [CardFact(r.group_id, r.text, r.cells[outlet]) for r in matrix.exclusive(outlet)]
    card.omissions = [
        CardFact(r.group_id, r.text, [s for spans in r.cells.values() for s in spans])
        for r in matrix.omissions(outlet)
    ]
    card.quotes = [q.id for q in corpus.quotes if q.article_id in ids]
    for art in arts:
        doc = corpus.docs.get(art.id)
        card.sources.extend(cited_sources(art, doc))
    _entity_summary(corpus, card, set(ids))
    return card


def _entity_summary(corpus: Corpus, card: OutletCard, ids: set[str]) -> None:
    names = {e.id: e.name for e in corpus.entities}
    counts = Counter(
        names.get(m.entity_id or "", m.text) for m in corpus.mentions if m.span.article_id in ids
    )
    card.mentions = dict(counts.most_common())
    for ent in corpus.entities:
        labels = [d for aid in sorted(ids) for d in ent.descriptors.get(aid, [])]
        if labels:
            card.descriptors[ent.name] = list(dict.fromkeys(labels))


_ACCORDING = re.compile(
    r"\b(?:according to|citing|cited by|quoted by|via)\s+(?P<src>[^,.;:()\n“”\"]{2,60})", re.I
)
_REPORTED = re.compile(
    r"(?P<src>\b(?:(?:[A-Z]\.){2,}\s*|[A-Z][\w’'&-]*\s+){0,5}(?:(?:[A-Z]\.){2,}|[A-Z][\w’'&-]*|"
    r"state media|local media|media|"
    r"news agency|reports|officials|sources))\s+(?P<cue>reported|quoted|said in a statement|cited|told)\b"
)


def cited_sources(article: Article, doc: object | None = None) -> list[SourceCitation]:
    """Attributions to other news sources: "according to X", "X reported", "state media quoted"."""
    text = article.text
    out = []
    for m in _ACCORDING.finditer(text):
        src = _trim_source(m.group("src"))
        if src:
            start = m.start("src")
            out.append(SourceCitation(src, Span(article.id, start, start + len(src)), m.group(0).split()[0]))
    for m in _REPORTED.finditer(text):
        if m.group("cue") == "told" and not re.search(r"media|agency|news", m.group("src"), re.I):
            continue
        src = _trim_source(m.group("src"))
        if src:
            start = m.start("src") + m.group("src").index(src)
            out.append(SourceCitation(src, Span(article.id, start, start + len(src)), m.group("cue")))
    out.sort(key=lambda c: c.span)
    return out


_SOURCE_STOP = {"the", "a", "an", "and", "but", "as", "he", "she", "they", "it", "who", "which"}


def _trim_source(src: str) -> str:
    words = src.strip().split()
    while words and words[0].lower() in _SOURCE_STOP:
        words = words[1:]
    # "according to reports" and "according to Reuters" are both citations; a verb is not.
    if not words or len(words) > 8:
        return ""
    return " ".join(words)


def claims_of(corpus: Corpus, group: ClaimGroup) -> list[Claim]:
    index = {c.id: c for c in corpus.claims}
    return [index[i] for i in group.claim_ids if i in index]
