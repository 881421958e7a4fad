"""Framing signals on the example articles: headline focus, loaded terms, tone, sub-topics."""

from __future__ import annotations

import re
from collections import defaultdict
from importlib import resources

import pytest

from parallax.framing.lexicon import LexiconError, load_lexicon, read_lexicon_file
from parallax.pipeline import Corpus
from parallax.stages.entities import Entities
from parallax.stages.framing import MIN_TONE_SENTENCES, Framing
from parallax.stages.parse import Parse
from parallax.stages.quotes import Quotes


@pytest.fixture(scope="module")
def framed(seed_corpus, options):
    # model2vec keeps the sub-topic clustering and the tone features fast here (its own tone model).
    opts = options.replace(embedder="model2vec")
    corpus = Entities(opts)(Quotes(opts)(Parse(opts)(Corpus(articles=list(seed_corpus.articles)))))
    return Framing(opts)(corpus)


def _by_kind(corpus, kind):
    return [s for s in corpus.framing if s.kind == kind]


def test_packaged_lexicon_is_documented_data():
    path = resources.files("parallax").joinpath("data", "loaded_terms.tsv")
    entries = read_lexicon_file(str(path))
    assert len(entries) >= 80
    assert all(e.term and e.category and e.note and e.source for e in entries)
    terms = {e.term for e in entries}
    assert {"a slap in the face", "dictator", "assassinated", "regime", "harsh"} <= terms


def test_lexicon_matches_words_not_substrings():
    lexicon = load_lexicon()
    assert [h.entry.term for h in lexicon.find("The regime fell.")] == ["regime"]
    assert lexicon.find("The regimen was strict.") == []
    # Wildcards match inflections; the longest term wins where two overlap.
    assert lexicon.find("They massacred villagers")[0].entry.term == "massacre*"
    hits = lexicon.find("It was a slap in the face.")
    assert [h.entry.term for h in hits] == ["a slap in the face"]


def test_user_lexicon_extends_packaged_one(tmp_path):
    extra = tmp_path / "mine.tsv"
    extra.write_text("# house style\nterm\tcategory\tnote\tsource\nrecord-breaking\tintensifier\thype\tus\n")
    lexicon = load_lexicon(str(extra))
    assert len(lexicon) == len(load_lexicon()) + 1
    assert lexicon.find("a record-breaking heat wave")[0].entry.note == "hype"


def test_bad_lexicon_is_a_user_error(tmp_path):
    with pytest.raises(LexiconError, match="cannot read lexicon"):
        read_lexicon_file(tmp_path / "missing.tsv")
    bad = tmp_path / "bad.tsv"
    bad.write_text("onlyaterm\n")
    with pytest.raises(LexiconError, match="term and a category"):
        read_lexicon_file(bad)


def test_loaded_terms_found_with_their_spans(framed, seed_articles):
    loaded = _by_kind(framed, "loaded")
    texts = {a.id: a.text for a in framed.articles}
    for sig in loaded:
        for span in sig.spans:
            assert span.article_id == sig.article_id
            assert texts[span.article_id][span.start : span.end].lower() in sig.label.lower()
    iranian = seed_articles["001"].id
    found = {s.label.lower() for s in loaded if s.article_id == iranian}
    assert "a slap in the face" in found
    assert any(label.startswith("assassinat") for label in found)
    # Every article that uses one is flagged, and an article without any gets no loaded signal.
    either = loaded + _by_kind(framed, "loaded-quoted")
    for art in framed.articles:
        has_terms = bool(load_lexicon().find(art.text))
        assert has_terms == any(s.article_id == art.id for s in either)


def test_loaded_terms_inside_quotations_are_the_speakers(framed):
    quoted = _by_kind(framed, "loaded-quoted")
    assert quoted, "the example articles quote loaded words"
    direct = [q for q in framed.quotes if q.kind in ("direct", "mixed")]
    for sig in quoted:
        for span in sig.spans:
            holder = [q for q in direct if q.article_id == span.article_id and q.span.start <= span.start
                      and span.end <= q.span.end]
            assert holder and (holder[0].speaker or "an unnamed speaker") in sig.label
    # and the outlet's own loaded words are outside every direct quotation
    for sig in _by_kind(framed, "loaded"):
        for span in sig.spans:
            assert not any(q.article_id == span.article_id and q.span.start <= span.start
                           and span.end <= q.span.end for q in direct)


