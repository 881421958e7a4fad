"""Off-topic flags: only text about another matter entirely, never the story's own context."""

from __future__ import annotations

import pytest

from parallax.eval.stories import load_basil
from parallax.pipeline import Corpus, Pipeline
from parallax.records import Article, Story
from parallax.stages.claims import Claims
from parallax.stages.entities import Entities
from parallax.stages.offtopic import PROMO, OffTopic
from parallax.stages.parse import Parse
from parallax.stages.quotes import Quotes


def _first_paragraph(path) -> str:
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
    return next(ln for ln in lines[1:] if len(ln.split()) > 15)


@pytest.fixture(scope="module")
def story(eval_dir, options):
    """A BASIL triplet (three outlets on one event), one article carrying a stray sports brief."""
    items = load_basil(eval_dir / "basil")
    triplet = sorted({g for _, g in items})[2]
    arts = [a for a, g in items if g == triplet]
    stray = _first_paragraph(sorted((eval_dir / "corpus" / "bbc" / "sport").glob("*.txt"))[0])
    host = arts[0]
    arts[0] = Article(host.id, host.source, [*host.paragraphs[:3], stray, *host.paragraphs[3:]],
                      outlet=host.outlet, title=host.title)
    corpus = Corpus(articles=arts, stories=[Story("s", [a.id for a in arts])])
    corpus.provided |= {"articles", "stories"}
    stages = [Parse(options), Quotes(options), Entities(options), Claims(options), OffTopic(options)]
    return Pipeline(stages, corpus.provided)(corpus), stray


def test_a_stray_brief_is_flagged_and_the_story_is_not(story):
    corpus, stray = story
    claims = {c.id: c for c in corpus.claims}
    flagged = [claims[c] for g in corpus.claim_groups if g.kind == "off-topic" for c in g.claim_ids]
    text = corpus.articles[0].text
    start = text.index(stray)
    assert flagged, "the inserted sports paragraph"
    for claim in flagged:  # nothing but the inserted paragraph
        assert claim.span.article_id == corpus.articles[0].id
        assert start <= claim.span.start < start + len(stray)


def test_promos_and_captions_read_as_off_topic():
    assert PROMO.search("Read more: the ten best stories of the week")
    assert PROMO.search("Protesters gather outside parliament. (Photo: Reuters)")
    assert not PROMO.search("Read the full statement, the minister told reporters, before deciding.")
