"""What the room said, in the report and the dashboard's story: the notes on the steps and
the votes with their counts, every text escaped."""

from __future__ import annotations

from ui_room_helpers import HOSTILE

from widgets.report import build_report, report_context
from widgets.ui.dashboard import story_html


def _room_inquiry(store, slug):
    room = store.open_room(slug)
    store.set_prompt(slug, "answer", "What helps?", step=1)
    for i, text in enumerate(HOSTILE[:10]):
        c = store.add_contribution(room.code, "answer", text, f"p{i}")
        store.take_contribution(slug, c.id)
    store.add_note(slug, 2, HOSTILE[10])  # typed by the facilitator
    store.set_prompt(slug, "vote", HOSTILE[11], [HOSTILE[12], "Walk to school"], step=3)
    for i in range(3):
        store.cast_vote(room.code, f"p{i}", 1)
    store.cast_vote(room.code, "p9", 0)
    store.close_room(slug)
    return store.get(slug)


def test_the_report_shows_the_notes_and_votes_escaped(store, slug):
    inquiry = _room_inquiry(store, slug)
    room = report_context(inquiry)["room"]
    assert [n["text"] for n in room["notes"]] == HOSTILE[:11]
    assert room["notes"][0]["from_room"] and not room["notes"][-1]["from_room"]
    vote = room["votes"][0]
    assert vote["question"] == HOSTILE[11]
    assert [(r["choice"], r["count"], r["share"]) for r in vote["rows"]] == [
        (HOSTILE[12], 1, "25%"), ("Walk to school", 3, "75%")]
    assert vote["sentence"] == "4 people voted."
    page = build_report(inquiry)
    assert '<section id="room">' in page and 'href="#room"' in page
    for bad in ("<script>window", "<img src=x", "<svg onload", "<iframe", "<details open",
                "<math>"):
        assert bad not in page
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert "Walk to school" in page


def test_the_dashboard_tells_what_the_room_said_escaped(store, slug):
    inquiry = _room_inquiry(store, slug)
    story = story_html(report_context(inquiry), inquiry)
    assert "What the room said" in story
    assert "&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;" in story
    for bad in ("<script>window", "<img src=x", "<svg onload", "<iframe", "<details open"):
        assert bad not in story
    assert "<strong>3</strong>" in story


def test_no_room_no_section(store, slug):
    inquiry = store.get(slug)
    assert '<section id="room">' not in build_report(inquiry)
    assert "What the room said" not in story_html(report_context(inquiry), inquiry)
