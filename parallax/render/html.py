"""Self-contained HTML report: one file, no network requests, printable.

Everything from articles is untrusted: Jinja2 autoescaping is on, and the page
carries a Content-Security-Policy that forbids scripts and remote loads.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import jinja2

from .. import __version__
from ..pipeline import Corpus
from ..records import Span
from .json import story_view

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("parallax.render", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return env


def span_anchor(span: Span) -> str:
    return f"a-{span.article_id}-{span.start}"


def _anchor_resolver(corpus: Corpus) -> Any:
    """Map any span to the anchor of the paragraph that holds it."""
    starts = {a.id: [p.start for p in a.paragraph_spans()] for a in corpus.articles}

    def anchor(span: Span) -> str:
        para = max((s for s in starts.get(span.article_id, [0]) if s <= span.start), default=0)
        return f"a-{span.article_id}-{para}"

    return anchor


def _story_context(corpus: Corpus, story: Any) -> dict[str, Any]:
    index = corpus.by_id()
    view = story_view(corpus, story)
    arts = [index[i] for i in story.article_ids if i in index]
    return {"story": story, "view": view, "articles": arts, "index": index}


def to_html(corpus: Corpus) -> str:
    stories = [_story_context(corpus, s) for s in corpus.stories]
    template = environment().get_template("report.html.j2")
    return template.render(
        csp=CSP,
        version=__version__,
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        corpus=corpus,
        stories=stories,
        anchor=_anchor_resolver(corpus),
    )
