"""Markdown export for newsletters and fact-check write-ups.

Built from the same :class:`~parallax.render.view.StoryPage` as the HTML
report, so both show the same sections. Citations become footnotes, one per
outlet naming its article (the cited sentence is already in the text), which
survive copy-paste into a newsletter tool. Article-derived text is untrusted: whitespace is collapsed
(no new blocks) and every Markdown/HTML metacharacter is backslash-escaped,
so a headline cannot inject links, images or raw HTML into the export.
"""

from __future__ import annotations

import re

from ..outlets.names import public_source
from ..pipeline import Corpus
from ..records import Story
from .brief import Brief
from .view import Cite, StoryPage, story_page

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&])")


def escape(text: str | None) -> str:
    return _MD_SPECIAL.sub(r"\\\1", " ".join((text or "").split()))


class Notes:
    """Footnotes, one per outlet: the sentence is already in the text, the note says where it ran."""

    def __init__(self, prefix: str, page: StoryPage):
        self.prefix = prefix
        self.order: dict[str, str] = {}  # outlet name -> footnote label
        self.articles: dict[str, list[str]] = {}
        for view in page.articles:
            art = view.article
            line = f"*{escape(art.title) or '(no title)'}*" + "".join(
                f", {escape(x)}" for x in (art.published, art.url) if x
            )
            self.articles.setdefault(view.outlet, []).append(line)

    def ref(self, cites: list[Cite]) -> str:
        refs = []
        for cite in cites:
            label = self.order.setdefault(cite.label, f"{self.prefix}{len(self.order) + 1}")
            if f"[^{label}]" not in refs:
                refs.append(f"[^{label}]")
        outlets = list(dict.fromkeys(escape(c.label) for c in cites))
        return (" (" + ", ".join(outlets) + ")" if outlets else "") + "".join(refs)

    def lines(self) -> list[str]:
        return [
            f"[^{label}]: **{escape(outlet)}**: "
            + "; ".join(self.articles.get(outlet, ["(article not shown)"]))
            for outlet, label in self.order.items()
        ]


def _header(page: StoryPage, notes: Notes) -> list[str]:
    story, brief = page.story, page.brief or Brief()
    dates = story.first_published or ""
    if story.last_published and story.last_published != story.first_published:
        dates += f" – {story.last_published}"
    lines = [f"## {escape(story.title) or 'Untitled story'}", ""]
    if dates:
        lines += [f"*{escape(dates)}*", ""]
    lines += ["### In brief", ""]
    if brief.lead:
        lines.append(f"- **What happened**: {escape(brief.lead)}{notes.ref(brief.lead_cites)}")
    outlets = ", ".join(escape(o.name) for o in page.outlets)
    lines.append(f"- **Who reported it**: {escape(brief.counts)}: {outlets}")
    lines += [f"  - {escape(line)}" for line in brief.sources]
    if brief.disagreements:
        for d in brief.disagreements:
            sides = "; ".join(f"{escape(s.says)} “{escape(s.value)}”" for s in d.sides)
            lines.append(f"- **Disagreement**: {escape(d.question)}: {sides}")
    else:
        lines.append("- **Disagreements**: none detected (automatic detection finds only some)")
    if brief.exclusives:
        lines.append("- **Reported by one outlet only**: " + ", ".join(
            f"{escape(e.outlet)} {e.count} fact{'' if e.count == 1 else 's'}" for e in brief.exclusives))
    return [*lines, ""]


def _digest(page: StoryPage, notes: Notes) -> list[str]:
    lines: list[str] = []
    for section in page.digest:
        lines += [f"### {section.title}", ""]
        lines += [f"- {escape(text)}{notes.ref(cites)}" for text, cites in section.sentences]
        lines.append("")
    return lines


def _contradictions(page: StoryPage) -> list[str]:
    if not page.contradictions:
        return []
    lines = ["### Where outlets disagree", ""]
    for c in page.contradictions:
        lines += [f"**{escape(c.explanation)}**", ""]
        for side in (c.left, c.right):
            if side.sentence:
                lines += [f"> **{escape(side.cite.label)}** says *{escape(side.value)}*: "
                          f"“{escape(side.sentence)}”", ">"]
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
        flags = "".join(f" *({escape(f)})*" for f in cl.flags)
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
        title = escape(art.title) or "(no title)"
        lines.append(f"- **{escape(view.outlet)}**: {title}" + (f" — {meta}" if meta else ""))
    return [*lines, ""]


def story_markdown(corpus: Corpus, story: Story, prefix: str = "") -> str:
    page = story_page(corpus, story)
    notes = Notes(prefix, page)
    lines = _header(page, notes) + _digest(page, notes) + _contradictions(page)
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
            f"- {escape(public_source(i.source))}: {escape(i.message)}" for i in corpus.issues
        ]
    return "\n".join(parts) + "\n"
