"""References to the story's people that are not names: pronouns, role nouns, documents.

No coreference model: each rule is local and errs towards "unknown".

* A pronoun goes to a recent person (for "he"/"she") or organisation (for
  "it"/"they") that agrees in gender and number, preferring whoever was last
  credited with a quote, then grammatical subjects, looking back over the
  last four mentions only (older ones are stale; names inside quotation marks
  are the speaker's subjects, not the reporter's, and are passed over).
* A definite role noun ("the minister", "the Texas governor", "Iran's leader")
  goes to the person the article (else the story) gave that role by a title,
  an apposition or a copula; failing that, a person's role noun ("the rookie
  defenceman") to the person just spoken of, when gender allows. An
  indefinite one ("a spokesman") is someone unnamed.
* A document ("the release", "a statement from the city") speaks for its
  author: the "from"/"by" phrase or possessor, else whoever issued a document
  earlier in the article.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .link import Person
from .mentions import ArticleMentions, Mention, description_text, noun_phrase
from .names import (
    ABBREVIATIONS,
    AUTHOR_VERBS,
    DOCUMENT_NOUNS,
    FEMALE_WORDS,
    GROUP_NOUNS,
    MALE_WORDS,
    ORG_NOUNS,
    PERSON_PRONOUNS,
    PLURAL_PRONOUNS,
    PRONOUN_GENDER,
    TITLES,
    is_title,
    label_key,
    nationality,
    nationality_key,
    part_of,
    role_head,
    strip_titles,
)

# Role nouns that name one office however it is written ("Rep.", "congressman", "lawmaker").
SYNONYMS = {
    "representative": "legislator", "congressman": "legislator", "congresswoman": "legislator",
    "lawmaker": "legislator", "senator": "legislator", "legislator": "legislator", "mp": "legislator",
    "spokesman": "spokesperson", "spokeswoman": "spokesperson", "spokesperson": "spokesperson",
    "chairman": "chair", "chairwoman": "chair", "chair": "chair", "boss": "chief", "head": "chief",
}
_INDEFINITE = frozenset({"a", "an", "another", "one", "some", "any", "several", "many", "two", "three"})
_ORG_PRONOUNS = frozenset({"it", "they", "we"})
WINDOW = 4  # mentions a pronoun looks back over
FRESH = 1  # sentences back a main-clause subject stays the topic


@dataclass(slots=True)
class Reference:
    """What a speaker phrase points to: an entity (or None) and how the text names it."""

    kind: str  # named | pronoun | description | document | unknown
    entity: Person | None
    text: str  # the phrase itself, titles stripped


def role_key(word: str) -> str:
    word = ABBREVIATIONS.get(word.lower().strip("."), word.lower().strip("."))
    return SYNONYMS.get(word, word)


class ArticlePeople:
    """One article's mentions resolved against its story's entities."""

    def __init__(self, mentions: ArticleMentions, entities: dict[str, Person], story: list[Person]):
        self.mentions = mentions
        self.entities = entities
        self.story = story  # every entity of the story, for roles the article does not establish
        self.refs: list[Mention] = [m for m in mentions.names if m.entity]  # grows with resolved speakers

    # --- the parts of a speaker phrase -----------------------------------------------------

    def reference(self, head: Any, lo: int, hi: int) -> Reference:
        """What the noun phrase ``lo..hi`` (token indices) headed by ``head`` refers to."""
        doc = self.mentions.doc
        text = strip_titles(doc[lo : hi + 1].text)
        named = self._named(head, lo, hi)
        if named is not None:
            ent = self.entities.get(named.entity or "")
            return Reference("named", ent, ent.name if ent else named.key)
        word = head.lower_
        if word in PERSON_PRONOUNS or word in _ORG_PRONOUNS or word in PLURAL_PRONOUNS:
            return Reference("pronoun", self.pronoun(head), text)
        lemma = head.lemma_.lower()
        if head.pos_ == "PROPN" and head.text[:1].isupper() and not is_title(head.text):
            ent = self._surname(head, lo, hi)
            return Reference("named", ent, ent.name if ent else text)
        if lemma in DOCUMENT_NOUNS:
            return Reference("document", self.document(head), description_text(head))
        if head.pos_ in ("NOUN", "PROPN") or lemma in TITLES:
            return Reference("description", self.role(head), description_text(head))
        return Reference("unknown", None, text)

    def _named(self, head: Any, lo: int, hi: int) -> Mention | None:
        """The name the phrase is: the mention holding its head, else a person named inside it
        ("the NAACP President Benjamin Todd Jealous"). A place or organisation that only modifies
        a common noun ("many Iranian officials", "the NAACP resolution") does not name the speaker."""
        doc = self.mentions.doc
        start, end = doc[lo].idx, doc[hi].idx + len(doc[hi])
        on_head = [m for m in self.mentions.names if m.start <= head.idx < m.end]
        if on_head:
            return self._as_person(on_head[0])
        # "the aide, Elizabeth Lauten, 31, wrote": the name in apposition.
        for child in head.children:
            if child.dep_ == "appos":
                named = [m for m in self.mentions.names
                         if m.start <= child.idx < m.end and m.label == "PERSON"]
                if named:
                    return named[0]
        inside = [m for m in self.mentions.names if start <= m.start and m.end <= end and m.label == "PERSON"]
        return inside[0] if inside else None

    def _as_person(self, m: Mention) -> Mention:
        """A one-word name tagged as an organisation or place that is the surname of one person of
        the story ("Fox said", where Fox is Vicente Fox) is that person, as a speaker."""
        if m.label == "PERSON" or len(m.key.split()) != 1:
            return m
        word = label_key(m.key)
        hits = [p for p in self.story if p.kind == "PERSON" and len(p.key.split()) > 1 and
                p.key.split()[-1] == word]
        if len(hits) != 1:
            return m
        return Mention(m.article_id, m.start, m.end, m.text, "name", "PERSON", hits[0].name, m.head, m.sent,
                       subject=m.subject, entity=f"PERSON|{hits[0].key}")

    def _surname(self, head: Any, lo: int, hi: int) -> Person | None:
        """A name the tagger did not label ("Fox said"): the person named so in the story, else a new
        person of the article (a proper noun credited with speech is someone)."""
        words = [t for t in head.doc[lo : hi + 1] if t.pos_ == "PROPN" and not is_title(t.text)]
        name = " ".join(t.text for t in words) or head.text
        here = {m.entity for m in self.mentions.names if m.label == "PERSON" and m.entity}
        for pool in ([self.entities[k] for k in sorted(here)], self.story):
            hits = [p for p in pool if p.kind == "PERSON" and part_of(name, p.name)]
            if len(hits) == 1:
                return hits[0]
            if hits:
                return None
        key = label_key(name)
        if not key:
            return None
        person = self.entities.setdefault(f"PERSON|{key}", Person(key, "PERSON"))
        person.names[name] += 1
        first = words[0] if words else head
        m = Mention(self.mentions.article_id, first.idx, head.idx + len(head), name, "name", "PERSON",
                    name, head.i, self.mentions.sent_of(head.i), subject=True, entity=f"PERSON|{key}")
        person.mentions.append(m)
        self.mentions.names.append(m)
        self.mentions.names.sort(key=lambda x: x.start)
        if person not in self.story:
            self.story.append(person)
        return person

    # --- pronouns ---------------------------------------------------------------------------

    def pronoun(self, tok: Any) -> Person | None:
        word = tok.lower_
        person = word in PERSON_PRONOUNS
        gender = PRONOUN_GENDER.get(word)
        earlier = [m for m in self.refs if m.end <= tok.idx and not self._in_quote(m)]
        pool = [m for m in earlier if (self.entities[m.entity].kind == "PERSON") == person]  # type: ignore[index]
        if not person:
            pool = [m for m in pool if self.entities[m.entity].kind == "ORG"]  # type: ignore[index]
        # The window counts every candidate: a wrong-gender one still makes older ones stale.
        recent = pool[-WINDOW:]
        sent = self.mentions.sent_of(tok.i)
        speakers = [m for m in recent if m.speaker and self._agrees(m, gender)]
        # A subject named after the last speaker, in this sentence or the one before, is who the
        # text has moved on to ("Calderon ... has also dismissed it. '…,' he said").
        fresh = [m for m in recent if m.main and self._agrees(m, gender) and sent - m.sent <= FRESH
                 and (not speakers or m.start > speakers[-1].start)]
        if fresh:
            return self.entities[fresh[-1].entity]  # type: ignore[index]
        for wanted in (lambda m: m.speaker, lambda m: m.subject, lambda m: True):
            hits = [m for m in recent if wanted(m) and self._agrees(m, gender)]
            if hits:
                return self.entities[hits[-1].entity]  # type: ignore[index]
        return None

    def _agrees(self, m: Mention, gender: str | None) -> bool:
        if gender is None:
            return True
        return self.entities[m.entity].gender in (None, gender)  # type: ignore[index]

    def _in_quote(self, m: Mention) -> bool:
        return m.quoted

    # --- role nouns -------------------------------------------------------------------------

    def role(self, tok: Any) -> Person | None:
        """The person a role noun phrase ("the minister", "Iran's leader") refers to."""
        if _indefinite(tok) or tok.tag_ in ("NNS", "NNPS") or tok.lemma_.lower() in GROUP_NOUNS:
            return None
        head = role_key(tok.lemma_)
        nat = self._nationality(tok)
        here = [p for p in self._holders(head, nat) if any(m.article_id == self.mentions.article_id
                                                           for m in p.mentions)]
        if here:
            return self._latest(here, tok.idx) or here[0]
        story = self._holders(head, nat)
        if len(story) == 1:
            return story[0]
        if tok.lemma_.lower() in ORG_NOUNS:
            return self._latest([p for p in self._org_holders(tok)], tok.idx)
        return self._topic_person(tok) if not story and _person_noun(tok) else None

    def _holders(self, head: str, nat: str | None) -> list[Person]:
        out = []
        for p in self.story:
            if p.kind != "PERSON":
                continue
            for desc in p.descriptors():
                rh = role_head(desc)
                if rh and role_key(rh) == head and (nat is None or nationality(desc) in (None, nat)):
                    out.append(p)
                    break
        return out

    def _org_holders(self, tok: Any) -> list[Person]:
        """Organisations the article calls by this noun ("the ministry" -> the Ministry of Health)."""
        word = tok.lemma_.lower()
        return [p for p in self.story if p.kind == "ORG" and word in p.name.lower().split()]

    def _nationality(self, tok: Any) -> str | None:
        lo, _ = noun_phrase(tok)
        for t in tok.doc[lo : tok.i]:
            if t.ent_type_ in ("GPE", "NORP"):
                return nationality_key(t.text)
        return None

    def _latest(self, people: list[Person], pos: int) -> Person | None:
        keys = {p.key: p for p in people}
        last = None
        for m in self.refs:
            if m.end <= pos and m.entity and m.entity.split("|", 1)[1] in keys:
                last = keys[m.entity.split("|", 1)[1]]
        return last

    def _topic_person(self, tok: Any) -> Person | None:
        """"the rookie defenceman said": the person the last sentences were about, if the noun fits."""
        gender = _noun_gender(tok)
        sent = self.mentions.sent_of(tok.i)
        recent = [m for m in self.refs if m.end <= tok.idx and sent - m.sent <= 2 and not self._in_quote(m)
                  and self.entities[m.entity].kind == "PERSON"]  # type: ignore[index]
        for wanted in (lambda m: m.speaker, lambda m: m.subject):
            hits = [m for m in recent if wanted(m) and self._agrees(m, gender)]
            if hits:
                return self.entities[hits[-1].entity]  # type: ignore[index]
        return None

    # --- documents --------------------------------------------------------------------------

    def document(self, tok: Any) -> Person | None:
        """The author of a document that speaks ("the release said", "a letter from X")."""
        for child in tok.children:
            if child.dep_ == "poss" or (child.dep_ == "prep" and child.lower_ in ("from", "by", "of")):
                target = child if child.dep_ == "poss" else next(
                    (c for c in child.children if c.dep_ == "pobj"), None)
                if target is not None:
                    ref = self.reference(target, *noun_phrase(target))
                    if ref.entity is not None:
                        return ref.entity
        author = self._issuer(tok) or self._author(tok)
        # Failing that, the organisation the last sentences were about: news documents are
        # issued by organisations ("Police said … . A release said …").
        return author or self._recent_org(tok)

    def _recent_org(self, tok: Any) -> Person | None:
        sent = self.mentions.sent_of(tok.i)
        recent = [m for m in self.refs if m.end <= tok.idx and sent - m.sent <= 2 and not m.quoted
                  and self.entities[m.entity].kind == "ORG" and (m.subject or m.speaker)]  # type: ignore[index]
        return self.entities[recent[-1].entity] if recent else None  # type: ignore[index]

    def _issuer(self, tok: Any) -> Person | None:
        """"X wrote an open letter …, saying": the subject of the verb that made the document."""
        verb = tok.head
        if tok.dep_ not in ("dobj", "nsubjpass") or verb.lemma_.lower() not in AUTHOR_VERBS:
            return None
        subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subj is None:
            return None
        return self.reference(subj, *noun_phrase(subj)).entity

    def _author(self, tok: Any) -> Person | None:
        """Who issued a document earlier in the article ("the board issued a statement")."""
        doc = self.mentions.doc
        best = None
        for t in doc[: tok.i]:
            if t.lemma_.lower() not in DOCUMENT_NOUNS or t.pos_ != "NOUN":
                continue
            verb = t.head
            while verb.dep_ in ("prep", "pobj") and verb.head.i != verb.i:
                verb = verb.head
            subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
            if subj is not None and (verb.lemma_.lower() in AUTHOR_VERBS or t.dep_ == "pobj"):
                ref = self._named(subj, *noun_phrase(subj))
                if ref is not None and ref.entity in self.entities:
                    best = self.entities[ref.entity]
        return best

    # --- bookkeeping ------------------------------------------------------------------------

    def credit(self, ref: Reference, start: int, end: int, sent: int) -> None:
        """Remember that ``ref`` was credited with a quote, for the pronouns that follow."""
        if ref.entity is None:
            return
        m = self.mentions.at(start, end)
        if m is not None and m.entity == f"{ref.entity.kind}|{ref.entity.key}":
            m.speaker = True
            if m not in self.refs:
                self.refs.append(m)
                self.refs.sort(key=lambda m: m.start)
            return
        pseudo = Mention(self.mentions.article_id, start, end, ref.text, "role", ref.entity.kind,
                         ref.entity.key, -1, sent, subject=True, speaker=True, main=True,
                         entity=f"{ref.entity.kind}|{ref.entity.key}")
        self.refs.append(pseudo)
        self.refs.sort(key=lambda m: m.start)


def _indefinite(tok: Any) -> bool:
    det = next((c for c in tok.children if c.dep_ in ("det", "poss")), None)
    if det is None:
        return tok.tag_ in ("NNS",)
    return det.lower_ in _INDEFINITE


def _person_noun(tok: Any) -> bool:
    """A noun that names a person's role or description, not an organisation or thing."""
    word = tok.lemma_.lower()
    return word not in ORG_NOUNS and word not in DOCUMENT_NOUNS and word not in GROUP_NOUNS


def _noun_gender(tok: Any) -> str | None:
    words = [t.lower_ for t in tok.doc[noun_phrase(tok)[0] : tok.i + 1]]
    for w in reversed(words):
        if w in MALE_WORDS:
            return "m"
        if w in FEMALE_WORDS:
            return "f"
    return None
