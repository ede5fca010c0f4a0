"""The shared look of every plot, and the small :class:`Figure` value the plot functions return.

One theme for the whole kit (every plot of the steps, the dashboard and the report): large
fonts that read on a projector, the colour-blind-safe Okabe–Ito colours, and positive
exceptions always in :data:`HIGHLIGHT` (with a diamond marker too, so colour is never the
only cue).

matplotlib and seaborn are imported inside the functions: this module is imported by
notebooks at page load. Figures are built with :class:`matplotlib.figure.Figure` directly, not
with pyplot, so no figure is ever registered with a GUI backend (nothing leaks, no display
needed, the Agg renderer is used for PNG and SVG output).
"""

from __future__ import annotations

import base64
import html
import io
import math
import textwrap
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from widgets.words import plural

#: Positive exceptions, on every plot (Okabe–Ito vermillion). Used for nothing else.
HIGHLIGHT = "#D55E00"
#: Every other unit (Okabe–Ito blue): the most robust contrast with HIGHLIGHT for all
#: common kinds of colour blindness.
OTHERS = "#0173B2"
#: Reference lines (baseline, expected, overall rate, limits).
REFERENCE = "#222222"
#: Further series (progress lines), in order; HIGHLIGHT is deliberately not among them.
SERIES = ["#0173B2", "#029E73", "#CC78BC", "#DE8F05", "#56B4E9", "#949494"]

#: Marker for positive exceptions and for everyone else.
HIGHLIGHT_MARKER = "D"
OTHERS_MARKER = "o"
#: Transparency of the other units' points (exceptions are always opaque).
OTHERS_ALPHA = 0.55

#: Most points drawn for "other" units; beyond this a fixed sample is shown (stated in the
#: caption). Exceptions are always all drawn.
MAX_POINTS = 5000

#: Most bars (or rows of bars) any plot draws: beyond this the first ones are drawn and the
#: caption says "showing 20 of 100,000". Keeps every figure a bounded size.
MAX_BARS = 20
#: Most bins of a histogram, and most periods of a bar chart over time.
MAX_BINS = 60
#: Largest height of any figure, in inches (with FIGSIZE's width: a bounded pixel size).
MAX_HEIGHT = 20.0

#: Size of every figure in inches, and the resolution of PNG output.
FIGSIZE = (10.0, 5.6)
DPI = 110

NO_DATA = "No data yet"

_FONT_SIZES = {
    "font.size": 16,
    "axes.labelsize": 18,
    "axes.titlesize": 19,
    "xtick.labelsize": 15,
    "ytick.labelsize": 15,
    "legend.fontsize": 15,
    "legend.title_fontsize": 15,
}


def theme_rc() -> dict[str, Any]:
    """The matplotlib settings of the kit's theme (seaborn "whitegrid" + large fonts)."""
    import seaborn as sns
    from cycler import cycler

    rc: dict[str, Any] = {}
    rc.update(sns.axes_style("whitegrid"))
    rc.update(sns.plotting_context("talk"))
    rc.update(_FONT_SIZES)
    rc.update({
        "axes.prop_cycle": cycler(color=SERIES),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "savefig.bbox": "tight",
        "svg.fonttype": "path",  # SVG needs no font from any other place
        "lines.linewidth": 2.5,
        "legend.frameon": False,
    })
    return rc


#: matplotlib's settings are global: two threads drawing at once would restore each
#: other's settings in the wrong order and leave the theme switched on for everyone.
_THEME_LOCK = threading.RLock()


@contextmanager
def themed() -> Iterator[None]:
    """Apply the theme while a figure is built, without changing anyone else's settings.

    Figures are built one at a time (a lock), so this is safe from several threads.
    """
    import matplotlib

    with _THEME_LOCK, matplotlib.rc_context(theme_rc()):
        yield


def new_figure(nrows: int = 1, height: float | None = None, sharex: bool = False):
    """A new (pyplot-free) matplotlib figure with ``nrows`` axes, in the theme.

    Call inside :func:`themed`. Returns ``(fig, axes)``; ``axes`` is one Axes when
    ``nrows == 1``, else a list.
    """
    from matplotlib.figure import Figure as MplFigure

    size = (FIGSIZE[0], min(MAX_HEIGHT, height or (FIGSIZE[1] if nrows == 1
                                                  else 3.2 * nrows + 0.6)))
    fig = MplFigure(figsize=size, dpi=DPI, layout="constrained")
    axes = fig.subplots(nrows, 1, sharex=sharex, squeeze=False)[:, 0]
    return fig, (axes[0] if nrows == 1 else list(axes))


