"""RSS / Atom feed reader: each feed entry is one article.

Feeds carry the article body as HTML (``content:encoded``, Atom ``content``)
or only a teaser (``summary``/``description``). That HTML is a fragment
holding just the body, with no page furniture to strip, so it is turned into
paragraphs by a small block-aware HTML-to-text conversion rather than by
trafilatura, which is built for whole pages and often discards short
fragments. The feed's own title becomes the outlet only when the feed states
one; nothing is guessed from the URL.

Entry ids derive from the entry's ``guid``/``id`` (else its link, else its
text), so the same entry read from two snapshots of a feed is one article.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..records import Draft
from .text import ReadContext, content_id, looks_binary

_FEED_ROOT = re.compile(rb"<(?:[\w-]+:)?(rss|feed|RDF)\b")
_PROLOG = re.compile(rb"\A(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*", re.S)
_BLOCKS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "blockquote",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "pre",
        "table",
        "tr",
        "figure",
        "figcaption",
        "header",
        "footer",
    }
)
_DROP = frozenset({"script", "style", "noscript", "iframe", "object", "embed", "svg"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_USER_AGENT = "parallax-news (feed reader)"
MAX_FEED_BYTES = 50_000_000


def looks_like_feed(data: bytes) -> bool:
    """True when the document's root element is ``rss``, Atom ``feed`` or RSS 1.0 ``rdf:RDF``."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    prolog = _PROLOG.match(head)
    start = prolog.end() if prolog else 0
    return bool(_FEED_ROOT.match(head, start))


def html_to_text(html: str) -> str:
    """Paragraphs of an HTML fragment: block elements become paragraphs, ``<br>`` a line break."""
    if "<" not in html:
        return _tidy(html)
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return _tidy(re.sub(r"<[^>]+>", " ", html))
    for el in list(root.iter()):
        # Comments and processing instructions have a non-string tag.
        tag = el.tag.lower() if isinstance(el.tag, str) else "script"
        if tag in _DROP:
            if el.getparent() is not None:
                el.drop_tree()
        elif tag == "br":
            el.tail = "\n" + (el.tail or "")
        elif tag in _BLOCKS:
            el.text = "\n\n" + (el.text or "")
            el.tail = "\n\n" + (el.tail or "")
    return _tidy(root.text_content())


def _tidy(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    paragraphs, current = [], []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return "\n\n".join(paragraphs)


def _iso(parsed: time.struct_time | None) -> str | None:
    # feedparser normalises every date format it knows to a UTC struct_time.
    if not parsed:
        return None
    try:
        return dt.datetime(*parsed[:6], tzinfo=dt.UTC).isoformat()
    except (TypeError, ValueError):
        return None


def _body_html(entry: Any) -> str:
    contents = entry.get("content") or []
    # Prefer the longest full-content block; fall back to the teaser.
    values = [c.get("value", "") for c in contents if isinstance(c, dict)]
    best = max(values, key=len, default="")
    return best if len(best) >= len(entry.get("summary", "") or "") else entry.get("summary", "")


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = _tidy(html_to_text(value)) if "<" in value else _SPACES.sub(" ", value).strip()
    return value or None


def entry_draft(entry: Any, *, source: str, outlet: str | None, language: str | None) -> Draft | None:
    """A Draft from one feedparser entry, or None when it has no text at all."""
    text = html_to_text(_body_html(entry) or "")
    title = _clean(entry.get("title"))
    if not text.strip():
        return None
    link = entry.get("link") or None
    key = entry.get("id") or link or text
    return Draft(
        id=content_id(f"feed-entry:{key}".encode()),
        source=f"{source}#{key}" if key != text else source,
        format="feed",
        text=text,
        url=link,
        title=title,
        byline=_clean(entry.get("author")),
        published=_iso(entry.get("published_parsed") or entry.get("updated_parsed")),
        outlet=outlet,
        language=language,
    )


def parse_feed(data: bytes, source: str, ctx: ReadContext) -> Iterator[Draft]:
    """Drafts from the bytes of an RSS/Atom document."""
    import feedparser

    parsed = feedparser.parse(data)
    if parsed.get("bozo") and not parsed.entries:
        exc = parsed.get("bozo_exception")
        ctx.skip(source, "malformed feed", f"not a readable feed ({exc.__class__.__name__}: {exc})")
        return
    if parsed.get("bozo"):
        ctx.warn(
            source, f"feed is not well-formed, read what could be parsed ({parsed.get('bozo_exception')})"
        )
    feed = parsed.get("feed", {})
    outlet = _clean(feed.get("title"))
    language = feed.get("language") or None
    found = 0
    for number, entry in enumerate(parsed.entries, 1):
        draft = entry_draft(entry, source=source, outlet=outlet, language=language)
        if draft is None:
            ctx.warn(source, f"skipped feed entry {number}: no text")
            continue
        if len(draft.text.encode("utf-8")) > ctx.max_article_bytes:
            ctx.skip(draft.source, "too large", f"feed entry {number} is over max_article_bytes")
            continue
        found += 1
        yield draft
    if not found:
        ctx.skip(source, "empty", "feed has no entries with text")


def read_feed(path: Path, data: bytes, ctx: ReadContext) -> Iterator[Draft]:
    """A feed file (``.rss``, ``.atom``, or ``.xml`` whose root is a feed)."""
    source = str(path)
    if looks_binary(data):
        ctx.skip(source, "binary", "binary file, not a feed")
        return
    if not looks_like_feed(data):
        ctx.skip(source, "not a feed", "XML file whose root is not an RSS/Atom feed")
        return
    yield from parse_feed(data, source, ctx)


def read_feed_url(url: str, ctx: ReadContext | None = None, timeout: float = 20.0) -> list[Draft]:
    """Fetch a feed over HTTP(S) and read its entries.

    Raises :class:`InputError` when the feed cannot be fetched; the
    per-entry problems go to ``ctx.warn`` like any reader's.
    """
    ctx = ctx or ReadContext()
    if not url.lower().startswith(("http://", "https://")):
        raise InputError(f"not an http(s) feed URL: {url}")
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # scheme checked above
            data = response.read(MAX_FEED_BYTES + 1)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise InputError(f"cannot fetch feed {url}: {getattr(exc, 'reason', exc)}") from None
    if len(data) > MAX_FEED_BYTES:
        raise InputError(f"feed {url} is over {MAX_FEED_BYTES} bytes")
    if not looks_like_feed(data):
        raise InputError(f"{url} is not an RSS/Atom feed")
    return list(parse_feed(data, url, ctx))
