"""Propositions: the units a fact comparison works on, read off the dependency parse.

A sentence is cut at paragraph breaks and semicolons, then into clauses that
have their own predicate (coordinated predicates, non-restrictive relative
clauses, adverbial clauses with their own subject). Attribution is unwrapped:
in "X said that Y", "Y, X said" and "according to X, Y" the fact is Y
(``content``) and X is its ``source``; the cue lemma is kept. Each
proposition keeps its predicate, subject and object heads, numbers, dates,
named entities with their roles, negation and quoted words, so features can
compare who did what to whom without the parse.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..records import Record, Span
from .slots import add_slots

MIN_WORDS = 4  # as claims: shorter pieces are credits, subheadings and stray fragments

# Verbs of saying and their kin: a clause they govern is what somebody said, not what happened.
CUES = frozenset(
    [
        "say", "tell", "add", "announce", "claim", "write", "report", "state", "note", "argue",
        "insist", "deny", "warn", "explain", "suggest", "believe", "acknowledge", "admit", "assert",
        "contend", "declare", "maintain", "reply", "respond", "testify", "tweet", "post", "confirm",
        "allege", "predict", "estimate", "recall", "observe", "remark", "stress", "emphasize",
        "emphasise", "concede", "caution", "complain", "charge", "vow", "pledge", "promise",
        "threaten", "think", "feel", "fear", "hope",
    ]
)
CONTENT_DEPS = ("ccomp", "parataxis")
SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj", "expl")
OBJECT_DEPS = ("dobj", "attr", "dative", "oprd", "acomp")


@dataclass(slots=True)
class Mention(Record):
    """A named entity inside a proposition's content and the role it plays there."""

    text: str
    label: str
    role: str  # agent | patient | other


@dataclass(slots=True)
class Quantity(Record):
    text: str
    value: float | None = None
    unit: str | None = None  # the noun counted ("people", "percent", "$"), when there is one


@dataclass(slots=True)
class Proposition(Record):
    """One clause-level statement of an article, with attribution unwrapped.

    ``span`` covers the whole proposition (attribution included), ``content``
    only the fact; both are exact offsets into ``Article.text`` inside one
    sentence (``sentence``, the sentence's ``index`` in the article).
    """

    id: str
    span: Span
    content: Span
    text: str
    sentence: Span
    index: int
    predicate: str = ""
    subject: str | None = None
    subject_role: str | None = None
    object: str | None = None
    object_role: str | None = None
    negated: bool = False
    source: str | None = None
    source_span: Span | None = None
    cue: str | None = None
    numbers: list[Quantity] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    entities: list[Mention] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # content lemmas, lower case
    quotes: list[str] = field(default_factory=list)  # quoted passages, normalised

    @property
    def content_text(self) -> str:
        off = self.span.start
        return self.text[self.content.start - off : self.content.end - off]


def propositions(article_id: str, doc: Any) -> list[Proposition]:
    """The article's propositions in text order (``doc.text`` must be ``Article.text``)."""
    out: list[Proposition] = []
    text = doc.text  # spaCy rebuilds it from the tokens on every access
    ents = list(doc.ents)
    for index, sent in enumerate(doc.sents):
        where = _Sentence(text, sent, index, [e for e in ents if sent.start <= e.start < sent.end])
        for start, end in _segments(doc, sent):
            for clause in _clauses(doc, start, end):
                prop = _build(article_id, where, clause, len(out))
                if prop is not None:
                    out.append(prop)
    return out


@dataclass(slots=True)
class _Sentence:
    text: str  # the whole article's
    sent: Any
    index: int
    ents: list[Any]


def _segments(doc: Any, sent: Any) -> list[tuple[int, int]]:
    """Token ranges of a sentence cut at paragraph breaks and after semicolons."""
    cuts = [sent.start]
    for tok in sent[1:]:
        prev = doc[tok.i - 1]
        if "\n" in prev.text_with_ws or prev.text == ";":
            cuts.append(tok.i)
    cuts.append(sent.end)
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


@dataclass(slots=True)
class _Clause:
    head: Any
    tokens: list[Any]
    content: list[Any]
    source: list[Any] = field(default_factory=list)
    cue: Any = None


