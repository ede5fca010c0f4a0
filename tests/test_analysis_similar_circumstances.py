"""Tests for widgets.analysis.similar_circumstances (group z-score, quartile rule, yes/no)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from widgets.analysis.similar_circumstances import best_in_similar_circumstances
from widgets.model import Measure, ModelError

SCORE = Measure(what="wellbeing score", unit_name="family", kind="score", better="higher")


def units(n: int = 400, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    tenure = rng.choice(["social housing", "private rent", "owner"], n)
    area = rng.choice(["north", "south"], n)
    shift = pd.Series(tenure).map({"social housing": -1.0, "private rent": 0.0,
                                   "owner": 1.0}).to_numpy()
    return pd.DataFrame({
        "unit_id": [f"Family {i}" for i in range(1, n + 1)],
        "outcome": (rng.normal(5, 1, n) + shift).round(2),
        "population": np.nan,
        "tenure": tenure,
        "area": area,
        "income": rng.normal(1500, 400, n).round(),
    })


def reference_z(frame: pd.DataFrame, cols: list[str]) -> pd.Series:
    by = frame.groupby(cols)["outcome"]
    return (frame["outcome"] - by.transform("mean")) / by.transform("std")


def test_z_scores_match_a_pandas_groupby():
    frame = units()
    result = best_in_similar_circumstances(frame, SCORE, ["tenure", "area"])
    ref = reference_z(frame, ["tenure", "area"])
    np.testing.assert_allclose(result.table["score"].to_numpy(), ref.to_numpy(), rtol=1e-10)
    assert result.table["flagged"].tolist() == (ref >= 2).tolist()
    assert result.table["unit_id"].tolist() == frame["unit_id"].tolist()
    sizes = frame.groupby(["tenure", "area"])["outcome"].transform("size")
    assert result.table["group_size"].tolist() == sizes.astype(float).tolist()
    expected = frame.groupby(["tenure", "area"])["outcome"].transform("mean")
    np.testing.assert_allclose(result.table["expected"], expected)
    assert result.method == "group-z"
    assert result.settings["circumstances"] == ["tenure", "area"]


def test_numeric_circumstance_is_cut_in_quantile_bands_like_qcut():
    frame = units()
    result = best_in_similar_circumstances(frame, SCORE, ["income"], bands=3)
    band = pd.qcut(frame["income"], 3, labels=False)
    ref = reference_z(frame.assign(band=band), ["band"])
    np.testing.assert_allclose(result.table["score"], ref, rtol=1e-10)
    labels = result.table["group"].astype(str)
    assert labels.str.match(r"^income [\d,]+–[\d,]+$").all()
    assert labels.nunique() == 3


def test_a_numeric_column_with_few_values_is_used_as_is():
    frame = units().assign(children=lambda f: (f.index % 3) + 1)
    result = best_in_similar_circumstances(frame, SCORE, ["children"], bands=3)
    assert set(result.table["group"].astype(str)) == {"children 1", "children 2", "children 3"}


def test_direction_mirror_flags_the_other_end():
    frame = units()
    higher = best_in_similar_circumstances(frame, SCORE, ["tenure"])
    lower = best_in_similar_circumstances(
        frame, Measure(what="x", kind="score", better="lower"), ["tenure"])
    ref = reference_z(frame, ["tenure"])
    np.testing.assert_allclose(lower.table["score"], -higher.table["score"])
    assert set(lower.flagged_ids) == set(frame.loc[ref <= -2, "unit_id"])
    assert set(higher.flagged_ids) == set(frame.loc[ref >= 2, "unit_id"])
    assert set(lower.flagged_ids).isdisjoint(higher.flagged_ids)
    assert lower.flagged_ids and higher.flagged_ids


def test_iqr_rule_matches_quantiles_by_hand():
    frame = units()
    result = best_in_similar_circumstances(frame, SCORE, ["tenure"], rule="iqr")
    by = frame.groupby("tenure")["outcome"]
    q1, q3 = by.transform(lambda s: np.percentile(s, 25)), by.transform(
        lambda s: np.percentile(s, 75))
    ref_flag = frame["outcome"] > q3 + 1.5 * (q3 - q1)
    assert result.table["flagged"].tolist() == ref_flag.tolist()
    np.testing.assert_allclose(result.table["score"], (frame["outcome"] - q3) / (q3 - q1))
    assert result.method == "group-iqr"
    low = best_in_similar_circumstances(frame, Measure(what="x", kind="score", better="lower"),
                                        ["tenure"], rule="iqr")
    assert low.table["flagged"].tolist() == (frame["outcome"] < q1 - 1.5 * (q3 - q1)).tolist()


def test_small_groups_warn_and_are_not_flagged():
    frame = units(60)
    extra = pd.DataFrame({"unit_id": ["Tiny 1", "Tiny 2", "Tiny 3"], "outcome": [1.0, 1.1, 50.0],
                          "population": np.nan, "tenure": "boat", "area": "north",
                          "income": 1000.0})
    frame = pd.concat([frame, extra], ignore_index=True)
    result = best_in_similar_circumstances(frame, SCORE, ["tenure"])
    tiny = result.table[result.table["unit_id"].str.startswith("Tiny")]
    assert not tiny["flagged"].any()
    assert tiny["explanation"].str.contains("too few to compare").all()
    assert any("fewer than 5 families" in w for w in result.warnings)


def test_a_group_of_one_gets_no_score_and_a_warning():
    frame = units(60)
    frame.loc[0, "tenure"] = "caravan"
    result = best_in_similar_circumstances(frame, SCORE, ["tenure"])
    assert np.isnan(result.table.loc[0, "score"])
    assert not result.table.loc[0, "flagged"]
    assert any("alone in their circumstances" in w for w in result.warnings)


def test_warning_when_groups_are_too_small_to_reach_the_threshold():
    # In a group of 5 the largest possible z-score is 4 / sqrt(5) = 1.79 < 2.
    frame = pd.DataFrame({"unit_id": [f"F{i}" for i in range(10)],
                          "outcome": [1, 1, 1, 1, 9, 2, 2, 2, 2, 8.0],
                          "street": ["a"] * 5 + ["b"] * 5})
    result = best_in_similar_circumstances(frame, SCORE, ["street"])
    assert result.table["score"].max() == pytest.approx(4 / np.sqrt(5))
    assert result.flagged_ids == []
    assert any("2 groups of 5 families or fewer nobody can be 2 standard deviations" in w
               for w in result.warnings)
    bigger = pd.concat([frame, frame.assign(unit_id=frame["unit_id"] + "b")], ignore_index=True)
    assert not any("standard deviations" in w for w in
                   best_in_similar_circumstances(bigger, SCORE, ["street"]).warnings)


def test_yes_no_flags_the_good_outcome_where_it_is_rare():
    rows = []
    for i in range(10):  # 3 of 10 stayed together in low income: rare (share 0.3)
        rows.append((f"Family {i + 1}", 1.0 if i < 3 else 0.0, "low income"))
    for i in range(10):  # 6 of 10 stayed together in high income: common
        rows.append((f"Family {i + 11}", 1.0 if i < 6 else 0.0, "high income"))
    frame = pd.DataFrame(rows, columns=["unit_id", "outcome", "income"])
    measure = Measure(what="the family stayed together")
    result = best_in_similar_circumstances(frame, measure, ["income"])
    assert result.flagged_ids == ["Family 1", "Family 2", "Family 3"]
    assert result.table.loc[0, "explanation"] == (
        "Family 1: stayed together, although in similar circumstances (low income) "
        "7 of 10 did not.")
    # score is the z-score with the group's share p: (1 - p) / sqrt(p (1 - p))
    assert result.table.loc[0, "score"] == pytest.approx(0.7 / np.sqrt(0.21))
    assert result.notes and "30\u00a0%" in result.notes[0]
    stricter = best_in_similar_circumstances(frame, measure, ["income"], rare_share=0.2)
    assert stricter.flagged_ids == []
    # Lower is better: the good outcome is "no"; it is rare (4 of 10) only with rare_share 0.4.
    flipped = Measure(what="the family broke up", better="lower")
    mirror = best_in_similar_circumstances(frame, flipped, ["income"], rare_share=0.4)
    assert mirror.flagged_ids == [f"Family {i}" for i in range(17, 21)]
    assert "not “broke up”" in mirror.table.loc[16, "explanation"]
    # The others' verb agrees with their number (issue 9 item 19: "6 of 10 has a plan").
    plan = Measure(what="the family has a debt", better="lower")
    said = best_in_similar_circumstances(frame, plan, ["income"], rare_share=0.4)
    assert said.table.loc[16, "explanation"].endswith("6 of 10 have a debt.")


def test_missing_values_are_reported_not_guessed():
    frame = units(100)
    frame.loc[[1, 2, 3], "outcome"] = np.nan
    frame.loc[5, "tenure"] = None
    result = best_in_similar_circumstances(frame, SCORE, ["tenure"])
    assert "3 families have no outcome and were left out." in result.warnings
    assert "1 family has no value for 'tenure' and was left out." in result.warnings
    left = result.table.loc[[1, 2, 3, 5]]
    assert left["score"].isna().all() and not left["flagged"].any()
    assert left.loc[5, "explanation"] == "No value for 'tenure', so left out."
    kept = frame.drop(index=[1, 2, 3, 5])
    np.testing.assert_allclose(result.table.loc[kept.index, "score"],
                               reference_z(kept, ["tenure"]))


def test_single_valued_circumstance_is_ignored_with_a_warning():
    frame = units(100).assign(country="England")
    result = best_in_similar_circumstances(frame, SCORE, ["tenure", "country"])
    assert result.settings["circumstances"] == ["tenure"]
    assert any("same 'country' (England)" in w for w in result.warnings)
    with pytest.raises(ModelError, match="None of the chosen circumstances"):
        best_in_similar_circumstances(frame, SCORE, ["country"])


@pytest.mark.parametrize("settings,message", [
    ({"circumstances": []}, "Choose at least one circumstance"),
    ({"circumstances": ["nope"]}, "no column called 'nope'"),
    ({"circumstances": ["outcome"]}, "not a circumstance"),
    ({"circumstances": ["tenure"], "rule": "best"}, "rule"),
    ({"circumstances": ["tenure"], "bands": 1}, "bands"),
    ({"circumstances": ["tenure"], "threshold": "2"}, "threshold"),
    ({"circumstances": ["tenure"], "min_group": 1}, "smallest group"),
])
def test_bad_choices_give_plain_messages(settings, message):
    with pytest.raises(ModelError, match=message):
        best_in_similar_circumstances(units(50), SCORE, **settings)


def test_text_outcome_and_all_missing():
    frame = units(50)
    with pytest.raises(ModelError, match="must be a number"):
        best_in_similar_circumstances(frame.assign(outcome=frame["tenure"]), SCORE, ["area"])
    with pytest.raises(ModelError, match="No family has an outcome"):
        best_in_similar_circumstances(frame.assign(outcome=np.nan), SCORE, ["area"])


def test_flagged_explanations_name_the_unit_and_the_group():
    frame = units()
    frame.loc[0, "outcome"] = 20.0
    result = best_in_similar_circumstances(frame, SCORE, ["tenure"])
    text = result.table.loc[0, "explanation"]
    assert text.startswith("Family 1: 20, well above the average of ")
    assert f"({frame.loc[0, 'tenure']})" in text
    assert result.flagged_ids[0] == "Family 1"


def test_rates_are_compared_as_rates():
    rng = np.random.default_rng(12)
    n = 120
    pop = rng.integers(100, 1000, n).astype(float)
    frame = pd.DataFrame({"unit_id": [f"Ward {i}" for i in range(n)],
                          "outcome": rng.binomial(pop.astype(int), 0.1).astype(float),
                          "population": pop, "area": rng.choice(["east", "west"], n)})
    frame.loc[0, "outcome"] = 0.0
    measure = Measure(what="admissions", unit_name="ward", kind="rate", better="lower")
    result = best_in_similar_circumstances(frame, measure, ["area"])
    rate = frame["outcome"] / frame["population"]
    by = rate.groupby(frame["area"])
    ref = -(rate - by.transform("mean")) / by.transform("std")
    np.testing.assert_allclose(result.table["score"], ref)
    np.testing.assert_allclose(result.table["rate"], rate)
    np.testing.assert_allclose(result.table["expected"], by.transform("mean") * frame["population"])
    assert "Ward 0" in result.flagged_ids
    assert result.table.loc[0, "explanation"].startswith("Ward 0: 0 per 100, well below the "
                                                         "average of ")
