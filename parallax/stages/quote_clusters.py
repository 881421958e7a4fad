"""QuoteClusters stage: the same utterance as worded by different outlets.

Each quote is split into sentences (a quote may carry two utterances), and
sentences are grouped within a story by complete-linkage clustering: every two
wordings of a cluster must align word for word over at least half of the longer
one, in order (or one lie whole inside the other), after contractions are spelt
out and the person and tense shifts of reported speech set aside ("I have
talked" / "he had spoken"), so two different statements by one speaker on one
subject stay two clusters; and they must also agree on word overlap
(rapidfuzz token-sort ratio) and embedding cosine (robust to translation
variants: "even one" / "a single"). Measured against the coverage gold
(``parallax.eval.people``): 0.99 of cross-outlet pairs share a gold fact.
A cluster keeps its variants (distinct wordings) with word diffs against the
most common wording, and flags where outlets credit different speakers (by the
people model's entity ids) or where words given without quotation marks in one
outlet appear as a direct quote in another.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from ..nlp.embed import Embedder, get_embedder
from ..options import Options
from ..people.names import label_key
from ..pipeline import Corpus
from ..quoting.marks import strip_marks
from ..records import Quote, QuoteCluster, QuoteVariant, Story, make_id

_SENTENCE = re.compile(r"(?<=[.!?])[\"”’»]?\s+(?=[\"“‘«]?[A-Z0-9])")
# "and" followed by a new subject starts a second statement; "and are …" continues the first.
_AND_CLAUSE = re.compile(r",? and (?=(?:the|a|an|he|she|they|it|we|i|[A-Z])\b)")
_WORD = re.compile(r"[\w’'-]+")
MIN_WORDS = 4  # shorter pieces ("too much") match too easily to cluster on
ALIGNED = 0.5  # share of the longer wording that must align word for word
CONTAINED = 0.6  # share of the shorter wording that one unbroken run must cover


@dataclass(slots=True)
class Utterance:
    """One sentence of one quote."""

    quote: Quote
    text: str
    key: str  # normalised wording


_CONTRACTIONS = ((re.compile(r"\bcan't\b"), "can not"), (re.compile(r"\bwon't\b"), "will not"),
                 (re.compile(r"n't\b"), " not"), (re.compile(r"'m\b"), " am"), (re.compile(r"'re\b"), " are"),
                 (re.compile(r"'ve\b"), " have"), (re.compile(r"'ll\b"), " will"))


_SPOKEN = {"gonna": "going to", "wanna": "want to", "gotta": "got to", "&": "and"}
# Reported speech shifts person and tense ("I have talked" -> "he had spoken"): for alignment,
# a pronoun is a pronoun and an auxiliary is its verb.
_PRONOUNS = "i me my mine myself we us our ours he him his himself she her hers herself they them their"
_SHIFTS = {
    **dict.fromkeys(_PRONOUNS.split(), "@p"),
    **dict.fromkeys(("am", "is", "are", "was", "were", "be", "been"), "@be"),
    **dict.fromkeys(("has", "have", "had"), "@have"),
    **dict.fromkeys(("do", "does", "did"), "@do"),
    **dict.fromkeys(("will", "would", "shall"), "@will"),
    **dict.fromkeys(("can", "could"), "@can"),
}


def normalise(text: str) -> list[str]:
    """The words of a wording, lower case, contractions spelt out ("aren't" -> "are not")."""
    text = text.lower().replace("’", "'").replace("&", " and ")
    for pattern, full in _CONTRACTIONS:
        text = pattern.sub(full, text)
    return [w for word in _WORD.findall(text) for w in _SPOKEN.get(word, word).split()]


def align_form(words: list[str]) -> list[str]:
    """Words as :func:`aligned` compares them: person, tense and number set aside."""
    out = []
    for w in words:
        w = _SHIFTS.get(w, w)
        out.append(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w)
    return out


def split_utterances(quote: Quote) -> list[Utterance]:
    """The sentences of a quote long enough to cluster on."""
    out = []
    for sentence in _SENTENCE.split(strip_marks(quote.text)):
        for piece in _clauses(sentence):
            words = normalise(piece)
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


def aligned(a: list[str], b: list[str]) -> bool:
    """Whether two wordings are one utterance: they align word for word over most of the longer
    one's length, or the shorter lies whole inside the longer (a quote cut short)."""
    if not a or not b:
        return False
    blocks = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_matching_blocks()
    matched = sum(x.size for x in blocks)
    short = min(len(a), len(b))
    if short >= MIN_WORDS and max(x.size for x in blocks) >= CONTAINED * short:
        return True
    return matched >= ALIGNED * max(len(a), len(b))


