"""Hostile text through the front stages, cheap NLP stages and the store."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parallax.pipeline import Corpus
from parallax.records import Article, Draft, Quote, Span, Story
from parallax.stages.clean import Clean
from parallax.stages.metadata import Metadata
from parallax.store.check import check_store

HOSTILE = [
    "'; DROP TABLE articles; --",
    "Robert'); DELETE FROM stories WHERE ('1'='1",
    '" OR 1=1 --',
    "%_\\%",  # LIKE wildcards and an escape
    "\x00nul\x00",
    "<script>alert('x')</script>",
    "{{ 7*7 }} ${jndi:ldap://x}",
    "\u202etxet\u202c \ufeff \u2028 \U0001f4a3",
    "?", "??", "$1", ":name",
]
FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
NLP = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

_words = st.sampled_from([
    "The", "minister", "said", "“", "”", '"', "'", "«", "»", "on", "Monday", "12", "April", "2023", ".",
    ",", "\n", "\n\n", "By", "Reuters", "—", "he", "told", "reporters", ":", "!", "?", "Mr", "Smith",
    "(", ")", "...", "1999", "yesterday", "Baghdad", "-", "|", "@handle", "©", "http://x.org/a?b=c",
])
sentences = st.lists(_words, min_size=0, max_size=60).map(" ".join)
hostile_or_text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=80), sentences)


def _draft(i: int, text: str, **meta: str | None) -> Draft:
    return Draft(id=f"d{i:03d}", source=f"in/{i}.txt", format="text", text=text, **meta)


def _front(drafts: list[Draft], options) -> Corpus:
    return Metadata(options)(Clean(options)(Corpus(drafts=drafts)))


def _check_articles(corpus: Corpus) -> None:
    for art in corpus.articles:
        assert art.paragraphs and all(isinstance(p, str) for p in art.paragraphs)
        assert art.text.strip()
        for span in art.paragraph_spans():
            assert art.snippet(span) in art.paragraphs
    assert all(i.message for i in corpus.issues)


@FAST
@given(texts=st.lists(st.one_of(sentences, st.text(max_size=400)), min_size=1, max_size=4),
       title=st.one_of(st.none(), hostile_or_text), date=st.one_of(st.none(), st.text(max_size=30)))
def test_clean_and_metadata_survive_any_text(options, texts, title, date):
    drafts = [_draft(i, t, title=title, published=date) for i, t in enumerate(texts)]
    corpus = _front(drafts, options)
    _check_articles(corpus)
    kept = {a.id for a in corpus.articles}
    for d in drafts:
        # Every draft is either an article or reported.
        assert d.id in kept or any(i.source == d.source for i in corpus.issues)


def test_text_without_sentence_punctuation(options):
    text = "\n".join(" ".join(["word"] * n) for n in (3, 40, 200))
    corpus = _front([_draft(0, text), _draft(1, "a" * 5000), _draft(2, "\n\n".join(["x"] * 500))], options)
    _check_articles(corpus)


@pytest.fixture(scope="module")
def nlp_stages(options):
    from parallax.stages.parse import Parse
    from parallax.stages.quotes import Quotes
    from parallax.stages.timeline import Timeline

    stages = [Parse(options), Quotes(options), Timeline(options)]

    def run(corpus: Corpus) -> Corpus:
        for stage in stages:
            corpus = stage(corpus)
        return corpus

    return run


def _nlp_corpus(texts: list[str]) -> Corpus:
    arts = [Article(id=f"a{i}", source=f"{i}.txt", published="2023-04-29",
                    paragraphs=[p for p in t.split("\n\n") if p.strip()] or [t])
            for i, t in enumerate(texts) if t.strip()]
    corpus = Corpus(articles=arts, stories=[Story(id="s", article_ids=[a.id for a in arts])])
    corpus.provided |= {"articles", "articles.metadata", "stories"}
    return corpus


def _check_spans(corpus: Corpus) -> None:
    texts = {a.id: a.text for a in corpus.articles}
    spans = [q.span for q in corpus.quotes]
    spans += [s for e in corpus.timeline for s in e.spans]
    for span in spans:
        assert span.article_id in texts and span.end <= len(texts[span.article_id])
    for q in corpus.quotes:
        assert texts[q.article_id][q.span.start : q.span.end].strip()


@NLP
@given(texts=st.lists(sentences, min_size=1, max_size=3))
def test_parse_quotes_timeline_survive_random_short_texts(nlp_stages, texts):
    corpus = _nlp_corpus(texts)
    if corpus.articles:
        _check_spans(nlp_stages(corpus))


@pytest.mark.parametrize("text", [
    '“He said the talks failed, an official told reporters. The next paragraph has no closing mark.',
    'The official said: "we will not go back. And that was all.\n\nAnother paragraph " with a stray mark.',
    '”Backwards quotes,“ she said. «Unclosed guillemet, he said.',
    '"' * 50,
    "No punctuation at all just words running on and on without any end in sight said the man",
])
def test_unbalanced_quotation_marks(nlp_stages, text):
    corpus = nlp_stages(_nlp_corpus([text]))
    _check_spans(corpus)


@FAST
@given(title=hostile_or_text, outlet=hostile_or_text, body=hostile_or_text, byline=hostile_or_text)
def test_hostile_strings_round_trip_through_the_store(title, outlet, body, byline):
    from parallax.store import Store

    body = body if body.strip() else "x"
    art = Article(id="a'1", source="'; --", paragraphs=[body, "second"], title=title, outlet=outlet,
                  byline=byline, published="2023-04-29")
    story = Story(id="s'1", article_ids=[art.id], title=title, keywords=[outlet])
    corpus = Corpus(articles=[art], stories=[story])
    span = Span(art.id, 0, len(body))
    corpus.quotes = [Quote(id="q'1", article_id=art.id, span=span, text=body, speaker=byline)]
    corpus.provided |= {"articles", "stories", "quotes"}
    with Store.open(":memory:") as store:
        tables = _schema(store)
        store.save(copy.deepcopy(corpus))
        assert _schema(store) == tables
        [back] = store.articles([art.id])
        assert back == art
        loaded = store.load_story(story.id)
        assert loaded.stories == [story] and loaded.quotes == corpus.quotes
        if title in HOSTILE[:4]:  # the search's LIKE must treat them as plain text
            assert [s.id for s in store.stories(search=title)] == [story.id]
            assert store.stories(search=title + "zz") == []
        assert check_store(store) == []


def _schema(store) -> list[tuple[str, str]]:
    rows = store.query("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
    return [(r["name"], r["sql"]) for r in rows]
