"""Metadata on the example articles, plus unit cases for dates, bylines, datelines, titles."""

from __future__ import annotations

from pathlib import Path

import pytest

from parallax.records import Article
from parallax.stages.metadata import (
    boilerplate_outlet,
    date_line,
    extract_metadata,
    headline_like,
    parse_byline,
    parse_date,
    parse_dateline,
    site_outlet,
    split_site_suffix,
    url_date,
)


def _raw_lines(art: Article) -> list[str]:
    return [" ".join(line.split()) for line in Path(art.source).read_text(encoding="utf-8").splitlines()]


def test_titles_are_the_headline_lines(seed_articles):
    for key in ("000", "002", "004"):
        art = seed_articles[key]
        assert art.title in _raw_lines(art), key
        assert headline_like(art.title)
    rt = seed_articles["003"]
    suffixed = next(line for line in _raw_lines(rt) if line.startswith(rt.title or "\0"))
    assert rt.title and len(rt.title) < len(suffixed) and "World News" not in rt.title
    assert seed_articles["001"].title is None  # its first line is a sentence, not a headline


def test_metadata_lines_leave_the_body(seed_articles):
    for art in seed_articles.values():
        for field in (art.title, art.byline):
            if field:
                assert all(field not in p or len(p) > 2 * len(field) for p in art.paragraphs)
        assert not any(date_line(p) for p in art.paragraphs[:3])
    assert "Middle East" not in seed_articles["000"].paragraphs
    assert seed_articles["000"].paragraphs[0].startswith("Iranian Supreme Leader")


def test_bylines_dates_datelines_outlets(seed_articles):
    assert seed_articles["000"].byline == "Mitchell McCluskey and Aqeel Mohamed"
    assert seed_articles["002"].byline == "Azhi Rasul"
    assert seed_articles["004"].byline == "Reuters"
    assert seed_articles["002"].published == seed_articles["004"].published == "2023-04-29"
    rudaw = seed_articles["002"]
    assert rudaw.dateline == "ERBIL"
    assert rudaw.paragraphs[0].startswith("Iranian Supreme Leader Ali Khamenei, in a meeting")
    # Outlets only where the text names them; never guessed.
    assert rudaw.outlet == "Rudaw"  # its comment policy names the site
    assert seed_articles["003"].outlet == "RT"  # the title's site suffix
    assert seed_articles["000"].outlet is None and seed_articles["001"].outlet is None


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("29-04-2023", "2023-04-29"),
        ("Published: APRIL 29, 2023 22:31", "2023-04-29"),
        ("date 2023-04-29", "2023-04-29"),
        ("April 29, 2023", "2023-04-29"),
        ("Sat 29th April 2023", "2023-04-29"),
        ("Apr. 29 2023", "2023-04-29"),
        ("04/29/2023", "2023-04-29"),  # only month-first is possible
        ("04/05/2023", "2023-04-05"),  # slashes: US month-first
        ("04.05.2023", "2023-05-04"),  # dots and dashes: day-first
        ("2023/4/9", "2023-04-09"),
        ("April 31, 2023", None),
        ("no date here 1234", None),
    ],
)
def test_parse_date(text, iso):
    assert parse_date(text) == iso


def test_date_line_needs_the_whole_line_to_be_a_date():
    assert date_line("Updated 3:15 PM EDT, Sat April 29, 2023") == "2023-04-29"
    assert date_line("Published: APRIL 29, 2023 22:31") == "2023-04-29"
    assert date_line("Khamenei met Rashid in Tehran on April 29, 2023") is None


@pytest.mark.parametrize(
    ("para", "place", "wire"),
    [
        (
            "ERBIL, Kurdistan Region - Iranian Supreme Leader Ali Khamenei said on Saturday that",
            "ERBIL",
            None,
        ),
        (
            "WASHINGTON (Reuters) - The United States said on Friday it would send more troops",
            "WASHINGTON",
            "Reuters",
        ),
        ("LONDON, April 29 (AFP) — Britain's prime minister said on Saturday that talks", "LONDON", "AFP"),
        ("NEW YORK — Stocks fell sharply on Monday as investors weighed new data on", "NEW YORK", None),
        ("US forces are on the ground in Iraq at the invitation of Baghdad as part of", None, None),
        (
            "The US has been on the outside of recent major diplomatic developments - a restoration",
            None,
            None,
        ),
    ],
)
def test_parse_dateline(para, place, wire):
    found = parse_dateline(para)
    if place is None:
        assert found is None
    else:
        assert found is not None and (found.place, found.wire) == (place, wire)
        assert para[found.end :][0].isupper()


