"""Digest stage: a neutral, cited summary of each story.

Extractive, then compressed. Each sentence is one claim group's wording,
chosen for neutrality (no loaded terms, fewest evaluative words, then the
most central variant), and cites the spans of every claim in the group.
Sections:

- ``consensus``: groups most outlets report, most widely reported first;
- ``partial`` ("Reported by only some outlets"): shared, then exclusive groups;
- ``other`` ("Also in the coverage"): each article's highest-placed fact whose match in the other
  outlets could not be decided, stated with no claim about who else reports it;
- ``disputed``: both sides of each contradiction, each citing its own span.

Compression only deletes words (parentheticals without numbers, leading
discourse markers and, in the consensus section, a trailing attribution to a
news medium), so every sentence's words stay inside a cited span;
:func:`supported` checks this and a sentence that fails it keeps its full text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from ..framing.lexicon import Lexicon, LexiconHit, load_lexicon
from ..options import Options
from ..pipeline import Corpus
from ..records import Article, Claim, ClaimGroup, Contradiction, Digest, DigestSentence, Record, Span, Story

MAX_CONSENSUS = 10
MAX_SHARED = 5
MAX_EXCLUSIVE_PER_ARTICLE = 1
MAX_DISPUTED = 6
MIN_WORDS = 6  # shorter lines are headlines, captions or fragments ("This is a critical mission.")
DUPLICATE_OVERLAP = 0.7  # content-word overlap above which two sentences say the same
LOADED_CATEGORIES = frozenset({"label", "violence", "idiom"})

_WORD = re.compile(r"\w+")
STOPWORDS_TEXT = (
    "a an the and or but of to in on at for from by with as is are was were be been being has have had "
    "it its this that these those he she they his her their them we our you your i not no also than then "
    "there which who whom whose what when where while said says would will could should can may might "
    "do does did so if into about over after before since up out"
)
STOPWORDS = frozenset(STOPWORDS_TEXT.split())
_PAREN = re.compile(r"\s*\(([^()]{1,80})\)")
_LEAD_MARKER = re.compile(
    r"^(?:meanwhile|however|separately|additionally|moreover|furthermore|in addition|also|but|and|still)"
    r"\b,?\s+",
    re.IGNORECASE,
)
# A dateline opening the lead: "ERBIL, Kurdistan Region - " / "WASHINGTON (Reuters) — ".
_DATELINE = re.compile(r"^[A-Z][A-Z .'’-]{2,}(?:,\s*[\w .'’-]{1,40}?)?(?:\s*\([^()]{1,30}\))?\s+[-–—]+\s+")
# A trailing attribution to a medium ("..., state media reported." / "..., according to local media.").
# Attribution to a person ("..., Khamenei said") is never dropped: it says whose claim it is.
_MEDIA = r"(?:media|reports?|agency|news|outlet|newspaper|television|tv|press|broadcaster|website|wire)"
_MEDIA_TAIL = re.compile(
    rf",\s+(?:according to\s+[^,;]{{0,60}}?\b{_MEDIA}\b[^,;]{{0,30}}"
    r"|(?:[^,;\"“”]{0,60}?\s)?reported(?: on \w+)?)\s*(?=[.!]?\s*$)",
    re.IGNORECASE,
)


# An opening that points back to something the digest has not said: a pronoun or a demonstrative.
_REFERENCE_OPENING = re.compile(
    r"^[\"“‘']?\s*(?:he|she|they|it|its|his|her|their|them|him|this|that|these|those|such|there|then|"
    r"the (?:latter|former|move|decision|report|statement|incident|attack|comments?|remarks?))\b",
    re.IGNORECASE,
)


def opens_on_reference(text: str) -> bool:
    """True when the sentence opens on a pronoun or demonstrative whose antecedent it does not hold."""
    return bool(_REFERENCE_OPENING.match(text.lstrip()))


def balanced_quotes(text: str) -> bool:
    """Every quotation the sentence opens it closes: a sentence cut inside a quote is a fragment."""
    return text.count("“") == text.count("”") and text.count('"') % 2 == 0


def stands_alone(text: str) -> bool:
    """A digest line: a full sentence of at least ``MIN_WORDS`` words, its quotations whole and
    attributed, not opening on a reference."""
    return (is_prose(text, MIN_WORDS) and balanced_quotes(text) and not opens_on_reference(text)
            and not _BARE_QUOTE.match(text.strip()))


# A sentence that is all quotation: the digest would state someone's words without saying whose.
_BARE_QUOTE = re.compile(r"^[\"“][^\"“”]*[\"”]$")


def content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in STOPWORDS}


def supported(text: str, citations: Iterable[Span], articles: dict[str, Article]) -> bool:
    """True when every content word of ``text`` occurs in at least one cited span's text."""
    words = content_words(text)
    for span in citations:
        art = articles.get(span.article_id)
        if art is not None and words <= set(_WORD.findall(art.snippet(span).lower())):
            return True
    return False


