"""Coverage gold: loading the fact-level stories and aligning a run's claims to their sentences.

``../shared/eval/coverage`` holds, per story, ``<story>.map.json`` (article labels ``A1``, ``A2``, ... with
their source and numbered sentences) and ``<story>.gold.json`` (facts -> sentence ids, contradictions,
off-topic and boilerplate sentences); see its README. This module turns a pair into a :class:`GoldStory`
with the article files to analyse, and locates the gold sentences in the clean text of a Parallax run
(:func:`align`), exactly as the reference scorer ``score.py`` does:

* an article of the run is matched to a label when its file name ends with the map's ``source``;
* a sentence is located by its words, whitespace- and quote-insensitive (``locate``);
* a claim (or any span) is assigned the gold sentences it overlaps by at least half of either.

BASIL articles are written as ``<outlet>_<triplet-uuid>_<n>.txt``: title, a blank line, then the
``body-paragraphs`` with each paragraph's sentences joined by one space, paragraphs separated by blank
lines (so the map's sentences, BASIL's flattened ``pN`` sentences, are substrings of the text). The
seed story's articles are the files of ``<eval>/../seeds`` as they are.
"""

from __future__ import annotations

import ast
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError

_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "\xa0": " "})


@dataclass(slots=True)
class GoldStory:
    """One labelled story: its map and gold as loaded, and its article files (label -> (name, text)).

    The derived views (``sentences``, ``facts_of``, ...) are computed once and shared: do not mutate them.
    """

    name: str
    kind: str  # "basil" | "txt"
    map: dict[str, Any]
    gold: dict[str, Any]
    files: dict[str, tuple[str, str]] = field(default_factory=dict)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def labels(self) -> list[str]:
        return list(self.map["articles"])

    def sentences(self) -> dict[str, str]:
        """Sentence id -> text, in map order (for BASIL ``s0`` is the title)."""
        if "sentences" not in self._cache:
            out: dict[str, str] = {}
            for label, art in self.map["articles"].items():
                start = 0
                if self.kind == "basil":
                    out[f"{label}.s0"] = art["title"]
                    start = 1
                for j, sent in enumerate(art["sentences"], start):
                    out[f"{label}.s{j}"] = sent
            self._cache["sentences"] = out
        return self._cache["sentences"]  # type: ignore[no-any-return]

    def facts_of(self) -> dict[str, set[str]]:
        """Sentence id -> the gold facts it states (sentences stating none are absent)."""
        if "facts_of" not in self._cache:
            out: dict[str, set[str]] = defaultdict(set)
            for fact in self.gold["facts"]:
                for sid in fact["sentences"]:
                    out[sid].add(fact["id"])
            self._cache["facts_of"] = dict(out)
        return self._cache["facts_of"]  # type: ignore[no-any-return]

    def fact_labels(self) -> dict[str, set[str]]:
        """Fact id -> the article labels with a sentence stating it."""
        out: dict[str, set[str]] = defaultdict(set)
        for fact in self.gold["facts"]:
            out[fact["id"]].update(label_of(s) for s in fact["sentences"])
        return dict(out)

    def label_facts(self) -> dict[str, set[str]]:
        """Article label -> the gold facts it states."""
        out: dict[str, set[str]] = defaultdict(set)
        for fact in self.gold["facts"]:
            for sid in fact["sentences"]:
                out[label_of(sid)].add(fact["id"])
        return dict(out)

    def same_fact(self, a: str, b: str) -> bool:
        """Whether two sentences (ids) share a gold fact: the label a same-fact model learns."""
        facts = self.facts_of()
        return bool(facts.get(a, set()) & facts.get(b, set()))


def label_of(sentence_id: str) -> str:
    """``"A2.s7"`` -> ``"A2"``."""
    return sentence_id.split(".")[0]


def find_coverage_dir(path: Path) -> Path:
    """The coverage directory itself, or the ``coverage`` folder of an eval directory."""
    path = Path(path)
    if not any(path.glob("*.gold.json")) and (path / "coverage").is_dir():
        path = path / "coverage"
    if not any(path.glob("*.gold.json")):
        raise InputError(f"no coverage gold (<story>.gold.json and .map.json) under {path}")
    return path


def load_gold(coverage_dir: Path, skipped: list[str] | None = None) -> list[GoldStory]:
    """Every story of the coverage directory with its files, sorted by name.

    Stories whose articles cannot be found (the BASIL JSON, or the seeds directory beside the eval
    directory) are left out with a note appended to ``skipped``.
    """
    root = find_coverage_dir(coverage_dir)
    out = []
    for gold_path in sorted(root.glob("*.gold.json")):
        name = gold_path.name.removesuffix(".gold.json")
        map_path = root / f"{name}.map.json"
        if not map_path.is_file():
            _note(skipped, f"{name}: {map_path.name} missing")
            continue
        mp = json.loads(map_path.read_text(encoding="utf-8"))
        story = GoldStory(name, mp["kind"], mp, json.loads(gold_path.read_text(encoding="utf-8")))
        try:
            story.files = _files(root, story)
        except FileNotFoundError as exc:
            _note(skipped, f"{name}: skipped, {exc}")
            continue
        out.append(story)
    return out


def _note(skipped: list[str] | None, text: str) -> None:
    if skipped is not None:
        skipped.append(text)


