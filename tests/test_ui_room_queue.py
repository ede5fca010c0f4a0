"""The moderation queue: show, hide, take each kind into the inquiry (in the store and its
history, and announced to the page's views), hostile text kept as text, and the live
watcher picking up what another connection added."""

from __future__ import annotations

import asyncio

import pytest
from own_loop import run_on_own_loop
from ui_room_helpers import HOSTILE, open_room, panel_for, put

from widgets.model import Unit
from widgets.store import Store
from widgets.ui.room import watcher as watcher_module


def _units(store, slug):
    store.replace_units(slug, [Unit("F01", 1.0), Unit("F02", 0.0), Unit("F03", 1.0)], [])


def test_show_and_hide_decide_what_the_projector_shows(store, slug):
    _s, _section, panel = panel_for(store, slug)
    room = open_room(panel)
    put(panel, "answer", "What helps?")
    one = store.add_contribution(room.code, "answer", "Talking at dinner", "phone-1")
    two = store.add_contribution(room.code, "answer", "Secret thing", "phone-2")
    assert panel.watcher.poll()
    assert [i["text"] for i in panel.queue.list.items] == ["Talking at dinner", "Secret thing"]
    assert "Talking" not in panel.projector.words.value  # hidden until shown
    panel.queue.press(one.id, "show")
    assert store.contribution(slug, one.id).status == "shown"
    assert "Talking at dinner" in panel.projector.words.value
    assert "Secret thing" not in panel.projector.words.value
    panel.queue.press(one.id, "hide")
    assert store.contribution(slug, one.id).status == "hidden"
    assert "Talking" not in panel.projector.words.value
    assert panel.queue.list.items[0]["status"] == "hidden"
    assert "2 came in, 1 waiting for you." in panel.queue.counts.value
    assert two.id


def test_each_kind_is_taken_into_the_inquiry(store, slug):
    _units(store, slug)
    session, _section, panel = panel_for(store, slug, step=1)
    heard: list[str] = []
    for part in ("notes", "practices", "exceptions"):
        session.on(part, lambda part=part: heard.append(part))
    room = open_room(panel)
    put(panel, "answer", "Q")
    answer = store.add_contribution(room.code, "answer", "Dinner together", "p1")
    put(panel, "practice", "Q")
    practice = store.add_contribution(room.code, "practice", "Homework club", "p2",
                                      detail="Tuesdays at the library")
    put(panel, "exception", "Q")
    nomination = store.add_contribution(room.code, "exception", "The family by the park",
                                        "p3")
    panel.watcher.poll()

    assert panel.queue.press(answer.id, "take") == "note 1"
    notes = store.notes(slug)
    assert [(n.step, n.text, n.source) for n in notes] == [(1, "Dinner together", "room")]
    assert "Dinner together" in panel.queue.notes.value  # notes from the room on this step

    assert panel.queue.press(practice.id, "take") == "practice 1"
    got = store.get(slug).practices
    assert [(p.what, p.how, p.accessible) for p in got] == [
        ("Homework club", "Tuesdays at the library", "unsure")]

    panel.queue.press(nomination.id, "take")  # no unit named: refused beside the queue
    assert panel.queue.message.text == "Choose the unit this positive exception is about."
    panel.queue.press(nomination.id, "take", "F09")
    assert "no unit called" in panel.queue.message.text
    assert store.contribution(slug, nomination.id).status == "new"
    assert panel.queue.press(nomination.id, "take", " F02 ") == "candidate F02"
    exceptions = {e.unit_id: e for e in store.get(slug).exceptions}
    assert exceptions["F02"].status == "candidate"
    assert "group-choice" in exceptions["F02"].methods

    assert heard == ["notes", "practices", "exceptions"]
    assert [i["status"] for i in panel.queue.list.items] == ["taken"] * 3
    assert panel.queue.list.items[1]["became"] == "practice 1"
    changes = [e.change for e in store.history(slug) if "from the room" in e.change]
    assert len(changes) == 3
    panel.queue.press(answer.id, "take")
    assert panel.queue.message.text == "This one is already in the inquiry."
    assert len(store.notes(slug)) == 1


def test_the_unit_ids_are_offered_once_a_nomination_comes_in(store, slug):
    _units(store, slug)
    _s, _section, panel = panel_for(store, slug)
    room = open_room(panel)
    assert panel.queue.list.units == []
    put(panel, "exception", "Who?")
    store.add_contribution(room.code, "exception", "By the park", "p1")
    panel.watcher.poll()
    assert panel.queue.list.units == ["F01", "F02", "F03"]


