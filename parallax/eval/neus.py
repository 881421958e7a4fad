"""Neutral-digest evaluation on NeuS / AllSides (Lee et al., NAACL 2022).

Each line of ``test.source`` is one story: three outlets' headline and lead
(``TITLE=> … ARTICLE=> …``) joined by ``[SEP]``; the same line of
``test.target`` is AllSides' neutral roundup. Every story is run through
Parse, the Claims stage and :class:`~parallax.stages.digest.Digests`; the
digest is scored with ROUGE-1/2/L F1 against the roundup, next to a
lead baseline (each outlet's first sentence), and each digest sentence is
checked to be supported by a cited span. Neutrality is reported as
loaded terms (lexicon categories label, violence, idiom) per 100 words, in
the digest and in its sources.

ROUGE is computed here (no extra dependency) the way ``rouge-score`` does
without stemming: lower-cased alphanumeric tokens, clipped n-gram overlap,
and longest common subsequence over the whole text for ROUGE-L.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ParallaxError
from ..framing.lexicon import Lexicon, load_lexicon
from ..nlp.spacy import load_spacy
from ..options import Options
from ..pipeline import Corpus
from ..records import Article, Record, Story
from ..stages.claims import Claims
from ..stages.digest import LOADED_CATEGORIES, Digests, digest_text, supported
from ..stages.parse import Parse
from .metrics import prf
from .support import supported_share

SPLIT_DIR = Path("data") / "naacl2022_lrc_roundup_random_order_probe"
SECTIONS = ("consensus", "partial", "other")
_TOKEN = re.compile(r"[a-z0-9]+")
_BLOCK = re.compile(r"TITLE=>\s*(?P<title>.*?)\s*ARTICLE=>\s*(?P<body>.*)", re.DOTALL)


class NeusDataError(ParallaxError):
    """The NeuS data folder is missing or not in its upstream layout."""


@dataclass(slots=True)
class Rouge(Record):
    rouge1: float = 0.0
    rouge2: float = 0.0
    rouge_l: float = 0.0


@dataclass(slots=True)
class NeusEval(Record):
    stories: int = 0
    digest: Rouge = field(default_factory=Rouge)
    baseline: Rouge = field(default_factory=Rouge)
    lexrank: Rouge = field(default_factory=Rouge)  # LexRank (Erkan & Radev 2004), as long as the lead
    sentences: int = 0
    supported: float = 0.0  # share of digest sentences whose words lie in a cited span (the builder's test)
    # Share of citations the independent check (eval/support.py: key entities and a predicate) accepts.
    citations_supported: float = 0.0
    empty: int = 0  # stories whose digest came out empty
    # Loaded terms (lexicon categories label, violence, idiom) per 100 words: in the digest and in
    # the outlets' text it was made from.
    digest_loaded: float = 0.0
    source_loaded: float = 0.0

    def table(self) -> str:
        rows = [
            f"NeuS/AllSides neutral digest, {self.stories} stories (sections: {', '.join(SECTIONS)})",
            f"{'':<24}{'ROUGE-1':>9}{'ROUGE-2':>9}{'ROUGE-L':>9}",
        ]
        for name, r in (("digest", self.digest), ("lead baseline", self.baseline),
                        ("LexRank baseline", self.lexrank)):
            rows.append(f"{name:<24}{r.rouge1:>9.3f}{r.rouge2:>9.3f}{r.rouge_l:>9.3f}")
        per_story = self.sentences / max(1, self.stories)
        rows.append(f"digest sentences: {self.sentences} ({per_story:.1f} per story), "
                    f"words inside a cited span: {self.supported:.1%}, citations supported (key entities "
                    f"and predicate, eval/support.py): {self.citations_supported:.1%}, "
                    f"empty digests: {self.empty}")
        rows.append(f"loaded terms per 100 words: digest {self.digest_loaded:.2f}, "
                    f"sources {self.source_loaded:.2f}")
        return "\n".join(rows)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def _f1(overlap: int, predicted: int, reference: int) -> float:
    return prf(overlap, predicted, overlap, reference)[2]


def rouge_n(prediction: Sequence[str], reference: Sequence[str], n: int) -> float:
    pred = Counter(tuple(prediction[i : i + n]) for i in range(len(prediction) - n + 1))
    ref = Counter(tuple(reference[i : i + n]) for i in range(len(reference) - n + 1))
    return _f1(sum((pred & ref).values()), sum(pred.values()), sum(ref.values()))


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def rouge(prediction: str, reference: str) -> Rouge:
    pred, ref = tokens(prediction), tokens(reference)
    rouge_l = _f1(lcs_length(pred, ref), len(pred), len(ref))
    return Rouge(rouge_n(pred, ref, 1), rouge_n(pred, ref, 2), rouge_l)


def read_split(path: Path | str, split: str = "test", limit: int | None = None) -> list[tuple[str, str]]:
    """(source line, target roundup) pairs from a NeuS folder (its root or the split folder)."""
    root = Path(path)
    candidates = (root / SPLIT_DIR, root / "neus" / SPLIT_DIR, root)
    folder = next((d for d in candidates if (d / f"{split}.source").is_file()), None)
    if folder is None:
        raise NeusDataError(f"no {split}.source under {root}; expected the NeuS layout {SPLIT_DIR}/")
    sources = (folder / f"{split}.source").read_text(encoding="utf-8").splitlines()
    targets = (folder / f"{split}.target").read_text(encoding="utf-8").splitlines()
    if len(sources) != len(targets):
        raise NeusDataError(f"{folder}: {split}.source and {split}.target differ in length")
    pairs = list(zip(sources, targets, strict=True))
    return pairs[:limit] if limit is not None else pairs


def story_articles(line: str, story_id: str) -> list[Article]:
    """One article per ``[SEP]`` block: the headline as title, the lead as the body."""
    out = []
    for k, block in enumerate(line.split("[SEP]")):
        m = _BLOCK.search(block)
        if m is None or not m.group("body").strip():
            continue
        body = " ".join(m.group("body").split())
        out.append(Article(id=f"{story_id}-{k}", source=f"neus:{story_id}:{k}", paragraphs=[body],
                           outlet=f"outlet {k + 1}", title=m.group("title").strip() or None))
    return out


def build_corpus(pairs: Sequence[tuple[str, str]]) -> Corpus:
    corpus = Corpus()
    for n, (source, _) in enumerate(pairs):
        arts = story_articles(source, f"s{n}")
        corpus.articles.extend(arts)
        corpus.stories.append(Story(f"s{n}", [a.id for a in arts]))
    corpus.provided |= {"articles", "stories"}
    return corpus


def roundup_text(target: str) -> str:
    """The roundup's headline and text without the ``TITLE=>`` / ``ARTICLE=>`` markers."""
    return " ".join(re.sub(r"\b(?:TITLE|ARTICLE)=>", " ", target).split())


