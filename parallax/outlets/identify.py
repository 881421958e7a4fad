"""Who published an article, and whose wire copy it carries.

Evidence is weighed in a fixed order, strongest first: the user's manifest,
the article's URL, the feed's own metadata, then cues in the page's chrome
(a site name after the title, a header line, the site speaking about itself
in a comment policy or footer, a copyright line). Wire agencies come from
bylines ("By REUTERS"), datelines ("BAGHDAD (Reuters) -") and credit lines
("AFP contributed to this report"). Names the body merely cites ("IRNA
reported") are never cues. When nothing states the outlet it stays unknown
and :class:`OutletMatch` says why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..records import Article, Draft, Record
from ..stages.clean import is_body
from .registry import OutletEntry, Registry, host_of

HEAD_LINES = 12  # page headers, titles and bylines sit in the first lines
FOOT_LINES = 15  # credits, copyright and comment policies in the last
_SEP = r"[-|–—·»]"
_TITLE_SPLIT = re.compile(r"\s+(?:[|–—·»-]|::)\s+")
_SELF_REFERENCE = re.compile(
    r"\b(?:our|we|us|comments?|moderat\w*|subscribe|newsletters?|follow|app|rights\s+reserved|"
    r"terms\s+of\s+(?:use|service)|privacy\s+policy|cookies?|contact)\b",
    re.I,
)
_NOT_OWN = re.compile(r"\b(?:photo|image|picture|video|credit|getty|afp/|/afp|file)\b", re.I)
_BYLINE = re.compile(r"^\s*by\s+(?P<who>.{2,80}?)\s*$", re.I)
_BYLINE_FILLER = re.compile(
    r"\b(?:staff|staff\s+writers?|staff\s+reporters?|news\s+desk|desk|wires?|reporters?|correspondents?|"
    r"bureau|in\s+[A-Z]\w+)\b",
    re.I,
)
_DATELINE_WIRE = re.compile(r"^[A-Z][\w.,'’ /-]{1,60}?\s*\((?P<who>[^()]{2,40})\)\s*[-–—:]")
_CREDIT_LINE = re.compile(
    r"^[\W_]*(?:(?:source|sources|via|with|courtesy(?:\s+of)?)\s*:?\s*)?"
    r"(?P<who>[A-Z][\w.&'’ /-]{1,40}?)[\W_]*$"
)
_CONTRIBUTED = re.compile(
    r"^\W*(?P<who>[A-Z][\w.&'’ -]{1,40}?)\s+contributed\s+to\s+(?:this|the)\s+(?:report|story)"
)
_REPORTING_BY = re.compile(r"^\W*(?:additional\s+)?reporting\s+by\s+(?P<who>[^.;()]{2,120})", re.I)
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)?\d\d)?\s*,?\s*)?"
    r"(?P<who>[A-Z][\w&'’.-]*(?:\s+(?:[A-Z][\w&'’.-]*|of|the|and|&)){0,5})",
    re.I,
)
_LIST_SPLIT = re.compile(r"\s*(?:,|;|/|\||&|\band\b|\bwith\b)\s*", re.I)


@dataclass(slots=True)
class OutletMatch(Record):
    """What identification found for one article, with the words that say so."""

    article_id: str
    outlet: str | None = None
    wire: str | None = None
    # manifest | url | feed | metadata | title | header | self-reference | copyright | domain
    method: str = ""
    cue: str = ""
    wire_cue: str = ""
    registered: bool = False  # the outlet is a registry entry (country and type known)
    reason: str = ""  # why the outlet is unknown


@dataclass(slots=True)
class _Cue:
    method: str
    name: str
    cue: str
    entry: OutletEntry | None


def _words(text: str) -> int:
    return len(text.split())


@dataclass(slots=True)
class _Page:
    """The lines of one article that can carry cues."""

    head: list[str]  # page chrome above the body: titles, labels, bylines, site headers
    foot: list[str]  # chrome below and around it: boilerplate, credits, policies, copyright
    lead: list[str]  # the first raw lines and paragraphs, where datelines sit


def page_lines(article: Article, draft: Draft | None) -> _Page:
    """Split an article's raw lines into the page's own voice (chrome) and its reporting."""
    body = {_flat(p) for p in article.paragraphs}
    raw = [_flat(ln) for ln in draft.text.splitlines() if ln.strip()] if draft else []
    in_body = [i for i, ln in enumerate(raw) if ln in body]
    first, last = (in_body[0], in_body[-1]) if in_body else (len(raw), len(raw))
    # Only lines above the first and below the last line of reporting are the page's own.
    head = [ln for ln in raw[: min(first, HEAD_LINES)] if not is_body(ln)]
    foot = [ln for ln in raw[last + 1 :][-FOOT_LINES:] if ln not in body and not is_body(ln)]
    boiler = [_flat(b) for b in article.boilerplate if b.strip()]
    lead = [*raw[:HEAD_LINES], *article.paragraphs[:2]]
    return _Page(_unique(head + boiler[:3]), _unique(boiler + foot), lead)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _unique(lines: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(lines))


def _parts(who: str) -> list[str]:
    who = _BYLINE_FILLER.sub(" ", who)
    return [p.strip(" .-–—()[]") for p in _LIST_SPLIT.split(who) if p.strip(" .-–—()[]")]


# ------------------------------------------------------------------ wire cues


def wire_cues(
    article: Article, page: _Page, registry: Registry
) -> Iterator[_Cue]:
    """Agencies the article credits for its copy (bylines, datelines, credit lines)."""
    bylines = [(ln, m.group("who")) for ln in page.head if _words(ln) <= 10 and (m := _BYLINE.match(ln))]
    if article.byline:
        bylines.append((article.byline, article.byline))
    for line, who in bylines:
        yield from _agency_cues("byline", line, _parts(who), registry)
    for ln in page.lead:
        m = _DATELINE_WIRE.match(ln)
        if m:
            yield from _agency_cues("dateline", ln[: m.end()], [m.group("who")], registry)
    for ln in [*page.foot, *page.head, *article.paragraphs[-3:]]:
        if _NOT_OWN.search(ln):
            continue
        if _words(ln) <= 6 and (m := _CREDIT_LINE.match(ln)):
            yield from _agency_cues("credit", ln, [m.group("who")], registry)
        for rx in (_CONTRIBUTED, _REPORTING_BY):
            for m in rx.finditer(ln):
                yield from _agency_cues("credit", m.group(0), _parts(m.group("who")), registry)


def _agency_cues(method: str, cue: str, names: Iterable[str], registry: Registry) -> Iterator[_Cue]:
    for name in names:
        entry = registry.get(name)
        if entry is not None:
            yield _Cue(method, entry.name, cue.strip(), entry)


# ------------------------------------------------------------- publisher cues


def title_cue(titles: Iterable[str | None], registry: Registry) -> _Cue | None:
    """A registered site name after (or before) the headline: "... – RT World News"."""
    for title in titles:
        if not title:
            continue
        parts = _TITLE_SPLIT.split(title.strip())
        if len(parts) < 2:
            continue
        for part in (parts[-1], parts[0]):
            entry = registry.get(part)
            if entry is not None:
                return _Cue("title", entry.name, title.strip(), entry)
    return None


def header_cues(lines: Sequence[str], registry: Registry) -> Iterator[_Cue]:
    """A registered name set off by separators in a header line: "The Jerusalem Post - Israel News ..."."""
    for ln in lines:
        if ln.rstrip().endswith((".", "?", "!", "”", '"')) and _words(ln) > 6:
            continue  # a sentence of reporting, not page chrome
        for m, entry in registry.mentions(ln):
            before, after = ln[: m.start()].rstrip(), ln[m.end() :].lstrip()
            fenced = re.match(_SEP, after[:1] or "x") or re.search(_SEP + "$", before)
            alone = not before.strip(" \t-–—|") and not after.strip(" \t-–—|")
            # An agency's name alone on a line under a headline credits its copy; it is not the masthead.
            if alone and entry.agency:
                continue
            if (fenced or alone) and _distinctive(m.group()) and _as_spelled(m.group(), entry):
                yield _Cue("header", entry.name, ln, entry)


def _distinctive(text: str) -> bool:
    """Names that are not ordinary words on their own: several words, an acronym or inner capitals."""
    return " " in text.strip() or text.isupper() or any(c.isupper() for c in text[1:]) or "." in text


def _as_spelled(text: str, entry: OutletEntry) -> bool:
    """Written as the outlet writes it (or in capitals): "Time" is a cue, "time" is not."""
    return text.isupper() or any(text == n for n in entry.names)


def self_reference_cues(lines: Sequence[str], registry: Registry) -> Iterator[_Cue]:
    """The site speaking about itself: "Rudaw moderates all comments submitted on our website"."""
    for ln in lines:
        if not _SELF_REFERENCE.search(ln) or _NOT_OWN.search(ln):
            continue
        for m, entry in registry.mentions(ln):
            if _as_spelled(m.group(), entry) and (_distinctive(m.group()) or m.group()[:1].isupper()):
                yield _Cue("self-reference", entry.name, ln, entry)


def copyright_cues(lines: Sequence[str], registry: Registry) -> Iterator[_Cue]:
    for ln in lines:
        if _NOT_OWN.search(ln):
            continue
        for m in _COPYRIGHT.finditer(ln):
            who = re.split(r"\s+all\s+rights|\.\s|,", m.group("who"), flags=re.I)[0].strip(" .,")
            entry = registry.resolve(who) or _longest_prefix(who, registry)
            if entry is not None:
                yield _Cue("copyright", entry.name, ln, entry)


def _longest_prefix(text: str, registry: Registry) -> OutletEntry | None:
    words = text.split()
    for n in range(len(words) - 1, 0, -1):
        entry = registry.get(" ".join(words[:n]))
        if entry is not None:
            return entry
    return None


def _agreed(cues: Iterable[_Cue]) -> _Cue | None:
    """The cue's outlet when all cues of one kind agree; conflicting cues prove nothing."""
    found = list(cues)
    names = {c.name for c in found}
    return found[0] if len(names) == 1 else None


