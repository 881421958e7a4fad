"""The HTML report and the Markdown export on the analysed example corpus (plus a hostile article)."""

from __future__ import annotations

import base64
import copy
import hashlib
import html
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape
from render_fixtures import HOSTILE_OUTLET, add_hostile_article, analysed_corpus

from parallax.records import Article, Span
from parallax.render.html import to_html
from parallax.render.markdown import to_markdown
from parallax.render.marks import collect, mark_article, span_key


@pytest.fixture(scope="module")
def corpus(example_dir, options):
    corpus = analysed_corpus(example_dir, options)
    add_hostile_article(corpus)
    return corpus


@pytest.fixture(scope="module")
def report(corpus):
    return to_html(corpus)


class Page(HTMLParser):
    """Element ids, link targets, tag names and the text inside each id'd mark."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.mark_text: dict[str, str] = {}
        self._open: list[str | None] = []
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        self.attrs += attrs
        if "id" in a:
            self.ids.append(a["id"])
        if "href" in a:
            self.hrefs.append(a["href"])
        if tag == "mark":
            self._open.append(a.get("id"))
            if a.get("id"):
                self.mark_text[a["id"]] = ""
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "mark":
            self._open.pop()
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style += data
        for key in self._open:
            if key:
                self.mark_text[key] += data


def esc(text: str) -> str:
    return str(escape(text))


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    return page


# -- marks -------------------------------------------------------------------


def _strip(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 400), st.integers(1, 200)), max_size=12))
def test_marks_nest_and_keep_the_text_for_any_overlap(example_dir, pairs):
    text = sorted(example_dir.glob("*.txt"))[0].read_text(encoding="utf-8")
    paras = [" ".join(p.split()) for p in text.split("\n\n") if p.strip()][:4]
    art = Article("x", "x.txt", paras)
    spans = [Span("x", s, min(s + n, len(art.text))) for s, n in pairs if s < len(art.text)]
    marked = mark_article(art, collect(art, [(s, "quote", "") for s in spans]))
    assert [_strip(str(p)) for p in marked.paragraphs] == paras
    page = parse("".join(f"<p>{p}</p>" for p in marked.paragraphs))
    assert not page._open  # every <mark> closed, in order
    keys = {span_key(s) for s in spans if s.end > s.start and art.text[s.start : s.end].strip("\n")}
    assert len(page.ids) == len(set(page.ids))
    assert keys == set(page.ids)  # the first piece of every span carries its id


def test_a_span_crossing_another_is_split_but_fully_highlighted(seed_like_article):
    art = seed_like_article
    first, second = Span(art.id, 5, 40), Span(art.id, 20, 60)
    marked = mark_article(art, collect(art, [(first, "quote", ""), (second, "claim", "")]))
    page = parse(str(marked.paragraphs[0]))
    assert page.ids == [span_key(first), span_key(second)]
    assert marked.split == [span_key(second)]
    assert _strip(str(marked.paragraphs[0])) == art.paragraphs[0]


@pytest.fixture
def seed_like_article(example_dir):
    text = sorted(example_dir.glob("*.txt"))[1].read_text(encoding="utf-8")
    paras = [" ".join(p.split()) for p in text.split("\n\n") if len(p.strip()) > 80][:3]
    return Article("seed", "seed.txt", paras)


# -- the HTML report -----------------------------------------------------------


def test_every_citation_jumps_to_the_exact_cited_words(corpus, report):
    page = parse(report)
    ids = set(page.ids)
    internal = [h[1:] for h in page.hrefs if h.startswith("#")]
    assert internal, "the report cites nothing"
    assert not [h for h in internal if h not in ids]
    index = corpus.by_id()
    checked = 0
    for key, shown in page.mark_text.items():
        _, *rest = key.split("-")
        aid, start, end = "-".join(rest[:-2]), int(rest[-2]), int(rest[-1])
        whole = report.count(f'k-{key}"') == 1  # else split: pieces after the first carry no id
        if aid in index and whole:
            assert shown == index[aid].text[start:end]
            checked += 1
    assert checked > 10


def test_report_is_self_contained_and_pins_its_stylesheet(report):
    page = parse(report)
    assert not {"script", "iframe", "object", "embed"} & set(page.tags)
    assert not [h for h in page.hrefs if not h.startswith(("#", "data:"))]  # nothing to fetch
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', report).group(1)
    csp = html.unescape(csp)
    assert "default-src 'none'" in csp and "script-src" not in csp and "unsafe-inline" not in csp
    digest = base64.b64encode(hashlib.sha256(page.style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp
    assert "@media print" in page.style


def test_article_markup_is_shown_as_text_never_as_markup(report):
    page = parse(report)
    assert "script" not in page.tags and "img" not in page.tags and "b" not in page.tags
    assert not [k for k, _ in page.attrs if k.startswith("on")]
    assert not [h for h in page.hrefs if h.strip().lower().startswith("javascript")]
    assert "&lt;script&gt;window.__pwned" in report
    assert esc(HOSTILE_OUTLET) in report


def test_sections_show_what_the_records_hold(corpus, report):
    story = corpus.stories[0]
    assert "Where outlets disagree" in report and "Quotes across outlets" in report
    contra = next(c for c in corpus.contradictions if c.story_id == story.id)
    assert esc(contra.left_value) in report and esc(contra.right_value) in report
    variants = [v for c in corpus.quote_clusters if c.story_id == story.id for v in c.variants]
    if any(op == "+" for v in variants for op, _ in v.diff):
        assert ("<ins>" in report and "<del>" in report) or "<ins>" in report
    assert 'class="matrix"' in report and 'class="h h' in report
    for art in corpus.story_articles(story):
        if art.boilerplate:
            assert esc(art.boilerplate[0]) in report
    described = [e for e in corpus.entities if any(a in story.article_ids for a in e.descriptors)]
    if described:
        label = next(
            x for e in described for aid, xs in e.descriptors.items() if aid in story.article_ids for x in xs
        )
        assert esc(label) in report


def test_outlet_keeps_its_colour_everywhere(corpus, report):
    pairs = set(re.findall(r'class="(?:chip|cite|side|card|art) (o\d)"[^>]*>(?:<[^>]+>)*([^<]+)<', report))
    by_label: dict[str, set[str]] = {}
    for css, label in pairs:
        by_label.setdefault(label.strip(), set()).add(css)
    labels = {a.label for a in corpus.articles}
    assert {k for k in by_label if k in labels}, "no outlet chips found"
    assert all(len(v) == 1 for k, v in by_label.items() if k in labels)


def test_cards_fall_back_where_no_comparison_is_stored(corpus):
    bare = copy.copy(corpus)
    bare.outlet_cards = []
    report = to_html(bare)
    assert "No outlet comparison is stored" in report
    assert all(esc(a.label) in report for a in corpus.articles)


# -- Markdown --------------------------------------------------------------------


def test_markdown_has_every_section_and_resolving_footnotes(corpus):
    text = to_markdown(corpus)
    for title in ("Where outlets disagree", "Quotes across outlets", "What each outlet did", "### Articles"):
        assert title in text
    refs = set(re.findall(r"\[\^([\w-]+)\](?!:)", text))
    defs = set(re.findall(r"^\[\^([\w-]+)\]:", text, re.M))
    assert refs and refs == defs


def test_markdown_cannot_inject_markup(corpus):
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").enable("strikethrough").render(to_markdown(corpus))
    page = parse(rendered)
    assert not {"script", "img", "i", "b", "a"} & set(page.tags)
    assert "window.__pwned" in _strip(rendered)


def test_tables_are_captioned_and_matrix_links_say_what_they_open(report):
    assert report.count("<caption") >= 2
    assert re.search(r'<th scope="col"[^>]*>fact</th>', report)
    # a matrix number is announced with its outlet, not as a bare "1"
    links = re.findall(r'<a href="#[^"]+" aria-label="([^"]+)">\d+</a>', report)
    assert links and all(" in " in label for label in links)


def test_flags_and_pages_name_outlets_not_ids_or_paths(corpus, report):
    flags = re.findall(r'<span class="flag">([^<]*)</span>', report)
    for art in corpus.articles:
        assert all(art.id not in f for f in flags)
        if "/" in art.source:
            assert art.source not in report  # the file name only
    assert not any(f.startswith(("paraphrase-as-quote", "speaker-mismatch")) for f in flags)  # no code words


def test_the_brief_never_tells_what_happened_with_a_disputed_sentence(example_dir, options):
    from parallax.render.view import story_page

    corpus = analysed_corpus(example_dir, options)
    story = corpus.stories[0]
    page = story_page(corpus, story)
    sides = [s for c in corpus.contradictions if c.story_id == story.id for s in (c.left, c.right)]
    assert sides, "the example story has a contradiction to keep out of the lead"
    lead = page.brief.lead
    assert lead
    cited = next(s.citations for d in corpus.digests for s in d.sentences if s.text == lead)
    assert not any(a.overlaps(b) for a in cited for b in sides)
    assert page.brief.disagreements and all(len(d.sides) >= 2 for d in page.brief.disagreements)


def test_thirteen_outlets_get_twelve_colours_then_stripes():
    from parallax.pipeline import Corpus
    from parallax.records import Story
    from parallax.render.view import story_page

    arts = [Article(id=f"a{i:02d}", source=f"/in/{i}.txt", paragraphs=[f"Text {i}."],
                    outlet=f"Outlet {i:02d}") for i in range(13)]
    corpus = Corpus(articles=arts, stories=[Story("s1", [a.id for a in arts], "A story")])
    outlets = story_page(corpus, corpus.stories[0]).outlets
    classes = [o.css for o in outlets]
    assert len(set(classes[:12])) == 12 and "alt" not in " ".join(classes[:12])
    assert classes[12] == "o0 alt"  # the thirteenth repeats a colour, striped, and keeps its name
    assert [o.name for o in outlets] == sorted(a.outlet for a in arts)
