"""Independent sources and outlet names: wire copies and re-used articles count once."""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path

from parallax.options import Options
from parallax.outlets.independence import FOLD_SHARE, fact_echoes, folds, independent_sources, source_links
from parallax.outlets.names import letters, outlet_names
from parallax.pipeline import Corpus
from parallax.records import Article, CoverageRow, Span
from parallax.stages.dedup import Dedup

PARAS = [
    "The city council voted on Tuesday to close the old bridge after engineers found cracks in two piers.",
    "Repairs will cost an estimated 14 million dollars and take at least eighteen months, the council said.",
    "Commuters will be sent over the river by ferry and a temporary footbridge while the work is done.",
    "Mayor Ines Okafor said the decision was painful but that safety had to come first for every resident.",
    "Shop owners near the bridge warned that months of closure could drive them out of business entirely.",
    "The bridge, built in 1911, carries about 30,000 vehicles a day and was last renovated in the 1980s.",
]
OWN = [
    "Our reporter spent the morning with ferry crews preparing for thousands of extra passengers next week.",
    "A local historian recalled that the bridge survived floods in 1927 and 1956 without serious damage.",
    "Residents at an evening meeting asked why inspections had not found the cracks several years earlier.",
    "The opposition leader called for an independent review of how the maintenance budget was spent.",
]


def _art(aid: str, paras: list[str], outlet: str | None = None, wire: str | None = None) -> Article:
    return Article(id=aid, source=f"/data/in/{aid}.txt", paragraphs=paras, outlet=outlet, wire=wire)


def _links(arts: list[Article]):
    corpus = Dedup(Options.build())(Corpus(articles=arts))
    return source_links(arts, corpus.reuse), corpus.reuse


def test_an_edited_copy_folds_into_its_original():
    original = _art("a1", PARAS, outlet="Daily Post")
    copy = _art("a2", [p.replace("said", "stated") for p in PARAS[:5]], outlet="Evening Star")
    own = _art("a3", OWN, outlet="River News")
    links, _ = _links([original, copy, own])
    folded = [k for k in links if k.folded]
    assert [(k.kind, {k.outlet, k.origin}) for k in folded] in (
        [("reuse", {"Daily Post", "Evening Star"})], [("duplicate", {"Daily Post", "Evening Star"})])
    assert independent_sources(["Daily Post", "Evening Star", "River News"], links) == 2


def test_two_shared_paragraphs_are_listed_not_folded():
    a = _art("b1", PARAS, outlet="Daily Post")
    b = _art("b2", OWN[:2] + PARAS[:2] + OWN[2:], outlet="River News")
    links, _ = _links([a, b])
    assert len(links) == 1 and not links[0].folded and links[0].passages >= 1
    assert 0 < links[0].share < FOLD_SHARE
    assert independent_sources(["Daily Post", "River News"], links) == 2


def test_outlets_carrying_one_agency_are_one_source():
    arts = [_art("c1", PARAS[:3], "Daily Post", "Reuters"), _art("c2", OWN, "River News", "Reuters"),
            _art("c3", OWN[::-1], "Reuters"), _art("c4", PARAS[3:], "Evening Star")]
    links = source_links(arts, [])
    assert {(k.outlet, k.origin) for k in links} == {("Daily Post", "Reuters"), ("River News", "Reuters")}
    assert independent_sources([a.label for a in arts], links) == 2  # Reuters (three outlets), Evening Star


def test_a_fact_repeated_in_a_shared_passage_is_not_a_second_confirmation():
    a = _art("d1", PARAS, outlet="Daily Post")
    b = _art("d2", OWN[:2] + PARAS[1:2] + OWN[2:], outlet="River News")
    reworded = "Fixing the crossing should take a year and a half and cost about $14m, officials told us."
    c = _art("d3", [reworded, "Drivers queued for an hour at the ring road as the first detours began."],
             outlet="Evening Star")
    links, reuse = _links([a, b, c])
    pos = {x.id: x.text.index(PARAS[1][:30]) for x in (a, b)}
    row = CoverageRow("g1", "consensus", PARAS[1], {
        "Daily Post": [Span("d1", pos["d1"], pos["d1"] + len(PARAS[1]))],
        "River News": [Span("d2", pos["d2"], pos["d2"] + len(PARAS[1]))],
        "Evening Star": [Span("d3", 0, 60)],
    })
    story_folds = folds(["Daily Post", "River News", "Evening Star"], links)
    echoes, independent = fact_echoes(row, [a, b, c], reuse, story_folds, links)
    assert independent == 2  # Daily Post's sentence and River News's copy of it are one report
    assert set(echoes.items()) <= {("River News", "Daily Post"), ("Daily Post", "River News")} and echoes


def test_unknown_outlets_are_lettered_by_file_name_never_named_by_it():
    arts = [_art("e2", OWN, None), _art("e1", PARAS, None), _art("e3", OWN, "Rudaw")]
    names = outlet_names(arts)
    assert names == {"e1.txt": "Unknown outlet A", "e2.txt": "Unknown outlet B", "Rudaw": "Rudaw"}
    assert [letters(i) for i in (0, 25, 26, 27)] == ["A", "Z", "AA", "AB"]


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _lab(hex_colour: str) -> tuple[float, float, float]:
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [((c + 0.055) / 1.055) ** 2.4 if c > 0.04045 else c / 12.92 for c in rgb]
    xyz = ((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b,
           (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883)
    fx, fy, fz = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in xyz]
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def test_twelve_outlet_colours_are_readable_and_distinct():
    css = (Path(__file__).parent.parent / "parallax/render/templates/report.css").read_text(encoding="utf-8")
    colours = dict(re.findall(r"\.(o\d+)\{--oc:(#[0-9a-f]{6})\}", css))
    assert len(colours) == 12
    for name, colour in colours.items():  # white chip text on it, and it as tag text on white: AA
        assert (1.05) / (_luminance(colour) + 0.05) >= 4.5, name
    closest = min(math.dist(_lab(a), _lab(b)) for a, b in itertools.combinations(colours.values(), 2))
    assert closest > 15  # no two outlets look alike (Lab distance; about 2.3 is just noticeable)
