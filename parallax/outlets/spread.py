"""Who covers a story: spread by country and outlet type, blindspots, first reports.

Counts come ready to chart (one bar per country, type, outlet or wire, with
the outlets behind it). A blindspot is a story whose identified outlets all
share one country or one type, or all carry one agency's copy; the record
says which. The earliest outlet to report each claim is read from the claim
groups and the articles' publication dates, and left out where dates are
missing rather than guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..pipeline import Corpus
from ..records import Article, Record, Span, Story
from .registry import OUTLET_TYPES, Registry, load_registry

UNKNOWN = "unknown"


@dataclass(slots=True)
class CountBar(Record):
    """One bar of a coverage chart."""

    label: str
    articles: int
    outlets: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Blindspot(Record):
    dimension: str  # country | type | wire
    value: str
    outlets: list[str]
    message: str


@dataclass(slots=True)
class FirstReport(Record):
    """The outlet(s) that published a claim first; several when the dates tie."""

    group_id: str
    text: str
    published: str
    outlets: list[str]
    article_ids: list[str]
    spans: list[Span] = field(default_factory=list)
    reported_by: int = 1  # articles carrying the claim


@dataclass(slots=True)
class CoverageSpread(Record):
    story_id: str
    articles: int
    outlets: int
    unidentified: int  # articles whose outlet is unknown or not in the registry
    by_country: list[CountBar] = field(default_factory=list)
    by_type: list[CountBar] = field(default_factory=list)
    by_outlet: list[CountBar] = field(default_factory=list)
    wires: list[CountBar] = field(default_factory=list)
    absent_types: list[str] = field(default_factory=list)
    blindspots: list[Blindspot] = field(default_factory=list)
    first_reports: list[FirstReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def spread(corpus: Corpus, story: Story | str, registry: Registry | None = None) -> CoverageSpread:
    """Coverage spread of ``story`` (a Story or its id) over the outlets of ``corpus``."""
    if isinstance(story, str):
        story = next((s for s in corpus.stories if s.id == story), None) or _missing(story)
    registry = registry or load_registry()
    articles = corpus.story_articles(story)
    entries = {a.id: registry.get(a.outlet) for a in articles}
    known = [a for a in articles if entries[a.id] is not None]
    result = CoverageSpread(
        story_id=story.id,
        articles=len(articles),
        outlets=len({a.outlet for a in articles if a.outlet}),
        unidentified=len(articles) - len(known),
    )
    result.by_country = _bars(articles, lambda a: e.country if (e := entries[a.id]) else UNKNOWN)
    result.by_type = _bars(articles, lambda a: e.type if (e := entries[a.id]) else UNKNOWN)
    result.by_outlet = _bars(articles, lambda a: a.outlet or UNKNOWN)
    result.wires = _bars([a for a in articles if a.wire], lambda a: a.wire or UNKNOWN)
    seen_types = {b.label for b in result.by_type}
    result.absent_types = [t for t in OUTLET_TYPES if t not in seen_types] if known else []
    result.blindspots = blindspots(articles, registry)
    result.first_reports = first_reports(corpus, story)
    if not known:
        result.notes.append("no article's outlet is identified, so missing perspectives cannot be told")
    if articles and not any(_when(a.published) for a in articles):
        result.notes.append("no publication dates, so the first outlet to report each claim is not known")
    return result


def _missing(story_id: str) -> Story:
    raise KeyError(f"no story {story_id!r} in this corpus")


def _bars(articles: Iterable[Article], key: Callable[[Article], str]) -> list[CountBar]:
    groups: dict[str, list[Article]] = defaultdict(list)
    for art in articles:
        groups[key(art)].append(art)
    bars = [CountBar(k, len(arts), sorted({a.outlet or UNKNOWN for a in arts})) for k, arts in groups.items()]
    # Biggest first; "unknown" last whatever its size, so charts lead with what is known.
    return sorted(bars, key=lambda b: (b.label == UNKNOWN, -b.articles, b.label))


def blindspots(articles: list[Article], registry: Registry) -> list[Blindspot]:
    """Perspectives a story lacks: one country, one outlet type, or one agency behind every article."""
    known = {a.outlet: e for a in articles if a.outlet and (e := registry.get(a.outlet)) is not None}
    if not known:
        return []
    names = sorted(known)
    rest = len([a for a in articles if a.outlet not in known])
    tail = f" ({rest} more article{'s' if rest != 1 else ''} from unidentified outlets)" if rest else ""
    found = []
    countries = {e.country for e in known.values()}
    if len(countries) == 1:
        (country,) = countries
        found.append(Blindspot("country", country, names,
                               f"only outlets based in {country} cover this story: {', '.join(names)}{tail}"))
    types = {e.type for e in known.values()}
    if len(types) == 1:
        (kind,) = types
        found.append(Blindspot("type", kind, names,
                               f"only {kind} outlets cover this story: {', '.join(names)}{tail}"))
    wire = _single_wire(articles)
    if wire:
        message = f"every article carries {wire} copy: one source behind them all"
        found.append(Blindspot("wire", wire, names, message))
    return found


def _single_wire(articles: list[Article]) -> str | None:
    sources = {a.wire or a.outlet for a in articles}
    if len(articles) < 2 or len(sources) != 1 or not any(a.wire for a in articles):
        return None
    return next(iter(sources))


# ------------------------------------------------------------ first reports


def _when(published: str | None) -> tuple[dt.date, dt.datetime | None] | None:
    """(day, exact time or None) of a publication date string; None when unreadable."""
    if not published:
        return None
    text = published.strip().replace("Z", "+00:00")
    try:
        stamp = dt.datetime.fromisoformat(text)
    except ValueError:
        m = re.match(r"\d{4}-\d{2}-\d{2}", text)
        if not m:
            return None
        return dt.date.fromisoformat(m.group()), None
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(dt.UTC).replace(tzinfo=None)
    has_time = bool(re.search(r"\d[T ]\d", text))
    return stamp.date(), stamp if has_time else None


def first_reports(corpus: Corpus, story: Story) -> list[FirstReport]:
    """For each claim group of ``story``, the earliest outlet(s) to publish it, when dates tell."""
    by_id = corpus.by_id()
    claims = {c.id: c for c in corpus.claims}
    out = []
    for group in corpus.claim_groups:
        if group.story_id != story.id or group.kind == "off-topic":
            continue
        dated = []
        for cid in group.claim_ids:
            claim = claims.get(cid)
            art = by_id.get(claim.span.article_id) if claim else None
            when = _when(art.published) if art else None
            if claim and art and when:
                dated.append((when, art, claim.span))
        if dated:
            out.append(_earliest(group.id, group.text, dated, len(set(group.article_ids))))
    return sorted(out, key=lambda r: (r.published, r.group_id))


def _earliest(group_id: str, text: str, dated: list[tuple[tuple[dt.date, dt.datetime | None], Article, Span]],
              reported_by: int) -> FirstReport:
    day = min(w[0] for w, _, _ in dated)
    first = [(w, a, s) for w, a, s in dated if w[0] == day]
    times = [w[1] for w, _, _ in first]
    if all(t is not None for t in times):
        # Exact times on the first day order the reports; a day-only date cannot be ordered within its day.
        earliest = min(t for t in times if t is not None)
        first = [(w, a, s) for w, a, s in first if w[1] == earliest]
        published = earliest.isoformat(timespec="minutes")
    else:
        published = day.isoformat()
    return FirstReport(
        group_id=group_id,
        text=text,
        published=published,
        outlets=sorted({a.outlet or UNKNOWN for _, a, _ in first}),
        article_ids=sorted({a.id for _, a, _ in first}),
        spans=[s for _, _, s in first],
        reported_by=reported_by,
    )
