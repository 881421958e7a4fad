"""Propositions on real sentences, the same-fact model file, alignment decisions, and the shipped fit."""

from __future__ import annotations

import json

import numpy as np
import pytest

from parallax.facts import propositions
from parallax.facts.align import align, link
from parallax.facts.features import (
    FEATURES,
    SENTENCE_FEATURES,
    StoryFacts,
    candidate_pairs,
    char_grams,
    pair_features,
    relative_features,
    sentence_features,
)
from parallax.facts.model import DEFAULT_PATH, SameFact, fit_logistic, sigmoid


def props_of(nlp, text):
    return propositions("a", nlp(text))


def test_said_that_unwraps_source_and_content(nlp):
    (p,) = props_of(nlp, "The White House said that the president will sign the bill on Friday.")
    assert p.content_text == "the president will sign the bill on Friday"
    assert p.source == "The White House" and p.cue == "say"
    assert p.predicate == "sign" and p.subject == "president" and p.object == "bill"
    assert p.dates == ["friday"]


def test_inverted_attribution_with_quote(nlp):
    text = "“The presence of even one American in Iraq is too much,” Khamenei said."
    (p,) = props_of(nlp, text)
    assert p.content_text == "The presence of even one American in Iraq is too much"
    assert p.source == "Khamenei" and p.cue == "say"
    assert p.quotes == ["the presence of even one american in iraq is too much"]


def test_according_to_and_coordinated_clauses(nlp):
    text = "According to Reuters, 12 people were killed and 30 were injured in the blast."
    first, second = props_of(nlp, text)
    assert first.content_text == "12 people were killed"
    assert first.source == "Reuters" and first.cue == "according"
    assert [(q.value, q.unit) for q in first.numbers] == [(12.0, "people")]
    assert second.text == "30 were injured in the blast." and second.predicate == "injure"


def test_semicolon_and_negation(nlp):
    first, second = props_of(nlp, "Trump lashed out at Cruz on Twitter; he called him a liar.")
    assert first.text == "Trump lashed out at Cruz on Twitter" and second.text == "he called him a liar."
    text = "He did not respond to the comments but underscored the importance of relations."
    neg, pos = props_of(nlp, text)
    assert neg.negated and not pos.negated and pos.subject == "he"  # the subject carries over


def test_money_and_short_fragments(nlp):
    found = props_of(nlp, "Farenthold said he would repay the $84,000 to the Treasury, but he has not.")
    assert len(found) == 1  # "but he has not" is too short to stand alone
    assert [(q.value, q.unit) for q in found[0].numbers] == [(84000.0, "$")]


def test_spans_are_exact_on_real_articles(seed_articles, nlp):
    for art in seed_articles.values():
        doc = nlp(art.text)
        found = propositions(art.id, doc)
        assert len(found) >= len(list(doc.sents)) // 2
        for p in found:
            assert art.text[p.span.start : p.span.end] == p.text
            assert p.sentence.start <= p.span.start <= p.content.start < p.content.end <= p.span.end
            assert p.span.end <= p.sentence.end and p.span.article_id == art.id
            if p.source_span is not None:
                assert art.text[p.source_span.start : p.source_span.end] == p.source
        assert [p.as_dict() for p in propositions(art.id, nlp(art.text))] == [p.as_dict() for p in found]


def test_shipped_model_file_loads():
    model = SameFact.load()
    assert model.features == FEATURES
    data = json.loads(DEFAULT_PATH.read_text())
    assert SameFact.from_json(data).to_json() == data
    assert 0 < model.bounds.exclusive <= model.bounds.link < 1
    p = model.probability(np.tile(model.mean, (3, 1)))
    assert np.all((p > 0) & (p < 1))


def test_logistic_fit_recovers_a_separable_direction():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 2))
    y = (x[:, 0] - 0.5 * x[:, 1] > 0).astype(float)
    coef, _ = fit_logistic(x, y, l2=1.0)
    assert coef[0] > 0 > coef[1] and abs(coef[0] / coef[1] + 2) < 0.6
    assert np.mean((sigmoid(x @ coef) > 0.5) == y) > 0.97


