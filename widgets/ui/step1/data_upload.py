"""Section 4b: upload the data as a CSV or Excel file — preview, column mapping, then import.

Nothing is stored until the person presses "Import N rows" (and, when units are already
stored, says yes to replacing them). Every problem with the file is one plain line beside the
upload naming the row and column (``FileProblem`` from ``widgets.files.data_import``).
"""

from __future__ import annotations

import html
import math

import ipywidgets as ipw

from widgets.files import FileProblem, quote
from widgets.ui.errors import Message
from widgets.ui.step1.common import LOCK, Confirm, capitalised, replace_warning, stored_units
from widgets.ui.styles import scroll_table
from widgets.ui.upload import UploadBox
from widgets.words import count_words, plural, unit_words

ACCEPT = ".csv,.tsv,.txt,.xlsx"
CHOOSE = "Choose a CSV or Excel file"
PREVIEW_ROWS = 8
CELL_CHARS = 60
NONE = -1  # the dropdown value for "no column" / "make pseudonyms"
#: What each answer of a yes/no outcome may mean, as the "Which values mean yes?" buttons
#: offer it (label, value) and what the mapping carries (True yes, False no, None not known).
MEANINGS = (("yes", "yes"), ("no", "no"), ("not known", "unknown"))
_MEANING = {"yes": True, "no": False, "unknown": None}


