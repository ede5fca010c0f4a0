"""Step 3, part 1: the practices — what the positive exceptions do, how, why, and whether any
family in the same circumstances could do it (the "accessible to all" sieve).

A practice that needs resources others lack is kept, marked "true but useless", and left out
of the action (Pascale, Sternin & Sternin, *The Power of Positive Deviance*).
"""

from __future__ import annotations

import ipywidgets as ipw

from widgets.model import ACCESSIBILITY, ModelError, Practice
from widgets.ui.errors import Message
from widgets.ui.step3.parts import (
    CheckList,
    button,
    field,
    hbox,
    html_part,
    section,
    textarea,
    vbox,
)
from widgets.ui.step3.shared import (
    StepContext,
    esc,
    facts_html,
    unit_words,
)

#: Badge per accessibility answer: (CSS class, words).
BADGES = {
    "yes": ("hi-badge-yes", "accessible to all"),
    "no": ("hi-badge-useless", "true but useless: left out of the action"),
    "unsure": ("hi-badge-unsure", "not sure yet if anyone could do it"),
}


def practice_html(p: Practice, unit: str) -> str:
    """One practice as an escaped card."""
    cls, words = BADGES.get(p.accessible, BADGES["unsure"])
    facts = facts_html([("How they do it", p.how), ("Why it seems to help", p.why),
                        ("Learnt from", ", ".join(p.from_units))])
    useless = " hi-useless" if p.accessible == "no" else ""
    return (f'<div class="hi-item hi-practice{useless}"><h3><span dir="auto">{esc(p.what)}'
            f'</span> <span class="hi-badge {cls}" title="Could any {esc(unit)} do it?">'
            f"{esc(words)}</span></h3>{facts}</div>")


