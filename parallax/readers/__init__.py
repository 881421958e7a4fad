"""Input readers: files and directories to :class:`~parallax.records.Draft` records.

A reader is a function ``(path, data, ctx) -> Iterator[Draft]``. :data:`READERS`
maps a file suffix to a :class:`ReaderSpec`; to support a new format (RSS,
WARC, ...) write the function in its own module and add its suffixes to the
mapping below, or pass an extended mapping as ``readers=`` to :func:`read_path`.
Dispatch itself never needs editing.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from ..errors import InputError, ParallaxError
from ..records import Draft
from .feeds import read_feed
from .html import looks_like_html, read_html
from .jsonl import read_jsonl
from .manifest import MANIFEST_NAMES
from .text import ReadContext, content_id, decode_bytes, looks_binary, read_text
from .warc import read_warc

ReaderFunc = Callable[[Path, bytes, ReadContext], Iterator[Draft]]


@dataclass(slots=True, frozen=True)
class ReaderSpec:
    """A reader and how to apply the size limit: per file, or per item for containers."""

    name: str
    read: ReaderFunc
    container: bool = False  # many articles per file (JSONL, WARC): the byte limit applies per item


_TEXT = ReaderSpec("text", read_text)
_HTML = ReaderSpec("html", read_html)
_JSONL = ReaderSpec("jsonl", read_jsonl, container=True)

READERS: Mapping[str, ReaderSpec] = MappingProxyType(
    {
        ".txt": _TEXT,
        ".text": _TEXT,
        ".md": _TEXT,
        ".markdown": _TEXT,
        ".html": _HTML,
        ".htm": _HTML,
        ".xhtml": _HTML,
        ".jsonl": _JSONL,
        ".ndjson": _JSONL,
        ".rss": ReaderSpec("feed", read_feed, container=True),
        ".atom": ReaderSpec("feed", read_feed, container=True),
        ".xml": ReaderSpec("feed", read_feed, container=True),
        ".warc": ReaderSpec("warc", read_warc, container=True),
    }
)

# Files a directory of articles commonly also holds; read only when named explicitly.
_DOC_STEMS = frozenset({"readme", "license", "licence", "changelog", "notice", "copying", "authors"})

__all__ = [
    "READERS",
    "ReadContext",
    "ReaderFunc",
    "ReaderSpec",
    "content_id",
    "decode_bytes",
    "iter_files",
    "looks_binary",
    "read_file",
    "read_path",
]


def _suffix(path: Path) -> str:
    """The format suffix, looking through a trailing ``.gz``."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return Path(name).suffix


def iter_files(root: Path, exclude: Collection[Path] = ()) -> Iterator[Path]:
    """Article files under ``root`` in sorted order, skipping hidden, documentation and manifest files.

    ``exclude``: resolved paths not to list (an explicit manifest inside the directory).
    """
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).parts
        if any(part.startswith(".") for part in rel) or not path.is_file():
            continue
        name = path.name.lower()
        if name.split(".")[0] in _DOC_STEMS or name in MANIFEST_NAMES:
            continue
        if exclude and path.resolve() in exclude:
            continue
        yield path


_GZIP_STEP = 1 << 14  # compressed bytes fed at a time: at most ~16 MB out per step (deflate's 1032:1)


def gunzip(raw: bytes, limit: int | None = None) -> tuple[bytes, str | None]:
    """Decompress (multi-member) gzip data; on damage, what can be trusted before it and why it stopped.

    Stops once more than ``limit`` bytes are out (None: no limit). Unlike ``gzip.decompress``
    this keeps what precedes a corrupt or cut-off member: a crawl's ``.warc.gz`` (one member
    per record) cut off mid-download still holds whole records before the cut. Past the first
    member only whole members are kept; within it, the bytes before the damage (whole lines
    of a ``.jsonl.gz``, say).
    """
    out = bytearray()
    whole = 0  # bytes out at the end of the last complete member
    view = memoryview(raw)  # members are fed as slices of it: no copy per member of what follows
    start = 0
    while start < len(raw) and (limit is None or len(out) <= limit):
        if raw[start] == 0 and raw.count(0, start) == len(raw) - start:
            break  # zero padding after the last member, which gzip allows
        member = zlib.decompressobj(16 + zlib.MAX_WBITS)
        pos = start
        try:
            while not member.eof and pos < len(raw) and (limit is None or len(out) <= limit):
                out += member.decompress(view[pos : pos + _GZIP_STEP])
                pos = min(pos + _GZIP_STEP, len(raw))
        except zlib.error as exc:
            return bytes(out[:whole] if whole else out), f"corrupt gzip data ({exc})"
        if not member.eof:
            if limit is not None and len(out) > limit:
                break
            return bytes(out[:whole] if whole else out), "gzip data cut off before its end"
        whole = len(out)
        start = pos - len(member.unused_data)
    return bytes(out), None


