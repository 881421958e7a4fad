"""Shared model loading: each model is loaded lazily, once per process."""

from .embed import Embedder, get_embedder
from .spacy import load_spacy

__all__ = ["Embedder", "get_embedder", "load_spacy"]
