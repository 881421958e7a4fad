"""JSON view of a corpus: articles, and per story every record about it."""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..outlets.names import outlet_names, public_source
from ..pipeline import Corpus
from ..records import Story
from ..registry import RECORD_FIELDS


def article_view(article: Any) -> dict[str, Any]:
    """An article for export: its input's file name, never the path to it on this machine."""
    data = article.as_dict()
    data["source"] = public_source(article.source)
    data["text"] = article.text
    data["label"] = article.label
    return data


def story_view(corpus: Corpus, story: Story) -> dict[str, Any]:
    """Everything about one story, JSON-ready."""
    ids = set(story.article_ids)
    view: dict[str, Any] = story.as_dict()
    index = corpus.by_id()
    arts = [index[i] for i in story.article_ids if i in index]
    view["outlets"] = sorted({a.label for a in arts})
    view["outlet_names"] = outlet_names(arts)  # label -> the name readers see ("Unknown outlet A")
    for spec in RECORD_FIELDS:
        records = getattr(corpus, spec.name)
        if spec.scope == "article":
            view[spec.name] = [r.as_dict() for r in records if spec.owner_of(r) in ids]
        elif spec.scope == "story":
            view[spec.name] = [r.as_dict() for r in records if spec.owner_of(r) == story.id]
    for spec in RECORD_FIELDS:
        if spec.scope == "corpus":  # the corpus-wide records this story's records refer to
            refs = {str(v) for name, path in spec.referenced_by for v in _values(view[name], path)}
            view[spec.name] = [r.as_dict() for r in getattr(corpus, spec.name) if spec.id_of(r) in refs]
    return view


def _values(rows: list[dict[str, Any]], dotted: str) -> list[Any]:
    out = []
    for row in rows:
        value: Any = row
        for part in dotted.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value:
            out.append(value)
    return out


def to_json(corpus: Corpus) -> dict[str, Any]:
    return {
        "parallax": __version__,
        "articles": [article_view(a) for a in corpus.articles],
        "stories": [story_view(corpus, s) for s in corpus.stories],
        "issues": [{**i.as_dict(), "source": public_source(i.source)} for i in corpus.issues],
    }
