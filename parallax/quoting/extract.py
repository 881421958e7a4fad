"""Quote extraction for one article: quotation marks + speech cues -> Quote records.

Two sources of quotes are merged. A cue with a reported clause ("X said that
…", "according to X, …") gives an indirect quote, or a mixed one when the
clause contains quoted words. A quoted stretch not inside such a clause gives
a direct quote, credited to the nearest cue next to it; without one, a full
sentence in quotation marks continues the previous speaker (quotes split
around the verb, or carried on in the next paragraph).

A quote gets its speaker *phrase* here (``speaker_span``: the cue's subject,
"he", "the minister", "Iran's Supreme Leader Ali Khamenei"); the people model
(:mod:`parallax.people`, run by the Entities stage) turns it into the name
shown and the speaker's entity id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..people.mentions import noun_phrase
from ..people.names import PRONOUNS, strip_titles
from ..records import Article, Quote, Span
from .cues import Cue, find_cues, is_media
from .marks import Segment, find_segments

_TRIM = " \t\n,;:—–-"
_TITLE_CUES = frozenset({"on", "in", "of", "at", "from", "by", "call", "title", "dub", "name", "headline"})
_ABBREV = re.compile(r"[A-Z][a-z]{0,3}|(?:[A-Za-z]\.)+[A-Za-z]")
_TAIL = re.compile(r"[^.!?\n“”\"]{0,40}?[“\"][^.!?\n”\"]{1,40}[.!?]?[”\"]")
MIN_WORDS = 4  # shorter quoted stretches are fragments, kept only with an adjacent cue


@dataclass(slots=True)
class _Found:
    start: int
    end: int
    kind: str
    cue: Cue | None
    speaker: str | None = None
    speaker_span: tuple[int, int] | None = None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end


def _words(text: str) -> int:
    return len(text.split())


def extract(article: Article, doc: Any) -> list[Quote]:
    """All quotes in ``article`` (``doc`` is the spaCy parse of ``article.text``)."""
    text = article.text
    segments = find_segments(text)
    cues = [c for c in find_cues(doc) if not _in_segment(segments, doc[c.cue].idx)]
    for c in cues:
        if c.speaker >= 0 and _in_segment(segments, doc[c.speaker].idx):
            c.speaker = _subject_outside(doc, c, segments)
    found, used = _clause_quotes(text, doc, cues, segments)
    found += _direct_quotes(text, doc, cues, [s for s in segments if s not in used])
    found += _block_quotes(text, doc, cues, segments)
    found.sort(key=lambda f: f.start)
    quotes: list[Quote] = []
    seen: set[int] = set()
    previous: _Found | None = None
    for item in found:
        if item.start in seen:
            continue
        seen.add(item.start)
        _attribute(item, doc, previous, text)
        quotes.append(_record(article.id, text, doc, item))
        previous = item
    return quotes


def _in_segment(segments: list[Segment], pos: int) -> bool:
    return any(s.inner_start <= pos < s.inner_end for s in segments)


def _subject_outside(doc: Any, cue: Cue, segments: list[Segment]) -> int:
    """The speaker of '“…,” Ramos, 58, told AFP' when the parser took a word of the quote as the
    subject: the first noun between the closing mark and the cue verb, else none."""
    verb = doc[cue.cue]
    seg = None
    for s in segments:
        if s.end <= verb.idx:
            seg = s
    if seg is None:
        return -1
    for tok in doc[verb.sent.start : cue.cue]:
        if tok.idx < seg.end or tok.is_punct:
            continue
        if tok.pos_ in ("PROPN", "NOUN", "PRON"):
            while tok.dep_ in ("compound", "flat") and tok.head.i < cue.cue and tok.head.i > tok.i:
                tok = tok.head
            return int(tok.i)
        if tok.pos_ not in ("DET", "ADJ", "NUM"):
            break
    return -1


def _clause_quotes(
    text: str, doc: Any, cues: list[Cue], segments: list[Segment]
) -> tuple[list[_Found], set[Segment]]:
    """Indirect and mixed quotes: the clause a cue reports, widened to whole quoted stretches."""
    out: list[_Found] = []
    used: set[Segment] = set()
    for cue in cues:
        if cue.clause_start < 0:
            continue
        start = doc[cue.clause_start].idx
        last = doc[_clause_stop(doc, cue, cues) - 1]
        start, end = _trim(text, start, last.idx + len(last))
        if cue.clause_start > cue.cue:
            end = _extend_to_stop(text, end)
        cue_pos = doc[cue.cue].idx
        if end - start < 2 or "\n\n" in text[min(start, cue_pos) : max(end, cue_pos)]:
            continue  # the parser joined paragraphs (a headline with the lead): not one statement
        if _clause_is_cue(doc, cue, cues):
            continue  # the clause is just another cue ("X said, M reported"): M is a channel
        if doc[cue.cue].lower_ == "according" and any(
            c is not cue and start <= doc[c.cue].idx < end for c in cues
        ):
            continue  # "X said …, according to M": M is the channel of X's cue, not a second quote
        overlapping = [s for s in segments if s.start < end and start < s.end]
        inner = sum(min(end, s.inner_end) - max(start, s.inner_start) for s in overlapping)
        if overlapping and inner >= 0.8 * (end - start):
            continue  # the clause is itself a direct quote; the direct pass credits it
        for seg in overlapping:
            start, end = min(start, seg.inner_start), max(end, seg.inner_end)
            used.add(seg)
        if _words(text[start:end]) < 2:
            continue
        out.append(_Found(start, end, "mixed" if overlapping else "indirect", cue))
    return out, used


def _clause_stop(doc: Any, cue: Cue, cues: list[Cue]) -> int:
    """End of a cue's clause, cut before a second speaker's conjoined cue
    ("She said A, and when pressed, the mother replied, B")."""
    end = cue.clause_end
    for c in cues:
        tok = doc[c.cue]
        if c is cue or not cue.clause_start < c.cue < end or tok.dep_ not in ("conj", "advcl", "parataxis"):
            continue
        if c.speaker >= 0 and doc[c.speaker].i > cue.clause_start:
            left = tok.left_edge.i
            while left > cue.clause_start + 1 and doc[left - 1].dep_ in ("cc", "punct"):
                left -= 1
            if left - cue.clause_start >= 3:
                end = min(end, left)
    return end


def _clause_is_cue(doc: Any, cue: Cue, cues: list[Cue]) -> bool:
    """Whether a cue's clause is just a channel's cue, as in "X said, M reported".

    "She said she was asked to …" also has a cue heading the clause, but one that
    credits a person and reports nothing of its own.
    """
    lo, hi = cue.clause_start, cue.clause_end
    outer_media = cue.speaker >= 0 and is_media(doc[cue.speaker])
    for c in cues:
        if c is cue or not lo <= c.cue < hi:
            continue
        head = doc[c.cue].head.i
        heads = head == c.cue or not lo <= head < hi
        if heads and (outer_media or (c.speaker >= 0 and is_media(doc[c.speaker]))):
            return True
    return False


def _extend_to_stop(text: str, end: int) -> int:
    """Carry a clause the parser cut short on to its sentence's final stop and quote mark."""
    m = _TAIL.match(text, end)
    return m.end() if m else end


