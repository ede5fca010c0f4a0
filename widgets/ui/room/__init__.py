"""The facilitator's side of the room: open it, put a prompt to it, moderate what comes in
from the phones, and take it into the inquiry.

    section = RoomSection(session, step=2)   # a folded "The room" section (cheap to build)
    section.widget                           # put it in the page's frame
    section.set_step(3)                      # the page now shows step 3
    section.panel                            # the RoomPanel, once unfolded (else None)
    section = follow(section, session, key)  # the app page: on every view switch

| module | what |
| --- | --- |
| ``panel.py`` | :class:`RoomPanel`: the parts together, and the room's state they draw from |
| ``opening.py`` | open and close, the QR code, the join code and address |
| ``prompts.py`` | what participants may do now, the countdown, the vote's results |
| ``queue.py`` | the moderation queue (show, hide, take into the inquiry), notes from the room |
| ``projector.py`` | what the projector shows: only what the facilitator has shown |
| ``watcher.py`` | the live poll on the kernel's event loop |
| ``browser.py`` | the two small anywidgets: address and countdown, the queue's list |

The panel is built only when the section is unfolded, or at once when the room is already
open (its state is in the store, so a reload comes back to it): the page loads without
segno, anywidget or the queue.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as ipw

from widgets.ui.errors import run_and_report

#: The section's title.
TITLE = "The room: people take part from their phones"


class RoomSection:
    """A folded section holding the :class:`~widgets.ui.room.panel.RoomPanel` (``panel``,
    None until unfolded). ``widget`` is what a page puts in its frame."""

    def __init__(self, session: Any, step: Any = None):
        self.session = session
        self.slug = session.slug
        self.step = step
        self.panel: Any = None
        self.box = ipw.VBox()
        self.widget = ipw.Accordion(children=[self.box], titles=(TITLE,), selected_index=None)
        self.widget.add_class("hi-room-section")
        self.widget.observe(self._unfold, names="selected_index")
        ok, room, _exc = run_and_report(session.store.room, (session.slug,),
                                        errors=session.errors)
        if ok and room is not None and room.is_open:
            self.widget.selected_index = 0  # the room is on: come back to it

    def _unfold(self, change: dict) -> None:
        if change["new"] == 0 and self.panel is None:
            self.session.run(self.build, saves=False)

    def build(self) -> Any:
        """Build the panel now (unfolding does it) and start the live watcher when the room
        is open. Returns the panel."""
        if self.panel is None:
            from widgets.ui.room.panel import RoomPanel

            self.panel = RoomPanel(self.session, self.step)
            self.box.children = (self.panel.widget,)
            self.panel.start()
        return self.panel

    def set_step(self, step: Any) -> None:
        """The page now shows ``step``."""
        self.step = step
        if self.panel is not None:
            self.panel.set_step(step)

    def stop(self) -> None:
        """Stop the live watcher (the page leaves the inquiry)."""
        if self.panel is not None:
            self.panel.stop()


def follow(section: RoomSection | None, session: Any, step: Any) -> RoomSection | None:
    """The room section for a page that now shows ``step`` (the app page, on every switch):
    ``section`` carried on when it is for the inquiry open now, else a new section (the old
    one's watcher stopped); None when no inquiry is open."""
    if section is not None and section.slug == session.slug and session.slug is not None:
        section.set_step(step)
        return section
    if section is not None:
        section.stop()
    return RoomSection(session, step) if session.slug is not None else None


__all__ = ["TITLE", "RoomSection", "follow"]
