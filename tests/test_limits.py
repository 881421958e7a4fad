"""Per-run limits and robustness: article size and count, and what real crawls hold (truncated
and corrupt archives, an over-long text, a JSON Lines file with a corrupt line), through the CLI."""

from __future__ import annotations

import contextlib
import html
import io
import json
import shutil
from pathlib import Path

import pytest

from parallax.cli import main
from parallax.pipeline import Corpus
from parallax.stages.ingest import Ingest


@pytest.fixture
def articles(example_dir, tmp_path, monkeypatch) -> Path:
    for key in ("PARALLAX_CONFIG", "PARALLAX_MAX_ARTICLES", "PARALLAX_MAX_ARTICLE_BYTES", "PARALLAX_DB"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray ./parallax.toml
    out = tmp_path / "in"
    out.mkdir()
    for f in sorted(example_dir.glob("*.txt")):
        shutil.copy(f, out / f.name)
    return out


def _fails(argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code not in (0, None)
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err, err
    assert "Traceback" not in err
    return err


def _analyze(path: Path, *flags: str) -> list[str]:
    return [*flags, "analyze", str(path), "--no-db", "--embedder", "hashing", "--quiet"]


def test_max_articles_from_environment(articles, capsys, monkeypatch):
    n = len(list(articles.glob("*.txt")))
    monkeypatch.setenv("PARALLAX_MAX_ARTICLES", str(n - 1))
    err = _fails(_analyze(articles), capsys)
    assert f"more than {n - 1} articles" in err and "max_articles" in err


def test_max_article_bytes_from_environment_when_every_file_is_too_large(articles, capsys, monkeypatch):
    monkeypatch.setenv("PARALLAX_MAX_ARTICLE_BYTES", "100")
    err = _fails(_analyze(articles), capsys)
    assert "no articles found" in err and "too large" in err


def test_limits_from_config_file(articles, tmp_path, capsys):
    config = tmp_path / "limits.toml"
    config.write_text("[parallax]\nmax_articles = 1\n", encoding="utf-8")
    err = _fails(_analyze(articles, "--config", str(config)), capsys)
    assert "more than 1 articles" in err


def test_bad_limit_values_are_one_line_errors(articles, capsys, monkeypatch):
    monkeypatch.setenv("PARALLAX_MAX_ARTICLES", "lots")
    err = _fails(_analyze(articles), capsys)
    assert "max_articles" in err and "int" in err


def test_oversized_article_is_skipped_and_the_rest_read(articles, options):
    sizes = sorted(f.stat().st_size for f in articles.glob("*.txt"))
    limit = sizes[-1] - 1  # only the largest file is over
    corpus = Ingest(options.replace(max_article_bytes=limit))(Corpus(inputs=[str(articles)]))
    assert len(corpus.drafts) == len(sizes) - 1
    [issue] = [i for i in corpus.issues if "max_article_bytes" in i.message]
    assert f"{sizes[-1]} bytes" in issue.message


def test_unreadable_input_beside_good_ones_is_reported_not_fatal(articles, tmp_path, options):
    junk = tmp_path / "junk.txt"
    junk.write_bytes(b"\x00\x01\x02\x03" * 100)
    corpus = Ingest(options)(Corpus(inputs=[str(articles), str(junk)]))
    assert corpus.drafts
    [issue] = [i for i in corpus.issues if i.source == str(junk) and i.severity == "error"]
    assert "no articles found" in issue.message and "binary" in issue.message


# -- what real crawls hold: one bad file never stops a run (through the CLI) ----------------------


def _page(url: str, paras: list[str]) -> bytes:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paras)
    head = f"<title>{html.escape(paras[0][:60])}</title><link rel='canonical' href='{url}'>"
    return f"<html><head>{head}</head><body><article>{body}</article></body></html>".encode()


def _warc_gz(pages: list[tuple[str, list[str]]]) -> tuple[bytes, list[int]]:
    """A .warc.gz (one gzip member per record, as crawlers write) and where each record ends."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf, ends = io.BytesIO(), []
    writer = WARCWriter(buf, gzip=True)
    for url, paras in pages:
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(_page(url, paras)),
            http_headers=http,
            warc_headers_dict={"WARC-Date": "2023-04-29T10:00:00Z"},
        )
        writer.write_record(record)
        ends.append(buf.tell())
    return buf.getvalue(), ends


def _long_text(chars: int) -> str:
    """Distinct reporting paragraphs (repeated ones would be removed as boilerplate), ``chars`` long."""
    paras, size, n = [], 0, 0
    while size < chars:
        n += 1
        para = (
            f"In session {n} the delegates in Geneva discussed item {n * 7} of the agenda, "
            f"and the minister said on day {n} that the talks would go on for {n % 9 + 2} more days."
        )
        paras.append(para)
        size += len(para) + 2
    return "\n\n".join(paras)[:chars]


CRAWL_LIMIT = 20_000  # max_article_chars here: the truncation is what is tested, not spaCy's speed


@pytest.fixture(scope="module")
def crawl(tmp_path_factory, example_dir) -> dict:
    """A directory like a real crawl, analysed once: good files beside every kind of bad one."""
    root = tmp_path_factory.mktemp("crawl")
    src = root / "in"
    src.mkdir()
    texts = sorted(example_dir.glob("*.txt"))
    for f in texts[:2]:
        shutil.copy(f, src / f.name)
    paras = [[ln for ln in f.read_text(encoding="utf-8").splitlines() if len(ln.split()) > 12] for f in texts]
    pages = [(f"https://news.example.org/{i}", paras[i][:8]) for i in (2, 3, 4)]
    data, ends = _warc_gz(pages)
    (src / "cut.warc.gz").write_bytes(data[: ends[1] + (ends[2] - ends[1]) // 2])  # mid third record
    data, ends = _warc_gz([(url.replace("news.", "other."), p) for url, p in pages])
    corrupt = bytearray(data)
    for i in range(ends[0] + 200, ends[0] + 260):  # inside the second record's deflate stream
        corrupt[i] ^= 0x5A
    (src / "corrupt.warc.gz").write_bytes(bytes(corrupt))
    huge = _long_text(2_000_023)
    (src / "huge.txt").write_text(huge, encoding="utf-8")
    lines = [
        json.dumps({"text": "\n\n".join(paras[3][:6]), "url": "https://feed.example.net/a"}),
        '{"text": "corrupt \x00 line", "url": "https://feed.example.net/b"}',
        json.dumps({"text": "\n\n".join(paras[4][:6]), "url": "https://feed.example.net/c"}),
    ]
    (src / "feed.jsonl").write_text("\n".join(lines), encoding="utf-8")
    err = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stderr(err):
        mp.chdir(root)
        for key in ("PARALLAX_CONFIG", "PARALLAX_MAX_ARTICLES", "PARALLAX_MAX_ARTICLE_BYTES", "PARALLAX_DB"):
            mp.delenv(key, raising=False)
        mp.setenv("PARALLAX_MAX_ARTICLE_CHARS", str(CRAWL_LIMIT))
        db, out = str(root / "p.db"), str(root / "out.json")
        main(["analyze", str(src), "--db", db, "--json", out, "--embedder", "hashing", "--quiet"])
    out = json.loads((root / "out.json").read_text(encoding="utf-8"))
    by_name = {Path(a["source"].split("#")[0].rsplit(":", 1)[0]).name: a for a in out["articles"]}
    return {"err": err.getvalue(), "json": out, "root": root, "huge": huge, "pages": pages, "by": by_name}


def _sources(crawl: dict) -> list[str]:
    return [a["source"] for a in crawl["json"]["articles"]]


def test_crawl_run_goes_on_and_stores_the_good_articles(crawl):
    from parallax.store import Store

    assert "Traceback" not in crawl["err"] and "error: unexpected" not in crawl["err"]
    with Store.open(str(crawl["root"] / "p.db")) as store:
        assert store.count("articles") == len(crawl["json"]["articles"])
    names = {Path(s.split("#")[0].rsplit(":", 1)[0]).name for s in _sources(crawl)}
    assert {"huge.txt", "feed.jsonl", "cut.warc.gz", "corrupt.warc.gz"} <= names


def test_truncated_warc_gz_keeps_the_records_before_the_cut(crawl):
    urls = [s.split("#", 1)[1] for s in _sources(crawl) if "cut.warc.gz#" in s]
    # The third record is cut in half: the two whole ones are read, the broken one is not.
    assert urls == [crawl["pages"][0][0], crawl["pages"][1][0]]
    issues = [i for i in crawl["json"]["issues"] if i["source"].endswith("cut.warc.gz")]
    assert issues and "gzip data cut off" in issues[0]["message"]
    assert "cut.warc.gz: damaged gzip file" in crawl["err"]


def test_corrupt_warc_gz_keeps_the_records_before_the_damage(crawl):
    urls = [s.split("#", 1)[1] for s in _sources(crawl) if "corrupt.warc.gz#" in s]
    assert urls == ["https://other.example.org/2"]  # the second record is damaged: it and the rest are lost
    [issue] = [i for i in crawl["json"]["issues"] if i["source"].endswith("corrupt.warc.gz")]
    assert "corrupt gzip data" in issue["message"] and "Error -3" in issue["message"]


def test_over_long_text_is_analysed_up_to_the_limit_at_a_paragraph_end(crawl):
    art = crawl["by"]["huge.txt"]
    text = art["text"]
    assert 0.9 * CRAWL_LIMIT < len(text) <= CRAWL_LIMIT
    assert crawl["huge"].startswith(text) and crawl["huge"][len(text) : len(text) + 2] == "\n\n"
    issues = [i for i in crawl["json"]["issues"] if i["source"].endswith("huge.txt")]
    [issue] = [i for i in issues if "max_article_chars" in i["message"]]
    assert "truncated" in issue["message"] and "2,000,023 characters" in issue["message"]
    assert f"max_article_chars ({CRAWL_LIMIT:,})" in issue["message"]
    # Every span found in the article lies inside its (truncated) text.
    spans = list(_spans(crawl["json"], art["id"]))
    assert spans and all(0 <= s <= e <= len(text) for s, e in spans)


def _spans(value, article_id):
    if isinstance(value, dict):
        if value.get("article_id") == article_id and isinstance(value.get("end"), int):
            yield value["start"], value["end"]
        for v in value.values():
            yield from _spans(v, article_id)
    elif isinstance(value, list):
        for v in value:
            yield from _spans(v, article_id)


def test_jsonl_with_a_corrupt_line_skips_only_that_line(crawl):
    urls = sorted(a["url"] for a in crawl["json"]["articles"] if "feed.jsonl" in a["source"])
    assert urls == ["https://feed.example.net/a", "https://feed.example.net/c"]
    [issue] = [i for i in crawl["json"]["issues"] if "feed.jsonl" in i["source"] and "skip" in i["message"]]
    assert issue["source"].endswith("feed.jsonl:2") and "line 2" in issue["message"]
    assert "binary" in issue["message"]
    assert "skipped: feed.jsonl:2: line 2 holds binary data" in crawl["err"]


def test_text_over_spacys_limit_is_parsed_in_pieces():
    import spacy

    from parallax.nlp.spacy import parse_texts, pieces

    text = _long_text(5_000) + "\n\n" + "word " * 300  # paragraphs, then one run with no paragraph break
    cut = pieces(text, 700)
    assert "".join(cut) == text and max(map(len, cut)) <= 700 and len(cut) > 7
    assert all(p.endswith("\n\n") for p in cut[:3])  # cut at paragraph ends where there are some
    small, whole = spacy.blank("en"), spacy.blank("en")
    small.max_length, whole.max_length = 700, 10_000
    short = "A short text."
    docs = list(parse_texts(small, [short, text, short]))
    assert [d.text for d in docs] == [short, text, short]
    assert [t.text for t in docs[1]] == [t.text for t in whole(text)]
    assert [t.idx for t in docs[1]] == [t.idx for t in whole(text)]
