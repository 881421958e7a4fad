"""Consistency check of a store: dangling links, orphans, and spans out of range.

A run writes everything in one transaction, so a crash or a kill must leave
either the old state or the new one. :func:`check_store` verifies that on the
data itself (after a crash, a migration or a hand edit): every link points to
rows that exist, every article belongs to exactly one story, every story's
stored article list matches its links, and every span of a derived record
lies inside its article's text. It only reads.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

from . import Store

_MAX_PER_KIND = 20  # a broken store can have thousands of problems of one kind: report a sample


def check_store(store: Store) -> list[str]:
    """Problems found in ``store``, one line each; an empty list means it is consistent."""
    problems: list[str] = []
    for check in (_integrity, _links, _memberships, _story_lists, _records, _story_index):
        problems += _capped(list(check(store)))
    return problems


def _capped(found: list[str]) -> list[str]:
    if len(found) <= _MAX_PER_KIND:
        return found
    return [*found[:_MAX_PER_KIND], f"... and {len(found) - _MAX_PER_KIND} more like the above"]


def _integrity(store: Store) -> Iterator[str]:
    if store.conn.is_postgres:
        return
    for row in store.query("PRAGMA integrity_check"):
        value = next(iter(row.values()))
        if value != "ok":
            yield f"sqlite integrity: {value}"


def _links(store: Store) -> Iterator[str]:
    rows = store.query(
        "SELECT sa.story_id, sa.article_id FROM story_articles sa"
        " LEFT JOIN articles a ON a.id = sa.article_id WHERE a.id IS NULL"
    )
    for r in rows:
        yield f"story {r['story_id']} links missing article {r['article_id']}"
    rows = store.query(
        "SELECT sa.story_id, sa.article_id FROM story_articles sa"
        " LEFT JOIN stories s ON s.id = sa.story_id WHERE s.id IS NULL"
    )
    for r in rows:
        yield f"article {r['article_id']} is linked to missing story {r['story_id']}"


def _memberships(store: Store) -> Iterator[str]:
    counts = Counter(r["article_id"] for r in store.query("SELECT article_id FROM story_articles"))
    for aid in sorted(a for a, n in counts.items() if n > 1):
        yield f"article {aid} belongs to {counts[aid]} stories"
    for aid in sorted(store.article_ids() - set(counts)):
        yield f"article {aid} belongs to no story"


def _story_lists(store: Store) -> Iterator[str]:
    links: dict[str, set[str]] = defaultdict(set)
    for r in store.query("SELECT story_id, article_id FROM story_articles"):
        links[r["story_id"]].add(r["article_id"])
    for r in store.query("SELECT id, n_articles, data FROM stories ORDER BY id"):
        listed = set(_json(r["data"]).get("article_ids") or [])
        linked = links.get(r["id"], set())
        if not linked:
            yield f"story {r['id']} has no articles"
        elif listed != linked:
            yield (f"story {r['id']} lists {len(listed)} articles but {len(linked)} are linked to it"
                   f" ({len(listed - linked)} not linked, {len(linked - listed)} unlisted)")
        elif int(r["n_articles"]) != len(linked):
            yield f"story {r['id']} counts {r['n_articles']} articles but has {len(linked)}"


def _records(store: Store) -> Iterator[str]:
    # Python's len, not SQL LENGTH: SQLite stops counting text at a NUL character.
    lengths = {r["id"]: len(r["body"]) for r in store.query("SELECT id, body FROM articles")}
    stories = {r["id"] for r in store.query("SELECT id FROM stories")}
    for r in store.query("SELECT kind, id, story_id, article_id, data FROM records ORDER BY kind, id"):
        where = f"{r['kind']} record {r['id']}"
        if r["article_id"] is not None and r["article_id"] not in lengths:
            yield f"{where} points to missing article {r['article_id']}"
        if r["story_id"] is not None and r["story_id"] not in stories:
            yield f"{where} points to missing story {r['story_id']}"
        data = _json(r["data"])
        if not data:
            yield f"{where} holds no valid JSON object"
            continue
        yield from _span_problems(where, data, lengths)


def _span_problems(where: str, data: Any, lengths: dict[str, int]) -> Iterator[str]:
    for span in _spans(data):
        aid, end = span.get("article_id"), span.get("end")
        if aid not in lengths:
            yield f"{where} cites missing article {aid}"
        elif not isinstance(end, int) or end > lengths[aid]:
            yield f"{where} cites {aid}:{span.get('start')}-{end}, past the end of its text ({lengths[aid]})"


def _spans(value: Any) -> Iterator[dict[str, Any]]:
    """Every Span-shaped dict nested anywhere in a record's JSON."""
    if isinstance(value, dict):
        if {"article_id", "start", "end"} <= value.keys():
            yield value
        for item in value.values():
            yield from _spans(item)
    elif isinstance(value, list):
        for item in value:
            yield from _spans(item)


def _story_index(store: Store) -> Iterator[str]:
    tables = _tables(store)
    if "story_index" not in tables:
        return
    articles = store.article_ids()
    links = store.query("SELECT story_id, article_id FROM story_articles")
    membership = {r["article_id"]: r["story_id"] for r in links}
    for r in store.query("SELECT article_id, story_id FROM story_index ORDER BY article_id"):
        if r["article_id"] not in articles:
            yield f"story index holds missing article {r['article_id']}"
        elif membership.get(r["article_id"]) not in (None, r["story_id"]):
            yield (f"story index puts article {r['article_id']} in story {r['story_id']},"
                   f" the store in {membership[r['article_id']]}")


def _tables(store: Store) -> set[str]:
    if store.conn.is_postgres:
        rows = store.query(
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()"
        )
    else:
        rows = store.query("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {r["name"] for r in rows}


def _json(text: str | None) -> Any:
    try:
        value = json.loads(text or "")
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}
