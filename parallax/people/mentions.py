"""Mentions of people and organisations in one parsed article.

A name mention comes from spaCy's NER, with what the article says around it:
words in front of it inside its noun phrase ("Iranian President", "his Iraqi
counterpart"), appositions ("Bill Sims, the city's director of engineering";
"the city's director of engineering, Bill Sims"), copulas ("Sims is the
director"), a title giving gender ("Ms. Kelly") and whether it is a
grammatical subject. Role nouns, pronouns and documents are resolved against
these (:mod:`parallax.people.resolve`).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from ..quoting.marks import find_segments
from .gender import name_gender
from .names import (
    FEMALE_WORDS,
    HONORIFICS,
    MALE_WORDS,
    ORG_NOUNS,
    PRONOUNS,
    RELATIONAL,
    TITLES,
    is_title,
    strip_titles,
    title_gender,
    trim,
)

KEEP_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT"})
ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
_PREMOD_DEPS = frozenset({"compound", "amod", "nmod", "poss", "det", "case", "punct", "nummod"})
_STOP_PUNCT = frozenset({"-", "–", "—", ",", ":", ";", "|", "(", ")"})
_STOP_ENTS = frozenset({"PERSON", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "QUANTITY"})
_SUBJ = frozenset({"nsubj", "nsubjpass"})
_NP_LEFT = frozenset({"compound", "amod", "det", "poss", "nmod", "nummod", "case", "quantmod"})
_NP_PREPS = frozenset({"of", "for", "at", "with", "in", "from", "on"})
MAX_DESCRIPTOR = 80


@dataclass(slots=True, eq=False)
class Mention:
    """One mention of a person, organisation or place (compared by identity)."""

    article_id: str
    start: int
    end: int
    text: str
    kind: str  # name | role
    label: str  # spaCy label of a name; PERSON for a role linked to a person
    key: str  # the name without titles ("Ali Khamenei"); for a role, its holder's name
    head: int  # token index of the head word
    sent: int  # sentence number within the article
    subject: bool = False
    gender: str | None = None  # from a title or a gendered role noun ("m"/"f")
    descriptors: list[str] = field(default_factory=list)
    entity: str | None = None  # key of the story entity it was resolved to
    speaker: bool = False  # credited with a quote
    quoted: bool = False  # inside quotation marks: the speaker's words, not the reporter's
    main: bool = False  # subject of its sentence's main clause (not of a reported one)


@dataclass(slots=True)
class ArticleMentions:
    """The name mentions of one article in text order, and its parse."""

    article_id: str
    doc: Any
    names: list[Mention]
    sent_starts: list[int]  # token index of each sentence start
    quoted: list[tuple[int, int]] = field(default_factory=list)  # insides of quotation marks

    def inside_quote(self, start: int, end: int) -> bool:
        return any(a <= start and end <= b for a, b in self.quoted)

    def sent_of(self, token: int) -> int:
        return bisect.bisect_right(self.sent_starts, token) - 1

    def before(self, pos: int) -> list[Mention]:
        """Mentions that end at or before character ``pos``."""
        return [m for m in self.names if m.end <= pos]

    def at(self, start: int, end: int) -> Mention | None:
        """The mention best overlapping a character range (the longest overlap, then the first)."""
        best, size = None, 0
        for m in self.names:
            overlap = min(end, m.end) - max(start, m.start)
            if overlap > size:
                best, size = m, overlap
        return best


def noun_phrase(token: Any) -> tuple[int, int]:
    """Token range of the noun phrase headed by ``token``, without clauses or appositions."""
    left, right = token.i, token.i
    for child in token.lefts:
        if child.dep_ in _NP_LEFT:
            left = min(left, child.left_edge.i)
    for child in token.rights:
        if child.dep_ in ("compound", "flat", "case"):
            right = max(right, child.right_edge.i)
    return left, right


def description_text(token: Any) -> str:
    """A role noun's phrase with its "of"/"for" complements: "the city's director of engineering"."""
    left, right = noun_phrase(token)
    for child in token.rights:
        if child.dep_ == "prep" and child.lower_ in _NP_PREPS and child.right_edge.i - token.i <= 8:
            right = max(right, child.right_edge.i)
    doc = token.doc
    return doc[left : right + 1].text


