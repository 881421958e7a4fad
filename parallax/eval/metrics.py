"""Precision, recall and F1: the arithmetic every evaluation harness shares."""

from __future__ import annotations


def f1(precision: float, recall: float) -> float:
    """Harmonic mean; 0 when both are 0."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def prf(hits_p: int, n_predicted: int, hits_r: int, n_gold: int) -> tuple[float, float, float]:
    """P, R, F1 from counts: predictions that hit, predictions, gold items found, gold items."""
    p = hits_p / n_predicted if n_predicted else 0.0
    r = hits_r / n_gold if n_gold else 0.0
    return p, r, f1(p, r)
