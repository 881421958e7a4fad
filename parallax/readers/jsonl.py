"""JSON Lines reader: one article per line.

Keys: ``text`` or ``html`` (one is required), and optionally ``url``,
``title``, ``date``, ``outlet``, ``byline``, ``language``. A bad line (not
JSON, binary bytes, no text) is reported with its line number and skipped;
the rest of the file is still read. Each line is decoded on its own, so one
line in another encoding does not change how the others are read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..records import Draft
from .html import html_draft
from .text import (
    Decoded,
    ReadContext,
    content_id,
    decode_bytes,
    looks_binary,
    looks_wide,
    normalise_newlines,
)

_FIELDS = {
    "url": "url",
    "title": "title",
    "date": "published",
    "outlet": "outlet",
    "byline": "byline",
    "language": "language",
}


def _str_field(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return " and ".join(v.strip() for v in value if v.strip()) or None  # bylines as lists
    return None


def _line_draft(obj: dict[str, Any], line_id: str, source: str) -> Draft | None:
    fields = {attr: _str_field(obj, key) for key, attr in _FIELDS.items()}
    text = _str_field(obj, "text")
    if text is not None:
        draft = Draft(id=line_id, source=source, format="text", text=normalise_newlines(text))
    else:
        html = _str_field(obj, "html")
        found = None if html is None else html_draft(html, id=line_id, source=source, url=fields["url"])
        if found is None:
            return None
        draft = found
    # The line's own keys are the publisher's metadata: they win over the page's.
    for attr, value in fields.items():
        if value is not None:
            setattr(draft, attr, value)
    return draft


def _parse_line(line: str, source: str, lineno: int, ctx: ReadContext) -> dict[str, Any] | None:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        ctx.skip(source, "bad line", f"line {lineno} is not valid JSON ({exc.msg})")
        return None
    if not isinstance(obj, dict):
        ctx.skip(source, "bad line", f"line {lineno} is not a JSON object")
        return None
    return obj


_SNIFF_LINES = 16


def _head_lines(data: bytes, count: int) -> Iterator[bytes]:
    start = 0
    while count and start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        if data[start:end].strip():
            count -= 1
            yield data[start:end]
        start = end + 1


def _binary_file(data: bytes) -> bool:
    """Binary bytes and most first lines not JSON objects: an image or archive, not JSON Lines
    with one corrupt line (whose other lines are read)."""
    if not looks_binary(data):
        return False
    head = list(_head_lines(data, _SNIFF_LINES))
    objects = sum(line.lstrip(b" \t\r\xef\xbb\xbf").startswith(b"{") for line in head)
    return objects * 2 <= len(head)


def _lines(data: bytes) -> Iterator[tuple[int, bytes, Decoded]]:
    """(line number, raw bytes, decoded line) for each line, decoded line by line where possible."""
    if looks_wide(data):
        # UTF-16/32: newline bytes are not "\n" alone, so decode the whole file first.
        decoded = decode_bytes(data)
        # split("\n"), not splitlines(): U+2028 may legally sit unescaped inside JSON strings.
        for lineno, line in enumerate(decoded.text.split("\n"), 1):
            yield lineno, line.encode("utf-8"), Decoded(line, decoded.encoding, decoded.warning)
        return
    for lineno, raw in enumerate(data.split(b"\n"), 1):
        yield lineno, raw, decode_bytes(raw)


def read_jsonl(path: Path, data: bytes, ctx: ReadContext) -> Iterator[Draft]:
    """Each non-blank line is its own article, identified by the hash of the line."""
    if _binary_file(data):
        ctx.skip(str(path), "binary", "binary file, not JSON Lines")
        return
    for lineno, raw, decoded in _lines(data):
        line = decoded.text.strip()
        if not line:
            continue
        source = f"{path}:{lineno}"
        if looks_binary(raw):
            ctx.skip(source, "bad line", f"line {lineno} holds binary data (NUL or control bytes), not JSON")
            continue
        encoded = line.encode("utf-8")
        if len(encoded) > ctx.max_article_bytes:
            ctx.skip(source, "too large", f"line {lineno} is {len(encoded)} bytes, over max_article_bytes")
            continue
        obj = _parse_line(line, source, lineno, ctx)
        if obj is None:
            continue
        draft = _line_draft(obj, content_id(encoded), source)
        if draft is None or not draft.text.strip():
            ctx.skip(source, "empty", f"line {lineno} has no article text (needs a 'text' or 'html' key)")
            continue
        if decoded.warning:
            draft.warnings.append(decoded.warning)
        yield draft
