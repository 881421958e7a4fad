"""The per-partition work a batch hands to its workers.

Each task is a plain picklable dataclass and a module-level function, so the
same code runs in-process (``engine="local"``) or on a Dask worker. A task
reads its inputs from disk and writes its outputs to disk, returning only a
small summary: the driver never holds a partition's data.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ParallaxError
from ..options import Options
from ..pipeline import Corpus, Pipeline, Stage
from ..readers import ReadContext, read_file
from ..readers.manifest import Manifest, load_manifest
from ..records import Article, Issue, Record, Reuse
from ..registry import RECORD_FIELDS
from . import layout


@dataclass(slots=True, frozen=True)
class IngestTask:
    number: int
    files: tuple[str, ...]
    out: str
    options: Options
    explicit: frozenset[str] = frozenset()  # files the user named (unknown types are sniffed)
    manifest: str | None = None
    manifest_root: str | None = None

    @property
    def path(self) -> Path:
        return Path(self.out) / "ingest" / f"{layout.part_name(self.number)}.parquet"

    @property
    def drafts(self) -> Path:
        return self.path.with_suffix(".drafts.parquet")

    @property
    def marker(self) -> Path:
        return self.path.with_suffix(".done")


@dataclass(slots=True, frozen=True)
class AnalysisTask:
    number: int
    out: str
    options: Options
    analyze: bool = True

    @property
    def dir(self) -> Path:
        return Path(self.out) / "analysis" / layout.part_name(self.number)

    @property
    def marker(self) -> Path:
        return self.dir / "done"


@dataclass(slots=True)
class PartitionSummary(Record):
    phase: str
    number: int
    articles: int = 0
    skipped: bool = False  # already finished by an earlier run
    timings: dict[str, float] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    provided: list[str] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)


def _finished(marker: Path) -> PartitionSummary | None:
    if not marker.exists():
        return None
    summary = PartitionSummary.from_dict(layout.read_json(marker))
    summary.skipped = True
    return summary


# -- phase a+b: ingest, clean, metadata, features -------------------------------------------


def _front(options: Options) -> list[Stage]:
    from ..analyze import front_stages

    # Reading is done here, file by file, so one unreadable file is a warning, not the end.
    return [s for s in front_stages(options) if s.name != "ingest"]


class ReadFiles:
    """The Ingest stage for one partition: reads file by file, applying the manifest.

    Unlike Ingest, a file that yields no article is a warning here, not an
    error: in a large crawl some files always are empty or broken.
    """

    name = "ingest"
    requires: tuple[str, ...] = ("inputs",)
    provides: tuple[str, ...] = ("drafts",)

    def __init__(self, task: IngestTask):
        self.task = task
        self.issues: list[Issue] = []  # what reading reported; the later stages run again centrally

    def __call__(self, corpus: Corpus) -> Corpus:
        task = self.task
        manifest: Manifest | None = None
        if task.manifest:
            manifest = load_manifest(task.manifest, task.manifest_root)
        ctx = ReadContext(warn=corpus.warn, max_article_bytes=task.options.max_article_bytes)
        seen: dict[str, str] = {}
        for name in task.files:
            for draft in read_file(Path(name), ctx, explicit=name in task.explicit):
                if draft.id in seen:
                    corpus.warn(draft.source, f"skipped: identical to {seen[draft.id]}")
                    continue
                if manifest is not None:
                    manifest.apply(draft)
                for message in draft.warnings:
                    corpus.warn(draft.source, message)
                seen[draft.id] = draft.source
                corpus.drafts.append(draft)
        self.issues = list(corpus.issues)
        return corpus


def embed_articles(articles: list[Article], options: Options) -> np.ndarray:
    """Story-clustering vectors, encoded exactly as the Stories stage would encode them."""
    from ..nlp.embed import get_embedder
    from ..stages.stories import embed_text

    embedder = get_embedder(options.embedder)
    if not articles:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    size = max(1, options.batch_size)
    parts = [
        embedder.encode([embed_text(a) for a in articles[i : i + size]])
        for i in range(0, len(articles), size)
    ]
    return np.vstack(parts).astype(np.float32)


def run_ingest(task: IngestTask) -> PartitionSummary:
    """Read, clean and embed one partition of input files."""
    done = _finished(task.marker)
    if done is not None:
        return done
    reader = ReadFiles(task)
    corpus = Pipeline([reader, *_front(task.options)])(Corpus(inputs=list(task.files)))
    layout.write_table(task.drafts, [layout.draft_row(d) for d in corpus.drafts], layout.DRAFT_SCHEMA)
    started = time.perf_counter()
    vectors = embed_articles(corpus.articles, task.options)
    corpus.timings["embed"] = time.perf_counter() - started
    rows = [
        {**layout.article_row(a), "vector": vectors[i].astype("<f4").tobytes()}
        for i, a in enumerate(corpus.articles)
    ]
    layout.write_table(task.path, rows, layout.INGEST_SCHEMA)
    summary = PartitionSummary(
        "ingest", task.number, len(corpus.articles), timings=dict(corpus.timings), issues=reader.issues
    )
    layout.write_json(task.marker, summary.as_dict())
    return summary


# -- phase d: per-story analysis --------------------------------------------------------------


def _analysis_stages(options: Options) -> list[Stage]:
    from ..analyze import analysis_stages

    return analysis_stages(options)


class LoadPartition:
    """First stage of an analysis partition: its clustered articles, stories and text reuse."""

    name = "load"
    requires: tuple[str, ...] = ("inputs",)
    provides: tuple[str, ...] = ("drafts", "articles", "articles.metadata", "reuse", "stories")

    def __init__(self, directory: Path):
        self.directory = directory

    def __call__(self, corpus: Corpus) -> Corpus:
        d = self.directory
        corpus.articles = layout.articles_from(layout.read_rows(d / "articles.parquet", ["data"]))
        corpus.stories = layout.stories_from(layout.read_rows(d / "stories.parquet", ["data"]))
        corpus.reuse = [Reuse.from_dict(json.loads(r["data"])) for r in layout.read_rows(d / "reuse.parquet")]
        return corpus


def load_partition(directory: Path) -> Corpus:
    """The clustered input of one analysis partition: articles, stories and text reuse."""
    return Pipeline([LoadPartition(directory)])(Corpus(inputs=[str(directory)]))


def record_rows(corpus: Corpus) -> list[dict[str, Any]]:
    """Every registered record of a corpus as (kind, id, story id, article id, JSON) rows."""
    members = {a.id for a in corpus.articles}
    rows = []
    for spec in RECORD_FIELDS:
        if spec.name not in corpus.provided:
            continue
        for rec in getattr(corpus, spec.name):
            owner = spec.owner_of(rec) if spec.scope != "corpus" else None
            if spec.scope == "article" and owner not in members:
                continue  # stored with the partition that holds its article (a reuse record's target)
            story_id, article_id = (owner, None) if spec.scope == "story" else (None, owner)
            rows.append(layout.record_row(spec.name, rec, spec.id_of(rec), story_id, article_id))
    return rows


def run_analysis(task: AnalysisTask) -> PartitionSummary:
    """Run the per-story analysis stages over one partition of stories."""
    done = _finished(task.marker)
    if done is not None:
        return done
    missing = [
        n for n in ("articles", "stories", "reuse", "index") if not (task.dir / f"{n}.parquet").exists()
    ]
    if missing:
        marker = Path(task.out) / "cluster.done"
        raise ParallaxError(f"{task.dir} lacks {', '.join(missing)}.parquet: delete {marker} and run again")
    stages = _analysis_stages(task.options) if task.analyze else []
    corpus = Pipeline([LoadPartition(task.dir), *stages])(Corpus(inputs=[str(task.dir)]))
    rows = record_rows(corpus)
    layout.write_table(task.dir / "records.parquet", rows, layout.RECORD_SCHEMA)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["kind"]] = counts.get(row["kind"], 0) + 1
    summary = PartitionSummary(
        "analysis",
        task.number,
        len(corpus.articles),
        timings=dict(corpus.timings),
        issues=list(corpus.issues),
        counts=counts,
        provided=sorted(corpus.provided),
    )
    layout.write_json(task.marker, summary.as_dict())
    return summary


__all__ = [
    "AnalysisTask",
    "IngestTask",
    "PartitionSummary",
    "embed_articles",
    "load_partition",
    "record_rows",
    "run_analysis",
    "run_ingest",
]
