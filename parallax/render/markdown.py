"""Markdown export for newsletters and fact-check write-ups.

Article-derived text is untrusted: Markdown/HTML metacharacters are escaped so
a headline cannot inject links, images or raw HTML into the export.
"""

from __future__ import annotations

import re

from ..pipeline import Corpus
from ..records import Span, Story
from .json import story_view

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def escape(text: str | None) -> str:
    return _MD_SPECIAL.sub(r"\\\1", " ".join((text or "").split()))


def _labels(corpus: Corpus, spans: list[Span]) -> str:
    index = corpus.by_id()
    seen: list[str] = []
    for span in spans:
        art = index.get(span.article_id)
        label = art.label if art else span.article_id
        if label not in seen:
            seen.append(label)
    return "".join(f"[{escape(s)}]" for s in seen)


def story_markdown(corpus: Corpus, story: Story) -> str:
    view = story_view(corpus, story)
    index = corpus.by_id()
    lines = [f"## {escape(story.title) or story.id}", ""]
    lines.append(f"*Story `{story.id}` — {len(story.article_ids)} articles from: "
                 f"{', '.join(escape(o) for o in view['outlets'])}*")
    lines.append("")
    for digest in (d for d in corpus.digests if d.story_id == story.id):
        sections = {"consensus": "### What every outlet reports", "partial": "### Reported by only some outlets",
                    "disputed": "### Disputed"}
        current = None
        for sent in digest.sentences:
            if sent.section != current:
                current = sent.section
                lines += ["", sections.get(current, f"### {escape(current)}"), ""]
            lines.append(f"- {escape(sent.text)} {_labels(corpus, sent.citations)}")
    if view["contradictions"]:
        lines += ["", "### Contradictions", ""]
        for c in (c for c in corpus.contradictions if c.story_id == story.id):
            lines.append(f"- **{escape(c.kind)}**: “{escape(c.left_value)}” {_labels(corpus, [c.left])} vs "
                         f"“{escape(c.right_value)}” {_labels(corpus, [c.right])}. {escape(c.explanation)}")
    clusters = [c for c in corpus.quote_clusters if c.story_id == story.id]
    if clusters:
        lines += ["", "### Quotes across outlets", ""]
        for cl in clusters:
            who = ", ".join(escape(s) for s in cl.speakers) or "unattributed"
            lines.append(f"- **{who}**: “{escape(cl.canonical)}”")
            for var in cl.variants:
                outlets = sorted({index[a].label for a in var.article_ids if a in index})
                lines.append(f"  - “{escape(var.text)}” — {', '.join(escape(o) for o in outlets)}")
    events = corpus.timeline.get(story.id, [])
    if events:
        lines += ["", "### Timeline", ""]
        lines += [f"- **{escape(e.date)}** {escape(e.text)} {_labels(corpus, e.spans)}" for e in events]
    lines += ["", "### Articles", ""]
    for aid in story.article_ids:
        art = index.get(aid)
        if art:
            meta = " · ".join(escape(x) for x in (art.byline, art.published, art.dateline) if x)
            lines.append(f"- **{escape(art.label)}**: {escape(art.title) or '(no title)'}" + (f" — {meta}" if meta else ""))
    return "\n".join(lines) + "\n"


def to_markdown(corpus: Corpus) -> str:
    parts = ["# Parallax report", ""]
    parts += [story_markdown(corpus, s) for s in corpus.stories]
    if corpus.issues:
        parts += ["## Skipped inputs", ""] + [f"- {escape(i.source)}: {escape(i.message)}" for i in corpus.issues]
    return "\n".join(parts) + "\n"
