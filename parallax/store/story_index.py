"""The state incremental story clustering keeps between runs.

A :class:`StoryIndex` holds, per clustered article, its embedding, story id,
publication date, entity keys and title, plus an in-memory ANN index
(usearch HNSW) over the vectors, so placing a new article costs a
near-logarithmic search instead of a pass over every stored article. It works
purely in memory; :meth:`StoryIndex.load` / :meth:`StoryIndex.save` persist it
through the ``story_index`` table (migration 002).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from usearch.index import Index

from ..errors import StoreError
from ..records import Record


@dataclass(slots=True)
class IndexEntry(Record):
    article_id: str
    story_id: str
    published: str | None = None
    title: str = ""
    entities: list[str] = field(default_factory=list)


def day_number(published: str | None) -> int | None:
    """Proleptic ordinal of an ISO date's day, or None when it cannot be read."""
    if not published or len(published) < 10:
        return None
    try:
        return dt.date.fromisoformat(published[:10]).toordinal()
    except ValueError:
        return None


class StoryIndex:
    """Per-article vectors and story assignments with an ANN index over them."""

    def __init__(self, dim: int = 0, embedder: str = ""):
        self.dim = dim
        self.embedder = embedder
        self._dirty: list[str] = []  # added since load, written by the next save()
        self.entries: list[IndexEntry] = []
        self.days: list[int | None] = []
        self.entity_sets: list[frozenset[str]] = []
        self.positions: dict[str, int] = {}
        self.members: dict[str, list[int]] = {}
        self._vectors = np.zeros((64, dim), dtype=np.float32)
        self._ann = Index(ndim=dim, metric="cos", dtype="f32")

    def ensure(self, dim: int, embedder: str) -> None:
        """Fix the embedder of an index loaded empty; refuse one built with another embedder."""
        if self.entries and (dim, embedder) != (self.dim, self.embedder):
            raise StoreError(
                f"the stored story index was built with the {self.embedder} embedder; "
                f"run with embedder={self.embedder} or use a fresh database"
            )
        if not self.entries and (dim, embedder) != (self.dim, self.embedder):
            self.__init__(dim, embedder)  # type: ignore[misc]

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self.positions

    def vector(self, pos: int) -> np.ndarray:
        return self._vectors[pos]

    def reserve(self, extra: int) -> None:
        """Room for ``extra`` more articles in one step, not by doubling (which copies, and overshoots)."""
        need = len(self.entries) + extra
        if need > len(self._vectors):
            grown = np.zeros((need, self.dim), dtype=np.float32)
            grown[: len(self.entries)] = self._vectors[: len(self.entries)]
            self._vectors = grown

    def add(self, entry: IndexEntry, vector: np.ndarray) -> int:
        if entry.article_id in self.positions:
            return self.positions[entry.article_id]
        pos = len(self.entries)
        if pos == len(self._vectors):
            grown = np.zeros((2 * pos, self.dim), dtype=np.float32)
            grown[:pos] = self._vectors
            self._vectors = grown
        self._vectors[pos] = vector
        self._ann.add(pos, np.asarray(vector, dtype=np.float32))
        self.entries.append(entry)
        self.days.append(day_number(entry.published))
        self.entity_sets.append(frozenset(entry.entities))
        self.positions[entry.article_id] = pos
        self.members.setdefault(entry.story_id, []).append(pos)
        self._dirty.append(entry.article_id)
        return pos

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Up to ``k`` nearest indexed articles as (position, cosine similarity)."""
        if not self.entries:
            return []
        found = self._ann.search(np.asarray(vector, dtype=np.float32), min(k, len(self.entries)))
        return [(int(key), 1.0 - float(dist)) for key, dist in zip(found.keys, found.distances, strict=True)]

    def story_of(self, article_id: str) -> str | None:
        pos = self.positions.get(article_id)
        return None if pos is None else self.entries[pos].story_id

    def story_article_ids(self, story_id: str) -> list[str]:
        return [self.entries[p].article_id for p in self.members.get(story_id, [])]

    # -- persistence --------------------------------------------------------
    @classmethod
    def load(cls, store: Any, dim: int | None = None, embedder: str | None = None) -> StoryIndex:
        """Rebuild the index from the store's rows made with ``embedder`` (default: the stored one)."""
        if embedder is None:
            found = store.query(
                "SELECT embedder, COUNT(*) AS n FROM story_index GROUP BY embedder ORDER BY n DESC"
            )
            if not found:
                return cls()  # empty; Stories fixes dim and embedder on first use
            embedder = str(found[0]["embedder"])
        rows = store.query(
            "SELECT article_id, story_id, published, title, entities, vector FROM story_index "
            "WHERE embedder = ? ORDER BY published, article_id",
            (embedder,),
        )
        index = cls(dim or 0, embedder)
        for row in rows:
            vec = np.frombuffer(base64.b64decode(row["vector"]), dtype="<f4")
            if not index.dim:
                index.__init__(len(vec), embedder)  # type: ignore[misc]
            if len(vec) != index.dim:
                raise StoreError(
                    f"story index vectors have {len(vec)} dimensions, the {embedder} embedder {index.dim}"
                )
            entry = IndexEntry(
                article_id=row["article_id"],
                story_id=row["story_id"],
                published=row["published"],
                title=row["title"] or "",
                entities=json.loads(row["entities"]),
            )
            index.add(entry, vec)
        index._dirty = []
        return index

    def save(self, store: Any, article_ids: Iterable[str] | None = None) -> None:
        """Write the given articles (default: those added since load or the last save)."""
        ids: Sequence[str] = list(self._dirty) if article_ids is None else list(article_ids)
        rows = []
        for aid in ids:
            pos = self.positions[aid]
            e = self.entries[pos]
            blob = base64.b64encode(self._vectors[pos].astype("<f4").tobytes()).decode("ascii")
            rows.append((e.article_id, e.story_id, self.embedder, e.published, e.title,
                         json.dumps(e.entities, ensure_ascii=False), blob))
        if not rows:
            return
        with store.transaction():
            for chunk in range(0, len(rows), 500):
                part = rows[chunk : chunk + 500]
                marks = ",".join("?" * len(part))
                store.execute(f"DELETE FROM story_index WHERE article_id IN ({marks})", [r[0] for r in part])
                store.executemany(
                    "INSERT INTO story_index (article_id, story_id, embedder, published, title, entities, "
                    "vector) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    part,
                )
        if article_ids is None:
            self._dirty = []
