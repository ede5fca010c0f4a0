"""Tests for widgets.analysis.better_than_expected against statsmodels computed directly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from widgets.analysis.better_than_expected import better_than_expected
from widgets.model import Measure, ModelError


def units(n: int = 300, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    tenure = rng.choice(["social housing", "private rent", "owner"], n, p=[0.5, 0.3, 0.2])
    income = rng.normal(1500, 400, n).round()
    return pd.DataFrame({"unit_id": [f"Family {i}" for i in range(1, n + 1)],
                         "tenure": tenure, "income": income})


def design(frame: pd.DataFrame) -> np.ndarray:
    """Independent design: pandas dummies (reference = most common level), raw income."""
    dummies = pd.get_dummies(frame["tenure"], dtype=float).drop(columns="social housing")
    return sm.add_constant(np.column_stack([dummies.to_numpy(), frame["income"].to_numpy()]))


def test_scores_match_ols_studentised_residuals():
    frame = units()
    rng = np.random.default_rng(1)
    frame["outcome"] = 2 + 0.002 * frame["income"] + (frame["tenure"] == "owner") \
        + rng.normal(0, 1, len(frame))
    frame.loc[5, "outcome"] += 5
    measure = Measure(what="wellbeing", kind="score", better="higher")
    result = better_than_expected(frame, measure, ["tenure", "income"])
    ols = sm.OLS(frame["outcome"].to_numpy(), design(frame)).fit()
    ref = ols.get_influence().resid_studentized_internal
    np.testing.assert_allclose(result.table["score"], ref, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(result.table["expected"], ols.fittedvalues, rtol=1e-8)
    assert result.table["flagged"].tolist() == (ref >= 2).tolist()
    assert "Family 6" in result.flagged_ids
    assert result.method == "expected"
    assert result.settings["model"] == "linear regression"


def test_direction_mirror():
    frame = units()
    rng = np.random.default_rng(2)
    frame["outcome"] = rng.normal(10, 2, len(frame))
    hi = better_than_expected(frame, Measure(what="x", kind="score", better="higher"),
                              ["tenure", "income"])
    lo = better_than_expected(frame, Measure(what="x", kind="score", better="lower"),
                              ["tenure", "income"])
    np.testing.assert_allclose(lo.table["score"], -hi.table["score"])
    assert set(lo.flagged_ids) == set(frame.loc[hi.table["score"] <= -2, "unit_id"])
    assert set(hi.flagged_ids).isdisjoint(lo.flagged_ids)


def test_yes_no_uses_logistic_regression():
    frame = units(400)
    rng = np.random.default_rng(3)
    logit = -1 + 1.5 * (frame["tenure"] == "owner") + 0.001 * (frame["income"] - 1500)
    frame["outcome"] = (rng.random(len(frame)) < 1 / (1 + np.exp(-logit))).astype(float)
    measure = Measure(what="the family stayed together")
    result = better_than_expected(frame, measure, ["tenure", "income"])
    glm = sm.GLM(frame["outcome"].to_numpy(), design(frame), family=sm.families.Binomial()).fit()
    ref = glm.get_influence().resid_studentized
    np.testing.assert_allclose(result.table["score"], ref, rtol=1e-6)
    np.testing.assert_allclose(result.table["expected"], glm.fittedvalues, rtol=1e-6)
    flagged = result.flagged_table()
    assert (flagged["outcome"] == 1).all()
    assert (flagged["expected"] < 0.2).all()  # a residual of 2 needs p < 1/(1+4)
    assert flagged["explanation"].str.contains("stayed together").all()
    assert flagged["explanation"].str.contains("expected chance").all()


def test_counts_use_poisson_with_and_without_overdispersion():
    frame = units(300)
    rng = np.random.default_rng(4)
    mu = np.exp(0.5 + 0.6 * (frame["tenure"] == "social housing"))
    frame["outcome"] = rng.negative_binomial(2, 2 / (2 + mu)).astype(float)
    measure = Measure(what="missed days", kind="count", better="lower")
    plain = better_than_expected(frame, measure, ["tenure", "income"], overdispersion=False)
    glm = sm.GLM(frame["outcome"].to_numpy(), design(frame), family=sm.families.Poisson()).fit()
    ref = glm.get_influence().resid_studentized
    np.testing.assert_allclose(plain.table["score"], -ref, rtol=1e-6)
    scaled = better_than_expected(frame, measure, ["tenure", "income"])
    phi = glm.pearson_chi2 / glm.df_resid
    assert phi > 1
    np.testing.assert_allclose(scaled.table["score"], -ref / np.sqrt(phi), rtol=1e-6)
    assert scaled.settings["dispersion"] == pytest.approx(phi, rel=1e-3)
    assert len(scaled.flagged_ids) <= len(plain.flagged_ids)
    assert any("vary more than chance" in n for n in scaled.notes)


def test_rates_use_binomial_regression():
    frame = units(200)
    rng = np.random.default_rng(5)
    pop = rng.integers(20, 400, len(frame)).astype(float)
    p = np.where(frame["tenure"] == "owner", 0.05, 0.12)
    frame["population"] = pop
    frame["outcome"] = rng.binomial(pop.astype(int), p).astype(float)
    measure = Measure(what="admissions", unit_name="ward", kind="rate", better="lower")
    result = better_than_expected(frame, measure, ["tenure", "income"], overdispersion=False)
    glm = sm.GLM((frame["outcome"] / pop).to_numpy(), design(frame),
                 family=sm.families.Binomial(), var_weights=pop).fit()
    ref = glm.get_influence().resid_studentized
    np.testing.assert_allclose(result.table["score"], -ref, rtol=1e-5)
    np.testing.assert_allclose(result.table["expected"], glm.fittedvalues * pop, rtol=1e-6)


def test_perfect_separation_is_a_warning_not_a_crash():
    frame = units(60)
    frame["outcome"] = (frame["tenure"] == "owner").astype(float)
    result = better_than_expected(frame, Measure(what="stayed together"), ["tenure"])
    assert any("predict the outcome perfectly" in w for w in result.warnings)
    assert isinstance(result.flagged_ids, list)


def test_repeated_circumstances_warn():
    frame = units(100)
    frame["income2"] = frame["income"] * 2
    frame["outcome"] = np.random.default_rng(6).normal(0, 1, 100)
    result = better_than_expected(frame, Measure(what="x", kind="score"),
                                  ["tenure", "income", "income2"])
    assert any("say the same thing" in w for w in result.warnings)
    assert np.isfinite(result.table["score"]).all()


def test_same_answer_for_everyone_flags_nobody():
    frame = units(50).assign(outcome=1.0)
    result = better_than_expected(frame, Measure(what="x"), ["tenure"])
    assert result.flagged_ids == []
    assert any("same answer" in w for w in result.warnings)


def test_missing_values_and_bad_choices():
    frame = units(80)
    frame["outcome"] = np.random.default_rng(7).normal(0, 1, 80)
    frame.loc[[0, 1], "outcome"] = np.nan
    result = better_than_expected(frame, Measure(what="x", kind="score"), ["tenure"])
    assert "2 families have no outcome and were left out." in result.warnings
    assert result.table.loc[[0, 1], "score"].isna().all()
    with pytest.raises(ModelError, match="Choose at least one circumstance"):
        better_than_expected(frame, Measure(what="x", kind="score"), [])
    with pytest.raises(ModelError, match="only 4 families"):
        better_than_expected(frame.head(6), Measure(what="x", kind="score"),
                             ["tenure", "income"])
    many = frame.assign(street=[f"s{i}" for i in range(80)] * 1)
    many = pd.concat([many] * 3, ignore_index=True)
    many["street"] = [f"street {i}" for i in range(240)]
    with pytest.raises(ModelError, match="too many"):
        better_than_expected(many, Measure(what="x", kind="score"), ["street"])
    with pytest.raises(ModelError, match="threshold"):
        better_than_expected(frame, Measure(what="x", kind="score"), ["tenure"], threshold=0)
