"""Timeline stage: dated events of each story, resolved against publication dates.

spaCy's DATE entities find the dates; :func:`resolve_date` turns them into
ISO dates (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` by precision), resolving
relative ones ("Saturday", "last month", "in March") against the article's
``published`` date. Each date is attached to the clause of the verb that
governs it, and the same event told by several articles becomes one
:class:`TimelineEvent` with all their spans.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..options import Options
from ..pipeline import Corpus
from ..records import Article, Record, Span, Story, TimelineEvent

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "several": 0, "few": 0}
# Words around a date that do not change which date it is.
FILLER = re.compile(
    r"\b(?:on|in|at|of|the|this|earlier|early|late|mid|morning|afternoon|evening|night|overnight|"
    r"during|since|until|by|from|past)\b|[,.]"
)
CLAUSE_BREAKS = frozenset({"ccomp", "advcl", "conj", "parataxis", "relcl", "acl", "cc", "mark"})
MAX_CLAUSE_TOKENS = 50
LIGHT_VERBS = frozenset({"be", "have", "do", "make", "say", "take", "get", "go", "come", "give"})


@dataclass(frozen=True, slots=True)
class ResolvedDate(Record):
    date: str
    precision: str  # day | month | year


def parse_published(value: str | None) -> dt.date | None:
    """The date part of an ISO timestamp, or None."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        m = re.match(r"(\d{4})-(\d{2})$", value.strip())
        return dt.date(int(m.group(1)), int(m.group(2)), 1) if m else None


def _day(d: dt.date) -> ResolvedDate:
    return ResolvedDate(d.isoformat(), "day")


def _month(year: int, month: int) -> ResolvedDate:
    return ResolvedDate(f"{year:04d}-{month:02d}", "month")


def _shift_month(ref: dt.date, months: int) -> tuple[int, int]:
    index = ref.year * 12 + ref.month - 1 + months
    return index // 12, index % 12 + 1


def _month_day(month: int, day: int, year: int | None, ref: dt.date | None) -> ResolvedDate | None:
    if year is None:
        if ref is None:
            return None
        # No year given: the latest such day not after the article's date.
        year = ref.year if (month, day) <= (ref.month, ref.day) else ref.year - 1
    try:
        return _day(dt.date(year, month, day))
    except ValueError:
        return None


def _absolute(words: list[str], ref: dt.date | None) -> ResolvedDate | None:
    """Dates written out: 2023-04-29, April 29 2023, 29 April, March 2023, March, 2014."""
    text = " ".join(words)
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
        return _month_day(int(m.group(2)), int(m.group(3)), int(m.group(1)), ref)
    month_names = "|".join(sorted(MONTHS, key=len, reverse=True))
    year = r"(?: (\d{4}))?"
    if m := re.fullmatch(rf"({month_names}) (\d{{1,2}})(?:st|nd|rd|th)?{year}", text):
        return _month_day(MONTHS[m.group(1)], int(m.group(2)), _int(m.group(3)), ref)
    if m := re.fullmatch(rf"(\d{{1,2}})(?:st|nd|rd|th)? ({month_names}){year}", text):
        return _month_day(MONTHS[m.group(2)], int(m.group(1)), _int(m.group(3)), ref)
    if m := re.fullmatch(rf"({month_names}) (\d{{4}})", text):
        return _month(int(m.group(2)), MONTHS[m.group(1)])
    if m := re.fullmatch(rf"({month_names})", text):
        if ref is None:
            return None
        month = MONTHS[m.group(1)]
        return _month(ref.year if month <= ref.month else ref.year - 1, month)
    if m := re.fullmatch(r"((?:1[89]|20)\d{2})", text):
        return ResolvedDate(m.group(1), "year")
    return None


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def _relative(words: list[str], ref: dt.date) -> ResolvedDate | None:
    """Dates relative to the article: Saturday, last month, two years ago, yesterday."""
    text = " ".join(words)
    simple = {"today": 0, "yesterday": -1, "tomorrow": 1}
    if text in simple:
        return _day(ref + dt.timedelta(days=simple[text]))
    if m := re.fullmatch(r"(last|next)? ?(" + "|".join(WEEKDAYS) + ")", text):
        back = (ref.weekday() - WEEKDAYS[m.group(2)]) % 7
        if m.group(1) == "next":
            return _day(ref + dt.timedelta(days=(7 - back) % 7 or 7))
        # "Saturday" in a Saturday article is that day; "last Saturday" is the week before.
        if m.group(1) == "last" and back == 0:
            back = 7
        return _day(ref - dt.timedelta(days=back))
    offsets = {"last": -1, "previous": -1, "next": 1, "": 0}
    if m := re.fullmatch(r"(last|previous|next)? ?(month|year)", text):
        shift = offsets[m.group(1) or ""]
        if m.group(2) == "year":
            return ResolvedDate(f"{ref.year + shift:04d}", "year")
        return _month(*_shift_month(ref, shift))
    if m := re.fullmatch(r"(\w+) (day|month|year)s? ago", text):
        n = int(m.group(1)) if m.group(1).isdigit() else NUMBERS.get(m.group(1), 0)
        if n == 0:
            return None
        if m.group(2) == "day":
            return _day(ref - dt.timedelta(days=n))
        if m.group(2) == "month":
            return _month(*_shift_month(ref, -n))
        return ResolvedDate(f"{ref.year - n:04d}", "year")
    return None