def preview_html(preview, rows: int = PREVIEW_ROWS) -> str:
    """The first ``rows`` rows of a preview as an escaped HTML table (row numbers as in the
    spreadsheet)."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in preview.columns)
    body = []
    for number, values in zip(preview.frame.index[:rows],
                              preview.frame.head(rows).itertuples(index=False), strict=True):
        cells = "".join(f"<td>{html.escape(_cell(v))}</td>" for v in values)
        body.append(f"<tr><th>{int(number)}</th>{cells}</tr>")
    more = preview.rows - min(rows, preview.rows)
    foot = f'<p class="hi-preview-more">… and {more:,} more rows</p>' if more > 0 else ""
    table = (f'<table class="hi-table hi-preview-table"><thead><tr><th>Row</th>{head}'
             f'</tr></thead><tbody>{"".join(body)}</tbody></table>')
    return scroll_table(table, "The file's first rows") + foot


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value)
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    return text if len(text) <= CELL_CHARS else text[:CELL_CHARS - 1] + "…"


class DataUpload:
    """Upload → preview → mapping → "Import N rows" → ``store.replace_units_frame``."""

    def __init__(self, session):
        self.session = session
        self.built = False
        self.widget = ipw.VBox([])
        self.widget.add_class("hi-data-upload")
        session.on("measure", self.follow_measure)

    def ensure_built(self) -> None:
        """Build the upload and mapping controls (once, when the panel is first opened)."""
        if self.built:
            return
        self.built = True
        session = self.session
        self.preview = None
        self._names: dict[str, bool] = {}  # column -> looks like real names
        self._data, self._filename = b"", ""
        self._quiet = False
        self.upload = UploadBox(CHOOSE, ACCEPT, self.receive, errors=session.errors)
        self.progress = ipw.IntProgress(value=0, min=0, max=3, layout=ipw.Layout(width="20em"))
        self.progress_text = ipw.HTML()
        self.progress_row = ipw.HBox([self.progress, self.progress_text])
        self.progress_row.add_class("hi-progress")
        self.progress_row.layout.display = "none"
        self.message = Message()
        self.message.add_class("hi-import-message")
        self.table = ipw.HTML()
        self.notes = ipw.HTML()
        self.sheet = ipw.Dropdown(description="Sheet", options=[])
        self.sheet.add_class("hi-sheet")
        session.wire(self.sheet, self._sheet_changed, message=self.upload.message, saves=False)
        style = {"description_width": "12em"}
        self.id_column = ipw.Dropdown(description="Id of each unit", style=style)
        self.outcome_column = ipw.Dropdown(description="Outcome", style=style)
        self.population_column = ipw.Dropdown(description="Population (rates)", style=style)
        self.private_column = ipw.Dropdown(description=f"{LOCK} Real names (private)",
                                          description_allow_html=True, style=style)
        for name, dd in (("id", self.id_column), ("outcome", self.outcome_column),
                         ("population", self.population_column),
                         ("private", self.private_column)):
            dd.add_class(f"hi-map-{name}")
            session.wire(dd, lambda _c: self._roles_changed(), saves=False)
        self.suggested = None
        self.id_warning = Message()  # the id chosen looks like real names
        self.id_warning.add_class("hi-map-id-warning")
        self.outcome_guess = Message()  # "We guessed the outcome is …: check it."
        self.outcome_guess.add_class("hi-map-guess")
        self.private_note = ipw.HTML()
        self.private_note.add_class("hi-map-private-note")
        # "Which values mean yes?": one row of buttons per answer of a yes/no outcome,
        # shown when the kit does not know every answer's meaning.
        self.answers: list[tuple[str, ipw.ToggleButtons]] = []
        self._answers_for: tuple | None = None
        self.answers_box = ipw.VBox([])
        self.answers_box.add_class("hi-map-yes-values")
        self.answers_box.layout.display = "none"
        self.names_confirm = Confirm("Yes, use the names as ids")
        self.names_confirm.add_class("hi-names-confirm")
        self.context_boxes: list[ipw.Checkbox] = []
        self.context_box = ipw.HBox([])
        self.context_box.add_class("hi-context-choice")
        self.import_button = ipw.Button(description="Import", button_style="primary",
                                        icon="check")
        self.import_button.add_class("hi-import")
        session.wire(self.import_button, self._import_clicked, message=self.message,
                     saves=False)
        cancel = ipw.Button(description="Cancel")
        cancel.add_class("hi-import-cancel")
        session.wire(cancel, self._cancel, saves=False)
        self.confirm = Confirm()
        mapping = ipw.VBox([
            ipw.HTML("<strong>Which column is which?</strong>"), self.sheet, self.id_column,
            self.id_warning, self.outcome_column, self.outcome_guess, self.answers_box,
            self.population_column, self.private_column, self.private_note,
            ipw.HTML("Circumstances to keep (tick the columns that describe each unit's "
                     "situation):"), self.context_box])
        mapping.add_class("hi-mapping")
        buttons = ipw.HBox([self.import_button, cancel])
        buttons.add_class("hi-row")
        self.preview_box = ipw.VBox([self.table, self.notes, mapping, buttons,
                                     self.names_confirm, self.confirm])
        self.preview_box.add_class("hi-upload-preview")
        self.preview_box.layout.display = "none"
        self.widget.children = [
            ipw.HTML("One row per unit, with a header row. Nothing is stored until you "
                     "check the columns and press Import."),
            self.upload, self.progress_row, self.preview_box, self.message]

    # ------------------------------------------------------------------ reading

    def receive(self, data: bytes, filename: str, sheet: str | None = None) -> str:
        """Read an uploaded file into a preview (nothing stored); returns what was read."""
        from widgets.files import data_import

        self.clear()
        self._step(1, "Reading the file…")
        try:
            preview = data_import.read_table(data, filename, sheet=sheet)
        finally:
            self._step(None)
        self._data, self._filename = data, preview.filename or "the file"
        self.show_preview(preview)
        return (f"Read {count_words(preview.rows, 'row')} and "
                f"{count_words(len(preview.columns), 'column')} from "
                f"{self._filename}. Check the columns below, then import.")

    def show_preview(self, preview) -> None:
        """Show the first rows and the column mapping, from a suggestion that knows the
        measure (the outcome is guessed from its wording; names are never ids)."""
        from widgets.files import data_import

        self.preview = preview
        measure = self._measure = self.session.inquiry().measure
        cols = [(str(c), i) for i, c in enumerate(preview.columns)]
        index = {c: i for i, c in enumerate(preview.columns)}
        s = self.suggested = data_import.suggest_mapping(preview.frame, measure)
        self._names = {}
        self._answers_for = None
        self._quiet = True
        try:
            self.sheet.options = list(preview.sheets)
            self.sheet.value = preview.sheet if preview.sheets else None
            self.sheet.layout.display = None if len(preview.sheets) > 1 else "none"
            self.id_column.options = [(self._pseudonyms_label(measure), NONE)] + cols
            self.id_column.value = index.get(s.unit_id, NONE)
            self.outcome_column.options = cols
            self.outcome_column.value = index.get(s.outcome, 0)
            self.population_column.options = [("none", NONE)] + cols
            self.population_column.value = index.get(s.population, NONE)
            self.private_column.options = [("none: keep no real names", NONE)] + cols
            self.private_column.value = index.get(s.private_name, NONE)
            old = self.context_boxes
            self.context_boxes = [ipw.Checkbox(value=c in s.context, description=str(c),
                                               indent=False) for c in preview.columns]
            for box in self.context_boxes:
                box.add_class("hi-map-context")
            self.context_box.children = self.context_boxes
            for box in old:
                box.close()
        finally:
            self._quiet = False
        self._roles_changed()
        self.table.value = preview_html(preview)
        left_out = [s.guesses["left_out"]] if "left_out" in s.guesses else []
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in [*preview.notes, *left_out])
        self.notes.value = f'<ul class="hi-notes">{notes}</ul>' if notes else ""
        self.import_button.description = f"Import {preview.rows:,} rows"
        self.preview_box.layout.display = None

    def _sheet_changed(self, change) -> None:
        if self._quiet or not change["new"] or self.preview is None \
                or change["new"] == self.preview.sheet:
            return
        text = self.receive(self._data, self._filename, change["new"])
        self.upload.message.show(text, "ok")

    def _pseudonyms_label(self, measure) -> str:
        one = capitalised(unit_words(measure.unit_name)[0])
        return f"make pseudonyms ({one} 1, {one} 2, …)"

    def follow_measure(self) -> None:
        """The measure changed while a file is previewed: keep the person's choices, and
        follow the unit's name and the kind of measure."""
        if not self.built or self.preview is None:
            return
        measure = self._measure = self.session.inquiry().measure
        value = self.id_column.value
        self._quiet = True
        try:
            self.id_column.options = ([(self._pseudonyms_label(measure), NONE)]
                                      + list(self.id_column.options[1:]))
            self.id_column.value = value
        finally:
            self._quiet = False
        self._answers_for = None
        self._roles_changed()

    def _roles_changed(self) -> None:
        if self._quiet or self.preview is None:
            return
        taken = {dd.value for dd in (self.id_column, self.outcome_column,
                                     self.population_column, self.private_column)}
        for i, box in enumerate(self.context_boxes):
            box.disabled = i in taken
            if box.disabled:
                box.value = False
        self._show_notes()

    def _column(self, dd) -> str | None:
        cols = self.preview.columns
        value = dd.value
        return None if value in (None, NONE) or not 0 <= value < len(cols) else cols[value]

    def _looks_like_names(self, column: str | None) -> bool:
        from widgets.files import data_import

        if column is None:
            return False
        if column not in self._names:
            self._names[column] = data_import.looks_like_names(self.preview.frame[column],
                                                               column)
        return self._names[column]

    def _show_notes(self) -> None:
        """The words beside the mapping: what was guessed, what stays private, and a warning
        when the id chosen looks like real names."""
        measure = self._measure
        one = unit_words(measure.unit_name)[0]
        unit_id, private = self._column(self.id_column), self._column(self.private_column)
        outcome = self._column(self.outcome_column)
        if self._looks_like_names(unit_id):
            self.id_warning.show(
                f"{quote(unit_id)} looks like real names: as ids they would show on plots, in "
                "tables, exports and reports. Choose “make pseudonyms”, and keep the names "
                "as real names (private) below.", "error")
        else:
            self.id_warning.clear()
        guess = self.suggested.guesses.get("outcome") if self.suggested else None
        if guess and outcome == self.suggested.outcome:
            self.outcome_guess.show(guess, "info")
        else:
            self.outcome_guess.clear()  # the person chose it
        if private is not None:
            text = (f"The names in {quote(private)} stay private: they show only in the table of "
                    f"{plural(one)} on this page, never as ids, on plots, in exports or in "
                    "reports.")
            if unit_id is None:
                text += (f" Each {one} gets a pseudonym instead ({capitalised(one)} 1, "
                         f"{capitalised(one)} 2, …).")
        else:
            text = "No real names are kept."
        self.private_note.value = (f'<span class="hi-private-note hi-lock">{LOCK} '
                                   f"{html.escape(text)}</span>")
        self._show_answers(measure, outcome)

    def _show_answers(self, measure, outcome: str | None) -> None:
        """ "Which values mean yes?" for a yes/no outcome whose answers the kit does not all
        know (built again only when the outcome column or the kind of measure changes)."""
        from widgets.files import data_import
        from widgets.words import yes_no_word

        key = (outcome, measure.kind)
        if key == self._answers_for:
            return
        self._answers_for = key
        old, self.answers = self.answers, []
        values = (data_import.answer_values(self.preview.frame[outcome])
                  if outcome is not None and measure.kind == "yes_no" else [])
        children: list[ipw.Widget] = []
        if values is None:
            children = [ipw.HTML(html.escape(
                f"{quote(outcome)} has more than {data_import.MAX_ANSWERS} different answers, so "
                "it does not look like yes/no answers: choose another column, or another "
                "kind of measure above."))]
        elif any(yes_no_word(v) is None for v, _ in values):
            children = [ipw.HTML(
                "<strong>Which values mean yes?</strong> "
                + html.escape(f"Some answers in {quote(outcome)} are not words the kit knows. "
                              "Say what each one means:"))]
            for value, count in values:
                meaning = yes_no_word(value)
                buttons = ipw.ToggleButtons(
                    options=MEANINGS, value=None if meaning is None else
                    ("yes" if meaning else "no"), style={"button_width": "7em"},
                    tooltips=[f"{quote(value)} means {label}" for label, _ in MEANINGS])
                buttons.add_class("hi-yes-value")
                label = ipw.HTML(html.escape(f"{quote(value)} ({count:,} "
                                             f"{'row' if count == 1 else 'rows'})"))
                label.add_class("hi-yes-value-label")
                label.layout.min_width = "10em"  # the buttons line up under each other
                row = ipw.HBox([label, buttons])
                row.add_class("hi-row")
                children.append(row)
                self.answers.append((value, buttons))
        for widget in self.answers_box.children:
            widget.close()
        for _, buttons in old:
            buttons.close()
        self.answers_box.children = children
        self.answers_box.layout.display = None if children else "none"

    def mapping(self):
        """The :class:`ColumnMapping` the dropdowns, ticks and answers describe."""
        from widgets.files.data_import import ColumnMapping

        cols = self.preview.columns
        words = {value: _MEANING[b.value] for value, b in self.answers
                 if b.value in _MEANING}
        return ColumnMapping(
            unit_id=self._column(self.id_column), outcome=self._column(self.outcome_column),
            population=self._column(self.population_column),
            private_name=self._column(self.private_column),
            context=[cols[i] for i, b in enumerate(self.context_boxes)
                     if b.value and not b.disabled],
            outcome_words=words)

    # ------------------------------------------------------------------ importing

    def _import_clicked(self) -> None:
        if self.preview is None:
            return
        self.names_confirm.hide()
        unit_id = self._column(self.id_column)
        if self._looks_like_names(unit_id):
            # Real names leave the kit only when the facilitator asks in so many words.
            self.names_confirm.ask(
                f"{quote(unit_id)} looks like real names. As ids they would show on plots, in "
                "tables, exports and reports. Use them as ids anyway?",
                self.session.guard(self._import_checked, message=self.message, saves=False))
            return
        self._import_checked()

    def _import_checked(self) -> None:
        s = self.session
        run = s.guard(self.import_now, message=self.message)
        if not stored_units(s.store, s.slug):
            run()
            return
        from widgets.files import data_import

        measure = s.inquiry().measure
        one, _ = unit_words(measure.unit_name)
        frame = data_import.to_frame(self.preview, self.mapping(), measure.kind,
                                     pseudonym_prefix=capitalised(one))
        self.confirm.ask(replace_warning(s.store, s.slug, frame["unit_id"], measure.unit_name),
                         run)

    def _cancel(self) -> None:
        self.clear()
        self.upload.message.clear()

    def import_now(self) -> int:
        """Check every value and store the units (replacing any stored); returns the count."""
        from widgets.files import data_import

        s = self.session
        measure = s.inquiry().measure
        one, _ = unit_words(measure.unit_name)
        self._step(1, "Checking every value…")
        try:
            try:
                frame = data_import.to_frame(self.preview, self.mapping(), measure.kind,
                                             pseudonym_prefix=capitalised(one))
            except FileProblem as problem:
                if measure.kind == "yes_no" and "yes or no" in str(problem):
                    hint = ("Say what it means under “Which values mean yes?”." if self.answers
                            else "Is the measure yes/no? Its kind is set above.")
                    raise FileProblem(f"{problem} {hint}") from None
                raise
            self._step(2, "Storing…")
            s.store.replace_units_frame(s.slug, frame, by=s.who, source=self._filename)
            n, filename = len(frame), self._filename
            self.clear()
            self.upload.message.clear()  # "Read 60 rows… then import." is done with
            self._step(3, "Working out the baseline…")
            s.changed("units")
        finally:
            self._step(None)
        notes = " ".join(frame.attrs.get("notes", []))
        self.message.show(f"Imported {n:,} rows from {filename}. {notes}".strip(), "ok")
        return n

    def _step(self, value: int | None, text: str = "") -> None:
        if value is None:
            self.progress_row.layout.display = "none"
            return
        self.progress.value = value
        self.progress_text.value = html.escape(text)
        self.progress_row.layout.display = None

    def clear(self) -> None:
        """Forget the previewed file (nothing was stored)."""
        self.preview = None
        self.confirm.hide()
        self.names_confirm.hide()
        self.preview_box.layout.display = "none"
        self.table.value = self.notes.value = ""
        self.message.clear()
