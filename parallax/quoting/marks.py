"""Find stretches of text inside quotation marks, in every common style.

Straight, curly, single, low-9 and guillemet quotes are paired by family
(double or single). A quote left open at the end of a paragraph continues
when the next paragraph opens with a quotation mark again, the usual
convention for multi-paragraph quotes.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..records import Record

# opener -> closers it may pair with
_DOUBLE_OPEN = {"“": "”“\"", "„": "“”", "«": "»", "»": "«", '"': '"'}
_SINGLE_OPEN = {"‘": "’", "‹": "›", "'": "'", "‚": "‘’"}
_ALL_MARKS = set("“”„«»\"‘’‹›'‚")
# Characters that may appear just before an opening quote.
_OPEN_PREV = set(" \t\n([{—–-:/") | {""}


@dataclass(slots=True, frozen=True)
class Segment(Record):
    """A quoted stretch: ``start``/``end`` cover the marks, ``inner_*`` the content."""

    start: int
    end: int
    inner_start: int
    inner_end: int


def _is_opener(text: str, i: int, family: dict[str, str]) -> bool:
    ch = text[i]
    if ch not in family:
        return False
    prev = text[i - 1] if i > 0 else ""
    nxt = text[i + 1] if i + 1 < len(text) else ""
    if ch in "\"'":
        # Straight marks are ambiguous: an opener follows a space and precedes a word.
        return prev in _OPEN_PREV and bool(nxt) and not nxt.isspace()
    if ch == "‘" or ch == "‚":
        return prev in _OPEN_PREV or not prev.isalnum()
    return True


def _is_closer(text: str, i: int, closers: str) -> bool:
    ch = text[i]
    if ch not in closers:
        return False
    nxt = text[i + 1] if i + 1 < len(text) else ""
    prev = text[i - 1] if i > 0 else ""
    if ch in "’'":
        # An apostrophe inside a word ("Iran’s", "don't") does not close a quote.
        return not nxt.isalnum() and not prev.isspace()
    if ch == '"':
        return not prev.isspace() or not nxt.isalnum()
    return True


def find_segments(text: str) -> list[Segment]:
    """All balanced quoted stretches of ``text`` (not nested), in order."""
    out: list[Segment] = []
    i, n = 0, len(text)
    while i < n:
        if text.startswith(("''", "``"), i) and _is_opener(text.replace("`", "'"), i, _SINGLE_OPEN):
            # Two apostrophes or backticks as a double quote mark (''…'' in some wire copy).
            pair = text.find("''", i + 2)
            if pair > i + 2 and "\n\n" not in text[i:pair]:
                out.append(Segment(i, pair + 2, i + 2, pair))
                i = pair + 2
                continue
        family = _DOUBLE_OPEN if _is_opener(text, i, _DOUBLE_OPEN) else None
        if family is None and _is_opener(text, i, _SINGLE_OPEN):
            family = _SINGLE_OPEN
        if family is None:
            i += 1
            continue
        close = _find_close(text, i, family[text[i]])
        if close is None:
            i += 1
            continue
        if close - i > 1:
            out.append(Segment(i, close + 1, i + 1, close))
        i = close + 1
    return out


def _find_close(text: str, start: int, closers: str) -> int | None:
    """Index of the mark closing the quote opened at ``start``, crossing paragraphs if continued."""
    j = start + 1
    n = len(text)
    while j < n:
        if text.startswith("\n\n", j):
            # Continued quote: the next paragraph reopens with the same kind of mark.
            k = j
            while k < n and text[k] in "\n \t":
                k += 1
            if k < n and text[k] == text[start]:
                j = k + 1
                continue
            return None
        if _is_closer(text, j, closers) and j > start + 1:
            return j
        j += 1
    return None


def strip_marks(text: str) -> str:
    """The text without quotation marks (apostrophes inside words kept)."""
    out = []
    for i, ch in enumerate(text):
        if ch in _ALL_MARKS and not (ch in "’'" and 0 < i < len(text) - 1 and text[i - 1].isalnum()
                                     and text[i + 1].isalnum()):
            continue
        out.append(ch)
    return "".join(out)


def inside(segments: list[Segment], pos: int) -> Segment | None:
    """The segment whose content contains character ``pos``."""
    for seg in segments:
        if seg.inner_start <= pos < seg.inner_end:
            return seg
        if seg.start > pos:
            break
    return None
