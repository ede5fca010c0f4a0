"""Section 3: the measure — what is counted or scored, for which unit, and how to read it.

Text fields save a second after the last keystroke; choices save at once. Anything missing
or inconsistent is said in plain words beside the fields (``Measure.problems()``, plus checks
against the data already stored: a rate needs a population for every unit).

Once units have outcomes, a new kind of measure changes what they mean, so it is asked
about first ("The 60 families' outcomes were recorded as … and will be read as …") and
refused, in a plain sentence beside the control, when the stored outcomes do not fit the new
kind (the store's rule, ``Store.set_measure``). Nothing stored is ever converted or removed
by a change of kind; until the person says yes, the kind shown is the stored one's again
if they cancel.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import replace

import ipywidgets as ipw

from widgets.model import DIRECTIONS, MEASURE_KINDS, Measure, ModelError
from widgets.ui.errors import Message
from widgets.ui.step1.common import Confirm, section
from widgets.ui.styles import label_above
from widgets.words import unit_words

UNIT_SUGGESTIONS = ["family", "household", "pupil", "child", "young person", "person",
                    "school", "class", "ward", "street", "GP practice", "care home"]

TEXT_FIELDS = ("what", "unit_name", "source")


def parse_date(text: str) -> dt.date | None:
    """A stored baseline date as a date (None when empty or not a date)."""
    try:
        return dt.date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return None


def data_problems(measure: Measure, frame) -> list[str]:
    """Plain messages where the stored units do not fit the measure (empty when they do)."""
    if frame is None or len(frame) == 0:
        return []
    one, many = unit_words(measure.unit_name)
    out = []
    known = frame["outcome"].notna()
    if measure.kind == "rate":
        missing = int((frame["population"].isna() & known).sum())
        if missing == int(known.sum()) and missing:
            out.append(f"A rate needs a population for each {one}, and none of the stored "
                       f"{many} has one yet. Add a population column in the table, or import "
                       "a file with one.")
        elif missing:
            out.append(f"A rate needs a population for each {one}: {missing} of the stored "
                       f"{many} have none yet.")
    elif measure.kind == "yes_no":
        if not frame.loc[known, "outcome"].isin([0.0, 1.0]).all():
            out.append(f"The stored outcomes are not all yes (1) or no (0). Choose another "
                       f"kind of measure, or correct the {many} in the table.")
    return out


def _kind(measure: Measure) -> str:
    return measure.kind if measure.kind in MEASURE_KINDS else "yes_no"


def _better(measure: Measure) -> str:
    return measure.better if measure.better in DIRECTIONS else "higher"


class MeasureSection:
    """The measure's fields. ``session.changed("measure")`` after every save."""

    def __init__(self, session, delay: float | None = None):
        self.session = session
        measure = session.inquiry().measure
        self._saved = measure
        self._quiet = False  # True while refresh() sets the fields (nothing to save)
        self.debounce = session.debouncer(delay)
        self.problems: list[str] = []
        self._found: list[str] = []  # what the last check against the stored data found
        # The checks against the stored data read the units table (pandas): in the
        # background, so the page and each keystroke stay quick.
        self.check = session.later(self._data_problems, self._show_problems)
        self.message = Message()
        self.confirm = Confirm("Yes, change the kind")
        self.confirm.add_class("hi-kind-confirm")
        self.confirm.no.on_click(lambda _b: self._show_stored_kind())
        self.hints = ipw.HTML()
        self.hints.add_class("hi-measure-hints")
        wide = ipw.Layout(width="100%")
        self.what = ipw.Textarea(value=measure.what, rows=2, layout=wide,
                                 placeholder="For example: the family stayed together")
        self.unit_name = ipw.Combobox(value=measure.unit_name, options=UNIT_SUGGESTIONS,
                                      ensure_option=False, placeholder="family",
                                      layout=ipw.Layout(width="18em"))
        self.kind = ipw.Dropdown(options=[(w, k) for k, w in MEASURE_KINDS.items()],
                                 value=_kind(measure),
                                 layout=ipw.Layout(width="24em"))
        self.better = ipw.ToggleButtons(options=[(w, k) for k, w in DIRECTIONS.items()],
                                        value=_better(measure))
        self.source = ipw.Text(value=measure.source, layout=wide,
                               placeholder="For example: a short survey at the school gate")
        self.date = ipw.DatePicker(value=parse_date(measure.baseline_date),
                                   layout=ipw.Layout(width="14em"))
        self.date_note = ipw.HTML()
        self._show_date_note(measure)
        for name, widget in (("what", self.what), ("unit-name", self.unit_name),
                             ("kind", self.kind), ("better", self.better),
                             ("source", self.source), ("date", self.date)):
            widget.add_class(f"hi-measure-{name}")
        self._save_guarded = session.guard(self.save, message=self.message)
        for key in TEXT_FIELDS:
            getattr(self, key).observe(lambda _c, k=key: self._typed(k), names="value")
        for widget in (self.kind, self.better, self.date):
            session.wire(widget, lambda _c: self._chosen(), message=self.message)

        def field(text: str, widget: ipw.Widget, *more: ipw.Widget) -> ipw.VBox:
            # The control's own <label for>, shown above it; ``more`` goes beside it.
            label_above(widget, text)
            box = ipw.VBox([ipw.HBox([widget, *more]) if more else widget])
            box.add_class("hi-field")
            return box

        choices = ipw.HBox([field("For each …", self.unit_name),
                            field("Kind of measure", self.kind),
                            field("Which way is better", self.better)])
        choices.add_class("hi-row")
        self.widget = section(
            3, "The measure",
            "Agree one thing to count or score for each unit. A rough measure today beats a "
            "perfect one next year.",
            field("What is counted or scored? (for yes/no: what “yes” means)", self.what),
            choices,
            field("Where the numbers come from", self.source),
            field("Baseline date", self.date, self.date_note),
            self.message, self.confirm, self.hints, cls="hi-measure")
        self.show_hints(check_data=False)  # the data is checked after the page is up

    def current(self) -> Measure:
        """The measure as it stands in the fields."""
        date = self.date.value
        stored = self._saved.baseline_date
        return Measure(what=self.what.value, unit_name=self.unit_name.value.strip(),
                       kind=self.kind.value, better=self.better.value,
                       source=self.source.value,
                       baseline_date=date.isoformat() if date else
                       (stored if parse_date(stored) is None else ""))

    def _show_date_note(self, measure: Measure) -> None:
        if measure.baseline_date and parse_date(measure.baseline_date) is None:
            # A date from an older file that is not a calendar date: keep it, say so.
            self.date_note.value = (f"Stored as “{html.escape(measure.baseline_date)}”; pick a "
                                    "date to replace it.")
        else:
            self.date_note.value = ""

    def _typed(self, key: str) -> None:
        if self._quiet:
            return
        self.debounce.flush(keep=key)
        if self.current() != self._saved:
            self.session.status.saving()
        self.debounce.schedule(key, self._save_guarded)

    def _chosen(self) -> None:
        if self._quiet:
            return
        self.debounce.flush()
        self.save()

    def save(self, *, confirmed: bool = False) -> None:
        """Store the measure (nothing is written when nothing changed), then tell the page.

        A new kind, once units have outcomes, is stored only when ``confirmed`` (the
        person said yes to :meth:`kind_question`); until then the other fields are stored
        with the stored kind, and the question is asked."""
        measure = self.current()
        if self.date.value is not None and not dt.date(1900, 1, 1) <= self.date.value \
                <= dt.date(2200, 1, 1):
            raise ModelError("The baseline date looks wrong: choose a date between 1900 "
                             "and 2200.")
        if measure.kind == self._saved.kind:
            self.confirm.hide()  # chosen back: nothing to ask
        elif not confirmed:
            question = self._ask_kind(measure.kind)
            if question is not None:
                measure = replace(measure, kind=self._saved.kind)
        if measure == self._saved:
            return
        s = self.session
        try:
            s.store.set_measure(s.slug, measure, by=s.who)
        except ModelError:
            if measure.kind != self._saved.kind:
                self._show_stored_kind()  # refused: show the kind that is stored
            raise
        self._saved = measure
        if self.date.value is not None:
            self.date_note.value = ""
        self.show_hints()
        s.changed("measure")

    def _ask_kind(self, kind: str) -> str | None:
        """Ask before ``kind`` replaces the stored kind, when units have outcomes; returns
        the question (None when nothing needs asking). Refuses at once (ModelError, and the
        stored kind shown again) when the stored outcomes do not fit ``kind``."""
        try:
            question = self.kind_question(kind)
        except ModelError:
            self._show_stored_kind()
            raise
        if question is not None:
            self.confirm.ask(question, self.session.guard(
                lambda: self.save(confirmed=True), message=self.message))
        return question

    def kind_question(self, kind: str) -> str | None:
        """What the person is asked before the kind becomes ``kind``: None when no stored
        unit has an outcome (nothing changes meaning); a ModelError when the outcomes do
        not fit ``kind`` (the store's own check, so the words are the same)."""
        from widgets.store.units import check_kind_change

        s = self.session
        frame = s.store.units_frame(s.slug)
        with_outcome = int(frame["outcome"].notna().sum())
        if not with_outcome:
            return None
        check_kind_change(frame, kind)
        one, many = unit_words(self._saved.unit_name)
        whose = (f"The outcome of 1 {one} was" if with_outcome == 1 else
                 f"The outcomes of {with_outcome:,} {many} were")
        text = (f"{whose} recorded as {MEASURE_KINDS.get(self._saved.kind, 'another kind')}"
                f"; they will be read as {MEASURE_KINDS[kind]}, as they are (nothing is "
                "converted).")
        if kind == "rate":
            missing = int((frame["outcome"].notna() & frame["population"].isna()).sum())
            if missing:
                text += (f" A rate needs a population for each {one}: {missing:,} have none "
                         "yet.")
        return text + " Change the kind?"

    def _show_stored_kind(self) -> None:
        self.confirm.hide()
        self._quiet = True
        try:
            self.kind.value = _kind(self._saved)
        finally:
            self._quiet = False

    def refresh(self, measure: Measure) -> None:
        """Show ``measure`` as stored (after :meth:`flush`: what was typed is in it). A field
        whose value could not be stored keeps it, to be saved with the next change."""
        old, self._saved = self._saved, measure
        self._quiet = True
        try:
            for widget, shown in ((self.what, lambda m: m.what),
                                  (self.unit_name, lambda m: m.unit_name),
                                  (self.kind, _kind), (self.better, _better),
                                  (self.source, lambda m: m.source),
                                  (self.date, lambda m: parse_date(m.baseline_date))):
                if widget.value == shown(old):  # nothing chosen here that is not stored
                    widget.value = shown(measure)
        finally:
            self._quiet = False
        self._show_date_note(measure)
        self.show_hints()

    def show_hints(self, check_data: bool = True) -> None:
        """Say what is still missing now, then (``check_data``, in the background) also what
        does not fit the stored data."""
        self._show_problems(self._found)  # what the last check found, until this one is done
        if check_data:
            self.check.request(self._saved)

    def _data_problems(self, measure: Measure) -> list[str]:
        s = self.session
        return data_problems(measure, s.store.units_frame(s.slug))

    def _show_problems(self, found: list[str]) -> None:
        measure = self._saved
        self._found = list(found)
        problems = measure.problems() + self._found
        if not measure.baseline_date:
            problems.append("Pick the baseline date: the day the numbers describe.")
        self.hints.value = ("" if not problems else
                            '<ul class="hi-hint-list" role="status">'
                            + "".join(f"<li>{html.escape(p)}</li>" for p in problems) + "</ul>")
        self.hints.layout.display = "none" if not problems else None
        self.problems = problems

    def flush(self) -> None:
        """Save any pending change now."""
        self.debounce.flush()