class PracticesSection:
    """Add, edit and remove practices. ``widget`` is the section; ``form_*`` the fields."""

    def __init__(self, ctx: StepContext):
        self.ctx = ctx
        self.unit, _ = unit_words(ctx.inquiry)
        self.editing: int | None = None
        self.confirm_remove: int | None = None
        self._row_button = ipw.Layout(width="auto")  # shared by the buttons of every row

        self.what = textarea("e.g. They eat together at the table most evenings", rows=2)
        self.how = textarea("The exact steps: who does what, when, where, with what", rows=3)
        self.why = textarea("What the group thinks it changes", rows=2)
        self.from_units = CheckList("hi-practice-from")
        self.from_note = html_part()
        self.accessible = ipw.RadioButtons(
            options=[("Yes: anyone in the same circumstances could do it", "yes"),
                     ("No: it needs money, help or things others lack (true but useless)",
                      "no"),
                     ("Not sure yet", "unsure")],
            value="unsure", layout=ipw.Layout(width="auto"))
        self.accessible.add_class("hi-accessible")
        for w, cls in ((self.what, "hi-practice-what"), (self.how, "hi-practice-how"),
                       (self.why, "hi-practice-why")):
            w.add_class(cls)
        self.save_button = button("Add the practice", "hi-practice-save", "primary")
        self.cancel_button = button("Cancel", "hi-practice-cancel")
        self.cancel_button.layout.display = "none"
        self.message = Message()
        self.form_title = html_part()
        self.list_box = vbox()
        self.form_holder = vbox()
        self.list_box.add_class("hi-practice-list")

        self.save_button.on_click(ctx.guard(self._save_clicked, self.message))
        self.cancel_button.on_click(ctx.guard(lambda _b: self.clear_form(), saves=False))

        self.form = form = vbox([
            self.form_title,
            field("What do they do?", self.what, "(required)"),
            field("How do they do it?", self.how, "the practical detail matters most"),
            field("Why does it seem to help?", self.why),
            field("Which positive exceptions does it come from?",
                  vbox([self.from_units, self.from_note]), "tick all that apply"),
            field(f"Could any {self.unit} in the same circumstances do it?", self.accessible),
            hbox([self.save_button, self.cancel_button, self.message], wrap=True),
        ])
        form.add_class("hi-form")
        form.add_class("hi-practice-form")
        self.widget = section(
            "1 · The practices: how do they do it?",
            "Write down each thing the positive exceptions do, and how: the exact steps. "
            f"Then ask: could any {self.unit} in the same circumstances do it? Practices that "
            "need "
            "resources others lack are kept here, marked true but useless, and left out "
            "of the action.",
            self.list_box, self.form_holder, cls="hi-practices")
        ctx.on("practices", self.refresh)
        self.clear_form()  # and shows the list

    # ------------------------------------------------------------------ showing

    def refresh(self) -> None:
        """Show the practices as they are in the store."""
        practices = self.ctx.inquiry.practices
        if not practices:
            empty = html_part('<p class="hi-empty">No practices yet: add the first one '
                             'below.</p>')
            self.list_box.children = (empty,)
            self.form_holder.children = (self.form,)
            return
        # The form opens in place of the practice being changed (no scrolling to find it).
        rows = [self.form if p.id == self.editing else self._row(p) for p in practices]
        self.list_box.children = tuple(rows)
        self.form_holder.children = () if self.form in rows else (self.form,)

    def _row(self, p: Practice) -> ipw.Widget:
        card = html_part(practice_html(p, self.unit))
        number = p.id
        if self.confirm_remove == number:
            really = button("Remove it and its checks", "hi-practice-remove-confirm", "danger",
                            layout=self._row_button)
            keep = button("Keep it", "hi-practice-keep", layout=self._row_button)
            really.on_click(self.ctx.guard(lambda _b: self.remove(number), self.message))
            keep.on_click(self.ctx.guard(lambda _b: self._ask_remove(None), saves=False))
            buttons = [really, keep]
        else:
            edit = button("Edit", "hi-practice-edit", tooltip="Change this practice",
                          layout=self._row_button)
            remove = button("Remove", "hi-practice-remove", tooltip="Remove this practice",
                            layout=self._row_button)
            edit.on_click(self.ctx.guard(lambda _b: self.edit(number), saves=False))
            remove.on_click(self.ctx.guard(lambda _b: self._ask_remove(number), saves=False))
            buttons = [edit, remove]
        side = vbox(buttons)
        side.add_class("hi-card-buttons")
        row = hbox([card, side])
        row.add_class("hi-card-row")
        row.add_class("hi-practice-row")
        return row

    def _refresh_choices(self, keep: list[str] | None = None) -> None:
        confirmed = self.ctx.confirmed_ids()
        chosen = list(keep if keep is not None else self.from_units.value)
        extra = [u for u in chosen if u not in confirmed]
        options = [(u, u) for u in confirmed] + [(f"{u} (not confirmed)", u) for u in extra]
        self.from_units.set_options(options, chosen)
        if confirmed:
            self.from_note.value = ""
        else:
            self.from_note.value = ('<span class="hi-hint">No positive exception is confirmed '
                                    "yet: confirm them in step 2.</span>")

    # ------------------------------------------------------------------ the form

    def clear_form(self, refresh: bool = True) -> None:
        """Empty the form, ready for a new practice (back in its place below the list)."""
        self.editing = None
        self.what.value = self.how.value = self.why.value = ""
        self.accessible.value = "unsure"
        self._refresh_choices(keep=[])
        self.save_button.description = "Add the practice"
        self.cancel_button.layout.display = "none"
        self.form_title.value = "<h3>Add a practice</h3>"
        if refresh:
            self.refresh()

    def edit(self, number: int) -> None:
        """Load practice ``number`` into the form."""
        practice = self._find(number)
        self.editing = number
        self.what.value, self.how.value, self.why.value = practice.what, practice.how, practice.why
        self.accessible.value = practice.accessible if practice.accessible in ACCESSIBILITY \
            else "unsure"
        self._refresh_choices(keep=list(practice.from_units))
        self.save_button.description = "Save the changes"
        self.cancel_button.layout.display = None
        self.form_title.value = f'<h3>Change the practice “{esc(practice.what)}”</h3>'
        self.message.clear()
        self.refresh()  # the form opens where the practice was

    def _find(self, number: int) -> Practice:
        for p in self.ctx.inquiry.practices:
            if p.id == number:
                return p
        raise ModelError("That practice is not there any more; it may have been removed.")

    def practice_from_form(self) -> Practice:
        """The practice the form describes (raises ModelError with a plain message)."""
        what = self.what.value.strip()
        if not what:
            raise ModelError("Say what they do: the practice in a few words.")
        return Practice(what=what, how=self.how.value.strip(), why=self.why.value.strip(),
                        accessible=self.accessible.value,
                        from_units=list(self.from_units.value))

    def save(self) -> int:
        """Add the practice in the form (or save the one being edited); returns its number."""
        practice = self.practice_from_form()
        store, slug, who = self.ctx.store, self.ctx.slug, self.ctx.who
        if self.editing is None:
            number = store.add_practice(slug, practice, by=who)
            done = f"Added “{practice.what}”."
        else:
            number = self.editing
            store.update_practice(slug, number, practice, by=who)
            done = f"Saved “{practice.what}”."
        self.clear_form(refresh=False)
        self.ctx.changed("practices")
        self.message.show(done, "ok")
        return number

    def _save_clicked(self, _button=None) -> None:
        self.save()

    def _ask_remove(self, number: int | None) -> None:
        self.confirm_remove = number
        self.refresh()

    def remove(self, number: int) -> None:
        """Remove practice ``number`` and its checks."""
        practice = self._find(number)
        self.confirm_remove = None
        self.ctx.store.remove_practice(self.ctx.slug, number, by=self.ctx.who)
        if self.editing == number:
            self.clear_form(refresh=False)
        self.ctx.changed("practices")
        self.message.show(f"Removed “{practice.what}”.", "ok")
