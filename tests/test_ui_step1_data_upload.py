"""Step 1, section 4b: uploading a CSV or Excel file — preview, mapping, import."""

import html
import io

import pytest
from pupils_csv import MEASURE, names, pupils_csv

from widgets.model import Measure
from widgets.ui.session import Session
from widgets.ui.step1.common import LOCK
from widgets.ui.step1.data_upload import NONE, DataUpload, preview_html


def families_csv(n=60, yes_every=3, extra="") -> bytes:
    rows = ["family,stayed together,income band,children" + extra]
    for i in range(1, n + 1):
        rows.append(f"F{i:02d},{'yes' if i % yes_every == 0 else 'no'},"
                    f"{['low', 'middle'][i % 2]},{i % 4}" + ("," + extra if extra else ""))
    return ("\n".join(rows) + "\n").encode()


@pytest.fixture
def session(store, slug):
    """The page's session: it tells the sections what changed."""
    return Session(slug, store=store)


@pytest.fixture
def upload(store, slug, session):
    box = DataUpload(session)
    assert not box.built and box.widget.children == ()
    box.ensure_built()
    box.seen = []
    session.on("units", lambda: box.seen.append("units"))
    return box


def test_a_good_file_is_previewed_and_nothing_is_stored_until_import(upload, store, slug):
    before = store.get(slug).to_dict()
    assert upload.upload.receive(families_csv(), "families.csv")
    assert "Read 60 rows and 4 columns" in upload.upload.message.text
    assert upload.preview_box.layout.display is None
    assert "F01" in upload.table.value and "more rows" in upload.table.value
    assert upload.import_button.description == "Import 60 rows"
    mapping = upload.mapping()
    assert (mapping.unit_id, mapping.outcome) == ("family", "stayed together")
    assert mapping.context == ["income band", "children"]
    assert store.get(slug).to_dict() == before
    upload.import_button.click()
    frame = store.units_frame(slug)
    assert len(frame) == 60 and frame["outcome"].sum() == 20
    assert store.get(slug).context_columns == ["income band", "children"]
    assert "Imported 60 rows" in upload.message.text and upload.message.kind == "ok"
    assert upload.upload.message.text == ""  # "Read 60 rows… then import." is done with
    assert upload.preview_box.layout.display == "none"
    assert upload.seen == ["units"]
    assert "families.csv" in store.history(slug)[-1].change
    assert upload.session.status.state == "saved"


@pytest.mark.parametrize("data, name, words", [
    (b"%PDF-1.4 not a table", "report.pdf", "PDF"),
    (b"family,stayed together\n", "empty.csv", "no rows"),
    (b"", "nothing.csv", "empty"),
    (b"a,b\n1,2,3,4\n", "ragged.csv", "Row 2"),
    # The kit's own inquiry file (it read "Row 10 has 5 values…") and a web page (it read
    # "column names but no rows of data"): say what they are.
    (b'{\n "format": "hidden-insights-inquiry",\n "version": 1,\n "inquiry": {"a": 1}}\n',
     "inquiry.json", "This is an inquiry file, not a table of data. Open it on the start page"),
    (__import__("gzip").compress(b'{"format": "hidden-insights-inquiry", "version": 1}'),
     "inquiry.json.gz", "This is an inquiry file"),
    (b"<!DOCTYPE html><html><body><table><tr><td>1</td></tr></table></body></html>",
     "table.html", "This is a web page (HTML), not a table"),
])
def test_a_bad_file_changes_nothing(upload, store, slug, data, name, words):
    before = store.get(slug).to_dict()
    assert not upload.upload.receive(data, name)
    assert upload.upload.message.kind == "error" and words in upload.upload.message.text
    assert upload.preview is None and upload.preview_box.layout.display == "none"
    assert store.get(slug).to_dict() == before


def test_a_bad_value_names_the_row_and_column_and_stores_nothing(upload, store, slug):
    data = families_csv(10).replace(b"F04,no", b"F04,maybe")
    before = store.get(slug).to_dict()
    upload.upload.receive(data, "families.csv")
    upload.outcome_column.value = 1  # "stayed together" (the guess is another column)
    upload.import_button.click()
    assert upload.message.kind == "error"
    assert "Row 5" in upload.message.text and "stayed together" in upload.message.text
    assert "maybe" in upload.message.text and "yes/no" in upload.message.text
    assert upload.session.status.state == "failed"
    assert store.get(slug).to_dict() == before
    assert upload.preview is not None  # the person can fix the mapping and try again