def _clauses(doc: Any, start: int, end: int) -> list[_Clause]:
    """Clauses of one segment, short ones folded into their parent, attribution unwrapped."""
    seg = doc[start:end]
    roots = {t.i for t in seg if t.head.i == t.i or not start <= t.head.i < end}
    heads = roots | {t.i for t in seg if _opens_clause(t)}
    cues = {i for i in heads if _is_cue(doc[i], heads)}
    owned = _fold_short(doc, start, end, heads, roots | cues)
    return _attribute(doc, owned, cues)


def _opens_clause(tok: Any) -> bool:
    if tok.pos_ not in ("VERB", "AUX"):
        return False
    dep = tok.dep_
    if dep == "conj":
        return tok.head.pos_ in ("VERB", "AUX")
    if dep in CONTENT_DEPS:
        return tok.head.lemma_ in CUES or tok.lemma_ in CUES
    if dep == "relcl":  # non-restrictive only: ", who is ..." adds a fact, "the man who ..." names one
        return tok.left_edge.i > 0 and tok.doc[tok.left_edge.i - 1].text == ","
    if dep == "advcl":
        return any(c.dep_ in SUBJECT_DEPS for c in tok.children)
    return False


def _is_cue(tok: Any, heads: set[int]) -> bool:
    """A saying verb whose clause frames another clause of the segment."""
    if tok.lemma_ not in CUES:
        return False
    framed = any(c.i in heads and c.dep_ in CONTENT_DEPS for c in tok.children)
    inverted = tok.dep_ in CONTENT_DEPS and tok.head.i in heads and not framed
    return framed or inverted


def _owner(tok: Any, heads: set[int]) -> int:
    while tok.i not in heads:
        tok = tok.head
    return int(tok.i)


def _fold_short(doc: Any, start: int, end: int, heads: set[int], keep: set[int]) -> dict[int, list[Any]]:
    """Head index -> its tokens; clauses under ``MIN_WORDS`` words join the clause above them."""
    heads = set(heads)
    while True:
        owned: dict[int, list[Any]] = {h: [] for h in heads}
        for tok in doc[start:end]:
            owned[_owner(tok, heads)].append(tok)
        short = [h for h in sorted(heads) if h not in keep and _words(owned[h]) < MIN_WORDS]
        if not short:
            return owned
        heads.discard(short[0])


def _words(tokens: Iterable[Any]) -> int:
    return sum(1 for t in tokens if any(c.isalpha() for c in t.text))


def _attribute(doc: Any, owned: dict[int, list[Any]], cues: set[int]) -> list[_Clause]:
    """Clauses as (content, source): content clauses of a cue take the cue clause as their source."""
    source_of: dict[int, int] = {}
    for c in sorted(cues):
        tok = doc[c]
        framed = [k.i for k in tok.children if k.i in owned and k.dep_ in CONTENT_DEPS and k.i not in cues]
        # A cue whose content clause was folded into it (too short to stand alone) frames nothing:
        # it is kept whole ("Officials said 12 people were killed"), not dropped as its own source.
        for h in framed or ([tok.head.i] if tok.head.i != tok.i else []):
            for member in _with_conjuncts(doc, h, owned):
                source_of.setdefault(member, c)
    out = []
    for h in sorted(owned):
        if h in cues and any(source_of.get(m) == h for m in owned):
            continue  # "X said": folded into what X said
        tokens = list(owned[h])
        clause = _Clause(doc[h], tokens, tokens)
        if h in source_of:
            c = source_of[h]
            clause.cue = doc[c]
            clause.source = [t for t in owned[c] if _in_subject(t, doc[c])]
            clause.tokens = sorted(tokens + owned[c], key=lambda t: t.i)
        else:
            _according_to(clause)
        out.append(clause)
    return out


def _with_conjuncts(doc: Any, head: int, owned: dict[int, list[Any]]) -> list[int]:
    """A content clause and the clauses coordinated with it ("said Y and Z": both are what was said)."""
    found, todo = [], [head]
    while todo:
        h = todo.pop()
        if h in owned and h not in found:
            found.append(h)
            todo.extend(c.i for c in doc[h].children if c.dep_ == "conj" and c.i in owned)
    return found


