"""The frame every step notebook uses: navigation, save status, guidance, errors, a body.

    page = StepPage(1)                 # reads ?inquiry=<slug> from the URL
    page.build(step1.build)            # your part: session -> View (or a widget)
    page                               # the last line of the cell displays it

See widgets/ui/README.md for how a step module uses it.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as ipw

from widgets import guidance
from widgets.ui.context import current_slug, on_binder, valid_slug
from widgets.ui.errors import ErrorBox, run_safely
from widgets.ui.nav import NavigationBar, page_href
from widgets.ui.principles import guidance_panel
from widgets.ui.room import RoomSection
from widgets.ui.session import DEFAULT_WHO, Session
from widgets.ui.styles import style_widget
from widgets.ui.view import View, view_class

__all__ = ["DEFAULT_WHO", "StepPage", "missing_inquiry_html", "ready_marker"]


def missing_inquiry_html(slug: str | None, binder: bool = False) -> str:
    """The friendly note shown instead of a step when no (known) inquiry is in the URL."""
    start = html.escape(page_href("start"))
    if slug is None:
        text = "No inquiry is open yet."
    else:
        text = f"There is no inquiry called “{html.escape(slug)}” here."
    hint = ""
    if slug is not None and binder:
        hint = (" This session is new: if you worked on it before, upload your inquiry file "
                "on the start page to carry on.")
    return (f'<div class="hi-notice hi-no-inquiry" role="status"><p>{text}{hint}</p>'
            f'<p><a class="hi-start-link" href="{start}">Go to the start page</a> to start an '
            f"inquiry or open one.</p></div>")


def ready_marker() -> ipw.HTML:
    """An invisible element with class ``hi-ready``: rendered last, so tests wait for it."""
    marker = ipw.HTML("")
    marker.add_class("hi-ready")
    marker.add_class("hi-ready-marker")
    return marker


class StepPage:
    """The page frame for one view (1, 2, 3 or "dashboard") in its own notebook.

    Attributes: ``session`` (:class:`~widgets.ui.session.Session`: the store, the open
    inquiry, who is recording, the error box and save status), ``view`` (the
    :class:`~widgets.ui.view.View` built by :meth:`build`, or None), ``nav``, ``body`` (a
    VBox for the view's widgets) and ``widget`` (the whole page). ``slug``, ``store``,
    ``title``, ``who``, ``errors`` and ``status`` are the session's. ``room`` is the folded
    :class:`~widgets.ui.room.RoomSection` (None when no inquiry is open).
    """

    def __init__(self, step: str | int, *, slug: str | None = None, store=None):
        self.step = step
        self.guidance = guidance.for_page(step)
        self.view: Any = None
        self.room: RoomSection | None = None
        self.body = ipw.VBox()
        self.body.add_class("hi-body")
        wanted = valid_slug(slug) if slug is not None else current_slug()
        self.session = Session(wanted, store=store)
        errors = self.session.errors
        ok = self.session.store is not None
        self.nav = NavigationBar(self.slug, step, self.title)
        heading = ipw.HTML(f'<h1>{html.escape(self.guidance.title)}</h1>')
        heading.add_class("hi-page-title")
        parts: list[ipw.Widget] = [style_widget(), self.nav]
        if self.slug is not None:
            header = ipw.HBox([heading, self.session.status])
            header.add_class("hi-page-header")
            opened = view_class(step).guidance_open
            # The questions name the inquiry's unit ("Could any pupil do this?"); the view
            # built next uses the same reading of the inquiry.
            ok_read, inquiry = run_safely(self.session.inquiry, errors=errors)
            unit = inquiry.measure.unit_name if ok_read else None
            # The room's section is folded and light: its panel is built when unfolded.
            self.room = RoomSection(self.session, step)
            parts += [header, self.session.who_field,
                      guidance_panel(step, open=opened, unit_name=unit), self.room.widget,
                      errors, self.body]
        else:
            header = ipw.HBox([heading])
            header.add_class("hi-page-header")
            notice = ipw.HTML(missing_inquiry_html(wanted, on_binder()) if ok else "")
            notice.add_class("hi-missing")
            parts += [header, notice, errors]
        parts.append(ready_marker())
        self.widget = ipw.VBox(parts)
        self.widget.add_class("hi-page")
        self.widget.add_class(f"hi-page-{step}")

    # ------------------------------------------------------------------ the session's

    @property
    def slug(self) -> str | None:
        """The open inquiry (None when none)."""
        return self.session.slug

    @property
    def store(self):
        """The kernel's store."""
        return self.session.store

    @property
    def title(self) -> str | None:
        """The open inquiry's title."""
        return self.session.title

    @property
    def errors(self) -> ErrorBox:
        """The page's error box."""
        return self.session.errors

    @property
    def status(self):
        """The save status."""
        return self.session.status

    @property
    def ok(self) -> bool:
        """True when an inquiry is open (the view has something to work on)."""
        return self.slug is not None

    @property
    def who(self) -> str:
        """The name of the person recording (stored with every change)."""
        return self.session.who

    @property
    def who_field(self):
        """The "Who is recording" box."""
        return self.session.who_field

    # ------------------------------------------------------------------ building

    def add(self, *widgets: ipw.Widget) -> StepPage:
        """Append widgets to the page body (ignored when no inquiry is open)."""
        if self.ok:
            self.body.children = (*self.body.children, *widgets)
        return self

    def build(self, factory: Callable[[Session], Any]) -> StepPage:
        """Call ``factory(session)`` — a View class or a step module's ``build`` — and add
        what it returns (a :class:`~widgets.ui.view.View`, kept as ``page.view``, or a
        widget). A failure shows the apology (or the person-facing message) instead of a
        traceback. Skipped with no inquiry."""
        if not self.ok:
            return self
        ok, built = run_safely(factory, self.session, errors=self.errors)
        if not ok or built is None:
            return self
        if isinstance(built, View):
            self.view = built
            self.add(built.widget)
        else:
            self.add(built)
        return self

    def show(self) -> None:
        """Display the page (same as making it the last expression of a cell)."""
        from IPython.display import display

        display(self.widget)

    def _repr_mimebundle_(self, **kwargs: Any):
        return self.widget._repr_mimebundle_(**kwargs)
