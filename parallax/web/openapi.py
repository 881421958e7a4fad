"""The hand-written OpenAPI 3.1 description of the web app, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any

_SPAN = {
    "type": "object",
    "properties": {
        "article_id": {"type": "string"},
        "start": {"type": "integer"},
        "end": {"type": "integer"},
    },
    "required": ["article_id", "start", "end"],
}
_ERROR = {"type": "object", "properties": {"error": {"type": "string"}, "status": {"type": "integer"}}}
_ROW = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "articles": {"type": "integer"},
        "outlets": {"type": "array", "items": {"type": "string"}},
        "first_published": {"type": ["string", "null"]},
        "last_published": {"type": ["string", "null"]},
    },
    "required": ["id", "title", "articles", "outlets"],
}
_ARTICLE = {
    "type": "object",
    "description": "A cleaned article: Article.as_dict() plus its clean text (which all spans index into)"
    " and label.",
    "properties": {
        "id": {"type": "string"},
        "source": {"type": "string"},
        "outlet": {"type": ["string", "null"]},
        "title": {"type": ["string", "null"]},
        "byline": {"type": ["string", "null"]},
        "published": {"type": ["string", "null"]},
        "paragraphs": {"type": "array", "items": {"type": "string"}},
        "boilerplate": {"type": "array", "items": {"type": "string"}},
        "text": {"type": "string"},
        "label": {"type": "string", "description": "the outlet, or the input's file name when unknown"},
        "story_id": {"type": ["string", "null"]},
    },
    "required": ["id", "source", "paragraphs", "text", "label"],
}
_LIST = {"type": "array", "items": {"type": "object"}}
_STORY = {
    "type": "object",
    "description": "The CLI's JSON view of one story (render.json.story_view) plus its articles.",
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "article_ids": {"type": "array", "items": {"type": "string"}},
        "outlets": {"type": "array", "items": {"type": "string"}},
        "outlet_names": {
            "type": "object",
            "description": "outlet label -> the name readers see ('Unknown outlet A' if unidentified)",
            "additionalProperties": {"type": "string"},
        },
        **{
            name: _LIST
            for name in (
                "quotes",
                "claims",
                "mentions",
                "framing",
                "reuse",
                "quote_clusters",
                "claim_groups",
                "contradictions",
                "digests",
                "timeline",
                "entities",
            )
        },
        "articles": {"type": "array", "items": {"$ref": "#/components/schemas/Article"}},
    },
    "required": ["id", "article_ids", "outlets", "articles"],
}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _html(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


def _param(name: str, where: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": schema or {"type": "string"},
    }


_NOT_FOUND = _json({"$ref": "#/components/schemas/Error"}, "No such story or article")
_STORY_ID = _param("story_id", "path", "Story id")
_ARTICLE_ID = _param("article_id", "path", "Article id")
_LIST_PARAMS = [
    _param("search", "query", "Only stories whose title, text or outlet contains this (case-insensitive)"),
    _param(
        "sort",
        "query",
        "Order",
        {"type": "string", "enum": ["coverage", "date", "title"], "default": "coverage"},
    ),
    _param("limit", "query", "At most this many stories", {"type": "integer", "minimum": 0}),
]


def _get(summary: str, params: list[dict[str, Any]], responses: dict[str, Any]) -> dict[str, Any]:
    return {"get": {"summary": summary, "parameters": params, "responses": responses}}


def _api_paths() -> dict[str, Any]:
    rows = {"type": "array", "items": {"$ref": "#/components/schemas/StoryRow"}}
    bad = _json({"$ref": "#/components/schemas/Error"}, "Bad query parameter")
    return {
        "/api/stories": _get(
            "List stored stories", _LIST_PARAMS, {"200": _json(rows, "Story rows"), "400": bad}
        ),
        "/api/stories/{story_id}": _get(
            "One story: every record about it, and its articles",
            [_STORY_ID],
            {"200": _json({"$ref": "#/components/schemas/Story"}, "The story"), "404": _NOT_FOUND},
        ),
        "/api/articles/{article_id}": _get(
            "One cleaned article",
            [_ARTICLE_ID],
            {"200": _json({"$ref": "#/components/schemas/Article"}, "The article"), "404": _NOT_FOUND},
        ),
        "/api/openapi.json": _get(
            "This document", [], {"200": _json({"type": "object"}, "OpenAPI document")}
        ),
    }


def _page_paths() -> dict[str, Any]:
    missing = _html("Not found")
    markdown = {"description": "Markdown", "content": {"text/markdown": {"schema": {"type": "string"}}}}
    return {
        "/": _get(
            "Story list page (HTML)",
            _LIST_PARAMS[:2],
            {"200": _html("Story list"), "400": _html("Bad query parameter")},
        ),
        "/stories/{story_id}": _get(
            "Story report page (HTML)", [_STORY_ID], {"200": _html("Story report"), "404": missing}
        ),
        "/stories/{story_id}/report.html": _get(
            "Self-contained offline HTML report of the story",
            [_STORY_ID],
            {"200": _html("Report file"), "404": missing},
        ),
        "/stories/{story_id}/report.md": _get(
            "Markdown export of the story", [_STORY_ID], {"200": markdown, "404": missing}
        ),
        "/articles/{article_id}": _get(
            "Article page (HTML)", [_ARTICLE_ID], {"200": _html("Article"), "404": missing}
        ),
        "/static/report.css": _get("Stylesheet", [], {"200": {"description": "CSS"}}),
        "/static/app.js": _get("Script for the pages", [], {"200": {"description": "JavaScript"}}),
    }


def openapi_document(version: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Parallax",
            "version": version,
            "description": "Read-only API over a Parallax store; mirrors the CLI's JSON output.",
        },
        "paths": {**_api_paths(), **_page_paths()},
        "components": {
            "schemas": {
                "Span": _SPAN,
                "Error": _ERROR,
                "StoryRow": _ROW,
                "Article": _ARTICLE,
                "Story": _STORY,
            }
        },
    }
