"""Tests for widgets.analysis.funnel: exact and approximate limits, small numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from widgets.analysis.funnel import funnel, funnel_curve, funnel_limits, overdispersion_factor
from widgets.model import Measure, ModelError

LOWER = Measure(what="emergency admissions", unit_name="ward", kind="rate", better="lower")
HIGHER = Measure(what="children vaccinated", unit_name="ward", kind="rate", better="higher")


def at_rate(units: list[tuple[str, float, float]], rate: float = 0.074) -> pd.DataFrame:
    """The given units plus one large unit that makes the overall rate exactly ``rate``."""
    events = sum(u[1] for u in units)
    pop = sum(u[2] for u in units)
    big_pop = 100_000 - pop
    big_events = rate * 100_000 - events
    rows = units + [("Big", big_events, big_pop)]
    return pd.DataFrame(rows, columns=["unit_id", "outcome", "population"])


def interpolated_limit(q: float, n: int, p0: float) -> float:
    """Spiegelhalter 2005 by hand, one population at a time."""
    r = 0
    while stats.binom.cdf(r, n, p0) < q:
        r += 1
    f_r = stats.binom.cdf(r, n, p0)
    f_below = stats.binom.cdf(r - 1, n, p0) if r > 0 else 0.0
    return (r - (f_r - q) / (f_r - f_below)) / n


def test_zero_of_47_is_not_beyond_the_95_limit():
    frame = at_rate([("Small", 0, 47)])
    result = funnel(frame, LOWER)
    assert result.settings["overall_rate"] == pytest.approx(0.074)
    assert 0.926 ** 47 > 0.025  # the hand-worked reason
    assert result.table.loc[0, "lower_95"] == 0.0
    assert not result.table.loc[0, "flagged"]
    assert "could be chance" in result.table.loc[0, "explanation"]


def test_zero_of_200_is_flagged():
    frame = at_rate([("Medium", 0, 200)])
    result = funnel(frame, LOWER)
    assert result.flagged_ids == ["Medium"]
    assert result.table.loc[0, "lower_95"] == pytest.approx(
        interpolated_limit(0.025, 200, 0.074), abs=1e-12)
    assert result.table.loc[0, "beyond"] == 0.998
    text = result.table.loc[0, "explanation"]
    assert text.startswith("Medium: 0 per 100 (0 of 200), below the 99.8\u00a0% limit")
    assert "overall rate is 7.4 per 100" in text


@pytest.mark.parametrize("n", [1, 5, 47, 200, 1000])
def test_exact_limits_match_hand_interpolation(n):
    low, high = funnel_limits(0.074, np.array([n]), 0.95)
    assert low[0] == pytest.approx(max(0.0, interpolated_limit(0.025, n, 0.074)), abs=1e-12)
    assert high[0] == pytest.approx(min(1.0, interpolated_limit(0.975, n, 0.074)), abs=1e-12)
    low3, high3 = funnel_limits(0.074, np.array([n]), 0.998)
    assert low3[0] <= low[0] and high3[0] >= high[0]


def test_normal_limits():
    n = np.array([50.0, 500.0, 5000.0])
    low, high = funnel_limits(0.2, n, 0.95, exact=False)
    half = 1.959963984540054 * np.sqrt(0.2 * 0.8 / n)
    np.testing.assert_allclose(low, np.clip(0.2 - half, 0, 1))
    np.testing.assert_allclose(high, 0.2 + half)
    # Exact and normal limits agree for large populations.
    big_low, _ = funnel_limits(0.2, np.array([100_000.0]), 0.95, exact=True)
    assert big_low[0] == pytest.approx(0.2 - 1.96 * np.sqrt(0.16 / 100_000), abs=2e-4)


def test_scores_are_signed_z_scores():
    rng = np.random.default_rng(8)
    pop = rng.integers(30, 2000, 80).astype(float)
    events = rng.binomial(pop.astype(int), 0.1).astype(float)
    frame = pd.DataFrame({"unit_id": [f"W{i}" for i in range(80)], "outcome": events,
                          "population": pop})
    p0 = events.sum() / pop.sum()
    z = (events / pop - p0) / np.sqrt(p0 * (1 - p0) / pop)
    np.testing.assert_allclose(funnel(frame, HIGHER).table["score"], z)
    np.testing.assert_allclose(funnel(frame, LOWER).table["score"], -z)
    np.testing.assert_allclose(funnel(frame, LOWER).table["expected"], p0 * pop)


def test_direction_mirror():
    frame = at_rate([("Low", 2, 500), ("High", 80, 500), ("Mid", 37, 500)])
    assert funnel(frame, LOWER).flagged_ids == ["Low"]
    assert funnel(frame, HIGHER).flagged_ids == ["High"]


def test_flag_at_the_outer_limit():
    frame = at_rate([("Low", 22, 500), ("Lower", 5, 500)])
    inner = funnel(frame, LOWER)
    outer = funnel(frame, LOWER, flag_at=0.998)
    assert set(inner.flagged_ids) == {"Low", "Lower"}
    assert outer.flagged_ids == ["Lower"]
    low_row = outer.table[outer.table["unit_id"] == "Low"].iloc[0]
    assert "not the limit chosen to flag" in low_row["explanation"]
    with pytest.raises(ModelError, match="must be one of"):
        funnel(frame, LOWER, flag_at=0.9)


def test_normal_approximation_is_stated():
    frame = at_rate([("Medium", 0, 200)])
    result = funnel(frame, LOWER, exact=False)
    assert result.settings["exact_used"] is False
    assert any("normal approximation" in n for n in result.notes)
    fractional = frame.assign(population=frame["population"] + 0.5)
    assert any("not whole numbers" in n for n in funnel(fractional, LOWER).notes)


def test_overdispersion_widens_limits():
    rng = np.random.default_rng(9)
    pop = rng.integers(200, 3000, 100)
    p = np.clip(rng.normal(0.1, 0.03, 100), 0.01, 0.3)
    events = rng.binomial(pop, p).astype(float)
    frame = pd.DataFrame({"unit_id": [f"W{i}" for i in range(100)], "outcome": events,
                          "population": pop.astype(float)})
    p0 = events.sum() / pop.sum()
    z = (events / pop - p0) / np.sqrt(p0 * (1 - p0) / pop)
    lo, hi = np.percentile(z, [10, 90])
    phi = np.mean(np.clip(z, lo, hi) ** 2)
    assert phi > 1
    assert overdispersion_factor(z) == pytest.approx(phi)
    plain = funnel(frame, LOWER)
    wide = funnel(frame, LOWER, overdispersion=True)
    assert wide.settings["phi"] == pytest.approx(phi)
    np.testing.assert_allclose(wide.table["score"], -z / np.sqrt(phi))
    assert (wide.table["lower_95"] <= plain.table["lower_95"] + 1e-12).all()
    assert len(wide.flagged_ids) < len(plain.flagged_ids)
    normal = funnel(frame, LOWER, exact=False, overdispersion=True)
    np.testing.assert_allclose(
        normal.table["lower_95"],
        np.clip(p0 - 1.959963984540054 * np.sqrt(phi * p0 * (1 - p0) / pop), 0, 1))


def test_not_a_rate_gives_a_plain_warning():
    frame = pd.DataFrame({"unit_id": ["a", "b"], "outcome": [1.0, 0.0]})
    result = funnel(frame, Measure(what="stayed together", kind="yes_no"))
    assert result.flagged_ids == []
    assert result.warnings and "needs a rate" in result.warnings[0]
    assert len(result.table) == 2


def test_bad_rates_give_plain_messages():
    frame = pd.DataFrame({"unit_id": ["a", "b"], "outcome": [5.0, 1.0],
                          "population": [3.0, 10.0]})
    with pytest.raises(ModelError, match="more events"):
        funnel(frame, LOWER)
    with pytest.raises(ModelError, match="population column"):
        funnel(frame.drop(columns="population"), LOWER)
    with pytest.raises(ModelError, match="limits"):
        funnel(frame, LOWER, limits=(95, 99.8))
    missing = pd.DataFrame({"unit_id": ["a", "b", "c"], "outcome": [1.0, 2.0, 3.0],
                            "population": [10.0, np.nan, 0.0]})
    result = funnel(missing, LOWER)
    assert "2 wards have no population (or 0) and were left out." in result.warnings


def test_no_events_at_all():
    frame = pd.DataFrame({"unit_id": ["a", "b"], "outcome": [0.0, 0.0],
                          "population": [10.0, 20.0]})
    result = funnel(frame, LOWER)
    assert result.flagged_ids == []
    assert any("no events" in w for w in result.warnings)


def test_funnel_curve_for_plots():
    curve = funnel_curve(0.074, 5000, points=50)
    assert set(curve.columns) == {"population", "level", "lower", "upper"}
    assert set(curve["level"]) == {0.95, 0.998}
    inner = curve[curve["level"] == 0.95].sort_values("population")
    assert inner["upper"].iloc[-1] < inner["upper"].iloc[0]
    assert inner["lower"].iloc[-1] > inner["lower"].iloc[0]
    assert inner["population"].max() == 5000
