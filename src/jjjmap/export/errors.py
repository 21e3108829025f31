"""Typed export errors carrying a message written for the user."""
from __future__ import annotations


class ExportError(Exception):
    """An export failed. ``str(err)`` / ``err.user_message`` is meant for the user."""

    def __init__(self, user_message: str, *, detail: str = ""):
        super().__init__(user_message)
        self.user_message = user_message
        self.detail = detail
