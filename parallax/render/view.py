"""What a reader sees of one story, ready for a template.

:func:`story_page` turns a corpus and a story into a :class:`StoryPage`: every
section of the report with its citations resolved to links, outlet colours
fixed once per story (so an outlet has the same colour in every section), and
each article's text with the cited spans marked. Templates only lay it out;
all strings stay plain and Jinja2 escapes them, except the pre-escaped
``Markup`` built in :mod:`parallax.render.marks`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from ..outlets.names import UNKNOWN, display_order, outlet_names, source_files
from ..pipeline import Corpus
from ..records import Article, SourceLink, Span, Story
from . import sections
from .brief import Brief, build_brief
from .json import story_view
from .marks import MarkedArticle, article_key, collect, mark_article, span_key, split_rules

PALETTE = 12  # outlet colour classes o0..o11 in report.css; past 12 the chips' names and patterns tell


@dataclass(slots=True)
class OutletView:
    """An outlet as readers see it: its name, colour, and what its text really is."""

    key: str  # the label stored records use (for an unidentified outlet, its file name)
    name: str  # "Reuters", or "Unknown outlet A"
    css: str
    files: list[str] = field(default_factory=list)  # input file names, for the tooltip
    notes: list[str] = field(default_factory=list)  # "carries Reuters copy", "re-uses Unknown outlet A"
    tags: list[str] = field(default_factory=list)  # the same, in a word or two for the chip

    @property
    def detail(self) -> str:
        files = ("file " if len(self.files) == 1 else "files ") + ", ".join(self.files) if self.files else ""
        return "; ".join(x for x in [*self.notes, files] if x)


@dataclass(slots=True)
class Cite:
    """A link to a cited span, labelled with its outlet."""

    href: str
    label: str
    css: str
    snippet: str = ""


@dataclass(slots=True)
class ArticleView:
    article: Article
    key: str
    css: str
    paragraphs: list[Markup]
    framing: list[Any] = field(default_factory=list)
    outlet: str = ""  # the name readers see
    detail: str = ""  # the chip's tooltip (file name of an unidentified outlet)


@dataclass(slots=True)
class StoryPage:
    story: Story
    view: dict[str, Any]
    outlets: list[OutletView]  # in display order
    articles: list[ArticleView]
    digest: list[sections.DigestSection]
    matrix: sections.Matrix | None
    clusters: list[sections.ClusterView]
    contradictions: list[sections.ContradictionView]
    entities: sections.EntityTable | None
    reuse: list[sections.ReuseView]
    timeline: list[sections.EventView]
    cards: list[sections.CardView]
    cards_note: str = ""
    split_css: str = ""
    brief: Brief | None = None


class Context:
    """Per-story lookups shared by the section builders."""

    def __init__(self, corpus: Corpus, story: Story):
        self.corpus = corpus
        self.story = story
        self.articles = corpus.story_articles(story)
        self.index = {a.id: a for a in self.articles}
        self.names = outlet_names(self.articles)
        self.files = source_files(self.articles)
        shown = sorted(set(self.names.values()), key=display_order)
        # Keyed by the shown name; past the palette, chips repeat a colour striped.
        self.colour = {n: f"o{i % PALETTE}" + (" alt" if i >= PALETTE else "") for i, n in enumerate(shown)}
        self.cited: list[tuple[Span, str, str]] = []
        self.coverage = next((m for m in corpus.coverage if m.story_id == story.id), None)

    def name(self, label: str) -> str:
        """The name readers see for the outlet stored records call ``label``."""
        return self.names.get(label, label)

    def outlet(self, article_id: str) -> str:
        art = self.index.get(article_id)
        return self.name(art.label) if art else "another article"

    def outlet_css(self, label: str) -> str:
        return self.colour.get(self.name(label), "ox")

    def css(self, article_id: str) -> str:
        return self.colour.get(self.outlet(article_id), "ox")

    def outlet_views(self) -> list[OutletView]:
        notes: dict[str, list[str]] = defaultdict(list)
        tags: dict[str, list[str]] = defaultdict(list)
        for link in self.coverage.sources if self.coverage else []:
            notes[link.outlet].append(source_note(self, link, short=True))
            tag = source_tag(self, link)
            if tag not in tags[link.outlet]:
                tags[link.outlet].append(tag)
        views = [
            OutletView(key, name, self.colour[name], self.files.get(key, []) if name.startswith(UNKNOWN)
                       else [], notes[key], tags[key])
            for key, name in self.names.items()
        ]
        return sorted(views, key=lambda v: display_order(v.name))

    def snippet(self, span: Span) -> str:
        art = self.index.get(span.article_id)
        return art.snippet(span) if art else ""

    def cite(self, span: Span, kind: str, title: str = "") -> Cite:
        """A link to ``span``, remembering that its article must mark it."""
        self.cited.append((span, kind, title))
        return Cite(
            "#" + span_key(span), self.outlet(span.article_id), self.css(span.article_id), self.snippet(span)
        )

    def article_cite(self, article_id: str) -> Cite:
        return Cite("#" + article_key(article_id), self.outlet(article_id), self.css(article_id))

    def cites(self, spans: list[Span], kind: str) -> list[Cite]:
        """One link per outlet (to its first span); every span still gets marked in its article."""
        shown: dict[str, Cite] = {}
        for span in sorted(spans):
            cite = self.cite(span, kind)
            shown.setdefault(cite.label, cite)
        return sorted(shown.values(), key=lambda c: display_order(c.label))  # the legend's order

    def sentence(self, span: Span) -> str:
        """The sentence around ``span``, as plain text."""
        art = self.index.get(span.article_id)
        if art is None:
            return ""
        lo, hi = sentence_bounds(art.text, span.start, span.end)
        return art.text[lo:hi]

    def excerpt(self, span: Span, kind: str) -> Markup:
        """The sentence around ``span`` with the span itself marked."""
        art = self.index.get(span.article_id)
        if art is None:
            return Markup("")
        text = art.text
        lo, hi = sentence_bounds(text, span.start, span.end)
        before, after = _clipped(text, lo, hi)
        return Markup('{}{}<mark class="m-{}">{}</mark>{}{}').format(
            before, text[lo : span.start], kind, text[span.start : span.end], text[span.end : hi], after
        )


def source_note(ctx: Context, link: SourceLink, short: bool = False) -> str:
    """A :class:`~parallax.records.SourceLink` in words ("carries Reuters copy")."""
    who, origin = ctx.name(link.outlet), ctx.name(link.origin)
    if link.kind == "wire":
        return f"carries {origin} copy" if short else f"{who} carries {origin} copy"
    share = f"{link.share:.0%} of its text"
    if link.kind == "duplicate":
        text = f"runs {origin}'s article" if link.direction_known else f"is the same article as {origin}"
    elif link.folded:
        text = f"re-uses {origin}'s article ({share})" if link.direction_known else (
            f"shares most of its text with {origin} ({share})")
    else:
        n = f"{link.passages} passage{'' if link.passages == 1 else 's'}"
        text = f"repeats {n} of {origin}" if link.direction_known else f"shares {n} with {origin}"
        text += f" ({share})"
    return text if short else f"{who} {text}"


def source_tag(ctx: Context, link: SourceLink) -> str:
    """The chip's word for a link: "Reuters copy", "copy of CNN", "shares text"."""
    if link.kind == "wire":
        return f"{ctx.name(link.origin)} copy"
    if link.folded:
        origin = ctx.name(link.origin)
        return f"copy of {origin}" if link.direction_known else f"same text as {origin}"
    return "shares passages"


