"""Crash safety: the store consistency check, and kill -9 during `parallax analyze`."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from parallax.pipeline import Corpus
from parallax.records import Article, Claim, Quote, Span, Story
from parallax.store import Store
from parallax.store.check import check_store

ROOT = Path(__file__).resolve().parent.parent


def _corpus() -> Corpus:
    arts = [Article(id=f"a{i}", source=f"{i}.txt", paragraphs=[f"Paragraph {i} says that talks failed."])
            for i in range(4)]
    stories = [Story(id="s1", article_ids=["a0", "a1"]), Story(id="s2", article_ids=["a2", "a3"])]
    corpus = Corpus(articles=arts, stories=stories)
    corpus.quotes = [Quote(id=f"q{i}", article_id=a.id, span=Span(a.id, 0, 9), text="Paragraph")
                     for i, a in enumerate(arts)]
    corpus.claims = [Claim(id="c0", span=Span("a0", 12, 20), text="says")]
    corpus.provided |= {"articles", "stories", "quotes", "claims"}
    return corpus


def test_check_store_passes_a_consistent_store(store):
    assert check_store(store) == []  # empty store
    store.save(_corpus())
    assert check_store(store) == []


def test_check_store_finds_each_kind_of_damage(store):
    store.save(_corpus())
    store.execute("DELETE FROM articles WHERE id = ?", ("a1",))  # s1 now links a missing article
    # a0 now in two stories
    store.execute("INSERT INTO story_articles (story_id, article_id) VALUES (?, ?)", ("s2", "a0"))
    store.execute("INSERT INTO story_articles (story_id, article_id) VALUES (?, ?)", ("ghost", "a2"))
    store.execute(
        "INSERT INTO records (kind, id, story_id, article_id, data) VALUES (?, ?, ?, ?, ?)",
        ("quotes", "qx", None, "a9", json.dumps({"span": {"article_id": "a3", "start": 0, "end": 9999}})),
    )
    store.execute("INSERT INTO records (kind, id, story_id, article_id, data) VALUES (?, ?, ?, ?, ?)",
                  ("claim_groups", "g", "nostory", None, "not json"))
    problems = "\n".join(check_store(store))
    assert "story s1 links missing article a1" in problems
    assert "article a0 belongs to 2 stories" in problems
    assert "article a2 is linked to missing story ghost" in problems
    assert "quotes record qx points to missing article a9" in problems
    assert "past the end of its text" in problems
    assert "claim_groups record g points to missing story nostory" in problems
    assert "holds no valid JSON" in problems
    assert "story s2 lists 2 articles but 3 are linked" in problems


def test_check_store_finds_orphans_and_empty_stories(store):
    store.save(_corpus())
    store.execute("DELETE FROM story_articles WHERE story_id = ?", ("s2",))
    problems = check_store(store)
    assert "story s2 has no articles" in problems
    assert {"article a2 belongs to no story", "article a3 belongs to no story"} <= set(problems)


def test_check_store_caps_repeated_problems(store):
    arts = [Article(id=f"x{i}", source=f"{i}.txt", paragraphs=["text"]) for i in range(60)]
    store.save_articles(arts)  # sixty articles in no story
    problems = check_store(store)
    assert len(problems) == 21 and problems[-1].startswith("... and 40 more")


# -- kill -9 ----------------------------------------------------------------------


def _inputs(eval_dir: Path, tmp: Path, n: int, offset: int = 0) -> Path:
    out = tmp / f"in{offset}"
    out.mkdir()
    for topic in ("business", "politics", "sport"):
        files = sorted((eval_dir / "corpus" / "bbc" / topic).glob("*.txt"))[offset : offset + n]
        for f in files:
            shutil.copy(f, out / f"{topic}-{f.name}")
    return out


def _command(inputs: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "parallax.cli", "analyze", str(inputs), "--db", str(db),
            "--embedder", "hashing", "--quiet"]


def _run(inputs: Path, db: Path) -> float:
    started = time.monotonic()
    done = subprocess.run(_command(inputs, db), env=_clean_env(), capture_output=True, text=True, timeout=400)
    assert done.returncode == 0, done.stderr
    return time.monotonic() - started


def _clean_env() -> dict[str, str]:
    # A developer's PARALLAX_* settings must not change what the test runs.
    return {k: v for k, v in os.environ.items() if not k.startswith("PARALLAX_")} | {"PYTHONPATH": str(ROOT)}


def _kill_after(inputs: Path, db: Path, delay: float) -> bool:
    """Start an analysis, SIGKILL it after ``delay`` seconds; True if it was still running."""
    proc = subprocess.Popen(_command(inputs, db), env=_clean_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        proc.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return True


def _stored(db: Path) -> tuple[set[str], list[str]]:
    with Store.open(str(db)) as store:
        return store.article_ids(), check_store(store)


def _expected_ids(inputs: Path) -> set[str]:
    from parallax.analyze import front_stages
    from parallax.options import Options
    from parallax.pipeline import Pipeline

    corpus = Pipeline(front_stages(Options.build()))(Corpus(inputs=[str(inputs)]))
    return {a.id for a in corpus.articles}


def test_kill_during_analyze_leaves_a_consistent_store(eval_dir, tmp_path):
    rng = random.Random(int(os.environ.get("PARALLAX_CRASH_SEED", "9")))
    first, second = _inputs(eval_dir, tmp_path, 6), _inputs(eval_dir, tmp_path, 6, offset=6)
    db = tmp_path / "db.sqlite"
    took = _run(first, db)
    before, problems = _stored(db)
    assert problems == [] and before == _expected_ids(first)
    for trial in range(3):
        # Random points across the whole run: start-up, reading, analysis, the final write.
        delay = rng.uniform(0.2, took * 1.2)
        killed = _kill_after(second, db, delay)
        after, problems = _stored(db)
        assert problems == [], f"trial {trial}, killed={killed} after {delay:.1f}s: {problems}"
        assert before <= after, "a killed run lost articles stored earlier"
        assert after in (before, before | _expected_ids(second)), "a partial run was stored"
    _run(second, db)
    after, problems = _stored(db)
    assert problems == []
    assert after == before | _expected_ids(second)
