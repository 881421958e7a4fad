"""The library's entry points: the functions the CLI commands call.

``analyze`` runs the whole pipeline over inputs and (optionally) stores the
result. Story clustering is incremental: the stored story index is loaded,
new articles join existing stories or open new ones, and every touched story
is re-analysed with all its articles, old and new.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .errors import InputError
from .options import Options
from .pipeline import (
    ARTICLE_RECORDS,
    STORY_RECORDS,
    Corpus,
    Pipeline,
    Progress,
    Stage,
    pack,
    reuse_positions,
    reuse_touching,
)
from .store import Store


def front_stages(options: Options) -> list[Stage]:
    """Reading and cleaning: inputs -> articles with metadata."""
    from .stages.clean import Clean
    from .stages.ingest import Ingest
    from .stages.metadata import Metadata
    from .stages.outlets import Outlets

    return [Ingest(options), Clean(options), Metadata(options), Outlets(options)]


def story_stages(options: Options, index: Any = None) -> list[Stage]:
    """Grouping: articles -> stories (using and updating ``index`` when given)."""
    from .stages.dedup import Dedup
    from .stages.stories import Stories

    return [Dedup(options), Stories(options, index=index)]


def analysis_stages(options: Options) -> list[Stage]:
    """Per-story comparison, in dependency order (Pipeline.check verifies it)."""
    from .stages import (
        claims,
        contradictions,
        digest,
        entities,
        framing,
        offtopic,
        parse,
        quote_clusters,
        quotes,
        timeline,
    )

    return [
        parse.Parse(options),
        quotes.Quotes(options),
        entities.Entities(options),
        claims.Claims(options),
        offtopic.OffTopic(options),
        quote_clusters.QuoteClusters(options),
        contradictions.Contradictions(options),
        framing.Framing(options),
        timeline.Timeline(options),
        digest.Digest(options),
    ]


def default_pipeline(options: Options, index: Any = None) -> Pipeline:
    return Pipeline([*front_stages(options), *story_stages(options, index), *analysis_stages(options)])


def analyze(
    inputs: Sequence[str | Path],
    options: Options | None = None,
    store: Store | None = None,
    progress: Progress | None = None,
) -> Corpus:
    """Read, clean, group and compare ``inputs``; save to ``store`` when given.

    Nothing is written unless the whole analysis succeeds, and then in one
    transaction, so a failed run never loses what the store already held.
    """
    options = options or Options.build()
    corpus = Corpus(inputs=[str(p) for p in inputs])
    corpus = Pipeline(front_stages(options))(corpus, progress)
    from .lang import english_only  # the NLP stages assume English: set other languages aside, reported

    corpus = english_only(corpus)
    if not corpus.articles:
        raise InputError("no articles to analyse in " + ", ".join(corpus.inputs))
    index = _load_index(store)
    corpus = Pipeline(story_stages(options, index), corpus.provided)(corpus, progress)
    if store is not None:
        _add_stored_story_mates(corpus, store)
    corpus.drafts = []  # articles hold the clean text now; the raw drafts only cost memory
    corpus = analyse(corpus, options, progress)
    if store is not None:
        with store.transaction():
            store.save(corpus)
            if index is not None:
                index.save(store)
    return corpus


# Articles per chunk of the analysis: enough stories to amortise the per-chunk work,
# few enough that one chunk's spaCy parses (about 100 KB per article) stay small.
ANALYSIS_CHUNK = 250


def analyse(
    corpus: Corpus, options: Options, progress: Progress | None = None, chunk: int = ANALYSIS_CHUNK
) -> Corpus:
    """The per-story analysis stages over whole stories, one chunk at a time.

    Each chunk's parses are dropped once its records are merged, so the
    memory the analysis holds does not grow with the corpus. Entities are
    resolved within a chunk (as the batch engine does per partition); a
    person known by several names in one story is still one entity.
    """
    pipeline = Pipeline(analysis_stages(options), corpus.provided)
    groups = pack(corpus.stories, chunk)
    if len(groups) <= 1:
        return pipeline(corpus, progress)
    by_id = corpus.by_id()
    placed = {aid for s in corpus.stories for aid in s.article_ids}
    loose = [a for a in corpus.articles if a.id not in placed]
    parts = [([by_id[i] for s in g for i in s.article_ids if i in by_id], g) for g in groups]
    if loose:
        parts.append((loose, []))
    positions = reuse_positions(corpus.reuse)
    for number, (articles, stories) in enumerate(parts):
        reuse = reuse_touching(corpus.reuse, positions, (a.id for a in articles))
        part = Corpus(inputs=corpus.inputs, articles=articles, stories=stories, reuse=reuse,
                      provided=set(corpus.provided))
        _merge(corpus, pipeline(part))
        if progress:
            progress("analysis", number + 1, len(parts))
    return corpus


def _merge(corpus: Corpus, part: Corpus) -> None:
    for name in [*ARTICLE_RECORDS, *STORY_RECORDS]:
        if name != "reuse":
            getattr(corpus, name).extend(getattr(part, name))
    position = {e.id: n for n, e in enumerate(corpus.entities)}
    for ent in part.entities:
        if ent.id in position:  # the same entity in another chunk: one record with both chunks' evidence
            corpus.entities[position[ent.id]] = corpus.entities[position[ent.id]].merged(ent)
        else:
            position[ent.id] = len(corpus.entities)
            corpus.entities.append(ent)
    corpus.timeline.update(part.timeline)
    corpus.issues.extend(part.issues)
    corpus.provided |= part.provided
    for stage, seconds in part.timings.items():
        corpus.timings[stage] = corpus.timings.get(stage, 0.0) + seconds


def _load_index(store: Store | None) -> Any:
    if store is None:
        return None
    from .store.story_index import StoryIndex

    return StoryIndex.load(store)


def _add_stored_story_mates(corpus: Corpus, store: Store) -> None:
    """Bring in stored articles of the stories this run touched, so each story is analysed whole."""
    have = {a.id for a in corpus.articles}
    wanted = [aid for story in corpus.stories for aid in story.article_ids if aid not in have]
    if wanted:
        corpus.articles.extend(store.articles(wanted))


def stories(
    store: Store, search: str | None = None, sort: str = "coverage", limit: int | None = None
) -> list[dict[str, Any]]:
    """Stored stories as summary rows for listing."""
    rows = []
    for story in store.stories(search=search, sort=sort, limit=limit):
        arts = store.articles(story.article_ids)
        rows.append(
            {
                "id": story.id,
                "title": story.title,
                "articles": len(story.article_ids),
                "outlets": sorted({a.label for a in arts}),
                "first_published": story.first_published,
                "last_published": story.last_published,
            }
        )
    return rows


def show(store: Store, story_id: str) -> Corpus:
    """One stored story with everything known about it."""
    return store.load_story(story_id)
