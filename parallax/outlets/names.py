"""What a reader calls each outlet of a story: the one place that decides it.

An article's ``label`` (its outlet, or its input's file name when no outlet
could be identified) stays the key that stored records use. Readers never see
a file name as an outlet: an unidentified outlet is "Unknown outlet A", "B",
... lettered in the order of the file names, so the same story always gets
the same letters, and the file name goes to a tooltip or detail line.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath
from string import ascii_uppercase

from ..records import Article

UNKNOWN = "Unknown outlet"


def letters(index: int) -> str:
    """A, B, ..., Z, AA, AB, ... (spreadsheet columns)."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = ascii_uppercase[rem] + out
    return out


def display_order(name: str) -> tuple[bool, str]:
    """Sort key for shown names: named outlets first, then Unknown outlet A, B, ..."""
    return name.startswith(UNKNOWN), name.casefold()


def outlet_names(articles: Iterable[Article]) -> dict[str, str]:
    """Article label -> the name shown to readers, for one story's articles."""
    arts = list(articles)
    names = {a.label: a.outlet for a in arts if a.outlet}
    unknown = sorted({a.label for a in arts if not a.outlet} - set(names), key=str.casefold)
    for i, label in enumerate(unknown):
        names[label] = f"{UNKNOWN} {letters(i)}"
    return names


def public_source(source: str | None) -> str:
    """An input as shown to readers: its file name and any record part ("#url", ":line"), no directory."""
    path, sep, record = str(source or "").partition("#")
    return PurePath(path).name + sep + record


def source_files(articles: Iterable[Article]) -> dict[str, list[str]]:
    """Article label -> the base names of its input files (never the path on the machine)."""
    files: dict[str, list[str]] = {}
    for art in articles:
        name = public_source(art.source)
        if name and name not in files.setdefault(art.label, []):
            files[art.label].append(name)
    return files
