"""Framing stage: how each article presents the story, explained by its words.

Four kinds of :class:`FramingSignal` per article, each with the spans that
triggered it:

- ``headline``: which actor and verb the headline leads with, compared with
  the lead sentence (does the headline foreground a different actor?);
- ``loaded``: terms from the loaded-terms lexicon (``parallax/data/loaded_terms.tsv``
  plus ``options.lexicon``);
- ``tone``: how many sentences naming each main actor (an entity of the people model,
  :mod:`parallax.people`, so "Khamenei" and "Iran's leader" are one actor) read negative, neutral or
  positive toward it, by a model learned on NewsMTSC (:mod:`parallax.framing.tone`), the outlet's own
  words apart from quotations;
- ``topic``: the share of the article's text spent on each sub-topic, where
  sub-topics are clusters of the story's sentence embeddings.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..framing.lexicon import Lexicon, LexiconHit, load_lexicon
from ..framing.tone import CLASSES as TONE_CLASSES
from ..framing.tone import Encoder, Target, ToneModel, features, inside_quote, load_tone_model
from ..nlp import Embedder, get_embedder, load_spacy
from ..options import Options
from ..people import PeopleIndex
from ..people.mentions import ACTOR_LABELS
from ..pipeline import Corpus
from ..records import Article, EntityMention, FramingSignal, Quote, Record, Span

MAX_ACTORS = 6
MIN_TOPIC_TOKENS = 5


class Framing:
    name = "framing"
    # Tone targets and the headline's actor are the people model's entities (its mentions).
    requires: tuple[str, ...] = ("articles", "docs", "entities", "mentions", "quotes", "quotes.speakers",
                                 "stories")
    provides: tuple[str, ...] = ("framing",)

    def __init__(self, options: Options, embedder: Embedder | None = None):
        self.options = options
        self.embedder = embedder  # the run's shared cache; None: the options' embedder, uncached

    def __call__(self, corpus: Corpus) -> Corpus:
        lexicon = load_lexicon(self.options.lexicon)
        embedder = self.embedder or get_embedder(self.options.embedder)
        tone_model = load_tone_model(self.options.embedder)
        quotes: dict[str, list[Quote]] = defaultdict(list)
        for q in corpus.quotes:
            quotes[q.article_id].append(q)
        signals: list[FramingSignal] = []
        # Each doc is read once here and shared by the headline, tone and topic signals.
        people = PeopleIndex(corpus.entities, corpus.mentions)
        facts = {a.id: DocFacts(doc, people.mentions(a.id)) for a in corpus.articles
                 if (doc := corpus.docs.get(a.id)) is not None}
        titled = [a for a in corpus.articles if a.title and a.title.strip() and a.id in corpus.docs]
        nlp = load_spacy(self.options.spacy_model) if titled else None
        # Headlines are parsed in one batch: they are not part of the text the Parse stage saw.
        title_docs = dict(zip((a.id for a in titled), nlp.pipe(a.title.strip() for a in titled if a.title),
                              strict=True)) if nlp else {}
        for art in corpus.articles:
            if art.id not in facts:
                corpus.warn(art.source, "framing skipped: article was not parsed")
                continue
            headline = headline_signal(art, facts[art.id], title_docs.get(art.id), people)
            if headline is not None:
                signals.append(headline)
            signals.extend(loaded_signals(art, lexicon, quotes.get(art.id, ())))
        for group in _article_groups(corpus):
            group_facts = {a.id: facts[a.id] for a in group if a.id in facts}
            signals.extend(tone_signals(group, group_facts, people, tone_model, embedder))
            signals.extend(topic_signals(group, group_facts, embedder))
        corpus.framing = signals
        return corpus


def _article_groups(corpus: Corpus) -> list[list[Article]]:
    """Stories when a story stage has run, else the whole corpus as one story."""
    if corpus.stories:
        index = corpus.by_id()
        # Sorted so results do not depend on the order a (possibly incremental) run listed them.
        return [sorted(corpus.story_articles(s, index), key=lambda a: a.id) for s in corpus.stories]
    return [list(corpus.articles)]


# --- what the signals read from a parsed article ----------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class Sentence:
    """A parsed sentence and what the signals read from it (``eq=False``: compared by identity)."""

    span: Any  # the spaCy sentence
    start_char: int
    end_char: int
    text: str
    alpha: int  # alphabetic tokens
    has_verb: bool
    ents: list[Any]  # the entities inside it, as ``span.ents`` lists them
    keys: set[str]  # entity ids of the actors the people model found in it
    where: dict[str, tuple[int, int]]  # per actor, its first mention's characters in the article


class DocFacts:
    """What framing reads from a spaCy doc, read once.

    spaCy builds a new Python object on every token, span, ``doc.text`` and ``span.ents``
    access (the last two walk the whole doc), so reading a doc again for each sentence and
    each signal was most of this stage's time. Token attributes come from one ``to_array``.
    """

    def __init__(self, doc: Any, mentions: Sequence[EntityMention] = ()):
        from spacy.attrs import IS_ALPHA, ORTH, POS, SPACY
        from spacy.parts_of_speech import AUX, VERB

        self.doc = doc
        cols = doc.to_array([ORTH, SPACY, IS_ALPHA, POS]).reshape(len(doc), 4)
        self.text = _doc_text(doc, cols[:, 0].tolist(), cols[:, 1].tolist())
        self.ents = list(doc.ents)
        actors = _actors(doc, mentions)
        self.actors = actors
        ordered = sorted(actors)  # by start: each sentence reads only the mentions inside it
        starts = [a for a, _, _ in ordered]
        alpha = [0, *np.cumsum(cols[:, 2]).tolist()]
        verbs = [0, *np.cumsum(np.isin(cols[:, 3], (VERB, AUX))).tolist()]
        ent_starts = [e.start for e in self.ents]
        self.sents = []
        for span in doc.sents:
            start, end = span.start, span.end
            # span.ents: the entities from the first starting in the sentence, up to one that ends past it.
            first = last = bisect.bisect_left(ent_starts, start)
            while last < len(self.ents) and self.ents[last].end <= end:
                last += 1
            start_char, end_char = span.start_char, span.end_char
            where: dict[str, tuple[int, int]] = {}
            inside = ordered[bisect.bisect_left(starts, start_char) : bisect.bisect_left(starts, end_char)]
            for a, b, eid in inside:
                if b <= end_char:
                    where.setdefault(eid, (a, b))
            self.sents.append(Sentence(span, start_char, end_char, self.text[start_char:end_char],
                                       alpha[end] - alpha[start], verbs[end] > verbs[start],
                                       self.ents[first:last], set(where), where))


def _actors(doc: Any, mentions: Sequence[EntityMention]) -> list[tuple[int, int, str]]:
    """(start, end, entity id) of the mentions that name an actor: a person, organisation, place or
    people, but not a nationality used as a modifier ("Iraqi forces"), which names others."""
    out = []
    for m in mentions:
        if m.label not in ACTOR_LABELS or not m.entity_id:
            continue
        if m.label == "NORP":
            span = doc.char_span(m.span.start, m.span.end, alignment_mode="expand")
            if span is not None and len(span) and span.root.dep_ in ("amod", "compound"):
                continue
        out.append((m.span.start, m.span.end, m.entity_id))
    return out


def _doc_text(doc: Any, orths: list[int], spaces: list[int]) -> str:
    """``doc.text``, from the token strings rather than a Token object per token."""
    strings = doc.vocab.strings
    return "".join(strings[o] + " " if sp else strings[o] for o, sp in zip(orths, spaces, strict=True))


def _facts(doc: Any) -> DocFacts:
    """Accept a spaCy doc where callers outside this stage pass one (no people model: no actors)."""
    return doc if isinstance(doc, DocFacts) else DocFacts(doc)


# --- headline focus ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Focus(Record):
    """The actor and verb a sentence leads with (token offsets into its own text)."""

    subject: str
    verb: str
    subject_start: int = -1
    subject_end: int = -1
    verb_start: int = -1
    verb_end: int = -1


def sentence_focus(sent: Any, text: str | None = None, ents: Sequence[Any] | None = None) -> Focus | None:
    """Grammatical subject (widened to its entity or compound) and main verb of a parsed sentence.

    ``text`` and ``ents``, when given, are the doc's text and the sentence's entities, already read.
    """
    root = sent.root
    verb = root
    subj = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None:
        # Headlines like "X tells Y that ..." may parse with the speech clause as root's complement.
        for child in root.children:
            inner = next((c for c in child.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if child.pos_ in ("VERB", "AUX") and inner is not None:
                verb, subj = child, inner
                break
    if subj is None:
        return None
    # Titles before a name ("Iranian Supreme Leader Ali Khamenei") are what a headline
    # often keeps ("Iran's leader"), so they belong to the subject.
    left = [t for t in subj.lefts if t.dep_ in ("compound", "amod", "poss", "nmod")]
    s_start = left[0].left_edge.idx if left else subj.idx
    s_end = subj.idx + len(subj)
    ent = next((e for e in (sent.ents if ents is None else ents) if e.start <= subj.i < e.end), None)
    if ent is not None:
        s_start, s_end = min(s_start, ent.start_char), max(s_end, ent.end_char)
    text = sent.doc.text if text is None else text
    return Focus(text[s_start:s_end], verb.lemma_.lower(), s_start, s_end, verb.idx, verb.idx + len(verb))


def _same_actor(article: Article, head: Focus, pos: int, lead: Focus, people: PeopleIndex | None) -> bool:
    if people is not None:
        ids = {m.entity_id for m in people.mentions(article.id) if m.entity_id}
        lead_ent = people.entity_at(article.id, lead.subject_start, lead.subject_end)
        head_ent = (people.entity_at(article.id, pos + head.subject_start, pos + head.subject_end)
                    if pos >= 0 else None) or people.lookup(head.subject, among=ids)
        if lead_ent is not None or head_ent is not None:
            return lead_ent is not None and head_ent is not None and lead_ent.id == head_ent.id
    return same_description(head.subject, lead.subject)


def same_description(a: str, b: str) -> bool:
    """Two unresolved subjects name one actor only when one's words contain the other's ("officials",
    "US officials"); sharing a word is not enough ("US officials", "Chinese officials")."""
    x, y = _content_set(a), _content_set(b)
    return bool(x and y) and (x <= y or y <= x)


def _content_set(text: str) -> set[str]:
    # Acronyms ("US", "UN", "EU") are short but tell actors apart.
    return {w.lower() for w in re.findall(r"\w+", text)
            if (len(w) > 2 or (len(w) == 2 and w.isupper())) and w.lower() not in {"the", "and"}}


def _lead_sentence(facts: DocFacts, skip_until: int) -> Sentence | None:
    for sent in facts.sents:
        if sent.start_char >= skip_until and sent.alpha >= 8 and sent.has_verb:
            return sent
    return None


def headline_signal(article: Article, doc: Any, tdoc: Any, people: PeopleIndex | None = None
                    ) -> FramingSignal | None:
    """Compare who and what the headline (parsed as ``tdoc``) leads with against the lead sentence.

    ``doc`` is the article's :class:`DocFacts` (or its spaCy doc). The two lead with the same actor
    when the people model puts both subjects on one entity ("Iran's leader" in the headline,
    "Supreme Leader Ali Khamenei" in the lead); subjects that are no entity compare by their words.
    """
    if tdoc is None or not article.title:
        return None
    title = article.title.strip()
    head = next((f for f in (sentence_focus(s) for s in tdoc.sents) if f is not None), None)
    if head is None:
        return None
    facts = _facts(doc)
    pos = article.text.find(title)
    lead = _lead_sentence(facts, pos + len(title) if pos >= 0 else 0)
    lead_focus = sentence_focus(lead.span, facts.text, lead.ents) if lead is not None else None
    spans: list[Span] = []
    if pos >= 0:
        spans += [Span(article.id, pos + head.subject_start, pos + head.subject_end),
                  Span(article.id, pos + head.verb_start, pos + head.verb_end)]
    same = lead_focus is not None and _same_actor(article, head, pos, lead_focus, people)
    explanation = f"Headline leads with {head.subject!r} ({head.verb})"
    if lead_focus is not None:
        spans += [Span(article.id, lead_focus.subject_start, lead_focus.subject_end),
                  Span(article.id, lead_focus.verb_start, lead_focus.verb_end)]
        explanation += f"; lead sentence with {lead_focus.subject!r} ({lead_focus.verb})"
        explanation += ": same actor" if same else ": the headline foregrounds a different actor"
    return FramingSignal(article.id, "headline", f"{head.subject} / {head.verb}", 1.0 if same else 0.0,
                         sorted(set(spans)), explanation)


# --- loaded terms -----------------------------------------------------------------------------


def loaded_signals(article: Article, lexicon: Lexicon, quotes: Sequence[Quote] = ()) -> list[FramingSignal]:
    """One signal per loaded term used, with every occurrence as a span.

    A term inside a direct quotation is the speaker's word, not the outlet's: those occurrences are
    a separate ``loaded-quoted`` signal naming the speaker, and outlet profiles do not charge them.
    """
    text = article.text
    quoted = [q for q in quotes if q.article_id == article.id and q.kind in ("direct", "mixed")]
    found: dict[tuple[str, str | None], list[LexiconHit]] = defaultdict(list)
    for hit in lexicon.find(text):
        inside = next((q for q in quoted if q.span.start <= hit.start and hit.end <= q.span.end), None)
        speaker = None if inside is None else (inside.speaker or "an unnamed speaker")
        found[(hit.entry.term.lower(), speaker)].append(hit)
    out = []
    for (_, speaker), hits in found.items():
        entry = hits[0].entry
        words = sorted({text[h.start : h.end] for h in hits})
        explanation = f"{entry.category}: {entry.note}" if entry.note else entry.category
        if entry.source:
            explanation += f" (lexicon source: {entry.source})"
        kind, label = "loaded", ", ".join(words)
        if speaker is not None:
            kind, label = "loaded-quoted", f"{label} ({speaker})"
            explanation = f"quoting {speaker} (the speaker's word, not the outlet's). {explanation}"
        out.append(FramingSignal(article.id, kind, label, float(len(hits)),
                                 [Span(article.id, h.start, h.end) for h in hits], explanation))
    return sorted(out, key=lambda s: s.spans[0])


# --- tone toward actors -----------------------------------------------------------------------


def main_actors(docs: Iterable[Any], names: dict[str, str] | None = None, limit: int = MAX_ACTORS
                ) -> dict[str, str]:
    """Most mentioned actors across the given :class:`DocFacts`: entity id -> the entity's name
    (``names``, from the people model; else the id)."""
    counts: Counter[str] = Counter()
    for facts in map(_facts, docs):
        counts.update(eid for _, _, eid in facts.actors)
    top = [k for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit] if n >= 2]
    return {k: (names or {}).get(k, k) for k in top}


MIN_TONE_SENTENCES = 3  # an outlet's tone toward an actor is stated from this many sentences on


def tone_signals(articles: Sequence[Article], docs: dict[str, Any], people: PeopleIndex | None = None,
                 model: ToneModel | None = None, encoder: Encoder | None = None) -> list[FramingSignal]:
    """Per article and main actor: how many of the sentences naming the actor read negative, neutral or
    positive toward it (the learned model of :mod:`parallax.framing.tone`), in the outlet's own words
    and, apart, inside quotations; only from ``MIN_TONE_SENTENCES`` sentences of one voice on.

    One signal per (article, actor, voice, class): ``label`` "Actor: negative" (", quoted" for
    quotations), ``score`` the class's share, ``spans`` its sentences. ``docs`` maps article ids to
    :class:`DocFacts` (or spaCy docs). Without a model (none fitted for the embedder) nothing is said.
    """
    if model is None or encoder is None:
        return []
    facts = {i: _facts(d) for i, d in docs.items()}
    names = {e.id: e.name for e in people.entities.values()} if people is not None else {}
    actors = main_actors((facts[a.id] for a in articles if a.id in facts), names)
    rows: list[tuple[str, str, bool, Sentence]] = []  # article, actor id, quoted, sentence
    targets: list[Target] = []
    for art in articles:
        doc = facts.get(art.id)
        for sent in doc.sents if doc is not None else ():
            for key in sorted(sent.keys & actors.keys()):  # sorted: a set's order varies with the hash seed
                a, b = sent.where[key]
                target = Target(sent.text, a - sent.start_char, b - sent.start_char)
                targets.append(target)
                rows.append((art.id, key, inside_quote(sent.text, target.start), sent))
    labels = model.predict(features(targets, encoder)) if targets else []
    grouped: dict[tuple[str, str, bool], list[tuple[str, Sentence]]] = defaultdict(list)
    for (aid, key, quoted, sent), label in zip(rows, labels, strict=True):
        grouped[(aid, key, quoted)].append((label, sent))
    out = []
    for (aid, key, quoted), items in grouped.items():
        if len(items) >= MIN_TONE_SENTENCES:
            out.extend(_tone_signals(aid, actors[key], quoted, items))
    return out


def _tone_signals(article_id: str, actor: str, quoted: bool, items: list[tuple[str, Sentence]]
                  ) -> list[FramingSignal]:
    voice = "inside quotations" if quoted else "in the outlet's own words"
    out = []
    for tone in TONE_CLASSES:
        sents = [s for label, s in items if label == tone]
        if not sents:
            continue
        # A parsed sentence can end with the paragraph break after it: the span is its words only.
        spans = [Span(article_id, s.start_char, s.start_char + len(s.text.rstrip())) for s in sents]
        why = (f"{len(sents)} of {len(items)} sentences naming {actor} {voice} read {tone} toward "
               f"them (learned tone model, macro-F1 0.69 on NewsMTSC); e.g. “{_clip(sents[0].text)}”")
        label = f"{actor}: {tone}" + (", quoted" if quoted else "")
        out.append(FramingSignal(article_id, "tone", label, round(len(sents) / len(items), 4), spans, why))
    return out


def _clip(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- sub-topic proportions --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TopicSentence(Record):
    article_id: str
    start: int
    end: int
    text: str


def _topic_sentences(articles: Sequence[Article], docs: dict[str, DocFacts]) -> list[TopicSentence]:
    out = []
    for art in articles:
        doc = docs.get(art.id)
        for sent in doc.sents if doc is not None else ():
            if sent.alpha >= MIN_TOPIC_TOKENS:
                out.append(TopicSentence(art.id, sent.start_char, sent.end_char, sent.text))
    return out


def kmeans(vectors: np.ndarray, k: int, iterations: int = 20, restarts: int = 4) -> np.ndarray:
    """Cosine k-means, best of a few seeded restarts (deterministic).

    Random rather than farthest-point starts: farthest points in news text are
    boilerplate lines, which would leave the story itself in one cluster.
    """
    rng = np.random.default_rng(0)
    best, best_fit = np.zeros(len(vectors), dtype=int), -np.inf
    for _ in range(restarts):
        means = vectors[rng.choice(len(vectors), size=k, replace=False)].copy()
        labels = np.full(len(vectors), -1)
        for _ in range(iterations):
            new = np.argmax(vectors @ means.T, axis=1)
            if np.array_equal(new, labels):
                break
            labels = new
            for c in range(k):
                centre = vectors[labels == c].sum(axis=0)
                if np.any(centre):
                    means[c] = centre / np.linalg.norm(centre)
        fit = float(np.sum(np.max(vectors @ means.T, axis=1)))
        if fit > best_fit:
            best, best_fit = labels, fit
    return best


def _topic_keywords(sents: Sequence[TopicSentence], labels: np.ndarray, k: int) -> list[str]:
    """Words frequent in a cluster and rare elsewhere, three per cluster."""
    per: list[Counter[str]] = [Counter() for _ in range(k)]
    for s, c in zip(sents, labels, strict=True):
        per[c].update({w for w in re.findall(r"[a-z][a-z-]{3,}", s.text.lower()) if w not in _STOP})
    total: Counter[str] = sum(per, Counter())
    names = []
    for c in range(k):
        ranked = sorted(per[c], key=lambda w: (-per[c][w] ** 2 / total[w], w))
        names.append(", ".join(ranked[:3]) or f"topic {c + 1}")
    return names


def topic_signals(
    articles: Sequence[Article], docs: dict[str, Any], embedder: Embedder
) -> list[FramingSignal]:
    """Each article's share of text (characters) per sub-topic of its story.

    ``docs`` maps article ids to :class:`DocFacts` (or spaCy docs).
    """
    sents = _topic_sentences(articles, {i: _facts(d) for i, d in docs.items()})
    if len(sents) < 4:
        return []
    k = max(2, min(8, round(math.sqrt(len(sents) / 2))))
    labels = kmeans(embedder.encode([s.text for s in sents]), k)
    names = _topic_keywords(sents, labels, k)
    chars: dict[str, Counter[int]] = defaultdict(Counter)
    by_pair: dict[tuple[str, int], list[Span]] = defaultdict(list)
    for s, c in zip(sents, labels.tolist(), strict=True):
        chars[s.article_id][c] += s.end - s.start
        by_pair[s.article_id, c].append(Span(s.article_id, s.start, s.end))
    shares = {a: {c: n / sum(cnt.values()) for c, n in cnt.items()} for a, cnt in chars.items()}
    means = {c: sum(s.get(c, 0.0) for s in shares.values()) / len(shares) for c in range(k)}
    out = []
    for art_id, by_topic in shares.items():
        for c, share in sorted(by_topic.items(), key=lambda kv: -kv[1]):
            mean, spans = means[c], by_pair[art_id, c]
            explanation = (f"{share:.0%} of this article's text is on the sub-topic “{names[c]}” "
                           f"({len(spans)} sentence(s)); the story's outlets average {mean:.0%}")
            out.append(FramingSignal(art_id, "topic", names[c], round(share, 4), spans, explanation))
    return out


STOP_TEXT = (
    "that this with from have said says will would were been their there they about which after "
    "also into than more when what while where other could should over such them some only very "
    "just like being does most many your these those then because against since during"
)
_STOP = frozenset(STOP_TEXT.split())