def test_relative_features_rank_and_mutual_best():
    article = np.array([0, 0, 1, 1])
    pairs = np.array([[0, 2], [0, 3], [1, 2], [1, 3]])
    score = np.array([0.9, 0.2, 0.5, 0.4])
    rel = relative_features(score, article, pairs)
    assert rel[:, 2].tolist() == [1.0, 0.0, 0.0, 0.0]  # only 0-2 is each side's best
    assert rel[0, 3] == pytest.approx(0.4)  # margin of 0.9 over the next best, 0.5
    assert rel[3, 0] == 0.0 and rel[3, 1] > 0  # best for 3, second for 1


def test_linkage_does_not_chain():
    article = np.array([0, 1, 2])
    pairs = np.array([[0, 1], [1, 2], [0, 2]])
    probs = np.array([0.9, 0.9, 0.0])  # A~B, B~C, but A and C state different facts
    groups = link(3, article, pairs, probs, 0.5)
    assert sorted(map(len, groups)) == [1, 2]


@pytest.fixture(scope="module")
def small_story(nlp):
    from parallax.nlp.embed import get_embedder

    met = "Iranian Supreme Leader Ali Khamenei met Iraqi President Abdul Latif Rashid in Tehran on Saturday."
    texts = [
        f"{met} Khamenei said the presence of US troops in Iraq was unacceptable. "
        "Rashid travelled with a delegation of ministers to discuss trade and water. "
        "The city zoo welcomed two panda cubs born in the spring. "
        "A local bakery won a national prize for its sourdough bread.",
        f"{met} Rashid's delegation included the ministers of oil and of water resources. "
        "Khamenei told his guest that Iraq should not allow US troops on its soil. "
        "The city council approved a new budget for road repairs after a long debate. "
        "Heavy snow closed the mountain roads in the north of the country for two days.",
    ]
    props, index = [], []
    for k, text in enumerate(texts):
        found = propositions(f"art{k}", nlp(text))
        props += found
        index += [k] * len(found)
    return StoryFacts.build(props, index, texts, get_embedder("minilm"))


def test_align_groups_identical_sentences_and_leaves_unrelated_exclusive(small_story):
    result = align(small_story, ["Outlet A", "Outlet B"])
    status = {s.proposition_id: s for s in result.statuses}
    texts = {p.id: p.text for p in small_story.props}
    met = [p.id for p in small_story.props if p.text.startswith("Iranian Supreme Leader")]
    assert len(met) == 2 and status[met[0]].group_id == status[met[1]].group_id
    assert status[met[0]].status == "shared"
    unrelated = [p.id for p in small_story.props if p.index >= 3]
    assert all(status[i].status != "shared" and status[i].best < 0.1 for i in unrelated)
    # The exclusive bound is strict (cross-validated for precision) and in a toy story of two articles the
    # unrelated sentences are each other's best match: half clear it here, the rest stay uncertain.
    assert sum(status[i].status == "exclusive" for i in unrelated) >= 2, [texts[i] for i in unrelated]
    paraphrase = [p.id for p in small_story.props if "US troops" in p.text]
    assert status[paraphrase[0]].group_id == status[paraphrase[1]].group_id
    for group in result.groups:  # nothing unrelated is pulled into a shared group
        assert len(group.outlets) == 1 or not set(group.proposition_ids) & set(unrelated)
    assert len(pair_features(small_story, candidate_pairs(small_story, 8))[0]) == len(FEATURES)


class _Counting:
    """A fake embedder that records what it was asked to encode."""

    def __init__(self):
        self.calls: list[list[str]] = []

    def encode(self, texts):
        self.calls.append(list(texts))
        rng = np.random.default_rng(len(self.calls))
        vecs = rng.normal(size=(len(texts), 8))
        return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


