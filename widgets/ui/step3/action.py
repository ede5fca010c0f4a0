"""Step 3, part 3: the action — what the group will do to spread the practices, who in the
group leads it, when, how it is publicised, and the terms on which professionals are invited.

"Ownership not buy in": the balance of the leads is shown as they are chosen, with a gentle
warning when professionals lead as much as the people who live with the issue.
"""

from __future__ import annotations

import ipywidgets as ipw

from widgets.model import ROLES, Action, ModelError
from widgets.ui.errors import Message
from widgets.ui.nav import page_href
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
    lead_balance,
)

OWNERSHIP_WARNING = ("Ownership not buy in: the action works best when the people who live "
                     "with the issue lead it, and professionals support it on the group's terms.")


def action_html(a: Action, balance: str) -> str:
    """One action as an escaped card."""
    facts = facts_html([("Led by", ", ".join(a.leads)), ("When", a.when),
                        ("How it is publicised", a.publicity),
                        ("Professionals are invited on these terms", a.professional_terms)])
    return (f'<div class="hi-item hi-action"><h3 dir="auto">{esc(a.what)}</h3>'
            f'<p class="hi-balance">{esc(balance)}</p>{facts}</div>')


class ActionsSection:
    """Add, edit and remove actions (``widget``)."""

    def __init__(self, ctx: StepContext):
        self.ctx = ctx
        self.editing: int | None = None
        self.confirm_remove: int | None = None
        self._row_button = ipw.Layout(width="auto")  # shared by the buttons of every row
        self.what = textarea("e.g. A monthly evening with food and play for the whole family",
                             rows=2)
        self.leads = CheckList("hi-action-leads")
        self.balance = html_part()
        self.balance.add_class("hi-lead-balance")
        self.when = ipw.Text(placeholder="e.g. The first Friday of every month, 5 to 7 pm",
                             layout=ipw.Layout(width="100%"))
        self.publicity = textarea("e.g. Through our own networks and WhatsApp groups; we "
                                  "design the posters", rows=2)
        self.terms = textarea("e.g. No brochures; professionals eat with us and give advice "
                              "only when asked", rows=2)
        for w, cls in ((self.what, "hi-action-what"), (self.when, "hi-action-when"),
                       (self.publicity, "hi-action-publicity"), (self.terms, "hi-action-terms")):
            w.add_class(cls)
        self.save_button = button("Add the action", "hi-action-save", "primary")
        self.cancel_button = button("Cancel", "hi-action-cancel")
        self.cancel_button.layout.display = "none"
        self.message = Message()
        self.form_title = html_part()
        self.list_box = vbox()
        self.form_holder = vbox()
        self.list_box.add_class("hi-action-list")
        self.spread = html_part()
        self.spread.add_class("hi-spread-list")
        self.no_group = html_part()
        self.leads.on_change(ctx.guard(self._show_balance, saves=False))
        self.save_button.on_click(ctx.guard(lambda _b: self.save(), self.message))
        self.cancel_button.on_click(ctx.guard(lambda _b: self.clear_form(), saves=False))
        self.form = form = vbox([
            self.form_title,
            field("What will the group do?", self.what, "(required)"),
            field("Who leads it?", vbox([self.leads, self.no_group, self.balance]),
                  "people in the group: tick all who lead it"),
            field("When?", self.when),
            field("How will it be publicised?", self.publicity),
            field("On what terms are professionals invited?", self.terms),
            hbox([self.save_button, self.cancel_button, self.message], wrap=True),
        ])
        form.add_class("hi-form")
        form.add_class("hi-action-form")
        self.widget = section(
            "3 · The action: what will the group do?",
            "The group designs its own way to spread the practices anyone could adopt, "
            "names who leads it, and sets the terms on which professionals are invited.",
            self.spread, self.list_box, self.form_holder, cls="hi-actions")
        ctx.on("actions", self.refresh)
        ctx.on("practices", self.refresh_spread)
        self.refresh_spread()
        self.clear_form()  # and shows the list

    # ------------------------------------------------------------------ showing

    def refresh(self) -> None:
        """Show the actions as they are in the store."""
        actions = self.ctx.inquiry.actions
        if not actions:
            self.list_box.children = (html_part('<p class="hi-empty">No action yet: the group '
                                               "designs the first one below.</p>"),)
            self.form_holder.children = (self.form,)
            return
        # The form opens in place of the action being changed (no scrolling to find it).
        rows = [self.form if a.id == self.editing else self._row(a) for a in actions]
        self.list_box.children = tuple(rows)
        self.form_holder.children = () if self.form in rows else (self.form,)

    def refresh_spread(self) -> None:
        """The practices the action spreads (accessible to all) and those left out."""
        practices = self.ctx.inquiry.practices
        spread = [p.what for p in practices if p.accessible == "yes"]
        unsure = [p.what for p in practices if p.accessible == "unsure"]
        useless = [p.what for p in practices if p.accessible == "no"]
        parts = []
        if spread:
            items = "".join(f'<li dir="auto">{esc(w)}</li>' for w in spread)
            parts.append(f"<p><strong>Practices to spread</strong> (anyone could do them):"
                         f"</p><ul>{items}</ul>")
        else:
            parts.append('<p class="hi-empty">No practice is marked “accessible to all” yet.'
                         "</p>")
        if unsure:
            parts.append(f"<p class=\"hi-hint\">Still to decide whether anyone could do them: "
                         f"{esc('; '.join(unsure))}.</p>")
        if useless:
            parts.append(f"<p class=\"hi-hint\">Left out, true but useless: "
                         f"{esc('; '.join(useless))}.</p>")
        self.spread.value = "".join(parts)

    def _row(self, a: Action) -> ipw.Widget:
        text, warn = lead_balance(a.leads, self.ctx.inquiry)
        card = html_part(action_html(a, text) + (f'<p class="hi-warning">{esc(OWNERSHIP_WARNING)}'
                                               "</p>" if warn else ""))
        number = a.id
        if self.confirm_remove == number:
            b1 = button("Remove it", "hi-action-remove-confirm", "danger",
                        layout=self._row_button)
            b2 = button("Keep it", "hi-action-keep", layout=self._row_button)
            b1.on_click(self.ctx.guard(lambda _b: self.remove(number), self.message))
            b2.on_click(self.ctx.guard(lambda _b: self._ask_remove(None), saves=False))
        else:
            b1 = button("Edit", "hi-action-edit", tooltip="Change this action",
                        layout=self._row_button)
            b2 = button("Remove", "hi-action-remove", tooltip="Remove this action",
                        layout=self._row_button)
            b1.on_click(self.ctx.guard(lambda _b: self.edit(number), saves=False))
            b2.on_click(self.ctx.guard(lambda _b: self._ask_remove(number), saves=False))
        side = vbox([b1, b2])
        side.add_class("hi-card-buttons")
        row = hbox([card, side])
        row.add_class("hi-card-row")
        row.add_class("hi-action-row")
        return row

    def _lead_options(self, keep: list[str]) -> None:
        group = self.ctx.inquiry.group
        names = [p.name for p in group]
        options = [(f"{p.name} ({ROLES.get(p.role, p.role)})", p.name) for p in group]
        options += [(f"{n} (not in the group now)", n) for n in keep if n not in names]
        self.leads.set_options(options, keep)
        if group:
            self.no_group.value = ""
        else:
            href = esc(page_href(1, self.ctx.slug))
            self.no_group.value = ('<p class="hi-hint">Nobody is in the group yet: add the '
                                   f'people in <a href="{href}">step 1</a>.</p>')

    def _show_balance(self) -> None:
        leads = list(self.leads.value)
        if not leads:
            self.balance.value = '<p class="hi-hint">Choose who leads it.</p>'
            return
        text, warn = lead_balance(leads, self.ctx.inquiry)
        warning = f'<p class="hi-warning">{esc(OWNERSHIP_WARNING)}</p>' if warn else ""
        self.balance.value = f'<p class="hi-balance">{esc(text)}</p>{warning}'

    # ------------------------------------------------------------------ the form

    def clear_form(self, refresh: bool = True) -> None:
        """Empty the form, ready for a new action (back in its place below the list)."""
        self.editing = None
        for w in (self.what, self.when, self.publicity, self.terms):
            w.value = ""
        self._lead_options([])
        self._show_balance()
        self.save_button.description = "Add the action"
        self.cancel_button.layout.display = "none"
        self.form_title.value = "<h3>Add an action</h3>"
        if refresh:
            self.refresh()

    def edit(self, number: int) -> None:
        """Load action ``number`` into the form."""
        a = self._find(number)
        self.editing = number
        self.what.value, self.when.value = a.what, a.when
        self.publicity.value, self.terms.value = a.publicity, a.professional_terms
        self._lead_options(list(a.leads))
        self._show_balance()
        self.save_button.description = "Save the changes"
        self.cancel_button.layout.display = None
        self.form_title.value = f'<h3>Change the action “{esc(a.what)}”</h3>'
        self.message.clear()
        self.refresh()  # the form opens where the action was

    def _find(self, number: int) -> Action:
        for a in self.ctx.inquiry.actions:
            if a.id == number:
                return a
        raise ModelError("That action is not there any more; it may have been removed.")

    def action_from_form(self) -> Action:
        """The action the form describes (raises ModelError with a plain message)."""
        what = self.what.value.strip()
        if not what:
            raise ModelError("Say what the group will do.")
        return Action(what=what, leads=list(self.leads.value), when=self.when.value.strip(),
                      publicity=self.publicity.value.strip(),
                      professional_terms=self.terms.value.strip())

    def save(self) -> int:
        """Add the action in the form (or save the one being edited); returns its number."""
        action = self.action_from_form()
        store, slug, who = self.ctx.store, self.ctx.slug, self.ctx.who
        if self.editing is None:
            number = store.add_action(slug, action, by=who)
            done = f"Added “{action.what}”."
        else:
            number = self.editing
            store.update_action(slug, number, action, by=who)
            done = f"Saved “{action.what}”."
        self.clear_form(refresh=False)
        self.ctx.changed("actions")
        self.message.show(done, "ok")
        return number

    def _ask_remove(self, number: int | None) -> None:
        self.confirm_remove = number
        self.refresh()

    def remove(self, number: int) -> None:
        """Remove action ``number``."""
        a = self._find(number)
        self.confirm_remove = None
        self.ctx.store.remove_action(self.ctx.slug, number, by=self.ctx.who)
        if self.editing == number:
            self.clear_form(refresh=False)
        self.ctx.changed("actions")
        self.message.show(f"Removed “{a.what}”.", "ok")
