"""WARC / WARC.gz reader (web archives, e.g. Common Crawl's CC-NEWS).

Only ``response`` records of successful (HTTP 200) HTML pages are articles;
requests, metadata, redirects and non-HTML payloads are passed over silently.
Each page goes through the HTML reader's trafilatura extraction. The date is
the record's ``WARC-Date``: news crawls fetch a page within hours of its
publication, while a date guessed from the page text is often a year the
article merely mentions. The page's own date is used only when a record
lacks ``WARC-Date``.

A crawl holds damaged records: a record that cannot be decoded is skipped
with a warning and reading goes on; a stream that breaks off ends the file
with a warning. Neither is fatal to the run.

Host and date filters apply to the record headers before any extraction, so
filtering a large crawl costs little: pass them to :func:`iter_warc` or build
a reader with :func:`warc_reader`.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from ..records import Draft
from .html import declared_charset, html_draft
from .text import ReadContext, content_id, decode_bytes

_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(slots=True, frozen=True)
class WarcFilter:
    """Which records to read: hosts (a host or any subdomain of it) and a WARC-Date range (inclusive days)."""

    hosts: frozenset[str] = frozenset()
    since: str | None = None  # ISO date, e.g. "2024-01-01"
    until: str | None = None

    @classmethod
    def build(
        cls, hosts: Iterable[str] = (), since: str | None = None, until: str | None = None
    ) -> WarcFilter:
        return cls(frozenset(h.lower().strip(".") for h in hosts if h), since, until)

    def host_ok(self, url: str | None) -> bool:
        if not self.hosts:
            return True
        host = (urlsplit(url or "").hostname or "").lower()
        return any(host == h or host.endswith("." + h) for h in self.hosts)

    def date_ok(self, warc_date: str | None) -> bool:
        if self.since is None and self.until is None:
            return True
        day = (warc_date or "")[:10]
        if not day:
            return False
        after = self.since is None or day >= self.since[:10]
        return after and (self.until is None or day <= self.until[:10])


NO_FILTER = WarcFilter()


def _content_type(record: Any) -> tuple[str, str | None]:
    value = record.http_headers.get_header("Content-Type") or ""
    mime, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.strip().partition("=")
        if key.lower() == "charset" and val:
            charset = val.strip("\"' ")
    return mime.strip().lower(), charset


def _is_article_response(record: Any) -> bool:
    if record.rec_type != "response" or record.http_headers is None:
        return False
    status = (record.http_headers.get_statuscode() or "").strip()
    return status == "200" and _content_type(record)[0] in _HTML_TYPES


def _iso_warc_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
    except ValueError:
        return None


def _record_draft(record: Any, source: str, ctx: ReadContext) -> Draft | None:
    url = record.rec_headers.get_header("WARC-Target-URI")
    body = record.content_stream().read(ctx.max_article_bytes + 1)
    label = f"{source}#{url or record.rec_headers.get_header('WARC-Record-ID')}"
    if len(body) > ctx.max_article_bytes:
        ctx.skip(label, "too large", f"record is over max_article_bytes ({ctx.max_article_bytes})")
        return None
    if not body.strip():
        ctx.skip(label, "empty", "empty response record")
        return None
    charset = _content_type(record)[1] or declared_charset(body)
    decoded = decode_bytes(body, declared=charset)
    draft = html_draft(decoded.text, id=content_id(body), source=label, url=url)
    if draft is None:
        ctx.skip(label, "no article text", "no article text found in the page")
        return None
    draft.url = url or draft.url
    draft.published = _iso_warc_date(record.rec_headers.get_header("WARC-Date")) or draft.published
    if decoded.warning:
        draft.warnings.append(decoded.warning)
    return draft


def iter_warc(
    stream: IO[bytes], source: str, ctx: ReadContext, flt: WarcFilter = NO_FILTER
) -> Iterator[Draft]:
    """Drafts from a WARC stream (plain or gzip), read record by record without loading it whole."""
    from warcio.archiveiterator import ArchiveIterator

    records = iter(ArchiveIterator(stream))
    number = 0
    while True:
        number += 1
        try:
            record = next(records)
        except StopIteration:
            return
        except Exception as exc:
            # The stream itself is broken: nothing after this point can be located. Any type:
            # warcio raises ArchiveLoadFailed, zlib.error, AttributeError/KeyError (missing headers)...
            ctx.warn(
                source,
                f"WARC stream unreadable after record {number - 1}, rest skipped "
                f"({exc.__class__.__name__}: {exc})",
            )
            return
        try:
            if not _is_article_response(record):
                continue
            if not flt.host_ok(record.rec_headers.get_header("WARC-Target-URI")):
                continue
            if not flt.date_ok(record.rec_headers.get_header("WARC-Date")):
                continue
            draft = _record_draft(record, source, ctx)
        except Exception as exc:  # one damaged record must not end the crawl
            ctx.warn(source, f"skipped malformed WARC record {number} ({exc.__class__.__name__}: {exc})")
            continue
        if draft is not None:
            yield draft


def read_warc(path: Path, data: bytes, ctx: ReadContext, flt: WarcFilter = NO_FILTER) -> Iterator[Draft]:
    """A ``.warc`` / ``.warc.gz`` file: one draft per HTML page response."""
    yield from iter_warc(io.BytesIO(data), str(path), ctx, flt)


def warc_reader(hosts: Iterable[str] = (), since: str | None = None, until: str | None = None) -> Any:
    """A reader function with host/date filters bound, for a custom ``READERS`` mapping."""
    return functools.partial(read_warc, flt=WarcFilter.build(hosts, since, until))
