"""Step 3, "Share how they did it": the practices, who does them, the action, the progress.

    page = StepPage(3)
    page.build(step3.build)

Four parts, one under the other, each saved as it is changed: ``practices`` (what, how,
why, could anyone do it), ``practice_checks`` (the grid and the comparison), ``action`` (what
the group will do, who leads) and ``progress`` (dated measurements after the baseline).
"""

from __future__ import annotations

import ipywidgets as ipw

from widgets.ui.nav import page_href
from widgets.ui.step3.parts import (
    html_part,
    vbox,
)
from widgets.ui.step3.shared import (
    StepContext,
    esc,
)
from widgets.ui.step3.styles import (
    style_widget,
)


class Step3:
    """The whole step: ``ctx`` (the open inquiry) and the four sections."""

    def __init__(self, page):
        from widgets.ui.step3.action import ActionsSection
        from widgets.ui.step3.practice_checks import ChecksSection
        from widgets.ui.step3.practices import PracticesSection
        from widgets.ui.step3.progress import ProgressSection

        self.ctx = StepContext(page)
        self.practices = PracticesSection(self.ctx)
        self.checks = ChecksSection(self.ctx)
        self.actions = ActionsSection(self.ctx)
        self.progress = ProgressSection(self.ctx)
        self.ctx.load_units()  # after the page is shown; then the grid, comparison, chart
        dashboard = esc(page_href("dashboard", page.slug))
        after = html_part(f'<p class="hi-next">When the group is ready, show the whole story on '
                         f'the <a class="hi-dashboard-link" href="{dashboard}">dashboard</a>, '
                         "and download the report there.</p>")
        self.widget = vbox([style_widget(), self.practices.widget, self.checks.widget,
                                self.actions.widget, self.progress.widget, after])
        self.widget.add_class("hi-step3")


def build(page) -> ipw.Widget:
    """Build step 3 for the page's open inquiry (called by ``StepPage.build``)."""
    step = Step3(page)
    page.step3 = step  # for tests and for researchers in JupyterLab
    return step.widget
