"""Plots in one shared theme (seaborn + matplotlib, imported only when a plot is drawn).

Every function is pure (DataFrames and values in) and returns a :class:`Figure` with the
matplotlib figure, a one-line caption and alt text; ``.png_bytes()``, ``.svg_text()`` and
``.data_uri()`` give it in a form to show or embed. Positive exceptions are always drawn in
:data:`HIGHLIGHT`; everyone else in :data:`OTHERS`.
"""

from .exceptions import METHOD_WORDS, exceptions_figure
from .figures import baseline_figure, practices_figure, progress_figure
from .theme import (
    HIGHLIGHT,
    HIGHLIGHT_MARKER,
    MAX_POINTS,
    NO_DATA,
    OTHERS,
    OTHERS_MARKER,
    REFERENCE,
    SERIES,
    Figure,
    empty_figure,
    theme_rc,
    themed,
)

__all__ = [
    "HIGHLIGHT", "HIGHLIGHT_MARKER", "MAX_POINTS", "METHOD_WORDS", "NO_DATA", "OTHERS",
    "OTHERS_MARKER", "REFERENCE", "SERIES", "Figure", "baseline_figure", "empty_figure",
    "exceptions_figure", "practices_figure", "progress_figure",
    "theme_rc", "themed",
]
