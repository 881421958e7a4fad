"""Cross-outlet quote clusters on the example story."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from parallax.records import Quote, Span, Story
from parallax.stages.entities import Entities
from parallax.stages.parse import Parse
from parallax.stages.quote_clusters import QuoteClusters, cluster, split_utterances, word_diff
from parallax.stages.quotes import Quotes


@pytest.fixture(scope="module")
def clustered(seed_corpus, options):
    corpus = copy.copy(seed_corpus)
    corpus.docs, corpus.quotes, corpus.quote_clusters = {}, [], []
    corpus.stories = [Story(id="s1", article_ids=[a.id for a in corpus.articles])]
    corpus.provided = corpus.provided | {"stories"}
    corpus = QuoteClusters(options)(Entities(options)(Quotes(options)(Parse(options)(corpus))))
    return corpus


def _cluster(corpus, words):
    hits = [c for c in corpus.quote_clusters if any(words in v.text for v in c.variants)]
    assert len(hits) == 1, [c.canonical for c in hits]
    return hits[0]


def test_word_diff_runs():
    diff = word_diff("the presence of even one american", "even the presence of a single american")
    assert diff == [
        ("+", "even"),
        ("=", "the presence of"),
        ("-", "even one"),
        ("+", "a single"),
        ("=", "american"),
    ]
    assert word_diff("a b c", "a b c") == [("=", "a b c")]


def test_two_utterances_in_one_quote_are_split():
    text = "Americans are not friends of Iraq. Americans are not friends with anyone at all."
    q = Quote(id="a:q0", article_id="a", span=Span("a", 0, len(text)), text=text)
    assert [u.text for u in split_utterances(q)] == [
        "Americans are not friends of Iraq",
        "Americans are not friends with anyone at all",
    ]


def test_too_much_quote_from_all_five_outlets(clustered, seed_articles):
    cluster = _cluster(clustered, "American in Iraq is too much")
    articles = {a for v in cluster.variants for a in v.article_ids}
    assert articles == {a.id for a in seed_articles.values()}
    assert cluster.speakers == ["Ali Khamenei"]
    assert len(cluster.variants) >= 4  # "even one", "a single", "Even the presence of one", …
    assert all(op == "=" for op, _ in cluster.variants[0].diff)
    for variant in cluster.variants[1:]:
        assert {op for op, _ in variant.diff} <= {"=", "+", "-"}
        assert any(op != "=" for op, _ in variant.diff)
    # One outlet gives it without quotation marks as well ("said that … one single US soldier").
    assert any(f.startswith("paraphrase-as-quote") for f in cluster.flags)


def test_friends_quotes_split_into_their_own_clusters(clustered, seed_articles):
    anyone = _cluster(clustered, "friends with anyone")
    of_iraq = _cluster(clustered, "friends of Iraq")
    assert anyone.id != of_iraq.id
    assert len({a for v in anyone.variants for a in v.article_ids}) >= 4
    # 004 carries both utterances in one quotation; each joins its own cluster.
    jpost = seed_articles["004"].id
    assert jpost in {a for v in anyone.variants for a in v.article_ids}
    assert jpost in {a for v in of_iraq.variants for a in v.article_ids}


def test_clusters_reference_real_quotes(clustered):
    ids = {q.id for q in clustered.quotes}
    assert clustered.quote_clusters
    for c in clustered.quote_clusters:
        assert c.story_id == "s1" and set(c.quote_ids) <= ids
        assert len({a for v in c.variants for a in v.article_ids}) >= 2
    assert len({c.id for c in clustered.quote_clusters}) == len(clustered.quote_clusters)


def test_rashid_quote_keeps_its_speaker(clustered):
    cluster = _cluster(clustered, "main effort is to deepen relations")
    assert [s.split()[-1] for s in cluster.speakers] == ["Rashid"]
    assert not any(f.startswith("speaker-mismatch") for f in cluster.flags)


def test_cluster_exact_and_greedy_agree_on_clear_groups():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 5, size=60)
    sim = np.where(labels[:, None] == labels[None, :], 0.9, 0.1) + rng.uniform(-0.05, 0.05, (60, 60))
    sim = (sim + sim.T) / 2
    want = sorted(sorted(np.flatnonzero(labels == k).tolist()) for k in set(labels.tolist()))
    assert sorted(cluster(sim, 0.6)) == want
    assert sorted(sorted(g) for g in cluster(sim, 0.6, exact_limit=10)) == want
