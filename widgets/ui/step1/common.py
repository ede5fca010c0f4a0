"""Small parts the step 1 sections share: a section frame, a debouncer for autosave, a
"this replaces…" confirmation, change events between sections, and the step's own styles.

Nothing here stores anything; the sections call the store themselves.
"""

from __future__ import annotations

import functools
import html
import threading
from collections.abc import Callable
from typing import Any

import ipywidgets as ipw

from widgets import words
from widgets.words import plural  # noqa: F401  (re-exported for the step 1 sections)

#: Seconds after the last keystroke before a text field is saved.
AUTOSAVE_DELAY = 1.0

#: The lock shown beside real names (Font Awesome ships with ipywidgets; no emoji font needed).
LOCK = '<i class="fa fa-lock" aria-hidden="true"></i>'

#: Words people see for the unit when the measure does not say yet.
DEFAULT_UNIT = "unit"


def unit_words(unit_name: str | None) -> tuple[str, str]:
    """("family", "families"): :func:`widgets.words.unit_words`, the kit's one rule."""
    return words.unit_words(unit_name)


def stored_units(store, slug: str) -> int:
    """How many units the inquiry holds (from the database's count: no table is read)."""
    return store.summary(slug).units


def replace_warning(store, slug: str, new_ids, unit_name: str | None) -> str:
    """The sentence a person confirms before the stored units are replaced: how many units,
    and what goes with those that are not in the new data (the history keeps it all)."""
    _, many = unit_words(unit_name)
    stored = stored_units(store, slug)
    text = f"This replaces the {stored:,} {many} already stored."
    losses = store.replacement_losses(slug, new_ids)
    parts = []
    for key, one_word, many_words in (
            ("decisions", "decision about a positive exception",
             "decisions about positive exceptions"),
            ("candidates", "possible positive exception", "possible positive exceptions"),
            ("practice_checks", "practice check", "practice checks"),
            ("practice_links", "“learnt from” link of a practice",
             "“learnt from” links of practices")):
        n = losses.get(key, 0)
        if n:
            parts.append(f"{n:,} {one_word if n == 1 else many_words}")
    if parts:
        listed = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
        text += (f" It also removes {listed} for {many} that are not in the new data "
                 "(the history keeps a record of them).")
    return text


def capitalised(text: str) -> str:
    """"family" -> "Family" (only the first letter changes)."""
    return text[:1].upper() + text[1:]


def section(number: int, title: str, intro: str, *children: ipw.Widget, cls: str) -> ipw.VBox:
    """A numbered section of the page: heading, one line of guidance, then the controls."""
    head = ipw.HTML(f'<h2>{number}. {html.escape(title)}</h2>'
                    f'<p class="hi-intro-line">{html.escape(intro)}</p>')
    head.add_class("hi-section-head")
    box = ipw.VBox([head, *children])
    box.add_class("hi-section")
    box.add_class(cls)
    return box