# ---------------------------------------------------------------- the decision


def identify(
    article: Article,
    registry: Registry,
    draft: Draft | None = None,
    manifest: Mapping[str, str] | None = None,
) -> OutletMatch:
    """Identify the publishing outlet and any wire agency of ``article``.

    ``draft`` is the reader's record of the same input (its ``outlet`` is the
    feed's metadata; its raw text still has the page chrome that cleaning
    moved out of the body). ``manifest`` maps article ids, source paths or file
    names to outlet names the user vouches for.
    """
    page = page_lines(article, draft)
    wires = [c for c in wire_cues(article, page, registry) if c.entry and c.entry.agency]
    outlet = _stated(article, registry, draft, manifest)
    found = _from_text(article, draft, page, registry)
    if outlet is not None and outlet.method == "metadata" and draft is not None:
        # The metadata stage reads the same page; keep its outlet only where a cue here agrees,
        # so a credit ("By REUTERS", "h/t: The Hill") is not taken for the publisher.
        outlet = outlet if _corroborated(outlet, found, page) else None
    host = host_of(article.url) if article.url else None
    if outlet is not None and _agency_elsewhere(outlet, host):
        # Site metadata naming an agency on another site's page: the page carries its copy.
        wires.insert(0, outlet)
        outlet = None
    outlet = outlet or found or (_Cue("domain", host, article.url or "", None) if host else None)
    return _match(article.id, outlet, wires[0] if wires else None)


