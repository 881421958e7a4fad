"""Turning a batch partition's Parquet rows back into records for the store."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..pipeline import Corpus
from ..records import Record
from ..registry import BY_NAME
from . import layout


def attach_records(corpus: Corpus, rows: Iterable[Mapping[str, Any]]) -> None:
    """Set the corpus fields from (kind, story id, JSON) rows; unregistered kinds are ignored."""
    lists: dict[str, list[Record]] = {}
    for row in rows:
        spec = BY_NAME.get(row["kind"])
        if spec is None:
            continue
        data = json.loads(row["data"])
        if spec.scope == "story" and "." not in spec.owner:
            data.setdefault(spec.owner, row["story_id"])
        lists.setdefault(spec.name, []).append(spec.record.from_dict(data))
    for kind, records in lists.items():
        setattr(corpus, kind, records)


def save_index(store: Any, directory: Path) -> None:
    """Persist the partition's story-index rows, so later ``analyze`` runs extend these stories."""
    from ..store.story_index import IndexEntry, StoryIndex

    rows = layout.read_rows(directory / "index.parquet")
    if not rows:
        return
    vectors = [np.frombuffer(r["vector"], dtype="<f4") for r in rows]
    embedder = _embedder_name(directory)
    index = StoryIndex(len(vectors[0]), embedder)
    for row, vec in zip(rows, vectors, strict=True):
        entry = IndexEntry(
            row["article_id"],
            row["story_id"],
            row["published"],
            row["title"] or "",
            json.loads(row["entities"]),
        )
        index.add(entry, vec)
    index.save(store)


def _embedder_name(directory: Path) -> str:
    marker = layout.read_json(directory.parent.parent / "cluster.done")
    return str(marker["notes"]["embedder"])
