"""Entities stage: named entities, canonicalised across documents, with the labels each outlet uses.

Mentions come from spaCy NER on the parsed clean text. Person names are
canonicalised within each story: titles and honorifics are stripped,
and a surname or partial name ("Rashid", "Latif Rashid") is linked to the
unique longest full name that contains it ("Abdul Latif Rashid"). Words in
front of a name or in apposition to it ("Iranian Supreme Leader", "his Iraqi
counterpart") become the entity's descriptors for that article. A descriptor
naming a role with a nationality ("Iranian Supreme Leader") lets later bare
role phrases ("Iran's leader", "the Leader") be linked to the person.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..options import Options
from ..pipeline import Corpus
from ..records import Article, Entity, EntityMention, Span


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


KEEP_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT"})

# Honorifics are forms of address, not roles: stripped from names, ignored as roles.
HONORIFICS = _wordset(
    "mr mrs ms miss dr prof sir dame lord lady ayatollah sayed sayyid seyed sheikh shaikh imam rev "
    "reverend hon mx st saint"
)
# Titles that may be glued to a name by the tagger ("President Biden").
TITLES = _wordset(
    "president vice prime minister chancellor king queen prince princess emperor leader supreme "
    "secretary senator sen rep representative governor gov mayor general gen colonel col captain capt "
    "judge justice chief speaker ambassador pope cardinal bishop commander admiral sergeant director "
    "chairman chairwoman chair spokesman spokeswoman spokesperson minister premier former late "
    "then-president deputy acting foreign defense defence interior"
)
# Nouns naming a relation to another person, not a role of one's own.
RELATIONAL = _wordset(
    "counterpart ally friend rival partner successor predecessor host guest envoy son daughter wife "
    "husband brother sister father mother"
)
_DESCRIPTOR_DEPS = frozenset({"compound", "amod", "nmod", "poss", "det", "case", "punct", "nummod"})
_STOP_PUNCT = frozenset({"-", "–", "—", ",", ":", ";", "|", "(", ")"})
_STOP_ENTS = frozenset({"PERSON", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "QUANTITY"})
_EDGE_WORDS = frozenset({"the", "a", "an", "'s", "’s", ",", "-", "–"})


@dataclass(slots=True)
class _Found:
    article_id: str
    start: int
    end: int
    text: str
    label: str
    key: str
    descriptors: list[str] = field(default_factory=list)


def clean_name(text: str) -> str:
    """Strip possessives, leading articles, titles and honorifics from a name."""
    text = re.sub(r"[’']s$", "", text.strip()).strip(" .,;:\"“”‘’")
    words = text.split()
    while words and words[0].lower() in {"the", "a", "an"}:
        words = words[1:]
    while len(words) > 1 and words[0].lower().strip(".") in HONORIFICS | TITLES:
        words = words[1:]
    return " ".join(words)


def nationality_key(word: str) -> str:
    """A crude shared key for a country and its demonym ("Iran", "Iranian" -> "iran")."""
    w = re.sub(r"[’']s$", "", word.lower())
    return w[:4] if len(w) >= 4 else w


def role_head(descriptor: str) -> str | None:
    """The role noun a descriptor names ("Iranian Supreme Leader Ayatollah" -> "leader")."""
    text = descriptor.split(" of ")[0]
    words = [w.strip(",.").lower() for w in text.split()]
    words = [w for w in words if w and w not in HONORIFICS and w not in _EDGE_WORDS]
    if not words or words[-1] in RELATIONAL or words[-1] in {"his", "her", "their"}:
        return None
    head = words[-1]
    return head if head.isalpha() and len(head) > 2 else None


class Entities:
    name = "entities"
    requires: tuple[str, ...] = ("articles", "docs", "stories")
    provides: tuple[str, ...] = ("entities", "mentions")

    def __init__(self, options: Options):
        self.options = options

    def __call__(self, corpus: Corpus) -> Corpus:
        # Names are resolved within a story ("Rashid" is the story's Abdul Latif Rashid), so a run
        # cut into chunks of whole stories finds the same entities as one pass; an entity met in
        # several stories is one record with every story's evidence.
        index = corpus.by_id()
        groups = [corpus.story_articles(s, index) for s in sorted(corpus.stories, key=lambda s: s.id)]
        placed = {a.id for g in groups for a in g}
        groups.append([a for a in corpus.articles if a.id not in placed])
        entities: dict[str, Entity] = {}
        mentions: list[EntityMention] = []
        for articles in groups:
            found = self._story(corpus, articles)
            story_entities, story_mentions = _build(found)
            for ent in story_entities:
                entities[ent.id] = entities[ent.id].merged(ent) if ent.id in entities else ent
            mentions.extend(story_mentions)
        corpus.entities, corpus.mentions = list(entities.values()), mentions
        return corpus

    def _story(self, corpus: Corpus, articles: list[Article]) -> list[_Found]:
        found: list[_Found] = []
        for art in articles:
            doc = corpus.docs.get(art.id)
            if doc is None:
                corpus.warn(art.id, "no parse; entities skipped")
                continue
            found.extend(_named(art.id, doc))
        canon = _canonical_people(found)
        acronyms = _acronyms(found)
        for f in found:
            if f.label == "PERSON":
                f.key = canon.get(f.key, f.key)
            else:
                f.key = acronyms.get(f.key.replace(".", ""), f.key)
        roles = _role_map(found)
        for art in articles:
            doc = corpus.docs.get(art.id)
            if doc is not None and roles:
                found.extend(_role_mentions(art.id, doc, roles, found))
        return found


def _named(article_id: str, doc: Any) -> list[_Found]:
    out: list[_Found] = []
    people = [e for e in doc.ents if e.label_ == "PERSON"]
    covered: set[int] = set()
    for ent in people:
        desc, first = _descriptor(doc, ent)
        if desc:
            covered.update(range(first, ent.start))
    for ent in doc.ents:
        if ent.label_ not in KEEP_LABELS or ent.start in covered:
            continue
        key = clean_name(ent.text)
        if not key or not any(c.isalpha() for c in key):
            continue
        item = _Found(article_id, ent.start_char, ent.end_char, ent.text, ent.label_, key)
        if ent.label_ == "PERSON":
            item.descriptors = _descriptors(doc, ent)
        out.append(item)
    return out


def _descriptor(doc: Any, ent: Any) -> tuple[str, int]:
    """Premodifiers of a name inside its noun phrase: "his Iraqi counterpart", "Iranian President"."""
    allowed: set[int] = set()
    for tok in ent.root.lefts:
        if tok.i < ent.start and tok.dep_ in _DESCRIPTOR_DEPS:
            allowed.update(range(tok.left_edge.i, ent.start))
    first = ent.start
    # Only a contiguous run that stays inside one line and stops at other names or dates:
    # the parser sometimes attaches a byline or dateline to the next sentence's subject.
    while first - 1 in allowed:
        tok = doc[first - 1]
        if "\n" in tok.text_with_ws or tok.text in _STOP_PUNCT or tok.ent_type_ in _STOP_ENTS:
            break
        first -= 1
    text = doc.text[doc[first].idx : ent.start_char] if first < ent.start else ""
    # Titles glued into the entity itself ("President Joe Biden").
    inner = " ".join(t.text for t in ent if t.text.lower().strip(".") in TITLES | HONORIFICS)
    text = _trim(f"{text} {inner}".strip())
    if all(w[:1].isupper() and w.lower() not in TITLES | HONORIFICS for w in text.split()):
        text = ""  # a stray first name, not a label
    return text, first


def _descriptors(doc: Any, ent: Any) -> list[str]:
    out = []
    pre, _ = _descriptor(doc, ent)
    if pre:
        out.append(pre)
    # "Rashid, the Iraqi president," and "Iran's leader, Ali Khamenei".
    for tok in ent.root.children:
        if tok.dep_ == "appos" and tok.pos_ in ("NOUN", "PROPN") and tok.ent_type_ != "PERSON":
            out.append(_trim(doc[tok.left_edge.i : tok.right_edge.i + 1].text))
    if ent.root.dep_ == "appos" and ent.root.head.pos_ == "NOUN":
        head = ent.root.head
        out.append(_trim(doc[head.left_edge.i : head.i + 1].text))
    return [d for d in out if any(c.isalpha() for c in d) and len(d) < 80]


def _trim(text: str) -> str:
    words = text.split()
    while words and words[0].lower() in _EDGE_WORDS:
        words = words[1:]
    while words and words[-1].lower() in _EDGE_WORDS:
        words = words[:-1]
    return " ".join(words)


def _canonical_people(found: Iterable[_Found]) -> dict[str, str]:
    """Map each person key to the unique longest full name whose words contain it."""
    names = Counter(f.key for f in found if f.label == "PERSON")
    full = sorted(names, key=lambda n: (-len(n.split()), -names[n], n))
    out: dict[str, str] = {}
    for name in names:
        words = name.split()
        candidates = [o for o in full if len(o.split()) > len(words) and _contains(o.split(), words)]
        # Only the longest forms count: "Rashid" is in "Latif Rashid" and "Abdul Latif Rashid".
        tops = [
            c for c in candidates if not any(_contains(o.split(), c.split()) for o in candidates if o != c)
        ]
        if len(tops) == 1:
            out[name] = tops[0]
    return out


def _acronyms(found: Iterable[_Found]) -> dict[str, str]:
    """"US"/"U.S." -> "United States" where exactly one multi-word name has those initials."""
    names = {f.key for f in found if f.label != "PERSON"}
    by_initials: dict[str, set[str]] = defaultdict(set)
    for name in names:
        words = [w for w in name.split() if w[:1].isupper()]
        if len(words) >= 2:
            by_initials["".join(w[0] for w in words)].add(name)
    out = {}
    for name in names:
        short = name.replace(".", "")
        if short.isupper() and len(by_initials.get(short, ())) == 1:
            out[short] = next(iter(by_initials[short]))
    return out


def _contains(full: list[str], part: list[str]) -> bool:
    if len(part) == 1:
        return part[0] in (full[0], full[-1])
    n = len(part)
    return any(full[i : i + n] == part for i in range(len(full) - n + 1))


def _role_map(found: Iterable[_Found]) -> dict[tuple[str, str], str]:
    """(nationality key, role noun) -> person key, kept only where exactly one person holds it."""
    holders: dict[tuple[str, str], set[str]] = defaultdict(set)
    for f in found:
        for desc in f.descriptors:
            head = role_head(desc)
            nat = _nationality(desc)
            if head and nat:
                holders[(nat, head)].add(f.key)
    return {k: next(iter(v)) for k, v in holders.items() if len(v) == 1}


def _nationality(descriptor: str) -> str | None:
    for word in descriptor.split():
        if word[:1].isupper() and word.lower().strip(".") not in TITLES | HONORIFICS:
            if word.lower().endswith(("an", "i", "ese", "ish", "’s", "'s")):
                return nationality_key(word)
            return None
    return None


def _role_mentions(
    article_id: str, doc: Any, roles: dict[tuple[str, str], str], found: list[_Found]
) -> list[_Found]:
    """Bare role phrases ("Iran's Supreme Leader", "Iran's leader") linked to the role's holder."""
    taken = {(f.start, f.end) for f in found if f.article_id == article_id}
    spans = [(f.start, f.end) for f in found if f.article_id == article_id and f.label == "PERSON"]
    by_head: dict[str, set[str]] = defaultdict(set)
    for (_, role), holder in roles.items():
        by_head[role].add(holder)
    out = []
    key: str | None
    for tok in doc:
        head = tok.lemma_.lower()
        if tok.pos_ not in ("NOUN", "PROPN") or head not in by_head or tok.ent_type_ == "PERSON":
            continue
        if any(t.ent_type_ == "PERSON" for t in tok.children) or tok.head.ent_type_ == "PERSON":
            continue
        first = tok.left_edge.i
        nat = next(
            (nationality_key(t.text) for t in doc[first : tok.i] if t.ent_type_ in ("GPE", "NORP")), None
        )
        key = roles.get((nat, head)) if nat else None
        if key is None and nat is None and tok.text[:1].isupper() and len(by_head[head]) == 1:
            key = next(iter(by_head[head]))  # "the Leader": capitalised and unambiguous
        start, end = doc[first].idx, tok.idx + len(tok.text)
        if key is None or (start, end) in taken or any(s < end and start < e for s, e in spans):
            continue
        text = _trim(doc[first : tok.i + 1].text)
        out.append(_Found(article_id, start, end, doc[first : tok.i + 1].text, "PERSON", key, [text]))
    return out


