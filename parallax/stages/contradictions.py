"""Contradictions stage: two outlets giving incompatible values to the same slot of the same fact.

Precision first: a conflict is only reported between values of one slot,

* ``agent`` — who did it: "at the invitation/request/behest of X", "invited
  by X", for the same predicate and the same subject (the invitee) in two
  articles; only people and organisations, so "at the invitation of Baghdad"
  and "of the government of Iraq" never conflict;
* ``number`` — a number of the same measured thing (the same unit noun,
  counted for the same subject) in two aligned sentences: sentences of
  different articles holding claims the alignment put in one group (the
  model itself reads a number conflict as evidence of different facts, so
  the clause with the number need not be the aligned one);
* ``date`` — the weekday or month of the same event: the date word attached
  to the main predicate of a claim, in two aligned sentences;

and never for approximations ("about", "almost", "at least", "some"),
rounding (values within ``ROUNDING`` of each other), relative dates ("last
Friday"), or a claim that gives several values of the slot (a history, not
a version). Each contradiction keeps both spans and both values as written.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from ..options import Options
from ..pipeline import Corpus
from ..records import Claim, ClaimGroup, Contradiction, Entity, EntityMention, Span, make_id

AGENT_NOUNS = frozenset({"invitation", "request", "behest", "order", "initiative", "urging"})
AGENT_VERBS = frozenset({"invite", "host", "order", "request", "summon"})
AGENT_PAST = {"invitation": "invited", "request": "requested", "behest": "asked for", "order": "ordered",
              "initiative": "took the initiative for", "urging": "urged", "invite": "invited",
              "host": "hosted", "summon": "summoned"}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)
APPROXIMATE = frozenset({
    "about", "around", "almost", "nearly", "roughly", "some", "approximately", "least", "most", "over",
    "more", "less", "fewer", "under", "up", "than", "estimated", "several", "dozens", "hundreds",
    "thousands", "just", "close", "upwards", "only",
})
RELATIVE = frozenset({"last", "next", "this", "past", "coming", "previous", "following", "every", "each"})
ROUNDING = 0.05  # relative difference under which two numbers are one value rounded


@dataclass(slots=True)
class Slot:
    """One value of one slot of one claim, e.g. agent of "invite" for subject X is Y."""

    kind: str
    key: str  # what the value is about: predicate and subject, unit noun and subject, ...
    value: str  # comparable value (entity id, number, weekday)
    shown: str  # the value as written
    span: Span
    about: str = ""  # the key in words, for the explanation
    number: float | None = None


class Contradictions:
    name = "contradictions"
    requires: tuple[str, ...] = ("claims", "claim_groups", "docs", "entities", "mentions", "stories")
    provides: tuple[str, ...] = ("contradictions",)

    def __init__(self, options: Options):
        self.options = options

    def __call__(self, corpus: Corpus) -> Corpus:
        finder = _Finder(corpus)
        by_story: dict[str, list[ClaimGroup]] = defaultdict(list)
        for g in corpus.claim_groups:
            by_story[g.story_id].append(g)
        out: list[Contradiction] = []
        for story in corpus.stories:
            found = finder.story(story.id, by_story.get(story.id, []))
            for item in found:
                item.id = contradiction_id(item)
            out.extend(found)
        corpus.contradictions = out
        return corpus


def contradiction_id(item: Contradiction) -> str:
    """Named by its kind and its two spans, in either order."""
    left, right = sorted([item.left, item.right])
    parts = [f"{s.article_id}:{s.start}-{s.end}" for s in (left, right)]
    return f"{item.story_id}:" + make_id("x", item.kind, *parts)


class _Finder:
    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.claims = {c.id: c for c in corpus.claims}
        self.entities = {e.id: e for e in corpus.entities}
        self.mentions: dict[str, list[EntityMention]] = defaultdict(list)
        for m in corpus.mentions:
            self.mentions[m.span.article_id].append(m)

    def story(self, story_id: str, groups: list[ClaimGroup]) -> list[Contradiction]:
        live = [g for g in groups if g.kind != "off-topic"]
        claims = [self.claims[c] for g in live for c in g.claim_ids if c in self.claims]
        out = _conflicts(story_id, [s for c in claims for s in self._agent_slots(c)])
        sentences: dict[Span, list[Slot]] = defaultdict(list)
        for claim in claims:
            sentences[claim.sentence or claim.span].extend(self._value_slots(claim))
        for left, right in sorted(self._aligned_sentences(live)):
            if sentences[left] and sentences[right]:
                out.extend(_conflicts(story_id, sentences[left] + sentences[right]))
        return _dedupe(out)

    def _aligned_sentences(self, groups: list[ClaimGroup]) -> set[tuple[Span, Span]]:
        """Pairs of sentences of different articles that hold claims of one group."""
        pairs = set()
        for group in groups:
            spans = sorted({c.sentence or c.span for cid in group.claim_ids if (c := self.claims.get(cid))})
            for a, b in combinations(spans, 2):
                if a.article_id != b.article_id:
                    pairs.add((a, b))
        return pairs

    # -- lookups -------------------------------------------------------------

    def _tokens(self, claim: Claim) -> list[Any]:
        doc = self.corpus.docs.get(claim.span.article_id)
        if doc is None:
            return []
        span = doc.char_span(claim.span.start, claim.span.end, alignment_mode="expand")
        return list(span) if span is not None else []

    def entity_at(self, article_id: str, token: Any) -> Entity | None:
        """The entity whose mention covers the token or its compound/appos children."""
        chars = [(t.idx, t.idx + len(t)) for t in [token, *token.children] if t.dep_ in ("compound", "appos")
                 or t.i == token.i]
        for m in self.mentions.get(article_id, []):
            if any(m.span.start <= a < m.span.end or a <= m.span.start < b for a, b in chars):
                return self.entities.get(m.entity_id or "")
        if token.pos_ != "PROPN":
            return None
        # NER missed this occurrence: a name word of exactly one person this article mentions.
        ids = {m.entity_id for m in self.mentions.get(article_id, []) if m.label == "PERSON"}
        hits = [self.entities[i] for i in ids if i in self.entities
                and token.text in self.entities[i].name.split()]
        return hits[0] if len(hits) == 1 else None

    def subject_of(self, article_id: str, token: Any) -> tuple[Entity | None, Any]:
        """The subject of the verb governing ``token``: its entity and its token."""
        verb = _verb_of(token)
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                return self.entity_at(article_id, child), child
        return None, None

    # -- agent -----------------------------------------------------------------

    def _agent_slots(self, claim: Claim) -> list[Slot]:
        aid = claim.span.article_id
        out = []
        for tok in self._tokens(claim):
            agent = None
            if tok.lemma_.lower() in AGENT_NOUNS:
                agent = next((g for p in tok.children if p.dep_ == "prep" and p.lower_ in ("of", "by")
                              for g in p.children if g.dep_ == "pobj"), None)
            elif tok.lemma_.lower() in AGENT_VERBS and tok.tag_ == "VBN":
                agent = next((g for p in tok.children if p.dep_ == "agent" for g in p.children
                              if g.dep_ == "pobj"), None)
            if agent is None:
                continue
            value = self.entity_at(aid, agent)
            subject, _ = self.subject_of(aid, tok)
            if value is None or subject is None or value.label not in ("PERSON", "ORG"):
                continue
            span = Span(aid, agent.left_edge.idx, agent.right_edge.idx + len(agent.right_edge))
            shown = agent.doc.text[span.start : span.end]
            about = f"who {AGENT_PAST.get(tok.lemma_.lower(), tok.lemma_.lower())} {subject.name}"
            out.append(Slot("agent", f"{tok.lemma_.lower()}:{subject.id}", value.id, shown, span, about))
        return out

    # -- numbers and dates -------------------------------------------------------

    def _value_slots(self, claim: Claim) -> list[Slot]:
        aid = claim.span.article_id
        out = []
        for tok in self._tokens(claim):
            if tok.like_num and tok.dep_ == "nummod" and tok.head.pos_ == "NOUN" and not _approximate(tok):
                value = _number(tok.text)
                if value is None:
                    continue
                unit = tok.head
                subject, subj_tok = self.subject_of(aid, unit)
                who = subject.id if subject else (subj_tok.lemma_.lower() if subj_tok is not None else "")
                start = min(tok.idx, unit.idx)  # the unit noun may precede the number
                span = Span(aid, start, max(tok.idx + len(tok), unit.idx + len(unit)))
                out.append(Slot("number", f"{unit.lemma_.lower()}:{who}", f"{value:g}",
                                tok.doc.text[span.start : span.end], span, f"how many {unit.lemma_.lower()}",
                                value))
            elif tok.lower_ in WEEKDAYS or (tok.lower_ in MONTHS and tok.ent_type_ == "DATE"):
                if _relative(tok) or not _on_main_predicate(tok, self._tokens(claim)):
                    continue
                part = "weekday" if tok.lower_ in WEEKDAYS else "month"
                verb = _verb_of(tok)
                out.append(Slot("date", f"{part}:{verb.lemma_.lower()}", tok.lower_, tok.text,
                                Span(aid, tok.idx, tok.idx + len(tok)),
                                f"the {'day' if part == 'weekday' else 'month'} it happened ({verb.lemma_})"))
        return out


def _verb_of(token: Any) -> Any:
    verb = token
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:  # Tokens are not interned: no `is`
        verb = verb.head
    return verb


def _approximate(tok: Any) -> bool:
    """"about 2,500", "more than 30", "at least 12", "some 2,000": not an exact value to contradict."""
    near = [c.lower_ for c in tok.children] + [c.lower_ for c in tok.head.children if c.i < tok.i]
    before = [t.lower_ for t in tok.doc[max(0, tok.i - 3) : tok.i]]
    return bool(APPROXIMATE & {*near, *before})


def _relative(tok: Any) -> bool:
    """"last Friday", "this Monday", "next month": a date relative to when the outlet wrote."""
    return any(t.lower_ in RELATIVE for t in tok.doc[max(0, tok.i - 2) : tok.i])


def _on_main_predicate(tok: Any, claim_tokens: list[Any]) -> bool:
    """The date word belongs to the claim's main verb, not to a sub-event inside it."""
    if not claim_tokens:
        return False
    inside = {t.i for t in claim_tokens}
    roots = [t for t in claim_tokens if t.head.i not in inside or t.head.i == t.i]
    main = {_verb_of(r).i for r in roots}
    # "had to apologize Saturday": the verb a main verb takes as its complement is the event too.
    for r in list(main):
        main |= {c.i for c in tok.doc[r].children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")}
    return _verb_of(tok).i in main


def _number(text: str) -> float | None:
    words = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
             "nine": 9, "ten": 10, "dozen": 12, "hundred": 100, "thousand": 1000}
    clean = text.lower().replace(",", "")
    if clean in words:
        return float(words[clean])
    try:
        return float(clean)
    except ValueError:
        return None


