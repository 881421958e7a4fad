"""Shared fixtures: the example corpus, the shared eval data, an in-memory store."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_DIR = ROOT / "examples" / "iraq-2023-04-29"
sys.path.insert(0, str(Path(__file__).resolve().parent))
EVAL_DIR = Path(os.environ.get("PARALLAX_EVAL_DIR", ROOT.parent / "shared" / "eval"))


@pytest.fixture(scope="session")
def example_dir() -> Path:
    return EXAMPLE_DIR


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    if not EVAL_DIR.is_dir():
        pytest.skip(f"evaluation data not found at {EVAL_DIR} (set PARALLAX_EVAL_DIR)")
    return EVAL_DIR


def _eval_set(name: str, what: str):
    """A session fixture: one set under ../shared/eval, or a skip saying which is missing."""

    @pytest.fixture(scope="session")
    def fixture(eval_dir: Path) -> Path:
        path = eval_dir / name
        if not path.is_dir():
            pytest.skip(f"{what} not found at {path}")
        return path

    return fixture


coverage_gold = _eval_set("coverage", "coverage gold")
newsmtsc = _eval_set("newsmtsc", "NewsMTSC")


@pytest.fixture(scope="session")
def options():
    from parallax.options import Options

    return Options.build()


@pytest.fixture(scope="session")
def seed_corpus(options):
    """The five example articles after ingest, clean and metadata (read-only: copy before mutating)."""
    from parallax.pipeline import Corpus, Pipeline
    from parallax.stages.clean import Clean
    from parallax.stages.ingest import Ingest
    from parallax.stages.metadata import Metadata

    pipe = Pipeline([Ingest(options), Clean(options), Metadata(options)])
    return pipe(Corpus(inputs=[str(EXAMPLE_DIR)]))


@pytest.fixture(scope="session")
def seed_articles(seed_corpus):
    return {Path(a.source).name[:3]: a for a in seed_corpus.articles}


@pytest.fixture(scope="session")
def nlp(options):
    from parallax.nlp.spacy import load_spacy

    return load_spacy(options.spacy_model)


@pytest.fixture(scope="session")
def postgres_url():
    """Base URL of a PostgreSQL server the tests start themselves."""
    from pgserver import postgres_server

    try:
        server = postgres_server()
        url = server.__enter__()
    except (RuntimeError, OSError, KeyError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"PostgreSQL server unavailable: {exc}")
    yield url
    server.__exit__(None, None, None)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request):
    """The store on both backends: SQLite in memory and a fresh PostgreSQL database."""
    from parallax.store import Store

    if request.param == "sqlite":
        with Store.open(":memory:") as db:
            yield db
        return
    import psycopg

    base = request.getfixturevalue("postgres_url")
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    with Store.open(f"{base}/{name}") as db:
        yield db


@pytest.fixture
def store():
    from parallax.store import Store

    with Store.open(":memory:") as db:
        yield db


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for the browser tests (skips, saying why, where it is missing)."""
    from browser_helpers import chromium

    with chromium() as launched:
        yield launched
