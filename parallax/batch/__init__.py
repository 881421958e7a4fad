"""Batch analysis at scale: the pipeline over partitions, on one machine or a Dask cluster.

``batch(inputs, out)`` runs in four phases, writing Parquet under ``out``
(see :mod:`parallax.batch.layout`):

a. ingest, clean and metadata per partition of input files, in parallel.
   Clean's cross-article repeated-line detection (site templates) sees the
   articles of one partition only, so a template line must repeat within a
   partition to be recognised; keep files of one site together (the default
   sorted listing does) and partitions large enough (hundreds of files).
b. per partition, the story-clustering features: the embedding vectors.
c. story clustering once, centrally, in a deterministic order, through the
   Dedup and Stories stages (:mod:`parallax.batch.cluster`): the stories equal
   a single-process run's on the same clean articles.
d. the per-story analysis stages over partitions of whole stories, in parallel.

Every partition is written atomically with a done marker; re-running the same
batch skips finished partitions, so a killed batch loses nothing but the
partitions in flight. ``load(out, store)`` then imports the result, one
transaction per partition.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, ParallaxError
from ..options import Options
from ..pipeline import Corpus
from ..readers import READERS, iter_files
from ..readers.manifest import manifest_for
from ..records import Issue, Record
from . import layout
from .cluster import cluster
from .engine import make_engine
from .tasks import AnalysisTask, IngestTask, PartitionSummary, load_partition, run_analysis, run_ingest

__all__ = ["BatchResult", "LoadResult", "Plan", "batch", "load", "plan"]

log = logging.getLogger(__name__)
DEFAULT_PARTITION_SIZE = 500
# Options that change what a batch computes: a re-run must use the same.
_SHAPING = (
    "spacy_model",
    "embedder",
    "story_threshold",
    "story_window_days",
    "duplicate_threshold",
    "reuse_threshold",
    "claim_threshold",
    "quote_threshold",
    "max_article_bytes",
    "max_article_chars",
    "min_article_chars",
)

Progress = Callable[[str, int, int], None]


@dataclass(slots=True)
class Plan(Record):
    """What a batch directory was made from; a re-run must match it."""

    inputs: list[str]
    partitions: list[list[str]]
    explicit: list[str] = field(default_factory=list)
    manifest: str | None = None
    manifest_root: str | None = None
    partition_size: int = DEFAULT_PARTITION_SIZE
    analyze: bool = True
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class BatchResult(Record):
    out: str
    articles: int
    stories: int
    partitions: int
    resumed: int  # partitions finished by an earlier run and skipped
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)


@dataclass(slots=True)
class LoadResult(Record):
    articles: int
    stories: int
    records: int
    partitions: int


def _files(inputs: Sequence[str | Path]) -> tuple[list[str], list[str]]:
    files, explicit = [], []
    for raw in inputs:
        root = Path(raw)
        if not root.exists():
            raise InputError(f"input not found: {raw}")
        if root.is_dir():
            files += [str(p) for p in iter_files(root) if _supported(p)]  # iter_files skips manifests
        else:
            files.append(str(root))
            explicit.append(str(root))
    if not files:
        raise InputError("no supported files in " + ", ".join(str(i) for i in inputs))
    return files, explicit


def _supported(path: Path) -> bool:
    name = path.name.lower().removesuffix(".gz")
    return Path(name).suffix in READERS


def plan(
    inputs: Sequence[str | Path],
    options: Options,
    partition_size: int = DEFAULT_PARTITION_SIZE,
    manifest: str | Path | None = None,
    analyze: bool = True,
) -> Plan:
    """List the input files and cut them into ingest partitions of ``partition_size`` files."""
    if partition_size < 1:
        raise ParallaxError("--partition-size must be at least 1")
    files, explicit = _files(inputs)
    found = manifest_for(inputs, manifest)
    return Plan(
        inputs=[str(i) for i in inputs],
        partitions=[files[i : i + partition_size] for i in range(0, len(files), partition_size)],
        explicit=explicit,
        manifest=str(found.path) if found and found.path else None,
        manifest_root=str(found.root) if found else None,
        partition_size=partition_size,
        analyze=analyze,
        settings={name: getattr(options, name) for name in _SHAPING},
    )


def _check_plan(out: Path, new: Plan) -> None:
    path = out / "plan.json"
    if path.exists():
        old = Plan.from_dict(layout.read_json(path))
        if json.dumps(old.as_dict(), sort_keys=True) != json.dumps(new.as_dict(), sort_keys=True):
            raise ParallaxError(
                f"{out} holds a batch of other inputs or settings: use a new --out directory or delete it"
            )
        return
    layout.write_json(path, new.as_dict())


def batch(
    inputs: Sequence[str | Path],
    out: str | Path,
    options: Options | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    partition_size: int = DEFAULT_PARTITION_SIZE,
    workers: int | None = None,
    manifest: str | Path | None = None,
    analyze: bool = True,
    progress: Progress | None = None,
) -> BatchResult:
    """Analyse ``inputs`` partition by partition into Parquet under ``out`` (resumable)."""
    options = options or Options.build()
    started = time.perf_counter()
    out = Path(out)
    the_plan = plan(inputs, options, partition_size, manifest, analyze)
    _check_plan(out, the_plan)
    # Temporary files of a killed run; one batch at a time writes to a directory.
    for stale in out.rglob(".*.tmp"):
        stale.unlink(missing_ok=True)
    ingest = [
        IngestTask(
            n,
            tuple(files),
            str(out),
            options,
            frozenset(the_plan.explicit),
            the_plan.manifest,
            the_plan.manifest_root,
        )
        for n, files in enumerate(the_plan.partitions)
    ]
    runner = make_engine(engine, scheduler, workers)
    try:
        summaries = _run("ingest", runner.map(run_ingest, ingest), len(ingest), progress)
        clustered = cluster(out, ingest, options, partition_size)
        if progress:
            progress("stories", 1, 1)
        analysis = [AnalysisTask(n, str(out), options, analyze) for n in range(clustered.number)]
        summaries += _run("analysis", runner.map(run_analysis, analysis), len(analysis), progress)
    finally:
        runner.close()
    return _result(out, summaries, clustered, time.perf_counter() - started)


def _run(phase: str, results: Any, total: int, progress: Progress | None) -> list[PartitionSummary]:
    done = []
    for summary in results:
        done.append(summary)
        log.info(
            "%s partition %d done (%d articles%s)",
            phase,
            summary.number,
            summary.articles,
            ", from an earlier run" if summary.skipped else "",
        )
        if progress:
            progress(phase, len(done), total)
    return sorted(done, key=lambda s: s.number)


def _result(
    out: Path, summaries: list[PartitionSummary], clustered: PartitionSummary, seconds: float
) -> BatchResult:
    timings: dict[str, float] = {}
    issues: list[Issue] = []
    for s in [*summaries, clustered]:
        prefix = "cluster." if s.phase == "cluster" else ""
        for name, value in s.timings.items():
            timings[prefix + name] = timings.get(prefix + name, 0.0) + value
        issues += s.issues
    every = [*summaries, clustered]
    return BatchResult(
        out=str(out),
        articles=clustered.articles,
        stories=clustered.counts.get("stories", 0),
        partitions=clustered.number,
        resumed=sum(1 for s in every if s.skipped),
        seconds=seconds,
        timings=timings,
        issues=issues,
    )


def partitions(out: str | Path) -> list[Path]:
    """The analysis partition directories of a batch, checking that the batch finished."""
    out = Path(out)
    if not (out / "plan.json").exists():
        raise ParallaxError(f"{out} is not a batch output directory (no plan.json)")
    if not (out / "cluster.done").exists():
        raise ParallaxError(f"the batch in {out} did not finish: run `parallax batch` again with --out {out}")
    count = PartitionSummary.from_dict(layout.read_json(out / "cluster.done")).number
    dirs = [out / "analysis" / layout.part_name(n) for n in range(count)]
    unfinished = [d.name for d in dirs if not (d / "done").exists()]
    if unfinished:
        raise ParallaxError(
            f"the batch in {out} did not finish ({len(unfinished)} partitions left): "
            f"run `parallax batch` again with --out {out}"
        )
    return dirs


def read_partition(directory: Path) -> Corpus:
    """One finished analysis partition as a Corpus, with everything the analysis found."""
    from .load import attach_records

    corpus = load_partition(directory)
    marker = PartitionSummary.from_dict(layout.read_json(directory / "done"))
    attach_records(corpus, layout.read_rows(directory / "records.parquet"))
    corpus.provided |= set(marker.provided)
    corpus.issues = list(marker.issues)
    return corpus


def load(out: str | Path, store: Any, progress: Progress | None = None) -> LoadResult:
    """Import a finished batch into ``store``: Store.save per partition, one transaction each."""
    from .load import save_index

    dirs = partitions(out)
    totals = LoadResult(0, 0, 0, len(dirs))
    for number, directory in enumerate(dirs):
        corpus = read_partition(directory)
        with store.transaction():
            store.save(corpus)
            save_index(store, directory)
        totals.articles += len(corpus.articles)
        totals.stories += len(corpus.stories)
        totals.records += sum(
            PartitionSummary.from_dict(layout.read_json(directory / "done")).counts.values()
        )
        if progress:
            progress("load", number + 1, len(dirs))
    return totals
