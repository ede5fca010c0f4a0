"""Unit tests for widgets.store: every method, its mistakes, its history entries."""

from __future__ import annotations

import dataclasses
import sqlite3

import pandas as pd
import pytest
from sqlalchemy import select, update

from widgets.examples import build
from widgets.model import (
    MEASURE_KINDS,
    PRINCIPLES,
    Action,
    AnalysisRun,
    ExceptionDecision,
    Inquiry,
    Issue,
    Measure,
    ModelError,
    Person,
    Practice,
    PracticeCheck,
    ProgressEntry,
    Unit,
)
from widgets.store import NotFound, Store, default_url, open_store
from widgets.store import schema as s
from widgets.store.migrations import SchemaTooNew
from widgets.store.values import MAX_TEXT

pytestmark = pytest.mark.both_backends


def _units(n: int = 4) -> list[Unit]:
    return [Unit(f"U{k}", float(k % 2), None, None, {"income": ["low", "high"][k % 2],
                                                       "children": k})
            for k in range(1, n + 1)]


@pytest.fixture
def filled(store, slug):
    """An inquiry with four units and two practices."""
    store.replace_units(slug, _units(), ["income", "children"], by="Lee")
    store.add_practice(slug, Practice("Eating together"), by="Lee")
    store.add_practice(slug, Practice("Talking at the table"), by="Lee")
    return slug


def _last(store, slug):
    return store.history(slug)[-1]


# ---------------------------------------------------------------------- inquiries


def test_create_inquiry_returns_slug_and_logs_who(store):
    slug = store.create_inquiry("Family break-up in our estate", by="Dawn")
    assert slug == "family-break-up-in-our-estate"
    assert store.exists(slug)
    inquiry = store.get(slug)
    assert inquiry.title == "Family break-up in our estate"
    assert inquiry.created_at and inquiry.updated_at == inquiry.created_at
    [entry] = store.history(slug)
    assert entry.by == "Dawn" and entry.part == "inquiry" and "started" in entry.change


def test_slugs_are_unique(store):
    slugs = [store.create_inquiry(t) for t in ("Same title", "Same: title", "Same-title!")]
    assert slugs == ["same-title", "same-title-2", "same-title-3"]
    assert store.create_inquiry("Other", slug="same-title") == "same-title-4"
    assert store.create_inquiry("Sláinte!! ünïcode") == "slainte-unicode"


def test_a_second_inquiry_with_the_same_title_is_refused_plainly(store):
    store.create_inquiry("Family break-up")
    before = store.list_inquiries()
    with pytest.raises(ModelError, match="already an inquiry called 'Family break-up'"):
        store.create_inquiry("  family   BREAK-UP ")
    assert store.list_inquiries() == before


@pytest.mark.parametrize("title", ["", "   ", None, 5, "x" * 201])
def test_create_inquiry_rejects_bad_titles(store, title):
    with pytest.raises(ModelError):
        store.create_inquiry(title)
    assert store.list_inquiries() == []


def test_list_inquiries_counts_and_order(store, filled):
    other = store.create_inquiry("Second")
    store.add_person(filled, "Dawn", by="x")
    store.set_measure(filled, Measure(what="stayed together"))
    store.set_exception(filled, ExceptionDecision("U1", "confirmed"))
    store.set_exception(filled, ExceptionDecision("U2", "candidate"))
    store.add_action(filled, Action("Evening"))
    store.add_progress(filled, ProgressEntry("2024-01-05", attendance=50))
    items = store.list_inquiries()
    assert [i.slug for i in items] == [filled, other]  # most recently changed first
    first = items[0]
    assert (first.people, first.units, first.confirmed_exceptions, first.candidate_exceptions,
            first.practices, first.actions, first.progress) == (1, 4, 1, 1, 2, 1, 1)
    assert first.measure_defined and not items[1].measure_defined
    assert store.summary(filled) == first
    with pytest.raises(NotFound):
        store.summary("nope")


def test_rename_keeps_slug(store, slug):
    store.rename(slug, "A better title", by="Jo")
    assert store.get(slug).title == "A better title"
    assert _last(store, slug).by == "Jo"
    with pytest.raises(ModelError):
        store.rename(slug, "  ")
    with pytest.raises(NotFound):
        store.rename("nope", "Title")


def test_delete_inquiry_removes_everything_of_it_only(store, filled):
    other = store.save_inquiry(build("grub-hub"))
    store.delete_inquiry(filled)
    assert not store.exists(filled)
    with pytest.raises(NotFound):
        store.get(filled)
    with pytest.raises(NotFound):
        store.delete_inquiry(filled)
    assert len(store.get(other).units) == 60
    # a new inquiry may take the freed slug, and starts empty
    again = store.create_inquiry("Family break-up in our estate")
    assert again == filled and store.get(again).units == []


def test_mark_downloaded_is_not_a_change(store, slug):
    assert store.summary(slug).changed_since_download
    before = store.updated_at(slug)
    store.mark_downloaded(slug)
    assert store.updated_at(slug) == before
    assert not store.summary(slug).changed_since_download
    assert len(store.history(slug)) == 1
    store.set_issue(slug, Issue("changed"))
    assert store.summary(slug).changed_since_download
    with pytest.raises(NotFound):
        store.mark_downloaded("nope")


@pytest.mark.parametrize("method", ["get", "units", "units_frame", "history", "updated_at"])
def test_reading_an_unknown_inquiry_is_not_found(store, method):
    with pytest.raises(NotFound):
        getattr(store, method)("nope")