def _direct_quotes(text: str, doc: Any, cues: list[Cue], segments: list[Segment]) -> list[_Found]:
    out: list[_Found] = []
    for seg in segments:
        start, end = _trim(text, seg.inner_start, seg.inner_end)
        if end <= start:
            continue
        words = _words(text[start:end])
        cue = _adjacent_cue(text, doc, cues, seg, fragment=words < MIN_WORDS)
        if cue is None and (words < MIN_WORDS or not _starts_sentence(text, seg.start)):
            continue
        out.append(_Found(start, end, "direct", cue))
    return out


def _block_quotes(text: str, doc: Any, cues: list[Cue], segments: list[Segment]) -> list[_Found]:
    """A paragraph introduced by a cue ending in a colon ("The governor added:")."""
    out = []
    for cue in cues:
        if cue.cue_end >= len(doc) or doc[cue.cue_end].text != ":":
            continue
        colon = doc[cue.cue_end].idx + 1
        if not text.startswith("\n\n", colon) or _in_segment(segments, colon + 2):
            continue
        end = text.find("\n\n", colon + 2)
        start, end = _trim(text, colon + 2, len(text) if end < 0 else end)
        if _words(text[start:end]) >= MIN_WORDS and text[start] not in "“\"«„":
            out.append(_Found(start, end, "direct", cue))
    return out


def _starts_sentence(text: str, pos: int) -> bool:
    before = text[:pos].rstrip(" \t")
    return not before or before.endswith(("\n", ".", "!", "?", ":", "”", '"'))