def _gunzip(path: Path, limit: int | None, ctx: ReadContext) -> bytes | None:
    """A ``.gz`` file's bytes; damaged, a container keeps what came before (``limit`` None)."""
    data, problem = gunzip(path.read_bytes(), limit)
    if problem is None:
        return data
    if limit is not None or not data:
        # One article cut short is not that article: skipped rather than analysed in part.
        ctx.skip(str(path), "unreadable", f"damaged gzip file: {problem}")
        return None
    ctx.warn(str(path), f"damaged gzip file: {problem}; read the {len(data):,} bytes before it")
    return data


def _load_bytes(path: Path, spec: ReaderSpec | None, ctx: ReadContext) -> bytes | None:
    source = str(path)
    limit = ctx.max_article_bytes
    single = spec is None or not spec.container
    try:
        size = path.stat().st_size
        # Compressed or not, a single article whose file is over the limit is over it uncompressed.
        if size > limit and single:
            ctx.skip(source, "too large", f"file is {size} bytes, over max_article_bytes ({limit})")
            return None
        if path.name.lower().endswith(".gz"):
            found = _gunzip(path, limit if single else None, ctx)
            if found is None:
                return None
            data = found
        else:
            data = path.read_bytes()
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        ctx.skip(source, "unreadable", f"cannot read file ({exc.__class__.__name__}: {exc})")
        return None
    if len(data) > limit and single:
        ctx.skip(source, "too large", f"file is over max_article_bytes ({limit}) uncompressed")
        return None
    return data


def read_file(
    path: Path, ctx: ReadContext, readers: Mapping[str, ReaderSpec] = READERS, explicit: bool = True
) -> Iterator[Draft]:
    """Drafts from one file. An explicitly named file of unknown type is sniffed as HTML or text.

    Whatever goes wrong inside costs this file (drafts already yielded are kept), never the run.
    """
    try:
        yield from _read_file(path, ctx, readers, explicit)
    except ParallaxError:
        raise
    except Exception as exc:
        # The drafts are consumed lazily: without this, a failure here would surface in the caller's loop.
        ctx.skip(str(path), "unreadable", f"cannot read file ({exc.__class__.__name__}: {exc})")


def _read_file(
    path: Path, ctx: ReadContext, readers: Mapping[str, ReaderSpec], explicit: bool
) -> Iterator[Draft]:
    spec = readers.get(_suffix(path))
    if spec is None and not explicit:
        ctx.skip(str(path), "unsupported type", f"unsupported file type {_suffix(path) or '(none)'!r}")
        return
    data = _load_bytes(path, spec, ctx)
    if data is None:
        return
    if spec is None:
        spec = _HTML if looks_like_html(data) else _TEXT
    if not data.strip():
        ctx.skip(str(path), "empty", "empty file")
        return
    skips, found = ctx.skipped.total(), 0
    try:
        for draft in spec.read(path, data, ctx):
            found += 1
            yield draft
    except ParallaxError:
        raise
    except Exception as exc:
        # A reader bug or a library choking on hostile bytes costs this file, not the run.
        ctx.skip(str(path), "reader error", f"cannot read as {spec.name} ({exc.__class__.__name__}: {exc})")
        return
    if not found and ctx.skipped.total() == skips:
        ctx.skip(str(path), "no article text", f"no article text found in the {spec.name} file")


def read_path(
    path: str | Path,
    ctx: ReadContext | None = None,
    readers: Mapping[str, ReaderSpec] = READERS,
    exclude: Collection[Path] = (),
) -> Iterator[Draft]:
    """Drafts from a file, or from every supported file under a directory (recursively, sorted).

    ``exclude``: resolved paths a directory walk passes over (see :func:`iter_files`).
    """
    ctx = ctx or ReadContext()
    root = Path(path)
    if not root.exists():
        raise InputError(f"input not found: {path}")
    if root.is_dir():
        for file in iter_files(root, exclude):
            yield from read_file(file, ctx, readers, explicit=False)
    else:
        yield from read_file(root, ctx, readers, explicit=True)
