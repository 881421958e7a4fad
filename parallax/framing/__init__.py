"""Framing helpers: the loaded-terms lexicon."""