def evaluate(path: Path | str, options: Options, limit: int | None = None) -> NeusEval:
    """Digest every story of the NeuS test split (or the first ``limit``) and score it."""
    pairs = read_split(path, "test", limit)
    corpus = Claims(options)(Parse(options)(build_corpus(pairs)))
    # Contradictions need the entity stages; leads of three outlets rarely hold any, so none are sought.
    corpus.contradictions = []
    corpus = Digests(options)(corpus)
    digests = {d.story_id: d for d in corpus.digests}
    articles = corpus.by_id()
    lexicon = load_lexicon(options.lexicon)
    result = NeusEval(stories=len(pairs))
    scores, leads, lexranks = [], [], []
    good = 0
    checks: list[tuple[str, list[str]]] = []
    digest_words = source_words = 0
    for n, (_, raw_target) in enumerate(pairs):
        target = roundup_text(raw_target)
        story = corpus.stories[n]
        digest = digests.get(story.id)
        sentences = [s for s in digest.sentences if s.section in SECTIONS] if digest else []
        result.sentences += len(sentences)
        result.empty += not sentences
        good += sum(supported(s.text, s.citations, articles) for s in sentences)
        checks += [(s.text, [articles[c.article_id].snippet(c) for c in s.citations]) for s in sentences]
        text = digest_text(digest, SECTIONS) if digest else ""
        scores.append(rouge(text, target))
        lead = _lead_baseline(corpus, story)
        leads.append(rouge(lead, target))
        lexranks.append(rouge(lexrank_summary(_sentences(corpus, story), len(tokens(lead))), target))
        sources = " ".join(articles[a].text for a in story.article_ids)
        result.digest_loaded += _loaded_count(lexicon, text)
        result.source_loaded += _loaded_count(lexicon, sources)
        digest_words += len(tokens(text))
        source_words += len(tokens(sources))
    result.digest = _mean(scores)
    result.baseline = _mean(leads)
    result.lexrank = _mean(lexranks)
    result.supported = good / max(1, result.sentences)
    ok, total = supported_share(checks, load_spacy(options.spacy_model))
    result.citations_supported = ok / max(1, total)
    result.digest_loaded = round(100 * result.digest_loaded / max(1, digest_words), 4)
    result.source_loaded = round(100 * result.source_loaded / max(1, source_words), 4)
    return result


