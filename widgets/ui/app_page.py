"""The app page (``notebooks/start.ipynb``): start, step 1, 2, 3 and the dashboard in one page
and one kernel.

    from widgets.ui.app_page import AppPage
    AppPage()                       # the view and inquiry come from the address

One :class:`~widgets.ui.session.Session` for the page, and a frame around the view shown:
the navigation bar, the heading with the save status, "Who is recording", the view's
principles and questions (open or folded, per ``View.guidance_open``), the error box and a
body. A view is built the first time it is shown (``view_class(key)(session)``) and
``refresh()``-ed when shown again; the view left runs its ``leave()`` first (autosaves).
Built views stay in the body, hidden, so switching back costs a message, not a rebuild.

The address follows the view and the inquiry (:class:`~widgets.ui.location.Location`:
``?inquiry=grub-hub&view=3``), so a reload, a bookmark and the back button work, and links
to the five notebooks switch views here without a reload. Opening another inquiry drops
(closes) the views built for the one before.

The separate notebooks (1-…, 2-…, 3-…, dashboard.ipynb) stay for researchers; they show one
view each with :class:`~widgets.ui.page.StepPage`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs

import ipywidgets as ipw

from widgets import guidance
from widgets.ui.background import background
from widgets.ui.context import current_slug, on_binder, query_string, valid_slug
from widgets.ui.errors import run_and_report
from widgets.ui.location import Location
from widgets.ui.nav import PAGES, NavigationBar
from widgets.ui.page import missing_inquiry_html, ready_marker
from widgets.ui.principles import guidance_panel
from widgets.ui.room import RoomSection, follow
from widgets.ui.session import Session
from widgets.ui.styles import style_widget
from widgets.ui.view import VIEWS, View, view_class

__all__ = ["AppPage", "TITLES", "view_key"]

#: What the other views import when first built (seconds on a cold kernel): imported in the
#: background once the first view is shown, so the first switch to a step does not wait.
WARM_UP = ("pandas", "scipy.stats", "seaborn", "widgets.analysis.positive_exceptions",
           "widgets.report", "widgets.ui.step1", "widgets.ui.step2", "widgets.ui.step3",
           "widgets.ui.dashboard")

#: The browser tab's title for each view (the start view's is the notebook's own title).
TITLES: dict[str | int, str] = {
    "start": "Hidden Insights — start",
    1: "1 Engage, define and measure — Hidden Insights",
    2: "2 Discover positive exceptions — Hidden Insights",
    3: "3 Share how they did it — Hidden Insights",
    "dashboard": "Dashboard — Hidden Insights",
}
#: The heading above each view.
HEADINGS: dict[str | int, str] = {
    "start": "Hidden Insights",
    **{key: guidance.for_page(key).title for key in (1, 2, 3, "dashboard")},
}


def view_key(text: object) -> str | int | None:
    """The view key for ``text`` from an address ("start", "1", "2", "3", "dashboard"), or
    None when it names no view (anyone can type an address)."""
    if not isinstance(text, str | int) or isinstance(text, bool):
        return None
    for key in VIEWS:
        if str(key) == str(text).strip():
            return key
    return None


def first_view(default: str | int = "start") -> str | int:
    """The view named in the page's address (``?view=3``), else ``default``."""
    values = parse_qs(query_string()).get("view", [])
    found = view_key(values[0]) if values else None
    return default if found is None else found


def warm_up() -> None:
    """Import :data:`WARM_UP` (on the kernel's worker thread: imports only, no widgets)."""
    import importlib

    for name in WARM_UP:
        importlib.import_module(name)


def close_tree(widget: ipw.Widget, keep: Iterable[ipw.Widget] = ()) -> None:
    """Close ``widget`` and every widget under it (children, layouts, styles), except those
    in ``keep`` (the frame's own, which a view may show) and what is under them."""
    kept = {id(w) for w in keep}
    seen: set[int] = set()
    stack = [widget]
    while stack:
        w = stack.pop()
        if id(w) in seen or id(w) in kept:
            continue
        seen.add(id(w))
        for name in w.keys:
            value = getattr(w, name, None)
            if isinstance(value, ipw.Widget):
                stack.append(value)
            elif isinstance(value, list | tuple):
                stack.extend(v for v in value if isinstance(v, ipw.Widget))
        w.close()


