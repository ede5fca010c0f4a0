"""Shared helpers for the room panel's tests (tests/test_ui_room_*.py)."""

from __future__ import annotations

from widgets.ui.room import RoomSection
from widgets.ui.session import Session

#: Twenty strings that would run, break out of HTML or fake markup if not kept as text.
HOSTILE = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=2">',
    '"><svg onload="window.__pwned=3">',
    "</textarea><script>window.__pwned=4</script>",
    "<iframe src=\"javascript:window.__pwned=5\"></iframe>",
    "javascript:window.__pwned=6",
    "{{7*7}} ${7*7} <%= 7*7 %>",
    "<b>bold</b> &amp; &lt;kept&gt;",
    "' onmouseover='window.__pwned=7' x='",
    "<a href=\"javascript:window.__pwned=8\">click</a>",
    "<style>body{display:none}</style>",
    "<details open ontoggle=\"window.__pwned=9\">",
    "<math><mtext></mtext><mglyph><svg><mtext><style><img src=x onerror=window.__pwned=10>",
    "\u202eevil\u202c right-to-left override",
    "<input autofocus onfocus=\"window.__pwned=11\">",
    "<body onload=window.__pwned=12>",
    "<!-- comment --> --> <![CDATA[x]]>",
    "<video><source onerror=\"window.__pwned=13\"></video>",
    "Robert'); DROP TABLE contributions;--",
    "<marquee onstart=window.__pwned=14>moving</marquee>",
]


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
