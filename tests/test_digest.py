"""Neutral digest of the example story: sections, citations, neutral wording, support."""

from __future__ import annotations

import re

import pytest

from parallax.framing.lexicon import load_lexicon
from parallax.pipeline import Corpus
from parallax.records import Claim, ClaimGroup, Contradiction, Span, Story
from parallax.stages.claims import Claims
from parallax.stages.contradictions import Contradictions
from parallax.stages.digest import Digests, compress, content_words, digest_text, is_prose, most_neutral
from parallax.stages.entities import Entities
from parallax.stages.parse import Parse


@pytest.fixture(scope="module")
def digested(seed_corpus, options):
    corpus = Corpus(articles=list(seed_corpus.articles))
    corpus = Parse(options)(corpus)
    # The five examples are one story; building it here keeps this test off the story stage.
    corpus.stories = [Story("s0", [a.id for a in corpus.articles])]
    for stage in (Entities, Claims, Contradictions, Digests):
        corpus = stage(options)(corpus)
    return corpus


def _words(text):
    return set(re.findall(r"\w+", text.lower()))


def _sentence_of(corpus, article_id, needle):
    """A real sentence of an example article, as a Claim with its exact span."""
    art = corpus.article(article_id)
    for sent in corpus.docs[article_id].sents:
        if needle in sent.text:
            return Claim(
                f"{article_id}:{sent.start_char}",
                Span(article_id, sent.start_char, sent.end_char),
                sent.text.strip(),
            )
    raise AssertionError(f"{needle!r} not in {art.source}")


def test_every_digest_sentence_is_supported_by_a_cited_span(digested):
    texts = {a.id: a.text for a in digested.articles}
    assert digested.digests and digested.digests[0].sentences
    for digest in digested.digests:
        for sentence in digest.sentences:
            assert sentence.citations
            # Independent of the stage's own check: content words lie inside one cited span.
            words = content_words(sentence.text)
            assert any(words <= _words(texts[s.article_id][s.start : s.end]) for s in sentence.citations), (
                sentence.text
            )


def test_consensus_first_most_widely_reported_first(digested):
    digest = digested.digests[0]
    sections = [s.section for s in digest.sentences]
    assert sections[0] == "consensus"
    order = {"consensus": 0, "partial": 1, "other": 2, "disputed": 3}
    assert [order[s] for s in sections] == sorted(order[s] for s in sections)
    labels = {a.id: a.label for a in digested.articles}
    consensus = [s for s in digest.sentences if s.section == "consensus"]
    widths = [len({labels[c.article_id] for c in s.citations}) for s in consensus]
    assert widths == sorted(widths, reverse=True)
    assert widths[0] >= 4  # the "too much" remark is in every article


def test_citations_are_the_supporting_claims(digested):
    groups = {g.id: g for g in digested.claim_groups}
    labels = {a.id: a.label for a in digested.articles}
    for sentence in digested.digests[0].sentences:
        if sentence.section == "disputed":
            continue
        # Each citation is the sentence holding a claim of one group: one per outlet stating it, every
        # such outlet cited once.
        holders = [{c.group_id for c in digested.claims if c.sentence == s} for s in sentence.citations]
        cited_outlets = [labels[s.article_id] for s in sentence.citations]
        assert len(cited_outlets) == len(set(cited_outlets)), sentence.text
        def outlets(g):
            return {labels[c.span.article_id] for c in digested.claims if c.group_id == g}
        exact = [g for g in set.intersection(*holders) if outlets(g) == set(cited_outlets)]
        assert exact, sentence.text
        group = groups[exact[0]]
        if sentence.section == "partial":
            assert group.kind in ("shared", "reported", "exclusive")
        if sentence.section == "other":
            assert group.kind == "uncertain"


def test_partial_and_disputed_sections(digested):
    digest = digested.digests[0]
    partial = [s for s in digest.sentences if s.section == "partial"]
    assert partial, "additions reported by only some outlets"
    disputed = [s for s in digest.sentences if s.section == "disputed"]
    sides = {x.left for x in digested.contradictions} | {x.right for x in digested.contradictions}
    if digested.contradictions:
        assert disputed
    for sentence in disputed:
        assert len(sentence.citations) == 1
        assert any(sentence.citations[0].overlaps(side) for side in sides)
    # A contested fact is said only there: elsewhere it would cite an outlet for words it contradicts.
    for sentence in digest.sentences:
        if sentence.section != "disputed":
            assert not any(c.overlaps(side) for c in sentence.citations for side in sides), sentence.text


