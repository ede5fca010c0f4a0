"""Step 3, who does each practice: the grid (autosave, paging, exceptions first), reading a
check sheet (good and bad files, nothing stored on error), and the comparison."""

import base64
import io
import re

import ipywidgets as ipw
import pytest
from ui_step3_helpers import (
    find,
    open_step3,
    plain_env,  # noqa: F401 (autouse)
)

from widgets.examples import build as example
from widgets.model import ExceptionDecision, Practice, PracticeCheck, Unit
from widgets.ui.step3 import practice_checks
from widgets.ui.step3.comparison import comparison_html


@pytest.fixture
def small(store, slug):
    """30 families, F07 and F21 confirmed, two practices."""
    store.replace_units(slug, [Unit(f"F{i:02d}", float(i % 3 == 0)) for i in range(1, 31)], [])
    for uid in ("F07", "F21"):
        store.set_exception(slug, ExceptionDecision(uid, "confirmed", note="checked"))
    store.add_practice(slug, Practice("Eating together", accessible="yes"))
    store.add_practice(slug, Practice("Paying for a nursery", accessible="no"))
    return slug


def checks_of(store, slug):
    return {(c.unit_id, c.practice_id): c.value for c in store.get(slug).practice_checks}


def test_grid_lists_confirmed_exceptions_first_and_pages_the_rest(store, small):
    checks = open_step3(store, small).checks
    assert checks.ordered_units()[:2] == ["F07", "F21"]
    rows = list(checks.toggles)
    assert len(rows) == practice_checks.PAGE_SIZE * 2  # 12 families × 2 practices
    assert rows[0] == ("F07", 1) and rows[2] == ("F21", 1)
    units = find(checks.grid, "hi-check-unit")
    assert "◆" in units[0].value and "◆" not in units[2].value
    assert checks.page_text.value == "Families 1–12 of 30" and checks.prev_button.disabled
    checks.next_button.click()
    checks.next_button.click()
    assert checks.page_text.value == "Families 25–30 of 30" and checks.next_button.disabled
    checks.next_button.click()  # stays on the last page
    assert checks.page_number == 2
    checks.filter.value = "exceptions"
    assert checks.page_text.value == "Families 1–2 of 2"


def test_every_click_is_stored_and_the_comparison_follows(store, small):
    checks = open_step3(store, small).checks
    assert "No answers yet" in checks.comparison.summary.value
    checks.toggles[("F07", 1)].value = "yes"
    checks.toggles[("F21", 1)].value = "yes"
    checks.toggles[("F01", 1)].value = "no"
    assert checks_of(store, small) == {("F07", 1): "yes", ("F21", 1): "yes", ("F01", 1): "no"}
    records = {r["practice_id"]: r for r in checks.comparison.records}
    assert records[1]["exceptions_doing"] == 2 and records[1]["others_known"] == 1
    assert "2 of 2 (100\u00a0%)" in text_of(checks.comparison.table.value)
    assert "<img" in checks.comparison.figure.value
    checks.toggles[("F01", 1)].value = "unknown"
    assert ("F01", 1) not in checks_of(store, small)
    assert "Comparing 2 confirmed positive exceptions with 28 other families" in \
        checks.comparison.summary.value


def test_a_click_that_cannot_be_stored_is_undone_with_a_message(store, small):
    page = open_step3(store, small)
    checks = page.checks
    store.remove_practice(small, 2)  # removed in another window
    checks.toggles[("F07", 2)].value = "yes"
    assert checks.message.kind == "error" and "no practice number 2" in checks.message.text
    assert checks.toggles[("F07", 2)].value == "unknown"
    assert checks_of(store, small) == {}


def test_the_open_filter_shows_units_with_missing_answers(store, small):
    store.set_practice_checks(small, [PracticeCheck("F07", 1, "yes"),
                                      PracticeCheck("F07", 2, "no")])
    checks = open_step3(store, small).checks
    checks.filter.value = "open"
    assert "F07" not in checks.ordered_units() and "F21" in checks.ordered_units()


def csv_bytes(text):
    return text.encode("utf-8")


def test_reading_a_check_sheet_stores_every_answer(store, small):
    checks = open_step3(store, small).checks
    data = csv_bytes("family id,Eating together,paying for a NURSERY\n"
                     "F07,yes,no\nF21,Y,\nF01,no,not known\nF02,0,1\n")
    assert checks.upload.receive(data, "answers.csv")
    assert checks.upload.message.kind == "ok"
    assert "4 families: 3 yes, 3 no, 2 not known" in checks.upload.message.text
    assert checks_of(store, small) == {("F07", 1): "yes", ("F07", 2): "no", ("F21", 1): "yes",
                                       ("F01", 1): "no", ("F02", 1): "no", ("F02", 2): "yes"}
    assert checks.toggles[("F07", 1)].value == "yes"
    assert "2 of 2 (100\u00a0%)" in text_of(checks.comparison.table.value)


@pytest.mark.parametrize("text, words", [
    ("id,Eating together\nF07,yes\nX99,no\nZ1,yes\n", "not in the data: “X99”, “Z1”"),
    ("id,Eating together,Singing\nF07,yes,no\n", "do not match any practice: “Singing”"),
    ("id,Eating together\nF07,yes\nF01,maybe\n", "Row 3, column “Eating together”: “maybe”"),
    ("id,Eating together\nF07,yes\nF07,no\n", "“F07” is in the file twice (rows 2 and 3)"),
    ("id\nF07\n", "no column for any practice"),
    ("id,practice 1,P1\nF07,yes,no\n", "Two columns name the practice"),
])
def test_a_bad_check_sheet_gives_a_plain_message_and_stores_nothing(store, small, text, words):
    store.set_practice_checks(small, [PracticeCheck("F21", 1, "no")])
    checks = open_step3(store, small).checks
    assert not checks.upload.receive(csv_bytes(text), "answers.csv")
    assert checks.upload.message.kind == "error" and words in checks.upload.message.text
    assert checks_of(store, small) == {("F21", 1): "no"}
    assert checks.session.errors.text == ""


