"""Chunked analysis: the per-story stages over chunks of whole stories give the same records."""

from __future__ import annotations

import copy

import pytest

from parallax.analyze import analyze_stories
from parallax.eval.stories import load_basil
from parallax.pipeline import Corpus
from parallax.registry import FIELDS
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
    # The same records; stages that work in two passes (framing: per article, then per story)
    # list them in another order when the stories come in chunks.
    return sorted(repr(r.as_dict()) for r in records)


def test_chunks_give_the_records_of_one_pass(grouped):
    opts, corpus = grouped
    whole = analyze_stories(copy.deepcopy(corpus), opts, chunk=10**6)
    steps: list[tuple[str, int, int]] = []
    chunked = analyze_stories(copy.deepcopy(corpus), opts, chunk=4, progress=lambda *a: steps.append(a))
    assert [s for s in steps if s[0] == "analysis"][-1][1:] == (len(corpus.stories), len(corpus.stories))
    for spec in FIELDS:
        records = getattr(whole, spec.name)
        if spec.name not in ("drafts", "issues"):
            assert records or spec.name in ("contradictions",), f"{spec.name}: nothing to compare"
        assert _dicts(getattr(chunked, spec.name)) == _dicts(records), spec.name
    assert whole.docs and not chunked.docs  # each chunk's parses were let go
    # Entities met in several chunks are one record each; every mention names a known one.
    ids = {e.id for e in chunked.entities}
    assert len(ids) == len(chunked.entities)
    assert chunked.mentions and all(m.entity_id in ids for m in chunked.mentions)


def test_worker_processes_give_the_records_of_one_process(grouped):
    opts, corpus = grouped
    one = analyze_stories(copy.deepcopy(corpus), opts.replace(workers=1), chunk=4)
    steps: list[tuple[str, int, int]] = []
    two = analyze_stories(copy.deepcopy(corpus), opts.replace(workers=2), chunk=4,
                          progress=lambda *a: steps.append(a))
    assert steps and steps[-1][1] == steps[-1][2] > 1
    for spec in FIELDS:  # the same records in the same order
        expected = [r.as_dict() for r in getattr(one, spec.name)]
        assert [r.as_dict() for r in getattr(two, spec.name)] == expected, spec.name
    assert set(two.timings) >= {"parse", "claims", "digest"}
