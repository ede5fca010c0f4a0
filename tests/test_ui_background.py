"""The one background runner: slow work off the loop, results and autosaves on it."""

import asyncio
import threading

from widgets.ui import background
from widgets.ui.background import Debouncer


def test_debouncer_in_a_kernel_runs_on_the_loop_thread(monkeypatch):
    monkeypatch.setattr(background, "in_kernel", lambda: True)
    ran_on = []

    async def main():
        d = Debouncer(delay=0.05)
        done = asyncio.Event()

        def save():
            ran_on.append(threading.current_thread())
            done.set()

        for _ in range(3):
            d.schedule("a", save)
        await asyncio.wait_for(done.wait(), 30)
        assert not d.pending

    asyncio.run(main())
    assert ran_on == [threading.main_thread()]  # once, and never from a timer thread


def test_debouncer_flush_in_a_kernel_runs_now_and_cancels_the_timer(monkeypatch):
    monkeypatch.setattr(background, "in_kernel", lambda: True)
    calls = []

    async def main():
        d = Debouncer(delay=0.05)
        d.schedule("a", lambda: calls.append("a"))
        d.flush()
        await asyncio.sleep(0.2)  # the cancelled timer must not run it again

    asyncio.run(main())
    assert calls == ["a"]


def test_later_hands_the_result_to_the_loop(monkeypatch):
    monkeypatch.setattr(background, "BACKGROUND", True)
    monkeypatch.setattr(background, "START_DELAY", 0)
    monkeypatch.setattr(background, "_executor", None)
    monkeypatch.setattr(background, "in_kernel", lambda: True)
    shown_on = []

    async def main():
        done = asyncio.Event()

        def show(result):
            shown_on.append((result, threading.current_thread()))
            done.set()

        background.Later(lambda x: x + 1, show).request(41)
        await asyncio.wait_for(done.wait(), 30)

    asyncio.run(main())
    assert shown_on == [(42, threading.main_thread())]
    background.worker().shutdown()


# Outside a kernel (a script, the tests) the debouncer's timer is a thread.

def test_debouncer_runs_once_after_the_last_change():
    done = threading.Event()
    calls = []
    d = Debouncer(delay=0.3)

    def save():
        calls.append(1)
        done.set()

    for _ in range(5):
        d.schedule("a", save)
    assert d.pending
    assert done.wait(10)
    assert calls == [1]
    assert not d.pending


def test_debouncer_flush_runs_pending_now_except_kept():
    calls = []
    d = Debouncer(delay=60)
    d.schedule("a", lambda: calls.append("a"))
    d.schedule("b", lambda: calls.append("b"))
    d.flush(keep="b")
    assert calls == ["a"]
    assert d.pending  # b still waits
    d.flush()
    assert calls == ["a", "b"] and not d.pending


def test_debouncer_runs_a_shared_function_once_per_flush():
    calls = []

    def save():
        calls.append(1)

    d = Debouncer(delay=60)
    d.schedule("a", save)
    d.schedule("b", save)
    d.flush()
    assert calls == [1]
