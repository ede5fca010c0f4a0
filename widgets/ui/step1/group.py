"""Section 2: who is in the room — names or nicknames and roles, and the balance between them.

"Don't decide about me, without me": when nobody who lives with the issue is in the group, the
section says so, gently.
"""

from __future__ import annotations

import html

import ipywidgets as ipw

from widgets.model import ROLES, ModelError, Person
from widgets.ui.errors import Message
from widgets.ui.step1.common import section
from widgets.ui.styles import label_above, label_hidden

ROLE_OPTIONS = [(words, key) for key, words in ROLES.items()]
#: The role a new person starts with (and the dropdown goes back to after each person).
DEFAULT_ROLE = "lived"

NOBODY_LIVED = ("Nobody in the group lives with the issue yet. Don't decide about me, without "
                "me: who could you invite who lives with it every day?")


def balance_text(people: list[Person]) -> str:
    """"5 live with the issue, 2 professionals, 1 other" (roles with nobody are left out)."""
    if not people:
        return "Nobody added yet."
    counts = {key: sum(p.role == key for p in people) for key in ROLES}
    parts = []
    if counts["lived"]:
        verb = "lives" if counts["lived"] == 1 else "live"
        parts.append(f"{counts['lived']} {verb} with the issue")
    if counts["professional"]:
        parts.append(f"{counts['professional']} professional"
                     + ("" if counts["professional"] == 1 else "s"))
    if counts["other"]:
        parts.append(f"{counts['other']} other" + ("" if counts["other"] == 1 else "s"))
    total = len(people)
    return f"{total} {'person' if total == 1 else 'people'}: " + ", ".join(parts) + "."


def check_new_name(name: str, people: list[Person]) -> str:
    """The name to add, trimmed; raises ModelError for an empty name or one already used."""
    name = (name or "").strip()
    if not name:
        raise ModelError("Type a name or nickname first.")
    taken = {p.name.strip().casefold(): p.name for p in people}
    if name.casefold() in taken:
        raise ModelError(f"“{taken[name.casefold()]}” is already in the group. "
                         "Add a surname, an initial or a nickname.")
    return name


class GroupSection:
    """Add and remove people; each row shows a name, a role (changeable) and "Remove"."""

    def __init__(self, session):
        self.session = session
        self.people: list[Person] = []
        self.name = ipw.Text(placeholder="a name or nickname", layout=ipw.Layout(width="18em"))
        self.name.add_class("hi-person-new-name")
        label_above(self.name, "Name or nickname")
        self.role = ipw.Dropdown(options=ROLE_OPTIONS, value=DEFAULT_ROLE,
                                 layout=ipw.Layout(width="14em"))
        self.role.add_class("hi-person-new-role")
        label_above(self.role, "Role")
        self.add_button = ipw.Button(description="Add to the group", button_style="primary",
                                     icon="user-plus")
        self.add_button.add_class("hi-person-add")
        self.message = Message()
        self.list_message = Message()
        self.list = ipw.VBox()
        self.list.add_class("hi-people")
        self.balance = ipw.HTML()
        self.balance.add_class("hi-balance")
        self.warning = ipw.HTML()
        self.warning.add_class("hi-warning")
        self._add = session.guard(self.add, message=self.message)
        session.wire(self.add_button, self.add, message=self.message)
        self.name.on_msg(self._name_message)
        row = ipw.HBox([self.name, self.role, self.add_button, self.message])
        row.add_class("hi-row")
        row.add_class("hi-row-labelled")
        self.widget = section(
            2, "Who is in the room",
            "Add everyone taking part, by name or nickname, and say how they come to the issue.",
            row, self.balance, self.warning, self.list, self.list_message, cls="hi-group")
        self.show(session.inquiry().group)

    def add(self) -> int:
        """Add the person typed in; returns their number."""
        s = self.session
        name = check_new_name(self.name.value, s.inquiry().group)
        number = s.store.add_person(s.slug, name, self.role.value, by=s.who)
        self.name.value = ""
        self.role.value = DEFAULT_ROLE
        self.reload()
        self.message.show(f"Added {name}.", "ok")
        return number

    def _name_message(self, _widget, content, _buffers) -> None:
        # Enter in the name field adds the person. ipywidgets 8 deprecates Text.on_submit,
        # but its front end still sends {"event": "submit"} on Enter, so listen for that
        # message; the value is already in the kernel (it syncs while typing).
        if isinstance(content, dict) and content.get("event") == "submit":
            self._add()

    def remove(self, number: int) -> None:
        """Take person ``number`` out of the group."""
        s = self.session
        s.store.remove_person(s.slug, number, by=s.who)
        self.reload()

    def change_role(self, number: int, role: str) -> None:
        """Give person ``number`` another role."""
        s = self.session
        s.store.update_person(s.slug, number, role=role, by=s.who)
        self.reload()

    def reload(self) -> None:
        """Show the group as the store holds it (after this section's own change)."""
        self.session.changed("group")
        self.show(self.session.inquiry().group)

    def show(self, people: list[Person]) -> None:
        """Show ``people`` (the rows are built again only when the group changed)."""
        if people == self.people and self.list.children:
            return
        self.people = list(people)
        old = self.list.children
        self.list.children = [self._row(p) for p in self.people]
        for box in old:
            for child in box.children:
                child.close()
            box.close()
        self.balance.value = f"<strong>{html.escape(balance_text(self.people))}</strong>"
        lived = any(p.role == "lived" for p in self.people)
        self.warning.value = ("" if lived or not self.people else
                              f'<div role="status">{html.escape(NOBODY_LIVED)}</div>')
        self.warning.layout.display = "none" if not self.warning.value else None

    def _row(self, person: Person) -> ipw.HBox:
        name = ipw.HTML(f"<strong>{html.escape(person.name)}</strong>")
        name.add_class("hi-person-name")
        role = ipw.Dropdown(options=ROLE_OPTIONS, value=person.role,
                            layout=ipw.Layout(width="14em"))
        role.add_class("hi-person-role")
        label_hidden(role, f"How {person.name} comes to the issue")
        remove = ipw.Button(description="Remove", tooltip=f"Remove {person.name}", icon="times")
        remove.add_class("hi-person-remove")
        number = person.id
        self.session.wire(role, lambda change: self.change_role(number, change["new"]),
                          message=self.list_message)
        self.session.wire(remove, lambda: self.remove(number), message=self.list_message)
        row = ipw.HBox([name, role, remove])
        row.add_class("hi-person")
        return row
