"""What the step 3 sections and the dashboard share: the open inquiry, slow work done after
the page is shown, and person text and plots as escaped HTML (widget parts: ``parts.py``;
the look: ``styles.py``).

Slow work (pandas, scipy, seaborn: several seconds on a cold kernel) never runs while the page
loads: :class:`Later` hands it to one background thread per kernel, so the page is usable at
once and the units, comparison, charts and sentences appear a moment later. The result is
shown on the kernel's own thread (its event loop), so widgets are only ever created and
changed there. Outside a kernel (tests, scripts) the work runs at once, so tests need no
waiting. The store may be read by the worker (its SQLite connections are not tied to a
thread).
"""

from __future__ import annotations

import asyncio
import html
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from widgets import words
from widgets.model import ROLES, Inquiry
from widgets.ui.errors import ErrorBox, run_safely

#: None: background work only inside a Jupyter kernel; True/False forces it (tests, demos).
BACKGROUND: bool | None = None
#: Seconds the first background job of a kernel waits, so that loading pandas and seaborn
#: does not compete with the page being sent to the browser (its first paint comes first).
START_DELAY = 1.5

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def in_kernel() -> bool:
    """True when running inside a Jupyter kernel (JupyterLab or Voila)."""
    if "ipykernel" not in sys.modules:
        return False
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def background() -> bool:
    """Whether slow work goes to the background thread now."""
    return in_kernel() if BACKGROUND is None else BACKGROUND


def _worker() -> ThreadPoolExecutor:
    # One thread: slow jobs run one after another (matplotlib's settings are global, so two
    # plots must never be drawn at the same time), and the page's own thread stays free.
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hi-later")
            _executor.submit(time.sleep, START_DELAY)
        return _executor


class Later:
    """Slow work whose result is shown in widgets: ``request(*args)`` computes
    ``compute(*args)`` then calls ``show(result)``.

    In the background, a request that a newer one has replaced before it started is skipped
    (many quick clicks give one recomputation). ``pending`` is called at once (e.g. to say
    "Updating…"). Errors are shown like any callback's (plain message or apology, never a
    traceback).
    """

    def __init__(self, compute: Callable[..., Any], show: Callable[[Any], None], *,
                 errors: ErrorBox | None = None, pending: Callable[[], None] | None = None):
        self._compute, self._show, self._pending = compute, show, pending
        self._errors = errors
        self._generation = 0
        self._lock = threading.Lock()

    def request(self, *args: Any) -> None:
        """Compute and show, now or in the background (see :func:`background`)."""
        with self._lock:
            self._generation += 1
            generation = self._generation
        if self._pending is not None:
            run_safely(self._pending, errors=self._errors)
        if not background():
            self._run(generation, args, None)
            return
        _worker().submit(self._run, generation, args, _main_loop())

    def _current(self, generation: int) -> bool:
        with self._lock:
            return generation == self._generation

    def _run(self, generation: int, args: tuple, loop: asyncio.AbstractEventLoop | None) -> None:
        if not self._current(generation):
            return  # a newer request replaced this one
        ok, result = run_safely(self._compute, *args, errors=self._errors)
        if not ok or not self._current(generation):
            return
        if loop is not None and not loop.is_closed():
            # Widgets are created and changed on the kernel's own thread, between messages.
            loop.call_soon_threadsafe(self._apply, generation, result)
        else:
            self._apply(generation, result)

    def _apply(self, generation: int, result: Any) -> None:
        if self._current(generation):
            run_safely(self._show, result, errors=self._errors)


def _main_loop() -> asyncio.AbstractEventLoop | None:
    """The kernel's event loop (running while a cell or a widget callback runs), or None.

    Outside a kernel there is none to hand results to (another library's loop, such as a
    test browser's, may look "running" in this thread but would never run the callback)."""
    if not in_kernel():
        return None
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


# ---------------------------------------------------------------------- text and HTML


def esc(value: Any) -> str:
    """Escaped text for HTML (None is empty)."""
    return html.escape("" if value is None else str(value))


def said(value: Any, tag: str = "span", cls: str = "") -> str:
    """A person's words in HTML: escaped, with the text direction taken from the text."""
    klass = f' class="{esc(cls)}"' if cls else ""
    return f'<{tag}{klass} dir="auto">{esc(value)}</{tag}>'


def figure_html(fig: Any, cls: str = "hi-figure") -> str:
    """A plot (``widgets.plots.Figure`` or the report's ``{src, alt, caption}``) as escaped
    HTML: the PNG inline (no request to any host) with its alt text and caption."""
    if fig is None:
        return ""
    if isinstance(fig, dict):
        src, alt, caption = fig["src"], fig["alt"], fig["caption"]
    else:
        src, alt, caption = fig.data_uri(), fig.alt, fig.caption
    if not str(src).startswith("data:image/png;base64,"):
        return ""  # only our own inline images, never a link
    return (f'<figure class="{esc(cls)}"><img src="{esc(src)}" alt="{esc(alt)}">'
            f'<figcaption dir="auto">{esc(caption)}</figcaption></figure>')


