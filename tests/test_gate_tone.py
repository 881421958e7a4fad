"""Gate: tone toward a mention on NewsMTSC's two dev splits, which the model never saw.

Measured with minilm (the default): macro-F1 0.689 on dev_mt (442 targets, sentences with several
targets) and 0.715 on dev_rw (343, real-world distribution), against VADER on the whole sentence
0.528 and 0.508 (the framing stage's measure before). Published: 0.79-0.83 for fine-tuned
BERT/RoBERTa models, which cannot be had offline here.
"""

from __future__ import annotations

import pytest

from parallax.eval.tone import evaluate

pytestmark = [pytest.mark.gate, pytest.mark.slow]


@pytest.fixture(scope="module")
def result(newsmtsc, options):
    return evaluate(newsmtsc, options)


def test_macro_f1_floors(result):
    assert set(result.splits) == {"dev_mt", "dev_rw"}
    assert result.splits["dev_mt"]["model"]["macro_f1"] >= 0.66
    assert result.splits["dev_rw"]["model"]["macro_f1"] >= 0.69


def test_the_model_beats_vader_on_the_sentence(result):
    for split in result.splits.values():
        assert split["model"]["macro_f1"] >= split["vader"]["macro_f1"] + 0.10
        # no class given up: each is found at least half the time
        assert all(c["r"] >= 0.5 for c in split["model"]["classes"].values())


def test_table_and_json(result):
    assert "dev_mt" in result.table() and "vader" in result.table()
    assert result.as_dict()["macro_f1"] == pytest.approx(result.macro_f1)