def _files(root: Path, story: GoldStory) -> dict[str, tuple[str, str]]:
    if story.kind == "basil":
        articles = root.parent / "basil" / "articles"
        return {lab: _basil_file(articles, art) for lab, art in story.map["articles"].items()}
    seeds = root.parent.parent / "seeds"
    if not seeds.is_dir():
        raise FileNotFoundError(f"seeds directory {seeds} not found")
    out = {}
    for lab, art in story.map["articles"].items():
        path = seeds / art["source"]
        if not path.is_file():
            raise FileNotFoundError(f"seed article {path} not found")
        out[lab] = (path.name, path.read_text(encoding="utf-8"))
    return out


def _basil_file(articles: Path, art: dict[str, Any]) -> tuple[str, str]:
    found = sorted(articles.glob(f"*/{art['source']}.json"))
    if not found:
        raise FileNotFoundError(f"BASIL article {art['source']}.json not found under {articles}")
    data = json.loads(found[0].read_text(encoding="utf-8"))
    raw = data.get("body-paragraphs") or []
    if isinstance(raw, str):
        raw = ast.literal_eval(raw)
    paragraphs = []
    for para in raw:
        sentences = para if isinstance(para, list) else [para]
        text = " ".join(" ".join(str(s).split()) for s in sentences).strip()
        if text:
            paragraphs.append(text)
    title = " ".join(str(art.get("title") or data.get("title") or "").split())
    outlet = art.get("outlet") or data.get("source") or "basil"
    return f"{outlet}_{art['source']}.txt", "\n\n".join([title, *paragraphs]) + "\n"


def write_files(story: GoldStory, directory: Path) -> list[Path]:
    """Write the story's article files into ``directory``; their paths, in label order."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    out = []
    for name, text in story.files.values():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        out.append(path)
    return out


def norm(text: str) -> str:
    """Quotes straightened, whitespace collapsed."""
    return re.sub(r"\s+", " ", text.translate(_QUOTES)).strip()


class Haystack:
    """An article's clean text normalised like :func:`norm`, with each character's original position."""

    __slots__ = ("positions", "text")

    def __init__(self, text: str) -> None:
        chars: list[str] = []
        self.positions: list[int] = []
        prev_space = False
        for i, c in enumerate(text.translate(_QUOTES)):
            if c.isspace():
                if prev_space or not chars:
                    continue
                chars.append(" ")
                prev_space = True
            else:
                chars.append(c)
                prev_space = False
            self.positions.append(i)
        self.text = "".join(chars)

    def find(self, sentence: str) -> tuple[int, int] | None:
        """``(start, end)`` of the sentence in the original text, or None (also for under 3 characters)."""
        needle = norm(sentence)
        if len(needle) < 3:
            return None
        k = self.text.find(needle)
        if k < 0:
            return None
        return self.positions[k], self.positions[k + len(needle) - 1] + 1


def locate(text: str, sentence: str) -> tuple[int, int] | None:
    """Where a gold sentence is in an article's clean text, whitespace- and quote-insensitive."""
    return Haystack(text).find(sentence)


@dataclass(slots=True)
class Alignment:
    """A gold story against one run: matched articles, located sentences, and the system story scored."""

    story: GoldStory
    article_of: dict[str, dict[str, Any]]  # label -> the run's article (JSON view)
    located: dict[str, tuple[str, int, int]]  # sentence id -> (article id, start, end)
    view_story: dict[str, Any]  # the run's story holding most of the gold story's articles
    system_stories: int = 0  # how many of the run's stories hold its articles (1 = not split)
    _by_article: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)

    @property
    def label_of_article(self) -> dict[str, str]:
        return {art["id"]: lab for lab, art in self.article_of.items()}

    def sentences_in(self, article_id: str, start: int, end: int) -> list[str]:
        """Gold sentences a span overlaps by at least half of the span or half of the sentence."""
        out = []
        for a, b, sid in self._by_article.get(article_id, []):
            overlap = min(b, end) - max(a, start)
            if overlap > 0 and (overlap >= 0.5 * (end - start) or overlap >= 0.5 * (b - a)):
                out.append(sid)
        return out

    def claim_sentences(self) -> dict[str, list[str]]:
        """Claim id (of the scored story) -> the gold sentences it covers."""
        return {c["id"]: self.sentences_in(c["span"]["article_id"], c["span"]["start"], c["span"]["end"])
                for c in self.view_story.get("claims", [])}


def match_articles(view: dict[str, Any], story: GoldStory) -> dict[str, dict[str, Any]]:
    """Label -> the run's article whose file name ends with the map's source (first such)."""
    by_name = {Path(a["source"]).name: a for a in view.get("articles", [])}
    out = {}
    for lab, art in story.map["articles"].items():
        src = art["source"]
        stem = Path(src).stem
        for name, found in by_name.items():
            if name == src or name.endswith(src) or Path(name).stem.endswith(stem):
                out[lab] = found
                break
    return out


def align(view: dict[str, Any], story: GoldStory) -> Alignment | None:
    """Locate the story's sentences in a run (``to_json`` output); None when none of its articles is there."""
    article_of = match_articles(view, story)
    if not article_of:
        return None
    hay = {lab: Haystack(art["text"]) for lab, art in article_of.items()}
    located: dict[str, tuple[str, int, int]] = {}
    for sid, text in story.sentences().items():
        lab = label_of(sid)
        if lab in hay and (where := hay[lab].find(text)):
            located[sid] = (article_of[lab]["id"], *where)
    ids = {a["id"] for a in article_of.values()}
    stories = view.get("stories", [])
    chosen: dict[str, Any] = max(stories, key=lambda s: len(ids & set(s["article_ids"])), default={})
    by_article: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for sid, (aid, a, b) in located.items():
        by_article[aid].append((a, b, sid))
    spanned = sum(bool(ids & set(s["article_ids"])) for s in stories)
    return Alignment(story, article_of, located, chosen, spanned, dict(by_article))
