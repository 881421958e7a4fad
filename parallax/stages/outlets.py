"""Outlets stage: the publishing outlet and wire agency of every article.

Identification itself lives in :mod:`parallax.outlets.identify`; this stage
applies it, canonicalising names through the outlet registry, and records
why an outlet stayed unknown instead of guessing one.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..options import Options
from ..outlets.identify import identify
from ..outlets.registry import load_registry
from ..pipeline import Corpus

UNKNOWN_NOTE = "outlet unknown: "


class Outlets:
    name: str = "outlets"
    requires: tuple[str, ...] = ("articles.metadata", "drafts")
    provides: tuple[str, ...] = ("articles.outlet",)

    def __init__(self, options: Options, manifest: Mapping[str, str] | None = None):
        self.options = options
        # article id, source path or file name -> outlet name the user vouches for
        self.manifest = dict(manifest or {})

    def __call__(self, corpus: Corpus) -> Corpus:
        unknown = self.identify_all(corpus)
        warn_unknown(corpus, unknown, len(corpus.articles))
        return corpus

    def identify_all(self, corpus: Corpus) -> int:
        """Set each article's outlet; how many have none (a caller streaming chunks adds these up)."""
        registry = load_registry(self.options)
        drafts = {d.id: d for d in corpus.drafts}
        unknown = 0
        for art in corpus.articles:
            match = identify(art, registry, drafts.get(art.id), self.manifest)
            art.outlet, art.wire = match.outlet, match.wire
            art.warnings = [w for w in art.warnings if not w.startswith(UNKNOWN_NOTE)]
            if match.outlet is None:
                unknown += 1
                art.warnings.append(UNKNOWN_NOTE + match.reason)
        return unknown


def warn_unknown(corpus: Corpus, unknown: int, total: int) -> None:
    if unknown:
        corpus.warn("outlets", f"{unknown} of {total} articles name no outlet that can be "
                    "identified; they are listed as unknown, not guessed")
