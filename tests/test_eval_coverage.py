"""The coverage scorer on a hand-made story, and the gold loader on a fake eval directory (both fast)."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import pytest

from parallax.eval.coverage import (
    RATIO_METRICS,
    CoverageEval,
    GoldStory,
    evaluate_views,
    load_gold,
    locate,
    score_story,
    summarise,
    write_files,
)

SENTENCES = {
    "A1": ["Alpha met Beta in Paris on Monday.", "They signed a trade deal worth 5 billion.",
           "Alpha later flew home to Rome.", "Alpha praised the chefs.", "Beta thanked Alpha."],
    "A2": ["Beta and Alpha held talks in Paris.", "The two signed a trade deal worth 7 billion.",
           "The weather in Paris was sunny.", "Share this article", "Alpha, who met Beta, visited a museum."],
    "A3": ["Alpha and Beta met in the French capital.", "Markets rose in Tokyo.", "Beta thanked his host.",
           "This sentence was cleaned away."],
}
FACTS = {
    "F1": ["A1.s0", "A2.s0", "A3.s0", "A2.s4"],  # the meeting: all three
    "F2": ["A1.s1", "A2.s1"],  # the deal: A3 omits it
    "F4": ["A1.s2"], "F5": ["A2.s2"], "F6": ["A1.s3"], "F7": ["A2.s4"],  # exclusives
    "F8": ["A1.s4", "A3.s2"],  # thanks: A2 omits it
    "F9": ["A3.s3"],  # not in the clean text
}


def _gold_story() -> GoldStory:
    mp = {"kind": "txt", "articles": {lab: {"source": f"{lab.lower()}.txt", "outlet": None, "title": None,
                                            "date": None, "sentences": ss} for lab, ss in SENTENCES.items()}}
    gold = {"facts": [{"id": f, "statement": f, "sentences": ss} for f, ss in FACTS.items()],
            "contradictions": [{"sentences": ["A1.s1", "A2.s1"], "type": "number", "what": "deal value"}],
            "offtopic": ["A3.s1"], "boilerplate": ["A2.s3"], "notes": ""}
    return GoldStory("fake", "txt", mp, gold, {})


def _view() -> dict:
    """A run's JSON view: each article's clean text is its sentences (but A3.s3), one claim per sentence."""
    articles, claims, where = [], [], {}
    for lab, ss in SENTENCES.items():
        kept = ss[:3] if lab == "A3" else ss
        text = "\n\n".join(kept)
        aid = f"id-{lab}"
        articles.append({"id": aid, "source": f"/run/{lab.lower()}.txt", "text": text})
        for j, s in enumerate(kept):
            start = text.index(s)
            where[f"{lab}.s{j}"] = (aid, start, start + len(s))
            claims.append({"id": f"{lab}.c{j}", "span": {"article_id": aid, "start": start,
                                                         "end": start + len(s)}, "text": s})

    def group(gid: str, kind: str, *sids: str) -> dict:
        return {"id": gid, "kind": kind, "claim_ids": [s.replace(".s", ".c") for s in sids],
                "article_ids": sorted({where[s][0] for s in sids})}

    groups = [
        group("g1", "shared", "A1.s0", "A2.s0"),  # right pair; omits A3, which states F1: a wrong omission
        group("g2", "shared", "A1.s1", "A2.s1"),  # right pair; A3 omits F2: right
        group("g3", "shared", "A1.s2", "A2.s2"),  # wrong pair; right omission
        group("g5", "exclusive", "A3.s0"),  # wrong exclusive (F1 is everywhere)
        group("g6", "exclusive", "A2.s3"),  # boilerplate became a claim: a leak, no facts, not counted
        group("g7", "off-topic", "A3.s1"),  # right off-topic
        group("g8", "exclusive", "A1.s3"),  # right, strict
        group("g9", "exclusive", "A2.s4"),  # lenient only (F1 is shared, F7 exclusive)
    ]  # A1.s4 and A3.s2 stay ungrouped: their pair is missed
    contradictions = [{"left": _within(where["A1.s1"], SENTENCES["A1"][1], "5 billion"),
                       "right": _within(where["A2.s1"], SENTENCES["A2"][1], "7 billion")},
                      {"left": _span(where["A1.s0"]), "right": _span(where["A3.s0"])}]
    story = {"id": "s1", "article_ids": [a["id"] for a in articles], "claims": claims, "claim_groups": groups,
             "contradictions": contradictions}
    other = {"id": "s2", "article_ids": ["id-elsewhere"], "claims": [], "claim_groups": [],
             "contradictions": []}
    return {"articles": articles, "stories": [other, story]}


def _span(w: tuple[str, int, int]) -> dict:
    return {"article_id": w[0], "start": w[1], "end": w[2]}


def _within(w: tuple[str, int, int], sentence: str, part: str) -> dict:
    start = w[1] + sentence.index(part)
    return {"article_id": w[0], "start": start, "end": start + len(part)}


def test_counts_on_a_hand_made_story():
    r = score_story(_view(), _gold_story())
    # pairs: g1, g2 right, g3 wrong; gold: F1's five cross-article pairs, F2's and F8's
    assert (r["pairs_pred"], r["pairs_hit"], r["pairs_gold"]) == (3, 2, 7)
    # exclusive groups with facts: g5 (wrong), g8 (strict), g9 (lenient); gold exclusive sentences
    # among the claims: A1.s2, A2.s2, A1.s3, of which only A1.s3 is in an exclusive group
    assert (r["excl_n"], r["excl_strict"], r["excl_lenient"]) == (3, 1, 2)
    assert (r["excl_gold"], r["excl_found"]) == (3, 1)
    # omissions: A3 missing from g1 (wrong), g2 and g3 (right); gold: (F2, A3) found, (F8, A2) missed
    assert (r["omit_n"], r["omit_ok"]) == (3, 2)
    assert (r["omit_gold"], r["omit_found"]) == (2, 1)
    assert (r["contra_n"], r["contra_ok"], r["contra_gold"], r["contra_found"]) == (2, 1, 1, 1)
    assert (r["off_n"], r["off_ok"], r["off_gold"], r["off_found"]) == (1, 1, 1, 1)
    assert (r["leak"], r["boiler_gold"]) == (1, 1)
    assert (r["located"], r["sentences"]) == (13, 14)
    assert (r["articles"], r["story_articles"], r["system_stories"]) == (3, 3, 1)


def test_metrics_and_micro_average():
    r = score_story(_view(), _gold_story())
    m = summarise([("fake", r)])["fake"]
    assert m["pair_p"] == pytest.approx(2 / 3) and m["pair_r"] == pytest.approx(2 / 7)
    assert m["pair_f1"] == pytest.approx(2 * (2 / 3) * (2 / 7) / (2 / 3 + 2 / 7))
    assert (m["excl_strict"], m["excl_lenient"], m["excl_r"]) == pytest.approx((1 / 3, 2 / 3, 1 / 3))
    assert m["excl_base"] == pytest.approx(3 / 11)  # A1.s2, A2.s2, A1.s3 of the 11 claimed fact sentences
    assert set(RATIO_METRICS) | {"leak", "n"} == set(m)
    assert (m["omit_p"], m["omit_r"]) == pytest.approx((2 / 3, 1 / 2))
    assert (m["contra_p"], m["contra_r"], m["off_p"], m["off_r"]) == pytest.approx((0.5, 1.0, 1.0, 1.0))
    assert m["located"] == pytest.approx(13 / 14) and m["covered"] == 1.0
    # micro: counts summed, so a story with nothing to find leaves the ratios and adds to the counts
    empty = Counter({"sentences": 4, "articles": 1, "story_articles": 1})
    out = summarise({"fake": r, "empty": empty})
    assert out["ALL"]["pair_p"] == m["pair_p"] and out["ALL"]["n"]["pairs_gold"] == 7
    assert out["ALL"]["located"] == pytest.approx(13 / 18)
    assert math.isnan(out["empty"]["pair_p"]) and math.isnan(out["empty"]["contra_r"])


def test_the_story_scored_is_the_one_holding_most_articles():
    view = _view()
    story = view["stories"][1]
    # split A3 into a story of its own: A3's omissions can no longer be reported, nor its pairs
    view["stories"].append({"id": "s3", "article_ids": ["id-A3"], "claims": [], "claim_groups": [],
                            "contradictions": []})
    story["article_ids"] = ["id-A1", "id-A2"]
    story["claims"] = [c for c in story["claims"] if c["span"]["article_id"] != "id-A3"]
    r = score_story(view, _gold_story())
    assert (r["story_articles"], r["system_stories"]) == (2, 2)
    assert r["omit_n"] == 0 and r["omit_gold"] == 0  # the system story has no third article
    assert r["pairs_gold"] == 3  # F1's (A1.s0, A2.s0), (A1.s0, A2.s4) and F2's pair
    assert score_story({"articles": [], "stories": []}, _gold_story()) == Counter()


def test_evaluate_views_reports_missing_runs():
    result = evaluate_views({"fake": _view()}, [_gold_story(), GoldStory("absent", "txt", {"articles": {}},
                                                                          {"facts": []})])
    assert isinstance(result, CoverageEval)
    assert result.stories == 1 and result.articles == 3
    assert result.skipped == ["absent: not in the runs given"]
    assert result.micro["pair_p"] == pytest.approx(2 / 3)
    data = result.as_dict()
    json.dumps(data, allow_nan=False)  # NaN becomes null
    assert "fake" in result.table() and "ALL" in result.table()


def test_locate_ignores_whitespace_and_quote_style():
    text = "He said \u201cno\u201d  to\n\nthe \u2018deal\u2019."
    assert locate(text, 'said "no" to the \'deal\'.') == (3, len(text))
    assert locate(text, "yes") is None and locate(text, "He") is None  # under 3 characters


def _fake_eval(tmp_path: Path, with_seeds: bool) -> Path:
    eval_dir = tmp_path / "eval"
    art = {"title": "Deal  signed", "source": "fox", "triplet-uuid": "t1",
           "body-paragraphs": [["Alpha met Beta.", "They  signed a deal. "], ["It was sunny."]]}
    (eval_dir / "basil" / "articles" / "2019").mkdir(parents=True)
    (eval_dir / "basil" / "articles" / "2019" / "t1_2.json").write_text(json.dumps(art))
    cov = eval_dir / "coverage"
    cov.mkdir()
    sentences = ["Alpha met Beta.", "They signed a deal.", "It was sunny."]
    basil_map = {"kind": "basil",
                 "articles": {"A1": {"source": "t1_2", "outlet": "fox", "title": "Deal signed",
                                     "sentences": sentences}}}
    seed_map = {"kind": "txt", "articles": {"A1": {"source": "000_x.txt", "sentences": ["Hello there."]}}}
    for name, mp in (("dev_basil_00", basil_map), ("dev_seeds", seed_map)):
        (cov / f"{name}.map.json").write_text(json.dumps(mp))
        (cov / f"{name}.gold.json").write_text(json.dumps({"facts": []}))
    if with_seeds:
        (tmp_path / "seeds").mkdir()
        (tmp_path / "seeds" / "000_x.txt").write_text("Title\n\nHello there.\n")
    return cov


def test_load_gold_writes_files_the_scorer_can_match(tmp_path):
    skipped: list[str] = []
    stories = load_gold(_fake_eval(tmp_path, with_seeds=True), skipped)
    assert [s.name for s in stories] == ["dev_basil_00", "dev_seeds"] and not skipped
    name, text = stories[0].files["A1"]
    assert name == "fox_t1_2.txt"  # <outlet>_<source>.txt: ends with the map's source, as score.py matches
    assert text == "Deal signed\n\nAlpha met Beta. They signed a deal.\n\nIt was sunny.\n"
    assert all(locate(text, s) for s in stories[0].sentences().values())
    assert stories[1].files["A1"] == ("000_x.txt", "Title\n\nHello there.\n")
    paths = write_files(stories[0], tmp_path / "out")
    assert [p.name for p in paths] == ["fox_t1_2.txt"] and paths[0].read_text() == text


def test_load_gold_skips_the_seed_story_without_seeds(tmp_path):
    skipped: list[str] = []
    stories = load_gold(_fake_eval(tmp_path, with_seeds=False), skipped)
    assert [s.name for s in stories] == ["dev_basil_00"]
    assert len(skipped) == 1 and skipped[0].startswith("dev_seeds: skipped, seeds directory")


def test_digest_citations_are_judged_by_the_gold(nlp):
    from parallax.eval.digest import evaluate_views as digest_views
    from parallax.eval.digest import score_digest

    view = _view()
    story = view["stories"][1]
    texts = {a["id"]: a["text"] for a in view["articles"]}

    def cite(lab: str, j: int) -> dict:
        aid = f"id-{lab}"
        s = SENTENCES[lab][j]
        start = texts[aid].index(s)
        return {"article_id": aid, "start": start, "end": start + len(s)}

    story["digests"] = [{"story_id": "s1", "sentences": [
        # worded from A1.s0; A2.s0 states F1 too (right), A1.s2 is another fact (wrong)
        {"text": SENTENCES["A1"][0], "citations": [cite("A1", 0), cite("A2", 0), cite("A1", 2)],
         "section": "consensus"},
        # a fragment opening on a pronoun, citing its own sentence (F2: right)
        {"text": "They signed it.", "citations": [cite("A1", 1)], "section": "partial"},
        # boilerplate (no gold fact): its own citation is wrong
        {"text": SENTENCES["A2"][3], "citations": [cite("A2", 3)], "section": "other"},
    ]}]
    r = score_digest(view, _gold_story(), nlp)
    assert (r["sentences"], r["consensus"], r["partial"], r["other"]) == (3, 1, 1, 1)
    assert (r["cite_judged"], r["cite_ok"]) == (5, 3)
    assert (r["cross_judged"], r["cross_ok"]) == (2, 1)
    assert (r["fragments"], r["openings"], r["max_citations"]) == (2, 1, 3)  # "Share this article" too
    result = digest_views({"fake": view}, [_gold_story()])
    assert result.stories == 1 and result.citation_precision == pytest.approx(3 / 5)
    assert "citation precision 0.600" in result.table()
