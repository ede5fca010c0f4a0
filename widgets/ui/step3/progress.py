"""Step 3, part 4: progress — dated measurements after the baseline (the measure again,
attendance, people helped, a note), a chart against the baseline and a sentence on the change
("Attendance rose from 50 to 85 a month; 127 people helped in 18 months").
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import ipywidgets as ipw

from widgets.model import ModelError, ProgressEntry
from widgets.ui.errors import Message
from widgets.ui.step3.parts import (
    button,
    field,
    hbox,
    html_part,
    relabel,
    section,
    textarea,
    vbox,
)
from widgets.ui.step3.shared import UnitList, esc, figure_html, said
from widgets.ui.styles import label_hidden, scroll_table
from widgets.words import percent, unit_words

HEADINGS = ("Date", "The measure", "Attendance", "People helped", "Note")


def parse_number(text: str, what: str, *, whole: bool = False,
                 negative: bool = False) -> float | int | None:
    """A number typed by a person ("45", "45 %", "1,234", "0,5"); None when blank.

    Raises ModelError with a plain message when it is not a number, is negative (unless
    ``negative``) or is not whole (when ``whole``).
    """
    raw = (text or "").strip().rstrip("%").strip().replace(" ", "").replace("\u00a0", "")
    if not raw:
        return None
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+", raw):
        raw = raw.replace(",", "")
    elif raw.count(",") == 1 and "." not in raw:
        raw = raw.replace(",", ".")
    try:
        value = float(raw)
    except ValueError:
        raise ModelError(f"{what} must be a number, or left blank.") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ModelError(f"{what} must be a number, or left blank.")
    if value < 0 and not negative:
        raise ModelError(f"{what} cannot be below 0.")
    if whole:
        if not value.is_integer():
            raise ModelError(f"{what} must be a whole number.")
        return int(value)
    return value


def measure_hint(inquiry) -> str:
    """What to type as "the measure again", on the baseline's scale."""
    one, many = unit_words(inquiry.measure.unit_name)
    kind = inquiry.measure.kind
    if kind == "yes_no":
        return f"the share of {many}, in % (e.g. 39); blank if not measured this time"
    if kind == "rate":
        return "the rate, in the same units as the baseline; blank if not measured"
    if kind == "count":
        return f"the average count per {one}; blank if not measured this time"
    return f"the average score of the {many}; blank if not measured this time"


def date_hint(inquiry) -> str:
    """When an entry may be dated: after the baseline (with its date when there is one)."""
    baseline_date = inquiry.measure.baseline_date
    after = f" (the baseline is dated {_day(baseline_date)})" if baseline_date else ""
    return f"after the baseline{after}"


