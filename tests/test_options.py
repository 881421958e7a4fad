import pytest

from parallax.options import Options, OptionsError


def test_precedence_is_defaults_config_env_overrides(tmp_path):
    cfg = tmp_path / "p.toml"
    cfg.write_text('[parallax]\ndb = "from-config.db"\nstory_threshold = 0.4\nembedder = "hashing"\n')
    env = {"PARALLAX_STORY_THRESHOLD": "0.7", "PARALLAX_PROGRESS": "false"}
    opts = Options.build(config=cfg, env=env, embedder="model2vec", db=None)
    assert opts.db == "from-config.db"
    assert opts.story_threshold == 0.7
    assert opts.embedder == "model2vec"
    assert opts.progress is False


def test_tool_section_of_pyproject_style_files(tmp_path):
    cfg = tmp_path / "p.toml"
    cfg.write_text('[tool.parallax]\nmax_articles = 10\n')
    assert Options.build(config=cfg, env={}).max_articles == 10


@pytest.mark.parametrize("content,message", [
    ("[parallax]\nbogus = 1\n", "unknown option"),
    ("[parallax]\nmax_articles = 'many'\n", "expects int"),
    ("not toml ][", "not valid TOML"),
])
def test_bad_config_gives_a_clear_error(tmp_path, content, message):
    cfg = tmp_path / "p.toml"
    cfg.write_text(content)
    with pytest.raises(OptionsError, match=message):
        Options.build(config=cfg, env={})


def test_missing_config_file_is_an_error(tmp_path):
    with pytest.raises(OptionsError, match="not found"):
        Options.build(config=tmp_path / "none.toml", env={})


def test_options_are_immutable():
    opts = Options.build(env={})
    with pytest.raises(AttributeError):
        opts.db = "x"  # type: ignore[misc]
    assert opts.replace(db="y").db == "y"
