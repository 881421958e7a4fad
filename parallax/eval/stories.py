"""Story-grouping evaluation: B-cubed precision/recall/F1 against labelled sets.

Reads the shared story sets in their upstream layouts:

* BASIL — ``articles/<year>/*.json``; gold story = ``triplet-uuid``;
  article date = ``date``.
* NeuS — a ``.source`` file, one story per line, ``TITLE=> … ARTICLE=> …``
  blocks joined by ``[SEP]`` (gold = line number, no dates); and
  ``data/raw_crawled/*.jsonl`` (gold = story id). Raw articles carry no date
  field: each gets the date in its own permalink when there is one (as the
  Metadata stage reads it), else the date of the AllSides roundup that lists
  it, which is the day of publication or a day or two after it (checked on
  the articles whose URL has a date). Three stories a day on average share
  those dates, so a date narrows the candidates without naming the story.
  The ``.source`` files have neither dates nor URLs: their articles stay
  undated, the hardest setting.

Each set is clustered on its own by the Dedup and Stories stages, exactly as a
run would.
"""

from __future__ import annotations

import ast
import json
import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..options import Options
from ..pipeline import Corpus
from ..records import Article, Record
from ..stages.dedup import Dedup
from ..stages.metadata import url_date
from ..stages.stories import Stories
from .metrics import f1

NEUS_SPLIT = "test"
_BLOCK = re.compile(r"TITLE=>\s*(.*?)\s*ARTICLE=>\s*(.*)", re.S)


@dataclass(slots=True)
class StorySetEval(Record):
    name: str
    precision: float
    recall: float
    f1: float
    gold_stories: int
    predicted_stories: int
    articles: int
    seconds: float


@dataclass(slots=True)
class StoryEval(Record):
    """Scores over all sets found (article-weighted), with each set's own."""

    precision: float
    recall: float
    f1: float
    gold_stories: int
    predicted_stories: int
    articles: int
    seconds: float
    embedder: str = ""
    sets: list[StorySetEval] = field(default_factory=list)

    def table(self) -> str:
        head = f"{'set':<28} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6} {'articles':>8} {'sec':>7}"
        rows = [head, "-" * len(head)]
        for s in [*self.sets, self._total()]:
            rows.append(
                f"{s.name:<28} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.gold_stories:6d} "
                f"{s.predicted_stories:6d} {s.articles:8d} {s.seconds:7.1f}"
            )
        rows.append(f"B-cubed scores; embedder {self.embedder}")
        return "\n".join(rows)

    def _total(self) -> StorySetEval:
        return StorySetEval("all", self.precision, self.recall, self.f1, self.gold_stories,
                            self.predicted_stories, self.articles, self.seconds)


def bcubed(predicted: dict[str, str], gold: dict[str, str]) -> tuple[float, float]:
    """B-cubed precision and recall of a predicted clustering over the gold items."""
    items = [i for i in gold if i in predicted]
    if not items:
        return 0.0, 0.0
    pair = Counter((predicted[i], gold[i]) for i in items)
    pred_size = Counter(predicted[i] for i in items)
    gold_size = Counter(gold[i] for i in items)
    p = sum(pair[(predicted[i], gold[i])] / pred_size[predicted[i]] for i in items) / len(items)
    r = sum(pair[(predicted[i], gold[i])] / gold_size[gold[i]] for i in items) / len(items)
    return p, r


def load_basil(root: Path) -> list[tuple[Article, str]]:
    out = []
    for f in sorted((root / "articles").glob("*/*.json")):
        data = json.loads(f.read_text(encoding="utf-8"))
        paras = _basil_paragraphs(data.get("body-paragraphs"))
        if not paras:
            continue
        art = Article(id=f"basil-{f.stem}", source=str(f), paragraphs=paras, title=data.get("title"),
                      published=data.get("date"), outlet=data.get("source"))
        out.append((art, str(data["triplet-uuid"])))
    return out


def _basil_paragraphs(raw: Any) -> list[str]:
    if isinstance(raw, str):
        raw = ast.literal_eval(raw)
    paras: list[str] = []
    for item in raw or []:
        text = " ".join(item) if isinstance(item, list) else str(item)
        if text.strip():
            paras.append(" ".join(text.split()))
    return paras


