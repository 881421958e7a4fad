"""The one storage class: articles, stories and derived records.

SQLite by default (one file, or ``:memory:``), PostgreSQL with a
``postgresql://`` URL. The schema comes from numbered migrations in
``parallax/store/migrations``, tracked in ``schema_migrations``.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ..errors import StoreError
from ..pipeline import Corpus
from ..records import Article, Record, Story
from ..registry import RECORD_FIELDS, Field
from .db import Connection, migrations, split_sql

__all__ = ["Store", "StoreError"]

_CHUNK = 500


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _attr(record: Record, dotted: str) -> Any:
    value: Any = record
    for part in dotted.split("."):
        value = getattr(value, part, None)
    return value


def _owners(spec: Field, articles: Sequence[Article], stories: Sequence[Story]) -> tuple[str, list[str]]:
    """The records-table column that owns a field's rows, and the run's owners of that kind."""
    if spec.scope == "article":
        return "article_id", [a.id for a in articles]
    return "story_id", [s.id for s in stories]


def _load(spec: Field, data: dict[str, Any], owner: str) -> Record:
    # Rows written before a record type carried its owner (timeline events of schema 2) get it from the row.
    if spec.scope == "story" and "." not in spec.owner:
        data.setdefault(spec.owner, owner)
    return spec.record.from_dict(data)


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
        """Write a run's articles, stories and records (every registered field) in one transaction."""
        with self.transaction():
            self.save_articles(corpus.articles)
            self.save_stories(corpus.stories, corpus.by_id())
            for spec in RECORD_FIELDS:
                # A field the run did not produce is left as stored; merged ones only ever add evidence.
                if spec.name in corpus.provided or spec.merge == "by_id":
                    self._save_field(spec, getattr(corpus, spec.name), corpus)

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

    def _save_field(self, spec: Field, records: Sequence[Record], corpus: Corpus) -> None:
        """Replace what the store holds of this field for the run's articles or stories."""
        if spec.merge == "by_id":
            self._save_merged(spec, records)
            return
        column, owners = _owners(spec, corpus.articles, corpus.stories)
        for chunk in _chunks(owners):
            marks = ",".join("?" * len(chunk))
            self.execute(f"DELETE FROM records WHERE kind = ? AND {column} IN ({marks})", (spec.name, *chunk))
        self._insert(spec, records)

    def _save_merged(self, spec: Field, records: Sequence[Record]) -> None:
        # Partitions and incremental runs each see only part of an entity's evidence:
        # fold the new record into the stored one rather than replace it.
        new = spec.merged([], records)
        ids = sorted(spec.id_of(r) for r in new)
        stored = [spec.record.from_dict(d) for d in self._records(spec.name, "id", ids)]
        self._insert(spec, spec.merged(stored, new), upsert=True)

    def _insert(self, spec: Field, records: Iterable[Record], upsert: bool = False) -> None:
        rows = []
        for record in records:
            owner = spec.owner_of(record) if spec.scope != "corpus" else None
            rows.append((
                spec.name,
                spec.id_of(record),
                owner if spec.scope == "story" else None,
                owner if spec.scope == "article" else None,
                json.dumps(record.as_dict(), ensure_ascii=False),
            ))
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
        later = []
        for spec in RECORD_FIELDS:
            if spec.scope == "corpus":
                later.append(spec)
                continue
            column, owners = _owners(spec, corpus.articles, corpus.stories)
            rows = self._records(spec.name, column, owners, with_owner=True)
            setattr(corpus, spec.name, [_load(spec, data, owner) for data, owner in rows])
            corpus.provided.add(spec.name)
        for spec in later:  # the corpus-wide records this story's records refer to
            ids = sorted({str(ref) for name, path in spec.referenced_by for r in getattr(corpus, name)
                          if (ref := _attr(r, path))})
            records = self._records(spec.name, "id", ids)
            setattr(corpus, spec.name, [spec.record.from_dict(d) for d in records])
            corpus.provided.add(spec.name)
        return corpus

    def _records(self, kind: str, column: str, values: Sequence[str], with_owner: bool = False) -> list[Any]:
        """Stored records of one kind whose ``column`` is among ``values`` (with that column's value)."""
        out: list[Any] = []
        for chunk in _chunks(list(values)):
            marks = ",".join("?" * len(chunk))
            rows = self.query(
                f"SELECT data, {column} AS owner FROM records WHERE kind = ? AND {column} IN ({marks})"
                " ORDER BY id",
                (kind, *chunk),
            )
            out += [(json.loads(r["data"]), r["owner"]) if with_owner else json.loads(r["data"])
                    for r in rows]
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
