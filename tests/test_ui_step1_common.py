"""Step 1's shared parts: unit words, the debouncer, the confirmation, events."""

import threading

from widgets.ui.step1.common import Confirm, Debouncer, Events, capitalised, section, unit_words


def test_plural_follows_the_analysis_rules():
    from widgets.analysis.baseline import plural as analysis_plural
    from widgets.ui.step1.common import plural

    for word in ["family", "household", "pupil", "child", "young person", "school", "ward",
                 "bus", "box", "church", "day", "Child", "GP practice", "care home"]:
        assert plural(word) == analysis_plural(word)


def test_unit_words():
    assert unit_words("family") == ("family", "families")
    assert unit_words("young person") == ("young person", "young people")
    assert unit_words("  ") == ("unit", "units")
    assert capitalised("family 1") == "Family 1"


def test_section_escapes_its_title():
    box = section(1, "<b>x</b>", "<i>y</i>", cls="hi-x")
    html = box.children[0].value
    assert "&lt;b&gt;" in html and "<b>" not in html and "&lt;i&gt;" in html
    assert "hi-x" in box._dom_classes


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


def test_confirm_runs_the_action_only_on_yes():
    calls = []
    c = Confirm()
    assert not c.asking
    c.ask("This replaces <60> units", lambda: calls.append("yes"))
    assert c.asking and "&lt;60&gt;" in c.question.value
    c.no.click()
    assert calls == [] and not c.asking
    c.ask("again", lambda: calls.append("yes"))
    c.yes.click()
    assert calls == ["yes"] and not c.asking


def test_events_call_listeners():
    seen = []
    e = Events()
    e.listen("units", lambda: seen.append("u1"))
    e.listen("units", lambda: seen.append("u2"))
    e.listen("measure", lambda: seen.append("m"))
    e.emit("units")
    assert seen == ["u1", "u2"]
    e.emit("nothing")
    assert seen == ["u1", "u2"]


def test_locked_holds_the_lock_during_the_call():
    from widgets.ui.step1.common import locked

    class Thing:
        def __init__(self):
            self._lock = threading.RLock()

        @locked
        def busy(self):
            # Another thread cannot take the lock while this runs.
            result = []
            t = threading.Thread(target=lambda: result.append(self._lock.acquire(timeout=0.05)))
            t.start()
            t.join()
            return result[0]

    assert Thing().busy() is False


def test_replace_warning_names_what_goes_with_the_old_units(store):
    from widgets import examples
    from widgets.ui.step1.common import replace_warning

    slug = store.save_inquiry(examples.build("grub-hub"))
    same = [u.unit_id for u in store.units(slug)]
    assert replace_warning(store, slug, same, "family") == (
        "This replaces the 60 families already stored.")
    text = replace_warning(store, slug, ["New 1", "New 2"], "family")
    assert text.startswith("This replaces the 60 families already stored. It also removes ")
    assert "decisions about positive exceptions" in text and "practice checks" in text
    assert "families that are not in the new data" in text
