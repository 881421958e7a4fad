"""Entities stage: the people model of each story, asked once and stored as records.

For each story :class:`parallax.people.StoryPeople` links every name to a
person or organisation (full names, surnames, titles, acronyms), records the
labels each outlet gives them (titles, appositions, copulas and role phrases
linked to them: the outlet's naming), adds bare role phrases ("Iran's
leader") as their mentions, and resolves each quote's speaker phrase (name,
pronoun, role noun, document) to the name shown and the speaker's entity id.
Later stages read the records (:class:`parallax.people.PeopleIndex`); none
decides "the same person" on its own.
"""

from __future__ import annotations

from ..options import Options
from ..people import StoryPeople
from ..people.names import clean_name, nationality, role_head
from ..pipeline import Corpus
from ..records import Entity, EntityMention, Quote

__all__ = ["Entities", "clean_name", "entity_roles", "role_head"]


class Entities:
    name = "entities"
    requires: tuple[str, ...] = ("articles", "docs", "quotes", "stories")
    provides: tuple[str, ...] = ("entities", "mentions", "quotes.speakers")

    def __init__(self, options: Options):
        self.options = options

    def __call__(self, corpus: Corpus) -> Corpus:
        # Names are resolved within a story ("Rashid" is the story's Abdul Latif Rashid), so a run
        # cut into chunks of whole stories finds the same entities as one pass; an entity met in
        # several stories is one record with every story's evidence.
        index = corpus.by_id()
        groups = [corpus.story_articles(s, index) for s in sorted(corpus.stories, key=lambda s: s.id)]
        placed = {a.id for g in groups for a in g}
        groups.append([a for a in corpus.articles if a.id not in placed])
        quotes: dict[str, list[Quote]] = {}
        for q in corpus.quotes:
            quotes.setdefault(q.article_id, []).append(q)
        entities: dict[str, Entity] = {}
        mentions: list[EntityMention] = []
        for articles in groups:
            for art in articles:
                if art.id not in corpus.docs:
                    corpus.warn(art.id, "no parse; entities skipped")
            people = StoryPeople(articles, corpus.docs)
            people.attribute(q for a in articles for q in quotes.get(a.id, []))
            story_entities, story_mentions = people.records()
            for ent in story_entities:
                entities[ent.id] = entities[ent.id].merged(ent) if ent.id in entities else ent
            mentions.extend(story_mentions)
        # In order of first appearance, story by story: the order a merge of chunks gives too.
        corpus.entities, corpus.mentions = list(entities.values()), mentions
        return corpus


def entity_roles(entity: Entity) -> set[tuple[str | None, str]]:
    """(nationality key or None, role noun) pairs from every descriptor of an entity."""
    out = set()
    for labels in entity.descriptors.values():
        for desc in labels:
            head = role_head(desc)
            if head:
                out.add((nationality(desc), head))
    return out
