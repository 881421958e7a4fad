"""Stories stage: group articles that report the same event, incrementally.

Articles are placed one at a time, oldest first (a stream, as they arrive):
each new article's nearest already-placed articles come from the ANN index in
:class:`~parallax.store.story_index.StoryIndex` and name the candidate
stories. A candidate is scored by average link: the mean, over its members
published within ``options.story_window_days`` of the article (all members
when a date is missing), of the embedding cosine plus a bonus for shared named
entities minus a small penalty per day between the two dates. Average link
rather than the single nearest member keeps a story from chaining into its
follow-ups (a vote, then the next week's recount), which share a topic and
vocabulary but not the event. The best story scoring at least the threshold
takes the article; otherwise it opens a new story whose id derives from the
article's id, so ids are stable across runs. A whole-article copy found by the
Dedup stage always joins its original's story.

Nothing already placed is ever moved, so a later run with the persisted index
extends stories instead of re-clustering everything.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections import Counter
from collections.abc import Sequence

import numpy as np

from ..nlp.embed import Embedder, get_embedder
from ..options import Options
from ..people.index import name_tokens
from ..pipeline import Corpus
from ..records import Article, Story
from ..store.story_index import IndexEntry, StoryIndex, day_number
from .dedup import duplicate_groups

NEIGHBOURS = 24
# Weight of the shared-entity overlap (0..1) added to the embedding cosine.
ENTITY_WEIGHT = 0.25
# Each day between two publication dates lowers their link by this much, so
# that within the window same-day coverage outweighs last week's on the topic.
DAY_PENALTY = 0.04
# Average link looks at a story's most recent members only: bounded cost per
# article however long a running story grows.
MAX_LINKS = 64
# Static (model2vec) vectors are averaged word vectors; unrelated texts score
# higher than with MiniLM, so their threshold sits higher by this much.
THRESHOLD_SHIFT = {"minilm": 0.0, "model2vec": 0.15}
EMBED_CHARS = 1200
ENTITY_CHARS = 4000
MAX_ENTITIES = 20
KEYWORDS = 6

_SENT_START = re.compile(r"(?:^|[.!?:;\"“”‘’]\s+|\n)$")
_STOP = frozenset(
    """A An The This That These Those It Its He She They We You I In On At By For From Of To With And But Or
    As If When While After Before Over Under About Into Than Then There Here What Which Who Whom Why How
    Mr Mrs Ms Dr Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April
    May June July August September October November December Read More Photo Image Getty Reuters AP
    Advertisement Share Click""".split()  # noqa: SIM905 - a word list reads better as text
)


def entity_keys(text: str) -> list[str]:
    """Most frequent name words not at a sentence start: a cheap proper-noun set.

    Name words are the people module's (:func:`parallax.people.name_tokens`): capitalised
    words without titles ("President", "Gov."), which every story about an office shares.
    There is no parse yet when stories are placed, so nothing finer is asked of it.
    """
    counts: Counter[str] = Counter()
    head = text[:ENTITY_CHARS]
    for start, word in name_tokens(head):
        if word in _STOP:
            continue
        if _SENT_START.search(head[max(0, start - 3) : start]) and not _is_known(word, counts):
            continue
        counts[word] += 1
    # Interned: the same names recur across a corpus, and the index keeps every article's keys.
    return [sys.intern(w) for w, _ in counts.most_common(MAX_ENTITIES)]


def _is_known(word: str, counts: Counter[str]) -> bool:
    # A sentence-initial word is a name only when it was also seen mid-sentence.
    return word in counts


def embed_text(article: Article) -> str:
    return f"{article.title or ''}\n{article.text[:EMBED_CHARS]}".strip()


def story_id_for(article_id: str) -> str:
    return "s" + hashlib.blake2b(article_id.encode("utf-8"), digest_size=8).hexdigest()


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / (len(a) * len(b)) ** 0.5


class Stories:
    name = "stories"
    requires: tuple[str, ...] = ("articles", "reuse")
    provides: tuple[str, ...] = ("stories",)

    def __init__(self, options: Options, index: StoryIndex | None = None, embedder: Embedder | None = None):
        self.options = options
        self.index = index
        self._embedder = embedder
        self.added: list[str] = []  # article ids placed by the last call, for StoryIndex.save
        self.threshold = options.story_threshold + THRESHOLD_SHIFT.get(options.embedder, 0.0)

    @classmethod
    def from_store(cls, options: Options, store: object) -> Stories:
        embedder = get_embedder(options.embedder)
        return cls(options, StoryIndex.load(store, embedder.dim, embedder.name), embedder)

    def save(self, store: object) -> None:
        """Persist what the last run added to the index."""
        if self.index is not None:
            self.index.save(store)

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = get_embedder(self.options.embedder)
        return self._embedder

    def ready(self) -> StoryIndex:
        """The index, created or checked against the embedder."""
        if self.index is None:
            self.index = StoryIndex(self.embedder.dim, self.embedder.name)
        self.index.ensure(self.embedder.dim, self.embedder.name)
        return self.index

    def __call__(self, corpus: Corpus) -> Corpus:
        index = self.ready()
        todo = sorted(
            (a for a in corpus.articles if a.id not in index),
            key=lambda a: placement_key(a.published, a.id),
        )
        touched = {sid for a in corpus.articles if (sid := index.story_of(a.id))}
        vectors = self._encode(todo)
        self.added = []
        pending = [IndexEntry(a.id, "", a.published, story_title(a), entity_keys(a.text)) for a in todo]
        touched |= self.place(pending, vectors, duplicate_groups(corpus.reuse))
        corpus.stories = self.stories(corpus.stories, touched)
        return corpus

    def place(self, pending: Sequence[IndexEntry], vectors: np.ndarray, parents: dict[str, str]) -> set[str]:
        """Place articles given as index entries without a story yet, in order; the stories they join.

        Only an article's entry and vector are needed, not its text: a caller
        can stream a corpus larger than memory through here.
        """
        index = self.index
        assert index is not None
        touched = set()
        index.reserve(len(pending))
        for entry, vec in zip(pending, vectors, strict=True):
            entry.story_id = self._place(entry, vec, parents)
            index.add(entry, vec)
            self.added.append(entry.article_id)
            touched.add(entry.story_id)
        return touched

    def _encode(self, articles: Sequence[Article]) -> np.ndarray:
        if not articles:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        size = max(1, self.options.batch_size)
        parts = [
            self.embedder.encode([embed_text(a) for a in articles[i : i + size]])
            for i in range(0, len(articles), size)
        ]
        return np.vstack(parts)

    def _place(self, entry: IndexEntry, vec: np.ndarray, parents: dict[str, str]) -> str:
        index = self.index
        assert index is not None
        parent = parents.get(entry.article_id)
        if parent is not None and (sid := index.story_of(parent)):
            return sid
        day, ents = day_number(entry.published), frozenset(entry.entities)
        k = NEIGHBOURS
        while True:
            best, blocked = self._best_story(vec, day, ents, k)
            # Near-identical vectors outside the window can crowd out the ones inside it.
            if best is not None or not blocked or k > NEIGHBOURS or k >= len(index):
                break
            k *= 4
        return best or story_id_for(entry.article_id)

    def _best_story(
        self, vec: np.ndarray, day: int | None, ents: frozenset[str], k: int
    ) -> tuple[str | None, bool]:
        index = self.index
        assert index is not None
        candidates: set[str] = set()
        blocked = False
        for pos, _sim in index.search(vec, k):
            if not self._in_window(day, index.days[pos]):
                blocked = True
                continue
            candidates.add(index.entries[pos].story_id)
        scores = {sid: self._link(sid, vec, day, ents) for sid in sorted(candidates)}
        scores = {sid: score for sid, score in scores.items() if score >= self.threshold}
        if not scores:
            return None, blocked
        return max(scores.items(), key=lambda kv: (kv[1], kv[0]))[0], blocked

    def _in_window(self, day: int | None, other: int | None) -> bool:
        gap = _gap(day, other)
        return gap is None or gap <= self.options.story_window_days

    def _link(self, sid: str, vec: np.ndarray, day: int | None, ents: frozenset[str]) -> float:
        """Average-link score of an article against a story's members inside its window."""
        index = self.index
        assert index is not None
        members = [p for p in index.members[sid][-MAX_LINKS:] if self._in_window(day, index.days[p])]
        if not members:
            return 0.0
        sims = np.stack([index.vector(p) for p in members]) @ vec
        total = 0.0
        for p, sim in zip(members, sims, strict=True):
            gap = _gap(day, index.days[p]) or 0  # an undated side costs nothing
            total += float(sim) + ENTITY_WEIGHT * _overlap(ents, index.entity_sets[p]) - DAY_PENALTY * gap
        return total / len(members)

    def stories(self, existing: list[Story], touched: set[str]) -> list[Story]:
        """Story records for the given stories after placement, the untouched ones kept as they were."""
        index = self.index
        assert index is not None
        known = {s.id: s for s in existing}
        out = [s for s in existing if s.id not in touched]
        for sid in sorted(touched):
            out.append(self._story(sid, known.get(sid)))
        return out

    def _story(self, sid: str, old: Story | None) -> Story:
        index = self.index
        assert index is not None
        members = index.members[sid]
        entries = [index.entries[p] for p in members]
        vecs = np.stack([index.vector(p) for p in members])
        central = entries[int(np.argmax(vecs @ vecs.mean(axis=0)))]
        counts = Counter(e for entry in entries for e in set(entry.entities))
        dates = sorted(e.published for e in entries if e.published)
        return Story(
            id=sid,
            article_ids=[e.article_id for e in entries],
            title=(old.title if old and old.title else central.title),
            keywords=[w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:KEYWORDS]],
            first_published=dates[0] if dates else None,
            last_published=dates[-1] if dates else None,
        )


def _gap(day: int | None, other: int | None) -> int | None:
    """Days between two publication dates, or None when either is unknown."""
    return None if day is None or other is None else abs(day - other)


def placement_key(published: str | None, article_id: str) -> tuple[int, str, str]:
    """Articles are placed oldest first; undated ones last, in id order."""
    return (day_number(published) or 10**7, published or "", article_id)


def story_title(art: Article) -> str:
    if art.title:
        return art.title
    first = art.paragraphs[0] if art.paragraphs else ""
    return first if len(first) <= 120 else first[:117].rsplit(" ", 1)[0] + "…"
