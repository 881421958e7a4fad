"""Who is who in a story: the one model of people and organisations that every stage asks.

* :class:`StoryPeople` (``model.py``) — built by the Entities stage from a story's parses:
  mentions (``mentions.py``) linked into entities (``link.py``), quote speakers resolved
  (``resolve.py``: pronouns, role nouns, documents), records out;
* :class:`PeopleIndex` (``index.py``) — the stored records asked by later stages: the entity
  at a span, the mentions of an article, the entity a name or headline phrase stands for;
* ``names.py`` — the one list of titles, role nouns and gender cues, name normalisation.
"""

from __future__ import annotations

from .index import PeopleIndex, name_tokens
from .link import Person, entity_id
from .model import StoryPeople, article_people
from .resolve import Reference

__all__ = ["PeopleIndex", "Person", "Reference", "StoryPeople", "article_people", "entity_id", "name_tokens"]
