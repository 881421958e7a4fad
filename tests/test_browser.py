"""End to end in headless Chromium: the served story page and the offline report.

Starts ``parallax serve``'s app with uvicorn on a free 127.0.0.1 port over a
store holding the analysed example corpus plus a hostile article, then clicks
through it as a reader would. Screenshots go to the test's tmp_path.
"""

from __future__ import annotations

import pytest
from browser_helpers import TARGET, served
from render_fixtures import add_hostile_article, analysed_corpus

from parallax.render.html import to_html

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus(example_dir, options):
    corpus = analysed_corpus(example_dir, options)
    add_hostile_article(corpus)
    return corpus


@pytest.fixture(scope="module")
def server(tmp_path_factory, corpus):
    with served(corpus, tmp_path_factory.mktemp("browser")) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    yield page
    context.close()


def _nothing_ran(page) -> None:
    page.wait_for_timeout(300)  # an onerror handler would fire asynchronously
    assert page.evaluate("typeof window.__pwned") == "undefined"


def _click_citation_and_see_it_highlighted(page, cite) -> None:
    href = cite.get_attribute("href")
    cite.click()
    assert page.evaluate("location.hash") == href
    target = page.locator(f"mark[id='{href[1:]}']")
    assert target.is_visible()
    box, height = target.bounding_box(), page.viewport_size["height"]
    assert box is not None and 0 <= box["y"] < height
    assert target.evaluate("el => getComputedStyle(el).backgroundColor") == TARGET


def test_story_page_quotes_and_contradictions(server, corpus, page, tmp_path):
    story = corpus.stories[0]
    page.goto(f"{server}/stories/{story.id}")
    _nothing_ran(page)
    page.screenshot(path=str(tmp_path / "story.png"))
    clusters = page.locator("details.cluster")
    assert clusters.count() >= 1
    last = clusters.last
    if last.get_attribute("open") is not None:
        last.locator("summary").click()
    assert not last.locator(".variants li").first.is_visible()
    last.locator("summary").click()
    assert last.locator(".variants li").first.is_visible()
    assert last.locator(".variants .cite").count() >= 1
    page.screenshot(path=str(tmp_path / "quote-open.png"))

    contra = page.locator(".contra").first
    assert contra.locator("mark.m-contra").count() == 2  # both sides highlighted
    _click_citation_and_see_it_highlighted(page, contra.locator(".cite").first)
    page.screenshot(path=str(tmp_path / "contradiction.png"))
    assert page.errors == []


def test_a_span_split_across_paragraphs_lights_up_whole(server, corpus, page):
    page.goto(f"{server}/stories/{corpus.stories[0].id}")
    pieces = page.locator("mark:not([id])[class*='k-s-']")
    for n in range(pieces.count()):  # a split mark that some visible citation points at
        piece = pieces.nth(n)
        key = next(c[2:] for c in piece.get_attribute("class").split() if c.startswith("k-s-"))
        link = page.locator(f"a.cite[href='#{key}']:visible")
        if link.count():
            break
    else:
        pytest.fail("no visible citation of a split mark")
    link.first.click()
    for mark in (page.locator(f"mark[id='{key}']"), piece):
        assert mark.evaluate("el => getComputedStyle(el).backgroundColor") == TARGET


def test_app_script_runs_under_the_policy(server, corpus, page):
    page.goto(f"{server}/stories/{corpus.stories[0].id}")
    page.locator("[data-toggle-clusters]").click()
    assert page.locator("details.cluster:not([open])").count() == 0
    _nothing_ran(page)


def test_hostile_article_page_shows_markup_as_text(server, corpus, page, tmp_path):
    art = next(a for a in corpus.articles if "<script>" in a.text)
    page.goto(f"{server}/articles/{art.id}")
    _nothing_ran(page)
    prose = page.locator(".prose").inner_text()
    assert "<script>" in prose and "onerror" in prose
    assert page.locator(".prose script, .prose img, .prose a").count() == 0
    page.screenshot(path=str(tmp_path / "article.png"))


def test_offline_report_works_from_a_file(corpus, page, tmp_path):
    path = tmp_path / "report.html"
    path.write_text(to_html(corpus), encoding="utf-8")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    _nothing_ran(page)
    assert [u for u in requests if not u.startswith("file:")] == []
    _click_citation_and_see_it_highlighted(page, page.locator(".digest .cite").first)
    page.screenshot(path=str(tmp_path / "report.png"))
    folded = page.locator("details.cluster:not([open]) .variants li").first
    assert folded.count() == (1 if page.locator("details.cluster").count() > 2 else 0)  # the first two open
    assert folded.count() == 0 or not folded.is_visible()
    page.emulate_media(media="print")  # print shows what <details> folds away on screen
    assert page.locator("nav.toc").first.is_hidden()
    assert folded.count() == 0 or folded.is_visible()
