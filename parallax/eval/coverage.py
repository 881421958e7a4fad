"""Coverage evaluation: fact alignment, exclusives, omissions, contradictions, off-topic vs fact-level gold.

Each story of ``../shared/eval/coverage`` (20 BASIL triplets, the five seed articles) is analysed on its
own by the full pipeline, and its JSON view scored against the gold facts (see ``coverage_gold`` for how
articles and sentences are matched). The counts are exactly those of the reference scorer
``coverage/score.py`` (a test checks every number it reports), plus the recalls it does not report:

* pairs: cross-article sentence pairs in one (not off-topic) claim group; right when they share a gold fact.
  Recall over the gold pairs whose two sentences both fall in the system's claims.
* exclusive: groups called exclusive (one outlet). Strict precision: none of their sentences' facts is
  stated by another article; lenient: at least one is. Recall (``excl_r``): gold exclusive sentences (every
  fact they state is stated by their article only) among the claims, that sit in an exclusive group. Base
  rate (``excl_base``): the share of the claims' fact-stating sentences that are gold exclusive (what strict
  precision would be if exclusives were picked at random).
* omission: (consensus/shared group, story outlet missing from it); right when that outlet states none of
  the group's facts. Recall (``omit_r``): gold omissions (fact, article) where the fact is stated, in the
  system's claims, by 2+ articles of the gold story, the article is in the scored system story and
  states the fact nowhere; found when some consensus/shared group with a sentence stating the fact
  lacks that article.
* contradictions: system contradictions whose two spans fall in a gold contradiction's two sentences.
* off-topic: groups flagged off-topic, right when all their sentences are gold off-topic or boilerplate.
  Recall (``off_r``): gold off-topic sentences among the claims that sit in an off-topic group.
* leak: gold boilerplate sentences that became claims; located: share of gold sentences found in the
  clean text; covered: share of located reporting sentences (stating a fact) of the scored story's
  articles that are in a claim; in_story: share of the gold story's articles in the scored story.

All recalls count only what the claims contain (like score.py's pair recall): sentences that never
became claims are measured by ``covered``. Every ratio with nothing to count is NaN (as in score.py).
"""

from __future__ import annotations

import math
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..options import Options
from ..records import Record
from .coverage_gold import Alignment, GoldStory, align, label_of, load_gold, locate, write_files

__all__ = [
    "RATIO_METRICS",
    "Alignment",
    "CoverageEval",
    "GoldStory",
    "align",
    "analyze_story",
    "evaluate",
    "evaluate_views",
    "load_gold",
    "locate",
    "metrics",
    "score_story",
    "summarise",
    "write_files",
]

# score.py's counts (its "n" block), ours, and the metrics `summarise` gives per story (with "leak", "n")
SCORE_COUNTS = ("pairs_pred", "pairs_gold", "excl_n", "omit_n", "contra_n", "contra_gold", "off_n",
                "off_gold", "boiler_gold")
EXTRA_COUNTS = ("excl_gold", "excl_found", "omit_gold", "omit_found", "off_cov", "off_found",
                "fact_sents", "fact_sents_covered", "articles", "story_articles", "system_stories")
RATIO_METRICS = ("pair_p", "pair_r", "pair_f1", "excl_strict", "excl_lenient", "excl_r", "excl_base",
                 "omit_p", "omit_r", "contra_p", "contra_r", "off_p", "off_r", "located", "covered",
                 "in_story")


class _Scoring:
    """One gold story against one system story: the claims' gold sentences and the gold's fact maps."""

    def __init__(self, al: Alignment) -> None:
        self.al = al
        self.story = al.view_story
        self.claims = {c["id"]: c for c in self.story.get("claims", [])}
        self.claim_sents = al.claim_sentences()
        self.facts_of = al.story.facts_of()
        self.fact_labels = al.story.fact_labels()
        self.label_facts = al.story.label_facts()
        self.covered = {s for ss in self.claim_sents.values() for s in ss}
        self.lab_of = al.label_of_article
        self.story_labels = {self.lab_of[a] for a in self.story.get("article_ids", []) if a in self.lab_of}

    def groups(self, *kinds: str) -> Iterable[dict[str, Any]]:
        return (g for g in self.story.get("claim_groups", []) if g["kind"] in kinds)

    def group_sents(self, group: dict[str, Any]) -> list[str]:
        return [s for c in group["claim_ids"] if c in self.claims for s in self.claim_sents[c]]

    def group_facts(self, group: dict[str, Any]) -> set[str]:
        return {f for s in self.group_sents(group) for f in self.facts_of.get(s, ())}


