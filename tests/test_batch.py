"""Batch runs over partitions: same stories as one process, resumable, loadable."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from parallax.analyze import front_stages, story_stages
from parallax.batch import batch, load, partitions
from parallax.errors import ParallaxError
from parallax.options import Options
from parallax.pipeline import Corpus, Pipeline
from parallax.store import Store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def fast_options() -> Options:
    return Options.build(embedder="hashing", progress=False)


def _sample(eval_dir: Path, dest: Path, per_topic: int) -> Path:
    """A few BBC articles per topic, copied so that the test owns the directory."""
    for topic in ("business", "politics", "sport", "tech"):
        files = sorted((eval_dir / "corpus" / "bbc" / topic).glob("*.txt"))[:per_topic]
        (dest / topic).mkdir(parents=True, exist_ok=True)
        for f in files:
            shutil.copy(f, dest / topic / f.name)
    return dest


def _single_process(inputs: list[str], options: Options) -> set[frozenset[str]]:
    corpus = Pipeline([*front_stages(options), *story_stages(options)])(Corpus(inputs=inputs))
    return {frozenset(s.article_ids) for s in corpus.stories}


def _batch_stories(out: Path) -> set[frozenset[str]]:
    found = set()
    for part in partitions(out):
        for row in pq.read_table(part / "stories.parquet", columns=["article_ids"]).to_pylist():
            found.add(frozenset(row["article_ids"]))
    return found


def _snapshot(out: Path) -> dict[str, list[dict]]:
    """Every analysis table's rows, keyed by partition file, to compare two runs."""
    snap = {}
    for part in partitions(out):
        for name in ("articles", "stories", "records", "index"):
            rows = pq.read_table(part / f"{name}.parquet").to_pylist()
            snap[f"{part.name}/{name}"] = sorted(rows, key=repr)
    return snap


def test_batch_matches_single_process_and_loads(tmp_path, eval_dir, fast_options):
    src = _sample(eval_dir, tmp_path / "in", 40)
    out = tmp_path / "out"
    result = batch([src], out, fast_options, partition_size=30, analyze=False)
    assert result.articles > 100 and result.partitions > 1 and result.resumed == 0
    assert (out / "ingest" / "part-00005.done").exists()  # 160 files in partitions of 30
    assert _batch_stories(out) == _single_process([str(src)], fast_options)
    store = Store.open(":memory:")
    loaded = load(out, store)
    assert (loaded.articles, loaded.stories) == (result.articles, result.stories)
    assert store.count("articles") == result.articles and store.count("stories") == result.stories
    rows = store.query("SELECT COUNT(*) AS n FROM story_index")
    assert rows[0]["n"] == result.articles  # a later `analyze` extends these stories
    load(out, store)  # loading twice changes nothing
    assert store.count("stories") == result.stories


def test_rerun_skips_finished_and_redoes_deleted(tmp_path, eval_dir, fast_options):
    src = _sample(eval_dir, tmp_path / "in", 15)
    out = tmp_path / "out"
    first = batch([src], out, fast_options, partition_size=20, analyze=False)
    before = _snapshot(out)
    again = batch([src], out, fast_options, partition_size=20, analyze=False)
    assert again.resumed == first.partitions + len(list((out / "ingest").glob("*.done"))) + 1
    for lost in (
        "ingest/part-00001.done",
        "ingest/part-00001.parquet",
        "analysis/part-00001/done",
        "analysis/part-00001/records.parquet",
    ):
        (out / lost).unlink()
    third = batch([src], out, fast_options, partition_size=20, analyze=False)
    assert third.resumed == again.resumed - 2
    assert _snapshot(out) == before


def test_other_inputs_into_same_directory_refused(tmp_path, eval_dir, fast_options):
    src = _sample(eval_dir, tmp_path / "in", 3)
    out = tmp_path / "out"
    batch([src / "tech"], out, fast_options, partition_size=5, analyze=False)
    with pytest.raises(ParallaxError, match="other inputs or settings"):
        batch([src / "sport"], out, fast_options, partition_size=5, analyze=False)
    with pytest.raises(ParallaxError, match="not a batch output"):
        load(tmp_path / "in", Store.open(":memory:"))


