"""The room panel: the folded section, opening and closing (a new code each time, the old
one failing at once), the join address from the browser's origin and base URL, and the
room's state coming back after a reload."""

from __future__ import annotations

import pytest
from ui_room_helpers import open_room, panel_for, put

from widgets import join_codes as codes
from widgets.model import ModelError
from widgets.store.rooms import RoomClosed
from widgets.ui import dashboard
from widgets.ui.page import StepPage
from widgets.ui.room import RoomSection
from widgets.ui.room.browser import page_base
from widgets.ui.room.opening import LOCAL_NOTE, join_address
from widgets.ui.room.queue import NO_STEP
from widgets.ui.session import Session


def test_the_section_is_folded_and_builds_nothing_until_unfolded(store, slug):
    session = Session(slug, store=store)
    section = RoomSection(session, 1)
    assert section.widget.selected_index is None
    assert section.panel is None and section.box.children == ()
    section.widget.selected_index = 0
    assert section.panel is not None
    assert section.box.children == (section.panel.widget,)
    assert "closed" in section.panel.opening.card.value
    assert section.panel.opening.close_button.disabled


def test_step_pages_have_the_room_section(store, slug):
    page = StepPage("dashboard", slug=slug, store=store)
    page.build(dashboard.build)
    assert page.room is not None and page.room.widget in page.widget.children
    assert page.room.panel is None  # folded: the page loads without it
    assert StepPage(2, slug="no-such-inquiry", store=store).room is None


def test_open_close_and_open_again_gives_a_new_code(store, slug):
    session, _section, panel = panel_for(store, slug)
    room = open_room(panel)
    assert room.is_open and store.room(slug).code == room.code
    card = panel.opening.card.value
    assert codes.display(room.code) in card  # grouped for reading: "ABCD 2345"
    assert f"http://192.168.1.20:8866/room/{room.code}" in card
    assert "<svg" in card and LOCAL_NOTE not in card
    assert not panel.opening.close_button.disabled
    assert panel.watcher.running is False  # no kernel here: tests drive poll()

    panel.opening.open_button.click()
    second = panel.room
    assert second.code != room.code and second.is_open
    assert store.room_by_code(room.code) is None
    with pytest.raises(RoomClosed):
        store.add_contribution(room.code, "answer", "late", "phone-1")
    assert codes.display(second.code) in panel.opening.card.value

    panel.opening.close_button.click()
    assert not store.room(slug).is_open
    assert store.room_by_code(second.code) is None
    assert "closed" in panel.opening.card.value
    assert panel.opening.message.text == "The room is closed: the code no longer works."
    assert panel.opening.close_button.disabled
    assert [e.change for e in store.history(slug)][-3:] == [
        "opened the room", "opened the room", "closed the room"]


def test_the_room_comes_back_after_a_reload(store, slug):
    _s, _section, panel = panel_for(store, slug)
    room = open_room(panel)
    put(panel, "answer", "What helps?", seconds=120)
    store.add_contribution(room.code, "answer", "Talking", "phone-1")
    # A reload is a new kernel: a new session and section on the same store.
    session = Session(slug, store=store)
    again = RoomSection(session, 2)
    assert again.widget.selected_index == 0 and again.panel is not None
    panel2 = again.panel
    assert panel2.room.code == room.code
    assert [i["text"] for i in panel2.queue.list.items] == ["Talking"]
    assert "What helps?" in panel2.projector.words.value
    assert 0 < panel2.clock.seconds <= 120


@pytest.mark.parametrize("origin, base, want, local", [
    ("http://192.168.1.20:8866", "/", "http://192.168.1.20:8866/room/CODE", False),
    ("https://hub.example.org", "/user/fran/", "https://hub.example.org/user/fran/room/CODE",
     False),
    ("https://hub.mybinder.example", "/binder/jupyter/user/abc-123/",
     "https://hub.mybinder.example/binder/jupyter/user/abc-123/room/CODE", False),
    ("http://127.0.0.1:8866", "/", "http://127.0.0.1:8866/room/CODE", True),
    ("http://localhost:8866", "", "http://localhost:8866/room/CODE", True),
    ("http://[::1]:8866", "/", "http://[::1]:8866/room/CODE", True),
])
def test_the_join_address_is_the_page_origin_and_base_url(origin, base, want, local):
    assert join_address(origin, base, "CODE") == (want, local)


