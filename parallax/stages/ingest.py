"""Ingest stage: input paths to drafts, one per article, through the reader registry.

A manifest (``Options.manifest``, else a ``manifest.csv``/``manifest.json``
found in an input directory) supplies outlet, URL, date, title and byline per
file; its values win over what the reader found, as in ``parallax batch``.
The manifest file itself is never read as an article.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..options import Options
from ..pipeline import Corpus
from ..readers import ReadContext, read_path
from ..readers.manifest import Manifest, find_manifest, load_manifest
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
        # Read before any input, so a bad manifest fails the run before any work is done.
        explicit = load_manifest(self.options.manifest) if self.options.manifest else None
        seen = {d.id: d.source for d in corpus.drafts}
        before = len(corpus.drafts)
        failed: dict[str, str] = {}
        for raw in corpus.inputs:
            manifest = explicit or _found_manifest(raw)
            problem = self._ingest_one(raw, corpus, seen, manifest)
            if problem:
                failed[raw] = problem
        if failed and len(corpus.drafts) == before:
            raise InputError("; ".join(failed.values()))
        # Other inputs gave articles: one unreadable input is reported, not fatal.
        for raw, problem in failed.items():
            corpus.warn(raw, f"skipped: {problem}", severity="error")
        if explicit is not None and len(explicit) and not explicit.matched:
            corpus.warn(str(explicit.path), "manifest names none of the input files (check its file column)")
        return corpus

    def _ingest_one(
        self, raw: str, corpus: Corpus, seen: dict[str, str], manifest: Manifest | None
    ) -> str | None:
        """Read one input; returns why it gave no article, or None."""
        ctx = ReadContext(warn=corpus.warn, max_article_bytes=self.options.max_article_bytes)
        exclude = {manifest.path.resolve()} if manifest is not None and manifest.path else set()
        found = 0
        for draft in read_path(raw, ctx, exclude=exclude):
            found += 1
            if draft.id in seen:
                # Same bytes read twice: one article, or ids would collide downstream.
                corpus.warn(draft.source, f"skipped: identical to {seen[draft.id]}")
                continue
            if manifest is not None:
                manifest.apply(draft)
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


def _found_manifest(raw: str) -> Manifest | None:
    path = find_manifest(raw)
    return None if path is None else load_manifest(path)


def _reasons(ctx: ReadContext) -> str:
    if not ctx.skipped:
        return "no supported files: .txt, .md, .html, .jsonl, .rss/.atom/.xml, .warc (optionally .gz)"
    return ", ".join(f"{count} {reason}" for reason, count in ctx.skipped.most_common())
