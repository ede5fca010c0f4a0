"""The page's session: the open inquiry read once per action, one callback helper, events."""

import ipywidgets as ipw

from widgets.model import Issue, ModelError
from widgets.ui.errors import APOLOGY
from widgets.ui.session import DEFAULT_WHO, Session
from widgets.ui.status import SaveStatus


class CountingStore:
    """A store that counts how often the inquiry is read."""

    def __init__(self, store):
        self._store, self.reads = store, 0

    def get(self, *args, **kwargs):
        self.reads += 1
        return self._store.get(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._store, name)


def test_opens_a_known_inquiry_and_refuses_others(store, slug):
    s = Session(slug, store=store)
    assert s.ok and s.slug == slug and s.title == "Family break-up in our estate"
    assert not s.open("no-such-thing") and s.slug is None and not s.ok
    assert not s.open("../etc/passwd") and s.slug is None
    assert s.open(slug) and s.slug == slug


def test_who_carries_on_with_the_last_recorder(store, slug):
    store.set_issue(slug, Issue(statement="x"), by="Kerrie")
    s = Session(slug, store=store)
    assert s.who == "Kerrie"
    s.who_field.value = "   "
    assert s.who == DEFAULT_WHO


def test_the_inquiry_is_read_once_per_action(store, slug):
    counting = CountingStore(store)
    s = Session(slug, store=counting)
    seen = []

    def action():
        for _ in range(4):
            seen.append(s.inquiry().title)

    s.guard(action, saves=False)()
    assert counting.reads == 1 and seen == ["Family break-up in our estate"] * 4
    s.guard(action, saves=False)()
    assert counting.reads == 2  # a new action reads afresh


def test_changed_reads_again_and_tells_listeners_once(store, slug):
    s = Session(slug, store=store)
    calls = []

    def listener():
        calls.append(s.inquiry().issue.statement)

    s.on("issue", listener)
    s.on("measure", listener)
    s.inquiry()
    store.set_issue(slug, Issue(statement="new words"), by="t")
    s.changed("issue", "measure")
    assert calls == ["new words"]


def test_off_stops_a_listener_and_listening_lists_them(store, slug):
    session = Session(slug, store=store)
    heard = []
    a, b = (lambda: heard.append("a")), (lambda: heard.append("b"))
    session.on("issue", a)
    session.on("units", b)
    assert session.listening() == [("issue", a), ("units", b)]
    session.off("issue", a)
    session.off("issue", b)  # not listening to that part: nothing happens
    session.changed("issue", "units")
    assert heard == ["b"] and session.listening() == [("units", b)]


def test_a_person_error_shows_beside_the_control_and_in_the_status(store, slug):
    from widgets.ui.errors import Message

    s = Session(slug, store=store)
    msg = Message()

    def bad():
        raise ModelError("Give the issue a title first.")

    assert s.guard(bad, message=msg)() is None
    assert msg.text == "Give the issue a title first." and msg.kind == "error"
    assert s.status.state == "failed" and "Give the issue a title" in s.status.text


def test_a_bug_shows_the_apology_never_the_traceback(store, slug):
    s = Session(slug, store=store)

    def bug():
        raise KeyError("internal")

    s.guard(bug)()
    assert s.errors.text == APOLOGY and "internal" not in s.errors.value
    assert s.status.state == "failed"


def test_wire_a_button_and_a_text_box(store, slug):
    s = Session(slug, store=store)
    button, text = ipw.Button(), ipw.Text()
    clicks, changes = [], []
    s.wire(button, lambda: clicks.append(1))
    s.wire(text, lambda change: changes.append(change["new"]), saves=False)
    button.click()
    text.value = "hello"
    assert clicks == [1] and changes == ["hello"]
    assert s.status.state == "saved"


def test_a_store_that_cannot_open_is_said_not_raised(monkeypatch):
    def broken():
        raise OSError("disk full")

    monkeypatch.setattr("widgets.ui.session.get_store", broken)
    s = Session("x")
    assert s.store is None and not s.ok and s.errors.text == APOLOGY
    assert isinstance(s.status, SaveStatus)
