"""Manifest files: metadata a user supplies for input files.

A scrape often stores the outlet, URL and date beside the text rather than
in it. A manifest maps each file (its path relative to the manifest's
directory, or its bare name) to any of ``outlet``, ``url``, ``date``,
``title`` and ``byline``:

* CSV with a header row: a ``file`` (or ``path``/``filename``) column plus
  field columns (``published``/``source``/``author`` are accepted aliases);
* JSON: ``{"file.txt": {"outlet": ...}, ...}`` or ``[{"file": "file.txt", ...}]``.

An input directory's ``manifest.csv``, ``manifest.json``,
``parallax-manifest.csv`` or ``parallax-manifest.json`` is found
automatically (:func:`find_manifest`); another file can be passed explicitly.

**Manifest values win** over what a reader found in the text: the user
asserted them for this file, while page metadata is often wrong (a syndicated
copy names the original site, a page date is a "last updated" time). Empty
manifest cells change nothing. For a container (JSONL, feed, WARC) every
article read from the file receives the file's values.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..records import Draft, Record

MANIFEST_NAMES = ("manifest.csv", "manifest.json", "parallax-manifest.csv", "parallax-manifest.json")
_LINE_SUFFIX = re.compile(r":\d+$")
_FILE_KEYS = ("file", "path", "filename", "name")
_ALIASES = {
    "outlet": "outlet",
    "source": "outlet",
    "publisher": "outlet",
    "url": "url",
    "link": "url",
    "date": "published",
    "published": "published",
    "title": "title",
    "headline": "title",
    "byline": "byline",
    "author": "byline",
}


@dataclass(slots=True)
class ManifestEntry(Record):
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    title: str | None = None
    byline: str | None = None


@dataclass(slots=True)
class Manifest:
    """Entries keyed by relative path (``/``-separated) under ``root``."""

    root: Path
    entries: dict[str, ManifestEntry]
    path: Path | None = None
    matched: int = 0  # drafts that had an entry: zero means the file column names nothing read

    def lookup(self, source: str) -> ManifestEntry | None:
        """The entry for a draft's source (``file``, or ``file#item`` / ``file:line`` for containers)."""
        file = Path(_container_file(source))
        try:
            rel = file.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            rel = file.as_posix()
        return self.entries.get(rel) or self.entries.get(file.name)

    def apply(self, draft: Draft) -> bool:
        """Set the draft's fields from its entry; True when it had one."""
        entry = self.lookup(draft.source)
        if entry is None:
            return False
        self.matched += 1
        for name in ("outlet", "url", "published", "title", "byline"):
            value = getattr(entry, name)
            if value:
                setattr(draft, name, value)
        return True

    def __len__(self) -> int:
        return len(self.entries)


def _container_file(source: str) -> str:
    name = source.split("#", 1)[0]
    line = _LINE_SUFFIX.search(name)
    if line and not Path(name).exists():
        name = name[: line.start()]
    return name


def find_manifest(directory: str | Path) -> Path | None:
    """The manifest file in an input directory, if it has one."""
    root = Path(directory)
    if not root.is_dir():
        return None
    for name in MANIFEST_NAMES:
        if (root / name).is_file():
            return root / name
    return None


def _entry(row: Mapping[str, Any], where: str) -> tuple[str, ManifestEntry]:
    keys = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
    file = next((str(keys[k]).strip() for k in _FILE_KEYS if keys.get(k)), "")
    if not file:
        raise InputError(f"manifest {where}: a row has no file name (columns: {', '.join(_FILE_KEYS)})")
    fields: dict[str, str] = {}
    for key, value in keys.items():
        name = _ALIASES.get(key)
        if name and isinstance(value, (str, int, float)) and str(value).strip():
            fields.setdefault(name, str(value).strip())
    return Path(file.replace("\\", "/")).as_posix(), ManifestEntry(**fields)


def _rows(path: Path, text: str) -> Iterable[Mapping[str, Any]]:
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"manifest {path} is not valid JSON: {exc.msg} (line {exc.lineno})") from None
        # {"a.txt": {...}} or [{"file": "a.txt", ...}]; anything else is refused, not ignored.
        rows = data
        if isinstance(data, dict):
            rows = [{"file": k, **v} if isinstance(v, dict) else v for k, v in data.items()]
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise InputError(
                f'manifest {path}: expected {{"a.txt": {{"outlet": ...}}}} or [{{"file": "a.txt", ...}}]'
            )
        return rows
    try:
        return list(csv.DictReader(io.StringIO(text)))
    except csv.Error as exc:
        raise InputError(f"manifest {path} is not valid CSV: {exc}") from None


def load_manifest(path: str | Path, root: str | Path | None = None) -> Manifest:
    """Read a CSV or JSON manifest; file names resolve against ``root`` (default: its directory)."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read manifest {file}: {exc}") from None
    entries = dict(_entry(row, str(file)) for row in _rows(file, text))
    return Manifest(root=Path(root) if root is not None else file.parent, entries=entries, path=file)


def apply_manifest(drafts: Iterable[Draft], manifest: Manifest | None) -> Iterator[Draft]:
    """Drafts with manifest values filled in (unchanged when there is no manifest)."""
    for draft in drafts:
        if manifest is not None:
            manifest.apply(draft)
        yield draft


def manifest_for(inputs: Iterable[str | Path], explicit: str | Path | None = None) -> Manifest | None:
    """The explicit manifest, else the first one found in an input directory."""
    if explicit is not None:
        return load_manifest(explicit)
    for raw in inputs:
        found = find_manifest(raw)
        if found is not None:
            return load_manifest(found)
    return None
