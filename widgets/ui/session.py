"""One session per page: the store, the open inquiry, who is recording, and the one way to
wire a control to the store.

    session = Session(store=store, slug="grub-hub")
    session.wire(save_button, save_issue, message=msg)      # a button: on click
    session.wire(text, on_text, saves=False)               # any widget: on change of value
    session.guard(fn, message=msg)                          # the same wrapper, not attached
    inquiry = session.inquiry()                             # read once per action

Every view of a page (start, step 1, 2, 3, dashboard — see :mod:`widgets.ui.view`) gets the
page's session. The session reads the inquiry from the store at most once per action (a
click, a change): :meth:`inquiry` keeps what it read until the action ends or a write says
:meth:`changed`. Views tell each other what changed through :meth:`on` / :meth:`changed`
(parts such as "issue", "measure", "units", "exceptions", "practices", "checks", "actions",
"progress").

:meth:`guard` (and :meth:`wire`, which attaches it) is the one callback helper: a
person's mistake is shown beside the control, anything else is logged and the page shows an
apology (widgets/ui/errors.py), and the save status says "Saving…", "Saved 14:02" or "Not
saved: <reason>". Slow work goes to :meth:`later` (widgets/ui/background.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import ipywidgets as ipw

from widgets.ui.background import Debouncer, Later
from widgets.ui.context import get_store, valid_slug
from widgets.ui.errors import ErrorBox, Message, is_person_error, person_text, run_and_report
from widgets.ui.status import SaveStatus

#: Who is recording when nobody has said.
DEFAULT_WHO = "facilitator"
#: Longest "Who is recording" name kept.
WHO_MAX = 200


class Session:
    """The page's shared state. Attributes: ``store``, ``slug`` (None when no known inquiry
    is open), ``title``, ``errors`` (:class:`ErrorBox`), ``status`` (:class:`SaveStatus`),
    ``who_field`` (the "Who is recording" box). ``store`` is None when the data folder
    could not be opened (the error box says why)."""

    def __init__(self, slug: str | None = None, *, store: Any = None):
        self.errors = ErrorBox()
        self.status = SaveStatus()
        self.who_field = ipw.Text(value=DEFAULT_WHO, description="Who is recording",
                                  placeholder="your name",
                                  style={"description_width": "initial"},
                                  layout=ipw.Layout(width="26em"))
        self.who_field.add_class("hi-who")
        self.slug: str | None = None
        self.title: str | None = None
        self._inquiry: Any = None
        self._inquiry_units = False
        self._depth = 0
        self._listeners: dict[str, list[Callable[[], Any]]] = {}
        self.store = store
        if self.store is None:  # a full or unreadable data folder says so in the error box
            _ok, self.store, _exc = run_and_report(get_store, errors=self.errors)
        if slug is not None and self.store is not None:
            self.run(self.open, slug, saves=False)

    # ------------------------------------------------------------------ the open inquiry

    @property
    def ok(self) -> bool:
        """True when an inquiry is open."""
        return self.slug is not None

    @property
    def who(self) -> str:
        """The name of the person recording (stored with every change)."""
        return self.who_field.value.strip()[:WHO_MAX] or DEFAULT_WHO

    def open(self, slug: str | None) -> bool:
        """Open inquiry ``slug`` (None closes it). Returns False, with nothing open, when
        the slug is malformed or unknown. The "Who is recording" box carries on with
        whoever recorded last."""
        self.forget()
        wanted = valid_slug(slug)
        if wanted is None or not self.store.exists(wanted):
            self.slug = self.title = None
            return False
        self.slug = wanted
        self.title = self.store.summary(wanted).title
        self.status.refresh(self.store, wanted)
        last = self.store.last_recorder(wanted)
        if last and last.strip() and last != "someone":
            self.who_field.value = last.strip()[:WHO_MAX]
        return True

    def inquiry(self, *, units: bool = False) -> Any:
        """The open inquiry as the store holds it, read at most once per action (and again
        after :meth:`changed`). ``units=True`` includes the units (slower)."""
        if self.slug is None:
            raise LookupError("No inquiry is open.")
        if self._inquiry is None or (units and not self._inquiry_units):
            self._inquiry = self.store.get(self.slug, include_units=units)
            self._inquiry_units = units
        return self._inquiry

    def forget(self) -> None:
        """Drop the inquiry read so far: the next :meth:`inquiry` reads the store again."""
        self._inquiry = None
        self._inquiry_units = False

    def version(self) -> str | None:
        """When the open inquiry last changed (the store's ``updated_at``); a view compares
        it on :meth:`~widgets.ui.view.View.refresh` to skip work when nothing changed."""
        return self.store.updated_at(self.slug) if self.slug is not None else None

    # ------------------------------------------------------------------ between views

    def on(self, part: str, fn: Callable[[], Any]) -> None:
        """Call ``fn()`` whenever ``part`` is announced with :meth:`changed`."""
        self._listeners.setdefault(part, []).append(fn)

    def off(self, part: str, fn: Callable[[], Any]) -> None:
        """Stop calling ``fn`` for ``part`` (the listener of a view that was dropped)."""
        listeners = self._listeners.get(part, [])
        if fn in listeners:
            listeners.remove(fn)

    def listening(self) -> list[tuple[str, Callable[[], Any]]]:
        """Every ``(part, fn)`` registered with :meth:`on`, oldest first."""
        return [(part, fn) for part, fns in self._listeners.items() for fn in fns]

    def changed(self, *parts: str) -> None:
        """Say that ``parts`` changed in the store: the inquiry is read again when next
        asked for, and every listener of those parts runs once (each guarded)."""
        self.forget()
        done: list[Callable[[], Any]] = []
        for part in parts:
            for fn in self._listeners.get(part, ()):
                if fn not in done:
                    done.append(fn)
                    self.run(fn, saves=False)

    # ------------------------------------------------------------------ callbacks

    def guard(self, fn: Callable[..., Any], message: Message | None = None,
                 saves: bool = True) -> Callable[..., Any]:
        """``fn`` wrapped for a widget: a person's mistake shows in ``message`` (or the
        page's error box), a bug shows the apology and goes to the log, and — with
        ``saves=True`` — the save status follows. Each call is one action: the inquiry is
        read afresh at its start. The wrapper returns ``fn``'s result, or None on failure."""

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return self.run(fn, *args, message=message, saves=saves, **kwargs)

        return functools.wraps(fn)(wrapper)

    def run(self, fn: Callable[..., Any], *args: Any, message: Message | None = None,
            saves: bool = True, **kwargs: Any) -> Any:
        """Call ``fn(*args, **kwargs)`` now as one guarded action (see :meth:`guard`)."""
        outer = self._depth == 0
        if outer:
            self.forget()
        self._depth += 1
        if saves:
            self.status.saving()
        try:
            ok, result, exc = run_and_report(fn, args, kwargs, errors=self.errors,
                                             message=message)
        finally:
            self._depth -= 1
        if saves:
            if ok:
                self.saved()
            elif exc is not None and is_person_error(exc):
                self.status.failed(person_text(exc))
            else:
                self.status.failed("something went wrong")
        return result

    def wire(self, widget: ipw.Widget, fn: Callable[..., Any], *,
             message: Message | None = None, saves: bool = True,
             names: str = "value") -> ipw.Widget:
        """Attach ``fn`` to ``widget`` through :meth:`guard`: a Button calls ``fn()`` on
        click; any other widget calls ``fn(change)`` when trait ``names`` changes. Returns
        the widget."""
        if isinstance(widget, ipw.Button):
            guarded = self.guard(fn, message=message, saves=saves)
            widget.on_click(lambda _button: guarded())
        else:
            widget.observe(self.guard(fn, message=message, saves=saves), names=names)
        return widget

    def saved(self) -> None:
        """Refresh the save status from the store (after a write not made through
        :meth:`guard`)."""
        if self.slug is not None:
            ok, _r, _e = run_and_report(self.status.refresh, (self.store, self.slug),
                                        errors=self.errors)

    # ------------------------------------------------------------------ slow work

    def later(self, compute: Callable[..., Any], show: Callable[[Any], None], *,
              pending: Callable[[], None] | None = None) -> Later:
        """A :class:`~widgets.ui.background.Later` whose errors show on this page."""
        return Later(compute, show, errors=self.errors, pending=pending)

    @staticmethod
    def debouncer(delay: float | None = None) -> Debouncer:
        """A :class:`~widgets.ui.background.Debouncer` (autosave a moment after typing)."""
        return Debouncer(delay)
