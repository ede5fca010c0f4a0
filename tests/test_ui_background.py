"""The one background runner: slow work off the loop, results and autosaves on it."""

import asyncio
import threading

from own_loop import run_on_own_loop

from widgets.ui import background
from widgets.ui.background import Debouncer, Later
from widgets.ui.errors import APOLOGY, ErrorBox


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

    loop_thread = run_on_own_loop(main)
    assert ran_on == [loop_thread]  # once, on the loop's thread, never from a timer thread


def test_debouncer_flush_in_a_kernel_runs_now_and_cancels_the_timer(monkeypatch):
    monkeypatch.setattr(background, "in_kernel", lambda: True)
    calls = []

    async def main():
        d = Debouncer(delay=0.05)
        d.schedule("a", lambda: calls.append("a"))
        d.flush()
        await asyncio.sleep(0.2)  # the cancelled timer must not run it again

    run_on_own_loop(main)
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

    loop_thread = run_on_own_loop(main)
    assert shown_on == [(42, loop_thread)]
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
# Moved from tests/test_ui_step3_shared.py with step 3's copy of the runner.


def test_later_runs_at_once_outside_a_kernel(monkeypatch):
    monkeypatch.setattr(background, "BACKGROUND", None)
    assert not background.in_kernel() and not background.background()
    shown = []
    Later(lambda x: x * 2, shown.append).request(21)
    assert shown == [42]


def test_later_in_the_background_shows_only_the_newest_result(monkeypatch):
    monkeypatch.setattr(background, "BACKGROUND", True)
    monkeypatch.setattr(background, "START_DELAY", 0)
    monkeypatch.setattr(background, "_executor", None)
    gate, started = threading.Event(), threading.Event()
    shown, computed = [], []

    def compute(x):
        if x == 0:
            started.set()
            gate.wait(10)  # the first job holds the worker while newer requests arrive
        computed.append(x)
        return x

    later = Later(compute, shown.append)
    later.request(0)
    assert started.wait(10)
    for x in (1, 2, 3):
        later.request(x)
    gate.set()
    background.worker().submit(lambda: None).result(10)  # wait until the queue is done
    assert computed == [0, 3] and shown == [3]  # 0 was replaced before it was shown
    background.worker().shutdown()


def test_the_first_background_job_waits_for_the_page(monkeypatch):
    import time

    monkeypatch.setattr(background, "BACKGROUND", True)
    monkeypatch.setattr(background, "START_DELAY", 0.3)
    monkeypatch.setattr(background, "_executor", None)
    done = []
    start = time.monotonic()
    Later(lambda: time.monotonic() - start, done.append).request()
    background.worker().submit(lambda: None).result(10)
    assert done and done[0] >= 0.3
    background.worker().shutdown()


def test_later_errors_never_escape(monkeypatch):
    monkeypatch.setattr(background, "BACKGROUND", False)
    errors = ErrorBox()

    def broken():
        raise RuntimeError("bug")

    Later(broken, lambda _r: None, errors=errors).request()
    assert errors.text == APOLOGY
