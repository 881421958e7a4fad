"""Shared by the coverage tests: the five example articles as one parsed story."""

from __future__ import annotations

from pathlib import Path

from parallax.options import Options
from parallax.pipeline import Corpus
from parallax.records import Story
from parallax.stages.parse import Parse


def story_corpus(seed_corpus: Corpus, options: Options) -> Corpus:
    """A fresh corpus sharing the seed's (unmodified) articles, with one story and parses."""
    corpus = Corpus(inputs=list(seed_corpus.inputs), articles=list(seed_corpus.articles))
    corpus.stories = [Story("story", [a.id for a in corpus.articles])]
    corpus.provided |= {"articles", "stories"}
    return Parse(options)(corpus)


def by_file(corpus: Corpus) -> dict[str, str]:
    """File prefix ("000".."004") -> article id."""
    return {Path(a.source).name[:3]: a.id for a in corpus.articles}
