"""Fit the tone-toward-a-mention model on NewsMTSC train and measure it on both dev splits.

    python -m benchmarks.train_tone [--data DIR] [--embedder minilm|model2vec] [--out FILE]

Every target of ``train.jsonl`` (its sentence, the mention's characters, the polarity: 2 negative,
4 neutral, 6 positive) becomes one row of ``parallax.framing.tone.features``; a multinomial logistic
regression (scikit-learn, lbfgs, balanced class weights) is fitted on standardised rows, its
regularisation chosen by 5-fold cross-validation on train grouped by article (so no article's
sentences are on both sides). The model is then scored on ``dev_mt.jsonl`` and ``dev_rw.jsonl``, which
it never saw, next to VADER's compound score of the sentence (>= 0.05 positive, <= -0.05 negative),
the baseline the framing stage used before. Deterministic: the same file on every run. Embeddings are
cached under benchmarks/.cache/tone/.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from parallax.eval.tone import read_targets, score_labels
from parallax.framing.tone import CLASSES, ToneModel, features, model_path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "eval" / "newsmtsc"
CACHE = ROOT / "benchmarks" / ".cache" / "tone"
C_GRID = (0.0003, 0.001, 0.003, 0.01, 0.03, 0.1)


class _Cached:
    """An embedder whose vectors are cached on disk by text hash."""

    def __init__(self, name: str):
        self.name = name
        self.path = CACHE / f"vectors.{name}.npz"
        self.table: dict[str, np.ndarray] = dict(np.load(self.path)) if self.path.is_file() else {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
        todo = sorted({t for t, k in zip(texts, keys, strict=True) if k not in self.table})
        if todo:
            from parallax.nlp.embed import get_embedder

            for text, vec in zip(todo, get_embedder(self.name).encode(todo), strict=True):
                self.table[hashlib.sha1(text.encode()).hexdigest()] = np.asarray(vec, dtype=np.float32)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            np.savez(self.path, **self.table)
        return np.stack([self.table[k] for k in keys])


def fit(x: np.ndarray, y: np.ndarray, c: float) -> ToneModel:
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    clf = LogisticRegression(C=c, class_weight="balanced", max_iter=3000)
    clf.fit((x - mean) / scale, y)
    return ToneModel(mean, scale, clf.coef_, clf.intercept_)


def choose_c(x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> tuple[float, dict[float, float]]:
    from sklearn.model_selection import GroupKFold

    scores = {}
    for c in C_GRID:
        f1s = []
        for train, test in GroupKFold(n_splits=5).split(x, y, groups):
            model = fit(x[train], y[train], c)
            pred = model.probabilities(x[test]).argmax(axis=1)
            f1s.append(score_labels([CLASSES[k] for k in y[test]], [CLASSES[k] for k in pred])["macro_f1"])
        scores[c] = float(np.mean(f1s))
    return max(C_GRID, key=lambda c: (scores[c], -c)), scores


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--embedder", default="minilm", choices=("minilm", "model2vec"))
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    encoder = _Cached(args.embedder)
    targets, labels, gids = read_targets(args.data / "train.jsonl")
    x = features(targets, encoder)
    y = np.array([CLASSES.index(label) for label in labels])
    groups = np.array(["_".join(g.split("_")[:2]) for g in gids])  # allsides_<article>
    c, cv = choose_c(x, y, groups)
    model = fit(x, y, c)
    model.embedder = args.embedder
    out = args.out or model_path(args.embedder)
    out.write_text(json.dumps(model.to_json()) + "\n", encoding="utf-8")
    report: dict[str, Any] = {"C": c, "cv_macro_f1": cv, "rows": len(y)}
    for split in ("dev_mt", "dev_rw"):
        dev, gold, _ = read_targets(args.data / f"{split}.jsonl")
        report[split] = score_labels(gold, model.predict(features(dev, encoder)))
    print(json.dumps(report, indent=1))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
