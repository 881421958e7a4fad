"""Clean stage: drafts to articles, with boilerplate lines set aside.

Scraped text mixes the reporting with page furniture: menus, share buttons,
tag lists, picture captions, comment sections. Each line is classified from
general signals, never from a particular site's wording:

* the pattern lexicon in ``parallax/data/boilerplate.txt`` (kinds of lines);
* lines repeated across articles of the corpus from *different* stories
  (site templates; wire copy reprinted by two outlets is not a template);
* menu lines full of Title Case items, section labels above a headline;
* captions: credit patterns, a line duplicated by its neighbouring caption,
  a line that repeats itself;
* blocks: the trailing comment section once its heading is found, the list
  of links under a "Related" heading.

Header lines (title, byline, dates) are kept: the Metadata stage turns them
into fields. Removed lines go, in order, to ``Article.boilerplate``.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np
from rapidfuzz import fuzz

from ..lang import article_language
from ..options import Options
from ..pipeline import Corpus
from ..records import PARAGRAPH_SEP, Article, Draft

BODY_WORDS = 12  # a line this long that ends a sentence is reporting, whatever it mentions
_SECTIONS = ("whole", "short", "caption", "policy", "comments", "list")
_WORD = re.compile(r"[^\W\d_][\w'’.&-]*")
# Chinese, Japanese, Thai, Lao, Khmer, Myanmar: no spaces between words (Korean has them).
_UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_TOKEN = re.compile(r"\w[\w'’.&-]*")
_SENT_END = re.compile(r"[.!?…。！？][\"'”’»)\]」』]*$")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACE = re.compile(r"\s+")
_URL_ONLY = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.I)
_STRIP_EDGES = " :|•·>»›…"
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_META_HINT = re.compile(
    rf"\d{{1,4}}[-/.]\d{{1,2}}[-/.]\d{{1,4}}|\b{_MONTHS}\s+\d|\d\s+{_MONTHS}"
    r"|^by\s|@\w|\b(?:published|updated|posted)\b",
    re.I,
)
_MENU_SEPARATORS = re.compile(r"\s[|•·»›/]\s")
_SIMILAR_BODIES = 0.5
_MAX_HOLDERS = 12  # recurring lines checked against this many holders' bodies
_SENTENCE_BREAK = re.compile(r"[.!?…。！？][\"'”’»)\]」』]*\s")  # where an over-long paragraph may be cut


@dataclass(frozen=True, slots=True)
class BoilerplatePatterns:
    """The compiled pattern sections of a boilerplate lexicon file."""

    whole: re.Pattern[str]
    short: re.Pattern[str]
    caption: re.Pattern[str]
    policy: re.Pattern[str]
    comments: re.Pattern[str]
    list: re.Pattern[str]


def _compile(patterns: list[str]) -> re.Pattern[str]:
    if not patterns:
        return re.compile(r"(?!)")  # matches nothing
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


@functools.cache
def load_boilerplate_patterns(path: str | None = None) -> BoilerplatePatterns:
    """Parse a lexicon file (the packaged ``boilerplate.txt`` by default)."""
    if path is None:
        text = resources.files("parallax").joinpath("data/boilerplate.txt").read_text(encoding="utf-8")
    else:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    sections: dict[str, list[str]] = {name: [] for name in _SECTIONS}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip().lower()
            if current not in sections:
                raise ValueError(f"{path or 'boilerplate.txt'}: unknown section [{current}]")
            continue
        if current is None:
            raise ValueError(f"{path or 'boilerplate.txt'}: pattern before any [section]: {line}")
        re.compile(line)  # fail on the bad line, not on the joined pattern
        sections[current].append(line)
    return BoilerplatePatterns(**{name: _compile(pats) for name, pats in sections.items()})


# ---------------------------------------------------------------- text helpers


def words(line: str) -> list[str]:
    return _WORD.findall(line)


def word_count(line: str) -> int:
    """Words in a line; scripts written without spaces count one word per two characters."""
    found = words(line)
    if not _UNSPACED.search(line):
        return len(found)
    n = 0
    for w in found:
        wide = len(_UNSPACED.findall(w))
        n += max(1, wide // 2) if wide else 1
    return n


def ends_sentence(line: str) -> bool:
    return bool(_SENT_END.search(line))


def is_body(line: str) -> bool:
    """A line of reporting: a long sentence (or a very long line, for truncated scrapes)."""
    n = word_count(line)
    return n >= 25 or (n >= BODY_WORDS and ends_sentence(line))


def line_key(line: str) -> str:
    """Comparison key of a line: its words and numbers, case and punctuation ignored."""
    return " ".join(_TOKEN.findall(line.casefold()))


def _wrapped(lines: list[str]) -> bool:
    """True when the text is hard-wrapped: most lines inside blocks break mid-sentence at a width."""
    inner = [a for a, b in itertools.pairwise(lines) if a and b]
    if len(inner) < 5:
        return False
    in_width = sum(1 for line in inner if 40 <= len(line) <= 100)
    open_ended = sum(1 for line in inner if not ends_sentence(line))
    return in_width >= 0.8 * len(inner) and open_ended >= 0.5 * len(inner)


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of scraped text: each non-blank line, with whitespace normalised.

    Hard-wrapped text is re-joined, as is a line broken before a lowercase word.
    """
    lines = [_SPACE.sub(" ", line).strip() for line in _INVISIBLE.sub("", text).splitlines()]
    wrapped = _wrapped(lines)
    paras: list[str] = []
    prev_blank = True
    for line in lines:
        if not line:
            prev_blank = True
            continue
        joins = (
            not prev_blank
            and paras
            and (wrapped or (len(paras[-1]) >= 30 and not ends_sentence(paras[-1]) and line[0].islower()))
        )
        if joins:
            paras[-1] = f"{paras[-1]} {line}"
        else:
            paras.append(line)
        prev_blank = False
    return paras