def _in_subject(tok: Any, cue: Any) -> bool:
    while tok.i != cue.i:
        if tok.head.i == cue.i:
            return bool(tok.dep_ in SUBJECT_DEPS)
        tok = tok.head
    return False


def _according_to(clause: _Clause) -> None:
    """"According to X, Y": X is the source, Y the content."""
    for tok in clause.tokens:
        if tok.lower_ != "according":
            continue
        to = [c for c in tok.children if c.lower_ == "to"]
        objs = [g for c in to for g in c.children if g.dep_ == "pobj"]
        if not objs:
            continue
        drop = {t.i for t in tok.subtree}
        clause.source = list(objs[0].subtree)
        clause.cue = tok
        clause.content = [t for t in clause.tokens if t.i not in drop]
        return


def _trim(tokens: Sequence[Any], final: bool = False) -> tuple[int, int] | None:
    """Char range of the tokens without edge punctuation or leading conjunctions.

    With ``final``, a sentence's closing punctuation stays when the clause ends the sentence.
    """
    toks = sorted(tokens, key=lambda t: t.i)
    while toks and (toks[0].is_punct or toks[0].is_space or toks[0].dep_ in ("cc", "mark")):
        toks = toks[1:]
    while toks and (toks[-1].is_punct or toks[-1].is_space or toks[-1].dep_ == "cc"):
        toks = toks[:-1]
    if not toks:
        return None
    end = toks[-1]
    nxt = end.doc[end.i + 1] if end.i + 1 < len(end.doc) else None
    if final and nxt is not None and nxt.text in (".", "?", "!") and nxt.is_sent_end:
        end = nxt
    return int(toks[0].idx), int(end.idx + len(end.text))


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    """The range without the whitespace a parse leaves at a sentence's edges (a paragraph break)."""
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    return start + lead, max(start + lead, start + len(piece.rstrip()))


def _build(article_id: str, where: _Sentence, clause: _Clause, n: int) -> Proposition | None:
    whole, content = _trim(clause.tokens, final=True), _trim(clause.content)
    if whole is None or content is None or _words(clause.tokens) < MIN_WORDS:
        return None
    inside = [t for t in clause.content if content[0] <= t.idx < content[1]]
    if not inside:
        return None
    head = clause.head if clause.head in inside else inside[0]
    subject, obj = _subject(head), _object(head)
    prop = Proposition(
        id=f"{article_id}:p{n}",
        span=Span(article_id, *whole),
        content=Span(article_id, *content),
        text=where.text[whole[0] : whole[1]],
        sentence=Span(article_id, *_stripped(where.text, where.sent.start_char, where.sent.end_char)),
        index=where.index,
        predicate=head.lemma_.lower(),
        subject=subject.lower_ if subject is not None else None,
        subject_role=subject.dep_ if subject is not None else None,
        object=obj.lower_ if obj is not None else None,
        object_role=obj.dep_ if obj is not None else None,
        negated=any(c.dep_ == "neg" for c in head.children),
        cue="according" if clause.cue is not None and clause.cue.lower_ == "according"
        else (clause.cue.lemma_.lower() if clause.cue is not None else None),
    )
    _add_source(prop, where.text, clause.source)
    add_slots(prop, head, inside, where.sent, where.ents, content)
    return prop


def _subject(head: Any) -> Any:
    """The clause's subject token; a coordinated predicate without one shares its first conjunct's."""
    tok = head
    while True:
        subj = [c for c in tok.children if c.dep_ in SUBJECT_DEPS]
        if subj:
            return subj[0]
        if tok.dep_ != "conj" or tok.head.i == tok.i:
            return None
        tok = tok.head


def _object(head: Any) -> Any:
    for c in head.children:
        if c.dep_ in OBJECT_DEPS:
            return c
    for c in head.children:  # passive "by X" and prepositional objects: the first one carries the event
        if c.dep_ in ("agent", "prep"):
            objs = [g for g in c.children if g.dep_ == "pobj"]
            if objs:
                return objs[0]
    return None


def _add_source(prop: Proposition, text: str, source: Sequence[Any]) -> None:
    rng = _trim(source) if source else None
    if rng is not None:
        prop.source = text[rng[0] : rng[1]]
        prop.source_span = Span(prop.span.article_id, *rng)