def score_story(view: dict[str, Any], story: GoldStory) -> Counter[str]:
    """The counts for one gold story in a run's JSON view (``render.json.to_json``).

    The run is scored on its story holding most of the gold story's articles. An empty Counter means
    none of the story's articles is in the view.
    """
    al = align(view, story)
    if al is None:
        return Counter()
    sc = _Scoring(al)
    r: Counter[str] = Counter()
    _pairs(sc, r)
    _exclusives(sc, r)
    _omissions(sc, r)
    _contradictions(sc, r)
    _offtopic(sc, r)
    gold = story.gold
    r["leak"] = len(set(gold.get("boilerplate", [])) & sc.covered)
    r["boiler_gold"] = len(gold.get("boilerplate", []))
    r["sentences"] = len(story.sentences())
    r["located"] = len(al.located)
    in_story = {s for s in al.located if label_of(s) in sc.story_labels and sc.facts_of.get(s)}
    r["fact_sents"] = len(in_story)
    r["fact_sents_covered"] = len(in_story & sc.covered)
    r["articles"] = len(al.article_of)
    r["story_articles"] = len(sc.story_labels)
    r["system_stories"] = al.system_stories
    return r


def _pairs(sc: _Scoring, r: Counter[str]) -> None:
    predicted = set()
    for g in sc.story.get("claim_groups", []):
        if g["kind"] == "off-topic":
            continue
        members = [(sc.claims[c]["span"]["article_id"], s) for c in g["claim_ids"] if c in sc.claims
                   for s in sc.claim_sents[c]]
        for i, (a1, s1) in enumerate(members):
            for a2, s2 in members[i + 1:]:
                if a1 != a2:
                    predicted.add(_pair(s1, s2))
    stating = [s for s in sc.covered if sc.facts_of.get(s)]
    gold = {_pair(s1, s2) for i, s1 in enumerate(stating) for s2 in stating[i + 1:]
            if label_of(s1) != label_of(s2) and sc.facts_of[s1] & sc.facts_of[s2]}
    r["pairs_pred"] = len(predicted)
    r["pairs_gold"] = len(gold)
    r["pairs_hit"] = len(predicted & gold)


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _exclusives(sc: _Scoring, r: Counter[str]) -> None:
    marked: set[str] = set()
    for g in sc.groups("exclusive"):
        sents = sc.group_sents(g)
        marked.update(sents)
        facts = {f for s in sents for f in sc.facts_of.get(s, ())}
        if not facts:
            continue
        lab = label_of(sents[0])
        elsewhere = [f for f in facts if sc.fact_labels[f] - {lab}]
        r["excl_n"] += 1
        r["excl_strict"] += not elsewhere
        r["excl_lenient"] += len(elsewhere) < len(facts)
    gold = {s for s in sc.covered if sc.facts_of.get(s)
            and all(sc.fact_labels[f] <= {label_of(s)} for f in sc.facts_of[s])}
    r["excl_gold"] = len(gold)
    r["excl_found"] = len(gold & marked)


def _omissions(sc: _Scoring, r: Counter[str]) -> None:
    reported: set[tuple[str, str]] = set()
    for g in sc.groups("consensus", "shared"):
        facts = sc.group_facts(g)
        if not facts:
            continue
        present = {sc.lab_of.get(a) for a in g["article_ids"]}
        for lab in sc.story_labels - present:
            r["omit_n"] += 1
            r["omit_ok"] += not (facts & sc.label_facts.get(lab, set()))
            reported.update((f, lab) for f in facts)
    stated: dict[str, set[str]] = {}
    for s in sc.covered:
        for f in sc.facts_of.get(s, ()):
            stated.setdefault(f, set()).add(label_of(s))
    gold = {(f, lab) for f, labs in stated.items() if len(labs) >= 2
            for lab in sc.story_labels - sc.fact_labels[f]}
    r["omit_gold"] = len(gold)
    r["omit_found"] = len(gold & reported)


