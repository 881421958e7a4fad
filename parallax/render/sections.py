"""The sections of a story report, each built from the corpus records.

Every builder takes the per-story :class:`~parallax.render.view.Context` and
returns plain view records; citations go through ``ctx.cite`` so the cited
spans get marked in the article text.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from ..outlets.names import display_order
from ..records import KIND_ORDER
from .brief import question

if TYPE_CHECKING:
    from .view import Cite, Context

SECTION_TITLES = {
    "consensus": "Reported across outlets",
    "partial": "Reported by only some outlets",
    "other": "Also in the coverage (whether other outlets report it is uncertain)",
    "disputed": "Disputed between outlets",
}


@dataclass(slots=True)
class DigestSection:
    name: str
    title: str
    sentences: list[tuple[str, list[Cite]]]


@dataclass(slots=True)
class FactSide:
    """One outlet's sentence for a fact, or why there is none."""

    outlet: str
    css: str
    excerpt: Markup | None = None
    cite: Cite | None = None
    more: int = 0  # further sentences of the outlet stating it
    note: str = ""  # "repeats RT's sentence", "undecided", "does not report it"


@dataclass(slots=True)
class MatrixRow:
    id: str
    text: str
    kind: str
    # Per outlet: (number of claims, link to the first or "", "uncertain" | "omitted" | "").
    cells: list[tuple[int, str, str]]
    sides: list[FactSide] = field(default_factory=list)
    independent: int = 0
    echoes: int = 0
    stating: int = 0  # outlets that state the fact


@dataclass(slots=True)
class Matrix:
    outlets: list[tuple[str, str]]
    rows: list[MatrixRow]

    @property
    def kinds(self) -> list[str]:
        return sorted({r.kind for r in self.rows}, key=lambda k: (KIND_ORDER.get(k, 9), k))


@dataclass(slots=True)
class VariantView:
    text: str
    diff: list[tuple[str, str]]
    carriers: list[Cite]


@dataclass(slots=True)
class ClusterView:
    id: str
    speakers: list[str]
    canonical: str
    flags: list[str]
    outlets: list[tuple[str, str]]
    variants: list[VariantView]


@dataclass(slots=True)
class Side:
    value: str
    excerpt: Markup
    cite: Cite
    sentence: str = ""  # the excerpt as plain text (Markdown)


@dataclass(slots=True)
class ContradictionView:
    id: str
    kind: str
    explanation: str
    left: Side
    right: Side
    repeat: bool = False  # the same question as an earlier card (another pair of articles): folded


@dataclass(slots=True)
class EntityTable:
    outlets: list[tuple[str, str]]
    rows: list[tuple[str, str, list[list[str]]]]  # (name, label, labels used per outlet)


@dataclass(slots=True)
class ReuseView:
    kind: str
    score: float
    original: str
    target: Side
    source: Side


@dataclass(slots=True)
class EventView:
    date: str
    text: str
    cites: list[Cite]


@dataclass(slots=True)
class FramingLine:
    """One kind of framing signal of an outlet, compacted to a line of (text, explanation, link) items."""

    kind: str
    items: list[tuple[str, str, Cite | None]]


@dataclass(slots=True)
class CardView:
    outlet: str
    css: str
    headline: str
    lead: str
    articles: int
    quotes: int
    exclusive: list[tuple[str, list[Cite]]] = field(default_factory=list)
    omissions: list[tuple[str, list[Cite]]] = field(default_factory=list)
    sources: list[tuple[str, Cite]] = field(default_factory=list)
    mentions: list[tuple[str, int]] = field(default_factory=list)
    descriptors: list[tuple[str, list[str]]] = field(default_factory=list)
    framing: list[FramingLine] = field(default_factory=list)