def collect(article_id: str, doc: Any) -> ArticleMentions:
    """Every kept named entity of ``doc`` as a :class:`Mention`, in text order."""
    sent_starts = [s.start for s in doc.sents]
    covered: set[int] = set()
    people = [e for e in doc.ents if e.label_ == "PERSON"]
    for ent in people:
        first = _premodifier_start(doc, ent)
        covered.update(range(first, ent.start))
    out = []
    for ent in doc.ents:
        if ent.label_ not in KEEP_LABELS or ent.start in covered:
            continue
        key = strip_titles(ent.text)
        if not key or not any(c.isalpha() for c in key) or key.lower() in PRONOUNS:
            continue
        if not any(t.text[:1].isupper() for t in ent if t.is_alpha and t.lower_ not in ("the", "a", "an")):
            continue  # "the rookie defenceman" tagged as a name: a description
        sent = bisect.bisect_right(sent_starts, ent.root.i) - 1
        m = Mention(article_id, ent.start_char, ent.end_char, ent.text, "name", ent.label_, key,
                    ent.root.i, sent, subject=_is_subject(ent.root))
        if ent.label_ == "PERSON":
            m.descriptors = descriptors(doc, ent)
            m.gender = _gender(doc, ent, m.descriptors)
        else:
            m.descriptors = [d for d in _appositions(doc, ent) if _org_like(d)]
        out.append(m)
    out += _titled(article_id, doc, sent_starts)
    out.sort(key=lambda m: m.start)
    found = ArticleMentions(article_id, doc, out, sent_starts,
                            [(s.inner_start, s.inner_end) for s in find_segments(doc.text)])
    for m in out:
        m.quoted = found.inside_quote(m.start, m.end)
        m.main = m.subject and main_clause(doc[m.head])
    return found


_ADDRESS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "dame"})


def _titled(article_id: str, doc: Any, sent_starts: list[int]) -> list[Mention]:
    """Names after a form of address that the tagger missed ("Mr. Autor said")."""
    out = []
    for tok in doc[:-1]:
        nxt = doc[tok.i + 1]
        if tok.lower_.rstrip(".") not in _ADDRESS or nxt.pos_ != "PROPN" or nxt.ent_type_ or tok.ent_type_:
            continue
        end = nxt.i
        while end + 1 < len(doc) and doc[end + 1].pos_ == "PROPN" and not doc[end + 1].ent_type_:
            end += 1
        span = doc[nxt.i : end + 1]
        sent = bisect.bisect_right(sent_starts, span.root.i) - 1
        out.append(Mention(article_id, tok.idx, span.end_char, doc[tok.i : end + 1].text, "name", "PERSON",
                           span.text, span.root.i, sent, subject=_is_subject(span.root),
                           gender=title_gender(tok.text)))
    return out


def _is_subject(root: Any) -> bool:
    if root.dep_ in _SUBJ:
        return True
    return root.dep_ in ("compound", "appos", "flat") and root.head.dep_ in _SUBJ


def main_clause(tok: Any) -> bool:
    """Whether a subject's verb heads its sentence (or is conjoined to the verb that does)."""
    while tok.dep_ not in _SUBJ and tok.head.i != tok.i:
        tok = tok.head
    verb = tok.head
    return verb.dep_ == "ROOT" or (verb.dep_ == "conj" and verb.head.dep_ == "ROOT")


def _premodifier_start(doc: Any, ent: Any) -> int:
    """First token of the words before a name inside its noun phrase ("his Iraqi counterpart")."""
    allowed: set[int] = set()
    for tok in ent.root.lefts:
        if tok.i < ent.start and tok.dep_ in _PREMOD_DEPS:
            allowed.update(range(tok.left_edge.i, ent.start))
    first = ent.start
    # A contiguous run inside one line that stops at other names and dates: the parser
    # sometimes attaches a byline or dateline to the next sentence's subject.
    while first - 1 in allowed:
        tok = doc[first - 1]
        if "\n" in tok.text_with_ws or tok.text in _STOP_PUNCT or tok.ent_type_ in _STOP_ENTS:
            break
        first -= 1
    return first


