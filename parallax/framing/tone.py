"""Tone toward one mention: the sentiment a sentence expresses toward a given person or organisation.

Learned on NewsMTSC (Hamborg & Donnay, EACL 2021) by ``benchmarks/train_tone.py`` (``make train``):
a multinomial logistic regression over

- embeddings of the whole sentence, of the sentence with the mention replaced by a neutral
  placeholder (so its own name carries no sentiment), of the words around the mention (``WINDOW`` and
  ``NARROW`` words each side, the mention replaced too) and of the ``SIDE`` words before and after it
  apart (the blocks were chosen by cross-validation on the training split),
- VADER's scores of the sentence and of that window, and where the mention stands: inside a
  quotation, opening the sentence.

A sentence's mood is not its stance toward everyone in it ("Khamenei said the US is not Iraq's
friend" is negative toward the US, not Khamenei): the window and the placement are what let the model
tell them apart. The weights ship as ``parallax/data/tone.json`` (MiniLM) and
``tone.model2vec.json``; :func:`load_tone_model` picks the one fitted for the run's embedder.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

CLASSES = ("negative", "neutral", "positive")
WINDOW = 6  # words each side of the mention
NARROW = 3  # words each side: what is said of the mention itself ("accused someone of lying")
SIDE = 8  # words before and after the mention, embedded apart: who acts on it, what it does
PLACEHOLDER = "someone"
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "tone.json"
_WORD = re.compile(r"\S+")
_OPEN = "“‘\"«"
SCALARS = ("vader_sentence", "vader_window", "vader_window_neg", "vader_window_pos", "in_quote",
           "opens", "sentence_quote")


class Encoder(Protocol):
    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True, slots=True)
class Target:
    """A mention to score: its sentence and the mention's characters in it."""

    sentence: str
    start: int
    end: int


def window(target: Target, words: int = WINDOW) -> str:
    """The words around the mention with the mention replaced by :data:`PLACEHOLDER`."""
    before = _WORD.findall(target.sentence[: target.start])[-words:]
    after = _WORD.findall(target.sentence[target.end :])[:words]
    return " ".join([*before, PLACEHOLDER, *after])


def inside_quote(text: str, at: int) -> bool:
    """Whether position ``at`` lies inside a quotation (an odd number of quote marks before it)."""
    before = text[:at]
    curly = before.count("“") - before.count("”")
    return curly > 0 or before.count('"') % 2 == 1


@functools.cache
def vader() -> Any:
    """VADER's analyser, loaded once per process."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def scalar_features(targets: Sequence[Target]) -> np.ndarray:
    analyser = vader()
    rows = []
    for t in targets:
        s = analyser.polarity_scores(t.sentence)
        w = analyser.polarity_scores(window(t))
        quoted = float(inside_quote(t.sentence, t.start))
        rows.append([s["compound"], w["compound"], w["neg"], w["pos"], quoted, float(t.start <= 2),
                     float(any(c in t.sentence for c in _OPEN))])
    return np.array(rows, dtype=np.float64).reshape(len(targets), len(SCALARS))


def features(targets: Sequence[Target], encoder: Encoder) -> np.ndarray:
    """One row per target: sentence embedding, window embedding, the scalars."""
    if not targets:
        return np.zeros((0, 0))
    sentences = np.asarray(encoder.encode([t.sentence for t in targets]), dtype=np.float64)
    texts = [
        [window(t) for t in targets],
        [window(t, NARROW) for t in targets],
        [t.sentence[: t.start] + PLACEHOLDER + t.sentence[t.end :] for t in targets],
        [" ".join(t.sentence[: t.start].split()[-SIDE:]) or "." for t in targets],
        [" ".join(t.sentence[t.end :].split()[:SIDE]) or "." for t in targets],
    ]
    blocks = [np.asarray(encoder.encode(batch), dtype=np.float64) for batch in texts]
    return np.hstack([sentences, *blocks, scalar_features(targets)])


@dataclass(slots=True)
class ToneModel:
    """Standardise, then a linear score per class; ``predict`` gives one of :data:`CLASSES` per row."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (classes, features)
    intercept: np.ndarray  # (classes,)
    embedder: str = "minilm"

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        if not len(x):
            return np.zeros((0, len(CLASSES)))
        z = ((x - self.mean) / self.scale) @ self.coef.T + self.intercept
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return np.asarray(p / p.sum(axis=1, keepdims=True))

    def predict(self, x: np.ndarray) -> list[str]:
        return [CLASSES[int(k)] for k in self.probabilities(x).argmax(axis=1)] if len(x) else []

    def to_json(self) -> dict[str, Any]:
        def r(a: np.ndarray) -> list[Any]:
            # Significant digits, not decimals: some features' spreads are far below 1e-6.
            return [float(f"{v:.7g}") for v in a.ravel()] if a.ndim == 1 else [r(row) for row in a]
        return {"classes": list(CLASSES), "embedder": self.embedder, "window": WINDOW,
                "scalars": list(SCALARS), "mean": r(self.mean), "scale": r(self.scale),
                "coef": r(self.coef), "intercept": r(self.intercept)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ToneModel:
        return cls(np.array(data["mean"]), np.array(data["scale"]), np.array(data["coef"]),
                   np.array(data["intercept"]), data.get("embedder", "minilm"))


def model_path(embedder: str) -> Path:
    return DEFAULT_PATH if embedder == "minilm" else DEFAULT_PATH.with_name(f"tone.{embedder}.json")


@functools.cache
def load_tone_model(embedder: str = "minilm") -> ToneModel | None:
    """The shipped model fitted for ``embedder`` (None when none is: tone is then not stated)."""
    path = model_path(embedder)
    if not path.is_file():
        return None
    return ToneModel.from_json(json.loads(path.read_text(encoding="utf-8")))
