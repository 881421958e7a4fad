"""Hostile and broken input for every reader: nothing crashes, every problem is reported."""

from __future__ import annotations

import gzip
import io
import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parallax.errors import InputError
from parallax.pipeline import Corpus
from parallax.readers import READERS, ReadContext, gunzip, read_path
from parallax.readers.feeds import parse_feed
from parallax.readers.text import decode_bytes
from parallax.readers.warc import iter_warc
from parallax.records import Draft
from parallax.stages.ingest import Ingest

SUFFIXES = sorted({".txt", ".md", ".html", ".jsonl", ".rss", ".atom", ".xml", ".warc"} & set(READERS))
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SENTENCE = "The minister said on Monday that the talks in Geneva had failed after three days."


def _read(path: Path, limit: int = 20_000_000) -> tuple[list[Draft], list[tuple[str, str]]]:
    warnings: list[tuple[str, str]] = []
    ctx = ReadContext(warn=lambda s, m: warnings.append((s, m)), max_article_bytes=limit)
    return list(read_path(path, ctx)), warnings


def _assert_sane(drafts: list[Draft], warnings: list[tuple[str, str]]) -> None:
    for d in drafts:
        assert isinstance(d.text, str) and d.text.strip()
        assert isinstance(d.id, str) and len(d.id) == 16
        assert all(isinstance(w, str) and w for w in d.warnings)
    assert all(isinstance(s, str) and isinstance(m, str) and m for s, m in warnings)


@FUZZ
@given(data=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes_never_crash_a_reader(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("fz") / f"input{suffix}"
    path.write_bytes(data)
    drafts, warnings = _read(path)
    _assert_sane(drafts, warnings)
    if not drafts:
        assert warnings, "an input that gives no article must say why"


# Markup-ish fragments make hypothesis reach the parsers' deeper paths, not just their sniffers.
_PIECES = st.sampled_from([
    "<html>", "<body>", "<p>", "</p>", "<div>", "<script>", "</script>", "<!--", "-->", "<meta charset=",
    '"bogus"', "<rss>", "<channel>", "<item>", "<title>", "</title>", "<description>", "<![CDATA[",
    "]]>", "<feed xmlns='http://www.w3.org/2005/Atom'>", "<entry>", "{", "}", '"text":', '"html":', "\n",
    "WARC/1.0\r\n", "WARC-Type: response\r\n", "Content-Length: 5\r\n", "\r\n", "&amp;", "&#0;", "\u2028",
    "\x00", "\ufeff", "é", "“", "”", SENTENCE, " ",
])


@FUZZ
@given(parts=st.lists(_PIECES, max_size=40), suffix=st.sampled_from(SUFFIXES))
def test_markup_soup_never_crashes_a_reader(tmp_path_factory, parts, suffix):
    path = tmp_path_factory.mktemp("soup") / f"input{suffix}"
    path.write_bytes("".join(parts).encode("utf-8", "surrogatepass"))
    _assert_sane(*_read(path))


ENCODINGS = st.sampled_from(["utf-8", "cp1252", "latin-1", "utf-16", "utf-8-sig"])


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=300), encoding=ENCODINGS)
def test_decoding_round_trips_or_warns(text, encoding):
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    decoded = decode_bytes(data)
    if encoding in ("utf-8", "utf-8-sig", "utf-16"):
        assert decoded.text.lstrip("\ufeff") == text.lstrip("\ufeff") and decoded.warning is None
        return
    # A single-byte encoding: decoded exactly, or the fallback is reported, or the bytes
    # happen to be valid UTF-8 too (then nothing can tell the two apart).
    assert decoded.text == text or decoded.warning is not None or _valid_utf8(data)


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True



@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-16", "utf-8-sig"])
def test_wrong_encodings_are_decoded(tmp_path, encoding):
    text = f"Café owners said the “naïve” plan costs €5. {SENTENCE}"
    if encoding == "latin-1":
        text = text.replace("“", '"').replace("”", '"').replace("€", "EUR ")
    path = tmp_path / "a.txt"
    path.write_bytes(text.encode(encoding))
    [draft], _ = _read(path)
    assert draft.text == text
    if encoding in ("cp1252", "latin-1"):
        assert any("not valid UTF-8" in w for w in draft.warnings)


