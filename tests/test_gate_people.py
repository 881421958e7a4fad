"""Quality gate: resolved speaker names (BASIL, PolNeAR dev) and quote-cluster precision (coverage gold)."""

from __future__ import annotations

import pytest

from parallax.eval.people import KindScores, PeopleEval, evaluate, is_group, is_org, label_words, name_matches


def test_a_name_is_right_only_in_its_fullest_form():
    story = "Rick Perry, the Texas governor, spoke. Perry said he would run."
    assert name_matches(label_words("Rick_Perry"), "Rick Perry", story)
    assert not name_matches(label_words("Rick_Perry"), "Perry", story)  # the text gives the full name
    assert name_matches(label_words("Trump"), "Donald Trump", story)
    assert name_matches(label_words("Felipe_Calder"), "Felipe Calderón", story)  # BASIL cuts accents
    assert name_matches(label_words("Perry"), "Perry", "Perry said no.")
    assert not name_matches(label_words("Rick_Perry"), "Rick Santorum", story)
    assert name_matches(label_words("IMF"), "International Monetary Fund", "")
    assert is_group("House_Democrats") and is_group("internet_companies") and not is_group("Donald_Trump")
    assert is_org("NAACP") and is_org("Tea_Party") and not is_org("Nancy_Pelosi")


def test_scores_count_per_kind():
    scores = KindScores()
    for kind, ok in (("named", True), ("named", False), ("pronoun", True), ("pronoun (silver)", False)):
        scores.add(kind, ok)
    assert scores.accuracy() == 2 / 3 and scores.accuracy("named") == 0.5
    assert scores.judged["pronoun (silver)"] == 1 and scores.judged["all"] == 3
    assert "BASIL" in PeopleEval(basil=scores).table()


@pytest.mark.gate
@pytest.mark.slow
def test_people_gate(eval_dir, options):
    result = evaluate(eval_dir, options.replace(embedder="model2vec"))
    # Measured 2026-12 (model2vec; see benchmarks/results_quality.md): BASIL person labels 0.911
    # over 123 judged quotes (named 0.962, pronoun 0.963, description 0.625, floating 0.861; the
    # code before the people model: 0.699); PolNeAR dev named Sources 0.920 over 503 (before 0.875);
    # quote clusters vs the coverage gold: pair precision 0.987 (151/153; before 0.914).
    assert result.basil.accuracy() >= 0.88
    assert result.basil.accuracy("named") >= 0.92
    assert result.basil.accuracy("pronoun") >= 0.85
    assert result.basil.accuracy("floating") >= 0.78
    assert result.basil.judged["all"] >= 110
    assert result.polnear.accuracy() >= 0.89
    assert result.polnear.accuracy("named") >= 0.96
    assert result.precision >= 0.95 and result.pairs >= 120
