"""Ingest stage: input paths to drafts, one per article, through the reader registry."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..options import Options
from ..pipeline import Corpus
from ..readers import ReadContext, read_path
from ..records import Draft


class Ingest:
    name: str = "ingest"
    requires: tuple[str, ...] = ("inputs",)
    provides: tuple[str, ...] = ("drafts",)

    def __init__(self, options: Options):
        self.options = options

    def __call__(self, corpus: Corpus) -> Corpus:
        for raw in corpus.inputs:
            if not Path(raw).exists():
                raise InputError(f"input not found: {raw}")
        seen = {d.id: d.source for d in corpus.drafts}
        before = len(corpus.drafts)
        failed = {raw: problem for raw in corpus.inputs if (problem := self._ingest_one(raw, corpus, seen))}
        if failed and len(corpus.drafts) == before:
            raise InputError("; ".join(failed.values()))
        # Other inputs gave articles: one unreadable input is reported, not fatal.
        for raw, problem in failed.items():
            corpus.warn(raw, f"skipped: {problem}", severity="error")
        return corpus

    def _ingest_one(self, raw: str, corpus: Corpus, seen: dict[str, str]) -> str | None:
        """Read one input; returns why it gave no article, or None."""
        ctx = ReadContext(warn=corpus.warn, max_article_bytes=self.options.max_article_bytes)
        found = 0
        for draft in read_path(raw, ctx):
            found += 1
            if draft.id in seen:
                # Same bytes read twice: one article, or ids would collide downstream.
                corpus.warn(draft.source, f"skipped: identical to {seen[draft.id]}")
                continue
            self._add(draft, corpus, seen)
        return None if found else f"no articles found in {raw} ({_reasons(ctx)})"

    def _add(self, draft: Draft, corpus: Corpus, seen: dict[str, str]) -> None:
        if len(corpus.drafts) >= self.options.max_articles:
            raise InputError(
                f"more than {self.options.max_articles} articles in the inputs"
                " (raise max_articles to allow more)"
            )
        for message in draft.warnings:
            corpus.warn(draft.source, message)
        seen[draft.id] = draft.source
        corpus.drafts.append(draft)


def _reasons(ctx: ReadContext) -> str:
    if not ctx.skipped:
        return "no supported files: .txt, .md, .html, .jsonl"
    return ", ".join(f"{count} {reason}" for reason, count in ctx.skipped.most_common())
