"""Quote extraction: quotation marks, cues, speakers and channels on real text."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parallax.people import article_people
from parallax.people.names import strip_titles
from parallax.quoting.extract import extract
from parallax.quoting.marks import find_segments, strip_marks
from parallax.records import Article
from parallax.stages.entities import Entities
from parallax.stages.parse import Parse
from parallax.stages.quotes import Quotes


@pytest.fixture(scope="module")
def quoted(seed_corpus, options):
    corpus = copy.copy(seed_corpus)
    corpus.docs, corpus.quotes = {}, []
    # The people model (the Entities stage) turns each speaker phrase into the name shown.
    corpus = Entities(options)(Quotes(options)(Parse(options)(corpus)))
    return corpus


def _quotes(corpus, seed_articles, key):
    return [q for q in corpus.quotes if q.article_id == seed_articles[key].id]


def _find(quotes, words):
    hits = [q for q in quotes if words in q.text]
    assert hits, f"no quote containing {words!r}: {[q.text for q in quotes]}"
    return hits[0]


def _one(nlp, text):
    article = Article(id="t", source="t", paragraphs=text.split("\n\n"))
    doc = nlp(article.text)
    quotes = extract(article, doc)
    article_people(article, doc).attribute(quotes)
    return quotes


def test_segments_every_mark_style():
    text = "He said “one two” and 'three four' and «cinq six» and ‘seven eight’ today."
    inner = [text[s.inner_start : s.inner_end] for s in find_segments(text)]
    assert inner == ["one two", "three four", "cinq six", "seven eight"]


def test_apostrophes_do_not_close_single_quotes():
    text = "‘Iran’s leaders don’t care,’ she said. The officials’ view differs."
    segs = find_segments(text)
    assert [text[s.inner_start : s.inner_end] for s in segs] == ["Iran’s leaders don’t care,"]


def test_quote_continued_in_next_paragraph():
    text = "“First part of the quote.\n\n“Second part,” she said.\n\nUnquoted."
    (seg,) = find_segments(text)
    assert text[seg.inner_start : seg.inner_end].endswith("Second part,")
    assert strip_marks("“It’s fine,” he said") == "It’s fine, he said"


def test_titles_stripped():
    assert strip_titles("Ayatollah Sayed Ali Khamenei") == "Ali Khamenei"
    assert strip_titles("Iran's Supreme Leader Ali Khamenei") == "Ali Khamenei"
    assert strip_titles("Mr. Obama") == "Obama"


def test_khamenei_quote_in_every_article(quoted, seed_articles):
    for key in ("000", "001", "002", "003", "004"):
        q = _find(_quotes(quoted, seed_articles, key), "American in Iraq is too much")
        assert q.kind == "direct"
        assert q.speaker == "Ali Khamenei", (key, q.speaker)


def test_spans_ids_and_cues_point_into_the_text(quoted, seed_articles):
    texts = {a.id: a.text for a in quoted.articles}
    assert quoted.quotes
    for q in quoted.quotes:
        text = texts[q.article_id]
        assert text[q.span.start : q.span.end] == q.text
        assert q.id == f"{q.article_id}:q{q.span.start}"
        if q.cue_span is not None:
            assert text[q.cue_span.start : q.cue_span.end] == q.cue
        if q.speaker_span is not None:
            assert q.speaker_span.end <= len(text)
    assert len({q.id for q in quoted.quotes}) == len(quoted.quotes)


def test_channel_is_kept_as_via(quoted, seed_articles):
    assert "IRNA" in (_find(_quotes(quoted, seed_articles, "000"), "too much").via or "")
    assert _find(_quotes(quoted, seed_articles, "003"), "too much").via == "Reuters"
    assert "media" in (_find(_quotes(quoted, seed_articles, "004"), "friends of Iraq").via or "")


def test_austin_and_biden_attributed(quoted, seed_articles):
    quotes = _quotes(quoted, seed_articles, "000")
    assert _find(quotes, "at the invitation of the government").speaker == "Austin"
    # The second half of a quote split around "Austin said" keeps its speaker.
    follow = _find(quotes, "these forces are operating")
    assert follow.speaker == "Austin" and follow.cue is None
    assert _find(quotes, "Make no mistake").speaker == "Joe Biden"
    mixed = _find(quotes, "forcefully protect our people")
    assert mixed.kind == "mixed" and mixed.speaker == "Joe Biden"


def test_pronoun_and_role_noun_resolved(quoted, seed_articles):
    # "… ,” he added." after Khamenei spoke to Rashid: the subject, not the listener.
    assert _find(_quotes(quoted, seed_articles, "002"), "single American").speaker == "Ali Khamenei"
    leader = _find(_quotes(quoted, seed_articles, "001"), "advancement of Iraq")
    assert leader.kind == "indirect" and leader.speaker == "Ali Khamenei"


def test_passive_quoted_as_saying(quoted, seed_articles):
    q = _find(_quotes(quoted, seed_articles, "004"), "main effort")
    assert q.speaker is not None and q.speaker.endswith("Rashid")


def test_indirect_patterns(nlp):
    (q,) = _one(nlp, "According to the ministry, the talks will resume next week in Geneva.")
    assert q.kind == "indirect" and q.speaker == "the ministry" and q.text.startswith("the talks")
    (q,) = _one(nlp, "Maria Lopez told reporters that the budget would be cut by a third.")
    assert q.speaker == "Maria Lopez" and q.text == "that the budget would be cut by a third."
    (q,) = _one(nlp, "The plan is dead, the senator said, unless the House acts quickly.")
    assert q.speaker == "the senator" and q.text.startswith("The plan is dead")


def test_multi_paragraph_and_colon_quotes(nlp):
    text = (
        "Governor Ann Lee spoke on Friday. She said: “We will rebuild every school.\n\n"
        "“And we will do it this year.”\n\nThe crowd cheered."
    )
    (q,) = _one(nlp, text)
    assert q.kind == "direct" and q.speaker == "Ann Lee"
    assert q.text.startswith("We will rebuild") and q.text.endswith("this year.")


def test_guillemets_and_scare_quotes(nlp):
    quotes = _one(nlp, "«Nous ne céderons pas sur ce point», a déclaré le ministre. He called it «a farce».")
    assert [q.text for q in quotes] == ["Nous ne céderons pas sur ce point"]
    assert _one(nlp, "Critics called the plan a “disaster” on Monday.") == []


def test_title_after_cue_is_not_a_quote(nlp):
    quotes = _one(nlp, 'Pence said on CNN\'s "State of the Union" that he backed the plan.')
    assert all(q.text != "State of the Union" for q in quotes)


_PIECES = ["“", "”", '"', "'", "‘", "’", "«", "»", "''", "He said", "she told reporters that",
           " according to the mayor, ", ".", ",", ":", "\n\n", "the plan will fail", "Mr. Smith", " "]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30))
def test_spans_always_index_the_text(nlp, pieces):
    text = "".join(pieces).strip()
    article = Article(id="f", source="f", paragraphs=text.split("\n\n"))
    for q in extract(article, nlp(article.text)):
        assert article.text[q.span.start : q.span.end] == q.text
        if q.cue_span is not None:
            assert article.text[q.cue_span.start : q.cue_span.end] == q.cue


def test_pronoun_passes_over_a_person_titled_otherwise(nlp):
    """"she" skips the last speaker, a man by his title, for the woman named after him."""
    text = (
        "A day earlier, Mr Brennan had said only the largest firms would be targeted. "
        'The list "will be limited and final", he said.\n\n'
        "Ms Lindqvist, who runs a fund, disagreed. "
        '"It is a serious plan," she said.'
    )
    found = {q.text.strip('"“”,. '): q.speaker for q in _one(nlp, text)}
    assert found["It is a serious plan"] == "Lindqvist"
    assert "Brennan" in found.values()


def test_title_on_a_shared_surname_picks_the_person_of_that_gender(nlp):
    """"Mr Jackson", with a Michael and a Katherine Jackson named, is the man; Ms Okoye is a woman."""
    text = (
        "Michael Jackson arrived at court on Monday with his mother, Katherine Jackson. "
        "Mr Jackson denies the charges. Ms Okoye, the prosecutor, spoke next."
    )
    article = Article(id="t", source="t", paragraphs=[text])
    people = article_people(article, nlp(text))
    genders = {p.name: p.gender for p in people.entities.values() if p.kind == "PERSON"}
    assert genders["Okoye"] == "f"
    # The mother is named by her relation to him ("his mother, Katherine Jackson"): a woman.
    assert genders["Katherine Jackson"] == "f"
    mister = next(m for p in people.entities.values() for m in p.mentions if m.text == "Jackson")
    assert mister.entity == "PERSON|michael jackson"
