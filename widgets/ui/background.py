"""The one way to do work off the page's event loop, and to save a moment after typing.

* :class:`Later` — slow work (pandas, scipy, seaborn: seconds on a cold kernel) whose result
  is shown in widgets. ``request(*args)`` hands ``compute(*args)`` to one worker thread per
  kernel, then calls ``show(result)`` **on the kernel's event loop**, between messages, so
  widgets are only ever created and changed there. A request replaced by a newer one before
  it started is skipped (many quick clicks give one recomputation).
* :class:`Debouncer` — runs a save a moment after the last keystroke. In a kernel the timer
  is the kernel's own event loop (``loop.call_later``), so the save and the widgets it
  touches run on the loop too; ``flush()`` runs what is waiting now (before a view is left).

Outside a kernel (tests, scripts) :class:`Later` runs at once, so tests need no waiting, and
:class:`Debouncer` uses a timer thread (there is no page whose widgets could be hurt).
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from widgets.ui.errors import ErrorBox, run_safely

#: None: background work only inside a Jupyter kernel; True/False forces it (tests, demos).
BACKGROUND: bool | None = None
#: Seconds the first background job of a kernel waits, so that loading pandas and seaborn
#: does not compete with the page being sent to the browser (its first paint comes first).
START_DELAY = 1.5
#: Seconds after the last keystroke before a text field is saved.
AUTOSAVE_DELAY = 1.0

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


def worker() -> ThreadPoolExecutor:
    """The kernel's one worker thread (started on first use)."""
    # One thread: slow jobs run one after another (matplotlib's settings are global, so two
    # plots must never be drawn at the same time), and the page's own thread stays free.
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hi-later")
            _executor.submit(time.sleep, START_DELAY)
        return _executor


def kernel_loop() -> asyncio.AbstractEventLoop | None:
    """The kernel's event loop (running while a cell or a widget callback runs), or None.

    Outside a kernel there is none to hand results to (another library's loop, such as a
    test browser's, may look "running" in this thread but would never run the callback)."""
    if not in_kernel():
        return None
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class Later:
    """Slow work whose result is shown in widgets: ``request(*args)`` computes
    ``compute(*args)`` then calls ``show(result)`` (see the module docstring).

    ``pending`` is called at once (e.g. to say "Updating…"). Errors are shown like any
    callback's (plain message or apology, never a traceback).
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
        worker().submit(self._run, generation, args, kernel_loop())

    def cancel(self) -> None:
        """Forget any request not shown yet (its result is dropped)."""
        with self._lock:
            self._generation += 1

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


class Debouncer:
    """Runs a save ``delay`` seconds after the last change, one timer per key, restarted on
    every keystroke. ``flush()`` runs what is pending now (each function once)."""

    def __init__(self, delay: float | None = None):
        self.delay = AUTOSAVE_DELAY if delay is None else delay
        # key -> (handle, fn); handle is an asyncio.TimerHandle in a kernel, else a Timer.
        self._timers: dict[str, tuple[Any, Callable[[], Any]]] = {}
        self._lock = threading.Lock()

    @property
    def pending(self) -> bool:
        """True while a save is waiting for its timer."""
        with self._lock:
            return bool(self._timers)

    def schedule(self, key: str, fn: Callable[[], Any]) -> None:
        """(Re)start the timer for ``key``; ``fn()`` runs ``delay`` seconds from now."""
        loop = kernel_loop()
        with self._lock:
            old = self._timers.pop(key, None)
            if old is not None:
                old[0].cancel()
            if loop is not None:
                handle: Any = loop.call_later(self.delay, self._fire, key, None)
            else:
                handle = threading.Timer(self.delay, self._fire_thread, args=(key,))
                handle.daemon = True
            self._timers[key] = (handle, fn)
        if loop is None:
            handle.start()

    def _fire_thread(self, key: str) -> None:
        self._fire(key, threading.current_thread())

    def _fire(self, key: str, thread: threading.Thread | None) -> None:
        with self._lock:
            entry = self._timers.get(key)
            if entry is None or (thread is not None and entry[0] is not thread):
                return  # cancelled or replaced meanwhile
            del self._timers[key]
        entry[1]()

    def flush(self, keep: str | None = None) -> None:
        """Run every pending save now (except the one for ``keep``), each function once."""
        with self._lock:
            due = [(k, entry) for k, entry in self._timers.items() if k != keep]
            for k, (handle, _fn) in due:
                handle.cancel()
                del self._timers[k]
        done: list[Callable[[], Any]] = []
        for _k, (_handle, fn) in due:
            if fn not in done:  # equality: the same bound method scheduled for two keys
                done.append(fn)
                fn()

    def cancel(self) -> None:
        """Drop every pending save."""
        with self._lock:
            for handle, _fn in self._timers.values():
                handle.cancel()
            self._timers.clear()
