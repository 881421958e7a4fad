"""Throughput of ingest + Dedup + Stories at 1k / 10k / 100k articles on 2 cores.

Corpora are made from real BBC text (``../shared/eval/corpus/bbc``): each
synthetic story takes a BBC article as its event and a date; its articles are
rewrites of that article (sentences dropped and reordered, sentences borrowed
from other articles of the same BBC topic, ~10% of words swapped for other
corpus words, a new headline), published within two days. Some events recur
months apart (same topic, different story), and ~3% of articles are wire
copies of an earlier one. The corpus is written to a JSON Lines file first;
the timed run reads it back through the front stages (Ingest, Clean,
Metadata, Outlets), then Dedup and Stories, as ``parallax analyze`` would.
Each size runs in a fresh process so peak memory (max RSS) is its own.

    python -m benchmarks.bench_stories                 # 1k and 10k
    python -m benchmarks.bench_stories --sizes 1000,10000,100000
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BBC = Path(os.environ.get("PARALLAX_EVAL_DIR", ROOT.parent / "shared" / "eval")) / "corpus" / "bbc"
RESULTS = Path(__file__).with_name("results_stories.md")
CORES = 2


def _pin() -> None:
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "RAYON_NUM_THREADS"):
        os.environ[var] = str(CORES)
    if hasattr(os, "sched_setaffinity"):
        cpus = sorted(os.sched_getaffinity(0))[:CORES]
        os.sched_setaffinity(0, cpus)


def make_corpus(n: int, seed: int = 7) -> tuple[list, dict[str, str]]:
    """``n`` articles from recombined BBC text, and their gold story labels."""
    from parallax.eval.stories import load_bbc
    from parallax.records import Article

    rng = random.Random(seed)
    base = load_bbc(BBC)
    by_topic: dict[str, list] = {}
    for art in base:
        by_topic.setdefault(art.id.split("-")[1], []).append(art)
    vocab = sorted({w for art in base[::7] for w in art.text.split() if w.isalpha() and w.islower()})
    start = dt.date(2020, 1, 1)
    articles: list[Article] = []
    gold: dict[str, str] = {}
    story = 0
    while len(articles) < n:
        event = rng.choice(base)
        topic = by_topic[event.id.split("-")[1]]
        day = start + dt.timedelta(days=rng.randrange(730))
        for k in range(min(rng.randint(1, 6), n - len(articles))):
            aid = f"syn{len(articles):07d}"
            published = (day + dt.timedelta(days=rng.randint(0, 2))).isoformat()
            if articles and k and rng.random() < 0.03:
                outlet = f"outlet{rng.randrange(50)}"
                art = dataclasses.replace(articles[-1], id=aid, published=published, outlet=outlet)
            else:
                art = _rewrite(rng, event, rng.choice(topic), vocab, aid, published)
            articles.append(art)
            gold[aid] = f"story{story}"
        story += 1
    return articles, gold


def _rewrite(rng: random.Random, event, other, vocab: list[str], aid: str, published: str):
    from parallax.records import Article
    from parallax.stages.dedup import sentence_bounds

    def sentences(art) -> list[str]:
        return [art.text[s:e] for s, e in sentence_bounds(art.text)]

    own = [s for s in sentences(event) if rng.random() < 0.8]
    borrowed = rng.sample(sentences(other), min(2, len(sentences(other))))
    body = own[:2] + sorted(own[2:] + borrowed, key=lambda _: rng.random())
    words = " ".join(body).split()
    words = [rng.choice(vocab) if rng.random() < 0.1 else w for w in words]
    paras = [" ".join(words[i : i + 60]) for i in range(0, len(words), 60)] or [event.text]
    title = " ".join(w if rng.random() > 0.2 else rng.choice(vocab) for w in (event.title or "").split())
    return Article(id=aid, source=f"bench/{aid}", paragraphs=paras, title=title, published=published,
                   outlet=f"outlet{rng.randrange(50)}")


def write_jsonl(articles: list, path: Path) -> dict[str, str]:
    """The corpus as JSON Lines; returns each article's URL by its generator id (URLs survive ingest)."""
    urls = {}
    with path.open("w", encoding="utf-8") as fh:
        for art in articles:
            urls[art.id] = f"https://{art.outlet}.example/news/{art.id}"
            row = {"url": urls[art.id], "title": art.title, "date": art.published, "outlet": art.outlet,
                   "text": "\n\n".join(art.paragraphs)}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return urls


