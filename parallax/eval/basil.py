"""BASIL evaluation: do Parallax's exclusive claims find informational bias?

BASIL (Fan et al., 2019) annotates, in each of Fox/NYT/HuffPost's articles
on one event, phrase-level spans of *informational* bias (``bias == "inf"``):
content an outlet includes, often facts the others leave out, that sways the
reader. Each triplet is run as one story through Parse and Claims; then

* recall — share of annotated ``inf`` spans that overlap an exclusive claim;
* precision — share of exclusive claims that overlap an annotated ``inf`` span;
* base rate — share of *all* claims that overlap one (what picking claims at
  random would score as precision), so ``lift = precision / base rate``.

Offsets: an annotation's ``id`` is ``p<N>``, the 0-based index of a sentence
in the article's ``body-paragraphs`` flattened in order; ``start``/``end``
index into that sentence. Paragraphs are rebuilt by joining their sentences
with one space, so offsets map exactly into ``Article.text``.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..options import Options
from ..pipeline import Corpus
from ..records import Article, Record, Span, Story
from ..stages.claims import Claims
from ..stages.parse import Parse


@dataclass(slots=True)
class BasilEval(Record):
    triplets: int
    articles: int
    inf_spans: int
    inf_found: int
    exclusive_claims: int
    exclusive_hits: int
    claims: int
    claim_hits: int
    seconds: float
    embedder: str = ""
    per_source: dict[str, list[int]] = field(default_factory=dict)  # source -> [inf, found, excl, hits]

    @property
    def recall(self) -> float:
        return self.inf_found / self.inf_spans if self.inf_spans else 0.0

    @property
    def precision(self) -> float:
        return self.exclusive_hits / self.exclusive_claims if self.exclusive_claims else 0.0

    @property
    def base_rate(self) -> float:
        return self.claim_hits / self.claims if self.claims else 0.0

    @property
    def lift(self) -> float:
        return self.precision / self.base_rate if self.base_rate else 0.0

    def table(self) -> str:
        head = (f"{'source':<8} {'inf spans':>9} {'found':>6} {'recall':>7} {'excl':>6} {'hits':>6} "
                f"{'prec':>6}")
        rows = [head, "-" * len(head)]
        for src, (inf, found, excl, hits) in sorted(self.per_source.items()):
            rows.append(f"{src:<8} {inf:9d} {found:6d} {_ratio(found, inf):7.3f} {excl:6d} {hits:6d} "
                        f"{_ratio(hits, excl):6.3f}")
        rows.append(f"{'all':<8} {self.inf_spans:9d} {self.inf_found:6d} {self.recall:7.3f} "
                    f"{self.exclusive_claims:6d} {self.exclusive_hits:6d} {self.precision:6.3f}")
        rows.append(
            f"{self.triplets} triplets, {self.articles} articles, {self.seconds:.1f}s, "
            f"embedder {self.embedder}; "
            f"base rate {self.base_rate:.3f} (claims overlapping an inf span), lift {self.lift:.2f}"
        )
        return "\n".join(rows)


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def load(path: str | Path, limit: int | None = None, bias: str = "inf"
         ) -> tuple[Corpus, dict[str, list[Span]]]:
    """Articles as one story per triplet, and the ``bias`` (``inf``, ``lex``) spans of each annotated
    article."""
    root = Path(path)
    if (root / "basil").is_dir():
        root = root / "basil"
    files = sorted((root / "articles").glob("*/*.json"))
    if not files:
        raise InputError(f"no BASIL articles under {root}/articles")
    triplets: dict[str, list[Article]] = defaultdict(list)
    spans: dict[str, list[Span]] = {}
    for file in files:
        data = json.loads(file.read_text(encoding="utf-8"))
        key = str(data.get("triplet-uuid") or file.stem.rsplit("_", 1)[0])
        if limit is not None and key not in triplets and len(triplets) >= limit:
            continue
        art, starts = _article(file, data)
        triplets[key].append(art)
        ann = root / "annotations" / file.parent.name / f"{file.stem}_ann.json"
        if ann.is_file():
            spans[art.id] = _inf_spans(art.id, json.loads(ann.read_text(encoding="utf-8")), starts, bias)
    corpus = Corpus(articles=[a for arts in triplets.values() for a in arts])
    corpus.stories = [Story(key, [a.id for a in arts]) for key, arts in triplets.items()]
    corpus.provided |= {"articles", "stories"}
    return corpus, spans


def _article(file: Path, data: dict[str, Any]) -> tuple[Article, list[int]]:
    paragraphs, starts, pos = [], [], 0
    for para in data.get("body-paragraphs", []):
        sentences = [s for s in para] if isinstance(para, list) else [str(para)]
        for sent in sentences:
            starts.append(pos)
            pos += len(sent) + 1
        paragraphs.append(" ".join(sentences))
        pos += 1  # the paragraph separator is two characters; one is already counted
    art = Article(
        id=file.stem,
        source=str(file),
        paragraphs=paragraphs,
        outlet=str(data.get("source") or "").lower() or None,
        title=data.get("title"),
        published=data.get("date"),
    )
    return art, starts


def _inf_spans(article_id: str, data: dict[str, Any], starts: list[int], bias: str = "inf") -> list[Span]:
    out = []
    for ann in data.get("phrase-level-annotations", []):
        index = int(str(ann.get("id", "p-1"))[1:] or -1)
        if ann.get("bias") != bias or not 0 <= index < len(starts):
            continue
        base = starts[index]
        out.append(Span(article_id, base + int(ann["start"]), base + int(ann["end"])))
    return out


def evaluate(path: str | Path, options: Options, limit: int | None = None) -> BasilEval:
    started = time.perf_counter()
    corpus, gold = load(path, limit)
    corpus = Claims(options)(Parse(options)(corpus))
    kinds = {g.id: g.kind for g in corpus.claim_groups}
    outlet = {a.id: a.outlet or "?" for a in corpus.articles}
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    claims = claim_hits = 0
    for aid, spans in gold.items():
        mine = [c for c in corpus.claims if c.span.article_id == aid]
        exclusive = [c.span for c in mine if kinds.get(c.group_id or "") == "exclusive"]
        row = per[outlet[aid]]
        row[0] += len(spans)
        row[1] += sum(any(s.overlaps(e) for e in exclusive) for s in spans)
        row[2] += len(exclusive)
        row[3] += sum(any(e.overlaps(s) for s in spans) for e in exclusive)
        claims += len(mine)
        claim_hits += sum(any(c.span.overlaps(s) for s in spans) for c in mine)
    totals = [sum(r[i] for r in per.values()) for i in range(4)]
    return BasilEval(
        triplets=len(corpus.stories),
        articles=len(corpus.articles),
        inf_spans=totals[0],
        inf_found=totals[1],
        exclusive_claims=totals[2],
        exclusive_hits=totals[3],
        claims=claims,
        claim_hits=claim_hits,
        seconds=time.perf_counter() - started,
        embedder=options.embedder,
        per_source={k: list(v) for k, v in per.items()},
    )