def locked(method):
    """Run a method while holding ``self._lock`` (an RLock): autosaves run in timer threads
    and tell other sections to reload, and a reload must not interleave with a save."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper


class Events:
    """Tells other sections that something they show has changed ("units", "measure")."""

    def __init__(self) -> None:
        self._listeners: dict[str, list[Callable[[], Any]]] = {}

    def listen(self, topic: str, fn: Callable[[], Any]) -> None:
        """Call ``fn()`` whenever ``topic`` is emitted."""
        self._listeners.setdefault(topic, []).append(fn)

    def emit(self, topic: str) -> None:
        """Call every listener of ``topic`` (each guards its own errors)."""
        for fn in list(self._listeners.get(topic, ())):
            fn()


class Debouncer:
    """Runs a save a moment after the last change: one ``threading.Timer`` per field,
    cancelled and restarted on every keystroke. ``flush()`` runs what is pending now."""

    def __init__(self, delay: float = AUTOSAVE_DELAY):
        self.delay = delay
        self._timers: dict[str, tuple[threading.Timer, Callable[[], Any]]] = {}
        self._lock = threading.Lock()

    def schedule(self, key: str, fn: Callable[[], Any]) -> None:
        """(Re)start the timer for ``key``; ``fn()`` runs ``delay`` seconds from now."""
        with self._lock:
            old = self._timers.pop(key, None)
            if old is not None:
                old[0].cancel()
            timer = threading.Timer(self.delay, self._fire, args=(key,))
            timer.daemon = True
            self._timers[key] = (timer, fn)
            timer.start()

    def _fire(self, key: str) -> None:
        with self._lock:
            entry = self._timers.get(key)
            if entry is None or entry[0] is not threading.current_thread():
                return  # cancelled or replaced meanwhile
            del self._timers[key]
        entry[1]()

    def flush(self, keep: str | None = None) -> None:
        """Run every pending save now (except the one for ``keep``), each function once."""
        with self._lock:
            due = [(k, entry) for k, entry in self._timers.items() if k != keep]
            for k, (timer, _) in due:
                timer.cancel()
                del self._timers[k]
        done: list[Callable[[], Any]] = []
        for _, (_, fn) in due:
            if fn not in done:
                done.append(fn)
                fn()

    @property
    def pending(self) -> bool:
        """True while a save is waiting for its timer."""
        with self._lock:
            return bool(self._timers)


class Confirm(ipw.HBox):
    """A question with "Yes, replace them" and "Cancel", hidden until :meth:`ask`."""

    def __init__(self, yes: str = "Yes, replace them"):
        self.question = ipw.HTML()
        self.question.add_class("hi-confirm-text")
        self.yes = ipw.Button(description=yes, button_style="danger")
        self.yes.add_class("hi-confirm-yes")
        self.no = ipw.Button(description="Cancel")
        self.no.add_class("hi-confirm-no")
        super().__init__([self.question, self.yes, self.no])
        self.add_class("hi-confirm")
        self.layout.display = "none"
        self._action: Callable[[], Any] | None = None
        self.yes.on_click(lambda _b: self._answer(True))
        self.no.on_click(lambda _b: self._answer(False))

    def ask(self, text: str, action: Callable[[], Any]) -> None:
        """Show ``text`` (escaped); ``action()`` runs only if the person says yes."""
        self._action = action
        self.question.value = f'<strong role="alert">{html.escape(text)}</strong>'
        self.layout.display = None

    @property
    def asking(self) -> bool:
        """True while the question is on screen."""
        return self.layout.display != "none"

    def _answer(self, yes: bool) -> None:
        action, self._action = self._action, None
        self.hide()
        if yes and action is not None:
            action()

    def hide(self) -> None:
        """Take the question away (nothing happens)."""
        self._action = None
        self.layout.display = "none"


CSS = """
.hi-step1 { gap: 0.5rem; }
.hi-step1 .hi-section { border-top: 2px solid var(--hi-border, #c9ced6); padding-top: 0.4rem;
  gap: 0.4rem; }
.hi-step1 .hi-section-head h2 { font-size: 1.5rem; margin: 0.6rem 0 0.1rem 0; }
.hi-step1 .hi-intro-line { margin: 0 0 0.3rem 0; color: var(--hi-muted, #4a4a4a);
  max-width: 60rem; }
.hi-step1 .hi-field-label { font-weight: 600; }
.hi-step1 .hi-label .widget-html-content { line-height: 1.3; }
.hi-step1 textarea { font-size: 1.05em; line-height: 1.4; font-family: inherit;
  box-sizing: border-box; }
.hi-step1 .hi-field { width: 100%; gap: 0.1rem; overflow: visible; }
.hi-step1 .hi-row > .hi-field { width: auto; }
.hi-step1 .hi-field > .widget-textarea, .hi-step1 .hi-field > .widget-text {
  margin-left: 0; margin-right: 0; }
.hi-step1 .jupyter-button, .hi-step1 .widget-toggle-button { width: auto; padding: 0.2em 1em; }
.hi-step1 .widget-datepicker, .hi-step1 .widget-hbox { overflow: visible; }
.hi-step1 .hi-row { align-items: center; gap: 0.6rem; flex-wrap: wrap; }
.hi-step1 .hi-person { align-items: center; gap: 0.6rem; padding: 0.15rem 0;
  border-bottom: 1px solid var(--hi-border, #c9ced6); }
.hi-step1 .hi-person-name { min-width: 14em; }
@media (max-width: 48rem) {  /* a phone: a person's role and "Remove" go under the name */
  .hi-step1 .hi-person { flex-wrap: wrap; row-gap: 0.2rem; }
  .hi-step1 .hi-person-name { min-width: 100%; } }
.hi-step1 .hi-balance { font-size: 1.1em; }
.hi-step1 .hi-warning .widget-html-content > div { background: #fff8e1;
  border-left: 4px solid #b26a00; padding: 0.4rem 0.8rem; }
.hi-step1 .hi-units-grid { overflow-x: auto; gap: 2px 6px; align-items: center; }
.hi-step1 .hi-units-grid .widget-text { width: 100%; margin: 0; }
.hi-step1 .hi-col-head { font-weight: 600; line-height: 1.2; }
.hi-step1 .hi-units-grid input { height: 34px; }
.hi-step1 .hi-cell-error input { border: 2px solid var(--hi-error, #b00020); }
.hi-step1 .hi-lock { color: #6a3d00; }
.hi-step1 .hi-measure-hints { color: var(--hi-muted, #4a4a4a); }
.hi-step1 .hi-measure-hints ul { margin: 0.2rem 0; }
.hi-step1 .hi-private-note { color: var(--hi-muted, #4a4a4a); }
.hi-step1 .hi-preview-table { font-size: 0.9em; }
.hi-step1 .hi-preview-table td, .hi-step1 .hi-preview-table th { white-space: nowrap; }
.hi-step1 .hi-mapping { gap: 0.3rem; }
.hi-step1 .hi-mapping .widget-dropdown { width: 34em; }
.hi-step1 .hi-mapping .widget-dropdown > label { width: 12em; }
.hi-step1 .hi-context-choice { flex-wrap: wrap; gap: 0 1rem; }
.hi-step1 .hi-context-choice .widget-checkbox { width: auto; }
.hi-step1 .hi-confirm { align-items: center; gap: 0.6rem; flex-wrap: wrap;
  background: #fdecee; padding: 0.3rem 0.8rem; border-left: 4px solid var(--hi-error, #b00020); }
.hi-step1 .hi-baseline-sentence { font-size: 1.35em; font-weight: 600; line-height: 1.4; }
.hi-step1 .hi-baseline-sentence .widget-html-content { line-height: 1.4; }
.hi-step1 .hi-baseline-plot img { max-width: 100%; height: auto; }
.hi-step1 .hi-baseline-caption { color: var(--hi-muted, #4a4a4a); font-style: italic; }
.hi-step1 .hi-data-ways .jupyter-widget-Collapse-header,
.hi-step1 .hi-data-ways .lm-Collapse-header, .hi-step1 .hi-data-ways .p-Collapse-header {
  font-size: 1.1em; font-weight: 600; padding: 0.5rem 0.8rem; color: #111; }
.hi-step1 .hi-data-count { font-size: 1.1em; }
.hi-step1 .hi-next { margin-top: 1rem; font-size: 1.1em; }
"""


def style_widget() -> ipw.HTML:
    """The ``<style>`` element for step 1's own layout (add once)."""
    widget = ipw.HTML(f"<style>{CSS}</style>")
    widget.add_class("hi-step1-styles")
    return widget
