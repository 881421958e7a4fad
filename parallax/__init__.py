"""Parallax: show every side of a news story."""

__version__ = "0.1.0"

from .analyze import analyze, default_pipeline, show, stories
from .errors import InputError, ParallaxError, StoreError
from .options import Options, OptionsError
from .pipeline import Corpus, Pipeline, PipelineError, Stage
from .records import (
    Article,
    Claim,
    ClaimGroup,
    Contradiction,
    Digest,
    DigestSentence,
    Draft,
    Entity,
    EntityMention,
    FramingSignal,
    Issue,
    Quote,
    QuoteCluster,
    QuoteVariant,
    Record,
    Reuse,
    Span,
    Story,
    TimelineEvent,
)
from .store import Store

__all__ = [
    "Article",
    "Claim",
    "ClaimGroup",
    "Contradiction",
    "Corpus",
    "Digest",
    "DigestSentence",
    "Draft",
    "Entity",
    "EntityMention",
    "FramingSignal",
    "InputError",
    "Issue",
    "Options",
    "OptionsError",
    "ParallaxError",
    "Pipeline",
    "PipelineError",
    "Quote",
    "QuoteCluster",
    "QuoteVariant",
    "Record",
    "Reuse",
    "Span",
    "Stage",
    "Store",
    "StoreError",
    "Story",
    "TimelineEvent",
    "__version__",
    "analyze",
    "default_pipeline",
    "show",
    "stories",
]
