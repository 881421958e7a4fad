"""Chunked analysis: the per-story stages over chunks of whole stories give the same records."""

from __future__ import annotations

import copy

import pytest

from parallax.analyze import analyse
from parallax.eval.stories import load_basil
from parallax.pipeline import Corpus
from parallax.stages.dedup import Dedup
from parallax.stages.stories import Stories


@pytest.fixture(scope="module")
def grouped(eval_dir, options):
    opts = options.replace(embedder="model2vec")
    items = load_basil(eval_dir / "basil")
    triplets = sorted({g for _, g in items})[:6]
    arts = [a for a, g in items if g in triplets]
    corpus = Stories(opts)(Dedup(opts)(Corpus(articles=arts, provided={"inputs", "articles",
                                                                          "articles.metadata"})))
    corpus.provided |= {"reuse", "stories"}
    assert len(corpus.stories) >= 5
    return opts, corpus


def _dicts(records):
    return sorted(repr(r.as_dict()) for r in records)


def test_chunks_give_the_records_of_one_pass(grouped):
    opts, corpus = grouped
    whole = analyse(copy.deepcopy(corpus), opts, chunk=10**6)
    steps: list[tuple[str, int, int]] = []
    chunked = analyse(copy.deepcopy(corpus), opts, chunk=4, progress=lambda *a: steps.append(a))
    assert [s for s in steps if s[0] == "analysis"][-1][1:] == (len(corpus.stories), len(corpus.stories))
    names = ("quotes", "claims", "claim_groups", "quote_clusters", "contradictions", "digests", "framing")
    for name in names:
        assert _dicts(getattr(chunked, name)) == _dicts(getattr(whole, name)), name
    assert chunked.timeline == whole.timeline
    assert whole.docs and not chunked.docs  # each chunk's parses were let go
    # Entities resolve within a chunk; every mention still names a known entity.
    ids = {e.id for e in chunked.entities}
    assert len(ids) == len(chunked.entities)
    assert chunked.mentions and all(m.entity_id in ids for m in chunked.mentions)
