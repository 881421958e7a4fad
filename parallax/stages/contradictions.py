"""Contradictions stage: conflicting slot values between outlets' claims.

Slots are read from the dependency parse, never from names:

* ``agent`` — who did it: "at the invitation/request/behest of X", "invited
  by X", compared for the same subject (the invitee) across articles;
* ``role`` — "his Iraqi counterpart B" where the possessor A's role (from
  every outlet's descriptors of A) differs from B's role: a counterpart holds
  the same office;
* ``number`` — numbers with their unit noun ("2,500 troops") within an
  aligned claim group;
* ``date`` — weekdays, months and years within an aligned claim group;
* ``place`` — "in/at PLACE" on the main verb within a group, when neither
  article ever mentions the other's place.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from ..options import Options
from ..pipeline import Corpus
from ..records import Claim, ClaimGroup, Contradiction, Entity, EntityMention, Span, make_id
from .entities import entity_roles

AGENT_NOUNS = frozenset({"invitation", "request", "behest", "order", "initiative", "urging"})
AGENT_VERBS = frozenset({"invite", "host", "order", "request", "summon"})
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)


@dataclass(slots=True)
class Slot:
    """One value of one slot of one claim, e.g. agent of "invite" for subject X is Y."""

    kind: str
    key: str  # what the value is about: the subject entity, the unit noun, ...
    value: str  # comparable value (entity id, number, date part)
    shown: str  # the value as written
    span: Span
    about: str = ""  # the key in words, for the explanation


class Contradictions:
    name = "contradictions"
    requires: tuple[str, ...] = ("claims", "claim_groups", "docs", "entities", "mentions", "stories")
    provides: tuple[str, ...] = ("contradictions",)

    def __init__(self, options: Options):
        self.options = options

    def __call__(self, corpus: Corpus) -> Corpus:
        finder = _Finder(corpus)
        out: list[Contradiction] = []
        for story in corpus.stories:
            groups = [g for g in corpus.claim_groups if g.story_id == story.id]
            found = finder.story(story.id, groups)
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
        out: list[Contradiction] = []
        claims = [self.claims[c] for g in groups for c in g.claim_ids if c in self.claims]
        agent_slots = [s for c in claims for s in self._agent_slots(c)]
        out.extend(_conflicts(story_id, agent_slots, "agent"))
        for claim in claims:
            out.extend(self._role_conflicts(story_id, claim))
        for group in groups:
            members = [self.claims[c] for c in group.claim_ids if c in self.claims]
            if len({c.span.article_id for c in members}) < 2:
                continue
            slots = [s for c in members for s in self._value_slots(c)]
            out.extend(_conflicts(story_id, slots, None))
            out.extend(self._place_conflicts(story_id, members))
        return _dedupe(out)

    # -- lookups -------------------------------------------------------------

    def _doc(self, claim: Claim) -> Any:
        return self.corpus.docs.get(claim.span.article_id)

    def _tokens(self, claim: Claim) -> list[Any]:
        doc = self._doc(claim)
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

    def subject_entity(self, article_id: str, token: Any) -> tuple[Entity | None, Any]:
        verb = token
        while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:  # Tokens are not interned: no `is`
            verb = verb.head
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
            subject, _ = self.subject_entity(aid, tok)
            # Only people and organisations: "at the invitation of Baghdad" and "of the
            # government of Iraq" are the same inviter in different words.
            if value is None or subject is None or value.label not in ("PERSON", "ORG"):
                continue
            doc = agent.doc
            left = agent.left_edge.idx
            span = Span(aid, left, agent.right_edge.idx + len(agent.right_edge))
            shown = doc.text[span.start : span.end]
            about = f"{tok.lemma_.lower()} ({subject.name})"
            out.append(Slot("agent", f"{tok.lemma_.lower()}:{subject.id}", value.id, shown, span, about))
        return out

    # -- role ------------------------------------------------------------------

    def _role_conflicts(self, story_id: str, claim: Claim) -> list[Contradiction]:
        aid = claim.span.article_id
        out = []
        for tok in self._tokens(claim):
            if tok.lemma_.lower() != "counterpart":
                continue
            named = tok.head if tok.dep_ == "compound" else next(
                (c for c in tok.children if c.dep_ == "appos"), None)
            poss = next((c for c in tok.children if c.dep_ == "poss"), None)
            if named is None or poss is None:
                continue
            other = self.entity_at(aid, named)
            holder = (self.subject_entity(aid, named)[0] if poss.pos_ == "PRON"
                      else self.entity_at(aid, poss))
            if other is None or holder is None or other.id == holder.id:
                continue
            item = self._role_mismatch(story_id, claim, tok, named, holder, other)
            if item is not None:
                out.append(item)
        return out

    def _role_mismatch(
        self, story_id: str, claim: Claim, tok: Any, named: Any, holder: Entity, other: Entity
    ) -> Contradiction | None:
        holder_roles = {r for _, r in entity_roles(holder)}
        other_roles = {r for _, r in entity_roles(other)}
        if not holder_roles or not other_roles or holder_roles & other_roles:
            return None
        aid = claim.span.article_id
        left = Span(aid, tok.left_edge.idx, named.idx + len(named))
        right = self._role_evidence(other, other_roles) or left
        actual = self._holder_of(holder, other_roles)
        hint = f"; {other.name}'s counterpart would be {actual.name}" if actual else ""
        return Contradiction(
            id="",
            story_id=story_id,
            kind="role",
            left=left,
            right=right,
            left_value=f"{other.name} as counterpart of {holder.name} ({'/'.join(sorted(holder_roles))})",
            right_value=f"{other.name}: {'/'.join(sorted(other_roles))}",
            explanation=(
                f"a counterpart holds the same office, but {holder.name} is described as "
                f"{'/'.join(sorted(holder_roles))} and {other.name} as {'/'.join(sorted(other_roles))}{hint}"
            ),
        )

    def _role_evidence(self, entity: Entity, roles: set[str]) -> Span | None:
        for aid, labels in sorted(entity.descriptors.items()):
            if any(r in d.lower() for d in labels for r in roles):
                for m in self.mentions.get(aid, []):
                    if m.entity_id == entity.id:
                        doc = self.corpus.docs.get(aid)
                        start = _descriptor_start(doc, m.span) if doc is not None else m.span.start
                        return Span(aid, start, m.span.end)
        return None

    def _holder_of(self, holder: Entity, roles: set[str]) -> Entity | None:
        nats = {n for n, _ in entity_roles(holder) if n}
        hits = [e for e in self.entities.values() if e.label == "PERSON" and e.id != holder.id
                and any(n in nats and r in roles for n, r in entity_roles(e))]
        return hits[0] if len(hits) == 1 else None

    # -- numbers and dates -------------------------------------------------------

    def _value_slots(self, claim: Claim) -> list[Slot]:
        aid = claim.span.article_id
        out = []
        for tok in self._tokens(claim):
            if tok.like_num and tok.dep_ == "nummod" and tok.head.pos_ == "NOUN":
                value = _number(tok.text)
                if value is not None:
                    unit = tok.head.lemma_.lower()
                    # the unit noun may precede the number ("troops numbering 2,500")
                    start = min(tok.idx, tok.head.idx)
                    span = Span(aid, start, max(tok.idx + len(tok), tok.head.idx + len(tok.head)))
                    out.append(Slot("number", unit, f"{value:g}", tok.doc.text[span.start : span.end], span))
            elif tok.ent_type_ == "DATE":
                part = _date_part(tok.lower_)
                if part is not None:
                    span = Span(aid, tok.idx, tok.idx + len(tok))
                    out.append(Slot("date", part[0], part[1], tok.text, span))
        return out

    def _place_conflicts(self, story_id: str, members: list[Claim]) -> list[Contradiction]:
        places: list[tuple[Claim, Entity, Span]] = []
        for claim in members:
            for tok in self._tokens(claim):
                if tok.dep_ == "pobj" and tok.head.lower_ in ("in", "at") and tok.head.head.dep_ == "ROOT" \
                        and tok.ent_type_ in ("GPE", "LOC", "FAC"):
                    ent = self.entity_at(claim.span.article_id, tok)
                    if ent is not None:
                        places.append((claim, ent, Span(claim.span.article_id, tok.idx, tok.idx + len(tok))))
        out = []
        for (c1, e1, s1), (c2, e2, s2) in combinations(places, 2):
            a1, a2 = c1.span.article_id, c2.span.article_id
            if a1 == a2 or e1.id == e2.id:
                continue
            if self._mentions_entity(a1, e2.id) or self._mentions_entity(a2, e1.id):
                continue
            out.append(Contradiction("", story_id, "place", s1, s2, e1.name, e2.name,
                                     f"the same fact is placed in {e1.name} and in {e2.name}"))
        return out

    def _mentions_entity(self, article_id: str, entity_id: str) -> bool:
        return any(m.entity_id == entity_id for m in self.mentions.get(article_id, []))


def _descriptor_start(doc: Any, span: Span) -> int:
    tok = doc.char_span(span.start, span.end, alignment_mode="expand")
    if tok is None:
        return span.start
    lefts = [t for t in tok.root.lefts if t.i < tok.start and t.dep_ in ("compound", "amod")]
    return min([t.left_edge.idx for t in lefts], default=span.start)


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


def _date_part(word: str) -> tuple[str, str] | None:
    if word in WEEKDAYS:
        return "weekday", word
    if word in MONTHS:
        return "month", word
    if re.fullmatch(r"(1[89]|20)\d\d", word):
        return "year", word
    return None


def _conflicts(story_id: str, slots: list[Slot], kind: str | None) -> list[Contradiction]:
    """Pairs of slots from different articles with the same key and different values."""
    by_key: dict[tuple[str, str], list[Slot]] = defaultdict(list)
    for s in slots:
        by_key[(s.kind, s.key)].append(s)
    out = []
    for (slot_kind, key), items in by_key.items():
        for a, b in combinations(items, 2):
            if a.span.article_id == b.span.article_id or a.value == b.value:
                continue
            # A claim giving two years is a history, not a conflicting date.
            if (slot_kind == "date" and _several(items, a)) or (slot_kind == "date" and _several(items, b)):
                continue
            what = a.about or key
            out.append(Contradiction("", story_id, kind or slot_kind, a.span, b.span, a.shown, b.shown,
                                     f"{slot_kind} of {what} differs: {a.shown!r} vs {b.shown!r}"))
    return out


def _several(items: list[Slot], slot: Slot) -> bool:
    same = [s for s in items if s.span.article_id == slot.span.article_id]
    return len({s.value for s in same}) > 1


def _dedupe(items: list[Contradiction]) -> list[Contradiction]:
    seen, out = set(), []
    for item in items:
        key = (item.kind, *sorted([item.left, item.right]))
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out
