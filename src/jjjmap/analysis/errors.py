"""The one error the analysis tools raise for something the user asked: worded for them."""
from __future__ import annotations


class AnalysisError(ValueError):
    """A spatial question that cannot be answered as asked (a distance of 0, an empty
    selection, a place that is not found ...); the message says what to change."""
