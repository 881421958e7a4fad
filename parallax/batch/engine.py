"""Where partition tasks run: in this process, or on a Dask cluster.

The Dask engine starts a ``distributed.LocalCluster`` (worker processes with
one thread each: the NLP models are CPU-bound and hold the GIL) unless given
the address of a running scheduler. Results are collected as tasks finish, so
a failed task surfaces as soon as it fails, and the tasks' outputs are
already on disk.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from ..errors import ParallaxError

T = TypeVar("T")
R = TypeVar("R")

ENGINES = ("local", "dask")
# Worker settings for the LocalCluster Parallax starts (a cluster given by address keeps its own).
# Dask's defaults cost the NLP tasks about a quarter of their speed: its statistical
# profiler samples the task thread every 10 ms under the GIL, and its small
# MALLOC_TRIM_THRESHOLD_ makes glibc return memory after nearly every spaCy batch.
LOCAL_WORKER_CONFIG: dict[str, Any] = {
    "distributed.worker.profile.enabled": False,
    "distributed.nanny.pre-spawn-environ": {
        "OMP_NUM_THREADS": 1,
        "MKL_NUM_THREADS": 1,
        "OPENBLAS_NUM_THREADS": 1,
    },
}


class LocalEngine:
    name = "local"

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
        for item in items:
            yield fn(item)

    def close(self) -> None:
        pass


class DaskEngine:
    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int | None = None):
        try:
            import dask.config
            from distributed import Client, LocalCluster
        except ImportError:
            raise ParallaxError(
                "the dask engine needs dask[distributed]: pip install 'dask[distributed]'"
            ) from None
        self.cluster: Any = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout="30s")
            except OSError as exc:
                raise ParallaxError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        else:
            n = workers or max(1, (os.cpu_count() or 2))
            with dask.config.set(LOCAL_WORKER_CONFIG):
                self.cluster = LocalCluster(
                    n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
                )
            self.client = Client(self.cluster)

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
        from distributed import as_completed

        if not items:
            return
        # pure=False: a re-run must execute again (it skips finished partitions itself).
        futures = self.client.map(fn, list(items), pure=False)
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_engine(
    engine: str, scheduler: str | None = None, workers: int | None = None
) -> LocalEngine | DaskEngine:
    if engine == "local":
        if scheduler:
            raise ParallaxError("--scheduler needs --engine dask")
        return LocalEngine()
    if engine == "dask":
        return DaskEngine(scheduler, workers)
    raise ParallaxError(f"unknown engine {engine!r}: use {' or '.join(ENGINES)}")
