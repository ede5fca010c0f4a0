"""Section 4a: type the data in — a table of small text boxes, one row per unit.

Comfortable for about 50 units, shown 25 rows a page (about a screenful). Each row is saved
when a cell is left (``store.update_unit``); a value that does not fit (a word where a number
belongs, a count below 0, more events than the population of a rate: the model's
``outcomes_misfit``, the store's rule too) is marked and not stored, and a message beside
the table names its row and column until the cell is fixed — editing other cells or rows,
or paging, does not lose it. The row's other cells are stored as typed. Rows are added and
removed one at a time (``add_unit``/``remove_unit``); circumstance columns are added or
removed by name. Real names, if the group keeps any, show in this table only, marked
private with a lock.

The table is built the first time it is opened (``ensure_built``): a page of rows is a
hundred widgets or more, which the page should not pay for at load time. Each cell is
created with its value, label and classes at once, and every cell shares one layout and one
style, so opening the table sends one message per cell; turning a page or showing the step
again reuses the rows and sends only the cells that differ.
"""

from __future__ import annotations

import html
import math
from dataclasses import replace

import ipywidgets as ipw

from widgets.model import UNIT_FIELDS, ModelError, Unit
from widgets.ui.errors import Message
from widgets.ui.step1.cells import CellState, Row, Shared, format_value, problem_text, read_row
from widgets.ui.step1.common import LOCK, Confirm, capitalised
from widgets.ui.styles import label_hidden
from widgets.words import unit_words

#: Rows on one page of the table. Each cell is a widget (about 2 ms to make in the kernel, and
#: as much again to draw in the browser): 25 rows open in well under a third of a second.
PAGE_SIZE = 25
MAX_ADD = 100
WIDTHS = {"unit_id": "10em", "outcome": "8em", "population": "8em", "private_name": "12em"}
#: At most this many cells that do not fit are listed in the message.
LISTED_PROBLEMS = 3