def test_get_without_units(store, filled):
    assert store.get(filled, include_units=False).units == []
    assert len(store.get(filled).units) == 4


def test_updated_at_moves_forward_on_every_change_and_not_on_a_mistake(store, slug):
    stamps = [store.updated_at(slug)]
    store.set_issue(slug, Issue("a"))
    stamps.append(store.updated_at(slug))
    store.add_person(slug, "Dawn")
    stamps.append(store.updated_at(slug))
    assert stamps == sorted(stamps) and len(set(stamps)) == 3
    with pytest.raises(ModelError):
        store.add_person(slug, "Dawn")
    assert store.updated_at(slug) == stamps[-1]
    assert len(store.history(slug)) == 3  # the failed action logged nothing


def test_open_store_uses_the_data_folder(data_dir):
    assert default_url().endswith(str(data_dir / "hidden-insights.sqlite"))
    st = open_store()
    try:
        st.create_inquiry("x")
    finally:
        st.close()
    assert (data_dir / "hidden-insights.sqlite").exists()


def test_database_url_from_the_environment(store_url, backend, monkeypatch):
    """HIDDEN_INSIGHTS_DATABASE_URL chooses the database (PostgreSQL on a shared server)."""
    url = store_url
    if backend == "postgresql":  # people write the plain scheme; the kit uses psycopg 3
        url = url.replace("postgresql+psycopg://", "postgresql://")
    monkeypatch.setenv("HIDDEN_INSIGHTS_DATABASE_URL", url)
    assert default_url() == url
    st = open_store()
    try:
        assert st.engine.dialect.name == backend
        slug = st.create_inquiry("Chosen by the environment")
    finally:
        st.close()
    again = Store(store_url)
    try:
        assert again.exists(slug)
    finally:
        again.close()


# ---------------------------------------------------------------------- issue and measure


def test_set_issue_and_measure(store, slug):
    issue = Issue("Families break up", "parents", "children move school", "safety")
    store.set_issue(slug, issue, by="Dawn")
    assert store.get(slug).issue == issue
    entry = _last(store, slug)
    assert (entry.by, entry.part) == ("Dawn", "issue")
    assert entry.detail["after"]["statement"] == "Families break up"

    measure = Measure("stayed together", "family", "yes_no", "higher", "survey", "2023-01-31")
    store.set_measure(slug, measure, by="Lee")
    assert store.get(slug).measure == measure
    assert (_last(store, slug).by, _last(store, slug).part) == ("Lee", "measure")


@pytest.mark.parametrize("bad", [{"kind": "guess"}, {"better": "sideways"}, {"what": 3},
                                 {"unit_name": "x" * 101}, {"baseline_date": "x" * 41}])
def test_set_measure_rejects_bad_values(store, slug, bad):
    with pytest.raises(ModelError):
        store.set_measure(slug, dataclasses.replace(Measure("ok"), **bad))
    assert store.get(slug).measure == Measure()


def test_set_issue_unknown_inquiry(store):
    with pytest.raises(NotFound):
        store.set_issue("nope", Issue("x"))


# ---------------------------------------------------------------------- group


def test_people_numbers_update_and_remove(store, slug):
    assert store.add_person(slug, "Dawn", by="Sam") == 1
    assert store.add_person(slug, " Lee ", "professional") == 2
    group = store.get(slug).group
    assert group == [Person("Dawn", "lived", 1), Person("Lee", "professional", 2)]
    assert _last(store, slug).by == "facilitator"
    assert store.history(slug)[1].by == "Sam" and "Dawn" in store.history(slug)[1].change

    store.update_person(slug, 2, name="Lee B", role="other", by="Jo")
    assert store.get(slug).group[1] == Person("Lee B", "other", 2)
    store.remove_person(slug, 1)
    assert store.get(slug).person_names() == ["Lee B"]
    assert store.add_person(slug, "Priya") == 3  # numbers are not reused
    with pytest.raises(NotFound):
        store.remove_person(slug, 1)
    with pytest.raises(NotFound):
        store.update_person(slug, 99, name="X")


def test_duplicate_person_names_rejected(store, slug):
    store.add_person(slug, "Dawn")
    store.add_person(slug, "Lee")
    for name in ("Dawn", "  Dawn  "):
        with pytest.raises(ModelError, match="already"):
            store.add_person(slug, name)
    with pytest.raises(ModelError, match="already"):
        store.update_person(slug, 2, name="Dawn")
    store.update_person(slug, 1, name="Dawn")  # keeping one's own name is fine
    assert store.get(slug).person_names() == ["Dawn", "Lee"]


@pytest.mark.parametrize("name, role", [("", "lived"), ("Dawn", "boss"), (None, "lived"),
                                        ("x" * 201, "lived")])
def test_add_person_rejects_bad_values(store, slug, name, role):
    with pytest.raises(ModelError):
        store.add_person(slug, name, role)
    assert store.get(slug).group == []


# ---------------------------------------------------------------------- units


