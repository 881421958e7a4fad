"""Metadata stage: title, byline, date, dateline and outlet from an article's own cues.

Works on the leading lines Clean kept: the first headline-like line is the
title, "By ..." and name-plus-handle lines are the byline, date-only and
"Published:" lines give the date. Those lines become fields and leave the
body. The outlet is set only where a cue states it (the reader's metadata, a
site name after the title, the site's comment policy or copyright line, a
wire credit); otherwise it stays None. Nothing here knows any particular
outlet.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from ..options import Options
from ..pipeline import Corpus
from ..records import Article
from .clean import ends_sentence, is_body, line_key, word_count, words

HEADER_LINES = 8  # bylines and dates sit in the first lines, sometimes after a standfirst

_MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_YEAR = r"(?P<y>(?:19|20)\d\d)"
_DATE_PATTERNS = (
    re.compile(rf"\b{_YEAR}(?P<sep>[-/.])(?P<m>\d{{1,2}})(?P=sep)(?P<d>\d{{1,2}})(?!\d)", re.I),
    re.compile(rf"\b(?P<a>\d{{1,2}})(?P<sep>[-/.])(?P<b>\d{{1,2}})(?P=sep){_YEAR}\b", re.I),
    re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}\b", re.I),
)
_DATE_NOISE = re.compile(
    r"\b(?:published|updated|last updated|first published|posted|modified|created|date[ds]?|on|at|"
    r"mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|"
    r"sun(?:day)?|gmt|utc|bst|cest?|eet|est|edt|cdt|cst|pdt|pst|et|pt|ist|ast|msk|irst|am|pm|a\.m|p\.m)\b"
    r"|\d{1,2}[:.h]\d{2}(?:[:.]\d{2})?|[+-]\d{2}:?\d{2}|\d{1,2}\s*(?:am|pm)\b",
    re.I,
)
_BY = re.compile(r"^(?:by|written by|words by|author|authors)\s*:?\s+(?P<rest>.+)$", re.I)
_NAME_WORD = re.compile(r"^(?:[A-Z][\w'’.-]*|and|&|de|del|da|di|du|van|von|der|den|la|le|al|el|bin|ibn|y)$")
_HANDLE_LINE = re.compile(r"^(?P<name>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3})\s*[|,·-]?\s*@\w{2,30}$")
_HANDLE_ONLY = re.compile(r"^@\w{2,30}$")
_BYLINE_CUT = re.compile(r"\s+(?:[|•·—–]|-\s)\s*|\s*,\s*(?=(?:published|updated|posted)\b)", re.I)
_ORG_WORDS = frozenset(
    [
        "press",
        "agency",
        "agencies",
        "news",
        "service",
        "wire",
        "staff",
        "desk",
        "bureau",
        "correspondents",
        "reporters",
        "media",
    ]
)
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z'’.\-]{2,}(?:\s+[A-Z][A-Z'’.\-]+){0,3})"
    r"(?:,\s*[A-Z][\w'’.\-]*(?:\s+[A-Z][\w'’.\-]*){0,3}){0,2}"
    r"(?:,?\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}))?"
    r"\s*(?:\((?P<wire>[A-Z][\w .&'-]{1,30})\))?"
    r"\s*(?:[-–—]+|:)\s+(?=[\"“‘'A-Z])"
)
_DIGIT = re.compile(r"\d")
_TITLE_SEP = re.compile(r"\s+(?:[|–—-]|::|·|»)\s+")
_SITE_WORDS = frozenset(
    [
        "news",
        "times",
        "post",
        "herald",
        "journal",
        "tribune",
        "gazette",
        "telegraph",
        "guardian",
        "daily",
        "weekly",
        "online",
        "press",
        "media",
        "tv",
        "radio",
        "network",
        "agency",
        "magazine",
        "chronicle",
        "observer",
        "independent",
        "express",
        "mirror",
        "standard",
        "review",
        "today",
        "wire",
        "monitor",
        "insider",
        "reporter",
        "courier",
        "dispatch",
    ]
)
_DOMAIN = re.compile(r"\b[\w-]+\.(?:com|org|net|co\.uk|co|io|news|info|tv|ru|de|fr|in|ir|il|iq)\b", re.I)
_SECTION_NEWS = re.compile(
    r"^(?P<name>.+?)\s+(?:world|us|u\.s\.|uk|latest|breaking|top|local|national|international|business|"
    r"politics|sports?|tech|science|health|middle east)\s+news$",
    re.I,
)
_POLICY_OUTLET = re.compile(
    r"^(?P<name>[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,4})\s+(?:moderates|reviews|approves|pre-moderates)"
    r"\s+(?:all\s+)?(?:reader\s+|user\s+)?comments\b"
)
_COPYRIGHT = re.compile(
    r"(?i:©|\(c\)|copyright)\s*(?:©\s*)?(?:(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)?\d\d)?\s*,?\s*)?"
    r"(?P<name>[A-Z][\w&'’.-]*(?:\s+(?:[A-Z][\w&'’.-]*|of|the|and|&)){0,5})"
)


# ------------------------------------------------------------------- dates


def _month(name: str) -> int:
    return _MONTH_NAMES.index(name[:3].lower()) + 1


def _ymd(m: re.Match[str], day_first: bool) -> tuple[int, int, int]:
    groups = m.groupdict()
    year = int(groups["y"])
    if groups.get("mon"):
        return year, _month(groups["mon"]), int(groups["d"])
    if groups.get("a"):
        a, b = int(groups["a"]), int(groups["b"])
        # 29-04-2023 can only be day-first; 04-29-2023 only month-first; otherwise
        # slashes are the US month-first habit and dashes/dots the day-first one.
        if a > 12 or (b <= 12 and (day_first or groups["sep"] != "/")):
            return year, b, a
        return year, a, b
    return year, int(groups["m"]), int(groups["d"])


def find_date(text: str, day_first: bool = False) -> re.Match[str] | None:
    """The earliest valid date expression in ``text``."""
    best: re.Match[str] | None = None
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            try:
                dt.date(*_ymd(m, day_first))
            except ValueError:
                continue
            if best is None or m.start() < best.start():
                best = m
            break
    return best


def parse_date(text: str, day_first: bool = False) -> str | None:
    """ISO ``YYYY-MM-DD`` of the first date in ``text`` (day/month order resolved from the numbers)."""
    m = find_date(text, day_first)
    return dt.date(*_ymd(m, day_first)).isoformat() if m else None


# /2021/10/18/ or -2021-10-18 in a URL path: news sites' permalinks carry the day of publication.
_URL_DATE = re.compile(r"[/_-]((?:19|20)\d\d)[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])(?=[/_.-]|$)")


def url_date(url: str | None) -> str | None:
    """ISO date of publication written in a permalink's path, if any."""
    if not url:
        return None
    path = url.split("?", 1)[0].split("#", 1)[0]
    for m in _URL_DATE.finditer(path):
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            continue
    return None