def test_replacing_stored_units_asks_first(upload, store, slug):
    upload.upload.receive(families_csv(60), "first.csv")
    upload.import_button.click()
    upload.upload.receive(families_csv(30), "second.csv")
    before = store.get(slug).to_dict()
    upload.import_button.click()
    assert upload.confirm.asking
    assert "This replaces the 60 families already stored." in upload.confirm.question.value
    upload.confirm.no.click()
    assert store.get(slug).to_dict() == before
    upload.import_button.click()
    assert "Read 30 rows" in upload.upload.message.text
    upload.confirm.yes.click()
    assert len(store.units_frame(slug)) == 30
    assert upload.upload.message.text == ""


def test_pseudonyms_and_real_names(upload, store, slug):
    data = b"name,stayed together,housing\nAnn Jones,yes,rent\nBob <b>Smith</b>,no,own\n"
    upload.upload.receive(data, "names.csv")
    assert upload.mapping().private_name == "name"
    assert upload.private_column.value == 0
    assert upload.id_column.value == NONE  # make pseudonyms
    assert "Family 1" in upload.id_column.options[0][0]
    assert upload.context_boxes[0].disabled  # the names column is no circumstance
    assert "&lt;b&gt;Smith" in upload.table.value and "<b>Smith" not in upload.table.value
    upload.import_button.click()
    units = store.units(slug)
    assert [u.unit_id for u in units] == ["Family 1", "Family 2"]
    assert [u.private_name for u in units] == ["Ann Jones", "Bob <b>Smith</b>"]
    assert "private_name" not in store.units_frame(slug).columns


def test_choosing_columns_by_hand(upload, store, slug):
    store.set_measure(slug, Measure("admissions", "ward", "rate"))
    data = b"ward,admissions,people,deprivation\nW1,3,1000,high\nW2,1,800,low\n"
    upload.upload.receive(data, "wards.csv")
    upload.population_column.value = 2
    upload.outcome_column.value = 1
    assert upload.context_boxes[2].disabled and not upload.context_boxes[3].disabled
    upload.import_button.click()
    frame = store.units_frame(slug)
    assert frame["population"].tolist() == [1000.0, 800.0]
    assert list(frame.columns)[-1] == "deprivation"


def test_a_rate_without_population_is_refused(upload, store, slug):
    store.set_measure(slug, Measure("admissions", "ward", "rate"))
    before = store.get(slug).to_dict()
    upload.upload.receive(b"ward,admissions\nW1,3\nW2,1\n", "wards.csv")
    upload.import_button.click()
    assert "population" in upload.message.text
    assert store.get(slug).to_dict() == before


def test_an_excel_workbook_with_two_sheets(upload, store, slug):
    from openpyxl import Workbook

    book = Workbook()
    notes = book.active
    notes.title = "Notes"
    notes.append(["read me"])
    notes.append(["nothing here"])
    data = book.create_sheet("Families")
    data.append(["family", "stayed together"])
    for i in range(1, 13):
        data.append([f"F{i}", "yes" if i <= 4 else "no"])
    buffer = io.BytesIO()
    book.save(buffer)
    upload.upload.receive(buffer.getvalue(), "survey.xlsx")
    assert upload.sheet.layout.display is None
    assert upload.sheet.options == ("Notes", "Families")
    upload.sheet.value = "Families"
    assert upload.preview.sheet == "Families" and upload.preview.rows == 12
    upload.import_button.click()
    assert store.units_frame(slug)["outcome"].sum() == 4


def test_cancel_forgets_the_file(upload, store, slug):
    upload.upload.receive(families_csv(5), "f.csv")
    before = store.get(slug).to_dict()
    upload.preview_box.children[3].children[1].click()  # Cancel
    assert upload.preview is None and upload.preview_box.layout.display == "none"
    assert store.get(slug).to_dict() == before


def test_hostile_file_content_is_shown_escaped_and_stored_exactly(upload, store, slug):
    hostile = ["<script>alert(1)</script>", "ليلى", "👨‍👩‍👧", "x" * 300]
    header = "id,outcome,<img src=x onerror=alert(1)>\n"
    rows = "".join(f"U{i},{i % 2},\"{text}\"\n" for i, text in enumerate(hostile))
    upload.upload.receive((header + rows).encode(), "<b>evil</b>.csv")
    html = upload.table.value + upload.notes.value + upload.upload.message.value
    assert "<script" not in html and "<img" not in html and "<b>evil" not in html
    assert "&lt;script" in html
    upload.import_button.click()
    units = store.units(slug)
    assert [u.context["<img src=x onerror=alert(1)>"] for u in units] == hostile
    assert "<b>" not in upload.message.value


