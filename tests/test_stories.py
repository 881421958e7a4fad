"""Story clustering: the example event, incremental runs over a store, the time window."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt

import numpy as np
import pytest

from parallax.eval.stories import bcubed, load_basil
from parallax.pipeline import Corpus
from parallax.stages.dedup import Dedup
from parallax.stages.stories import Stories, entity_keys, story_id_for
from parallax.store.story_index import IndexEntry, StoryIndex


@pytest.fixture(scope="module")
def m2v(options):
    return options.replace(embedder="model2vec")


@pytest.fixture(scope="module")
def basil(eval_dir):
    items = load_basil(eval_dir / "basil")
    triplets = sorted({g for _, g in items})[:12]
    return [(a, g) for a, g in items if g in triplets]


def _partition(stories) -> set[frozenset[str]]:
    return {frozenset(s.article_ids) for s in stories}


def test_example_articles_form_one_story(seed_corpus, options):
    corpus = Stories(options)(Dedup(options)(copy.deepcopy(seed_corpus)))
    assert len(corpus.stories) == 1
    story = corpus.stories[0]
    assert sorted(story.article_ids) == sorted(a.id for a in seed_corpus.articles)
    assert story.title in {a.title for a in seed_corpus.articles}
    assert story.keywords and all(k[0].isupper() for k in story.keywords)


def test_basil_triplets_recovered(basil, m2v):
    corpus = Stories(m2v)(Dedup(m2v)(Corpus(articles=[a for a, _ in basil])))
    predicted = {aid: s.id for s in corpus.stories for aid in s.article_ids}
    p, r = bcubed(predicted, {a.id: g for a, g in basil})
    assert p > 0.9 and r > 0.9


def test_incremental_run_matches_single_run(basil, m2v, store):
    arts = [a for a, _ in basil]
    single = Stories(m2v)(Corpus(articles=list(arts)))

    first_half, rest = arts[::2], arts[1::2]
    run1 = Stories.from_store(m2v, store)
    out1 = run1(Corpus(articles=first_half))
    run1.save(store)
    assert {aid for s in out1.stories for aid in s.article_ids} == {a.id for a in first_half}

    run2 = Stories.from_store(m2v, store)
    assert run2.index is not None
    assert len(run2.index) == len(first_half)  # reloaded, not recomputed
    out2 = run2(Corpus(articles=rest, stories=list(out1.stories)))
    assert run2.added == sorted(run2.added, key=[a.id for a in sorted(rest, key=_order)].index)
    merged = {s.id: s for s in out1.stories} | {s.id: s for s in out2.stories}
    assert _partition(merged.values()) == _partition(single.stories)
    # Ids derive from the article that opened the story, which depends on what arrived first.
    assert all(sid == story_id_for(s.article_ids[0]) for sid, s in merged.items())
    # Every story the second run touched lists its earlier articles too.
    for s in out2.stories:
        assert set(s.article_ids) == set(run2.index.story_article_ids(s.id))


def _order(a):
    return (a.published or "", a.id)


def test_time_window_splits_same_topic_far_apart(basil, m2v):
    triplet = [a for a, g in basil if g == basil[0][1]]
    together = Stories(m2v)(Corpus(articles=copy.deepcopy(triplet)))
    assert len(together.stories) == 1
    shifted = copy.deepcopy(triplet)
    day = dt.date.fromisoformat(shifted[0].published[:10]) + dt.timedelta(days=m2v.story_window_days + 30)
    shifted[0] = dataclasses.replace(shifted[0], published=day.isoformat())
    apart = Stories(m2v)(Corpus(articles=shifted))
    assert len(apart.stories) == 2
    assert [shifted[0].id] in [s.article_ids for s in apart.stories]


def test_wire_copy_joins_its_original_story(basil, m2v):
    arts = [a for a, _ in basil[:9]]
    copy_ = dataclasses.replace(
        arts[4],
        id="wire-copy",
        title="Agency: " + (arts[4].title or ""),
        paragraphs=[*arts[4].paragraphs, "Reporting by agency staff."],
    )
    corpus = Stories(m2v)(Dedup(m2v)(Corpus(articles=[*arts, copy_])))
    story = next(s for s in corpus.stories if arts[4].id in s.article_ids)
    assert "wire-copy" in story.article_ids


def test_story_ids_stable_and_derived_from_first_article(basil, m2v):
    arts = [a for a, _ in basil[:9]]
    one = Stories(m2v)(Corpus(articles=list(arts)))
    two = Stories(m2v)(Corpus(articles=list(reversed(arts))))
    assert {s.id: s.article_ids for s in one.stories} == {s.id: s.article_ids for s in two.stories}
    for s in one.stories:
        assert s.id == story_id_for(s.article_ids[0])


def test_story_index_round_trip(store):
    index = StoryIndex(4, "test")
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(3, 4)).astype(np.float32)
    for i, v in enumerate(vecs):
        index.add(IndexEntry(f"a{i}", "s1" if i < 2 else "s2", "2024-01-0" + str(i + 1), f"T{i}", ["X"]), v)
    index.save(store)
    loaded = StoryIndex.load(store, 4, "test")
    assert [e.as_dict() for e in loaded.entries] == [e.as_dict() for e in index.entries]
    assert np.allclose(loaded.vector(2), vecs[2])
    assert loaded.search(vecs[1], 1)[0][0] == 1
    assert loaded.story_article_ids("s1") == ["a0", "a1"]
    assert len(StoryIndex.load(store, 4, "other-embedder")) == 0
    plain = StoryIndex.load(store)  # dim and embedder read from the rows
    assert (plain.dim, plain.embedder, len(plain)) == (4, "test", 3)
    plain.save(store)  # nothing new since load: nothing rewritten
    assert len(store.query("SELECT article_id FROM story_index")) == 3


def test_entity_keys_are_proper_nouns():
    text = (
        "The talks in Geneva went on. Officials from Norway met Anna Berg on Monday. "
        "Berg said Norway would decide soon. The weather was cold."
    )
    keys = entity_keys(text)
    assert {"Geneva", "Norway", "Anna", "Berg"} <= set(keys)
    assert "The" not in keys and "Officials" not in keys and "Monday" not in keys


class _TableEmbedder:
    """Vectors given per title: the scoring rule is tested apart from any model."""

    name = "table"
    dim = 3

    def __init__(self, table: dict[str, list[float]]):
        self.table = table

    def encode(self, texts):
        rows = np.array([self.table[t.split("\n", 1)[0]] for t in texts], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _article(title: str, day: str, text: str = "plain words only here"):
    from parallax.records import Article

    return Article(id=title, source=title, paragraphs=[text], title=title, published=day)


def _unit(degrees: float) -> list[float]:
    rad = np.radians(degrees)
    return [float(np.cos(rad)), float(np.sin(rad)), 0.0]


def test_average_link_does_not_chain_through_one_member(options):
    # The story's members sit at 0, 30 and 60 degrees; the newcomer at 95 is close to the
    # 60-degree member only: single link would chain it in, the story's mean keeps it out.
    table = {"a": _unit(0), "b": _unit(30), "c": _unit(60), "late": _unit(95)}
    arts = [_article(t, "2023-04-29") for t in ("a", "b", "c", "late")]
    stories = Stories(options, embedder=_TableEmbedder(table))
    out = stories(Corpus(articles=arts))
    assert _partition(out.stories) == {frozenset("abc"), frozenset({"late"})}
    sid = next(s.id for s in out.stories if "a" in s.article_ids)
    link = stories._link(sid, np.array(_unit(95), dtype=np.float32), None, frozenset())
    assert link < stories.threshold < float(np.dot(_unit(95), _unit(60)))


def test_nearer_day_wins_between_two_qualifying_stories(options):
    # x is a little closer to "old" (28 degrees) than to "new" (30), but "old" ran two days earlier.
    table = {"old": _unit(0), "new": _unit(58), "x": _unit(28)}
    arts = [_article("old", "2023-04-24"), _article("new", "2023-04-26"), _article("x", "2023-04-26")]
    stories = Stories(options, embedder=_TableEmbedder(table))
    out = stories(Corpus(articles=arts))
    story_of = {aid: s.id for s in out.stories for aid in s.article_ids}
    assert story_of["x"] == story_of["new"] != story_of["old"]
