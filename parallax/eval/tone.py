"""Tone toward a mention vs NewsMTSC (Hamborg & Donnay, EACL 2021): ``parallax eval tone FILE.jsonl``.

Each target of a NewsMTSC-format file (``sentence_normalized``, ``targets[].from/to/polarity``: 2.0
negative, 4.0 neutral, 6.0 positive) is classified by the shipped tone model for the run's embedder
(:mod:`parallax.framing.tone`) and by the baseline, VADER's compound score of the whole sentence
(>= 0.05 positive, <= -0.05 negative, else neutral). Reported: macro-F1 (the dataset's measure),
accuracy, and precision/recall per class. ``DATA`` may also be a folder: its ``dev_mt.jsonl`` and
``dev_rw.jsonl`` are scored.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..framing.tone import CLASSES, Target, features, load_tone_model, vader
from ..options import Options
from ..records import Record

POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}


def read_targets(path: Path) -> tuple[list[Target], list[str], list[str]]:
    """(targets, gold labels, target ids) of a NewsMTSC JSON Lines file."""
    targets, labels, gids = [], [], []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            sentence = item["sentence_normalized"]
            for t in item["targets"]:
                targets.append(Target(sentence, int(t["from"]), int(t["to"])))
                labels.append(POLARITY[float(t["polarity"])])
                gids.append(str(t.get("Input.gid", item.get("primary_gid", ""))))
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{path}:{n}: not a NewsMTSC line ({exc.__class__.__name__}: {exc})") from exc
    return targets, labels, gids


def score_labels(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    """Macro-F1, accuracy and per-class precision/recall/F1."""
    per: dict[str, dict[str, float]] = {}
    for c in CLASSES:
        tp = sum(g == c and p == c for g, p in zip(gold, predicted, strict=True))
        n_pred = sum(p == c for p in predicted)
        n_gold = sum(g == c for g in gold)
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_gold if n_gold else 0.0
        per[c] = {"p": prec, "r": rec, "f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0,
                  "n": n_gold}
    accuracy = sum(g == p for g, p in zip(gold, predicted, strict=True)) / max(1, len(gold))
    return {"macro_f1": sum(v["f1"] for v in per.values()) / len(CLASSES), "accuracy": accuracy,
            "classes": per, "n": len(gold)}


def vader_labels(targets: Sequence[Target]) -> list[str]:
    analyser = vader()
    out = []
    for t in targets:
        score = analyser.polarity_scores(t.sentence)["compound"]
        out.append("positive" if score >= 0.05 else "negative" if score <= -0.05 else "neutral")
    return out


@dataclass(slots=True)
class ToneEval(Record):
    embedder: str = ""
    splits: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> {"model":..., "vader":...}

    @property
    def macro_f1(self) -> float:
        """The model's macro-F1, over all targets of all splits scored."""
        values = [s["model"]["macro_f1"] for s in self.splits.values()]
        return sum(values) / len(values) if values else float("nan")

    def as_dict(self) -> dict[str, Any]:
        return {"embedder": self.embedder, "macro_f1": self.macro_f1, "splits": self.splits}

    def table(self) -> str:
        lines = [f"tone toward a mention (NewsMTSC), embedder {self.embedder}",
                 f"{'split':10}{'method':8}{'n':>5}{'macroF1':>9}{'acc':>7}"
                 + "".join(f"{c[:3] + ' P':>7}{c[:3] + ' R':>7}" for c in CLASSES)]
        for name, split in self.splits.items():
            for method in ("model", "vader"):
                m = split[method]
                lines.append(f"{name:10}{method:8}{m['n']:>5}{m['macro_f1']:>9.3f}{m['accuracy']:>7.3f}"
                             + "".join(f"{m['classes'][c]['p']:>7.3f}{m['classes'][c]['r']:>7.3f}"
                                       for c in CLASSES))
        return "\n".join(lines)


def evaluate(path: Path, options: Options) -> ToneEval:
    """Score a NewsMTSC file, or a folder's ``dev_mt.jsonl`` and ``dev_rw.jsonl``."""
    from ..nlp import get_embedder

    path = Path(path)
    files = [path] if path.is_file() else [p for p in (path / "dev_mt.jsonl", path / "dev_rw.jsonl")
                                           if p.is_file()]
    if not files:
        raise InputError(f"no NewsMTSC file at {path} (expected a .jsonl file or dev_mt.jsonl/dev_rw.jsonl)")
    model = load_tone_model(options.embedder)
    if model is None:
        raise InputError(f"no tone model fitted for the {options.embedder!r} embedder")
    encoder = get_embedder(options.embedder)
    result = ToneEval(embedder=options.embedder)
    for file in files:
        targets, gold, _ = read_targets(file)
        result.splits[file.stem] = {"model": score_labels(gold, model.predict(features(targets, encoder))),
                                    "vader": score_labels(gold, vader_labels(targets))}
    return result
