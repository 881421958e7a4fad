"""Quotes stage: direct, indirect and mixed quotes with the speaker phrase, cue and channel.

The Entities stage that follows resolves each speaker phrase to a name and an entity id
(:mod:`parallax.people`), so ``Quote.speaker`` here is the phrase as written.
"""

from __future__ import annotations

from ..options import Options
from ..pipeline import Corpus
from ..quoting.extract import extract


class Quotes:
    name = "quotes"
    requires: tuple[str, ...] = ("articles", "docs")
    provides: tuple[str, ...] = ("quotes",)

    def __init__(self, options: Options):
        self.options = options

    def __call__(self, corpus: Corpus) -> Corpus:
        done = {q.article_id for q in corpus.quotes}
        for article in corpus.articles:
            if article.id in done:
                continue
            doc = corpus.docs.get(article.id)
            if doc is None:
                corpus.warn(article.source, "no parse for this article; quotes skipped")
                continue
            corpus.quotes.extend(extract(article, doc))
        return corpus