def _loaded_count(lexicon: Lexicon, text: str) -> int:
    return sum(h.entry.category in LOADED_CATEGORIES for h in lexicon.find(text))


def _mean(items: Sequence[Rouge]) -> Rouge:
    count = max(1, len(items))
    return Rouge(sum(r.rouge1 for r in items) / count, sum(r.rouge2 for r in items) / count,
                 sum(r.rouge_l for r in items) / count)


def _lead_baseline(corpus: Corpus, story: Story) -> str:
    """Each outlet's first sentence: the usual lead baseline for multi-document summaries."""
    firsts = []
    for art_id in story.article_ids:
        doc = corpus.docs.get(art_id)
        first = next(iter(doc.sents), None) if doc is not None else None
        if first is not None:
            firsts.append(first.text)
    return " ".join(firsts)


def _sentences(corpus: Corpus, story: Story) -> list[str]:
    return [sent.text for art_id in story.article_ids if (doc := corpus.docs.get(art_id)) is not None
            for sent in doc.sents if sent.text.strip()]


def lexrank_summary(sentences: Sequence[str], words: int, threshold: float = 0.1,
                    duplicate: float = 0.5) -> str:
    """LexRank: sentences by stationary score on their TF-IDF cosine graph, best first, until ``words``.

    The usual unsupervised multi-document baseline (edges where cosine > ``threshold``, damping 0.85);
    a sentence too close (cosine > ``duplicate``) to one already taken is passed over.
    """
    import numpy as np

    bags = [Counter(tokens(s)) for s in sentences]
    if not bags:
        return ""
    vocab = {w: n for n, w in enumerate(sorted({w for b in bags for w in b}))}
    tf = np.zeros((len(bags), max(1, len(vocab))))
    for i, bag in enumerate(bags):
        for w, c in bag.items():
            tf[i, vocab[w]] = c
    idf = np.log(len(bags) / np.maximum(1, (tf > 0).sum(axis=0))) + 1.0
    vec = tf * idf
    vec /= np.maximum(1e-12, np.linalg.norm(vec, axis=1, keepdims=True))
    sim = vec @ vec.T
    adj = (sim > threshold).astype(float)
    trans = adj / adj.sum(axis=1, keepdims=True)
    score = np.full(len(bags), 1.0 / len(bags))
    for _ in range(100):
        score = 0.15 / len(bags) + 0.85 * trans.T @ score
    chosen: list[int] = []
    for i in np.argsort(-score, kind="stable").tolist():
        if sum(len(tokens(sentences[j])) for j in chosen) >= words:
            break
        if all(sim[i, j] <= duplicate for j in chosen):
            chosen.append(i)
    return " ".join(sentences[i] for i in sorted(chosen))
