"""Clean articles on disk while the batch driver works on compact indexes.

The driver's corpus-wide phase needs every article several times (metadata,
dedup, story features, the analysis partitions), but never all of their text
at once. Articles (with the drafts the Outlets stage reads) wait here, in a
SQLite file inside the batch directory, in corpus order; each pass streams
them in chunks or fetches the few it needs. The text reuse Dedup finds
waits here too, as it is found: on a corpus full of wire copies it can
outweigh the articles' features.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path

from ..records import Article, Draft, Reuse
from .layout import record_json

_SCHEMA = (
    "CREATE TABLE articles (pos INTEGER PRIMARY KEY, id TEXT UNIQUE, article TEXT, draft TEXT)",
    "CREATE TABLE reuse (seq INTEGER PRIMARY KEY, source TEXT, target TEXT, data TEXT)",
)
# Built once all reuse is in: cheaper than keeping them up to date row by row.
_REUSE_INDEXES = (
    "CREATE INDEX reuse_source ON reuse (source)",
    "CREATE INDEX reuse_target ON reuse (target)",
)
_CHUNK = 500


class Spill:
    def __init__(self, path: Path):
        self.path = path
        path.unlink(missing_ok=True)  # a killed run's leftovers: the phase starts over
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode = OFF")  # scratch data: rebuilt if the run dies
        self.db.execute("PRAGMA synchronous = OFF")
        for statement in _SCHEMA:
            self.db.execute(statement)
        self.count = 0
        self.reuse_count = 0
        self._indexed = False

    def __len__(self) -> int:
        return self.count

    def add(self, articles: Sequence[Article], drafts: Iterable[Draft]) -> None:
        by_id = {d.id: d for d in drafts}
        rows = []
        for art in articles:
            draft = by_id.get(art.id)
            rows.append((self.count, art.id, _dumps(art), _dumps(draft) if draft else None))
            self.count += 1
        self.db.executemany("INSERT INTO articles VALUES (?, ?, ?, ?)", rows)
        self.db.commit()  # so SQLite's page cache, not the transaction, bounds what stays in memory

    def chunks(self, size: int = _CHUNK) -> Iterator[tuple[list[Article], list[Draft]]]:
        """Articles in corpus order, ``size`` at a time, with their drafts."""
        for start in range(0, self.count, size):
            query = "SELECT article, draft FROM articles WHERE pos >= ? AND pos < ? ORDER BY pos"
            rows = self.db.execute(query, (start, start + size)).fetchall()
            yield (
                [Article.from_dict(json.loads(a)) for a, _ in rows],
                [Draft.from_dict(json.loads(d)) for _, d in rows if d],
            )

    def update(self, articles: Sequence[Article]) -> None:
        """Write back articles a pass changed; their drafts are no longer needed."""
        rows = [(_dumps(a), a.id) for a in articles]
        self.db.executemany("UPDATE articles SET article = ?, draft = NULL WHERE id = ?", rows)
        self.db.commit()

    def text(self, pos: int) -> str:
        """The clean text of the article at ``pos`` (Dedup reads a few sentences of some)."""
        (data,) = self.db.execute("SELECT article FROM articles WHERE pos = ?", (pos,)).fetchone()
        return Article.from_dict(json.loads(data)).text

    def by_ids(self, ids: Sequence[str]) -> list[Article]:
        """Articles by id, in the order asked."""
        found: dict[str, Article] = {}
        for start in range(0, len(ids), _CHUNK):
            part = ids[start : start + _CHUNK]
            marks = ",".join("?" * len(part))
            for aid, data in self.db.execute(f"SELECT id, article FROM articles WHERE id IN ({marks})", part):
                found[aid] = Article.from_dict(json.loads(data))
        return [found[i] for i in ids]

    def add_reuse(self, records: Iterable[Reuse]) -> None:
        """Store reuse records as they come, in order."""
        stream = iter(records)
        while chunk := list(islice(stream, _CHUNK)):
            rows = [(r.source.article_id, r.target.article_id, record_json(r)) for r in chunk]
            self.db.executemany("INSERT INTO reuse (source, target, data) VALUES (?, ?, ?)", rows)
            self.db.commit()
            self.reuse_count += len(rows)

    def reuse_json(self, ids: Sequence[str]) -> list[tuple[str, str]]:
        """(target article id, ``record_json``) of the reuse records with a source or target among
        ``ids``, in the order they were added: written out as they are, never parsed here."""
        if not self._indexed:
            for statement in _REUSE_INDEXES:
                self.db.execute(statement)
            self._indexed = True
        found: dict[int, tuple[str, str]] = {}
        for start in range(0, len(ids), _CHUNK):
            part = list(ids[start : start + _CHUNK])
            marks = ",".join("?" * len(part))
            query = f"SELECT seq, target, data FROM reuse WHERE source IN ({marks}) OR target IN ({marks})"
            found.update((seq, (target, data)) for seq, target, data in self.db.execute(query, part + part))
        return [found[seq] for seq in sorted(found)]

    def close(self) -> None:
        self.db.close()
        self.path.unlink(missing_ok=True)


def _dumps(record: Article | Draft) -> str:
    return json.dumps(record.as_dict(), ensure_ascii=False)
