"""Step 3, the practices: add, edit, remove, the "accessible to all" sieve, messages, escaping."""

import pytest
from ui_step3_helpers import (
    find,
    html_values,
    open_step3,
    plain_env,  # noqa: F401 (autouse)
)

from widgets.examples import build as example
from widgets.model import ExceptionDecision, PracticeCheck, Unit

HOSTILE = '<img src=x onerror="alert(1)">{{7*7}}'


@pytest.fixture
def with_exceptions(store, slug):
    units = [Unit(f"F{i:02d}", float(i % 2)) for i in range(1, 9)]
    store.replace_units(slug, units, [])
    for uid in ("F01", "F03"):
        store.set_exception(slug, ExceptionDecision(uid, "confirmed", note="real"))
    store.set_exception(slug, ExceptionDecision("F05", "rejected", note="has help"))
    return slug


def test_add_a_practice_with_how_why_sources_and_sieve(store, with_exceptions):
    s = open_step3(store, with_exceptions).practices
    assert s.from_units.options == ["F01", "F03"]  # confirmed exceptions only
    s.what.value = "Eating together at the table"
    s.how.value = "Phones away, same time every evening"
    s.why.value = "Worries come out early"
    s.from_units.tick("F03")
    s.accessible.value = "yes"
    s.save_button.click()
    [p] = store.get(with_exceptions).practices
    assert (p.what, p.how, p.why, p.accessible, p.from_units) == (
        "Eating together at the table", "Phones away, same time every evening",
        "Worries come out early", "yes", ["F03"])
    assert s.message.kind == "ok" and s.what.value == "" and s.from_units.value == ()
    [card] = find(s.widget, "hi-practice-row")
    assert "Eating together at the table" in card.children[0].value
    assert "accessible to all" in card.children[0].value


def test_empty_what_gives_a_message_beside_and_stores_nothing(store, with_exceptions):
    s = open_step3(store, with_exceptions).practices
    s.what.value = "   "
    s.how.value = "something"
    s.save_button.click()
    assert s.message.kind == "error" and "Say what they do" in s.message.text
    assert store.get(with_exceptions).practices == []
    assert s.how.value == "something"  # what was typed is kept


def test_true_but_useless_is_kept_marked_and_left_out_of_the_action(store, with_exceptions):
    page = open_step3(store, with_exceptions)
    s = page.practices
    for what, acc in (("Paying for a nursery", "no"), ("Cooking together", "yes")):
        s.what.value, s.accessible.value = what, acc
        s.save_button.click()
    assert len(store.get(with_exceptions).practices) == 2
    cards = [c.children[0].value for c in find(s.widget, "hi-practice-row")]
    assert "true but useless" in cards[0] and "hi-useless" in cards[0]
    spread = page.actions.spread.value
    assert "Practices to spread" in spread
    head, _, left_out = spread.partition("Left out, true but useless")
    assert "Cooking together" in head and "Paying for a nursery" not in head
    assert "Paying for a nursery" in left_out


def test_edit_loads_the_form_and_saves_changes(store, with_exceptions):
    s = open_step3(store, with_exceptions).practices
    s.what.value = "Eating together"
    s.from_units.tick("F01")
    s.save_button.click()
    [edit] = find(s.widget, "hi-practice-edit")
    edit.click()
    assert s.what.value == "Eating together" and s.from_units.value == ("F01",)
    assert s.save_button.description == "Save the changes"
    s.how.value = "Every evening at six"
    s.accessible.value = "yes"
    s.save_button.click()
    [p] = store.get(with_exceptions).practices
    assert p.how == "Every evening at six" and p.accessible == "yes" and p.from_units == ["F01"]
    assert s.editing is None and s.save_button.description == "Add the practice"


def test_edit_keeps_a_source_that_is_no_longer_confirmed(store, with_exceptions):
    from widgets.model import Practice

    store.add_practice(with_exceptions, Practice("Nursery", from_units=["F05"]))
    s = open_step3(store, with_exceptions).practices
    find(s.widget, "hi-practice-edit")[0].click()
    assert s.from_units.value == ("F05",)
    labels = [box.description for _, box in s.from_units.boxes]
    assert "F05 (not confirmed)" in labels
    s.save_button.click()
    assert store.get(with_exceptions).practices[0].from_units == ["F05"]


