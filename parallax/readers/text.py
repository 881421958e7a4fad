"""Plain-text and Markdown reader, plus the byte handling every reader shares.

Scraped files arrive in whatever encoding the scraper wrote, so decoding
tries the encodings news text is actually found in, most specific first, and
records which fallback it used instead of failing or silently mangling text.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..records import Draft

log = logging.getLogger(__name__)

# UTF-32 before UTF-16: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SNIFF_BYTES = 8192
_CONTROL_SHARE = 0.1  # text files carry almost no C0 control bytes
_ALLOWED_CONTROLS = frozenset(b"\t\n\r\f\v\x1b")


def _log_warning(source: str, message: str) -> None:
    log.warning("%s: %s", source, message)


@dataclass(slots=True)
class ReadContext:
    """What readers need from the caller: where to report, and the size limit.

    ``skipped`` counts skip reasons (``"empty"``, ``"binary"``, ...) so that the
    caller can say why a directory yielded no article.
    """

    warn: Callable[[str, str], None] = _log_warning
    max_article_bytes: int = 20_000_000
    skipped: Counter[str] = field(default_factory=Counter)

    def skip(self, source: str, reason: str, detail: str = "") -> None:
        self.skipped[reason] += 1
        self.warn(source, f"skipped: {detail or reason}")


@dataclass(slots=True, frozen=True)
class Decoded:
    text: str
    encoding: str
    warning: str | None = None


def content_id(data: bytes) -> str:
    """Stable id of an input: re-reading the same bytes gives the same article id."""
    return hashlib.sha256(data).hexdigest()[:16]


def _bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def looks_wide(data: bytes) -> bool:
    """True for UTF-16/UTF-32 text (by its BOM): NUL bytes there are text, not binary."""
    return _bom_encoding(data) in ("utf-16", "utf-32")


def looks_binary(data: bytes) -> bool:
    """True for images, archives, PDFs...: NUL bytes or many control bytes."""
    if looks_wide(data):
        return False
    head = data[:_SNIFF_BYTES]
    if not head:
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 0x20 and b not in _ALLOWED_CONTROLS)
    return controls / len(head) > _CONTROL_SHARE


def _known_encoding(name: str) -> str | None:
    # Pages declare misspelt or invented charsets; those are ignored, not fatal.
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return None


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Decode with BOM sniffing, then strict UTF-8, the declared charset, cp1252, latin-1."""
    bom = _bom_encoding(data)
    if bom is not None:
        try:
            return Decoded(data.decode(bom), bom)
        except UnicodeDecodeError:
            pass  # a stray BOM-like prefix: fall through to the ordinary chain
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    candidates = [declared] if declared and _known_encoding(declared) not in (None, "utf-8") else []
    for encoding in [*candidates, "cp1252"]:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        return Decoded(text, encoding, f"not valid UTF-8, decoded as {encoding}")
    # latin-1 maps every byte, so this cannot fail.
    return Decoded(data.decode("latin-1"), "latin-1", "not valid UTF-8 or cp1252, decoded as latin-1")


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n(?:---|\.\.\.)\n", re.S)
_FRONT_FIELD = re.compile(r"^(title|date|author|byline|url|outlet|source)\s*:\s*(.+?)\s*$", re.M | re.I)
_MD_RULES = (
    (re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", re.M), r"\1"),  # heading markers
    (re.compile(r"^\s{0,3}>\s?", re.M), ""),  # blockquote markers
    (re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$", re.M), ""),  # horizontal rules
    (re.compile(r"^\s{0,3}[-*+]\s+", re.M), ""),  # bullet markers
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images carry no reporting
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links keep their text
    (re.compile(r"(\*\*|__)(\S(?:.*?\S)?)\1"), r"\2"),  # strong emphasis
    (re.compile(r"(?<![\w*])\*(\S(?:[^*]*?\S)?)\*(?![\w*])"), r"\1"),  # emphasis
)


def strip_markdown(text: str) -> tuple[str, dict[str, str]]:
    """Remove Markdown syntax (not words) and return YAML front-matter fields."""
    meta: dict[str, str] = {}
    front = _FRONT_MATTER.match(text)
    if front:
        for key, value in _FRONT_FIELD.findall(front.group(1)):
            meta.setdefault(key.lower(), value.strip("\"'"))
        text = text[front.end() :]
    for pattern, repl in _MD_RULES:
        text = pattern.sub(repl, text)
    return text, meta


def read_text(path: Path, data: bytes, ctx: ReadContext) -> Iterator[Draft]:
    """One plain-text (or Markdown) file is one article."""
    source = str(path)
    if looks_binary(data):
        ctx.skip(source, "binary", "binary file, not text")
        return
    decoded = decode_bytes(data)
    text = normalise_newlines(decoded.text)
    meta: dict[str, str] = {}
    markdown = path.suffix.lower() in (".md", ".markdown")
    if markdown:
        text, meta = strip_markdown(text)
    if not text.strip():
        ctx.skip(source, "empty", "empty file")
        return
    yield Draft(
        id=content_id(data),
        source=source,
        format="markdown" if markdown else "text",
        text=text,
        url=meta.get("url"),
        title=meta.get("title"),
        byline=meta.get("author") or meta.get("byline"),
        published=meta.get("date"),
        outlet=meta.get("outlet") or meta.get("source"),
        warnings=[decoded.warning] if decoded.warning else [],
    )
