"""Tests for widgets.analysis.baseline: Wilson interval, baseline sentences, quick tally."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from widgets.analysis.baseline import (
    baseline_summary,
    plural,
    predicate,
    tally_frame,
    wilson_interval,
)
from widgets.model import Measure, ModelError


def wilson_by_formula(x: float, n: float, z: float = 1.959963984540054) -> tuple[float, float]:
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


@pytest.mark.parametrize("x,n", [(18, 60), (0, 10), (10, 10), (1, 3), (250, 1000)])
def test_wilson_matches_the_formula(x, n):
    low, high = wilson_interval(x, n)
    ref = wilson_by_formula(x, n)
    assert low == pytest.approx(max(0.0, ref[0]), abs=1e-12)
    assert high == pytest.approx(min(1.0, ref[1]), abs=1e-12)


def test_wilson_18_of_60_hand_worked():
    low, high = wilson_interval(18, 60)
    assert low == pytest.approx(0.1990, abs=5e-4)
    assert high == pytest.approx(0.4251, abs=5e-4)


def test_wilson_other_confidence_matches_statsmodels():
    from statsmodels.stats.proportion import proportion_confint

    low, high = wilson_interval(7, 40, confidence=0.9)
    ref = proportion_confint(7, 40, alpha=0.1, method="wilson")
    assert (low, high) == pytest.approx(ref, abs=1e-10)


def test_wilson_empty_and_impossible():
    assert all(math.isnan(v) for v in wilson_interval(0, 0))
    with pytest.raises(ModelError):
        wilson_interval(5, 3)
    with pytest.raises(ModelError):
        wilson_interval(-1, 3)
    with pytest.raises(ModelError):
        wilson_interval(1, 3, confidence=1.5)


@pytest.mark.parametrize("word,expected", [
    ("family", "families"), ("child", "children"), ("person", "people"),
    ("household", "households"), ("ward", "wards"), ("class", "classes"),
    ("young person", "young people"), ("day", "days"), ("Family", "Families"),
])
def test_plural(word, expected):
    assert plural(word) == expected
    assert plural(word, 1) == word


def test_predicate_drops_the_unit():
    assert predicate(Measure(what="the family stayed together")) == "stayed together"
    assert predicate(Measure(what="stayed together")) == "stayed together"
    assert predicate(Measure(what="The child ate breakfast.", unit_name="child")) == \
        "ate breakfast"


def test_yes_no_sentence():
    frame = tally_frame(18, 60, "family")
    b = baseline_summary(frame, Measure(what="the family stayed together"))
    assert b.sentence == ("18 of 60 families (30\u00a0%, likely between 20\u00a0% and 43\u00a0%) "
                          "stayed together.")
    assert (b.kind, b.n, b.missing, b.per, b.total) == ("yes_no", 60, 0, 100, 18)
    assert b.value == pytest.approx(0.3)
    assert (b.low, b.high) == pytest.approx(wilson_by_formula(18, 60))
    assert b.scaled()[0] == pytest.approx(30)


def test_missing_outcomes_are_counted_and_mentioned():
    frame = tally_frame(18, 60, "family")
    frame.loc[[0, 40], "outcome"] = np.nan
    b = baseline_summary(frame, Measure(what="stayed together"))
    assert (b.n, b.missing, b.total) == (58, 2, 17)
    assert b.sentence.endswith("2 families have no value yet.")
    frame.loc[40, "outcome"] = 0.0
    b = baseline_summary(frame, Measure(what="stayed together"))
    assert b.sentence.endswith("1 family has no value yet.")


def test_score_mean_t_interval_and_median():
    rng = np.random.default_rng(3)
    values = rng.normal(6, 2, 35).round(1)
    frame = pd.DataFrame({"unit_id": [f"P{i}" for i in range(35)], "outcome": values,
                          "population": np.nan})
    b = baseline_summary(frame, Measure(what="wellbeing score", unit_name="pupil",
                                        kind="score"))
    ref = stats.t.interval(0.95, 34, loc=values.mean(), scale=stats.sem(values))
    assert b.value == pytest.approx(values.mean())
    assert (b.low, b.high) == pytest.approx(ref)
    assert b.median == pytest.approx(np.median(values))
    assert b.sentence.startswith("The average wellbeing score was ")
    assert "35 pupils" in b.sentence


def test_count_mean_and_total():
    values = np.array([0, 1, 2, 5, 0, 3, 1, 1.0])
    frame = pd.DataFrame({"unit_id": list("abcdefgh"), "outcome": values})
    b = baseline_summary(frame, Measure(what="missed school days", unit_name="child",
                                        kind="count"))
    ref = stats.t.interval(0.95, 7, loc=values.mean(), scale=stats.sem(values))
    assert (b.value, b.total) == (pytest.approx(values.mean()), 13)
    assert (b.low, b.high) == pytest.approx(ref)
    assert "13 in total across 8 children" in b.sentence
    assert "missed school days per child" in b.sentence


def test_rate_overall_rate_with_wilson():
    frame = pd.DataFrame({"unit_id": ["A", "B", "C"], "outcome": [10, 3, 25],
                          "population": [400, 50, 1000]})
    b = baseline_summary(frame, Measure(what="emergency admissions", unit_name="ward",
                                        kind="rate", better="lower"))
    assert b.value == pytest.approx(38 / 1450)
    assert (b.low, b.high) == pytest.approx(wilson_by_formula(38, 1450))
    assert b.per == 100
    assert "38 emergency admissions out of a population of 1,450 across 3 wards" in b.sentence
    small = frame.assign(population=[40000, 5000, 100000])
    b2 = baseline_summary(small, Measure(what="admissions", unit_name="ward", kind="rate"))
    assert b2.per == 1000
    assert "per 1,000" in b2.sentence


def test_rate_with_more_events_than_people_uses_a_poisson_interval():
    frame = pd.DataFrame({"unit_id": ["A", "B"], "outcome": [30, 20], "population": [10, 10]})
    b = baseline_summary(frame, Measure(what="visits", kind="rate"))
    assert b.value == pytest.approx(2.5)
    low = stats.chi2.ppf(0.025, 100) / 2 / 20
    high = stats.chi2.ppf(0.975, 102) / 2 / 20
    assert (b.low, b.high) == pytest.approx((low, high))


def test_bad_outcomes_give_plain_messages():
    frame = pd.DataFrame({"unit_id": ["a", "b"], "outcome": ["yes", "no"]})
    with pytest.raises(ModelError, match="must be a number"):
        baseline_summary(frame, Measure(what="x"))
    empty = pd.DataFrame({"unit_id": ["a", "b"], "outcome": [np.nan, np.nan]})
    with pytest.raises(ModelError, match="No family has a value yet"):
        baseline_summary(empty, Measure(what="x"))
    three = pd.DataFrame({"unit_id": ["a", "b"], "outcome": [1.0, 3.0]})
    with pytest.raises(ModelError, match="1 \\(yes\\) or 0 \\(no\\)"):
        baseline_summary(three, Measure(what="x"))
    with pytest.raises(ModelError, match="population"):
        baseline_summary(three, Measure(what="x", kind="rate"))


def test_tally_frame():
    frame = tally_frame(3, 5, "family")
    assert frame["unit_id"].tolist() == [f"Family {i}" for i in range(1, 6)]
    assert frame["outcome"].tolist() == [1.0, 1.0, 1.0, 0.0, 0.0]
    assert frame["population"].isna().all()
    assert tally_frame(0, 1, "pupil")["unit_id"].tolist() == ["Pupil 1"]
    assert len(tally_frame(100, 100_000, "household")) == 100_000


@pytest.mark.parametrize("yes,total", [(-1, 5), (6, 5), (0, 0), (1, 100_001), (1.5, 4),
                                       (True, 4), ("3", 5)])
def test_tally_frame_rejects_bad_numbers(yes, total):
    with pytest.raises(ModelError):
        tally_frame(yes, total, "family")


@pytest.mark.parametrize("what,unit,expected", [
    ("Pupils who have a plan", "pupil", "has a plan"),
    ("pupils have a plan", "pupil", "has a plan"),
    ("Families that eat together", "family", "eats together"),
    ("Families who stayed together", "family", "stayed together"),
    ("Children who are never late", "child", "is never late"),
    ("the pupil has a plan", "pupil", "has a plan"),
])
def test_predicate_reads_a_plural_measure_for_one_unit(what, unit, expected):
    """"Pupil 10: who have a plan" (step 2) and "Pupils who who have a plan" (progress) were
    on screen for the measure of issue 9."""
    assert predicate(Measure(what=what, unit_name=unit)) == expected


def test_the_60_pupils_read_well_everywhere():
    from widgets.analysis.progress import _outcome_label

    measure = Measure("Pupils who have a plan", "pupil", "yes_no")
    frame = tally_frame(15, 60, "pupil")
    assert baseline_summary(frame, measure).sentence.endswith(") have a plan.")
    assert _outcome_label(measure) == "Pupils who have a plan"
