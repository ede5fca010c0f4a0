"""Tests for the result type and shared checks (widgets.analysis.method_result), the group's
own choice (widgets.analysis.group_choice) and the registry
(widgets.analysis.positive_exceptions)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from widgets.analysis.group_choice import group_choice
from widgets.analysis.method_result import RESULT_COLUMNS, MethodResult, prepare
from widgets.analysis.positive_exceptions import METHODS, rerun, run_method
from widgets.model import AnalysisRun, Measure, ModelError

SCORE = Measure(what="wellbeing", kind="score", better="higher")


@pytest.fixture
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    n = 120
    pop = rng.integers(50, 500, n).astype(float)
    return pd.DataFrame({
        "unit_id": [f"Family {i}" for i in range(1, n + 1)],
        "outcome": rng.binomial(pop.astype(int), 0.1).astype(float),
        "population": pop,
        "tenure": rng.choice(["social housing", "owner"], n),
        "income": rng.normal(1500, 300, n),
    })


def test_methods_registry_names():
    assert set(METHODS) == {"group-choice", "group-z", "group-iqr", "expected", "funnel"}
    for title, line in METHODS.values():
        assert title and line.endswith(".")


@pytest.mark.parametrize("name,settings", [
    ("group-choice", {"chosen_ids": ["Family 3"]}),
    ("group-z", {"circumstances": ["tenure", "income"]}),
    ("group-iqr", {"circumstances": ["tenure"]}),
    ("expected", {"circumstances": ["tenure", "income"]}),
    ("funnel", {}),
])
def test_run_every_method(frame, name, settings):
    measure = Measure(what="admissions", kind="rate", better="lower")
    result = run_method(name, frame, measure, **settings)
    assert isinstance(result, MethodResult)
    assert result.method == name
    assert list(result.table.columns[:6]) == list(RESULT_COLUMNS)
    assert len(result.table) == len(frame)
    assert result.table["flagged"].dtype == bool
    json.dumps(result.settings)  # the evidence trail must be JSON-ready
    run = result.as_analysis_run(by="Sam", at="2024-05-01T10:00")
    assert isinstance(run, AnalysisRun)
    assert run.method == name and run.flagged == result.flagged_ids and run.by == "Sam"


def test_flagged_ids_best_first():
    table = pd.DataFrame({"unit_id": ["a", "b", "c"], "score": [1.0, 3.0, 2.0],
                          "expected": np.nan, "flagged": [True, True, False],
                          "explanation": "", "group": None})
    assert MethodResult("x", table).flagged_ids == ["b", "a"]


def test_unknown_method_or_setting(frame):
    with pytest.raises(ModelError, match="no method called"):
        run_method("magic", frame, SCORE)
    with pytest.raises(ModelError, match="no setting called 'colour'"):
        run_method("group-z", frame, SCORE, circumstances=["tenure"], colour="red")
    with pytest.raises(ModelError, match="no setting called 'rule'"):
        run_method("group-z", frame, SCORE, circumstances=["tenure"], rule="iqr")


def test_group_choice(frame):
    result = group_choice(frame, ["Family 2", "Family 9", "Nobody"], SCORE)
    assert result.flagged_ids == ["Family 2", "Family 9"]
    assert result.warnings == ["1 chosen family is not in the data and was ignored: 'Nobody'."]
    assert result.table.loc[1, "explanation"] == "Chosen by the group."
    assert result.settings == {"chosen": ["Family 2", "Family 9"]}
    assert "Nobody has been chosen yet." in group_choice(frame, []).warnings


@pytest.mark.parametrize("change,circumstances,message", [
    ({"outcome": "text"}, ["tenure"], "must be a number"),
    ({"outcome": np.nan}, ["tenure"], "No family has an outcome"),
    ({}, ["colour"], "no column called 'colour'"),
    ({}, [], "Choose at least one circumstance"),
    ({}, ["unit_id"], "not a circumstance"),
])
def test_bad_choices_are_plain_messages(frame, change, circumstances, message):
    bad = frame.assign(**change)
    for name in ("group-z", "group-iqr", "expected"):
        with pytest.raises(ModelError, match=message):
            run_method(name, bad, SCORE, circumstances=circumstances)


def test_prepare_reports_missing_and_ignores_constant_columns(frame):
    frame = frame.assign(country="England")
    frame.loc[[0, 1, 2], "outcome"] = np.nan
    prep = prepare(frame, SCORE, ["tenure", "country"], need_circumstances=True)
    assert prep.circumstances == ["tenure"]
    assert "3 families have no outcome and were left out." in prep.warnings
    assert any("same 'country'" in w for w in prep.warnings)
    assert len(prep.y) == len(frame) - 3
    assert prep.reasons[0][0][0] and prep.reasons[0][1] == "No outcome yet, so left out."
    assert prep.uniques["tenure"] == ["owner", "social housing"]
    assert prep.ids_of(np.array([0])) == ["Family 4"]


def test_bad_measure(frame):
    with pytest.raises(ModelError, match="kind of measure"):
        run_method("group-z", frame, Measure(kind="odd"), circumstances=["tenure"])
    with pytest.raises(ModelError, match="direction"):
        run_method("group-z", frame, Measure(better="up"), circumstances=["tenure"])
    with pytest.raises(ModelError, match="1 \\(yes\\) or 0 \\(no\\)"):
        run_method("group-z", frame, Measure(kind="yes_no"), circumstances=["tenure"])
    with pytest.raises(ModelError, match="negative"):
        run_method("group-z", frame.assign(outcome=-1.0), Measure(kind="count"),
                   circumstances=["tenure"])


def test_text_numbers_in_an_object_outcome_are_accepted(frame):
    as_text = frame.assign(outcome=frame["outcome"].astype(str).astype(object))
    a = run_method("group-z", as_text, SCORE, circumstances=["tenure"])
    b = run_method("group-z", frame, SCORE, circumstances=["tenure"])
    np.testing.assert_allclose(a.table["score"], b.table["score"])


# --------------------------------------------------------------------------- rerun

RATE = Measure(what="admissions", unit_name="family", kind="rate", better="lower")


@pytest.mark.parametrize("name,settings", [
    ("group-choice", {"chosen_ids": ["Family 3", "Family 7"]}),
    ("group-z", {"circumstances": ["tenure", "income"], "threshold": 1.5, "bands": 2}),
    ("group-iqr", {"circumstances": ["tenure"], "iqr_factor": 1.0}),
    ("expected", {"circumstances": ["tenure", "income"], "threshold": 1.5,
                  "overdispersion": False}),
    ("funnel", {"exact": False, "limits": [0.9, 0.95]}),
])
def test_rerun_repeats_a_recorded_run(frame, name, settings):
    first = run_method(name, frame, RATE, **settings)
    # As the store keeps it: through JSON, with what the run found next to its settings.
    run = first.as_analysis_run(by="Sam")
    run = AnalysisRun(run.method, json.loads(json.dumps(run.settings)), run.flagged)
    again = rerun(run, frame, RATE)
    assert again.method == name
    assert again.flagged_ids == first.flagged_ids == run.flagged
    pd.testing.assert_frame_equal(again.table, first.table)
    assert again.settings == first.settings


def test_rerun_uses_the_recorded_settings_not_the_defaults(frame):
    strict = run_method("expected", frame, RATE, circumstances=["tenure"], threshold=1.0)
    loose = run_method("expected", frame, RATE, circumstances=["tenure"])
    assert len(strict.flagged_ids) > len(loose.flagged_ids)  # the setting matters here
    again = rerun(strict.as_analysis_run(), frame, RATE)
    assert again.settings["threshold"] == 1.0
    assert again.flagged_ids == strict.flagged_ids


def test_rerun_when_the_settings_no_longer_fit(frame):
    run = run_method("group-z", frame, RATE, circumstances=["tenure"]).as_analysis_run()
    with pytest.raises(ModelError, match="cannot be repeated.*no column called 'tenure'"):
        rerun(run, frame.drop(columns="tenure"), RATE)
    with pytest.raises(ModelError, match="not available any more"):
        rerun(AnalysisRun("magic", {}), frame, RATE)
    with pytest.raises(ModelError, match="no recorded run"):
        rerun(None, frame, RATE)
    odd = AnalysisRun("expected", {"circumstances": ["tenure"], "threshold": "high"})
    with pytest.raises(ModelError, match="threshold"):
        rerun(odd, frame, RATE)
    with pytest.raises(ModelError, match="cannot be repeated. The number of bands"):
        rerun(AnalysisRun("group-z", {"circumstances": ["tenure"], "bands": "three"}),
              frame, RATE)
    with pytest.raises(ModelError, match="settings of 'Best in similar circumstances' no "
                                         "longer fit"):
        rerun(AnalysisRun("group-z", {"circumstances": 5}), frame, RATE)
    with pytest.raises(ModelError, match="no list of chosen units"):
        rerun(AnalysisRun("group-choice", {"chosen": 5}), frame, RATE)
