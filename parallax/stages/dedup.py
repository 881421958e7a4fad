"""Dedup stage: whole-article copies and passage-level text reuse.

Two levels, both built so that cost grows with the corpus, not its square:

* **duplicates** — MinHash LSH (datasketch) over word 3-shingles finds
  candidate pairs; a pair is a duplicate when the shorter article's shingles
  are mostly (``options.duplicate_threshold``) contained in the longer's, so a
  truncated or lightly edited wire copy still counts.
* **passages** — every sentence keeps a deterministic sample of its word
  4-gram hashes (those divisible by :data:`SAMPLE_MOD`); sentences of
  different articles that share a sampled gram are verified with a
  normalised edit-distance ratio (rapidfuzz) against
  ``options.reuse_threshold``, and runs of adjacent matching sentences are
  merged into one span pair. Grams shared by very many sentences are
  boilerplate or stock phrases and are skipped.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from datasketch import MinHash, MinHashLSH
from rapidfuzz import fuzz

from ..options import Options
from ..pipeline import Corpus
from ..records import Article, Reuse, Span

NUM_PERM = 64
SHINGLE = 3
PASSAGE_GRAM = 4
SAMPLE_MOD = 3
MIN_SENTENCE_WORDS = 6
# A gram in more sentences than this is a stock phrase, not evidence of copying.
MAX_POSTINGS = 16
LSH_THRESHOLD = 0.5

_WORD = re.compile(r"\w+", re.UNICODE)
# Sentence ends: terminal punctuation (optionally closed by a quote or bracket)
# followed by space and something that can start a sentence.
_SENT_END = re.compile(r"(?<=[.!?])[\"'”’)\]]?\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_PRIME = np.uint64(1_000_003)


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    first_word: int
    last_word: int  # exclusive


@dataclass(slots=True)
class TextProfile:
    """Words, sentences and hashed shingles of one article's clean text."""

    article_id: str
    text: str
    word_hashes: np.ndarray
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def length(self) -> int:
        return len(self.text)


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Character ranges of sentences: paragraphs split at sentence ends."""
    out: list[tuple[int, int]] = []
    pos = 0
    for para in text.split("\n\n"):
        start = pos
        for m in _SENT_END.finditer(para):
            cut = pos + m.start() + len(m.group(0).rstrip())
            out.append((start, cut))
            start = pos + m.end()
        if start < pos + len(para):
            out.append((start, pos + len(para)))
        pos += len(para) + 2
    return [(s, e) for s, e in out if text[s:e].strip()]


def profile(article: Article, vocab: dict[str, int] | None = None) -> TextProfile:
    """Hash the words of each sentence; ``vocab`` caches word hashes across articles."""
    cache = {} if vocab is None else vocab
    text = article.text
    hashes: list[int] = []
    prof = TextProfile(article.id, text, np.zeros(0, dtype=np.uint64))
    for s, e in sentence_bounds(text):
        first = len(hashes)
        for word in _WORD.findall(text[s:e].lower()):
            h = cache.get(word)
            if h is None:
                h = cache[word] = zlib.crc32(word.encode())
            hashes.append(h)
        prof.sentences.append(Sentence(s, e, first, len(hashes)))
    prof.word_hashes = np.array(hashes, dtype=np.uint64)
    return prof


def gram_hashes(word_hashes: np.ndarray, n: int) -> np.ndarray:
    """Polynomial hashes of every word n-gram (uint64, wrapping)."""
    if len(word_hashes) < n:
        return np.zeros(0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        out = word_hashes[: len(word_hashes) - n + 1].copy()
        for k in range(1, n):
            out = out * _PRIME + word_hashes[k : len(word_hashes) - n + 1 + k]
    return out & _MASK64


def _identity(value: int) -> int:
    return value


class Dedup:
    name = "dedup"
    requires: tuple[str, ...] = ("articles",)
    provides: tuple[str, ...] = ("reuse",)

    def __init__(self, options: Options):
        self.options = options

    def __call__(self, corpus: Corpus) -> Corpus:
        arts = [a for a in corpus.articles if a.paragraphs]
        vocab: dict[str, int] = {}
        profiles = [profile(a, vocab) for a in arts]
        dates = [a.published for a in arts]
        dupes = self.duplicates(profiles, dates)
        paired = {frozenset((r.source.article_id, r.target.article_id)) for r in dupes}
        passages = self.passages(profiles, dates, paired)
        ids = {a.id for a in arts}
        kept = [r for r in corpus.reuse if not {r.source.article_id, r.target.article_id} <= ids]
        corpus.reuse = kept + dupes + passages
        return corpus

    def duplicates(self, profiles: list[TextProfile], dates: list[str | None]) -> list[Reuse]:
        lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        # Permutations are drawn once; datasketch would redraw them for every MinHash.
        template = MinHash(num_perm=NUM_PERM, hashfunc=_identity)
        perms, scheme = template.permutations, template.scheme
        shingles: list[np.ndarray] = []
        found: list[Reuse] = []
        for i, prof in enumerate(profiles):
            grams = np.unique(gram_hashes(prof.word_hashes, SHINGLE))
            shingles.append(grams)
            if len(grams) == 0:
                continue
            mh = MinHash(num_perm=NUM_PERM, hashfunc=_identity, permutations=perms, scheme=scheme)
            # datasketch's default scheme hashes 32-bit values; fold the 64-bit gram hashes.
            mh.update_batch(((grams ^ (grams >> np.uint64(32))) & np.uint64(0xFFFFFFFF)).tolist())
            for j in sorted(int(k) for k in lsh.query(mh)):
                score = _containment(grams, shingles[j])
                if score >= self.options.duplicate_threshold:
                    found.append(_orient(profiles, dates, j, i, None, None, score, "duplicate"))
            lsh.insert(i, mh, check_duplication=False)
        return found

    def passages(
        self, profiles: list[TextProfile], dates: list[str | None], skip: set[frozenset[str]]
    ) -> list[Reuse]:
        sent_art, sent_idx, grams = _sampled_grams(profiles)
        if len(grams) == 0:
            return []
        matches: dict[tuple[int, int], list[tuple[int, int, float]]] = defaultdict(list)
        threshold = self.options.reuse_threshold * 100
        norm: dict[tuple[int, int], str] = {}

        def normalised(art: int, sent: int) -> str:
            if (art, sent) not in norm:
                bounds = profiles[art].sentences[sent]
                norm[(art, sent)] = _norm(profiles[art].text[bounds.start : bounds.end])
            return norm[(art, sent)]

        arts, sents = sent_art.tolist(), sent_idx.tolist()
        candidates = {(arts[a], sents[a], arts[b], sents[b]) for a, b in _candidate_pairs(grams, sent_art)}
        for ia, ka, ib, kb in sorted(candidates):
            if frozenset((profiles[ia].article_id, profiles[ib].article_id)) in skip:
                continue
            score = fuzz.ratio(normalised(ia, ka), normalised(ib, kb))
            if score >= threshold:
                matches[(ia, ib)].append((ka, kb, score / 100))
        out: list[Reuse] = []
        for (ia, ib), hits in sorted(matches.items()):
            for run in _runs(hits):
                out.append(_passage(profiles, dates, ia, ib, run))
        return out


def _containment(a: np.ndarray, b: np.ndarray) -> float:
    small = min(len(a), len(b))
    if small == 0:
        return 0.0
    return len(np.intersect1d(a, b, assume_unique=True)) / small


def _sampled_grams(profiles: list[TextProfile]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Flat arrays over all sampled sentence grams: article index, sentence index, hash."""
    arts: list[np.ndarray] = []
    sents: list[np.ndarray] = []
    hashes: list[np.ndarray] = []
    for i, prof in enumerate(profiles):
        grams = gram_hashes(prof.word_hashes, PASSAGE_GRAM)
        if not len(grams) or not prof.sentences:
            continue
        lengths = np.array([s.last_word - s.first_word for s in prof.sentences])
        owner = np.repeat(np.arange(len(lengths)), lengths)
        # A gram counts only inside one sentence long enough to be a passage, and if sampled.
        first, last = owner[: len(grams)], owner[PASSAGE_GRAM - 1 :]
        keep = (first == last) & (lengths[first] >= MIN_SENTENCE_WORDS) & (grams % SAMPLE_MOD == 0)
        if keep.any():
            hashes.append(grams[keep])
            arts.append(np.full(int(keep.sum()), i, dtype=np.int64))
            sents.append(first[keep])
    if not hashes:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty.astype(np.uint64)
    return np.concatenate(arts), np.concatenate(sents), np.concatenate(hashes)


