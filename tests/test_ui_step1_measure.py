"""Step 1, section 3: the measure."""

import datetime as dt

import pandas as pd
import pytest

from widgets.model import Measure
from widgets.ui.session import Session
from widgets.ui.step1.measure import MeasureSection, data_problems, parse_date


@pytest.fixture
def measure(store, slug):
    session = Session(slug, store=store)
    seen = []
    session.on("measure", lambda: seen.append("measure"))
    section = MeasureSection(session, delay=60)
    section.seen = seen
    return section


def test_parse_date():
    assert parse_date("2023-01-31") == dt.date(2023, 1, 31)
    assert parse_date("January 2023") is None
    assert parse_date("") is None


def test_fill_every_field(measure, store, slug):
    measure.what.value = "the family stayed together"
    measure.unit_name.value = "household"
    measure.source.value = "a survey at the school gate"
    measure.flush()
    measure.kind.value = "count"
    measure.better.value = "lower"
    measure.date.value = dt.date(2023, 1, 31)
    assert store.get(slug).measure == Measure(
        "the family stayed together", "household", "count", "lower",
        "a survey at the school gate", "2023-01-31")
    assert measure.seen  # the page was told
    assert measure.session.status.state == "saved"


def test_choices_save_at_once_and_text_waits(measure, store, slug):
    measure.what.value = "stayed together"
    assert store.get(slug).measure.what == ""  # waiting for the pause
    measure.kind.value = "score"  # a choice saves everything at once
    assert store.get(slug).measure.kind == "score"
    assert store.get(slug).measure.what == "stayed together"


def test_hints_say_what_is_missing(measure, store, slug):
    assert "Say what is measured." in measure.problems
    assert any("baseline date" in p for p in measure.problems)
    measure.what.value = "stayed together"
    measure.flush()
    measure.date.value = dt.date(2023, 1, 31)
    assert measure.problems == []
    assert measure.hints.layout.display == "none"
    measure.unit_name.value = "  "
    measure.flush()
    assert any("what a unit is" in p for p in measure.problems)


def test_a_rate_needs_a_population_in_the_stored_data(measure, store, slug):
    frame = pd.DataFrame({"unit_id": ["W1", "W2"], "outcome": [3.0, 5.0]})
    store.replace_units_frame(slug, frame, kind="count")
    measure.refresh(store.get(slug).measure)
    measure.kind.value = "rate"
    assert "population for each family: 2 have none yet" in measure.confirm.question.value
    measure.confirm.yes.click()
    assert store.get(slug).measure.kind == "rate"
    assert any("population" in p for p in measure.problems)
    assert "population" in measure.hints.value
    frame["population"] = [100.0, 200.0]
    store.replace_units_frame(slug, frame)
    measure.show_hints()
    assert not any("population" in p for p in measure.problems)


def test_data_problems_for_yes_no():
    frame = pd.DataFrame({"unit_id": ["a", "b"], "outcome": [1.0, 5.0],
                          "population": [float("nan")] * 2})
    assert data_problems(Measure(kind="yes_no"), frame)
    assert data_problems(Measure(kind="count"), frame) == []
    assert data_problems(Measure(kind="yes_no"), frame.iloc[:0]) == []


def test_measure_is_read_from_the_store_on_load(store, slug):
    store.set_measure(slug, Measure("pupils attending", "pupil", "rate", "higher", "school",
                                    "2024-09-01"))
    section = MeasureSection(Session(slug, store=store))
    assert section.current() == Measure("pupils attending", "pupil", "rate", "higher",
                                        "school", "2024-09-01")
    assert section.date.value == dt.date(2024, 9, 1)


def test_a_stored_date_that_is_not_a_date_is_kept(store, slug):
    store.set_measure(slug, Measure("x", baseline_date="January <b>2023</b>"))
    section = MeasureSection(Session(slug, store=store), delay=60)
    assert section.date.value is None
    assert "&lt;b&gt;2023" in section.date_note.value
    section.kind.value = "score"
    assert store.get(slug).measure.baseline_date == "January <b>2023</b>"
    section.date.value = dt.date(2023, 1, 1)
    assert store.get(slug).measure.baseline_date == "2023-01-01"