def run_one(n: int, embedder: str) -> dict[str, float]:
    _pin()
    from parallax.analyze import front_stages
    from parallax.eval.stories import bcubed
    from parallax.options import Options
    from parallax.pipeline import Corpus, Pipeline
    from parallax.stages.dedup import Dedup
    from parallax.stages.stories import Stories

    articles, gold = make_corpus(n)
    options = Options.build(embedder=embedder, progress=False)
    stories = Stories(options)
    _ = stories.embedder  # model loading is a one-off, not per-article cost
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.jsonl"
        urls = write_jsonl(articles, path)
        del articles
        t0 = time.perf_counter()
        corpus = Pipeline(front_stages(options))(Corpus(inputs=[str(path)]))
        t1 = time.perf_counter()
        corpus = Dedup(options)(corpus)
        t2 = time.perf_counter()
        corpus = stories(corpus)
        t3 = time.perf_counter()
    by_url = {a.url: a.id for a in corpus.articles}
    gold = {by_url[urls[gid]]: story for gid, story in gold.items() if urls[gid] in by_url}
    predicted = {aid: s.id for s in corpus.stories for aid in s.article_ids}
    p, r = bcubed(predicted, gold)
    return {
        "articles": n,
        "ingest_s": t1 - t0,
        "dedup_s": t2 - t1,
        "stories_s": t3 - t2,
        "total_s": t3 - t0,
        "per_s": n / (t3 - t0),
        "us_per_article": 1e6 * (t3 - t0) / n,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "duplicates": sum(1 for x in corpus.reuse if x.kind == "duplicate"),
        "passages": sum(1 for x in corpus.reuse if x.kind == "passage"),
        "stories": len(corpus.stories),
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
    }


def markdown(rows: list[dict[str, float]], embedder: str) -> str:
    lines = [
        "## Stories: ingest + dedup + clustering throughput",
        "",
        "Ingest (JSON Lines through Ingest, Clean, Metadata, Outlets) + Dedup + Stories, "
        f"embedder `{embedder}`, pinned to {CORES} cores, synthetic corpora recombined from "
        "BBC text (see benchmarks/bench_stories.py). Model loading excluded; times include embedding.",
        "",
        "| articles | ingest s | dedup s | stories s | articles/s | µs/article | peak RSS MB | duplicates "
        "| passages | stories | B-cubed F1 |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['articles']:,} | {r['ingest_s']:.1f} | {r['dedup_s']:.1f} | {r['stories_s']:.1f} | "
            f"{r['per_s']:.0f} | "
            f"{r['us_per_article']:.0f} | {r['peak_mb']:.0f} | {r['duplicates']:,} | {r['passages']:,} | "
            f"{r['stories']:,} | {r['f1']:.3f} |"
        )
    if len(rows) > 1:
        growth = rows[-1]["us_per_article"] / rows[0]["us_per_article"]
        size = rows[-1]["articles"] / rows[0]["articles"]
        lines += ["", f"Per-article cost grows {growth:.2f}x while the corpus grows {size:.0f}x."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--embedder", default="model2vec")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one, args.embedder)))
        return
    rows = []
    for n in (int(x) for x in args.sizes.split(",")):
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_stories", "--one", str(n), "--embedder", args.embedder],
            cwd=ROOT, capture_output=True, text=True, check=True,
        )
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), flush=True)
    text = markdown(rows, args.embedder)
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