def date_line(line: str) -> str | None:
    """The ISO date when the whole line is a dateline of publication ("Published: April 29, 2023 22:31")."""
    m = find_date(line)
    if m is None or word_count(line) > 12:
        return None
    rest = _DATE_NOISE.sub(" ", line[: m.start()] + " " + line[m.end() :])
    if words(rest):
        return None
    return parse_date(line)


# ----------------------------------------------------------------- bylines


@dataclass(slots=True, frozen=True)
class Byline:
    name: str
    organisation: bool = False  # "By REUTERS": a wire or the outlet itself, not a person
    date: str | None = None


def _tidy_name(name: str) -> str:
    if not name.isupper():
        return name
    if " " not in name and len(name) <= 4:
        return name  # AFP, AP: acronyms stay as they are
    return " ".join(w.capitalize() if len(w) > 3 or " " in name else w for w in name.split())


def _names(rest: str) -> str | None:
    """The names of a byline, or None when the words are not all name-like."""
    rest = _BYLINE_CUT.split(rest, maxsplit=1)[0].strip(" ,;.")
    ws = rest.split()
    if not 1 <= len(ws) <= 12 or not all(_NAME_WORD.match(w.strip(",;")) for w in ws):
        return None
    return rest


def parse_byline(line: str, next_line: str | None = None) -> Byline | None:
    """Byline from "By X and Y" / "X @handle" lines (``next_line`` may hold the handle)."""
    date = None
    m = _BY.match(line)
    if m:
        found = find_date(m.group("rest"))
        rest = m.group("rest")
        if found:
            date = parse_date(rest)
            rest = rest[: found.start()]
        name = _names(_DATE_NOISE.sub(" ", rest) if found else rest)
    elif (h := _HANDLE_LINE.match(line)) is not None:
        name = h.group("name")
    elif next_line is not None and _HANDLE_ONLY.match(next_line) and 2 <= len(line.split()) <= 4:
        name = _names(line)
    else:
        return None
    if not name:
        return None
    ws = name.split()
    org = len(ws) == 1 or any(w.casefold() in _ORG_WORDS for w in ws)
    return Byline(_tidy_name(name), organisation=org, date=date)


