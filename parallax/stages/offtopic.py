"""OffTopic stage: sentences that do not belong to the story at all, flagged only when every signal agrees.

An outlet's own material is nearly always context (history, reactions, an
anecdote, a quote); an off-topic insertion is text about something else: a
wire's unrelated news brief, a promo, a caption Clean missed. A wrong flag
costs more than a missed one, so a sentence is flagged only when

* no claim of it is stated by another outlet, and each is ``exclusive``
  (the alignment found no plausible match anywhere);
* it names no person or organisation that any other article of the story
  names, and few of its content words occur in the other articles;
* its best similarity to any sentence of another article is far below the
  story's own: under ``LOW_QUANTILE`` of the story's sentences' best
  cross-article similarities, by a margin;
* it does not lean on its context (an opening pronoun, demonstrative or
  connective), and every other sentence of its paragraph qualifies too;

or when it reads as a promo or caption line ("Read more:", "(Photo: ...)").
Stories of fewer than three articles are left alone: two articles give no
"rest of the story" to judge against. Flagged claims move into a group of
kind ``off-topic``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..nlp.embed import Embedder, get_embedder
from ..options import Options
from ..pipeline import Corpus
from ..records import Article, Claim, ClaimGroup, Span
from .claims import claims_by_story, group_id

NAME_LABELS = frozenset({"PERSON", "ORG"})
LOW_QUANTILE = 0.05  # of the story's sentences' best cross-article similarity
MARGIN = 0.05
MAX_SHARED_WORDS = 0.25  # share of the sentence's content lemmas found in the story's other articles
PROMO = re.compile(
    r"^\s*(?:read more|read also|also read|watch|listen|subscribe|sign up|click here|related|advertisement)\b"
    r"|\((?:photo|image|picture|video|credit)s?\b[^)]*\)\s*$",
    re.I,
)


@dataclass(slots=True)
class _Sentence:
    article_id: str
    span: Span
    claims: list[Claim]
    text: str


class OffTopic:
    name = "offtopic"
    requires: tuple[str, ...] = ("articles", "claim_groups", "claims", "docs", "mentions", "stories")
    provides: tuple[str, ...] = ("claim_groups.offtopic",)

    def __init__(self, options: Options, embedder: Embedder | None = None):
        self.options = options
        self.embedder = embedder  # the run's shared cache; None: the options' embedder, uncached

    def __call__(self, corpus: Corpus) -> Corpus:
        embedder = self.embedder or get_embedder(self.options.embedder)
        by_story = claims_by_story(corpus)
        groups = {g.id: g for g in corpus.claim_groups}
        index = corpus.by_id()
        evidence = _Evidence(_names_by_article(corpus), _words_by_article(corpus, index))
        for story in corpus.stories:
            claims = by_story.get(story.id, [])
            if len({c.span.article_id for c in claims}) < 3:
                continue
            sentences = _sentences(claims, index)
            flagged = _flagged(corpus, sentences, groups, embedder, index, evidence.within(story.article_ids))
            _regroup(corpus, story.id, [c for s in flagged for c in s.claims])
        return corpus


@dataclass(slots=True)
class _Evidence:
    """Per article: the people and organisations it names, and its content lemmas."""

    names: dict[str, set[str]]
    words: dict[str, set[str]]

    def within(self, article_ids: Sequence[str]) -> _Evidence:
        ids = set(article_ids)
        return _Evidence({k: v for k, v in self.names.items() if k in ids},
                         {k: v for k, v in self.words.items() if k in ids})


def _sentences(claims: Sequence[Claim], index: dict[str, Article]) -> list[_Sentence]:
    by_span: dict[Span, list[Claim]] = defaultdict(list)
    for c in claims:
        by_span[c.sentence or c.span].append(c)
    return [
        _Sentence(span.article_id, span, members, index[span.article_id].snippet(span))
        for span, members in sorted(by_span.items())
        if span.article_id in index
    ]


def _flagged(
    corpus: Corpus, sentences: list[_Sentence], groups: dict[str, ClaimGroup], embedder: Embedder,
    index: dict[str, Article], evidence: _Evidence,
) -> list[_Sentence]:
    if not sentences:
        return []
    promo = [bool(PROMO.search(s.text)) for s in sentences]
    best = _best_cross(sentences, embedder)
    low = float(np.quantile(best, LOW_QUANTILE)) - MARGIN
    names, words = evidence.names, evidence.words
    candidate = [
        promo[i] or (
            all(c.status == "exclusive" and len(groups[c.group_id].article_ids) == 1
                for c in s.claims if c.group_id in groups)
            and best[i] < low
            and not _names_shared(corpus, s, names)
            and _shared_words(corpus, s, words) <= MAX_SHARED_WORDS
            and not _leans_on_context(corpus.docs.get(s.article_id), s.span)
        )
        for i, s in enumerate(sentences)
    ]
    by_paragraph = _paragraph_of(sentences, index)
    mates: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, key in enumerate(by_paragraph):
        mates[key].append(i)
    return [s for i, s in enumerate(sentences)
            if promo[i] or (candidate[i] and all(candidate[j] for j in mates[by_paragraph[i]]))]


def _best_cross(sentences: list[_Sentence], embedder: Embedder) -> np.ndarray:
    """Per sentence: its highest cosine with a sentence of another article."""
    vectors = embedder.encode([s.text for s in sentences])
    sims = vectors @ vectors.T
    arts = np.array([s.article_id for s in sentences])
    sims[arts[:, None] == arts[None, :]] = -1.0
    return np.asarray(sims.max(axis=1), dtype=np.float64)


def _names_by_article(corpus: Corpus) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for m in corpus.mentions:
        if m.entity_id and m.label in NAME_LABELS:
            out[m.span.article_id].add(m.entity_id)
    return out


def _names_shared(corpus: Corpus, sentence: _Sentence, names: dict[str, set[str]]) -> bool:
    own = {m.entity_id for m in corpus.mentions
           if m.entity_id and m.label in NAME_LABELS and m.span.article_id == sentence.article_id
           and sentence.span.start <= m.span.start < sentence.span.end}
    others = set().union(*(v for k, v in names.items() if k != sentence.article_id))
    return bool(own & others)


def _words_by_article(corpus: Corpus, index: dict[str, Article]) -> dict[str, set[str]]:
    return {aid: _content_lemmas(doc) for aid, doc in corpus.docs.items() if aid in index}


def _content_lemmas(doc: Any, span: Span | None = None) -> set[str]:
    toks = doc if span is None else (doc.char_span(span.start, span.end, alignment_mode="expand") or [])
    return {t.lemma_.lower() for t in toks
            if t.pos_ in ("NOUN", "PROPN", "VERB", "ADJ") and not t.is_stop and t.is_alpha and len(t) > 2}


def _shared_words(corpus: Corpus, sentence: _Sentence, words: dict[str, set[str]]) -> float:
    doc = corpus.docs.get(sentence.article_id)
    if doc is None:
        return 1.0
    own = _content_lemmas(doc, sentence.span)
    if not own:
        return 1.0
    others = set().union(*(v for k, v in words.items() if k != sentence.article_id))
    return len(own & others) / len(own)


def _leans_on_context(doc: Any, span: Span) -> bool:
    """A sentence opening with a pronoun, demonstrative or connective refers back to its context."""
    if doc is None:
        return True
    toks = doc.char_span(span.start, span.end, alignment_mode="expand")
    words = [t for t in toks if not t.is_punct] if toks is not None else []
    if not words:
        return True
    first = words[0]
    if first.pos_ in ("CCONJ", "SCONJ") or (first.pos_ == "ADV" and first.dep_ == "advmod"):
        return True
    return bool(first.pos_ == "PRON" or "Dem" in first.morph.get("PronType") or first.tag_ == "PRP$")


def _paragraph_of(sentences: list[_Sentence], index: dict[str, Article]) -> list[tuple[str, int]]:
    spans = {aid: index[aid].paragraph_spans() for aid in {s.article_id for s in sentences}}
    return [
        (s.article_id, next((k for k, p in enumerate(spans[s.article_id])
                             if p.start <= s.span.start < p.end + 2), -1))
        for s in sentences
    ]


def _regroup(corpus: Corpus, story_id: str, flagged: list[Claim]) -> None:
    """Move flagged claims out of their groups into an off-topic group each."""
    if not flagged:
        return
    groups = {g.id: g for g in corpus.claim_groups}
    claims = {c.id: c for c in corpus.claims}
    for claim in flagged:
        old = groups.get(claim.group_id or "")
        if old is not None and len(old.claim_ids) == 1:
            old.kind = "off-topic"
            continue
        if old is not None:
            # The group lost a member: it is renamed after the members it keeps.
            old.claim_ids = [c for c in old.claim_ids if c != claim.id]
            old.id = group_id(story_id, old.claim_ids)
            old.article_ids = sorted({claims[c].span.article_id for c in old.claim_ids if c in claims})
            for cid in old.claim_ids:
                if cid in claims:
                    claims[cid].group_id = old.id
            groups[old.id] = old
        gid = group_id(story_id, [claim.id])
        claim.group_id = gid
        corpus.claim_groups.append(
            ClaimGroup(gid, story_id, [claim.id], [claim.span.article_id], "off-topic", claim.text)
        )