def test_remove_asks_first_then_removes_the_practice_and_its_checks(store, with_exceptions):
    from widgets.model import Practice

    number = store.add_practice(with_exceptions, Practice("Eating together"))
    store.set_practice_checks(with_exceptions, [PracticeCheck("F01", number, "yes")])
    s = open_step3(store, with_exceptions).practices
    find(s.widget, "hi-practice-remove")[0].click()
    assert store.get(with_exceptions).practices  # not yet
    find(s.widget, "hi-practice-keep")[0].click()
    assert find(s.widget, "hi-practice-remove")
    find(s.widget, "hi-practice-remove")[0].click()
    find(s.widget, "hi-practice-remove-confirm")[0].click()
    inquiry = store.get(with_exceptions)
    assert inquiry.practices == [] and inquiry.practice_checks == []
    assert s.message.kind == "ok" and "Removed" in s.message.text
    assert "No practices yet" in s.list_box.children[0].value


def test_no_confirmed_exceptions_says_where_to_confirm_them(store, slug):
    s = open_step3(store, slug).practices
    assert s.from_units.options == []
    assert "confirm them in step 2" in s.from_note.value


def test_hostile_practice_text_is_escaped_in_every_html_widget(store, with_exceptions):
    page = open_step3(store, with_exceptions)
    s = page.practices
    s.what.value, s.how.value, s.why.value = HOSTILE, HOSTILE, HOSTILE
    s.save_button.click()
    find(s.widget, "hi-practice-edit")[0].click()
    values = html_values(page.widget)
    assert not [v for v in values if "<img src=x" in v]
    assert any("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;{{7*7}}" in v for v in values)


def test_grub_hub_practices_are_listed(store):
    slug = store.save_inquiry(example("grub-hub"))
    s = open_step3(store, slug).practices
    rows = find(s.widget, "hi-practice-row")
    assert len(rows) == 5
    assert "Paying for a private nursery place" in rows[-1].children[0].value
    assert "true but useless" in rows[-1].children[0].value


def test_the_form_opens_in_place_of_the_practice_being_changed(store, with_exceptions):
    from widgets.model import Practice

    for what in ("First", "Second", "Third"):
        store.add_practice(with_exceptions, Practice(what))
    s = open_step3(store, with_exceptions).practices
    assert s.form_holder.children == (s.form,) and s.form not in s.list_box.children
    find(s.widget, "hi-practice-edit")[1].click()
    assert s.list_box.children[1] is s.form and s.form_holder.children == ()
    assert s.what.value == "Second"
    s.cancel_button.click()
    assert s.form_holder.children == (s.form,) and s.form not in s.list_box.children
    assert s.what.value == "" and len(find(s.list_box, "hi-practice-row")) == 3


def test_the_same_practice_twice_gives_a_message_beside_the_form(store, with_exceptions):
    s = open_step3(store, with_exceptions).practices
    s.what.value, s.accessible.value = "Eating together", "yes"
    s.save_button.click()
    s.what.value, s.accessible.value = "eating  together", "yes"
    s.how.value = "kept"
    s.save_button.click()
    assert s.message.kind == "error"
    assert "There is already a practice called “Eating together”; change that one instead." \
        in s.message.text
    assert [p.what for p in store.get(with_exceptions).practices] == ["Eating together"]
    assert s.how.value == "kept"


def test_the_facilitators_question_names_the_inquirys_unit(store):
    """Step 3's question was "Could any family do this?" whatever the group works with."""
    from widgets.ui import step3
    from widgets.ui.page import StepPage
    from widgets.ui.principles import FacilitatorQuestions

    slug = store.save_inquiry(example("child-nutrition"))
    page = StepPage(3, slug=slug, store=store)
    page.build(step3.build)
    [questions] = [w for w in html_values(page.widget) if "hi-questions-card" in w]
    assert "Could any child do this?" in questions and "family" not in questions
    assert "Could any family do this?" in FacilitatorQuestions(3).value  # no unit named
    label = find(page.view.practices.widget, "hi-field-label")[-1].value
    assert "Could any child in the same circumstances do it?" in label
