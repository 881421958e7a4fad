"""Resolved speaker names, by how the text points to the speaker, and quote-cluster precision.

Three measurements over ``../shared/eval``:

* **BASIL** (``basil/``): every quote span (``quote == "yes"``) whose ``speaker``
  label names one person ("Rick_Perry"); "other_*" labels (unnamed) are left
  out, and labels of organisations ("NAACP", "Tea_Party", often given to an
  officer's words) and of groups ("House_Democrats", often given to a named
  member's quote) are counted apart. Each triplet is one story. The quote Parallax extracted that
  overlaps the span most is judged: its ``speaker`` is right when it is the
  label's name: every word of the label starts a word of the name shown
  (BASIL cuts "Calderón" to "Calder"), or the name shown is a shorter form of
  the label and the story never writes the fuller one.
* **PolNeAR** (``polnear/``, a split): every speech attribution (speech-verb or
  "according to" cue) whose Source span names someone (a PERSON or ORG entity
  in the span); the gold name is that name in its fullest form in the article
  (the one full name it is part of). Each article is one story. A Source that
  is a pronoun has no gold name in PolNeAR; where the nearest earlier named
  Source of the same article agrees in gender with the pronoun's title or
  first name, that name is used as a silver label (``pronoun (silver)``).
* **Quote clusters** against the coverage gold (``coverage/``): each story is
  run (front and story stages, then Parse, Quotes, Entities, QuoteClusters);
  each pair of a cluster's quotes from two articles is right when the gold
  sentences they lie in share a fact. ``precision`` counts pairs;
  ``clusters_right`` the share of clusters whose pairs are all right.

The kind of a judged quote comes from its speaker phrase: ``named`` (a name),
``pronoun``, ``description`` (a role noun or a document: "the rookie
defenceman", "the release") or ``floating`` (no cue next to the quote: the
speaker is carried from an earlier quote).
"""

from __future__ import annotations

import ast
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..options import Options
from ..people.names import ORG_NOUNS, PRONOUN_GENDER, PRONOUNS, fold, name_words, part_of, strip_titles
from ..pipeline import Corpus
from ..quoting.marks import strip_marks
from ..records import Article, Quote, Record, Story
from .quotes import locate

KINDS = ("named", "pronoun", "description", "floating")
_GROUP_WORDS = frozenset({"democrats", "republicans", "lawmakers", "catholics", "plaintiffs", "companies",
                          "officials", "members", "leaders", "voters", "supporters"})


@dataclass(slots=True)
class KindScores(Record):
    """Resolved-name accuracy per speaker kind (and over all judged quotes)."""

    right: dict[str, int] = field(default_factory=dict)
    judged: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, ok: bool) -> None:
        for k in (kind, "all") if kind in KINDS else (kind,):
            self.judged[k] = self.judged.get(k, 0) + 1
            self.right[k] = self.right.get(k, 0) + int(ok)

    def accuracy(self, kind: str = "all") -> float:
        n = self.judged.get(kind, 0)
        return self.right.get(kind, 0) / n if n else 0.0

    def row(self, name: str) -> str:
        cells = [f"{self.accuracy(k):.3f} ({self.judged.get(k, 0):3d})" for k in ("all", *KINDS)]
        return f"{name:22} " + " ".join(f"{c:>13}" for c in cells)


@dataclass(slots=True)
class PeopleEval(Record):
    basil: KindScores = field(default_factory=KindScores)  # labels naming a person
    basil_orgs: KindScores = field(default_factory=KindScores)  # labels naming an organisation
    basil_groups: KindScores = field(default_factory=KindScores)
    basil_spans: int = 0  # named-label spans located in the text
    basil_found: int = 0  # of those, overlapped by an extracted quote
    polnear: KindScores = field(default_factory=KindScores)
    polnear_split: str = "dev"
    pairs: int = 0
    pairs_right: int = 0
    clusters: int = 0
    clusters_right: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)  # a sample of wrong names, for reading

    @property
    def precision(self) -> float:
        return self.pairs_right / self.pairs if self.pairs else 0.0

    @property
    def cluster_share(self) -> float:
        return self.clusters_right / self.clusters if self.clusters else 0.0

    def table(self) -> str:
        head = f"{'resolved speaker names':22} " + " ".join(f"{k:>13}" for k in ("all", *KINDS))
        rows = [head, "-" * len(head), self.basil.row("BASIL persons"),
                self.basil_orgs.row("BASIL organisations"), self.basil_groups.row("BASIL group labels"),
                self.polnear.row(f"PolNeAR {self.polnear_split} named")]
        silver = self.polnear.judged.get("pronoun (silver)", 0)
        rows.append(f"PolNeAR {self.polnear_split} pronoun (silver): "
                    f"{self.polnear.accuracy('pronoun (silver)'):.3f} ({silver})")
        rows.append(f"BASIL: {self.basil_found}/{self.basil_spans} person/organisation quote spans "
                    "overlapped by a quote")
        rows.append(f"quote clusters vs coverage gold: pair precision {self.precision:.3f} "
                    f"({self.pairs_right}/{self.pairs}), clusters all right {self.cluster_share:.3f} "
                    f"({self.clusters_right}/{self.clusters})")
        rows.append(f"{self.seconds:.1f}s; accuracy (judged quotes) per kind of speaker phrase")
        return "\n".join(rows)


