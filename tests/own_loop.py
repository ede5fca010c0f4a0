"""Run a coroutine on an event loop of its own, in a thread of its own.

The browser tests' Playwright keeps an event loop running in the main thread for the whole
session, so ``asyncio.run`` there fails once they have run; the kernel-loop tests stand their
loop up beside it instead.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any


def run_on_own_loop(main: Callable[[], Coroutine[Any, Any, Any]],
                    timeout: float = 120.0) -> threading.Thread:
    """``asyncio.run(main())`` in a new thread; returns the thread (the loop's), re-raising
    what ``main`` raised."""
    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(main())
        except BaseException as e:  # noqa: BLE001 - handed to the test's thread
            failure.append(e)

    thread = threading.Thread(target=target, name="test-loop")
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), "the loop did not finish"
    if failure:
        raise failure[0]
    return thread
