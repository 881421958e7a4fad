"""Turning a batch partition's Parquet rows back into records for the store."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..pipeline import Corpus
from ..records import Entity, Issue, Record, TimelineEvent
from . import layout


def _types() -> dict[str, type[Record]]:
    from ..pipeline import ARTICLE_RECORDS, STORY_RECORDS

    kinds: dict[str, type[Record]] = {kind: cls for kind, (cls, _) in ARTICLE_RECORDS.items()}
    kinds.update(STORY_RECORDS)
    kinds["entities"] = Entity
    kinds["issues"] = Issue
    return kinds


def attach_records(corpus: Corpus, rows: Iterable[Mapping[str, Any]]) -> None:
    """Set the corpus fields from (kind, story id, JSON) rows; unknown kinds are ignored."""
    types = _types()
    lists: dict[str, list[Record]] = {}
    timeline: dict[str, list[TimelineEvent]] = {}
    for row in rows:
        kind, data = row["kind"], json.loads(row["data"])
        if kind == "timeline":
            timeline.setdefault(row["story_id"], []).append(TimelineEvent.from_dict(data))
        elif kind in types:
            lists.setdefault(kind, []).append(types[kind].from_dict(data))
    for kind, records in lists.items():
        setattr(corpus, kind, records)
    if timeline:
        corpus.timeline = timeline


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