def test_replace_units_round_trip(store, slug):
    units = _units(6)
    units[0].private_name = "Mrs Smith"
    store.replace_units(slug, units, ["income", "children"], by="Lee", source="data.csv")
    got = store.get(slug)
    assert got.units == units and got.context_columns == ["income", "children"]
    assert store.units(slug) == units
    entry = _last(store, slug)
    assert entry.by == "Lee" and "6 units" in entry.change and "data.csv" in entry.change

    frame = store.units_frame(slug)
    assert list(frame.columns) == ["unit_id", "outcome", "population", "income", "children"]
    assert "private_name" in store.units_frame(slug, include_private=True).columns
    assert store.units_frame(slug, include_private=True)["private_name"][0] == "Mrs Smith"

    store.replace_units(slug, _units(2), ["income"])
    assert [u.unit_id for u in store.units(slug)] == ["U1", "U2"]
    assert store.get(slug).context_columns == ["income"]


@pytest.mark.parametrize("units, columns", [
    ([Unit("A"), Unit("A")], []),
    ([Unit("A"), Unit("")], []),
    ([Unit("  ")], []),
    ([Unit("A", outcome="high")], []),
    ([Unit("A", outcome=float("nan"))], []),
    ([Unit("A")], ["outcome"]),
    ([Unit("A")], ["unit_id"]),
])
def test_replace_units_rejects_bad_tables(store, filled, units, columns):
    before = store.units(filled)
    with pytest.raises(ModelError):
        store.replace_units(filled, units, columns)
    assert store.units(filled) == before


def test_replace_units_frame(store, slug):
    frame = pd.DataFrame({
        "unit_id": ["A", "B", "C"], "outcome": [1.0, 0.0, None],
        "population": [None, None, None], "housing": ["owner", "social rent", None],
        "children": [1, 2, 3],
    })
    store.replace_units_frame(slug, frame, by="Lee", source="families.csv")
    got = store.units_frame(slug)
    assert list(got["unit_id"]) == ["A", "B", "C"]
    assert got["outcome"].tolist()[:2] == [1.0, 0.0] and pd.isna(got["outcome"][2])
    assert store.get(slug).context_columns == ["housing", "children"]
    assert store.units(slug)[0] == Unit("A", 1.0, None, None, {"housing": "owner",
                                                                "children": 1})
    assert _last(store, slug).by == "Lee" and "families.csv" in _last(store, slug).change
    assert store.summary(slug).units == 3

    dupes = frame.assign(unit_id=["A", "A", "B"])
    with pytest.raises(ModelError):
        store.replace_units_frame(slug, dupes)
    assert list(store.units_frame(slug)["unit_id"]) == ["A", "B", "C"]


def test_add_update_remove_unit(store, filled):
    store.add_unit(filled, Unit("U9", 1.0, None, None, {"income": "low", "housing": "owner"}),
                   by="Jo")
    got = store.get(filled)
    assert got.units[-1].unit_id == "U9"
    assert got.context_columns == ["income", "children", "housing"]  # new circumstance added
    assert _last(store, filled).by == "Jo"
    with pytest.raises(ModelError):
        store.add_unit(filled, Unit("U9"))
    with pytest.raises(ModelError):
        store.add_unit(filled, Unit(""))

    store.update_unit(filled, "U2", Unit("U2", 0.0, None, None, {"income": "mid"}))
    assert [u for u in store.units(filled) if u.unit_id == "U2"][0].context["income"] == "mid"
    with pytest.raises(NotFound):
        store.update_unit(filled, "nope", Unit("nope"))
    with pytest.raises(ModelError):
        store.update_unit(filled, "U2", Unit("U3"))  # taken

    store.remove_unit(filled, "U9")
    assert "U9" not in [u.unit_id for u in store.units(filled)]
    with pytest.raises(NotFound):
        store.remove_unit(filled, "U9")


def test_renaming_a_unit_cascades_to_decisions_and_checks(store, filled):
    store.set_exception(filled, ExceptionDecision("U1", "confirmed", note="they eat together"))
    store.set_practice_checks(filled, [PracticeCheck("U1", 1, "yes"), PracticeCheck("U2", 1,
                                                                                    "no")])
    old = store.units(filled)[0]
    store.update_unit(filled, "U1", dataclasses.replace(old, unit_id="F01"))
    got = store.get(filled)
    assert [u.unit_id for u in got.units][0] == "F01"  # keeps its place
    assert [(e.unit_id, e.status, e.note) for e in got.exceptions] == [
        ("F01", "confirmed", "they eat together")]
    assert sorted((c.unit_id, c.value) for c in got.practice_checks) == [("F01", "yes"),
                                                                         ("U2", "no")]


def test_removing_a_unit_removes_its_decision_and_checks(store, filled):
    store.set_exception(filled, ExceptionDecision("U1", "confirmed"))
    store.set_practice_checks(filled, [PracticeCheck("U1", 1, "yes")])
    store.remove_unit(filled, "U1")
    got = store.get(filled)
    assert got.exceptions == [] and got.practice_checks == []


# ---------------------------------------------------------------------- exceptions


def test_set_exception_inserts_then_updates(store, filled):
    store.set_exception(filled, ExceptionDecision("U1", "candidate", ["group_choice"], 2.5),
                        by="Dawn")
    [e] = store.get(filled).exceptions
    assert (e.status, e.methods, e.score, e.decided_by) == ("candidate", ["group_choice"], 2.5,
                                                           "Dawn")
    assert e.decided_at
    store.set_exception(filled, ExceptionDecision("U1", "rejected", note="outside help"),
                        by="Lee")
    [e] = store.get(filled).exceptions
    assert (e.status, e.note, e.decided_by) == ("rejected", "outside help", "Lee")
    entry = _last(store, filled)
    assert entry.by == "Lee" and entry.part == "exceptions"
    assert entry.detail == {"unit_id": "U1", "status": "rejected", "note": "outside help"}


