"""How many independent sources a story's outlets are: the one place that decides it.

Five outlets running one Reuters dispatch are one source, not five: counting
them as five is the complaint news-aggregator users make most about
"reported by N outlets". Two kinds of evidence fold outlets together:

* **wire**: the article says it carries an agency's copy (``Article.wire``);
  outlets carrying the same agency, and the agency's own article, are one source;
* **re-use**: the dedup stage's :class:`~parallax.records.Reuse` records. A whole
  duplicate folds; passages fold when they cover at least :data:`FOLD_SHARE` of
  the copy's text. Fewer shared passages are listed, not folded: the article
  repeats some of another's sentences but reports on its own.

The same evidence decides, fact by fact, whether a second outlet stating a
fact is a second confirmation: a sentence inside a passage re-used from another
outlet that states the fact too is an echo of it, not an independent report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from ..records import Article, CoverageRow, Reuse, SourceLink, Span

# Share of an article's text re-used from one other article at which the two count as one source.
# Chosen on benchmarks/bench_sources.py: BASIL's independently written triplets share quotes and
# agency paragraphs, but none shares a third of an article, while edited copies that keep half the
# text or more are re-dispatches of the same report.
FOLD_SHARE = 0.5


class Folds:
    """Union-find over outlet labels (and ``wire:AGENCY`` nodes)."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def count(self, members: Iterable[str]) -> int:
        return len({self.find(m) for m in members})


def _covered(spans: Iterable[Span]) -> int:
    """Characters covered by the union of ``spans`` (all of one article)."""
    total, end = 0, -1
    for s in sorted(spans):
        start = max(s.start, end)
        if s.end > start:
            total += s.end - start
            end = s.end
    return total


def source_links(articles: Sequence[Article], reuse: Iterable[Reuse]) -> list[SourceLink]:
    """Each outlet's wire copy and re-use of another outlet's text, strongest first."""
    index = {a.id: a for a in articles}
    links = [SourceLink(a.label, a.wire, "wire", 1.0, 0, True, True) for a in articles if a.wire]
    pairs: dict[tuple[str, str], list[Reuse]] = defaultdict(list)
    for r in reuse:
        src, tgt = r.source.article_id, r.target.article_id
        if src in index and tgt in index and index[src].label != index[tgt].label:
            pairs[(min(src, tgt), max(src, tgt))].append(r)
    for (a, b), records in sorted(pairs.items()):
        links.append(_reuse_link(index[a], index[b], records))
    links.sort(key=lambda s: (not s.folded, -s.share, s.outlet, s.origin))
    strongest: dict[tuple[str, str, str], SourceLink] = {}
    for link in links:  # an outlet with several articles: its strongest link to each origin
        strongest.setdefault((link.outlet, link.origin, link.kind), link)
    return list(strongest.values())


def _reuse_link(a: Article, b: Article, records: list[Reuse]) -> SourceLink:
    spans: dict[str, list[Span]] = {a.id: [], b.id: []}
    for r in records:
        spans[r.source.article_id].append(r.source)
        spans[r.target.article_id].append(r.target)
    share = {x.id: _covered(spans[x.id]) / max(1, len(x.text)) for x in (a, b)}
    duplicate = any(r.kind == "duplicate" for r in records)
    original = next((r.original for r in records if r.original in (a.id, b.id)), None)
    if original is not None:
        copy, origin = (b, a) if original == a.id else (a, b)
    else:  # no dates to tell: the article more of whose text is shared (or the shorter) is the likelier copy
        key = {x.id: (share[x.id], -len(x.text), x.id) for x in (a, b)}
        copy, origin = (a, b) if key[a.id] >= key[b.id] else (b, a)
    ratio = 1.0 if duplicate else share[copy.id]
    return SourceLink(
        copy.label, origin.label, "duplicate" if duplicate else "reuse", round(ratio, 3), len(records),
        duplicate or ratio >= FOLD_SHARE, original is not None,
    )


def folds(labels: Iterable[str], links: Iterable[SourceLink]) -> Folds:
    """Outlets grouped into sources by the folded links (wire copies meet at their agency)."""
    out = Folds()
    names = set(labels)
    for label in names:
        out.find(label)
    for link in links:
        if not link.folded:
            continue
        if link.kind == "wire":
            out.union(link.outlet, f"wire:{link.origin.casefold()}")
            for label in names:  # the agency's own article, if the story has one
                if label.casefold() == link.origin.casefold():
                    out.union(label, f"wire:{link.origin.casefold()}")
        else:
            out.union(link.outlet, link.origin)
    return out


def independent_sources(labels: Sequence[str], links: Iterable[SourceLink]) -> int:
    return folds(labels, links).count(labels)


def fact_echoes(
    row: CoverageRow, articles: Sequence[Article], reuse: Iterable[Reuse], story_folds: Folds,
    links: Iterable[SourceLink] = (),
) -> tuple[dict[str, str], int]:
    """Which outlets only repeat another's sentence for this fact, and how many state it independently.

    Outlets the story folds into one source stay one; beyond that, an outlet whose sentence for the
    fact lies in a passage shared with another outlet stating the fact echoes that outlet.
    """
    label = {a.id: a.label for a in articles}
    copy_of = {(k.outlet, k.origin) for k in links if k.kind != "wire"}
    stating = sorted(row.cells)
    fact = Folds()
    for x in stating:
        fact.find(x)
    for x in stating:
        for y in stating:
            if x < y and story_folds.find(x) == story_folds.find(y):
                fact.union(x, y)
    echoes: dict[str, str] = {}
    for r in reuse:
        src, tgt = label.get(r.source.article_id), label.get(r.target.article_id)
        if not src or not tgt or src == tgt or src not in row.cells or tgt not in row.cells:
            continue
        if _inside(row.cells[tgt], r.target) and _inside(row.cells[src], r.source):
            copy, origin = (src, tgt) if r.original == r.target.article_id else (tgt, src)
            if r.original is None and (origin, copy) in copy_of:  # the story's link says which way
                copy, origin = origin, copy
            echoes.setdefault(copy, origin)
            fact.union(src, tgt)
    return echoes, fact.count(stating)


def _inside(claims: list[Span], passage: Span) -> bool:
    """Some claim span of the cell lies mostly inside the re-used passage."""
    for c in claims:
        if c.article_id != passage.article_id:
            continue
        overlap = min(c.end, passage.end) - max(c.start, passage.start)
        if overlap > 0.5 * (c.end - c.start):
            return True
    return False
