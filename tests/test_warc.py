"""WARC reader on small archives written with warcio in the test (no network)."""

from __future__ import annotations

import gzip
import html
import io
import zlib
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from parallax.readers import READERS, ReadContext, ReaderSpec, decode_bytes, read_path
from parallax.readers.warc import warc_reader


def _bbc_pages(eval_dir: Path, n: int) -> list[tuple[str, list[str]]]:
    out = []
    for f in sorted((eval_dir / "corpus" / "bbc" / "business").glob("*.txt"))[:n]:
        lines = decode_bytes(f.read_bytes()).text.splitlines()
        out.append((lines[0].strip(), [ln.strip() for ln in lines[1:] if ln.strip()]))
    return out


def _page(title: str, paras: list[str]) -> bytes:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paras)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{html.escape(title)}</h1>{body}</article>"
        "<footer>Copyright</footer></body></html>"
    ).encode()


def _response(
    writer: WARCWriter,
    url: str,
    payload: bytes,
    date: str,
    status: str = "200 OK",
    ctype: str = "text/html; charset=utf-8",
) -> None:
    headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(payload),
        http_headers=headers,
        warc_headers_dict={"WARC-Date": date},
    )
    writer.write_record(record)


def _archive(path: Path, pages: list[tuple[str, list[str]]], gz: bool) -> None:
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for i, (title, paras) in enumerate(pages):
            host = "news.example.org" if i % 2 == 0 else "www.other.example.com"
            _response(
                writer, f"https://{host}/story/{i}", _page(title, paras), f"2005-01-{10 + i:02d}T12:00:00Z"
            )
        # Not articles: a request, a 404, a redirect, an image.
        req = writer.create_warc_record(
            "https://news.example.org/x", "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")
        )
        writer.write_record(req)
        _response(
            writer,
            "https://news.example.org/missing",
            _page(*pages[0]),
            "2005-01-10T00:00:00Z",
            "404 Not Found",
        )
        _response(
            writer, "https://news.example.org/moved", b"", "2005-01-10T00:00:00Z", "301 Moved Permanently"
        )
        _response(
            writer,
            "https://news.example.org/a.png",
            b"\x89PNG\r\n",
            "2005-01-10T00:00:00Z",
            ctype="image/png",
        )


def test_reads_html_responses_only(tmp_path, eval_dir):
    pages = _bbc_pages(eval_dir, 4)
    for gz in (False, True):
        path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
        _archive(path, pages, gz)
        drafts = list(read_path(path))
        assert [d.title for d in drafts] == [t for t, _ in pages]
        for i, (draft, (_, paras)) in enumerate(zip(drafts, pages, strict=True)):
            assert paras[0] in draft.text and paras[-1] in draft.text
            assert "Copyright" not in draft.text
            assert draft.url is not None and draft.url.endswith(f"/story/{i}")
            assert draft.published is not None and draft.published.startswith(f"2005-01-{10 + i:02d}")
        assert len({d.id for d in drafts}) == len(pages)


def test_host_and_date_filters(tmp_path, eval_dir):
    pages = _bbc_pages(eval_dir, 4)
    path = tmp_path / "crawl.warc.gz"
    _archive(path, pages, True)
    by_host = {".warc": ReaderSpec("warc", warc_reader(hosts=["example.org"]), container=True)}
    drafts = list(read_path(path, readers={**READERS, **by_host}))
    assert [d.url for d in drafts] == ["https://news.example.org/story/0", "https://news.example.org/story/2"]
    by_date = {
        ".warc": ReaderSpec("warc", warc_reader(since="2005-01-11", until="2005-01-12"), container=True)
    }
    drafts = list(read_path(path, readers={**READERS, **by_date}))
    assert [d.title for d in drafts] == [pages[1][0], pages[2][0]]


def test_malformed_record_is_skipped_with_a_warning(tmp_path, eval_dir):
    pages = _bbc_pages(eval_dir, 3)
    good = tmp_path / "good.warc"
    _archive(good, pages, False)
    data = good.read_bytes()
    # Corrupt the gzip Content-Encoding of one record: its body cannot be decoded.
    bad = io.BytesIO()
    writer = WARCWriter(bad, gzip=False)
    headers = StatusAndHeaders(
        "200 OK", [("Content-Type", "text/html"), ("Content-Encoding", "gzip")], protocol="HTTP/1.1"
    )
    writer.write_record(
        writer.create_warc_record(
            "https://news.example.org/broken",
            "response",
            payload=io.BytesIO(b"not gzip at all" * 10),
            http_headers=headers,
        )
    )
    path = tmp_path / "mixed.warc"
    path.write_bytes(bad.getvalue() + data)
    warnings: list[str] = []
    drafts = list(read_path(path, ReadContext(warn=lambda s, m: warnings.append(f"{s}: {m}"))))
    assert [d.title for d in drafts] == [t for t, _ in pages]
    assert warnings  # the broken record was reported, not fatal


def test_truncated_archive_keeps_what_was_read(tmp_path, eval_dir):
    pages = _bbc_pages(eval_dir, 3)
    good = tmp_path / "good.warc.gz"
    _archive(good, pages, True)
    raw = gzip.decompress(good.read_bytes())
    cut = raw.index(b"WARC/1.", raw.index(pages[1][1][0][:30].encode()))  # start of the third record
    path = tmp_path / "cut.warc"
    path.write_bytes(raw[:cut] + b"\x00\x01 binary junk where a record header should be \r\n\r\n" + raw[cut:])
    warnings: list[str] = []
    drafts = list(read_path(path, ReadContext(warn=lambda s, m: warnings.append(m))))
    assert [d.title for d in drafts] == [t for t, _ in pages[:2]]
    assert any("unreadable" in w or "malformed" in w for w in warnings)


def _member_ends(data: bytes) -> list[int]:
    """Where each gzip member (one WARC record, as warcio writes them) ends."""
    ends, pos = [], 0
    while pos < len(data):
        member = zlib.decompressobj(31)
        member.decompress(data[pos:])
        pos = len(data) - len(member.unused_data)
        ends.append(pos)
    return ends


def test_cut_off_warc_gz_keeps_the_records_before_the_cut(tmp_path, eval_dir):
    pages = _bbc_pages(eval_dir, 3)
    whole = tmp_path / "whole.warc.gz"
    _archive(whole, pages, True)
    data = whole.read_bytes()
    ends = _member_ends(data)  # the three pages come first
    for size, kept in ((ends[0] + 10, 1), (ends[1] + 10, 2), (ends[2] - 1, 2), (ends[2] + 5, 3)):
        path = tmp_path / "cut.warc.gz"
        path.write_bytes(data[:size])
        warnings: list[str] = []
        drafts = list(read_path(path, ReadContext(warn=lambda s, m, into=warnings: into.append(m))))
        assert [d.title for d in drafts] == [t for t, _ in pages[:kept]], size
        assert all(paras[-1] in d.text for d, (_, paras) in zip(drafts, pages, strict=False))
        assert any("damaged gzip file: gzip data cut off" in w for w in warnings), warnings
