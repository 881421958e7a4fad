"""The ten-second brief on top of every story: what happened, who told it, where they differ.

Built only from stored records (the digest, the coverage matrix's source links
and independent count, contradictions, outlet cards), so the brief can never
say more than the sections below it; every line links to its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..outlets.names import UNKNOWN

if TYPE_CHECKING:
    from ..records import Contradiction
    from .view import Cite, Context, StoryPage

# What a stored contradiction is about, for records stored before explanations were sentences.
KIND_QUESTIONS = {
    "agent": "Outlets name different actors",
    "number": "Outlets give different numbers",
    "date": "Outlets give different dates",
}


@dataclass(slots=True)
class Side:
    outlets: list[str]
    value: str  # what they say
    cites: list[Cite]  # one link per outlet to its words

    @property
    def says(self) -> str:
        names = self.outlets
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"{who} {'says' if len(names) == 1 else 'say'}"


@dataclass(slots=True)
class Disagreement:
    """One question the outlets answer differently; outlets giving the same answer share a side."""

    question: str
    sides: list[Side]
    href: str  # the first card in "Where outlets disagree"


@dataclass(slots=True)
class Exclusive:
    outlet: str
    css: str
    count: int
    href: str


@dataclass(slots=True)
class Brief:
    lead: str = ""
    lead_cites: list[Cite] = field(default_factory=list)
    articles: int = 0
    outlets: int = 0
    independent: int = 0
    sources: list[str] = field(default_factory=list)  # wire copies and re-use, in words
    disagreements: list[Disagreement] = field(default_factory=list)
    exclusives: list[Exclusive] = field(default_factory=list)

    @property
    def counts(self) -> str:
        def n(k: int, word: str) -> str:
            return f"{k} {word}{'' if k == 1 else 's'}"

        text = f"{n(self.articles, 'article')} from {n(self.outlets, 'outlet')}"
        if self.independent:
            text += f", {n(self.independent, 'independent source')}"
        return text

    @property
    def headline(self) -> str:
        """A line for the page title: the counts and the disagreements."""
        parts = [self.counts]
        if self.disagreements:
            k = len(self.disagreements)
            parts.append(f"{k} disagreement{'' if k == 1 else 's'}")
        return ", ".join(parts)


def build_brief(ctx: Context, page: StoryPage) -> Brief:
    from .view import source_note

    brief = Brief(articles=len(ctx.articles), outlets=len(page.outlets))
    disputed = _disputed(ctx)
    candidates = [s for sec in page.digest for s in sec.sentences if s[0] not in disputed]
    consensus = [s for sec in page.digest if sec.name == "consensus" for s in sec.sentences
                 if s[0] not in disputed]
    lead = _lead(consensus) or _lead(candidates)
    if lead:
        brief.lead, brief.lead_cites = lead
    if ctx.coverage is not None and ctx.coverage.independent:
        brief.independent = ctx.coverage.independent
        brief.sources = [source_note(ctx, link) for link in ctx.coverage.sources]
    brief.disagreements = disagreements(ctx, page)
    for i, card in enumerate(page.cards, 1):
        if card.exclusive:
            brief.exclusives.append(
                Exclusive(card.outlet, card.css, len(card.exclusive), f"#card-{ctx.story.id}-{i}")
            )
    return brief


QUOTE_OPENINGS = ("“", '"', "‘", "'")


def _lead(sentences: list[tuple[str, list[Cite]]]) -> tuple[str, list[Cite]] | None:
    """The first sentence that tells the event: one opening on a quotation says only what was said."""
    told = [s for s in sentences if not s[0].lstrip().startswith(QUOTE_OPENINGS)]
    return (told or sentences)[0] if sentences else None


def _disputed(ctx: Context) -> set[str]:
    """Digest sentences that state a side of a contradiction: never the brief's account of what happened."""
    spans = [s for c in ctx.corpus.contradictions if c.story_id == ctx.story.id for s in (c.left, c.right)]
    out = set()
    for dig in ctx.corpus.digests:
        if dig.story_id != ctx.story.id:
            continue
        for sent in dig.sentences:
            if sent.section == "disputed" or any(a.overlaps(b) for a in sent.citations for b in spans):
                out.add(sent.text)
    return out


def disagreements(ctx: Context, page: StoryPage) -> list[Disagreement]:
    """The story's contradictions grouped by question, each answer with every outlet giving it."""
    story = [c for c in ctx.corpus.contradictions if c.story_id == ctx.story.id]
    grouped: dict[str, Disagreement] = {}
    for i, (c, view) in enumerate(zip(story, page.contradictions, strict=False), 1):
        item = grouped.setdefault(question(c), Disagreement(question(c), [], f"#contra-{ctx.story.id}-{i}"))
        pairs = ((c.left, c.left_value, view.left.cite), (c.right, c.right_value, view.right.cite))
        for span, value, cite in pairs:
            side = next((s for s in item.sides if s.value.casefold() == value.casefold()), None)
            if side is None:
                side = Side([], value, [])
                item.sides.append(side)
            outlet = ctx.outlet(span.article_id)
            if outlet not in side.outlets:
                side.outlets.append(outlet)
                side.cites.append(cite)
    for item in grouped.values():
        for side in item.sides:
            ordered = sorted(zip(side.outlets, side.cites, strict=True),
                             key=lambda p: (p[0].startswith(UNKNOWN), p[0].casefold()))
            side.outlets, side.cites = [p[0] for p in ordered], [p[1] for p in ordered]
    return list(grouped.values())


def question(c: Contradiction) -> str:
    """The stored explanation when it is a sentence, else a plain one for its kind."""
    text = c.explanation.strip()
    if not text or " differs: " in text:  # an older run's code-like explanation
        return KIND_QUESTIONS.get(c.kind, "Outlets disagree")
    return text
