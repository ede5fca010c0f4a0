"""The report as HTML: :mod:`widgets.report.contents` rendered with the template
``templates/report/report.html.j2`` (the stylesheet is inlined, the plots are ``data:``
images), so that the file opens offline, can be e-mailed and prints on A4.

Every value in the contents is a person's text, so the Jinja environment always
autoescapes and nothing is ever marked safe; the template's Content-Security-Policy forbids
every request.
"""

from __future__ import annotations

from pathlib import Path

from widgets.model import Inquiry
from widgets.paths import report_templates_dir
from widgets.report.contents import report_context

TEMPLATE = "report.html.j2"


def build_report(inquiry: Inquiry, *, made_on: str | None = None) -> str:
    """The report of ``inquiry`` as one self-contained HTML page (a string).

    ``made_on`` is the date printed on the report (default: today), so that a report can be
    rebuilt identically. Never raises for missing parts: an empty part says so plainly.
    """
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(str(report_templates_dir())),
        autoescape=True,  # always: every value in the context is a person's text
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    context = report_context(inquiry, made_on=made_on)
    return env.get_template(TEMPLATE).render(**context)


def write_report(inquiry: Inquiry, path: str | Path, *, made_on: str | None = None) -> Path:
    """Write the report of ``inquiry`` to ``path`` (UTF-8) and return the path."""
    path = Path(path)
    path.write_text(build_report(inquiry, made_on=made_on), encoding="utf-8")
    return path
