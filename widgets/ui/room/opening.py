"""Opening and closing the room, and what the projector shows to let people join: the QR
code, the join code in two groups of four, and the join address.

The join address is the page's own origin and the server's base URL (the browser tells
them: :class:`widgets.ui.room.browser.Clock`) plus ``room/<CODE>``, never a token. Opened on
127.0.0.1 or localhost, the page says plainly that phones cannot reach it and how to start
room mode.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as ipw

from widgets import join_codes as codes
from widgets.ui.errors import Message
from widgets.ui.room.browser import page_base

if TYPE_CHECKING:  # pragma: no cover
    from widgets.ui.room.panel import RoomPanel

#: Said when the page is opened on this computer's own address.
LOCAL_NOTE = ("Phones cannot reach this address: it only works on this computer. To let "
              "phones join, stop the app and start it in room mode with “make app ROOM=1” "
              "(or “hidden-insights app --room”), then open the address it prints.")
#: Said until the browser has told the kernel its address.
WAITING = "Finding this page's address…"


def join_address(origin: str, base_url: str, code: str) -> tuple[str, bool] | None:
    """``(address, local)``: where phones join the room ``code``, from the page's origin
    and the server's base URL as the browser reported them (None when they are not a plain
    web address)."""
    base = page_base(origin, base_url)
    if base is None:
        return None
    return base[0] + codes.join_path(code).lstrip("/"), base[1]


def qr_svg(text: str) -> str:
    """``text`` as a QR code in inline SVG (made here: no network)."""
    import segno  # only when a room is opened: the page loads without it

    return segno.make(text, error="m").svg_inline(scale=8, border=2, dark="#000",
                                                   light="#fff", omitsize=True,
                                                   title="QR code for the join address")


class Opening:
    """The *Open the room* / *Close the room* buttons (``open_button``, ``close_button``)
    and the join card (``card``: QR code, code, address), built by the panel."""

    def __init__(self, panel: RoomPanel):
        self.panel = panel
        session = panel.session
        self.message = Message()
        self.open_button = ipw.Button(description="Open the room", button_style="primary",
                                      tooltip="A new join code for phones in the meeting")
        self.open_button.add_class("hi-room-open")
        self.close_button = ipw.Button(description="Close the room",
                                       tooltip="The code stops working at once")
        self.close_button.add_class("hi-room-close")
        session.wire(self.open_button, self.open, message=self.message)
        session.wire(self.close_button, self.close, message=self.message)
        self.card = ipw.HTML("")
        self.card.add_class("hi-room-join")
        self.widget = ipw.VBox([ipw.HBox([self.open_button, self.close_button, self.message]),
                                self.card])
        self.widget.add_class("hi-room-opening")
        self._drawn: tuple | None = None

    def open(self) -> None:
        """Open the room with a new code (an open one closes: its code fails at once)."""
        p = self.panel
        p.session.store.open_room(p.slug, by=p.session.who)
        p.reload(everything=True)
        p.watcher.start()
        self.message.show("The room is open: people can join with the code.", "ok")

    def close(self) -> None:
        """Close the room: the code stops working at once."""
        p = self.panel
        if p.session.store.close_room(p.slug, by=p.session.who):
            self.message.show("The room is closed: the code no longer works.", "ok")
        else:
            self.message.show("The room was not open.", "info")
        p.reload(everything=True)

    def show(self, room: Any) -> None:
        """Draw the join card for ``room`` (None or closed: nothing to join)."""
        is_open = room is not None and room.is_open
        self.open_button.description = "Open the room again (new code)" if is_open else \
            "Open the room"
        self.close_button.disabled = not is_open
        clock = self.panel.clock
        key = (is_open, room.code if is_open else "", clock.origin, clock.base_url)
        if key == self._drawn:
            return
        self._drawn = key
        if not is_open:
            self.card.value = ('<p class="hi-room-closed">The room is closed. Open it to '
                               "let people join from their phones.</p>")
            return
        found = join_address(clock.origin, clock.base_url, room.code)
        code = html.escape(codes.display(room.code))
        parts = ['<div class="hi-room-join-card">']
        if found is None:
            path = html.escape(codes.join_path(room.code))
            parts.append(f'<p class="hi-room-code-line">Join code <strong class="hi-room-code">'
                         f"{code}</strong></p><p class=\"hi-room-address\">{path}</p>"
                         f'<p class="hi-room-waiting">{html.escape(WAITING)}</p>')
        else:
            address, local = found
            parts.append(f'<div class="hi-room-qr" role="img" aria-label="QR code for '
                         f'{html.escape(address)}">{qr_svg(address)}</div>')
            parts.append('<div class="hi-room-join-words">'
                         f'<p class="hi-room-code-line">Join code <strong class="hi-room-code">'
                         f"{code}</strong></p>"
                         f'<p class="hi-room-address">{html.escape(address)}</p>')
            if local:
                parts.append(f'<p class="hi-notice hi-room-local">{html.escape(LOCAL_NOTE)}</p>')
            parts.append("</div>")
        parts.append("</div>")
        self.card.value = "".join(parts)