def similarity(utts: list[Utterance], embedder: Embedder, floor: float = 0.0) -> np.ndarray:
    """Pairwise similarity in [0, 1]: the lower of token-sort ratio and embedding cosine, and 0
    for wordings that do not align (:func:`aligned`).

    All three must agree: wording alone joins different sentences that share many words
    ("Americans are not friends of Iraq" / "… friends with anyone"), embeddings alone join
    different statements on one topic, and both together still join two statements by one
    speaker on one subject ("I don't really like that kind of language" / "I wouldn't use
    that language").

    Word alignment is checked only for pairs at or above ``floor``: under complete linkage
    a pair below the clustering threshold can never join, aligned or not.
    """
    keys = [u.key for u in utts]
    lexical = process.cdist(keys, keys, scorer=fuzz.token_sort_ratio, dtype=np.float32) / 100.0
    vectors = embedder.encode(keys)
    cosine = np.clip(vectors @ vectors.T, 0.0, 1.0)
    sim: np.ndarray = np.minimum(lexical, cosine)
    words = [align_form(k.split()) for k in keys]
    for i in range(len(utts)):
        for j in range(i + 1, len(utts)):
            if sim[i, j] > 0 and sim[i, j] >= floor and not aligned(words[i], words[j]):
                sim[i, j] = sim[j, i] = 0.0
    np.fill_diagonal(sim, 1.0)
    return sim


def cluster(
    sim: np.ndarray, threshold: float, exact_limit: int = 400, complete: bool = False
) -> list[list[int]]:
    """Agglomerative clustering, merging while the best link >= threshold: average linkage, or
    complete linkage (``complete``: every pair of a cluster at least ``threshold``).

    Above ``exact_limit`` items a single greedy pass (join the cluster with the best
    mean similarity, all of whose members are close enough if ``complete``) keeps the cost quadratic.
    """
    n = len(sim)
    if n > exact_limit:
        return _greedy(sim, threshold, complete)
    sums = sim.astype(np.float64)
    sizes = np.ones(n)
    active = np.ones(n, dtype=bool)
    members = [[i] for i in range(n)]
    while active.sum() > 1:
        link = sums if complete else sums / np.outer(sizes, sizes)
        link = link.copy()
        np.fill_diagonal(link, -np.inf)
        link[~active, :] = -np.inf
        link[:, ~active] = -np.inf
        a, b = np.unravel_index(int(np.argmax(link)), link.shape)
        if link[a, b] < threshold:
            break
        if complete:  # the link of a merged cluster is its weakest pair
            sums[a, :] = np.minimum(sums[a, :], sums[b, :])
            sums[:, a] = sums[a, :]
        else:
            sums[a, :] += sums[b, :]
            sums[:, a] += sums[:, b]
        sizes[a] += sizes[b]
        active[b] = False
        members[a] += members[b]
    return [sorted(members[i]) for i in range(n) if active[i]]


def _greedy(sim: np.ndarray, threshold: float, complete: bool = False) -> list[list[int]]:
    # Each item's summed similarity to every earlier group, from its row alone: no n x groups
    # matrix to grow (that copy made a story of 3,000 quote sentences take seconds).
    label = np.zeros(len(sim), dtype=np.int64)
    groups: list[list[int]] = []
    for i in range(len(sim)):
        if groups:
            sizes = np.array([len(g) for g in groups])
            means = np.bincount(label[:i], weights=sim[i, :i], minlength=len(groups)) / sizes
            if complete:
                weakest = np.full(len(groups), np.inf)
                np.minimum.at(weakest, label[:i], sim[i, :i])
                means = np.where(weakest >= threshold, means, -np.inf)
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
    """Distinct speakers, and flags for disputed credit or paraphrase shown as a quote.

    Two credits are one speaker when the people model gave them one entity id; a credit it
    could not resolve ("a spokesman") is compared by its words.
    """
    speakers: dict[str, str] = {}
    for u in members:
        q = u.quote
        if q.speaker:
            key = q.speaker_id or "text:" + (label_key(q.speaker) or q.speaker.lower())
            if len(q.speaker) > len(speakers.get(key, "")):
                speakers[key] = q.speaker
    names = sorted(set(speakers.values()))
    flags = []
    if len(names) > 1:
        flags.append("speaker-mismatch: " + " / ".join(names))
    kinds = {u.quote.kind for u in members}
    if "indirect" in kinds and kinds & {"direct", "mixed"}:
        para = sorted({u.quote.article_id for u in members if u.quote.kind == "indirect"})
        flags.append("paraphrase-as-quote: paraphrased without quotation marks in " + ", ".join(para))
    return names, flags


class QuoteClusters:
    name = "quote_clusters"
    requires: tuple[str, ...] = ("quotes", "quotes.speakers", "stories")
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
        # Complete linkage: every two wordings of a cluster are one utterance, not a chain of
        # statements each like the next.
        threshold = self.options.quote_threshold
        groups = cluster(similarity(utts, embedder, threshold), threshold, complete=True)
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
