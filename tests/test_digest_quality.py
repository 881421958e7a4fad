"""What a reader of the digest trips over, and the checks that judge it apart from the builder."""

from __future__ import annotations

import pytest

from parallax.eval.neus import lexrank_summary, tokens
from parallax.eval.support import supports
from parallax.stages.digest import opens_on_reference, stands_alone


@pytest.mark.parametrize("text", [
    "He said the talks would resume on Monday after a week of delays.",
    "This meant the ceasefire collapsed before it could be tested by either side.",
    "“They were never consulted about the plan,” a spokesman for the union said.",
    "The move was condemned by three neighbouring governments on Tuesday evening.",
])
def test_a_sentence_opening_on_a_reference_does_not_stand_alone(text):
    assert opens_on_reference(text) and not stands_alone(text)


@pytest.mark.parametrize("text", [
    "Heavy rain flooded the old town of Erbil on Tuesday, officials said.",
    "Theresa May told parliament the vote would go ahead next week.",
    "Thessaloniki's port reopened after a two-day strike by dock workers.",
])
def test_a_named_sentence_stands_alone(text):
    assert not opens_on_reference(text) and stands_alone(text)


def test_fragments_do_not_stand_alone():
    assert not stands_alone("This is a critical mission.")
    assert not stands_alone("Iraqi president visits Tehran")  # a headline: no closing punctuation
    # cut inside a quotation, and a quotation with nobody saying it
    assert not stands_alone("“Attorney General Barr — release the Mueller report to the American public.")
    assert not stands_alone("“Whatever the deal is with other countries, we want a better deal for workers.”")
    assert stands_alone("“We want a better deal for America’s workers,” the president said on Friday.")


def test_support_needs_the_entities_and_a_predicate(nlp):
    sentence = nlp("Iraqi President Abdul Latif Rashid arrived in Tehran on Saturday for talks with Raisi.")
    same = nlp("Rashid arrived in Tehran on Saturday, where he will hold talks with President Ebrahim Raisi.")
    other_act = nlp("Rashid criticised Raisi's government in a speech in Baghdad last year.")
    other_people = nlp("The French president arrived in Berlin on Saturday for talks with the chancellor.")
    assert supports(sentence, same)
    assert not supports(sentence, other_act)
    assert not supports(sentence, other_people)


def test_lexrank_takes_the_central_sentences_up_to_the_length(seed_corpus, nlp):
    arts = seed_corpus.articles[:3]
    sentences = [s.text for a in arts for s in nlp(a.text).sents if s.text.strip()]
    summary = lexrank_summary(sentences, 60)
    chosen = [s for s in sentences if s in summary]
    assert 60 <= len(tokens(summary)) <= 60 + max(len(tokens(s)) for s in chosen)
    assert len(set(chosen)) == len(chosen) >= 2
    # Central means about the story: every chosen sentence shares words with the others.
    assert all(len(set(tokens(s)) & set(tokens(" ".join(sentences)))) > 3 for s in chosen)