def test_set_exception_mistakes(store, filled):
    with pytest.raises(NotFound):
        store.set_exception(filled, ExceptionDecision("nope", "confirmed"))
    with pytest.raises(ModelError):
        store.set_exception(filled, ExceptionDecision("U1", "deviant"))
    with pytest.raises(ModelError):
        store.set_exception(filled, ExceptionDecision("U1", "confirmed", score="high"))
    assert store.get(filled).exceptions == []


def test_set_candidates_keeps_decisions(store, filled):
    store.set_candidates(filled, [ExceptionDecision("U1", methods=["a"], score=2.0),
                                  ExceptionDecision("U2", methods=["a"], score=2.1)], by="Sam")
    store.set_exception(filled, ExceptionDecision("U1", "confirmed", ["a"], 2.0, "real"))
    store.set_candidates(filled, [ExceptionDecision("U1", methods=["a", "b"], score=3.0),
                                  ExceptionDecision("U3", methods=["b"], score=2.2)], by="Sam")
    got = {e.unit_id: e for e in store.get(filled).exceptions}
    assert set(got) == {"U1", "U3"}  # U2 was only a candidate and is no longer flagged
    assert (got["U1"].status, got["U1"].note, got["U1"].methods, got["U1"].score) == (
        "confirmed", "real", ["a", "b"], 3.0)
    assert got["U3"].status == "candidate"
    assert _last(store, filled).by == "Sam" and "2 candidates" in _last(store, filled).change


def test_record_analysis(store, filled):
    run = AnalysisRun("similar_circumstances", {"threshold": 2.0, "columns": ["income"]},
                      ["U1"], by="Sam")
    assert store.record_analysis(filled, run, by="Sam") == 1
    assert store.record_analysis(filled, run) == 2
    [first, _second] = store.get(filled).analysis_runs
    assert (first.method, first.settings, first.flagged, first.by, first.id) == (
        "similar_circumstances", {"threshold": 2.0, "columns": ["income"]}, ["U1"], "Sam", 1)
    assert first.at
    assert _last(store, filled).part == "analysis"


# ---------------------------------------------------------------------- practices


def test_practices_add_update_remove(store, slug):
    number = store.add_practice(slug, Practice("Eat together", "at a table", "talk",
                                               "yes", ["F1"]), by="Priya")
    assert number == 1
    assert store.get(slug).practices == [Practice("Eat together", "at a table", "talk", "yes",
                                                  ["F1"], 1)]
    assert _last(store, slug).by == "Priya"
    store.update_practice(slug, 1, Practice("Eat together often", accessible="no"))
    assert store.get(slug).practices[0].accessible == "no"
    with pytest.raises(NotFound):
        store.update_practice(slug, 5, Practice("x"))
    with pytest.raises(ModelError):
        store.add_practice(slug, Practice(""))
    with pytest.raises(ModelError):
        store.add_practice(slug, Practice("x", accessible="maybe"))
    store.remove_practice(slug, 1)
    assert store.get(slug).practices == []
    with pytest.raises(NotFound):
        store.remove_practice(slug, 1)


def test_practice_checks(store, filled):
    store.set_practice_checks(filled, [PracticeCheck("U1", 1, "yes"),
                                       PracticeCheck("U2", 1, "no"),
                                       PracticeCheck("U1", 2, "yes")], by="Jo")
    got = {(c.unit_id, c.practice_id): c.value for c in store.get(filled).practice_checks}
    assert got == {("U1", 1): "yes", ("U2", 1): "no", ("U1", 2): "yes"}
    assert _last(store, filled).by == "Jo"
    # "unknown" clears a cell; changing a cell replaces it
    store.set_practice_checks(filled, [PracticeCheck("U1", 1, "unknown"),
                                       PracticeCheck("U2", 1, "yes")])
    got = {(c.unit_id, c.practice_id): c.value for c in store.get(filled).practice_checks}
    assert got == {("U2", 1): "yes", ("U1", 2): "yes"}
    # removing a practice removes its checks
    store.remove_practice(filled, 1)
    assert [(c.unit_id, c.practice_id) for c in store.get(filled).practice_checks] == [
        ("U1", 2)]


@pytest.mark.parametrize("check", [PracticeCheck("nope", 1, "yes"),
                                   PracticeCheck("U1", 9, "yes"),
                                   PracticeCheck("U1", 1, "perhaps")])
def test_practice_check_mistakes_change_nothing(store, filled, check):
    store.set_practice_checks(filled, [PracticeCheck("U2", 1, "no")])
    with pytest.raises(ModelError):
        store.set_practice_checks(filled, [PracticeCheck("U3", 1, "yes"), check])
    assert [(c.unit_id, c.value) for c in store.get(filled).practice_checks] == [("U2", "no")]


# ---------------------------------------------------------------------- actions


