"""What participants may do now: answer a question, suggest a positive exception or a
practice, vote, or nothing; with an optional countdown, and the vote's results.

The step's facilitator questions (widgets/guidance.py) are offered as ready-made questions;
the practices anyone could do and the group's actions as ready-made choices for a vote.
Everything is checked by the store (``set_prompt``), whose plain sentence shows beside the
button.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as ipw

from widgets import guidance
from widgets.model import ROOM_PROMPTS, ModelError
from widgets.ui.errors import Message
from widgets.ui.styles import label_above

if TYPE_CHECKING:  # pragma: no cover
    from widgets.ui.room.panel import RoomPanel

#: The countdowns offered, label -> seconds (None: no countdown).
COUNTDOWNS: list[tuple[str, int | None]] = [
    ("No countdown", None), ("1 minute", 60), ("2 minutes", 120), ("3 minutes", 180),
    ("5 minutes", 300), ("10 minutes", 600), ("15 minutes", 900)]

#: Ready-made choices for a vote, key -> label.
READY_CHOICES = {"practices": "Fill in the practices anyone could do",
                 "actions": "Fill in the group's actions"}


def results_html(poll: Any) -> str:
    """A vote's question and counts as escaped HTML (a bar per choice)."""
    if poll is None:
        return ""
    total = poll.total
    rows = []
    for choice, count in poll.results:
        share = round(100 * count / total) if total else 0
        rows.append(f'<li><span class="hi-room-choice" dir="auto">{html.escape(choice)}</span> '
                    f'<strong class="hi-room-count">{count}</strong>'
                    f'<span class="hi-room-bar" style="width:{share}%"></span></li>')
    votes = "1 vote" if total == 1 else f"{total} votes"
    question = (f'<p class="hi-room-vote-question" dir="auto">{html.escape(poll.question)}</p>'
                if poll.question else "")
    return (f'<div class="hi-room-results">{question}<ul class="hi-room-result-list">'
            f'{"".join(rows)}</ul><p class="hi-room-total">{votes}</p></div>')


class Prompts:
    """The prompt's controls: ``kind``, ``question`` (ready-made or typed), ``choices`` (one
    a line), ``countdown``, ``put`` (the button), the vote's ``results`` with
    ``show_results``, and ``message``."""

    def __init__(self, panel: RoomPanel):
        self.panel = panel
        session = panel.session
        self.message = Message()
        self.kind = label_above(ipw.Dropdown(
            options=[(words.capitalize(), key) for key, words in ROOM_PROMPTS.items()],
            value="answer"), "What may people do now?")
        self.kind.add_class("hi-room-kind-choice")
        self.question = label_above(ipw.Combobox(
            placeholder="Type a question or choose one", ensure_option=False,
            layout=ipw.Layout(width="100%")), "The question on the phones")
        self.question.add_class("hi-room-question-input")
        self.choices = label_above(ipw.Textarea(
            placeholder="One choice a line", layout=ipw.Layout(width="100%", height="7em")),
            "The choices (one a line)")
        self.choices.add_class("hi-room-choices")
        self.fill = {key: ipw.Button(description=words) for key, words in READY_CHOICES.items()}
        for key, button in self.fill.items():
            button.add_class(f"hi-room-fill-{key}")
            session.wire(button, lambda key=key: self.fill_choices(key), message=self.message,
                         saves=False)
        self.countdown = label_above(ipw.Dropdown(options=COUNTDOWNS, value=None),
                                     "Countdown")
        self.countdown.add_class("hi-room-countdown-choice")
        self.put = ipw.Button(description="Put it to the room", button_style="primary")
        self.put.add_class("hi-room-put")
        session.wire(self.put, self.put_prompt, message=self.message)
        self.results = ipw.HTML("")
        self.results.add_class("hi-room-live-results")
        self.show_results = ipw.Button(description="Show the results to the room")
        self.show_results.add_class("hi-room-show-results")
        session.wire(self.show_results, self.toggle_results, message=self.message)
        self.vote_box = ipw.VBox([self.choices, ipw.HBox(list(self.fill.values()))])
        self.vote_box.add_class("hi-room-vote-box")
        self.result_box = ipw.VBox([self.results, self.show_results])
        self.kind.observe(lambda _c: self._follow_kind(), names="value")
        self.widget = ipw.VBox([
            ipw.HTML("<h3>What the room does now</h3>"),
            ipw.HBox([self.kind, self.countdown]), self.question, self.vote_box,
            ipw.HBox([self.put, self.message]), self.result_box])
        self.widget.add_class("hi-room-prompts")
        self.set_step(panel.step)
        self._follow_kind()

    def set_step(self, step: Any) -> None:
        """Offer the facilitator questions of ``step`` (a page key) as ready-made ones."""
        try:
            self.question.options = tuple(guidance.questions(step))
        except KeyError:
            self.question.options = ()

    def _follow_kind(self) -> None:
        kind = self.kind.value
        self.question.layout.display = "none" if kind == "none" else None
        self.vote_box.layout.display = None if kind == "vote" else "none"

    def fill_choices(self, key: str) -> None:
        """Fill the choices with the practices anyone could do, or the group's actions."""
        inquiry = self.panel.session.inquiry()
        if key == "practices":
            found = [p.what for p in inquiry.practices if p.accessible == "yes"]
            missing = "No practice is marked as one anyone could do yet (step 3)."
        else:
            found = [a.what for a in inquiry.actions]
            missing = "The group has no action yet (step 3)."
        found = [" ".join(t.split()) for t in found if t.strip()]
        if not found:
            raise ModelError(missing)
        self.choices.value = "\n".join(found)
        self.kind.value = "vote"
        self.message.clear()

    def put_prompt(self) -> None:
        """Tell the room what it may do now (the store checks it)."""
        p = self.panel
        kind = self.kind.value
        choices = ([line.strip() for line in self.choices.value.splitlines() if line.strip()]
                   if kind == "vote" else None)
        question = self.question.value if kind != "none" else ""
        room = p.session.store.set_prompt(p.slug, kind, question, choices,
                                          self.countdown.value, step=p.room_step(),
                                          by=p.session.who)
        p.reload(everything=True)
        words = "The room is paused." if kind == "none" else \
            f"Put to the room: {ROOM_PROMPTS[room.prompt]}."
        self.message.show(words, "ok")

    def toggle_results(self) -> None:
        """Show the last vote's results on the phones and the projector, or hide them."""
        p = self.panel
        shown = not (p.poll is not None and p.poll.results_shown)
        p.session.store.show_results(p.slug, shown, by=p.session.who)
        p.reload(everything=True)

    def show(self, room: Any, poll: Any) -> None:
        """Follow the room's state: the live counts of the last vote."""
        is_open = room is not None and room.is_open
        self.put.disabled = not is_open
        has_poll = poll is not None and room is not None and room.poll_id == poll.id
        self.result_box.layout.display = None if has_poll else "none"
        if has_poll:
            self.results.value = ('<p class="hi-room-results-label">The votes so far (only you '
                                  "see these until you show them)</p>" + results_html(poll))
            self.show_results.description = ("Hide the results from the room"
                                              if poll.results_shown
                                              else "Show the results to the room")
