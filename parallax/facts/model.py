"""The same-fact model: logistic regression over pair features, calibrated, as plain JSON numbers.

``SameFact.load()`` reads ``parallax/data/same_fact.json`` (written by
``benchmarks/train_same_fact.py``); ``probability`` is pure numpy. The
fitting itself (``fit_logistic``: Newton's method with an L2 penalty) is
here too, so the training script and the test that re-fits the shipped file
share one deterministic implementation and no scikit-learn is needed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "same_fact.json"


@dataclass(slots=True, frozen=True)
class Bounds:
    """Decision bounds on P(same), chosen by story-level cross-validation.

    ``link``: a proposition joins a group when its mean P(same) with the
    group's members in other articles reaches it. ``exclusive``: a
    proposition whose sentence's best P(same) against every other outlet is
    below it is exclusive (between the two: uncertain). ``omission``: an
    outlet missing from a shared group is said to omit it only when its best
    P(same) against the group's members is below it.
    """

    link: float = 0.5
    exclusive: float = 0.1
    omission: float = 0.1


@dataclass(slots=True)
class SameFact:
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    calibration: tuple[float, float] = (1.0, 0.0)  # p = sigmoid(a * logit + b), fitted on held-out stories
    bounds: Bounds = field(default_factory=Bounds)
    candidates: int = 8  # nearest propositions per article a proposition is compared with
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path | None = None) -> SameFact:
        return cls.from_json(json.loads(Path(path or DEFAULT_PATH).read_text(encoding="utf-8")))

    def logit(self, features: np.ndarray) -> np.ndarray:
        x = (np.asarray(features, dtype=np.float64) - self.mean) / self.scale
        return np.asarray(x @ self.coef + self.intercept, dtype=np.float64)

    def probability(self, features: np.ndarray) -> np.ndarray:
        """Calibrated P(same fact) per row of ``features`` (columns in ``self.features`` order)."""
        if len(features) == 0:
            return np.zeros(0)
        a, b = self.calibration
        return sigmoid(a * self.logit(features) + b)

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": _round(self.mean),
            "scale": _round(self.scale),
            "coef": _round(self.coef),
            "intercept": round(float(self.intercept), 8),
            "calibration": [round(float(v), 8) for v in self.calibration],
            "bounds": {"link": self.bounds.link, "exclusive": self.bounds.exclusive,
                       "omission": self.bounds.omission},
            "candidates": self.candidates,
            "meta": self.meta,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SameFact:
        a, b = data.get("calibration", (1.0, 0.0))
        return cls(
            features=tuple(data["features"]),
            mean=np.array(data["mean"], dtype=np.float64),
            scale=np.array(data["scale"], dtype=np.float64),
            coef=np.array(data["coef"], dtype=np.float64),
            intercept=float(data["intercept"]),
            calibration=(float(a), float(b)),
            bounds=Bounds(**data.get("bounds", {})),
            candidates=int(data.get("candidates", 8)),
            meta=dict(data.get("meta", {})),
        )


def _round(values: np.ndarray) -> list[float]:
    # Eight digits: the file stays readable and byte-identical across runs and machines.
    return [round(float(v), 8) for v in np.asarray(values).ravel()]


def sigmoid(z: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -35.0, 35.0))), dtype=np.float64)


def standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column means and scales (1 where a column is constant)."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    return mean, scale


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, iters: int = 100) -> tuple[np.ndarray, float]:
    """L2-penalised logistic regression by Newton's method (the intercept is not penalised).

    Deterministic: no random start, no sampling; stops when the step is negligible.
    """
    n, d = x.shape
    design = np.column_stack([x, np.ones(n)])
    w = np.zeros(d + 1)
    penalty = np.full(d + 1, l2)
    penalty[-1] = 0.0
    target = np.asarray(y, dtype=np.float64)
    for _ in range(iters):
        p = sigmoid(design @ w)
        grad = design.T @ (p - target) + penalty * w
        hess = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty) + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-10:
            break
    return w[:-1], float(w[-1])


def fit_model(x: np.ndarray, y: np.ndarray, features: tuple[str, ...], l2: float = 1.0) -> SameFact:
    """Standardise, fit, and return an uncalibrated model (calibration and bounds set by the caller)."""
    mean, scale = standardise(x)
    coef, intercept = fit_logistic((x - mean) / scale, y, l2=l2)
    return SameFact(features=features, mean=mean, scale=scale, coef=coef, intercept=intercept)


def fit_calibration(logits: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Platt scaling on held-out logits: (a, b) with P = sigmoid(a * logit + b)."""
    coef, intercept = fit_logistic(np.asarray(logits, dtype=np.float64)[:, None], y, l2=1e-6)
    return float(coef[0]), intercept
