"""The per-story analysis on several cores: a process pool over chunks of whole stories.

spaCy's parse is three quarters of the analysis and holds the GIL, so the
speed-up comes from processes. Each worker loads the models once and runs
the same analysis stages as one process would, chunk by chunk; the parent
merges the chunks in their order, so the records are the same as a
one-process run's (every stage works story by story, and each chunk gets its
own embedding cache wherever it runs).
"""

from __future__ import annotations

import math
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .options import Options
from .pipeline import Corpus, Pipeline

# Below this many articles a pool costs more (a few seconds to start and load the models
# in each worker) than it saves.
PARALLEL_MIN_ARTICLES = 120
# Chunks per worker when the analysis runs in parallel: enough that uneven stories even out.
CHUNKS_PER_WORKER = 4
MIN_CHUNK = 20
# Each worker runs single-threaded: two workers with BLAS or torch threads each would
# fight over the same cores.
_SINGLE_THREAD = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                  "TOKENIZERS_PARALLELISM": "false"}


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(requested: int, articles: int) -> int:
    """Processes to use: ``requested``, or with 0 one per core unless the run is too small to gain."""
    if requested:
        return max(1, requested)
    return 1 if articles < PARALLEL_MIN_ARTICLES else cpu_count()


def balanced_chunk(chunk: int, articles: int, workers: int) -> int:
    """A chunk size that gives each worker several chunks, so that one big chunk does not finish last."""
    return min(chunk, max(MIN_CHUNK, math.ceil(articles / (workers * CHUNKS_PER_WORKER))))


def map_parts(
    parts: Sequence[Corpus], options: Options, provided: set[str], workers: int
) -> Iterator[Corpus]:
    """Each part through the analysis stages in a pool of ``workers`` processes, results in part order."""
    context = multiprocessing.get_context("spawn")  # forking a process that holds torch threads can hang
    with _environ(_SINGLE_THREAD):
        pool = context.Pool(min(workers, len(parts)), _start, (options, sorted(provided)))
    try:
        yield from pool.imap(_run_part, parts, chunksize=1)
        pool.close()
    finally:
        pool.terminate()
        pool.join()


@contextmanager
def _environ(values: dict[str, str]) -> Iterator[None]:
    """``values`` in the environment while the pool starts (spawned children copy it)."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


# The worker's job, set once per worker process by the pool's initializer (process-local by design).
_job: dict[str, Any] = {}


def _start(options: Options, provided: list[str]) -> None:
    from .nlp.spacy import load_spacy

    load_spacy(options.spacy_model)  # loaded before the first chunk, not inside its timing
    _job["options"] = options
    _job["provided"] = set(provided)


def _run_part(part: Corpus) -> Corpus:
    from .analyze import analysis_stages

    options: Options = _job["options"]
    done = Pipeline(analysis_stages(options), _job["provided"])(part)
    done.docs = {}  # spaCy docs stay in the worker: the records point at the text by span
    return done