# --------------------------------------------------------------- datelines


@dataclass(slots=True, frozen=True)
class Dateline:
    place: str
    end: int  # where the sentence proper starts in the paragraph
    wire: str | None = None


def parse_dateline(para: str) -> Dateline | None:
    """ "ERBIL, Kurdistan Region - ..." -> ERBIL; "WASHINGTON (Reuters) - ..." -> WASHINGTON, wire Reuters."""
    m = _DATELINE.match(para)
    if m is None or word_count(para[m.end() :]) < 5:
        return None
    place = m.group("place")
    if sum(c.isalpha() for c in place) < 3:
        return None
    return Dateline(place=place, end=m.end(), wire=m.group("wire"))


# ------------------------------------------------------------------ titles


def _site_like(segment: str, sep: str, known: Collection[str]) -> bool:
    ws = words(segment)
    if not 1 <= len(ws) <= 6 or ends_sentence(segment):
        return False
    if segment.casefold() in known or _DOMAIN.search(segment):
        return True
    if any(w.casefold() in _SITE_WORDS for w in ws[1:] or ws) and segment[0].isupper():
        return True
    return sep == "|" and len(ws) <= 4 and segment[0].isupper()


def split_site_suffix(title: str, known: Collection[str] = ()) -> tuple[str, str | None]:
    """Split "Headline – Site News" into the headline and the site name, when the tail names a site."""
    seps = list(_TITLE_SEP.finditer(title))
    if not seps:
        return title, None
    last = seps[-1]
    head, tail = title[: last.start()].strip(), title[last.end() :].strip()
    if word_count(head) < 3 or not _site_like(tail, last.group().strip(), known):
        return title, None
    return head, tail


def site_outlet(site: str) -> str:
    """Outlet name from a site suffix: "RT World News" -> "RT", "BBC News" stays."""
    m = _SECTION_NEWS.match(site)
    return m.group("name") if m else site


def _title_tail(title: str) -> str | None:
    seps = list(_TITLE_SEP.finditer(title))
    return title[seps[-1].end() :].strip().casefold() if seps else None


class SiteNames:
    """Metadata's corpus-wide evidence, gathered one article at a time (so it can be streamed).

    A trailing title segment shared by several titles is a site's name, as is
    any outlet a reader or manifest named.
    """

    def __init__(self) -> None:
        self.tails: Counter[str] = Counter()
        self.outlets: set[str] = set()

    def add(self, art: Article) -> None:
        tail = _title_tail(art.title or next(iter(art.paragraphs), ""))
        if tail is not None:
            self.tails[tail] += 1
        if art.outlet:
            self.outlets.add(art.outlet.casefold())

    def known(self) -> set[str]:
        return {t for t, n in self.tails.items() if n >= 2} | self.outlets


def headline_like(line: str) -> bool:
    n = max(word_count(line), len(line.split()))  # "Newcastle 2-1 Bolton" is three words
    if not 3 <= n <= 30 or len(line) > 250 or line.endswith(":") or parse_dateline(line):
        return False
    bare = line.rstrip("\"'”’» ")
    return not bare.endswith(".") or bare.endswith("...")


# ------------------------------------------------------------------ outlets


def boilerplate_outlet(lines: Sequence[str]) -> str | None:
    """An outlet named by the site's own comment policy or copyright line."""
    for line in lines:
        m = _POLICY_OUTLET.match(line)
        if m:
            return m.group("name")
    for line in lines:
        m = _COPYRIGHT.search(line)
        if m:
            name = re.split(r"\s+all\s+rights|\.\s", m.group("name"), flags=re.I)[0].strip(" .,")
            if name and name.casefold() not in ("all", "the"):
                return name
    return None


# ---------------------------------------------------------------- the stage


@dataclass(slots=True)
class _Header:
    """What the leading lines of one article turned out to be."""

    remove: set[int] = field(default_factory=set)
    date_lines: set[int] = field(default_factory=set)
    labels: list[int] = field(default_factory=list)
    title: str | None = None
    site: str | None = None
    byline: Byline | None = None
    published: str | None = None


