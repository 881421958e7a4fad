"""Coverage stage: each story's fact x outlet matrix and what each outlet did with the story.

Computed once here and stored with the run (the renderers and the web app
only read it): per story a :class:`~parallax.records.CoverageMatrix` (one row
per aligned fact, with the claim spans of every outlet that states it) and
per outlet an :class:`~parallax.records.OutletCard` (headline, lead, the
facts only it reports, the widely reported facts it leaves out, its quotes,
the sources it cites, the entities it names and the labels it gives them).
Every cell and listed fact keeps its spans, so a report can show the
sentence in its source.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from ..options import Options
from ..outlets.independence import fact_echoes, folds, source_links
from ..pipeline import Corpus, reuse_positions, reuse_touching
from ..records import (
    KIND_ORDER,
    Article,
    CardFact,
    CoverageMatrix,
    CoverageRow,
    OutletCard,
    SourceCitation,
    Span,
    Story,
    name_rank,
)


class Coverage:
    name = "coverage"
    requires: tuple[str, ...] = (
        "articles", "claim_groups", "claims", "entities", "mentions", "quotes", "reuse", "stories"
    )
    provides: tuple[str, ...] = ("coverage", "outlet_cards")

    def __init__(self, options: Options):
        self.options = options

    def __call__(self, corpus: Corpus) -> Corpus:
        index = corpus.by_id()
        positions = reuse_positions(corpus.reuse)  # each story reads only the reuse touching it
        matrices, cards = [], []
        for story in corpus.stories:
            matrix = coverage_matrix(corpus, story, index, positions)
            matrices.append(matrix)
            cards.extend(outlet_cards(corpus, story, matrix, index))
        corpus.coverage, corpus.outlet_cards = matrices, cards
        return corpus


def coverage_matrix(
    corpus: Corpus, story: Story, index: dict[str, Article] | None = None,
    positions: dict[str, list[int]] | None = None,
) -> CoverageMatrix:
    arts = corpus.story_articles(story, index)
    label = {a.id: a.label for a in arts}
    claims = {c.id: c for c in corpus.claims}
    rows = []
    for group in corpus.claim_groups:
        if group.story_id != story.id:
            continue
        cells: dict[str, list[Span]] = defaultdict(list)
        for cid in group.claim_ids:
            claim = claims.get(cid)
            if claim is not None:
                cells[label.get(claim.span.article_id, claim.span.article_id)].append(claim.span)
        rows.append(CoverageRow(group.id, group.kind, group.text, dict(cells), list(group.omitted_by),
                                list(group.uncertain), group.confidence))
    rows.sort(key=lambda r: (KIND_ORDER.get(r.kind, 9), -len(r.cells), min(min(s) for s in r.cells.values())))
    outlets = sorted(set(label.values()))
    touching = reuse_touching(corpus.reuse, positions or reuse_positions(corpus.reuse), label)
    reuse = [r for r in touching if r.source.article_id in label and r.target.article_id in label]
    links = source_links(arts, reuse)
    story_folds = folds(outlets, links)
    for row in rows:
        row.echoes, row.independent = fact_echoes(row, arts, reuse, story_folds, links)
    return CoverageMatrix(story.id, outlets, rows, links, story_folds.count(outlets))


def outlet_cards(
    corpus: Corpus, story: Story, matrix: CoverageMatrix, index: dict[str, Article] | None = None
) -> list[OutletCard]:
    arts = corpus.story_articles(story, index)
    by_outlet: dict[str, list[Article]] = defaultdict(list)
    for art in arts:
        by_outlet[art.label].append(art)
    names = story_names(corpus, story)
    return [_card(corpus, story, matrix, outlet, by_outlet[outlet], names) for outlet in matrix.outlets]


def story_names(corpus: Corpus, story: Story) -> dict[str, str]:
    """Entity id -> the fullest way the story's own articles name it (``Entity.merged``'s order).

    Not the corpus-wide entity's name: that depends on which other stories were analysed with this
    one, and a story's cards must not.
    """
    ids = set(story.article_ids)
    said: dict[str, list[str]] = defaultdict(list)
    for m in corpus.mentions:
        if m.entity_id and m.span.article_id in ids:
            said[m.entity_id].append(m.text)
    return {eid: min(texts, key=name_rank) for eid, texts in said.items()}


def _card(
    corpus: Corpus, story: Story, matrix: CoverageMatrix, outlet: str, arts: list[Article],
    names: dict[str, str],
) -> OutletCard:
    ids = [a.id for a in arts]
    first = arts[0]
    lead_span = first.paragraph_spans()[0] if first.paragraphs else None
    card = OutletCard(
        outlet=outlet,
        story_id=story.id,
        article_ids=ids,
        headline=first.title or "",
        lead=first.paragraphs[0] if first.paragraphs else "",
        lead_span=lead_span,
    )
    card.exclusive = [CardFact(r.group_id, r.text, r.cells[outlet]) for r in matrix.exclusive(outlet)]
    card.omissions = [
        CardFact(r.group_id, r.text, [s for spans in r.cells.values() for s in spans])
        for r in matrix.omissions(outlet)
    ]
    card.quotes = [q.id for q in corpus.quotes if q.article_id in ids]
    for art in arts:
        card.sources.extend(cited_sources(art))
    _entity_summary(corpus, card, set(ids), names)
    return card


def _entity_summary(corpus: Corpus, card: OutletCard, ids: set[str], names: dict[str, str]) -> None:
    """The names the outlet uses (``names``: :func:`story_names`) and the labels it gives each actor."""
    counts = Counter(
        names.get(m.entity_id or "", m.text) for m in corpus.mentions if m.span.article_id in ids
    )
    card.mentions = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    for ent in sorted(corpus.entities, key=lambda e: names.get(e.id, e.name)):
        labels = [d for aid in sorted(ids) for d in ent.descriptors.get(aid, [])]
        if labels:
            card.descriptors[names.get(ent.id, ent.name)] = list(dict.fromkeys(labels))


_ACCORDING = re.compile(
    r"\b(?:according to|citing|cited by|quoted by|via)\s+(?P<src>[^,.;:()\n“”\"]{2,60})", re.I
)
_REPORTED = re.compile(
    r"(?P<src>\b(?:(?:[A-Z]\.){2,}\s*|[A-Z][\w’'&-]*\s+){0,5}(?:(?:[A-Z]\.){2,}|[A-Z][\w’'&-]*|"
    r"state media|local media|media|"
    r"news agency|reports|officials|sources))\s+(?P<cue>reported|quoted|said in a statement|cited|told)\b"
)


def cited_sources(article: Article) -> list[SourceCitation]:
    """Attributions to other news sources: "according to X", "X reported", "state media quoted"."""
    text = article.text
    out = []
    for m in _ACCORDING.finditer(text):
        src = _trim_source(m.group("src"))
        if src:
            start = m.start("src")
            out.append(SourceCitation(src, Span(article.id, start, start + len(src)), m.group(0).split()[0]))
    for m in _REPORTED.finditer(text):
        if m.group("cue") == "told" and not re.search(r"media|agency|news", m.group("src"), re.I):
            continue
        src = _trim_source(m.group("src"))
        if src:
            start = m.start("src") + m.group("src").index(src)
            out.append(SourceCitation(src, Span(article.id, start, start + len(src)), m.group("cue")))
    out.sort(key=lambda c: c.span)
    return out


_SOURCE_STOP = {"the", "a", "an", "and", "but", "as", "he", "she", "they", "it", "who", "which"}


def _trim_source(src: str) -> str:
    words = src.strip().split()
    while words and words[0].lower() in _SOURCE_STOP:
        words = words[1:]
    # "according to reports" and "according to Reuters" are both citations; a verb is not.
    if not words or len(words) > 8:
        return ""
    return " ".join(words)