def resolve_date(text: str, reference: dt.date | None = None) -> ResolvedDate | None:
    """Resolve a date expression; relative ones need ``reference`` (the publication date).

    Returns None for durations, ranges and anything not pinned to one date.
    """
    cleaned = FILLER.sub(" ", text.lower().replace("’s", "").replace("'s", ""))
    words = cleaned.replace("-", " ").split() if not re.search(r"\d{4}-\d{2}", cleaned) else cleaned.split()
    if not words:
        return None
    found = _absolute(words, reference)
    if found is None and reference is not None:
        found = _relative(words, reference)
    return found


# --- event clauses ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DatedClause(Record):
    article_id: str
    date: ResolvedDate
    span: Span
    text: str
    lemmas: tuple[str, ...]
    verb: str = ""


def _governing_verb(token: Any) -> Any | None:
    while token.pos_ not in ("VERB", "AUX"):
        if token.head.i == token.i:  # the root: spaCy makes a new Token per access, so `is` never holds
            return None
        token = token.head
    return token


def _clause_tokens(verb: Any, ent: Any) -> list[Any]:
    """The verb's subtree without embedded clauses that do not hold the date."""
    dropped: set[int] = set()
    for child in verb.children:
        holds_date = child.left_edge.i <= ent.start and ent.end - 1 <= child.right_edge.i
        if child.dep_ in CLAUSE_BREAKS and not holds_date:
            dropped.update(t.i for t in child.subtree)
    tokens = [t for t in verb.subtree if t.i not in dropped]
    # Keep a contiguous run around the verb so the span reads as one clause.
    lo = min(verb.i, ent.start)
    hi = max(verb.i, ent.end - 1)
    kept = {t.i for t in tokens}
    while lo - 1 in kept:
        lo -= 1
    while hi + 1 in kept:
        hi += 1
    doc = verb.doc
    # A clause never crosses a paragraph break (a subheading the parser ran into the sentence).
    while lo < ent.start and any("\n" in doc[i].text_with_ws for i in range(lo, ent.start)):
        lo += 1
    while hi >= ent.end and any("\n" in doc[i].text_with_ws for i in range(ent.end - 1, hi)):
        hi -= 1
    run = [doc[i] for i in range(lo, hi + 1) if not doc[i].is_space]
    while run and (run[-1].is_punct or run[-1].dep_ in ("cc", "mark")):
        run.pop()
    while run and (run[0].is_punct or run[0].dep_ in ("cc", "mark")):
        run.pop(0)
    return run


