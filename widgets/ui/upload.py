"""An upload control with its own message: the file goes to a callback, never to disk.

The uploaded file's name is passed to ``on_file`` only as a hint of its kind (".json",
".xlsx"); it is never used as a path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as ipw

from widgets.ui.errors import ErrorBox, Message, run_safely

#: The largest data file the kit reads (widgets.files.MAX_UPLOAD_BYTES). Files travel to the
#: kernel over the page's websocket; widgets.app raises its limit well above this.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def _size_text(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


class UploadBox(ipw.VBox):
    """A file upload, and a message beside it.

    ``on_file(data, filename)`` returns a success message (or None) or raises a person-facing
    error (ModelError, FileProblem…), which is shown beside the control. Nothing else is
    stored by this widget.
    """

    def __init__(self, label: str, accept: str, on_file: Callable[[bytes, str], str | None],
                 max_bytes: int = DEFAULT_MAX_BYTES, *, errors: ErrorBox | None = None,
                 **kwargs: Any):
        # As wide as its label: the default width cuts "Upload an inquiry file" to "Upload …".
        self.upload = ipw.FileUpload(accept=accept, multiple=False, description=label,
                                     layout=ipw.Layout(width="auto", flex="0 0 auto"))
        self.upload.add_class("hi-upload-button")
        # The button's own text ends in a count, "(0)": the page shows the tooltip instead
        # (styles.CSS), so the tooltip is the label.
        self.upload.tooltip = label
        self.message = Message()
        self.on_file, self.max_bytes, self._errors = on_file, max_bytes, errors
        super().__init__([ipw.HBox([self.upload, self.message])], **kwargs)
        self.add_class("hi-upload")
        self.upload.observe(self._changed, names="value")

    def _changed(self, change: dict) -> None:
        files = change.get("new") or ()
        if not files:
            return  # our own reset below
        item = files[0]
        self.upload.value = ()  # so the same file can be chosen again after a fix
        self.receive(bytes(item.get("content", b"")), str(item.get("name", "")))

    def receive(self, data: bytes, filename: str) -> bool:
        """Handle one file (also the entry point for tests). True when it was accepted."""
        self.message.clear()
        if len(data) > self.max_bytes:
            self.message.show(f"That file is too large ({_size_text(len(data))}; at most "
                              f"{_size_text(self.max_bytes)}).", "error")
            return False
        if not data:
            self.message.show("That file is empty.", "error")
            return False
        ok, result = run_safely(self.on_file, data, filename, errors=self._errors,
                                message=self.message)
        if ok and result:
            self.message.show(str(result), "ok")
        return ok
