"""Step 3, "Share how they did it": the practices, who does them, the action, the progress.

    page = StepPage(3)
    page.build(step3.build)            # page.view is the Step3 view

Four parts, one under the other, each saved as it is changed: ``practices`` (what, how,
why, could anyone do it), ``checks`` (the grid and the comparison), ``actions`` (what the
group will do, who leads) and ``progress`` (dated measurements after the baseline). Each
part takes the page's session (widgets/ui/session.py) and tells the others what changed
through ``session.on`` / ``session.changed``. The units, which step 3 never changes, are
read after the page is shown (``session.later``); then the grid, comparison and chart.
"""

from __future__ import annotations

from typing import Any

from widgets.ui.nav import page_href
from widgets.ui.step3.parts import html_part, vbox
from widgets.ui.step3.shared import UnitList, esc, units_mark
from widgets.ui.step3.styles import style_widget
from widgets.ui.view import View

__all__ = ["Step3", "build"]


class Step3(View):
    """The whole step: ``units`` (a :class:`~widgets.ui.step3.shared.UnitList`) and the
    four sections ``practices``, ``checks``, ``actions``, ``progress``."""

    key = 3

    def __init__(self, session: Any):
        from widgets.ui.step3.action import ActionsSection
        from widgets.ui.step3.practice_checks import ChecksSection
        from widgets.ui.step3.practices import PracticesSection
        from widgets.ui.step3.progress import ProgressSection

        super().__init__(session)
        self.units = UnitList(self._read_units)
        self._units_later = session.later(self._read_units, self._units_read)
        self.practices = PracticesSection(session, self.units)
        self.checks = ChecksSection(session, self.units)
        self.actions = ActionsSection(session)
        self.progress = ProgressSection(session, self.units)
        self._shown = session.version()
        inquiry = session.inquiry()
        self._measure, self._units_mark = inquiry.measure, units_mark(inquiry)
        dashboard = esc(page_href("dashboard", session.slug))
        after = html_part(f'<p class="hi-next">When the group is ready, show the whole story on '
                          f'the <a class="hi-dashboard-link" href="{dashboard}">dashboard</a>, '
                          "and download the report there.</p>")
        self.widget = vbox([style_widget(), self.practices.widget, self.checks.widget,
                            self.actions.widget, self.progress.widget, after])
        self.widget.add_class("hi-step3")
        self._units_later.request()  # after the page is shown; then the grid, comparison, chart

    # ------------------------------------------------------------------ the units

    def _read_units(self) -> list:
        return self.session.store.units(self.session.slug)

    def _units_read(self, units: list) -> None:
        """The units arrived: show the parts that need them."""
        self.units.set(units)
        self.session.run(self._show_units, saves=False)

    def _show_units(self, again: bool = True) -> None:
        """The grid, the comparison and the progress (``again``: with units just read)."""
        self.checks.refresh()
        self.checks.comparison.refresh()
        if again:
            self.progress.units_changed()
        else:
            self.progress.refresh()

    # ------------------------------------------------------------------ shown again

    def refresh(self) -> None:
        """Shown again: show the practices, answers, actions and progress as the store holds
        them now (another view, another tab or the room may have changed them). Nothing is
        done when the inquiry has not changed since it was last shown."""
        version = self.session.version()
        if version == self._shown:
            return
        self._shown = version
        self.session.run(self._refresh, saves=False)

    def _refresh(self) -> None:
        inquiry = self.session.inquiry()
        for form in (self.practices, self.actions):
            form.refresh()
        self.practices.refresh_choices()
        self.actions.refresh_spread()
        self.actions.refresh_leads()
        self.progress.show_measure()
        self.progress.show_entries()
        if inquiry.measure != self._measure:
            self._measure = inquiry.measure
            self.practices.show_unit()
            self.checks.show_unit()
        mark = units_mark(inquiry)
        if mark != self._units_mark:
            # Step 1 changed the units: read them again (in the background on a page); the
            # grid, the comparison and the chart follow when they are there.
            self._units_mark = mark
            self._units_later.request()
        elif self.units.ready:
            self._show_units(again=False)


def build(session: Any) -> Step3:
    """Step 3 for the session's open inquiry (``StepPage(3).build``)."""
    return Step3(session)
