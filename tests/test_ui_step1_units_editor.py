"""Step 1, section 4a: typing the data into a table."""

import pandas as pd
import pytest

from widgets.model import Measure
from widgets.ui.session import Session
from widgets.ui.step1.units_editor import LOCK, UnitsEditor


@pytest.fixture
def session(store, slug):
    """The page's session: it tells the sections what changed."""
    return Session(slug, store=store)


def make(store, slug, session, page_size=50):
    editor = UnitsEditor(session, page_size=page_size)
    editor.ensure_built()
    return editor


@pytest.fixture
def editor(store, slug, session):
    return make(store, slug, session)


def cell(editor, row, column):
    return editor.rows[row].cells[column]


def test_the_table_is_built_only_when_opened(store, slug, session):
    editor = UnitsEditor(session)
    assert not editor.built and editor.widget.children == ()
    editor.ensure_built()
    assert editor.built and "No families yet" in editor.pager.value


def test_add_edit_and_remove_rows(editor, store, slug):
    editor.add_units(3)
    assert [u.unit_id for u in store.units(slug)] == ["Family 1", "Family 2", "Family 3"]
    cell(editor, 0, "outcome").value = "yes"
    cell(editor, 1, "outcome").value = "no"
    units = store.units(slug)
    assert [u.outcome for u in units] == [1.0, 0.0, None]
    cell(editor, 2, "unit_id").value = "The Smiths"
    assert store.units(slug)[2].unit_id == "The Smiths"
    editor.rows[1].remove.click()
    assert [u.unit_id for u in store.units(slug)] == ["Family 1", "The Smiths"]
    assert cell(editor, 1, "unit_id").value == "The Smiths"
    assert editor.session.status.state == "saved"


def test_an_invalid_cell_gives_a_message_and_stores_nothing_of_itself(editor, store, slug):
    editor.add_units(2)
    before = store.get(slug).to_dict()
    cell(editor, 1, "unit_id").value = "Family 1"  # an id that is taken
    assert editor.cell_message.kind == "error"
    assert "Row 2 (Family 2), id: There is already a unit called" in editor.cell_message.text
    cell(editor, 1, "unit_id").value = "  "
    assert "Row 2 (Family 2), id: every row needs an id." in editor.cell_message.text
    assert "already" not in editor.cell_message.text  # one problem per cell
    cell(editor, 1, "unit_id").value = "Family 2"
    assert editor.cell_message.kind == ""
    cell(editor, 1, "outcome").value = "maybe"
    assert editor.cell_message.text == (
        "Row 2 (Family 2), outcome: “maybe” is not yes or no. The cell marked in red is not "
        "saved until it is fixed; the rest of its row is saved.")
    assert "hi-cell-error" in cell(editor, 1, "outcome")._dom_classes
    assert editor.session.status.state == "failed"
    assert store.get(slug).to_dict() == before
    cell(editor, 1, "outcome").value = "no"
    assert editor.cell_message.kind == "" and editor.session.status.state == "saved"
    assert "hi-cell-error" not in cell(editor, 1, "outcome")._dom_classes
    assert store.units(slug)[1].outcome == 0.0