@pytest.mark.parametrize("origin, base", [
    ("javascript:alert(1)", "/"), ("http://x.org/path", "/"), ('http://x.org"><b>', "/"),
    ("http://x.org", "/a b/"), ("http://x.org", '/"><script>/'), ("", "/"), (None, "/"),
    ("http://x.org:99999", "/"), ("ftp://x.org", "/"), ("http://x.org", 5),
])
def test_a_strange_address_from_the_browser_is_not_used(origin, base):
    assert page_base(origin, base) is None


def test_until_the_browser_says_where_it_is_the_card_shows_the_code_and_path(store, slug):
    _s, _section, panel = panel_for(store, slug)
    panel.opening.open_button.click()
    code = panel.room.code
    card = panel.opening.card.value
    assert codes.display(code) in card and f"/room/{code}" in card and "<svg" not in card
    panel.clock.origin, panel.clock.base_url = "http://127.0.0.1:8866", "/"
    card = panel.opening.card.value
    assert "<svg" in card and "make app ROOM=1" in card and "Phones cannot reach" in card
    panel.clock.origin = 'http://a"><script>window.x=1</script>'
    assert "<script>" not in panel.opening.card.value


def test_a_prompt_needs_an_open_room(store, slug):
    _s, _section, panel = panel_for(store, slug)
    assert panel.prompts.put.disabled
    with pytest.raises(ModelError):
        store.set_prompt(slug, "answer", "Q")


def test_follow_keeps_the_section_for_the_inquiry_and_replaces_it_for_another(store, slug):
    from widgets.ui.room import follow

    session = Session(slug, store=store)
    section = follow(None, session, "start")
    assert section is not None and section.step == "start"
    section.build()
    open_room(section.panel)
    assert follow(section, session, 3) is section
    assert section.panel.step == 3 and section.panel.room_step() == 3
    other = store.create_inquiry("Another")
    session.open(other)
    again = follow(section, session, 3)
    assert again is not section and again.slug == other and again.panel is None
    assert not section.panel.watcher.running
    session.open(None)
    assert follow(again, session, "start") is None


def test_a_step_page_loads_without_segno_anywidget_or_the_panel(store_url, slug, tmp_path):
    # A fresh interpreter: what the page imports when the room's section is folded.
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from widgets.store import Store\n"
        "from widgets.ui.page import StepPage\n"
        f"page = StepPage('dashboard', slug={slug!r}, store=Store({store_url!r}))\n"
        "assert page.room is not None and page.room.panel is None\n"
        "print(sorted(m for m in ('segno', 'anywidget', 'widgets.ui.room.panel')"
        " if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_dashboard_tells_the_story_again_when_the_room_adds_a_note(store, slug):
    page = StepPage("dashboard", slug=slug, store=store)
    page.build(dashboard.build)
    page.room.build()
    panel = page.room.panel
    room = open_room(panel)
    put(panel, "answer", "Q")
    answer = store.add_contribution(room.code, "answer", "Ask the grandparents", "p1")
    put(panel, "practice", "Q")
    practice = store.add_contribution(room.code, "practice", "Breakfast swap", "p2")
    panel.watcher.poll()
    assert "Breakfast swap" not in page.view.story.value
    panel.queue.press(practice.id, "take")
    assert "Breakfast swap" in page.view.story.value  # told again, with no click there
    panel.queue.press(answer.id, "take")  # the dashboard is no step: say where to take it
    assert panel.queue.message.text == NO_STEP
    assert store.notes(slug) == [] and page.errors.text == ""
