"""JSON Lines reader: one article per line.

Keys: ``text`` or ``html`` (one is required), and optionally ``url``,
``title``, ``date``, ``outlet``, ``byline``, ``language``. A bad line is
reported and skipped; the rest of the file is still read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..records import Draft
from .html import html_draft
from .text import ReadContext, content_id, decode_bytes, looks_binary, normalise_newlines

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


def read_jsonl(path: Path, data: bytes, ctx: ReadContext) -> Iterator[Draft]:
    """Each non-blank line is its own article, identified by the hash of the line."""
    if looks_binary(data):
        ctx.skip(str(path), "binary", "binary file, not JSON Lines")
        return
    decoded = decode_bytes(data)
    # split("\n"), not splitlines(): U+2028 may legally sit unescaped inside JSON strings.
    for lineno, line in enumerate(decoded.text.split("\n"), 1):
        line = line.strip()
        if not line:
            continue
        source = f"{path}:{lineno}"
        raw = line.encode("utf-8")
        if len(raw) > ctx.max_article_bytes:
            ctx.skip(source, "too large", f"line {lineno} is {len(raw)} bytes, over max_article_bytes")
            continue
        obj = _parse_line(line, source, lineno, ctx)
        if obj is None:
            continue
        draft = _line_draft(obj, content_id(raw), source)
        if draft is None or not draft.text.strip():
            ctx.skip(source, "empty", f"line {lineno} has no article text (needs a 'text' or 'html' key)")
            continue
        if decoded.warning:
            draft.warnings.append(decoded.warning)
        yield draft
