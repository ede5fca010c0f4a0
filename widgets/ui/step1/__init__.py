"""Step 1 — Engage, define and measure the burning issue.

    page = StepPage(1)
    page.build(step1.build)

Five sections, one module each: the issue (``issue``), who is in the room (``group``), the
measure (``measure``), the data typed in, uploaded or tallied (``units_editor``,
``data_upload``, ``tally``) and the baseline (``baseline_view``). Every section is built from
the store when the page loads and writes every change straight back to it: a page refresh
(a new kernel) loses nothing.
"""

from __future__ import annotations

import html

import ipywidgets as ipw

from widgets.ui.nav import page_href
from widgets.ui.step1.baseline_view import BaselineView
from widgets.ui.step1.common import Events, section, stored_units, style_widget, unit_words
from widgets.ui.step1.data_upload import DataUpload
from widgets.ui.step1.group import GroupSection
from widgets.ui.step1.issue import IssueSection
from widgets.ui.step1.measure import MeasureSection
from widgets.ui.step1.tally import Tally
from widgets.ui.step1.units_editor import UnitsEditor

__all__ = ["Step1", "build"]

#: Titles of the three ways in; the table is first (it also shows what is stored).
WAYS = ("See or type the numbers (a table)", "Upload a CSV or Excel file",
        "Quick tally (yes/no, counts only)")


class Step1(ipw.VBox):
    """The whole step: ``issue``, ``group``, ``measure``, ``editor``, ``upload``, ``tally``,
    ``baseline`` (the section objects, for tests and researchers), ``events``."""

    def __init__(self, page, *, background: bool = True):
        self.page = page
        self.events = Events()
        self.issue = IssueSection(page)
        self.group = GroupSection(page)
        self.measure = MeasureSection(page, self.events)
        self.editor = UnitsEditor(page, self.events)
        self.upload = DataUpload(page, self.events)
        self.tally = Tally(page, self.events)
        self.ways = ipw.Accordion(children=[self.editor.widget, self.upload.widget,
                                            self.tally.widget], selected_index=None)
        for i, title in enumerate(WAYS):
            self.ways.set_title(i, title)
        self.ways.add_class("hi-data-ways")
        self.ways.observe(self._way_opened, names="selected_index")
        self.count = ipw.HTML()
        self.count.add_class("hi-data-count")
        data = section(4, "The data",
                       "The number for each unit, and its circumstances. Three ways in: "
                       "type them, upload a file, or a quick tally.",
                       self.count, self.ways, cls="hi-data")
        self.baseline = BaselineView(page, self.events, background=background,
                                     after=self.measure.show_hints)
        if not background:
            self.measure.show_hints()
        self.events.listen("units", self.measure.show_hints)
        self.events.listen("units", self.show_count)
        self.events.listen("measure", self.show_count)
        nxt = ipw.HTML(f'<p>When the group has its baseline, <a class="hi-next-link" '
                       f'href="{html.escape(page_href(2, page.slug))}">go on to step 2: '
                       f"discover positive exceptions</a>.</p>")
        nxt.add_class("hi-next")
        super().__init__([style_widget(), self.issue.widget, self.group.widget,
                          self.measure.widget, data, self.baseline.widget, nxt])
        self.add_class("hi-step1")
        self.show_count()

    def _way_opened(self, change) -> None:
        # Each way in is built when first opened: the page loads without their widgets.
        parts = (self.editor, self.upload, self.tally)
        if change["new"] is not None:
            self.page.guard(parts[change["new"]].ensure_built, saves=False)()

    def show_count(self) -> None:
        """"60 families stored." above the three ways in."""
        store, slug = self.page.store, self.page.slug
        n = stored_units(store, slug)
        measure = store.get(slug, include_units=False).measure
        one, many = unit_words(measure.unit_name)
        if not n:
            text = f"No {many} stored yet."
        else:
            text = f"{n:,} {one if n == 1 else many} stored."
        self.count.value = f"<strong>{html.escape(text)}</strong>"

    def flush(self) -> None:
        """Save any text still waiting for its autosave timer."""
        self.issue.flush()
        self.measure.flush()


def build(page, *, background: bool = True) -> Step1:
    """Step 1's widgets for the inquiry open in ``page`` (a :class:`StepPage`)."""
    return Step1(page, background=background)
