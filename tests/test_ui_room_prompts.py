"""The room's prompts from the panel: ready-made questions and choices, the countdown, the
vote's results shown only when the facilitator chooses, and bad input beside the button."""

from __future__ import annotations

from ui_room_helpers import open_room, panel_for, put

from widgets import guidance
from widgets.model import MAX_QUESTION, Action, Practice


def test_the_steps_questions_are_offered_and_follow_the_step(store, slug):
    _s, section, panel = panel_for(store, slug, step=2)
    assert panel.prompts.question.options == guidance.questions(2)
    assert "Do you know anyone who manages to avoid it? How?" in panel.prompts.question.options
    section.set_step(3)
    assert panel.prompts.question.options == guidance.questions(3)
    section.set_step("dashboard")
    assert panel.prompts.question.options == guidance.questions("dashboard")


def test_a_question_with_a_countdown_reaches_the_store_and_the_projector(store, slug):
    _s, _section, panel = panel_for(store, slug, step=2)
    open_room(panel)
    message = put(panel, "answer", guidance.questions(2)[0], seconds=180)
    assert message.kind == "ok", message.text
    room = store.room(slug)
    assert (room.prompt, room.question, room.step) == ("answer", guidance.questions(2)[0], 2)
    assert 170 <= room.seconds_left() <= 180
    assert 170 <= panel.clock.seconds <= 180  # the browser counts down from here
    stamp = panel.clock.stamp
    assert "manages to avoid it" in panel.projector.words.value
    put(panel, "practice", "What do you do?")
    assert store.room(slug).ends_at == "" and panel.clock.seconds == -1
    assert panel.clock.stamp == stamp + 1
    put(panel, "none")
    assert store.room(slug).prompt == "none"
    assert "What do you do?" not in panel.projector.words.value


def test_a_vote_on_ready_made_choices_and_its_results(store, slug):
    store.add_practice(slug, Practice(what="Eat together", accessible="yes"))
    store.add_practice(slug, Practice(what="Hire a tutor", accessible="no"))
    store.add_practice(slug, Practice(what="Walk to school", accessible="yes"))
    store.add_action(slug, Action(what="A monthly evening"))
    _s, _section, panel = panel_for(store, slug, step=3)
    room = open_room(panel)
    panel.prompts.fill["practices"].click()
    assert panel.prompts.choices.value == "Eat together\nWalk to school"
    assert panel.prompts.kind.value == "vote"
    panel.prompts.fill["actions"].click()
    assert panel.prompts.choices.value == "A monthly evening"
    message = put(panel, "vote", "Which to spread?", "Eat together\n\nWalk to school\n")
    assert message.kind == "ok", message.text
    assert store.room(slug).choices == ["Eat together", "Walk to school"]
    store.cast_vote(room.code, "phone-1", 1)
    store.cast_vote(room.code, "phone-2", 1)
    store.cast_vote(room.code, "phone-3", 0)
    assert panel.watcher.poll()
    live = panel.prompts.results.value
    assert "Walk to school" in live and "<strong class=\"hi-room-count\">2</strong>" in live
    assert "3 votes" in live
    assert "hi-room-results" not in panel.projector.words.value  # not shown yet
    panel.prompts.show_results.click()
    assert store.poll_results(slug).results_shown
    assert "3 votes" in panel.projector.words.value
    assert panel.prompts.show_results.description == "Hide the results from the room"
    panel.prompts.show_results.click()
    assert not store.poll_results(slug).results_shown
    assert "hi-room-results" not in panel.projector.words.value


def test_ready_made_choices_when_there_are_none_say_so(store, slug):
    _s, _section, panel = panel_for(store, slug, step=3)
    panel.prompts.fill["practices"].click()
    assert panel.prompts.message.text.startswith("No practice is marked")
    panel.prompts.fill["actions"].click()
    assert panel.prompts.message.text == "The group has no action yet (step 3)."
    assert panel.prompts.choices.value == ""


def test_bad_prompts_are_refused_beside_the_button_and_nothing_changes(store, slug):
    _s, _section, panel = panel_for(store, slug)
    open_room(panel)
    put(panel, "answer", "Kept")
    before = store.room(slug)
    message = put(panel, "vote", "Which?", "Only one")
    assert message.kind == "error" and message.text == "A vote needs at least two choices."
    message = put(panel, "vote", "Which?", "Same\nsame")
    assert message.kind == "error" and "twice" in message.text
    message = put(panel, "answer", "x" * (MAX_QUESTION + 1))
    assert message.kind == "error" and "too long" in message.text
    assert store.room(slug) == before
    assert panel.session.errors.text == ""
