"""Tests for widgets.words: the one plural rule, the one verb-agreement rule and the one way
to write a percentage (issue 9 item 19)."""

from __future__ import annotations

import pytest

from widgets import words
from widgets.model import Measure


@pytest.mark.parametrize("word, many", [
    ("family", "families"), ("pupil", "pupils"), ("household", "households"),
    ("child", "children"), ("young person", "young people"), ("box", "boxes"),
    ("day", "days"), ("", "units"), ("Ward", "Wards"),
])
def test_plural(word, many):
    assert words.plural(word) == many
    assert words.plural(word, 1) == (word.strip() or "unit")


@pytest.mark.parametrize("phrase, many", [
    ("has a plan", "have a plan"),
    ("is in work", "are in work"),
    ("was seen by a nurse", "were seen by a nurse"),
    ("does homework most days", "do homework most days"),
    ("doesn't smoke", "don't smoke"),
    ("eats together", "eat together"),
    ("always eats together", "always eat together"),
    ("never misses school", "never miss school"),
    ("watches the news", "watch the news"),
    ("tries new food", "try new food"),
    ("goes to the club", "go to the club"),
    ("uses the library", "use the library"),
    ("stayed together", "stayed together"),
    ("can read", "can read"),
    ("Has a plan", "Have a plan"),
])
def test_agree_makes_the_verb_agree_with_many_units(phrase, many):
    assert words.agree(phrase, 35) == many
    assert words.agree(phrase, 0) == many
    assert words.agree(phrase, 1) == phrase


def test_percent_keeps_the_number_and_its_sign_together():
    nbsp = "\u00a0"
    assert words.percent(0.58) == f"58{nbsp}%"
    assert words.percent(0.004) == f"0.4{nbsp}%"
    assert words.percent(0) == f"0{nbsp}%"
    assert words.percent(0.123, 1) == f"12.3{nbsp}%"
    assert words.percent(-0.0001, 0) == f"0{nbsp}%"
    assert words.percent(None) == words.percent(float("nan")) == "–"
    assert words.per_cent(99.8) == f"99.8{nbsp}%" and words.per_cent(95.0) == f"95{nbsp}%"
    assert words.share_words(3, 4) == f"3 of 4 (75{nbsp}%)"
    assert words.share_words(0, 0) == "not known"


def test_the_baseline_and_progress_sentences_agree():
    """"35 of 60 pupils … has a plan" and "Pupils who has a plan" were the words on screen."""
    import pandas as pd

    from widgets.analysis.baseline import baseline_summary
    from widgets.analysis.progress import progress_summary
    from widgets.model import ProgressEntry

    measure = Measure("has a plan", "pupil", "yes_no")
    frame = pd.DataFrame({"unit_id": [f"P{i}" for i in range(60)],
                          "outcome": [1.0] * 35 + [0.0] * 25})
    sentence = baseline_summary(frame, measure).sentence
    assert sentence.startswith("35 of 60 pupils (58\u00a0%, likely between")
    assert sentence.endswith(") have a plan.")
    one = baseline_summary(frame.assign(outcome=[1.0] + [0.0] * 59), measure).sentence
    assert one.endswith(") has a plan.")
    summary = progress_summary([ProgressEntry("2024-01-05", 0.6)], measure, 0.58)
    assert summary.sentences[-1].startswith("Pupils who have a plan: 58\u00a0%")


def test_one_plural_rule():
    """The screens' own plural rules are gone: they all give the words module's answer."""
    from types import SimpleNamespace

    from widgets.plots import plural as plot_plural

    for word in ("family", "child", "young person", "box", "pupil"):
        inquiry = SimpleNamespace(measure=Measure(unit_name=word))
        assert words.unit_words(inquiry.measure.unit_name) == (word, words.plural(word))
        assert plot_plural(word) == words.plural(word)
        assert words.count_words(3, word) == f"3 {words.plural(word)}"


@pytest.mark.parametrize("many,one,relative", [
    ("have a plan", "has a plan", False), ("are safe", "is safe", False),
    ("don't smoke", "doesn't smoke", False), ("eat together", "eat together", False),
    ("eat together", "eats together", True), ("never go out", "never goes out", True),
    ("watch the news", "watches the news", True), ("try hard", "tries hard", True),
    ("stayed together", "stayed together", True), ("can read", "can read", True),
])
def test_singular_is_the_inverse_of_agree(many, one, relative):
    assert words.singular(many, relative) == one
    assert words.agree(one, 2) == many


def test_id_order_counts_numbers_as_numbers():
    ids = ["F10", "F2", "Pupil 10", "Pupil 9", "f1", "B", "a", "Unit 2b", "Unit 2a"]
    assert sorted(ids, key=words.id_order) == ["a", "B", "f1", "F2", "F10", "Pupil 9",
                                               "Pupil 10", "Unit 2a", "Unit 2b"]
