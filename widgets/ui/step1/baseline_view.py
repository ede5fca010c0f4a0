"""Section 5: the baseline — one plain sentence with its uncertainty, and a plot.

Redrawn after every change to the data or the measure. At page load it is drawn in a
background thread, so the page shows at once and the plotting libraries load meanwhile.
"""

from __future__ import annotations

import base64
import html
import threading

import ipywidgets as ipw

from widgets.ui.step1.common import section, stored_units, unit_words

NO_DATA = "No data yet: type, upload or tally the numbers above."
#: Seconds to wait before the first drawing, so the page reaches the browser before the
#: kernel gets busy loading the statistics and plotting libraries.
START_DELAY = 1.0


class BaselineView:
    """``sentence`` (HTML), ``plot`` (an Output holding the figure as an image), ``caption``."""

    def __init__(self, page, events, background: bool = True, after=None):
        self.page, self.after = page, after
        self.sentence = ipw.HTML()
        self.sentence.add_class("hi-baseline-sentence")
        self.plot = ipw.Output()
        self.plot.add_class("hi-baseline-plot")
        self.caption = ipw.HTML()
        self.caption.add_class("hi-baseline-caption")
        self.text = ""
        self._lock = threading.Lock()
        self._generation = 0
        self.done = threading.Event()
        self.widget = section(
            5, "The baseline",
            "How big the problem is now. Every change you make is compared with this.",
            self.sentence, self.plot, self.caption, cls="hi-baseline")
        events.listen("units", self.refresh)
        events.listen("measure", self.refresh)
        if background:
            if stored_units(page.store, page.slug) == 0:  # a quick count: nothing to draw
                self._show_text(NO_DATA, "hi-baseline-empty")
                self.done.set()
            else:
                self._show_text("Working out the baseline…", "hi-baseline-working")
            self._generation += 1
            timer = threading.Timer(START_DELAY, self._draw_then_warm_up,
                                    args=(self._generation,))
            timer.daemon = True
            timer.start()
        else:
            self.refresh()

    def refresh(self) -> None:
        """Work out the baseline again from the store and redraw it."""
        self._generation += 1
        self._draw_safely(self._generation)

    def _draw_safely(self, generation: int) -> None:
        self.page.guard(self._draw, saves=False)(generation)

    def _draw_then_warm_up(self, generation: int) -> None:
        self._draw_safely(generation)
        if self.after is not None:  # other checks that need the data, off the page load
            self.page.guard(self.after, saves=False)()
        # Load the statistics and plotting libraries now, while the group reads the page,
        # so the first import or tally does not keep them waiting.
        self.page.guard(_warm_up, saves=False)()

    def _draw(self, generation: int) -> None:
        from widgets.model import ModelError

        with self._lock:
            if generation != self._generation:
                return  # a newer refresh is on its way
            self.done.clear()
            try:
                store, slug = self.page.store, self.page.slug
                measure = store.get(slug, include_units=False).measure
                frame = store.units_frame(slug)
                if frame["outcome"].notna().sum() == 0:
                    self._clear_plot()
                    self._show_text(NO_DATA, "hi-baseline-empty")
                    return
                if measure.kind == "rate" and frame["population"].notna().sum() == 0:
                    self._clear_plot()
                    self._show_text(f"A rate needs a population for each "
                                    f"{unit_words(measure.unit_name)[0]}: add it in the table, "
                                    "or import a file with a population column.",
                                    "hi-baseline-problem")
                    return
                from widgets.analysis.baseline import baseline_summary

                try:
                    summary = baseline_summary(frame, measure)
                except ModelError as problem:
                    self._clear_plot()
                    self._show_text(str(problem), "hi-baseline-problem")
                    return
                self._show_text(summary.sentence, "hi-baseline-ok")
                self._show_figure(frame, measure)
            finally:
                self.done.set()

    def _show_text(self, text: str, cls: str) -> None:
        self.text = text
        self.sentence.value = f'<p class="{cls}" role="status">{html.escape(text)}</p>'

    def _show_figure(self, frame, measure) -> None:
        from widgets.plots import baseline_figure

        figure = baseline_figure(frame, measure)
        png = base64.b64encode(figure.png_bytes()).decode("ascii")
        # Set the outputs directly (not `with self.plot:`): this also works from a thread.
        # The HTML form is the one shown: the front end puts no alt text on a bare PNG.
        img = (f'<img src="data:image/png;base64,{png}" alt="{html.escape(figure.alt)}" '
               'style="max-width:100%;height:auto">')
        self.plot.outputs = ({"output_type": "display_data",
                              "data": {"text/html": img, "image/png": png,
                                       "text/plain": figure.alt},
                              "metadata": {"image/png": {"alt": figure.alt}}},)
        self.caption.value = html.escape(figure.caption)
        self.figure = figure

    def _clear_plot(self) -> None:
        self.plot.outputs = ()
        self.caption.value = ""
        self.figure = None

    def wait(self, timeout: float = 60.0) -> bool:
        """Wait until the first drawing is done (tests); True when it finished."""
        return self.done.wait(timeout)


def _warm_up() -> None:
    import scipy.stats  # noqa: F401 - the baseline's intervals
    import seaborn  # noqa: F401 - the plot

    import widgets.analysis.baseline  # noqa: F401
    import widgets.plots  # noqa: F401