def test_story_facts_build_encodes_each_distinct_text_once(nlp):
    texts = ["Rashid met Khamenei in Tehran on Saturday, officials said. Talks covered trade and water.",
             "Rashid met Khamenei in Tehran on Saturday, officials said. The talks lasted two hours."]
    props, index = [], []
    for k, text in enumerate(texts):
        found = propositions(f"a{k}", nlp(text))
        props += found
        index += [k] * len(found)
    enc = _Counting()
    facts = StoryFacts.build(props, index, texts, enc)
    (asked,) = enc.calls  # one call, contents and sentences together, no text twice
    assert len(asked) == len(set(asked))
    assert set(asked) == {p.content_text for p in props} | set(facts.sentence_texts or [])
    assert facts.sentences is not None and facts.sentences.shape == facts.vectors.shape
    for p, k, sent in zip(props, index, facts.sentence_texts or [], strict=True):
        assert sent == texts[k][p.sentence.start : p.sentence.end] and p.text in sent
    # The same sentence text in two articles gets one vector.
    first = [n for n, p in enumerate(props) if p.text.startswith("Rashid met")]
    assert len(first) == 2 and np.array_equal(facts.sentences[first[0]], facts.sentences[first[1]])


def test_sentence_features_see_near_identical_passages(nlp):
    texts = [
        "The senator said the bill would cut taxes for 40 million families. He spoke in Ohio.",
        "The bill would cut taxes for 40 million families, the senator said on Tuesday. "
        "Rain fell all day long.",
    ]
    props, index = [], []
    for k, text in enumerate(texts):
        found = propositions(f"a{k}", nlp(text))
        props += found
        index += [k] * len(found)
    facts = StoryFacts.build(props, index, texts, _Counting())
    same = [n for n, p in enumerate(props) if "40 million" in p.text]
    other = [n for n, p in enumerate(props) if "Rain" in p.text or "Ohio" in p.text]
    pairs = np.array([[same[0], same[1]], [other[0], other[1]]])
    col = {f: k for k, f in enumerate(SENTENCE_FEATURES)}
    feats = sentence_features(facts, pairs)
    assert feats[0, col["char_content"]] > 0.9 and feats[0, col["char_sent"]] > 0.7
    assert feats[0, col["idf_sent_min"]] > 0.7 and feats[0, col["idf_sent_max"]] > 0.5
    assert feats[1, col["char_sent"]] < 0.3 and feats[1, col["idf_sent_min"]] == 0.0
    assert 0 < feats[0, col["char_sent_jaccard"]] <= feats[0, col["char_sent"]]
    full = pair_features(facts, pairs)
    assert full.shape == (2, len(FEATURES))
    assert np.allclose(full[:, -len(SENTENCE_FEATURES):], feats)
    # Without sentence vectors and texts the sentence is approximated by its propositions.
    bare = StoryFacts(facts.props, facts.article, facts.vectors)
    approx = sentence_features(bare, pairs)
    assert np.all(np.isfinite(approx)) and approx[0, col["char_content"]] == feats[0, col["char_content"]]


def test_char_grams_ignore_case_and_punctuation():
    assert char_grams("U.S. troops") == char_grams("u s  troops!")
    assert char_grams("abc") == frozenset()


@pytest.mark.slow
@pytest.mark.gate
def test_training_reproduces_the_shipped_file(eval_dir):
    from benchmarks import train_same_fact as train

    data = train.build(eval_dir / "coverage")
    fitted = train.fit_shipped(data).to_json()
    shipped = json.loads(DEFAULT_PATH.read_text())
    assert fitted["features"] == shipped["features"] and fitted["bounds"] == shipped["bounds"]
    for key in ("mean", "scale", "coef", "calibration"):
        assert np.allclose(fitted[key], shipped[key], atol=1e-5), key
    assert fitted["intercept"] == pytest.approx(shipped["intercept"], abs=1e-5)
