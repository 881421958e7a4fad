"""Outlets: who publishes each article, the registry behind it, coverage spread and habits."""

from .identify import OutletMatch, identify
from .registry import OutletEntry, Registry, RegistryError, load_registry
from .spread import Blindspot, CountBar, CoverageSpread, FirstReport, spread

__all__ = [
    "Blindspot",
    "CountBar",
    "CoverageSpread",
    "FirstReport",
    "OutletEntry",
    "OutletMatch",
    "Registry",
    "RegistryError",
    "identify",
    "load_registry",
    "spread",
]