@dataclass
class Figure:
    """A finished plot: the matplotlib figure, a one-line caption and alt text.

    ``caption`` says what the plot shows, with its key numbers; ``alt`` describes it for
    someone who cannot see it. Both are plain text (escape them before they reach HTML).
    """

    fig: Any
    caption: str
    alt: str
    _png: dict[int, bytes] = field(default_factory=dict, repr=False, compare=False)

    def png_bytes(self, dpi: int = DPI) -> bytes:
        """The plot as PNG bytes (cached per resolution)."""
        if dpi not in self._png:
            buf = io.BytesIO()
            with _quiet_glyphs():
                self.fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
            self._png[dpi] = buf.getvalue()
        return self._png[dpi]

    def svg_text(self) -> str:
        """The plot as SVG text (text drawn as paths: no fonts needed to view it)."""
        buf = io.StringIO()
        with _quiet_glyphs():
            self.fig.savefig(buf, format="svg", facecolor="white")
        return buf.getvalue()

    def data_uri(self, dpi: int = DPI) -> str:
        """A ``data:image/png;base64,...`` URI, for embedding in a self-contained page."""
        return "data:image/png;base64," + base64.b64encode(self.png_bytes(dpi)).decode("ascii")

    def html(self) -> str:
        """An escaped ``<figure>`` with the image, its alt text and the caption."""
        return (f'<figure><img src="{self.data_uri()}" alt="{html.escape(self.alt)}">'
                f"<figcaption>{html.escape(self.caption)}</figcaption></figure>")

    def _repr_png_(self) -> bytes:
        return self.png_bytes()

    def _repr_html_(self) -> str:
        return self.html()


@contextmanager
def _quiet_glyphs() -> Iterator[None]:
    # Person text may hold characters DejaVu Sans lacks (emoji, some scripts): matplotlib
    # draws a box and warns; the warning helps nobody in the room.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*[Gg]lyph.*missing.*")
        warnings.filterwarnings("ignore", message=r".*missing from font.*")
        yield


def empty_figure(message: str = NO_DATA, caption: str | None = None) -> Figure:
    """A plain figure that only says ``message`` (used whenever there is nothing to plot)."""
    with themed():
        fig, ax = new_figure(height=2.4)
        ax.set_axis_off()
        ax.text(0.5, 0.5, label(message, 60), ha="center", va="center",
                fontsize=20, color="#555555", transform=ax.transAxes)
    text = caption or f"{message}."
    return Figure(fig, text, text)


# ---------------------------------------------------------------------- words on plots


def label(text: Any, width: int = 40, limit: int = 90) -> str:
    """Person text made safe for a matplotlib label: ``$`` is not maths, long text wraps.

    Without the escape, "$5 or $10" would be typeset as mathematics (or raise).
    """
    value = " ".join(str(text if text is not None else "").split())
    if len(value) > limit:
        value = value[: limit - 1].rstrip() + "…"
    value = value.replace("$", r"\$")
    return "\n".join(textwrap.wrap(value, width, break_long_words=True)) or " "


def showing(shown: int, total: int, things: str) -> str:
    """" (showing 20 of 100,000 practices)" when not everything is drawn, else ""."""
    if shown >= total:
        return ""
    return f" (showing {shown:,} of {total:,} {plural(things, total)})"


def number(value: float | None, digits: int = 1) -> str:
    """A number for a caption: whole numbers without decimals, thousands with commas."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.{digits}f}"


def percent(share: float | None) -> str:
    """A share between 0 and 1 as a whole percentage ("30 %", the kit's style, with a
    no-break space): :func:`widgets.words.percent`."""
    from widgets.words import percent as _percent

    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "–"
    return _percent(share, 0)


def rate_scale(overall: float) -> tuple[float, str]:
    """How to show rates: per 100 when they are at least 1 %, else per 1,000."""
    if overall >= 0.01 or overall == 0:
        return 100.0, "per 100"
    return 1000.0, "per 1,000"
