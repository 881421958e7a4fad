"""What a reader sees, in headless Chromium at desktop and phone widths (issue #21).

A ten-article story (the example's five articles and an unnamed site's re-run of each) is
served by the app; the example's own report is opened from a file. Each test drives a page
as a person would and checks what is on the screen, not the HTML the templates wrote.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from browser_helpers import TARGET, served
from render_fixtures import analysed_corpus, copied_story_dir

from parallax.render.html import to_html
from parallax.render.json import to_json
from parallax.render.markdown import to_markdown

pytestmark = pytest.mark.slow

PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}
OPEN_ALL = "document.querySelectorAll('details').forEach(d => d.open = true)"


@pytest.fixture(scope="module")
def example(example_dir, options):
    return analysed_corpus(example_dir, options)


@pytest.fixture(scope="module")
def ten(tmp_path_factory, example_dir, options):
    folder = copied_story_dir(example_dir, tmp_path_factory.mktemp("ten") / "in")
    return analysed_corpus(folder, options)


@pytest.fixture(scope="module")
def server(tmp_path_factory, ten):
    with served(ten, tmp_path_factory.mktemp("reader")) as url:
        yield url


@pytest.fixture(scope="module")
def report_file(tmp_path_factory, example):
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(to_html(example), encoding="utf-8")
    return path.as_uri()


def _open(browser, url: str, viewport: dict, **kw):
    context = browser.new_context(viewport=viewport, **kw)
    page = context.new_page()
    page.goto(url)
    return context, page


def _pages(server: str, ten) -> list[str]:
    story = ten.stories[0]
    return [f"{server}/", f"{server}/stories/{story.id}", f"{server}/articles/{story.article_ids[0]}"]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_brief_comes_first_and_counts_copies_once(browser, server, ten, viewport):
    ctx, page = _open(browser, f"{server}/stories/{ten.stories[0].id}", viewport)
    brief = page.locator(".brief")
    box = brief.bounding_box()
    assert box is not None and box["y"] < viewport["height"] / 2  # seen without scrolling
    counts = brief.locator("dd p").first.inner_text()
    found = re.search(r"(\d+) articles from (\d+) outlets, (\d+) independent sources", counts)
    assert found, counts
    articles, outlets, independent = map(int, found.groups())
    assert articles == 10 and independent < outlets  # the re-runs are folded into their originals
    assert brief.locator(".sources li").count() >= outlets - independent
    assert "independent" in page.title()
    if brief.locator(".disagree a").count():  # each disagreement opens its card with both sentences
        brief.locator(".disagree a").first.click()
        card = page.locator(f"[id='{page.evaluate('location.hash')[1:]}']")
        assert card.is_visible() and card.locator("blockquote").count() == 2
    ctx.close()


def test_outlets_are_named_never_by_file_name(browser, server, ten):
    ctx, page = _open(browser, f"{server}/stories/{ten.stories[0].id}", DESKTOP)
    page.evaluate(OPEN_ALL)
    labels = page.locator(".chip, th.outlet, a.cite, .card h3").all_inner_texts()
    assert labels and not [x for x in labels if re.search(r"\.txt|\.html|_[0-9a-f]{8}", x)]
    unknown = page.locator(".legend .chip", has_text="Unknown outlet A").first
    assert ".txt" in (unknown.get_attribute("title") or "")  # the file name is in the tooltip only
    assert page.locator(".legend .chip .tag").count() >= 1  # wire and copies are marked on the chips
    page.goto(f"{server}/")
    assert ".txt" not in page.locator(".stories").inner_text()
    ctx.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_one_fact_opens_every_outlets_sentence_and_leads_back(browser, report_file, viewport):
    ctx, page = _open(browser, report_file, viewport)
    rows = page.locator("table.matrix tbody tr")
    row = next(rows.nth(i) for i in range(rows.count()) if rows.nth(i).locator("td.h a").count() >= 3)
    stating = row.locator("td.h a").count()
    row.locator("td.fact summary").click()
    sides = row.locator(".sides .side")
    assert sides.count() == stating and all(t.strip() for t in sides.locator("blockquote").all_inner_texts())
    cite = sides.first.locator("a.cite")
    href = cite.get_attribute("href")
    cite.click()
    mark = page.locator(f"mark[id='{href[1:]}']")
    assert mark.is_visible()  # the folded article opened at the words
    assert mark.evaluate("el => getComputedStyle(el).backgroundColor") == TARGET
    back = page.locator(f"article:has(mark[id='{href[1:]}']) .back a")
    back.click()
    assert page.evaluate("location.hash").startswith("#matrix-")
    ctx.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_no_page_scrolls_sideways(browser, server, ten, report_file, viewport):
    for url in [report_file, *_pages(server, ten)]:
        ctx, page = _open(browser, url, viewport)
        page.evaluate(OPEN_ALL)  # wide tables and long lines scroll inside their own box, if at all
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], (url, width)
        ctx.close()


def test_the_example_report_is_short_with_folds_closed(browser, report_file, server, ten):
    ctx, page = _open(browser, report_file, DESKTOP)
    assert page.evaluate("document.documentElement.scrollHeight") < 15_000
    for url in [report_file, *_pages(server, ten)]:  # one id, one element: links land where they say
        page.goto(url)
        ids = page.evaluate("Array.from(document.querySelectorAll('[id]'), e => e.id)")
        assert len(ids) == len(set(ids)), url
    ctx.close()


def test_axe_finds_no_serious_violation(browser, server, ten, report_file):
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright", reason="axe not installed")
    axe = axe_module.Axe()
    for url in [report_file, *_pages(server, ten)]:
        for viewport in (DESKTOP, PHONE):
            ctx, page = _open(browser, url, viewport, bypass_csp=True)  # axe is injected as a script
            page.evaluate(OPEN_ALL)  # folded text is checked too (contrast, names)
            found = axe.run(page).response["violations"]
            serious = [v for v in found if v["impact"] in ("serious", "critical")]
            bad = [(v["id"], v["nodes"][0]["html"][:120]) for v in serious]
            assert bad == [], (url, viewport["width"], bad)
            ctx.close()


def test_no_ids_paths_or_slot_codes_reach_a_reader(browser, server, ten, example, example_dir):
    root = str(Path(example_dir).resolve())
    ctx, page = _open(browser, f"{server}/stories/{ten.stories[0].id}", DESKTOP)
    page.evaluate(OPEN_ALL)
    shown = page.locator("main").inner_text()
    ids = [a.id for a in ten.articles] + [s.id for s in ten.stories]
    assert not [i for i in ids if i in shown]
    assert " differs: " not in shown and "AGENT" not in shown
    outputs = [page.content(), to_html(example), to_markdown(example), str(to_json(example))]
    for path in ["/api/stories/" + ten.stories[0].id, "/api/articles/" + ten.articles[0].id]:
        outputs.append(page.request.get(server + path).text())
    assert not [o[:80] for o in outputs if root in o]
    ctx.close()


def test_markdown_cites_each_outlet_once(example):
    text = to_markdown(example)
    notes = re.findall(r"^\[\^([\w-]+)\]:", text, re.M)
    outlets = {a.label for a in example.articles}
    assert 0 < len(notes) <= len(outlets)
    assert text.index("### In brief") < text.index("### Reported across outlets")


def test_a_ten_article_story_page_is_compressed_and_quick(server, ten):
    import httpx

    url = f"{server}/stories/{ten.stories[0].id}"
    with httpx.Client(headers={"Accept-Encoding": "gzip"}) as client:
        client.get(url)  # warm: templates compiled, store pages cached
        times = []
        for _ in range(3):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
    assert response.status_code == 200 and response.headers["content-encoding"] == "gzip"
    assert int(response.headers["content-length"]) < len(response.content) / 4
    assert sorted(times)[1] < 0.3, times
