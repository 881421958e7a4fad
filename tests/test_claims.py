from __future__ import annotations

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
    linked = [g for g in groups if len(g.article_ids) > 1]
    assert len(linked) == 1
    assert {files["003"], files["004"]} <= set(linked[0].article_ids)
    assert linked[0].kind in ("consensus", "shared", "reported")


def test_group_kinds_follow_outlet_counts_and_decisions(corpus):
    labels = {a.id: a.label for a in corpus.articles}
    n = len(set(labels.values()))
    claims = {c.id: c for c in corpus.claims}
    for g in corpus.claim_groups:
        outlets = {labels[a] for a in g.article_ids}
        status = claims[g.claim_ids[0]].status
        assert g.kind == group_kind(len(outlets), n, bool(g.uncertain), status)
        # Outlets absent from a group are either said to leave it out or left undecided, never both.
        absent = set(labels.values()) - outlets
        if len(outlets) >= 2:
            assert set(g.omitted_by) | set(g.uncertain) == absent and not set(g.omitted_by) & set(g.uncertain)
        for cid in g.claim_ids:
            assert claims[cid].status == ("shared" if len(outlets) >= 2 else claims[cid].status)


def test_group_kind_thresholds():
    assert group_kind(1, 5) == "exclusive"
    assert group_kind(1, 5, status="uncertain") == "uncertain"
    assert group_kind(2, 5) == "shared"
    assert group_kind(3, 5) == "consensus"
    assert group_kind(2, 4) == "consensus"
    assert group_kind(3, 5, undecided=True) == "reported"
    assert group_kind(1, 1) == "exclusive"


def test_attribution_is_unwrapped_into_content_and_source(corpus):
    arts = corpus.by_id()
    attributed = [c for c in corpus.claims if c.source]
    assert len(attributed) >= 10
    for claim in attributed:
        text = arts[claim.span.article_id].text
        assert claim.content is not None and claim.source_span is not None
        # The content and the source lie inside the claim, apart from each other.
        assert claim.span.start <= claim.content.start < claim.content.end <= claim.span.end
        assert text[claim.source_span.start : claim.source_span.end] == claim.source
        assert not claim.content.overlaps(claim.source_span)
