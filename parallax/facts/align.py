"""One story's propositions -> fact groups and a status per proposition, precision first.

Candidates: each proposition against its nearest few in every other article
(by content embedding). The model gives each candidate pair P(same fact).
Groups grow by average linkage over the pairs of *different* articles, a
pair never seen counting as 0: a proposition joins a group only when it is,
on average, the same fact as the members it would be compared with, so a
chain of "A like B, B like C" cannot pull a topic together.

Statuses: ``shared`` (its group spans two or more outlets), ``exclusive``
(the best P(same) of its sentence against every other outlet is below
``bounds.exclusive``), else ``uncertain``: shown neither as shared nor as
exclusive. A shared group names the outlets that omit it (their best
P(same) against its members is below ``bounds.omission``) and those it
cannot tell (``uncertain_outlets``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..records import Record
from .features import FEATURES, StoryFacts, candidate_pairs, pair_features
from .model import Bounds, SameFact


@dataclass(slots=True)
class FactGroup(Record):
    id: str
    proposition_ids: list[str]
    article_ids: list[str]
    outlets: list[str]
    confidence: float = 0.0  # mean P(same) over the members' cross-article pairs
    omitted_by: list[str] = field(default_factory=list)  # outlets that do not report it
    uncertain_outlets: list[str] = field(default_factory=list)  # absent outlets with a plausible match


@dataclass(slots=True)
class FactStatus(Record):
    proposition_id: str
    status: str  # shared | exclusive | uncertain
    best: float  # best P(same) of its sentence against another outlet
    group_id: str


@dataclass(slots=True)
class StoryAlignment:
    groups: list[FactGroup]
    statuses: list[FactStatus]
    pairs: np.ndarray  # (n, 2) candidate pairs, indices into the story's propositions
    probabilities: np.ndarray  # P(same) per candidate pair


def score_pairs(facts: StoryFacts, model: SameFact) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs of the story and their P(same)."""
    pairs = candidate_pairs(facts, model.candidates)
    if tuple(model.features) != FEATURES:
        raise ValueError("the model was fitted on other features; re-run benchmarks/train_same_fact.py")
    return pairs, model.probability(pair_features(facts, pairs))


def align(facts: StoryFacts, outlets: Sequence[str], model: SameFact | None = None,
          story_id: str = "story") -> StoryAlignment:
    """Groups and statuses for one story; ``outlets[k]`` is the outlet label of article index ``k``."""
    model = model or default_model()
    pairs, probs = score_pairs(facts, model)
    return decide(facts, outlets, pairs, probs, model.bounds, story_id)


_DEFAULT: list[SameFact] = []


def default_model() -> SameFact:
    if not _DEFAULT:
        _DEFAULT.append(SameFact.load())
    return _DEFAULT[0]


def decide(facts: StoryFacts, outlets: Sequence[str], pairs: np.ndarray, probs: np.ndarray,
           bounds: Bounds, story_id: str = "story") -> StoryAlignment:
    """The decisions alone, from scored pairs (cross-validation varies ``bounds`` over fixed scores)."""
    art = facts.article
    outlet = np.array([outlets[int(a)] for a in art.tolist()], dtype=object)
    table = _table(pairs, probs)
    members = link(len(facts.props), art, pairs, probs, bounds.link, table)
    best = _sentence_best(facts, outlet, pairs, probs)
    groups, statuses = [], []
    for n, group in enumerate(sorted(members, key=min)):
        gid = f"{story_id}:f{n}"
        names = sorted({str(outlet[i]) for i in group})
        fg = FactGroup(gid, [facts.props[i].id for i in group],
                       sorted({facts.props[i].span.article_id for i in group}), names,
                       round(_cohesion(group, art, table), 4))
        if len(names) >= 2:
            _absent(fg, group, outlet, pairs, probs, bounds.omission)
        groups.append(fg)
        for i in group:
            status = "shared" if len(names) >= 2 else (
                "exclusive" if best[i] < bounds.exclusive else "uncertain")
            statuses.append(FactStatus(facts.props[i].id, status, round(float(best[i]), 4), gid))
    order = {p.id: n for n, p in enumerate(facts.props)}
    statuses.sort(key=lambda s: order[s.proposition_id])
    return StoryAlignment(groups, statuses, pairs, probs)


