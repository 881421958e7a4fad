"""Names -> the story's people and organisations.

Within a story, a full name is one person however it is spelt ("Donald J.
Trump", "Donald Trump"); a shorter form ("Latif Rashid") joins the unique
longest full name containing it ("Abdul Latif Rashid"). A one-word name is a
surname: it joins the one person of the article (else of the story) with that
surname. When two people share it (Erik and William Karlsson), a title's
gender decides, else the one the article named last, unless both were named
in that same sentence: then it stays a person of its own ("Bush"). An acronym
joins the one organisation with those initials ("NAACP").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .mentions import ArticleMentions, Mention
from .names import fold, label_key, name_words, part_of

PLACE_LABELS = frozenset({"GPE", "LOC", "NORP"})


@dataclass(slots=True, eq=False)
class Person:
    """One entity of a story: a person, organisation or place, with its mentions."""

    key: str  # the entity key: kind and folded name
    kind: str  # PERSON | ORG | PLACE | FAC | EVENT ...
    mentions: list[Mention] = field(default_factory=list)
    names: Counter[str] = field(default_factory=Counter)  # spellings of its name (titles stripped)

    @property
    def id(self) -> str:
        # From the name shown, not the key: two stories spelling one person differently
        # ("Donald J. Trump", "Donald Trump") keep two records, each with its own name, so a
        # record merged across chunks has the same name whatever chunk came first.
        return entity_id(self.kind, self.name)

    @property
    def name(self) -> str:
        """The fullest, most used spelling: the name shown for it."""
        return max(self.names.items(), key=lambda kv: (len(name_words(kv[0])), kv[1], len(kv[0]), kv[0]))[0]

    @property
    def label(self) -> str:
        labels = Counter(m.label for m in self.mentions if m.kind == "name")
        return labels.most_common(1)[0][0] if labels else self.kind

    @property
    def gender(self) -> str | None:
        votes = Counter(m.gender for m in self.mentions if m.gender)
        if len(votes) == 1 or (votes and votes.most_common(2)[0][1] > votes.most_common(2)[1][1]):
            return votes.most_common(1)[0][0]
        return None

    def descriptors(self, article_id: str | None = None) -> list[str]:
        out: list[str] = []
        for m in self.mentions:
            if article_id is None or m.article_id == article_id:
                out += [d for d in m.descriptors if d not in out]
        return out


def display(name: str) -> str:
    """A spelling as shown: a word in capitals longer than an acronym is a dateline's ("WASHINGTON")."""
    return " ".join(w.capitalize() if w.isupper() and len(w) > 5 else w for w in name.split())


def entity_id(kind: str, key: str) -> str:
    return f"{kind.lower()}:{re.sub(r'[^a-z0-9]+', '-', key.lower()).strip('-')}"


def kind_of(label: str) -> str:
    # GPE/NORP/LOC often swap labels for one place; they are one kind.
    return "PLACE" if label in PLACE_LABELS else label


def link_names(articles: list[ArticleMentions]) -> dict[str, Person]:
    """Every name mention of a story assigned to an entity (``Mention.entity``); entity key -> entity."""
    names = [m for a in articles for m in a.names]
    canon = _full_names([m for m in names if m.label == "PERSON"])
    for art in articles:
        _relabel(art, canon, {label_key(m.key) for m in names if m.label == "PERSON"})
    persons = [m for m in names if m.label == "PERSON"]
    fame = Counter(canon[label_key(m.key)] for m in persons if label_key(m.key) in canon)
    genders: dict[str, Counter[str]] = defaultdict(Counter)
    for m in persons:
        if m.gender and label_key(m.key) in canon:
            genders[canon[label_key(m.key)]][m.gender] += 1
    story = _Story(canon, fame, {c: _lean(v) for c, v in genders.items()})
    out: dict[str, Person] = {}
    for art in articles:
        for m in art.names:
            if m.label == "PERSON":
                key = canon.get(label_key(m.key)) or _surname_key(m, art, story)
            else:
                key = label_key(m.key) or fold(m.key).strip(" .")
            m.entity = f"{kind_of(m.label)}|{key}"
    _fold_acronyms(names)
    for m in names:
        kind, key = m.entity.split("|", 1)  # type: ignore[union-attr]
        ent = out.setdefault(m.entity, Person(key, kind))  # type: ignore[arg-type]
        ent.mentions.append(m)
        if m.label == "PERSON" and len(name_words(m.key)) < len(key.split()):
            continue  # a surname mention says nothing about the spelling of the full name
        ent.names[display(m.key)] += 1
    for ent in out.values():
        if not ent.names:
            ent.names[ent.key] += 1
    return out