def is_prose(text: str, min_words: int = 8) -> bool:
    """A full sentence: enough words and closing punctuation (headlines and credits have none)."""
    stripped = text.rstrip()
    return len(_WORD.findall(stripped)) >= min_words and stripped[-1:] in ".!?\"”’'"


def compress(text: str, drop_media_attribution: bool = False) -> str:
    """Delete only what does not carry the claim: parentheticals, lead markers, media tails."""
    out = " ".join(text.split())
    out = _PAREN.sub(lambda m: m.group(0) if re.search(r"\d", m.group(1)) else "", out)
    out = _LEAD_MARKER.sub("", _DATELINE.sub("", out))
    if drop_media_attribution:
        out = _MEDIA_TAIL.sub("", out)
    out = re.sub(r"\s+([,.;:!?])", r"\1", out).strip()
    if out and out[-1] not in ".!?\"”’'":
        out += "."
    return out[:1].upper() + out[1:] if out else text


@dataclass(frozen=True, slots=True)
class Variant(Record):
    """A claim scored for neutrality: lower ``key`` reads more neutral."""

    claim_id: str
    prose: bool
    loaded: int
    evaluative: int
    centrality: float
    length: int

    @property
    def key(self) -> tuple[bool, bool, int, int, float, int]:
        return (self.loaded > 0, not self.prose, self.loaded, self.evaluative, -self.centrality, self.length)


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


class HitFinder(Protocol):
    """A :class:`Lexicon`, or anything that finds its terms the same way."""

    def find(self, text: str) -> list[LexiconHit]: ...


