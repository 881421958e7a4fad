from __future__ import annotations

import numpy as np
import pytest
from coverage_helpers import by_file, story_corpus

from parallax.stages.claims import Claims, group_kind
from parallax.stages.entities import Entities
from parallax.stages.offtopic import OffTopic


@pytest.fixture(scope="module")
def corpus(seed_corpus, options):
    corpus = story_corpus(seed_corpus, options)
    return Claims(options)(Entities(options)(corpus))


@pytest.fixture(scope="module")
def offtopic(seed_corpus, options):
    corpus = story_corpus(seed_corpus, options)
    return OffTopic(options)(Claims(options)(Entities(options)(corpus)))


@pytest.fixture(scope="module")
def files(corpus):
    return by_file(corpus)


def _groups_with(corpus, needle):
    claims = {c.id: c for c in corpus.claims}
    return [g for g in corpus.claim_groups if any(needle in claims[c].text for c in g.claim_ids)]


def test_claim_spans_are_exact(corpus):
    arts = corpus.by_id()
    assert len(corpus.claims) > 50
    for claim in corpus.claims:
        assert arts[claim.span.article_id].snippet(claim.span) == claim.text
        assert "\n" not in claim.text
        assert claim.group_id is not None


def test_every_claim_is_in_exactly_one_group(corpus):
    seen = [c for g in corpus.claim_groups for c in g.claim_ids]
    assert sorted(seen) == sorted(c.id for c in corpus.claims)


def test_too_much_quote_is_consensus_across_all_outlets(corpus, files):
    groups = _groups_with(corpus, "in Iraq is too much")
    best = max(groups, key=lambda g: len(g.article_ids))
    assert best.kind == "consensus"
    assert set(best.article_ids) == set(files.values())


def test_troop_numbers_align_across_outlets(corpus, files):
    groups = _groups_with(corpus, "2,500 troops")
    assert len(groups) == 1
    assert {files["003"], files["004"]} <= set(groups[0].article_ids)
    assert groups[0].kind in ("consensus", "shared")


def test_group_kinds_follow_outlet_counts(corpus):
    labels = {a.id: a.label for a in corpus.articles}
    n = len(set(labels.values()))
    for g in corpus.claim_groups:
        outlets = {labels[a] for a in g.article_ids}
        assert g.kind == group_kind(len(outlets), n)


def test_group_kind_thresholds():
    assert group_kind(1, 5) == "exclusive"
    assert group_kind(2, 5) == "shared"
    assert group_kind(3, 5) == "consensus"
    assert group_kind(2, 4) == "consensus"
    assert group_kind(1, 1) == "exclusive"


def test_offtopic_flags_the_unrelated_leak_sentence_only(offtopic, files):
    claims = {c.id: c for c in offtopic.claims}
    flagged = [claims[c] for g in offtopic.claim_groups if g.kind == "off-topic" for c in g.claim_ids]
    assert any("classified documents" in c.text for c in flagged)
    assert all(c.span.article_id == files["004"] for c in flagged)
    assert len(flagged) <= 2


def test_offtopic_keeps_exclusive_context(offtopic, files):
    claims = {c.id: c for c in offtopic.claims}
    biden = [
        g
        for g in offtopic.claim_groups
        if any("Syria" in claims[c].text for c in g.claim_ids) and files["000"] in g.article_ids
    ]
    assert biden
    assert all(g.kind != "off-topic" for g in biden)


def test_claim_clustering_scales_to_a_huge_story():
    # 6,000 claims (a story of hundreds of articles) around 600 facts: the candidate pairs stay
    # linear in the claims, and each fact's claims still end up in one group.
    from parallax.stages.claims import _cluster

    rng = np.random.default_rng(3)
    centres = rng.normal(size=(600, 64))
    labels = np.repeat(np.arange(600), 10)
    vectors = centres[labels] + 0.15 * rng.normal(size=(6000, 64))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    groups = _cluster(vectors.astype(np.float32), 0.8)
    assert all(len(set(labels[g].tolist())) == 1 for g in groups)
    assert len(groups) == 600