def load_neus_source(path: Path) -> list[tuple[Article, str]]:
    out = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        for k, block in enumerate(line.split("[SEP]")):
            m = _BLOCK.search(block)
            if not m or not m.group(2).strip():
                continue
            art = Article(id=f"neus-{path.stem}-{line_no}-{k}", source=f"{path}:{line_no + 1}",
                          paragraphs=[m.group(2).strip()], title=m.group(1).strip())
            out.append((art, str(line_no)))
    return out


def load_neus_raw(path: Path) -> list[tuple[Article, str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        news = row.get("news") or {}
        for side, item in sorted(news.items()):
            paras = [p.strip() for p in item.get("newBody") or [] if p and p.strip()]
            if not paras:
                continue
            url = item.get("newsLink")
            art = Article(id=f"neusraw-{row['id']}-{side}", source=str(path), paragraphs=paras,
                          title=item.get("newsTitle"), outlet=item.get("newsSource"), url=url,
                          published=url_date(url) or str(row.get("date") or "")[:10] or None)
            out.append((art, str(row["id"])))
    return out


def load_bbc(root: Path) -> list[Article]:
    """The BBC full-text corpus (``<topic>/NNN.txt``, title on the first line); ids ``bbc-<topic>-NNN``."""
    out = []
    for f in sorted(root.glob("*/*.txt")):
        lines = f.read_text(encoding="utf-8", errors="replace").split("\n")
        paras = [" ".join(p.split()) for p in "\n".join(lines[1:]).split("\n\n") if p.strip()]
        if paras:
            out.append(Article(id=f"bbc-{f.parent.name}-{f.stem}", source=str(f), paragraphs=paras,
                               title=lines[0].strip(), outlet="BBC"))
    return out


def find_sets(path: Path) -> list[tuple[str, list[tuple[Article, str]]]]:
    """Every labelled story set at or under ``path``."""
    if path.is_file():
        if path.suffix == ".source":
            return [(f"neus/{path.stem}", load_neus_source(path))]
        if path.suffix == ".jsonl":
            return [(f"neus/{path.stem[:20]}", load_neus_raw(path))]
        raise InputError(f"not a story set: {path} (expected a NeuS .source or .jsonl file)")
    if not path.is_dir():
        raise InputError(f"evaluation data not found: {path}")
    sets: list[tuple[str, list[tuple[Article, str]]]] = []
    if (path / "articles").is_dir():
        sets.append(("basil", load_basil(path)))
    for src in sorted(path.glob(f"**/{NEUS_SPLIT}.source")):
        sets.append((f"neus/{src.stem}", load_neus_source(src)))
    for raw in sorted(path.glob("**/raw_crawled/*.jsonl")):
        sets.append(("neus/raw_crawled", load_neus_raw(raw)))
    for sub in ("basil",):
        if (path / sub / "articles").is_dir():
            sets.insert(0, (sub, load_basil(path / sub)))
    if not sets:
        raise InputError(f"no story sets (BASIL articles/, NeuS .source or .jsonl) under {path}")
    return sets


def evaluate_set(name: str, items: Iterable[tuple[Article, str]], options: Options) -> StorySetEval:
    items = list(items)
    corpus = Corpus(articles=[a for a, _ in items])
    started = time.perf_counter()
    corpus = Dedup(options)(corpus)
    corpus = Stories(options)(corpus)
    seconds = time.perf_counter() - started
    predicted = {aid: s.id for s in corpus.stories for aid in s.article_ids}
    gold = {a.id: g for a, g in items}
    p, r = bcubed(predicted, gold)
    return StorySetEval(name, round(p, 4), round(r, 4), round(f1(p, r), 4), len(set(gold.values())),
                        len(corpus.stories), len(items), round(seconds, 2))


def evaluate(path: Path, options: Options) -> StoryEval:
    results = [evaluate_set(name, items, options) for name, items in find_sets(Path(path))]
    n = sum(s.articles for s in results) or 1
    p = sum(s.precision * s.articles for s in results) / n
    r = sum(s.recall * s.articles for s in results) / n
    return StoryEval(
        precision=round(p, 4), recall=round(r, 4), f1=round(f1(p, r), 4),
        gold_stories=sum(s.gold_stories for s in results),
        predicted_stories=sum(s.predicted_stories for s in results),
        articles=sum(s.articles for s in results), seconds=round(sum(s.seconds for s in results), 2),
        embedder=options.embedder, sets=results,
    )
