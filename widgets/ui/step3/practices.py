"""Step 3, part 1: the practices — what the positive exceptions do, how, why, and whether any
family in the same circumstances could do it (the "accessible to all" sieve).

A practice that needs resources others lack is kept, marked "true but useless", and left out
of the action (Pascale, Sternin & Sternin, *The Power of Positive Deviance*).
"""

from __future__ import annotations

from typing import Any

import ipywidgets as ipw

from widgets.model import ACCESSIBILITY, ModelError, Practice
from widgets.ui.step3.parts import (
    CheckList,
    field,
    html_part,
    relabel,
    retitle,
    section,
    textarea,
    vbox,
)
from widgets.ui.step3.record_form import RecordForm
from widgets.ui.step3.shared import UnitList, esc, facts_html
from widgets.words import unit_words

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


class PracticesSection(RecordForm):
    """Add, edit and remove practices. ``widget`` is the section; ``form_*`` the fields."""

    kind, part = "practice", "practices"
    empty_html = '<p class="hi-empty">No practices yet: add the first one below.</p>'
    remove_words = "Remove it and its checks"

    def __init__(self, session: Any, units: UnitList):
        super().__init__(session)
        self.units = units
        self.unit, _ = unit_words(session.inquiry().measure.unit_name)
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
        self.accessible_field = field(self._question(), self.accessible)
        self.form = vbox([
            self.form_title,
            field("What do they do?", self.what, "(required)"),
            field("How do they do it?", self.how, "the practical detail matters most"),
            field("Why does it seem to help?", self.why),
            field("Which positive exceptions does it come from?",
                  vbox([self.from_units, self.from_note]), "tick all that apply"),
            self.accessible_field,
            self.form_buttons(),
        ])
        self.widget = section(*self._heading(), self.list_box, self.form_holder,
                              cls="hi-practices")
        self.start()

    def _heading(self) -> tuple[str, str]:
        return ("1 · The practices: how do they do it?",
                "Write down each thing the positive exceptions do, and how: the exact steps. "
                f"Then ask: could any {self.unit} in the same circumstances do it? Practices "
                "that need resources others lack are kept here, marked true but useless, and "
                "left out of the action.")

    def _question(self) -> str:
        return f"Could any {self.unit} in the same circumstances do it?"

    def show_unit(self) -> None:
        """Say the unit's name as the measure has it now (it may change in step 1)."""
        self.unit, _ = unit_words(self.session.inquiry().measure.unit_name)
        relabel(self.accessible_field, self._question())
        retitle(self.widget, *self._heading())
        self.refresh()

    def card_html(self, record: Practice) -> str:
        """One practice as an escaped card."""
        return practice_html(record, self.unit)

    def refresh_choices(self, keep: list[str] | None = None) -> None:
        """The positive exceptions a practice can come from (those confirmed now), keeping
        the ticks (``keep``: tick these instead)."""
        confirmed = self.units.confirmed_ids(self.session.inquiry())
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

    def clear_fields(self) -> None:
        """Empty the fields, ready for a new practice."""
        self.what.value = self.how.value = self.why.value = ""
        self.accessible.value = "unsure"
        self.refresh_choices(keep=[])

    def load_fields(self, record: Practice) -> None:
        """Fill the fields from practice ``record``."""
        self.what.value, self.how.value, self.why.value = record.what, record.how, record.why
        self.accessible.value = record.accessible if record.accessible in ACCESSIBILITY \
            else "unsure"
        self.refresh_choices(keep=list(record.from_units))

    def practice_from_form(self) -> Practice:
        """The practice the form describes (raises ModelError with a plain message)."""
        what = self.what.value.strip()
        if not what:
            raise ModelError("Say what they do: the practice in a few words.")
        return Practice(what=what, how=self.how.value.strip(), why=self.why.value.strip(),
                        accessible=self.accessible.value,
                        from_units=list(self.from_units.value))

    record_from_form = practice_from_form
