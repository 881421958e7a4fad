"""JSON view of a corpus: articles, and per story every record about it."""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..pipeline import ARTICLE_RECORDS, STORY_RECORDS, Corpus, record_article_id
from ..records import Story


def article_view(article: Any) -> dict[str, Any]:
    data = article.as_dict()
    data["text"] = article.text
    data["label"] = article.label
    return data


def story_view(corpus: Corpus, story: Story) -> dict[str, Any]:
    """Everything about one story, JSON-ready."""
    ids = set(story.article_ids)
    view: dict[str, Any] = story.as_dict()
    index = corpus.by_id()
    view["outlets"] = sorted({index[i].label for i in story.article_ids if i in index})
    for name in ARTICLE_RECORDS:
        view[name] = [r.as_dict() for r in getattr(corpus, name) if record_article_id(name, r) in ids]
    for name in STORY_RECORDS:
        view[name] = [r.as_dict() for r in getattr(corpus, name) if r.story_id == story.id]
    view["timeline"] = [e.as_dict() for e in corpus.timeline.get(story.id, [])]
    entity_ids = {m["entity_id"] for m in view["mentions"] if m.get("entity_id")}
    view["entities"] = [e.as_dict() for e in corpus.entities if e.id in entity_ids]
    return view


def to_json(corpus: Corpus) -> dict[str, Any]:
    return {
        "parallax": __version__,
        "articles": [article_view(a) for a in corpus.articles],
        "stories": [story_view(corpus, s) for s in corpus.stories],
        "issues": [i.as_dict() for i in corpus.issues],
    }
