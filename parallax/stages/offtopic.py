"""OffTopic stage: exclusive sentences that do not belong to the story at all.

An outlet's exclusive facts are usually context (history, reactions, a
related incident); an off-topic insertion is text about something else (a
wire's unrelated news brief, a stray photo caption). A claim is marked
``off-topic`` only when every signal agrees:

* its group is exclusive (no other outlet carries anything like it);
* it is far from the story's core: its similarity to the centroid of the
  claims that several outlets share, and its best match in any other
  article, are both well below the story's median (thresholds are relative,
  so they hold for any embedder);
* it names none of the story's core people/organisations (mentioned by at
  least half of the articles);
* it does not open with a pronoun or demonstrative that refers back;
* every other sentence of its paragraph passes the same tests, so a
  sentence continuing an on-topic paragraph ("... according to reports") is
  kept.

Off-topic claims are moved out of their group into a group of kind
``off-topic``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from ..nlp.embed import Embedder, get_embedder
from ..options import Options
from ..pipeline import Corpus
from ..records import Article, Claim, ClaimGroup
from .claims import group_id

CENTROID_RATIO = 0.7  # of the story's median similarity to its core
SUPPORT_RATIO = 0.75  # of the story's median best cross-article match
CORE_LABELS = frozenset({"PERSON", "ORG"})


@dataclass(slots=True)
class _Scores:
    centroid: np.ndarray  # per claim: similarity to the story core
    support: np.ndarray  # per claim: best similarity to a claim of another article
    median_centroid: float
    median_support: float


class OffTopic:
    name = "offtopic"
    requires: tuple[str, ...] = ("articles", "claim_groups", "claims", "docs", "mentions", "stories")
    provides: tuple[str, ...] = ("claim_groups.offtopic",)

    def __init__(self, options: Options, embedder: Embedder | None = None):
        self.options = options
        self.embedder = embedder  # the run's shared cache; None: the options' embedder, uncached

    def __call__(self, corpus: Corpus) -> Corpus:
        embedder = self.embedder or get_embedder(self.options.embedder)
        claims_by_story: dict[str, list[Claim]] = defaultdict(list)
        index = {c.id: c for c in corpus.claims}
        for g in corpus.claim_groups:
            claims_by_story[g.story_id].extend(index[c] for c in g.claim_ids if c in index)
        for story in corpus.stories:
            claims = sorted(claims_by_story.get(story.id, []), key=lambda c: c.span)
            if len({c.span.article_id for c in claims}) < 3:
                continue  # with two articles, "the story core" is too thin to judge
            vectors = embedder.encode([c.text for c in claims])
            flagged = offtopic_claims(corpus, story.id, claims, vectors)
            _regroup(corpus, story.id, flagged)
        return corpus


def offtopic_claims(corpus: Corpus, story_id: str, claims: list[Claim], vectors: np.ndarray) -> list[Claim]:
    groups = {g.id: g for g in corpus.claim_groups if g.story_id == story_id}
    kind = [groups[c.group_id].kind if c.group_id in groups else "exclusive" for c in claims]
    scores = _scores(claims, vectors, kind)
    core = _core_entities(corpus, {c.span.article_id for c in claims})
    named = _named_entities(corpus, claims)
    paragraph = _paragraphs(corpus, claims)
    candidate = [
        kind[i] == "exclusive"
        and not named[i] & core
        and not _continues(corpus, claim)
        and scores.centroid[i] < CENTROID_RATIO * scores.median_centroid
        and scores.support[i] < SUPPORT_RATIO * scores.median_support
        for i, claim in enumerate(claims)
    ]
    # Whole paragraphs only: one on-topic sentence makes its paragraph-mates context.
    by_paragraph: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, key in enumerate(paragraph):
        by_paragraph[key].append(i)
    return [c for i, c in enumerate(claims) if all(candidate[j] for j in by_paragraph[paragraph[i]])]


def _continues(corpus: Corpus, claim: Claim) -> bool:
    """A claim opening with a pronoun or demonstrative ("His visit", "This") refers back to its context."""
    doc = corpus.docs.get(claim.span.article_id)
    if doc is None:
        return False
    span = doc.char_span(claim.span.start, claim.span.end, alignment_mode="expand")
    words = [t for t in span if not t.is_punct] if span is not None else []
    if not words:
        return False
    first = words[0]
    # "And it has...", "But unlike...", "However, ...": a connective ties it to what precedes.
    if first.pos_ in ("CCONJ", "SCONJ") or (first.pos_ == "ADV" and first.dep_ == "advmod"):
        return True
    return first.pos_ == "PRON" or "Dem" in first.morph.get("PronType") or first.tag_ == "PRP$"


def _scores(claims: list[Claim], vectors: np.ndarray, kind: list[str]) -> _Scores:
    shared = [i for i, k in enumerate(kind) if k in ("consensus", "shared")]
    core = vectors[shared] if shared else vectors
    centre = core.mean(axis=0)
    centre = centre / (np.linalg.norm(centre) or 1.0)
    centroid = vectors @ centre
    sims = vectors @ vectors.T
    arts = np.array([c.span.article_id for c in claims])
    same = arts[:, None] == arts[None, :]
    sims[same] = -1.0
    support = sims.max(axis=1)
    return _Scores(centroid, support, float(np.median(centroid)), float(np.median(support)))


def _core_entities(corpus: Corpus, article_ids: set[str]) -> set[str]:
    """People and organisations that at least half of the story's articles mention."""
    seen: dict[str, set[str]] = defaultdict(set)
    for m in corpus.mentions:
        if m.span.article_id in article_ids and m.entity_id and m.label in CORE_LABELS:
            seen[m.entity_id].add(m.span.article_id)
    need = max(2, (len(article_ids) + 1) // 2)
    return {e for e, arts in seen.items() if len(arts) >= need}


def _named_entities(corpus: Corpus, claims: list[Claim]) -> list[set[str]]:
    by_article: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for m in corpus.mentions:
        if m.entity_id:
            by_article[m.span.article_id].append((m.span.start, m.entity_id))
    return [
        {e for pos, e in by_article.get(c.span.article_id, []) if c.span.start <= pos < c.span.end}
        for c in claims
    ]


def _paragraphs(corpus: Corpus, claims: list[Claim]) -> list[tuple[str, int]]:
    arts: dict[str, Article] = corpus.by_id()
    out = []
    for c in claims:
        art = arts.get(c.span.article_id)
        spans = art.paragraph_spans() if art else []
        n = next((k for k, s in enumerate(spans) if s.start <= c.span.start < s.end + 2), -1)
        out.append((c.span.article_id, n))
    return out


def _regroup(corpus: Corpus, story_id: str, flagged: list[Claim]) -> None:
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
