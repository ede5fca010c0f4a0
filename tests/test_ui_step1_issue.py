"""Step 1, section 1: the burning issue, autosaved as people type."""

import time

import pytest

from widgets.model import Issue
from widgets.ui.session import Session
from widgets.ui.step1.issue import FIELDS, IssueSection

HOSTILE = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "A very long text " * 600,
    "العائلات تتفكك في حيّنا",
    "👨‍👩‍👧 families 🏠 breaking up",
]


@pytest.fixture
def step_page(store, slug):
    return Session(slug, store=store)


def wait_for(condition, timeout=10.0):
    """Poll until ``condition()`` is true (a wait with a timeout, not a timed assertion)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_fields_start_from_the_store(step_page, store, slug):
    store.set_issue(slug, Issue("Family break-up", "families", "children suffer", "safety"))
    section = IssueSection(Session(slug, store=store))
    assert section.current() == Issue("Family break-up", "families", "children suffer", "safety")


def test_placeholders_are_the_method_example(step_page):
    section = IssueSection(step_page)
    assert "family break-up" in section.fields["wider_effects"].placeholder.lower()
    assert "community safety" in section.fields["wider_effects"].placeholder
    assert set(section.fields) == set(FIELDS)


def test_typing_saves_after_a_pause_once(step_page, store, slug):
    section = IssueSection(step_page, delay=0.4)
    before = len(store.history(slug))
    for text in ["F", "Fa", "Fam", "Family break-up"]:
        section.fields["statement"].value = text
    assert step_page.status.state == "saving"
    assert wait_for(lambda: store.get(slug).issue.statement == "Family break-up")
    assert wait_for(lambda: not section.debounce.pending)
    changes = [h for h in store.history(slug)[before:] if h.part == "issue"]
    assert len(changes) == 1
    assert wait_for(lambda: step_page.status.state == "saved")


def test_moving_to_another_field_saves_the_first_at_once(step_page, store, slug):
    section = IssueSection(step_page, delay=60)  # the timer never fires during the test
    section.fields["statement"].value = "Family break-up"
    assert store.get(slug).issue.statement == ""
    section.fields["affects"].value = "Parents"
    assert store.get(slug).issue.statement == "Family break-up"  # without waiting
    section.flush()
    assert store.get(slug).issue == Issue("Family break-up", "Parents", "", "")
    assert step_page.status.state == "saved"


def test_every_field_is_saved(step_page, store, slug):
    section = IssueSection(step_page, delay=60)
    values = {name: f"text for {name}" for name in FIELDS}
    for name, value in values.items():
        section.fields[name].value = value
    section.flush()
    assert store.get(slug).issue == Issue(**values)


def test_nothing_is_written_when_nothing_changed(step_page, store, slug):
    section = IssueSection(step_page, delay=60)
    section.fields["statement"].value = "x"
    section.fields["statement"].value = ""
    section.flush()
    assert [h for h in store.history(slug) if h.part == "issue"] == []


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_stored_exactly(step_page, store, slug, text):
    section = IssueSection(step_page, delay=60)
    for name in FIELDS:
        section.fields[name].value = text
    section.flush()
    assert store.get(slug).issue == Issue(text, text, text, text)
    assert section.message.kind == ""
    again = IssueSection(Session(slug, store=store))
    assert again.fields["statement"].value == text


def test_a_failed_save_says_why_and_stores_nothing(step_page, store, slug):
    section = IssueSection(step_page, delay=60)
    before = store.get(slug).to_dict()
    section.fields["statement"].value = "x" * 20_001
    section.flush()
    assert section.message.kind == "error"
    assert "too long" in section.message.text
    assert step_page.status.state == "failed" and "too long" in step_page.status.text
    assert store.get(slug).to_dict() == before
    section.fields["statement"].value = "bad \x00 character"
    section.flush()
    assert "cannot be stored" in section.message.text
    assert store.get(slug).to_dict() == before
    section.fields["statement"].value = "Family break-up"
    section.flush()
    assert section.message.kind == "" and step_page.status.state == "saved"
    assert store.get(slug).issue.statement == "Family break-up"


def test_each_box_has_its_own_label_above_it(step_page):
    # The label is the box's description: ipywidgets draws it as a <label for> the textarea.
    section = IssueSection(step_page)
    for name, (text, _placeholder) in FIELDS.items():
        area = section.fields[name]
        assert area.description == text and "hi-label-above" in area._dom_classes
