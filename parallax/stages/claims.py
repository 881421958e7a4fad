"""Claims stage: split articles into claims and align the same fact across outlets.

A claim is a sentence of the clean body, or a clause where a long sentence
joins independent clauses. Claims are embedded and, within each story,
grouped by average-linkage agglomeration over pairs above
``options.claim_threshold``. A group's kind says how widely it is reported,
counting outlets (``Article.label``), not articles: ``consensus`` (at least
half of the story's outlets and at least two), ``shared`` (two or more),
``exclusive`` (one outlet).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..nlp.embed import Embedder, get_embedder
from ..options import Options
from ..pipeline import Corpus
from ..records import Article, Claim, ClaimGroup, Span, Story, make_id

MIN_WORDS = 4  # shorter "sentences" are subheadings, credits and captions' tails
LONG_SENTENCE = 40  # tokens; longer sentences are split into independent clauses


class Claims:
    name = "claims"
    requires: tuple[str, ...] = ("articles", "docs", "stories")
    provides: tuple[str, ...] = ("claims", "claim_groups")

    def __init__(self, options: Options, embedder: Embedder | None = None):
        self.options = options
        self.embedder = embedder  # the run's shared cache; None: the options' embedder, uncached

    def __call__(self, corpus: Corpus) -> Corpus:
        embedder = self.embedder or get_embedder(self.options.embedder)
        claims: list[Claim] = []
        groups: list[ClaimGroup] = []
        index = corpus.by_id()
        for story in corpus.stories:
            arts = corpus.story_articles(story, index)
            story_claims = []
            for art in arts:
                doc = corpus.docs.get(art.id)
                if doc is None:
                    corpus.warn(art.id, "no parse; claims skipped")
                    continue
                story_claims.extend(split_claims(art, doc))
            if not story_claims:
                continue
            vectors = embedder.encode([c.text for c in story_claims])
            groups.extend(align(story, arts, story_claims, vectors, self.options.claim_threshold))
            claims.extend(story_claims)
        corpus.claims = claims
        corpus.claim_groups = groups
        return corpus


def split_claims(article: Article, doc: Any) -> list[Claim]:
    """Sentences (or clauses of long sentences) with at least ``MIN_WORDS`` words."""
    out: list[Claim] = []
    for sent in doc.sents:
        for start, end in _clauses(sent):
            text = doc.text[start:end]
            # Trim whitespace but keep offsets exact.
            lead = len(text) - len(text.lstrip())
            text = text.strip()
            if sum(1 for w in text.split() if any(c.isalpha() for c in w)) < MIN_WORDS:
                continue
            begin = start + lead
            span = Span(article.id, begin, begin + len(text))
            out.append(Claim(claim_id(span), span, text))
    return out


def claim_id(span: Span) -> str:
    """A claim is named by where it is: re-splitting a sentence renames only its own claims."""
    return f"{span.article_id}:c{span.start}-{span.end}"


def group_id(story_id: str, claim_ids: Sequence[str]) -> str:
    """A claim group is named by its members, whatever order groups are found in."""
    return f"{story_id}:" + make_id("g", *sorted(claim_ids))


def _clauses(sent: Any) -> list[tuple[int, int]]:
    """Char ranges: the sentence, cut at paragraph breaks and, if long, before coordinated clauses."""
    cuts = [t.idx for t in sent if t.i > sent.start and "\n" in sent.doc[t.i - 1].text_with_ws]
    if len(sent) > LONG_SENTENCE:
        for tok in sent:
            # "..., and <subject> <verb>": a coordinating conjunction joining two clauses with subjects.
            if tok.dep_ == "cc" and tok.head.dep_ == "ROOT" and tok.i > sent.start + 5:
                conj = [c for c in tok.head.children if c.dep_ == "conj" and c.i > tok.i]
                if conj and any(c.dep_ in ("nsubj", "nsubjpass") for c in conj[0].children):
                    cuts.append(tok.idx)
    bounds = [sent.start_char, *sorted(set(cuts)), sent.end_char]
    return [(a, b) for a, b in itertools.pairwise(bounds) if b > a]


def align(
    story: Story, articles: Sequence[Article], claims: Sequence[Claim], vectors: np.ndarray, threshold: float
) -> list[ClaimGroup]:
    """Group claims that state the same fact; set each claim's ``group_id``."""
    clusters = _cluster(vectors, threshold)
    labels = {a.id: a.label for a in articles}
    n_outlets = len(set(labels.values()))
    groups = []
    for members in sorted(clusters, key=min):
        gid = group_id(story.id, [claims[i].id for i in members])
        ids = [claims[i].span.article_id for i in members]
        for i in members:
            claims[i].group_id = gid
        outlets = {labels.get(a, a) for a in ids}
        central = _central(vectors, members)
        groups.append(
            ClaimGroup(
                id=gid,
                story_id=story.id,
                claim_ids=[claims[i].id for i in members],
                article_ids=sorted(set(ids)),
                kind=group_kind(len(outlets), n_outlets),
                text=claims[central].text,
            )
        )
    return groups


def group_kind(outlets: int, story_outlets: int) -> str:
    if outlets >= 2 and outlets * 2 >= story_outlets:
        return "consensus"
    return "shared" if outlets >= 2 else "exclusive"


def _central(vectors: np.ndarray, members: list[int]) -> int:
    if len(members) == 1:
        return members[0]
    sub = vectors[members]
    return members[int(np.argmax((sub @ sub.T).mean(axis=1)))]


# Candidate merges per claim: its strongest few neighbours. A story of hundreds of
# articles has tens of thousands of claims; all pairs would be quadratic.
CLAIM_NEIGHBOURS = 16
_BLOCK = 1024


def _candidate_pairs(vectors: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, cols, sims) of pairs i < j where j is among i's nearest claims (or i among j's)."""
    n = len(vectors)
    k = min(CLAIM_NEIGHBOURS, n - 1)
    found: set[tuple[int, int]] = set()
    rows: list[int] = []
    cols: list[int] = []
    sims: list[float] = []
    for start in range(0, n, _BLOCK):
        block = vectors[start : start + _BLOCK] @ vectors.T
        for off, row in enumerate(block):
            i = start + off
            row[i] = -np.inf  # never its own neighbour
            for j in np.argpartition(-row, k - 1)[:k].tolist():
                pair = (min(i, j), max(i, j))
                if row[j] >= threshold and pair not in found:
                    found.add(pair)
                    rows.append(pair[0])
                    cols.append(pair[1])
                    sims.append(float(row[j]))
    return np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64), np.array(sims)


def _cluster(vectors: np.ndarray, threshold: float) -> list[list[int]]:
    """Average-linkage merging, strongest pairs first; a merge needs mean similarity >= threshold."""
    n = len(vectors)
    if n < 2:
        return [[i] for i in range(n)]
    rows, cols, sims = _candidate_pairs(vectors, threshold)
    order = np.lexsort((cols, rows, -sims))
    owner = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    # Mean pairwise cosine of two disjoint groups = dot of their vector sums / (|a| |b|).
    sums = {i: vectors[i].astype(np.float64) for i in range(n)}
    for k in order.tolist():
        a, b = owner[int(rows[k])], owner[int(cols[k])]
        if a == b:
            continue
        if float(sums[a] @ sums[b]) / (len(members[a]) * len(members[b])) < threshold:
            continue
        if len(members[a]) < len(members[b]):
            a, b = b, a
        for i in members[b]:
            owner[i] = a
        members[a].extend(members.pop(b))
        sums[a] = sums[a] + sums.pop(b)
    return [sorted(m) for m in members.values()]
