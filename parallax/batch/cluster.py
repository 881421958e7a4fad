"""Phase c: the corpus-wide steps, once, centrally, in a deterministic order.

Three steps learn from the whole corpus, so they cannot be split into
independent partitions without changing their results:

* Clean finds site templates as short lines repeated across articles of
  different stories, and Metadata learns outlet names from title suffixes
  shared across the corpus; in one partition they would see only part of
  that evidence.
* Story placement depends on every article placed before it.

So the driver runs the very stages a single-process run uses (Clean,
Metadata, Dedup, then Stories with its StoryIndex) over all drafts the
ingest partitions read. The costly per-article work stays parallel: reading
(trafilatura for HTML/WARC) and the embeddings, which the partitions computed
on their own cleaning of the text; only an article whose text the
corpus-wide cleaning changed is embedded again here. The stories are
therefore exactly a single-process run's. The result is cut into analysis
partitions of whole stories.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..options import Options
from ..pipeline import Corpus, Pipeline, pack, reuse_positions, reuse_touching
from ..records import Draft, Issue, Story
from . import layout
from .tasks import IngestTask, PartitionSummary


@dataclass(slots=True)
class CachedEmbedder:
    """An embedder that returns vectors computed earlier (by the ingest workers) for known texts."""

    inner: object
    cache: dict[str, np.ndarray]
    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        keys = [text_key(t) for t in texts]
        missing = [(k, t) for k, t in zip(keys, texts, strict=True) if k not in self.cache]
        if missing:
            fresh = self.inner.encode([t for _, t in missing])  # type: ignore[attr-defined]
            self.cache.update(zip((k for k, _ in missing), fresh, strict=True))
        return np.vstack([self.cache[k] for k in keys]) if texts else np.zeros((0, self.dim), np.float32)


def text_key(text: str) -> str:
    """A short key for an embedded text: the cache holds one per article, not the text itself."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def gather(tasks: Sequence[IngestTask], max_articles: int) -> tuple[list[Draft], list[Issue]]:
    """All drafts in input order; a later copy of an already-seen input is dropped, as Ingest does."""
    drafts: list[Draft] = []
    issues: list[Issue] = []
    seen: dict[str, str] = {}
    for task in tasks:
        for row in layout.read_rows(task.drafts):
            if row["id"] in seen:
                issues.append(Issue(row["source"], f"skipped: identical to {seen[row['id']]}"))
                continue
            seen[row["id"]] = row["source"]
            drafts.append(Draft.from_dict(json.loads(row["data"])))
            if len(drafts) > max_articles:
                raise InputError(
                    f"more than {max_articles} articles in the inputs (raise max_articles to allow more)"
                )
    return drafts, issues


def partition_vectors(tasks: Sequence[IngestTask]) -> dict[str, np.ndarray]:
    """The ingest workers' vectors, keyed by the text they embedded."""
    from ..stages.stories import embed_text

    vectors: dict[str, np.ndarray] = {}
    for task in tasks:
        for row in layout.read_rows(task.path, ["data", "vector"]):
            (article,) = layout.articles_from([row])
            vectors[text_key(embed_text(article))] = np.frombuffer(row["vector"], dtype="<f4")
    return vectors


class Gather:
    """First stage of the central run: every draft the ingest partitions read, in input order."""

    name = "gather"
    requires: tuple[str, ...] = ("inputs",)
    provides: tuple[str, ...] = ("drafts",)

    def __init__(self, tasks: Sequence[IngestTask], options: Options):
        self.tasks = tasks
        self.options = options

    def __call__(self, corpus: Corpus) -> Corpus:
        corpus.drafts, issues = gather(self.tasks, self.options.max_articles)
        if not corpus.drafts:
            raise InputError("no articles to analyse in the batch inputs")
        corpus.issues += issues
        return corpus


