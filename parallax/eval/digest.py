"""The digest against the coverage gold: are its citations right, do its sentences stand alone?

Each gold story of ../shared/eval/coverage is analysed alone (as ``parallax eval coverage`` does) and
its digest read back from the JSON view. A digest sentence is worded from one article's sentence (its
*source*: the cited span whose words it keeps most of); every citation is then judged by the gold,
not by anything the digest builder looked at:

* the source citation is right when its sentence states a gold fact;
* any other citation is right when its sentence states a gold fact the source's sentence states
  (score.py's "same fact"), so a citation to an outlet that reports something else is wrong;
* a citation whose sentence is not located in the gold (a headline, a stripped dateline) is not judged.

Alongside, what a reader trips over, judged from a spaCy parse of the digest sentence (not the
builder's patterns): fragments (under ``MIN_WORDS`` words, or no finite verb), sentences whose first
word is a pronoun or a demonstrative, and the most citations one sentence carries.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..nlp.spacy import load_spacy
from ..options import Options
from ..records import Record
from ..stages.digest import MIN_WORDS
from .coverage import analyze_story
from .coverage_gold import Alignment, GoldStory, align, load_gold

_WORD = re.compile(r"\w+")


@dataclass(slots=True)
class DigestGoldEval(Record):
    stories: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # per story
    seconds: float = 0.0
    embedder: str = ""

    @property
    def total(self) -> Counter[str]:
        out: Counter[str] = Counter()
        for row in self.counts.values():
            out.update(row)
        return out

    @property
    def citation_precision(self) -> float:
        t = self.total
        return t["cite_ok"] / t["cite_judged"] if t["cite_judged"] else float("nan")

    @property
    def cross_precision(self) -> float:
        """Over citations to other articles than the sentence's source: the ones that can be wrong."""
        t = self.total
        return t["cross_ok"] / t["cross_judged"] if t["cross_judged"] else float("nan")

    def as_dict(self) -> dict[str, Any]:
        t = self.total
        return {"stories": self.stories, "citation_precision": self.citation_precision,
                "cross_precision": self.cross_precision, "sentences": t["sentences"],
                "fragments": t["fragments"], "openings": t["openings"], "counts": self.counts,
                "seconds": self.seconds, "embedder": self.embedder}

    def table(self) -> str:
        t = self.total
        lines = [
            f"digest vs coverage gold, {self.stories} stories, embedder {self.embedder}, {self.seconds:.0f}s",
            f"sentences {t['sentences']} (sections: consensus {t['consensus']}, partial {t['partial']}, "
            f"other {t['other']}, disputed {t['disputed']})",
            f"citation precision {self.citation_precision:.3f} ({t['cite_ok']}/{t['cite_judged']} judged, "
            f"{t['cite_unjudged']} not located); to other articles {self.cross_precision:.3f} "
            f"({t['cross_ok']}/{t['cross_judged']})",
            f"fragments (< {MIN_WORDS} words or no finite verb) {t['fragments']}; "
            f"opening on a pronoun or demonstrative {t['openings']}; most citations on one sentence "
            f"{max((r.get('max_citations', 0) for r in self.counts.values()), default=0)}",
        ]
        return "\n".join(lines)


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def score_digest(view: dict[str, Any], story: GoldStory, nlp: Any = None) -> Counter[str]:
    """Counts for one story's digest (see the module docstring); empty when its articles are not run."""
    al = align(view, story)
    out: Counter[str] = Counter()
    if al is None:
        return out
    texts = {a["id"]: a["text"] for a in al.article_of.values()}
    sentences = [s for d in al.view_story.get("digests", []) for s in d["sentences"]]
    parses = list(nlp.pipe([s["text"] for s in sentences])) if nlp is not None else [None] * len(sentences)
    for sentence, doc in zip(sentences, parses, strict=True):
        _score_sentence(sentence, al, texts, out)
        if doc is not None:
            out["fragments"] += is_fragment(doc)
            out["openings"] += opens_on_pronoun(doc)
    return out


def is_fragment(doc: Any) -> bool:
    """Fewer than ``MIN_WORDS`` words, or no finite verb: a headline, a caption, a clause cut loose."""
    words = [t for t in doc if not t.is_punct and not t.is_space]
    finite = any("Fin" in t.morph.get("VerbForm") or t.tag_ in ("VBD", "VBZ", "VBP", "MD") for t in doc)
    return len(words) < MIN_WORDS or not finite


def opens_on_pronoun(doc: Any) -> bool:
    """The first word (past an opening quotation mark) is a pronoun or a demonstrative determiner."""
    first = next((t for t in doc if not t.is_punct and not t.is_space), None)
    if first is None:
        return False
    # A quote's speaker talking of themselves or the listener ("My view is ...," Romney said) is complete.
    pronoun = first.pos_ == "PRON" and first.lower_ not in ("i", "we", "you", "my", "our", "your")
    return pronoun or "Dem" in first.morph.get("PronType")


def _score_sentence(sentence: Mapping[str, Any], al: Alignment, texts: Mapping[str, str],
                    out: Counter[str]) -> None:
    text, cites = sentence["text"], sentence["citations"]
    out["sentences"] += 1
    out[sentence["section"]] += 1
    out["max_citations"] = max(out["max_citations"], len(cites))
    facts = al.story.facts_of()
    words = _words(text)

    def cited(c: Mapping[str, Any]) -> tuple[list[str], str]:
        snippet = texts.get(c["article_id"], "")[c["start"] : c["end"]]
        return al.sentences_in(c["article_id"], c["start"], c["end"]), snippet

    judged = [(c, *cited(c)) for c in cites]
    source = max(judged, key=lambda j: len(words & _words(j[2])), default=None)
    if source is None:
        return
    source_facts = set().union(*(facts.get(s, set()) for s in source[1]))
    for c, sids, _ in judged:
        if not sids:
            out["cite_unjudged"] += 1
            continue
        mine = set().union(*(facts.get(s, set()) for s in sids))
        ok = bool(mine) if c is source[0] else bool(mine & source_facts)
        out["cite_judged"] += 1
        out["cite_ok"] += ok
        if c is not source[0]:
            out["cross_judged"] += 1
            out["cross_ok"] += ok


def evaluate_views(views: Mapping[str, dict[str, Any]], stories: Iterable[GoldStory], *,
                   seconds: float = 0.0, embedder: str = "", nlp: Any = None) -> DigestGoldEval:
    """Score runs a caller produced (gold story name -> JSON view); ``nlp`` parses for the
    fragment and opening counts (None: not counted)."""
    result = DigestGoldEval(seconds=round(seconds, 1), embedder=embedder)
    for story in sorted(stories, key=lambda s: s.name):
        view = views.get(story.name)
        counts = score_digest(view, story, nlp) if view is not None else Counter()
        if counts:
            result.counts[story.name] = dict(counts)
    result.stories = len(result.counts)
    return result


def evaluate(path: Path, options: Options) -> DigestGoldEval:
    """Analyse every gold story under ``path`` (the coverage folder) and score its digest."""
    started = time.perf_counter()
    stories = load_gold(path)
    views = {s.name: analyze_story(s, options) for s in stories}
    return evaluate_views(views, stories, seconds=time.perf_counter() - started, embedder=options.embedder,
                          nlp=load_spacy(options.spacy_model))