def _contradictions(sc: _Scoring, r: Counter[str]) -> None:
    gold = {_pair(*c["sentences"][:2]) for c in sc.al.story.gold.get("contradictions", [])
            if len(c["sentences"]) >= 2}
    found: set[tuple[str, str]] = set()
    for x in sc.story.get("contradictions", []):
        left = sc.al.sentences_in(x["left"]["article_id"], x["left"]["start"], x["left"]["end"])
        right = sc.al.sentences_in(x["right"]["article_id"], x["right"]["start"], x["right"]["end"])
        hit = {_pair(a, b) for a in left for b in right} & gold
        r["contra_n"] += 1
        r["contra_ok"] += bool(hit)
        found |= hit
    r["contra_gold"] = len(gold)
    r["contra_found"] = len(found)


def _offtopic(sc: _Scoring, r: Counter[str]) -> None:
    gold = sc.al.story.gold
    offtopic = set(gold.get("offtopic", []))
    off = offtopic | set(gold.get("boilerplate", []))
    flagged: set[str] = set()
    for g in sc.groups("off-topic"):
        sents = sc.group_sents(g)
        flagged.update(sents)
        if sents:
            r["off_n"] += 1
            r["off_ok"] += all(s in off for s in sents)
    r["off_gold"] = len(offtopic)
    r["off_cov"] = len(offtopic & sc.covered)
    r["off_found"] = len(offtopic & sc.covered & flagged)


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def metrics(r: Mapping[str, int]) -> dict[str, Any]:
    """score.py's metrics (and the recalls it lacks) from one story's counts or their sum."""
    p, rc = _ratio(r["pairs_hit"], r["pairs_pred"]), _ratio(r["pairs_hit"], r["pairs_gold"])
    return {
        "pair_p": p, "pair_r": rc, "pair_f1": 2 * p * rc / (p + rc) if p + rc else 0.0,
        "excl_strict": _ratio(r["excl_strict"], r["excl_n"]),
        "excl_lenient": _ratio(r["excl_lenient"], r["excl_n"]),
        "excl_r": _ratio(r["excl_found"], r["excl_gold"]),
        "excl_base": _ratio(r["excl_gold"], r["fact_sents_covered"]),
        "omit_p": _ratio(r["omit_ok"], r["omit_n"]), "omit_r": _ratio(r["omit_found"], r["omit_gold"]),
        "contra_p": _ratio(r["contra_ok"], r["contra_n"]),
        "contra_r": _ratio(r["contra_found"], r["contra_gold"]),
        "off_p": _ratio(r["off_ok"], r["off_n"]), "off_r": _ratio(r["off_found"], r["off_cov"]),
        "leak": r["leak"], "located": _ratio(r["located"], r["sentences"]),
        "covered": _ratio(r["fact_sents_covered"], r["fact_sents"]),
        "in_story": _ratio(r["story_articles"], r["articles"]),
        "n": {k: r[k] for k in (*SCORE_COUNTS, *EXTRA_COUNTS)},
    }


def summarise(rows: Iterable[tuple[str, Mapping[str, int]]] | Mapping[str, Mapping[str, int]]
              ) -> dict[str, dict[str, Any]]:
    """Per-story metrics and their micro average over all rows (``"ALL"``: the counts summed)."""
    items = list(rows.items() if isinstance(rows, Mapping) else rows)
    total: Counter[str] = Counter()
    for _, r in items:
        total.update(r)
    return {name: metrics(Counter(r)) for name, r in [*items, ("ALL", total)]}