def _adjacent_cue(text: str, doc: Any, cues: list[Cue], seg: Segment, fragment: bool) -> Cue | None:
    """The cue that introduces ``seg``: right after it in its sentence, else before it."""
    para_start = text.rfind("\n\n", 0, seg.start) + 2 if "\n\n" in text[: seg.start] else 0
    para_end = text.find("\n\n", seg.end)
    para_end = len(text) if para_end < 0 else para_end
    after_tok = doc.char_span(seg.end, para_end, alignment_mode="expand") if seg.end < para_end else None
    after = [c for c in cues if seg.end <= doc[c.cue].idx < para_end]
    if fragment and _names_a_title(doc, seg.start):
        return None  # 'on NBC's "Today" show, according to TIME': a title, not speech
    if after_tok is not None and after:
        first = after[0]
        stop = _next_sentence_or_quote(text, seg.end, para_end)
        gap = first.cue - after_tok.start
        if doc[first.cue].idx < stop and gap <= (3 if fragment else 10):
            return _prefer_person(doc, [c for c in after if doc[c.cue].idx < stop])
    before = [c for c in cues if para_start <= doc[c.cue].idx < seg.start]
    if before:
        sent_start = doc.char_span(seg.start, seg.end, alignment_mode="expand")
        sent = sent_start[0].sent if sent_start is not None and len(sent_start) else None
        lo = sent.start_char if sent is not None else para_start
        near = [c for c in before if doc[c.cue].idx >= max(lo, _prev_quote_end(text, seg.start, para_start))]
        if near:
            gap_text = text[doc[near[-1].cue].idx : seg.start]
            if _names_a_title(doc, seg.start):
                return None  # "said on CNN's “State of the Union”": a title, not speech
            if not fragment or _words(gap_text) <= 4:
                return _prefer_person(doc, near)
    return None


def _names_a_title(doc: Any, start: int) -> bool:
    """Whether the quotation marks at ``start`` follow "on CNN's", "called", "titled" …"""
    before = doc.char_span(0, start, alignment_mode="contract") if start > 0 else None
    if before is None or not len(before):
        return False
    tok = before[-1]
    return tok.tag_ == "POS" or tok.lower_ in _TITLE_CUES or tok.lemma_.lower() in _TITLE_CUES


def _next_sentence_or_quote(text: str, start: int, limit: int) -> int:
    """Where the text after a closing quote stops belonging to it."""
    for i in range(start, limit):
        ch = text[i]
        if ch in "“«„\"" or (ch in ".!?" and i + 1 < limit and text[i + 1] == " " and not _abbrev(text, i)):
            return i
    return limit


def _abbrev(text: str, dot: int) -> bool:
    """Whether the full stop at ``dot`` ends an abbreviation ("Mr.", "U.S.") rather than a sentence."""
    word = text[max(0, dot - 5) : dot].rsplit(" ", 1)[-1]
    return bool(_ABBREV.fullmatch(word))


def _prev_quote_end(text: str, pos: int, floor: int) -> int:
    """A cue before an earlier closing mark belongs to that earlier quote."""
    best = floor
    for mark in "”»\"":
        i = text.rfind(mark, floor, pos)
        if i >= 0:
            best = max(best, i + 1)
    return best


def _prefer_person(doc: Any, cues: list[Cue]) -> Cue:
    """Of several cues on one quote ("X said, IRNA reported"), the one crediting a person."""
    main = next((c for c in cues if c.speaker >= 0 and not is_media(doc[c.speaker])), cues[0])
    if main.via < 0:
        media = [c for c in cues if c is not main and c.speaker >= 0 and is_media(doc[c.speaker])]
        channel = media[0] if media else None
        if channel is not None:
            main.via = channel.speaker
    return main


def _attribute(item: _Found, doc: Any, previous: _Found | None, text: str) -> None:
    """The speaker phrase of a quote: its cue's subject, else the previous quote's (a continued quote).

    ``speaker`` is the phrase as written; :mod:`parallax.people` resolves it to a name and an entity.
    """
    cue = item.cue
    if cue is None or cue.speaker < 0:
        if previous is not None and previous.speaker_span and _close(text, previous.end, item.start):
            item.speaker, item.speaker_span = previous.speaker, previous.speaker_span
        return
    head = doc[cue.speaker]
    lo, hi = noun_phrase(head)
    item.speaker_span = (doc[lo].idx, doc[hi].idx + len(doc[hi]))
    phrase = strip_titles(doc[lo : hi + 1].text)
    item.speaker = None if phrase.lower() in PRONOUNS else phrase or None


def _close(text: str, end: int, start: int) -> bool:
    """Whether a cue-less quote at ``start`` can continue the quote ending at ``end``."""
    return start - end >= 0 and text.count("\n\n", end, start) <= 1 and start - end < 600


def _record(article_id: str, text: str, doc: Any, item: _Found) -> Quote:
    cue = item.cue
    cue_span = via = None
    cue_text = None
    if cue is not None:
        first, last = doc[cue.cue], doc[cue.cue_end - 1]
        cue_span = Span(article_id, first.idx, last.idx + len(last))
        cue_text = text[cue_span.start : cue_span.end]
        if cue.via >= 0:
            lo, hi = noun_phrase(doc[cue.via])
            via = doc[lo : hi + 1].text
    return Quote(
        id=f"{article_id}:q{item.start}",
        article_id=article_id,
        span=Span(article_id, item.start, item.end),
        text=text[item.start : item.end],
        kind=item.kind,
        speaker=item.speaker,
        speaker_span=Span(article_id, *item.speaker_span) if item.speaker_span else None,
        cue=cue_text,
        cue_span=cue_span,
        via=via,
    )
