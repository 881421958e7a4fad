"""The stage contract and the pipeline runner.

A stage is a callable ``Corpus -> Corpus`` with a ``name`` and two tuples of
corpus fields: ``requires`` (must already be provided) and ``provides`` (what
it fills in). :meth:`Pipeline.check` validates the order before anything
runs, like spaCy's ``analyze_pipes``.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from .records import (
    Article,
    Claim,
    ClaimGroup,
    Contradiction,
    CoverageMatrix,
    Digest,
    Draft,
    Entity,
    EntityMention,
    FramingSignal,
    Issue,
    OutletCard,
    Quote,
    QuoteCluster,
    Reuse,
    Story,
    TimelineEvent,
)


class PipelineError(Exception):
    """Raised when stages are ordered so that one lacks what it requires."""


@dataclass(slots=True)
class Corpus:
    """Everything known about one run: inputs and what each stage added."""

    inputs: list[str] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)
    reuse: list[Reuse] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    quote_clusters: list[QuoteCluster] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    mentions: list[EntityMention] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    claim_groups: list[ClaimGroup] = field(default_factory=list)
    contradictions: list[Contradiction] = field(default_factory=list)
    framing: list[FramingSignal] = field(default_factory=list)
    timeline: list[TimelineEvent] = field(default_factory=list)
    digests: list[Digest] = field(default_factory=list)
    coverage: list[CoverageMatrix] = field(default_factory=list)
    outlet_cards: list[OutletCard] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    # spaCy Doc per article id (clean text, so offsets match spans). Not stored.
    docs: dict[str, Any] = field(default_factory=dict)
    provided: set[str] = field(default_factory=lambda: {"inputs"})
    timings: dict[str, float] = field(default_factory=dict)

    def article(self, article_id: str) -> Article:
        for art in self.articles:
            if art.id == article_id:
                return art
        raise KeyError(article_id)

    def by_id(self) -> dict[str, Article]:
        return {a.id: a for a in self.articles}

    def story_articles(self, story: Story, index: dict[str, Article] | None = None) -> list[Article]:
        """The story's articles; pass ``by_id()`` when looping over stories, or each call rebuilds it."""
        index = self.by_id() if index is None else index
        return [index[i] for i in story.article_ids if i in index]

    def warn(self, source: str, message: str, severity: str = "warning") -> None:
        self.issues.append(Issue(source=source, message=message, severity=severity))


def reuse_positions(reuse: Sequence[Reuse]) -> dict[str, list[int]]:
    """Article id -> positions in ``reuse`` of the records naming it as source or target."""
    out: dict[str, list[int]] = {}
    for pos, r in enumerate(reuse):
        for aid in {r.source.article_id, r.target.article_id}:
            out.setdefault(aid, []).append(pos)
    return out


def reuse_touching(
    reuse: Sequence[Reuse], positions: dict[str, list[int]], ids: Iterable[str]
) -> list[Reuse]:
    """The reuse records with a source or target among ``ids``, in their original order."""
    return [reuse[p] for p in sorted({p for aid in ids for p in positions.get(aid, ())})]


def pack(stories: Sequence[Story], size: int) -> list[list[Story]]:
    """Whole stories in id order, cut into groups of about ``size`` articles (a bigger story stands alone)."""
    groups: list[list[Story]] = []
    current: list[Story] = []
    count = 0
    for story in sorted(stories, key=lambda s: s.id):
        if current and count + len(story.article_ids) > size:
            groups.append(current)
            current, count = [], 0
        current.append(story)
        count += len(story.article_ids)
    if current:
        groups.append(current)
    return groups


CORPUS_FIELDS = frozenset(f.name for f in dataclasses.fields(Corpus)) - {"provided", "timings", "issues"}


class UndeclaredAccess(PipelineError):
    """A stage read or wrote a corpus field it does not declare in ``requires``/``provides``."""


class CorpusView:
    """A corpus as one stage declared it: touching any other field raises :class:`UndeclaredAccess`.

    ``Pipeline(..., strict=True)`` runs each stage over one, so that the check
    before a run means something: a stage that reads a field without
    declaring it fails in the tests, not at a user's run with a different
    stage order. Corpus methods run against the view, so what they read is
    checked too (``by_id`` reads ``articles``). Issues, ``provided`` and
    ``timings`` are open to every stage.
    """

    __slots__ = ("_allowed", "_corpus", "_stage")

    def __init__(self, corpus: Corpus, stage: Stage):
        object.__setattr__(self, "_corpus", corpus)
        object.__setattr__(self, "_stage", stage.name)
        names = {n.split(".")[0] for n in (*stage.requires, *stage.provides)}
        object.__setattr__(self, "_allowed", frozenset(names))

    def _check(self, name: str, verb: str) -> None:
        if name in CORPUS_FIELDS and name not in self._allowed:
            raise UndeclaredAccess(f"stage {self._stage!r} {verb} corpus field {name!r} without declaring it")

    def __getattr__(self, name: str) -> Any:
        self._check(name, "reads")
        method = getattr(Corpus, name, None)
        if callable(method) and name not in _FIELD_NAMES:
            return functools.partial(method, self)
        return getattr(self._corpus, name)

    def __setattr__(self, name: str, value: Any) -> None:
        self._check(name, "writes")
        setattr(self._corpus, name, value)


_FIELD_NAMES = frozenset(f.name for f in dataclasses.fields(Corpus))


def unwrap(corpus: Corpus | CorpusView) -> Corpus:
    return corpus._corpus if isinstance(corpus, CorpusView) else corpus


@runtime_checkable
class Stage(Protocol):
    name: str
    requires: tuple[str, ...]
    provides: tuple[str, ...]

    def __call__(self, corpus: Corpus) -> Corpus: ...


Progress = Callable[[str, int, int], None]


class Pipeline:
    """An ordered list of stages, checked before it runs."""

    def __init__(self, stages: Sequence[Stage], initial: Iterable[str] = ("inputs",), strict: bool = False):
        """``initial``: the fields the corpus will already hold when this pipeline runs.

        ``strict``: run each stage over a :class:`CorpusView` of what it declares (tests do).
        """
        self.stages = list(stages)
        self.strict = strict
        self.check(initial)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.stages]

    def check(self, initial: Iterable[str] = ("inputs",)) -> None:
        have = set(initial)
        for stage in self.stages:
            # "articles.metadata" names an aspect of a field that a stage fills in.
            unknown = {n for n in (*stage.requires, *stage.provides) if n.split(".")[0] not in CORPUS_FIELDS}
            if unknown:
                raise PipelineError(f"stage {stage.name!r} names unknown corpus fields: {sorted(unknown)}")
            missing = set(stage.requires) - have
            if missing:
                raise PipelineError(
                    f"stage {stage.name!r} requires {sorted(missing)}, which no earlier stage provides"
                )
            have |= set(stage.provides)

    def __call__(self, corpus: Corpus, progress: Progress | None = None) -> Corpus:
        self.check(corpus.provided)
        for i, stage in enumerate(self.stages):
            if progress:
                progress(stage.name, i, len(self.stages))
            started = time.perf_counter()
            corpus = unwrap(stage(CorpusView(corpus, stage) if self.strict else corpus))  # type: ignore[arg-type]
            corpus.timings[stage.name] = time.perf_counter() - started
            corpus.provided |= set(stage.provides)
        if progress:
            progress("done", len(self.stages), len(self.stages))
        return corpus
