"""QuoteClusters stage: the same utterance as worded by different outlets.

Each quote is split into sentences (a quote may carry two utterances), and
sentences are grouped within a story by average-linkage clustering on a blend
of word overlap (rapidfuzz token-sort ratio) and embedding cosine (robust to
translation variants: "even one" / "a single"), which must both agree. A
cluster keeps its variants (distinct wordings) with word diffs against the
most common wording, and flags where outlets credit different
speakers or where words given without quotation marks in one outlet appear
as a direct quote in another.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from ..nlp.embed import Embedder, get_embedder
from ..options import Options
from ..pipeline import Corpus
from ..quoting.marks import strip_marks
from ..records import Quote, QuoteCluster, QuoteVariant, Story, make_id

_SENTENCE = re.compile(r"(?<=[.!?])[\"”’»]?\s+(?=[\"“‘«]?[A-Z0-9])")
# "and" followed by a new subject starts a second statement; "and are …" continues the first.
_AND_CLAUSE = re.compile(r",? and (?=(?:the|a|an|he|she|they|it|we|i|[A-Z])\b)")
_WORD = re.compile(r"[\w’'-]+")
MIN_WORDS = 4  # shorter pieces ("too much") match too easily to cluster on


@dataclass(slots=True)
class Utterance:
    """One sentence of one quote."""

    quote: Quote
    text: str
    key: str  # normalised wording


def split_utterances(quote: Quote) -> list[Utterance]:
    """The sentences of a quote long enough to cluster on."""
    out = []
    for sentence in _SENTENCE.split(strip_marks(quote.text)):
        for piece in _clauses(sentence):
            words = _WORD.findall(piece.lower().replace("’", "'"))
            if words and words[0] == "that":
                words = words[1:]  # "said that …": the complementiser is the reporter's
            if len(words) >= MIN_WORDS:
                shown = re.sub(r"^that\s+", "", piece.strip(" ,;:.")) or piece
                out.append(Utterance(quote, shown, " ".join(words)))
    return out


def _clauses(sentence: str) -> list[str]:
    """Split "A and the B" into two utterances when both halves are clause-sized."""
    parts = _AND_CLAUSE.split(sentence)
    if len(parts) == 2 and all(len(p.split()) >= MIN_WORDS for p in parts):
        return parts
    return [sentence]


def similarity(utts: list[Utterance], embedder: Embedder) -> np.ndarray:
    """Pairwise similarity in [0, 1]: the lower of token-sort ratio and embedding cosine.

    Both must agree: wording alone joins different sentences that share many words
    ("Americans are not friends of Iraq" / "… friends with anyone"), and embeddings
    alone join different statements on one topic.
    """
    keys = [u.key for u in utts]
    lexical = process.cdist(keys, keys, scorer=fuzz.token_sort_ratio, dtype=np.float32) / 100.0
    vectors = embedder.encode(keys)
    cosine = np.clip(vectors @ vectors.T, 0.0, 1.0)
    sim: np.ndarray = np.minimum(lexical, cosine)
    np.fill_diagonal(sim, 1.0)
    return sim


def cluster(sim: np.ndarray, threshold: float, exact_limit: int = 400) -> list[list[int]]:
    """Average-linkage agglomerative clustering, merging while the best link >= threshold.

    Above ``exact_limit`` items a single greedy pass (join the cluster with the best
    mean similarity) keeps the cost quadratic.
    """
    n = len(sim)
    if n > exact_limit:
        return _greedy(sim, threshold)
    sums = sim.astype(np.float64)
    sizes = np.ones(n)
    active = np.ones(n, dtype=bool)
    members = [[i] for i in range(n)]
    while active.sum() > 1:
        link = sums / np.outer(sizes, sizes)
        np.fill_diagonal(link, -np.inf)
        link[~active, :] = -np.inf
        link[:, ~active] = -np.inf
        a, b = np.unravel_index(int(np.argmax(link)), link.shape)
        if link[a, b] < threshold:
            break
        sums[a, :] += sums[b, :]
        sums[:, a] += sums[:, b]
        sizes[a] += sizes[b]
        active[b] = False
        members[a] += members[b]
    return [sorted(members[i]) for i in range(n) if active[i]]


def _greedy(sim: np.ndarray, threshold: float) -> list[list[int]]:
    # Each item's summed similarity to every earlier group, from its row alone: no n x groups
    # matrix to grow (that copy made a story of 3,000 quote sentences take seconds).
    label = np.zeros(len(sim), dtype=np.int64)
    groups: list[list[int]] = []
    for i in range(len(sim)):
        if groups:
            means = np.bincount(label[:i], weights=sim[i, :i], minlength=len(groups)) / np.array(
                [len(g) for g in groups]
            )
            best = int(np.argmax(means))
            if means[best] >= threshold:
                groups[best].append(i)
                label[i] = best
                continue
        label[i] = len(groups)
        groups.append([i])
    return groups


def word_diff(base: str, other: str) -> list[tuple[str, str]]:
    """``other`` against ``base`` as (op, words) runs, op "=" same, "-" only in base, "+" only in other."""
    a, b = base.split(), other.split()
    out: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(("=", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("-", " ".join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", " ".join(b[j1:j2])))
    return out


def _variants(members: list[Utterance]) -> list[QuoteVariant]:
    by_key: dict[str, list[Utterance]] = {}
    for u in members:
        by_key.setdefault(u.key, []).append(u)
    # Most common wording first (by outlets carrying it), then the longest, then text order.
    ordered = sorted(
        by_key.values(),
        key=lambda us: (-len({u.quote.article_id for u in us}), -len(us[0].key), us[0].quote.id),
    )
    base = ordered[0][0].key
    out = []
    for us in ordered:
        out.append(QuoteVariant(
            text=us[0].text,
            quote_ids=sorted({u.quote.id for u in us}),
            article_ids=sorted({u.quote.article_id for u in us}),
            diff=word_diff(base, us[0].key),
        ))
    return out


def _flags(members: list[Utterance]) -> tuple[list[str], list[str]]:
    """Distinct speakers, and flags for disputed credit or paraphrase shown as a quote."""
    speakers: dict[str, set[str]] = {}
    for u in members:
        if u.quote.speaker:
            speakers.setdefault(_surname(u.quote.speaker), set()).add(u.quote.speaker)
    names = sorted(max(v, key=len) for v in speakers.values())
    flags = []
    if len(names) > 1:
        flags.append("speaker-mismatch: " + " / ".join(names))
    kinds = {u.quote.kind for u in members}
    if "indirect" in kinds and kinds & {"direct", "mixed"}:
        para = sorted({u.quote.article_id for u in members if u.quote.kind == "indirect"})
        flags.append("paraphrase-as-quote: paraphrased without quotation marks in " + ", ".join(para))
    return names, flags


def _surname(name: str) -> str:
    return name.split()[-1].lower() if name.split() else name.lower()


class QuoteClusters:
    name = "quote_clusters"
    requires: tuple[str, ...] = ("quotes", "stories")
    provides: tuple[str, ...] = ("quote_clusters",)

    def __init__(self, options: Options, embedder: Embedder | None = None):
        self.options = options
        self.embedder = embedder  # the run's shared cache; None: the options' embedder, uncached

    def __call__(self, corpus: Corpus) -> Corpus:
        by_article: dict[str, list[Quote]] = {}
        for q in corpus.quotes:
            by_article.setdefault(q.article_id, []).append(q)
        done = {c.story_id for c in corpus.quote_clusters}
        for story in corpus.stories:
            if story.id not in done and len(story.article_ids) > 1:
                corpus.quote_clusters.extend(self.story_clusters(story, by_article))
        return corpus

    def story_clusters(self, story: Story, by_article: dict[str, list[Quote]]) -> list[QuoteCluster]:
        utts = [u for aid in story.article_ids for q in by_article.get(aid, []) for u in split_utterances(q)]
        if len(utts) < 2:
            return []
        embedder = self.embedder or get_embedder(self.options.embedder)
        groups = cluster(similarity(utts, embedder), self.options.quote_threshold)
        out = []
        for members in (sorted((utts[i] for i in g), key=lambda u: u.quote.id) for g in groups):
            if len({u.quote.article_id for u in members}) < 2:
                continue  # one outlet's own repetition is not a cross-outlet variant
            variants = _variants(members)
            speakers, flags = _flags(members)
            out.append(QuoteCluster(
                id="", story_id=story.id, canonical=variants[0].text,
                quote_ids=sorted({u.quote.id for u in members}),
                variants=variants, speakers=speakers, flags=flags,
            ))
        out.sort(key=lambda c: (-len({a for v in c.variants for a in v.article_ids}), c.quote_ids[0]))
        for c in out:
            # Named by what it holds: its quotes and the words they share.
            c.id = f"{story.id}:" + make_id("qc", c.canonical, *c.quote_ids)
        return out
