"""Parse stage: one spaCy pass per article, shared by every later NLP stage."""

from __future__ import annotations

from ..nlp.spacy import load_spacy, parse_texts
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
        # Clean keeps articles under max_article_chars; a longer one (a raised limit, or stored
        # by another version) is parsed in pieces rather than failing the run with spaCy's E088.
        docs = parse_texts(nlp, [a.text for a in todo], batch_size=32)
        for art, doc in zip(todo, docs, strict=True):
            corpus.docs[art.id] = doc
        return corpus
