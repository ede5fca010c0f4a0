"""Section 5: the baseline — one plain sentence with its uncertainty, and a plot.

Redrawn after every change to the data or the measure. The drawing is slow work (pandas,
scipy and seaborn; seconds on a cold kernel), so it goes through the session's one background
runner (``session.later``): worked out on the kernel's worker thread, shown on its event loop.
The page shows at once and says "Working out the baseline…" meanwhile.
"""

from __future__ import annotations

import base64
import html
import threading
from dataclasses import dataclass
from typing import Any

import ipywidgets as ipw

from widgets.ui.errors import is_person_error, person_text, run_and_report
from widgets.ui.step1.common import section, stored_units
from widgets.words import unit_words

NO_DATA = "No data yet: type, upload or tally the numbers above."
WORKING = "Working out the baseline…"
#: Shown instead of the baseline when it cannot be worked out (never "Working out…" for ever).
FAILED = ("Sorry — the baseline could not be worked out. Nothing stored was changed; the "
          "details are in the log.")


@dataclass
class Drawing:
    """What the section shows: the sentence, its CSS class, and the figure (None: no plot)."""

    text: str
    cls: str
    figure: Any = None
    png: str = ""


class BaselineView:
    """``sentence`` (HTML), ``plot`` (an Output holding the figure as an image), ``caption``."""

    def __init__(self, session):
        self.session = session
        self.sentence = ipw.HTML()
        self.sentence.add_class("hi-baseline-sentence")
        self.plot = ipw.Output()
        self.plot.add_class("hi-baseline-plot")
        self.caption = ipw.HTML()
        self.caption.add_class("hi-baseline-caption")
        self.text = ""
        self.figure = None
        self.done = threading.Event()  # set when a drawing is shown (tests wait for it)
        self._warm = False
        self.widget = section(
            5, "The baseline",
            "How big the problem is now. Every change you make is compared with this.",
            self.sentence, self.plot, self.caption, cls="hi-baseline")
        self.later = session.later(self._work_out, self._show)
        session.on("units", self.refresh)
        session.on("measure", self.refresh)
        if stored_units(session.store, session.slug) == 0:  # a quick count: nothing to draw
            self._show_text(NO_DATA, "hi-baseline-empty")
        else:
            self._show_text(WORKING, "hi-baseline-working")
        self.refresh()

    def refresh(self) -> None:
        """Work out the baseline again from the store and redraw it (in the background on a
        page; at once in tests and scripts)."""
        self.done.clear()
        self.later.request()

    def _work_out(self) -> Drawing:
        """On the worker thread: the drawing, or a plain message in its place when it cannot
        be made (a person's problem in its own words; a bug as an apology, logged)."""
        ok, drawing, exc = run_and_report(self._draw)
        if ok:
            return drawing
        text = person_text(exc) if exc is not None and is_person_error(exc) else FAILED
        return Drawing(text, "hi-baseline-problem")

    def _draw(self) -> Drawing:
        """Read the store, work out the sentence, draw the figure."""
        from widgets.model import ModelError

        s = self.session
        measure = s.store.get(s.slug, include_units=False).measure
        frame = s.store.units_frame(s.slug)
        try:
            if frame["outcome"].notna().sum() == 0:
                return Drawing(NO_DATA, "hi-baseline-empty")
            if measure.kind == "rate" and frame["population"].notna().sum() == 0:
                return Drawing(f"A rate needs a population for each "
                               f"{unit_words(measure.unit_name)[0]}: add it in the table, "
                               "or import a file with a population column.",
                               "hi-baseline-problem")
            from widgets.analysis.baseline import baseline_summary
            from widgets.plots import baseline_figure

            try:
                summary = baseline_summary(frame, measure)
            except ModelError as problem:
                return Drawing(str(problem), "hi-baseline-problem")
            figure = baseline_figure(frame, measure)
            png = base64.b64encode(figure.png_bytes()).decode("ascii")
            return Drawing(summary.sentence, "hi-baseline-ok", figure, png)
        finally:
            if not self._warm:
                # Load the statistics and plotting libraries now, while the group reads the
                # page, so the first import or tally does not keep them waiting.
                self._warm = True
                _warm_up()

    def _show(self, drawing: Drawing) -> None:
        """On the kernel's loop: put the drawing in the widgets."""
        self._show_text(drawing.text, drawing.cls)
        if drawing.figure is None:
            self.plot.outputs = ()
            self.caption.value = ""
        else:
            figure = drawing.figure
            # The HTML form is the one shown: the front end puts no alt text on a bare PNG.
            img = (f'<img src="data:image/png;base64,{drawing.png}" '
                   f'alt="{html.escape(figure.alt)}" style="max-width:100%;height:auto">')
            self.plot.outputs = ({"output_type": "display_data",
                                  "data": {"text/html": img, "image/png": drawing.png,
                                           "text/plain": figure.alt},
                                  "metadata": {"image/png": {"alt": figure.alt}}},)
            self.caption.value = html.escape(figure.caption)
        self.figure = drawing.figure
        self.done.set()

    def _show_text(self, text: str, cls: str) -> None:
        self.text = text
        self.sentence.value = f'<p class="{cls}" role="status">{html.escape(text)}</p>'

    def wait(self, timeout: float = 60.0) -> bool:
        """Wait until the latest drawing is shown (tests); True when it was."""
        return self.done.wait(timeout)


def _warm_up() -> None:
    import scipy.stats  # noqa: F401 - the baseline's intervals
    import seaborn  # noqa: F401 - the plot

    import widgets.analysis.baseline  # noqa: F401
    import widgets.plots  # noqa: F401
