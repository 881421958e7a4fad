"""Quality gate: HTML main-text extraction on the ScrapingHub benchmark (181 pages)."""

from __future__ import annotations

import pytest

from parallax.eval.extraction import evaluate, prf


def test_prf_counts_tokens():
    assert prf("a b c", "a b c") == (1.0, 1.0, 1.0)
    p, r, _ = prf("a b c d", "a b")
    assert (p, r) == (0.5, 1.0)
    assert prf("", "a") == (0.0, 0.0, 0.0)


@pytest.mark.gate
@pytest.mark.slow
def test_extraction_gate(eval_dir):
    scores = evaluate(eval_dir / "extraction")
    assert scores["extracted"] >= 0.97 * scores["pages"]
    # Measured 2026-11: reader F1 0.959 (P 0.947, R 0.983); clean F1 0.963 (P 0.960, R 0.976).
    assert scores["reader"]["f1"] >= 0.94
    assert scores["clean"]["f1"] >= 0.945
    # Clean must not cost much recall: it only removes furniture.
    assert scores["clean"]["recall"] >= scores["reader"]["recall"] - 0.02
    assert scores["clean"]["precision"] >= scores["reader"]["precision"]
