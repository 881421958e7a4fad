"""Ids come from content: a re-run, or the same story read in another order, names every record alike."""

from __future__ import annotations

import numpy as np
import pytest

from parallax.analyze import analysis_stages
from parallax.nlp.embed import CachedEmbedder, HashingEmbedder
from parallax.pipeline import Corpus, Pipeline
from parallax.records import Story

ID_FIELDS = ("claims", "claim_groups", "quotes", "quote_clusters", "contradictions")


def _run(seed_corpus, options, articles, embedder=None):
    corpus = Corpus(inputs=list(seed_corpus.inputs), articles=list(articles))
    corpus.stories = [Story("story", [a.id for a in articles])]
    corpus.provided |= {"articles", "articles.metadata", "stories", "reuse"}
    return Pipeline(analysis_stages(options, embedder), corpus.provided)(corpus)


@pytest.fixture(scope="module")
def runs(seed_corpus, options):
    opts = options.replace(embedder="hashing")
    forward = _run(seed_corpus, opts, seed_corpus.articles)
    backward = _run(seed_corpus, opts, list(reversed(seed_corpus.articles)))
    return forward, backward


def test_ids_do_not_depend_on_the_order_articles_come_in(runs):
    forward, backward = runs
    for name in ID_FIELDS:
        ids = {r.id for r in getattr(forward, name)}
        assert ids, name
        assert ids == {r.id for r in getattr(backward, name)}, name
    groups = {g.id: sorted(g.claim_ids) for g in forward.claim_groups}
    assert groups == {g.id: sorted(g.claim_ids) for g in backward.claim_groups}
    # Every claim points at a group that exists and holds it.
    for claim in forward.claims:
        assert claim.id in groups[claim.group_id]


def test_claim_ids_name_their_span(runs):
    forward, _ = runs
    for claim in forward.claims:
        assert claim.id == f"{claim.span.article_id}:c{claim.span.start}-{claim.span.end}"


class _Counting(HashingEmbedder):
    def __init__(self):
        super().__init__()
        self.texts: list[str] = []

    def encode(self, texts):
        self.texts.extend(texts)
        return super().encode(texts)


def test_each_text_is_embedded_once_per_run(seed_corpus, options):
    inner = _Counting()
    shared = CachedEmbedder(inner)
    _run(seed_corpus, options.replace(embedder="hashing"), seed_corpus.articles, shared)
    assert inner.texts, "the analysis embeds claims, topics and quotes"
    assert len(inner.texts) == len(set(inner.texts)), "a text was encoded twice"
    # Off-topic and framing's topics ask for the same sentences, claims for some of them.
    assert shared.encoded == len(inner.texts) and shared.requested >= 1.25 * shared.encoded


def test_the_cache_returns_what_the_embedder_would():
    inner = HashingEmbedder()
    cache = CachedEmbedder(inner, limit=2)
    texts = ["one fact", "another fact", "one fact", "a third"]
    assert np.allclose(cache.encode(texts), inner.encode(texts))
    assert len(cache.cache) == 2 and cache.encoded == 3