class UnitsEditor:
    """The editable units table. ``widget`` is built lazily by :meth:`ensure_built`."""

    def __init__(self, session, page_size: int = PAGE_SIZE):
        self.session, self.page_size = session, page_size
        self.units: list[Unit] = []
        self.columns: list[str] = []
        self.context: list[str] = []
        self.rows: list[Row] = []
        self.headers: list[ipw.HTML] = []
        self._heads: list[str] = []
        self.page_number = 0
        self.built = False
        self._loading = False
        self._own_change = False
        self._shared = Shared()
        self.message = Message()  # what the last action (add, remove, a column) said
        # Cells typed that do not fit, until they are fixed: (stored unit id, column) ->
        # (the text typed, why it does not fit). Shown in their own message, which other
        # actions do not clear.
        self.problems: dict[tuple[str, str], tuple[str, str]] = {}
        self.cell_message = Message()
        self.cell_message.add_class("hi-cell-problems")
        self.widget = ipw.VBox([])
        self.widget.add_class("hi-units-editor")
        session.on("units", self._outside_change)
        session.on("measure", self._outside_change)

    # ------------------------------------------------------------------ building

    def ensure_built(self) -> None:
        """Build the table (once); later calls do nothing."""
        if self.built:
            return
        self.built = True
        self.grid = ipw.GridBox([])
        self.grid.add_class("hi-units-grid")
        self.grid.add_class("hi-scroll")  # scrolls sideways on a phone, first column kept
        self.pager = ipw.HTML()
        self.pager.add_class("hi-pager")
        self.prev = ipw.Button(description="Previous", icon="arrow-left")
        self.next = ipw.Button(description="Next", icon="arrow-right")
        session = self.session
        session.wire(self.prev, lambda: self.go(self.page_number - 1), saves=False)
        session.wire(self.next, lambda: self.go(self.page_number + 1), saves=False)
        self.how_many = ipw.BoundedIntText(value=1, min=1, max=MAX_ADD,
                                           layout=ipw.Layout(width="6em"))
        self.how_many.add_class("hi-add-count")
        label_hidden(self.how_many, "How many rows to add")
        self.add_button = ipw.Button(description="Add rows", icon="plus")
        self.add_button.add_class("hi-add-units")
        session.wire(self.add_button, lambda: self.add_units(self.how_many.value),
                     message=self.message)
        self.column_name = ipw.Text(placeholder="for example: income band",
                                    layout=ipw.Layout(width="16em"))
        self.column_name.add_class("hi-new-column")
        label_hidden(self.column_name, "The new circumstance's name")
        add_col = ipw.Button(description="Add the column", icon="columns")
        add_col.add_class("hi-add-column")
        session.wire(add_col, lambda: self.add_column(self.column_name.value),
                     message=self.message)
        self.drop_choice = ipw.Dropdown(options=[], layout=ipw.Layout(width="14em"))
        label_hidden(self.drop_choice, "The column to remove")
        self.drop_button = ipw.Button(description="Remove…")
        self.drop_button.add_class("hi-remove-column")
        session.wire(self.drop_button, self._ask_remove_column, message=self.message,
                     saves=False)
        self.confirm = Confirm("Yes, remove it")
        self.private_note = ipw.HTML(
            f'<span class="hi-private-note hi-lock">{LOCK} Real names are private: they show '
            "only in this table and never leave the kit in exports or reports unless you "
            "ask.</span>")
        self.add_label = ipw.HTML()
        add_row = ipw.HBox([ipw.HTML("Add"), self.how_many, self.add_label, self.add_button])
        col_row = ipw.HBox([ipw.HTML("A new circumstance:"), self.column_name, add_col])
        self.drop_row = ipw.HBox([ipw.HTML("Remove the column"), self.drop_choice,
                                  self.drop_button])
        pager = ipw.HBox([self.prev, self.pager, self.next])
        for box in (add_row, col_row, self.drop_row, pager):
            box.add_class("hi-row")
        self.widget.children = [self.message, self.cell_message, pager, self.grid,
                                self.private_note, add_row, col_row, self.drop_row, self.confirm]
        self.reload()

    def _layout(self) -> list[str]:
        measure = self.measure
        has_population = measure.kind == "rate" or any(u.population is not None
                                                       for u in self.units)
        has_private = any(u.private_name for u in self.units)
        return (["unit_id", "outcome"] + (["population"] if has_population else [])
                + (["private_name"] if has_private else []) + list(self.context))

    def _headers(self) -> list[str]:
        from widgets.analysis.baseline import predicate

        one, _ = unit_words(self.measure.unit_name)
        what = self.measure.what.strip() and capitalised(predicate(self.measure))
        what = what if len(what) <= 30 else what[:29] + "…"
        if self.measure.kind == "yes_no":
            outcome = f"{what}? (yes / no)" if what else "Outcome (yes / no)"
        else:
            outcome = what or "Outcome"
        names = {"unit_id": capitalised(one), "outcome": outcome,
                 "population": "Population", "private_name": "Real name (private)"}
        self.column_words = {c: names.get(c, c) for c in self.columns}  # the cells' labels
        out = []
        for c in self.columns:
            text = html.escape(names.get(c, c))
            if c == "private_name":
                text = f'<span class="hi-lock">{LOCK} {text}</span>'
            out.append(f'<span class="hi-col-head">{text}</span>')
        return [*out, ""]

    def _show_headers(self) -> None:
        heads = self._headers()
        if heads == self._heads:
            return  # the same words: keep the widgets
        for header in self.headers:
            header.close()
        self._heads = heads
        self.headers = [ipw.HTML(text) for text in heads]

    # ------------------------------------------------------------------ showing

    def reload(self, inquiry=None) -> None:
        """Show the current page of ``inquiry`` (read with its units), or of the units as
        the store holds them now."""
        if not self.built:
            return  # read when first opened
        if inquiry is None:
            self.session.changed()  # after this table's own write: read what it wrote
            inquiry = self.session.inquiry(units=True)
        self.measure, self.units, self.context = (inquiry.measure, inquiry.units,
                                                  list(inquiry.context_columns))
        columns = self._layout()
        if columns != self.columns:
            for row in self.rows:
                row.close()
            self.rows, self.columns = [], columns
        ids = {u.unit_id for u in self.units}
        self.problems = {k: v for k, v in self.problems.items()
                         if k[0] in ids and k[1] in columns}
        self._show_headers()
        last = max(0, (len(self.units) - 1) // self.page_size)
        self.page_number = min(self.page_number, last)
        self._fill()
        one, many = unit_words(self.measure.unit_name)
        self.add_label.value = f"more {html.escape(many)}"
        self.private_note.layout.display = None if "private_name" in self.columns else "none"
        self.drop_choice.options = list(self.context)
        self.drop_choice.value = self.context[0] if self.context else None
        self.drop_row.layout.display = None if self.context else "none"
        self._show_problems()

    def _state(self, unit: Unit) -> dict[str, CellState]:
        """What each cell of ``unit``'s row shows: the stored value, or what was typed
        that did not fit (until it is fixed)."""
        yes_no = self.measure.kind == "yes_no"
        values = {"unit_id": unit.unit_id, "outcome": unit.outcome,
                  "population": unit.population, "private_name": unit.private_name}
        state = {}
        for c in self.columns:
            label = f"{unit.unit_id}: {self.column_words[c]}"
            pending = self.problems.get((unit.unit_id, c))
            if pending is not None:  # typed, did not fit: show it until fixed
                state[c] = (pending[0], label, True)
                continue
            value = values[c] if c in UNIT_FIELDS else unit.context.get(c)
            state[c] = (format_value(value, yes_no and c == "outcome"), label, False)
        return state

    def _fill(self) -> None:
        start = self.page_number * self.page_size
        shown = self.units[start:start + self.page_size]
        self._loading = True
        try:
            for k, unit in enumerate(shown):
                state, tooltip = self._state(unit), f"Remove {unit.unit_id}"
                if k < len(self.rows):
                    self.rows[k].show(state, tooltip)
                else:  # a new row is built with its values: one message per cell
                    self.rows.append(Row(self.columns, self._changed, self._removed,
                                         shared=self._shared, state=state, tooltip=tooltip))
                self.rows[k].index = start + k
        finally:
            self._loading = False
        self.grid.layout.grid_template_columns = " ".join(
            WIDTHS.get(c, "10em") for c in self.columns) + " 3em"
        self.grid.children = self.headers + [w for r in self.rows[:len(shown)]
                                             for w in r.widgets()]
        pages = max(1, math.ceil(len(self.units) / self.page_size))
        _, many = unit_words(self.measure.unit_name)
        if not self.units:
            text = f"No {many} yet: add rows below, or upload or tally the numbers."
        else:
            text = (f"{capitalised(many)} {start + 1}–{start + len(shown)} of "
                    f"{len(self.units)}" + (f" (page {self.page_number + 1} of {pages})"
                                            if pages > 1 else ""))
        self.pager.value = html.escape(text)
        self.prev.disabled = self.page_number == 0
        self.next.disabled = self.page_number >= pages - 1
        for b in (self.prev, self.next):
            b.layout.display = None if pages > 1 else "none"

    def go(self, number: int) -> None:
        """Show page ``number`` (0-based; clamped)."""
        if not self.built:
            return
        pages = max(1, math.ceil(len(self.units) / self.page_size))
        self.page_number = max(0, min(number, pages - 1))
        self._fill()

    def _outside_change(self) -> None:
        if not self._own_change:
            self.reload()

    # ------------------------------------------------------------------ changing

    def _changed(self, row: Row) -> None:
        if not self._loading and row.index >= 0:
            self.session.guard(self.save_row, message=self.message)(row)
            if self.problems:  # what was typed is not all stored
                self.session.status.failed(self.problem_texts()[0])

    def _removed(self, row: Row) -> None:
        self.session.guard(self.remove, message=self.message)(row.index)

    def read_row(self, row: Row) -> tuple[Unit, dict[str, str]]:
        """The unit a row's cells describe, and the cells that do not fit (column ->
        reason); those keep their stored value in the unit."""
        return read_row(row, self.units[row.index], self.measure.kind, self.context)

    def save_row(self, row: Row) -> None:
        """Store what fits of the row (one ``update_unit``), if it changed; remember the
        cells that do not fit, and show why, until they are fixed."""
        s = self.session
        old = self.units[row.index]
        unit, problems = self.read_row(row)
        if unit != old:
            try:
                s.store.update_unit(s.slug, old.unit_id, unit, by=s.who)
            except ModelError as error:
                if unit.unit_id == old.unit_id:
                    raise
                # The new id is not allowed (taken): keep the old one, store the rest.
                problems["unit_id"] = str(error)
                row.cells["unit_id"].add_class("hi-cell-error")
                unit = replace(unit, unit_id=old.unit_id)
                if unit != old:
                    s.store.update_unit(s.slug, old.unit_id, unit, by=s.who)
            self.units[row.index] = unit
        self.problems = {k: v for k, v in self.problems.items() if k[0] != old.unit_id}
        for c, reason in problems.items():
            self.problems[(unit.unit_id, c)] = (row.cells[c].value, reason)
        self._show_problems()
        if unit != old:
            row.remove.tooltip = f"Remove {unit.unit_id}"
            self._tell()

    def problem_texts(self) -> list[str]:
        """One sentence per cell that does not fit, in the table's order."""
        order = {u.unit_id: i for i, u in enumerate(self.units)}
        columns = {c: i for i, c in enumerate(self.columns)}
        keys = sorted(self.problems, key=lambda k: (order.get(k[0], len(order)),
                                                    columns.get(k[1], len(columns))))
        return [problem_text(order.get(uid, -1) + 1, uid, c, self.problems[(uid, c)][1])
                for uid, c in keys]

    def _show_problems(self) -> None:
        texts = self.problem_texts()
        if not texts:
            self.cell_message.clear()
            return
        shown = " ".join(texts[:LISTED_PROBLEMS])
        if len(texts) > LISTED_PROBLEMS:
            shown += f" And {len(texts) - LISTED_PROBLEMS} more."
        rest = ("The cell marked in red is not saved until it is fixed; the rest of its row "
                "is saved." if len(texts) == 1 else "The cells marked in red are not saved "
                "until they are fixed; the other cells are saved.")
        self.cell_message.show(f"{shown} {rest}", "error")

    def add_units(self, count: int) -> list[str]:
        """Add ``count`` empty rows with pseudonyms ("Family 61"…); returns their ids."""
        count = int(count or 1)
        if not 1 <= count <= MAX_ADD:
            raise ModelError(f"Add between 1 and {MAX_ADD} rows at a time.")
        one, _ = unit_words(self.measure.unit_name)
        taken = {u.unit_id for u in self.units}
        added, k = [], len(self.units)
        while len(added) < count:
            k += 1
            uid = f"{capitalised(one)} {k}"
            if uid in taken:
                continue
            s = self.session
            s.store.add_unit(s.slug, Unit(uid, context=dict.fromkeys(self.context)), by=s.who)
            added.append(uid)
        self.reload()
        self.go(len(self.units))  # the last page, where the new rows are
        self._tell()
        return added

    def remove(self, index: int) -> None:
        """Remove the unit at ``index`` (its decisions and checks go with it)."""
        s = self.session
        unit_id = self.units[index].unit_id
        s.store.remove_unit(s.slug, unit_id, by=s.who)
        self.problems = {k: v for k, v in self.problems.items() if k[0] != unit_id}
        self.reload()
        self._tell()

    def add_column(self, name: str) -> None:
        """Add an empty circumstance column called ``name``."""
        name = " ".join((name or "").split())
        if not name:
            raise ModelError("Type the name of the circumstance first (for example: housing).")
        if name.casefold() in {c.casefold() for c in [*self.context, *UNIT_FIELDS]}:
            raise ModelError(f"There is already a column called “{name}”.")
        s = self.session
        frame = s.store.units_frame(s.slug, include_private=True)
        frame[name] = None
        s.store.replace_units_frame(s.slug, frame, by=s.who,
                                    source=f"the table (new column {name!r})")
        self.column_name.value = ""
        self.reload()
        self._tell()

    def _ask_remove_column(self) -> None:
        name = self.drop_choice.value
        if not name:
            return
        _, many = unit_words(self.measure.unit_name)
        self.confirm.ask(f"This removes the column “{name}” and its values for all "
                         f"{len(self.units)} {many}.",
                         self.session.guard(lambda: self.remove_column(name),
                                            message=self.message))

    def remove_column(self, name: str) -> None:
        """Remove the circumstance column ``name`` and its values."""
        s = self.session
        frame = s.store.units_frame(s.slug, include_private=True)
        if name not in self.context or name not in frame.columns:
            raise ModelError(f"There is no column called “{name}”.")
        s.store.replace_units_frame(s.slug, frame.drop(columns=[name]), by=s.who,
                                    source=f"the table (column {name!r} removed)")
        self.reload()
        self._tell()

    def _tell(self) -> None:
        self._own_change = True
        try:
            self.session.changed("units")
        finally:
            self._own_change = False
