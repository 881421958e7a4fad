"""A fully analysed corpus for the report, web and browser tests.

``analysed_corpus`` runs the real pipeline over the example articles when all
its stages are importable; while some are still missing it builds the records
itself from the same text with simple, generic rules (quotes between curly
quotes, sentences as claims grouped by word overlap), so the renderers are
tested on real article text either way. ``add_hostile_article`` then puts an
article full of markup into the story: article text is untrusted input.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from parallax.pipeline import Corpus
from parallax.records import (
    Article,
    Claim,
    ClaimGroup,
    Contradiction,
    Digest,
    DigestSentence,
    Entity,
    EntityMention,
    FramingSignal,
    Quote,
    QuoteCluster,
    QuoteVariant,
    Reuse,
    Span,
    Story,
    TimelineEvent,
)

HOSTILE_TITLE = 'Breaking <script>window.__pwned = "title"</script> news'
HOSTILE_PARAGRAPHS = [
    'Officials said <script>window.__pwned = "body"</script> the talks went on.',
    "A photo <img src=x onerror=\"window.__pwned = 'img'\"> was attached, and a "
    "<a href=\"javascript:window.__pwned='link'\">link</a> too.",
    '“We will <b onmouseover="window.__pwned=1">never</b> agree to this,” the minister said.',
]
HOSTILE_OUTLET = 'Evil <i>Outlet</i>"><script>window.__pwned="outlet"</script>'

_QUOTE = re.compile(r"“([^”]{15,400})”")
_SENTENCE = re.compile(r"[^.!?]+[.!?]+[”\"]?")
_WORD = re.compile(r"\w+")
_DATE = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\s+\d{1,2}(?:,\s+\d{4})?|\b(?:19|20)\d\d\b"
)


def analysed_corpus(example_dir: Path, options, store=None) -> Corpus:
    import parallax
    from parallax.pipeline import PipelineError

    options = options.replace(embedder="hashing")
    try:
        return parallax.analyze([str(example_dir)], options, store=store)
    except PipelineError:  # analyze() wires its stages in parts; the whole pipeline in one go still checks
        corpus = parallax.default_pipeline(options)(Corpus(inputs=[str(example_dir)]))
    except ImportError:  # some stage is not written yet
        corpus = hand_built(example_dir)
    if store is not None:
        store.save(corpus)
    return corpus


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def _jaccard(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / max(1, len(wa | wb))


def _articles(example_dir: Path) -> list[Article]:
    out = []
    for path in sorted(example_dir.glob("*.txt")):
        blocks = [" ".join(b.split()) for b in path.read_text(encoding="utf-8").split("\n\n") if b.strip()]
        title = next((b for b in blocks[:3] if 20 < len(b) < 160), None)
        body = [b for b in blocks if b != title]
        out.append(
            Article(
                id=path.stem.split("_")[-1],
                source=str(path),
                paragraphs=body,
                title=title,
                boilerplate=[blocks[0]] if blocks[0] != title else [],
            )
        )
    return out


def _group(items: list, text_of, threshold: float) -> list[list]:
    """Greedy single-pass grouping of items whose texts overlap by word Jaccard."""
    groups: list[list] = []
    for item in items:
        for group in groups:
            if _jaccard(text_of(group[0]), text_of(item)) >= threshold:
                group.append(item)
                break
        else:
            groups.append([item])
    return groups


def _quotes(corpus: Corpus, story: Story) -> None:
    for art in corpus.articles:
        for i, m in enumerate(_QUOTE.finditer(art.text)):
            corpus.quotes.append(
                Quote(f"q-{art.id}-{i}", art.id, Span(art.id, m.start(1), m.end(1)), m.group(1))
            )
    for n, group in enumerate(_group(corpus.quotes, lambda q: q.text, 0.45)):
        if len({q.article_id for q in group}) < 2:
            continue
        texts = [q.text for q in group]
        canonical = max(set(texts), key=texts.count)
        variants = []
        for text in dict.fromkeys(texts):
            members = [q for q in group if q.text == text]
            variants.append(
                QuoteVariant(
                    text, [q.id for q in members], [q.article_id for q in members], _diff(canonical, text)
                )
            )
        corpus.quote_clusters.append(
            QuoteCluster(f"qc-{n}", story.id, canonical, [q.id for q in group], variants, speakers=[])
        )


def _diff(canonical: str, text: str) -> list[tuple[str, str]]:
    a, b = canonical.split(), text.split()
    ops: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(("=", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            ops.append(("-", " ".join(a[i1:i2])))
        if j2 > j1:
            ops.append(("+", " ".join(b[j1:j2])))
    return ops


def _claims(corpus: Corpus, story: Story) -> None:
    for art in corpus.articles:
        for i, m in enumerate(_SENTENCE.finditer(art.text)):
            start = m.start() + len(m.group()) - len(m.group().lstrip())
            if m.end() - start > 30:
                corpus.claims.append(
                    Claim(f"c-{art.id}-{i}", Span(art.id, start, m.end()), art.text[start : m.end()])
                )
    n_arts = len(corpus.articles)
    for n, group in enumerate(_group(corpus.claims, lambda c: c.text, 0.4)):
        arts = sorted({c.span.article_id for c in group})
        kind = "consensus" if len(arts) > n_arts / 2 else "shared" if len(arts) > 1 else "exclusive"
        gid = f"g-{n}"
        for c in group:
            c.group_id = gid
        corpus.claim_groups.append(
            ClaimGroup(gid, story.id, [c.id for c in group], arts, kind, group[0].text)
        )


def _differing_word(text: str, other: str, base: int, article_id: str) -> Span | None:
    theirs = _words(other)
    for m in _WORD.finditer(text):
        if m.group().lower() not in theirs and len(m.group()) > 3:
            return Span(article_id, base + m.start(), base + m.end())
    return None


def _derived(corpus: Corpus, story: Story) -> None:
    claims = {c.id: c for c in corpus.claims}
    shared = [g for g in corpus.claim_groups if len(g.article_ids) > 1]
    digest = Digest(story.id)
    for g in shared:
        spans = [claims[c].span for c in g.claim_ids]
        digest.sentences.append(
            DigestSentence(g.text, spans, "consensus" if g.kind == "consensus" else "partial")
        )
        left, right = claims[g.claim_ids[0]], next(claims[c] for c in g.claim_ids[1:])
        if left.span.article_id != right.span.article_id and len(corpus.contradictions) < 3:
            a = _differing_word(left.text, right.text, left.span.start, left.span.article_id)
            b = _differing_word(right.text, left.text, right.span.start, right.span.article_id)
            if a and b:
                corpus.contradictions.append(
                    Contradiction(
                        f"x-{g.id}",
                        story.id,
                        "other",
                        a,
                        b,
                        corpus.article(a.article_id).snippet(a),
                        corpus.article(b.article_id).snippet(b),
                        "the outlets word this fact differently",
                    )
                )
        if len(g.article_ids) > 1 and _jaccard(left.text, right.text) > 0.6:
            corpus.reuse.append(Reuse(left.span, right.span, _jaccard(left.text, right.text)))
    corpus.digests.append(digest)
    events = []
    for art in corpus.articles:
        for m in _DATE.finditer(art.text):
            events.append(
                TimelineEvent(
                    m.group(),
                    art.text[max(0, m.start() - 60) : m.end() + 60].strip(),
                    [Span(art.id, m.start(), m.end())],
                    "year",
                    story.id,
                )
            )
    corpus.timeline += events[:12]


def _entities(corpus: Corpus) -> None:
    names: dict[str, dict[str, list[str]]] = {}
    for art in corpus.articles:
        for m in re.finditer(r"\b([a-z]+\s+[a-z]+)\s+([A-Z][a-z]+\s+[A-Z][a-z]+)\b", art.text):
            names.setdefault(m.group(2), {}).setdefault(art.id, []).append(m.group(1))
            corpus.mentions.append(
                EntityMention(Span(art.id, m.start(2), m.end(2)), m.group(2), "PERSON", f"e-{m.group(2)}")
            )
    for name, desc in names.items():
        corpus.entities.append(Entity(f"e-{name}", name, "PERSON", descriptors=desc))
    for art in corpus.articles:
        corpus.framing.append(FramingSignal(art.id, "tone", "neutral", 0.0, explanation="hand-built fixture"))


def hand_built(example_dir: Path) -> Corpus:
    articles = _articles(example_dir)
    story = Story("story-1", [a.id for a in articles], title=articles[0].title or "")
    corpus = Corpus(inputs=[str(example_dir)], articles=articles, stories=[story])
    _quotes(corpus, story)
    _claims(corpus, story)
    _derived(corpus, story)
    _entities(corpus)
    _recompute_coverage(corpus)
    corpus.provided |= {
        "articles",
        "stories",
        "reuse",
        "quotes",
        "quote_clusters",
        "entities",
        "mentions",
        "claims",
        "claim_groups",
        "contradictions",
        "framing",
        "timeline",
        "digests",
    }
    return corpus


def add_hostile_article(corpus: Corpus) -> Article:
    """Put an article made of markup and script into the first story, citing it everywhere."""
    art = Article(
        id="evil0001",
        source="evil.html",
        paragraphs=list(HOSTILE_PARAGRAPHS),
        title=HOSTILE_TITLE,
        outlet=HOSTILE_OUTLET,
        byline="<script>window.__pwned='byline'</script>",
        boilerplate=["<script>window.__pwned='boiler'</script>"],
    )
    story = corpus.stories[0]
    corpus.articles.append(art)
    story.article_ids.append(art.id)
    text = art.text
    script = Span(art.id, text.index("<script>"), text.index("</script>") + len("</script>"))
    img = Span(art.id, text.index("<img"), text.index("was attached"))
    quote = Quote(
        "q-evil",
        art.id,
        Span(art.id, text.index("We will"), text.index(",” the")),
        text[text.index("We will") : text.index(",” the")],
        speaker="<script>x</script>",
    )
    corpus.quotes.append(quote)
    if corpus.quote_clusters:
        cluster = next(c for c in corpus.quote_clusters if c.story_id == story.id)
        cluster.variants.append(QuoteVariant(quote.text, [quote.id], [art.id], [("+", quote.text)]))
        cluster.quote_ids.append(quote.id)
    other = next(a for a in corpus.articles if a.id in story.article_ids and a.id != art.id)
    corpus.contradictions.append(
        Contradiction(
            "x-evil",
            story.id,
            "number",
            script,
            other.paragraph_spans()[0],
            text[script.start : script.end],
            '<img src=x onerror="window.__pwned=3">',
            "<script>window.__pwned='why'</script>",
        )
    )
    corpus.reuse.append(Reuse(other.paragraph_spans()[0], img, 0.9, original=other.id))
    # An event span running across a paragraph break: its mark must be split in two.
    across = Span(art.id, text.index("the talks"), text.index("A photo") + len("A photo"))
    corpus.timeline.append(TimelineEvent("2031-02-03", "Talks went on", [across], story_id=story.id))
    for dig in corpus.digests:
        if dig.story_id == story.id:
            dig.sentences.append(DigestSentence(text[script.start : script.end], [script, img], "disputed"))
    _recompute_coverage(corpus)
    return art


def _recompute_coverage(corpus: Corpus) -> None:
    """The stored comparison covers the articles added by hand, as a run over them would."""
    from parallax.options import Options
    from parallax.stages.coverage import Coverage

    Coverage(Options.build())(corpus)
    corpus.provided |= {"coverage", "outlet_cards"}


def copied_story_dir(example_dir: Path, out: Path) -> Path:
    """The example's five articles plus a re-run of each by an unnamed outlet: ten articles, one story.

    Each copy keeps the original's headline and first four fifths of its lines, drops every
    seventh line and names no outlet, as a site re-running a dispatch does.
    """
    out.mkdir(parents=True, exist_ok=True)
    for i, path in enumerate(sorted(example_dir.glob("*.txt"))):
        text = path.read_text(encoding="utf-8")
        (out / path.name).write_text(text, encoding="utf-8")
        lines = [ln for ln in text.splitlines() if ln.strip() and "Jerusalem Post" not in ln]
        kept = [ln for n, ln in enumerate(lines[: max(3, len(lines) * 4 // 5)]) if n % 7 != 6]
        (out / f"copy_{i}.txt").write_text("\n\n".join(kept) + "\n", encoding="utf-8")
    return out