def test_actions_add_update_remove(store, slug):
    action = Action("Monthly evening", ["Dawn", "Lee"], "first Friday", "WhatsApp",
                    "no brochures")
    assert store.add_action(slug, action, by="Dawn") == 1
    assert store.get(slug).actions == [dataclasses.replace(action, id=1)]
    assert _last(store, slug).by == "Dawn" and _last(store, slug).part == "actions"
    store.update_action(slug, 1, Action("Fortnightly evening"))
    assert store.get(slug).actions[0].what == "Fortnightly evening"
    with pytest.raises(ModelError):
        store.add_action(slug, Action(" "))
    with pytest.raises(NotFound):
        store.update_action(slug, 2, Action("x"))
    store.remove_action(slug, 1)
    assert store.get(slug).actions == []
    with pytest.raises(NotFound):
        store.remove_action(slug, 1)


# ---------------------------------------------------------------------- progress


def test_progress_add_update_remove_and_order(store, slug):
    assert store.add_progress(slug, ProgressEntry("2024-03-01", 0.5, 60, 7, "good"),
                              by="Lee") == 1
    assert store.add_progress(slug, ProgressEntry("2024-01-05", attendance=50)) == 2
    got = store.get(slug).progress
    assert [p.date for p in got] == ["2024-01-05", "2024-03-01"]  # in date order
    assert got[1] == ProgressEntry("2024-03-01", 0.5, 60, 7, "good", 1)
    assert store.history(slug)[1].by == "Lee"
    store.update_progress(slug, 1, ProgressEntry("2024-03-01", attendance=61))
    assert store.get(slug).progress[1].attendance == 61
    store.remove_progress(slug, 2)
    assert [p.id for p in store.get(slug).progress] == [1]
    with pytest.raises(NotFound):
        store.remove_progress(slug, 2)
    with pytest.raises(NotFound):
        store.update_progress(slug, 7, ProgressEntry("2024-01-01"))


@pytest.mark.parametrize("entry", [
    ProgressEntry("31/03/2024"), ProgressEntry(""), ProgressEntry("2024-01-01", attendance=-1),
    ProgressEntry("2024-01-01", attendance=2.5), ProgressEntry("2024-01-01", people_helped="x"),
    ProgressEntry("2024-01-01", outcome=float("inf")), ProgressEntry("2024-01-01", outcome=True),
    ProgressEntry("2024-01-01", attendance=3_000_000_000),  # more than a database integer
])
def test_progress_mistakes(store, slug, entry):
    with pytest.raises(ModelError):
        store.add_progress(slug, entry)
    assert store.get(slug).progress == []


def test_numbers_too_large_for_the_database_are_refused_plainly(store):
    inquiry = Inquiry(title="From a file", progress=[ProgressEntry("2024-01-01", id=2**40)],
                      group=[Person("Dawn", "lived", id=2**31)])
    with pytest.raises(ModelError, match="too large"):
        store.save_inquiry(inquiry)
    with pytest.raises(ModelError, match="too large"):
        store.save_inquiry(Inquiry(title="Checks", practice_checks=[
            PracticeCheck("U1", 2**33, "yes")]))
    assert store.list_inquiries() == []


# ---------------------------------------------------------------------- reflections


def test_reflections(store, slug):
    store.set_reflection(slug, 1, "evidence", "We counted.", by="Jo")
    store.set_reflection(slug, 1, "evidence", "We counted twice.")
    store.set_reflection(slug, 3, "act", "We started.")
    got = [(r.step, r.principle, r.note) for r in store.get(slug).reflections]
    assert got == [(1, "evidence", "We counted twice."), (3, "act", "We started.")]
    assert store.history(slug)[1].by == "Jo"
    assert PRINCIPLES["evidence"] in store.history(slug)[1].change
    store.set_reflection(slug, 1, "evidence", "")  # an empty note removes it
    assert [r.step for r in store.get(slug).reflections] == [3]
    with pytest.raises(ModelError):
        store.set_reflection(slug, 4, "act", "x")
    with pytest.raises(ModelError):
        store.set_reflection(slug, 1, "hope", "x")


# ---------------------------------------------------------------------- history


def test_every_write_logs_who_and_what(store, filled):
    writes = [
        ("inquiry", lambda: store.rename(filled, "T", by="W")),
        ("issue", lambda: store.set_issue(filled, Issue("x"), by="W")),
        ("measure", lambda: store.set_measure(filled, Measure("x"), by="W")),
        ("group", lambda: store.add_person(filled, "A", by="W")),
        ("group", lambda: store.update_person(filled, 1, role="other", by="W")),
        ("group", lambda: store.remove_person(filled, 1, by="W")),
        ("units", lambda: store.add_unit(filled, Unit("U8"), by="W")),
        ("units", lambda: store.update_unit(filled, "U8", Unit("U8", 1.0), by="W")),
        ("units", lambda: store.remove_unit(filled, "U8", by="W")),
        ("exceptions", lambda: store.set_exception(filled, ExceptionDecision("U1"), by="W")),
        ("exceptions", lambda: store.set_candidates(filled, [], by="W")),
        ("analysis", lambda: store.record_analysis(filled, AnalysisRun("m"), by="W")),
        ("practices", lambda: store.add_practice(filled, Practice("p"), by="W")),
        ("practices", lambda: store.update_practice(filled, 3, Practice("q"), by="W")),
        ("practices", lambda: store.remove_practice(filled, 3, by="W")),
        ("practice_checks", lambda: store.set_practice_checks(filled, [], by="W")),
        ("actions", lambda: store.add_action(filled, Action("a"), by="W")),
        ("actions", lambda: store.update_action(filled, 1, Action("b"), by="W")),
        ("actions", lambda: store.remove_action(filled, 1, by="W")),
        ("progress", lambda: store.add_progress(filled, ProgressEntry("2024-01-01"), by="W")),
        ("progress", lambda: store.update_progress(filled, 1, ProgressEntry("2024-01-02"),
                                                   by="W")),
        ("progress", lambda: store.remove_progress(filled, 1, by="W")),
        ("reflections", lambda: store.set_reflection(filled, 2, "how", "n", by="W")),
        ("units", lambda: store.replace_units(filled, [Unit("Z")], [], by="W")),
    ]
    for part, write in writes:
        before = len(store.history(filled))
        stamp = store.updated_at(filled)
        write()
        history = store.history(filled)
        assert len(history) == before + 1, part
        entry = history[-1]
        assert (entry.by, entry.part) == ("W", part)
        assert entry.change and entry.at == store.updated_at(filled) > stamp
        assert [h.id for h in history] == list(range(1, len(history) + 1))


