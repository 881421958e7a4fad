"""End-to-end throughput and peak memory of the full analysis, one process vs Dask.

``python -m benchmarks.bench_pipeline [--sizes 1000,10000] [--embedder model2vec]``

Inputs are BBC News articles from ``../shared/eval/corpus/bbc``. Sizes above
the corpus (2,225 files) are reached by recombination: each extra article
joins the first half of one article with the second half of another of the
same topic, so it is new text (not a duplicate the Dedup stage would fold
away) on a realistic topic mix. Each configuration runs in its own process
tree; peak memory is the largest summed RSS of that tree (driver plus Dask
workers), sampled every 0.1 s.

Configurations: ``single`` = ``parallax.analyze`` in one process (``workers=1``);
``analyze-2`` = ``parallax.analyze`` with its per-story analysis on 2 worker
processes (what ``parallax analyze`` does by default on 2 cores); ``batch-local``
= ``parallax.batch`` with the local engine (partitioned, one process);
``dask-2`` = ``parallax.batch`` on a LocalCluster of 2 worker processes, one
thread each; ``dask-2-stories`` = the same batch without the per-story
analysis (ingest, cleaning, dedup and story clustering only), to measure
the driver's corpus-wide phase at sizes where the full analysis would take
hours. Results go to ``benchmarks/results_pipeline.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BBC = Path(os.environ.get("PARALLAX_EVAL_DIR", ROOT.parent / "shared" / "eval")) / "corpus" / "bbc"
CONFIGS = ("single", "analyze-2", "batch-local", "dask-2", "dask-2-stories")
DEFAULT_CONFIGS = ("single", "analyze-2", "dask-2")
# Articles per batch partition: small enough that two workers' loads even out.
PARTITION = 100


@dataclass(slots=True)
class Run:
    articles: int
    stories: int
    seconds: float
    timings: dict[str, float]
    peak_mib: float = 0.0
    driver_mib: float = 0.0  # the root process alone (for batch runs: the driver)

    @property
    def rate(self) -> float:
        return self.articles / self.seconds


def _articles() -> list[tuple[str, str, list[str]]]:
    out = []
    for path in sorted(BBC.rglob("*.txt")):
        lines = [ln.strip() for ln in path.read_text(encoding="utf-8", errors="replace").splitlines()]
        paras = [ln for ln in lines[1:] if ln]
        if lines and paras:
            out.append((path.parent.name, lines[0], paras))
    return out


def make_corpus(n: int, dest: Path) -> None:
    """``n`` article files under ``dest``: the BBC articles, then same-topic recombinations."""
    base = _articles()
    by_topic: dict[str, list[int]] = {}
    for i, (topic, _, _) in enumerate(base):
        by_topic.setdefault(topic, []).append(i)
    for k in range(n):
        topic, title, paras = base[k % len(base)]
        if k >= len(base):
            peers = by_topic[topic]
            other = base[peers[(peers.index(k % len(base)) + k // len(base)) % len(peers)]][2]
            paras = paras[: max(1, len(paras) // 2)] + other[len(other) // 2 :]
            title = f"{title} ({k // len(base)})"
        folder = dest / topic / f"{k // 1000:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{k:06d}.txt").write_text(title + "\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")


def child(config: str, src: str, out: str, embedder: str) -> Run:
    """Run one configuration in this process; return counts and stage timings."""
    sys.path.insert(0, str(ROOT))
    from parallax.options import Options

    options = Options.build(embedder=embedder, progress=False)
    started = time.perf_counter()
    if config in ("single", "analyze-2"):
        from parallax.analyze import analyze

        # The whole pipeline as `parallax analyze` runs it without a database: in one process,
        # or with the per-story analysis on two worker processes (its default on 2 cores).
        corpus = analyze([src], options.replace(workers=1 if config == "single" else 2))
        return Run(len(corpus.articles), len(corpus.stories), time.perf_counter() - started, corpus.timings)
    from parallax.batch import batch

    engine, workers = ("dask", 2) if config.startswith("dask-2") else ("local", None)
    result = batch([src], out, options, engine=engine, workers=workers, partition_size=PARTITION,
                   analyze=config != "dask-2-stories")
    return Run(result.articles, result.stories, time.perf_counter() - started, result.timings)


def _tree_rss(pid: int) -> tuple[int, int]:
    """Summed RSS of the process tree, and of its root alone."""
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0, 0
    total = root = 0
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            rss = p.memory_info().rss
            total += rss
            root = rss if p.pid == pid else root
    return total, root


def measure(config: str, src: Path, work: Path, embedder: str) -> Run:
    out = work / f"out-{config}"
    shutil.rmtree(out, ignore_errors=True)
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.bench_pipeline",
        "--child",
        config,
        "--src",
        str(src),
        "--out",
        str(out),
        "--embedder",
        embedder,
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    peak = [0, 0]

    def sample() -> None:
        while proc.poll() is None:
            total, root = _tree_rss(proc.pid)
            peak[0], peak[1] = max(peak[0], total), max(peak[1], root)
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, _ = proc.communicate()
    sampler.join()
    if proc.returncode:
        raise SystemExit(f"{config} failed with exit code {proc.returncode}")
    result = Run(**json.loads(stdout.strip().splitlines()[-1]))
    result.peak_mib, result.driver_mib = peak[0] / 2**20, peak[1] / 2**20
    return result


def _top_stages(timings: dict[str, float], n: int = 6) -> str:
    total = sum(timings.values()) or 1.0
    top = sorted(timings.items(), key=lambda kv: -kv[1])[:n]
    return ", ".join(f"{name} {sec:.1f}s ({100 * sec / total:.0f}%)" for name, sec in top)


def report(rows: list[tuple[int, str, Run]], embedder: str) -> str:
    lines = [
        "## Pipeline throughput (`benchmarks/bench_pipeline.py`)",
        "",
        f"Full analysis (front, stories, every analysis stage) of BBC News text, embedder `{embedder}`, "
        f"{os.cpu_count()} cores. Peak memory = summed RSS of the process tree.",
        "",
        "| articles | configuration | stories | seconds | articles/s | vs single | peak MiB | driver MiB |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    base = {n: r.rate for n, config, r in rows if config == "single"}
    for n, config, r in rows:
        speed = f"{r.rate / base[n]:.2f}x" if n in base and config != "dask-2-stories" else "-"
        lines.append(
            f"| {n} | {config} | {r.stories} | {r.seconds:.1f} | {r.rate:.1f} | {speed} | {r.peak_mib:.0f} "
            f"| {r.driver_mib:.0f} |"
        )
    lines += ["", "Where the time goes (stage seconds; batch runs: summed over partitions and workers):", ""]
    lines += [f"- {n} {config}: {_top_stages(r.timings)}" for n, config, r in rows]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000", help="comma-separated article counts (e.g. 1000,10000)")
    parser.add_argument("--configs", default=",".join(DEFAULT_CONFIGS), help="of: " + ", ".join(CONFIGS))
    parser.add_argument("--embedder", default="model2vec", choices=["minilm", "model2vec", "hashing"])
    parser.add_argument("--child", choices=CONFIGS)
    parser.add_argument("--src")
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(asdict(child(args.child, args.src, args.out, args.embedder))))
        return 0
    if not BBC.is_dir():
        print(f"BBC corpus not found at {BBC}", file=sys.stderr)
        return 1
    rows = []
    with tempfile.TemporaryDirectory(prefix="parallax-bench-") as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            src = Path(tmp) / f"corpus-{n}"
            make_corpus(n, src)
            for config in args.configs.split(","):
                result = measure(config, src, Path(tmp), args.embedder)
                print(
                    f"{n} {config}: {result.articles} articles in {result.seconds:.1f}s, "
                    f"peak {result.peak_mib:.0f} MiB",
                    flush=True,
                )
                rows.append((n, config, result))
    text = report(rows, args.embedder)
    (HERE / "results_pipeline.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
