"""Outlets as seen across the store: who is in it, and one outlet's habits over its stories.

Habits are counted from what earlier runs stored: how often the outlet has
facts no other outlet reports (claim groups of kind ``exclusive``), how often
it carries wire copy (``Article.wire``, or a whole-article duplicate of an
earlier article from another outlet), and how often it uses loaded terms
(framing signals of kind ``loaded``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import ParallaxError
from ..records import Record
from ..store import Store
from .registry import OutletEntry, Registry, normalise_name

UNKNOWN = "unknown"
_CHUNK = 500


class UnknownOutletError(ParallaxError):
    """A name that is neither in the registry nor on any stored article."""


@dataclass(slots=True)
class OutletRow(Record):
    name: str
    articles: int
    stories: int
    registered: bool
    country: str = ""
    type: str = ""
    owner: str = ""


@dataclass(slots=True)
class StoryRef(Record):
    id: str
    title: str
    articles: int
    outlets: int
    first_published: str | None = None


@dataclass(slots=True)
class OutletProfile(Record):
    name: str
    entry: OutletEntry | None
    articles: int = 0
    stories: list[StoryRef] = field(default_factory=list)
    claim_groups: int = 0  # claim groups the outlet's articles belong to
    exclusive_groups: int = 0
    stories_with_exclusive: int = 0
    wire_articles: int = 0  # articles carrying wire copy or duplicating another outlet's article
    wires: dict[str, int] = field(default_factory=dict)  # agency (or copied outlet) -> articles
    loaded_terms: int = 0
    loaded_articles: int = 0
    top_loaded: dict[str, int] = field(default_factory=dict)

    @property
    def exclusive_rate(self) -> float:
        return self.exclusive_groups / self.claim_groups if self.claim_groups else 0.0


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def _query_in(
    store: Store, sql: str, values: Sequence[str], params: Sequence[Any] = ()
) -> list[dict[str, Any]]:
    """Run ``sql`` (with one ``{marks}`` placeholder list) over ``values`` in chunks."""
    rows: list[dict[str, Any]] = []
    for chunk in _chunks(list(values)):
        rows += store.query(sql.format(marks=",".join("?" * len(chunk))), (*params, *chunk))
    return rows


# ---------------------------------------------------------------- list


def list_outlets(store: Store, registry: Registry, include_all: bool = False) -> list[OutletRow]:
    """Outlets named by stored articles with their counts; the whole registry too when ``include_all``."""
    rows = store.query(
        "SELECT a.outlet AS outlet, COUNT(DISTINCT a.id) AS articles, COUNT(DISTINCT sa.story_id) AS stories"
        " FROM articles a LEFT JOIN story_articles sa ON sa.article_id = a.id GROUP BY a.outlet"
    )
    out: dict[str, OutletRow] = {}
    for row in rows:
        name = row["outlet"] or UNKNOWN
        entry = registry.get(row["outlet"])
        key = entry.name if entry else name
        have = out.get(key) or _row(key, entry)
        have.articles += int(row["articles"])
        have.stories += int(row["stories"])
        out[key] = have
    if include_all:
        for entry in registry:
            out.setdefault(entry.name, _row(entry.name, entry))
    return _sorted(out.values())


def registry_rows(registry: Registry) -> list[OutletRow]:
    """Every registry entry, with no articles (for listing without a store)."""
    return _sorted(_row(e.name, e) for e in registry)


def _sorted(rows: Iterable[OutletRow]) -> list[OutletRow]:
    return sorted(rows, key=lambda r: (r.name == UNKNOWN, -r.articles, r.name.casefold()))


def _row(name: str, entry: OutletEntry | None) -> OutletRow:
    if entry is None:
        return OutletRow(name, 0, 0, False)
    return OutletRow(name, 0, 0, True, entry.country, entry.type, entry.owner)


# ---------------------------------------------------------------- show


def outlet_profile(store: Store, name: str, registry: Registry) -> OutletProfile:
    """One outlet's stories and habits across them; UnknownOutletError when nothing knows ``name``."""
    entry = registry.resolve(name)
    rows = store.query("SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL")
    key = normalise_name(name)
    spellings = [
        r["outlet"] for r in rows
        if (entry is not None and registry.get(r["outlet"]) is entry) or normalise_name(r["outlet"]) == key
    ]
    if entry is None and not spellings:
        raise UnknownOutletError(
            f"unknown outlet {name!r}: not in the registry and no stored article names it"
            " (see `parallax outlets list`)"
        )
    profile = OutletProfile(name=entry.name if entry else spellings[0], entry=entry)
    if not spellings:
        return profile
    articles = _query_in(store, "SELECT id, data FROM articles WHERE outlet IN ({marks})", spellings)
    ids = [r["id"] for r in articles]
    profile.articles = len(ids)
    profile.stories = _stories(store, ids)
    _exclusives(store, profile, set(ids))
    _wire_copy(store, profile, articles, set(spellings))
    _loaded(store, profile, ids)
    return profile


