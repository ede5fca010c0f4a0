"""The cells of the units table: how a typed value is read, and how a stored one is shown.

Used by :mod:`widgets.ui.step1.units_editor`. A value that does not fit raises
:class:`~widgets.model.ModelError` with a plain reason; :func:`read_row` reads the cells that
fit, marks the ones that do not and says why (:func:`problem_text` adds the row and column).
"""

from __future__ import annotations

import math
import re

import ipywidgets as ipw
from ipywidgets.widgets.widget_string import TextStyle

from widgets.model import UNIT_FIELDS, ModelError, Unit, unit_misfit
from widgets.words import yes_no_word

_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


def format_value(value, yes_no: bool = False) -> str:
    """A stored value as it is shown in a cell ("" for missing, "yes"/"no" for yes/no)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if yes_no and value in (0, 1):
            return "yes" if value == 1 else "no"
        return str(int(value)) if float(value).is_integer() else f"{value:.10g}"
    return str(value)


def parse_number(text: str) -> float | None:
    """A typed number ("" -> None; "1,5" -> 1.5); raises ValueError when it is not one."""
    text = text.strip()
    if not text:
        return None
    if _DECIMAL_COMMA.match(text):
        text = text.replace(",", ".")
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(text)
    return number


def parse_outcome(text: str, kind: str) -> float | None:
    """A typed outcome for a measure of ``kind``; raises ModelError with a plain reason."""
    if kind == "yes_no":
        if not text.strip():
            return None
        meaning = yes_no_word(text)  # yes/no, ja/nein, oui/non, 1/0…
        if meaning is not None:
            return 1.0 if meaning else 0.0
        raise ModelError(f"“{text[:40]}” is not yes or no.")
    try:
        number = parse_number(text)
    except ValueError:
        raise ModelError(f"“{text[:40]}” is not a number.") from None
    _refuse_misfit(kind, number, None)
    return number


def parse_population(text: str) -> float | None:
    """A typed population; raises ModelError with a plain reason (not a number, below 0)."""
    try:
        number = parse_number(text)
    except ValueError:
        raise ModelError(f"“{text[:40]}” is not a number.") from None
    _refuse_misfit("rate", None, number)
    return number


def _refuse_misfit(kind: str, outcome: float | None, population: float | None) -> None:
    # The model's rules for outcomes (the store applies the same ones).
    found = unit_misfit(kind, outcome, population)
    if found is not None:
        raise ModelError(found[1])


def parse_circumstance(text: str):
    """A typed circumstance: a number when it reads as one, else the text as typed."""
    if not text.strip():
        return None
    try:
        return parse_number(text)
    except ValueError:
        return text


class Shared:
    """The layout and style objects every row of one table shares: each is a widget model
    of its own, so sharing them sends three times fewer models to the browser."""

    def __init__(self) -> None:
        self.cell_layout = ipw.Layout(width="100%")
        self.cell_style = TextStyle()
        self.button_layout = ipw.Layout(width="3em")
        self.button_style = ipw.ButtonStyle()


#: What one cell shows: (the text, its hidden label, whether it is marked as not fitting).
CellState = tuple[str, str, bool]


def cell_classes(column: str, error: bool = False) -> list[str]:
    """The CSS classes of a cell of ``column`` (the browser tests select on them)."""
    classes = ["hi-cell", f"hi-cell-{column}" if column in UNIT_FIELDS else "hi-cell-context",
               "hi-label-hidden"]
    return [*classes, "hi-cell-error"] if error else classes


class Row:
    """The widgets of one table row (reused as pages change).

    ``state`` gives each cell its text, label and mark at once (one message to the browser
    per cell instead of one per setting); ``shared`` their shared layout and style."""

    def __init__(self, columns: list[str], on_change, on_remove, *,
                 shared: Shared | None = None, state: dict[str, CellState] | None = None,
                 tooltip: str = "Remove this row"):
        shared = shared or Shared()
        state = state or {}
        self.index = -1
        self.cells: dict[str, ipw.Text] = {}
        for c in columns:
            value, label, error = state.get(c, ("", "", False))
            cell = ipw.Text(value=value, description=label, continuous_update=False,
                            layout=shared.cell_layout, style=shared.cell_style,
                            _dom_classes=cell_classes(c, error))
            cell.observe(lambda _ch: on_change(self), names="value")
            self.cells[c] = cell
        self.remove = ipw.Button(icon="times", tooltip=tooltip, layout=shared.button_layout,
                                 style=shared.button_style, _dom_classes=["hi-unit-remove"])
        self.remove.on_click(lambda _b: on_remove(self))

    def show(self, state: dict[str, CellState], tooltip: str) -> None:
        """Show other values in the row's cells (only what differs is sent)."""
        for c, (value, label, error) in state.items():
            cell = self.cells[c]
            with cell.hold_sync():
                cell.value = value
                cell.description = label
                if error:
                    cell.add_class("hi-cell-error")
                else:
                    cell.remove_class("hi-cell-error")
        self.remove.tooltip = tooltip

    def widgets(self) -> list[ipw.Widget]:
        """The row's widgets in column order, then its "Remove" button."""
        return [*self.cells.values(), self.remove]

    def close(self) -> None:
        """Close the row's widgets (they are gone from the page; the shared layout stays)."""
        for w in self.widgets():
            w.close()


