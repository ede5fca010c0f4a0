"""The workbook (.xlsx): one sheet per part, formulas neutralised, and an exact round trip."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import TRICKY_TEXTS, inquiries, storable_inquiries

from widgets import examples
from widgets.files import FileProblem, load_inquiry, workbook
from widgets.files.spreadsheet_safety import (
    escape_xml,
    from_cell,
    neutralise,
    restore,
    to_cell,
    unescape_xml,
)
from widgets.model import (
    Action,
    AnalysisRun,
    ExceptionDecision,
    HistoryEntry,
    Inquiry,
    Measure,
    Practice,
    Unit,
)

HOSTILE = ["=1+2", "=HYPERLINK(\"http://evil\",\"click\")", "@SUM(A1:A9)", "+cmd|' /C calc'!A0",
           "-2+3", "\t=1", "\r=1", "'=1", "#N/A", "=", "@"]

# Whole inquiries take a while to generate on a busy machine; that is not a failure.
_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]

#: The round trips through the store run on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_backends


def _example(private: bool = True) -> Inquiry:
    inquiry = examples.build("grub-hub")
    if private:
        for n, unit in enumerate(inquiry.units):
            unit.private_name = f"Real Name {n}"
    return inquiry


def _hostile() -> Inquiry:
    columns = ["=area", "@note"]
    # numbered: ids are kept clean, so "\t=1" and "\r=1" would both be the id "=1"
    units = [Unit(f"{text}{n}", 1.0, 2.0, f"name {n}", {"=area": text, "@note": text})
             for n, text in enumerate(HOSTILE)]
    return Inquiry(
        title="=TITLE()", context_columns=columns, units=units,
        practices=[Practice(what=t, how=t, why=t, from_units=[t], id=n)
                   for n, t in enumerate(HOSTILE, start=1)],
        actions=[Action(what=t, leads=[t], when=t, publicity=t, professional_terms=t, id=n)
                 for n, t in enumerate(HOSTILE, start=1)],
        exceptions=[ExceptionDecision(u.unit_id, note=t, methods=[t])
                    for u, t in zip(units, HOSTILE, strict=True)],
        history=[HistoryEntry(t, t, t, t, {t: t}) for t in HOSTILE],
    )


def _open(data: bytes, read_only: bool = False):
    return openpyxl.load_workbook(io.BytesIO(data), read_only=read_only)


def _problem(data: bytes) -> str:
    with pytest.raises(FileProblem) as caught:
        workbook.from_bytes(data)
    message = str(caught.value)
    assert "\n" not in message and len(message) < 200 and "Traceback" not in message
    return message


def _edit(data: bytes, change) -> bytes:
    book = _open(data)
    change(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------- cell text rules


@settings(max_examples=500)
@given(st.text(st.characters(exclude_categories=("Cs",))) | st.sampled_from(TRICKY_TEXTS)
       | st.text("_x0123456789ABCDEFabcdef\r\x01'=", max_size=20))
def test_cell_text_rule_is_reversible(text):
    assert from_cell(to_cell(text, nullable=True)) == text
    assert unescape_xml(escape_xml(text)) == text
    assert restore(neutralise(text)) == text
    cell = to_cell(text)
    assert (from_cell(cell) or "") == text
    if cell:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_cell_text_rule_examples():
    assert to_cell("=1+2") == "'=1+2"
    assert to_cell("'quoted") == "''quoted"
    assert to_cell("plain text") == "plain text"
    assert to_cell("a\rb") == "a_x000D_b"
    assert to_cell("_x0041_") == "_x005F_x0041_"
    assert to_cell("#N/A") == "'#N/A"
    assert to_cell("") is None and to_cell("", nullable=True) == "'"
    assert from_cell(None) is None and from_cell("'") == ""


# ---------------------------------------------------------------------- layout


def test_one_sheet_per_part_with_a_readable_layout():
    data = workbook.to_bytes(_example())
    book = _open(data)
    assert book.sheetnames == list(workbook.SHEETS)
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2"
        assert all(cell.font.bold for cell in ws[1] if cell.value is not None)
        assert ws.column_dimensions["A"].width >= 8
    about = {row[0]: row[1] for row in book["About"].iter_rows(min_row=2, values_only=True)}
    assert about["format"] == "hidden-insights-workbook" and about["version"] == 2
    assert about["title"] == "Grub Hub (illustrative)"
    header = [c.value for c in book["Units"][1]]
    assert header[:3] == ["unit_id", "outcome", "population"]
    assert header[3:] == _example().context_columns
    assert book["Practices"]["F1"].value == "from_units"
    # lists are JSON text in one cell, numbers stay numbers
    assert book["Practices"]["F2"].value.startswith("[")
    outcome = book["Units"]["B2"]
    assert outcome.data_type == "n" and isinstance(outcome.value, int | float)


def test_real_names_are_left_out_unless_asked():
    inquiry = _example()
    data = workbook.to_bytes(inquiry)
    unpacked = b"".join(zipfile.ZipFile(io.BytesIO(data)).read(n)
                        for n in zipfile.ZipFile(io.BytesIO(data)).namelist())
    assert b"Real Name" not in unpacked
    assert "private_name" not in [c.value for c in _open(data)["Units"][1]]
    loaded = workbook.from_bytes(data)
    assert all(u.private_name is None for u in loaded.units)
    expected = dataclasses.replace(
        inquiry, units=[dataclasses.replace(u, private_name=None) for u in inquiry.units])
    assert loaded == expected

    with_names = workbook.to_bytes(inquiry, include_private=True)
    assert "private_name" in [c.value for c in _open(with_names)["Units"][1]]
    assert workbook.from_bytes(with_names) == inquiry


# ---------------------------------------------------------------------- neutralising


def test_no_formula_cells_and_exact_round_trip():
    inquiry = _hostile()
    data = workbook.to_bytes(inquiry, include_private=True)
    book = _open(data)
    cells = [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row]
    assert cells
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert not [c.coordinate for c in cells if c.data_type == "e"]
    for cell in cells:
        if isinstance(cell.value, str):
            assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert book["Practices"]["B2"].value == "'=1+2"
    assert workbook.from_bytes(data) == inquiry


def test_a_person_typing_a_formula_gives_text_not_a_result():
    data = workbook.to_bytes(_hostile())

    def change(book):
        book["Practices"]["C2"] = "=1+1"  # a real formula cell now

    loaded = workbook.from_bytes(_edit(data, change))
    assert loaded.practices[0].how == "=1+1"


# ---------------------------------------------------------------------- round trips


def test_example_round_trip():
    inquiry = _example()
    assert workbook.from_bytes(workbook.to_bytes(inquiry, include_private=True)) == inquiry
    assert load_inquiry(workbook.to_bytes(inquiry, include_private=True), "x.json") == inquiry


def test_empty_inquiry_round_trip():
    inquiry = Inquiry(title="Nothing yet")
    assert workbook.from_bytes(workbook.to_bytes(inquiry)) == inquiry


def test_numbers_keep_every_digit_and_their_type():
    values = [0.1 + 0.2, 1.0, -0.0, 1e-300, 5e-324, 1.7976931348623157e308, 2**53 + 1,
              10**20, -(2**63), 123456789012345678, True, False, 3]
    columns = [f"c{i}" for i in range(len(values))]
    inquiry = Inquiry(title="numbers", context_columns=columns, measure=Measure(kind="score"),
                      units=[Unit("a", 0.1 + 0.2, 1e16 + 2.0, context=dict(zip(columns, values,
                                                                              strict=True)))])
    loaded = workbook.from_bytes(workbook.to_bytes(inquiry))
    assert loaded == inquiry
    for column, value in zip(columns, values, strict=True):
        got = loaded.units[0].context[column]
        assert type(got) is type(value) and repr(got) == repr(value)


def test_large_table_round_trip():
    units = [Unit(f"Family {i}", float(i % 2), float(10 + i % 7), None,
                  {"area": ["North", "South", "=East"][i % 3], "size": i % 5,
                   "income": 1000.5 + i})
             for i in range(5000)]
    inquiry = Inquiry(title="Big", units=units, context_columns=["area", "size", "income"])
    assert workbook.from_bytes(workbook.to_bytes(inquiry)) == inquiry


def test_text_longer_than_a_cell_continues_on_a_long_text_sheet():
    flagged = [f"Family {i:05d}" for i in range(8000)]  # ~100,000 characters of JSON
    note = "=" + "é\r" * 20_000
    inquiry = Inquiry(title="Long", analysis_runs=[AnalysisRun("z", {"k": flagged}, flagged)],
                      history=[HistoryEntry("t", "me", "units", note, {"units": flagged})])
    data = workbook.to_bytes(inquiry)
    book = _open(data)
    assert "Long text" in book.sheetnames
    assert all(len(c.value or "") <= 32_767 for ws in book.worksheets
               for row in ws.iter_rows() for c in row if isinstance(c.value, str))
    assert workbook.from_bytes(data) == inquiry


@settings(max_examples=40, deadline=None, suppress_health_check=_SLOW)
@given(inquiries())
def test_any_inquiry_round_trips_exactly(inquiry):
    data = workbook.to_bytes(inquiry, include_private=True)
    assert workbook.from_bytes(data) == inquiry


@settings(max_examples=15, deadline=None,
          suppress_health_check=[*_SLOW, HealthCheck.function_scoped_fixture])
@given(inquiry=storable_inquiries())
def test_through_the_store(store, inquiry):
    loaded = load_inquiry(workbook.to_bytes(inquiry, include_private=True), "carry-on.xlsx")
    slug = store.save_inquiry(loaded)
    assert store.get(slug) == dataclasses.replace(inquiry, slug=slug)


def test_edited_in_a_spreadsheet_program_still_loads():
    inquiry = _example()
    data = workbook.to_bytes(inquiry, include_private=True)

    def change(book):
        book["Issue"]["B2"] = "Families break up; we want to know why"
        book["Units"]["B2"] = "1"  # typed as text (the measure is yes/no)
        book["Group"]["A2"] = 1.0  # a number typed with a decimal point
        book.create_sheet("My notes")["A1"] = "ignored"

    loaded = workbook.from_bytes(_edit(data, change))
    assert loaded.issue.statement == "Families break up; we want to know why"
    assert loaded.units[0].outcome == 1.0
    assert loaded.group[0].id == 1
    assert loaded.practices == inquiry.practices


# ---------------------------------------------------------------------- broken workbooks


def test_missing_sheet():
    data = workbook.to_bytes(_example())
    assert _problem(_edit(data, lambda b: b.remove(b["Practices"]))) == (
        "The workbook has no 'Practices' sheet; it cannot be loaded.")


def test_not_made_by_the_kit():
    book = openpyxl.Workbook()
    book.active["A1"] = "id"
    buffer = io.BytesIO()
    book.save(buffer)
    assert "not made by the kit" in _problem(buffer.getvalue())
    data = workbook.to_bytes(_example())
    assert "not made by the kit" in _problem(_edit(data, lambda b: b["About"].__setitem__(
        "B2", "something-else")))


def test_newer_version():
    data = workbook.to_bytes(_example())
    changed = _edit(data, lambda b: b["About"].__setitem__("B3", 7))
    assert "made by a newer version of the kit" in _problem(changed)


def test_bad_cells_are_named_by_sheet_row_and_column():
    data = workbook.to_bytes(_example())
    changed = _edit(data, lambda b: b["Units"].__setitem__("B3", "abc"))
    assert _problem(changed) == "Sheet 'Units', row 3, column 'outcome': 'abc' is not a number."
    changed = _edit(data, lambda b: b["Practices"].__setitem__("F2", "F01, F02"))
    assert _problem(changed).startswith("Sheet 'Practices', row 2, column 'from_units'")
    changed = _edit(data, lambda b: b["Group"].__setitem__("C2", "boss"))
    assert _problem(changed).startswith("Sheet 'Group', row 2: 'role' must be one of")
    changed = _edit(data, lambda b: b["Units"].__setitem__("A4", b["Units"]["A2"].value))
    assert _problem(changed).startswith("Sheet 'Units', row 4: the id")
    changed = _edit(data, lambda b: b["Reflections"].append([None, "act", "note"]))
    assert "a number is needed" in _problem(changed)


def test_missing_column():
    data = workbook.to_bytes(_example())
    changed = _edit(data, lambda b: b["Actions"].delete_cols(2))
    assert _problem(changed) == "The sheet 'Actions' has no column 'what'."


def test_repeated_circumstance_column():
    data = workbook.to_bytes(_example())
    changed = _edit(data, lambda b: b["Units"].cell(1, 5, b["Units"].cell(1, 4).value))
    assert "two columns called" in _problem(changed)


def test_not_a_workbook():
    assert "zip file" in _problem(_zip({"readme.txt": b"hello"}))
    assert "damaged" in _problem(workbook.to_bytes(_example())[:300])
    assert "not an Excel workbook" in _problem(b"id,outcome\n")


def test_damaged_part_inside_the_zip():
    data = workbook.to_bytes(_example())
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {n: source.read(n) for n in source.namelist()}
    sheet = next(n for n in parts if n.startswith("xl/worksheets/"))
    parts[sheet] = parts[sheet][:200]
    assert "damaged" in _problem(_zip(parts))


def test_zip_bomb_is_refused(monkeypatch):
    import widgets.files as files

    monkeypatch.setattr(files, "MAX_UNPACKED_BYTES", 10_000)
    assert "far more data" in _problem(workbook.to_bytes(_example()))


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_version_1_workbook_without_notes_and_votes_still_loads():
    from openpyxl import load_workbook

    inquiry = _example()
    book = load_workbook(io.BytesIO(workbook.to_bytes(inquiry)))
    for title in ("Notes", "Votes"):
        del book[title]
    about = book["About"]
    for row in about.iter_rows(min_row=2):
        if row[0].value == "version":
            row[1].value = 1
    buffer = io.BytesIO()
    book.save(buffer)
    loaded = workbook.from_bytes(buffer.getvalue())
    assert loaded.notes == [] and loaded.polls == []
    assert loaded.practices == inquiry.practices
