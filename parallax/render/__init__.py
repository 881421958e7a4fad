"""Renderers: JSON, Markdown and a self-contained HTML report."""

from .json import story_view, to_json

__all__ = ["story_view", "to_json"]
