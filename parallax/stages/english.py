"""English stage: set aside articles written in another language, each reported.

The NLP stages (spaCy's English model, English cue and loaded-term lexicons)
would mis-analyse other languages silently. Clean records each article's
language; this stage keeps the English (and undetermined) ones. It is a
front stage, so ``analyze`` and the batch engine apply it alike.
"""

from __future__ import annotations

from ..lang import LANGUAGES
from ..options import Options
from ..pipeline import Corpus


class English:
    name = "english"
    requires: tuple[str, ...] = ("articles",)
    provides: tuple[str, ...] = ("articles.english",)

    def __init__(self, options: Options):
        self.options = options

    def __call__(self, corpus: Corpus) -> Corpus:
        kept = []
        for art in corpus.articles:
            if art.language in (None, "en"):
                kept.append(art)
                continue
            name = LANGUAGES.get(art.language, art.language)
            message = f"skipped: written in {name} ({art.language}); Parallax analyses English only"
            corpus.warn(art.source, message)
        corpus.articles = kept
        return corpus