def _candidate_pairs(grams: np.ndarray, sent_art: np.ndarray) -> list[tuple[int, int]]:
    """Row pairs (earlier, later) from different articles that share a sampled gram."""
    order = np.argsort(grams, kind="stable")
    sorted_grams = grams[order]
    cuts = np.flatnonzero(np.diff(sorted_grams)) + 1
    starts = np.concatenate(([0], cuts))
    ends = np.concatenate((cuts, [len(sorted_grams)]))
    sizes = ends - starts
    pairs: list[tuple[int, int]] = []
    shared = (sizes > 1) & (sizes <= MAX_POSTINGS)
    for s, e in zip(starts[shared], ends[shared], strict=True):
        rows = sorted(int(r) for r in order[s:e])
        for x in range(len(rows)):
            for y in range(x + 1, len(rows)):
                if sent_art[rows[x]] != sent_art[rows[y]]:
                    pairs.append((rows[x], rows[y]))
    return pairs


def _runs(pairs: list[tuple[int, int, float]]) -> list[list[tuple[int, int, float]]]:
    """Group sentence matches into runs adjacent in both articles (a copied paragraph)."""
    best: dict[int, tuple[int, int, float]] = {}
    for a, b, s in pairs:
        if a not in best or s > best[a][2]:
            best[a] = (a, b, s)
    runs: list[list[tuple[int, int, float]]] = []
    for a, b, s in sorted(best.values()):
        if runs and a == runs[-1][-1][0] + 1 and b == runs[-1][-1][1] + 1:
            runs[-1].append((a, b, s))
        else:
            runs.append([(a, b, s)])
    return runs