def _table(pairs: np.ndarray, probs: np.ndarray) -> dict[tuple[int, int], float]:
    return {(int(i), int(j)): float(p) for (i, j), p in zip(pairs.tolist(), probs.tolist(), strict=True)}


def link(n: int, article: np.ndarray, pairs: np.ndarray, probs: np.ndarray, bound: float,
         table: dict[tuple[int, int], float] | None = None) -> list[list[int]]:
    """Average-linkage groups over cross-article pairs, strongest pairs first (unseen pairs count 0)."""
    table = _table(pairs, probs) if table is None else table
    owner = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    for k in np.lexsort((pairs[:, 1], pairs[:, 0], -probs)).tolist() if len(pairs) else []:
        if probs[k] < bound:
            break
        a, b = owner[int(pairs[k, 0])], owner[int(pairs[k, 1])]
        if a == b:
            continue
        vals = [table.get((min(x, y), max(x, y)), 0.0)
                for x in members[a] for y in members[b] if article[x] != article[y]]
        if not vals or sum(vals) / len(vals) < bound:
            continue
        if len(members[a]) < len(members[b]) or (len(members[a]) == len(members[b]) and a > b):
            a, b = b, a
        for i in members[b]:
            owner[i] = a
        members[a].extend(members.pop(b))
    return [sorted(m) for m in members.values()]


def _cohesion(group: list[int], article: np.ndarray, table: dict[tuple[int, int], float]) -> float:
    vals = [table.get((x, y), 0.0) for x in group for y in group if x < y and article[x] != article[y]]
    return sum(vals) / len(vals) if vals else 0.0


def _sentence_best(facts: StoryFacts, outlet: np.ndarray, pairs: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Per proposition: the best P(same) any proposition of its sentence has against another outlet.

    A sentence is exclusive only as a whole: one shared clause makes it reported elsewhere.
    """
    best = np.zeros(len(facts.props))
    cross = outlet[pairs[:, 0]] != outlet[pairs[:, 1]] if len(pairs) else np.zeros(0, dtype=bool)
    np.maximum.at(best, pairs[cross, 0], probs[cross])
    np.maximum.at(best, pairs[cross, 1], probs[cross])
    by_sentence: dict[tuple[int, int], float] = {}
    for i, p in enumerate(facts.props):
        key = (int(facts.article[i]), p.sentence.start)
        by_sentence[key] = max(by_sentence.get(key, 0.0), float(best[i]))
    keys = [(int(facts.article[i]), p.sentence.start) for i, p in enumerate(facts.props)]
    return np.array([by_sentence[k] for k in keys])


def _absent(group: FactGroup, members: list[int], outlet: np.ndarray, pairs: np.ndarray, probs: np.ndarray,
            bound: float) -> None:
    """Sort the story's outlets missing from a shared group into omitting and uncertain."""
    inside = np.zeros(len(outlet), dtype=bool)
    inside[members] = True
    present = set(group.outlets)
    strongest: dict[str, float] = {str(o): 0.0 for o in outlet.tolist() if o not in present}
    touching = inside[pairs[:, 0]] | inside[pairs[:, 1]] if len(pairs) else np.zeros(0, dtype=bool)
    for (i, j), p in zip(pairs[touching].tolist(), probs[touching].tolist(), strict=True):
        for a, b in ((i, j), (j, i)):
            if inside[a] and str(outlet[b]) in strongest:
                strongest[str(outlet[b])] = max(strongest[str(outlet[b])], p)
    for name in sorted(strongest):
        (group.omitted_by if strongest[name] < bound else group.uncertain_outlets).append(name)
