"""Step 3, the action: add with leads from the group, the balance of leads and the ownership
warning, edit, remove, messages, escaping."""

import html

import pytest
from ui_step3_helpers import (
    find,
    html_values,
    open_step3,
    plain_env,  # noqa: F401 (autouse)
)

from widgets.model import Action
from widgets.ui.step3.action import OWNERSHIP_WARNING

WARNING = html.escape(OWNERSHIP_WARNING)


@pytest.fixture
def group(store, slug):
    for name, role in (("Dawn", "lived"), ("Lee", "lived"), ("Priya", "lived"),
                       ("Sam", "professional"), ("Ray", "other")):
        store.add_person(slug, name, role)
    return slug


def test_add_an_action_led_by_people_who_live_with_the_issue(store, group):
    s = open_step3(store, group).actions
    assert s.leads.options == ["Dawn", "Lee", "Priya", "Sam", "Ray"]
    s.what.value = "A monthly evening with food and play"
    for name in ("Dawn", "Lee", "Priya"):
        s.leads.tick(name)
    assert "Led by 3 people who live with the issue, 0 professionals" in s.balance.value
    assert WARNING not in s.balance.value
    s.when.value = "First Friday of the month, 5 to 7 pm"
    s.publicity.value = "WhatsApp groups; our own posters"
    s.terms.value = "No brochures; advice only when asked"
    s.save_button.click()
    [a] = store.get(group).actions
    assert (a.what, a.leads, a.when, a.publicity, a.professional_terms) == (
        "A monthly evening with food and play", ["Dawn", "Lee", "Priya"],
        "First Friday of the month, 5 to 7 pm", "WhatsApp groups; our own posters",
        "No brochures; advice only when asked")
    assert s.message.kind == "ok" and s.leads.value == () and s.what.value == ""
    assert s.balance.value == ""  # no "Choose who leads it." after a successful add
    [row] = find(s.widget, "hi-action-row")
    card = row.children[0].value
    assert "Led by 3 people who live with the issue, 0 professionals" in card
    assert "No brochures; advice only when asked" in card and WARNING not in card


def test_professionals_leading_get_a_gentle_warning(store, group):
    s = open_step3(store, group).actions
    s.leads.tick("Sam")
    assert "Led by 0 people who live with the issue, 1 professional" in s.balance.value
    assert "Ownership not buy in" in s.balance.value
    s.leads.tick("Dawn")
    s.leads.tick("Lee")
    assert "Ownership not buy in" not in s.balance.value
    s.leads.tick("Ray")
    assert "Led by 2 people who live with the issue, 1 professional, 1 other" in s.balance.value
    s.what.value = "Cooking sessions"
    s.leads.value = ("Sam",)
    s.save_button.click()  # a warning, not a block: the group decides
    assert store.get(group).actions[0].leads == ["Sam"]
    assert WARNING in find(s.widget, "hi-action-row")[0].children[0].value


def test_leads_are_optional_and_never_nagged_for(store, group):
    s = open_step3(store, group).actions
    assert s.balance.value == ""
    s.leads.tick("Dawn")
    assert "Led by 1 person who lives with the issue" in s.balance.value
    s.leads.value = ()
    assert s.balance.value == ""
    s.what.value = "Cooking sessions"
    s.save_button.click()
    assert s.message.kind == "ok" and store.get(group).actions[0].leads == []
    assert "Choose who leads it" not in " ".join(html_values(s.widget))
    card = find(s.widget, "hi-action-row")[0].children[0].value
    assert "Nobody is named to lead it yet." in card and "Led by 0" not in card


def test_empty_what_gives_a_message_and_stores_nothing(store, group):
    s = open_step3(store, group).actions
    s.leads.tick("Dawn")
    s.save_button.click()
    assert s.message.kind == "error" and "Say what the group will do" in s.message.text
    assert store.get(group).actions == [] and s.leads.value == ("Dawn",)


def test_edit_and_remove_an_action(store, group):
    store.add_action(group, Action("Evening", leads=["Dawn", "Gone person"]))
    s = open_step3(store, group).actions
    find(s.widget, "hi-action-edit")[0].click()
    assert s.what.value == "Evening" and s.leads.value == ("Dawn", "Gone person")
    assert "Gone person (not in the group now)" in [b.description for _, b in s.leads.boxes]
    s.leads.tick("Gone person", False)
    s.when.value = "Fridays"
    s.save_button.click()
    [a] = store.get(group).actions
    assert a.leads == ["Dawn"] and a.when == "Fridays"
    find(s.widget, "hi-action-remove")[0].click()
    find(s.widget, "hi-action-remove-confirm")[0].click()
    assert store.get(group).actions == []
    assert "No action yet" in s.list_box.children[0].value


def test_no_group_points_to_step_1(store, slug):
    s = open_step3(store, slug).actions
    assert s.leads.options == []
    assert "1-define-and-measure.ipynb?inquiry=" in s.no_group.value


def test_hostile_action_text_is_escaped(store, slug):
    bad = "<script>window.__pwned=1</script>"
    store.add_person(slug, bad, "professional")
    store.add_action(slug, Action(bad, leads=[bad], when=bad, publicity=bad,
                                  professional_terms=bad))
    s = open_step3(store, slug).actions
    find(s.widget, "hi-action-edit")[0].click()
    html = html_values(s.widget)
    assert not [v for v in html if "<script>window" in v]
    assert any("&lt;script&gt;window.__pwned=1&lt;/script&gt;" in v for v in html)


def test_the_form_opens_in_place_of_the_action_being_changed(store, group):
    for what in ("First", "Second"):
        store.add_action(group, Action(what))
    s = open_step3(store, group).actions
    find(s.widget, "hi-action-edit")[1].click()
    assert s.list_box.children[1] is s.form and s.form_holder.children == ()
    s.what.value = "Second, changed"
    s.save_button.click()
    assert [a.what for a in store.get(group).actions] == ["First", "Second, changed"]
    assert s.form_holder.children == (s.form,) and s.form not in s.list_box.children


def test_the_same_action_twice_gives_a_message_beside_the_form(store, group):
    s = open_step3(store, group).actions
    s.what.value = "A monthly evening"
    s.save_button.click()
    s.what.value = "a monthly EVENING"
    s.save_button.click()
    assert s.message.kind == "error"
    assert "There is already an action called “A monthly evening”" in s.message.text
    assert [a.what for a in store.get(group).actions] == ["A monthly evening"]
