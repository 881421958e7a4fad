"""The loaded-terms lexicon: reading it and finding its terms in text.

The packaged list is ``parallax/data/loaded_terms.tsv``; ``options.lexicon``
names a file whose entries are added to it (overriding packaged terms).
The framing stage reports the hits as ``loaded`` signals; the digest and the
NeuS evaluation count them too.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..errors import ParallaxError
from ..records import Record

LEXICON_COLUMNS = ("term", "category", "note", "source")


class LexiconError(ParallaxError):
    """A loaded-terms file that cannot be read."""


@dataclass(frozen=True, slots=True)
class LexiconEntry(Record):
    term: str
    category: str
    note: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class LexiconHit(Record):
    entry: LexiconEntry
    start: int
    end: int


class Lexicon:
    """Loaded terms matched case-insensitively on word boundaries.

    A term ending in ``*`` matches any word starting with it; the longest
    term wins where two overlap ("a slap in the face" over "slap in the face").
    """

    def __init__(self, entries: Sequence[LexiconEntry]):
        by_term: dict[str, LexiconEntry] = {}
        for entry in entries:
            by_term[entry.term.lower()] = entry  # later files override the packaged one
        self.entries = tuple(by_term.values())
        self._by_key = by_term
        terms = sorted(by_term, key=len, reverse=True)
        regexes = [_term_regex(t) for t in terms]
        self._pattern = _alternation(regexes, range(len(terms))) if terms else None
        self._terms = terms
        # Python's re tries every alternative at every position of the text (~10 ms for a news
        # article). Instead, only positions where a term can start are tried, each with just the
        # alternatives (in the same order, so the same one wins) whose first character fits there.
        self._by_char = _alternations_by_char(terms, regexes)
        self._starts = _start_pattern(self._by_char) if self._by_char is not None else None

    def __len__(self) -> int:
        return len(self.entries)

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[LexiconHit]:
        if self._pattern is None:
            return []
        endpos = len(text) if end is None else end
        hits = []
        for m in self._matches(text, start, endpos):
            term = self._terms[int(str(m.lastgroup)[1:])]
            hits.append(LexiconHit(self._by_key[term], m.start(), m.end()))
        return hits

    def _matches(self, text: str, start: int, endpos: int) -> Iterator[re.Match[str]]:
        """What ``self._pattern.finditer`` yields, found faster."""
        assert self._pattern is not None
        if self._starts is None or self._by_char is None:
            yield from self._pattern.finditer(text, start, endpos)
            return
        by_char, full, resume = self._by_char, self._pattern, start
        for candidate in self._starts.finditer(text, start, endpos):
            pos = candidate.start()
            if pos < resume:
                continue
            m = by_char.get(text[pos], full).match(text, pos, endpos)
            if m is not None:
                yield m
                resume = m.end()


def _term_regex(term: str) -> str:
    wildcard = term.endswith("*")
    words = term.rstrip("*").split()
    body = r"[\s-]+".join(re.escape(w) for w in words)
    tail = r"[\w-]*" if wildcard else ""
    return r"(?<!\w)" + body + tail + r"(?!\w)"


def _alternation(regexes: Sequence[str], indices: Iterable[int]) -> re.Pattern[str]:
    """The terms' regexes as one alternation, each in group ``t<index>`` to say which matched."""
    return re.compile("|".join(f"(?P<t{i}>{regexes[i]})" for i in indices), re.IGNORECASE)


def _alternations_by_char(terms: Sequence[str], regexes: Sequence[str]) -> dict[str, re.Pattern[str]] | None:
    """For each ASCII character, the alternation of the terms a match starting on it can be.

    Which terms fit is decided by ``re`` itself, so its case folding (``k`` also matches the
    Kelvin sign) is kept exactly; any other character falls back to the full alternation.
    None when some term has no word to start with.
    """
    firsts = [t.rstrip("*").split()[0][0] if t.rstrip("*").split() else "" for t in terms]
    if not all(firsts):
        return None
    tests = [re.compile(re.escape(f), re.IGNORECASE) for f in firsts]
    compiled: dict[tuple[int, ...], re.Pattern[str]] = {}
    out = {}
    for code in range(128):
        char = chr(code)
        fit = tuple(i for i, test in enumerate(tests) if test.fullmatch(char))
        if fit:
            if fit not in compiled:
                compiled[fit] = _alternation(regexes, fit)
            out[char] = compiled[fit]
    return out


def _start_pattern(by_char: dict[str, re.Pattern[str]]) -> re.Pattern[str]:
    """Positions where a term may start: not after a word character, on a character some term
    starts with or on a non-ASCII one."""
    chars = "".join(re.escape(c) for c in sorted(by_char))
    return re.compile(rf"(?<!\w)(?=[{chars}]|[^\x00-\x7f])" if chars else r"(?<!\w)(?=[^\x00-\x7f])")


def read_lexicon_file(path: Path | str) -> list[LexiconEntry]:
    """Read a tab-separated lexicon (term, category, note, source; ``#`` comments)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"cannot read lexicon {path}: {exc}") from None
    rows = csv.reader((ln for ln in lines if ln.strip() and not ln.startswith("#")), delimiter="\t")
    entries = []
    for row in rows:
        if [c.strip().lower() for c in row[:2]] == ["term", "category"]:
            continue
        if len(row) < 2 or not row[0].strip():
            raise LexiconError(f"lexicon {path}: each line needs at least a term and a category: {row!r}")
        cells = [c.strip() for c in row] + ["", ""]
        entries.append(LexiconEntry(cells[0], cells[1], cells[2], cells[3]))
    return entries


@functools.cache
def load_lexicon(extra: str | None = None) -> Lexicon:
    """The packaged lexicon plus, when given, the entries of ``extra`` (a path)."""
    packaged = resources.files("parallax").joinpath("data", "loaded_terms.tsv")
    entries = read_lexicon_file(str(packaged))
    if extra:
        entries += read_lexicon_file(extra)
    return Lexicon(entries)
