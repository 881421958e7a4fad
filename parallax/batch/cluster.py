"""Phase c: the corpus-wide steps, once, centrally, in a deterministic order.

Three steps learn from the whole corpus, so they cannot be split into
independent partitions without changing their results:

* Clean finds site templates as short lines repeated across articles of
  different stories, and Metadata learns outlet names from title suffixes
  shared across the corpus; in one partition they would see only part of
  that evidence.
* Story placement depends on every article placed before it.

So the driver runs the very stages a single-process run uses (Clean,
Metadata, Outlets, Dedup, then Stories with its StoryIndex) over all drafts
the ingest partitions read, but streamed: site templates are learnt in two
passes over the drafts (line-key hashes, then the bodies of the few holders
that need checking), clean articles wait in an on-disk spill
(:mod:`parallax.batch.spill`), and Dedup and Stories work on compact
per-article features, reading text back only where a candidate pair needs
it. The reuse Dedup finds goes to the spill as it is found. The driver holds
one partition's text at a time. The costly per-article work stays parallel:
reading (trafilatura for HTML/WARC) and the embeddings, which the partitions
computed on their own cleaning of the text; only an article whose text the
corpus-wide cleaning changed is embedded again here. The stories are
therefore exactly a single-process run's. The result is cut into analysis
partitions of whole stories.
"""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..nlp.embed import CachedEmbedder, get_embedder, text_key
from ..options import Options
from ..pipeline import Corpus, pack
from ..records import Article, Draft, Issue, Story
from ..stages.clean import Clean, TemplateKeys, TemplateLearner, split_paragraphs
from ..stages.dedup import Dedup, DuplicateNotes, SentenceTexts, TextProfile, profile
from ..stages.english import English
from ..stages.metadata import Metadata, SiteNames
from ..stages.outlets import Outlets, warn_unknown
from ..stages.stories import Stories, embed_text, entity_keys, placement_key, story_title
from ..store.story_index import IndexEntry, StoryIndex
from . import layout
from .spill import Spill
from .tasks import IngestTask, PartitionSummary


def _drafts(
    tasks: Sequence[IngestTask], options: Options, issues: list[Issue] | None
) -> Iterator[list[Draft]]:
    """Each ingest partition's drafts in input order; a later copy of an already-seen input is dropped.

    Streamed, so every pass over the corpus holds one partition's drafts;
    ``issues`` (given on the first pass only) collects the skipped copies.
    """
    seen: dict[str, str] = {}
    count = 0
    for task in tasks:
        batch = []
        for row in layout.read_rows(task.drafts):
            if row["id"] in seen:
                if issues is not None:
                    issues.append(Issue(row["source"], f"skipped: identical to {seen[row['id']]}"))
                continue
            seen[row["id"]] = row["source"]
            batch.append(Draft.from_dict(json.loads(row["data"])))
            count += 1
            if count > options.max_articles:
                raise InputError(
                    f"more than {options.max_articles} articles in the inputs "
                    "(raise max_articles to allow more)"
                )
        yield batch


def partition_vectors(tasks: Sequence[IngestTask]) -> OrderedDict[str, np.ndarray]:
    """The ingest workers' vectors, keyed by the text they embedded."""
    vectors: OrderedDict[str, np.ndarray] = OrderedDict()
    for task in tasks:
        for row in layout.read_rows(task.path, ["data", "vector"]):
            (article,) = layout.articles_from([row])
            vectors[text_key(embed_text(article))] = np.frombuffer(row["vector"], dtype="<f4")
    return vectors


def _templates(tasks: Sequence[IngestTask], options: Options, issues: list[Issue]) -> TemplateKeys:
    """Clean's site templates over the whole corpus, in two streamed passes."""
    learner = TemplateLearner()
    for drafts in _drafts(tasks, options, issues):
        for draft in drafts:
            learner.observe(split_paragraphs(draft.text))
    if not learner.docs:
        raise InputError("no articles to analyse in the batch inputs")
    wanted = set(learner.needed())
    doc = 0
    for drafts in _drafts(tasks, options, None):
        for draft in drafts:
            if doc in wanted:
                learner.add_body(doc, split_paragraphs(draft.text))
            doc += 1
    return learner.templates()


def _clean(tasks: Sequence[IngestTask], options: Options, spill: Spill, corpus: Corpus) -> set[str]:
    """Clean every partition into the spill; the site names Metadata needs, from all of them."""
    clean = Clean(options, _templates(tasks, options, corpus.issues))
    english = English(options)
    names = SiteNames()
    for drafts in _drafts(tasks, options, None):
        part = english(clean(Corpus(inputs=corpus.inputs, drafts=drafts)))
        corpus.issues += part.issues
        for art in part.articles:
            names.add(art)
        spill.add(part.articles, drafts)
    return names.known()


@dataclass(slots=True)
class Features:
    """What Dedup and Stories need of each article, without its text."""

    profiles: list[TextProfile] = field(default_factory=list)
    entries: list[IndexEntry] = field(default_factory=list)
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))  # one row per article