def test_an_invalid_cell_keeps_the_rest_of_its_row_and_its_message(editor, store, slug):
    editor.add_column("children")
    editor.add_units(3)
    cell(editor, 1, "outcome").value = "maybe"
    message = editor.cell_message.text
    assert message.startswith("Row 2 (Family 2), outcome: “maybe” is not yes or no.")
    # The other cells typed in the same row are kept…
    cell(editor, 1, "children").value = "3"
    cell(editor, 1, "unit_id").value = "The Smiths"
    unit = store.units(slug)[1]
    assert (unit.unit_id, unit.outcome, unit.context["children"]) == ("The Smiths", None, 3.0)
    assert cell(editor, 1, "outcome").value == "maybe"
    assert "hi-cell-error" in cell(editor, 1, "outcome")._dom_classes
    # …and the message stays while other rows are edited, added to or removed.
    cell(editor, 0, "outcome").value = "ja"
    cell(editor, 2, "children").value = "1"
    assert store.units(slug)[0].outcome == 1.0 and store.units(slug)[2].context == {
        "children": 1.0}
    assert editor.cell_message.text.startswith(
        "Row 2 (The Smiths), outcome: “maybe” is not yes or no.")
    assert editor.session.status.state == "failed"
    editor.add_units(1)
    editor.rows[0].remove.click()
    assert editor.cell_message.text.startswith("Row 1 (The Smiths), outcome: “maybe”")
    assert cell(editor, 0, "outcome").value == "maybe"
    # A second wrong cell is listed too, in the table's order.
    cell(editor, 1, "children").value = "lots"
    assert editor.cell_message.text.startswith("Row 1 (The Smiths), outcome:")
    assert "Row 2 (Family 3), children" not in editor.cell_message.text  # it is text: fine
    cell(editor, 1, "outcome").value = "perhaps"
    texts = editor.problem_texts()
    assert texts == ["Row 1 (The Smiths), outcome: “maybe” is not yes or no.",
                     "Row 2 (Family 3), outcome: “perhaps” is not yes or no."]
    assert "The cells marked in red are not saved" in editor.cell_message.text
    # Fixed, one after the other.
    cell(editor, 0, "outcome").value = "yes"
    assert editor.problem_texts() == ["Row 2 (Family 3), outcome: “perhaps” is not yes or no."]
    cell(editor, 1, "outcome").value = ""
    assert editor.cell_message.kind == "" and editor.problems == {}
    assert editor.session.status.state == "saved"
    assert [u.outcome for u in store.units(slug)] == [1.0, None, None]


def test_a_wrong_cell_is_kept_across_pages(store, slug, session):
    frame = pd.DataFrame({"unit_id": [f"F{i}" for i in range(1, 5)],
                          "outcome": [1.0, 0.0, 1.0, 0.0]})
    store.replace_units_frame(slug, frame)
    editor = make(store, slug, session, page_size=2)
    cell(editor, 1, "outcome").value = "maybe"
    editor.next.click()
    assert cell(editor, 1, "outcome").value == "no"  # F4
    assert "hi-cell-error" not in cell(editor, 1, "outcome")._dom_classes
    assert editor.cell_message.text.startswith("Row 2 (F2), outcome: “maybe”")
    editor.prev.click()
    assert cell(editor, 1, "outcome").value == "maybe"
    assert "hi-cell-error" in cell(editor, 1, "outcome")._dom_classes
    cell(editor, 1, "outcome").value = "yes"
    assert editor.cell_message.kind == "" and store.units(slug)[1].outcome == 1.0


def test_wrong_cells_of_units_that_are_gone_are_forgotten(editor, store, slug, session):
    editor.add_units(2)
    cell(editor, 1, "outcome").value = "maybe"
    store.replace_units_frame(slug, pd.DataFrame({"unit_id": ["A"], "outcome": [1.0]}))
    session.changed("units")
    assert editor.problems == {} and editor.cell_message.kind == ""


def test_circumstance_columns(editor, store, slug):
    editor.add_units(2)
    editor.column_name.value = "income band"
    editor.add_button  # noqa: B018 - the controls exist
    editor.add_column("income band")
    assert store.get(slug).context_columns == ["income band"]
    cell(editor, 0, "income band").value = "low"
    cell(editor, 1, "income band").value = "middle"
    assert [u.context["income band"] for u in store.units(slug)] == ["low", "middle"]
    editor.add_column("children")
    cell(editor, 0, "children").value = "3"
    assert store.units(slug)[0].context["children"] == 3.0
    before = store.get(slug).to_dict()
    with pytest.raises(ValueError, match="already a column"):
        editor.add_column("Income Band")
    with pytest.raises(ValueError, match="already a column"):
        editor.add_column("outcome")
    assert store.get(slug).to_dict() == before
    editor.drop_choice.value = "children"
    editor.drop_button.click()
    assert editor.confirm.asking and store.get(slug).context_columns == ["income band",
                                                                           "children"]
    editor.confirm.yes.click()
    assert store.get(slug).context_columns == ["income band"]
    assert "children" not in editor.columns


