"""The moderation queue: what came in from the phones, for the facilitator only.

Each contribution can be shown on the projector, hidden, or taken into the inquiry through
the store (``take_contribution``): an answer becomes a note on the step the page is on, a
practice a practice draft in step 3, a positive exception a candidate (group choice) in
step 2 for the unit the facilitator names. The notes from the room on the current step are
listed below the queue.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as ipw

from widgets.model import (
    CONTRIBUTION_KINDS,
    CONTRIBUTION_STATUSES,
    STEPS,
    Contribution,
    ModelError,
)
from widgets.ui.errors import Message
from widgets.ui.room.browser import QueueList

if TYPE_CHECKING:  # pragma: no cover
    from widgets.ui.room.panel import RoomPanel

#: Said when an answer is taken on a page that is no step (start, dashboard).
NO_STEP = ("An answer becomes a note on a step: take it on the page of step 1, 2 or 3 "
           "(this page is not a step).")
#: Which part of the inquiry changes when a kind is taken (``session.changed``).
TAKEN_PART = {"answer": "notes", "practice": "practices", "exception": "exceptions"}


def when(at: str) -> str:
    """The time a contribution was sent, as HH:MM (UTC, as the history says)."""
    return at[11:16] if len(at) >= 16 else ""


def item(c: Contribution) -> dict[str, Any]:
    """A contribution as the browser's queue draws it (text as text, never as HTML)."""
    return {"id": c.id, "kind": c.kind, "kind_words": CONTRIBUTION_KINDS.get(c.kind, c.kind),
            "text": c.text, "detail": c.detail, "nickname": c.nickname, "when": when(c.at),
            "status": c.status, "status_words": CONTRIBUTION_STATUSES.get(c.status, c.status),
            "became": c.became}


def notes_html(notes: list, step: Any) -> str:
    """The notes from the room on ``step`` as an escaped list."""
    mine = [n for n in notes if n.source == "room" and n.step == step]
    if step not in STEPS:
        return ""
    if not mine:
        return ('<h3>Notes from the room on this step</h3><p class="hi-room-empty">None yet: '
                "take an answer into the inquiry and it is noted here.</p>")
    rows = "".join(f'<li dir="auto">{html.escape(n.text)}</li>' for n in mine)
    return f'<h3>Notes from the room on this step</h3><ul class="hi-room-notes">{rows}</ul>'


class Queue:
    """``list`` (the browser's :class:`QueueList`), ``message``, ``notes`` (HTML) and
    :meth:`press`, which a click in the browser calls (tests call it directly)."""

    def __init__(self, panel: RoomPanel):
        self.panel = panel
        self.message = Message()
        self.list = QueueList()
        self.list.add_class("hi-room-queue-items")
        self.list.on_msg(self._on_msg)
        self.notes = ipw.HTML("")
        self.notes.add_class("hi-room-notes-box")
        self.counts = ipw.HTML("")
        self.counts.add_class("hi-room-counts")
        self.widget = ipw.VBox([
            ipw.HTML("<h3>The queue (for you: the room sees only what you show)</h3>"),
            self.counts, self.message, self.list, self.notes])
        self.widget.add_class("hi-room-queue")
        self._units_loaded = False

    def _on_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        # A message from the browser is untrusted: only a known action on a number.
        if not isinstance(content, dict):
            return
        action, number, unit = content.get("action"), content.get("id"), content.get("unit")
        if action not in ("show", "hide", "take") or isinstance(number, bool) or \
                not isinstance(number, int):
            return
        self.press(number, action, unit if isinstance(unit, str) else None)

    def press(self, number: int, action: str, unit_id: str | None = None) -> str | None:
        """What a click on a contribution's button does: :meth:`act` as one guarded action
        (a person's mistake shows beside the queue)."""
        return self.panel.session.run(self.act, number, action, unit_id, message=self.message)

    def act(self, number: int, action: str, unit_id: str | None = None) -> str | None:
        """Show, hide or take contribution ``number``; returns what it became when taken."""
        p = self.panel
        store, slug, who = p.session.store, p.slug, p.session.who
        if action in ("show", "hide"):
            store.set_contribution_status(slug, number, "shown" if action == "show"
                                          else "hidden", by=who)
            p.reload(everything=True)
            self.message.clear()
            return None
        found = store.contribution(slug, number)
        kind = found.kind
        unit = unit_id.strip() if isinstance(unit_id, str) and unit_id.strip() else None
        step = p.step if p.step in STEPS else None
        if kind == "answer" and step is None and found.step not in STEPS:
            raise ModelError(NO_STEP)
        became = store.take_contribution(slug, number, by=who, unit_id=unit, step=step)
        p.reload(everything=True)
        p.session.changed(TAKEN_PART[kind])
        self.message.show(f"Taken into the inquiry: {became}.", "ok")
        return became

    def show(self, contributions: list[Contribution], notes: list) -> None:
        """Draw the queue (every contribution) and the notes on the current step."""
        self.list.items = [item(c) for c in contributions]
        waiting = sum(c.status == "new" for c in contributions)
        self.counts.value = (f'<p class="hi-room-count-line">{len(contributions)} came in, '
                             f"{waiting} waiting for you.</p>")
        self.notes.value = notes_html(notes, self.panel.step)
        if not self._units_loaded and any(c.kind == "exception" and c.status != "taken"
                                          for c in contributions):
            self.load_units()

    def load_units(self) -> None:
        """Offer the inquiry's unit ids for naming a positive exception (read once, when
        the first one comes in: reading the units is the slow part)."""
        self._units_loaded = True
        p = self.panel
        p.session.later(lambda: [u.unit_id for u in p.session.store.units(p.slug)],
                        self._set_units).request()

    def _set_units(self, ids: list[str]) -> None:
        self.list.units = ids