def sentence_bounds(text: str, start: int, end: int, limit: int = 240) -> tuple[int, int]:
    """Widen ``[start, end)`` to the sentence(s) around it, at most ``limit`` chars each side.

    Where no sentence boundary is that close, stop at a word boundary instead.
    """
    lo = max(0, start - limit)
    head = text[lo:start]
    cut = max(head.rfind(". "), head.rfind("? "), head.rfind("! "), head.rfind("\n"))
    if cut >= 0:
        lo += cut + 1
    elif lo > 0 and " " in head:
        lo += head.index(" ")
    tail = text[end : end + limit]
    stops = [i for i in (tail.find(". "), tail.find("? "), tail.find("! "), tail.find("\n")) if i >= 0]
    if stops:
        hi = end + min(stops) + 1
    elif end + limit < len(text) and " " in tail:
        hi = end + tail.rindex(" ")
    else:
        hi = end + len(tail)
    while lo < start and text[lo].isspace():
        lo += 1
    return lo, hi


def _clipped(text: str, lo: int, hi: int) -> tuple[str, str]:
    """Ellipses for an excerpt that starts or ends inside a sentence."""
    ends = (".", "?", "!", "\n", "”", '"', "'")
    before = "…" if lo > 0 and not text[:lo].rstrip(" ").endswith(ends) else ""
    after = "…" if hi < len(text) and not text[:hi].endswith(ends) and text[hi] != "\n" else ""
    return before, after


def story_page(corpus: Corpus, story: Story) -> StoryPage:
    """Everything the story report shows, with citations resolved and articles marked."""
    ctx = Context(corpus, story)
    cards, note = sections.cards(ctx)
    page = StoryPage(
        story=story,
        view=story_view(corpus, story),
        outlets=ctx.outlet_views(),
        articles=[],
        digest=sections.digest(ctx),
        matrix=sections.matrix(ctx),
        clusters=sections.clusters(ctx),
        contradictions=sections.contradictions(ctx),
        entities=sections.entities(ctx),
        reuse=sections.reuse(ctx),
        timeline=sections.timeline(ctx),
        cards=cards,
        cards_note=note,
    )
    page.articles, split = article_views(ctx, page.outlets)
    page.split_css = split_rules(split)
    page.brief = build_brief(ctx, page)
    return page


def article_views(ctx: Context, outlets: list[OutletView]) -> tuple[list[ArticleView], list[str]]:
    """Each story article with every span some section cited (and its own quotes) marked."""
    for quote in ctx.corpus.quotes:
        if quote.article_id in ctx.index:
            ctx.cited.append((quote.span, "quote", f"quote: {quote.speaker or 'unattributed'}"))
    framing = defaultdict(list)
    for signal in ctx.corpus.framing:
        if signal.article_id in ctx.index:
            framing[signal.article_id].append(signal)
            if signal.kind in ("loaded", "loaded-quoted"):
                ctx.cited.extend((s, "loaded", f"loaded term: {signal.label}") for s in signal.spans)
    views, split = [], []
    for art in ctx.articles:
        marked: MarkedArticle = mark_article(art, collect(art, ctx.cited))
        outlet = next((o for o in outlets if o.key == art.label), None)
        views.append(
            ArticleView(art, article_key(art.id), ctx.css(art.id), marked.paragraphs, framing[art.id],
                        ctx.outlet(art.id), outlet.detail if outlet else "")
        )
        split += marked.split
    return views, split
