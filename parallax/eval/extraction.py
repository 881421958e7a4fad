"""HTML main-text extraction quality against the ScrapingHub article-extraction benchmark.

Layout (``../shared/eval/extraction``): ``ground-truth.json`` maps a page id
to ``{"articleBody", "url"}``; ``html/<id>.html.gz`` is the page. Scores are
token-level (bag of lowercased word tokens, as the benchmark does): for each
page precision and recall of the extracted tokens against the article body,
averaged over pages. Two variants are scored: the reader alone (trafilatura's
text) and the clean article body after Clean and Metadata (title, byline and
furniture lines removed), which is what every later stage sees.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..options import Options
from ..pipeline import Corpus
from ..readers import ReadContext, read_path
from ..stages.clean import Clean
from ..stages.metadata import Metadata
from .metrics import prf as counts_prf

_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> Counter[str]:
    return Counter(t.lower() for t in _TOKEN.findall(text))


def prf(predicted: str, truth: str) -> tuple[float, float, float]:
    """Token-level precision, recall and F1 of one extraction."""
    pred, gold = tokens(predicted), tokens(truth)
    overlap = sum((pred & gold).values())
    return counts_prf(overlap, sum(pred.values()), overlap, sum(gold.values()))


def _mean(rows: Iterable[tuple[float, float, float]]) -> dict[str, float]:
    rows = list(rows)
    n = len(rows) or 1
    return {
        "precision": sum(r[0] for r in rows) / n,
        "recall": sum(r[1] for r in rows) / n,
        "f1": sum(r[2] for r in rows) / n,
    }


def evaluate(path: str | Path, limit: int | None = None) -> dict[str, Any]:
    """Score the HTML reader (``reader``) and the clean bodies (``clean``) on the benchmark."""
    root = Path(path)
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[:limit]
    corpus = Corpus()
    ctx = ReadContext(warn=corpus.warn)
    for page_id in ids:
        file = root / "html" / f"{page_id}.html.gz"
        if file.is_file():
            for draft in read_path(file, ctx):
                draft.source = page_id
                corpus.drafts.append(draft)
    reader_text = {d.source: d.text for d in corpus.drafts}
    options = Options.build()
    corpus = Metadata(options)(Clean(options)(corpus))
    clean_text = {a.source: a.text for a in corpus.articles}
    gold = {i: truth[i]["articleBody"] for i in ids}
    return {
        "pages": len(ids),
        "extracted": len(reader_text),
        "reader": _mean(prf(reader_text.get(i, ""), gold[i]) for i in ids),
        "clean": _mean(prf(clean_text.get(i, ""), gold[i]) for i in ids),
    }


if __name__ == "__main__":  # pragma: no cover - manual benchmark run
    import sys

    print(json.dumps(evaluate(sys.argv[1] if len(sys.argv) > 1 else "../shared/eval/extraction"), indent=2))