def test_a_failed_save_shows_its_message_and_stores_nothing(measure, store, slug):
    before = store.get(slug).to_dict()
    measure.unit_name.value = "u" * 101
    measure.flush()
    assert measure.message.kind == "error" and "too long" in measure.message.text
    assert measure.session.status.state == "failed"
    assert store.get(slug).to_dict() == before
    measure.unit_name.value = "family"
    measure.date.value = dt.date(1066, 10, 14)
    assert "looks wrong" in measure.message.text
    assert store.get(slug).to_dict() == before


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>", "x" * 5000, "الأسرة بقيت معا", "stayed together 👨‍👩‍👧",
])
def test_hostile_text_is_stored_exactly(measure, store, slug, text):
    measure.what.value = text
    measure.source.value = text
    measure.unit_name.value = text[:100]
    measure.flush()
    stored = store.get(slug).measure
    assert (stored.what, stored.source, stored.unit_name) == (text, text, text[:100])
    assert "<script" not in measure.hints.value


def test_every_field_has_its_own_label(measure):
    # Each control's description is its <label for>, shown above it (no separate HTML label).
    labels = {w.description for w in (measure.what, measure.unit_name, measure.kind,
                                      measure.better, measure.source, measure.date)}
    assert "" not in labels and len(labels) == 6
    assert "Baseline date" in labels
    assert all("hi-label-above" in w._dom_classes for w in (measure.what, measure.date))


# ------------------------------------------------ changing the kind once there is data


def with_counts(measure, store, slug, outcomes=(3.0, 0.0), population=None):
    frame = pd.DataFrame({"unit_id": [f"F{k}" for k in range(len(outcomes))],
                          "outcome": list(outcomes)})
    if population is not None:
        frame["population"] = population
    store.replace_units_frame(slug, frame, kind="count")
    measure.refresh(store.get(slug).measure)
    assert measure.kind.value == "count"


def test_a_new_kind_is_asked_about_once_units_have_outcomes(measure, store, slug):
    with_counts(measure, store, slug, outcomes=(1.0, 0.0))
    before = store.get(slug).to_dict()
    measure.kind.value = "yes_no"
    assert measure.confirm.asking
    assert ("The outcomes of 2 families were recorded as a count for each unit; they will be "
            "read as yes / no for each unit") in measure.confirm.question.value
    assert store.get(slug).to_dict() == before  # nothing stored until the person says yes
    measure.confirm.no.click()
    assert measure.kind.value == "count" and not measure.confirm.asking
    assert store.get(slug).to_dict() == before
    measure.kind.value = "yes_no"
    measure.confirm.yes.click()
    assert store.get(slug).measure.kind == "yes_no" and "measure" in measure.seen
    assert [u.outcome for u in store.units(slug)] == [1.0, 0.0]  # read anew, not converted


def test_a_kind_the_outcomes_do_not_fit_is_refused_beside_the_control(measure, store, slug):
    with_counts(measure, store, slug, outcomes=(3.0, 0.0))
    before = store.get(slug).to_dict()
    measure.kind.value = "yes_no"
    assert not measure.confirm.asking
    assert measure.message.kind == "error"
    assert measure.message.text.startswith(
        "The kind cannot become “yes / no for each unit”: the stored data does not fit it. "
        "Row 1 (F0), outcome: '3' is not yes or no")
    assert "remove the units or upload the data again" in measure.message.text
    assert measure.kind.value == "count"  # the stored kind shows again
    assert store.get(slug).to_dict() == before


def test_a_rate_needs_no_more_events_than_the_populations_stored(measure, store, slug):
    with_counts(measure, store, slug, outcomes=(3.0, 12.0), population=[10.0, 10.0])
    measure.kind.value = "rate"
    assert "Row 2 (F1): '12' events out of a population of '10'" in measure.message.text
    assert measure.kind.value == "count" and store.get(slug).measure.kind == "count"


def test_other_fields_save_while_the_kind_is_asked_about(measure, store, slug):
    with_counts(measure, store, slug)
    measure.kind.value = "score"
    assert measure.confirm.asking and store.get(slug).measure.kind == "count"
    measure.what.value = "visits to the food bank"
    measure.flush()
    stored = store.get(slug).measure
    assert (stored.what, stored.kind) == ("visits to the food bank", "count")
    assert measure.confirm.asking  # still asked
    measure.kind.value = "count"  # chosen back: nothing to ask
    assert not measure.confirm.asking and store.get(slug).measure.kind == "count"


def test_without_outcomes_the_kind_changes_at_once(measure, store, slug):
    store.replace_units_frame(slug, pd.DataFrame({"unit_id": ["A"], "outcome": [None]}))
    measure.kind.value = "rate"
    assert not measure.confirm.asking and store.get(slug).measure.kind == "rate"
