"""Step 3, part 3: the action — what the group will do to spread the practices, who in the
group leads it, when, how it is publicised, and the terms on which professionals are invited.

"Ownership not buy in": the balance of the leads is shown as they are chosen, with a gentle
warning when professionals lead as much as the people who live with the issue.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as ipw

from widgets.model import ROLES, Action, ModelError
from widgets.ui.nav import page_href
from widgets.ui.step3.parts import CheckList, field, html_part, section, textarea, vbox
from widgets.ui.step3.record_form import RecordForm
from widgets.ui.step3.shared import esc, facts_html, lead_balance

OWNERSHIP_WARNING = ("Ownership not buy in: the action works best when the people who live "
                     "with the issue lead it, and professionals support it on the group's terms.")


def action_html(a: Action, balance: str) -> str:
    """One action as an escaped card (``balance``: the sentence about who leads it)."""
    if not a.leads:
        balance = "Nobody is named to lead it yet."
    facts = facts_html([("Led by", ", ".join(a.leads)), ("When", a.when),
                        ("How it is publicised", a.publicity),
                        ("Professionals are invited on these terms", a.professional_terms)])
    return (f'<div class="hi-item hi-action"><h3 dir="auto">{esc(a.what)}</h3>'
            f'<p class="hi-balance">{esc(balance)}</p>{facts}</div>')


class ActionsSection(RecordForm):
    """Add, edit and remove actions (``widget``)."""

    kind, part, article = "action", "actions", "an"
    empty_html = '<p class="hi-empty">No action yet: the group designs the first one below.</p>'

    def __init__(self, session: Any):
        super().__init__(session)
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
        self.spread = html_part()
        self.spread.add_class("hi-spread-list")
        self.no_group = html_part()
        self.leads.on_change(session.guard(self._show_balance, saves=False))
        self.form = vbox([
            self.form_title,
            field("What will the group do?", self.what, "(required)"),
            field("Who leads it?", vbox([self.leads, self.no_group, self.balance]),
                  "people in the group: tick all who lead it"),
            field("When?", self.when),
            field("How will it be publicised?", self.publicity),
            field("On what terms are professionals invited?", self.terms),
            self.form_buttons(),
        ])
        self.widget = section(
            "3 · The action: what will the group do?",
            "The group designs its own way to spread the practices anyone could adopt, "
            "names who leads it, and sets the terms on which professionals are invited.",
            self.spread, self.list_box, self.form_holder, cls="hi-actions")
        session.on("practices", self.refresh_spread)
        self.refresh_spread()
        self.start()

    # ------------------------------------------------------------------ showing

    def refresh_spread(self) -> None:
        """The practices the action spreads (accessible to all) and those left out."""
        practices = self.session.inquiry().practices
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

    def card_html(self, record: Action) -> str:
        """One action as an escaped card, with the ownership warning when it applies."""
        text, warn = lead_balance(record.leads, self.session.inquiry())
        warning = f'<p class="hi-warning">{esc(OWNERSHIP_WARNING)}</p>' if warn else ""
        return action_html(record, text) + warning

    def _lead_options(self, keep: list[str]) -> None:
        group = self.session.inquiry().group
        names = [p.name for p in group]
        options = [(f"{p.name} ({ROLES.get(p.role, p.role)})", p.name) for p in group]
        options += [(f"{n} (not in the group now)", n) for n in keep if n not in names]
        self.leads.set_options(options, keep)
        if group:
            self.no_group.value = ""
        else:
            href = esc(page_href(1, self.session.slug))
            self.no_group.value = ('<p class="hi-hint">Nobody is in the group yet: add the '
                                   f'people in <a href="{href}">step 1</a>.</p>')

    def refresh_leads(self) -> None:
        """The people who can lead, as the group is now (keeping the ticks)."""
        self._lead_options(list(self.leads.value))
        self._show_balance()

    def _show_balance(self) -> None:
        leads = list(self.leads.value)
        if not leads:
            # Leads are optional (the group may name them later): no nagging prompt here,
            # and none straight after a save that emptied the form.
            self.balance.value = ""
            return
        text, warn = lead_balance(leads, self.session.inquiry())
        warning = f'<p class="hi-warning">{esc(OWNERSHIP_WARNING)}</p>' if warn else ""
        self.balance.value = f'<p class="hi-balance">{esc(text)}</p>{warning}'

    # ------------------------------------------------------------------ the form

    def clear_fields(self) -> None:
        """Empty the fields, ready for a new action."""
        for w in (self.what, self.when, self.publicity, self.terms):
            w.value = ""
        self._lead_options([])
        self._show_balance()

    def load_fields(self, record: Action) -> None:
        """Fill the fields from action ``record``."""
        self.what.value, self.when.value = record.what, record.when
        self.publicity.value, self.terms.value = record.publicity, record.professional_terms
        self._lead_options(list(record.leads))
        self._show_balance()

    def action_from_form(self) -> Action:
        """The action the form describes (raises ModelError with a plain message)."""
        what = self.what.value.strip()
        if not what:
            raise ModelError("Say what the group will do.")
        return Action(what=what, leads=list(self.leads.value), when=self.when.value.strip(),
                      publicity=self.publicity.value.strip(),
                      professional_terms=self.terms.value.strip())

    record_from_form = action_from_form