def premodifier(doc: Any, ent: Any) -> str:
    """Title words before and inside a name: "Iranian Supreme Leader", "President"."""
    first = _premodifier_start(doc, ent)
    text = doc[first : ent.start].text if first < ent.start else ""  # not doc.text: that joins every token
    inner = " ".join(t.text for t in ent if is_title(t.text))
    text = trim(f"{text} {inner}".strip())
    if all(w[:1].isupper() and not is_title(w) for w in text.split()):
        return ""  # a stray first name or another name, not a label
    return text


def descriptors(doc: Any, ent: Any) -> list[str]:
    """What the article calls a person right by the name: title words, appositions, copulas."""
    out = []
    pre = premodifier(doc, ent)
    if pre:
        out.append(pre)
    out += [d for d in _appositions(doc, ent) if not _org_like(d)]
    out += _copulas(ent.root)
    return list(dict.fromkeys(d for d in out if any(c.isalpha() for c in d) and len(d) < MAX_DESCRIPTOR))


def _appositions(doc: Any, ent: Any) -> list[str]:
    out = []
    root = ent.root
    # "Rashid, the Iraqi president," and "Iran's leader, Ali Khamenei".
    for tok in root.children:
        if tok.dep_ == "appos" and tok.pos_ in ("NOUN", "PROPN") and tok.ent_type_ not in ("PERSON", "DATE"):
            out.append(trim(description_text(tok)))
    if root.dep_ == "appos" and root.head.pos_ == "NOUN" and root.head.i < ent.start:
        out.append(trim(description_text(root.head)))
    return [d for d in out if d and not _names_someone_else(d, ent.text)]


def _copulas(root: Any) -> list[str]:
    """"Sims is the director of engineering", "Sims, who is the director, ..."."""
    out = []
    verbs = [root.head] if root.dep_ == "nsubj" else []
    verbs += [c for c in root.children if c.dep_ == "relcl"]
    for verb in verbs:
        if verb.lemma_ != "be":
            continue
        for child in verb.children:
            if child.dep_ == "attr" and child.pos_ == "NOUN" and child.i > root.i:
                out.append(trim(description_text(child)))
    return out


def _names_someone_else(descriptor: str, name: str) -> bool:
    """An apposition that is itself a name ("Jones, Smith's lawyer" is a label; "Jones, Smith" is not)."""
    words = [w for w in descriptor.split() if w[:1].isalpha()]
    return bool(words) and all(w[:1].isupper() and not is_title(w) for w in words) and descriptor != name


def _org_like(descriptor: str) -> bool:
    words = descriptor.lower().split()
    head = next((w for w in words if w in ("of", "for", "at")), None)
    before = words[: words.index(head)] if head else words
    return bool(before) and before[-1].strip(",.") in ORG_NOUNS


def _gender(doc: Any, ent: Any, descs: list[str]) -> str | None:
    """"m"/"f" from a title ("Mr", "Ms."), a gendered role noun, else the first name."""
    before = doc[ent.start - 1].text if ent.start > 0 else ""
    first = ent.text.split()[0]
    for word in (first, before):
        g = title_gender(word)
        if g:
            return g
    for desc in descs:
        words = [w.lower().strip(",.") for w in desc.split()]
        nouns = [w for w in words if w in MALE_WORDS or w in FEMALE_WORDS]
        # "his wife, Laura Bush": a relation names this person's own gender too.
        if nouns and (nouns[-1] not in RELATIONAL or words[-1] == nouns[-1]):
            return "m" if nouns[-1] in MALE_WORDS else "f"
    words = [w for w in strip_titles(ent.text).split() if w.lower().strip(".") not in HONORIFICS | TITLES]
    return name_gender(words[0]) if len(words) > 1 else None