def test_headline_focus_compares_headline_with_lead(framed):
    headlines = _by_kind(framed, "headline")
    titled = [a for a in framed.articles if a.title]
    assert len(headlines) >= len(titled) - 1 >= 1
    for sig in headlines:
        assert "Headline leads with" in sig.explanation
        assert sig.score in (0.0, 1.0)
        assert sig.spans, "the triggering words are shown"
    # A title before the name ties "Iran's leader" in a headline to "Supreme Leader Ali Khamenei".
    assert sum(s.score == 1.0 for s in headlines) >= 2
    assert any(s.score == 0.0 and "different actor" in s.explanation for s in headlines)


def test_tone_only_counts_sentences_naming_the_actor(framed):
    tones = _by_kind(framed, "tone")
    assert tones
    names = {e.id: e.name for e in framed.entities}
    texts = {a.id: a.text for a in framed.articles}
    shares = defaultdict(float)
    sizes = defaultdict(int)
    for sig in tones:
        actor, _, rest = sig.label.partition(": ")
        tone, _, voice = rest.partition(", ")
        assert tone in ("negative", "neutral", "positive") and voice in ("", "quoted")
        assert 0.0 < sig.score <= 1.0
        shares[(sig.article_id, actor, voice)] += sig.score
        sizes[(sig.article_id, actor, voice)] += len(sig.spans)
        for span in sig.spans:
            # The sentence names the actor: a mention the people model linked to it lies inside.
            inside = {names[m.entity_id] for m in framed.mentions
                      if m.span.article_id == span.article_id and span.start <= m.span.start
                      and m.span.end <= span.end}
            assert actor in inside
            assert texts[span.article_id][span.start : span.end].strip()
    # Per article, actor and voice the classes share out all its sentences, and there are enough of them.
    assert all(abs(total - 1.0) < 1e-3 for total in shares.values())
    assert all(n >= MIN_TONE_SENTENCES for n in sizes.values())
    actors = {key[1] for key in shares}
    assert "Ali Khamenei" in actors
    # "the Leader" (an Iranian outlet's name for him) is Khamenei too, so its sentences count.
    leader = [sp for s in tones if s.label.startswith("Ali Khamenei:")
              for sp in s.spans if "the Leader" in texts[sp.article_id][sp.start : sp.end]]
    assert leader


def test_topic_shares_sum_to_one_per_article(framed):
    topics = _by_kind(framed, "topic")
    shares = defaultdict(float)
    for sig in topics:
        assert 0.0 < sig.score <= 1.0
        assert re.match(r"\d+% of this article", sig.explanation)
        shares[sig.article_id] += sig.score
    assert len(shares) == len(framed.articles)
    for total in shares.values():
        assert total == pytest.approx(1.0, abs=0.01)
    # Outlets spend their text differently: not every article has the same topic mix.
    mixes = {tuple(sorted((s.label, round(s.score, 2)) for s in topics if s.article_id == a)) for a in shares}
    assert len(mixes) > 1


def test_unparsed_article_is_warned_not_fatal(seed_corpus, options):
    corpus = Corpus(articles=list(seed_corpus.articles))
    corpus = Framing(options.replace(embedder="hashing"))(corpus)
    assert corpus.framing == []
    assert len(corpus.issues) == len(corpus.articles)


def test_unresolved_subjects_match_only_when_one_contains_the_other():
    from parallax.stages.framing import same_description

    assert same_description("US officials", "officials")
    assert same_description("the protesters", "Protesters in Baghdad")
    assert not same_description("US officials", "Chinese officials")
    assert not same_description("Iraqi forces", "Kurdish forces")
    assert same_description("Iraqi security forces", "security forces")