def plural(n: int, one: str, many: str | None = None) -> str:
    """"1 family", "3 families": :func:`widgets.words.count_words`, the kit's one rule."""
    return words.count_words(n, one, many)


def unit_words(inquiry: Inquiry) -> tuple[str, str]:
    """("family", "families"): :func:`widgets.words.unit_words`, the kit's one rule."""
    return words.unit_words(inquiry.measure.unit_name)


def facts_html(rows: list[tuple[str, Any]]) -> str:
    """Labelled lines of a person's text ("How they do it: ..."), escaped; blanks left out."""
    return "".join(f'<p class="hi-fact"><span class="hi-fact-label">{esc(k)}:</span> '
                   f'{said(v)}</p>' for k, v in rows if str(v or "").strip())



def lead_balance(leads: list[str], inquiry: Inquiry) -> tuple[str, bool]:
    """"Led by 3 people who live with the issue, 0 professionals" and whether professionals
    lead as much as the people who live with the issue (the "ownership" warning)."""
    roles = {p.name: p.role for p in inquiry.group}
    lived = sum(1 for name in leads if roles.get(name) == "lived")
    pros = sum(1 for name in leads if roles.get(name) == "professional")
    others = len(leads) - lived - pros
    text = (f"Led by {plural(lived, 'person', 'people')} who "
            f"{'lives' if lived == 1 else 'live'} with the issue, "
            f"{plural(pros, ROLES['professional'])}")
    if others:
        text += f", {others:,} other"
    return text, pros > 0 and pros >= lived


# ---------------------------------------------------------------------- the open inquiry


class StepContext:
    """The open inquiry for the sections of a page, and who to tell when a part changes.

    ``inquiry`` is read without the units, then re-read after every change; sections
    subscribe with ``on(part, callback)`` and announce changes with ``changed(part, ...)``.
    Parts: "units", "practices", "checks", "actions", "progress".

    The units (which step 3 never changes) are read once, by :meth:`load_units`: in a kernel
    after the page is shown (reading them loads pandas and pyarrow), elsewhere at once.
    ``units_ready`` says whether they are there; :meth:`ensure_units` reads them now.
    """

    def __init__(self, page: Any):
        self.page = page
        self.store, self.slug = page.store, page.slug
        self.inquiry: Inquiry = self.store.get(self.slug, include_units=False)
        self.units_ready = False
        self._listeners: dict[str, list[Callable[[], None]]] = {}
        self._units_later = Later(self.store.units, self._set_units, errors=page.errors)

    def load_units(self) -> None:
        """Read the units (in the background on a page), then tell the "units" listeners."""
        if not self.units_ready:
            self._units_later.request(self.slug)

    def ensure_units(self) -> None:
        """Read the units now if they are not there yet (for actions that need them all)."""
        if not self.units_ready:
            self._set_units(self.store.units(self.slug))

    def _set_units(self, units: list) -> None:
        if self.units_ready:
            return
        self.inquiry.units = list(units)
        self.units_ready = True
        self.changed("units", reload=False)

    @property
    def who(self) -> str:
        """The person recording (stored with every change)."""
        return self.page.who

    def guard(self, fn: Callable[..., Any], message: Any = None, saves: bool = True):
        """The page's error guard (see widgets/ui/README.md)."""
        return self.page.guard(fn, message=message, saves=saves)

    def on(self, part: str, callback: Callable[[], None]) -> None:
        """Call ``callback()`` after ``part`` changed."""
        self._listeners.setdefault(part, []).append(callback)

    def reload(self) -> Inquiry:
        """Read the inquiry again (the units are kept from :meth:`load_units`)."""
        fresh = self.store.get(self.slug, include_units=False)
        fresh.units = self.inquiry.units
        self.inquiry = fresh
        return fresh

    def changed(self, *parts: str, reload: bool = True) -> None:
        """Re-read the inquiry and tell every section that listens to ``parts``."""
        if reload:
            self.reload()
        done: set[int] = set()
        for part in parts:
            for callback in self._listeners.get(part, []):
                if id(callback) not in done:
                    done.add(id(callback))
                    run_safely(callback, errors=self.page.errors)

    def confirmed_ids(self) -> list[str]:
        """Unit ids of the confirmed positive exceptions, in the units' order."""
        confirmed = {e.unit_id for e in self.inquiry.exceptions if e.status == "confirmed"}
        ordered = [u.unit_id for u in self.inquiry.units if u.unit_id in confirmed]
        return ordered + sorted(confirmed - set(ordered))
