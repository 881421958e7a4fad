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

from ..pipeline import Corpus
from ..records import Article, Span, Story
from . import sections
from .json import story_view
from .marks import MarkedArticle, article_key, collect, mark_article, span_key, split_rules

PALETTE = 8  # outlet colour classes o0..o7 in report.css


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


@dataclass(slots=True)
class StoryPage:
    story: Story
    view: dict[str, Any]
    outlets: list[tuple[str, str]]  # (label, css class), in display order
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


class Context:
    """Per-story lookups shared by the section builders."""

    def __init__(self, corpus: Corpus, story: Story):
        self.corpus = corpus
        self.story = story
        self.articles = corpus.story_articles(story)
        self.index = {a.id: a for a in self.articles}
        labels = sorted({a.label for a in self.articles}, key=str.casefold)
        self.colour = {label: f"o{i % PALETTE}" for i, label in enumerate(labels)}
        self.cited: list[tuple[Span, str, str]] = []

    def outlet(self, article_id: str) -> str:
        art = self.index.get(article_id)
        return art.label if art else article_id

    def css(self, article_id: str) -> str:
        return self.colour.get(self.outlet(article_id), "ox")

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
        return list(shown.values())

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
        outlets=sorted(ctx.colour.items(), key=lambda kv: kv[1]),
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
    page.articles, split = article_views(ctx)
    page.split_css = split_rules(split)
    return page


def article_views(ctx: Context) -> tuple[list[ArticleView], list[str]]:
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
        views.append(
            ArticleView(art, article_key(art.id), ctx.css(art.id), marked.paragraphs, framing[art.id])
        )
        split += marked.split
    return views, split