# --- matching a shown name against a label -----------------------------------------------------


def label_words(label: str) -> list[str]:
    return [w.strip(".,") for w in fold(label.replace("_", " ").replace("’", "'")).split() if w.strip(".,")]


def is_org(label: str) -> bool:
    words = label.replace("_", " ").split()
    return bool(words) and (label.isupper() or words[-1].lower() in ORG_NOUNS)


def is_group(label: str) -> bool:
    words = label.replace("_", " ").split()
    return bool(words) and (words[-1].lower() in _GROUP_WORDS or any(w.islower() for w in words))


def name_matches(label: list[str], shown: str | None, text: str) -> bool:
    """Whether the name shown is the labelled name (``label``: folded words), as the text gives it."""
    if not shown or not label:
        return False
    words = name_words(shown) or fold(shown).split()
    if len(label) == 1 and _initials(shown) == label[0].replace(".", ""):
        return True  # "IMF" shown in full: "International Monetary Fund"
    if all(any(w.startswith(lab) for w in words) for lab in label):
        return True
    # A shorter form is right only where the text never gives the fuller one.
    shorter = bool(words) and all(any(lab.startswith(w) for lab in label) for w in words)
    return shorter and not all(f" {lab}" in f" {fold(text)}" for lab in label)


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isupper()).lower()


def speaker_kind(q: Quote, doc: Any) -> str:
    if q.cue is None:
        return "floating"
    if q.speaker_span is None:
        return "floating"
    span = doc.char_span(q.speaker_span.start, q.speaker_span.end, alignment_mode="expand")
    if span is None or not len(span):
        return "description"
    head = span.root
    if head.lower_ in PRONOUNS:
        return "pronoun"
    if head.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") or (head.pos_ == "PROPN" and head.ent_type_ == ""):
        return "named"
    return "description"


# --- running the people model -----------------------------------------------------------------


def attribute(articles: list[Article], stories: list[Story], options: Options) -> Corpus:
    """Parse, Quotes and Entities over ``articles`` grouped as ``stories``."""
    from ..stages.entities import Entities
    from ..stages.parse import Parse
    from ..stages.quotes import Quotes

    corpus = Corpus(articles=list(articles), stories=list(stories))
    return Entities(options)(Quotes(options)(Parse(options)(corpus)))


def _best(quotes: list[Quote], start: int, end: int) -> Quote | None:
    over = [(min(end, q.span.end) - max(start, q.span.start), q) for q in quotes]
    over = [(n, q) for n, q in over if n > 0]
    return max(over, key=lambda nq: (nq[0], -nq[1].span.start))[1] if over else None


def load_basil(path: Path) -> tuple[list[Article], list[Story], list[tuple[str, str, str]]]:
    """Every BASIL article of a triplet with quote spans, the triplets as stories, and
    (article id, quote text, speaker label) for each quote span."""
    spans: list[tuple[str, str, str]] = []
    triplets: dict[str, list[str]] = defaultdict(list)
    quoted: set[str] = set()
    articles = []
    for src in sorted((path / "articles").glob("*/*.json")):
        data = json.loads(src.read_text(encoding="utf-8"))
        raw = data.get("body-paragraphs") or []
        raw = ast.literal_eval(raw) if isinstance(raw, str) else raw
        paragraphs = [" ".join(p) if isinstance(p, list) else str(p) for p in raw]
        articles.append(Article(id=src.stem, source=str(src), paragraphs=[p for p in paragraphs if p]))
        triplets[str(data.get("triplet-uuid"))].append(src.stem)
        ann = path / "annotations" / src.parent.name / f"{src.stem}_ann.json"
        if ann.is_file():
            for a in json.loads(ann.read_text(encoding="utf-8"))["phrase-level-annotations"]:
                if a.get("quote") == "yes" and a.get("txt"):
                    spans.append((src.stem, a["txt"], a.get("speaker", "")))
                    quoted.add(str(data.get("triplet-uuid")))
    stories = [Story(id=t, article_ids=ids) for t, ids in sorted(triplets.items()) if t in quoted]
    keep = {i for s in stories for i in s.article_ids}
    return [a for a in articles if a.id in keep], stories, spans


