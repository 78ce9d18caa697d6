"""The store's base error (its own module, so the ownership rules can raise one without
importing the engine that uses them)."""

from __future__ import annotations


class StoreError(RuntimeError):
    """The database cannot be opened or used; the message says what to do about it."""
