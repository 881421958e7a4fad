"""Quote extraction and speaker attribution scored against PolNeAR.

PolNeAR (Newell et al., LREC 2018) annotates every attribution in US
political news: Source, Cue and Content spans in brat standoff, character
offsets into ``data/<split>/text/<name>.txt``. Some articles were annotated
by several annotators; this harness counts **one annotator per article, the
first by annotator id**, so each attribution is counted once. PolNeAR counts
indirect attributions too, so the scores cover direct, indirect and mixed
quotes; :class:`QuoteEval` also reports recall per gold category.

A predicted quote *overlaps* a gold Content when their character ranges
share at least one character (each gold and prediction matched at most once);
it is *exact* when both ends agree after trimming spaces, punctuation and
quotation marks. A matched quote's speaker is right when its speaker span
overlaps the gold Source span, or its resolved name and the gold Source
share their last word.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ParallaxError
from ..options import Options
from ..quoting.cues import SPEECH_VERBS
from ..quoting.marks import find_segments, strip_marks
from ..records import Article, Quote, Record
from .metrics import prf

_EDGE = " \t\n.,;:!?\"'“”‘’«»()—–-"
CONVENTION = (
    "PolNeAR brat Content spans, first annotator per article; 'all' = every attribution, "
    "'speech' = cue is a speech verb or 'according to'; overlap = shares a character"
)


class EvalDataError(ParallaxError):
    """The evaluation data folder is missing or malformed."""


@dataclass(slots=True)
class GoldQuote(Record):
    article_id: str
    pieces: list[tuple[int, int]]
    source: tuple[int, int] | None
    source_text: str
    cue_text: str = ""
    cue: tuple[int, int] | None = None
    kind: str = "indirect"
    speech: bool = False  # the cue is a speech/reporting verb or "according to"

    @property
    def start(self) -> int:
        return self.pieces[0][0]

    @property
    def end(self) -> int:
        return self.pieces[-1][1]


@dataclass(slots=True)
class Scores(Record):
    """P/R/F1 for one convention (which gold attributions recall counts)."""

    gold: int = 0
    exact_p: float = 0.0
    exact_r: float = 0.0
    exact_f1: float = 0.0
    overlap_p: float = 0.0
    overlap_r: float = 0.0
    overlap_f1: float = 0.0
    speaker_accuracy: float = 0.0
    speaker_pairs: int = 0


@dataclass(slots=True)
class BasilScores(Record):
    """BASIL quote spans (quote=yes; only spans annotated as biased, so recall only)."""

    articles: int = 0
    spans: int = 0
    located: int = 0  # annotation text found in the article text
    recall: float = 0.0  # located spans overlapped by an extracted quote
    speaker_named: int = 0  # recalled spans whose gold speaker is a name, not other_*
    speaker_accuracy: float = 0.0


@dataclass(slots=True)
class QuoteEval(Record):
    """Scores under two conventions: ``all`` PolNeAR attributions, and ``speech`` ones only
    (cue is a speech/reporting verb or "according to", the convention of quote extractors
    such as GenderGapTracker). Precision always counts a prediction as right when it matches
    any gold attribution."""

    split: str
    convention: str
    articles: int = 0
    predicted: int = 0
    all: Scores = field(default_factory=Scores)
    speech: Scores = field(default_factory=Scores)
    recall_by_kind: dict[str, float] = field(default_factory=dict)  # speech gold by direct/mixed/indirect
    gold_by_kind: dict[str, int] = field(default_factory=dict)
    precision_by_kind: dict[str, float] = field(default_factory=dict)  # predicted kinds
    predicted_by_kind: dict[str, int] = field(default_factory=dict)
    basil: BasilScores | None = None

    def table(self) -> str:
        rows = [
            f"quotes on PolNeAR {self.split}: {self.articles} articles, {self.predicted} predicted",
            f"({self.convention})",
            f"{'':18} {'gold':>5} {'P':>6} {'R':>6} {'F1':>6}  speaker",
        ]
        for name, sc in (("all", self.all), ("speech", self.speech)):
            for how in ("exact", "overlap"):
                p, r, f = (getattr(sc, f"{how}_{x}") for x in ("p", "r", "f1"))
                spk = f"{sc.speaker_accuracy:.3f} ({sc.speaker_pairs})" if how == "overlap" else ""
                rows.append(f"{name + ' ' + how:18} {sc.gold:5d} {p:6.3f} {r:6.3f} {f:6.3f}  {spk}")
        for kind in ("direct", "mixed", "indirect"):
            rows.append(
                f"{kind:10} speech recall {self.recall_by_kind.get(kind, 0.0):.3f} "
                f"(gold {self.gold_by_kind.get(kind, 0)})  precision "
                f"{self.precision_by_kind.get(kind, 0.0):.3f} "
                f"(predicted {self.predicted_by_kind.get(kind, 0)})"
            )
        if self.basil is not None:
            b = self.basil
            rows.append(
                f"BASIL quote spans: {b.located}/{b.spans} located in {b.articles} articles, "
                f"recall {b.recall:.3f}, speaker {b.speaker_accuracy:.3f} over {b.speaker_named} named"
            )
        return "\n".join(rows)


def _spans(field_text: str) -> list[tuple[int, int]]:
    out = []
    for piece in field_text.split(";"):
        start, end = piece.split()[-2:]
        out.append((int(start), int(end)))
    return sorted(out)


def read_ann(path: Path, article_id: str, text: str) -> list[GoldQuote]:
    """The attributions of one brat standoff file."""
    spans: dict[str, list[tuple[int, int]]] = {}
    out: list[GoldQuote] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for line in lines:
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0].startswith("T"):
            spans[parts[0]] = _spans(parts[1])
    for line in lines:
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0].startswith("E"):
            continue
        roles = dict(p.split(":", 1) for p in parts[1].split() if ":" in p)
        content = spans.get(roles.get("Content", ""))
        if not content:
            continue
        src = spans.get(roles.get("Source", ""))
        source = (src[0][0], src[-1][1]) if src else None
        source_text = text[source[0] : source[1]] if source else ""
        cue = spans.get(roles.get("Cue", ""))
        cue_text = " ".join(text[s:e] for s, e in cue) if cue else ""
        cue_range = (cue[0][0], cue[-1][1]) if cue else None
        out.append(GoldQuote(article_id, content, source, source_text, cue_text, cue_range))
    return out


def _gold_kind(gold: GoldQuote, segments: list[tuple[int, int]]) -> str:
    size = sum(e - s for s, e in gold.pieces) or 1
    inside = sum(max(0, min(e, se) - max(s, ss)) for s, e in gold.pieces for ss, se in segments)
    if inside >= 0.8 * size:
        return "direct"
    return "mixed" if inside > 0 else "indirect"


def load_split(path: Path, split: str = "dev") -> tuple[list[Article], list[GoldQuote]]:
    """PolNeAR articles of ``split`` (Article.text == the file text) and their gold quotes."""
    base = path / "data" / split if (path / "data").is_dir() else path / split
    text_dir, ann_dir = base / "text", base / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise EvalDataError(f"no PolNeAR split {split!r} under {path} (expected data/{split}/text)")
    chosen: dict[str, Path] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        chosen.setdefault(ann.stem.rsplit("_", 1)[0], ann)
    articles, gold = [], []
    for name, ann in sorted(chosen.items()):
        txt = text_dir / f"{name}.txt"
        if not txt.is_file():
            continue
        text = txt.read_text(encoding="utf-8")
        articles.append(Article(id=name, source=str(txt), paragraphs=text.split("\n\n")))
        segs = [(s.inner_start, s.inner_end) for s in find_segments(text)]
        for g in read_ann(ann, name, text):
            g.kind = _gold_kind(g, segs)
            gold.append(g)
    return articles, gold


def _norm(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return start, end


def _overlap(piece: tuple[int, int], q: Quote) -> int:
    return max(0, min(piece[1], q.span.end) - max(piece[0], q.span.start))


def _speaker_ok(g: GoldQuote, q: Quote) -> bool:
    span = q.speaker_span
    if g.source and span and span.start < g.source[1] and g.source[0] < span.end:
        return True
    if not q.speaker or not g.source_text:
        return False
    gold_words = g.source_text.lower().replace("’s", "").replace("'s", "").split()
    return bool(gold_words) and q.speaker.lower().split()[-1] in gold_words


def _match(gold: list[GoldQuote], quotes: list[Quote]) -> list[tuple[GoldQuote, Quote]]:
    """Pairs, largest overlaps first; each prediction and each gold *piece* used once, so a
    quote split around its cue ("A," he said. "B.") may match with two predictions."""
    by_article: dict[str, list[int]] = {}
    for qi, q in enumerate(quotes):
        by_article.setdefault(q.article_id, []).append(qi)
    cands = []
    for gi, g in enumerate(gold):
        for pi, piece in enumerate(g.pieces):
            for qi in by_article.get(g.article_id, []):
                ov = _overlap(piece, quotes[qi])
                if ov > 0:
                    cands.append((ov, gi, pi, qi))
    used_piece: set[tuple[int, int]] = set()
    used_q: set[int] = set()
    pairs = []
    for _, gi, pi, qi in sorted(cands, reverse=True):
        if (gi, pi) not in used_piece and qi not in used_q:
            used_piece.add((gi, pi))
            used_q.add(qi)
            pairs.append((gold[gi], quotes[qi]))
    return pairs


def _exact(text: str, g: GoldQuote, q: Quote) -> bool:
    gs, ge = _norm(text, g.start, g.end)
    qs, qe = _norm(text, q.span.start, q.span.end)
    # A split quote's prediction is exact when it matches one piece of the gold content.
    return (gs, ge) == (qs, qe) or any(_norm(text, s, e) == (qs, qe) for s, e in g.pieces)


def _scores(gold: list[GoldQuote], pairs: list[tuple[GoldQuote, Quote]], n_pred: int,
            pred_exact: int, pred_hit: int, texts: dict[str, str]) -> Scores:
    keep = {id(g) for g in gold}
    mine = [(g, q) for g, q in pairs if id(g) in keep]
    hit = len({id(g) for g, _ in mine})
    exact = len({id(g) for g, q in mine if _exact(texts[g.article_id], g, q)})
    sc = Scores(gold=len(gold))
    sc.exact_p, sc.exact_r, sc.exact_f1 = prf(pred_exact, n_pred, exact, len(gold))
    sc.overlap_p, sc.overlap_r, sc.overlap_f1 = prf(pred_hit, n_pred, hit, len(gold))
    first: dict[int, tuple[GoldQuote, Quote]] = {}
    for g, q in mine:
        first.setdefault(id(g), (g, q))
    judged = [(g, q) for g, q in first.values() if g.source is not None]
    sc.speaker_pairs = len(judged)
    if judged:
        sc.speaker_accuracy = sum(_speaker_ok(g, q) for g, q in judged) / len(judged)
    return sc


def score(articles: list[Article], gold: list[GoldQuote], quotes: list[Quote], split: str) -> QuoteEval:
    texts = {a.id: a.text for a in articles}
    pairs = _match(gold, quotes)
    pred_hit = len(pairs)
    pred_exact = sum(_exact(texts[g.article_id], g, q) for g, q in pairs)
    speech = [g for g in gold if g.speech]
    result = QuoteEval(split=split, convention=CONVENTION, articles=len(articles), predicted=len(quotes))
    result.all = _scores(gold, pairs, len(quotes), pred_exact, pred_hit, texts)
    result.speech = _scores(speech, pairs, len(quotes), pred_exact, pred_hit, texts)
    matched_gold = {id(g) for g, _ in pairs}
    matched_pred = {q.id for _, q in pairs}
    for kind in ("direct", "mixed", "indirect"):
        gk = [g for g in speech if g.kind == kind]
        qk = [q for q in quotes if q.kind == kind]
        result.gold_by_kind[kind], result.predicted_by_kind[kind] = len(gk), len(qk)
        result.recall_by_kind[kind] = sum(id(g) in matched_gold for g in gk) / len(gk) if gk else 0.0
        result.precision_by_kind[kind] = sum(q.id in matched_pred for q in qk) / len(qk) if qk else 0.0
    return result


def mark_speech(gold: list[GoldQuote], docs: dict[str, Any]) -> None:
    """Flag gold attributions whose cue is a speech verb (by lemma, from the article's parse)."""
    for g in gold:
        doc = docs.get(g.article_id)
        if doc is None or g.cue is None:
            continue
        span = doc.char_span(g.cue[0], g.cue[1], alignment_mode="expand")
        lemmas = {t.lemma_.lower() for t in span} if span is not None else set()
        g.speech = bool(lemmas & SPEECH_VERBS) or "according" in lemmas


def _extract(articles: list[Article], options: Options) -> tuple[list[Quote], dict[str, Any]]:
    """Parse, Quotes and Entities (which resolves the speakers), each article a story of its own."""
    from ..records import Story
    from .people import attribute

    corpus = attribute(articles, [Story(id=a.id, article_ids=[a.id]) for a in articles], options)
    return corpus.quotes, corpus.docs


def evaluate(
    path: Path, options: Options, split: str = "dev", limit: int | None = None, basil: bool = True
) -> QuoteEval:
    """Score the Parse + Quotes stages on a PolNeAR split (``path`` is the eval folder or
    ``polnear/`` itself), and on BASIL's quote spans when ``path/basil`` exists."""
    path = Path(path)
    root = path / "polnear" if (path / "polnear").is_dir() else path
    articles, gold = load_split(root, split)
    if limit is not None:
        articles = articles[:limit]
        keep = {a.id for a in articles}
        gold = [g for g in gold if g.article_id in keep]
    quotes, docs = _extract(articles, options)
    mark_speech(gold, docs)
    result = score(articles, gold, quotes, split)
    if basil and (path / "basil" / "annotations").is_dir():
        result.basil = evaluate_basil(path / "basil", options, limit)
    return result


def load_basil(path: Path) -> tuple[list[Article], list[tuple[str, str, str]]]:
    """BASIL articles that have quote annotations, and (article id, quote text, speaker label)."""
    articles, spans = [], []
    for ann in sorted((path / "annotations").glob("*/*_ann.json")):
        marks = [a for a in json.loads(ann.read_text(encoding="utf-8"))["phrase-level-annotations"]
                 if a.get("quote") == "yes" and a.get("txt")]
        src = path / "articles" / ann.parent.name / ann.name.replace("_ann.json", ".json")
        if not marks or not src.is_file():
            continue
        data = json.loads(src.read_text(encoding="utf-8"))
        paragraphs = [" ".join(p) if isinstance(p, list) else str(p) for p in data["body-paragraphs"]]
        articles.append(Article(id=src.stem, source=str(src), paragraphs=[p for p in paragraphs if p]))
        spans += [(src.stem, a["txt"], a.get("speaker", "")) for a in marks]
    return articles, spans


def locate(text: str, snippet: str) -> tuple[int, int] | None:
    """Where an annotation's text lies in the article (BASIL offsets are per sentence)."""
    for probe in (snippet.strip(), strip_marks(snippet).strip(" ,.")):
        i = text.find(probe) if probe else -1
        if i >= 0:
            return i, i + len(probe)
    return None


def _same_speaker(label: str, speaker: str | None) -> bool:
    last = label.replace("_", " ").split()[-1].lower() if label.strip("_ ") else ""
    if not speaker or not last:
        return False
    return any(w.lower().startswith(last) for w in speaker.split())


def evaluate_basil(path: Path, options: Options, limit: int | None = None) -> BasilScores:
    articles, spans = load_basil(Path(path))
    if limit is not None:
        articles = articles[:limit]
        spans = [s for s in spans if s[0] in {a.id for a in articles}]
    quotes, _ = _extract(articles, options)
    texts = {a.id: a.text for a in articles}
    by_article: dict[str, list[Quote]] = {}
    for q in quotes:
        by_article.setdefault(q.article_id, []).append(q)
    result = BasilScores(articles=len(articles), spans=len(spans))
    hits = named = right = 0
    for aid, snippet, label in spans:
        where = locate(texts[aid], snippet)
        if where is None:
            continue
        result.located += 1
        over = [q for q in by_article.get(aid, []) if q.span.start < where[1] and where[0] < q.span.end]
        if not over:
            continue
        hits += 1
        if label and not label.startswith("other"):
            named += 1
            right += any(_same_speaker(label, q.speaker) for q in over)
    result.recall = hits / result.located if result.located else 0.0
    result.speaker_named = named
    result.speaker_accuracy = right / named if named else 0.0
    return result
