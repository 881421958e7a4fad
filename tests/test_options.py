"""Options: what library callers get (only what they pass) and what the CLI reads (files, env, flags)."""

from pathlib import Path

import pytest

from parallax.cli import main
from parallax.options import Options, OptionsError


def test_from_sources_precedence_is_defaults_config_env_overrides(tmp_path):
    cfg = tmp_path / "p.toml"
    cfg.write_text('[parallax]\ndb = "from-config.db"\nstory_threshold = 0.4\nembedder = "hashing"\n')
    env = {"PARALLAX_STORY_THRESHOLD": "0.7", "PARALLAX_PROGRESS": "false"}
    opts = Options.from_sources(config=cfg, env=env, embedder="model2vec", db=None)
    assert opts.db == "from-config.db"
    assert opts.story_threshold == 0.7
    assert opts.embedder == "model2vec"
    assert opts.progress is False


def test_from_sources_reads_parallax_toml_of_the_given_directory(tmp_path):
    (tmp_path / "parallax.toml").write_text('[parallax]\nmax_article_chars = 5000\nmanifest = "m.csv"\n')
    opts = Options.from_sources(env={}, cwd=tmp_path)
    assert (opts.max_article_chars, opts.manifest) == (5000, "m.csv")
    named = tmp_path / "other.toml"
    named.write_text("[parallax]\nmax_article_chars = 6000\n")
    assert Options.from_sources(env={"PARALLAX_CONFIG": str(named)}, cwd=tmp_path).max_article_chars == 6000
    assert Options.from_sources(env={}, cwd=tmp_path / "elsewhere").max_article_chars == 200_000


def test_build_ignores_config_files_and_environment(tmp_path, monkeypatch):
    (tmp_path / "parallax.toml").write_text('[parallax]\ndb = "from-config.db"\nembedder = "hashing"\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PARALLAX_DB", "from-env.db")
    monkeypatch.setenv("PARALLAX_MAX_ARTICLES", "3")
    monkeypatch.setenv("PARALLAX_CONFIG", str(tmp_path / "parallax.toml"))
    opts = Options.build()
    assert (opts.db, opts.embedder, opts.max_articles) == ("parallax.db", "minilm", 1_000_000)
    assert Options.build(db="given.db", max_articles="7") == Options(db="given.db", max_articles=7)
    # The CLI constructor, from the same place, sees all three sources.
    cli = Options.from_sources()
    assert (cli.db, cli.embedder, cli.max_articles) == ("from-env.db", "hashing", 3)


def test_build_validates_what_it_is_given():
    with pytest.raises(OptionsError, match="unknown option 'bogus'"):
        Options.build(bogus=1)
    with pytest.raises(OptionsError, match="unknown option 'env'"):
        Options.build(env={})  # the old signature is refused, not silently ignored
    with pytest.raises(OptionsError, match="expects int"):
        Options.build(max_articles="many")
    with pytest.raises(OptionsError, match="expects bool"):
        Options.build(progress="perhaps")
    with pytest.raises(OptionsError, match="at least 1"):
        Options.build(max_article_chars=0)
    assert Options.build(progress="no", story_threshold="0.5").story_threshold == 0.5


def test_tool_section_of_pyproject_style_files(tmp_path):
    cfg = tmp_path / "p.toml"
    cfg.write_text("[tool.parallax]\nmax_articles = 10\n")
    assert Options.from_sources(config=cfg, env={}).max_articles == 10


@pytest.mark.parametrize(
    "content,message",
    [
        ("[parallax]\nbogus = 1\n", "unknown option"),
        ("[parallax]\nmax_articles = 'many'\n", "expects int"),
        ('[parallax]\ndb = ["a", "b"]\n', "expects str"),
        ("parallax = 3\n", "must be a table"),
        ("not toml ][", "not valid TOML"),
    ],
)
def test_bad_config_gives_a_clear_error(tmp_path, content, message):
    cfg = tmp_path / "p.toml"
    cfg.write_text(content)
    with pytest.raises(OptionsError, match=message):
        Options.from_sources(config=cfg, env={})


def test_missing_or_unreadable_config_file_is_an_error(tmp_path):
    with pytest.raises(OptionsError, match="not found"):
        Options.from_sources(config=tmp_path / "none.toml", env={})
    with pytest.raises(OptionsError, match="cannot read config file"):
        Options.from_sources(config=tmp_path, env={})


def test_options_are_immutable():
    opts = Options.build()
    with pytest.raises(AttributeError):
        opts.db = "x"  # type: ignore[misc]
    assert opts.replace(db="y").db == "y"


def _cli_error(argv, capsys) -> str:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err, err
    return err


def test_cli_reads_cwd_config_then_environment_then_flags(tmp_path, monkeypatch, capsys):
    for key in ("PARALLAX_CONFIG", "PARALLAX_DB"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "parallax.toml").write_text('[parallax]\ndb = "config.db"\n')
    assert "database not found: config.db" in _cli_error(["stories"], capsys)
    monkeypatch.setenv("PARALLAX_DB", "env.db")
    assert "database not found: env.db" in _cli_error(["stories"], capsys)
    assert "database not found: flag.db" in _cli_error(["stories", "--db", "flag.db"], capsys)
    (tmp_path / "named.toml").write_text("[parallax]\nmax_articles = 'x'\n")
    err = _cli_error(["--config", "named.toml", "stories"], capsys)
    assert "max_articles" in err and "expects int" in err


def test_only_the_cli_reads_config_files_and_environment():
    import parallax

    root = Path(parallax.__file__).parent
    callers = sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*.py")
        if p.name != "options.py" and "from_sources(" in p.read_text(encoding="utf-8")
    )
    assert callers == ["cli.py"]