def _num(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    return f"{value:,}"


def _entry_words(e: ProgressEntry) -> str:
    """An entry in a list to choose from: its date and the start of its note."""
    note = " ".join((e.note or "").split())
    note = note if len(note) <= 50 else note[:49] + "…"
    return f"{_day(e.date)}{': ' + note if note else ''}"


def _day(text: str) -> str:
    try:
        d = date.fromisoformat(str(text)[:10])
    except ValueError:
        return str(text)
    return f"{d.day} {d:%b %Y}"


class ProgressSection:
    """Progress entries, the form to add one, the sentence and the chart (``widget``)."""

    def __init__(self, session: Any, units: UnitList):
        self.session = session
        self.units = units
        self.confirm_remove: int | None = None
        self._baseline = None
        self._baseline_done = False
        self.date = ipw.DatePicker(layout=ipw.Layout(width="14em"))
        self.outcome = ipw.Text(placeholder="e.g. 39", layout=ipw.Layout(width="12em"))
        self.attendance = ipw.Text(placeholder="e.g. 85", layout=ipw.Layout(width="12em"))
        self.helped = ipw.Text(placeholder="e.g. 6", layout=ipw.Layout(width="12em"))
        self.note = textarea("What happened; what the group noticed", rows=2)
        for w, cls in ((self.date, "hi-progress-date"), (self.outcome, "hi-progress-outcome"),
                       (self.attendance, "hi-progress-attendance"),
                       (self.helped, "hi-progress-helped"), (self.note, "hi-progress-note")):
            w.add_class(cls)
        self.add_button = button("Add the entry", "hi-progress-add", "primary")
        self.message = Message()
        self.table = html_part()
        self.table.add_class("hi-progress-table")
        self.remove_choice = ipw.Dropdown(options=[("Choose an entry…", 0)], value=0,
                                          layout=ipw.Layout(width="26em"))
        self.remove_choice.add_class("hi-progress-choice")
        label_hidden(self.remove_choice, "The entry to remove")
        self.remove_button = button("Remove this entry", "hi-progress-remove")
        self.really_button = button("Remove it", "hi-progress-remove-confirm", "danger")
        self.keep_button = button("Keep it", "hi-progress-keep")
        self.remove_message = Message()
        self.confirm_box = ipw.HBox([self.really_button, self.keep_button])
        self.remove_box = ipw.HBox([self.remove_choice, self.remove_button, self.confirm_box,
                                    self.remove_message],
                                   layout=ipw.Layout(flex_flow="row wrap"))
        self.remove_box.add_class("hi-form-buttons")
        session.wire(self.remove_button, self.ask_remove, message=self.remove_message,
                     saves=False)
        session.wire(self.really_button, lambda: self.remove(self.confirm_remove),
                     message=self.remove_message)
        session.wire(self.keep_button, self.keep, saves=False)
        session.wire(self.remove_choice, lambda _change: self.keep(), saves=False)
        self.sentence = html_part()
        self.sentence.add_class("hi-progress-sentence")
        self.chart = html_part()
        self.chart.add_class("hi-progress-chart")
        self.later = session.later(self._compute, self._show, pending=self._pending)
        session.wire(self.add_button, self.add, message=self.message)
        inquiry = session.inquiry()
        self.date_field = field("Date", self.date, date_hint(inquiry))
        self.outcome_field = field("The measure again", self.outcome, measure_hint(inquiry))
        numbers = ipw.HBox([field("Attendance", self.attendance, "people who came"),
                            field("People helped", self.helped, "in this period")],
                           layout=ipw.Layout(flex_flow="row wrap", grid_gap="1rem"))
        form = vbox([
            html_part("<h3>Add an entry</h3>"),
            self.date_field, self.outcome_field,
            numbers,
            field("Note", self.note),
            hbox([self.add_button, self.message], wrap=True),
        ])
        form.add_class("hi-form")
        form.add_class("hi-progress-form")
        self.widget = section(
            "4 · Progress: keep measuring",
            "After the baseline, measure again: the same measure, how many people came, how "
            "many were helped. The chart compares it with the baseline.",
            self.sentence, self.chart, form, self.table, self.remove_box, cls="hi-progress")
        session.on("progress", self.refresh)
        if units.ready:
            self.refresh()
        else:
            self.show_entries()

    # ------------------------------------------------------------------ showing

    def refresh(self) -> None:
        """Show the entries, then (in the background) the sentence and the chart."""
        self.show_entries()
        inquiry = self.session.inquiry()
        units = list(self.units.items) if self.units.ready else None
        self.later.request(inquiry, units)

    def units_changed(self) -> None:
        """The units were read again: the baseline is worked out again with them."""
        self._baseline, self._baseline_done = None, False
        self.refresh()

    def show_measure(self) -> None:
        """The form's words for the measure as it is now (it may change in step 1)."""
        inquiry = self.session.inquiry()
        relabel(self.date_field, "Date", date_hint(inquiry))
        relabel(self.outcome_field, "The measure again", measure_hint(inquiry))

    def show_entries(self) -> None:
        """The table of entries (one HTML table: quick to load) and the choice to remove one."""
        entries = sorted(self.session.inquiry().progress, key=lambda e: (e.date or "", e.id or 0))
        self.confirm_box.layout.display = "none"
        self.confirm_remove = None
        if not entries:
            self.table.value = '<p class="hi-empty">No progress recorded yet.</p>'
            self.remove_box.layout.display = "none"
            return
        head = "".join(f'<th scope="col">{esc(h)}</th>' for h in HEADINGS)
        rows = []
        for e in entries:
            cells = [_day(e.date), self._outcome(e.outcome), _num(e.attendance),
                     _num(e.people_helped)]
            rows.append("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in cells)
                        + f"<td>{said(e.note, 'div', 'hi-progress-note-text')}</td></tr>")
        self.table.value = scroll_table(f'<table class="hi-table"><thead><tr>{head}</tr>'
                                        f"</thead><tbody>{''.join(rows)}</tbody></table>",
                                        "Progress entries")
        self.remove_choice.options = [("Choose an entry…", 0)] + [
            (_entry_words(e), e.id) for e in reversed(entries)]
        self.remove_choice.value = 0
        self.remove_box.layout.display = None

    def _outcome(self, value) -> str:
        """The measure as the group typed it: a share as per cent for yes/no measures."""
        if value is None:
            return ""
        if self.session.inquiry().measure.kind == "yes_no":
            share = value if value <= 1 else value / 100
            whole = float(share * 100).is_integer()
            return percent(share, 0 if whole else 1)
        return _num(value)

    def _pending(self) -> None:
        if not self.sentence.value:
            self.sentence.value = '<p class="hi-pending">Adding up the progress…</p>'

    def _compute(self, inquiry, units: list | None) -> tuple[str, str]:
        from widgets.analysis.progress import progress_summary
        from widgets.plots import progress_figure

        if units is not None and not self._baseline_done:  # once per reading of the units
            self._baseline_done = True
            if units:
                from widgets.analysis.baseline import baseline_summary
                from widgets.model import units_to_frame

                frame = units_to_frame(units, inquiry.context_columns, False)
                try:
                    self._baseline = baseline_summary(frame, inquiry.measure)
                except ModelError:
                    self._baseline = None
        summary = progress_summary(inquiry.progress, inquiry.measure, self._baseline)
        lines = [f'<p class="hi-sentence" dir="auto">{esc(summary.sentence)}</p>']
        lines += [f'<p class="hi-hint">{esc(w)}</p>' for w in summary.warnings]
        if self._baseline is not None:
            lines.append(f'<p class="hi-hint" dir="auto">Baseline: '
                         f"{esc(self._baseline.sentence)}</p>")
        chart = ""
        if inquiry.progress:
            base = summary.outcome_baseline
            chart = figure_html(progress_figure(inquiry.progress, baseline_value=base,
                                                measure=inquiry.measure))
        return "".join(lines), chart

    def _show(self, result: tuple[str, str]) -> None:
        self.sentence.value, self.chart.value = result

    # ------------------------------------------------------------------ changing

    def entry_from_form(self) -> ProgressEntry:
        """The entry the form describes (raises ModelError with a plain message)."""
        day = self.date.value
        if day is None:
            raise ModelError("Choose the date of this measurement.")
        inquiry = self.session.inquiry()
        baseline = inquiry.measure.baseline_date
        try:
            base_day = date.fromisoformat(baseline[:10]) if baseline else None
        except ValueError:
            base_day = None
        if base_day is not None and day < base_day:
            raise ModelError(f"That date is before the baseline ({_day(baseline)}): progress "
                             "is measured after it.")
        negative = inquiry.measure.kind == "score"
        entry = ProgressEntry(
            date=day.isoformat(),
            outcome=parse_number(self.outcome.value, "The measure", negative=negative),
            attendance=parse_number(self.attendance.value, "Attendance", whole=True),
            people_helped=parse_number(self.helped.value, "People helped", whole=True),
            note=self.note.value.strip())
        if entry.outcome is None and entry.attendance is None and entry.people_helped is None \
                and not entry.note:
            raise ModelError("Give at least one number (the measure, attendance or people "
                             "helped) or a note.")
        return entry

    def add(self) -> int:
        """Store the entry in the form; returns its number."""
        entry = self.entry_from_form()
        s = self.session
        number = s.store.add_progress(s.slug, entry, by=s.who)
        self.date.value = None
        for w in (self.outcome, self.attendance, self.helped, self.note):
            w.value = ""
        s.changed("progress")
        self.message.show(f"Added the entry of {_day(entry.date)}.", "ok")
        return number

    def ask_remove(self) -> None:
        """Ask before removing the entry chosen in the list."""
        number = self.remove_choice.value
        entry = next((e for e in self.session.inquiry().progress if e.id == number), None)
        if entry is None:
            raise ModelError("Choose the entry to remove.")
        self.confirm_remove = number
        self.really_button.description = f"Remove the entry of {_day(entry.date)}"
        self.confirm_box.layout.display = None

    def keep(self) -> None:
        """Do not remove anything after all."""
        self.confirm_remove = None
        self.confirm_box.layout.display = "none"

    def remove(self, number: int) -> None:
        """Remove progress entry ``number``."""
        s = self.session
        entry = next((e for e in s.inquiry().progress if e.id == number), None)
        if entry is None:
            raise ModelError("That entry is not there any more; it may have been removed.")
        s.store.remove_progress(s.slug, number, by=s.who)
        s.changed("progress")
        self.remove_message.show(f"Removed the entry of {_day(entry.date)}.", "ok")
