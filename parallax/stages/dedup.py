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

import heapq
import re
import zlib
from array import array
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import numpy as np
from datasketch import MinHash, MinHashLSH
from rapidfuzz import fuzz

from ..options import Options
from ..pipeline import Corpus
from ..records import Article, Reuse, Span
from ._pairs import UniqueCodes, among, equal_pairs

NUM_PERM = 64
SHINGLE = 3
PASSAGE_GRAM = 4
SAMPLE_MOD = 3
MIN_SENTENCE_WORDS = 6
# A gram in more sentences than this is a stock phrase, not evidence of copying.
MAX_POSTINGS = 16
LSH_THRESHOLD = 0.5
_DECODE_CHUNK = 1 << 16
T = TypeVar("T")

_WORD = re.compile(r"\w+", re.UNICODE)
# Sentence ends: terminal punctuation (optionally closed by a quote or bracket)
# followed by space and something that can start a sentence.
_SENT_END = re.compile(r"(?<=[.!?])[\"'”’)\]]?\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_PRIME = np.uint64(1_000_003)


@dataclass(slots=True)
class TextProfile:
    """Words and sentences of one article's clean text, as compact arrays.

    The text itself is not kept: at 100k articles it would double the
    stage's memory, and only candidate sentences are ever read again.
    """

    article_id: str
    length: int
    word_hashes: np.ndarray  # uint32 (crc32) per word
    # One row per sentence: start, end (characters), first word, last word (exclusive).
    bounds: np.ndarray = field(default_factory=lambda: np.zeros((0, 4), dtype=np.int64))


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
    rows: list[tuple[int, int, int, int]] = []
    for s, e in sentence_bounds(text):
        first = len(hashes)
        for word in _WORD.findall(text[s:e].lower()):
            h = cache.get(word)
            if h is None:
                h = cache[word] = zlib.crc32(word.encode())
            hashes.append(h)
        rows.append((s, e, first, len(hashes)))
    bounds = np.array(rows, dtype=np.int64).reshape(-1, 4)
    if len(text) < 2**31 and len(hashes) < 2**31:
        bounds = bounds.astype(np.int32)  # half the size; every article but a freak fits
    return TextProfile(article.id, len(text), np.array(hashes, dtype=np.uint32), bounds)


def gram_hashes(word_hashes: np.ndarray, n: int) -> np.ndarray:
    """Polynomial hashes of every word n-gram (uint64, wrapping)."""
    if len(word_hashes) < n:
        return np.zeros(0, dtype=np.uint64)
    words = word_hashes.astype(np.uint64)
    with np.errstate(over="ignore"):
        out = words[: len(words) - n + 1].copy()
        for k in range(1, n):
            out = out * _PRIME + words[k : len(words) - n + 1 + k]
    return out & _MASK64


def shingle_set(prof: TextProfile) -> np.ndarray:
    return np.unique(gram_hashes(prof.word_hashes, SHINGLE))


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
        del vocab
        dates = [a.published for a in arts]
        notes = DuplicateNotes(profiles)
        dupes = list(notes.watch(self.duplicates(profiles, dates)))
        texts = SentenceTexts(lambda k: arts[k].text, profiles)
        passages = list(self.passages(profiles, dates, texts, notes.skip()))
        ids = {a.id for a in arts}
        kept = [r for r in corpus.reuse if not {r.source.article_id, r.target.article_id} <= ids]
        corpus.reuse = kept + dupes + passages
        return corpus

    def duplicates(self, profiles: list[TextProfile], dates: list[str | None]) -> Iterator[Reuse]:
        """Pairs (earlier j, later i) whose MinHash signatures share an LSH band, verified by containment.

        The banding is datasketch's (same bands and rows, the same exact band
        equality), done over one signature matrix instead of an index of
        per-article objects: the same pairs for a tenth of the memory.
        Streamed, as a corpus of recombined wire copies can hold millions.
        """
        lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        signatures, present = _signatures(profiles)
        shingles = _LastUsed(lambda k: shingle_set(profiles[k]))
        for j, i in _band_pairs(signatures, present, lsh.b, lsh.r):
            score = _containment(shingles(i), shingles(j))
            if score >= self.options.duplicate_threshold:
                yield _orient(profiles, dates, j, i, None, None, score, "duplicate")

    def passages(
        self,
        profiles: list[TextProfile],
        dates: list[str | None],
        texts: SentenceTexts,
        skip: np.ndarray | None = None,
    ) -> Iterator[Reuse]:
        """Copied sentence runs between articles, by first article; ``skip``: ``DuplicateNotes.skip()``."""
        matches: dict[tuple[int, int], list[tuple[int, int, float]]] = defaultdict(list)
        threshold = self.options.reuse_threshold * 100
        current = -1
        for ia, ka, ib, kb in _candidates(profiles, skip):
            if ia != current:  # every pair of the earlier first article is complete: emit them
                current = ia
                texts.forget_before(ia)
                yield from _passages_of(matches, profiles, dates)
            score = fuzz.ratio(texts(ia, ka), texts(ib, kb))
            if score >= threshold:
                matches[(ia, ib)].append((ka, kb, score / 100))
        yield from _passages_of(matches, profiles, dates)


class DuplicateNotes:
    """What later steps need of streamed duplicates: each copy's original, and the pairs Dedup skips.

    The article pairs are kept as int64 codes (8 bytes each), not the
    records: the batch driver writes the records to disk as they come.
    """

    def __init__(self, profiles: list[TextProfile]):
        self.position = {p.article_id: k for k, p in enumerate(profiles)}
        self.parents: dict[str, str] = {}  # what ``duplicate_groups`` gives for the same records
        self._codes = array("q")

    def watch(self, dupes: Iterable[Reuse]) -> Iterator[Reuse]:
        """Pass ``dupes`` through, noting each."""
        n = len(self.position)
        for r in dupes:
            self.parents.setdefault(r.target.article_id, r.source.article_id)
            a, b = sorted((self.position[r.source.article_id], self.position[r.target.article_id]))
            self._codes.append(a * n + b)
            yield r

    def skip(self) -> np.ndarray:
        """The noted article pairs (earlier * n + later), sorted, for :meth:`Dedup.passages`."""
        return np.unique(np.frombuffer(self._codes, dtype=np.int64)) if self._codes else np.zeros(0, np.int64)


def _passages_of(
    matches: dict[tuple[int, int], list[tuple[int, int, float]]],
    profiles: list[TextProfile],
    dates: list[str | None],
) -> list[Reuse]:
    """The passages of the matched sentence pairs so far, in article-pair order; ``matches`` is emptied."""
    out = [
        _passage(profiles, dates, ia, ib, run)
        for (ia, ib), hits in sorted(matches.items())
        for run in _runs(hits)
    ]
    matches.clear()
    return out


class SentenceTexts:
    """Normalised sentence texts, read on demand and forgotten once no later pair can ask.

    Candidate pairs come sorted by their first article, and the second is
    always a later one, so articles before the current first are done. Only
    the normalised candidate sentences are kept, and a few recent texts:
    the articles may live on disk (the batch driver's spill).
    """

    def __init__(self, text_of: Callable[[int], str], profiles: list[TextProfile]):
        """``text_of``: an article's clean text by its position in ``profiles``."""
        self.profiles = profiles
        self.texts = _LastUsed(text_of, size=256)
        self.cache: dict[int, dict[int, str]] = {}
        self.order: list[int] = []  # a heap of cached article positions
        self.floor = -1

    def __call__(self, art: int, sent: int) -> str:
        if art < self.floor:
            return self._read(art, sent)
        if art not in self.cache:
            self.cache[art] = {}
            heapq.heappush(self.order, art)
        done = self.cache[art]
        if sent not in done:
            done[sent] = self._read(art, sent)
        return done[sent]

    def forget_before(self, art: int) -> None:
        self.floor = art
        while self.order and self.order[0] < art:
            self.cache.pop(heapq.heappop(self.order), None)

    def _read(self, art: int, sent: int) -> str:
        start, end = self.profiles[art].bounds[sent, :2]
        return _norm(self.texts(art)[int(start) : int(end)])


class _LastUsed(Generic[T]):
    """A small cache of a function of an article position (most recently used kept)."""

    def __init__(self, compute: Callable[[int], T], size: int = 4096):
        self.compute = compute
        self.size = size
        self.items: OrderedDict[int, T] = OrderedDict()

    def __call__(self, key: int) -> T:
        if key in self.items:
            self.items.move_to_end(key)
            return self.items[key]
        value = self.items[key] = self.compute(key)
        if len(self.items) > self.size:
            self.items.popitem(last=False)
        return value


def _signatures(profiles: list[TextProfile]) -> tuple[np.ndarray, np.ndarray]:
    """One MinHash signature row per article (datasketch's hashing); ``present``: it has shingles."""
    template = MinHash(num_perm=NUM_PERM, hashfunc=_identity)
    perms, scheme = template.permutations, template.scheme  # drawn once, not per article
    signatures = np.zeros((len(profiles), NUM_PERM), dtype=np.uint64)
    present = np.zeros(len(profiles), dtype=bool)
    for i, prof in enumerate(profiles):
        grams = shingle_set(prof)
        if len(grams) == 0:
            continue
        mh = MinHash(num_perm=NUM_PERM, hashfunc=_identity, permutations=perms, scheme=scheme)
        # datasketch's default scheme hashes 32-bit values; fold the 64-bit gram hashes.
        mh.update_batch(((grams ^ (grams >> np.uint64(32))) & np.uint64(0xFFFFFFFF)).tolist())
        signatures[i] = mh.hashvalues
        present[i] = True
    return signatures, present


def _band_pairs(
    signatures: np.ndarray, present: np.ndarray, bands: int, rows: int
) -> Iterator[tuple[int, int]]:
    """(j, i) with j < i, sorted by i then j: the articles whose signatures are equal on some band."""
    where = np.flatnonzero(present)
    codes = UniqueCodes()
    n = len(signatures)
    for band in range(bands):
        block = np.ascontiguousarray(signatures[where, band * rows : (band + 1) * rows])
        keys = block.view(np.dtype((np.void, block.dtype.itemsize * rows))).ravel()
        _, label = np.unique(keys, return_inverse=True)
        for earlier, later in equal_pairs(label.ravel()):
            codes.add(where[later] * n + where[earlier])
    merged = codes.merged()
    for start in range(0, len(merged), _DECODE_CHUNK):  # Python ints for a chunk at a time only
        part = merged[start : start + _DECODE_CHUNK]
        yield from zip((part % n).tolist(), (part // n).tolist(), strict=True)


def _containment(a: np.ndarray, b: np.ndarray) -> float:
    small = min(len(a), len(b))
    if small == 0:
        return 0.0
    return len(np.intersect1d(a, b, assume_unique=True)) / small


def _sampled_grams(profiles: list[TextProfile]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Flat arrays over all sampled sentence grams: article index, sentence index (int32), hash."""
    counts = np.zeros(len(profiles), dtype=np.int64)
    sents: list[np.ndarray] = []
    hashes: list[np.ndarray] = []
    for i, prof in enumerate(profiles):
        grams = gram_hashes(prof.word_hashes, PASSAGE_GRAM)
        if not len(grams) or not len(prof.bounds):
            continue
        lengths = prof.bounds[:, 3] - prof.bounds[:, 2]
        owner = np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)
        # A gram counts only inside one sentence long enough to be a passage, and if sampled.
        first, last = owner[: len(grams)], owner[PASSAGE_GRAM - 1 :]
        keep = (first == last) & (lengths[first] >= MIN_SENTENCE_WORDS) & (grams % SAMPLE_MOD == 0)
        counts[i] = int(keep.sum())
        if counts[i]:
            hashes.append(grams[keep])
            sents.append(first[keep])
    # One flat array at a time, each list dropped as soon as it is joined: at 100k articles
    # these are tens of millions of grams.
    flat_hashes = np.concatenate(hashes) if hashes else np.zeros(0, dtype=np.uint64)
    hashes.clear()
    flat_sents = np.concatenate(sents) if sents else np.zeros(0, dtype=np.int32)
    sents.clear()
    return np.repeat(np.arange(len(profiles), dtype=np.int32), counts), flat_sents, flat_hashes


def _candidates(profiles: list[TextProfile], skip: np.ndarray | None) -> Iterator[tuple[int, int, int, int]]:
    """Sentence pairs (article a, sentence, article b, sentence), a < b, sharing a sampled gram; sorted.

    Pairs are coded as two global sentence numbers in one int64, so a 100k
    corpus's millions of candidates cost 8 bytes each, not a Python tuple.
    Article pairs in ``skip`` (codes a * n + b) are left out as early as
    possible: near-duplicates share most sentences.
    """
    sent_art, sent_idx, grams = _sampled_grams(profiles)
    n = len(profiles)
    offsets = np.concatenate(([0], np.cumsum([len(p.bounds) for p in profiles]))).astype(np.int64)
    total = int(offsets[-1])
    sentence = (offsets[sent_art] + sent_idx).astype(np.int32 if total < 2**31 else np.int64)
    codes = UniqueCodes()
    groups = equal_pairs(grams, MAX_POSTINGS)
    del sent_idx, grams  # equal_pairs keeps the grams only until it has sorted them
    for x, y in groups:
        art_x, art_y = sent_art[x].astype(np.int64), sent_art[y]
        keep = art_x != art_y
        if skip is not None and len(skip):
            keep &= ~among(art_x * n + art_y, skip)
        codes.add(sentence[x[keep]].astype(np.int64) * total + sentence[y[keep]])
    del sent_art, sentence
    merged = codes.merged()
    for start in range(0, len(merged), _DECODE_CHUNK):  # Python ints for a chunk at a time only
        first, second = np.divmod(merged[start : start + _DECODE_CHUNK], total)
        art_a = np.searchsorted(offsets, first, side="right") - 1
        art_b = np.searchsorted(offsets, second, side="right") - 1
        yield from zip(art_a.tolist(), (first - offsets[art_a]).tolist(), art_b.tolist(),
                       (second - offsets[art_b]).tolist(), strict=True)


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
    sa, sb = profiles[ia].bounds, profiles[ib].bounds
    span_a = (int(sa[run[0][0], 0]), int(sa[run[-1][0], 1]))
    span_b = (int(sb[run[0][1], 0]), int(sb[run[-1][1], 1]))
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


def duplicate_groups(reuse: Iterable[Reuse]) -> dict[str, str]:
    """Map each duplicated article id to the id of the copy it was taken from."""
    parent: dict[str, str] = {}
    for r in reuse:
        if r.kind == "duplicate":
            parent.setdefault(r.target.article_id, r.source.article_id)
    return parent