@dataclass(slots=True)
class CoverageEval(Record):
    """Metrics per story and micro-averaged (``metrics["ALL"]``), with the raw counts."""

    metrics: dict[str, dict[str, Any]]
    counts: dict[str, dict[str, int]]
    stories: int
    articles: int
    seconds: float
    embedder: str = ""
    skipped: list[str] = field(default_factory=list)

    @property
    def micro(self) -> dict[str, Any]:
        return self.metrics["ALL"]

    def as_dict(self) -> dict[str, Any]:
        return _no_nan(Record.as_dict(self))  # NaN (nothing to count) becomes null

    def table(self) -> str:
        cols = [("pairP", "pair_p"), ("pairR", "pair_r"), ("pairF1", "pair_f1"), ("exclS", "excl_strict"),
                ("exclL", "excl_lenient"), ("exclR", "excl_r"), ("omitP", "omit_p"), ("omitR", "omit_r"),
                ("conP", "contra_p"), ("conR", "contra_r"), ("offP", "off_p"), ("offR", "off_r")]
        head = (f"{'story':<14}" + "".join(f"{c:>7}" for c, _ in cols)
                + f"{'leak':>5}{'loc':>6}{'cov':>6}{'split':>6}")
        rows = [head, "-" * len(head)]
        for name, m in self.metrics.items():
            n = m["n"]
            split = f"{n['system_stories']:d}" if name != "ALL" else _cell(m["in_story"], 6).strip()
            rows.append(f"{name:<14}" + "".join(_cell(m[k], 7) for _, k in cols)
                        + f"{m['leak']:5d}{_cell(m['located'], 6)}{_cell(m['covered'], 6)}{split:>6}")
        n = self.micro["n"]
        rows.append(
            f"{self.stories} stories, {self.articles} articles, {self.seconds:.1f}s, "
            f"embedder {self.embedder}; gold pairs {n['pairs_gold']}, exclusive sentences {n['excl_gold']}, "
            f"omissions {n['omit_gold']}, contradictions {n['contra_gold']}, off-topic {n['off_gold']}, "
            f"boilerplate {n['boiler_gold']}; exclusive base rate {_cell(self.micro['excl_base'], 4)}"
        )
        rows.append("split: system stories holding the story's articles (ALL: share of articles in the "
                    "scored story); '-': nothing to count")
        rows.extend(f"skipped: {s}" for s in self.skipped)
        return "\n".join(rows)


def _cell(value: float, width: int) -> str:
    return f"{'-':>{width}}" if value is None or math.isnan(value) else f"{value:{width}.2f}"


def _no_nan(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_nan(v) for v in value]
    return value


def analyze_story(story: GoldStory, options: Options) -> dict[str, Any]:
    """The full analysis of one gold story's articles alone (no store); its JSON view."""
    from ..analyze import analyze
    from ..render.json import to_json

    with tempfile.TemporaryDirectory(prefix=f"parallax-{story.name}-") as tmp:
        write_files(story, Path(tmp))
        corpus = analyze([tmp], options)
        return to_json(corpus)


def evaluate_views(views: Mapping[str, dict[str, Any]], stories: Iterable[GoldStory], *,
                   seconds: float = 0.0, embedder: str = "", skipped: Iterable[str] = ()) -> CoverageEval:
    """Score runs a caller produced: ``views`` maps a gold story's name to the JSON view of its run.

    A view may hold more than that story (one run over several); stories without a view, or whose
    articles are not in theirs, are listed in ``skipped``.
    """
    notes = list(skipped)
    rows: list[tuple[str, Counter[str]]] = []
    for story in sorted(stories, key=lambda s: s.name):
        view = views.get(story.name)
        counts = score_story(view, story) if view is not None else Counter()
        if not counts:
            notes.append(f"{story.name}: not in the runs given")
            continue
        rows.append((story.name, counts))
    return CoverageEval(
        metrics=summarise(rows), counts={name: dict(r) for name, r in rows}, stories=len(rows),
        articles=sum(r["articles"] for _, r in rows), seconds=round(seconds, 1), embedder=embedder,
        skipped=notes,
    )


def evaluate(path: Path, options: Options) -> CoverageEval:
    """Analyse each gold story on its own (in a temporary directory, no store) and score it."""
    started = time.perf_counter()
    skipped: list[str] = []
    stories = load_gold(Path(path), skipped)
    views = {story.name: analyze_story(story, options) for story in stories}
    return evaluate_views(views, stories, seconds=time.perf_counter() - started, embedder=options.embedder,
                          skipped=skipped)
