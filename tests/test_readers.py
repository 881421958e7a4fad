"""Readers and the Ingest stage on real files and on hand-made awkward ones."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest

from parallax.errors import InputError
from parallax.pipeline import Corpus
from parallax.readers import READERS, ReadContext, ReaderSpec, decode_bytes, gunzip, iter_files, read_path
from parallax.stages.ingest import Ingest


def _paragraphs(example_dir: Path, name: str = "000", n: int = 6) -> list[str]:
    path = next(example_dir.glob(f"{name}_*.txt"))
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if len(line.split()) > 12]
    return lines[:n]


def _read(path: Path, **kw) -> tuple[list, list[tuple[str, str]]]:
    warnings: list[tuple[str, str]] = []
    ctx = ReadContext(warn=lambda s, m: warnings.append((s, m)), **kw)
    return list(read_path(path, ctx)), warnings


def test_example_directory_sorted_with_stable_content_ids(example_dir):
    drafts, warnings = _read(example_dir)
    files = sorted(p for p in example_dir.glob("*.txt"))
    assert [d.source for d in drafts] == [str(p) for p in files]
    assert warnings == []  # README.md is documentation, not an article
    for draft, path in zip(drafts, files, strict=True):
        assert draft.id == hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        assert draft.text == path.read_text(encoding="utf-8")
        assert draft.format == "text"
    again, _ = _read(example_dir)
    assert [d.id for d in again] == [d.id for d in drafts]


def test_markdown_syntax_removed_words_kept(tmp_path, example_dir):
    body = _paragraphs(example_dir, n=2)
    front = "---\ntitle: Front matter title\ndate: 2023-04-29\n---\n"
    md = f"{front}# A heading here\n\n{body[0]}\n\n**{body[1]}**\n"
    (tmp_path / "a.md").write_text(md, encoding="utf-8")
    [draft], _ = _read(tmp_path / "a.md")
    assert draft.title == "Front matter title" and draft.published == "2023-04-29"
    assert "#" not in draft.text and "**" not in draft.text
    assert "A heading here" in draft.text and body[0] in draft.text and body[1] in draft.text


def test_html_via_trafilatura_keeps_metadata_and_drops_comments(tmp_path, example_dir):
    body = _paragraphs(example_dir, n=6)
    paras = "".join(f"<p>{p}</p>" for p in body)
    html = (
        "<html><head><title>Iran leader tells Iraqi president | Example Site</title>"
        '<meta name="author" content="Jane Doe"><meta property="og:site_name" content="Example Site">'
        '<meta property="article:published_time" content="2023-04-29T10:00:00Z"></head><body>'
        "<nav><a href='/'>Home</a> <a href='/w'>World</a></nav>"
        f"<article><h1>Iran leader tells Iraqi president</h1>{paras}</article>"
        "<div id='comments' class='comments'><p>Great article, totally agree with every word here!</p></div>"
        "</body></html>"
    )
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    [draft], _ = _read(tmp_path / "page.html")
    assert draft.format == "html"
    assert draft.byline == "Jane Doe" and draft.outlet == "Example Site"
    assert draft.published == "2023-04-29"
    assert "Iran leader tells Iraqi president" in (draft.title or "")
    for p in body:
        assert p in draft.text
    assert "totally agree" not in draft.text


def test_jsonl_one_draft_per_line_bad_line_is_a_warning(tmp_path, example_dir):
    body = _paragraphs(example_dir, n=3)
    lines = [
        json.dumps({"text": body[0], "title": "T1", "outlet": "Outlet A", "date": "2023-04-29"}),
        "{not json",
        json.dumps({"url": "https://example.org/x"}),
        json.dumps(
            {"html": f"<html><body><article><p>{body[1]}</p><p>{body[2]}</p></article></body></html>"}
        ),
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    drafts, warnings = _read(path)
    assert len(drafts) == 2
    assert drafts[0].outlet == "Outlet A" and drafts[0].title == "T1" and drafts[0].published == "2023-04-29"
    assert drafts[0].id == hashlib.sha256(lines[0].encode()).hexdigest()[:16]
    assert drafts[1].format == "html" and body[1] in drafts[1].text
    assert {s.rsplit(":", 1)[1] for s, _ in warnings} == {"2", "3"}
    assert any("not valid JSON" in m for _, m in warnings)


@pytest.mark.parametrize(
    ("encoding", "text", "fallback"),
    [
        ("cp1252", "Khamenei said \u201cone American is too much\u201d \u2013 state media.", "cp1252"),
        ("latin-1", "Zürich café r\u00e9sum\u00e9 \x81 na\u00efve text.", "latin-1"),
        ("utf-16", "Khamenei\u2019s comments \u201ctoo much\u201d.", None),
        ("utf-8-sig", "Khamenei\u2019s comments \u201ctoo much\u201d.", None),
    ],
)
def test_encoding_chain(tmp_path, encoding, text, fallback):
    path = tmp_path / "a.txt"
    path.write_bytes(text.encode(encoding))
    [draft], _ = _read(path)
    assert draft.text == text
    if fallback:
        assert any(fallback in w for w in draft.warnings)
    else:
        assert draft.warnings == []


def test_declared_charset_used_after_utf8_fails():
    data = "Señor ÿ".encode("latin-1")
    assert decode_bytes(data, declared="iso-8859-15").encoding == "iso-8859-15"
    assert decode_bytes("plain ✓".encode()).warning is None


def test_binary_and_empty_files_skipped_with_warnings(tmp_path, example_dir):
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("  \n\t\n ", encoding="utf-8")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\x00\x00")
    (tmp_path / "ok.txt").write_text(_paragraphs(example_dir, n=1)[0], encoding="utf-8")
    drafts, warnings = _read(tmp_path)
    assert [Path(d.source).name for d in drafts] == ["ok.txt"]
    by_file = {Path(s).name: m for s, m in warnings}
    assert "binary" in by_file["image.txt"]
    assert "empty" in by_file["empty.txt"] and "empty" in by_file["blank.txt"]
    assert "unsupported" in by_file["photo.png"]


def test_ingest_errors_for_missing_and_articleless_inputs(tmp_path, options):
    with pytest.raises(InputError, match="input not found"):
        Ingest(options)(Corpus(inputs=[str(tmp_path / "nope")]))
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02")
    with pytest.raises(InputError, match=r"no articles found in .* \(.*empty.*\)") as err:
        Ingest(options)(Corpus(inputs=[str(tmp_path)]))
    assert "binary" in str(err.value)


def test_ingest_limits_and_duplicates(tmp_path, options, example_dir):
    for i, p in enumerate(_paragraphs(example_dir, n=3)):
        (tmp_path / f"{i}.txt").write_text(p, encoding="utf-8")
    (tmp_path / "3.txt").write_bytes((tmp_path / "0.txt").read_bytes())
    corpus = Ingest(options)(Corpus(inputs=[str(tmp_path)]))
    assert len(corpus.drafts) == 3
    assert any("identical to" in i.message and i.source.endswith("3.txt") for i in corpus.issues)

    small = Ingest(options.replace(max_article_bytes=150))(Corpus(inputs=[str(tmp_path)]))
    assert all(len(d.text.encode()) <= 150 for d in small.drafts)
    assert any("max_article_bytes" in i.message for i in small.issues)

    with pytest.raises(InputError, match="max_articles"):
        Ingest(options.replace(max_articles=2))(Corpus(inputs=[str(tmp_path)]))


def test_gzip_and_explicit_unknown_suffix(tmp_path, example_dir):
    text = _paragraphs(example_dir, n=1)[0]
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress(text.encode()))
    (tmp_path / "article").write_text(text, encoding="utf-8")
    [gz], _ = _read(tmp_path / "a.txt.gz")
    [plain], _ = _read(tmp_path / "article")
    assert gz.text == plain.text == text


def test_registry_accepts_new_readers_without_touching_dispatch(tmp_path):
    def read_upper(path, data, ctx):
        from parallax.records import Draft

        yield Draft(id="x", source=str(path), format="shout", text=data.decode().upper())

    (tmp_path / "a.shout").write_text("hello there", encoding="utf-8")
    readers = {**READERS, ".shout": ReaderSpec("shout", read_upper)}
    [draft] = list(read_path(tmp_path, ReadContext(), readers=readers))
    assert draft.text == "HELLO THERE"
    assert all(isinstance(spec, ReaderSpec) for spec in READERS.values())


def _members(*parts: bytes) -> bytes:
    return b"".join(gzip.compress(p) for p in parts)


def test_gunzip_keeps_whole_members_before_damage():
    parts = [f"record {i}: ".encode() + bytes(range(256)) * 40 for i in range(3)]
    data = _members(*parts)
    assert gunzip(data) == (b"".join(parts), None)
    assert gunzip(data + b"\x00" * 16) == (b"".join(parts), None)  # zero padding after the last member
    second = len(gzip.compress(parts[0]))
    damaged = bytearray(data)
    for i in range(second + 40, second + 80):
        damaged[i] ^= 0x5A
    kept, problem = gunzip(bytes(damaged))
    assert kept == parts[0] and problem is not None and "corrupt gzip data" in problem
    kept, problem = gunzip(data[: second + 50])
    assert kept == parts[0] and problem == "gzip data cut off before its end"
    # Inside the first member there is nothing whole to keep: the bytes before the cut.
    one = gzip.compress(b"line one\nline two\n" * 5000)
    kept, problem = gunzip(one[: len(one) // 2])
    assert problem and kept and (b"line one\nline two\n" * 5000).startswith(kept)
    kept, problem = gunzip(data, limit=100)
    assert problem is None and 100 < len(kept) <= len(parts[0])  # stops soon after the limit
    assert gunzip(b"not gzip at all")[0] == b""


def test_damaged_gz_files_are_skipped_or_read_in_part(tmp_path, example_dir):
    body = _paragraphs(example_dir, n=4)
    article = gzip.compress("\n\n".join(body).encode())
    (tmp_path / "a.txt.gz").write_bytes(article[: len(article) // 2])
    drafts, warnings = _read(tmp_path / "a.txt.gz")
    assert drafts == [] and "damaged gzip file" in warnings[0][1]  # half an article is not the article
    lines = "".join(json.dumps({"text": p}) + "\n" for p in body).encode()
    feed = gzip.compress(lines)
    (tmp_path / "feed.jsonl.gz").write_bytes(feed[: len(feed) - 30])
    drafts, warnings = _read(tmp_path / "feed.jsonl.gz")
    assert [d.text for d in drafts] == body[: len(drafts)] and len(drafts) >= 2
    assert any("damaged gzip file" in m for _, m in warnings)


def test_jsonl_lines_are_decoded_one_by_one(tmp_path, example_dir):
    body = _paragraphs(example_dir, n=2)
    texts = [body[0] + " \u201cquoted\u201d", "Caf\u00e9 owners \u201cwin\u201d. " + body[1]]
    lines = [
        json.dumps({"text": texts[0]}, ensure_ascii=False).encode(),
        json.dumps({"text": texts[1]}, ensure_ascii=False).encode("cp1252"),
        b'{"text": "binary \x00\x01\x02 junk"}',
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines))
    drafts, warnings = _read(path)
    assert [d.text for d in drafts] == texts
    assert drafts[0].warnings == [] and "cp1252" in drafts[1].warnings[0]
    assert drafts[0].id == hashlib.sha256(lines[0]).hexdigest()[:16]  # ids as before: the line's UTF-8
    assert warnings == [(f"{path}:3", "skipped: line 3 holds binary data (NUL or control bytes), not JSON")]


def test_binary_file_named_jsonl_is_one_skip_not_a_line_each(tmp_path):
    path = tmp_path / "image.jsonl"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"".join(bytes(range(256)) + b"\n" for _ in range(40)))
    drafts, warnings = _read(path)
    assert drafts == [] and warnings == [(str(path), "skipped: binary file, not JSON Lines")]


def test_manifests_are_not_articles(tmp_path, example_dir):
    (tmp_path / "a.txt").write_text(_paragraphs(example_dir, n=1)[0], encoding="utf-8")
    for name in ("manifest.csv", "manifest.json", "parallax-manifest.json"):
        (tmp_path / name).write_text("file,outlet\na.txt,CNN\n", encoding="utf-8")
    (tmp_path / "meta.json").write_text("{}", encoding="utf-8")
    assert [p.name for p in iter_files(tmp_path)] == ["a.txt", "meta.json"]
    assert [p.name for p in iter_files(tmp_path, {(tmp_path / "meta.json").resolve()})] == ["a.txt"]


def test_failure_inside_a_reader_costs_only_that_file(tmp_path, example_dir):
    text = _paragraphs(example_dir, n=1)[0]

    def read_then_fail(path, data, ctx):
        from parallax.records import Draft

        yield Draft(id="first", source=f"{path}#1", format="text", text=text)
        raise ValueError("record 2 is malformed")

    (tmp_path / "a.multi").write_text("x", encoding="utf-8")
    (tmp_path / "b.txt").write_text(text + " More.", encoding="utf-8")
    readers = {**READERS, ".multi": ReaderSpec("multi", read_then_fail, container=True)}
    warnings: list[tuple[str, str]] = []
    ctx = ReadContext(warn=lambda s, m: warnings.append((s, m)))
    drafts = list(read_path(tmp_path, ctx, readers=readers))
    assert [d.source for d in drafts] == [f"{tmp_path / 'a.multi'}#1", str(tmp_path / "b.txt")]
    message = "skipped: cannot read as multi (ValueError: record 2 is malformed)"
    assert warnings == [(str(tmp_path / "a.multi"), message)]