class AppPage:
    """The app page. ``view`` and ``slug`` default to the address's (``?view=``,
    ``?inquiry=``).

    Attributes: ``session``, ``views`` (key -> the :class:`View` built so far, for the open
    inquiry), ``current`` (the key shown), ``location`` (the address), ``nav``,
    ``heading``, ``notice`` (the "no inquiry open" note), ``body`` and ``widget`` (the
    whole page). ``start`` is the start view once built. :meth:`go` switches views.
    """

    def __init__(self, *, view: str | int | None = None, slug: str | None = None,
                 store: Any = None):
        wanted = valid_slug(slug) if slug is not None else current_slug()
        self.session = Session(wanted, store=store)
        self.wanted = wanted  # the inquiry asked for, even when this server has none by it
        self.views: dict[str | int, View] = {}
        self.current: str | int | None = None
        self._boxes: dict[str | int, ipw.Box] = {}
        self._listeners: dict[str | int, list] = {}
        self._panels: dict[tuple[str | int, str | None], ipw.Widget] = {}
        self._views_slug = self.session.slug
        self._announcing = False
        self._last_said: tuple[str, str] | None = None  # (view, inquiry) the browser was told

        s = self.session
        self.nav = NavigationBar(s.slug, "start", s.title)
        self.heading = ipw.HTML()
        self.heading.add_class("hi-page-title")
        self.heading.add_class("hi-app-heading")
        self.header = ipw.HBox([self.heading, s.status])
        self.header.add_class("hi-page-header")
        self.guidance = ipw.VBox()
        self.guidance.add_class("hi-app-guidance")
        # The room: one folded section per open inquiry, carried from view to view (its
        # answers become notes on the step shown); built light, its panel when unfolded.
        self.room: RoomSection | None = None
        self.room_box = ipw.VBox()
        self.room_box.add_class("hi-app-room")
        self.notice = ipw.HTML("", layout=ipw.Layout(display="none"))
        self.notice.add_class("hi-missing")
        self.body = ipw.VBox()
        self.body.add_class("hi-body")
        self.body.add_class("hi-app-body")
        self.location = Location(
            view="start", inquiry=s.slug or "",
            pages={filename: str(key) for key, (_label, filename) in PAGES.items()})
        self.location.observe(self._asked, names=["view", "inquiry"])
        self.widget = ipw.VBox([style_widget(), self.location, self.nav, self.header,
                                s.who_field, self.guidance, self.room_box, s.errors,
                                self.notice, self.body,
                                ready_marker()])
        self.widget.add_class("hi-page")
        self.widget.add_class("hi-app")
        self._frame = [self.widget, s.errors, s.status, s.who_field, self.location]
        self.go(first_view() if view is None else (view_key(view) or "start"))
        if background():  # in a kernel; tests and scripts import when they build
            s.later(warm_up, lambda _done: None).request()

    @property
    def start(self):
        """The start view, once built (None before)."""
        return self.views.get("start")

    # ------------------------------------------------------------------ switching

    def go(self, key: str | int, slug: str | None = None) -> None:
        """Show view ``key`` (with inquiry ``slug`` open, when given): the view shown now is
        left first; a view is built when first shown and refreshed when shown again."""
        self.session.run(self._go, key, slug, saves=False)

    def _asked(self, _change) -> None:
        # The browser asks (a link, the back button): both traits have their new values.
        asked = (self.location.view, self.location.inquiry)
        if self._announcing or asked == self._last_said:
            return  # our own words, or the second trait of one request
        key = view_key(self.location.view)
        slug = valid_slug(self.location.inquiry) if self.location.inquiry else None
        if key == self.current and (slug is None or slug == self.session.slug):
            self._announce()  # nothing to switch: the browser gets the kernel's word again
            return
        if key is None:  # not a view: the address shows the current one again
            key = self.current or "start"
        self.go(key, slug)

    def _go(self, key: str | int, slug: str | None) -> None:
        if key not in VIEWS:
            raise KeyError(f"Unknown view {key!r}")
        old = self.views.get(self.current) if self.current is not None else None
        if old is not None and (key != self.current or slug not in (None, self.session.slug)):
            self.session.run(old.leave, saves=False)
        if slug is not None and slug != self.session.slug:
            self.wanted = slug
            self.session.open(slug)  # unknown: nothing open; the view says so
        self._drop_stale()
        self._show(key)

    def _drop_stale(self) -> None:
        """Close the views built for another inquiry than the one open now."""
        if self.session.slug == self._views_slug:
            return
        self._views_slug = self.session.slug
        for key in [k for k in self.views if k != "start"]:
            self.views.pop(key)
            for part, fn in self._listeners.pop(key, []):
                self.session.off(part, fn)
            box = self._boxes.pop(key)
            close_tree(box, keep=self._frame)
        self.body.children = tuple(self._boxes.values())

    def _show(self, key: str | int) -> None:
        s = self.session
        factory = view_class(key)
        missing = factory.needs_inquiry and not s.ok
        # The view first (built or refreshed while the one before is still on screen), then
        # the frame around it, so the page changes all at once.
        view = None
        if not missing:
            view = self.views.get(key)
            if view is None and s.store is not None:
                view = self._build(key, factory)
            elif view is not None:
                s.run(view.refresh, saves=False)
            if key == "start" and view is not None and self.wanted and not s.ok:
                view.say_unknown(self.wanted)
        if self.current is not None:
            self.widget.remove_class(f"hi-page-{self.current}")
        self.current = key
        self.widget.add_class(f"hi-page-{key}")
        self.nav.update(s.slug, s.title, current=key)
        self.heading.value = f"<h1>{html.escape(HEADINGS[key])}</h1>"
        s.status.layout.display = None if s.ok else "none"
        # The questions name the inquiry's unit ("Could any pupil do this?"): a panel per
        # view and unit word, so a unit renamed in step 1 shows on the next switch.
        # (Read without the error box: it may hold what the view's build just said.)
        _ok, unit, _e = run_and_report(lambda: s.inquiry().measure.unit_name if s.ok else None)
        if (key, unit) not in self._panels:
            self._panels[(key, unit)] = guidance_panel(key, open=factory.guidance_open,
                                                       unit_name=unit)
        self.guidance.children = () if missing else (self._panels[(key, unit)],)
        s.who_field.layout.display = "none" if missing else None
        if missing:
            unknown = self.wanted if self.wanted != s.slug else None
            self.notice.value = missing_inquiry_html(unknown, on_binder()) if s.store else ""
            self.notice.layout.display = None
        else:
            self.notice.layout.display = "none"
        self._only(key if view is not None else None)
        self.room = follow(self.room, s, key)
        self.room_box.children = (self.room.widget,) if self.room is not None else ()
        self._announce()

    def _build(self, key: str | int, factory: Any) -> View | None:
        s = self.session
        before = {(part, id(fn)) for part, fn in s.listening()}

        view = s.run(factory, s, saves=False)
        self._listeners[key] = [(p, fn) for p, fn in s.listening()
                                if (p, id(fn)) not in before]
        if view is None:  # the error box says why (a bug: the apology, details in the log)
            return None
        if key == "start":
            view.navigate = self.go
        box = ipw.VBox([view.widget])
        box.add_class("hi-app-view")
        box.add_class(f"hi-app-view-{key}")
        self.views[key] = view
        self._boxes[key] = box
        self.body.children = (*self.body.children, box)
        return view

    def _only(self, key: str | int | None) -> None:
        for k, box in self._boxes.items():
            box.layout.display = None if k == key else "none"

    def _announce(self) -> None:
        s = self.session
        self._announcing = True
        try:
            self._last_said = (str(self.current), s.slug or "")
            self.location.announce(*self._last_said, TITLES[self.current],
                                   HEADINGS[self.current])
        finally:
            self._announcing = False

    # ------------------------------------------------------------------ display

    def show(self) -> None:
        """Display the page (same as making it the last expression of a cell)."""
        from IPython.display import display

        display(self.widget)

    def _repr_mimebundle_(self, **kwargs: Any):
        return self.widget._repr_mimebundle_(**kwargs)
