"""The people model as stored records, for the stages that come after it.

:class:`PeopleIndex` answers from :class:`~parallax.records.Entity` and
:class:`~parallax.records.EntityMention` records: the entity at a span, the
mentions of an article, and the entity a phrase outside the parsed text (a
headline's subject) stands for. :func:`name_tokens` is the cheap, parse-free
form used before any parse exists (story placement).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable

from ..records import Entity, EntityMention
from .names import is_title, label_key, nationality, nationality_key, part_of, role_head, strip_titles
from .resolve import role_key


class PeopleIndex:
    """Entities and their mentions, looked up by span or by name."""

    def __init__(self, entities: Iterable[Entity], mentions: Iterable[EntityMention]):
        self.entities = {e.id: e for e in entities}
        self.by_article: dict[str, list[EntityMention]] = {}
        for m in mentions:
            self.by_article.setdefault(m.span.article_id, []).append(m)
        for items in self.by_article.values():
            items.sort(key=lambda m: m.span)
        self._starts = {a: [m.span.start for m in ms] for a, ms in self.by_article.items()}

    def mentions(self, article_id: str) -> list[EntityMention]:
        return self.by_article.get(article_id, [])

    def entity_at(self, article_id: str, start: int, end: int) -> Entity | None:
        """The entity of the mention overlapping ``start..end`` most (None when none does)."""
        items = self.by_article.get(article_id, [])
        hi = bisect.bisect_left(self._starts.get(article_id, []), end)
        best, size = None, 0
        for m in items[max(0, hi - 16) : hi]:
            overlap = min(end, m.span.end) - max(start, m.span.start)
            if overlap > size and m.entity_id in self.entities:
                best, size = self.entities[m.entity_id], overlap
        return best

    def counts(self, article_ids: Iterable[str], labels: frozenset[str] | None = None) -> Counter[str]:
        """Mentions per entity id over some articles (of the given labels)."""
        out: Counter[str] = Counter()
        for aid in article_ids:
            for m in self.by_article.get(aid, []):
                ent = self.entities.get(m.entity_id or "")
                if ent is not None and (labels is None or ent.label in labels):
                    out[ent.id] += 1
        return out

    def lookup(self, phrase: str, among: Iterable[str] | None = None) -> Entity | None:
        """The one entity a phrase names: by its name ("Khamenei", "Mr. Rashid"), else by a role
        the entity was given ("Iran's leader"); ``among`` limits the candidates (a story's)."""
        pool = [self.entities[i] for i in among if i in self.entities] if among is not None else list(
            self.entities.values())
        name = strip_titles(phrase)
        if label_key(name):
            hits = [e for e in pool if part_of(name, e.name) or any(part_of(name, a) for a in e.aliases
                                                                    if not _is_role(a))]
            if len(hits) == 1:
                return hits[0]
            if hits:
                exact = [e for e in hits if label_key(e.name) == label_key(name)]
                return exact[0] if len(exact) == 1 else None
        return self._by_role(phrase, pool)

    def _by_role(self, phrase: str, pool: list[Entity]) -> Entity | None:
        head = role_head(phrase)
        if head is None:
            return None
        key = role_key(head)
        nat = next((nationality_key(w) for w in phrase.split() if w[:1].isupper() and not is_title(w)), None)
        hits = []
        for e in pool:
            for labels in e.descriptors.values():
                if any(_role_fits(d, key, nat) for d in labels):
                    hits.append(e)
                    break
        return hits[0] if len(hits) == 1 else None


def _role_fits(descriptor: str, key: str, nat: str | None) -> bool:
    head = role_head(descriptor)
    if head is None or role_key(head) != key:
        return False
    return nat is None or nationality(descriptor) in (None, nat)


def _is_role(alias: str) -> bool:
    return all(not w[:1].isupper() or is_title(w) for w in alias.split()[-1:])


# Capitalised words (with internal apostrophes, hyphens, dots) as cheap proper-noun evidence.
_CAP = re.compile(r"(?<![\w’'])([A-Z][\w’'.-]*\w|[A-Z])")


def name_tokens(text: str) -> list[tuple[int, str]]:
    """(position, word) of each capitalised word that can be part of a name, titles and honorifics
    left out ("President", "Gov.", "Mr"). Possessives stay ("Trump's"): as story evidence, cutting
    them joined different events about one person (BASIL story B-cubed 0.973 against 0.984)."""
    out = []
    for m in _CAP.finditer(text):
        word = m.group(1).rstrip(".")
        if len(word) < 2 or is_title(word):
            continue
        out.append((m.start(), word))
    return out
