"""Per-run limits: article size and count, through the CLI, the environment and a config file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from parallax.cli import main
from parallax.pipeline import Corpus
from parallax.stages.ingest import Ingest


@pytest.fixture
def articles(example_dir, tmp_path, monkeypatch) -> Path:
    for key in ("PARALLAX_CONFIG", "PARALLAX_MAX_ARTICLES", "PARALLAX_MAX_ARTICLE_BYTES", "PARALLAX_DB"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray ./parallax.toml
    out = tmp_path / "in"
    out.mkdir()
    for f in sorted(example_dir.glob("*.txt")):
        shutil.copy(f, out / f.name)
    return out


def _fails(argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code not in (0, None)
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err, err
    assert "Traceback" not in err
    return err


def _analyze(path: Path, *flags: str) -> list[str]:
    return [*flags, "analyze", str(path), "--no-db", "--embedder", "hashing", "--quiet"]


def test_max_articles_from_environment(articles, capsys, monkeypatch):
    n = len(list(articles.glob("*.txt")))
    monkeypatch.setenv("PARALLAX_MAX_ARTICLES", str(n - 1))
    err = _fails(_analyze(articles), capsys)
    assert f"more than {n - 1} articles" in err and "max_articles" in err


def test_max_article_bytes_from_environment_when_every_file_is_too_large(articles, capsys, monkeypatch):
    monkeypatch.setenv("PARALLAX_MAX_ARTICLE_BYTES", "100")
    err = _fails(_analyze(articles), capsys)
    assert "no articles found" in err and "too large" in err


def test_limits_from_config_file(articles, tmp_path, capsys):
    config = tmp_path / "limits.toml"
    config.write_text("[parallax]\nmax_articles = 1\n", encoding="utf-8")
    err = _fails(_analyze(articles, "--config", str(config)), capsys)
    assert "more than 1 articles" in err


def test_bad_limit_values_are_one_line_errors(articles, capsys, monkeypatch):
    monkeypatch.setenv("PARALLAX_MAX_ARTICLES", "lots")
    err = _fails(_analyze(articles), capsys)
    assert "max_articles" in err and "int" in err


def test_oversized_article_is_skipped_and_the_rest_read(articles, options):
    sizes = sorted(f.stat().st_size for f in articles.glob("*.txt"))
    limit = sizes[-1] - 1  # only the largest file is over
    corpus = Ingest(options.replace(max_article_bytes=limit))(Corpus(inputs=[str(articles)]))
    assert len(corpus.drafts) == len(sizes) - 1
    [issue] = [i for i in corpus.issues if "max_article_bytes" in i.message]
    assert f"{sizes[-1]} bytes" in issue.message


def test_unreadable_input_beside_good_ones_is_reported_not_fatal(articles, tmp_path, options):
    junk = tmp_path / "junk.txt"
    junk.write_bytes(b"\x00\x01\x02\x03" * 100)
    corpus = Ingest(options)(Corpus(inputs=[str(articles), str(junk)]))
    assert corpus.drafts
    [issue] = [i for i in corpus.issues if i.source == str(junk) and i.severity == "error"]
    assert "no articles found" in issue.message and "binary" in issue.message
