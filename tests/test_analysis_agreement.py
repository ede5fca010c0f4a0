"""Tests for widgets.analysis.agreement: which units several methods agree on."""

from __future__ import annotations

import numpy as np
import pandas as pd

from widgets.analysis.agreement import agreement
from widgets.analysis.method_result import MethodResult
from widgets.analysis.positive_exceptions import run_method
from widgets.model import Measure


def fake(method: str, ids: list[str], flagged: list[str], scores=None) -> MethodResult:
    scores = scores or {}
    table = pd.DataFrame({
        "unit_id": ids,
        "score": [scores.get(u, 0.0) for u in ids],
        "expected": np.nan,
        "flagged": [u in flagged for u in ids],
        "explanation": "",
        "group": None,
    })
    return MethodResult(method, table)


def test_units_flagged_by_more_methods_rank_first():
    ids = ["A", "B", "C", "D", "E"]
    results = [
        fake("group-z", ids, ["B", "C"], {"B": 2.1, "C": 3.0}),
        fake("expected", ids, ["C", "D"], {"C": 2.5, "D": 2.2}),
        fake("funnel", ids, ["C", "B", "E"], {"B": 2.0, "C": 2.0, "E": 4.0}),
    ]
    table = agreement(results)
    assert list(table.columns) == ["unit_id", "group-z", "expected", "funnel", "count", "rank"]
    assert table["unit_id"].tolist() == ["C", "B", "E", "D", "A"]
    assert table["count"].tolist() == [3, 2, 1, 1, 0]
    assert table["rank"].tolist() == [1, 2, 3, 3, 5]
    assert table.loc[0, ["group-z", "expected", "funnel"]].tolist() == [True, True, True]
    assert table.loc[4, ["group-z", "expected", "funnel"]].tolist() == [False, False, False]


def test_units_missing_from_a_method_count_as_not_flagged_and_repeats_are_named():
    results = [fake("group-z", ["A", "B"], ["A"]), fake("group-z", ["B", "C"], ["C"])]
    table = agreement(results)
    assert list(table.columns) == ["unit_id", "group-z", "group-z (2)", "count", "rank"]
    assert set(table["unit_id"]) == {"A", "B", "C"}
    assert table.set_index("unit_id")["count"].to_dict() == {"A": 1, "B": 0, "C": 1}


def test_empty():
    table = agreement([])
    assert list(table.columns) == ["unit_id", "count", "rank"]
    assert table.empty


def test_with_real_methods():
    rng = np.random.default_rng(1)
    n = 300
    frame = pd.DataFrame({"unit_id": [f"F{i}" for i in range(n)],
                          "outcome": rng.normal(0, 1, n),
                          "tenure": rng.choice(["a", "b", "c"], n)})
    frame.loc[0, "outcome"] = 6.0
    measure = Measure(what="score", kind="score")
    results = [run_method("group-z", frame, measure, circumstances=["tenure"]),
               run_method("group-iqr", frame, measure, circumstances=["tenure"]),
               run_method("expected", frame, measure, circumstances=["tenure"]),
               run_method("group-choice", frame, measure, chosen_ids=["F0", "F1"])]
    table = agreement(results)
    assert table.loc[0, "unit_id"] == "F0"
    assert table.loc[0, "count"] == 4
    assert (table["count"].diff().dropna() <= 0).all()
    assert len(table) == n
