"""Tests for widgets.analysis.practices: exceptions against others, Fisher's exact test."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy.stats import fisher_exact

from widgets.analysis.practices import COLUMNS, compare_practice_checks, compare_practices
from widgets.model import ExceptionDecision, Inquiry, Practice, PracticeCheck, Unit

PRACTICES = [
    Practice(what="Eat together", accessible="yes", id=1),
    Practice(what="Private tutor", accessible="no", id=2),
    Practice(what="Talk at bedtime", accessible="unsure", id=3),
]


def checks_for(answers: dict[int, dict[str, str]]) -> pd.DataFrame:
    rows = [(u, pid, v) for pid, per_unit in answers.items() for u, v in per_unit.items()]
    return pd.DataFrame(rows, columns=["unit_id", "practice_id", "value"])


def make_case():
    exceptions = [f"E{i}" for i in range(8)]
    others = [f"O{i}" for i in range(20)]
    answers = {
        # 7 of 8 exceptions eat together, 4 of 20 others do.
        1: {**{u: "yes" if i < 7 else "no" for i, u in enumerate(exceptions)},
            **{u: "yes" if i < 4 else "no" for i, u in enumerate(others)}},
        # Tutors: 6 of 8 against 3 of 20, but it needs money.
        2: {**{u: "yes" if i < 6 else "no" for i, u in enumerate(exceptions)},
            **{u: "yes" if i < 3 else "no" for i, u in enumerate(others)}},
        # Bedtime talk: only 3 exceptions answered; others mostly unknown.
        3: {**{u: "yes" for u in exceptions[:3]},
            **{u: "unknown" for u in exceptions[3:]},
            **{u: "yes" if i < 2 else "unknown" for i, u in enumerate(others)}},
    }
    return checks_for(answers), exceptions, exceptions + others


def test_counts_shares_and_fisher():
    checks, exceptions, everyone = make_case()
    table = compare_practice_checks(checks, exceptions, everyone, PRACTICES)
    assert tuple(table.columns) == COLUMNS
    row = table.set_index("practice_id").loc[1]
    assert (row.exceptions_doing, row.exceptions_known) == (7, 8)
    assert (row.others_doing, row.others_known) == (4, 20)
    assert row.share_exceptions == pytest.approx(7 / 8)
    assert row.share_others == pytest.approx(0.2)
    assert row.difference == pytest.approx(7 / 8 - 0.2)
    ref = fisher_exact([[7, 1], [4, 16]], alternative="two-sided").pvalue
    assert row.p_value == pytest.approx(ref)
    assert row.note == ("Common among positive exceptions, uncommon elsewhere; "
                        "unlikely to be chance alone.")
    assert bool(row.worth_spreading)


def test_true_but_useless_and_too_few_answers():
    checks, exceptions, everyone = make_case()
    table = compare_practice_checks(checks, exceptions, everyone, PRACTICES).set_index(
        "practice_id")
    tutor = table.loc[2]
    assert not tutor.worth_spreading
    assert "true but useless" in tutor.note
    bedtime = table.loc[3]
    assert (bedtime.exceptions_known, bedtime.others_known) == (3, 2)
    assert bedtime.note.startswith("Too few answers to conclude")
    assert not bedtime.worth_spreading  # accessibility not yet known
    assert bedtime.p_value == pytest.approx(
        fisher_exact([[3, 0], [2, 0]], alternative="two-sided").pvalue)


def test_order_and_accessible_flip():
    checks, exceptions, everyone = make_case()
    table = compare_practice_checks(checks, exceptions, everyone, PRACTICES)
    assert table["practice_id"].tolist()[0] == 1
    opened = [Practice(what="Private tutor", accessible="yes", id=2), PRACTICES[0]]
    table2 = compare_practice_checks(checks, exceptions, everyone, opened)
    assert table2["worth_spreading"].tolist() == [True, True]
    assert table2["practice_id"].tolist() == [1, 2]  # larger difference first


def test_units_without_answers_are_unknown_and_strangers_ignored():
    checks = checks_for({1: {"E1": "yes", "O1": "no", "X9": "yes"}})
    table = compare_practice_checks(checks, ["E1", "E2"], ["O1", "O2"], PRACTICES[:1])
    row = table.iloc[0]
    assert (row.exceptions_known, row.others_known) == (1, 1)


def test_no_known_answers_gives_nan():
    checks = checks_for({1: {"E1": "unknown"}})
    row = compare_practice_checks(checks, ["E1"], ["O1"], PRACTICES[:1]).iloc[0]
    assert math.isnan(row.share_exceptions) and math.isnan(row.p_value)
    assert not row.worth_spreading


def test_less_common_and_about_the_same():
    exceptions = [f"E{i}" for i in range(10)]
    others = [f"O{i}" for i in range(10)]
    checks = checks_for({
        1: {**{u: "no" for u in exceptions}, **{u: "yes" for u in others}},
        3: {**{u: "yes" if i < 5 else "no" for i, u in enumerate(exceptions)},
            **{u: "yes" if i < 5 else "no" for i, u in enumerate(others)}},
    })
    table = compare_practice_checks(checks, exceptions, exceptions + others,
                                    [PRACTICES[0], PRACTICES[2]]).set_index("practice_id")
    assert table.loc[1, "note"].startswith("Less common among positive exceptions")
    assert table.loc[3, "note"] == "About as common among positive exceptions as elsewhere."


def test_inquiry_version_uses_confirmed_exceptions():
    checks, exceptions, everyone = make_case()
    inquiry = Inquiry(
        title="t",
        units=[Unit(unit_id=u) for u in everyone],
        exceptions=[ExceptionDecision(unit_id=u, status="confirmed") for u in exceptions]
        + [ExceptionDecision(unit_id="O0", status="candidate")],
        practices=PRACTICES,
        practice_checks=[PracticeCheck(r.unit_id, r.practice_id, r.value)
                         for r in checks.itertuples()],
    )
    from_inquiry = compare_practices(inquiry)
    from_parts = compare_practices(checks, exceptions, everyone, PRACTICES)
    pd.testing.assert_frame_equal(from_inquiry, from_parts)
    with_candidates = compare_practices(inquiry, statuses=("confirmed", "candidate"))
    assert with_candidates.set_index("practice_id").loc[1, "exceptions_known"] == 9