def test_killed_batch_resumes_to_the_same_result(tmp_path, eval_dir):
    src = _sample(eval_dir, tmp_path / "in", 30)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PARALLAX_EMBEDDER": "hashing"}
    cmd = [
        sys.executable,
        "-m",
        "parallax.cli",
        "batch",
        str(src),
        "--out",
        str(tmp_path / "out"),
        "--partition-size",
        "10",
        "--stories-only",
    ]
    proc = subprocess.Popen(
        cmd, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    # Kill it hard once some, not all, ingest partitions are finished.
    while not list((tmp_path / "out" / "ingest").glob("*.done")) and time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = list((tmp_path / "out" / "ingest").glob("*.done"))
    assert 0 < len(done) < 12, "the batch should have been killed part-way"
    assert not (tmp_path / "out" / "cluster.done").exists()
    rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert "finished earlier" in rerun.stdout
    fresh = subprocess.run(
        [*cmd[:6], str(tmp_path / "fresh"), *cmd[7:]], env=env, capture_output=True, text=True, timeout=300
    )
    assert fresh.returncode == 0, fresh.stderr
    assert _snapshot(tmp_path / "out") == _snapshot(tmp_path / "fresh")
    assert not list((tmp_path / "out").rglob("*.tmp"))  # the killed run's temporary files are cleared
    db = tmp_path / "loaded.db"
    loaded = subprocess.run(
        [sys.executable, "-m", "parallax.cli", "load", str(tmp_path / "out"), "--db", str(db)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert loaded.returncode == 0, loaded.stderr
    with Store.open(str(db)) as store:
        assert store.count("articles") == sum(len(p) for p in _batch_stories(tmp_path / "out"))


def test_full_analysis_records_load_into_store(tmp_path, example_dir, fast_options):
    out = tmp_path / "out"
    result = batch([example_dir], out, fast_options, partition_size=2)
    assert result.articles >= 5
    store = Store.open(":memory:")
    loaded = load(out, store)
    assert loaded.records > 0
    stories = store.stories()
    assert {aid for s in stories for aid in s.article_ids} == store.article_ids()
    biggest = max(stories, key=lambda s: len(s.article_ids))
    story = store.load_story(biggest.id)
    assert story.quotes and story.mentions  # the analysis ran and its records round-tripped


@pytest.mark.slow
def test_dask_engine_matches_local(tmp_path, eval_dir, fast_options):
    src = _sample(eval_dir, tmp_path / "in", 20)
    batch([src], tmp_path / "local", fast_options, partition_size=15, analyze=False)
    result = batch(
        [src], tmp_path / "dask", fast_options, engine="dask", workers=2, partition_size=15, analyze=False
    )
    assert result.articles > 50
    assert _snapshot(tmp_path / "dask") == _snapshot(tmp_path / "local")


@pytest.mark.slow
def test_stories_equal_single_process_on_2000_bbc(tmp_path, eval_dir):
    options = Options.build(embedder="model2vec", progress=False)
    files = sorted((eval_dir / "corpus" / "bbc").rglob("*.txt"))[:2000]
    src = tmp_path / "in"
    for f in files:
        (src / f.parent.name).mkdir(parents=True, exist_ok=True)
        shutil.copy(f, src / f.parent.name / f.name)
    result = batch(
        [src], tmp_path / "out", options, engine="dask", workers=2, partition_size=250, analyze=False
    )
    assert result.articles > 1800
    assert _batch_stories(tmp_path / "out") == _single_process([str(src)], options)


def test_streamed_cleaning_sees_templates_across_partitions(tmp_path, eval_dir, fast_options):
    """A site banner once per partition is still a template: the driver learns it from every partition."""
    src = tmp_path / "in"
    src.mkdir()
    banner = "Follow our live coverage on the app"
    for n, path in enumerate(sorted((eval_dir / "corpus" / "bbc" / "tech").glob("*.txt"))[:12]):
        title, _, body = path.read_text(encoding="utf-8", errors="replace").partition("\n")
        (src / f"{n:02d}.txt").write_text(f"{title}\n\n{banner}\n\n{body}", encoding="utf-8")
    out = tmp_path / "out"
    batch([src], out, fast_options, partition_size=1, analyze=False)
    single = Pipeline(front_stages(fast_options))(Corpus(inputs=[str(src)]))
    written = {}
    for part in partitions(out):
        for row in pq.read_table(part / "articles.parquet", columns=["id", "data"]).to_pylist():
            written[row["id"]] = row["data"]
    assert len(written) == len(single.articles) == 12
    for art in single.articles:
        assert banner in art.boilerplate
        assert json.loads(written[art.id]) == art.as_dict()
    assert not list(out.glob("*.sqlite"))  # the driver's spill is scratch, removed when done


def test_reuse_in_partitions_equals_single_process(tmp_path, eval_dir, fast_options):
    """The driver streams Dedup's reuse to disk; each partition still gets every record touching it."""
    src = tmp_path / "in"
    src.mkdir()
    bodies = []
    for n, path in enumerate(sorted((eval_dir / "corpus" / "bbc" / "business").glob("*.txt"))[:16]):
        title, _, body = path.read_text(encoding="utf-8", errors="replace").partition("\n")
        bodies.append(body.strip().split("\n\n"))
        (src / f"{n:02d}.txt").write_text(f"{title}\n\n{body}", encoding="utf-8")
    for k in (2, 9):  # wire copies: a new headline, the last paragraph dropped
        (src / f"copy{k}.txt").write_text("Wire: " + "\n\n".join(bodies[k][:-1]), encoding="utf-8")
    # One article lifting two paragraphs of another into its own text.
    lifted = bodies[5][:1] + bodies[12][1:3] + bodies[5][3:]
    (src / "lifted.txt").write_text("Markets react\n\n" + "\n\n".join(lifted), encoding="utf-8")
    out = tmp_path / "out"
    batch([src], out, fast_options, partition_size=3, analyze=False)
    single = Pipeline([*front_stages(fast_options), *story_stages(fast_options)])(Corpus(inputs=[str(src)]))
    assert {r.kind for r in single.reuse} == {"duplicate", "passage"}
    written = set()
    for part in partitions(out):
        ids = {r["id"] for r in pq.read_table(part / "articles.parquet", columns=["id"]).to_pylist()}
        rows = pq.read_table(part / "reuse.parquet", columns=["data"]).to_pylist()
        found = [json.loads(row["data"]) for row in rows]
        touching = [r.as_dict() for r in single.reuse if {r.source.article_id, r.target.article_id} & ids]
        assert found == touching  # the same records, in the same order
        written |= {json.dumps(r, sort_keys=True) for r in found}
    assert len(written) == len(single.reuse)