# ---------------------------------------------------------- corpus templates


def _shingles(paras: Sequence[str]) -> np.ndarray:
    """Sorted distinct hashes of the body's word 4-grams: what two copies of one story share."""
    toks = [w.casefold() for p in paras if is_body(p) for w in words(p)]
    grams = {" ".join(toks[i : i + 4]) for i in range(max(0, len(toks) - 3))}
    return np.unique(np.array([_key_hash(g) for g in grams], dtype=np.uint64))


def _jaccard(a: np.ndarray, b: np.ndarray) -> float:
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared / max(1, len(a) + len(b) - shared)


def _key_hash(key: str) -> int:
    """A 64-bit hash of a line key or gram: what the template learner keeps instead of the text."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest())


class TemplateKeys:
    """The line keys found to be templates, held as 64-bit hashes; ``key in templates`` as for a set."""

    def __init__(self, hashes: Iterable[int] = ()):
        self.hashes = frozenset(hashes)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and _key_hash(key) in self.hashes

    def __len__(self) -> int:
        return len(self.hashes)


class TemplateLearner:
    """Site templates learnt in two passes over the documents, one document at a time.

    Pass 1 (:meth:`observe`, every document in corpus order) records which
    documents hold each candidate short line; pass 2 (:meth:`add_body`, only
    for the documents :meth:`needed` names) supplies the bodies that tell a
    site banner from one wire story printed twice. Neither pass keeps text,
    so a corpus larger than memory can be streamed through both.
    """

    def __init__(self) -> None:
        self.docs = 0
        self._keys: list[int] = []
        self._holders: list[int] = []
        self._headline: set[int] = set()
        self._groups: dict[int, list[int]] | None = None
        self._bodies: dict[int, np.ndarray] = {}

    def observe(self, paras: Sequence[str]) -> None:
        doc, self.docs = self.docs, self.docs + 1
        keys = set()
        for i, para in enumerate(paras):
            n = word_count(para)
            if n > BODY_WORDS or sum(c.isalpha() for c in para) < 4 or is_body(para):
                continue  # too little text to tell furniture from content ("2 p.m.")
            if i < 8 and _META_HINT.search(para):
                continue  # bylines and dates recur too, but Metadata needs them
            key = _key_hash(line_key(para))
            keys.add(key)
            if i < 3 and n >= 3:
                self._headline.add(key)
        self._keys += keys
        self._holders += [doc] * len(keys)

    def needed(self) -> list[int]:
        """Documents whose bodies pass 2 must give: the first holders of every recurring line."""
        keys = np.array(self._keys, dtype=np.uint64)
        holders = np.array(self._holders, dtype=np.int64)
        self._groups = {}
        if not len(keys):
            return []
        order = np.lexsort((holders, keys))
        keys, holders = keys[order], holders[order]
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        ends = np.r_[starts[1:], len(keys)]
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            key = int(keys[start])
            if end - start >= self._need(key):
                self._groups[key] = holders[start : min(end, start + _MAX_HOLDERS)].tolist()
        self._keys, self._holders = [], []
        return sorted({d for ds in self._groups.values() for d in ds})

    def add_body(self, doc: int, paras: Sequence[str]) -> None:
        self._bodies[doc] = _shingles(paras)

    def templates(self) -> TemplateKeys:
        groups = self._groups if self._groups is not None else {}
        found = [key for key, ds in groups.items() if self._distinct(ds) >= self._need(key)]
        self._bodies = {}
        return TemplateKeys(found)

    def _need(self, key: int) -> int:
        # A shared headline is more likely one wire story than a site banner: ask for more evidence.
        return 3 if key in self._headline else 2

    def _distinct(self, holders: list[int]) -> int:
        """How many holders carry different stories (greedy): copies of one story count once."""
        kept: list[np.ndarray] = []
        for d in holders:
            sig = self._bodies[d]
            if all(_jaccard(sig, k) < _SIMILAR_BODIES for k in kept):
                kept.append(sig)
        return len(kept)


def template_lines(docs: Sequence[Sequence[str]]) -> TemplateKeys:
    """Keys of short lines that recur in articles of different stories: site furniture."""
    learner = TemplateLearner()
    for paras in docs:
        learner.observe(paras)
    for d in learner.needed():
        learner.add_body(d, docs[d])
    return learner.templates()


# ---------------------------------------------------------- line classifier


def _is_menu(line: str) -> bool:
    """Navigation bars: many capitalised items, no sentence."""
    ws = words(line)
    if len(ws) < 6 or ends_sentence(line):
        return False
    caps = sum(1 for w in ws if w[0].isupper() or w == "&")
    share = caps / len(ws)
    if len(_MENU_SEPARATORS.findall(line)) >= 2 and share >= 0.7:
        return True
    if len(ws) < 12 or share < 0.85 or "," in line or "(" in line:
        return False  # commas and brackets make it a list of names (a line-up), not a menu
    repeated = len({w.casefold() for w in ws}) < len(ws)
    return repeated or "&" in line or len(ws) >= 20


def _self_repeating(line: str) -> bool:
    """A line that is the same text twice: how scrapers often render a caption."""
    toks = line.split()
    half = len(toks) // 2
    return len(toks) % 2 == 0 and half >= 4 and toks[:half] == toks[half:]


def _line_reason(line: str, lex: BoilerplatePatterns, templates: Container[str]) -> str | None:
    bare = line.strip(_STRIP_EDGES) or line
    body = is_body(line)
    # Lazily, in order: most lines are settled by the first cheap checks.
    checks: tuple[tuple[str, Callable[[], bool]], ...] = (
        ("symbols", lambda: not any(c.isalnum() for c in line)),
        ("link", lambda: bool(_URL_ONLY.fullmatch(bare))),
        ("comments", lambda: bool(lex.comments.fullmatch(bare))),
        ("navigation", lambda: bool(lex.whole.fullmatch(bare))),
        ("caption", lambda: bool(lex.caption.search(line)) or _self_repeating(line)),
        ("comment policy", lambda: bool(lex.policy.search(line))),
        ("furniture", lambda: not body and bool(lex.short.search(line))),
        ("repeated", lambda: not body and line_key(line) in templates),
        ("menu", lambda: _is_menu(line)),
    )
    return next((reason for reason, hit in checks if hit()), None)


def _first_body(paras: Sequence[str]) -> int:
    return next((i for i, p in enumerate(paras) if is_body(p)), len(paras))


def _comment_tail(paras: Sequence[str], reasons: list[str | None]) -> None:
    """From a comment-section heading near the end, everything after it is the comment section."""
    start = _first_body(paras)
    total = sum(len(p) for p in paras) or 1
    for h in range(start + 1, len(paras)):
        if reasons[h] != "comments":
            continue
        tail = paras[h + 1 :]
        before = sum(len(p) for p in paras[:h])
        about_comments = sum(1 for p in tail if _COMMENT_WORDS.search(p))
        if before >= 0.5 * total or about_comments >= 0.5 * len(tail):
            for j in range(h, len(paras)):
                reasons[j] = reasons[j] or "comments"
            return


_COMMENT_WORDS = re.compile(
    r"\bcomment|\bmoderat|\bguideline|\bprofanit|\bpublish|\bpost\b|\breply|\brequired\b|"
    r"\b(?:log|sign) ?in\b|\bregister\b|\bemail\b",
    re.I,
)


def _link_lists(paras: Sequence[str], reasons: list[str | None], lex: BoilerplatePatterns) -> None:
    """Headline-like lines under a "Related stories" heading, up to the next sentence."""
    for i, para in enumerate(paras):
        if not lex.list.fullmatch(para.strip(_STRIP_EDGES) or para):
            continue
        for j in range(i + 1, min(len(paras), i + 16)):
            if ends_sentence(paras[j]) or word_count(paras[j]) > 20:
                break
            reasons[j] = reasons[j] or "related"


def _caption_neighbours(paras: Sequence[str], reasons: list[str | None]) -> None:
    """A line contained in a neighbouring caption is the same caption without its credit."""
    for i, reason in enumerate(reasons):
        if reason != "caption":
            continue
        for j in range(max(0, i - 2), min(len(paras), i + 3)):
            contained = reasons[j] is None and 20 <= len(paras[j]) <= len(paras[i])
            if contained and fuzz.partial_ratio(paras[j], paras[i]) >= 95:
                reasons[j] = "caption"


def _is_label(line: str) -> bool:
    ws = words(line)
    return 0 < len(ws) <= 3 and not ends_sentence(line) and all(w[0].isupper() or w == "&" for w in ws)


def _leading_labels(paras: Sequence[str], reasons: list[str | None]) -> None:
    """Section labels ("World", "Middle East") stacked above the headline."""
    end = _first_body(paras)
    live = [i for i in range(end) if reasons[i] is None]
    for n, i in enumerate(live):
        later = live[n + 1 :]
        if _is_label(paras[i]) and any(word_count(paras[j]) >= 4 for j in later):
            reasons[i] = "label"
        else:
            break


def _duplicates(paras: Sequence[str], reasons: list[str | None]) -> None:
    """A long paragraph the scrape repeated. Short recurring lines (an interviewer's
    question, a recipe step) are content and stay."""
    seen: set[str] = set()
    dup = [False] * len(paras)
    for i, para in enumerate(paras):
        if reasons[i] is None:
            key = line_key(para)
            dup[i] = key in seen and word_count(para) >= 4
            seen.add(key)
    for i, is_dup in enumerate(dup):
        if is_dup and word_count(paras[i]) >= 25:
            reasons[i] = "duplicate"


def classify_lines(
    paras: Sequence[str], lex: BoilerplatePatterns, templates: Container[str] = frozenset()
) -> list[str | None]:
    """Why each paragraph is boilerplate (a short reason), or None for body text."""
    reasons = [_line_reason(p, lex, templates) for p in paras]
    _comment_tail(paras, reasons)
    _link_lists(paras, reasons, lex)
    _caption_neighbours(paras, reasons)
    _leading_labels(paras, reasons)
    _duplicates(paras, reasons)
    return reasons


# ---------------------------------------------------------------- the stage


def _article(draft: Draft, body: list[str], boilerplate: list[str]) -> Article:
    return Article(
        id=draft.id,
        source=draft.source,
        paragraphs=body,
        outlet=draft.outlet,
        title=draft.title,
        byline=draft.byline,
        published=draft.published,
        boilerplate=boilerplate,
        # The text decides over the page's declared language: templates declare one site-wide.
        language=article_language(PARAGRAPH_SEP.join(body), draft.language),
        url=draft.url,
        format=draft.format,
        warnings=list(draft.warnings),
    )


class Clean:
    name: str = "clean"
    requires: tuple[str, ...] = ("drafts",)
    provides: tuple[str, ...] = ("articles",)

    def __init__(self, options: Options, templates: Container[str] | None = None):
        self.options = options
        # Learnt beforehand from a larger corpus (the batch driver streams it); else from this one.
        self.templates = templates

    def __call__(self, corpus: Corpus) -> Corpus:
        lex = load_boilerplate_patterns()
        done = {a.id for a in corpus.articles}
        drafts = [d for d in corpus.drafts if d.id not in done]
        docs = [split_paragraphs(d.text) for d in drafts]
        templates = template_lines(docs) if self.templates is None else self.templates
        for draft, paras in zip(drafts, docs, strict=True):
            reasons = classify_lines(paras, lex, templates)
            body = [p for p, r in zip(paras, reasons, strict=True) if r is None]
            boilerplate = [p for p, r in zip(paras, reasons, strict=True) if r is not None]
            if not body or sum(len(p) for p in body) < self.options.min_article_chars:
                corpus.warn(draft.source, "skipped: no article text left after removing boilerplate")
                continue
            kept = self._limited(draft, body, corpus)
            if kept:
                corpus.articles.append(_article(draft, kept, boilerplate))
        return corpus

    def _limited(self, draft: Draft, body: list[str], corpus: Corpus) -> list[str]:
        """The body cut to max_article_chars at a paragraph end, else a sentence end; [] if neither."""
        limit = self.options.max_article_chars
        kept, size = limit_length(body, limit), len(PARAGRAPH_SEP.join(body))
        if kept == body:
            return body
        end = f"the end of paragraph {len(kept)} of {len(body)}" if kept else "a sentence end"
        if not kept and not (kept := _first_sentences(body[0], limit)):
            corpus.warn(draft.source, f"skipped: {size:,} characters and no sentence end before {limit:,}")
        else:
            done = len(PARAGRAPH_SEP.join(kept))
            corpus.warn(
                draft.source,
                f"truncated: text is {size:,} characters, over max_article_chars ({limit:,});"
                f" analysed the first {done:,}, to {end}",
            )
        return kept


def limit_length(paras: list[str], limit: int) -> list[str]:
    """The leading paragraphs whose joined text fits in ``limit`` characters (spans stay whole)."""
    size = -len(PARAGRAPH_SEP)
    for count, para in enumerate(paras):
        size += len(PARAGRAPH_SEP) + len(para)
        if size > limit:
            return paras[:count]
    return paras


def _first_sentences(para: str, limit: int) -> list[str]:
    ends = [m.end() for m in _SENTENCE_BREAK.finditer(para, 0, limit + 1)]
    return [para[: ends[-1]].rstrip()] if ends else []