def test_preview_html_escapes_every_cell():
    import pandas as pd

    class P:
        frame = pd.DataFrame({"<a>": ["<script>", None]}, index=[2, 3])
        columns = ["<a>"]
        rows = 2

    text = preview_html(P())
    assert "&lt;a&gt;" in text and "&lt;script&gt;" in text and "<script>" not in text


# ---------------------------------------------------------------------- issue 9: trust


def _ticked(upload):
    return [b.description for b in upload.context_boxes if b.value and not b.disabled]


def test_the_60_pupil_file_imports_as_suggested(upload, store, slug):
    store.set_measure(slug, MEASURE)
    upload.upload.receive(pupils_csv(), "Klasse 5b.csv")
    assert "Read 60 rows and 4 columns" in upload.upload.message.text
    assert upload.id_column.value == NONE
    assert upload.id_column.options[0][0] == "make pseudonyms (Pupil 1, Pupil 2, …)"
    assert upload.private_column.value == 0  # Schüler
    assert upload.outcome_column.value == 3  # has a plan
    assert _ticked(upload) == ["free school meals", "estate"]
    assert upload.context_boxes[0].disabled and upload.context_boxes[3].disabled
    assert upload.outcome_guess.kind == "info"
    assert upload.outcome_guess.text.startswith("We guessed the outcome is 'has a plan'")
    assert upload.outcome_guess.text.endswith("Check it.")
    note = html.unescape(upload.private_note.value)
    assert "'Schüler' stay private" in note and "Pupil 1, Pupil 2" in note and LOCK in note
    assert upload.id_warning.text == "" and upload.answers_box.layout.display == "none"
    upload.import_button.click()  # nothing touched
    assert "Imported 60 rows" in upload.message.text
    units = store.units(slug)
    assert [u.unit_id for u in units] == [f"Pupil {i}" for i in range(1, 61)]
    assert [u.private_name for u in units] == names()
    assert sum(u.outcome for u in units) == 15
    assert store.get(slug).context_columns == ["free school meals", "estate"]
    public = store.units_frame(slug)
    assert "private_name" not in public.columns
    assert not set(names()) & set(public.astype(str).to_numpy().ravel())


def test_the_guess_is_a_guess_until_the_group_chooses(upload, store, slug):
    store.set_measure(slug, MEASURE)
    upload.upload.receive(pupils_csv(), "Klasse 5b.csv")
    upload.outcome_column.value = 1  # free school meals
    assert upload.outcome_guess.text == ""
    assert upload.context_boxes[1].disabled and not upload.context_boxes[3].disabled
    upload.outcome_column.value = 3
    assert "We guessed" in upload.outcome_guess.text


def test_names_chosen_as_ids_are_warned_about_and_asked_for(upload, store, slug):
    store.set_measure(slug, MEASURE)
    upload.upload.receive(pupils_csv(), "Klasse 5b.csv")
    before = store.get(slug).to_dict()
    upload.private_column.value = NONE
    assert upload.private_note.value.count("No real names are kept") == 1
    upload.id_column.value = 0  # Schüler
    assert upload.id_warning.kind == "error"
    assert "'Schüler' looks like real names" in upload.id_warning.text
    upload.import_button.click()
    assert upload.names_confirm.asking and "Use them as ids anyway?" in (
        upload.names_confirm.question.value)
    assert store.get(slug).to_dict() == before
    upload.names_confirm.no.click()
    assert store.get(slug).to_dict() == before and not upload.names_confirm.asking
    upload.id_column.value = NONE
    assert upload.id_warning.text == ""
    upload.id_column.value = 0
    upload.import_button.click()
    upload.names_confirm.yes.click()  # the facilitator asked in so many words
    assert store.units(slug)[0].unit_id == "Jürgen Müller"


def test_german_yes_no_words_need_no_help(upload, store, slug):
    store.set_measure(slug, MEASURE)
    upload.upload.receive(pupils_csv("ja", "nein"), "Klasse 5b.csv")
    assert upload.outcome_column.value == 3
    assert upload.answers_box.layout.display == "none" and upload.answers == []
    upload.import_button.click()
    assert sum(u.outcome for u in store.units(slug)) == 15