def plain_excerpt(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def digest(ctx: Context) -> list[DigestSection]:
    grouped: dict[str, list[tuple[str, list[Cite]]]] = defaultdict(list)
    for dig in ctx.corpus.digests:
        if dig.story_id == ctx.story.id:
            for sent in dig.sentences:
                grouped[sent.section].append((sent.text, ctx.cites(sent.citations, "digest")))
    order = [*SECTION_TITLES, *sorted(set(grouped) - set(SECTION_TITLES))]
    return [
        DigestSection(name, SECTION_TITLES.get(name, name.capitalize()), grouped[name])
        for name in order
        if grouped.get(name)
    ]


def matrix(ctx: Context) -> Matrix | None:
    stored = ctx.coverage
    if stored is None or not stored.rows:
        return None
    outlets = sorted(stored.outlets, key=lambda o: display_order(ctx.name(o)))
    out = []
    for row in stored.rows:
        line, sides = [], []
        for outlet in outlets:
            spans = sorted(row.cells.get(outlet, []))
            state = "uncertain" if outlet in row.uncertain else "omitted" if outlet in row.omitted_by else ""
            first = ctx.cite(spans[0], "claim", f"fact: {plain_excerpt(row.text, 80)}") if spans else None
            line.append((len(spans), first.href if first else "", state))
            for extra in spans[1:]:
                ctx.cite(extra, "claim")
            sides.append(_fact_side(ctx, row, outlet, spans, first, state))
        independent = row.independent or len(row.cells)
        out.append(MatrixRow(row.group_id, row.text, row.kind, line, sides, independent, len(row.echoes),
                             len(row.cells)))
    return Matrix([(ctx.name(o), ctx.outlet_css(o)) for o in outlets], out)


def _fact_side(ctx: Context, row: Any, outlet: str, spans: list[Any], first: Cite | None,
               state: str) -> FactSide:
    side = FactSide(ctx.name(outlet), ctx.outlet_css(outlet))
    if first is not None:
        side.excerpt, side.cite, side.more = ctx.excerpt(spans[0], "claim"), first, len(spans) - 1
        if outlet in row.echoes:
            side.note = f"the same sentence as {ctx.name(row.echoes[outlet])}'s: not a separate confirmation"
    else:
        side.note = {"uncertain": "undecided: may report it in other words",
                     "omitted": "does not report it"}.get(state, "not found in its text")
    return side


def clusters(ctx: Context) -> list[ClusterView]:
    quotes = {q.id: q for q in ctx.corpus.quotes}
    out = []
    for cl in ctx.corpus.quote_clusters:
        if cl.story_id != ctx.story.id:
            continue
        variants = []
        for var in cl.variants:
            spans = [quotes[q].span for q in var.quote_ids if q in quotes]
            carriers = ctx.cites(spans, "quote")
            if not carriers:  # no quote records to point at: link the articles that carry the wording
                carriers = [ctx.article_cite(a) for a in var.article_ids if a in ctx.index]
            variants.append(VariantView(var.text, display_diff(cl.canonical, var.text, var.diff), carriers))
        outlets = sorted({c.label for v in variants for c in v.carriers}, key=str.casefold)
        out.append(
            ClusterView(
                cl.id,
                list(cl.speakers),
                cl.canonical,
                [_readable_flag(f, ctx) for f in cl.flags],
                [(o, ctx.colour.get(o, "ox")) for o in outlets],
                variants,
            )
        )
    out.sort(key=lambda c: (-len(c.outlets), -len(c.variants)))
    return out


def display_diff(canonical: str, text: str, ops: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The diff ops with each word as printed in the articles.

    Quote clustering compares normalised words (lower case, no punctuation);
    when the op word counts line up with the two texts' words, show the
    original words instead, so the reader sees the quote as published.
    """
    can, var = canonical.split(), text.split()
    if sum(len(w.split()) for op, w in ops if op != "-") != len(var) or sum(
        len(w.split()) for op, w in ops if op != "+"
    ) != len(can):
        return [(op, w) for op, w in ops]
    out, ci, vi = [], 0, 0
    for op, words in ops:
        n = len(words.split())
        if op == "-":
            out.append((op, " ".join(can[ci : ci + n])))
            ci += n
            continue
        out.append((op, " ".join(var[vi : vi + n])))
        vi += n
        ci += n if op == "=" else 0
    return out


def contradictions(ctx: Context) -> list[ContradictionView]:
    out: list[ContradictionView] = []
    for c in ctx.corpus.contradictions:
        if c.story_id != ctx.story.id:
            continue
        left = Side(
            c.left_value,
            ctx.excerpt(c.left, "contra"),
            ctx.cite(c.left, "contra", f"{c.kind}: {ctx.outlet(c.right.article_id)} says {c.right_value}"),
            ctx.sentence(c.left),
        )
        right = Side(
            c.right_value,
            ctx.excerpt(c.right, "contra"),
            ctx.cite(c.right, "contra", f"{c.kind}: {ctx.outlet(c.left.article_id)} says {c.left_value}"),
            ctx.sentence(c.right),
        )
        shown = question(c)
        repeat = any(v.explanation == shown for v in out)
        out.append(ContradictionView(c.id, c.kind, shown, left, right, repeat))
    return out


def entities(ctx: Context) -> EntityTable | None:
    outlets = list(ctx.colour)
    rows = []
    for ent in ctx.corpus.entities:
        per: dict[str, list[str]] = defaultdict(list)
        for aid, labels in ent.descriptors.items():
            if aid in ctx.index:
                per[ctx.outlet(aid)].extend(x for x in labels if x not in per[ctx.outlet(aid)])
        if per:
            rows.append((ent.name, ent.label, [per.get(o, []) for o in outlets]))
    rows.sort(key=lambda r: (-sum(1 for labels in r[2] if labels), r[0].casefold()))
    return EntityTable([(o, ctx.colour[o]) for o in outlets], rows) if rows else None


def reuse(ctx: Context) -> list[ReuseView]:
    out = []
    for r in ctx.corpus.reuse:
        if r.target.article_id not in ctx.index or r.source.article_id not in ctx.index:
            continue
        src, tgt = ctx.outlet(r.source.article_id), ctx.outlet(r.target.article_id)
        out.append(
            ReuseView(
                kind=r.kind,
                score=r.score,
                original=ctx.outlet(r.original) if r.original else "",
                target=Side(
                    "", ctx.excerpt(r.target, "reuse"), ctx.cite(r.target, "reuse", f"also in {src}")
                ),
                source=Side(
                    "", ctx.excerpt(r.source, "reuse"), ctx.cite(r.source, "reuse", f"also in {tgt}")
                ),
            )
        )
    out.sort(key=lambda v: -v.score)
    return out


def timeline(ctx: Context) -> list[EventView]:
    events = [e for e in ctx.corpus.timeline if e.story_id == ctx.story.id]
    events.sort(key=lambda e: (e.date, -len(e.spans), e.text))
    return [EventView(e.date, e.text, ctx.cites(e.spans, "event")) for e in events]


def _readable_flag(flag: str, ctx: Context) -> str:
    """A stored flag as a reader reads it: article ids become their outlets, the code before ':' goes."""
    _, _, text = flag.partition(": ")
    for aid in ctx.index:
        text = text.replace(aid, ctx.outlet(aid))
    return text or flag


FRAMING_TITLES = {
    "headline": "Headline",
    "loaded": "Loaded terms",
    "loaded-quoted": "Loaded terms in quotations (the speaker's words)",
    "tone": "Tone towards",
    "topic": "Emphasis",
}


def _framing(ctx: Context, article_ids: list[str]) -> list[FramingLine]:
    """Framing signals of one outlet, one line per kind; loaded terms link to where they are used."""
    lines: dict[str, list[tuple[str, str, Cite | None]]] = defaultdict(list)
    for sig in ctx.corpus.framing:
        if sig.article_id not in article_ids:
            continue
        item: tuple[str, str, Cite | None]
        if sig.kind == "headline":
            item = (sig.explanation or sig.label, "", None)
        elif sig.kind in ("loaded", "loaded-quoted"):
            item = (sig.label, sig.explanation, ctx.cite(sig.spans[0], "loaded") if sig.spans else None)
        elif sig.kind == "tone":
            # "Rashid: negative 40% (2)": the share of the sentences naming the actor, the first one cited.
            item = (f"{sig.label} {sig.score:.0%} ({len(sig.spans)})", sig.explanation,
                    ctx.cite(sig.spans[0], "tone") if sig.spans else None)
        elif sig.kind == "topic":
            item = (f"{sig.label} {sig.score:.0%}", sig.explanation, None)
        else:
            item = (sig.label, sig.explanation, None)
        if item[0] not in [i[0] for i in lines[sig.kind]]:
            lines[sig.kind].append(item)
    order = [*FRAMING_TITLES, *sorted(set(lines) - set(FRAMING_TITLES))]
    return [FramingLine(FRAMING_TITLES.get(k, k.capitalize()), lines[k]) for k in order if lines.get(k)]


def cards(ctx: Context) -> tuple[list[CardView], str]:
    """The stored outlet cards, or plainer cards where the run stored none (an older database)."""
    stored = [c for c in ctx.corpus.outlet_cards if c.story_id == ctx.story.id]
    if not stored:
        note = "No outlet comparison is stored for this story: re-run `parallax analyze`."
        return _fallback_cards(ctx), note
    out = []
    for card in stored:
        view = CardView(
            ctx.name(card.outlet),
            ctx.outlet_css(card.outlet),
            card.headline,
            card.lead,
            len(card.article_ids),
            len(card.quotes),
        )
        view.exclusive = [
            (plain_excerpt(f.text, 220), ctx.cites(f.spans[:1], "claim")) for f in card.exclusive
        ]
        view.omissions = [
            (plain_excerpt(f.text, 220) + _one_source(ctx, f.group_id), ctx.cites(f.spans[:3], "claim"))
            for f in card.omissions
        ]
        firsts = {s.source: s for s in reversed(card.sources)}  # one link per cited source: its first use
        view.sources = [(name, ctx.cite(s.span, "source")) for name, s in reversed(firsts.items())]
        view.mentions = list(card.mentions.items())[:8]
        view.descriptors = [(k, v) for k, v in card.descriptors.items()][:8]
        view.framing = _framing(ctx, card.article_ids)
        out.append(view)
    out.sort(key=lambda v: display_order(v.outlet))
    return out, ""


def _one_source(ctx: Context, group_id: str) -> str:
    """For a left-out fact that only copies of one text state: say so, it is not widely reported."""
    row = next((r for r in ctx.coverage.rows if r.group_id == group_id), None) if ctx.coverage else None
    if row is None or row.independent != 1 or not row.echoes:
        return ""
    # Which of the two copied the other is not always known: the note does not say.
    copy, origin = next(iter(sorted(row.echoes.items())))
    return f" (one source: {ctx.name(copy)} and {ctx.name(origin)} carry the same sentence)"


def _fallback_cards(ctx: Context) -> list[CardView]:
    by_outlet: dict[str, list[Any]] = defaultdict(list)
    for art in ctx.articles:
        by_outlet[art.label].append(art)
    out = []
    for outlet, arts in sorted(by_outlet.items(), key=lambda kv: display_order(ctx.name(kv[0]))):
        ids = [a.id for a in arts]
        quotes = sum(1 for q in ctx.corpus.quotes if q.article_id in ids)
        lead = arts[0].paragraphs[0] if arts[0].paragraphs else ""
        out.append(
            CardView(
                ctx.name(outlet),
                ctx.outlet_css(outlet),
                arts[0].title or "",
                lead,
                len(arts),
                quotes,
                framing=_framing(ctx, ids),
            )
        )
    return out
