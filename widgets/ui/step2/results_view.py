"""Step 2 results: what a run found, as a plot (exceptions in the highlight colour), a
caption beneath it, the method's warnings in plain words, and one sentence per method.

The plot is drawn by ``widgets.plots.exceptions_figure`` (seaborn, imported when the first
plot is drawn) into an ``ipw.Output``. Every text that reaches HTML is escaped.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as ipw

from widgets.model import Measure
from widgets.ui.step2.method_picker import method_title, plain_words


def warnings_html(warnings: list[str], notes: list[str], unit_name: str = "") -> str:
    """The method's warnings (problems with the data or the choice) and notes (how it was
    applied), in plain words, escaped, as one "Worth knowing" box holding every bullet
    (warnings first); '' when there are none."""
    said = [plain_words(t, unit_name) for t in (*warnings, *notes)]
    if not said:
        return ""
    kinds = ["hi-run-warning"] * len(warnings) + ["hi-run-note"] * len(notes)
    seen: set[str] = set()
    items = []
    for text, kind in zip(said, kinds, strict=True):
        if text not in seen:
            seen.add(text)
            items.append(f'<li class="{kind}">{html.escape(text)}</li>')
    cls = "hi-run-warnings" if warnings else "hi-run-notes"
    return (f'<div class="hi-notice {cls}" role="status"><strong>Worth knowing:</strong>'
            f'<ul>{"".join(items)}</ul></div>')


def summary_sentences(results: list[Any], measure: Measure, agreed: int | None) -> list[str]:
    """One sentence per method ("Better than expected picked 5 of 60 families.") and, with
    several methods, how many units more than one picked."""
    from widgets.words import plural

    out = []
    for r in results:
        n = len(r.table)
        k = int(r.table["flagged"].sum())
        out.append(f"{method_title(r.method)} picked {k:,} of {n:,} "
                   f"{plural(measure.unit_name, n)}.")
    if agreed is not None and len(results) > 1:
        units = plural(measure.unit_name, agreed)
        out.append(f"{agreed:,} {units} {'was' if agreed == 1 else 'were'} picked by more than "
                   "one way of looking: the strongest candidates." if agreed else
                   "No one was picked by more than one way of looking.")
    return out


class ResultsView:
    """The plot, its caption, the warnings and a summary of one run.

    ``show(results, frame, measure, circumstances)`` fills it; ``plot_choice`` (shown when
    several methods ran) switches the plot between them. ``caption.value``,
    ``warnings.value`` and ``summary.value`` hold what is shown (for tests);
    ``figure_caption`` the caption as plain text.
    """

    def __init__(self, measure: Measure):
        self.measure = measure
        self.results: list[Any] = []
        self.rejected: set[str] = set()
        self.frame = None
        self.circumstances: list[str] = []
        self.figure_caption = ""
        self.heading = ipw.HTML("<h2>2. What the methods found</h2>")
        self.empty = ipw.HTML("<p class='hi-method-line'>Choose how to look above, then press "
                              "“Find positive exceptions”.</p>")
        self.summary = ipw.HTML("")
        self.summary.add_class("hi-run-summary")
        self.warnings = ipw.HTML("")
        self.warnings.add_class("hi-run-warnings-box")
        self.plot_choice = ipw.Dropdown(options=[], description="Show the plot for",
                                        style={"description_width": "initial"},
                                        layout=ipw.Layout(width="34em", display="none"))
        self.plot_choice.add_class("hi-plot-choice")
        self._paused = False
        self.plot_choice.observe(lambda _c: None if self._paused else self._draw(), "value")
        self.plot = ipw.Output(layout=ipw.Layout(max_width="60rem"))
        self.plot.add_class("hi-plot")
        self.caption = ipw.HTML("")
        self.caption.add_class("hi-caption")
        self.widget = ipw.VBox([self.heading, self.empty, self.summary, self.warnings,
                                self.plot_choice, self.plot, self.caption])
        self.widget.add_class("hi-section")
        self.widget.add_class("hi-results")

    def show(self, results: list[Any], frame, circumstances: list[str],
             agreed: int | None = None, rejected: set[str] | None = None) -> None:
        """Show what ``results`` (MethodResults of one run) found on ``frame``;
        ``rejected``: units the group said are not exceptions (drawn as the others)."""
        self.results, self.frame, self.circumstances = list(results), frame, circumstances
        self.rejected = set(rejected or ())
        self.empty.layout.display = "none"
        sentences = summary_sentences(self.results, self.measure, agreed)
        self.summary.value = "".join(f"<p>{html.escape(s)}</p>" for s in sentences)
        warnings: list[str] = []
        notes: list[str] = []
        for r in self.results:
            prefix = f"{method_title(r.method)}: " if len(self.results) > 1 else ""
            warnings += [prefix + w for w in r.warnings]
            notes += [prefix + n for n in r.notes]
        self.warnings.value = warnings_html(warnings, notes, self.measure.unit_name)
        options = [(method_title(r.method), i) for i, r in enumerate(self.results)]
        # Set the options without drawing twice: the observer draws on a value change.
        self._paused = True
        try:
            self.plot_choice.options = options
            self.plot_choice.value = 0 if options else None
        finally:
            self._paused = False
        self.plot_choice.layout.display = None if len(options) > 1 else "none"
        self._draw()

    def clear(self) -> None:
        """Show nothing found yet (what was found no longer holds: the measure changed)."""
        self.results, self.frame, self.circumstances = [], None, []
        self.empty.layout.display = None
        self.summary.value = self.warnings.value = self.caption.value = ""
        self.figure_caption = ""
        self.plot_choice.layout.display = "none"
        self.plot.clear_output()

    def set_rejected(self, rejected: set[str]) -> None:
        """Redraw the plot when the units the group rejected have changed."""
        if set(rejected) != self.rejected:
            self.rejected = set(rejected)
            if self.results:
                self._draw()

    def _draw(self) -> None:
        from IPython.display import HTML, display

        self.plot.clear_output()
        index = self.plot_choice.value
        if index is None or not self.results:
            self.caption.value = ""
            self.figure_caption = ""
            return
        result = self.results[index]
        figure = draw_figure(self.frame, result, self.measure, self.rejected)
        self.figure_caption = figure.caption
        with self.plot:
            display(HTML(f'<img class="hi-plot-image" src="{figure.data_uri()}" '
                         f'alt="{html.escape(figure.alt)}" style="max-width:100%">'))
        self.caption.value = f'<p class="hi-caption-text">{html.escape(figure.caption)}</p>'


def draw_figure(frame, result, measure: Measure, rejected: set[str] | None = None):
    """The plot that fits the method (``widgets.plots.exceptions_figure``); units the group
    rejected ("not an exception") are drawn as the others, and the caption says so."""
    from widgets.plots import exceptions_figure

    # "Better than expected" reads best as outcome against expected: top left is "expected
    # to struggle, but did not", whatever the circumstances were.
    return exceptions_figure(frame, result, measure, None, rejected=rejected or None)
