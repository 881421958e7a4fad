"""Article text as HTML with every cited span wrapped in a ``<mark>``.

Records cite character spans of an article's clean text; the report renders
the article with a ``<mark id=...>`` around each cited span so a citation link
(``href="#s-..."``) jumps to, and ``:target`` CSS highlights, the exact words.
Spans from different records overlap and may cross each other or paragraph
breaks; the marks must still nest properly, so a crossing span is split into
pieces. Only the first piece carries the id; the others share a ``k-`` class
that :func:`split_rules` highlights with a ``:has(:target)`` rule.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from ..records import Article, Span

_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]")


def span_key(span: Span) -> str:
    """The HTML id of a span's mark: stable, and safe whatever the article id holds."""
    return f"s-{_UNSAFE_ID.sub('_', span.article_id)}-{span.start}-{span.end}"


def article_key(article_id: str) -> str:
    return f"art-{_UNSAFE_ID.sub('_', article_id)}"


@dataclass(slots=True)
class MarkSpec:
    """One span to mark and the CSS classes saying what cites it (quote, claim, ...)."""

    start: int
    end: int
    key: str
    kinds: set[str] = field(default_factory=set)
    title: str = ""


@dataclass(slots=True)
class MarkedArticle:
    """An article's paragraphs as safe HTML, and the keys of spans that had to be split."""

    paragraphs: list[Markup]
    split: list[str]


def collect(article: Article, cited: Iterable[tuple[Span, str, str]]) -> list[MarkSpec]:
    """Merge (span, kind, title) citations of ``article`` into one spec per distinct span."""
    specs: dict[tuple[int, int], MarkSpec] = {}
    size = len(article.text)
    for span, kind, title in cited:
        if span.article_id != article.id or span.start >= size or span.end <= span.start:
            continue
        clipped = Span(span.article_id, span.start, min(span.end, size))
        spec = specs.setdefault(
            (clipped.start, clipped.end), MarkSpec(clipped.start, clipped.end, span_key(span))
        )
        spec.kinds.add(kind)
        if title and title not in spec.title:
            spec.title = f"{spec.title}; {title}" if spec.title else title
    return sorted(specs.values(), key=lambda s: (s.start, -s.end))


def mark_article(article: Article, specs: list[MarkSpec]) -> MarkedArticle:
    """Render each paragraph with nested marks; see the module docstring for splitting."""
    split: set[str] = set()
    opened: set[str] = set()  # keys whose first (id-bearing) piece is already out
    paragraphs = []
    for pspan in article.paragraph_spans():
        inside = [s for s in specs if s.start < pspan.end and s.end > pspan.start]
        for spec in inside:
            if spec.start < pspan.start or spec.end > pspan.end:
                split.add(spec.key)
        paragraphs.append(_mark_paragraph(article.text, (pspan.start, pspan.end), inside, split, opened))
    return MarkedArticle(paragraphs, sorted(split))


def _mark_paragraph(
    text: str, bounds: tuple[int, int], specs: list[MarkSpec], split: set[str], opened: set[str]
) -> Markup:
    lo, hi = bounds
    cuts = sorted({lo, hi, *(max(s.start, lo) for s in specs), *(min(s.end, hi) for s in specs)})
    stack: list[MarkSpec] = []
    out: list[str] = []
    for pos, nxt in itertools.pairwise(cuts):
        # Close marks ending here; a mark below one that still runs on forces that one to close and reopen.
        ending = [s for s in stack if s.end <= pos]
        if ending:
            deepest = min(stack.index(s) for s in ending)
            reopen = [s for s in stack[deepest:] if s.end > pos]
            out.extend("</mark>" for _ in stack[deepest:])
            del stack[deepest:]
            for spec in reopen:
                split.add(spec.key)
                out.append(_open(spec, first=False))
                stack.append(spec)
        starting = sorted((s for s in specs if max(s.start, lo) == pos and s.end > pos), key=lambda s: -s.end)
        for spec in starting:
            out.append(_open(spec, first=spec.key not in opened))
            if spec.start < lo:
                split.add(spec.key)
            opened.add(spec.key)
            stack.append(spec)
        out.append(str(escape(text[pos:nxt])))
    out.extend("</mark>" for _ in stack)
    return Markup("".join(out))


def _open(spec: MarkSpec, first: bool) -> str:
    kinds = " ".join(f"m-{k}" for k in sorted(spec.kinds))
    ident = f' id="{spec.key}"' if first else ""
    title = f' title="{escape(spec.title)}"' if spec.title else ""
    return f'<mark{ident} class="{kinds} k-{spec.key}"{title}>'


def split_rules(keys: Iterable[str]) -> str:
    """CSS lighting every piece of a split span when its first piece is the :target."""
    return "\n".join(f":root:has(#{k}:target) .k-{k}{{background:var(--target)}}" for k in keys)
