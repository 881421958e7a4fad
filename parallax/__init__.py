"""Parallax: show every side of a news story."""

__version__ = "0.1.0"

from .analyze import analyze, default_pipeline, show, stories  # noqa: E402
from .errors import InputError, ParallaxError, StoreError  # noqa: E402
from .options import Options, OptionsError  # noqa: E402
from .pipeline import Corpus, Pipeline, PipelineError, Stage  # noqa: E402
from .records import (  # noqa: E402
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
from .store import Store  # noqa: E402

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
