"""The library's entry points: the functions the CLI commands call.

``analyze`` runs the whole pipeline over inputs and (optionally) stores the
result. Story clustering is incremental: the stored story index is loaded,
new articles join existing stories or open new ones, and every touched story
is re-analysed with all its articles, old and new.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from . import parallel
from .errors import InputError
from .nlp.embed import CachedEmbedder, Embedder, get_embedder
from .options import Options
from .outlets.names import display_order, outlet_names
from .pipeline import (
    Corpus,
    Pipeline,
    Progress,
    Stage,
    pack,
    reuse_positions,
    reuse_touching,
)
from .registry import FIELDS
from .store import Store


def front_stages(options: Options) -> list[Stage]:
    """Reading and cleaning: inputs -> English articles with metadata."""
    from .stages.clean import Clean
    from .stages.english import English
    from .stages.ingest import Ingest
    from .stages.metadata import Metadata
    from .stages.outlets import Outlets

    return [Ingest(options), Clean(options), English(options), Metadata(options), Outlets(options)]


def story_stages(options: Options, index: Any = None, embedder: Embedder | None = None) -> list[Stage]:
    """Grouping: articles -> stories (using and updating ``index`` when given)."""
    from .stages.dedup import Dedup
    from .stages.stories import Stories

    return [Dedup(options), Stories(options, index=index, embedder=embedder)]


def analysis_stages(options: Options, embedder: Embedder | None = None) -> list[Stage]:
    """Per-story comparison, in dependency order (Pipeline.check verifies it).

    ``embedder``: one shared by the stages that embed (a :class:`CachedEmbedder`,
    so each sentence is encoded once); by default a fresh cache over the options' embedder.
    """
    from .stages import (
        claims,
        contradictions,
        coverage,
        digest,
        entities,
        framing,
        offtopic,
        parse,
        quote_clusters,
        quotes,
        timeline,
    )

    shared = embedder or CachedEmbedder(lambda: get_embedder(options.embedder))
    return [
        parse.Parse(options),
        quotes.Quotes(options),
        entities.Entities(options),
        claims.Claims(options, shared),
        offtopic.OffTopic(options, shared),
        coverage.Coverage(options),
        quote_clusters.QuoteClusters(options, shared),
        contradictions.Contradictions(options),
        framing.Framing(options, shared),
        timeline.Timeline(options),
        digest.Digests(options),
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
    if not corpus.articles:
        raise InputError("no articles to analyse in " + ", ".join(corpus.inputs))
    index = _load_index(store)
    corpus = Pipeline(story_stages(options, index), corpus.provided)(corpus, progress)
    if store is not None:
        _add_stored_story_mates(corpus, store)
    corpus.drafts = []  # articles hold the clean text now; the raw drafts only cost memory
    corpus = analyze_stories(corpus, options, progress)
    if store is not None:
        with store.transaction():
            store.save(corpus)
            if index is not None:
                index.save(store)
    return corpus


# Articles per chunk of the analysis: enough stories to amortise the per-chunk work,
# few enough that one chunk's spaCy parses (about 100 KB per article) stay small.
ANALYSIS_CHUNK = 250


def analyze_stories(
    corpus: Corpus, options: Options, progress: Progress | None = None, chunk: int = ANALYSIS_CHUNK
) -> Corpus:
    """The per-story analysis stages over whole stories, a chunk at a time, on ``options.workers`` cores.

    Each chunk's parses are dropped once its records are merged, so the
    memory the analysis holds does not grow with the corpus. Every stage
    works story by story, so any cut into chunks of whole stories, and any
    number of worker processes, gives the same records as one pass.
    """
    workers = parallel.worker_count(options.workers, len(corpus.articles))
    if workers > 1:
        chunk = parallel.balanced_chunk(chunk, len(corpus.articles), workers)
    parts = _parts(corpus, chunk)
    if len(parts) == 1:  # one chunk: its parses are kept, for callers that read them after the run
        done = Pipeline(analysis_stages(options), corpus.provided)(parts[0], progress)
        _merge(corpus, done)
        corpus.docs = done.docs
        return corpus
    results = (parallel.map_parts(parts, options, corpus.provided, workers) if workers > 1
               else _in_process(parts, options, corpus.provided))
    for number, part in enumerate(results):
        _merge(corpus, part)
        if progress:
            progress("analysis", number + 1, len(parts))
    return corpus


def _parts(corpus: Corpus, chunk: int) -> list[Corpus]:
    """Chunks of whole stories (and the articles no story holds), each with the reuse touching it."""
    by_id = corpus.by_id()
    placed = {aid for s in corpus.stories for aid in s.article_ids}
    groups = [([by_id[i] for s in g for i in s.article_ids if i in by_id], g)
              for g in pack(corpus.stories, chunk)]
    loose = [a for a in corpus.articles if a.id not in placed]
    if loose:
        groups.append((loose, []))
    positions = reuse_positions(corpus.reuse)
    return [
        Corpus(inputs=corpus.inputs, articles=articles, stories=stories,
               reuse=reuse_touching(corpus.reuse, positions, (a.id for a in articles)),
               provided=set(corpus.provided))
        for articles, stories in groups
    ]


def _in_process(parts: list[Corpus], options: Options, provided: set[str]) -> Iterator[Corpus]:
    for part in parts:
        # Fresh stages (and embedding cache) per chunk, as a worker process has: a chunk's
        # records then do not depend on which chunks ran before it, or where.
        yield Pipeline(analysis_stages(options), provided)(part)


def _merge(corpus: Corpus, part: Corpus) -> None:
    """Fold one chunk's records into the corpus, field by field as the registry says."""
    for spec in FIELDS:
        setattr(corpus, spec.name, spec.merged(getattr(corpus, spec.name), getattr(part, spec.name)))
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
                "outlets": sorted(set(outlet_names(arts).values()), key=display_order),
                "first_published": story.first_published,
                "last_published": story.last_published,
            }
        )
    return rows


def show(store: Store, story_id: str) -> Corpus:
    """One stored story with everything known about it."""
    return store.load_story(story_id)
