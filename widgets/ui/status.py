"""The save status: "Saved 14:02", "Saving…", or "Not saved: <reason>"."""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any

import ipywidgets as ipw


def local_time_text(stamp_iso: str | None, now: datetime | None = None) -> str:
    """An ISO time stamp as local time: "14:02" today, else "3 Mar 2026, 14:02" ('' if none)."""
    if not stamp_iso:
        return ""
    try:
        stamp = datetime.fromisoformat(stamp_iso)
    except (TypeError, ValueError):
        return ""
    local = stamp.astimezone()  # naive stamps are taken as local time
    now = (now or datetime.now()).astimezone()
    if local.date() == now.date():
        return f"{local:%H:%M}"
    return f"{local.day} {local:%b %Y}, {local:%H:%M}"


def saved_text(updated_at: str | None, now: datetime | None = None) -> str:
    """"Saved 14:02" in local time from an ISO time stamp (with the date if not today)."""
    if not updated_at:
        return "Nothing saved yet"
    when = local_time_text(updated_at, now)
    return f"Saved {when}" if when else "Saved"


class SaveStatus(ipw.HTML):
    """Shows whether the last change reached the store. ``.state`` is "saved", "saving",
    "failed" or "" (nothing yet), for tests and styling."""

    def __init__(self, **kwargs: Any):
        super().__init__(value="", **kwargs)
        self.add_class("hi-save-status")
        self.state = ""
        self.text = ""

    def _set(self, state: str, text: str) -> None:
        for s in ("saved", "saving", "failed"):
            self.remove_class(f"hi-save-{s}")
        if state:
            self.add_class(f"hi-save-{state}")
        self.state, self.text = state, text
        self.value = f'<span role="status" aria-live="polite">{html.escape(text)}</span>'

    def saved(self, updated_at: str | None) -> None:
        """The store holds everything, last changed at ``updated_at`` (ISO, from the store)."""
        self._set("saved", saved_text(updated_at))

    def saving(self) -> None:
        """A change is on its way to the store."""
        self._set("saving", "Saving…")

    def failed(self, reason: str) -> None:
        """The last change was not stored, because of ``reason`` (plain words)."""
        self._set("failed", f"Not saved: {reason}")

    def refresh(self, store, slug: str) -> None:
        """Show the time of the inquiry's last change, read from the store."""
        self.saved(store.updated_at(slug))