def test_no_sentence_repeats_another(digested):
    kept = [content_words(s.text) for s in digested.digests[0].sentences if s.section != "disputed"]
    for i, a in enumerate(kept):
        for b in kept[:i]:
            assert len(a & b) / min(len(a), len(b)) < 0.7


def test_most_neutral_variant_avoids_loaded_terms(digested, seed_articles):
    lexicon = load_lexicon()
    loaded = _sentence_of(digested, seed_articles["001"].id, "assassinat")
    plain = _sentence_of(digested, seed_articles["004"].id, "2,500")
    assert lexicon.find(loaded.text) and not lexicon.find(plain.text)
    assert most_neutral([loaded, plain], lexicon) is plain
    assert most_neutral([plain, loaded], lexicon) is plain


def test_neutral_choice_in_a_constructed_group(digested, seed_articles, options):
    """A group built from real sentences: the digest words it without the loaded variant."""
    loaded = _sentence_of(digested, seed_articles["001"].id, "slap in the face")
    plain = _sentence_of(digested, seed_articles["000"].id, "Austin")
    ids = [loaded.span.article_id, plain.span.article_id]
    corpus = Corpus(articles=digested.articles, stories=[Story("t", ids)])
    loaded.group_id = plain.group_id = "t:g0"
    corpus.claims = [loaded, plain]
    corpus.claim_groups = [ClaimGroup("t:g0", "t", [loaded.id, plain.id], sorted(ids), "consensus")]
    out = Digests(options)(corpus).digests[0]
    consensus = [s for s in out.sentences if s.section == "consensus"]
    assert len(consensus) == 1 and "slap" not in consensus[0].text
    assert sorted(consensus[0].citations) == sorted([loaded.span, plain.span])
    # Once the two sentences contradict each other the fact is contested: said only as its two sides.
    corpus.contradictions = [Contradiction("t:x0", "t", "agent", loaded.span, plain.span, "a", "b")]
    out = Digests(options)(corpus).digests[0]
    assert [s.section for s in out.sentences] == ["disputed", "disputed"]
    assert [s.citations for s in out.sentences] == [[loaded.span], [plain.span]]


def test_compress_drops_only_safe_parts(digested, seed_articles):
    art = seed_articles["003"]
    sentence = next(s.text for s in digested.docs[art.id].sents if "(IS, formerly ISIS)" in s.text)
    short = compress(sentence)
    assert "(IS, formerly ISIS)" not in short
    assert content_words(short) <= content_words(sentence)
    # Numbers in parentheses carry facts and stay.
    assert "(2,500 troops)" in compress("The US keeps a force (2,500 troops) in the country.")
    quote = next(s.text for s in digested.docs[seed_articles["000"].id].sents if "IRNA reported" in s.text)
    dropped = compress(quote, drop_media_attribution=True)
    assert "IRNA reported" not in dropped and "Khamenei said" in dropped
    # Whose claim it is never goes: attribution to a person is kept.
    kept = compress("Iraq should act now, Khamenei said.", drop_media_attribution=True)
    assert kept.endswith("Khamenei said.")
    assert compress("Meanwhile, the talks went on") == "The talks went on."


def test_is_prose_rejects_headlines_and_credits():
    assert not is_prose("By Mitchell McCluskey and Aqeel Mohamed")
    assert not is_prose("Even one American in Iraq is too many, Iran leader tells Iraqi president")
    assert is_prose("The United States has some 2,500 troops in Iraq to help advise and assist local troops.")


def test_digest_text_joins_sections(digested):
    digest = digested.digests[0]
    assert digest_text(digest, ("consensus",)).startswith(digest.sentences[0].text)
    assert len(digest_text(digest)) > len(digest_text(digest, ("consensus",)))


def test_undecided_leads_are_stated_without_a_claim_about_other_outlets(digested):
    """An "other" sentence cites one article only and is one of its uncertain groups' sentences."""
    uncertain = {c for g in digested.claim_groups if g.kind == "uncertain" for c in g.claim_ids}
    sentences = {c.sentence for c in digested.claims if c.id in uncertain}
    others = [s for d in digested.digests for s in d.sentences if s.section == "other"]
    assert others, "the seed story has undecided leads"
    for sentence in others:
        assert len({c.article_id for c in sentence.citations}) == 1
        assert set(sentence.citations) <= sentences
