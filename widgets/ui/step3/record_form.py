"""What the practices and the action share: a list of cards with one form below it to add a
record, edit one (the form opens in place of its card: no scrolling to find it), save the
changes or cancel, and remove one after asking.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as ipw

from widgets.model import ModelError
from widgets.ui.errors import Message
from widgets.ui.step3.parts import button, hbox, html_part, vbox
from widgets.ui.step3.shared import esc


class RecordForm:
    """A list of records with one form: add, edit, save the changes, cancel, remove.

    A subclass sets ``kind`` (the record in words, "practice"; also its CSS classes
    ``hi-<kind>-save``, ``-cancel``, ``-list``, ``-row``, ``-edit``, ``-remove``,
    ``-remove-confirm``, ``-keep``, ``-form``, and the store's ``add_<kind>``,
    ``update_<kind>`` and ``remove_<kind>``) and ``part`` (the inquiry's list of them, and
    the part announced when it changes). Its ``__init__`` calls this one, builds its fields
    and ``form`` (ending with :meth:`form_buttons`), then calls :meth:`start`. It fills in
    :meth:`card_html`, :meth:`clear_fields`, :meth:`load_fields` and
    :meth:`record_from_form`. Every record has ``id`` and ``what``. ``session`` is the
    page's :class:`~widgets.ui.session.Session`.
    """

    kind = ""
    part = ""
    article = "a"  # "Add a practice", "Add an action"
    empty_html = ""  # shown instead of the list when there is nothing in it
    remove_words = "Remove it"  # the button that confirms a removal

    def __init__(self, session: Any):
        self.session = session
        self.editing: int | None = None
        self.confirm_remove: int | None = None
        self._row_button = ipw.Layout(width="auto")  # shared by the buttons of every row
        kind = self.kind
        self.save_button = button(f"Add the {kind}", f"hi-{kind}-save", "primary")
        self.cancel_button = button("Cancel", f"hi-{kind}-cancel")
        self.cancel_button.layout.display = "none"
        self.message = Message()
        self.form_title = html_part()
        self.list_box = vbox()
        self.form_holder = vbox()
        self.list_box.add_class(f"hi-{kind}-list")
        self.form: ipw.Widget | None = None  # built by the subclass
        session.wire(self.save_button, self.save, message=self.message)
        session.wire(self.cancel_button, self.clear_form, saves=False)

    def form_buttons(self) -> ipw.HBox:
        """The form's last line: save, cancel and the message beside them."""
        return hbox([self.save_button, self.cancel_button, self.message], wrap=True)

    def start(self) -> None:
        """Once the form is built: listen for changes and show the list with an empty form."""
        self.form.add_class("hi-form")
        self.form.add_class(f"hi-{self.kind}-form")
        self.session.on(self.part, self.refresh)
        self.clear_form()  # and shows the list

    # ------------------------------------------------------------------ for the subclass

    def card_html(self, record: Any) -> str:
        """One record as an escaped card."""
        raise NotImplementedError

    def clear_fields(self) -> None:
        """Empty the fields."""
        raise NotImplementedError

    def load_fields(self, record: Any) -> None:
        """Fill the fields from ``record``."""
        raise NotImplementedError

    def record_from_form(self) -> Any:
        """The record the form describes (raises ModelError with a plain message)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ showing

    def records(self) -> list:
        """The records as they are in the store."""
        return getattr(self.session.inquiry(), self.part)

    def refresh(self) -> None:
        """Show the records as they are in the store."""
        records = self.records()
        if not records:
            self.list_box.children = (html_part(self.empty_html),)
            self.form_holder.children = (self.form,)
            return
        # The form opens in place of the record being changed (no scrolling to find it).
        rows = [self.form if r.id == self.editing else self._row(r) for r in records]
        self.list_box.children = tuple(rows)
        self.form_holder.children = () if self.form in rows else (self.form,)

    def _row(self, record: Any) -> ipw.Widget:
        card = html_part(self.card_html(record))
        number, kind, layout, wire = record.id, self.kind, self._row_button, self.session.wire
        if self.confirm_remove == number:
            really = button(self.remove_words, f"hi-{kind}-remove-confirm", "danger",
                            layout=layout)
            keep = button("Keep it", f"hi-{kind}-keep", layout=layout)
            wire(really, lambda: self.remove(number), message=self.message)
            wire(keep, lambda: self._ask_remove(None), saves=False)
            buttons = [really, keep]
        else:
            edit = button("Edit", f"hi-{kind}-edit", tooltip=f"Change this {kind}",
                          layout=layout)
            remove = button("Remove", f"hi-{kind}-remove", tooltip=f"Remove this {kind}",
                            layout=layout)
            wire(edit, lambda: self.edit(number), saves=False)
            wire(remove, lambda: self._ask_remove(number), saves=False)
            buttons = [edit, remove]
        side = vbox(buttons)
        side.add_class("hi-card-buttons")
        row = hbox([card, side])
        row.add_class("hi-card-row")
        row.add_class(f"hi-{kind}-row")
        return row

    # ------------------------------------------------------------------ the form

    def clear_form(self, refresh: bool = True) -> None:
        """Empty the form, ready for a new record (back in its place below the list)."""
        self.editing = None
        self.clear_fields()
        self.save_button.description = f"Add the {self.kind}"
        self.cancel_button.layout.display = "none"
        self.form_title.value = f"<h3>Add {self.article} {self.kind}</h3>"
        if refresh:
            self.refresh()

    def edit(self, number: int) -> None:
        """Load record ``number`` into the form."""
        record = self._find(number)
        self.editing = number
        self.load_fields(record)
        self.save_button.description = "Save the changes"
        self.cancel_button.layout.display = None
        self.form_title.value = f"<h3>Change the {self.kind} “{esc(record.what)}”</h3>"
        self.message.clear()
        self.refresh()  # the form opens where the record was

    def _find(self, number: int) -> Any:
        for record in self.records():
            if record.id == number:
                return record
        raise ModelError(f"That {self.kind} is not there any more; it may have been removed.")

    def save(self) -> int:
        """Add the record in the form (or save the one being edited); returns its number."""
        record = self.record_from_form()
        store, slug, who = self.session.store, self.session.slug, self.session.who
        if self.editing is None:
            number = getattr(store, f"add_{self.kind}")(slug, record, by=who)
            done = f"Added “{record.what}”."
        else:
            number = self.editing
            getattr(store, f"update_{self.kind}")(slug, number, record, by=who)
            done = f"Saved “{record.what}”."
        self.clear_form(refresh=False)
        self.session.changed(self.part)
        self.message.show(done, "ok")
        return number

    def _ask_remove(self, number: int | None) -> None:
        self.confirm_remove = number
        self.refresh()

    def remove(self, number: int) -> None:
        """Remove record ``number``."""
        record = self._find(number)
        self.confirm_remove = None
        session = self.session
        getattr(session.store, f"remove_{self.kind}")(session.slug, number, by=session.who)
        if self.editing == number:
            self.clear_form(refresh=False)
        self.session.changed(self.part)
        self.message.show(f"Removed “{record.what}”.", "ok")
