"""The outlet registry: canonical names, domains, country, type and owner of news outlets.

The packaged table is ``parallax/data/outlets.csv``; a user file of the same
shape (``Options.registry``) adds rows or replaces rows of the same name.
Lookups are exact after normalisation (case, accents, punctuation, a leading
"The"): the registry never guesses an outlet from a near miss.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import ParallaxError
from ..options import Options
from ..records import Record

OUTLET_TYPES = (
    "wire agency", "public broadcaster", "state-funded", "state-controlled", "private", "nonprofit",
)
COLUMNS = ("name", "aliases", "domains", "country", "language", "type", "agency", "owner", "source")
REQUIRED = ("name", "country", "type", "source")

# ISO 3166-1 alpha-2 (officially assigned codes).
ISO_COUNTRIES = frozenset(
    [
        "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
        "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
        "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
        "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
        "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
        "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
        "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
        "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
        "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
        "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
        "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
        "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
        "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
        "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
        "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
        "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
    ]
)
_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


class RegistryError(ParallaxError):
    """An outlet registry file that cannot be used."""


@dataclass(slots=True, frozen=True)
class OutletEntry(Record):
    """One outlet as the registry knows it."""

    name: str
    domains: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    country: str = ""
    language: str = ""
    type: str = ""
    agency: bool = False  # sells copy that other outlets carry
    owner: str = ""
    source: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def normalise_name(text: str) -> str:
    """Comparison key for outlet names: no accents, case, punctuation or leading "The"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold().replace("&", " and ")
    text = re.sub(r"[^\w]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def host_of(url: str) -> str | None:
    """The lower-case host name of ``url`` (scheme optional), without ``www.``."""
    text = url.strip()
    if "//" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    return host.removeprefix("www.")


class Registry:
    """Immutable lookup tables over a list of entries (later entries win on conflicts)."""

    def __init__(self, entries: Iterable[OutletEntry]):
        by_name: dict[str, OutletEntry] = {}
        for entry in entries:
            by_name[normalise_name(entry.name)] = entry
        self.entries: tuple[OutletEntry, ...] = tuple(by_name.values())
        self._names: dict[str, OutletEntry] = {}
        self._domains: dict[str, OutletEntry] = {}
        for entry in self.entries:
            for alias in entry.aliases:
                self._names[normalise_name(alias)] = entry
            for domain in entry.domains:
                self._domains[domain.lower()] = entry
        for entry in self.entries:  # canonical names beat other outlets' aliases
            self._names[normalise_name(entry.name)] = entry
        self._mention = _mention_pattern(n for e in self.entries for n in e.names)

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[OutletEntry]:
        return iter(self.entries)

    def get(self, name: str | None) -> OutletEntry | None:
        """The entry whose name or alias is ``name`` (normalised), if any."""
        if not name:
            return None
        return self._names.get(normalise_name(name))

    def by_domain(self, host: str | None) -> OutletEntry | None:
        """The entry owning ``host`` or its nearest registered parent domain."""
        if not host:
            return None
        labels = host.lower().rstrip(".").removeprefix("www.").split(".")
        for i in range(len(labels) - 1):
            entry = self._domains.get(".".join(labels[i:]))
            if entry is not None:
                return entry
        return None

    def by_url(self, url: str | None) -> OutletEntry | None:
        return self.by_domain(host_of(url)) if url else None

    def mentions(self, text: str) -> Iterator[tuple[re.Match[str], OutletEntry]]:
        """Registered names written in ``text`` (acronyms only in capitals), longest first."""
        for m in self._mention.finditer(text):
            entry = self.get(m.group())
            if entry is not None:
                yield m, entry

    def resolve(self, phrase: str | None) -> OutletEntry | None:
        """The entry a site name, domain or ``"Name - tagline"`` string stands for."""
        if not phrase:
            return None
        phrase = phrase.strip()
        found = self.get(phrase)
        if found is None and _DOMAIN.match(phrase.lower().removeprefix("www.")):
            found = self.by_domain(phrase)
        if found is None:
            # Site names often carry a tagline: "The Jerusalem Post - Israel News".
            parts = [p for p in re.split(r"\s+[-|–—·:]+\s+", phrase) if p.strip()]
            if len(parts) > 1:
                found = self.get(parts[0]) or self.get(parts[-1])
        return found


def _mention_pattern(names: Iterable[str]) -> re.Pattern[str]:
    ordered = sorted(set(names), key=len, reverse=True)
    # "AP" or "RT" in lower case is an ordinary word: acronyms match only as written.
    upper = [re.escape(n) for n in ordered if not any(c.islower() for c in n)]
    other = [re.escape(n) for n in ordered if any(c.islower() for c in n)]
    alternatives = [f"(?-i:{'|'.join(upper)})" if upper else "", f"(?:{'|'.join(other)})" if other else ""]
    body = "|".join(a for a in alternatives if a) or "(?!)"
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.I)


# ----------------------------------------------------------------- reading


def parse_registry(text: str, origin: str) -> list[OutletEntry]:
    """Rows of a registry CSV (``#`` lines are comments); raises RegistryError on bad rows."""
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise RegistryError(f"outlet registry {origin} lacks column(s) {', '.join(missing)}")
    entries = []
    for row in reader:
        entry = _entry(row)
        problems = entry_problems(entry)
        if problems:
            where = f"outlet registry {origin}, outlet {entry.name or '?'}"
            raise RegistryError(f"{where}: {'; '.join(problems)}")
        entries.append(entry)
    return entries


def _entry(row: dict[str, str | None]) -> OutletEntry:
    def cell(key: str) -> str:
        return (row.get(key) or "").strip()

    return OutletEntry(
        name=cell("name"),
        domains=tuple(d.lower().removeprefix("www.") for d in cell("domains").split()),
        aliases=tuple(a.strip() for a in cell("aliases").split(";") if a.strip()),
        country=cell("country").upper(),
        language=cell("language").lower(),
        type=cell("type").lower(),
        agency=cell("agency").lower() in ("yes", "true", "1") or cell("type").lower() == "wire agency",
        owner=cell("owner"),
        source=cell("source"),
    )


def entry_problems(entry: OutletEntry) -> list[str]:
    """What is wrong with one registry row (empty when it is usable)."""
    problems = []
    if not entry.name:
        problems.append("no name")
    if entry.country not in ISO_COUNTRIES:
        problems.append(f"country {entry.country!r} is not an ISO 3166-1 alpha-2 code")
    if entry.type not in OUTLET_TYPES:
        problems.append(f"type {entry.type!r} is not one of: {', '.join(OUTLET_TYPES)}")
    if entry.language and not _LANGUAGE.match(entry.language):
        problems.append(f"language {entry.language!r} is not an ISO 639 code")
    problems += [f"domain {d!r} is not a host name" for d in entry.domains if not _DOMAIN.match(d)]
    if not entry.source:
        problems.append("no source for its facts")
    return problems


def packaged_registry_text() -> str:
    return resources.files("parallax").joinpath("data/outlets.csv").read_text(encoding="utf-8")


@functools.cache
def _load(extra: str | None) -> Registry:
    entries = parse_registry(packaged_registry_text(), "parallax/data/outlets.csv")
    if extra:
        path = Path(extra)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RegistryError(f"cannot read outlet registry {extra}: {exc}") from None
        entries += parse_registry(text, extra)
    return Registry(entries)


def load_registry(options: Options | None = None) -> Registry:
    """The packaged registry plus the user's file named by ``options.registry``."""
    return _load(options.registry if options else None)
