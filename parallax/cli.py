"""Command line: each command builds Options and calls one library function."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from .analyze import analyze as analyze_inputs
from .analyze import show as show_story
from .analyze import stories as list_stories
from .errors import ParallaxError
from .options import Options, OptionsError
from .pipeline import Corpus
from .records import Issue
from .store import Store

CONTEXT = {"help_option_names": ["-h", "--help"]}


def _options(ctx: click.Context, **overrides: Any) -> Options:
    # The only place that reads parallax.toml and PARALLAX_*: the library takes what it is given.
    return Options.from_sources(config=ctx.obj.get("config"), **overrides)


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="parallax-news")
@click.option(
    "--config", type=click.Path(dir_okay=False), help="TOML config file (default: ./parallax.toml)."
)
@click.pass_context
def cli(ctx: click.Context, config: str | None) -> None:
    """Parallax: compare how outlets cover the same news story."""
    ctx.ensure_object(dict)
    ctx.obj["config"] = config


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--db", help="Database: a SQLite file (default parallax.db) or postgresql:// URL.")
@click.option("--no-db", is_flag=True, help="Do not store anything.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False), help="Write the analysis as JSON.")
@click.option(
    "--html", "html_out", type=click.Path(dir_okay=False), help="Write a self-contained HTML report."
)
@click.option("--markdown", "md_out", type=click.Path(dir_okay=False), help="Write a Markdown report.")
@click.option("--embedder", type=click.Choice(["minilm", "model2vec", "hashing"]), help="Embedding model.")
@click.option(
    "--manifest",
    type=click.Path(dir_okay=False),
    help="CSV/JSON: per-file outlet, url, date, title (default: manifest.csv/.json in an input directory).",
)
@click.option(
    "--workers",
    type=click.IntRange(0),
    help="Processes for the per-story analysis (default 0: one per core above 120 articles; 1: none).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--verbose", "-v", is_flag=True, help="List every warning with its full source path.")
@click.pass_context
def analyze(
    ctx: click.Context,
    inputs: tuple[str, ...],
    db: str | None,
    no_db: bool,
    json_out: str | None,
    html_out: str | None,
    md_out: str | None,
    embedder: str | None,
    manifest: str | None,
    workers: int | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Analyse INPUTS (files or directories of .txt/.html/.jsonl articles)."""
    options = _options(
        ctx, db=db, embedder=embedder, manifest=manifest, workers=workers, progress=False if quiet else None
    )
    with _progress(options.progress) as progress:
        if no_db:
            corpus = analyze_inputs(inputs, options, progress=progress)
        else:
            with Store.open(options.db) as store:
                corpus = analyze_inputs(inputs, options, store=store, progress=progress)
    written = _write_outputs(corpus, json_out, html_out, md_out)
    _summary(corpus, None if no_db else options.db, written, verbose)


@cli.command()
@click.option("--db", help="Database file or URL.")
@click.option("--search", "-s", help="Only stories whose title, text or outlet contains this.")
@click.option(
    "--sort", type=click.Choice(["coverage", "date", "title"]), default="coverage", show_default=True
)
@click.option("--limit", type=int, help="At most this many stories.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def stories(
    ctx: click.Context, db: str | None, search: str | None, sort: str, limit: int | None, as_json: bool
) -> None:
    """List stored stories."""
    options = _options(ctx, db=db)
    with _open_existing(options.db) as store:
        rows = list_stories(store, search=search, sort=sort, limit=limit)
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("no stories stored yet: run `parallax analyze DIR` first")
    for row in rows:
        outlets = ", ".join(row["outlets"])
        click.echo(
            f"{row['id']}  {row['last_published'] or '----------'}  {row['articles']:>3} articles  "
            f"{row['title']}  [{outlets}]"
        )


@cli.command()
@click.argument("story_id")
@click.option("--db", help="Database file or URL.")
@click.option(
    "--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True
)
@click.option("--html", "html_out", type=click.Path(dir_okay=False), help="Also write the HTML report here.")
@click.pass_context
def show(ctx: click.Context, story_id: str, db: str | None, fmt: str, html_out: str | None) -> None:
    """Show one stored story (Markdown or JSON on stdout)."""
    options = _options(ctx, db=db)
    with _open_existing(options.db) as store:
        corpus = show_story(store, story_id)
    if html_out:
        _write_outputs(corpus, None, html_out, None)
    if fmt == "json":
        from .render.json import to_json

        click.echo(json.dumps(to_json(corpus), indent=2, ensure_ascii=False))
    else:
        from .render.markdown import to_markdown

        click.echo(to_markdown(corpus))


