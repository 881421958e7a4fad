"""The one storage class: articles, stories and derived records.

SQLite by default (one file, or ``:memory:``), PostgreSQL with a
``postgresql://`` URL. The schema comes from numbered migrations in
``parallax/store/migrations``, tracked in ``schema_migrations``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ..errors import StoreError
from ..pipeline import ARTICLE_RECORDS, STORY_RECORDS, Corpus, record_article_id
from ..records import Article, Entity, Record, Story, TimelineEvent
from .db import Connection, migrations, split_sql

__all__ = ["ARTICLE_RECORDS", "STORY_RECORDS", "Store", "StoreError"]

_CHUNK = 500


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _record_id(record: Record) -> str:
    rid = getattr(record, "id", None)
    if isinstance(rid, str) and rid:
        return rid
    payload = json.dumps(record.as_dict(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


class Store:
    def __init__(self, conn: Connection):
        self.conn = conn

    @classmethod
    def open(cls, url: str = "parallax.db", migrate: bool = True) -> Store:
        store = cls(Connection(str(url)))
        if migrate:
            store.migrate()
        return store

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    # -- primitives ---------------------------------------------------------
    def transaction(self) -> Any:
        return self.conn.transaction()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.conn.executemany(sql, rows)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return self.conn.query(sql, params)

    # -- schema -------------------------------------------------------------
    def migrate(self) -> list[int]:
        """Apply pending migrations, each in its own transaction; return those applied."""
        self.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        done = {r["version"] for r in self.query("SELECT version FROM schema_migrations")}
        applied = []
        for version, name, sql in migrations():
            if version in done:
                continue
            with self.transaction():
                for statement in split_sql(sql):
                    self.execute(statement)
                self.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, _now()),
                )
            applied.append(version)
        return applied

    @property
    def schema_version(self) -> int:
        rows = self.query("SELECT MAX(version) AS v FROM schema_migrations")
        return int(rows[0]["v"] or 0)

    # -- writing ------------------------------------------------------------
    def save(self, corpus: Corpus) -> None:
        """Write a run's articles, stories and records in one transaction."""
        with self.transaction():
            self.save_articles(corpus.articles)
            self.save_stories(corpus.stories, corpus.by_id())
            self._save_article_records(corpus)
            self._save_story_records(corpus)
            self._save_entities(corpus.entities)

    def save_articles(self, articles: Iterable[Article]) -> None:
        rows = [
            (
                a.id,
                a.source,
                a.outlet,
                a.title,
                a.byline,
                a.published,
                a.dateline,
                a.language,
                a.url,
                a.format,
                a.text,
                json.dumps(a.as_dict(), ensure_ascii=False),
                _now(),
            )
            for a in articles
        ]
        self.executemany(
            "INSERT INTO articles (id, source, outlet, title, byline, published, dateline, language, url,"
            " format, body, data, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET source = excluded.source, outlet = excluded.outlet,"
            " title = excluded.title, byline = excluded.byline, published = excluded.published,"
            " dateline = excluded.dateline, language = excluded.language, url = excluded.url,"
            " format = excluded.format, body = excluded.body, data = excluded.data",
            rows,
        )

    def save_stories(self, stories: Iterable[Story], articles: dict[str, Article]) -> None:
        for story in stories:
            outlets = {articles[i].label for i in story.article_ids if i in articles}
            self.execute(
                "INSERT INTO stories (id, title, first_published, last_published, n_articles, n_outlets,"
                " data, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                " title = excluded.title, first_published = excluded.first_published,"
                " last_published = excluded.last_published, n_articles = excluded.n_articles,"
                " n_outlets = excluded.n_outlets, data = excluded.data, updated_at = excluded.updated_at",
                (
                    story.id,
                    story.title,
                    story.first_published,
                    story.last_published,
                    len(story.article_ids),
                    max(len(outlets), 1),
                    json.dumps(story.as_dict()),
                    _now(),
                ),
            )
            # An article belongs to one story: moving it removes the old link.
            for chunk in _chunks(story.article_ids):
                marks = ",".join("?" * len(chunk))
                self.execute(f"DELETE FROM story_articles WHERE article_id IN ({marks})", chunk)
            self.executemany(
                "INSERT INTO story_articles (story_id, article_id) VALUES (?, ?)",
                [(story.id, aid) for aid in story.article_ids],
            )

    def _save_article_records(self, corpus: Corpus) -> None:
        ids = [a.id for a in corpus.articles]
        for kind in ARTICLE_RECORDS:
            if kind not in corpus.provided:
                continue
            for chunk in _chunks(ids):
                marks = ",".join("?" * len(chunk))
                self.execute(
                    f"DELETE FROM records WHERE kind = ? AND article_id IN ({marks})", (kind, *chunk)
                )
            self._insert(kind, [(r, None, record_article_id(kind, r)) for r in getattr(corpus, kind)])

    def _save_story_records(self, corpus: Corpus) -> None:
        story_ids = [s.id for s in corpus.stories]
        kinds = [k for k in (*STORY_RECORDS, "timeline") if k in corpus.provided]
        for kind in kinds:
            for chunk in _chunks(story_ids):
                marks = ",".join("?" * len(chunk))
                self.execute(f"DELETE FROM records WHERE kind = ? AND story_id IN ({marks})", (kind, *chunk))
            if kind == "timeline":
                items = [(ev, sid, None) for sid, evs in corpus.timeline.items() for ev in evs]
            else:
                items = [(r, r.story_id, None) for r in getattr(corpus, kind)]  # type: ignore[attr-defined]
            self._insert(kind, items)

    def _save_entities(self, entities: Iterable[Entity]) -> None:
        # Partitions and incremental runs each see only part of an entity's evidence:
        # fold the new record into the stored one rather than replace it.
        merged: dict[str, Entity] = {}
        for ent in entities:
            merged[ent.id] = merged[ent.id].merged(ent) if ent.id in merged else ent
        stored = self._records("entities", "id", sorted(merged))
        for data in stored:
            old = Entity.from_dict(data)
            if old.id in merged:
                merged[old.id] = old.merged(merged[old.id])
        self._insert("entities", [(e, None, None) for e in merged.values()], upsert=True)

    def _insert(
        self, kind: str, items: Iterable[tuple[Record, str | None, str | None]], upsert: bool = False
    ) -> None:
        rows = []
        for record, story_id, article_id in items:
            rid = _record_id(record)
            if kind == "timeline":
                rid = f"{story_id}:{rid}"
            rows.append((kind, rid, story_id, article_id, json.dumps(record.as_dict(), ensure_ascii=False)))
        conflict = "DO UPDATE SET data = excluded.data" if upsert else "DO NOTHING"
        self.executemany(
            "INSERT INTO records (kind, id, story_id, article_id, data) VALUES (?, ?, ?, ?, ?)"
            f" ON CONFLICT (kind, id) {conflict}",
            rows,
        )

    # -- reading ------------------------------------------------------------
    def count(self, table: str) -> int:
        if table not in ("articles", "stories", "records", "runs"):
            raise StoreError(f"unknown table {table!r}")
        return int(self.query(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"])

    def articles(self, ids: Sequence[str] | None = None) -> list[Article]:
        if ids is None:
            rows = self.query("SELECT data FROM articles ORDER BY published, id")
        else:
            rows = []
            for chunk in _chunks(list(ids)):
                marks = ",".join("?" * len(chunk))
                rows += self.query(f"SELECT data FROM articles WHERE id IN ({marks})", chunk)
        return [Article.from_dict(json.loads(r["data"])) for r in rows]

    def article_ids(self) -> set[str]:
        return {r["id"] for r in self.query("SELECT id FROM articles")}

    def stories(
        self, search: str | None = None, sort: str = "coverage", limit: int | None = None
    ) -> list[Story]:
        order = {
            "coverage": "n_outlets DESC, n_articles DESC, last_published DESC",
            "date": "last_published DESC, n_outlets DESC",
            "title": "title ASC",
        }.get(sort)
        if order is None:
            raise StoreError(f"unknown sort {sort!r}: use coverage, date or title")
        sql, params = "SELECT data FROM stories", []
        if search:
            sql += (
                " WHERE LOWER(title) LIKE ? OR id IN (SELECT sa.story_id FROM story_articles sa"
                " JOIN articles a ON a.id = sa.article_id"
                " WHERE LOWER(a.body) LIKE ? OR LOWER(a.outlet) LIKE ?)"
            )
            pattern = f"%{search.lower()}%"
            params = [pattern, pattern, pattern]
        sql += f" ORDER BY {order}, id"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [Story.from_dict(json.loads(r["data"])) for r in self.query(sql, params)]

    def story(self, story_id: str) -> Story | None:
        rows = self.query("SELECT data FROM stories WHERE id = ?", (story_id,))
        return Story.from_dict(json.loads(rows[0]["data"])) if rows else None

    def load_story(self, story_id: str) -> Corpus:
        """A Corpus holding one story, its articles and every stored record about them."""
        story = self.story(story_id)
        if story is None:
            raise StoreError(f"no story with id {story_id!r}")
        corpus = Corpus(stories=[story], articles=self.articles(story.article_ids))
        corpus.provided |= {"articles", "articles.metadata", "stories"}
        for kind, (cls, _) in ARTICLE_RECORDS.items():
            records = self._records(kind, "article_id", story.article_ids)
            setattr(corpus, kind, [cls.from_dict(d) for d in records])
        for kind, cls in STORY_RECORDS.items():
            records = self._records(kind, "story_id", [story_id])
            setattr(corpus, kind, [cls.from_dict(d) for d in records])
        corpus.timeline = {
            story_id: [TimelineEvent.from_dict(d) for d in self._records("timeline", "story_id", [story_id])]
        }
        entity_ids = sorted({m.entity_id for m in corpus.mentions if m.entity_id})
        corpus.entities = [Entity.from_dict(d) for d in self._records("entities", "id", entity_ids)]
        corpus.provided |= set(ARTICLE_RECORDS) | set(STORY_RECORDS) | {"timeline", "entities"}
        return corpus

    def _records(self, kind: str, column: str, values: Sequence[str]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for chunk in _chunks(list(values)):
            marks = ",".join("?" * len(chunk))
            rows = self.query(
                f"SELECT data FROM records WHERE kind = ? AND {column} IN ({marks}) ORDER BY id",
                (kind, *chunk),
            )
            out += [json.loads(r["data"]) for r in rows]
        return out

    # -- runs ---------------------------------------------------------------
    @contextmanager
    def run(self, inputs: Sequence[str]) -> Iterator[dict[str, Any]]:
        """Record a run; the summary dict the caller fills is stored when it ends."""
        run_id = uuid.uuid4().hex[:16]
        self.execute(
            "INSERT INTO runs (id, started_at, inputs) VALUES (?, ?, ?)",
            (run_id, _now(), json.dumps(list(inputs))),
        )
        summary: dict[str, Any] = {"run_id": run_id}
        try:
            yield summary
        finally:
            self.execute(
                "UPDATE runs SET finished_at = ?, summary = ? WHERE id = ?",
                (_now(), json.dumps(summary, default=str), run_id),
            )