def _stories(store: Store, ids: Sequence[str]) -> list[StoryRef]:
    rows = _query_in(
        store,
        "SELECT DISTINCT s.id AS id, s.title AS title, s.n_articles AS n_articles, s.n_outlets AS n_outlets,"
        " s.first_published AS first_published FROM story_articles sa JOIN stories s ON s.id = sa.story_id"
        " WHERE sa.article_id IN ({marks})",
        ids,
    )
    refs = {r["id"]: StoryRef(r["id"], r["title"] or "", int(r["n_articles"]), int(r["n_outlets"]),
                              r["first_published"]) for r in rows}
    return sorted(refs.values(), key=lambda s: (s.first_published or "", s.id), reverse=True)


def _exclusives(store: Store, profile: OutletProfile, ids: set[str]) -> None:
    story_ids = [s.id for s in profile.stories]
    rows = _query_in(store, "SELECT story_id, data FROM records WHERE kind = ? AND story_id IN ({marks})",
                     story_ids, ("claim_groups",))
    with_exclusive = set()
    for row in rows:
        group = json.loads(row["data"])
        if not ids & set(group.get("article_ids", [])) or group.get("kind") == "off-topic":
            continue
        profile.claim_groups += 1
        if group.get("kind") == "exclusive":
            profile.exclusive_groups += 1
            with_exclusive.add(row["story_id"])
    profile.stories_with_exclusive = len(with_exclusive)


def _wire_copy(
    store: Store, profile: OutletProfile, articles: list[dict[str, Any]], spellings: set[str]
) -> None:
    carried: dict[str, str] = {}
    for row in articles:
        wire = json.loads(row["data"]).get("wire")
        if wire:
            carried[row["id"]] = wire
    dups = _query_in(store, "SELECT article_id, data FROM records WHERE kind = ? AND article_id IN ({marks})",
                     [r["id"] for r in articles], ("reuse",))
    sources = {}
    for row in dups:
        reuse = json.loads(row["data"])
        # Only a dated copy says who copied whom: the original is then the source side.
        if reuse.get("kind") == "duplicate" and reuse.get("original") == reuse["source"]["article_id"]:
            sources[row["article_id"]] = reuse["source"]["article_id"]
    origin_sql = "SELECT id, outlet FROM articles WHERE id IN ({marks})"
    origin_rows = _query_in(store, origin_sql, sorted(set(sources.values())))
    origin = {r["id"]: r["outlet"] for r in origin_rows}
    for target, source in sources.items():
        other = origin.get(source)
        if target not in carried and other and other not in spellings:
            carried[target] = other  # a whole article copied from an earlier one of another outlet
    profile.wire_articles = len(carried)
    profile.wires = dict(Counter(carried.values()).most_common())


def _loaded(store: Store, profile: OutletProfile, ids: Sequence[str]) -> None:
    rows = _query_in(store, "SELECT article_id, data FROM records WHERE kind = ? AND article_id IN ({marks})",
                     ids, ("framing",))
    terms: Counter[str] = Counter()
    hit_articles = set()
    for row in rows:
        signal = json.loads(row["data"])
        if signal.get("kind") != "loaded":
            continue
        hit_articles.add(row["article_id"])
        profile.loaded_terms += len(signal.get("spans") or []) or int(signal.get("score") or 0)
        terms.update(t.strip().casefold() for t in str(signal.get("label", "")).split(",") if t.strip())
    profile.loaded_articles = len(hit_articles)
    profile.top_loaded = dict(terms.most_common(10))
