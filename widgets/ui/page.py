"""The frame every step notebook uses: navigation, save status, guidance, errors, a body.

    page = StepPage(1)                 # reads ?inquiry=<slug> from the URL
    page.build(step1.build)            # your part: a function page -> widget
    page                               # the last line of the cell displays it

See widgets/ui/README.md for how a step module uses it.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable
from typing import Any

import ipywidgets as ipw

from widgets import guidance
from widgets.ui.context import current_slug, get_store, on_binder, valid_slug
from widgets.ui.errors import (
    ErrorBox,
    Message,
    is_person_error,
    person_text,
    run_and_report,
    run_safely,
)
from widgets.ui.nav import NavigationBar, page_href
from widgets.ui.principles import guidance_panel
from widgets.ui.status import SaveStatus
from widgets.ui.styles import style_widget

DEFAULT_WHO = "facilitator"


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
    """The page frame for ``step`` (1, 2, 3 or "dashboard").

    Attributes: ``slug`` (None when no known inquiry is open), ``store``, ``title``,
    ``status`` (:class:`SaveStatus`), ``errors`` (:class:`ErrorBox`), ``nav``, ``body``
    (a VBox for the step's own widgets) and ``widget`` (the whole page).
    """

    def __init__(self, step: str | int, *, slug: str | None = None, store=None):
        self.step = step
        self.guidance = guidance.for_page(step)
        self.errors = ErrorBox()
        self.status = SaveStatus()
        self.body = ipw.VBox()
        self.body.add_class("hi-body")
        self.who_field = ipw.Text(value=DEFAULT_WHO, description="Who is recording",
                                  placeholder="your name", style={"description_width": "initial"},
                                  layout=ipw.Layout(width="26em"))
        self.who_field.add_class("hi-who")
        self.title: str | None = None
        self.store = None
        wanted = valid_slug(slug) if slug is not None else current_slug()
        self.slug: str | None = None
        ok, _ = run_safely(self._open, wanted, store, errors=self.errors)
        self.nav = NavigationBar(self.slug, step, self.title)
        heading = ipw.HTML(f'<h1>{html.escape(self.guidance.title)}</h1>')
        heading.add_class("hi-page-title")
        header = ipw.HBox([heading, self.status])
        header.add_class("hi-page-header")
        parts: list[ipw.Widget] = [style_widget(), self.nav, header]
        if self.slug is not None:
            parts += [self.who_field,
                      guidance_panel(step), self.errors, self.body]
        else:
            notice = ipw.HTML(missing_inquiry_html(wanted, on_binder()) if ok else "")
            notice.add_class("hi-missing")
            parts += [notice, self.errors]
        parts.append(ready_marker())
        self.widget = ipw.VBox(parts)
        self.widget.add_class("hi-page")
        self.widget.add_class(f"hi-page-{step}")

    def _open(self, wanted: str | None, store) -> None:
        self.store = store if store is not None else get_store()
        if wanted is None or not self.store.exists(wanted):
            return
        self.slug = wanted
        self.title = self.store.summary(wanted).title
        self.status.refresh(self.store, wanted)
        # A new kernel per page load: carry on with whoever recorded last, not "facilitator".
        last = self.store.last_recorder(wanted)
        if last and last.strip() and last != "someone":
            self.who_field.value = last.strip()[:200]

    # ------------------------------------------------------------------ for step modules

    @property
    def ok(self) -> bool:
        """True when an inquiry is open (the step has something to work on)."""
        return self.slug is not None

    @property
    def who(self) -> str:
        """The name of the person recording (stored with every change)."""
        return self.who_field.value.strip()[:200] or DEFAULT_WHO

    def add(self, *widgets: ipw.Widget) -> StepPage:
        """Append widgets to the page body (ignored when no inquiry is open)."""
        if self.ok:
            self.body.children = (*self.body.children, *widgets)
        return self

    def build(self, factory: Callable[[StepPage], ipw.Widget | None]) -> StepPage:
        """Call ``factory(page)`` and add the widget it returns; a failure shows the apology
        (or the person-facing message) instead of a traceback. Skipped with no inquiry."""
        if not self.ok:
            return self
        ok, widget = run_safely(factory, self, errors=self.errors)
        if ok and widget is not None:
            self.add(widget)
        return self

    def guard(self, fn: Callable[..., Any], message: Message | None = None,
              saves: bool = True) -> Callable[..., Any]:
        """Wrap a callback: errors become messages (see widgets.ui.errors.run_safely).

        With ``saves=True`` the save status shows "Saving…" during the call, then "Saved
        HH:MM" — or "Not saved: <reason>" when it failed.
        """

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if saves:
                self.status.saving()
            ok, result, exc = run_and_report(fn, args, kwargs, errors=self.errors,
                                             message=message)
            if saves:
                if ok:
                    self.saved()
                elif exc is not None and is_person_error(exc):
                    self.status.failed(person_text(exc))
                else:
                    self.status.failed("something went wrong")
            return result

        return functools.wraps(fn)(wrapper)

    def saved(self) -> None:
        """Refresh the save status from the store (call after a write you did not guard)."""
        if self.ok:
            run_safely(self.status.refresh, self.store, self.slug, errors=self.errors)

    def show(self) -> None:
        """Display the page (same as making it the last expression of a cell)."""
        from IPython.display import display

        display(self.widget)

    def _repr_mimebundle_(self, **kwargs: Any):
        return self.widget._repr_mimebundle_(**kwargs)