def _build(found: list[_Found]) -> tuple[list[Entity], list[EntityMention]]:
    groups: dict[tuple[str, str], list[_Found]] = defaultdict(list)
    label_of: dict[str, str] = {}
    for f in found:
        # GPE/NORP/LOC often swap labels for one place; key them together.
        kind = "PLACE" if f.label in ("GPE", "LOC", "NORP") else f.label
        groups[(kind, f.key.lower())].append(f)
        label_of.setdefault(f.key, f.label)
    entities, mentions = [], []
    for (kind, key), items in sorted(groups.items()):
        ent_id = f"{kind.lower()}:{re.sub(r'[^a-z0-9]+', '-', key).strip('-')}"
        labels = Counter(f.label for f in items)
        name = Counter(f.key for f in items).most_common(1)[0][0]
        descriptors: dict[str, list[str]] = defaultdict(list)
        for f in items:
            for d in f.descriptors:
                if d not in descriptors[f.article_id]:
                    descriptors[f.article_id].append(d)
        aliases = sorted({f.text.strip() for f in items} - {name})
        entities.append(Entity(ent_id, name, labels.most_common(1)[0][0], aliases, dict(descriptors)))
        for f in items:
            mentions.append(EntityMention(Span(f.article_id, f.start, f.end), f.text, f.label, ent_id))
    mentions.sort(key=lambda m: m.span)
    return entities, mentions


def entity_roles(entity: Entity) -> set[tuple[str | None, str]]:
    """(nationality key or None, role noun) pairs from every descriptor of an entity."""
    out = set()
    for labels in entity.descriptors.values():
        for desc in labels:
            head = role_head(desc)
            if head:
                out.add((_nationality(desc), head))
    return out
