"""The batch output directory: its plan, Parquet tables and done markers.

Layout of ``DIR``::

    plan.json                      inputs, file partitions, options that shape results
    ingest/part-NNNNN.drafts.parquet  what the readers produced (phase a)
    ingest/part-NNNNN.parquet      partition-cleaned articles + embedding per article (phase a/b)
    ingest/part-NNNNN.done         marker: counts, issues, stage timings
    cluster.done                   marker: corpus cleaned, stories assigned, analysis partitions written
    analysis/part-NNNNN/articles.parquet   the partition's articles (typed columns + JSON)
    analysis/part-NNNNN/stories.parquet    its stories
    analysis/part-NNNNN/index.parquet      story-index rows (vector per article)
    analysis/part-NNNNN/records.parquet    every derived record: kind, ids, JSON data
    analysis/part-NNNNN/done               marker, written last

Every file is written to a temporary name and renamed into place, and a
partition counts as finished only once its marker exists, so a batch killed
at any point leaves either a finished partition or one that is redone.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..records import Article, Record, Story

ARTICLE_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("source", pa.string()),
        ("outlet", pa.string()),
        ("title", pa.string()),
        ("byline", pa.string()),
        ("published", pa.string()),
        ("url", pa.string()),
        ("language", pa.string()),
        ("text", pa.string()),
        ("data", pa.string()),
    ]
)
INGEST_SCHEMA = ARTICLE_SCHEMA.append(pa.field("vector", pa.binary()))
DRAFT_SCHEMA = pa.schema([("id", pa.string()), ("source", pa.string()), ("data", pa.string())])
STORY_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("title", pa.string()),
        ("first_published", pa.string()),
        ("last_published", pa.string()),
        ("article_ids", pa.list_(pa.string())),
        ("data", pa.string()),
    ]
)
RECORD_SCHEMA = pa.schema(
    [
        ("kind", pa.string()),
        ("id", pa.string()),
        ("story_id", pa.string()),
        ("article_id", pa.string()),
        ("data", pa.string()),
    ]
)
INDEX_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("story_id", pa.string()),
        ("published", pa.string()),
        ("title", pa.string()),
        ("entities", pa.string()),
        ("vector", pa.binary()),
    ]
)


def part_name(number: int) -> str:
    return f"part-{number:05d}"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: Path, value: Any) -> None:
    atomic_write_bytes(
        path, (json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()
    )


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def write_table(path: Path, rows: Sequence[Mapping[str, Any]], schema: pa.Schema) -> None:
    table = pa.Table.from_pylist(list(rows), schema=schema)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    atomic_write_bytes(path, sink.getvalue().to_pybytes())


def read_rows(path: Path, columns: Sequence[str] | None = None) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return pq.read_table(path, columns=list(columns) if columns else None).to_pylist()


def article_row(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "source": article.source,
        "outlet": article.outlet,
        "title": article.title,
        "byline": article.byline,
        "published": article.published,
        "url": article.url,
        "language": article.language,
        "text": article.text,
        "data": _dumps(article.as_dict()),
    }


def draft_row(draft: Record) -> dict[str, Any]:
    data = draft.as_dict()
    return {"id": data["id"], "source": data["source"], "data": _dumps(data)}


def story_row(story: Story) -> dict[str, Any]:
    return {
        "id": story.id,
        "title": story.title,
        "first_published": story.first_published,
        "last_published": story.last_published,
        "article_ids": list(story.article_ids),
        "data": _dumps(story.as_dict()),
    }


def record_row(
    kind: str, record: Record | str, rid: str | None, story_id: str | None, article_id: str | None
) -> dict[str, Any]:
    """A record table row; ``record`` may be given as its ``record_json`` already."""
    return {
        "kind": kind,
        "id": rid,
        "story_id": story_id,
        "article_id": article_id,
        "data": record if isinstance(record, str) else record_json(record),
    }


def record_json(record: Record) -> str:
    return _dumps(record.as_dict())


def articles_from(rows: Iterable[Mapping[str, Any]]) -> list[Article]:
    return [Article.from_dict(json.loads(r["data"])) for r in rows]


def stories_from(rows: Iterable[Mapping[str, Any]]) -> list[Story]:
    return [Story.from_dict(json.loads(r["data"])) for r in rows]