#: How a column is named in a message about one of its cells.
HEADS = {"unit_id": "id", "private_name": "real name"}


def problem_text(number: int, unit_id: str, column: str, reason: str) -> str:
    """"Row 2 (Family 2), outcome: “maybe” is not yes or no." for a cell that does not fit
    (``number`` counts from 1, as the table shows)."""
    return f"Row {number} ({unit_id}), {HEADS.get(column, column)}: {reason}"


def read_row(row: Row, old: Unit, kind: str, context: list[str]) -> tuple[Unit, dict[str, str]]:
    """The unit ``row``'s cells describe (``old`` is the stored unit, ``kind`` the measure's),
    and the cells that do not fit, ``{column: plain reason}``.

    A cell that does not fit keeps ``old``'s value in the unit and is marked; every other
    cell is read as typed, so one wrong cell never throws away the rest of the row.
    """
    values, found, problems = {}, {}, {}
    for c, cell in row.cells.items():
        try:
            if c == "unit_id":
                value = cell.value.strip()
                if not value:
                    raise ModelError("every row needs an id.")
            elif c == "outcome":
                value = parse_outcome(cell.value, kind)
            elif c == "population":
                value = parse_population(cell.value)
            elif c == "private_name":
                value = cell.value if cell.value.strip() else None
            else:
                value = parse_circumstance(cell.value)
        except ModelError as error:
            cell.add_class("hi-cell-error")
            problems[c] = str(error)
            continue
        cell.remove_class("hi-cell-error")
        (values if c in UNIT_FIELDS else found)[c] = value
    _check_together(row, old, kind, values, problems)
    unit = Unit(unit_id=values.get("unit_id", old.unit_id),
                outcome=values.get("outcome", old.outcome),
                population=values.get("population", old.population),
                private_name=values.get("private_name", old.private_name),
                context={c: found.get(c, old.context.get(c)) for c in context})
    return unit, problems


def _check_together(row: Row, old: Unit, kind: str, values: dict,
                    problems: dict[str, str]) -> None:
    """A rate's events and population must fit together (no more events than people):
    when they do not, the cell that changed is marked and keeps ``old``'s value (the
    outcome when both did, or neither, as for values stored before this rule)."""
    for _ in range(2):
        outcome = values.get("outcome", old.outcome)
        population = values.get("population", old.population)
        found = unit_misfit(kind, outcome, population)
        if found is None:
            return
        changed = [c for c in ("outcome", "population") if c in values
                   and values[c] != getattr(old, c)]
        cell = changed[0] if changed else "outcome"
        if cell not in row.cells:  # no cell to mark (the population column is not shown)
            cell = "outcome" if "outcome" in row.cells else next(iter(row.cells))
        row.cells[cell].add_class("hi-cell-error")
        problems[cell] = found[1]
        if cell not in values:
            return  # nothing typed to take back: the stored values stay as they were
        del values[cell]