def test_a_column_can_be_added_before_any_row(editor, store, slug):
    editor.add_column("housing")
    assert store.get(slug).context_columns == ["housing"]
    editor.add_units(1)
    assert store.units(slug)[0].context == {"housing": None}


def test_paging_over_50_rows(store, slug, session):
    frame = pd.DataFrame({"unit_id": [f"F{i}" for i in range(1, 121)],
                          "outcome": [float(i % 2) for i in range(120)]})
    store.replace_units_frame(slug, frame)
    editor = make(store, slug, session)
    assert len(editor.grid.children) == len(editor.headers) + 50 * (len(editor.columns) + 1)
    assert "1–50 of 120" in editor.pager.value and editor.prev.disabled
    editor.next.click()
    assert cell(editor, 0, "unit_id").value == "F51"
    editor.go(2)
    assert "101–120 of 120" in editor.pager.value and editor.next.disabled
    cell(editor, 19, "outcome").value = "yes"
    assert store.units(slug)[119].outcome == 1.0


def test_rates_show_a_population_column(store, slug, session):
    store.set_measure(slug, Measure("admissions", "ward", "rate"))
    editor = make(store, slug, session)
    editor.add_units(1)
    assert "population" in editor.columns
    cell(editor, 0, "outcome").value = "4"
    cell(editor, 0, "population").value = "1200"
    assert (store.units(slug)[0].outcome, store.units(slug)[0].population) == (4.0, 1200.0)
    assert store.units(slug)[0].unit_id == "Ward 1"


def test_the_table_follows_other_changes(editor, store, slug, session):
    store.replace_units_frame(slug, pd.DataFrame({"unit_id": ["A"], "outcome": [1.0]}))
    session.changed("units")
    assert cell(editor, 0, "unit_id").value == "A" and cell(editor, 0, "outcome").value == "yes"
    store.set_measure(slug, Measure("score", kind="score"))
    session.changed("measure")
    assert cell(editor, 0, "outcome").value == "1"


def test_real_names_show_with_a_lock_only_when_kept(editor, store, slug, session):
    editor.add_units(1)
    assert "private_name" not in editor.columns
    assert editor.private_note.layout.display == "none"
    frame = pd.DataFrame({"unit_id": ["Family 1"], "outcome": [1.0],
                          "private_name": ["<b>Jones</b>"]})
    store.replace_units_frame(slug, frame)
    session.changed("units")
    assert "private_name" in editor.columns
    heads = "".join(h.value for h in editor.headers)
    assert LOCK in heads and "private" in heads
    assert cell(editor, 0, "private_name").value == "<b>Jones</b>"
    assert editor.private_note.layout.display is None
    cell(editor, 0, "outcome").value = "no"
    assert store.units(slug)[0].private_name == "<b>Jones</b>"
    assert "private_name" not in store.units_frame(slug).columns


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>", "z" * 5000, "إيجار اجتماعي", "🏠 social rent",
])
def test_hostile_values_are_stored_exactly_and_headers_escaped(editor, store, slug, text):
    editor.add_units(1)
    editor.add_column(text[:100])
    column = " ".join(text[:100].split())
    cell(editor, 0, column).value = text
    cell(editor, 0, "unit_id").value = text[:200]
    unit = store.units(slug)[0]
    assert unit.context[column] == text and unit.unit_id == text[:200]
    heads = "".join(h.value for h in editor.headers)
    assert "<script" not in heads and "<script" not in editor.pager.value


