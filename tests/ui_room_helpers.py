"""Shared helpers for the room panel's tests (tests/test_ui_room_*.py)."""

from __future__ import annotations

from hostile_text import HOSTILE  # noqa: F401 - the room tests take it from here

from widgets.ui.room import RoomSection
from widgets.ui.session import Session


def panel_for(store, slug, step=2):
    """A session on ``slug`` and its room section, unfolded: ``(session, section, panel)``."""
    session = Session(slug, store=store)
    section = RoomSection(session, step)
    section.widget.selected_index = 0
    assert session.errors.text == ""
    return session, section, section.panel


def open_room(panel, origin="http://192.168.1.20:8866", base_url="/"):
    """Open the panel's room (the button), the browser having said where the page is."""
    panel.clock.origin, panel.clock.base_url = origin, base_url
    panel.opening.open_button.click()
    assert panel.session.errors.text == ""
    return panel.room


def put(panel, kind, question="", choices="", seconds=None):
    """Put a prompt to the room with the controls."""
    p = panel.prompts
    p.kind.value = kind
    p.question.value = question
    p.choices.value = choices
    p.countdown.value = seconds
    p.put.click()
    return p.message
