"""Step 2 controls (widgets.ui.step2.method_picker): methods, circumstances, thresholds,
restoring the last run's settings, and the group's own choice."""

from __future__ import annotations

import html

import pytest

from widgets.analysis.positive_exceptions import METHODS
from widgets.model import AnalysisRun, Measure
from widgets.ui.step2.method_picker import (
    LOOKING_METHODS,
    GroupChoice,
    MethodPicker,
    method_title,
    method_words,
    plain_words,
)

FAMILY = Measure(what="stayed together", unit_name="family", kind="yes_no")
COLUMNS = ["income band", "housing", "children"]


def _texts(widget) -> str:
    out = getattr(widget, "value", "") if isinstance(getattr(widget, "value", ""), str) else ""
    out += getattr(widget, "description", "") or ""
    return out + "".join(_texts(c) for c in getattr(widget, "children", ()))


def test_every_method_has_its_plain_line_and_no_jargon():
    picker = MethodPicker(FAMILY, COLUMNS)
    text = html.unescape(_texts(picker.widget))
    for name in LOOKING_METHODS:
        title, line = method_words()[name]
        assert title in text and line == METHODS[name][1] and line in text
    assert "families in similar circumstances" in text.lower() or \
        "compare families in similar circumstances" in text.lower()
    for jargon in ("deviant", "strata", "stratum", "quartile", "threshold", "regression"):
        assert jargon not in text.lower()
    assert "Far above the rest of their group" in text


def test_statistics_words_are_said_plainly():
    note = plain_words("Expected values from a logistic regression on the chosen "
                       "circumstances.", "family")
    assert note == "Each family is compared with what their circumstances would lead us to " \
        "expect."
    assert "regression" not in plain_words("from a Poisson regression", "ward")
    said = plain_words("try fewer circumstances, fewer bands or the quartile rule.")
    assert "quartile" not in said and "“Far above the rest of their group”" in said
    assert plain_words("The threshold must be a number above 0.") == \
        "“How far from the rest (standard deviations)” must be a number above 0."
    assert method_title("group-iqr") == "Far above the rest of their group"


def test_defaults_two_sd_all_circumstances():
    picker = MethodPicker(FAMILY, COLUMNS)
    picker.restore([])
    assert picker.methods() == ["group-z"]
    assert picker.circumstances() == COLUMNS
    assert picker.settings_for("group-z") == {"circumstances": COLUMNS, "threshold": 2.0}
    assert picker.settings_for("group-iqr") == {"circumstances": COLUMNS, "iqr_factor": 1.5}
    assert picker.settings_for("funnel") == {"flag_at": 0.95}
    rate = MethodPicker(Measure(kind="rate", unit_name="ward"), [])
    rate.restore([])
    assert rate.methods() == ["funnel"]
    assert "no circumstances" in rate.circumstance_help.value


def test_options_show_only_for_the_ticked_methods():
    picker = MethodPicker(FAMILY, COLUMNS)
    for name, box in picker.method_boxes.items():
        box.value = name == "funnel"
    assert picker.funnel_limit.layout.display is None
    assert picker.threshold.layout.display == "none"
    assert picker.iqr_factor.layout.display == "none"
    picker.method_boxes["group-iqr"].value = True
    # Yes/no: the group methods use the rare-share rule instead (said in a note).
    assert picker.iqr_factor.layout.display == "none"
    assert picker.threshold.layout.display == "none"
    assert picker.yes_no_note.layout.display is None
    picker.method_boxes["expected"].value = True
    assert picker.threshold.layout.display is None

    scores = MethodPicker(Measure(kind="score", unit_name="child"), COLUMNS)
    scores.method_boxes["group-iqr"].value = True
    scores.method_boxes["group-z"].value = True
    assert scores.iqr_factor.layout.display is None
    assert scores.threshold.layout.display is None
    assert scores.yes_no_note.layout.display == "none"


def test_restore_takes_the_last_runs_settings():
    runs = [
        AnalysisRun("expected", {"circumstances": ["housing"], "threshold": 3.0}),
        AnalysisRun("group-iqr", {"circumstances_chosen": ["income band", "children"],
                                  "iqr_factor": 2.5, "run_together": ["group-iqr", "funnel"]}),
        AnalysisRun("funnel", {"flag_at": 0.998, "run_together": ["group-iqr", "funnel"]}),
        AnalysisRun("group-choice", {"chosen": ["F01"]}),  # not a way of looking
    ]
    picker = MethodPicker(FAMILY, COLUMNS)
    picker.restore(runs)
    assert picker.methods() == ["group-iqr", "funnel"]
    assert picker.circumstances() == ["income band", "children"]
    assert picker.threshold.value == 3.0
    assert picker.iqr_factor.value == 2.5
    assert picker.funnel_limit.value == 0.998


def test_restore_ignores_unknown_columns_and_bad_values():
    runs = [AnalysisRun("similar_circumstances", {"circumstances": ["gone"], "threshold": "x"})]
    picker = MethodPicker(FAMILY, COLUMNS)
    picker.restore(runs)
    assert picker.methods() == ["group-z"]
    assert picker.circumstances() == []
    assert picker.threshold.value == 2.0


@pytest.mark.parametrize("name, title", [("better_than_expected", "Better than expected"),
                                         ("group-iqr", "Far above the rest of their group"),
                                         ("something_else", "something else")])
def test_method_titles(name, title):
    assert method_title(name) == title


def test_group_choice_list_filter_and_cap():
    group = GroupChoice(FAMILY)
    assert group.picker.layout.display == "none"
    ids = [f"F{i:04d}" for i in range(1200)]
    group.load(ids, lambda uid: f"{uid} — yes" if uid == "F0007" else uid)
    assert group.picker.layout.display is None
    assert len(group.units.options) == GroupChoice.MAX_SHOWN
    assert "700 more not shown" in group.count.value
    group.filter.value = "F000"
    assert [v for _l, v in group.units.options] == [f"F000{i}" for i in range(10)]
    assert ("F0007 — yes", "F0007") in group.units.options
    group.units.value = ("F0003",)
    group.filter.value = "F11"
    assert group.chosen() == ["F0003"]  # still ticked, still in view
    assert group.units.options[0][1] == "F0003"