def test_opening_the_table_sends_one_message_per_cell(store, slug, session, monkeypatch):
    # Every widget model and every change after it is one message to the browser: each cell
    # is sent once, with its value and label, and the cells share one layout and one style.
    import comm
    from comm.base_comm import BaseComm

    sent = []

    class Counting(BaseComm):
        def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
            sent.append(msg_type)

    store.replace_units_frame(slug, pd.DataFrame({
        "unit_id": [f"F{i}" for i in range(1, 61)], "outcome": [float(i % 2) for i in range(60)],
        "housing": ["social rent", "owner"] * 30}))
    editor = UnitsEditor(session)
    monkeypatch.setattr(comm, "create_comm", Counting)
    editor.ensure_built()
    cells = [c for row in editor.rows for c in row.cells.values()]
    assert len(cells) == 25 * 3 and cell(editor, 24, "unit_id").value == "F25"
    assert cell(editor, 0, "housing").description == "F1: housing"
    assert len({id(c.layout) for c in cells}) == 1 and len({id(c.style) for c in cells}) == 1
    # (the controls around the table are about a hundred more)
    assert len(sent) <= len(cells) + len(editor.rows) + 120, len(sent)
    sent.clear()
    editor.next.click()  # the same rows show the next 25: only what differs is sent
    assert cell(editor, 0, "unit_id").value == "F26"
    assert len(sent) <= len(cells) + len(editor.rows) + 10, len(sent)


def rate_editor(store, slug, session):
    store.set_measure(slug, Measure("admissions", "ward", "rate"))
    editor = make(store, slug, session)
    editor.add_units(2)
    return editor


def test_a_rate_cannot_have_more_events_than_its_population(store, slug, session):
    editor = rate_editor(store, slug, session)
    cell(editor, 0, "population").value = "10"
    before = store.get(slug).to_dict()
    cell(editor, 0, "outcome").value = "12"
    assert editor.cell_message.kind == "error"
    assert editor.cell_message.text.startswith(
        "Row 1 (Ward 1), outcome: '12' events out of a population of '10'; there cannot be "
        "more events than that.")
    assert "hi-cell-error" in cell(editor, 0, "outcome")._dom_classes
    assert "hi-cell-error" not in cell(editor, 0, "population")._dom_classes
    assert store.get(slug).to_dict() == before  # nothing stored
    assert editor.session.status.state == "failed"
    cell(editor, 0, "population").value = "20"  # now the events fit: both are stored
    assert editor.cell_message.kind == "" and editor.problems == {}
    assert (store.units(slug)[0].outcome, store.units(slug)[0].population) == (12.0, 20.0)
    assert "hi-cell-error" not in cell(editor, 0, "outcome")._dom_classes


def test_a_smaller_population_than_the_events_is_marked(store, slug, session):
    editor = rate_editor(store, slug, session)
    cell(editor, 1, "outcome").value = "7"  # no population yet: fine, it comes later
    assert editor.cell_message.kind == "" and store.units(slug)[1].outcome == 7.0
    cell(editor, 1, "population").value = "5"
    assert editor.cell_message.text.startswith(
        "Row 2 (Ward 2), population: '7' events out of a population of '5'")
    assert "hi-cell-error" in cell(editor, 1, "population")._dom_classes
    assert store.units(slug)[1].population is None
    assert cell(editor, 1, "population").value == "5"  # what was typed stays, marked


def test_negative_counts_and_populations_are_refused(store, slug, session):
    editor = rate_editor(store, slug, session)
    before = store.get(slug).to_dict()
    cell(editor, 0, "population").value = "-3"
    assert editor.cell_message.text.startswith(
        "Row 1 (Ward 1), population: '-3' is below 0; a population cannot be negative.")
    cell(editor, 1, "outcome").value = "-1"
    assert "Row 2 (Ward 2), outcome: '-1' is below 0; a count cannot be negative." in (
        editor.cell_message.text)
    assert store.get(slug).to_dict() == before
