"""Tests for widgets.analysis.better_than_expected.

The method fits its models with statsmodels; the references here are independent: least
squares by numpy.linalg.lstsq, and a short hand-written IRLS (Newton's method for canonical
links; McCullagh & Nelder 1989 §2.5) for the logistic, binomial and Poisson models, plus small
cases whose answers can be worked out by hand.
"""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

from widgets.analysis import better_than_expected as bte
from widgets.analysis.better_than_expected import better_than_expected
from widgets.model import Measure, ModelError

# --------------------------------------------------------------------------- references


def units(n: int = 300, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    tenure = rng.choice(["social housing", "private rent", "owner"], n, p=[0.5, 0.3, 0.2])
    income = rng.normal(1500, 400, n).round()
    return pd.DataFrame({"unit_id": [f"Family {i}" for i in range(1, n + 1)],
                         "tenure": tenure, "income": income})


def design(frame: pd.DataFrame) -> np.ndarray:
    """Independent design: pandas dummies (reference = most common level), raw income."""
    dummies = pd.get_dummies(frame["tenure"], dtype=float).drop(columns="social housing")
    return np.column_stack([np.ones(len(frame)), dummies.to_numpy(),
                            frame["income"].to_numpy()])


def leverage(X: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Hat values of the weighted least squares: squared row lengths of Q in √W·X = QR."""
    q, _ = np.linalg.qr(X * np.sqrt(weight)[:, None])
    return np.sum(q ** 2, axis=1)


def ols_reference(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fitted values and internally studentised residuals, by numpy.linalg.lstsq."""
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    fitted = X @ beta
    resid = y - fitted
    s2 = resid @ resid / (len(y) - X.shape[1])
    return fitted, resid / np.sqrt(s2 * (1 - leverage(X, np.ones(len(y)))))


def irls_reference(kind: str, X: np.ndarray, y: np.ndarray, trials: np.ndarray | None = None,
                   iterations: int = 100) -> np.ndarray:
    """Expected values (shares for binomial, means for Poisson) by plain IRLS.

    Canonical links (logit, log): the working weight is trials·V(μ) and the working response
    η + (y − μ)/V(μ) on the share scale. Stops when the coefficients stop moving.
    """
    binomial = kind == "binomial"
    trials = np.ones(len(y)) if trials is None else trials
    share = y / trials if binomial else y
    if binomial:
        mu = (y + 0.5) / (trials + 1)
        eta = np.log(mu / (1 - mu))
    else:
        mu = y + 0.5
        eta = np.log(mu)
    beta = np.zeros(X.shape[1])
    for _ in range(iterations):
        variance = mu * (1 - mu) if binomial else mu
        weight = trials * variance if binomial else variance
        z = eta + (share - mu) / variance
        sw = np.sqrt(weight)
        new = np.linalg.lstsq(X * sw[:, None], z * sw, rcond=None)[0]
        eta = X @ new
        mu = 1 / (1 + np.exp(-eta)) if binomial else np.exp(eta)
        if np.max(np.abs(new - beta)) < 1e-12:
            break
        beta = new
    return mu


def pearson_standardised(kind: str, X: np.ndarray, y: np.ndarray, mu: np.ndarray,
                         trials: np.ndarray | None = None, phi: float = 1.0) -> np.ndarray:
    """(observed − expected) / √(φ·V·(1 − h)) on the share scale for binomial models."""
    trials = np.ones(len(y)) if trials is None else trials
    if kind == "binomial":
        var, weight, observed = mu * (1 - mu) / trials, trials * mu * (1 - mu), y / trials
    else:
        var, weight, observed = mu, mu, y
    return (observed - mu) / np.sqrt(phi * var * (1 - leverage(X, weight)))


def pearson_chi2(kind: str, y: np.ndarray, mu: np.ndarray, trials: np.ndarray | None,
                 df: int) -> float:
    if kind == "binomial":
        r = (y / trials - mu) / np.sqrt(mu * (1 - mu) / trials)
    else:
        r = (y - mu) / np.sqrt(mu)
    return float(np.sum(r ** 2) / df)


def test_reference_irls_solves_the_likelihood_equations():
    """The reference itself: at its answer the score Xᵀ(y − trials·μ) is zero."""
    frame = units(200)
    rng = np.random.default_rng(9)
    X = design(frame)
    y = rng.poisson(np.exp(0.3 + 0.5 * (frame["tenure"] == "owner"))).astype(float)
    mu = irls_reference("poisson", X, y)
    # Zero up to rounding, relative to the size of the sums (income is in the 1000s).
    assert (np.abs(X.T @ (y - mu)) <= 1e-10 * (np.abs(X).T @ (y + mu))).all()
    pop = rng.integers(5, 50, 200).astype(float)
    events = rng.binomial(pop.astype(int), 0.3).astype(float)
    share = irls_reference("binomial", X, events, pop)
    assert (np.abs(X.T @ (events - pop * share))
            <= 1e-10 * (np.abs(X).T @ (events + pop * share))).all()


# --------------------------------------------------------------------------- against them


def test_scores_match_least_squares_studentised_residuals():
    frame = units()
    rng = np.random.default_rng(1)
    frame["outcome"] = 2 + 0.002 * frame["income"] + (frame["tenure"] == "owner") \
        + rng.normal(0, 1, len(frame))
    frame.loc[5, "outcome"] += 5
    measure = Measure(what="wellbeing", kind="score", better="higher")
    result = better_than_expected(frame, measure, ["tenure", "income"])
    fitted, ref = ols_reference(design(frame), frame["outcome"].to_numpy())
    np.testing.assert_allclose(result.table["score"], ref, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(result.table["residual"], ref, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(result.table["expected"], fitted, rtol=1e-8)
    assert result.table["flagged"].tolist() == (ref >= 2).tolist()
    assert "Family 6" in result.flagged_ids
    assert result.method == "expected"
    assert result.settings["model"] == "linear regression"
    assert result.settings["columns"] == ["constant", "tenure=owner", "tenure=private rent",
                                          "income"]


def test_direction_mirror():
    frame = units()
    rng = np.random.default_rng(2)
    frame["outcome"] = rng.normal(10, 2, len(frame))
    hi = better_than_expected(frame, Measure(what="x", kind="score", better="higher"),
                              ["tenure", "income"])
    lo = better_than_expected(frame, Measure(what="x", kind="score", better="lower"),
                              ["tenure", "income"])
    np.testing.assert_allclose(lo.table["score"], -hi.table["score"])
    np.testing.assert_allclose(lo.table["residual"], hi.table["residual"])
    assert set(lo.flagged_ids) == set(frame.loc[hi.table["score"] <= -2, "unit_id"])
    assert set(hi.flagged_ids).isdisjoint(lo.flagged_ids)


def test_yes_no_uses_logistic_regression():
    frame = units(400)
    rng = np.random.default_rng(3)
    logit = -1 + 1.5 * (frame["tenure"] == "owner") + 0.001 * (frame["income"] - 1500)
    frame["outcome"] = (rng.random(len(frame)) < 1 / (1 + np.exp(-logit))).astype(float)
    measure = Measure(what="the family stayed together")
    result = better_than_expected(frame, measure, ["tenure", "income"])
    X, y = design(frame), frame["outcome"].to_numpy()
    mu = irls_reference("binomial", X, y)
    ref = pearson_standardised("binomial", X, y, mu)
    np.testing.assert_allclose(result.table["expected"], mu, rtol=1e-6)
    np.testing.assert_allclose(result.table["score"], ref, rtol=1e-6)
    assert result.settings["model"] == "logistic regression"
    flagged = result.flagged_table()
    assert len(flagged) > 0
    assert (flagged["outcome"] == 1).all()
    assert (flagged["expected"] < 0.2).all()  # a residual of 2 needs p < 1/(1+4)
    assert flagged["explanation"].str.contains("stayed together").all()
    assert flagged["explanation"].str.contains("expected chance").all()


def test_counts_use_poisson_with_and_without_overdispersion():
    frame = units(300)
    rng = np.random.default_rng(4)
    mu_true = np.exp(0.5 + 0.6 * (frame["tenure"] == "social housing"))
    frame["outcome"] = rng.negative_binomial(2, 2 / (2 + mu_true)).astype(float)
    measure = Measure(what="missed days", kind="count", better="lower")
    plain = better_than_expected(frame, measure, ["tenure", "income"], overdispersion=False)
    X, y = design(frame), frame["outcome"].to_numpy()
    mu = irls_reference("poisson", X, y)
    ref = pearson_standardised("poisson", X, y, mu)
    np.testing.assert_allclose(plain.table["expected"], mu, rtol=1e-6)
    np.testing.assert_allclose(plain.table["score"], -ref, rtol=1e-6)
    assert plain.settings["model"] == "Poisson regression"
    scaled = better_than_expected(frame, measure, ["tenure", "income"])
    phi = pearson_chi2("poisson", y, mu, None, len(y) - X.shape[1])
    assert phi > 1
    np.testing.assert_allclose(scaled.table["score"], -ref / np.sqrt(phi), rtol=1e-6)
    assert scaled.settings["dispersion"] == pytest.approx(phi, rel=1e-3)
    assert len(scaled.flagged_ids) <= len(plain.flagged_ids)
    assert any("vary more than chance" in n for n in scaled.notes)
    assert not any("vary more than chance" in n for n in plain.notes)


def test_rates_use_binomial_regression():
    frame = units(200)
    rng = np.random.default_rng(5)
    pop = rng.integers(20, 400, len(frame)).astype(float)
    p = np.where(frame["tenure"] == "owner", 0.05, 0.12)
    frame["population"] = pop
    frame["outcome"] = rng.binomial(pop.astype(int), p).astype(float)
    measure = Measure(what="admissions", unit_name="ward", kind="rate", better="lower")
    result = better_than_expected(frame, measure, ["tenure", "income"], overdispersion=False)
    X, y = design(frame), frame["outcome"].to_numpy()
    share = irls_reference("binomial", X, y, pop)
    ref = pearson_standardised("binomial", X, y, share, pop)
    np.testing.assert_allclose(result.table["score"], -ref, rtol=1e-5)
    np.testing.assert_allclose(result.table["expected"], share * pop, rtol=1e-6)
    assert result.settings["model"] == "binomial regression"
    phi = pearson_chi2("binomial", y, share, pop, len(y) - X.shape[1])
    assert result.settings["dispersion"] == pytest.approx(phi, rel=1e-3)


def test_overdispersed_rates_are_scaled_down():
    frame = units(250, seed=21)
    rng = np.random.default_rng(12)
    pop = rng.integers(100, 1000, len(frame)).astype(float)
    p = rng.beta(2, 18, len(frame))  # the true rate varies well beyond chance
    frame["population"] = pop
    frame["outcome"] = rng.binomial(pop.astype(int), p).astype(float)
    measure = Measure(what="admissions", unit_name="ward", kind="rate", better="lower")
    scaled = better_than_expected(frame, measure, ["tenure", "income"])
    X, y = design(frame), frame["outcome"].to_numpy()
    share = irls_reference("binomial", X, y, pop)
    phi = pearson_chi2("binomial", y, share, pop, len(y) - X.shape[1])
    assert phi > 2
    ref = pearson_standardised("binomial", X, y, share, pop, phi=phi)
    np.testing.assert_allclose(scaled.table["score"], -ref, rtol=1e-5)
    assert any("dispersion" in n for n in scaled.notes)


# --------------------------------------------------------------------------- by hand


def test_hand_checked_yes_no_by_group():
    """One yes/no circumstance: the expected chance is the group's share, the leverage 1/n."""
    frame = pd.DataFrame({
        "unit_id": [f"F{i}" for i in range(1, 13)],
        "housing": ["flat"] * 8 + ["house"] * 4,
        "outcome": [1, 0, 0, 0, 0, 0, 0, 0] + [1, 1, 1, 0],
    }).astype({"outcome": float})
    result = better_than_expected(frame, Measure(what="ate together"), ["housing"])
    expected = np.array([1 / 8] * 8 + [3 / 4] * 4)
    np.testing.assert_allclose(result.table["expected"], expected, rtol=1e-7)
    # F1: (1 − 1/8) / √(1/8 · 7/8 · (1 − 1/8)) = (7/8) / (7/√512) = √8 ≈ 2.83.
    assert result.table.loc[0, "score"] == pytest.approx(np.sqrt(8), rel=1e-6)
    # F2: (0 − 1/8) / √(7/64 · 7/8).
    assert result.table.loc[1, "score"] == pytest.approx(-0.125 / np.sqrt(49 / 512), rel=1e-6)
    # F12 (a house, no): −3/4 / √(3/16 · 3/4).
    assert result.table.loc[11, "score"] == pytest.approx(-0.75 / np.sqrt(9 / 64), rel=1e-6)
    assert result.flagged_ids == ["F1"]
    assert result.table.loc[0, "explanation"] == (
        "F1: expected to struggle (expected chance 12\u00a0%), but did not — ate together.")


def test_hand_checked_rates_and_counts_by_group():
    """Group-only models: expected = group rate × population (rates), group mean (counts)."""
    frame = pd.DataFrame({
        "unit_id": ["a", "b", "c", "d", "e", "f"],
        "area": ["north"] * 3 + ["south"] * 3,
        "outcome": [2.0, 10.0, 3.0, 8.0, 12.0, 4.0],
        "population": [100.0, 200.0, 100.0, 100.0, 200.0, 100.0],
    })
    rate = better_than_expected(frame, Measure(what="falls", unit_name="ward", kind="rate",
                                               better="lower"), ["area"], overdispersion=False)
    north, south = 15 / 400, 24 / 400
    np.testing.assert_allclose(rate.table["expected"],
                               [north * 100, north * 200, north * 100,
                                south * 100, south * 200, south * 100], rtol=1e-7)
    # Unit a: share 0.02 against 0.0375, V = p(1−p)/100, leverage 100/400.
    z = (0.02 - north) / np.sqrt(north * (1 - north) / 100 * (1 - 0.25))
    assert rate.table.loc[0, "score"] == pytest.approx(-z, rel=1e-6)  # lower is better
    count = better_than_expected(frame, Measure(what="visits", kind="count"), ["area"],
                                 overdispersion=False)
    np.testing.assert_allclose(count.table["expected"], [5, 5, 5, 8, 8, 8], rtol=1e-7)
    # Unit b: (10 − 5) / √(5 · (1 − 1/3)).
    assert count.table.loc[1, "score"] == pytest.approx(5 / np.sqrt(5 * 2 / 3), rel=1e-6)


def test_hand_checked_scores_by_group():
    frame = pd.DataFrame({"unit_id": list("abcdef"), "club": ["x"] * 3 + ["y"] * 3,
                          "outcome": [1.0, 2.0, 6.0, 4.0, 4.0, 7.0]})
    result = better_than_expected(frame, Measure(what="x", kind="score"), ["club"])
    np.testing.assert_allclose(result.table["expected"], [3, 3, 3, 5, 5, 5])
    # s² = (4 + 1 + 9 + 1 + 1 + 4) / (6 − 2) = 5; leverage 1/3.
    assert result.table.loc[2, "score"] == pytest.approx(3 / np.sqrt(5 * 2 / 3))


# --------------------------------------------------------------------------- problems


def test_perfect_separation_is_a_warning_not_a_crash():
    frame = units(60)
    frame["outcome"] = (frame["tenure"] == "owner").astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing from statsmodels or numpy gets out
        result = better_than_expected(frame, Measure(what="stayed together"), ["tenure"])
    assert any("predict the outcome perfectly" in w for w in result.warnings)
    assert isinstance(result.flagged_ids, list)


def test_repeated_circumstances_warn_and_give_the_same_answer():
    frame = units(100)
    frame["income2"] = frame["income"] * 2
    frame["outcome"] = np.random.default_rng(6).normal(0, 1, 100)
    measure = Measure(what="x", kind="score")
    result = better_than_expected(frame, measure, ["tenure", "income", "income2"])
    assert any("say the same thing" in w for w in result.warnings)
    assert np.isfinite(result.table["score"]).all()
    alone = better_than_expected(frame, measure, ["tenure", "income"])
    np.testing.assert_allclose(result.table["expected"], alone.table["expected"], rtol=1e-8)
    np.testing.assert_allclose(result.table["score"], alone.table["score"], rtol=1e-8)
    counts = frame.assign(outcome=np.random.default_rng(7).poisson(3, 100).astype(float))
    both = better_than_expected(counts, Measure(what="x", kind="count"),
                                ["tenure", "income", "income2"])
    one = better_than_expected(counts, Measure(what="x", kind="count"), ["tenure", "income"])
    np.testing.assert_allclose(both.table["score"], one.table["score"], rtol=1e-6)


def test_independent_columns_keeps_the_first_of_repeated_ones():
    X = np.column_stack([np.ones(5), [1, 2, 3, 4, 5], [2, 4, 6, 8, 10], [0, 1, 0, 1, 1]])
    assert bte._independent_columns(X.T @ X) == [0, 1, 3]


def test_same_answer_for_everyone_flags_nobody():
    frame = units(50).assign(outcome=1.0)
    result = better_than_expected(frame, Measure(what="x"), ["tenure"])
    assert result.flagged_ids == []
    assert any("same answer" in w for w in result.warnings)
    zeros = units(50).assign(outcome=0.0, population=100.0)
    for kind, words in (("count", "every count is 0"), ("rate", "same share")):
        result = better_than_expected(zeros, Measure(what="x", kind=kind), ["tenure"])
        assert result.flagged_ids == []
        assert any(words in w for w in result.warnings)
        assert result.table["score"].isna().all()


def test_no_convergence_is_a_plain_warning(monkeypatch):
    frame = units(200)
    frame["outcome"] = np.random.default_rng(8).poisson(4, 200).astype(float)
    monkeypatch.setattr(bte, "MAX_ITERATIONS", 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = better_than_expected(frame, Measure(what="x", kind="count"),
                                      ["tenure", "income"])
    assert any("did not settle" in w for w in result.warnings)


@pytest.mark.parametrize("error", ["linalg", "separation", "value"])
def test_fitting_errors_become_plain_warnings(monkeypatch, error):
    from statsmodels.genmod.generalized_linear_model import GLM
    from statsmodels.tools.sm_exceptions import PerfectSeparationError

    def broken(*args, **kwargs):
        if error == "linalg":
            raise np.linalg.LinAlgError("Singular matrix")
        if error == "separation":
            raise PerfectSeparationError("Perfect separation detected")
        raise ValueError("NaN, inf or invalid value detected in weights")

    monkeypatch.setattr(GLM, "fit", broken)
    frame = units(80)
    frame["outcome"] = np.random.default_rng(9).integers(0, 2, 80).astype(float)
    result = better_than_expected(frame, Measure(what="x"), ["tenure", "income"])
    assert result.flagged_ids == []
    assert result.warnings[-1].startswith("No one was flagged: ")
    assert "Singular" not in result.warnings[-1] and "NaN" not in result.warnings[-1]
    assert result.table["score"].isna().all()


def test_newton_trouble_falls_back_to_the_default_fit(monkeypatch):
    from statsmodels.genmod.generalized_linear_model import GLM

    frame = units(150)
    frame["outcome"] = np.random.default_rng(10).poisson(3, 150).astype(float)
    measure = Measure(what="x", kind="count")
    usual = better_than_expected(frame, measure, ["tenure", "income"])
    original = GLM.fit
    methods = []

    def newton_fails(self, *args, **kwargs):
        methods.append(kwargs.get("method", "IRLS"))
        if kwargs.get("method") == "newton":
            raise np.linalg.LinAlgError("Singular matrix")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(GLM, "fit", newton_fails)
    result = better_than_expected(frame, measure, ["tenure", "income"])
    assert methods == ["newton", "IRLS"]
    assert result.warnings == usual.warnings
    np.testing.assert_allclose(result.table["score"], usual.table["score"], rtol=1e-6)


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
    many = pd.concat([frame] * 3, ignore_index=True)
    many["street"] = [f"street {i}" for i in range(240)]
    with pytest.raises(ModelError, match="too many"):
        better_than_expected(many, Measure(what="x", kind="score"), ["street"])
    with pytest.raises(ModelError, match="threshold"):
        better_than_expected(frame, Measure(what="x", kind="score"), ["tenure"], threshold=0)


def test_statsmodels_is_imported_only_when_the_method_runs():
    code = ("import sys, widgets.analysis.better_than_expected, "
            "widgets.analysis.positive_exceptions; print('statsmodels' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
