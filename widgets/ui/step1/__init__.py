"""Step 1 — Engage, define and measure the burning issue.

    page = StepPage(1)
    page.build(step1.build)        # page.view is the Step1 view

Five sections, one module each: the issue (``issue``), who is in the room (``group``), the
measure (``measure``), the data typed in, uploaded or tallied (``units_editor``,
``data_upload``, ``tally``) and the baseline (``baseline_view``). Every section is built from
the store when the view is first shown and writes every change straight back to it: a page
refresh (a new kernel) loses nothing. Shown again (:meth:`Step1.refresh`), the view shows
what changed in the store meanwhile; left (:meth:`Step1.leave`), it saves what is waiting.
"""

from __future__ import annotations

import html

import ipywidgets as ipw

from widgets.ui.nav import page_href
from widgets.ui.step1.baseline_view import BaselineView
from widgets.ui.step1.common import section, stored_units, style_widget
from widgets.ui.step1.data_upload import DataUpload
from widgets.ui.step1.group import GroupSection
from widgets.ui.step1.issue import IssueSection
from widgets.ui.step1.measure import MeasureSection
from widgets.ui.step1.tally import Tally
from widgets.ui.step1.units_editor import UnitsEditor
from widgets.ui.view import View
from widgets.words import unit_words

__all__ = ["Step1", "build"]

#: Titles of the three ways in; the table is first (it also shows what is stored).
WAYS = ("See or type the numbers (a table)", "Upload a CSV or Excel file",
        "Quick tally (yes/no, counts only)")


class Step1(View):
    """The whole step: ``issue``, ``group``, ``measure``, ``editor``, ``upload``, ``tally``,
    ``baseline`` (the section objects, for tests and researchers); ``widget`` is the step."""

    key = 1

    def __init__(self, session):
        super().__init__(session)
        self.issue = IssueSection(session)
        self.group = GroupSection(session)
        self.measure = MeasureSection(session)
        self.editor = UnitsEditor(session)
        self.upload = DataUpload(session)
        self.tally = Tally(session)
        self.ways = ipw.Accordion(children=[self.editor.widget, self.upload.widget,
                                            self.tally.widget], selected_index=None)
        for i, title in enumerate(WAYS):
            self.ways.set_title(i, title)
        self.ways.add_class("hi-data-ways")
        session.wire(self.ways, self._way_opened, saves=False, names="selected_index")
        self.count = ipw.HTML()
        self.count.add_class("hi-data-count")
        data = section(4, "The data",
                       "The number for each unit, and its circumstances. Three ways in: "
                       "type them, upload a file, or a quick tally.",
                       self.count, self.ways, cls="hi-data")
        self.baseline = BaselineView(session)
        self.measure.show_hints()  # the checks against the stored data, in the background
        session.on("units", self.measure.show_hints)
        session.on("units", self.show_count)
        session.on("measure", self.show_count)
        nxt = ipw.HTML(f'<p>When the group has its baseline, <a class="hi-next-link" '
                       f'href="{html.escape(page_href(2, session.slug))}">go on to step 2: '
                       f"discover positive exceptions</a>.</p>")
        nxt.add_class("hi-next")
        self.widget = ipw.VBox([style_widget(), self.issue.widget, self.group.widget,
                                self.measure.widget, data, self.baseline.widget, nxt])
        self.widget.add_class("hi-step1")
        self.show_count()
        self._shown = session.version()

    def _way_opened(self, change) -> None:
        # Each way in is built when first opened: the page loads without their widgets.
        parts = (self.editor, self.upload, self.tally)
        if change["new"] is not None:
            parts[change["new"]].ensure_built()

    def show_count(self) -> None:
        """"60 families stored." above the three ways in."""
        s = self.session
        n = stored_units(s.store, s.slug)
        one, many = unit_words(s.inquiry().measure.unit_name)
        if not n:
            text = f"No {many} stored yet."
        else:
            text = f"{n:,} {one if n == 1 else many} stored."
        self.count.value = f"<strong>{html.escape(text)}</strong>"

    def refresh(self) -> None:
        """Shown again: show the issue, the group, the measure, the count, the table's page,
        the tally's counts and the baseline as the store holds them now (another view, a
        tab or the room may have changed them). Nothing is done when nothing changed."""
        self.flush()  # what was typed here is stored first, so it is not typed over
        self.session.run(self._refresh, saves=False)  # a failure: the apology, never a trace

    def _refresh(self) -> None:
        s = self.session
        version = s.version()
        if version == self._shown:
            return
        s.changed()  # changed elsewhere: read the store again (no listener is told)
        inquiry = s.inquiry(units=self.editor.built)
        self.issue.refresh(inquiry.issue)
        self.group.show(inquiry.group)
        self.measure.refresh(inquiry.measure)
        self.show_count()
        self.editor.reload(inquiry)
        self.upload.follow_measure()
        self.tally.refresh()
        self.tally.prefill()
        self.baseline.refresh()
        self._shown = version

    def leave(self) -> None:
        """Another view is shown: save the text still waiting for its autosave."""
        self.flush()

    def flush(self) -> None:
        """Save any text still waiting for its autosave timer."""
        self.issue.flush()
        self.measure.flush()


def build(session) -> Step1:
    """Step 1 for the session's open inquiry (``StepPage(1).build``)."""
    return Step1(session)
