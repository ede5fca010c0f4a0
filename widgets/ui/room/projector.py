"""What the projector shows of the room: how to join, the question, the countdown, the
contributions the facilitator has shown (nothing else from the queue) and the vote's
results once the facilitator shows them. Large type; every text escaped."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as ipw

from widgets.model import CONTRIBUTION_KINDS, ROOM_PROMPTS, Contribution
from widgets.ui.room.prompts import results_html

if TYPE_CHECKING:  # pragma: no cover
    from widgets.ui.room.panel import RoomPanel


def projected_html(room: Any, contributions: list[Contribution], poll: Any) -> str:
    """The projected words (escaped): the question, what was shown, the results."""
    if room is None or not room.is_open:
        return ""
    out = []
    if room.prompt != "none":
        doing = html.escape(ROOM_PROMPTS[room.prompt].capitalize())
        out.append(f'<p class="hi-room-doing">{doing} on your phone</p>')
    if room.question:
        out.append(f'<p class="hi-room-question" dir="auto">{html.escape(room.question)}</p>')
    if poll is not None and poll.results_shown and room.poll_id == poll.id:
        out.append(results_html(poll))
    shown = [c for c in contributions if c.status == "shown"]
    if shown:
        rows = "".join(
            f'<li class="hi-room-shown-item" data-kind="{html.escape(c.kind)}">'
            f'<span class="hi-room-kind">{html.escape(CONTRIBUTION_KINDS[c.kind])}</span> '
            f'<span class="hi-room-text" dir="auto">{html.escape(c.text)}</span>'
            + (f' <span class="hi-room-detail" dir="auto">{html.escape(c.detail)}</span>'
               if c.detail else "")
            + "</li>" for c in reversed(shown))
        out.append(f'<ul class="hi-room-shown">{rows}</ul>')
    return "".join(out)


class Projector:
    """``join`` (the join card, from :class:`~widgets.ui.room.opening.Opening`), the
    ``clock`` and ``words`` (the projected words)."""

    def __init__(self, panel: RoomPanel):
        self.panel = panel
        self.words = ipw.HTML("")
        self.words.add_class("hi-room-words")
        self.widget = ipw.VBox([panel.opening.card, panel.clock, self.words])
        self.widget.add_class("hi-room-projector")
        self._ends: str | None = None

    def show(self, room: Any, contributions: list[Contribution], poll: Any) -> None:
        """Draw the projected part for the room's state."""
        self.words.value = projected_html(room, contributions, poll)
        ends = room.ends_at if room is not None and room.is_open else ""
        if ends != self._ends:  # restart the browser's countdown only when it changes
            self._ends = ends
            self.panel.clock.count_down(room.seconds_left() if ends else None)