def test_mixed_encodings_in_one_file_keep_the_text(tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_bytes("Café “one”. ".encode() + "Naïve “two”. ".encode("cp1252") + SENTENCE.encode())
    [draft], _ = _read(path)
    assert SENTENCE in draft.text and "Caf" in draft.text
    assert draft.warnings, "a file that is not valid UTF-8 is reported"


def test_html_with_bogus_charset_and_unclosed_tags(tmp_path):
    path = tmp_path / "a.html"
    body = ("<p>" + SENTENCE) * 20
    page = f'<html><head><meta charset="no-such-codec"><title>T</title><body><div><b>{body}'
    path.write_bytes(page.encode())
    [draft], _ = _read(path)
    assert SENTENCE in draft.text


@pytest.mark.parametrize("html", [
    "<html><body><script>var a = 1;</script><script>alert('x')</script></body></html>",
    "<html><head><style>p {color: red}</style></head></html>",
    "<html>",
    "<!doctype html><html><body><p></p><p>   </p></body></html>",
])
def test_html_without_article_text_is_skipped_with_a_reason(tmp_path, html):
    path = tmp_path / "a.html"
    path.write_text(html, encoding="utf-8")
    drafts, warnings = _read(path)
    assert drafts == [] and warnings
    assert "alert" not in " ".join(m for _, m in warnings)


@pytest.mark.parametrize("content", [b"", b"   \n\n\t  \r\n", "\u3000\u00a0\n".encode()])
@pytest.mark.parametrize("suffix", [".txt", ".html", ".jsonl", ".rss", ".warc"])
def test_empty_and_whitespace_files(tmp_path, content, suffix):
    path = tmp_path / f"a{suffix}"
    path.write_bytes(content)
    drafts, warnings = _read(path)
    assert drafts == [] and warnings


def test_huge_single_line_is_read_or_refused_quickly(tmp_path):
    path = tmp_path / "line.txt"
    path.write_text((SENTENCE.rstrip(".") + ", and ") * 40_000, encoding="utf-8")  # ~3.5 MB, no newline
    started = time.perf_counter()
    drafts, _ = _read(path)
    assert len(drafts) == 1 and time.perf_counter() - started < 10
    drafts, warnings = _read(path, limit=1_000_000)
    assert drafts == [] and any("max_article_bytes" in m for _, m in warnings)


def test_jsonl_bad_lines_do_not_stop_the_file(tmp_path):
    path = tmp_path / "a.jsonl"
    lines = [b'{"text": 5}', b"[1, 2]", b'{"html": "<p>x"}', b"\xff\xfe{", b"{", b'{"title": "only"}',
             b'{"text": "' + SENTENCE.encode() + b'", "date": {"nested": 1}, "byline": [1, 2]}']
    path.write_bytes(b"\n".join(lines))
    [draft], warnings = _read(path)
    assert draft.text == SENTENCE and draft.published is None
    assert len([w for w in warnings if "line" in w[1]]) >= 5


def _warc(*records: bytes) -> bytes:
    return b"".join(records)


def _record(headers: dict[str, str], payload: bytes) -> bytes:
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return f"WARC/1.0\r\n{head}Content-Length: {len(payload)}\r\n\r\n".encode() + payload + b"\r\n\r\n"


def _response(url: str | None, body: str, status: str = "200 OK") -> bytes:
    http = f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{body}".encode()
    headers = {"WARC-Type": "response", "WARC-Date": "2024-03-01T10:00:00Z",
               "WARC-Record-ID": "<urn:uuid:1>", "Content-Type": "application/http; msgtype=response"}
    if url:
        headers["WARC-Target-URI"] = url
    return _record(headers, http)


PAGE = "<html><body><article>" + f"<p>{SENTENCE}</p>" * 8 + "</article></body></html>"


@pytest.mark.parametrize("broken", [
    b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 10\r\n\r\nabc",  # no target URI, truncated
    b"WARC/1.0\r\nContent-Length: nope\r\n\r\n",
    b"NOT A WARC AT ALL\r\n\r\n",
    _response(None, PAGE),
    _response("http://example.org/a", "<html>", status="500 Oops"),
    _response("http://example.org/a", PAGE)[:200],  # cut mid-record
])
def test_malformed_warc_records_are_skipped_and_reading_goes_on(broken):
    good = _response("http://example.org/good", PAGE)
    warnings: list[str] = []
    ctx = ReadContext(warn=lambda s, m: warnings.append(m))
    drafts = list(iter_warc(io.BytesIO(_warc(good, broken)), "crawl.warc", ctx))
    assert [d.url for d in drafts] == ["http://example.org/good"]
    drafts = list(iter_warc(io.BytesIO(gzip.compress(_warc(broken))), "crawl.warc.gz", ctx))
    assert all(d.text.strip() for d in drafts)


@pytest.mark.parametrize("entry", [
    "<item></item>",
    "<item><title>Only a title</title></item>",
    "<item><link>http://example.org/x</link></item>",
    "<item><description></description><pubDate>not a date</pubDate></item>",
    "<item><guid/><description><![CDATA[<script>x()</script>]]></description></item>",
])
def test_feed_entries_with_missing_fields(entry):
    full = f"<item><guid>g1</guid><description>{SENTENCE}</description></item>"
    feed = f"<?xml version='1.0'?><rss version='2.0'><channel>{entry}{full}</channel></rss>".encode()
    warnings: list[str] = []
    drafts = list(parse_feed(feed, "feed.rss", ReadContext(warn=lambda s, m: warnings.append(m))))
    assert [d.text for d in drafts] == [SENTENCE]
    assert drafts[0].title is None and drafts[0].published is None
    assert warnings, "the entry without text is reported"


def test_feed_without_channel_or_entries(tmp_path):
    for i, doc in enumerate([b"<rss version='2.0'></rss>", b"<feed xmlns='http://www.w3.org/2005/Atom'/>",
                             b"<rss><channel><item><description>unclosed"]):
        path = tmp_path / f"f{i}.rss"
        path.write_bytes(doc)
        drafts, warnings = _read(path)
        assert warnings and all(d.text.strip() for d in drafts)


def test_one_broken_input_does_not_stop_the_others(tmp_path, options):
    good = tmp_path / "good.txt"
    good.write_text(SENTENCE, encoding="utf-8")
    bad = tmp_path / "bad.warc"
    bad.write_bytes(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 10\r\n\r\nabc")
    corpus = Ingest(options)(Corpus(inputs=[str(bad), str(good)]))
    assert [d.text for d in corpus.drafts] == [SENTENCE]
    assert any(i.source == str(bad) for i in corpus.issues)
    with pytest.raises(InputError, match="no articles found"):
        Ingest(options)(Corpus(inputs=[str(bad)]))


@pytest.mark.slow
def test_fifty_megabyte_file_is_refused_by_the_size_limit_quickly(tmp_path, options):
    path = tmp_path / "big.txt"
    with path.open("w", encoding="utf-8") as fh:
        for _ in range(50 * 1024 * 1024 // (len(SENTENCE) + 1) + 1):
            fh.write(SENTENCE + "\n")
    assert path.stat().st_size > 50_000_000
    started = time.perf_counter()
    corpus = Ingest(options)(Corpus(inputs=[str(path), str(_small(tmp_path))]))
    assert time.perf_counter() - started < 5
    assert len(corpus.drafts) == 1
    [issue] = [i for i in corpus.issues if i.source == str(path) and "max_article_bytes" in i.message]
    assert "too large" in issue.message or "over max_article_bytes" in issue.message
    gz = tmp_path / "big.txt.gz"
    gz.write_bytes(gzip.compress(path.read_bytes(), compresslevel=1))
    drafts, warnings = _read(gz)
    assert drafts == [] and any("max_article_bytes" in m for _, m in warnings)


def _small(tmp_path: Path) -> Path:
    path = tmp_path / "small.txt"
    path.write_text(SENTENCE, encoding="utf-8")
    return path


_RECORDS = [f"record {i}: {SENTENCE} ".encode() * (i + 3) for i in range(4)]
_GZ = b"".join(gzip.compress(r) for r in _RECORDS)


_ENDS = [sum(len(r) for r in _RECORDS[: n + 1]) for n in range(len(_RECORDS))]
_MEMBER_ENDS = [len(b"".join(gzip.compress(r) for r in _RECORDS[: n + 1])) for n in range(len(_RECORDS))]


@FUZZ
@given(cut=st.integers(0, len(_GZ)))
def test_cut_off_gzip_keeps_the_whole_members_before_the_cut(cut):
    kept, problem = gunzip(_GZ[:cut])
    whole = b"".join(_RECORDS)
    assert kept == whole[: len(kept)]
    members = sum(1 for end in _MEMBER_ENDS if end <= cut)
    assert (problem is None) == (cut in (0, *_MEMBER_ENDS))
    if members:
        assert len(kept) == _ENDS[members - 1]  # past the first member: whole members only


@FUZZ
@given(flips=st.lists(st.integers(0, len(_GZ) - 1), min_size=1, max_size=4))
def test_corrupt_gzip_never_raises(flips):
    data = bytearray(_GZ)
    for i in flips:
        data[i] ^= 0xFF
    kept, problem = gunzip(bytes(data))
    assert isinstance(kept, bytes) and (problem is None or "gzip" in problem)


@FUZZ
@given(
    bad=st.sampled_from([b'{"text": "x\x00y"}', b"\x00\x01\x02", b'{"text": "\xff\xfe cut', b"{", b"[]"]),
    where=st.integers(0, 3),
)
def test_one_corrupt_jsonl_line_skips_only_that_line(tmp_path_factory, bad, where):
    good = [json.dumps({"text": f"{SENTENCE} Item {i}."}).encode() for i in range(3)]
    lines = [*good[:where], bad, *good[where:]]
    path = tmp_path_factory.mktemp("jl") / "feed.jsonl"
    path.write_bytes(b"\n".join(lines))
    drafts, warnings = _read(path)
    assert [d.text for d in drafts] == [f"{SENTENCE} Item {i}." for i in range(3)]
    assert all(d.warnings == [] for d in drafts)  # the bad line's encoding is not theirs
    assert [s for s, _ in warnings] == [f"{path}:{where + 1}"]
    assert f"line {where + 1}" in warnings[0][1]