def _conflicts(story_id: str, slots: list[Slot]) -> list[Contradiction]:
    """Pairs of slots from different articles with the same key and incompatible values."""
    by_key: dict[tuple[str, str], list[Slot]] = defaultdict(list)
    for s in slots:
        by_key[(s.kind, s.key)].append(s)
    out = []
    for (kind, key), items in by_key.items():
        for a, b in combinations(items, 2):
            if a.span.article_id == b.span.article_id or a.value == b.value:
                continue
            if _several(items, a) or _several(items, b) or _rounded(a, b):
                continue
            # A sentence a reader can read ("Outlets differ on who invited Rashid"); values are shown apart.
            out.append(Contradiction("", story_id, kind, a.span, b.span, a.shown, b.shown,
                                     f"Outlets differ on {a.about or key}"))
    return out


def _several(items: list[Slot], slot: Slot) -> bool:
    """A claim giving two values of one slot states a history or a range, not a version."""
    same = [s for s in items if s.span.article_id == slot.span.article_id]
    return len({s.value for s in same}) > 1


def _rounded(a: Slot, b: Slot) -> bool:
    if a.number is None or b.number is None:
        return False
    return abs(a.number - b.number) <= ROUNDING * max(abs(a.number), abs(b.number))


def _dedupe(items: list[Contradiction]) -> list[Contradiction]:
    seen, out = set(), []
    for item in items:
        key = (item.kind, *sorted([item.left, item.right]))
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out
