"""Routes of the web app: HTML pages, the JSON API and the two static files.

Article text is untrusted: pages are Jinja2-autoescaped, every response
carries a strict Content-Security-Policy (scripts and styles only from this
origin, plus the one inline stylesheet of a page pinned by its hash) and
``X-Content-Type-Options: nosniff``. A missing story or article is a 404 page
or JSON error, and an unexpected failure a 500 without a traceback.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import escape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from ..analyze import show, stories
from ..errors import ParallaxError, StoreError
from ..outlets.names import UNKNOWN, public_source
from ..pipeline import Corpus
from ..records import Article
from ..render.html import environment as report_environment
from ..render.html import report_document, style_hash, stylesheet
from ..render.json import article_view, story_view
from ..render.markdown import to_markdown
from ..render.marks import article_key
from ..render.sections import FRAMING_TITLES
from ..render.view import ArticleView, StoryPage, story_page
from ..store import Store
from .openapi import openapi_document

log = logging.getLogger("parallax.web")
SORTS = ("coverage", "date", "title")
BASE_CSP = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


class SafeJSON(JSONResponse):
    """JSON with <, > and & as unicode escapes, so no article text reads as markup if sniffed as HTML."""

    def render(self, content: Any) -> bytes:
        body = super().render(content)
        return body.replace(b"<", b"\\u003c").replace(b">", b"\\u003e").replace(b"&", b"\\u0026")


def csp(**extra: str) -> str:
    policy = dict(BASE_CSP)
    for key, value in extra.items():
        name = key.replace("_", "-")
        policy[name] = f"{policy.get(name, '')} {value}".strip()
    return "; ".join(f"{k} {v}" for k, v in policy.items())


@functools.cache
def environment() -> jinja2.Environment:
    base = report_environment()
    return base.overlay(
        loader=jinja2.ChoiceLoader(
            [jinja2.PackageLoader("parallax.web", "templates"), base.loader or jinja2.DictLoader({})]
        )
    )


class SecurityHeaders:
    """ASGI middleware: the default CSP (unless a route set its own) and nosniff on every response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != b"x-content-type-options"
                ]
                if not any(k.lower() == b"content-security-policy" for k, _ in headers):
                    headers.append((b"content-security-policy", csp().encode()))
                headers += [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class Site:
    """The store behind the app; one connection, used by one request at a time."""

    def __init__(self, store_url: str):
        if "://" not in store_url and store_url != ":memory:" and not Path(store_url).is_file():
            raise ParallaxError(
                f"database not found: {store_url} (run `parallax analyze DIR --db {store_url}` first)"
            )
        self.store = Store.open(store_url)
        self.lock = threading.Lock()

    @contextmanager
    def use(self) -> Iterator[Store]:
        with self.lock:
            yield self.store

    def story(self, story_id: str) -> Corpus:
        with self.use() as store:
            try:
                return show(store, story_id)
            except StoreError:
                raise HTTPException(404, f"no story with id {story_id!r}") from None

    def article(self, article_id: str) -> tuple[Article, str | None]:
        """The article and the id of the story it belongs to, if any."""
        with self.use() as store:
            found = store.articles([article_id])
            if not found:
                raise HTTPException(404, f"no article with id {article_id!r}")
            rows = store.query("SELECT story_id FROM story_articles WHERE article_id = ?", (article_id,))
        return found[0], (rows[0]["story_id"] if rows else None)


def _page(name: str, status: int = 200, style: str = "", **context: Any) -> HTMLResponse:
    html = environment().get_template(name).render(version=__version__, style=style, **context)
    extra = {"style_src": style_hash(style)} if style else {}
    return HTMLResponse(html, status_code=status, headers={"content-security-policy": csp(**extra)})


def _sort(request: Request) -> str:
    sort = request.query_params.get("sort") or "coverage"
    if sort not in SORTS:
        raise HTTPException(400, f"unknown sort {sort!r}: use {', '.join(SORTS)}")
    return sort


def _limit(request: Request) -> int | None:
    raw = request.query_params.get("limit")
    if raw is None or raw == "":
        return None
    if not raw.isdigit():
        raise HTTPException(400, "limit must be a non-negative integer")
    return int(raw)


def _story_rows(site: Site, request: Request) -> list[dict[str, Any]]:
    search = (request.query_params.get("search") or "").strip() or None
    with site.use() as store:
        return stories(store, search=search, sort=_sort(request), limit=_limit(request))


def _page_routes(site: Site) -> list[Route]:
    def index(request: Request) -> Response:
        rows = _story_rows(site, request)
        search = request.query_params.get("search") or ""
        return _page("index.html.j2", rows=rows, search=search, sort=_sort(request), sorts=SORTS)

    def story(request: Request) -> Response:
        corpus = site.story(request.path_params["story_id"])
        page: StoryPage = story_page(corpus, corpus.stories[0])
        return _page("story.html.j2", style=page.split_css, page=page)

    def article(request: Request) -> Response:
        found, story_id = site.article(request.path_params["article_id"])
        view, page = _article_view(site, found, story_id)
        return _page("article.html.j2", style=page.split_css if page else "", av=view, page=page,
                     framing_titles=FRAMING_TITLES)

    def story_report(request: Request) -> Response:
        html, policy = report_document(site.story(request.path_params["story_id"]))
        return HTMLResponse(html, headers={"content-security-policy": policy})

    def story_markdown(request: Request) -> Response:
        text = to_markdown(site.story(request.path_params["story_id"]))
        return Response(text, media_type="text/markdown; charset=utf-8")

    return [
        Route("/", index),
        Route("/stories/{story_id}", story),
        Route("/stories/{story_id}/report.html", story_report),
        Route("/stories/{story_id}/report.md", story_markdown),
        Route("/articles/{article_id}", article),
        Route("/static/report.css", _static("report.css", "text/css")),
        Route("/static/app.js", _static("app.js", "text/javascript")),
    ]


def _public(article: dict[str, Any]) -> dict[str, Any]:
    """An article as the app serves it: its input's file name, not the server's path to it."""
    return {**article, "source": public_source(article.get("source"))}


def _api_routes(site: Site) -> list[Route]:
    """The JSON API: the same data as the CLI's ``--json`` output."""

    def api_stories(request: Request) -> Response:
        return SafeJSON(_story_rows(site, request))

    def api_story(request: Request) -> Response:
        corpus = site.story(request.path_params["story_id"])
        view = story_view(corpus, corpus.stories[0])
        view["articles"] = [_public(article_view(a)) for a in corpus.story_articles(corpus.stories[0])]
        return SafeJSON(view)

    def api_article(request: Request) -> Response:
        found, story_id = site.article(request.path_params["article_id"])
        return SafeJSON({**_public(article_view(found)), "story_id": story_id})

    def api_openapi(request: Request) -> Response:
        return SafeJSON(openapi_document(__version__))

    return [
        Route("/api/stories", api_stories),
        Route("/api/stories/{story_id}", api_story),
        Route("/api/articles/{article_id}", api_article),
        Route("/api/openapi.json", api_openapi),
    ]


def _article_view(site: Site, article: Article, story_id: str | None) -> tuple[ArticleView, StoryPage | None]:
    """The article with its story's marks, or plain when it belongs to no story."""
    if story_id is not None:
        corpus = site.story(story_id)
        page = story_page(corpus, corpus.stories[0])
        for view in page.articles:
            if view.article.id == article.id:
                return view, page
    paragraphs = [escape(p) for p in article.paragraphs]
    name = article.outlet or UNKNOWN
    return ArticleView(article, article_key(article.id), "o0", paragraphs, outlet=name), None


def _static(name: str, media_type: str) -> Callable[[Request], Response]:
    def endpoint(request: Request) -> Response:
        body = stylesheet() if name == "report.css" else _source(name)
        return Response(body, media_type=media_type, headers={"cache-control": "no-cache"})

    return endpoint


def _source(name: str) -> str:
    env = environment()
    assert env.loader is not None
    return env.loader.get_source(env, name)[0]


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "internal error"
    if status >= 500:
        log.error("error serving %s", request.url.path, exc_info=exc)
    if _wants_json(request):
        return SafeJSON({"error": detail, "status": status}, status_code=status)
    return _page("error.html.j2", status=status, status_code=status, message=detail)


def create_app(store_url: str) -> ASGIApp:
    """The web app over the store at ``store_url`` (a SQLite file, ":memory:" or a PostgreSQL URL)."""
    site = Site(store_url)
    app = Starlette(
        routes=[*_page_routes(site), *_api_routes(site)],
        exception_handlers={HTTPException: _http_error, Exception: _http_error},
    )
    app.state.site = site
    # Story pages of many articles run to hundreds of KB of text: compressed, a tenth of that.
    return SecurityHeaders(GZipMiddleware(app, minimum_size=1024))
