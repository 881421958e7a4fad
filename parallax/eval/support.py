"""An independent support check for a digest sentence and one span it cites.

Not the digest builder's test (which asks that the sentence's words lie inside one cited span): a cited
span supports a sentence here only when, parsed on its own, it names the sentence's key entities (at
least half of its people, organisations, places and numbers, compared by their last word) and shares a
predicate with it (a verb or noun lemma other than the light verbs), so a citation to an outlet that
names the same people doing something else fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

KEY_LABELS = frozenset(["PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW", "CARDINAL", "MONEY",
                        "PERCENT", "QUANTITY", "DATE"])
LIGHT = frozenset(["be", "have", "say", "do", "make", "get", "go", "take", "tell", "add", "include"])


def _last(name: str) -> str:
    word = name.lower().split()[-1].strip(".,;:")
    return word.removesuffix("'s").removesuffix("’s")


def _keys(doc: Any) -> tuple[set[str], set[str]]:
    ents = {_last(e.text) for e in doc.ents if e.label_ in KEY_LABELS and e.text.strip()}
    preds = {t.lemma_.lower() for t in doc if t.pos_ in ("VERB", "NOUN") and t.lemma_.lower() not in LIGHT
             and not t.is_stop}
    return {e for e in ents if e}, preds


def supports(sentence: Any, cited: Any) -> bool:
    """Whether the parse ``cited`` supports the parse ``sentence`` (see the module docstring)."""
    ents, preds = _keys(sentence)
    theirs_ents, theirs_preds = _keys(cited)
    if ents and 2 * len(ents & theirs_ents) < len(ents):
        return False
    return bool(preds & theirs_preds) if preds else True


def supported_share(pairs: Sequence[tuple[str, Sequence[str]]], nlp: Any) -> tuple[int, int]:
    """(citations that support their sentence, citations) over ``(sentence, [cited texts])`` pairs."""
    texts = sorted({t for s, cited in pairs for t in (s, *cited)})
    docs = dict(zip(texts, nlp.pipe(texts), strict=True))
    good = total = 0
    for s, cited in pairs:
        for c in cited:
            total += 1
            good += supports(docs[s], docs[c])
    return good, total
