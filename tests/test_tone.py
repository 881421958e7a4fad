"""The tone model's inputs, its file, and the NewsMTSC reader and scorer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from parallax.errors import InputError
from parallax.eval.tone import read_targets, score_labels
from parallax.framing.tone import CLASSES, Target, features, inside_quote, load_tone_model, model_path, window

ROOT = Path(__file__).resolve().parent.parent


def test_the_window_hides_the_mention_and_keeps_what_is_said_of_it():
    s = "Critics in the capital accused Smith of lying to voters about the budget again."
    t = Target(s, s.index("Smith"), s.index("Smith") + 5)
    assert window(t, 3) == "the capital accused someone of lying to"
    assert "Smith" not in window(t)


def test_inside_quote():
    s = "“Jones has failed us,” said Smith, who called it \"a disgrace to Jones\"."
    assert inside_quote(s, s.index("Jones"))
    assert not inside_quote(s, s.index("Smith"))
    assert inside_quote(s, s.rindex("Jones"))


def test_the_shipped_models_give_a_distribution_over_the_three_classes():
    from parallax.nlp import get_embedder

    model = load_tone_model("model2vec")
    assert model is not None and load_tone_model("minilm") is not None
    s = "The mayor thanked the volunteers who rebuilt the flooded school in record time."
    x = features([Target(s, 4, 9), Target(s, s.index("volunteers"), s.index("volunteers") + 10)],
                 get_embedder("model2vec"))
    p = model.probabilities(x)
    assert p.shape == (2, 3) and np.allclose(p.sum(axis=1), 1.0)
    assert set(model.predict(x)) <= set(CLASSES)
    assert load_tone_model("hashing") is None  # no model fitted for it: tone is not stated


def test_reader_and_scorer(tmp_path):
    line = {"primary_gid": "g", "sentence_normalized": "Smith praised Jones.",
            "targets": [{"Input.gid": "a", "from": 0, "to": 5, "polarity": 4.0},
                        {"Input.gid": "b", "from": 14, "to": 19, "polarity": 6.0}]}
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps(line) + "\n\n")
    targets, labels, gids = read_targets(path)
    assert [t.sentence[t.start : t.end] for t in targets] == ["Smith", "Jones"]
    assert labels == ["neutral", "positive"] and gids == ["a", "b"]
    gold = ["negative", "neutral", "positive", "positive"]
    m = score_labels(gold, ["negative", "positive", "positive", "neutral"])
    assert m["accuracy"] == 0.5
    assert m["classes"]["positive"] == {"p": 0.5, "r": 0.5, "f1": 0.5, "n": 2}
    assert m["macro_f1"] == pytest.approx((1.0 + 0.0 + 0.5) / 3)
    path.write_text('{"sentence_normalized": "x", "targets": [{"from": 0}]}\n')
    with pytest.raises(InputError, match=r"x\.jsonl:1"):
        read_targets(path)


@pytest.mark.slow
def test_the_training_script_reproduces_the_shipped_model2vec_file(tmp_path, newsmtsc):
    out = tmp_path / "tone.json"
    subprocess.run([sys.executable, "-m", "benchmarks.train_tone", "--embedder", "model2vec", "--data",
                    str(newsmtsc), "--out", str(out)], cwd=ROOT, check=True, capture_output=True, timeout=600)
    assert out.read_bytes() == model_path("model2vec").read_bytes()
