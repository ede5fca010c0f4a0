"""The cells of the units table: reading typed values, showing stored ones."""

import math

import ipywidgets as ipw
import pytest

from widgets.model import Unit
from widgets.ui.step1.cells import (
    Row,
    format_value,
    parse_circumstance,
    parse_outcome,
    problem_text,
    read_row,
)


def test_parsing_and_formatting():
    assert parse_outcome("Yes", "yes_no") == 1.0 and parse_outcome(" n ", "yes_no") == 0.0
    assert parse_outcome("", "yes_no") is None
    assert parse_outcome("1,5", "score") == 1.5 and parse_outcome("", "count") is None
    with pytest.raises(ValueError, match="not yes or no"):
        parse_outcome("maybe", "yes_no")
    # yes and no as groups type them
    assert [parse_outcome(w, "yes_no") for w in ("ja", "Nein", "oui", "non", "sí", "wahr")] == [
        1.0, 0.0, 1.0, 0.0, 1.0, 1.0]
    with pytest.raises(ValueError, match="not a number"):
        parse_outcome("abc", "score")
    with pytest.raises(ValueError, match="below 0"):
        parse_outcome("-1", "count")
    assert parse_circumstance("5") == 5.0 and parse_circumstance("low") == "low"
    assert parse_circumstance(" ") is None
    assert format_value(1.0, yes_no=True) == "yes" and format_value(5.0) == "5"
    assert format_value(0.25) == "0.25" and format_value(math.nan) == ""
    assert format_value(None) == ""


def make_row(columns, values, index=0):
    row = Row(columns, on_change=lambda r: None, on_remove=lambda r: None)
    row.index = index
    for c, v in zip(columns, values, strict=True):
        row.cells[c].value = v
    return row


def test_read_row_builds_the_unit():
    old = Unit("F1", 0.0, None, "Ann", {"housing": "rent", "children": 2.0})
    row = make_row(["unit_id", "outcome", "housing", "children"], [" F1 ", "yes", "own", "3"])
    unit, problems = read_row(row, old, "yes_no", ["housing", "children"])
    assert unit == Unit("F1", 1.0, None, "Ann", {"housing": "own", "children": 3.0})
    assert problems == {}
    assert all(isinstance(w, ipw.Widget) for w in row.widgets())


def test_read_row_keeps_the_cells_that_fit_and_marks_the_others():
    old = Unit("F7", 2.0, 50.0, None, {"housing": "rent"})
    row = make_row(["unit_id", "outcome", "population", "housing"], ["F7b", "4", "many", "own"],
                   index=6)
    unit, problems = read_row(row, old, "rate", ["housing"])
    assert unit == Unit("F7b", 4.0, 50.0, None, {"housing": "own"})  # the old population
    assert problems == {"population": "“many” is not a number."}
    assert problem_text(7, "F7", "population", problems["population"]) == (
        "Row 7 (F7), population: “many” is not a number.")
    assert problem_text(1, "F1", "unit_id", "every row needs an id.") == (
        "Row 1 (F1), id: every row needs an id.")
    assert "hi-cell-error" in row.cells["population"]._dom_classes
    assert "hi-cell-error" not in row.cells["outcome"]._dom_classes
    row.cells["population"].value = "100"
    unit, problems = read_row(row, old, "rate", ["housing"])
    assert unit.population == 100.0 and problems == {}
    assert "hi-cell-error" not in row.cells["population"]._dom_classes
    row.cells["unit_id"].value = " "
    row.cells["outcome"].value = "-1"
    unit, problems = read_row(row, old, "rate", ["housing"])
    assert (unit.unit_id, unit.outcome) == ("F7", 2.0)
    assert set(problems) == {"unit_id", "outcome"}