def test_clicks_from_the_browser_are_checked(store, slug):
    _s, _section, panel = panel_for(store, slug)
    room = open_room(panel)
    put(panel, "answer", "Q")
    one = store.add_contribution(room.code, "answer", "Hello", "p1")
    panel.watcher.poll()
    for junk in (None, [], {"action": "drop", "id": one.id}, {"action": "show", "id": "1"},
                 {"action": "show", "id": True}, {"action": "show", "id": 999}):
        panel.queue._on_msg(panel.queue.list, junk, [])
    assert store.contribution(slug, one.id).status == "new"
    assert panel.queue.message.text == "There is no contribution number 999."
    panel.queue._on_msg(panel.queue.list, {"action": "show", "id": one.id, "unit": ""}, [])
    assert store.contribution(slug, one.id).status == "shown"
    assert panel.session.errors.text == ""


def test_hostile_text_stays_literal(store, slug):
    _units(store, slug)
    _s, _section, panel = panel_for(store, slug, step=2)
    room = open_room(panel)
    put(panel, "answer", HOSTILE[0])
    ids = [store.add_contribution(room.code, "answer", text, f"p{i}", nickname=text[:40]).id
           for i, text in enumerate(HOSTILE)]
    panel.watcher.poll()
    # The browser's list gets the words as data and draws them with textContent.
    assert [i["text"] for i in panel.queue.list.items] == HOSTILE
    for number in ids[:10]:
        panel.queue.press(number, "show")
    for number in ids[10:]:
        panel.queue.press(number, "take")
    projected = panel.projector.words.value + panel.queue.notes.value
    for bad in ("<script", "<img", "<svg", "<iframe", "<style", "<details", "<input", "<body",
                "<video", "<marquee", "<b>", "<a href"):
        assert bad not in projected
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in panel.projector.words.value
    assert "&lt;marquee onstart=window.__pwned=14&gt;moving&lt;/marquee&gt;" in \
        panel.queue.notes.value
    assert [n.text for n in store.notes(slug)] == HOSTILE[10:]


def test_the_watcher_sees_another_connection_and_stops_with_the_inquiry(store, store_url,
                                                                        slug):
    _s, _section, panel = panel_for(store, slug)
    room = open_room(panel)
    put(panel, "answer", "Q")
    panel.watcher.poll()  # take in the token after our own writes
    assert panel.watcher.poll() is False  # nothing new
    phones = Store(store_url)  # the server's own connection, as the participant routes use
    try:
        phones.add_contribution(room.code, "answer", "From a phone", "p1")
    finally:
        phones.close()
    assert panel.watcher.poll() is True
    assert [i["text"] for i in panel.queue.list.items] == ["From a phone"]
    other = store.create_inquiry("Another one")
    panel.session.open(other)
    assert panel.watcher.poll() is False  # the session moved on: nothing more is read


def test_the_watcher_runs_on_the_event_loop_and_stops_when_the_room_closes(
        store, store_url, slug, monkeypatch):
    _s, _section, panel = panel_for(store, slug)
    room = open_room(panel)
    put(panel, "answer", "Q")
    monkeypatch.setattr(watcher_module, "INTERVAL", 0.01)

    async def scenario():
        monkeypatch.setattr(watcher_module, "kernel_loop", asyncio.get_running_loop)
        assert panel.watcher.start() and panel.watcher.running
        phones = Store(store_url)
        phones.add_contribution(room.code, "answer", "Live one", "p1")
        for _ in range(2000):  # a generous bound, no timing asserted
            if panel.queue.list.items:
                break
            await asyncio.sleep(0.01)
        assert [i["text"] for i in panel.queue.list.items] == ["Live one"]
        phones.close_room(slug)
        phones.close()
        for _ in range(2000):
            if not panel.watcher.running:
                break
            await asyncio.sleep(0.01)
        assert not panel.watcher.running
        assert "closed" in panel.opening.card.value

    run_on_own_loop(scenario)
    assert panel.session.errors.text == ""


@pytest.mark.parametrize("action", ["show", "take"])
def test_a_contribution_deleted_meanwhile_is_a_plain_message(store, slug, action):
    _s, _section, panel = panel_for(store, slug)
    open_room(panel)
    panel.queue.press(42, action)
    assert panel.queue.message.text == "There is no contribution number 42."
    assert panel.session.errors.text == ""


def test_a_change_in_the_room_is_announced_to_the_other_views(store, slug):
    """The watcher tells the page (``session.changed("room")``), so a view showing what the
    room said (the dashboard's votes) follows without a click; no change, no word."""
    session, _section, panel = panel_for(store, slug)
    room = open_room(panel)
    put(panel, "answer", "What helps?")
    heard = []
    session.on("room", lambda: heard.append(1))
    panel.watcher.poll()
    heard.clear()
    store.add_contribution(room.code, "answer", "Talking at dinner", "phone-1")
    assert panel.watcher.poll() and heard == [1]
    assert not panel.watcher.poll() and heard == [1]
