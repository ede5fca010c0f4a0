"""Step 3 as one view of the app: declared once, built from the session, and shown again
with what changed in the store since (another view, another tab, the room)."""

from datetime import date

import pytest
from ui_step3_helpers import (
    find,
    open_step3,
    plain_env,  # noqa: F401 (autouse)
)

from widgets.model import (
    Action,
    ExceptionDecision,
    Measure,
    Practice,
    PracticeCheck,
    ProgressEntry,
    Unit,
)
from widgets.ui.session import Session
from widgets.ui.step3 import Step3


@pytest.fixture
def families(store, slug):
    store.set_measure(slug, Measure("The family stayed together", "family", "yes_no",
                                    baseline_date="2023-01-31"))
    store.replace_units(slug, [Unit(f"F{i:02d}", float(i % 2)) for i in range(1, 9)], [])
    store.set_exception(slug, ExceptionDecision("F03", "confirmed", note="real"))
    store.add_person(slug, "Dawn", "lived")
    return slug


def test_step3_is_the_declared_view():
    from widgets.ui.view import View, view_class

    cls = view_class(3)
    assert cls is Step3 and issubclass(cls, View) and cls.key == 3


def test_built_from_a_session_alone(store, families):
    view = Step3(Session(families, store=store))
    assert "hi-step3" in view.widget._dom_classes
    assert view.units.ready and view.units.ids()[:2] == ["F01", "F02"]
    assert view.checks.page_text.value == "Families 1–8 of 8"


def test_refresh_shows_a_practice_taken_in_from_the_room(store, families):
    view = open_step3(store, families)
    store.add_practice(families, Practice("Eating together", how="Phones away",
                                          accessible="yes", from_units=["F03"]))
    view.refresh()
    [card] = find(view.practices.widget, "hi-practice-row")
    assert "Eating together" in card.children[0].value
    assert "Eating together" in view.actions.spread.value
    assert ("F03", 1) in view.checks.toggles  # a column in the grid
    [edit] = find(view.practices.widget, "hi-practice-edit")
    edit.click()  # and it can be changed here
    assert view.practices.what.value == "Eating together"
    assert view.practices.from_units.value == ("F03",)


def test_refresh_shows_answers_actions_and_progress_recorded_elsewhere(store, families):
    number = store.add_practice(families, Practice("Eating together", accessible="yes"))
    view = open_step3(store, families)
    assert view.checks.toggles[("F03", number)].value == "unknown"
    store.set_practice_checks(families, [PracticeCheck("F03", number, "yes"),
                                         PracticeCheck("F01", number, "no")])
    store.add_action(families, Action("A monthly evening", leads=["Dawn"]))
    store.add_person(families, "Lee", "lived")
    store.add_progress(families, ProgressEntry("2023-04-07", attendance=50,
                                               note="First evening"))
    view.refresh()
    assert view.checks.toggles[("F03", number)].value == "yes"
    assert view.checks.toggles[("F01", number)].value == "no"
    assert view.checks.comparison.records and "Comparing 1 confirmed positive exception" in \
        view.checks.comparison.summary.value
    [row] = find(view.actions.widget, "hi-action-row")
    assert "A monthly evening" in row.children[0].value
    assert view.actions.leads.options == ["Dawn", "Lee"]  # the group as it is now
    assert "First evening" in view.progress.table.value
    assert "Attendance was 50" in view.progress.sentence.value


def test_refresh_follows_the_units_and_measure_of_step_1(store, families):
    view = open_step3(store, families)
    store.replace_units(families, [Unit(f"H{i}", float(i % 2)) for i in range(1, 15)], [])
    store.set_measure(families, Measure("The household stayed together", "household",
                                        "yes_no", baseline_date="2023-03-01"))
    view.refresh()
    assert view.checks.page_text.value == "Households 1–12 of 14"
    assert "For each household" in view.checks.widget.children[0].value
    labels = " ".join(w.value for w in find(view.widget, "hi-field-label"))
    assert "Could any household in the same circumstances do it?" in labels
    assert "the baseline is dated 1 Mar 2023" in labels
    assert "the share of households" in labels
    view.progress.date.value = date(2023, 2, 1)
    view.progress.attendance.value = "4"
    view.progress.add_button.click()  # the new baseline date is the one checked
    assert "before the baseline (1 Mar 2023)" in view.progress.message.text


def test_refresh_reads_nothing_when_nothing_changed(store, families, monkeypatch):
    view = open_step3(store, families)
    calls = []
    for name in ("get", "units"):
        original = getattr(store, name)

        def spy(*args, _original=original, _name=name, **kwargs):
            calls.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(store, name, spy)
    view.refresh()
    assert calls == []
    store.add_practice(families, Practice("Eating together"))
    view.refresh()
    assert calls.count("get") == 1 and calls.count("units") == 0  # the same units
    assert ("F01", 1) in view.checks.toggles
    store.replace_units(families, [Unit("F01", 1.0), Unit("F99", 0.0)], [])
    calls.clear()
    view.refresh()
    assert calls == ["get", "units"] and view.units.ids() == ["F01", "F99"]

