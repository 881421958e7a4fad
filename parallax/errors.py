"""Errors a user can act on. The CLI prints their message as one line."""


class ParallaxError(Exception):
    """Base class: the message is shown to the user as is, without a traceback."""


class InputError(ParallaxError):
    """An input path or file that cannot be read as articles."""


class StoreError(ParallaxError):
    """The database cannot be opened, migrated or written."""
