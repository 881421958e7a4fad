"""Timeline: date resolution and dated events of the example story."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parallax.pipeline import Corpus
from parallax.records import Story
from parallax.stages.parse import Parse
from parallax.stages.timeline import Timeline, merge_events, parse_published, resolve_date

SATURDAY = dt.date(2023, 4, 29)


@pytest.mark.parametrize(
    ("text", "date", "precision"),
    [
        ("Saturday", "2023-04-29", "day"),
        ("this Saturday morning", "2023-04-29", "day"),
        ("on Friday", "2023-04-28", "day"),
        ("Sunday", "2023-04-23", "day"),
        ("last Saturday", "2023-04-22", "day"),
        ("yesterday", "2023-04-28", "day"),
        ("last month", "2023-03", "month"),
        ("March", "2023-03", "month"),
        ("in March", "2023-03", "month"),
        ("May", "2022-05", "month"),  # a month after the article's is last year's
        ("March 2019", "2019-03", "month"),
        ("April 29, 2023", "2023-04-29", "day"),
        ("APRIL 29, 2023", "2023-04-29", "day"),
        ("29 April", "2023-04-29", "day"),
        ("December 3", "2022-12-03", "day"),
        ("2023-04-29", "2023-04-29", "day"),
        ("2014", "2014", "year"),
        ("in 2018", "2018", "year"),
        ("last year", "2022", "year"),
        ("two years ago", "2021", "year"),
        ("3 days ago", "2023-04-26", "day"),
    ],
)
def test_resolve_date(text, date, precision):
    found = resolve_date(text, SATURDAY)
    assert found is not None, text
    assert (found.date, found.precision) == (date, precision)


@pytest.mark.parametrize(
    "text", ["recent years", "days", "two-day", "less than two weeks", "months", "the 1990s"]
)
def test_durations_and_vague_dates_do_not_resolve(text):
    assert resolve_date(text, SATURDAY) is None


def test_relative_dates_need_a_reference():
    assert resolve_date("Saturday") is None
    assert resolve_date("last month") is None
    assert resolve_date("2014") is not None


@given(
    st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2090, 12, 31)),
    st.sampled_from(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]),
)
def test_weekday_is_latest_such_day_not_after_reference(ref, weekday):
    found = resolve_date(weekday, ref)
    assert found is not None
    day = dt.date.fromisoformat(found.date)
    assert day <= ref and (ref - day).days < 7
    assert day.strftime("%A") == weekday


def test_parse_published():
    assert parse_published("2023-04-29T22:31:00+00:00") == SATURDAY
    assert parse_published("not a date") is None
    assert parse_published(None) is None


@pytest.fixture(scope="module")
def story_corpus(seed_corpus, options):
    corpus = Corpus(articles=list(seed_corpus.articles))
    corpus = Parse(options)(corpus)
    # The five examples are one story; building it here keeps this test off the story stage.
    corpus.stories = [Story("s0", [a.id for a in corpus.articles])]
    return Timeline(options)(corpus)


def test_timeline_is_sorted_iso_with_valid_spans(story_corpus):
    events = [e for e in story_corpus.timeline if e.story_id == "s0"]
    assert events
    assert [e.date for e in events] == sorted(e.date for e in events)
    texts = {a.id: a.text for a in story_corpus.articles}
    for event in events:
        assert len(event.date) == {"year": 4, "month": 7, "day": 10}[event.precision]
        for span in event.spans:
            assert 0 <= span.start < span.end <= len(texts[span.article_id])
        # The event's wording is one of its sources, verbatim.
        assert any(" ".join(texts[s.article_id][s.start : s.end].split()) == event.text for s in event.spans)


def _find(events, date, word):
    return [e for e in events if e.date == date and word in e.text.lower()]


def test_timeline_finds_the_story_history(story_corpus):
    events = [e for e in story_corpus.timeline if e.story_id == "s0"]
    assert _find(events, "2014", "seized")
    assert _find(events, "2018", "withdrew")
    assert _find(events, "2015", "")
    # "in March" / "last month" resolve against April 2023 publication dates.
    assert _find(events, "2023-03", "austin") or _find(events, "2023-03", "visit")


def test_same_event_from_several_articles_is_merged(story_corpus):
    events = [e for e in story_corpus.timeline if e.story_id == "s0"]
    day = [e for e in events if e.date == "2023-04-29"]
    assert day, "the meeting on Saturday 2023-04-29"
    widest = max(day, key=lambda e: len({s.article_id for s in e.spans}))
    assert len({s.article_id for s in widest.spans}) >= 3


def test_merge_keeps_distinct_events_apart(story_corpus):
    events = [e for e in story_corpus.timeline if e.story_id == "s0"]
    # Re-merging is stable: merged events are not merged again into fewer.
    years = [e for e in events if e.precision == "year"]
    assert len({e.date for e in years}) >= 3
    assert merge_events([]) == []


def test_undated_article_warns_and_borrows_story_date(seed_corpus, options):
    corpus = Corpus(articles=[a for a in seed_corpus.articles])
    corpus = Parse(options)(corpus)
    corpus.stories = [Story("s0", [a.id for a in corpus.articles])]
    undated = [a for a in corpus.articles if not parse_published(a.published)]
    corpus = Timeline(options)(corpus)
    assert len([i for i in corpus.issues if "no publication date" in i.message]) == len(undated)
