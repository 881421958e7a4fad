"""Gate: the loaded-terms lexicon against BASIL's lexical-bias spans (eval/lexicon.py).

Measured over the 159 annotated articles: 269 lexicon hits, precision 0.097, recall 0.110 of the 237
lexical-bias spans; hits in the outlet's own voice (outside direct quotations) 155, precision 0.116;
base rate 0.0041 (the share of words inside a span), so the flags are 23 times as likely as a random
word to be biased wording.
The lexicon is a list of documented loaded terms, and BASIL marks biased wording that is mostly not
in any list ("slammed", "so-called", "radical"): the numbers say how little of it a lexicon catches,
which the report states. Floors catch a lexicon or a loader that breaks.
"""

from __future__ import annotations

import pytest

from parallax.eval.lexicon import evaluate

pytestmark = [pytest.mark.gate, pytest.mark.slow]


def test_lexicon_floors(eval_dir, options):
    result = evaluate(eval_dir, options).as_dict()
    assert result["articles"] >= 150 and result["lex_spans"] >= 200
    assert set(result["per_source"]) == {"fox", "hpo", "nyt"}
    assert result["precision"] >= 0.07
    assert result["recall"] >= 0.08
    # A word picked at random lies in a lexical-bias span 0.4% of the time: flags are 23x that.
    assert result["precision"] >= 10 * result["base_rate"]
    # Charging the outlet only for its own words does not make the flags worse.
    assert result["own_precision"] >= result["precision"] - 0.01
