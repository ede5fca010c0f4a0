"""The room: people in the meeting take part from their own phones.

The participant pages are tornado handlers (:mod:`widgets.room.handlers`) loaded as the
Jupyter server extension ``widgets.room``; they need no token and no kernel. The store side
is :mod:`widgets.store.rooms`; join codes are :mod:`widgets.join_codes` (core: the store
makes them). See README.md.

Importing this package imports nothing heavy: tornado and the handlers are loaded only when
the server loads the extension.
"""

from __future__ import annotations


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """Where Jupyter server finds the extension (``--ServerApp.jpserver_extensions``)."""
    return [{"module": "widgets.room"}]


def _load_jupyter_server_extension(serverapp) -> None:
    """Add the participant routes under the server's base URL."""
    from widgets.room.handlers import setup

    setup(serverapp)
