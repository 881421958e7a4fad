"""The record registry is complete, and every stage reads only what it declares."""

from __future__ import annotations

import dataclasses
import typing

import pytest

from parallax.pipeline import Corpus, CorpusView, Pipeline, UndeclaredAccess
from parallax.records import Record
from parallax.registry import BY_NAME, FIELDS


def _holds_records(tp: typing.Any) -> bool:
    if isinstance(tp, type) and issubclass(tp, Record):
        return True
    return any(_holds_records(arg) for arg in typing.get_args(tp))


def test_every_corpus_field_holding_records_is_registered():
    hints = typing.get_type_hints(Corpus)
    holding = {f.name for f in dataclasses.fields(Corpus) if _holds_records(hints[f.name])}
    assert holding, "the Corpus declares record fields"
    assert holding == set(BY_NAME), f"unregistered: {holding - set(BY_NAME)}; stale: {set(BY_NAME) - holding}"
    for spec in FIELDS:
        item = typing.get_args(hints[spec.name])
        assert spec.record in item, f"{spec.name} is registered as {spec.record.__name__}, declared {item}"


def test_registered_owners_and_keys_resolve_on_real_records():
    from parallax.records import Claim, Span, TimelineEvent

    claim = Claim("a:c0-5", Span("a", 0, 5), "hello")
    assert BY_NAME["claims"].owner_of(claim) == "a" and BY_NAME["claims"].id_of(claim) == "a:c0-5"
    event = TimelineEvent("2023-04-29", "met", [Span("a", 0, 3)], story_id="s1")
    other = TimelineEvent("2023-04-29", "met", [Span("a", 0, 3)], story_id="s2")
    assert BY_NAME["timeline"].owner_of(event) == "s1"
    # Content ids: the same event in two stories is two records.
    assert BY_NAME["timeline"].id_of(event) != BY_NAME["timeline"].id_of(other)


class _Reads:
    name = "reader"
    requires: tuple[str, ...] = ("articles",)
    provides: tuple[str, ...] = ("claims",)

    def __init__(self, field: str):
        self.field = field

    def __call__(self, corpus):
        getattr(corpus, self.field)
        corpus.claims = []
        corpus.warn("x", "issues are open to every stage")
        return corpus


def test_a_view_refuses_undeclared_reads_and_writes():
    corpus = Corpus(provided={"inputs", "articles"})
    assert Pipeline([_Reads("articles")], corpus.provided, strict=True)(corpus).issues
    with pytest.raises(UndeclaredAccess, match="'reader' reads corpus field 'quotes'"):
        Pipeline([_Reads("quotes")], corpus.provided, strict=True)(corpus)
    view = CorpusView(corpus, _Reads("articles"))
    with pytest.raises(UndeclaredAccess, match="writes"):
        view.stories = []
    # Methods run against the view, so what they read is checked as well.
    assert view.by_id() == {}
    with pytest.raises(UndeclaredAccess):
        CorpusView(corpus, type("S", (), {"name": "s", "requires": (), "provides": ()})()).by_id()


def test_every_default_stage_reads_only_what_it_declares(example_dir):
    """The whole default pipeline over the example story, each stage behind a strict view."""
    from parallax.analyze import default_pipeline
    from parallax.options import Options

    options = Options.build(embedder="hashing")
    stages = default_pipeline(options).stages
    corpus = Pipeline(stages, strict=True)(Corpus(inputs=[str(example_dir)]))
    assert corpus.claims and corpus.quotes and corpus.digests and corpus.timeline
    assert {s.name for s in stages} <= set(corpus.timings)
