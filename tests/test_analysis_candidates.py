"""Step 2's candidates from the methods' results (widgets.analysis.candidates): combining
several methods, the group's own picks, and runs that could not compare anybody."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from widgets.analysis.candidates import check_usable, combine_results, with_group_choice
from widgets.analysis.method_result import MethodResult
from widgets.analysis.positive_exceptions import run_method
from widgets.model import ExceptionDecision, Measure, ModelError

FAMILY = Measure(what="stayed together", unit_name="family", kind="yes_no")


def result(method: str, rows: dict[str, tuple[float, float, str]], others=("z",),
           **extra) -> MethodResult:
    """A result flagging ``rows`` (id -> score, expected, why) and not ``others``."""
    ids = list(rows) + list(others)
    table = pd.DataFrame({
        "unit_id": ids,
        "score": [rows[u][0] if u in rows else 0.0 for u in ids],
        "expected": [rows[u][1] if u in rows else np.nan for u in ids],
        "flagged": [u in rows for u in ids],
        "explanation": [rows[u][2] if u in rows else "Like the rest." for u in ids],
        "group": [None] * len(ids),
        "outcome": [1.0] * len(ids),
        **extra,
    })
    return MethodResult(method, table)


def test_combine_keeps_the_groups_own_picks():
    frame = pd.DataFrame({"unit_id": ["a", "b", "c"], "outcome": [1.0, 0.0, 1.0]})
    result = run_method("group-choice", frame, Measure(what="x"), chosen_ids=["a"])
    existing = {"c": ExceptionDecision("c", methods=["group-choice"]),
                "b": ExceptionDecision("b", methods=["expected"])}
    candidates, found = combine_results([result], existing)
    assert sorted(c.unit_id for c in candidates) == ["a", "c"]
    assert found["a"].methods == ["group-choice"]


def test_a_unit_several_methods_pick_lists_them_all_with_the_best_score():
    one = result("group-z", {"a": (2.5, 0.4, "Far above its group."),
                             "b": (2.1, 0.5, "Above its group.")})
    two = result("expected", {"a": (3.0, 0.2, "Expected to struggle, but did not."),
                              "c": (float("nan"), float("nan"), "Picked without a score.")})
    candidates, found = combine_results([one, two], {})
    assert [c.unit_id for c in candidates] == ["a", "b", "c"]
    assert found["a"].methods == ["group-z", "expected"]
    assert found["a"].score == 3.0 and found["a"].expected == 0.2
    assert found["a"].explanation == "Far above its group.\nExpected to struggle, but did not."
    assert found["c"].score is None and found["c"].expected is None
    assert {c.unit_id: c.score for c in candidates} == {"a": 3.0, "b": 2.1, "c": None}
    assert "z" not in found


def test_the_groups_pick_found_again_keeps_group_choice_and_decided_ones_are_not_revived():
    existing = {"a": ExceptionDecision("a", methods=["group-choice"], score=None),
                "d": ExceptionDecision("d", "rejected", methods=["group-choice"])}
    candidates, _found = combine_results([result("funnel", {"a": (1.5, 0.1, "Low.")})],
                                         existing)
    assert [(c.unit_id, c.methods) for c in candidates] == [("a", ["funnel", "group-choice"])]


def test_with_group_choice_keeps_the_methods_candidates():
    existing = {
        "a": ExceptionDecision("a", methods=["expected"], score=2.0),
        "b": ExceptionDecision("b", methods=["group-z"], score=2.4),
        "c": ExceptionDecision("c", "confirmed", methods=["expected"], score=3.1),
        "d": ExceptionDecision("d", "rejected", methods=["funnel"], score=1.0),
    }
    keep = with_group_choice(existing, ["b", "c", "e", "e"])
    assert [(d.unit_id, d.methods, d.score, d.status) for d in keep] == [
        ("a", ["expected"], 2.0, "candidate"),
        ("b", ["group-z", "group-choice"], 2.4, "candidate"),
        ("c", ["expected", "group-choice"], 3.1, "candidate"),
        ("e", ["group-choice"], None, "candidate"),
    ]
    # A pure function: the stored decisions it was given are unchanged.
    assert existing["b"].methods == ["group-z"] and existing["c"].status == "confirmed"
    again = with_group_choice({d.unit_id: d for d in keep}, ["e"])
    assert [d.methods for d in again if d.unit_id == "e"] == [["group-choice"]]


def test_a_run_where_every_group_is_too_small_is_refused():
    tiny = result("group-z", {"a": (2.0, 0.1, "Above.")}, group_size=[2.0, 2.0])
    tiny.settings["min_group"] = 3
    with pytest.raises(ModelError, match=r"^Every family is in a group of fewer than 3 "
                                         r"families in similar circumstances"):
        check_usable(tiny, "family")
    usable = result("group-z", {"a": (2.0, 0.1, "Above.")}, group_size=[3.0, np.nan])
    usable.settings["min_group"] = 3
    check_usable(usable, "family")
    check_usable(result("expected", {"a": (2.0, 0.1, "Above.")}), "family")  # no groups



def test_importing_the_candidates_loads_no_heavy_library():
    """The step 2 screen imports this module while the page loads."""
    import subprocess
    import sys

    code = ("import sys, widgets.analysis.candidates; "
            "print(sorted(m for m in ('numpy', 'pandas', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
