"""Markdown export for newsletters and fact-check write-ups.

Built from the same :class:`~parallax.render.view.StoryPage` as the HTML
report, so both show the same sections. Citations become footnotes quoting
the exact cited words and their outlet, which survive copy-paste into a
newsletter tool. Article-derived text is untrusted: whitespace is collapsed
(no new blocks) and every Markdown/HTML metacharacter is backslash-escaped,
so a headline cannot inject links, images or raw HTML into the export.
"""

from __future__ import annotations

import re

from ..pipeline import Corpus
from ..records import Story
from .sections import plain_excerpt
from .view import Cite, StoryPage, sentence_bounds, story_page

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&])")


def escape(text: str | None) -> str:
    return _MD_SPECIAL.sub(r"\\\1", " ".join((text or "").split()))


class Notes:
    """Numbered footnotes, one per distinct cited span."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.order: dict[str, tuple[str, Cite]] = {}

    def ref(self, cites: list[Cite]) -> str:
        refs = []
        for cite in cites:
            if cite.href not in self.order:
                self.order[cite.href] = (f"{self.prefix}{len(self.order) + 1}", cite)
            label = self.order[cite.href][0]
            if f"[^{label}]" not in refs:
                refs.append(f"[^{label}]")
        outlets = list(dict.fromkeys(escape(c.label) for c in cites))
        return (" (" + ", ".join(outlets) + ")" if outlets else "") + "".join(refs)

    def lines(self) -> list[str]:
        return [
            f"[^{label}]: **{escape(c.label)}**: “{escape(plain_excerpt(c.snippet, 240))}”"
            for label, c in self.order.values()
        ]


def _header(page: StoryPage) -> list[str]:
    story = page.story
    dates = story.first_published or ""
    if story.last_published and story.last_published != story.first_published:
        dates += f" – {story.last_published}"
    meta = f"{len(page.articles)} articles from {len(page.outlets)} outlets: " + ", ".join(
        escape(label) for label, _ in page.outlets
    )
    return [
        f"## {escape(story.title) or escape(story.id)}",
        "",
        f"*{meta}*" + (f" · {escape(dates)}" if dates else ""),
        "",
    ]


def _digest(page: StoryPage, notes: Notes) -> list[str]:
    lines: list[str] = []
    for section in page.digest:
        lines += [f"### {section.title}", ""]
        lines += [f"- {escape(text)}{notes.ref(cites)}" for text, cites in section.sentences]
        lines.append("")
    return lines


def _contradictions(corpus: Corpus, story: Story, notes: Notes) -> list[str]:
    index = corpus.by_id()
    items = [c for c in corpus.contradictions if c.story_id == story.id]
    if not items:
        return []
    lines = ["### Where outlets disagree", ""]
    for c in items:
        lines += [f"**{escape(c.kind.capitalize())}**: {escape(c.explanation)}", ""]
        for span, value in ((c.left, c.left_value), (c.right, c.right_value)):
            art = index.get(span.article_id)
            if art is None:
                continue
            lo, hi = sentence_bounds(art.text, span.start, span.end)
            lines.append(f"> **{escape(art.label)}** says *{escape(value)}*: “{escape(art.text[lo:hi])}”")
            lines.append(">")
        lines[-1] = ""
    return lines


def _quotes(page: StoryPage, notes: Notes) -> list[str]:
    if not page.clusters:
        return []
    lines = [
        "### Quotes across outlets",
        "",
        "Wordings compared with the most common one: ~~missing words~~ and **added words**.",
        "",
    ]
    for cl in page.clusters:
        who = ", ".join(escape(s) for s in cl.speakers) or "Unattributed"
        flags = "".join(f" *({escape(f.partition(': ')[2] or f)})*" for f in cl.flags)
        lines.append(f"- **{who}**: “{escape(cl.canonical)}”{flags}")
        for var in cl.variants:
            lines.append(f"  - “{_diff(var.diff) or escape(var.text)}”{notes.ref(var.carriers)}")
    return [*lines, ""]


def _diff(ops: list[tuple[str, str]]) -> str:
    marks = {"+": "**{}**", "-": "~~{}~~"}
    return " ".join(marks.get(op, "{}").format(escape(words)) for op, words in ops if words.strip())


def _cards(page: StoryPage, notes: Notes) -> list[str]:
    if not page.cards:
        return []
    lines = ["### What each outlet did", ""]
    for card in page.cards:
        lines += [
            f"#### {escape(card.outlet)}",
            "",
            f"*{escape(card.headline) or '(no headline)'}* · "
            f"{card.articles} article(s), {card.quotes} quote(s)",
            "",
        ]
        lines += [f"- Only here: {escape(text)}{notes.ref(cites)}" for text, cites in card.exclusive[:5]]
        lines += [f"- Leaves out: {escape(text)}" for text, _ in card.omissions[:5]]
        if card.sources:
            lines.append("- Cites: " + ", ".join(dict.fromkeys(escape(name) for name, _ in card.sources)))
        lines += [
            f"- Calls {escape(name)}: " + "; ".join(escape(x) for x in labels)
            for name, labels in card.descriptors
        ]
        lines += [
            f"- {escape(f.kind)}: " + "; ".join(escape(text) for text, _, _ in f.items) for f in card.framing
        ]
        lines.append("")
    return lines


def _timeline(page: StoryPage, notes: Notes) -> list[str]:
    if not page.timeline:
        return []
    return [
        "### Timeline",
        "",
        *(f"- **{escape(e.date)}**: {escape(e.text)}{notes.ref(e.cites)}" for e in page.timeline),
        "",
    ]


def _articles(page: StoryPage) -> list[str]:
    lines = ["### Articles", ""]
    for view in page.articles:
        art = view.article
        meta = " · ".join(escape(x) for x in (art.byline, art.published, art.dateline, art.url) if x)
        lines.append(
            f"- **{escape(art.label)}**: {escape(art.title) or '(no title)'}" + (f" — {meta}" if meta else "")
        )
    return [*lines, ""]


def story_markdown(corpus: Corpus, story: Story, prefix: str = "") -> str:
    page = story_page(corpus, story)
    notes = Notes(prefix)
    lines = _header(page) + _digest(page, notes) + _contradictions(corpus, story, notes)
    lines += _quotes(page, notes) + _cards(page, notes) + _timeline(page, notes) + _articles(page)
    if notes.order:
        lines += ["#### Sources", "", *notes.lines(), ""]
    return "\n".join(lines)


def to_markdown(corpus: Corpus) -> str:
    parts = ["# Parallax report", ""]
    many = len(corpus.stories) > 1
    parts += [
        story_markdown(corpus, s, prefix=f"s{i}-" if many else "") for i, s in enumerate(corpus.stories, 1)
    ]
    if corpus.issues:
        parts += ["## Skipped inputs", ""] + [
            f"- {escape(i.source)}: {escape(i.message)}" for i in corpus.issues
        ]
    return "\n".join(parts) + "\n"