def dated_clauses(article: Article, doc: Any, reference: dt.date | None = None) -> list[DatedClause]:
    """Every DATE entity that resolves, with the clause of the verb that governs it.

    Relative dates resolve against the article's ``published`` date, else ``reference``.
    """
    ref = parse_published(article.published) or reference
    out = []
    for ent in doc.ents:
        if ent.label_ != "DATE":
            continue
        resolved = resolve_date(ent.text, ref)
        verb = _governing_verb(ent.root) if resolved is not None else None
        if resolved is None or verb is None:
            continue
        tokens = _clause_tokens(verb, ent)
        date_ids = set(range(ent.start, ent.end))
        lemmas = tuple(sorted({t.lemma_.lower() for t in tokens if t.is_alpha and not t.is_stop
                               and t.i not in date_ids}))
        # A date with hardly any event around it ("Published: April 29") is metadata, not an event.
        if len(tokens) > MAX_CLAUSE_TOKENS or len(lemmas) < 3:
            continue
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
        text = " ".join(doc.text[start:end].split())
        out.append(DatedClause(article.id, resolved, Span(article.id, start, end), text, lemmas,
                               verb.lemma_.lower()))
    return out


def _same_event(a: DatedClause, b: DatedClause) -> bool:
    # Outlets word one event differently ("seized parts of Iraq" / "seized territory"), but
    # on one date the same action verb rarely names two events.
    if a.verb == b.verb and a.verb not in LIGHT_VERBS:
        return True
    shared = set(a.lemmas) & set(b.lemmas)
    return len(shared) >= 3 and len(shared) / min(len(a.lemmas), len(b.lemmas)) >= 0.6


def merge_events(clauses: Sequence[DatedClause]) -> list[TimelineEvent]:
    """Group clauses on the same date that tell the same event; the most central wording names it."""
    by_date: dict[ResolvedDate, list[DatedClause]] = defaultdict(list)
    for clause in clauses:
        by_date[clause.date].append(clause)
    events = []
    for date, items in by_date.items():
        groups: list[list[DatedClause]] = []
        for clause in items:
            # Most of a group must agree, so that names shared by every clause do not chain events.
            home = next((g for g in groups if 2 * sum(_same_event(clause, c) for c in g) >= len(g)), None)
            if home is None:
                groups.append([clause])
            else:
                home.append(clause)
        for group in groups:
            best = max(group, key=lambda c: (sum(len(set(c.lemmas) & set(o.lemmas)) for o in group),
                                             -len(c.text)))
            spans = sorted({c.span for c in group})
            events.append(TimelineEvent(date.date, best.text, spans, date.precision))
    return sorted(events, key=lambda e: (e.date, -len(e.spans), e.text))


class Timeline:
    name = "timeline"
    requires: tuple[str, ...] = ("articles", "docs", "stories")
    provides: tuple[str, ...] = ("timeline",)

    def __init__(self, options: Options):
        self.options = options

    def __call__(self, corpus: Corpus) -> Corpus:
        timeline: list[TimelineEvent] = []
        index = corpus.by_id()
        for story in corpus.stories:
            for event in self.story_events(corpus, story, index):
                event.story_id = story.id
                timeline.append(event)
        corpus.timeline = timeline
        return corpus

    def story_events(
        self, corpus: Corpus, story: Story, index: dict[str, Article] | None = None
    ) -> list[TimelineEvent]:
        articles = corpus.story_articles(story, index)
        # Articles of one story appear within days of each other, so an undated one borrows the
        # story's earliest date; a weekday it names may then be off by a week at most.
        dates = sorted(d for d in (parse_published(a.published) for a in articles) if d is not None)
        fallback = dates[0] if dates else parse_published(story.first_published)
        clauses: list[DatedClause] = []
        for art in articles:
            doc = corpus.docs.get(art.id)
            if doc is None:
                corpus.warn(art.source, "timeline skipped: article was not parsed")
                continue
            if parse_published(art.published) is None:
                where = f"the story's date {fallback}" if fallback else "nothing: they are left out"
                corpus.warn(art.source, f"no publication date; relative dates resolved against {where}")
            clauses.extend(dated_clauses(art, doc, fallback))
        return merge_events(clauses)
