"""The loaded-terms lexicon vs BASIL's lexical-bias spans: ``parallax eval lexicon DATA``.

BASIL (Fan et al., 2019) marks, in 300 Fox/NYT/HuffPost articles, phrases whose *wording* is biased
(``bias == "lex"``). Every lexicon hit in an article's text is a flagged term; it is right when it
overlaps a lexical-bias span. Recall is the share of lexical-bias spans a hit overlaps. Both are given
per outlet, and for the outlet's own voice (hits outside direct quotations, as the framing stage now
charges them; quotations found by the Quotes stage) next to every hit.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..framing.lexicon import load_lexicon
from ..options import Options
from ..records import Record
from .basil import load


@dataclass(slots=True)
class LexiconEval(Record):
    articles: int = 0
    lex_spans: int = 0
    # outlet -> [lex spans, found, hits, hits right, own-voice hits, own-voice hits right]
    per_source: dict[str, list[int]] = field(default_factory=dict)
    seconds: float = 0.0
    words: int = 0  # words of the annotated articles
    words_in_spans: int = 0  # of which inside a lexical-bias span: a word picked at random's precision

    @property
    def base_rate(self) -> float:
        return _ratio(self.words_in_spans, self.words)

    def _all(self) -> list[int]:
        return [sum(row[k] for row in self.per_source.values()) for k in range(6)]

    def as_dict(self) -> dict[str, Any]:
        total = self._all()
        return {"articles": self.articles, "lex_spans": self.lex_spans, "recall": _ratio(total[1], total[0]),
                "precision": _ratio(total[3], total[2]), "own_precision": _ratio(total[5], total[4]),
                "base_rate": self.base_rate,
                "per_source": self.per_source, "seconds": self.seconds}

    def table(self) -> str:
        rows = [f"{'source':8}{'lex':>6}{'found':>7}{'recall':>8}{'hits':>6}{'right':>7}{'prec':>7}"
                f"{'own':>6}{'right':>7}{'prec':>7}"]
        for name, row in [*sorted(self.per_source.items()), ("all", self._all())]:
            rows.append(f"{name:8}{row[0]:>6}{row[1]:>7}{_ratio(row[1], row[0]):>8.3f}{row[2]:>6}{row[3]:>7}"
                        f"{_ratio(row[3], row[2]):>7.3f}{row[4]:>6}{row[5]:>7}{_ratio(row[5], row[4]):>7.3f}")
        total = self._all()
        lift = _ratio(total[3], total[2]) / (self.base_rate or 1.0)
        rows.append(f"{self.articles} articles, {self.lex_spans} lexical-bias spans, {self.seconds:.1f}s; "
                    f"own = hits outside direct quotations; base rate {self.base_rate:.4f} (a word picked at "
                    f"random lies in a span), lift {lift:.0f}x")
        return "\n".join(rows)


_WORD = re.compile(r"\w+")


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def evaluate(path: str | Path, options: Options) -> LexiconEval:
    from ..stages.parse import Parse
    from ..stages.quotes import Quotes

    started = time.perf_counter()
    corpus, gold = load(path, bias="lex")
    corpus.articles = [a for a in corpus.articles if a.id in gold]
    corpus = Quotes(options)(Parse(options)(corpus))
    quoted = defaultdict(list)
    for q in corpus.quotes:
        if q.kind in ("direct", "mixed"):
            quoted[q.article_id].append(q.span)
    lexicon = load_lexicon(options.lexicon)
    result = LexiconEval(articles=len(corpus.articles))
    for art in corpus.articles:
        spans = gold[art.id]
        row = result.per_source.setdefault(art.outlet or "unknown", [0] * 6)
        hits = lexicon.find(art.text)
        row[0] += len(spans)
        row[1] += sum(any(h.start < s.end and s.start < h.end for h in hits) for s in spans)
        for h in hits:
            right = any(h.start < s.end and s.start < h.end for s in spans)
            own = not any(q.start <= h.start and h.end <= q.end for q in quoted[art.id])
            row[2] += 1
            row[3] += right
            row[4] += own
            row[5] += right and own
        result.lex_spans += len(spans)
        for w in _WORD.finditer(art.text):
            result.words += 1
            result.words_in_spans += any(w.start() < s.end and s.start < w.end() for s in spans)
    result.seconds = round(time.perf_counter() - started, 1)
    return result