def test_history_is_oldest_first_with_times(store, slug):
    for name in ("A", "B", "C"):
        store.add_person(slug, name, by=name)
    history = store.history(slug)
    assert [h.by for h in history[1:]] == ["A", "B", "C"]
    assert [h.at for h in history] == sorted(h.at for h in history)


# ---------------------------------------------------------------------- whole inquiries


@pytest.mark.parametrize("name", ["grub-hub", "child-nutrition"])
def test_save_inquiry_round_trip(store, name):
    inquiry = build(name)
    slug = store.save_inquiry(inquiry, by="loader")
    got = store.get(slug)
    assert dataclasses.replace(got, slug="") == dataclasses.replace(inquiry, slug="")
    assert store.save_inquiry(inquiry) == f"{slug}-2"
    assert store.save_inquiry(inquiry, slug="Mine") == "mine"


def test_save_inquiry_without_history_logs_the_load(store):
    slug = store.save_inquiry(Inquiry("From a file"), by="Dawn")
    [entry] = store.history(slug)
    assert entry.by == "Dawn" and "loaded" in entry.change


@pytest.mark.parametrize("broken", [
    Inquiry(""),
    Inquiry("x", group=[Person("A", "boss")]),
    Inquiry("x", measure=Measure(kind="guess")),
    Inquiry("x", units=[Unit("A"), Unit("A")]),
    Inquiry("x", progress=[ProgressEntry("yesterday")]),
])
def test_save_inquiry_rejects_broken_inquiries_and_stores_nothing(store, broken):
    with pytest.raises(ModelError):
        store.save_inquiry(broken)
    assert store.list_inquiries() == []


# ---------------------------------------------------------------------- schema


def _stored_version(st: Store) -> int:
    with st.engine.connect() as conn:
        return int(conn.execute(select(s.schema_info.c.value).where(
            s.schema_info.c.key == "schema_version")).scalar())


def test_schema_version_is_stored(store, backend, data_dir):
    assert _stored_version(store) == s.SCHEMA_VERSION
    if backend == "sqlite":
        with sqlite3.connect(data_dir / "hidden-insights.sqlite") as db:
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_migration_from_an_empty_database(store_url, backend, data_dir):
    if backend == "sqlite":
        (data_dir / "hidden-insights.sqlite").write_bytes(b"")  # an empty database file
    st = Store(store_url)
    try:
        slug = st.create_inquiry("Works")
        assert st.get(slug).title == "Works"
        assert _stored_version(st) == s.SCHEMA_VERSION
    finally:
        st.close()
    again = Store(store_url)  # opening again migrates nothing and keeps the data
    try:
        assert [i.title for i in again.list_inquiries()] == ["Works"]
        assert _stored_version(again) == s.SCHEMA_VERSION
    finally:
        again.close()


def test_newer_schema_gives_a_plain_error(store_url):
    st = Store(store_url)
    with st.engine.begin() as conn:
        conn.execute(update(s.schema_info).where(s.schema_info.c.key == "schema_version")
                     .values(value=str(s.SCHEMA_VERSION + 1)))
    st.close()
    with pytest.raises(SchemaTooNew) as info:
        Store(store_url)
    message = str(info.value)
    assert "newer version" in message and "\n" not in message


# ---------------------------------------------------------------------- hostile text