def _passage(
    profiles: list[TextProfile], dates: list[str | None], ia: int, ib: int, run: list[tuple[int, int, float]]
) -> Reuse:
    sa = profiles[ia].sentences
    sb = profiles[ib].sentences
    span_a = (sa[run[0][0]].start, sa[run[-1][0]].end)
    span_b = (sb[run[0][1]].start, sb[run[-1][1]].end)
    score = round(sum(r[2] for r in run) / len(run), 4)
    return _orient(profiles, dates, ia, ib, span_a, span_b, score, "passage")


def _orient(
    profiles: list[TextProfile],
    dates: list[str | None],
    ia: int,
    ib: int,
    span_a: tuple[int, int] | None,
    span_b: tuple[int, int] | None,
    score: float,
    kind: str,
) -> Reuse:
    """Make the earlier-published article the source; without dates keep input order."""
    da, db = (dates[ia] or "")[:10], (dates[ib] or "")[:10]
    original: str | None = None
    if da and db and da != db:
        if db < da:
            ia, ib, span_a, span_b = ib, ia, span_b, span_a
        original = profiles[ia].article_id
    pa, pb = profiles[ia], profiles[ib]
    src = Span(pa.article_id, *(span_a or (0, pa.length)))
    tgt = Span(pb.article_id, *(span_b or (0, pb.length)))
    return Reuse(source=src, target=tgt, score=round(float(score), 4), kind=kind, original=original)


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def duplicate_groups(reuse: list[Reuse]) -> dict[str, str]:
    """Map each duplicated article id to the id of the copy it was taken from."""
    parent: dict[str, str] = {}
    for r in reuse:
        if r.kind == "duplicate":
            parent.setdefault(r.target.article_id, r.source.article_id)
    return parent