def _scan_meta_lines(paras: Sequence[str], head: _Header) -> None:
    limit = min(len(paras), HEADER_LINES)
    for i in range(limit):
        para = paras[i]
        if is_body(para):
            continue
        date = date_line(para)
        if date is not None:
            head.remove.add(i)
            head.date_lines.add(i)
            head.published = head.published or date
            continue
        if head.byline is None:
            byline = parse_byline(para, paras[i + 1] if i + 1 < len(paras) else None)
            if byline is not None:
                head.byline = byline
                head.remove.add(i)
                if i + 1 < len(paras) and _HANDLE_ONLY.match(paras[i + 1]):
                    head.remove.add(i + 1)


def _first_body(paras: Sequence[str]) -> int:
    """Where the body starts; the header is never longer than HEADER_LINES."""
    return next((i for i, p in enumerate(paras) if is_body(p)), min(len(paras), HEADER_LINES))


def _find_title(art: Article, paras: Sequence[str], head: _Header, known: Collection[str]) -> None:
    if art.title:
        head.title, head.site = split_site_suffix(art.title.strip(), known)
        keys = {line_key(art.title), line_key(head.title)}
        head.remove.update(i for i in range(min(3, len(paras))) if line_key(paras[i]) in keys)
        return
    for i in range(_first_body(paras)):
        if i in head.remove:
            continue
        if headline_like(paras[i]):
            head.title, head.site = split_site_suffix(paras[i], known)
            head.remove.add(i)
            return


def _header_leftovers(paras: Sequence[str], head: _Header) -> None:
    """Short lines left above the body: a bare author name beside the date, else section labels."""
    for i in range(_first_body(paras)):
        para = paras[i]
        if i in head.remove or word_count(para) > 4 or ends_sentence(para) or _DIGIT.search(para):
            continue  # times and numbers in the header are content (live-blog entries), not labels
        beside_date = bool({i - 1, i + 1} & head.date_lines)
        name = _names(para) if beside_date and head.byline is None and len(para.split()) >= 2 else None
        if name:
            head.byline = Byline(_tidy_name(name))
            head.remove.add(i)
        else:
            head.labels.append(i)


def _outlet(art: Article, head: _Header, wire: str | None) -> str | None:
    if art.outlet:
        return art.outlet
    if head.site:
        return site_outlet(head.site)
    named = boilerplate_outlet(art.boilerplate)
    if named:
        return named
    if head.byline and head.byline.organisation:
        return head.byline.name
    return wire


def _apply_dateline(art: Article) -> str | None:
    """Strip a dateline prefix from the first paragraphs; returns a wire named in it."""
    for n, para in enumerate(art.paragraphs[:3]):
        found = parse_dateline(para)
        if found is not None:
            art.dateline = found.place
            art.paragraphs[n] = para[found.end :]
            return found.wire
    return None


def extract_metadata(art: Article, known_sites: Collection[str] = ()) -> Article:
    """Fill the article's metadata fields from its leading lines, removing those lines from the body."""
    paras = art.paragraphs
    head = _Header()
    _scan_meta_lines(paras, head)
    _find_title(art, paras, head, known_sites)
    _header_leftovers(paras, head)
    gone = head.remove | set(head.labels)
    art.boilerplate = [paras[i] for i in head.labels] + art.boilerplate
    art.paragraphs = [p for i, p in enumerate(paras) if i not in gone] or paras
    art.title = head.title
    if not art.byline and head.byline:
        art.byline = head.byline.name
    raw_date = art.published
    art.published = (parse_date(raw_date) if raw_date else None) or head.published
    if raw_date and not parse_date(raw_date):
        art.warnings.append(f"unrecognised date {raw_date!r}")
    if head.published is None and head.byline and head.byline.date:
        art.published = art.published or head.byline.date
    # The text states no date: the permalink often does.
    art.published = art.published or url_date(art.url)
    wire = _apply_dateline(art) if art.dateline is None else None
    art.outlet = _outlet(art, head, wire)
    return art


class Metadata:
    name: str = "metadata"
    requires: tuple[str, ...] = ("articles",)
    provides: tuple[str, ...] = ("articles.metadata",)

    def __init__(self, options: Options, known: Collection[str] | None = None):
        self.options = options
        self.known = known  # site names gathered beforehand over a larger corpus (SiteNames)

    def __call__(self, corpus: Corpus) -> Corpus:
        known = self.known
        if known is None:
            names = SiteNames()
            for art in corpus.articles:
                names.add(art)
            known = names.known()
        for art in corpus.articles:
            extract_metadata(art, known)
            for message in art.warnings:
                if message.startswith("unrecognised date"):
                    corpus.warn(art.source, message)
        return corpus