def _full_names(persons: list[Mention]) -> dict[str, str]:
    """Folded name of every multi-word person mention -> the key of its full name."""
    fulls = sorted({label_key(m.key) for m in persons if len(name_words(m.key)) > 1},
                   key=lambda n: (-len(n.split()), n))
    out = {}
    for name in fulls:
        longer = [f for f in fulls if len(f.split()) > len(name.split()) and part_of(name, f)]
        # Only the longest forms count: "Rashid" is in "Latif Rashid" and "Abdul Latif Rashid".
        tops = [c for c in longer if not any(part_of(c, o) for o in longer if o != c)]
        out[name] = tops[0] if len(tops) == 1 else name
    # A chain ("Latif Rashid" -> "Abdul Latif Rashid") ends at its longest form.
    for name in out:
        while out[out[name]] != out[name]:
            out[name] = out[out[name]]
    return out


@dataclass(slots=True)
class _Story:
    canon: dict[str, str]  # folded multi-word name -> its full name
    fame: Counter[str]  # full name -> mentions in the story
    gender: dict[str, str | None]  # full name -> gender its titles and names lean to


def _lean(votes: Counter[str]) -> str | None:
    top = votes.most_common(2)
    return top[0][0] if len(top) == 1 or top[0][1] > top[1][1] else None


def _relabel(art: ArticleMentions, canon: dict[str, str], person_words: set[str]) -> None:
    """A one-word name the tagger called a place or organisation ("Pelosi", "Fox said") that is the
    surname of one person of the story, or the first name of one the article names in full, is that
    person when it is a subject or the tagger calls it a person elsewhere."""
    fulls = set(canon.values())
    here = {canon[label_key(o.key)] for o in art.names if o.label == "PERSON" and label_key(o.key) in canon}
    for m in art.names:
        word = label_key(m.key)
        if m.label == "PERSON" or len(name_words(m.key)) != 1 or not (m.subject or word in person_words):
            continue
        by_surname = {f for f in fulls if f.split()[-1] == word}
        by_first = {f for f in here if f.split()[0] == word}
        if len(by_surname) == 1 or (by_surname and word in person_words) or (
                not by_surname and len(by_first) == 1):
            m.label = "PERSON"


def _surname_key(m: Mention, art: ArticleMentions, story: _Story) -> str:
    """The full name a one-word person mention stands for, else the word itself."""
    canon = story.canon
    word = label_key(m.key) or fold(m.key).strip(" .")
    fulls = sorted(set(canon.values()))
    # Names inside quotation marks are the speaker's: they do not make a person the article's.
    here = {canon[label_key(o.key)] for o in art.names
            if o.label == "PERSON" and label_key(o.key) in canon and not o.quoted}
    for pool in (sorted(here), fulls):
        cands = [f for f in pool if part_of(word, f)]
        if not cands and pool is not fulls:
            # A first name alone ("Malia") is someone the article named in full.
            cands = [f for f in pool if len(word.split()) == 1 and f.split()[0] == word]
        if m.gender:  # "Mr. Obama" is not Malia Obama
            cands = [c for c in cands if story.gender.get(c) in (None, m.gender)]
        if cands:
            return _choose(m, art, cands, story) or word
    return word


def _choose(m: Mention, art: ArticleMentions, cands: list[str], story: _Story) -> str | None:
    if len(cands) == 1:
        return cands[0]
    canon = story.canon
    # The one the reporter named last (names inside quotation marks are the speaker's) ...
    last: dict[str, tuple[int, int, bool]] = {}
    for o in art.names:
        if o.end <= m.start and not o.quoted and o.label == "PERSON" and canon.get(label_key(o.key)) in cands:
            last[canon[label_key(o.key)]] = (o.sent, o.start, o.subject)
    ranked = sorted(last.items(), key=lambda kv: kv[1][:2], reverse=True)
    counts = sorted(((story.fame[c], c) for c in cands), reverse=True)
    famous = counts[0][1] if counts[0][0] >= 2 * max(1, counts[1][0]) else None
    # A subject just named is who the text is about ("William Karlsson scored. Karlsson said");
    # a person named in passing ("his wife, Melania Trump") does not take the surname over.
    apart = bool(ranked) and (len(ranked) == 1 or ranked[0][1][0] != ranked[1][1][0])
    if apart and (ranked[0][1][2] or famous is None):
        return ranked[0][0]
    if famous is not None:
        return famous
    # Named in one breath and as often: nobody can tell.
    return counts[0][1] if counts[0][0] > counts[1][0] else None


def _fold_acronyms(names: list[Mention]) -> None:
    """"US"/"U.S." -> "United States" where exactly one multi-word name has those initials."""
    by_initials: dict[str, set[str]] = defaultdict(set)
    for m in names:
        if m.label == "PERSON":
            continue
        words = [w for w in m.key.split() if w[:1].isupper()]
        if len(words) >= 2:
            by_initials["".join(w[0] for w in words)].add(m.entity or "")
    for m in names:
        short = m.key.replace(".", "")
        if m.label != "PERSON" and short.isupper() and len(by_initials.get(short, ())) == 1:
            m.entity = next(iter(by_initials[short]))
