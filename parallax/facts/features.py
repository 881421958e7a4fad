"""Pair features between propositions of different articles of one story.

Everything is computed from the story's own text: word IDF comes from the
story's propositions, and the relative features (rank of a pair among each
side's candidates in the other article, margin to the next best, mutual
best, z-score within the article pair) compare a pair only with its
alternatives, so a story's size and topic do not shift what a value means.

The sentence features compare the two propositions' whole sentences: the
MiniLM cosine of the full sentences (one encode per sentence text, the same
texts the off-topic stage embeds), their character 4-gram overlap (near-
identical passages, shared quotes and names, spelled the same) and their IDF
word overlap. The gold says which *sentences* share a fact, and a clause
alone often lacks the words that tie it to its match.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pyarrow as pa
from scipy.sparse import csr_matrix

from .propositions import Proposition
from .slots import norm_words

# Slots that say nothing about which fact a clause states.
LIGHT_PREDICATES = frozenset(["be", "have", "say", "do", "make", "get", "go", "take", "tell", "add"])
PRONOUNS = frozenset([
    "i", "you", "he", "she", "it", "we", "they", "who", "which", "that", "this", "there", "me",
    "him", "her", "us", "them",
])
LEAD = 3  # sentences: the headline and the first paragraph or two state the story's main fact
CHAR_GRAM = 4  # characters: long enough for names and numbers, short enough for inflections
# Function words left out of the sentences' word overlap (what is left is names, numbers and content words).
STOP_WORDS = frozenset([
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as", "and", "or", "but",
    "nor", "if", "than", "that", "this", "these", "those", "which", "who", "whom", "whose", "is", "are",
    "was", "were", "be", "been", "being", "has", "have", "had", "do", "does", "did", "will", "would",
    "shall", "should", "can", "could", "may", "might", "must", "it", "its", "he", "him", "his", "she",
    "her", "they", "them", "their", "we", "us", "our", "i", "me", "my", "you", "your", "there", "here",
    "not", "no", "so", "also", "said", "says", "say",
])

PAIR_FEATURES: tuple[str, ...] = (
    "cos", "cos_sent", "idf_overlap", "idf_dice", "ent_shared", "ent_same_role", "ent_role_conflict",
    "num_match", "num_conflict", "date_match", "date_conflict", "pred_match", "subj_match",
    "obj_match", "src_match", "src_one", "src_conflict", "neg_mismatch", "len_ratio",
    "lead_both", "lead_any", "quote_overlap",
)
RELATIVE_FEATURES: tuple[str, ...] = (
    "rank_min", "rank_max", "mutual_best", "margin_min", "margin_max", "z_pair", "z_story",
)
SENTENCE_FEATURES: tuple[str, ...] = (
    "cos_full", "char_content", "char_sent", "char_sent_jaccard", "idf_sent_min", "idf_sent_max",
)
FEATURES: tuple[str, ...] = PAIR_FEATURES + RELATIVE_FEATURES + SENTENCE_FEATURES


class Encoder(Protocol):
    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(slots=True)
class StoryFacts:
    """One story's propositions ready to compare: article index per proposition, content vectors.

    ``sentences`` (the L2-normalised embedding of each proposition's whole sentence) and
    ``sentence_texts`` (that sentence's text, ``Article.text[p.sentence.start:p.sentence.end]``) feed the
    sentence features; :meth:`build` fills them. Without them the sentence is approximated by its
    propositions (mean content vector, joined texts), which the model was not fitted on: use ``build``.
    """

    props: list[Proposition]
    article: np.ndarray  # int, per proposition: index of its article in the story
    vectors: np.ndarray  # L2-normalised content embeddings
    sentences: np.ndarray | None = None  # L2-normalised embeddings of each proposition's sentence
    sentence_texts: list[str] | None = None  # each proposition's sentence text

    @classmethod
    def build(cls, props: list[Proposition], article: Sequence[int] | np.ndarray, texts: Sequence[str],
              embedder: Encoder) -> StoryFacts:
        """Propositions of a story's articles, ``texts[k]`` the clean text of article ``k``.

        One ``encode`` call for the content texts and the sentence texts together, each distinct text once.
        """
        index = np.asarray(article, dtype=np.int64).reshape(-1)
        sents = [texts[int(k)][p.sentence.start : p.sentence.end] for p, k in zip(props, index.tolist(),
                                                                                     strict=True)]
        distinct = list(dict.fromkeys([p.content_text for p in props] + sents))
        row = {t: n for n, t in enumerate(distinct)}
        vecs = np.asarray(embedder.encode(distinct)) if distinct else np.zeros((0, 384), dtype=np.float32)
        dim = vecs.shape[1] if vecs.ndim == 2 else 384
        content = vecs[[row[p.content_text] for p in props]] if props else np.zeros((0, dim), np.float32)
        sentence = vecs[[row[t] for t in sents]] if props else np.zeros((0, dim), np.float32)
        return cls(props, index, content, sentence, sents)


# Articles up to which a proposition meets its nearest few in *every* other article (as in the labelled
# stories, of 3-5 outlets); beyond, its nearest ``WIDE_CANDIDATES`` across all of them, so a story of
# hundreds of articles costs pairs linear in its propositions, not quadratic in its articles.
PER_ARTICLE_UP_TO = 8
WIDE_CANDIDATES = 24
# Candidates per proposition in all: the labelled stories (three articles) see ``k`` per other article,
# i.e. 16; more articles share about as many, so the cost per proposition stays flat.
CANDIDATE_BUDGET = 24


def candidate_pairs(facts: StoryFacts, k: int = 8) -> np.ndarray:
    """(n, 2) pairs i < j of different articles: j among i's ``k`` nearest in j's article, or i among j's.

    One article's block of similarities at a time, so memory stays linear in the story's size. In a
    story of more than ``PER_ARTICLE_UP_TO`` articles, each proposition's ``WIDE_CANDIDATES`` nearest
    across the other articles instead.
    """
    art, vec = facts.article, facts.vectors
    articles = len(np.unique(art))
    if articles > PER_ARTICLE_UP_TO:
        return _wide_pairs(art, vec, WIDE_CANDIDATES)
    k = max(2, min(k, -(-CANDIDATE_BUDGET // max(1, articles - 1))))
    found = []
    for a in np.unique(art).tolist():
        cols = np.flatnonzero(art == a)
        rows = np.flatnonzero(art != a)
        if not len(rows):
            continue
        kk = min(k, len(cols))
        sims = vec[rows] @ vec[cols].T
        top = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
        i = np.repeat(rows, kk)
        j = cols[top.ravel()]
        found.append(np.column_stack([np.minimum(i, j), np.maximum(i, j)]))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    return np.unique(np.vstack(found), axis=0).astype(np.int64)


def _wide_pairs(art: np.ndarray, vec: np.ndarray, k: int, block: int = 1024) -> np.ndarray:
    found = []
    for start in range(0, len(vec), block):
        rows = np.arange(start, min(start + block, len(vec)))
        sims = vec[rows] @ vec.T
        sims[art[rows][:, None] == art[None, :]] = -np.inf  # only other articles
        kk = min(k, len(vec) - 1)
        top = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
        i = np.repeat(rows, kk)
        j = top.ravel()
        keep = np.isfinite(sims[np.repeat(np.arange(len(rows)), kk), j])
        found.append(np.column_stack([np.minimum(i, j), np.maximum(i, j)])[keep])
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    return np.unique(np.vstack(found), axis=0).astype(np.int64)


def pair_features(facts: StoryFacts, pairs: np.ndarray) -> np.ndarray:
    """(n_pairs, len(FEATURES)) feature matrix, columns in ``FEATURES`` order."""
    if not len(pairs):
        return np.zeros((0, len(FEATURES)))
    left, right = pairs[:, 0], pairs[:, 1]
    cos = np.einsum("ij,ij->i", facts.vectors[left], facts.vectors[right]).astype(np.float64)
    sent = sentence_vectors(facts)
    cos_sent = np.einsum("ij,ij->i", sent[left], sent[right]).astype(np.float64)
    keys = [_Keys.of(p) for p in facts.props]
    idf = _story_idf(keys)
    for k in keys:
        k.mass = sum(idf[w] for w in k.words)
    base = np.column_stack([cos, cos_sent, slot_features(facts.props, keys, pairs, idf)])
    relative = relative_features(cos, facts.article, pairs)
    return np.column_stack([base, relative, sentence_features(facts, pairs)])


def sentence_features(facts: StoryFacts, pairs: np.ndarray) -> np.ndarray:
    """(n_pairs, len(SENTENCE_FEATURES)): the two propositions' whole sentences compared.

    Full-sentence cosine, character 4-gram containment of the contents and of the sentences, 4-gram
    Jaccard of the sentences, and IDF-weighted word overlap of the sentences over the smaller and the
    larger of the two (IDF over the story's sentences). Each sentence is prepared once.
    """
    out = np.zeros((len(pairs), len(SENTENCE_FEATURES)))
    if not len(pairs):
        return out
    unit, texts = _sentence_units(facts)
    left, right = pairs[:, 0], pairs[:, 1]
    full = facts.sentences if facts.sentences is not None else sentence_vectors(facts)
    out[:, 0] = np.einsum("ij,ij->i", full[left], full[right])
    content = [char_grams(p.content_text) for p in facts.props]
    grams = [char_grams(t) for t in texts]
    words = [frozenset(w for w in norm_words(t) if w not in STOP_WORDS) for t in texts]
    df: dict[str, int] = {}
    for ws in words:
        for w in ws:
            df[w] = df.get(w, 0) + 1
    n = len(words)
    idf = {w: float(np.log((n + 1) / (c + 1)) + 1.0) for w, c in df.items()}
    mass = [sum(idf[w] for w in ws) for ws in words]
    sizes = np.array([len(g) for g in content], dtype=np.float64)
    smaller = np.minimum(sizes[left], sizes[right])
    out[:, 1] = _ratio(overlap(content, pairs), smaller)
    # Sentence comparisons once per sentence pair: a story's clause pairs share many.
    units = np.array(unit, dtype=np.int64)
    both, where = np.unique(np.column_stack([units[left], units[right]]), axis=0, return_inverse=True)
    a, b = both[:, 0], both[:, 1]
    common = overlap(grams, both)
    gsize = np.array([len(g) for g in grams], dtype=np.float64)
    shared = overlap(words, both, idf)
    m = np.array(mass, dtype=np.float64)
    per = np.column_stack([
        _ratio(common, np.minimum(gsize[a], gsize[b])),
        _ratio(common, gsize[a] + gsize[b] - common),
        _ratio(shared, np.minimum(m[a], m[b])),
        _ratio(shared, np.maximum(m[a], m[b])),
    ])
    out[:, 2:] = per[where.reshape(-1)]
    return out


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den``, and 0 where ``den`` is 0."""
    return np.divide(num, den, out=np.zeros_like(num, dtype=np.float64), where=den > 0)


def overlap(sets: Sequence[frozenset[str]], pairs: np.ndarray,
            weight: dict[str, float] | None = None) -> np.ndarray:
    """Per pair ``(i, j)``: how many items sets ``i`` and ``j`` share (or their summed ``weight``).

    One sparse product over all pairs instead of a set intersection per pair.
    """
    if not len(pairs):
        return np.zeros(0)
    sizes = np.fromiter((len(x) for x in sets), dtype=np.int64, count=len(sets))
    items = pa.array(list(itertools.chain.from_iterable(sets)), type=pa.string()).dictionary_encode()
    cols = np.asarray(items.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    vocab = items.dictionary.to_pylist()
    rows = np.repeat(np.arange(len(sets)), sizes)
    member = csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(len(sets), max(1, len(vocab))))
    weighted = member if weight is None else member.multiply(
        np.array([weight[w] for w in vocab] or [0.0])[None, :]).tocsr()
    return np.asarray(weighted[pairs[:, 0]].multiply(member[pairs[:, 1]]).sum(axis=1)).ravel()


def _sentence_units(facts: StoryFacts) -> tuple[list[int], list[str]]:
    """Per proposition the number of its sentence in the story, and each sentence's text."""
    number: dict[tuple[int, int], int] = {}
    unit, texts = [], []
    joined: dict[int, list[str]] = {}
    for n, p in enumerate(facts.props):
        key = (int(facts.article[n]), p.sentence.start)
        if key not in number:
            number[key] = len(number)
            texts.append(facts.sentence_texts[n] if facts.sentence_texts is not None else "")
        unit.append(number[key])
        joined.setdefault(number[key], []).append(p.text)
    if facts.sentence_texts is None:  # approximated by the sentence's propositions
        texts = [" ".join(joined[u]) for u in range(len(texts))]
    return unit, texts


def char_grams(text: str, n: int = CHAR_GRAM) -> frozenset[str]:
    """Character ``n``-grams of the lower-cased text with every run of non-word characters one space."""
    t = _NON_WORD.sub(" ", text.lower()).strip()
    return frozenset({t[k : k + n] for k in range(len(t) - n + 1)})


_NON_WORD = re.compile(r"\W+")


def sentence_vectors(facts: StoryFacts) -> np.ndarray:
    """Per proposition, the normalised mean vector of its sentence's propositions: the clause in context."""
    groups: dict[tuple[int, int], list[int]] = {}
    for n, p in enumerate(facts.props):
        groups.setdefault((int(facts.article[n]), p.sentence.start), []).append(n)
    out = np.array(facts.vectors, dtype=np.float64)
    for members in groups.values():
        if len(members) > 1:
            mean = facts.vectors[members].mean(axis=0)
            out[members] = mean / (np.linalg.norm(mean) or 1.0)
    return out


@dataclass(slots=True)
class _Keys:
    """What a proposition is compared by, computed once per proposition rather than once per pair."""

    words: frozenset[str]
    entities: dict[str, str]
    numbers: frozenset[float]
    dates: frozenset[str]
    source: str | None
    quotes: list[set[tuple[str, ...]]]
    mass: float = 0.0  # IDF weight of the words, once the story's IDF is known

    @classmethod
    def of(cls, p: Proposition) -> _Keys:
        return cls(
            words=frozenset(p.words),
            entities={k: m.role for m in p.entities if (k := _entity_key(m.text, m.label))},
            numbers=frozenset(q.value for q in p.numbers if q.value is not None),
            dates=frozenset(p.dates),
            source=_last_word(p.source) if p.source is not None else None,
            quotes=[g for q in p.quotes if (g := _trigrams(q))],
        )


def _story_idf(keys: Sequence[_Keys]) -> dict[str, float]:
    df: dict[str, int] = {}
    for k in keys:
        for w in k.words:
            df[w] = df.get(w, 0) + 1
    n = len(keys)
    return {w: float(np.log((n + 1) / (c + 1)) + 1.0) for w, c in df.items()}


def slot_features(props: Sequence[Proposition], keys: Sequence[_Keys], pairs: np.ndarray,
                  idf: dict[str, float]) -> np.ndarray:
    """The columns of :func:`_slot_features` for every pair at once (set overlaps as sparse products)."""
    left, right = pairs[:, 0], pairs[:, 1]
    shared = overlap([k.words for k in keys], pairs, idf)
    mass = np.array([k.mass for k in keys])
    ma, mb = mass[left], mass[right]
    ents = [frozenset(k.entities) for k in keys]
    roles = [frozenset(f"{e}\x1f{r}" for e, r in k.entities.items() if r != "other") for k in keys]
    agents = [frozenset(e for e, r in k.entities.items() if r == "agent") for k in keys]
    patients = [frozenset(e for e, r in k.entities.items() if r == "patient") for k in keys]
    swapped = overlap_between(agents, patients, pairs) + overlap_between(patients, agents, pairs)
    n_words = np.array([max(len(p.words), 1) for p in props], dtype=np.float64)
    lead = np.array([p.index < LEAD for p in props])
    neg = np.array([p.negated for p in props])
    cols = [
        _ratio(shared, np.minimum(ma, mb)), _ratio(2 * shared, ma + mb),
        overlap(ents, pairs), overlap(roles, pairs), swapped,
        *_values(keys, pairs, "numbers"), *_values(keys, pairs, "dates"),
        _same_codes([p.predicate if p.predicate not in LIGHT_PREDICATES else None for p in props], pairs),
        _same_codes([_head_key(p.subject) for p in props], pairs),
        _same_codes([_head_key(p.object) for p in props], pairs),
        *_sources(keys, pairs),
        (neg[left] != neg[right]).astype(np.float64),
        np.minimum(n_words[left], n_words[right]) / np.maximum(n_words[left], n_words[right]),
        (lead[left] & lead[right]).astype(np.float64), (lead[left] | lead[right]).astype(np.float64),
        _quotes(keys, pairs),
    ]
    return np.column_stack(cols)


def overlap_between(first: Sequence[frozenset[str]], second: Sequence[frozenset[str]],
                    pairs: np.ndarray) -> np.ndarray:
    """Per pair ``(i, j)``: how many items ``first[i]`` and ``second[j]`` share."""
    joined = [*first, *second]
    return overlap(joined, np.column_stack([pairs[:, 0], pairs[:, 1] + len(first)]))


def _values(keys: Sequence[_Keys], pairs: np.ndarray, slot: str) -> tuple[np.ndarray, np.ndarray]:
    """(a value in common, both state values and none agree), as :func:`_value_agreement`."""
    sets = [frozenset(str(v) for v in getattr(k, slot)) for k in keys]
    has = np.array([bool(s) for s in sets])
    both = has[pairs[:, 0]] & has[pairs[:, 1]]
    common = overlap(sets, pairs) > 0
    return (both & common).astype(np.float64), (both & ~common).astype(np.float64)


def _same_codes(values: Sequence[str | None], pairs: np.ndarray) -> np.ndarray:
    """1 where both sides have the same (non-empty) value."""
    codes: dict[str, int] = {}
    arr = np.array([codes.setdefault(v, len(codes)) if v else -1 for v in values], dtype=np.int64)
    a, b = arr[pairs[:, 0]], arr[pairs[:, 1]]
    return ((a == b) & (a >= 0)).astype(np.float64)


def _head_key(head: str | None) -> str | None:
    return head if head and head not in PRONOUNS else None


def _sources(keys: Sequence[_Keys], pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(same source, only one attributed, both attributed to different sources)."""
    has = np.array([k.source is not None for k in keys])
    a, b = has[pairs[:, 0]], has[pairs[:, 1]]
    same = _same_codes([_head_key(k.source) for k in keys], pairs).astype(bool)
    both = a & b
    return (both & same).astype(np.float64), (a ^ b).astype(np.float64), (both & ~same).astype(np.float64)


def _quotes(keys: Sequence[_Keys], pairs: np.ndarray) -> np.ndarray:
    """:func:`_quote_overlap` per pair, computed only where both sides quote something."""
    out = np.zeros(len(pairs))
    has = np.array([bool(k.quotes) for k in keys])
    for n in np.flatnonzero(has[pairs[:, 0]] & has[pairs[:, 1]]).tolist():
        out[n] = _quote_overlap(keys[int(pairs[n, 0])].quotes, keys[int(pairs[n, 1])].quotes)
    return out


def _entity_key(text: str, label: str) -> str:
    words = norm_words(text)
    if not words:
        return ""
    # People are named in full once and by surname after: compare surnames.
    return words[-1] if label == "PERSON" else " ".join(w for w in words if w != "the")


def _last_word(text: str) -> str:
    words = norm_words(text)
    return words[-1] if words else ""


def _quote_overlap(a: Sequence[set[tuple[str, ...]]], b: Sequence[set[tuple[str, ...]]]) -> float:
    """Largest share of word trigrams two quoted passages have in common (1.0: the same quote)."""
    best = 0.0
    for ga in a:
        for gb in b:
            best = max(best, len(ga & gb) / min(len(ga), len(gb)))
    return best


def _trigrams(text: str) -> set[tuple[str, ...]]:
    w = text.split()
    return {tuple(w[i : i + 3]) for i in range(len(w) - 2)}


def relative_features(score: np.ndarray, article: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Rank, margin, mutual best and z-scores of each pair's ``score`` among its alternatives.

    A pair (i, j) is compared with i's other candidates in j's article and
    j's other candidates in i's article: its rank there (0 = best) and the
    margin to the best alternative (positive when the pair is the best).
    The z-scores standardise the score within the article pair and the story.
    """
    out = np.zeros((len(pairs), len(RELATIVE_FEATURES)))
    if not len(pairs):
        return out
    ri, mi = _rank_margin(pairs[:, 0], article[pairs[:, 1]], score)
    rj, mj = _rank_margin(pairs[:, 1], article[pairs[:, 0]], score)
    out[:, 0] = np.log1p(np.minimum(ri, rj))
    out[:, 1] = np.log1p(np.maximum(ri, rj))
    out[:, 2] = (ri == 0) & (rj == 0)
    out[:, 3] = np.minimum(mi, mj)
    out[:, 4] = np.maximum(mi, mj)
    a, b = article[pairs[:, 0]], article[pairs[:, 1]]
    key = np.minimum(a, b) * (int(article.max()) + 1) + np.maximum(a, b)
    out[:, 5] = _zscore(score, key)
    out[:, 6] = _zscore(score, np.zeros_like(key))
    return out


def _rank_margin(side: np.ndarray, other_article: np.ndarray, score: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Per pair: its rank among pairs of the same (side, other article), and margin to the best other."""
    order = np.lexsort((-score, other_article, side))
    s, key_a, key_b = score[order], side[order], other_article[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (key_a[1:] != key_a[:-1]) | (key_b[1:] != key_b[:-1])
    starts = np.flatnonzero(new)
    group = np.cumsum(new) - 1
    rank = np.arange(len(order)) - starts[group]
    best = s[starts][group]
    sizes = np.diff(np.append(starts, len(order)))
    second = np.where(sizes > 1, s[np.minimum(starts + 1, len(order) - 1)], 0.0)[group]
    margin = np.where(rank == 0, s - second, s - best)
    out_rank, out_margin = np.empty(len(order)), np.empty(len(order))
    out_rank[order], out_margin[order] = rank, margin
    return out_rank, out_margin


def _zscore(score: np.ndarray, key: np.ndarray) -> np.ndarray:
    out = np.zeros(len(score))
    for k in np.unique(key).tolist():
        m = key == k
        std = float(score[m].std())
        out[m] = (score[m] - score[m].mean()) / (std if std > 0 else 1.0)
    return out
