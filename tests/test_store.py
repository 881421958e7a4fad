import json
import sqlite3

import pytest

from parallax.errors import StoreError
from parallax.pipeline import Corpus
from parallax.records import Article, Claim, ClaimGroup, Entity, Quote, Span, Story, TimelineEvent
from parallax.store import Store
from parallax.store.db import migrations


def _corpus(n=3, story="s1"):
    arts = [
        Article(
            id=f"a{i}",
            source=f"f{i}.txt",
            paragraphs=[f"Paragraph {i} says something."],
            outlet=f"Outlet {i}",
            published=f"2023-04-2{i}",
        )
        for i in range(n)
    ]
    corpus = Corpus(articles=arts, stories=[Story(id=story, article_ids=[a.id for a in arts], title="T")])
    corpus.quotes = [
        Quote(id=f"q{i}", article_id=a.id, span=Span(a.id, 0, 9), text="Paragraph")
        for i, a in enumerate(arts)
    ]
    corpus.claims = [
        Claim(id=f"c{i}", span=Span(a.id, 0, 10), text="x", group_id="g") for i, a in enumerate(arts)
    ]
    corpus.claim_groups = [
        ClaimGroup(id="g", story_id=story, claim_ids=["c0"], article_ids=["a0"], kind="exclusive")
    ]
    corpus.timeline = [TimelineEvent(date="2023-04-29", text="met", spans=[Span("a0", 0, 3)], story_id=story)]
    corpus.provided |= {"articles", "stories", "quotes", "claims", "claim_groups", "timeline"}
    return corpus


def test_migrations_are_numbered_and_recorded(any_store):
    versions = [v for v, _, _ in migrations()]
    assert versions == sorted(set(versions)) and versions[0] == 1
    assert any_store.schema_version == versions[-1]
    assert any_store.migrate() == []  # idempotent


def test_save_and_load_story_round_trip(any_store):
    corpus = _corpus()
    any_store.save(corpus)
    loaded = any_store.load_story("s1")
    assert [a.text for a in loaded.articles] == [a.text for a in corpus.articles]
    assert {q.id for q in loaded.quotes} == {"q0", "q1", "q2"}
    assert loaded.claim_groups[0].kind == "exclusive"
    assert [e.spans for e in loaded.timeline if e.story_id == "s1"] == [[Span("a0", 0, 3)]]


def test_saving_twice_is_idempotent(any_store):
    any_store.save(_corpus())
    counts = (any_store.count("articles"), any_store.count("stories"), any_store.count("records"))
    any_store.save(_corpus())
    assert (any_store.count("articles"), any_store.count("stories"), any_store.count("records")) == counts


def test_failed_save_keeps_what_was_stored(any_store):
    any_store.save(_corpus())
    bad = _corpus(story="s2")
    bad.articles.append(None)  # type: ignore[arg-type]  # fails half-way through the write
    with pytest.raises(AttributeError):
        any_store.save(bad)
    assert any_store.count("stories") == 1
    assert any_store.load_story("s1").articles


def test_moving_an_article_to_another_story_unlinks_it(any_store):
    any_store.save(_corpus())
    moved = _corpus(n=1, story="s9")
    any_store.save(moved)
    links = any_store.query("SELECT story_id FROM story_articles WHERE article_id = 'a0'")
    assert [r["story_id"] for r in links] == ["s9"]


def test_list_and_search_stories(any_store):
    any_store.save(_corpus())
    assert [s.id for s in any_store.stories(search="paragraph 1")] == ["s1"]
    assert any_store.stories(search="no such words") == []
    with pytest.raises(StoreError):
        any_store.stories(sort="drop table")


def test_missing_story_is_a_clear_error(any_store):
    with pytest.raises(StoreError, match="no story"):
        any_store.load_story("nope")


def test_file_database_persists(tmp_path):
    path = tmp_path / "p.db"
    with Store.open(str(path)) as db:
        db.save(_corpus())
    with Store.open(str(path)) as db:
        assert db.count("articles") == 3
    assert sqlite3.connect(path).execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] >= 1


def test_unopenable_database_is_a_store_error(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        Store.open(str(tmp_path / "missing-dir" / "p.db"))
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError):
        Store.open(str(junk))


def test_search_folds_non_ascii_case(any_store):
    corpus = _corpus()
    corpus.stories[0].title = "Élection à Zürich"
    any_store.save(corpus)
    assert [s.id for s in any_store.stories(search="ÉLECTION À")] == ["s1"]


def _stored_entity(store, entity_id):
    rows = store.query("SELECT data FROM records WHERE kind = 'entities' AND id = ?", (entity_id,))
    assert len(rows) == 1
    return Entity.from_dict(json.loads(rows[0]["data"]))


def test_saving_an_entity_again_merges_its_evidence(any_store):
    first = _corpus()
    first.entities = [Entity("person:ada", "Ada Lovelace", "PERSON", ["Lovelace"], {"a0": ["mathematician"]})]
    any_store.save(first)
    second = _corpus(story="s2")
    new = Entity(
        "person:ada",
        "Lady Lovelace",
        "ORG",
        ["Ada Lovelace", "Countess Lovelace"],
        {"a0": ["writer"], "a1": ["countess"]},
    )
    second.entities = [new]
    any_store.save(second)
    ent = _stored_entity(any_store, "person:ada")
    assert (ent.name, ent.label) == ("Ada Lovelace", "PERSON")  # the stored label stays, as in analyze
    assert ent.aliases == ["Countess Lovelace", "Lady Lovelace", "Lovelace"]  # the other name is kept
    # Descriptors are per article: a re-analysed article's labels replace its stored ones.
    assert ent.descriptors == {"a0": ["writer"], "a1": ["countess"]}
    assert new.aliases == ["Ada Lovelace", "Countess Lovelace"]  # the caller's record is untouched


def test_an_entitys_name_does_not_depend_on_which_record_came_first():
    shouted = Entity("place:washington", "WASHINGTON", "GPE", [], {"a0": []})
    plain = Entity("place:washington", "Washington", "GPE", [], {"a1": []})
    fuller = Entity("place:washington", "Washington D.C.", "GPE", [], {"a2": []})
    assert shouted.merged(plain).name == plain.merged(shouted).name == "Washington"  # a dateline's caps lose
    assert plain.merged(fuller).name == fuller.merged(plain).name == "Washington D.C."
    assert shouted.merged(plain).merged(fuller).aliases == ["WASHINGTON", "Washington"]


def test_one_entity_twice_in_a_save_keeps_both_records_evidence(any_store):
    corpus = _corpus()
    corpus.entities = [
        Entity("place:paris", "Paris", "GPE", ["Paris, France"], {"a0": ["capital"]}),
        Entity("place:paris", "Paris", "GPE", ["City of Light"], {"a2": ["city"]}),
    ]
    any_store.save(corpus)
    ent = _stored_entity(any_store, "place:paris")
    assert ent.aliases == ["City of Light", "Paris, France"]
    assert ent.descriptors == {"a0": ["capital"], "a2": ["city"]}