def _agency_elsewhere(outlet: _Cue, host: str | None) -> bool:
    entry = outlet.entry
    if outlet.method not in ("feed", "metadata") or entry is None or not entry.agency or not host:
        return False
    return not any(host == d or host.endswith("." + d) for d in entry.domains)


def _match(article_id: str, outlet: _Cue | None, wire_cue: _Cue | None) -> OutletMatch:
    match = OutletMatch(article_id=article_id)
    if outlet is not None:
        match.outlet, match.method, match.cue = outlet.name, outlet.method, outlet.cue
        match.registered = outlet.entry is not None
    if wire_cue is not None and wire_cue.name != match.outlet:
        match.wire, match.wire_cue = wire_cue.name, wire_cue.cue
    if match.outlet is None:
        match.reason = _reason(match.wire)
    return match


def _stated(
    article: Article, registry: Registry, draft: Draft | None, manifest: Mapping[str, str] | None
) -> _Cue | None:
    """The outlet someone states outright: the manifest, the URL, the feed, the metadata stage."""
    if manifest:
        keys = (article.id, article.source, Path(article.source).name)
        named = next((manifest[k] for k in keys if k in manifest), None)
        if named:
            return _named("manifest", named, named, registry)
    entry = registry.by_url(article.url)
    if entry is not None:
        return _Cue("url", entry.name, article.url or "", entry)
    if draft is not None and draft.outlet:
        return _named("feed", draft.outlet, draft.outlet, registry)
    if article.outlet:
        return _named("metadata", article.outlet, article.outlet, registry)
    return None


def _named(method: str, name: str, cue: str, registry: Registry) -> _Cue:
    entry = registry.resolve(name)
    return _Cue(method, entry.name if entry else name.strip(), cue, entry)


def _from_text(
    article: Article, draft: Draft | None, page: _Page, registry: Registry
) -> _Cue | None:
    titles = [article.title, draft.title if draft else None, *page.head[:3]]
    found = title_cue(titles, registry)
    if found is None:
        found = _agreed(header_cues(page.head, registry))
    if found is None:
        found = _agreed(self_reference_cues(page.foot, registry))
    if found is None:
        own = [c for c in copyright_cues(page.foot, registry) if not (c.entry and c.entry.agency)]
        found = _agreed(own)
    return found


def _corroborated(outlet: _Cue, found: _Cue | None, page: _Page) -> bool:
    """A registered outlet agrees with a cue found here; an unregistered one ends a title line."""
    if outlet.entry is not None:
        return found is not None and found.name == outlet.name
    tails = [_TITLE_SPLIT.split(ln)[-1].strip() for ln in page.head[:4]]
    return any(t and t.casefold() in (outlet.name.casefold(), outlet.cue.strip().casefold()) for t in tails)


def _reason(wire: str | None) -> str:
    if wire:
        return f"carries {wire} copy, but no URL, feed metadata or page cue names the publishing outlet"
    return "no URL, feed metadata or page cue (site name, header, comment policy, copyright) names the outlet"