def _features(
    spill: Spill, known: set[str], options: Options, embedder: CachedEmbedder, corpus: Corpus
) -> Features:
    """Metadata and outlets chunk by chunk (written back), and each article's compact features."""
    metadata, outlets = Metadata(options, known), Outlets(options)
    out = Features(vectors=np.zeros((len(spill), embedder.dim), np.float32))
    vocab: dict[str, int] = {}
    unknown = 0
    for articles, drafts in spill.chunks():
        part = metadata(Corpus(inputs=corpus.inputs, articles=articles, drafts=drafts))
        unknown += outlets.identify_all(part)
        corpus.issues += part.issues
        spill.update(articles)
        out.profiles += [profile(a, vocab) for a in articles]
        out.entries += [
            IndexEntry(a.id, "", a.published, story_title(a), entity_keys(a.text)) for a in articles
        ]
        done = len(out.entries) - len(articles)
        out.vectors[done : len(out.entries)] = embedder.encode([embed_text(a) for a in articles])
    warn_unknown(corpus, unknown, len(spill))
    return out


def _group(spill: Spill, features: Features, stories: Stories, options: Options, corpus: Corpus) -> None:
    """Dedup (its reuse streamed into the spill) and story placement, in the single-process order."""
    started = time.perf_counter()
    dedup = Dedup(options)
    profiles = features.profiles
    dates = [e.published for e in features.entries]
    notes = DuplicateNotes(profiles)
    spill.add_reuse(notes.watch(dedup.duplicates(profiles, dates)))
    spill.add_reuse(dedup.passages(profiles, dates, SentenceTexts(spill.text, profiles), notes.skip()))
    corpus.timings["dedup"] = time.perf_counter() - started
    started = time.perf_counter()
    stories.ready()
    entries = features.entries
    order = sorted(
        range(len(entries)), key=lambda i: placement_key(entries[i].published, entries[i].article_id)
    )
    vectors = features.vectors[order]
    features.vectors = np.zeros((0, vectors.shape[1]), np.float32)  # one copy of the vectors at a time
    touched = stories.place([entries[i] for i in order], vectors, notes.parents)
    corpus.stories = stories.stories([], touched)
    corpus.timings["stories"] = time.perf_counter() - started


def _write_partition(
    directory: Path,
    group: list[Story],
    articles: list[Article],
    reuse: list[tuple[str, str]],
    index: StoryIndex,
) -> None:
    """One analysis partition's inputs; ``reuse``: ``Spill.reuse_json`` of its articles."""
    ids = [a.id for a in articles]
    layout.write_table(
        directory / "articles.parquet", [layout.article_row(a) for a in articles], layout.ARTICLE_SCHEMA
    )
    layout.write_table(
        directory / "stories.parquet", [layout.story_row(s) for s in group], layout.STORY_SCHEMA
    )
    layout.write_table(
        directory / "reuse.parquet",
        [layout.record_row("reuse", data, None, None, target) for target, data in reuse],
        layout.RECORD_SCHEMA,
    )
    layout.write_table(directory / "index.parquet", _index_rows(index, ids), layout.INDEX_SCHEMA)


def _index_rows(index: StoryIndex, ids: Sequence[str]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for aid in ids:
        pos = index.positions[aid]
        entry = index.entries[pos]
        rows.append(
            {
                "article_id": aid,
                "story_id": entry.story_id,
                "published": entry.published,
                "title": entry.title,
                "entities": json.dumps(entry.entities, ensure_ascii=False),
                "vector": np.asarray(index.vector(pos), dtype="<f4").tobytes(),
            }
        )
    return rows


def _central(tasks: Sequence[IngestTask], options: Options, spill: Spill) -> tuple[Corpus, StoryIndex]:
    """Clean, metadata, dedup and stories over the whole corpus, streamed through ``spill``."""
    corpus = Corpus(inputs=[t.path.name for t in tasks])
    started = time.perf_counter()
    known = _clean(tasks, options, spill, corpus)
    corpus.timings["clean"] = time.perf_counter() - started
    embedder = CachedEmbedder(get_embedder(options.embedder), partition_vectors(tasks), limit=None)
    stories = Stories(options, embedder=embedder)
    started = time.perf_counter()
    features = _features(spill, known, options, embedder, corpus)
    embedder.cache.clear()  # every vector is in the features now
    corpus.timings["metadata"] = time.perf_counter() - started
    _group(spill, features, stories, options, corpus)
    return corpus, stories.ready()


def cluster(
    out: Path, tasks: Sequence[IngestTask], options: Options, partition_size: int
) -> PartitionSummary:
    """Group all ingested articles into stories and write the analysis partitions' inputs.

    The corpus streams through an on-disk spill: the driver holds one
    partition's text at a time plus a few KB of features per article.
    """
    marker = out / "cluster.done"
    if marker.exists():
        summary = PartitionSummary.from_dict(layout.read_json(marker))
        summary.skipped = True
        return summary
    spill = Spill(out / "cluster.spill.sqlite")
    try:
        corpus, index = _central(tasks, options, spill)
        groups = pack(corpus.stories, partition_size)
        started = time.perf_counter()
        for number, group in enumerate(groups):
            ids = [aid for s in group for aid in s.article_ids]
            part = out / "analysis" / layout.part_name(number)
            _write_partition(part, group, spill.by_ids(ids), spill.reuse_json(ids), index)
        corpus.timings["write"] = time.perf_counter() - started
    finally:
        spill.close()
    summary = PartitionSummary(
        "cluster",
        len(groups),
        len(spill),
        timings=dict(corpus.timings),
        issues=corpus.issues,
        counts={"stories": len(corpus.stories), "partitions": len(groups), "reuse": spill.reuse_count},
        notes={"embedder": index.embedder},
    )
    layout.write_json(marker, summary.as_dict())
    return summary
