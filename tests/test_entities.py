from __future__ import annotations

import pytest
from coverage_helpers import by_file, story_corpus

from parallax.pipeline import Corpus
from parallax.records import Article
from parallax.stages.entities import Entities, clean_name, role_head
from parallax.stages.parse import Parse


@pytest.fixture(scope="module")
def corpus(seed_corpus, options):
    return Entities(options)(story_corpus(seed_corpus, options))


@pytest.fixture(scope="module")
def files(corpus):
    return by_file(corpus)


def _entity_of(corpus, article_id, text):
    hits = {m.entity_id for m in corpus.mentions if m.span.article_id == article_id and m.text == text}
    assert len(hits) == 1, (text, hits)
    return next(e for e in corpus.entities if e.id in hits)


def test_mention_spans_point_at_their_text(corpus):
    arts = corpus.by_id()
    assert corpus.mentions
    for m in corpus.mentions:
        assert arts[m.span.article_id].snippet(m.span) == m.text


def test_surname_and_partial_names_link_to_the_full_name(corpus, files):
    full = _entity_of(corpus, files["003"], "Latif Rashid")
    assert full.name.endswith("Rashid") and len(full.name.split()) >= 3
    bare = {m.entity_id for m in corpus.mentions if m.text == "Rashid"}
    assert bare == {full.id}
    linked = {m.span.article_id for m in corpus.mentions if m.entity_id == full.id}
    assert linked == set(files.values())


def test_titles_are_stripped_from_canonical_names(corpus):
    people = [e for e in corpus.entities if e.label == "PERSON"]
    khamenei = [e for e in people if "Khamenei" in e.name]
    assert len(khamenei) == 1
    assert khamenei[0].name.split()[0].lower() not in {"ayatollah", "president", "supreme", "iran"}
    assert any(a.startswith("Ayatollah") for a in khamenei[0].aliases)


def test_descriptors_record_each_outlets_labels(corpus, files):
    rashid = _entity_of(corpus, files["003"], "Latif Rashid")
    assert any("counterpart" in d for d in rashid.descriptors[files["003"]])
    assert any("President" in d for d in rashid.descriptors[files["000"]])
    khamenei = next(e for e in corpus.entities if "Khamenei" in e.name)
    assert any("Supreme Leader" in d for labels in khamenei.descriptors.values() for d in labels)


def test_role_phrases_link_to_the_person_the_title_establishes(corpus, files):
    khamenei = next(e for e in corpus.entities if "Khamenei" in e.name)
    bare_roles = [
        m
        for m in corpus.mentions
        if m.entity_id == khamenei.id and "Khamenei" not in m.text and "leader" in m.text.lower()
    ]
    assert bare_roles, "no 'Iran's leader' style mention linked to Khamenei"
    assert files["001"] in {m.span.article_id for m in bare_roles}


def test_shared_surname_of_two_people_is_not_merged(nlp, options):
    text = (
        "Former President George Bush met Laura Bush in Dallas on Monday. "
        "Bush said the library would open next year, a spokesman said."
    )
    art = Article(id="a", source="a.txt", paragraphs=[text])
    corpus = Corpus(articles=[art])
    corpus = Entities(options)(Parse(options)(corpus))
    names = {e.name for e in corpus.entities if e.label == "PERSON"}
    assert {"George Bush", "Laura Bush"} <= names
    bush = {m.entity_id for m in corpus.mentions if m.text == "Bush"}
    assert bush and all(e not in {"person:george-bush", "person:laura-bush"} for e in bush)


def test_clean_name_and_role_head():
    assert clean_name("President Joe Biden") == "Joe Biden"
    assert clean_name("Mr. Smith's") == "Smith"
    assert clean_name("the European Union") == "European Union"
    assert role_head("Iranian Supreme Leader Ayatollah") == "leader"
    assert role_head("US Secretary of Defense") == "secretary"
    assert role_head("his Iraqi counterpart") is None
