"""Download links that need no server round trip: the file travels inside the link.

``download_link`` builds an ``<a download href="data:…;base64,…">``. ``DownloadButton``
builds the file only when asked (a button "Prepare …"), because building a workbook takes
a moment and the page should load fast.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable
from typing import Any

import ipywidgets as ipw

from widgets.ui.errors import ErrorBox, Message, run_safely

MIME = {
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html",
    "csv": "text/csv",
}


def safe_filename(name: str, default: str = "download") -> str:
    """A file name with only letters, digits, '.', '-' and '_' (no folders, no hidden files)."""
    name = str(name).replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-_ ")
    name = re.sub(r"-{2,}", "-", name)
    if len(name) > 100:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 100 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:100]
    return name or default


def download_link(data: bytes, filename: str, label: str,
                  mime: str = "application/octet-stream") -> ipw.HTML:
    """An HTML widget with one link that saves ``data`` as ``filename`` when clicked."""
    if not re.fullmatch(r"[\w.+-]+/[\w.+-]+", mime or ""):
        mime = "application/octet-stream"
    name = safe_filename(filename)
    encoded = base64.b64encode(bytes(data)).decode("ascii")
    widget = ipw.HTML(
        f'<a class="hi-download-link" download="{html.escape(name)}" '
        f'href="data:{mime};base64,{encoded}">{html.escape(label)}</a>'
    )
    widget.add_class("hi-download")
    widget.filename = name
    return widget


class DownloadButton(ipw.VBox):
    """A "Prepare …" button that builds a file on click and then shows its download link.

    ``build()`` returns ``(data, filename)``; ``after()`` runs once the link is ready (the
    start page uses it to remember that the inquiry was downloaded). A person's mistake raised
    by ``build`` is shown beside the button; anything else shows the apology in ``errors``.
    With ``session`` (widgets/ui/session.py) a click is one of its actions
    (``session.wire``: the inquiry is read afresh) and ``errors`` is the session's.
    """

    def __init__(self, label: str, build: Callable[[], tuple[bytes, str]], mime: str,
                 *, link_label: str | None = None, after: Callable[[], None] | None = None,
                 errors: ErrorBox | None = None, session: Any = None, **kwargs: Any):
        self.button = ipw.Button(description=label, tooltip=label,
                                 layout=ipw.Layout(width="auto"))
        self.button.add_class("hi-download-button")
        self.message = Message()
        self.link_box = ipw.Box()
        self.link: ipw.HTML | None = None
        self._build, self._after, self._mime = build, after, mime
        self._link_label = link_label
        self._errors = errors if errors is not None or session is None else session.errors
        super().__init__([ipw.HBox([self.button, self.message]), self.link_box], **kwargs)
        self.add_class("hi-download-box")
        if session is not None:
            session.wire(self.button, self.prepare, saves=False)
        else:
            self.button.on_click(lambda _b: self.prepare())

    def prepare(self) -> ipw.HTML | None:
        """Build the file and show its link; returns the link widget (None on failure)."""
        ok, result = run_safely(self._build, errors=self._errors, message=self.message)
        if not ok:
            return None
        data, filename = result
        label = self._link_label or f"Save {safe_filename(filename)}"
        self.link = download_link(data, filename, label, self._mime)
        self.link_box.children = (self.link,)
        if self._after is not None:
            run_safely(self._after, errors=self._errors, message=self.message)
        return self.link
