"""The ten-second brief on top of every story: what happened, who told it, where they differ.

Built only from stored records (the digest, the coverage matrix's source links
and independent count, contradictions, outlet cards), so the brief can never
say more than the sections below it; every line links to its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..outlets.names import display_order

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
    # The digest says a contested fact only in "disputed" (stages/digest.py): other sections are safe.
    candidates = [s for sec in page.digest if sec.name != "disputed" for s in sec.sentences]
    consensus = [s for sec in page.digest if sec.name == "consensus" for s in sec.sentences]
    lead = _lead(consensus) or _lead(candidates)
    if lead:
        brief.lead, brief.lead_cites = lead
    if ctx.coverage is not None and ctx.coverage.independent:
        brief.independent = ctx.coverage.independent
        brief.sources = [source_note(ctx, link) for link in ctx.coverage.sources]
    brief.disagreements = disagreements(page)
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


def disagreements(page: StoryPage) -> list[Disagreement]:
    """The story's contradiction cards grouped by question, each answer with every outlet giving it."""
    grouped: dict[str, Disagreement] = {}
    for i, card in enumerate(page.contradictions, 1):
        href = f"#contra-{page.story.id}-{i}"
        item = grouped.setdefault(card.explanation, Disagreement(card.explanation, [], href))
        for said in (card.left, card.right):
            side = next((s for s in item.sides if s.value.casefold() == said.value.casefold()), None)
            if side is None:
                side = Side([], said.value, [])
                item.sides.append(side)
            if said.cite.label not in side.outlets:
                side.outlets.append(said.cite.label)
                side.cites.append(said.cite)
    for item in grouped.values():
        for side in item.sides:
            ordered = sorted(zip(side.outlets, side.cites, strict=True), key=lambda p: display_order(p[0]))
            side.outlets, side.cites = [p[0] for p in ordered], [p[1] for p in ordered]
    return list(grouped.values())


def question(c: Contradiction) -> str:
    """The stored explanation when it is a sentence, else a plain one for its kind."""
    text = c.explanation.strip()
    if not text or " differs: " in text:  # an older run's code-like explanation
        return KIND_QUESTIONS.get(c.kind, "Outlets disagree")
    return text