def test_the_group_says_which_values_mean_yes(upload, store, slug):
    store.set_measure(slug, MEASURE)
    upload.upload.receive(pupils_csv(plan_words=("klar", "nö")), "Klasse 5b.csv")
    assert upload.outcome_column.value == 3  # two answers, in words the kit does not know
    assert upload.answers_box.layout.display is None
    assert "Which values mean yes?" in upload.answers_box.children[0].value
    assert [(v, b.value) for v, b in upload.answers] == [("nö", None), ("klar", None)]
    assert "(45 rows)" in upload.answers_box.children[1].children[0].value
    before = store.get(slug).to_dict()
    upload.import_button.click()
    assert upload.message.kind == "error" and "'nö' is not yes or no" in upload.message.text
    assert "Which values mean yes?" in upload.message.text
    assert store.get(slug).to_dict() == before
    dict(upload.answers)["klar"].value = "yes"
    dict(upload.answers)["nö"].value = "no"
    assert upload.mapping().outcome_words == {"klar": True, "nö": False}
    upload.import_button.click()
    assert "Imported 60 rows" in upload.message.text
    assert sum(u.outcome for u in store.units(slug)) == 15


def test_answers_not_known_and_answers_the_kit_knows(upload, store, slug):
    data = ("id,plan\n" + "".join(f"U{i},{w}\n" for i, w in enumerate(
        ["yes", "no", "weiß nicht", "yes"]))).encode()
    upload.upload.receive(data, "p.csv")
    assert [(v, b.value) for v, b in upload.answers] == [
        ("yes", "yes"), ("no", "no"), ("weiß nicht", None)]
    dict(upload.answers)["weiß nicht"].value = "unknown"
    upload.import_button.click()
    outcomes = [u.outcome for u in store.units(slug)]
    assert outcomes[:2] == [1.0, 0.0] and outcomes[2] is None and outcomes[3] == 1.0


def test_the_answers_follow_the_outcome_column_and_the_measure(upload, store, slug, session):
    upload.upload.receive(pupils_csv(plan_words=("klar", "nö")), "Klasse 5b.csv")
    upload.outcome_column.value = 3
    assert upload.answers
    upload.outcome_column.value = 1  # free school meals: yes/no
    assert upload.answers == [] and upload.answers_box.layout.display == "none"
    upload.outcome_column.value = 2  # estate: three places, in words the kit does not know
    assert len(upload.answers) == 3
    upload.outcome_column.value = 0  # Schüler: 60 different answers
    assert upload.answers == [] and "does not look like yes/no" in (
        upload.answers_box.children[0].value)
    upload.outcome_column.value = 3
    store.set_measure(slug, Measure("plan score", "pupil", "score"))
    session.changed("measure")
    assert upload.answers == [] and upload.answers_box.layout.display == "none"
    assert upload.id_column.options[0][0] == "make pseudonyms (Pupil 1, Pupil 2, …)"
    assert upload.outcome_column.value == 3  # the group's choices are kept


def test_a_guess_from_unknown_words_says_so(upload, store, slug):
    store.set_measure(slug, MEASURE)
    upload.upload.receive(pupils_csv(plan_words=("klar", "nö")), "Klasse 5b.csv")
    assert upload.outcome_guess.text == (
        "We guessed the outcome is 'has a plan': its name is like the measure ('Pupils who "
        "have a plan') and its answers may mean yes or no. Check it.")


def test_hostile_column_names_and_answers_are_escaped_in_the_mapping_notes(upload, store,
                                                                          slug):
    header = "<b>name</b>,<img src=x onerror=alert(1)>\n"
    rows = "Ann Jones,<script>x</script>\nBob Smith,<i>no</i>\n"
    upload.upload.receive((header + rows).encode(), "h.csv")
    assert upload.private_column.value == 0 and upload.outcome_column.value == 1
    shown = (upload.private_note.value + upload.outcome_guess.value
             + "".join(w.value for w in upload.answers_box.children if hasattr(w, "value"))
             + "".join(r.children[0].value for r in upload.answers_box.children[1:]))
    assert "<b>" not in shown and "<img" not in shown and "<script" not in shown
    assert "&lt;script&gt;" in shown and "&lt;b&gt;name&lt;/b&gt;" in shown
    dict(upload.answers)["<script>x</script>"].value = "yes"
    dict(upload.answers)["<i>no</i>"].value = "no"
    upload.import_button.click()
    assert [u.outcome for u in store.units(slug)] == [1.0, 0.0]


def test_one_row_and_one_column_are_counted_in_the_singular(upload):
    """"Read 1 rows and 1 columns" was on screen."""
    assert upload.upload.receive(b"x\n1\n", "one.csv")
    assert upload.upload.message.text.startswith("Read 1 row and 1 column from one.csv.")
