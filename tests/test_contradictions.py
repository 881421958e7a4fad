from __future__ import annotations

from typing import Any

import pytest
from coverage_helpers import by_file, story_corpus

from parallax.pipeline import Corpus, Pipeline, PipelineError
from parallax.records import Article, Story
from parallax.stages.claims import Claims
from parallax.stages.clean import Clean
from parallax.stages.contradictions import Contradictions
from parallax.stages.dedup import Dedup
from parallax.stages.entities import Entities
from parallax.stages.ingest import Ingest
from parallax.stages.offtopic import OffTopic
from parallax.stages.parse import Parse
from parallax.stages.quotes import Quotes
from parallax.stages.stories import Stories


def _run(corpus, options):
    stages = (Quotes(options), Entities(options), Claims(options), OffTopic(options), Contradictions(options))
    for stage in stages:
        corpus = stage(corpus)
    return corpus


@pytest.fixture(scope="module")
def corpus(seed_corpus, options):
    return _run(story_corpus(seed_corpus, options), options)


@pytest.fixture(scope="module")
def files(corpus):
    return by_file(corpus)


def _text(corpus, span):
    return corpus.article(span.article_id).snippet(span)


def test_stage_order_is_valid(options):
    front: list[Any] = [Ingest(options), Clean(options), Dedup(options), Stories(options), Parse(options)]
    Pipeline([*front, Quotes(options), Entities(options), Claims(options), OffTopic(options),
              Contradictions(options)])
    with pytest.raises(PipelineError, match="requires"):
        Pipeline([*front, Claims(options), Contradictions(options)])


def test_who_invited_rashid_conflicts(corpus, files):
    agents = [c for c in corpus.contradictions if c.kind == "agent"]
    assert len(agents) == 1
    found = agents[0]
    sides = {s.article_id: _text(corpus, s) for s in (found.left, found.right)}
    assert set(sides) == {files["001"], files["003"]}
    assert "Raisi" in sides[files["001"]]
    assert "Khamenei" in sides[files["003"]]


def test_a_loose_counterpart_is_not_a_contradiction(corpus, files):
    # RT calls Rashid Khamenei's "Iraqi counterpart": loose wording, not a conflicting version of a fact.
    assert not [c for c in corpus.contradictions if c.kind == "role"]
    for c in corpus.contradictions:
        assert "counterpart" not in _text(corpus, c.left) or c.kind == "agent"


def test_few_false_alarms(corpus):
    assert len(corpus.contradictions) <= 4
    assert all(c.left != c.right for c in corpus.contradictions)


def _pair(options, first, second):
    arts = [
        Article(id="a", source="a.txt", paragraphs=[first]),
        Article(id="b", source="b.txt", paragraphs=[second]),
    ]
    corpus = Corpus(articles=arts, stories=[Story("s", ["a", "b"])])
    return _run(Parse(options)(corpus), options)


def test_numbers_and_weekdays_conflict_in_aligned_claims(options):
    corpus = _pair(
        options,
        "Officials said 12 people were killed when a bomb exploded at a market in Kabul on Monday.",
        "Officials said 30 people were killed when a bomb exploded at a market in Kabul on Tuesday.",
    )
    kinds = {c.kind: c for c in corpus.contradictions}
    assert {"number", "date"} <= set(kinds)
    assert {kinds["number"].left_value, kinds["number"].right_value} == {"12 people", "30 people"}
    assert {kinds["date"].left_value, kinds["date"].right_value} == {"Monday", "Tuesday"}


def test_approximations_and_rounding_are_not_conflicts(options):
    corpus = _pair(
        options,
        "The United States has about 2,500 troops in Iraq to advise local forces, officials said on Monday.",
        "The United States has 2,480 troops in Iraq to advise local forces, officials said on Monday.",
    )
    assert [c for c in corpus.contradictions if c.kind == "number"] == []
    corpus = _pair(
        options,
        "The minister resigned last Friday after the vote in parliament, his office said.",
        "The minister resigned on Thursday after the vote in parliament, his office said.",
    )
    assert [c for c in corpus.contradictions if c.kind == "date"] == []


def test_same_facts_in_other_words_do_not_conflict(options):
    corpus = _pair(
        options,
        "Officials said some 12 people were killed when a bomb exploded at a market in Kabul on Monday.",
        "A bomb killed 12 people at a busy market in Kabul on Monday, officials said.",
    )
    assert corpus.contradictions == []
