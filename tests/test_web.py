"""The web app in process (Starlette TestClient over httpx): pages, JSON API, errors, security headers."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from render_fixtures import HOSTILE_TITLE, add_hostile_article, analysed_corpus
from starlette.testclient import TestClient

from parallax.errors import ParallaxError
from parallax.pipeline import Corpus
from parallax.records import Article, Story
from parallax.render.json import article_view, story_view
from parallax.store import Store
from parallax.web import create_app


@pytest.fixture(scope="module")
def db(tmp_path_factory, example_dir, options):
    path = tmp_path_factory.mktemp("web") / "parallax.db"
    with Store.open(str(path)) as store:
        corpus = analysed_corpus(example_dir, options)
        art = add_hostile_article(corpus)
        store.save(corpus)
        store.save(_lonely_story(corpus))
        store.save_articles([Article(id="orphan01", source="orphan.txt", paragraphs=["No story holds me."])])
    return path, corpus, art


def _lonely_story(corpus: Corpus) -> Corpus:
    """A one-article story, newer than the examples and first by title: each sort order differs."""
    first = corpus.articles[0]
    art = Article(
        id="lonely01",
        source="lonely.txt",
        paragraphs=first.paragraphs[:2],
        outlet="Solo Gazette",
        title="Aardvark census",
        published="2031-01-01",
    )
    story = Story(
        id="lonely-story",
        article_ids=[art.id],
        title="Aardvark census",
        first_published="2031-01-01",
        last_published="2031-01-01",
    )
    return Corpus(articles=[art], stories=[story])


@pytest.fixture(scope="module")
def client(db):
    with TestClient(create_app(str(db[0])), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="module")
def story_id(db):
    return db[1].stories[0].id


def _elements(page: str) -> list[tuple[str, dict]]:
    found: list[tuple[str, dict]] = []
    parser = HTMLParser()
    parser.handle_starttag = lambda tag, attrs: found.append((tag, dict(attrs)))  # type: ignore[method-assign]
    parser.feed(page)
    return found


def _assert_secure(response):
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "script-src 'self'" in policy or "script-src" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"


def test_story_list_api_searches_and_sorts(client, db):
    corpus = db[1]
    rows = client.get("/api/stories").json()
    assert {r["id"] for r in rows} == {s.id for s in corpus.stories} | {"lonely-story"}
    assert rows[0]["id"] == corpus.stories[0].id  # coverage: most outlets first
    assert client.get("/api/stories?sort=date").json()[0]["id"] == "lonely-story"
    assert client.get("/api/stories?sort=title").json()[0]["title"] == "Aardvark census"
    assert len(client.get("/api/stories?limit=1").json()) == 1
    assert client.get("/api/stories?limit=-1").status_code == 400
    word = max(re.findall(r"[A-Za-z]{6,}", corpus.stories[0].title), key=len)
    found = client.get("/api/stories", params={"search": word.upper(), "sort": "date"}).json()
    assert corpus.stories[0].id in {r["id"] for r in found}
    assert client.get("/api/stories", params={"search": "zzqx-no-such-words"}).json() == []
    bad = client.get("/api/stories", params={"sort": "sideways"})
    assert bad.status_code == 400 and "sort" in bad.json()["error"]


def test_story_api_mirrors_the_cli_json(client, db, story_id):
    with Store.open(str(db[0])) as store:
        stored = store.load_story(story_id)
    expected = story_view(stored, stored.stories[0])
    # The app serves an input's file name, not the server's path to it.
    expected["articles"] = [{**article_view(a), "source": Path(a.source).name}
                            for a in stored.story_articles(stored.stories[0])]
    got = client.get(f"/api/stories/{story_id}").json()
    assert got == expected
    assert got["contradictions"] and got["articles"]


def test_article_api_gives_clean_text_and_its_story(client, db, story_id):
    art = db[2]
    response = client.get(f"/api/articles/{art.id}")
    assert b"<script" not in response.content  # escaped as \u003c even inside JSON strings
    got = response.json()
    assert got["text"] == art.text and got["story_id"] == story_id and got["title"] == HOSTILE_TITLE


@pytest.mark.parametrize(
    "path",
    [
        "/stories/nope",
        "/articles/nope",
        "/api/stories/nope",
        "/api/articles/nope",
        "/no/such/page",
        "/stories/nope/report.md",
    ],
)
def test_missing_things_are_404_without_traceback(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Traceback" not in response.text and 'File "' not in response.text
    if path.startswith("/api/"):
        assert "nope" in response.json()["error"]
    else:
        assert "<h1>404</h1>" in response.text
    _assert_secure(response)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?search=iraq&sort=date",
        "/static/app.js",
        "/static/report.css",
        "/api/stories",
        "/api/openapi.json",
    ],
)
def test_every_response_is_sent_with_strict_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    _assert_secure(response)


def test_pages_escape_article_markup(client, db, story_id):
    art = db[2]
    for path in (f"/stories/{story_id}", f"/articles/{art.id}", "/?search=talks+went+on"):
        page = client.get(path).text
        assert "window.__pwned" in page
        tags = _elements(page)
        assert [a for t, a in tags if t == "script"] == [{"src": "/static/app.js", "defer": None}]
        assert not {"img", "b", "i"} & {t for t, _ in tags}
        assert not [k for _, a in tags for k in a if k.startswith("on")]
        assert not [a["href"] for _, a in tags if (a.get("href") or "").lower().startswith("javascript")]


def test_inline_style_is_allowed_only_by_its_hash(client, story_id):
    response = client.get(f"/stories/{story_id}")
    styles = re.findall(r"<style>(.*?)</style>", response.text, re.S)
    policy = response.headers["content-security-policy"]
    for css in styles:
        digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy


def test_story_page_links_articles_and_exports(client, db, story_id):
    page = client.get(f"/stories/{story_id}").text
    assert 'href="/static/report.css"' in page and 'src="/static/app.js"' in page
    for art in db[1].story_articles(db[1].stories[0]):
        assert f'id="art-{art.id}"' in page
    report = client.get(f"/stories/{story_id}/report.html")
    assert report.status_code == 200 and "style-src 'sha256-" in report.headers["content-security-policy"]
    md = client.get(f"/stories/{story_id}/report.md")
    assert md.headers["content-type"].startswith("text/markdown") and md.text.startswith("# Parallax report")


def test_openapi_documents_every_route(client):
    doc = client.get("/api/openapi.json").json()
    app = client.app
    while not hasattr(app, "routes"):  # inside the security-headers and compression wrappers
        app = app.app
    routes = {r.path for r in app.routes}
    assert routes == set(doc["paths"])
    assert doc["openapi"].startswith("3.")


def test_article_outside_any_story_has_a_plain_page(client):
    page = client.get("/articles/orphan01")
    assert page.status_code == 200 and "No story holds me." in page.text and "story:" not in page.text
    assert client.get("/api/articles/orphan01").json()["story_id"] is None


def test_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(ParallaxError, match="database not found"):
        create_app(str(tmp_path / "absent.db"))


def test_serve_command_binds_localhost_by_default(db, monkeypatch):
    import parallax.web
    from parallax.cli import cli

    calls = []
    monkeypatch.setattr(
        parallax.web, "serve", lambda options, host, port: calls.append((options.db, host, port))
    )
    result = CliRunner().invoke(cli, ["serve", "--db", str(db[0])])
    assert result.exit_code == 0, result.output
    assert calls == [(str(db[0]), "127.0.0.1", 8765)]


def test_an_unexpected_failure_is_a_500_without_traceback(db, monkeypatch):
    from parallax.web import app as web_app

    def boom(*args, **kwargs):
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(web_app, "story_page", boom)
    with TestClient(create_app(str(db[0])), raise_server_exceptions=False) as client:
        story_id = db[1].stories[0].id
        page = client.get(f"/stories/{story_id}")
        assert (
            page.status_code == 500 and "secret internals" not in page.text and "Traceback" not in page.text
        )
        _assert_secure(page)
        monkeypatch.setattr(web_app, "story_view", boom)
        api = client.get(f"/api/stories/{story_id}")
        assert api.status_code == 500 and api.json() == {"error": "internal error", "status": 500}


def test_story_pages_are_compressed_and_keep_their_headers(client, story_id):
    page = client.get(f"/stories/{story_id}", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200
    assert page.headers["content-encoding"] == "gzip"
    assert "content-security-policy" in page.headers  # the security headers survive compression
    plain = client.get(f"/stories/{story_id}", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.text == page.text


def test_a_keyboard_user_can_skip_to_the_content(client, story_id):
    page = client.get(f"/stories/{story_id}").text
    elements = _elements(page)
    first_link = next(attrs for tag, attrs in elements if tag == "a")
    assert first_link.get("href") == "#main" and "skip" in first_link.get("class", "")
    assert any(tag == "main" and attrs.get("id") == "main" for tag, attrs in elements)


def test_no_server_path_is_served(client, db, story_id):
    corpus = db[1]
    art = corpus.articles[0]
    assert "/" in art.source  # the analysed examples were read from a path on this machine
    served = [client.get(f"/articles/{art.id}").text, client.get(f"/api/articles/{art.id}").text,
              client.get(f"/api/stories/{story_id}").text]
    parent = str(Path(art.source).parent)
    assert all(parent not in text for text in served)
    assert client.get(f"/api/articles/{art.id}").json()["source"] == Path(art.source).name