class _MemoLexicon:
    """A lexicon that remembers the hits of each text: the same claims are looked up while
    ranking groups and again while choosing their wording."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        self._hits: dict[str, list[LexiconHit]] = {}

    def find(self, text: str) -> list[LexiconHit]:
        hits = self._hits.get(text)
        if hits is None:
            hits = self._hits[text] = self.lexicon.find(text)
        return hits


def score_variants(claims: Sequence[Claim], lexicon: HitFinder) -> list[Variant]:
    words = [content_words(c.text) for c in claims]
    out = []
    for i, claim in enumerate(claims):
        hits = lexicon.find(claim.text)
        loaded = sum(h.entry.category in LOADED_CATEGORIES for h in hits)
        others = [_jaccard(words[i], w) for j, w in enumerate(words) if j != i]
        centrality = sum(others) / len(others) if others else 1.0
        out.append(Variant(claim.id, is_prose(claim.text), loaded, len(hits) - loaded, round(centrality, 6),
                           len(claim.text)))
    return out


def by_neutrality(claims: Sequence[Claim], lexicon: HitFinder) -> list[Claim]:
    """The variants most neutral first: without loaded terms, written as a sentence, with fewest
    evaluative words, then the most central."""
    by_id = {c.id: c for c in claims}
    return [by_id[v.claim_id] for v in sorted(score_variants(claims, lexicon), key=lambda v: v.key)]


def most_neutral(claims: Sequence[Claim], lexicon: HitFinder) -> Claim:
    """The most neutral variant (:func:`by_neutrality`'s first)."""
    return by_neutrality(claims, lexicon)[0]


class Digests:
    name = "digest"
    requires: tuple[str, ...] = ("articles", "claim_groups", "claims", "contradictions", "stories")
    provides: tuple[str, ...] = ("digests",)

    def __init__(self, options: Options):
        self.options = options

    def __call__(self, corpus: Corpus) -> Corpus:
        builder = _Builder(corpus, load_lexicon(self.options.lexicon))
        stories = corpus.stories or _stories_from_groups(corpus.claim_groups)
        corpus.digests = [builder.story(s) for s in stories]
        return corpus


def _stories_from_groups(groups: Sequence[ClaimGroup]) -> list[Story]:
    ids: dict[str, set[str]] = {}
    for g in groups:
        ids.setdefault(g.story_id, set()).update(g.article_ids)
    return [Story(sid, sorted(arts)) for sid, arts in ids.items()]


class _Builder:
    def __init__(self, corpus: Corpus, lexicon: Lexicon):
        self.articles = corpus.by_id()
        self.claims = {c.id: c for c in corpus.claims}
        # Indexed once so that each story and each disputed side looks only at its own items.
        self.groups: dict[str, list[ClaimGroup]] = defaultdict(list)
        for g in corpus.claim_groups:
            if g.kind != "off-topic":
                self.groups[g.story_id].append(g)
        self.contradictions: dict[str, list[Contradiction]] = defaultdict(list)
        for item in corpus.contradictions:
            self.contradictions[item.story_id].append(item)
        self.article_claims: dict[str, list[Claim]] = defaultdict(list)
        for claim in self.claims.values():
            self.article_claims[claim.span.article_id].append(claim)
        self.lexicon = _MemoLexicon(lexicon)

    def story(self, story: Story) -> Digest:
        disputes = self.contradictions.get(story.id, [])[:MAX_DISPUTED]
        # A fact the outlets disagree on is said once, in "disputed", with each side citing its own
        # outlet: stated as consensus it would cite an outlet for the very words it contradicts.
        groups = [g for g in self.groups.get(story.id, []) if not self._contested(g, disputes)]
        chosen: list[DigestSentence] = []
        outlets = len({a.label for i in story.article_ids if (a := self.articles.get(i))})
        # A fact at least half the outlets state is widely reported, whether or not the others are decided.
        wide = {g.id for g in groups if g.kind in ("consensus", "shared", "reported")
                and 2 * (n := len(self._outlets(g))) >= outlets >= 2 and n >= 2}
        consensus = self._ranked(g for g in groups if g.id in wide)
        self._add(chosen, consensus, "consensus", MAX_CONSENSUS)
        shared = self._ranked(g for g in groups if g.kind in ("shared", "reported") and g.id not in wide
                              and self._prose(g))
        self._add(chosen, shared, "partial", MAX_SHARED)
        per_article = len(story.article_ids) * MAX_EXCLUSIVE_PER_ARTICLE
        self._add(chosen, self._exclusives(groups), "partial", per_article)
        # A lead that neither matches nor clearly differs is still the story's news: said, not ranked.
        self._add(chosen, self._exclusives(groups, "uncertain"), "other", per_article)
        for item in disputes:
            chosen.extend(self._disputed(item))
        return Digest(story.id, chosen)

    def _contested(self, group: ClaimGroup, disputes: Sequence[Contradiction]) -> bool:
        sides = [s for item in disputes for s in (item.left, item.right)]
        return any((c.sentence or c.span).overlaps(side) for c in self._members(group) for side in sides)

    def _outlets(self, group: ClaimGroup) -> set[str]:
        return {a.label for i in group.article_ids if (a := self.articles.get(i))}

    def _members(self, group: ClaimGroup) -> list[Claim]:
        return [self.claims[i] for i in group.claim_ids if i in self.claims]

    def _prose(self, group: ClaimGroup) -> bool:
        return any(is_prose(c.text) for c in self._members(group))

    def _position(self, claim: Claim) -> float:
        art = self.articles.get(claim.span.article_id)
        return claim.span.start / max(1, len(art.text)) if art else 1.0

    def _ranked(self, groups: Iterable[ClaimGroup]) -> list[ClaimGroup]:
        """Most widely reported first; among equals, what articles put nearest their top."""
        def key(g: ClaimGroup) -> tuple[int, bool, int, float]:
            members = self._members(g)
            arts = (self.articles.get(c.span.article_id) for c in members)
            outlets = {a.label for a in arts if a is not None}
            # Headlines, bylines and captions lack a sentence's closing punctuation: prose goes first.
            prose = self._prose(g)
            position = min((self._position(c) for c in members), default=1.0)
            return (-len(outlets), not prose, -len(g.article_ids), position)
        return sorted(groups, key=key)

    def _exclusives(self, groups: Sequence[ClaimGroup], kind: str = "exclusive") -> list[ClaimGroup]:
        """Each article's highest-placed single-article groups of ``kind`` (a lead's news, not a closing
        aside), passing over those worded with loaded terms when the article has others."""
        by_article: dict[str, list[ClaimGroup]] = {}
        candidates = (x for x in groups if x.kind == kind and self._prose(x))
        for g in self._ranked(candidates):
            by_article.setdefault(g.article_ids[0] if g.article_ids else "", []).append(g)
        chosen = []
        for items in by_article.values():
            items = sorted(items, key=self._loaded)  # stable: placement order within each kind
            chosen.extend(items[:MAX_EXCLUSIVE_PER_ARTICLE])
        return self._ranked(chosen)

    def _loaded(self, group: ClaimGroup) -> bool:
        return all(any(h.entry.category in LOADED_CATEGORIES for h in self.lexicon.find(c.text))
                   for c in self._members(group))

    def _add(
        self, chosen: list[DigestSentence], groups: Sequence[ClaimGroup], section: str, limit: int
    ) -> None:
        added = 0
        for group in groups:
            if added >= limit:
                break
            sentence = self._stated(group, section)
            if sentence is not None and not _duplicate(sentence, chosen):
                chosen.append(sentence)
                added += 1

    def _stated(self, group: ClaimGroup, section: str) -> DigestSentence | None:
        """The group's fact in the most neutral whole sentence that stands alone, citing one sentence per
        outlet that states it (that sentence for its own outlet); None when no member's sentence will do."""
        members = self._members(group)
        for best in by_neutrality(members, self.lexicon):
            art = self.articles.get(best.span.article_id)
            if art is None:
                continue
            sentence = self._sentence(art.snippet(best.sentence or best.span), self._citations(best, members),
                                      section, section == "consensus")
            if sentence is not None and stands_alone(sentence.text):
                return sentence
        return None

    def _citations(self, chosen: Claim, members: Sequence[Claim]) -> list[Span]:
        """One sentence per outlet: the chosen claim's for its outlet, else the member most surely aligned."""
        per_outlet: dict[str, Claim] = {}
        for claim in sorted(members, key=lambda c: (c.id != chosen.id, -(c.best or 0.0), c.span)):
            art = self.articles.get(claim.span.article_id)
            per_outlet.setdefault(art.label if art is not None else claim.span.article_id, claim)
        return sorted({c.sentence or c.span for c in per_outlet.values()})

    def _sentence(
        self, text: str, citations: list[Span], section: str, drop_media: bool
    ) -> DigestSentence | None:
        short = compress(text, drop_media_attribution=drop_media)
        if supported(short, citations, self.articles):
            return DigestSentence(short, citations, section)
        full = " ".join(text.split())
        return DigestSentence(full, citations, section) if supported(full, citations, self.articles) else None

    def _disputed(self, item: Contradiction) -> list[DigestSentence]:
        """Both sides of a contradiction, each as the claim that holds it and citing only that claim."""
        out = []
        for side in (item.left, item.right):
            # Only claims in the side's own article can overlap it.
            own = self.article_claims.get(side.article_id, [])
            claim = next((c for c in own if c.span.overlaps(side)), None)
            span = (claim.sentence or claim.span) if claim is not None else side
            art = self.articles.get(span.article_id)
            if art is None:
                continue
            sentence = self._sentence(art.snippet(span), [span], "disputed", False)
            if sentence is not None:
                out.append(sentence)
        return out


def _duplicate(sentence: DigestSentence, chosen: Sequence[DigestSentence]) -> bool:
    words = content_words(sentence.text)
    for other in chosen:
        if other.section == "disputed":
            continue
        theirs = content_words(other.text)
        if words and theirs and len(words & theirs) / min(len(words), len(theirs)) >= DUPLICATE_OVERLAP:
            return True
    return False


SECTIONS = ("consensus", "partial", "other", "disputed")


def digest_text(digest: Digest, sections: Sequence[str] = SECTIONS) -> str:
    """The digest's sentences of the given sections as plain text."""
    return " ".join(s.text for s in digest.sentences if s.section in sections)
