from __future__ import annotations

import json

import pytest

from parallax.eval.basil import BasilEval, evaluate, load

TRIPLETS = 6  # a fixed sample (sorted by year and file name) keeps the gate fast


@pytest.mark.gate
def test_annotation_offsets_map_into_article_text(eval_dir):
    corpus, gold = load(eval_dir, limit=TRIPLETS)
    arts = corpus.by_id()
    checked = 0
    for art in corpus.articles:
        ann_file = eval_dir / "basil" / "annotations" / art.source.split("/")[-2] / f"{art.id}_ann.json"
        if not ann_file.is_file():
            continue
        data = json.loads(ann_file.read_text(encoding="utf-8"))
        texts = [a["txt"] for a in data["phrase-level-annotations"] if a["bias"] == "inf"]
        assert [arts[art.id].snippet(s) for s in gold[art.id]] == texts
        checked += len(texts)
    assert checked > 10
    assert len(corpus.stories) == TRIPLETS
    assert all(len(s.article_ids) == 3 for s in corpus.stories)


@pytest.mark.gate
@pytest.mark.slow
def test_exclusive_claims_find_informational_bias(eval_dir, options):
    result = evaluate(eval_dir, options, limit=TRIPLETS)
    assert isinstance(result, BasilEval)
    assert result.triplets == TRIPLETS and result.inf_spans > 30
    # Measured on this sample with minilm: recall 0.073, precision 0.104 (48 exclusive claims), base rate
    # 0.096; all 53 triplets with model2vec: recall 0.117, precision 0.163 (520), base rate 0.122. Since
    # the same-fact model, "exclusive" is said only when no other outlet is likely to state the fact (0.88
    # strict precision on the coverage gold), so far fewer claims are exclusive than before (recall was
    # 0.745 when nearly every unmatched sentence was); most informational-bias spans lie in sentences the
    # report now leaves "uncertain". The lift over the base rate rose (1.06 -> 1.34 on all 53).
    assert result.recall >= 0.05
    assert result.precision >= 0.09
    # Exclusive claims must be at least as likely as any claim to carry informational bias.
    assert result.precision >= result.base_rate
    assert "recall" in result.table()
