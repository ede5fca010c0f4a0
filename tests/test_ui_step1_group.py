"""Step 1, section 2: who is in the room."""

import pytest

from widgets.model import Person
from widgets.ui.session import Session
from widgets.ui.step1.group import NOBODY_LIVED, GroupSection, balance_text


@pytest.fixture
def group(store, slug):
    return GroupSection(Session(slug, store=store))


def add(group, name, role="lived"):
    group.name.value = name
    group.role.value = role
    group.add_button.click()


def test_balance_text():
    assert balance_text([]) == "Nobody added yet."
    people = [Person("a", "lived")] * 5 + [Person("b", "professional")] * 2
    assert balance_text(people) == "7 people: 5 live with the issue, 2 professionals."
    assert balance_text([Person("a", "lived"), Person("c", "other")]) == (
        "2 people: 1 lives with the issue, 1 other.")


def test_add_people_and_see_the_balance(group, store, slug):
    add(group, "Dawn")
    add(group, "  Lee ")
    add(group, "Sam", "professional")
    assert [(p.name, p.role) for p in store.get(slug).group] == [
        ("Dawn", "lived"), ("Lee", "lived"), ("Sam", "professional")]
    assert "3 people: 2 live with the issue, 1 professional." in group.balance.value
    assert group.name.value == ""
    assert group.message.kind == "ok"
    assert len(group.list.children) == 3
    assert group.warning.layout.display == "none"
    assert group.session.status.state == "saved"


def test_gentle_warning_when_nobody_lives_with_the_issue(group, store, slug):
    add(group, "Sam", "professional")
    assert "Don&#x27;t decide about me, without me" in group.warning.value
    assert group.warning.layout.display is None
    assert NOBODY_LIVED.startswith("Nobody")
    add(group, "Dawn", "lived")
    assert group.warning.value == ""


def test_duplicate_and_empty_names_give_a_message_and_store_nothing(group, store, slug):
    add(group, "Dawn")
    before = store.get(slug).to_dict()
    add(group, "dawn ")
    assert group.message.kind == "error" and "already in the group" in group.message.text
    add(group, "   ")
    assert group.message.kind == "error" and "Type a name" in group.message.text
    assert store.get(slug).to_dict() == before
    assert group.session.status.state == "failed"


def test_remove_and_change_role(group, store, slug):
    add(group, "Dawn")
    add(group, "Sam", "professional")
    sam_row = group.list.children[1]
    sam_row.children[1].value = "other"
    assert [p.role for p in store.get(slug).group] == ["lived", "other"]
    dawn_row = group.list.children[0]
    dawn_row.children[2].click()
    assert [p.name for p in store.get(slug).group] == ["Sam"]
    assert len(group.list.children) == 1
    assert "1 person: 1 other." in group.balance.value
    assert "Nobody in the group lives with the issue" in group.warning.value


def test_group_is_read_from_the_store_on_load(store, slug):
    store.add_person(slug, "Dawn", "lived")
    store.add_person(slug, "Helen", "professional")
    group = GroupSection(Session(slug, store=store))
    assert [p.name for p in group.people] == ["Dawn", "Helen"]
    assert "Helen" in group.list.children[1].children[0].value


@pytest.mark.parametrize("name", [
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "N" * 200,
    "أم خالد", "Mum 👩‍👧 ✨",
])
def test_hostile_names_are_stored_exactly_and_shown_escaped(group, store, slug, name):
    add(group, name)
    assert store.get(slug).group[0].name == name
    shown = group.list.children[0].children[0].value
    assert "<script" not in shown and "<img" not in shown
    if "<script" in name:
        assert "&lt;script" in shown
    add(group, name)  # the same again: refused
    assert group.message.kind == "error"
    assert "<script" not in group.message.value
    assert len(store.get(slug).group) == 1


def test_the_role_goes_back_to_the_default_after_adding(group, store, slug):
    add(group, "Sam", "professional")
    assert group.role.value == "lived"
    group.name.value = "Dawn"
    group.add_button.click()
    assert [(p.name, p.role) for p in store.get(slug).group] == [
        ("Sam", "professional"), ("Dawn", "lived")]


def test_enter_in_the_name_field_adds_the_person(group, store, slug):
    # The browser sends {"event": "submit"} when Enter is pressed in a Text widget.
    group.name.value = "Dawn"
    group.name._handle_custom_msg({"event": "submit"}, [])
    assert [p.name for p in store.get(slug).group] == ["Dawn"]
    assert group.name.value == "" and group.message.kind == "ok"
    group.name._handle_custom_msg({"event": "submit"}, [])  # Enter on an empty field
    assert group.message.kind == "error" and "Type a name" in group.message.text
    group.name._handle_custom_msg({"event": "something else"}, [])
    assert len(store.get(slug).group) == 1
