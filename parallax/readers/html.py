"""HTML reader: main text and metadata through trafilatura.

trafilatura already drops navigation, comments and footers; what it leaves
still goes through Clean's light line filter like every other draft.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..records import Draft
from .text import ReadContext, content_id, decode_bytes, looks_binary, normalise_newlines

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)


@dataclass(slots=True, frozen=True)
class HtmlExtract:
    """trafilatura's main text and the metadata it found in the page."""

    text: str
    title: str | None = None
    author: str | None = None
    date: str | None = None
    sitename: str | None = None
    language: str | None = None
    url: str | None = None


def declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii", "replace") if match else None


def looks_like_html(data: bytes) -> bool:
    return bool(_HTML_START.match(data[:2048].lstrip(b"\xef\xbb\xbf")))


def extract_html(html: str, url: str | None = None) -> HtmlExtract | None:
    """Main text of a web page, or None when trafilatura finds no article in it."""
    import trafilatura  # slow import, only needed for HTML input

    doc = trafilatura.bare_extraction(
        html, url=url, include_comments=False, with_metadata=True, include_tables=True
    )
    if doc is None:
        return None
    text = normalise_newlines(getattr(doc, "text", None) or "")
    if not text.strip():
        return None
    return HtmlExtract(
        text=text,
        title=getattr(doc, "title", None) or None,
        author=getattr(doc, "author", None) or None,
        date=getattr(doc, "date", None) or None,
        sitename=getattr(doc, "sitename", None) or None,
        language=getattr(doc, "language", None) or None,
        url=getattr(doc, "url", None) or url,
    )


def html_draft(html: str, *, id: str, source: str, url: str | None = None) -> Draft | None:
    """A Draft from one HTML document, or None when it holds no article text."""
    found = extract_html(html, url=url)
    if found is None:
        return None
    return Draft(
        id=id,
        source=source,
        format="html",
        text=found.text,
        url=found.url,
        title=found.title,
        byline=found.author,
        published=found.date,
        outlet=found.sitename,
        language=found.language,
    )


def read_html(path: Path, data: bytes, ctx: ReadContext) -> Iterator[Draft]:
    """One HTML file is one article."""
    source = str(path)
    if looks_binary(data):
        ctx.skip(source, "binary", "binary file, not HTML")
        return
    decoded = decode_bytes(data, declared=declared_charset(data))
    if not decoded.text.strip():
        ctx.skip(source, "empty", "empty file")
        return
    draft = html_draft(decoded.text, id=content_id(data), source=source)
    if draft is None:
        ctx.skip(source, "no article text", "no article text found in the HTML")
        return
    if decoded.warning:
        draft.warnings.append(decoded.warning)
    yield draft
