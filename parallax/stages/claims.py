"""Claims stage: each article's propositions, aligned across the outlets of its story.

A claim is a proposition read off the parse (``parallax.facts``): a clause
with its own predicate, attribution unwrapped ("Y, X said": the fact is Y,
from X). Within each story, the same-fact model (fitted on labelled stories,
``parallax/data/same_fact.json``) scores candidate pairs across articles and
the alignment decides, precision first:

* claims join a group only when P(same fact) is high against the group's
  members (average linkage that cannot chain topics together);
* a group's kind counts outlets (``Article.label``), not articles:
  ``consensus`` (at least half of the story's outlets, two or more) and
  ``shared`` (two or more) when every other outlet has no plausible match,
  i.e. the others leave it out; ``reported`` when two or more outlets state
  it and some other outlet may or may not (nothing is said of those);
* a lone claim is ``exclusive`` only when its sentence's best P(same)
  against every other outlet is low, else ``uncertain`` (shown as neither).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from ..facts import Proposition, propositions
from ..facts.align import StoryAlignment, align
from ..facts.features import StoryFacts
from ..facts.model import DEFAULT_PATH, SameFact
from ..nlp.embed import Embedder, get_embedder
from ..options import Options
from ..pipeline import Corpus
from ..records import Article, Claim, ClaimGroup, Span, Story, make_id


class Claims:
    name = "claims"
    requires: tuple[str, ...] = ("articles", "docs", "stories")
    provides: tuple[str, ...] = ("claims", "claim_groups")

    def __init__(self, options: Options, embedder: Embedder | None = None):
        self.options = options
        self.embedder = embedder  # the run's shared cache; None: the options' embedder, uncached

    def __call__(self, corpus: Corpus) -> Corpus:
        embedder = self.embedder or get_embedder(self.options.embedder)
        model = same_fact_model(embedder.name)
        claims: list[Claim] = []
        groups: list[ClaimGroup] = []
        index = corpus.by_id()
        for story in corpus.stories:
            arts = [a for a in corpus.story_articles(story, index) if self._parsed(corpus, a)]
            props = [propositions(a.id, corpus.docs[a.id]) for a in arts]
            flat = [p for ps in props for p in ps]
            if not flat:
                continue
            article = np.array([k for k, ps in enumerate(props) for _ in ps], dtype=np.int64)
            facts = StoryFacts.build(flat, article, [a.text for a in arts], embedder)
            result = align(facts, [a.label for a in arts], model, story.id)
            story_claims, story_groups = _records(story, arts, flat, result)
            claims.extend(story_claims)
            groups.extend(story_groups)
        corpus.claims = claims
        corpus.claim_groups = groups
        return corpus

    @staticmethod
    def _parsed(corpus: Corpus, article: Article) -> bool:
        if article.id in corpus.docs:
            return True
        corpus.warn(article.id, "no parse; claims skipped")
        return False


@functools.cache
def same_fact_model(embedder: str) -> SameFact:
    """The model fitted on this embedder's vectors (cosines differ in scale between embedders).

    ``parallax/data/same_fact.<embedder>.json`` where one was fitted, else the default (MiniLM) model.
    """
    path = DEFAULT_PATH.with_name(f"same_fact.{embedder}.json")
    return SameFact.load(path if path.is_file() else DEFAULT_PATH)


def claim_id(span: Span) -> str:
    """A claim is named by where it is: re-splitting a sentence renames only its own claims."""
    return f"{span.article_id}:c{span.start}-{span.end}"


def group_id(story_id: str, claim_ids: Sequence[str]) -> str:
    """A claim group is named by its members, whatever order groups are found in."""
    return f"{story_id}:" + make_id("g", *sorted(claim_ids))


def to_claim(prop: Proposition) -> Claim:
    return Claim(
        id=claim_id(prop.span), span=prop.span, text=prop.text, content=prop.content,
        sentence=prop.sentence, source=prop.source, source_span=prop.source_span, cue=prop.cue,
    )


def _records(
    story: Story, articles: Sequence[Article], props: Sequence[Proposition], result: StoryAlignment
) -> tuple[list[Claim], list[ClaimGroup]]:
    """Claims and claim groups of one story from the alignment's groups and statuses."""
    by_prop = {p.id: to_claim(p) for p in props}
    status = {s.proposition_id: s for s in result.statuses}
    n_outlets = len({a.label for a in articles})
    groups = []
    for fg in result.groups:
        members = [by_prop[p] for p in fg.proposition_ids]
        for claim, pid in zip(members, fg.proposition_ids, strict=True):
            claim.status, claim.best = status[pid].status, status[pid].best
        kind = group_kind(len(fg.outlets), n_outlets, bool(fg.uncertain_outlets), members[0].status)
        gid = group_id(story.id, [c.id for c in members])
        for claim in members:
            claim.group_id = gid
        groups.append(ClaimGroup(
            id=gid, story_id=story.id, claim_ids=[c.id for c in members],
            article_ids=list(fg.article_ids), kind=kind, text=_central(members),
            confidence=fg.confidence, omitted_by=list(fg.omitted_by), uncertain=list(fg.uncertain_outlets),
        ))
    return list(by_prop.values()), groups


def group_kind(outlets: int, story_outlets: int, undecided: bool = False, status: str = "exclusive") -> str:
    """The kind of a group stated by ``outlets`` of the story's ``story_outlets`` (see the module doc)."""
    if outlets >= 2:
        if undecided:
            return "reported"
        return "consensus" if outlets * 2 >= story_outlets else "shared"
    return "exclusive" if status == "exclusive" else "uncertain"


def _central(members: Sequence[Claim]) -> str:
    """The group's text: its longest member that is not a fragment (the fullest wording of the fact)."""
    return max(members, key=lambda c: (len(c.text.split()) <= 60, len(c.text), -c.span.start)).text


def claims_by_story(corpus: Corpus) -> dict[str, list[Claim]]:
    """Each story's claims, in corpus order (through the claim groups that hold them)."""
    index = {c.id: c for c in corpus.claims}
    out: dict[str, list[Claim]] = {}
    for g in corpus.claim_groups:
        out.setdefault(g.story_id, []).extend(index[c] for c in g.claim_ids if c in index)
    return out


__all__ = ["Claims", "claim_id", "claims_by_story", "group_id", "group_kind", "to_claim"]
