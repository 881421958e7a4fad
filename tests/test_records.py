import json

import pytest

from parallax.records import RECORD_TYPES, Article, Quote, QuoteCluster, QuoteVariant, Span, TimelineEvent


def test_span_rejects_inverted_range():
    with pytest.raises(ValueError):
        Span("a", 5, 2)


def test_span_overlap_requires_same_article():
    assert Span("a", 0, 5).overlaps(Span("a", 4, 9))
    assert not Span("a", 0, 5).overlaps(Span("a", 5, 9))
    assert not Span("a", 0, 5).overlaps(Span("b", 0, 5))


def test_nested_records_round_trip_through_json():
    quote = Quote(
        id="q",
        article_id="a",
        span=Span("a", 3, 9),
        text="hello",
        speaker="X",
        speaker_span=Span("a", 10, 11),
    )
    back = Quote.from_dict(json.loads(json.dumps(quote.as_dict())))
    assert back == quote
    assert isinstance(back.span, Span) and isinstance(back.speaker_span, Span)


def test_lists_of_records_and_tuples_round_trip():
    cluster = QuoteCluster(
        id="c",
        story_id="s",
        canonical="x",
        quote_ids=["q"],
        variants=[QuoteVariant(text="x", quote_ids=["q"], article_ids=["a"], diff=[("=", "x")])],
    )
    back = QuoteCluster.from_dict(json.loads(json.dumps(cluster.as_dict())))
    assert isinstance(back.variants[0], QuoteVariant)
    assert back.variants[0].diff == [("=", "x")]
    event = TimelineEvent(date="2023-04", text="t", spans=[Span("a", 1, 2)])
    assert TimelineEvent.from_dict(event.as_dict()).spans == [Span("a", 1, 2)]


def test_article_text_and_paragraph_spans_agree():
    art = Article(id="a", source="x.txt", paragraphs=["First one.", "Second, longer paragraph."])
    spans = art.paragraph_spans()
    assert [art.snippet(s) for s in spans] == art.paragraphs
    assert art.text.count("\n\n") == 1


def test_every_record_type_is_slotted():
    for cls in RECORD_TYPES:
        assert hasattr(cls, "__slots__"), cls
