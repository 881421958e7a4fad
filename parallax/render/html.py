"""Self-contained HTML report: one file, no network requests, printable.

Everything from articles is untrusted: Jinja2 autoescaping is on, and the page
carries a Content-Security-Policy that allows no script at all and only the
one inline stylesheet, pinned by its SHA-256 hash. The report uses no
JavaScript: quote clusters and boilerplate fold with ``<details>``, and a
citation highlights its span through ``:target`` CSS.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib

import jinja2
from markupsafe import Markup

from .. import __version__
from ..outlets.names import public_source
from ..pipeline import Corpus
from .view import StoryPage, story_page


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.PackageLoader("parallax.render", "templates"),
            ]
        ),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    # An input's file name, never the server's path to it (reports are shared; paths leak).
    env.filters["basename"] = public_source
    return env


@functools.cache
def stylesheet() -> str:
    """The report's CSS (shared with the web app, which serves it as a file)."""
    env = environment()
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, "report.css")
    return source


def style_hash(css: str) -> str:
    """CSP source expression allowing exactly this inline ``<style>`` content."""
    digest = hashlib.sha256(css.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def report_csp(css: str) -> str:
    return (
        f"default-src 'none'; style-src {style_hash(css)}; img-src data:; base-uri 'none'; form-action 'none'"
    )


def pages(corpus: Corpus) -> list[StoryPage]:
    return [story_page(corpus, s) for s in corpus.stories]


def to_html(corpus: Corpus) -> str:
    """The whole corpus as one offline HTML document."""
    return report_document(corpus)[0]


def report_document(corpus: Corpus) -> tuple[str, str]:
    """The offline report and the Content-Security-Policy it carries (for serving it over HTTP)."""
    story_pages = pages(corpus)
    # Rules for spans split across marks go in the same pinned stylesheet.
    css = stylesheet() + "\n" + "\n".join(p.split_css for p in story_pages if p.split_css)
    csp = report_csp(css)
    html = (
        environment()
        .get_template("report.html.j2")
        .render(
            csp=csp,
            style=Markup(css),
            version=__version__,
            generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            n_articles=len(corpus.articles),
            pages=story_pages,
            issues=corpus.issues,
        )
    )
    return html, csp
