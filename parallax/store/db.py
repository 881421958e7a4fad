"""Connection layer: SQLite (default) or PostgreSQL, one placeholder style.

SQL in Parallax is written with ``?`` placeholders and portable types; the
PostgreSQL connection rewrites placeholders to ``%s``.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import StoreError

_PLACEHOLDER = re.compile(r"\?")
_MIGRATION = re.compile(r"^(\d{3})_(\w+)\.sql$")


def migrations() -> list[tuple[int, str, str]]:
    """The packaged migrations as (version, name, sql), in order."""
    found = []
    for entry in resources.files("parallax.store").joinpath("migrations").iterdir():
        match = _MIGRATION.match(entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    return sorted(found)


def split_sql(script: str) -> list[str]:
    lines = [ln for ln in script.splitlines() if not ln.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


class Connection:
    """A thin DB-API wrapper with dict rows and nested-safe transactions."""

    def __init__(self, url: str):
        self.url = url
        self.is_postgres = url.startswith(("postgresql://", "postgres://"))
        self._depth = 0
        self._errors: tuple[type[BaseException], ...] = (sqlite3.Error,)
        if self.is_postgres:
            import psycopg

            self._errors = (psycopg.Error,)
        self._raw: Any = self._connect_postgres(url) if self.is_postgres else self._connect_sqlite(url)

    @staticmethod
    def _connect_sqlite(url: str) -> sqlite3.Connection:
        path = url.removeprefix("sqlite:///")
        if path != ":memory:":
            parent = Path(path).expanduser().resolve().parent
            if not parent.is_dir():
                raise StoreError(f"cannot create database {path}: directory {parent} does not exist")
        try:
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA foreign_keys = ON")
            if path != ":memory:":
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open database {path}: {exc}") from None
        # SQLite's LOWER() folds ASCII only; searches must match "À" as PostgreSQL does.
        conn.create_function("LOWER", 1, lambda s: s.lower() if isinstance(s, str) else s, deterministic=True)
        conn.row_factory = sqlite3.Row
        return conn

    @staticmethod
    def _connect_postgres(url: str) -> Any:
        try:
            import psycopg
        except ImportError:
            raise StoreError("PostgreSQL support needs psycopg: pip install 'psycopg[binary]'") from None
        try:
            return psycopg.connect(url, autocommit=True)
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to {url.split('@')[-1]}: {exc}".splitlines()[0]) from None

    def _sql(self, sql: str) -> str:
        return _PLACEHOLDER.sub("%s", sql) if self.is_postgres else sql

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing; nested calls join the outer transaction."""
        if self._depth == 0:
            self._raw.execute("BEGIN")
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self._raw.execute("ROLLBACK")
            raise
        self._depth -= 1
        if self._depth == 0:
            self._raw.execute("COMMIT")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._run(sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        try:
            if self.is_postgres:
                with self._raw.cursor() as cur:
                    cur.executemany(self._sql(sql), rows)
            else:
                self._raw.executemany(sql, rows)
        except self._errors as exc:
            raise StoreError(f"database write failed: {exc}") from exc

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self._run(sql, params)
        if self.is_postgres:
            cols = [d.name for d in cur.description or ()]
            return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
        return [dict(row) for row in cur.fetchall()]

    def _run(self, sql: str, params: Sequence[Any]) -> Any:
        try:
            if self.is_postgres:
                cur = self._raw.cursor()
                cur.execute(self._sql(sql), tuple(params))
                return cur
            return self._raw.execute(sql, tuple(params))
        except self._errors as exc:
            raise StoreError(f"database error: {exc}") from exc

    def close(self) -> None:
        self._raw.close()
