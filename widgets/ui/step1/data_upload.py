"""Section 4b: upload the data as a CSV or Excel file — preview, column mapping, then import.

Nothing is stored until the person presses "Import N rows" (and, when units are already
stored, says yes to replacing them). Every problem with the file is one plain line beside the
upload naming the row and column (``FileProblem`` from ``widgets.files.data_import``).
"""

from __future__ import annotations

import html
import math

import ipywidgets as ipw

from widgets.files import FileProblem
from widgets.ui.errors import Message, run_safely
from widgets.ui.step1.common import (
    LOCK,
    Confirm,
    capitalised,
    replace_warning,
    stored_units,
    unit_words,
)
from widgets.ui.styles import scroll_table
from widgets.ui.upload import UploadBox

ACCEPT = ".csv,.tsv,.txt,.xlsx"
CHOOSE = "Choose a CSV or Excel file"
PREVIEW_ROWS = 8
CELL_CHARS = 60
NONE = -1  # the dropdown value for "no column" / "make pseudonyms"


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

    def __init__(self, page, events):
        self.page, self.events = page, events
        self.built = False
        self.widget = ipw.VBox([])
        self.widget.add_class("hi-data-upload")

    def ensure_built(self) -> None:
        """Build the upload and mapping controls (once, when the panel is first opened)."""
        if self.built:
            return
        self.built = True
        page = self.page
        self.preview = None
        self._data, self._filename = b"", ""
        self._quiet = False
        self.upload = UploadBox(CHOOSE, ACCEPT, self.receive, errors=page.errors)
        # The button always says "(0)" after the file is taken: the step's CSS shows the
        # tooltip instead of the button text (see common.CSS).
        self.upload.upload.tooltip = CHOOSE
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
        self.sheet.observe(self._sheet_changed, names="value")
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
            dd.observe(lambda _c: self._roles_changed(), names="value")
        self.context_boxes: list[ipw.Checkbox] = []
        self.context_box = ipw.HBox([])
        self.context_box.add_class("hi-context-choice")
        self.import_button = ipw.Button(description="Import", button_style="primary",
                                        icon="check")
        self.import_button.add_class("hi-import")
        self.import_button.on_click(lambda _b: self._import_clicked())
        cancel = ipw.Button(description="Cancel")
        cancel.add_class("hi-import-cancel")
        cancel.on_click(lambda _b: (self.clear(), self.upload.message.clear()))
        self.confirm = Confirm()
        mapping = ipw.VBox([
            ipw.HTML("<strong>Which column is which?</strong>"), self.sheet, self.id_column,
            self.outcome_column, self.population_column, self.private_column,
            ipw.HTML("Circumstances to keep (tick the columns that describe each unit's "
                     "situation):"), self.context_box])
        mapping.add_class("hi-mapping")
        buttons = ipw.HBox([self.import_button, cancel])
        buttons.add_class("hi-row")
        self.preview_box = ipw.VBox([self.table, self.notes, mapping, buttons, self.confirm])
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
        return (f"Read {preview.rows:,} rows and {len(preview.columns)} columns from "
                f"{self._filename}. Check the columns below, then import.")

    def show_preview(self, preview) -> None:
        """Show the first rows and the column mapping, from the preview's suggestions."""
        self.preview = preview
        measure = self.page.store.get(self.page.slug, include_units=False).measure
        one, _ = unit_words(measure.unit_name)
        cols = [(str(c), i) for i, c in enumerate(preview.columns)]
        index = {c: i for i, c in enumerate(preview.columns)}
        s = preview.suggested
        self._quiet = True
        try:
            self.sheet.options = list(preview.sheets)
            self.sheet.value = preview.sheet if preview.sheets else None
            self.sheet.layout.display = None if len(preview.sheets) > 1 else "none"
            pseudo = f"make pseudonyms ({capitalised(one)} 1, {capitalised(one)} 2, …)"
            self.id_column.options = [(pseudo, NONE)] + cols
            self.id_column.value = index.get(s.unit_id, NONE)
            self.outcome_column.options = cols
            self.outcome_column.value = index.get(s.outcome, 0)
            self.population_column.options = [("none", NONE)] + cols
            self.population_column.value = index.get(s.population, NONE)
            self.private_column.options = [("none (recommended)", NONE)] + cols
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
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in preview.notes)
        self.notes.value = f'<ul class="hi-notes">{notes}</ul>' if notes else ""
        self.import_button.description = f"Import {preview.rows:,} rows"
        self.preview_box.layout.display = None

    def _sheet_changed(self, change) -> None:
        if self._quiet or not change["new"] or self.preview is None \
                or change["new"] == self.preview.sheet:
            return
        ok, text = run_safely(self.receive, self._data, self._filename, change["new"],
                              errors=self.page.errors, message=self.upload.message)
        if ok:
            self.upload.message.show(text, "ok")

    def _roles_changed(self) -> None:
        if self._quiet or self.preview is None:
            return
        taken = {dd.value for dd in (self.id_column, self.outcome_column,
                                     self.population_column, self.private_column)}
        for i, box in enumerate(self.context_boxes):
            box.disabled = i in taken
            if box.disabled:
                box.value = False

    def mapping(self):
        """The :class:`ColumnMapping` the dropdowns and ticks describe."""
        from widgets.files.data_import import ColumnMapping

        cols = self.preview.columns

        def col(dd):
            return None if dd.value in (None, NONE) else cols[dd.value]

        return ColumnMapping(
            unit_id=col(self.id_column), outcome=col(self.outcome_column),
            population=col(self.population_column), private_name=col(self.private_column),
            context=[cols[i] for i, b in enumerate(self.context_boxes)
                     if b.value and not b.disabled])

    # ------------------------------------------------------------------ importing

    def _import_clicked(self) -> None:
        if self.preview is None:
            return
        stored = stored_units(self.page.store, self.page.slug)
        run = self.page.guard(self.import_now, message=self.message)
        if stored:
            self.page.guard(self._ask_to_replace, message=self.message, saves=False)()
        else:
            run()

    def _ask_to_replace(self) -> None:
        from widgets.files import data_import

        measure = self.page.store.get(self.page.slug, include_units=False).measure
        one, _ = unit_words(measure.unit_name)
        frame = data_import.to_frame(self.preview, self.mapping(), measure.kind,
                                     pseudonym_prefix=capitalised(one))
        warning = replace_warning(self.page.store, self.page.slug, frame["unit_id"],
                                  measure.unit_name)
        self.confirm.ask(warning, self.page.guard(self.import_now, message=self.message))

    def import_now(self) -> int:
        """Check every value and store the units (replacing any stored); returns the count."""
        from widgets.files import data_import

        measure = self.page.store.get(self.page.slug, include_units=False).measure
        one, _ = unit_words(measure.unit_name)
        self._step(1, "Checking every value…")
        try:
            try:
                frame = data_import.to_frame(self.preview, self.mapping(), measure.kind,
                                             pseudonym_prefix=capitalised(one))
            except FileProblem as problem:
                if measure.kind == "yes_no" and "yes or no" in str(problem):
                    raise FileProblem(f"{problem} Is the measure yes/no? Its kind is set "
                                      "above.") from None
                raise
            self._step(2, "Storing…")
            self.page.store.replace_units_frame(self.page.slug, frame, by=self.page.who,
                                                source=self._filename)
            n, filename = len(frame), self._filename
            self.clear()
            self.upload.message.clear()  # "Read 60 rows… then import." is done with
            self._step(3, "Working out the baseline…")
            self.events.emit("units")
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
        self.preview_box.layout.display = "none"
        self.table.value = self.notes.value = ""
        self.message.clear()
