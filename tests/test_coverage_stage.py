from __future__ import annotations

import pytest
from coverage_helpers import by_file, story_corpus

from parallax.records import Article, CoverageMatrix, OutletCard
from parallax.stages.claims import Claims
from parallax.stages.coverage import Coverage, cited_sources
from parallax.stages.entities import Entities
from parallax.stages.offtopic import OffTopic
from parallax.stages.quotes import Quotes


@pytest.fixture(scope="module")
def corpus(seed_corpus, options):
    corpus = story_corpus(seed_corpus, options)
    for stage in (Quotes(options), Entities(options), Claims(options), OffTopic(options), Coverage(options)):
        corpus = stage(corpus)
    return corpus


@pytest.fixture(scope="module")
def matrix(corpus):
    (found,) = corpus.coverage
    assert found.story_id == corpus.stories[0].id
    return found


@pytest.fixture(scope="module")
def cards(corpus):
    assert all(c.story_id == corpus.stories[0].id for c in corpus.outlet_cards)
    return {c.outlet: c for c in corpus.outlet_cards}


def _label(corpus, key):
    return corpus.article(by_file(corpus)[key]).label


def test_matrix_has_one_column_per_outlet_and_exact_cells(corpus, matrix):
    assert matrix.outlets == sorted({a.label for a in corpus.articles})
    label = {a.id: a.label for a in corpus.articles}
    claims = {c.span: c for c in corpus.claims}
    for row in matrix.rows:
        for outlet, spans in row.cells.items():
            assert spans
            for span in spans:
                assert label[span.article_id] == outlet
                assert span in claims


def test_consensus_omissions_and_additions(corpus, matrix):
    n = len(matrix.outlets)
    assert matrix.consensus()
    for row in matrix.consensus():
        assert len(row.cells) * 2 >= n
    groups = {g.id: g for g in corpus.claim_groups}
    for outlet in matrix.outlets:
        for row in matrix.omissions(outlet):  # only where the alignment is sure the outlet leaves it out
            assert outlet not in row.cells and outlet in groups[row.group_id].omitted_by
        for row in matrix.exclusive(outlet):
            assert list(row.cells) == [outlet]
    # Every row's outlets and its undecided ones are the story's outlets, apart.
    for row in matrix.rows:
        assert not set(row.cells) & set(row.uncertain + row.omitted_by)
        assert set(row.cells) | set(row.uncertain) | set(row.omitted_by) <= set(matrix.outlets)


def test_matrix_round_trips_and_prints(matrix):
    again = CoverageMatrix.from_dict(matrix.as_dict())
    assert again == matrix
    table = matrix.table()
    assert all(o in table.splitlines()[0] for o in matrix.outlets)
    assert len(table.splitlines()) == len(matrix.rows) + 2


def test_cards_cover_every_outlet(corpus, cards):
    assert set(cards) == {a.label for a in corpus.articles}
    for card in cards.values():
        assert isinstance(card, OutletCard)
        art = corpus.article(card.article_ids[0])
        assert card.headline == (art.title or "")
        assert card.lead_span is not None and art.snippet(card.lead_span) == card.lead
        assert any("Khamenei" in name for name in card.mentions)
        quotes = {q.id: q for q in corpus.quotes}
        assert all(quotes[q].article_id in card.article_ids for q in card.quotes)
    assert sum(len(c.quotes) for c in cards.values()) == len(corpus.quotes)
    assert OutletCard.from_dict(cards[_label(corpus, "003")].as_dict()) == cards[_label(corpus, "003")]


def test_cards_list_cited_sources(corpus, cards):
    rt = cards[_label(corpus, "003")]
    cited = {s.source for s in rt.sources}
    assert "Reuters" in cited
    assert any("Rudaw" in s for s in cited)
    for s in rt.sources:
        assert corpus.article(s.span.article_id).snippet(s.span) == s.source
    assert any(s.source == "state media" for s in cards[_label(corpus, "004")].sources)


def test_cards_show_labels_each_outlet_uses(corpus, cards):
    rt = cards[_label(corpus, "003")]
    rashid = next(name for name in rt.descriptors if name.endswith("Rashid"))
    assert any("counterpart" in d for d in rt.descriptors[rashid])
    assert not any("counterpart" in d for d in cards[_label(corpus, "000")].descriptors.get(rashid, []))


def test_cited_sources_patterns():
    text = (
        "The ministry denied it, according to Reuters. State media reported the visit. "
        "He told reporters he was tired."
    )
    art = Article(id="x", source="x.txt", paragraphs=[text])
    found = {(s.source, s.cue) for s in cited_sources(art)}
    assert ("Reuters", "according") in found
    assert ("State media", "reported") in found
    assert not any(s == "He" or "reporters" in s for s, _ in found)