@cli.command()
@click.option("--db", help="Database file or URL.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535), help="TCP port.")
@click.pass_context
def serve(ctx: click.Context, db: str | None, host: str, port: int) -> None:
    """Browse stored stories in a local web app (and its JSON API)."""
    from . import web

    options = _options(ctx, db=db)
    click.echo(f"Serving {options.db} on http://{host}:{port}/ (Ctrl+C to stop)")
    web.serve(options, host, port)


@cli.command(name="batch")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Output directory (Parquet).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", help="Address of a running Dask scheduler (default: start a LocalCluster).")
@click.option(
    "--partition-size",
    type=int,
    default=500,
    show_default=True,
    help="Input files per ingest partition; articles per analysis partition.",
)
@click.option("--workers", type=int, help="LocalCluster worker processes (default: CPU count).")
@click.option(
    "--manifest", type=click.Path(dir_okay=False), help="CSV/JSON: per-file outlet, url, date, title."
)
@click.option("--embedder", type=click.Choice(["minilm", "model2vec", "hashing"]), help="Embedding model.")
@click.option("--stories-only", is_flag=True, help="Group into stories; skip the per-story analysis.")
@click.option("--verbose", "-v", is_flag=True, help="List every warning with its full source path.")
@click.pass_context
def batch_command(
    ctx: click.Context,
    inputs: tuple[str, ...],
    out: str,
    engine: str,
    scheduler: str | None,
    partition_size: int,
    workers: int | None,
    manifest: str | None,
    embedder: str | None,
    stories_only: bool,
    verbose: bool,
) -> None:
    """Analyse INPUTS partition by partition (resumable) into Parquet under --out."""
    from .batch import batch

    options = _options(ctx, embedder=embedder, manifest=manifest)
    result = batch(
        inputs,
        out,
        options,
        engine=engine,
        scheduler=scheduler,
        partition_size=partition_size,
        workers=workers,
        manifest=options.manifest,
        analyze=not stories_only,
    )
    click.echo(
        f"Analysed {result.articles} articles into {result.stories} stories in {result.seconds:.1f}s "
        f"({result.partitions} partitions, {result.resumed} finished earlier). "
        f"Load with: parallax load {out} --db URL"
    )
    _echo_issues(result.issues, verbose)


@cli.command(name="load")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--db", help="Database: a SQLite file (default parallax.db) or postgresql:// URL.")
@click.pass_context
def load_command(ctx: click.Context, directory: str, db: str | None) -> None:
    """Import a finished `parallax batch` output DIRECTORY into the database."""
    from .batch import load

    options = _options(ctx, db=db)
    with Store.open(options.db) as store:
        result = load(directory, store)
    click.echo(
        f"Loaded {result.articles} articles, {result.stories} stories and {result.records} records "
        f"into {options.db}"
    )


@cli.group(name="outlets")
def outlets_group() -> None:
    """Outlets: the registry, who is in the store, one outlet's habits."""


@outlets_group.command(name="list")
@click.option("--db", help="Database file or URL.")
@click.option("--all", "include_all", is_flag=True, help="The whole registry, not only outlets in the store.")
@click.option("--registry", type=click.Path(dir_okay=False), help="Extra outlet registry CSV.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def outlets_list(
    ctx: click.Context, db: str | None, include_all: bool, registry: str | None, as_json: bool
) -> None:
    """Outlets of the stored articles with article and story counts."""
    from .outlets.cli_api import outlets_list as listing

    options = _options(ctx, db=db, registry=registry)
    if include_all and "://" not in options.db and not Path(options.db).is_file():
        click.echo(listing(None, options, include_all, as_json))
        return
    with _open_existing(options.db) as store:
        click.echo(listing(store, options, include_all, as_json))


@outlets_group.command(name="show")
@click.argument("name")
@click.option("--db", help="Database file or URL.")
@click.option("--registry", type=click.Path(dir_okay=False), help="Extra outlet registry CSV.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def outlets_show(ctx: click.Context, name: str, db: str | None, registry: str | None, as_json: bool) -> None:
    """One outlet: registry facts, its stories, exclusive facts, wire copy and loaded terms."""
    from .outlets.cli_api import outlets_show as profile

    options = _options(ctx, db=db, registry=registry)
    with _open_existing(options.db) as store:
        click.echo(profile(store, options, name, as_json))


@cli.group(name="eval")
def eval_group() -> None:
    """Measure quality against labelled data (see ../shared/eval)."""


def _eval_command(name: str, module: str, help_text: str) -> None:
    @eval_group.command(name=name, help=help_text)
    @click.argument("data", type=click.Path())
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    @click.pass_context
    def command(ctx: click.Context, data: str, as_json: bool) -> None:
        import importlib

        path = Path(data)
        if not path.exists():
            raise ParallaxError(f"evaluation data not found: {data}")
        evaluate: Callable[..., Any] = importlib.import_module(f"parallax.eval.{module}").evaluate
        result = evaluate(path, _options(ctx))
        click.echo(json.dumps(result.as_dict(), indent=2) if as_json else result.table())


_eval_command("stories", "stories", "B-cubed precision/recall/F1 of story grouping on DATA.")
_eval_command("quotes", "quotes", "Quote span P/R/F1 and speaker accuracy on DATA (PolNeAR).")
_eval_command("basil", "basil", "Exclusive claims vs BASIL informational-bias spans.")
_eval_command("digest", "neus", "ROUGE of the neutral digest vs NeuS/AllSides roundups.")
_eval_command("people", "people", "Resolved speaker names (BASIL, PolNeAR) and quote-cluster precision.")
_eval_command("tone", "tone", "Tone toward a mention vs NewsMTSC (a .jsonl file, or a folder of dev splits).")
_eval_command("lexicon", "lexicon", "Loaded-terms lexicon vs BASIL lexical-bias spans, per outlet.")
_eval_command("citations", "digest", "Digest citations, fragments and openings vs the coverage gold on DATA.")
_eval_command("coverage", "coverage", "Fact alignment, exclusives, omissions, contradictions, off-topic vs coverage gold on DATA.")  # noqa: E501


def _open_existing(url: str) -> Store:
    if "://" not in url and url != ":memory:" and not Path(url).is_file():
        raise ParallaxError(f"database not found: {url} (run `parallax analyze DIR --db {url}` first)")
    return Store.open(url)


def _write_outputs(
    corpus: Corpus, json_out: str | None, html_out: str | None, md_out: str | None
) -> list[str]:
    written = []
    if json_out:
        from .render.json import to_json

        _write(json_out, json.dumps(to_json(corpus), indent=2, ensure_ascii=False))
        written.append(json_out)
    if html_out:
        from .render.html import to_html

        _write(html_out, to_html(corpus))
        written.append(html_out)
    if md_out:
        from .render.markdown import to_markdown

        _write(md_out, to_markdown(corpus))
        written.append(md_out)
    return written


def _write(path: str, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ParallaxError(f"cannot write {path}: {exc.strerror}") from None


def _summary(corpus: Corpus, db: str | None, written: list[str], verbose: bool = False) -> None:
    outlets = {a.label for a in corpus.articles}
    click.echo(
        f"Analysed {len(corpus.articles)} articles from {len(outlets)} outlets into "
        f"{len(corpus.stories)} {'story' if len(corpus.stories) == 1 else 'stories'}."
    )
    _echo_issues(corpus.issues, verbose)
    if db:
        click.echo(f"Stored in {db}")
    for path in written:
        click.echo(f"Wrote {Path(path).resolve()}")


SHOWN_SOURCES = 3  # sources named in a grouped warning line; --verbose lists them all
_ITEM_LINE = re.compile(r":\d+$")  # "feed.jsonl:12": one line of a container, not a file
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_MESSAGE_CHARS = 300


def _short_source(source: str) -> str:
    """A source as a person scans it: the file's base name, keeping a container's ``#item``/``:line``."""
    file, sep, item = _CONTROL.sub(" ", source).partition("#")
    return Path(file).name + sep + item if file else source


def issue_lines(issues: Sequence[Issue], verbose: bool = False) -> list[str]:
    """One line per distinct message, with how many sources gave it; every issue when ``verbose``."""
    if verbose:
        return [f"{_label(i)}: {_CONTROL.sub(' ', i.source)}: {_message(i)}" for i in issues]
    groups: dict[tuple[str, str], set[str]] = {}
    for issue in issues:
        groups.setdefault((_label(issue), _message(issue)), set()).add(_short_source(issue.source))
    lines = []
    for (label, message), found in groups.items():
        sources = sorted(found)
        if len(sources) == 1:
            lines.append(f"{label}: {sources[0]}: {message}")
            continue
        named = ", ".join(sources[:SHOWN_SOURCES]) + (", …" if len(sources) > SHOWN_SOURCES else "")
        noun = "items" if any("#" in s or _ITEM_LINE.search(s) for s in sources) else "files"
        lines.append(f"{label}: {message} ({len(sources)} {noun}: {named})")
    return lines


def _label(issue: Issue) -> str:
    if issue.message.startswith("skipped: "):
        return "skipped"
    return "error" if issue.severity == "error" else "warning"


def _message(issue: Issue) -> str:
    # Messages quote what broke (a WARC header line, a parser error): keep each on one short line.
    text = _CONTROL.sub(" ", issue.message.removeprefix("skipped: ")).strip()
    return text if len(text) <= _MESSAGE_CHARS else text[: _MESSAGE_CHARS - 1] + "…"


def _echo_issues(issues: Sequence[Issue], verbose: bool) -> None:
    for line in issue_lines(issues, verbose):
        click.echo(f"  {line}", err=True)


class _progress:
    """A rich progress bar over pipeline stages, on stderr when it is a terminal."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and sys.stderr.isatty()
        self.bar: Any = None

    def __enter__(self) -> Callable[[str, int, int], None] | None:
        if not self.enabled:
            return None
        from rich.progress import Progress

        self.bar = Progress(transient=True)
        self.bar.start()
        task = self.bar.add_task("analysing", total=None)

        def update(stage: str, done: int, total: int) -> None:
            self.bar.update(task, description=stage, completed=done, total=total)

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def main(argv: list[str] | None = None) -> None:
    """Entry point: user errors become one line on stderr and a non-zero exit."""
    try:
        cli.main(args=argv, prog_name="parallax", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except (ParallaxError, OptionsError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("interrupted: nothing from this run was stored", err=True)
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("PARALLAX_DEBUG"):
            raise
        click.echo(
            f"error: unexpected {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''} "
            "(set PARALLAX_DEBUG=1 for details)",
            err=True,
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
