"""One way to show errors: a plain message for a person's mistake, an apology for a bug.

* A person's mistake (a bad file, an empty title, a duplicate name) raises a
  :class:`widgets.errors.PersonError`: :class:`widgets.model.ModelError`,
  :class:`widgets.store.NotFound`, :class:`widgets.files.FileProblem`… Its message is shown
  beside the control that caused it (a :class:`Message`), and nothing was stored.
* A full, read-only or failing data folder (:class:`widgets.store.DataFolderProblem`, a
  PersonError too, or a raw database error that means one) is not a bug either: its plain
  sentence is shown ("The data folder is full: …"), and nothing was stored.
* Anything else is a bug: the page shows a short apology in the :class:`ErrorBox`, and the
  traceback goes to the log (``hidden-insights.log`` in the data folder), never to the screen.

Wrap every callback with :func:`guarded` (or call :func:`run_safely`).
"""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Callable
from typing import Any

import ipywidgets as ipw

from widgets.errors import PersonError

log = logging.getLogger("widgets.ui")

APOLOGY = "Sorry — something went wrong and nothing was changed. The details are in the log."
LOG_FILENAME = "hidden-insights.log"
KINDS = ("error", "ok", "info")

_log_ready = False


def _ensure_log_file() -> None:
    """Send the package's log to a file in the data folder (once per kernel, on first use).

    Without a handler Python would print warnings to stderr, which could reach the page.
    """
    global _log_ready
    if _log_ready:
        return
    _log_ready = True
    logger = logging.getLogger("widgets")
    try:
        from widgets.paths import data_dir

        folder = data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(folder / LOG_FILENAME, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    except OSError:
        handler = logging.NullHandler()
    logger.addHandler(handler)
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)


def folder_problem(exc: BaseException) -> BaseException:
    """``exc``, or the :class:`~widgets.store.DataFolderProblem` that a raw database error
    means (a full disk, a read-only folder, a disk error)."""
    from widgets.store import data_folder_problem

    return data_folder_problem(exc, os_errors=False) or exc


def is_person_error(exc: BaseException) -> bool:
    """True for a mistake a person can fix (its message is written for them): a
    :class:`~widgets.errors.PersonError`, or an exception class from outside the kit that
    says ``person_facing = True``. Anything else, a ``ValueError`` from pandas or from our
    own code included, is a bug."""
    exc = folder_problem(exc)
    return isinstance(exc, PersonError) or bool(getattr(type(exc), "person_facing", False))


class Message(ipw.HTML):
    """A one-line message beside a control: ``.show(text, kind)`` and ``.clear()``.

    ``kind`` is "error", "ok" or "info". The text is always escaped.
    """

    def __init__(self, **kwargs: Any):
        super().__init__(value="", **kwargs)
        self.add_class("hi-message")
        self.kind = ""
        self.text = ""
        self.layout.display = "none"  # an empty message takes no room

    def show(self, text: str, kind: str = "error") -> None:
        """Show ``text`` (escaped) styled as ``kind``."""
        if kind not in KINDS:
            kind = "info"
        for k in KINDS:
            self.remove_class(f"hi-message-{k}")
        self.add_class(f"hi-message-{kind}")
        self.kind, self.text = kind, str(text)
        role = "alert" if kind == "error" else "status"
        self.value = f'<span role="{role}">{html.escape(self.text)}</span>'
        self.layout.display = None

    def clear(self) -> None:
        """Hide the message."""
        for k in KINDS:
            self.remove_class(f"hi-message-{k}")
        self.kind, self.text = "", ""
        self.value = ""
        self.layout.display = "none"


class ErrorBox(Message):
    """The page's place for problems that belong to no single control, and for apologies."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.add_class("hi-error-box")

    def unexpected(self, exc: BaseException, where: str = "") -> None:
        """Log ``exc`` with its traceback and show the apology (never the traceback)."""
        _ensure_log_file()
        log.error("Unexpected error%s", f" in {where}" if where else "",
                  exc_info=(type(exc), exc, exc.__traceback__))
        self.show(APOLOGY, "error")


def run_safely(fn: Callable[..., Any], *args: Any, errors: ErrorBox | None = None,
               message: Message | None = None, **kwargs: Any) -> tuple[bool, Any]:
    """Call ``fn(*args, **kwargs)``; returns ``(True, result)`` or ``(False, None)``.

    A person's mistake is shown in ``message`` (or in ``errors`` if there is no message);
    anything else is logged and ``errors`` shows the apology. Both are cleared first.
    """
    ok, result, _exc = run_and_report(fn, args, kwargs, errors=errors, message=message)
    return ok, result


def run_and_report(fn: Callable[..., Any], args: tuple = (), kwargs: dict | None = None, *,
                   errors: ErrorBox | None = None, message: Message | None = None
                   ) -> tuple[bool, Any, BaseException | None]:
    """Like :func:`run_safely`, and also returns the exception caught (or None)."""
    if message is not None:
        message.clear()
    if errors is not None:
        errors.clear()
    try:
        return True, fn(*args, **(kwargs or {})), None
    except Exception as exc:  # noqa: BLE001 - the point is that nothing escapes to the page
        exc = folder_problem(exc)
        if is_person_error(exc):
            target = message if message is not None else errors
            if target is not None:
                target.show(person_text(exc), "error")
        else:
            name = getattr(fn, "__qualname__", repr(fn))
            if errors is not None:
                errors.unexpected(exc, name)
            else:
                _ensure_log_file()
                log.error("Unexpected error in %s", name, exc_info=True)
                if message is not None:
                    message.show(APOLOGY, "error")
        return False, None, exc


def person_text(exc: BaseException) -> str:
    """The plain message of a person's mistake."""
    if isinstance(exc, LookupError) and exc.args:
        return str(exc.args[0]).strip() or "That did not work."
    return str(exc).strip() or "That did not work."


def guarded(errors: ErrorBox | None = None, message: Message | None = None
            ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator for widget callbacks: see :func:`run_safely`. The wrapper returns the
    callback's result, or None when it failed."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return run_safely(fn, *args, errors=errors, message=message, **kwargs)[1]

        return wrapper

    return decorate