HOSTILE = [
    "<script>alert('x')</script>",
    "<b onmouseover=alert(1)>bold</b> & \"quotes\" 'single'",
    "'; DROP TABLE inquiries; --",
    "مرحبا بالعالم \u202e reversed \u202c end",  # right-to-left text and override marks
    "👩‍👩‍👧‍👦 family 🍲🎲 \U0001f9d1\u200d\U0001f37c",
    "=HYPERLINK(\"http://evil\")",
    "line one\nline two\r\n\ttabbed",
    "\\x00 is not a NUL; \u00a0non-breaking, zero\u200bwidth",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_stored_exactly(store, slug, text):
    store.set_issue(slug, Issue(text, text, text, text), by=text)
    store.add_person(slug, text.strip(), by=text)
    store.add_practice(slug, Practice(text, text, text), by=text)
    store.add_action(slug, Action(text, [text], text, text, text))
    store.add_progress(slug, ProgressEntry("2024-01-01", note=text))
    store.set_reflection(slug, 1, "act", text)
    store.rename(slug, text.strip())
    got = store.get(slug)
    assert got.title == text.strip()
    assert got.issue == Issue(text, text, text, text)
    assert got.group[0].name == text.strip()
    assert (got.practices[0].what, got.practices[0].how) == (text, text)
    assert (got.actions[0].what, got.actions[0].leads) == (text, [text])
    assert got.progress[0].note == text and got.reflections[0].note == text
    assert store.history(slug)[1].by == text
    store.replace_units(slug, [Unit(text, 1.0, None, text, {text: text})], [text])
    assert store.units(slug) == [Unit(text, 1.0, None, text, {text: text})]


def test_text_up_to_the_limit_is_kept_and_longer_is_refused(store, slug):
    longest = ("é🍲" * MAX_TEXT)[:MAX_TEXT]
    store.set_issue(slug, Issue(longest))
    assert store.get(slug).issue.statement == longest
    with pytest.raises(ModelError, match="too long"):
        store.set_issue(slug, Issue(longest + "x"))
    with pytest.raises(ModelError, match="too long"):
        store.set_reflection(slug, 1, "act", longest + "x")
    assert store.get(slug).issue.statement == longest


@pytest.mark.parametrize("write", [
    lambda st, slug: st.set_issue(slug, Issue("a\x00b")),
    lambda st, slug: st.add_person(slug, "Da\x00wn"),
    lambda st, slug: st.rename(slug, "\x00"),
    lambda st, slug: st.add_practice(slug, Practice("x", how="\x00")),
    lambda st, slug: st.add_progress(slug, ProgressEntry("2024-01-01", note="\x00")),
    lambda st, slug: st.set_reflection(slug, 1, "act", "\x00"),
    lambda st, slug: st.add_action(slug, Action("x", leads=["\x00"])),
])
def test_nul_characters_are_refused(store, slug, write):
    before = store.get(slug)
    with pytest.raises(ModelError, match="cannot be stored"):
        write(store, slug)
    assert store.get(slug) == before


# ---------------------------------------------------------------------- replacing the data


def test_replacing_the_data_removes_what_pointed_at_gone_units_and_logs_it(store):
    from widgets import examples

    slug = store.save_inquiry(examples.build("grub-hub"))
    before = store.get(slug)
    keep = [u.unit_id for u in before.units[:30]]
    confirmed = [e.unit_id for e in before.exceptions if e.status == "confirmed"]
    losses = store.replacement_losses(slug, keep)
    gone_checks = sum(c.unit_id not in keep for c in before.practice_checks)
    assert losses["practice_checks"] == gone_checks > 0

    frame = store.units_frame(slug).iloc[:30]
    store.replace_units_frame(slug, frame, by="Dawn", source="fewer.csv")
    after = store.get(slug)
    ids = {u.unit_id for u in after.units}
    assert all(e.unit_id in ids for e in after.exceptions)
    assert all(c.unit_id in ids for c in after.practice_checks)
    assert all(u in ids for p in after.practices for u in p.from_units)
    # The decisions that went are kept, whole, in the history as evidence.
    entry = after.history[-1]
    assert entry.by == "Dawn" and "fewer.csv" in entry.change
    removed = {e["unit_id"] for e in entry.detail.get("removed", {}).get("exceptions", [])}
    assert removed == {e.unit_id for e in before.exceptions} - ids
    assert len(entry.detail["removed"]["practice_checks"]) == gone_checks
    kept_confirmed = [u for u in confirmed if u in ids]
    assert sorted(e.unit_id for e in after.exceptions if e.status == "confirmed") == sorted(
        kept_confirmed)


def test_replacing_with_the_same_ids_keeps_every_decision(store):
    from widgets import examples

    slug = store.save_inquiry(examples.build("grub-hub"))
    before = store.get(slug)
    assert store.replacement_losses(slug, [u.unit_id for u in before.units]) == {
        "decisions": 0, "candidates": 0, "practice_checks": 0, "practice_links": 0}
    store.replace_units_frame(slug, store.units_frame(slug), by="Dawn")
    after = store.get(slug)
    assert after.exceptions == before.exceptions
    assert after.practice_checks == before.practice_checks
    assert after.practices == before.practices


# ---------------------------------------------------------------------- duplicates


def test_the_same_practice_twice_is_refused_with_a_plain_message(store, slug):
    from widgets.model import Practice

    store.add_practice(slug, Practice("Eating together"))
    before = len(store.history(slug))
    with pytest.raises(ModelError, match="There is already a practice called “Eating "
                                         "together”; change that one instead."):
        store.add_practice(slug, Practice("  eating   TOGETHER "))
    assert [p.what for p in store.get(slug).practices] == ["Eating together"]
    assert len(store.history(slug)) == before  # nothing stored, nothing logged
    other = store.add_practice(slug, Practice("Talking at the table"))
    with pytest.raises(ModelError, match="already a practice"):
        store.update_practice(slug, other, Practice("Eating Together"))
    store.update_practice(slug, other, Practice("talking at the TABLE"))  # its own words
    assert [p.what for p in store.get(slug).practices] == ["Eating together",
                                                           "talking at the TABLE"]


def test_the_same_action_twice_is_refused_with_a_plain_message(store, slug):
    from widgets.model import Action

    store.add_action(slug, Action("A monthly evening"))
    with pytest.raises(ModelError, match="There is already an action called “A monthly "
                                         "evening”; change that one instead."):
        store.add_action(slug, Action("a  monthly evening"))
    other = store.add_action(slug, Action("Cooking sessions"))
    with pytest.raises(ModelError, match="already an action"):
        store.update_action(slug, other, Action("A MONTHLY EVENING"))
    assert [a.what for a in store.get(slug).actions] == ["A monthly evening",
                                                         "Cooking sessions"]


def test_two_progress_entries_on_one_date_are_allowed(store, slug):
    from widgets.model import ProgressEntry

    store.add_progress(slug, ProgressEntry("2024-01-05", attendance=40))
    store.add_progress(slug, ProgressEntry("2024-01-05", people_helped=3))
    assert len(store.get(slug).progress) == 2


# ------------------------------------------- outcomes that fit the kind of measure (one rule)


def _rate(store, slug):
    store.set_measure(slug, Measure("admissions", "ward", "rate"))


def test_a_rate_cannot_have_more_events_than_its_population(store, slug):
    _rate(store, slug)
    frame = pd.DataFrame({"unit_id": ["W1", "W2"], "outcome": [3.0, 12.0],
                          "population": [10.0, 10.0]})
    with pytest.raises(ModelError, match=r"Row 2 \(W2\): '12' events out of a population "
                                         r"of '10'; there cannot be more events"):
        store.replace_units_frame(slug, frame)
    assert store.units(slug) == []  # nothing stored
    frame.loc[1, "outcome"] = 10.0
    store.replace_units_frame(slug, frame)
    before = store.get(slug).to_dict()
    with pytest.raises(ModelError, match=r"Row 1 \(W1\): '11' events"):
        store.update_unit(slug, "W1", Unit("W1", 11.0, 10.0))
    with pytest.raises(ModelError, match=r"Row 2 \(W2\), population: '-1' is below 0; a "
                                         "population cannot be negative"):
        store.update_unit(slug, "W2", Unit("W2", 0.0, -1.0))
    with pytest.raises(ModelError, match=r"Row 3 \(W3\), outcome: '-2' is below 0"):
        store.add_unit(slug, Unit("W3", -2.0, 5.0))
    with pytest.raises(ModelError, match="more events"):
        store.add_unit(slug, Unit("W3", 6.0, 5.0))
    assert store.get(slug).to_dict() == before  # nothing changed, not even the history
    store.update_unit(slug, "W1", Unit("W1", 4.0, None))  # a population can come later
    assert store.units(slug)[0].outcome == 4.0


def test_data_with_a_new_kind_must_fit_that_kind(store, slug):
    frame = pd.DataFrame({"unit_id": ["W1"], "outcome": [12.0], "population": [10.0]})
    with pytest.raises(ModelError, match="more events"):
        store.replace_units_frame(slug, frame, kind="rate")
    assert store.get(slug).measure.kind == "yes_no" and store.units(slug) == []
    with pytest.raises(ModelError, match="not yes or no"):  # the stored kind: yes/no
        store.replace_units_frame(slug, frame)
    store.replace_units_frame(slug, frame, kind="count")
    assert store.get(slug).measure.kind == "count"


def test_an_inquiry_whose_outcomes_do_not_fit_is_not_stored(store):
    inquiry = Inquiry("Admissions", measure=Measure("admissions", "ward", "rate"),
                      units=[Unit("W1", 3.0, 10.0), Unit("W2", 30.0, 10.0)])
    with pytest.raises(ModelError, match=r"Row 2 \(W2\)"):
        store.save_inquiry(inquiry)
    assert store.list_inquiries() == []


def test_the_kind_changes_only_when_the_stored_outcomes_fit_it(store, slug):
    store.replace_units_frame(slug, pd.DataFrame({"unit_id": ["A", "B"],
                                                  "outcome": [3.0, 0.0],
                                                  "population": [2.0, None]}), kind="count")
    before = store.get(slug).to_dict()
    for kind, words in (("yes_no", r"Row 1 \(A\), outcome: '3' is not yes or no"),
                        ("rate", r"Row 1 \(A\): '3' events out of a population of '2'")):
        with pytest.raises(ModelError, match=words) as refused:
            store.set_measure(slug, dataclasses.replace(store.get(slug).measure, kind=kind))
        assert str(refused.value).startswith(f"The kind cannot become “{MEASURE_KINDS[kind]}”")
        assert "remove the units or upload the data again" in str(refused.value)
    assert store.get(slug).to_dict() == before  # the kind and the data as they were
    store.set_measure(slug, Measure("visits", "family", "score"))  # any number is a score
    assert store.get(slug).measure.kind == "score"
    assert [u.outcome for u in store.units(slug)] == [3.0, 0.0]  # nothing converted


def test_the_kind_of_an_inquiry_without_data_changes_freely(store, slug):
    for kind in ("rate", "count", "yes_no", "score"):
        store.set_measure(slug, Measure("x", "family", kind))
        assert store.get(slug).measure.kind == kind


def test_values_stored_before_the_rule_do_not_stop_other_changes(store, slug, monkeypatch):
    _rate(store, slug)
    with monkeypatch.context() as older:  # data stored before the store checked it
        older.setattr("widgets.store.units.check_fit", lambda frame, kind: None)
        store.replace_units(slug, [Unit("W1", 12.0, 10.0, None, {"area": "North"})], ["area"])
    store.update_unit(slug, "W1", Unit("W1", 12.0, 10.0, None, {"area": "South"}))
    assert store.units(slug)[0].context == {"area": "South"}
    with pytest.raises(ModelError, match="more events"):  # a new value must fit
        store.update_unit(slug, "W1", Unit("W1", 11.0, 10.0, None, {"area": "South"}))
