"""The people of one story: mentions -> entities, quote speakers resolved, records out.

:class:`StoryPeople` is what the Entities stage builds for each story. It links
names (:mod:`.link`), resolves each quote's speaker phrase (:mod:`.resolve`)
in text order, so a pronoun prefers whoever was just credited with a quote,
and turns it all into :class:`~parallax.records.Entity` and
:class:`~parallax.records.EntityMention` records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..records import Article, Entity, EntityMention, Quote, Span
from .link import Person, link_names
from .mentions import Mention, collect, main_clause, noun_phrase
from .names import TITLES, fold, nationality, role_head, trim
from .resolve import ArticlePeople, Reference, role_key

SHOWN = frozenset({"named", "description", "document"})  # kinds whose phrase is shown when unresolved


class StoryPeople:
    """Everyone a story's articles mention, and what each quote's speaker phrase points to."""

    def __init__(self, articles: Sequence[Article], docs: dict[str, Any]):
        found = [collect(a.id, docs[a.id]) for a in articles if a.id in docs]
        self.entities: dict[str, Person] = link_names(found)
        story = sorted(self.entities.values(), key=lambda p: (p.kind, p.key))
        self.articles: dict[str, ArticlePeople] = {}
        for art, mentions in zip([a for a in articles if a.id in docs], found, strict=True):
            self.articles[art.id] = ArticlePeople(mentions, self.entities, story)
        for people in self.articles.values():
            self._add_surnames(people)
            self._add_roles(people)

    # --- quotes -------------------------------------------------------------------------------

    def attribute(self, quotes: Iterable[Quote]) -> None:
        """Set each quote's ``speaker`` (the name shown) and ``speaker_id`` from its speaker span."""
        by_article: dict[str, list[Quote]] = {}
        for q in quotes:
            by_article.setdefault(q.article_id, []).append(q)
        # Article by article in id order: a speaker resolved earlier can be the antecedent of a
        # later pronoun, so the order is fixed whatever order the quotes came in.
        for aid, items in sorted(by_article.items()):
            people = self.articles.get(aid)
            if people is None:
                continue
            seen: dict[tuple[int, int], Reference | None] = {}
            for q in sorted(items, key=lambda q: q.span.start):
                span = q.speaker_span
                if span is None:
                    q.speaker, q.speaker_id = None, None
                    continue
                where = (span.start, span.end)
                if where not in seen:
                    seen[where] = self.speaker(aid, span.start, span.end)
                _set(q, seen[where])

    def speaker(self, article_id: str, start: int, end: int) -> Reference | None:
        """What the speaker phrase at ``start..end`` refers to; credits it for what follows."""
        people = self.articles[article_id]
        doc = people.mentions.doc
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            return None
        head = span.root
        ref = people.reference(head, span.start, span.end - 1)
        people.credit(ref, start, end, people.mentions.sent_of(head.i))
        return ref

    # --- records ------------------------------------------------------------------------------

    def records(self) -> tuple[list[Entity], list[EntityMention]]:
        entities, mentions = [], []
        for ent in sorted(self.entities.values(), key=lambda p: p.id):
            descriptors: dict[str, list[str]] = {}
            for m in ent.mentions:
                for d in m.descriptors:
                    descriptors.setdefault(m.article_id, [])
                    if d not in descriptors[m.article_id]:
                        descriptors[m.article_id].append(d)
            name = ent.name
            aliases = sorted({m.text.strip() for m in ent.mentions} - {name})
            entities.append(Entity(ent.id, name, ent.label, aliases, descriptors))
            for m in ent.mentions:
                mentions.append(EntityMention(Span(m.article_id, m.start, m.end), m.text, m.label, ent.id))
        mentions.sort(key=lambda m: m.span)
        return entities, mentions

    # --- names the tagger missed -------------------------------------------------------------

    def _add_surnames(self, people: ArticlePeople) -> None:
        """A capitalised word the tagger left unlabelled that is the surname of exactly one person of
        the story ("Lauten later apologized") is a mention of that person."""
        by_surname: dict[str, list[Person]] = {}
        for p in people.story:
            if p.kind == "PERSON" and len(p.key.split()) > 1:
                by_surname.setdefault(p.key.split()[-1], []).append(p)
        doc, aid = people.mentions.doc, people.mentions.article_id
        added = []
        for tok in doc:
            if tok.pos_ != "PROPN" or tok.ent_type_ or len(by_surname.get(fold(tok.text), ())) != 1:
                continue
            near = [doc[j] for j in (tok.i - 1, tok.i + 1) if 0 <= j < len(doc)]
            if any(t.pos_ == "PROPN" for t in near):
                continue  # part of a longer name the tagger missed as a whole
            ent = by_surname[fold(tok.text)][0]
            m = Mention(aid, tok.idx, tok.idx + len(tok), tok.text, "name", "PERSON", tok.text, tok.i,
                        people.mentions.sent_of(tok.i), subject=tok.dep_ in ("nsubj", "nsubjpass"),
                        entity=f"{ent.kind}|{ent.key}")
            m.main = m.subject and main_clause(tok)
            m.quoted = people.mentions.inside_quote(m.start, m.end)
            ent.mentions.append(m)
            added.append(m)
        if added:
            people.mentions.names = sorted([*people.mentions.names, *added], key=lambda m: m.start)
            people.refs = sorted([*people.refs, *added], key=lambda m: m.start)

    # --- role phrases as mentions -----------------------------------------------------------

    def _add_roles(self, people: ArticlePeople) -> None:
        """Bare role phrases ("Iran's Supreme Leader", "the Leader") as mentions of the role's holder."""
        held = {role_key(h) for p in people.story if p.kind == "PERSON"
                for d in p.descriptors() if (h := role_head(d))}
        if not held:
            return
        doc, aid = people.mentions.doc, people.mentions.article_id
        taken = [(m.start, m.end) for m in people.mentions.names]
        for tok in doc:
            if tok.pos_ not in ("NOUN", "PROPN") or tok.ent_type_ == "PERSON":
                continue
            if role_key(tok.lemma_) not in held:
                continue
            if any(t.ent_type_ == "PERSON" for t in tok.children) or tok.head.ent_type_ == "PERSON":
                continue
            ent = _role_holder(people, tok)
            lo, _ = noun_phrase(tok)
            start, end = doc[lo].idx, tok.idx + len(tok.text)
            if ent is None or any(s < end and start < e for s, e in taken):
                continue
            text = doc[lo : tok.i + 1].text
            m = Mention(aid, start, end, text, "role", "PERSON", ent.key, tok.i,
                        people.mentions.sent_of(tok.i), descriptors=[trim(text)],
                        entity=f"{ent.kind}|{ent.key}")
            ent.mentions.append(m)
            people.refs.append(m)
            taken.append((start, end))
        people.refs.sort(key=lambda m: m.start)


