"""The live part: what phones send reaches the panel within a second, with no click.

An asyncio task on the kernel's own event loop asks the store every :data:`INTERVAL`
seconds for its cheap change token (``store.room_changes``: one ``PRAGMA data_version`` on
SQLite) and, when it changed, has the panel read what is new and set its widgets' values.
It runs on the loop, between the kernel's messages, never in a thread, and never prints.
It stops when the room closes, when the page's session opens another inquiry, or after an
unexpected error (shown once, logged). Outside a kernel (tests) nothing runs by itself:
:meth:`Watcher.poll` does one look.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from widgets.ui.background import kernel_loop
from widgets.ui.errors import run_and_report

if TYPE_CHECKING:  # pragma: no cover
    from widgets.ui.room.panel import RoomPanel

#: Seconds between two looks at the store.
INTERVAL = 0.5


class Watcher:
    """Polls the store for the panel (see the module docstring)."""

    def __init__(self, panel: RoomPanel):
        self.panel = panel
        self._task: asyncio.Task | None = None
        self._token: str | None = None

    @property
    def running(self) -> bool:
        """True while the task is polling."""
        return self._task is not None and not self._task.done()

    def start(self) -> bool:
        """Start polling on the kernel's event loop (False outside a kernel: call
        :meth:`poll` yourself)."""
        if self.running:
            return True
        loop = kernel_loop()
        if loop is None:
            return False
        self._task = loop.create_task(self._run())
        return True

    def stop(self) -> None:
        """Stop polling."""
        task, self._task = self._task, None
        if task is not None and not task.done() and task is not _current_task():
            task.cancel()

    def poll(self) -> bool:
        """One look at the store: True when the room changed (the panel has redrawn).
        Stops the task when the session moved to another inquiry or the room is closed."""
        p = self.panel
        if p.session.slug != p.slug:
            self.stop()
            return False
        token = p.session.store.room_changes(p.slug)
        if token == self._token:
            return False
        self._token = token
        p.reload()
        # Views that show what the room said (the dashboard's votes) follow too.
        p.session.changed("room")
        if p.room is None or not p.room.is_open:
            self.stop()
        return True

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(INTERVAL)
            if self._task is None or self._task is not _current_task():
                return  # stopped, or replaced by a newer task
            ok, _changed, _exc = run_and_report(self.poll, errors=self.panel.session.errors)
            if not ok:
                self._task = None  # the error box says so; the next open starts again
                return


def _current_task() -> asyncio.Task | None:
    try:
        return asyncio.current_task()
    except RuntimeError:
        return None
