"""The comparable slots of a proposition: numbers, dates, entities in roles, content words, quotes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .propositions import Proposition

ENTITY_LABELS = frozenset([
    "PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW", "WORK_OF_ART", "PRODUCT",
])
DATE_LABELS = frozenset(("DATE", "TIME"))
CONTENT_POS = frozenset(("NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV"))
AGENT_DEPS = frozenset(("nsubj", "csubj", "agent", "poss"))
PATIENT_DEPS = frozenset(("nsubjpass", "dobj", "dative", "attr", "oprd", "pobj"))
WORD_NUMBERS = {
    w: float(n)
    for n, w in enumerate(
        [
            "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
            "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
            "eighteen", "nineteen", "twenty",
        ]
    )
}
SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_QUOTED = re.compile(r"[\"“”]([^\"“”]{3,})[\"“”]")
QUOTE_WORDS = 3  # "a foul-mouthed congresswoman" is worth matching; "'no'" is not


def add_slots(prop: Proposition, head: Any, tokens: Sequence[Any], sent: Any, ents: Sequence[Any],
              content: tuple[int, int]) -> None:
    """Fill ``prop``'s numbers, dates, entities, words and quotes from the content tokens."""
    from .propositions import Mention

    start, end = content
    own = {t.i for t in tokens}
    dated: set[int] = set()
    for ent in ents:
        if ent.root.i not in own:
            continue
        if ent.label_ in DATE_LABELS:
            prop.dates.append(ent.text.lower())
            dated.update(range(ent.start, ent.end))
        elif ent.label_ in ENTITY_LABELS:
            prop.entities.append(Mention(ent.text, ent.label_, _role(ent.root, head)))
    prop.numbers = _numbers(tokens, dated)
    prop.words = [t.lemma_.lower() for t in tokens if t.pos_ in CONTENT_POS and not t.is_stop and t.is_alpha]
    prop.quotes = _quotes(sent, start, end)


def _role(tok: Any, head: Any) -> str:
    """agent | patient | other: the dependency of the head's child on the path to ``tok``."""
    while tok.head.i != tok.i and tok.head.i != head.i:
        tok = tok.head
    if tok.head.i != head.i or tok.i == head.i:
        return "other"
    if tok.dep_ in AGENT_DEPS:
        return "agent"
    return "patient" if tok.dep_ in PATIENT_DEPS else "other"


def _numbers(tokens: Sequence[Any], dated: set[int]) -> list[Any]:
    from .propositions import Quantity

    out = []
    for tok in tokens:
        if tok.i in dated or not (tok.like_num or tok.pos_ == "NUM") or tok.lower_ in SCALES:
            continue
        if tok.i > 0 and tok.doc[tok.i - 1].like_num and tok.doc[tok.i - 1].lower_ not in SCALES:
            continue  # "84 000" split oddly: counted once, from its first token
        value = parse_number(tok)
        if value is None:
            continue  # ordinals and odd tokens: nothing to compare
        out.append(Quantity(tok.text, value, _unit(tok)))
    return out


def parse_number(tok: Any) -> float | None:
    text = tok.lower_.replace(",", "")
    try:
        value = float(text)
    except ValueError:
        value = WORD_NUMBERS.get(text, -1.0)
        if value < 0:
            return None
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    if nxt is not None and nxt.lower_ in SCALES:
        value *= SCALES[nxt.lower_]
    return value


def _unit(tok: Any) -> str | None:
    doc = tok.doc
    if tok.i > 0 and doc[tok.i - 1].text in ("$", "£", "€"):
        return doc[tok.i - 1].text
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    if nxt is not None and nxt.lower_ in ("%", "percent", "per"):
        return "%"
    if tok.dep_ in ("nummod", "quantmod") and tok.head.pos_ in ("NOUN", "PROPN"):
        return str(tok.head.lemma_.lower())
    return None


def _quotes(sent: Any, start: int, end: int) -> list[str]:
    """Quoted passages of the sentence that overlap the content, as lower-case word strings."""
    out = []
    base = sent.start_char
    for m in _QUOTED.finditer(sent.text):
        a, b = base + m.start(1), base + m.end(1)
        if b <= start or a >= end:
            continue
        words = norm_words(m.group(1))
        if len(words) >= QUOTE_WORDS:
            out.append(" ".join(words))
    return out


def norm_words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("’", "'"))