def evaluate_basil(path: Path, options: Options, result: PeopleEval) -> None:
    articles, stories, spans = load_basil(path)
    corpus = attribute(articles, stories, options)
    texts = {a.id: a.text for a in articles}
    story_text = {aid: "\n".join(texts[i] for i in s.article_ids) for s in stories for aid in s.article_ids}
    by_article: dict[str, list[Quote]] = defaultdict(list)
    for quote in corpus.quotes:
        by_article[quote.article_id].append(quote)
    for aid, snippet, label in spans:
        if not label or label.startswith("other"):
            continue
        where = locate(texts[aid], snippet)
        if where is None:
            continue
        group = is_group(label)
        scores = result.basil_groups if group else result.basil_orgs if is_org(label) else result.basil
        result.basil_spans += 0 if group else 1
        q = _best(by_article[aid], *where)
        if q is None:
            continue
        result.basil_found += 0 if group else 1
        ok = name_matches(label_words(label), q.speaker, story_text[aid])
        scores.add(speaker_kind(q, corpus.docs[aid]), ok)
        if not ok and not group and len(result.errors) < 60:
            kind = speaker_kind(q, corpus.docs[aid])
            result.errors.append(f"BASIL {aid} {label}: shown {q.speaker!r} ({kind})")


# --- PolNeAR ------------------------------------------------------------------------------------


