"""The facilitator's room panel: the parts together, and the room's state they draw from.

    panel = RoomPanel(session, step=2)     # the page's Session, the step the page is on
    panel.widget                           # the projected part, the controls, the queue
    panel.set_step(3)                      # the app page switched to step 3

The panel reads the store through its API only (``open_room``, ``set_prompt``,
``contributions``, ``take_contribution``…). :meth:`reload` reads the room's state and draws
every part; the :class:`~widgets.ui.room.watcher.Watcher` calls it when the store's change
token moves.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as ipw

from widgets.model import STEPS, Contribution
from widgets.ui.room.browser import Clock
from widgets.ui.room.opening import Opening
from widgets.ui.room.projector import Projector
from widgets.ui.room.prompts import Prompts
from widgets.ui.room.queue import Queue
from widgets.ui.room.watcher import Watcher

CSS = """
.hi-room { gap: 0.8rem; }
.hi-room-projector { border: 3px solid var(--hi-accent, #005a9c); border-radius: 0.8rem;
  padding: 0.8rem 1.2rem; font-size: clamp(1.1rem, 4vw, 1.5rem); line-height: 1.35;
  overflow: visible; min-width: 0; }
.hi-room-projector .widget-html-content { font-size: inherit; line-height: inherit; }
.hi-room-join-card { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: center; }
.hi-room-qr svg { width: min(22rem, 80vw); height: auto; display: block; }
.hi-room-code { font-size: clamp(2rem, 9vw, 3.6rem); letter-spacing: 0.12em;
  font-family: monospace; overflow-wrap: anywhere; }
.hi-room-code-line { margin: 0.2rem 0; }
.hi-room-address { font-size: 1.6rem; font-weight: 600; overflow-wrap: anywhere; }
.hi-room-local { font-size: 1.1rem; }
.hi-room-clock { font-size: clamp(2rem, 8vw, 3rem); font-weight: 700;
  font-variant-numeric: tabular-nums; }
.hi-room-clock-up { color: var(--hi-error, #b00020); }
.hi-room-question { font-size: clamp(1.4rem, 6vw, 2.2rem); font-weight: 600;
  overflow-wrap: anywhere; }
.hi-room-doing { color: var(--hi-muted, #4a4a4a); margin: 0.2rem 0; }
.hi-room-shown { list-style: none; padding: 0; }
.hi-room-shown li { background: #f6f7f9; border-left: 8px solid #029E73; margin: 0.5rem 0;
  padding: 0.4rem 0.8rem; overflow-wrap: anywhere; }
.hi-room-kind { font-size: 0.8em; text-transform: uppercase; color: #4a4a4a;
  margin-right: 0.5rem; }
.hi-room-result-list { list-style: none; padding: 0; }
.hi-room-result-list li { margin: 0.3rem 0; overflow-wrap: anywhere; }
.hi-room-bar { display: block; height: 0.6rem; background: #0173B2; border-radius: 0.3rem; }
.hi-room-items { list-style: none; padding: 0; margin: 0; max-height: 36rem;
  overflow-y: auto; }
.hi-room-item { border: 1px solid var(--hi-border, #c9ced6); border-radius: 0.5rem;
  padding: 0.4rem 0.8rem; margin: 0.4rem 0; overflow-wrap: anywhere; }
.hi-room-item[data-status="shown"] { border-left: 6px solid #029E73; }
.hi-room-item[data-status="hidden"] { opacity: 0.65; }
.hi-room-item[data-status="taken"] { border-left: 6px solid #0173B2; }
.hi-room-item-head { display: flex; gap: 0.8rem; flex-wrap: wrap; font-size: 0.9em;
  color: #4a4a4a; }
.hi-room-text { margin: 0.2rem 0; font-size: 1.1em; white-space: pre-wrap; }
.hi-room-detail { margin: 0.2rem 0; white-space: pre-wrap; color: #333; }
.hi-room-tools { display: flex; gap: 0.5rem; flex-wrap: wrap; align-items: center; }
.hi-room-tools button { min-height: 2.2em; padding: 0.2em 0.9em; }
.hi-room-unit input { font-size: 1rem; }
.hi-room.hi-room-projecting .hi-room-controls { display: none; }
"""


class RoomPanel:
    """The room panel for one page (see the module docstring). Attributes: ``clock``,
    ``opening``, ``prompts``, ``queue``, ``projector``, ``watcher``, ``widget``; and the
    state last read: ``room``, ``contributions``, ``poll``, ``notes``."""

    def __init__(self, session: Any, step: Any = None):
        self.session = session
        self.slug: str = session.slug
        self.step = step
        self.room: Any = None
        self.contributions: list[Contribution] = []
        self.poll: Any = None
        self.notes: list = []
        self.clock = Clock()
        self.opening = Opening(self)
        self.prompts = Prompts(self)
        self.queue = Queue(self)
        self.projector = Projector(self)
        self.watcher = Watcher(self)
        self.projecting = ipw.Checkbox(value=False, description="Projecting: hide my controls "
                                       "and the queue", indent=False)
        self.projecting.add_class("hi-room-projecting-switch")
        self.projecting.observe(self._follow_projecting, names="value")
        self.controls = ipw.VBox([self.prompts.widget, self.queue.widget])
        self.controls.add_class("hi-room-controls")
        self.widget = ipw.VBox([ipw.HTML(f"<style>{CSS}</style>"), self.opening.widget,
                                self.projecting, self.projector.widget, self.controls])
        self.widget.add_class("hi-room")
        # The browser tells its address after the first draw: then the join card follows.
        self.clock.observe(lambda _c: self.session.run(self._redraw_card, saves=False),
                           names=["origin", "base_url"])
        self.session.run(self.reload, True, saves=False)

    def room_step(self) -> int | None:
        """The step the room is at (answers taken become notes on it), None off the steps."""
        return self.step if self.step in STEPS else None

    def set_step(self, step: Any) -> None:
        """The page now shows ``step``: offer its questions, list its notes."""
        self.step = step
        self.prompts.set_step(step)
        self.queue.show(self.contributions, self.notes)

    def start(self) -> None:
        """Start the live watcher when the room is open (on the kernel's loop)."""
        if self.room is not None and self.room.is_open:
            self.watcher.start()

    def stop(self) -> None:
        """Stop the live watcher (the page leaves this inquiry)."""
        self.watcher.stop()

    def reload(self, everything: bool = False) -> None:
        """Read the room's state from the store and draw every part. Only what is new is
        read unless ``everything`` (or nothing is new: then something was moderated, a
        vote came in or the prompt changed, and all is read again)."""
        store, slug = self.session.store, self.slug
        self.room = store.room(slug)
        last = self.contributions[-1].id if self.contributions else 0
        new = [] if everything else store.contributions(slug, since_id=last or 0)
        if everything or not new:
            self.contributions = store.contributions(slug)
            self.notes = store.notes(slug)
        else:
            self.contributions = [*self.contributions, *new]
        self.poll = store.poll_results(slug) if self.room is not None else None
        self.opening.show(self.room)
        self.prompts.show(self.room, self.poll)
        self.queue.show(self.contributions, self.notes)
        self.projector.show(self.room, self.contributions, self.poll)

    def _redraw_card(self) -> None:
        self.opening.show(self.room)

    def _follow_projecting(self, change: dict) -> None:
        if change["new"]:
            self.widget.add_class("hi-room-projecting")
        else:
            self.widget.remove_class("hi-room-projecting")