@pytest.mark.parametrize(
    ("line", "name", "org"),
    [
        ("By Mitchell McCluskey and Aqeel Mohamed", "Mitchell McCluskey and Aqeel Mohamed", False),
        ("By REUTERS", "Reuters", True),
        ("BY AFP", "AFP", True),
        ("Azhi Rasul @AzhiYR", "Azhi Rasul", False),
        ("By Jane Doe | April 29, 2023", "Jane Doe", False),
        ("By the end of the week, officials said, the talks had stalled.", None, False),
        ("By Saturday the troops had left", None, False),
    ],
)
def test_parse_byline(line, name, org):
    found = parse_byline(line)
    assert (found.name if found else None) == name
    if found:
        assert found.organisation is org


def test_byline_date_is_kept():
    found = parse_byline("By Jane Doe | April 29, 2023")
    assert found is not None and found.date == "2023-04-29"


@pytest.mark.parametrize(
    ("title", "head", "site"),
    [
        (
            "Even an American in Iraq is ‘too much’ – Iran – RT World News",
            "Even an American in Iraq is ‘too much’ – Iran",
            "RT World News",
        ),
        ("Iran leader tells Iraqi president | Reuters", "Iran leader tells Iraqi president", "Reuters"),
        ("Iran leader tells Iraqi president - BBC News", "Iran leader tells Iraqi president", "BBC News"),
        (
            "Iran leader tells Iraqi president - example.com",
            "Iran leader tells Iraqi president",
            "example.com",
        ),
        (
            "Rashid meets Khamenei - a turning point for the region",
            "Rashid meets Khamenei - a turning point for the region",
            None,
        ),
        ("Iran warns US - Analysis", "Iran warns US - Analysis", None),
    ],
)
def test_split_site_suffix(title, head, site):
    assert split_site_suffix(title) == (head, site)


def test_site_suffix_repeated_across_titles_counts_as_a_site():
    assert split_site_suffix("Harbour strike enters second week - Meridian", {"meridian"}) == (
        "Harbour strike enters second week",
        "Meridian",
    )
    assert site_outlet("RT World News") == "RT" and site_outlet("BBC News") == "BBC News"


def test_outlet_from_copyright_and_comment_policy():
    assert boilerplate_outlet(["© 2024 Meridian Courier. All rights reserved."]) == "Meridian Courier"
    assert boilerplate_outlet(["Copyright 2019-2024 The Daily Ledger"]) == "The Daily Ledger"
    assert boilerplate_outlet(["Example Media moderates all comments before they appear."]) == "Example Media"
    assert boilerplate_outlet(["Share on WhatsApp", "Back to top"]) is None


def test_html_title_line_removed_and_not_duplicated():
    art = Article(
        id="h1",
        source="page.html",
        paragraphs=[
            "Harbour workers strike over pay",
            "Hundreds of harbour workers walked out on Tuesday after talks over a new pay deal collapsed.",
        ],
        title="Harbour workers strike over pay | The Meridian Courier",
        published="2024-03-12T08:00:00+00:00",
        format="html",
    )
    extract_metadata(art)
    assert art.title == "Harbour workers strike over pay"
    assert art.outlet == "The Meridian Courier"
    assert art.published == "2024-03-12"
    assert art.paragraphs == [
        "Hundreds of harbour workers walked out on Tuesday after talks over a new pay deal collapsed."
    ]


@pytest.mark.parametrize(
    ("url", "day"),
    [
        ("https://www.cnbc.com/2021/10/18/supreme-court-sides-with-police.html", "2021-10-18"),
        ("https://www.reuters.com/world/us/powell-dies-covid-2021-10-18/", "2021-10-18"),
        ("https://example.com/news/20230429/iran-iraq", "2023-04-29"),
        ("https://www.foxnews.com/politics/supreme-court-qualified-immunity", None),
        ("https://example.com/2021/13/45/not-a-day", None),
        ("https://example.com/story?id=2021/10/18", None),  # the query is not the permalink
    ],
)
def test_url_date(url, day):
    assert url_date(url) == day


def test_date_from_url_only_when_the_text_has_none():
    body = ["Iran's leader told the visiting Iraqi president that US troops must leave the country. " * 2]
    undated = Article(id="u", source="u", paragraphs=list(body), url="https://x.example/2023/04/29/iran")
    assert extract_metadata(undated, set()).published == "2023-04-29"
    dated = Article(id="d", source="d", paragraphs=["Published: April 30, 2023", *body],
                    url="https://x.example/2023/04/29/iran")
    assert extract_metadata(dated, set()).published == "2023-04-30"