def _gold_name(doc: Any, start: int, end: int) -> str | None:
    """The name a Source span gives (a person first, else an organisation), titles stripped."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    ents = [e for e in span.ents if e.label_ in ("PERSON", "ORG")]
    # The name the phrase is about: the one holding its head ("Clinton spokesman Brian Fallon"),
    # else its last person, else its last organisation.
    ents.sort(key=lambda e: (e.start <= span.root.i < e.end, e.label_ == "PERSON", e.start), reverse=True)
    return strip_titles(ents[0].text) if ents else None


def _fullest(name: str, doc: Any) -> str:
    """The one longest full name of the article that ``name`` is part of, else ``name``."""
    fulls = {strip_titles(e.text) for e in doc.ents if e.label_ == "PERSON"}
    longer = {f for f in fulls if part_of(name, f) and len(name_words(f)) > len(name_words(name))}
    tops = {f for f in longer if not any(f != o and part_of(f, o) for o in longer)}
    cores = {" ".join(name_words(f)) for f in tops}
    return next(iter(tops)) if len(cores) == 1 else name


def _gender(name: str, doc: Any) -> str | None:
    from ..people.gender import name_gender
    from ..people.names import title_gender

    for e in doc.ents:
        if e.label_ == "PERSON" and part_of(name, strip_titles(e.text)):
            before = doc[e.start - 1].text if e.start else ""
            g = title_gender(e.text.split()[0]) or title_gender(before)
            if g:
                return g
    words = name_words(name)
    return name_gender(words[0]) if len(words) > 1 else None


def evaluate_polnear(path: Path, options: Options, result: PeopleEval, split: str = "dev",
                     limit: int | None = None) -> None:
    from .quotes import _match, load_split, mark_speech

    root = path / "polnear" if (path / "polnear").is_dir() else path
    articles, gold = load_split(root, split)
    if limit is not None:
        articles = articles[:limit]
        gold = [g for g in gold if g.article_id in {a.id for a in articles}]
    corpus = attribute(articles, [Story(id=a.id, article_ids=[a.id]) for a in articles], options)
    mark_speech(gold, corpus.docs)
    result.polnear_split = split
    first: dict[int, Quote] = {}
    for g, pred in _match(gold, corpus.quotes):
        first.setdefault(id(g), pred)
    named: dict[str, list[tuple[int, str]]] = defaultdict(list)  # article -> (source start, full name)
    for g in sorted(gold, key=lambda g: (g.article_id, g.source or (0, 0))):
        if g.source is None or not g.speech:
            continue
        doc = corpus.docs[g.article_id]
        name = _gold_name(doc, *g.source)
        q = first.get(id(g))
        if name:
            full = _fullest(name, doc)
            named[g.article_id].append((g.source[0], full))
            if q is not None:
                ok = name_matches(label_words(full), q.speaker, "")
                result.polnear.add(speaker_kind(q, doc), ok)
                if not ok and len(result.errors) < 200:
                    result.errors.append(f"PolNeAR {g.article_id[:40]} {full!r}: shown {q.speaker!r} "
                                         f"({speaker_kind(q, doc)})")
        elif g.source_text.strip().lower() in PRONOUN_GENDER and q is not None:
            silver = _antecedent(named[g.article_id], g.source_text.strip().lower(), doc)
            if silver:
                result.polnear.add("pronoun (silver)", name_matches(label_words(silver), q.speaker, ""))


def _antecedent(earlier: list[tuple[int, str]], pronoun: str, doc: Any) -> str | None:
    want = PRONOUN_GENDER[pronoun]
    for _, name in reversed(earlier):
        g = _gender(name, doc)
        if g in (None, want):
            return name
    return None


# --- quote clusters vs the coverage gold ------------------------------------------------------


def evaluate_clusters(coverage_dir: Path, options: Options, result: PeopleEval) -> None:
    import tempfile

    from ..analyze import front_stages, story_stages
    from ..pipeline import Pipeline
    from ..stages.quote_clusters import QuoteClusters
    from .coverage_gold import align, load_gold, write_files

    for story in load_gold(coverage_dir):
        with tempfile.TemporaryDirectory(prefix=f"parallax-{story.name}-") as tmp:
            write_files(story, Path(tmp))
            corpus = Pipeline(front_stages(options))(Corpus(inputs=[tmp]))
        corpus = Pipeline(story_stages(options), corpus.provided)(corpus)
        corpus = QuoteClusters(options)(attribute(corpus.articles, corpus.stories, options))
        view = {"articles": [{"id": a.id, "source": a.source, "text": a.text} for a in corpus.articles],
                "stories": [{"article_ids": s.article_ids} for s in corpus.stories]}
        al = align(view, story)
        if al is None:
            continue
        facts = story.facts_of()
        quotes = {q.id: q for q in corpus.quotes}
        for cluster in corpus.quote_clusters:
            _score_cluster(cluster, quotes, al, facts, result)


def _score_cluster(cluster: Any, quotes: dict[str, Quote], al: Any, facts: dict[str, set[str]],
                   result: PeopleEval) -> None:
    placed = []
    for v in cluster.variants:
        for qid in v.quote_ids:
            q = quotes[qid]
            # The variant's own words inside the quote (a quote may hold several utterances).
            at = strip_marks(q.text).find(v.text)
            start, end = (q.span.start + at, q.span.start + at + len(v.text)) if at >= 0 else (
                q.span.start, q.span.end)
            sents = al.sentences_in(q.article_id, start, end)
            if sents:
                placed.append((q.article_id, set().union(*(facts.get(s, set()) for s in sents))))
    pairs = [(a, b) for i, a in enumerate(placed) for b in placed[i + 1 :] if a[0] != b[0]]
    if not pairs:
        return
    right = sum(bool(a[1] & b[1]) for a, b in pairs)
    result.pairs += len(pairs)
    result.pairs_right += right
    result.clusters += 1
    result.clusters_right += int(right == len(pairs))
    if right < len(pairs) and len(result.errors) < 120:
        shown = " | ".join(f"{quotes[i].article_id[-6:]}:{quotes[i].text[:90]!r}" for i in cluster.quote_ids)
        result.errors.append(f"cluster {right}/{len(pairs)} pairs right: {shown}")


def evaluate(path: Path, options: Options, split: str = "dev", clusters: bool = True) -> PeopleEval:
    """All three measurements over the eval folder ``path`` (each part skipped when its data is absent)."""
    started = time.perf_counter()
    path = Path(path)
    result = PeopleEval()
    if (path / "basil" / "annotations").is_dir():
        evaluate_basil(path / "basil", options, result)
    if (path / "polnear").is_dir():
        evaluate_polnear(path, options, result, split)
    if clusters and (path / "coverage").is_dir():
        evaluate_clusters(path / "coverage", options, result)
    result.seconds = round(time.perf_counter() - started, 1)
    return result