def _role_holder(people: ArticlePeople, tok: Any) -> Person | None:
    """The one person a bare role phrase names: by nationality ("Iran's leader"), else a capitalised
    role held by one person ("the Leader")."""
    head = role_key(tok.lemma_)
    nat = people._nationality(tok)
    holders = people._holders(head, nat)
    if nat is not None:
        strict = [p for p in holders if any(nationality(d) == nat and role_head(d) and
                                            role_key(role_head(d) or "") == head for d in p.descriptors())]
        return strict[0] if len(strict) == 1 else None
    if tok.text[:1].isupper() and len(holders) == 1 and tok.lower_ in TITLES | {head}:
        return holders[0]
    return None


def _set(q: Quote, ref: Reference | None) -> None:
    if ref is None:
        q.speaker, q.speaker_id = None, None
        return
    if ref.entity is not None:
        q.speaker, q.speaker_id = ref.entity.name, ref.entity.id
        return
    q.speaker_id = None
    q.speaker = ref.text if ref.kind in SHOWN and ref.text else None


def article_people(article: Article, doc: Any) -> StoryPeople:
    """One article as a story of its own (for callers outside a pipeline)."""
    return StoryPeople([article], {article.id: doc})


__all__ = ["Mention", "Person", "Reference", "StoryPeople", "article_people"]
