"""The report: one self-contained HTML file that tells an inquiry's story.

    from widgets.report import build_report, write_report, report_context

One idea per module:

- :mod:`~widgets.report.contents`   what the report says, from the inquiry
  (:func:`report_context`: plain values, testable without rendering);
- :mod:`~widgets.report.wording`    its sentences and the group's words for its values;
- :mod:`~widgets.report.masking`    the private names masker (no unit's private name ever
  appears);
- :mod:`~widgets.report.rendering`  the HTML page, from the template
  ``templates/report/report.html.j2`` (:func:`build_report`, :func:`write_report`);
- :mod:`~widgets.report.command_line`  ``hidden-insights report``, registered on import.

Importing the package loads no heavy library (jinja2, pandas and the plots load when a
report is made), so that the command line and the screens stay quick to start.
"""

from __future__ import annotations

from widgets.report import command_line
from widgets.report.contents import MAX_HISTORY_DAYS, MAX_ROWS, report_context
from widgets.report.masking import MASK, MIN_MASKED
from widgets.report.rendering import TEMPLATE, build_report, write_report

__all__ = ["MASK", "MAX_HISTORY_DAYS", "MAX_ROWS", "MIN_MASKED", "TEMPLATE", "build_report",
           "report_context", "write_report"]

command_line.register()
