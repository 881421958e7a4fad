"""RSS/Atom reader on feeds built from real BBC articles (no network)."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from parallax.errors import InputError
from parallax.readers import ReadContext, decode_bytes, read_path
from parallax.readers.feeds import html_to_text, looks_like_feed, read_feed_url


def _bbc(eval_dir: Path, n: int) -> list[tuple[str, list[str]]]:
    files = sorted((eval_dir / "corpus" / "bbc" / "politics").glob("*.txt"))[:n]
    out = []
    for f in files:
        lines = decode_bytes(f.read_bytes()).text.splitlines()
        paras = [ln.strip() for ln in lines[1:] if ln.strip()]
        out.append((lines[0].strip(), paras))
    return out


def _rss(items: list[tuple[str, list[str]]], channel_title: str | None = "Politics Desk") -> str:
    entries = []
    for i, (title, paras) in enumerate(items):
        body = "".join(f"<p>{html.escape(p)}</p>" for p in paras)
        entries.append(
            f"<item><title>{html.escape(title)}</title><link>https://news.example.org/a/{i}</link>"
            f"<guid>urn:example:{i}</guid><pubDate>Tue, 0{i + 1} Feb 2005 09:30:00 +0100</pubDate>"
            f"<dc:creator>Reporter {i}</dc:creator><description>{html.escape(paras[0])}</description>"
            f"<content:encoded><![CDATA[{body}<script>track()</script>]]></content:encoded></item>"
        )
    title = f"<title>{channel_title}</title>" if channel_title else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel>{title}{''.join(entries)}</channel></rss>"
    )


def test_rss_entries_become_drafts(tmp_path, eval_dir):
    items = _bbc(eval_dir, 3)
    path = tmp_path / "politics.rss"
    path.write_text(_rss(items), encoding="utf-8")
    drafts = list(read_path(path))
    assert len(drafts) == 3
    for i, (draft, (title, paras)) in enumerate(zip(drafts, items, strict=True)):
        assert draft.title == title
        assert draft.text.split("\n\n") == paras  # block structure kept, markup and scripts gone
        assert draft.url == f"https://news.example.org/a/{i}"
        assert draft.byline == f"Reporter {i}"
        assert draft.published == f"2005-02-0{i + 1}T08:30:00+00:00"  # normalised to UTC
        assert draft.outlet == "Politics Desk"
        assert draft.format == "feed"
    assert len({d.id for d in drafts}) == 3


def test_same_entry_in_two_snapshots_has_one_id(tmp_path, eval_dir):
    items = _bbc(eval_dir, 2)
    (tmp_path / "a.rss").write_text(_rss(items), encoding="utf-8")
    (tmp_path / "b.xml").write_text(_rss(items[:1]), encoding="utf-8")
    drafts = list(read_path(tmp_path))
    assert len(drafts) == 3
    assert drafts[0].id == drafts[2].id


def test_outlet_only_when_feed_states_it(tmp_path, eval_dir):
    path = tmp_path / "untitled.rss"
    path.write_text(_rss(_bbc(eval_dir, 1), channel_title=None), encoding="utf-8")
    (draft,) = read_path(path)
    assert draft.outlet is None


def test_atom_feed_with_summary_only(tmp_path, eval_dir):
    ((title, paras),) = _bbc(eval_dir, 1)
    atom = (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>'
        f"<entry><id>tag:x,2005:1</id><title>{html.escape(title)}</title>"
        '<link href="https://wire.example.net/1"/><updated>2005-03-04T10:00:00Z</updated>'
        '<author><name>Desk Writer</name></author><summary type="html">'
        f"{html.escape('<p>' + paras[0] + '</p>')}"
        "</summary></entry></feed>"
    )
    path = tmp_path / "wire.atom"
    path.write_text(atom, encoding="utf-8")
    (draft,) = read_path(path)
    assert draft.text == paras[0]
    assert draft.published == "2005-03-04T10:00:00+00:00"
    assert draft.byline == "Desk Writer"
    assert draft.url == "https://wire.example.net/1"


def test_xml_that_is_not_a_feed_is_skipped(tmp_path):
    (tmp_path / "sitemap.xml").write_text(
        '<?xml version="1.0"?><urlset><url>x</url></urlset>', encoding="utf-8"
    )
    warnings: list[tuple[str, str]] = []
    ctx = ReadContext(warn=lambda s, m: warnings.append((s, m)))
    assert list(read_path(tmp_path, ctx)) == []
    assert ctx.skipped["not a feed"] == 1


def test_broken_feed_is_a_warning_not_a_crash(tmp_path, eval_dir):
    text = _rss(_bbc(eval_dir, 2))
    path = tmp_path / "cut.rss"
    path.write_text(text[: text.index("</item>") + 7] + "<item><title>unterminated", encoding="utf-8")
    warnings: list[str] = []
    drafts = list(read_path(path, ReadContext(warn=lambda s, m: warnings.append(m))))
    assert len(drafts) >= 1
    assert any("well-formed" in w for w in warnings)


def test_looks_like_feed():
    assert looks_like_feed(b'<?xml version="1.0"?>\n<!-- c -->\n<rss version="2.0"><channel/></rss>')
    assert looks_like_feed(b'<feed xmlns="http://www.w3.org/2005/Atom"></feed>')
    assert looks_like_feed(b'<rdf:RDF xmlns:rdf="x"></rdf:RDF>')
    assert not looks_like_feed(b"<html><body>feed</body></html>")


def test_html_to_text_keeps_paragraphs_and_drops_scripts():
    text = html_to_text("<p>One.</p><script>x()</script><p>Two <b>bold</b>.<br>Line</p><ul><li>a</li></ul>")
    assert text == "One.\n\nTwo bold.\nLine\n\na"


def test_feed_url_rejects_non_http():
    with pytest.raises(InputError):
        read_feed_url("file:///etc/passwd")


def test_feed_url_reports_fetch_failure():
    # The discard port on localhost is closed: fails fast without any real network traffic.
    with pytest.raises(InputError, match="cannot fetch"):
        read_feed_url("http://127.0.0.1:9/feed.rss", timeout=2)
