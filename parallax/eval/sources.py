"""Independent sources: are wire copies and re-used articles folded, and only they?

No labelled corpus of wire copies ships with ../shared/eval, so the positives
are built, the negatives are real. Each BASIL triplet (Fox, NYT, HuffPost:
three independently written reports of one event) becomes a story of five:

* the three originals, with one of them (C) given two paragraphs of another
  (B) in its middle: the shared quotes and agency paragraphs real outlets
  carry, which must be listed but must not fold C into B;
* an edited copy D of A, as an outlet re-running a dispatch does: a new
  headline, the end trimmed to ``keep`` of its paragraphs, a sentence dropped
  here and there, a few words cut, a sign-off line added.

Gold: four outlets, three sources, exactly one fold (D into A). The table
reports fold precision (a fold that is not D->A is wrong), fold recall by how
much of the copy is kept, how often the independent count is exactly right,
and whether the C-B passages are found and left unfolded.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..options import Options
from ..outlets.independence import FOLD_SHARE, independent_sources, source_links
from ..pipeline import Corpus
from ..records import Article
from ..stages.dedup import Dedup
from .stories import load_basil

KEEPS = (1.0, 0.8, 0.6, 0.4)
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")


@dataclass(slots=True)
class SourcesScore:
    stories: int = 0
    folds: int = 0
    true_folds: int = 0
    exact_count: int = 0
    shared_found: int = 0
    shared_folded: int = 0
    real_shares: list[float] = field(default_factory=list)  # the untouched triplets' pairs that share text
    recall_by_keep: dict[float, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))

    def table(self) -> str:
        prec = self.true_folds / self.folds if self.folds else 1.0
        rows = [
            f"stories: {self.stories} (BASIL triplets + an edited copy + shared paragraphs; FOLD_SHARE "
            f"{FOLD_SHARE})",
            f"fold precision: {prec:.3f} ({self.true_folds} of {self.folds} folds are the copy into its "
            "original)",
            f"independent count exactly right (3): {self.exact_count / max(1, self.stories):.3f}",
            f"shared paragraphs listed: {self.shared_found / max(1, self.stories):.3f}, folded (wrong): "
            f"{self.shared_folded / max(1, self.stories):.3f}",
        ]
        over = sum(x >= FOLD_SHARE for x in self.real_shares)
        rows.append(f"real triplets, pairs sharing text: {len(self.real_shares)}, largest share "
                    f"{max(self.real_shares, default=0):.3f}, at or over FOLD_SHARE: {over}")
        for keep in sorted(self.recall_by_keep, reverse=True):
            hit, n = self.recall_by_keep[keep]
            rows.append(f"copy folded, keeping {keep:.0%} of paragraphs: {hit / max(1, n):.3f} ({hit}/{n})")
        return "\n".join(rows)


def edited_copy(art: Article, keep: float, rng: random.Random, outlet: str) -> Article:
    """What an outlet re-running ``art`` publishes: trimmed, lightly cut, new headline and sign-off."""
    n = max(2, round(len(art.paragraphs) * keep))
    paras = []
    for para in art.paragraphs[:n]:
        sents = _SENT.split(para)
        if len(sents) > 1 and rng.random() < 0.2:
            sents.pop(rng.randrange(len(sents)))
        words = " ".join(sents).split()
        words = [w for w in words if rng.random() >= 0.03]
        paras.append(" ".join(words))
    paras.append(f"Reporting by staff; editing by the {outlet} desk.")
    title = "Update: " + " ".join((art.title or "").split()[:8])
    return Article(id=f"{art.id}-copy", source=f"{art.id}-copy.txt", paragraphs=paras, title=title,
                   outlet=outlet, published=art.published)


def with_shared(art: Article, donor: Article) -> Article:
    """``art`` with two of ``donor``'s paragraphs in its middle (quotes or agency text both carry)."""
    mid = max(1, len(art.paragraphs) // 2)
    donated = [p for p in donor.paragraphs if len(p.split()) >= 12][:2]
    paras = art.paragraphs[:mid] + donated + art.paragraphs[mid:]
    return Article(id=art.id, source=art.source, paragraphs=paras, title=art.title, outlet=art.outlet,
                   published=art.published)


def evaluate(root: Path, options: Options, limit: int | None = None) -> SourcesScore:
    triplets: dict[str, list[Article]] = defaultdict(list)
    for art, uuid in load_basil(root / "basil"):
        triplets[uuid].append(art)
    score = SourcesScore()
    dedup = Dedup(options)
    rng = random.Random(7)
    chosen = [arts for _, arts in sorted(triplets.items()) if len({a.outlet for a in arts}) == 3]
    for i, arts in enumerate(chosen[:limit]):
        a, b, c = sorted(arts, key=lambda x: x.id)
        real = dedup(Corpus(articles=[a, b, c]))
        score.real_shares += [k.share for k in source_links([a, b, c], real.reuse)]
        keep = KEEPS[i % len(KEEPS)]
        story = [a, b, with_shared(c, b), edited_copy(a, keep, rng, "Wire Reprint")]
        corpus = dedup(Corpus(articles=story))
        links = source_links(story, corpus.reuse)
        folds = [k for k in links if k.folded]
        score.stories += 1
        score.folds += len(folds)
        hit = any({k.outlet, k.origin} == {a.outlet, "Wire Reprint"} for k in folds)
        score.true_folds += sum({k.outlet, k.origin} == {a.outlet, "Wire Reprint"} for k in folds)
        score.recall_by_keep[keep][0] += hit
        score.recall_by_keep[keep][1] += 1
        score.exact_count += independent_sources([x.label for x in story], links) == 3
        shared = [k for k in links if {k.outlet, k.origin} == {b.outlet, c.outlet}]
        score.shared_found += bool(shared)
        score.shared_folded += any(k.folded for k in shared)
    return score
