"""Parse stage: one spaCy pass per article, shared by every later NLP stage."""

from __future__ import annotations

from ..nlp.spacy import load_spacy
from ..options import Options
from ..pipeline import Corpus


class Parse:
    name = "parse"
    requires: tuple[str, ...] = ("articles",)
    provides: tuple[str, ...] = ("docs",)

    def __init__(self, options: Options):
        self.options = options

    def __call__(self, corpus: Corpus) -> Corpus:
        todo = [a for a in corpus.articles if a.id not in corpus.docs]
        if not todo:
            return corpus
        nlp = load_spacy(self.options.spacy_model)
        texts = (a.text for a in todo)
        for art, doc in zip(todo, nlp.pipe(texts, batch_size=32), strict=True):
            corpus.docs[art.id] = doc
        return corpus