class ReleaseDrafts:
    """Drop the drafts once the front stages made articles of them: half the driver's text memory."""

    name = "release"
    requires: tuple[str, ...] = ("articles.metadata",)
    provides: tuple[str, ...] = ()

    def __call__(self, corpus: Corpus) -> Corpus:
        corpus.drafts = []
        return corpus


def _stages(tasks: Sequence[IngestTask], options: Options) -> tuple[Pipeline, Any]:
    from ..analyze import front_stages
    from ..nlp.embed import get_embedder
    from ..stages.dedup import Dedup
    from ..stages.stories import Stories

    inner = get_embedder(options.embedder)
    embedder = CachedEmbedder(inner, partition_vectors(tasks), inner.name, inner.dim)
    stories = Stories(options, embedder=embedder)  # type: ignore[arg-type]
    clean = [s for s in front_stages(options) if s.name != "ingest"]
    stages: list[Any] = [Gather(tasks, options), *clean, ReleaseDrafts(), Dedup(options), stories]
    return Pipeline(stages), stories


def _write_partition(
    directory: Path,
    group: list[Story],
    corpus: Corpus,
    index: object,
    lookup: tuple[dict[str, Any], dict[str, list[int]]],
) -> None:
    """``lookup``: the corpus's ``by_id()`` and ``reuse_positions``, built once for all partitions."""
    ids = [aid for s in group for aid in s.article_ids]
    by_id, positions = lookup
    layout.write_table(
        directory / "articles.parquet", [layout.article_row(by_id[i]) for i in ids], layout.ARTICLE_SCHEMA
    )
    layout.write_table(
        directory / "stories.parquet", [layout.story_row(s) for s in group], layout.STORY_SCHEMA
    )
    reuse = reuse_touching(corpus.reuse, positions, ids)
    layout.write_table(
        directory / "reuse.parquet",
        [layout.record_row("reuse", r, None, None, r.target.article_id) for r in reuse],
        layout.RECORD_SCHEMA,
    )
    layout.write_table(directory / "index.parquet", _index_rows(index, ids), layout.INDEX_SCHEMA)


def _index_rows(index: object, ids: Sequence[str]) -> list[dict[str, object]]:
    import json

    rows = []
    for aid in ids:
        pos = index.positions[aid]  # type: ignore[attr-defined]
        entry = index.entries[pos]  # type: ignore[attr-defined]
        rows.append(
            {
                "article_id": aid,
                "story_id": entry.story_id,
                "published": entry.published,
                "title": entry.title,
                "entities": json.dumps(entry.entities, ensure_ascii=False),
                "vector": np.asarray(index.vector(pos), dtype="<f4").tobytes(),  # type: ignore[attr-defined]
            }
        )
    return rows


def cluster(
    out: Path, tasks: Sequence[IngestTask], options: Options, partition_size: int
) -> PartitionSummary:
    """Group all ingested articles into stories and write the analysis partitions' inputs."""
    marker = out / "cluster.done"
    if marker.exists():
        summary = PartitionSummary.from_dict(layout.read_json(marker))
        summary.skipped = True
        return summary
    pipeline, stories = _stages(tasks, options)
    corpus = pipeline(Corpus(inputs=[t.path.name for t in tasks]))
    groups = pack(corpus.stories, partition_size)
    started = time.perf_counter()
    lookup = (corpus.by_id(), reuse_positions(corpus.reuse))
    for number, group in enumerate(groups):
        _write_partition(out / "analysis" / layout.part_name(number), group, corpus, stories.index, lookup)  # type: ignore[attr-defined]
    corpus.timings["write"] = time.perf_counter() - started
    summary = PartitionSummary(
        "cluster",
        len(groups),
        len(corpus.articles),
        timings=dict(corpus.timings),
        issues=corpus.issues,
        counts={"stories": len(corpus.stories), "partitions": len(groups)},
        notes={"embedder": stories.index.embedder},
    )  # type: ignore[attr-defined]
    layout.write_json(marker, summary.as_dict())
    return summary
