import pytest

from parallax.pipeline import Corpus, Pipeline, PipelineError


class Fake:
    def __init__(self, name, requires, provides):
        self.name, self.requires, self.provides = name, requires, provides
        self.calls = 0

    def __call__(self, corpus):
        self.calls += 1
        return corpus


def test_check_rejects_a_stage_before_what_it_requires():
    with pytest.raises(PipelineError, match="requires"):
        Pipeline([Fake("stories", ("articles",), ("stories",)), Fake("clean", ("drafts",), ("articles",))])


def test_check_rejects_unknown_fields():
    with pytest.raises(PipelineError, match="unknown"):
        Pipeline([Fake("x", ("inputs",), ("nonsense",))])


def test_aspects_of_fields_are_accepted_and_tracked():
    stages = [
        Fake("ingest", ("inputs",), ("drafts",)),
        Fake("clean", ("drafts",), ("articles",)),
        Fake("meta", ("articles",), ("articles.metadata",)),
        Fake("s", ("articles.metadata",), ("stories",)),
    ]
    corpus = Pipeline(stages)(Corpus())
    assert {"drafts", "articles", "articles.metadata", "stories"} <= corpus.provided
    assert all(s.calls == 1 for s in stages)
    assert set(corpus.timings) == {"ingest", "clean", "meta", "s"}


def test_running_checks_against_what_the_corpus_already_has():
    pipe = Pipeline.__new__(Pipeline)
    pipe.stages, pipe.strict = [Fake("stories", ("articles",), ("stories",))], False
    with pytest.raises(PipelineError):
        pipe(Corpus())
    corpus = Corpus()
    corpus.provided.add("articles")
    assert "stories" in pipe(corpus).provided


def test_default_pipeline_is_in_a_valid_order(options):
    from parallax import default_pipeline

    pipe = default_pipeline(options)
    names = pipe.names
    assert names.index("ingest") < names.index("clean") < names.index("stories") < names.index("digest")