def test_a_file_that_is_not_a_table_gives_a_message(store, small):
    checks = open_step3(store, small).checks
    assert not checks.upload.receive(b"%PDF-1.4 nothing", "answers.pdf")
    assert checks.upload.message.kind == "error" and checks_of(store, small) == {}


def test_reading_a_workbook_by_practice_numbers(store, small):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["unit id", "practice 1", "P2"])
    sheet.append(["F07", "yes", "no"])
    sheet.append(["F21", True, None])
    buf = io.BytesIO()
    book.save(buf)
    checks = open_step3(store, small).checks
    assert checks.upload.receive(buf.getvalue(), "answers.xlsx"), checks.upload.message.text
    assert checks_of(store, small) == {("F07", 1): "yes", ("F07", 2): "no", ("F21", 1): "yes"}


def test_the_check_sheet_goes_out_and_comes_back(store, small):
    store.add_practice(small, Practice("=HYPERLINK(\"http://x\")"))
    store.set_practice_checks(small, [PracticeCheck("F07", 1, "yes"),
                                      PracticeCheck("F21", 3, "no")])
    checks = open_step3(store, small).checks
    link = checks.sheet.prepare()
    assert link.filename == f"{small}-check-sheet.csv"
    data = base64.b64decode(re.search(r"base64,([^\"]+)\"", link.value).group(1))
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "family id,Eating together,Paying for a nursery," \
        "\"'=HYPERLINK(\"\"http://x\"\")\""  # neutralised: no formula in a spreadsheet
    assert text.splitlines()[1] == "F07,yes,,"
    store.set_practice_checks(small, [PracticeCheck("F07", 1, "unknown")])
    assert checks.upload.receive(data, "sheet.csv"), checks.upload.message.text
    assert checks_of(store, small) == {("F07", 1): "yes", ("F21", 3): "no"}


def text_of(html: str) -> str:
    """What a person reads: the HTML without its tags."""
    return re.sub(r"<[^>]+>", "", html)


def test_comparison_of_the_grub_hub(store):
    slug = store.save_inquiry(example("grub-hub"))
    checks = open_step3(store, slug).checks
    table = checks.comparison.table.value
    assert "Comparing 3 confirmed positive exceptions with 57 other families" in \
        checks.comparison.summary.value
    assert table.count("<tr") == 6  # heading + 5 practices
    assert "★ Talking at the table about everyone&#x27;s day" in table
    assert "How likely by chance: p = 0.003" in table
    assert "Too few answers to conclude" in table
    assert '<img src="data:image/png;base64,' in checks.comparison.figure.value


def test_comparison_table_escapes_practice_words():
    html = comparison_html([{"what": "<script>x</script>", "accessible": "no", "note": "<b>",
                             "exceptions_doing": 1, "exceptions_known": 2, "others_doing": 0,
                             "others_known": 0, "difference": float("nan"),
                             "p_value": float("nan"), "worth_spreading": False}])
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;" in html
    assert "1 of 2 (50\u00a0%)" in text_of(html)
    assert "not known" in html and "true but useless" in html


def test_comparison_table_fits_a_projector():
    """Five fixed-width columns (no sideways scrolling at 1024 px); the exact p in plain words
    under the note, not a column of its own; words never broken in the middle."""
    from widgets.ui.step3.styles import CSS

    html = comparison_html([{"what": "Eating together", "accessible": "yes", "note": "Fine.",
                             "exceptions_doing": 3, "exceptions_known": 3, "others_doing": 20,
                             "others_known": 49, "difference": 0.26, "p_value": 0.31,
                             "worth_spreading": False}])
    head = html.split("<thead>")[1].split("</thead>")[0]
    assert head.count("<th") == 5 and "Fisher" not in head and "What it tells us" in head
    assert html.count("<col ") == 5
    assert "Fine.<br><span class=\"hi-chance\">How likely by chance: p = 0.310</span>" in html
    assert '<span class="hi-nowrap">20 of 49</span> <span class="hi-nowrap">(41\u00a0%)</span>' \
        in html
    assert "table-layout: fixed" in CSS and "break-all" not in CSS
    assert "overflow-wrap: anywhere" not in CSS.split(".hi-compare-table {")[1].split(
        ".hi-badge")[0]


def test_no_confirmed_exception_says_so(store, slug):
    store.replace_units(slug, [Unit("A", 1.0), Unit("B", 0.0)], [])
    n = store.add_practice(slug, Practice("Eating together"))
    store.set_practice_checks(slug, [PracticeCheck("A", n, "yes")])
    checks = open_step3(store, slug).checks
    assert "No positive exception is confirmed yet" in checks.comparison.summary.value


def test_hostile_unit_ids_and_practices_are_escaped_in_the_grid(store, slug):
    bad = "<img src=x onerror=alert(1)>"
    store.replace_units(slug, [Unit(bad, 1.0)], [])
    store.add_practice(slug, Practice(bad))
    checks = open_step3(store, slug).checks
    values = [w.value for w in find(checks.grid, "hi-check-unit") + find(checks.grid,
                                                                         "hi-check-head")]
    assert all("<img" not in v for v in values)
    assert sum("&lt;img src=x onerror=alert(1)&gt;" in v for v in values) == 2
    assert isinstance(checks.toggles[(bad, 1)], ipw.ToggleButtons)
