"""Step 3, progress: add and remove dated entries, validation, the sentence and the chart."""

from datetime import date

import pytest
from ui_step3_helpers import (
    open_step3,
    plain_env,  # noqa: F401 (autouse)
)

from widgets.examples import build as example
from widgets.model import Measure, ModelError, ProgressEntry
from widgets.ui.step3.progress import parse_number


@pytest.fixture
def measured(store, slug):
    store.set_measure(slug, Measure("The family stayed together", "family", "yes_no",
                                    baseline_date="2023-01-31"))
    return slug


def test_add_entries_and_see_the_sentence_and_chart(store, measured):
    s = open_step3(store, measured).progress
    assert "No progress recorded yet" in s.table.value
    assert s.remove_box.layout.display == "none"
    for day, came, helped in ((date(2023, 4, 7), "50", "14"), (date(2023, 5, 5), "85", "6")):
        s.date.value, s.attendance.value, s.helped.value = day, came, helped
        s.note.value = "Parents cooked"
        s.add_button.click()
        assert s.message.kind == "ok", s.message.text
    entries = store.get(measured).progress
    assert [(e.date, e.attendance, e.people_helped, e.note) for e in entries] == [
        ("2023-04-07", 50, 14, "Parents cooked"), ("2023-05-05", 85, 6, "Parents cooked")]
    assert "Attendance rose from 50 to 85" in s.sentence.value
    assert "20 people helped" in s.sentence.value
    assert '<img src="data:image/png;base64,' in s.chart.value
    assert s.date.value is None and s.attendance.value == ""


def test_the_measure_again_is_stored_and_shown_as_per_cent(store, measured):
    s = open_step3(store, measured).progress
    s.date.value, s.outcome.value = date(2023, 9, 1), "39 %"
    s.add_button.click()
    [e] = store.get(measured).progress
    assert e.outcome == 39.0
    assert "<td>39\u00a0%</td>" in s.table.value


@pytest.mark.parametrize("fields, words", [
    ({}, "Choose the date"),
    ({"date": date(2022, 12, 1), "attendance": "5"}, "before the baseline (31 Jan 2023)"),
    ({"date": date(2023, 3, 1), "attendance": "-3"}, "Attendance cannot be below 0"),
    ({"date": date(2023, 3, 1), "helped": "2.5"}, "People helped must be a whole number"),
    ({"date": date(2023, 3, 1), "outcome": "lots"}, "The measure must be a number"),
    ({"date": date(2023, 3, 1), "outcome": "-4"}, "The measure cannot be below 0"),
    ({"date": date(2023, 3, 1)}, "Give at least one number"),
])
def test_a_bad_entry_gives_a_message_and_stores_nothing(store, measured, fields, words):
    s = open_step3(store, measured).progress
    s.date.value = fields.get("date")
    s.outcome.value = fields.get("outcome", "")
    s.attendance.value = fields.get("attendance", "")
    s.helped.value = fields.get("helped", "")
    s.add_button.click()
    assert s.message.kind == "error" and words in s.message.text
    assert store.get(measured).progress == []


def test_scores_may_be_negative(store, slug):
    store.set_measure(slug, Measure("Weight-for-age z-score", "child", "score"))
    s = open_step3(store, slug).progress
    s.date.value, s.outcome.value = date(2024, 5, 15), "-1,58"
    s.add_button.click()
    assert store.get(slug).progress[0].outcome == -1.58


def test_remove_an_entry_after_asking(store, measured):
    first = store.add_progress(measured, ProgressEntry("2023-04-07", attendance=50,
                                                       note="First evening"))
    store.add_progress(measured, ProgressEntry("2023-05-05", attendance=60))
    s = open_step3(store, measured).progress
    assert s.remove_choice.options[1:] == (("5 May 2023", 2), ("7 Apr 2023: First evening", 1))
    s.remove_button.click()
    assert s.remove_message.kind == "error" and "Choose the entry" in s.remove_message.text
    s.remove_choice.value = first
    s.remove_button.click()
    assert s.confirm_box.layout.display is None
    assert s.really_button.description == "Remove the entry of 7 Apr 2023"
    s.keep_button.click()
    assert s.confirm_box.layout.display == "none" and len(store.get(measured).progress) == 2
    s.remove_button.click()
    s.really_button.click()
    assert [e.date for e in store.get(measured).progress] == ["2023-05-05"]
    assert s.remove_message.kind == "ok" and "Removed the entry of 7 Apr 2023" in \
        s.remove_message.text
    assert "Attendance was 60" in s.sentence.value and "7 Apr 2023" not in s.table.value


def test_grub_hub_progress_sentence(store):
    slug = store.save_inquiry(example("grub-hub"))
    s = open_step3(store, slug).progress
    assert "Attendance rose from 50 to 85 a month; 127 people helped" in s.sentence.value
    assert "Baseline: 16 of 60 families" in s.sentence.value
    assert s.table.value.count("<tr>") == 19 and len(s.remove_choice.options) == 19


def test_hostile_note_is_escaped(store, measured):
    store.add_progress(measured, ProgressEntry("2023-04-07", attendance=1,
                                               note="<img src=x onerror=alert(1)>"))
    s = open_step3(store, measured).progress
    assert "<img" not in s.table.value and "&lt;img src=x" in s.table.value
    assert "<img src=x onerror=alert(1)>" in s.remove_choice.options[1][0]  # plain text


@pytest.mark.parametrize("text, kwargs, value", [
    ("", {}, None), (" 45 % ", {}, 45.0), ("1,234", {}, 1234.0), ("0,5", {}, 0.5),
    ("12", {"whole": True}, 12), ("-1.5", {"negative": True}, -1.5),
])
def test_parse_number(text, kwargs, value):
    assert parse_number(text, "It", **kwargs) == value


@pytest.mark.parametrize("text, kwargs", [("x", {}), ("-1", {}), ("1.5", {"whole": True}),
                                          ("nan", {}), ("inf", {})])
def test_parse_number_refuses(text, kwargs):
    with pytest.raises(ModelError):
        parse_number(text, "It", **kwargs)
