"""Facts: propositions read off the parse, and whether two of them state the same fact.

``propositions`` turns a parsed article into clause-level units with
attribution unwrapped; ``features`` compares propositions of different
articles of one story; ``SameFact`` turns those features into a calibrated
probability; ``align`` groups a story's propositions and says which are
shared, exclusive or uncertain. See docs/facts.md.
"""

from .align import FactGroup, FactStatus, StoryAlignment, align
from .features import StoryFacts
from .model import Bounds, SameFact
from .propositions import Mention, Proposition, Quantity, propositions

__all__ = [
    "Bounds", "FactGroup", "FactStatus", "Mention", "Proposition", "Quantity", "SameFact", "StoryAlignment",
    "StoryFacts", "align", "propositions",
]
