"""Tests for widgets.words: the one plural rule, the one verb-agreement rule and the one way
to write a percentage (issue 9 item 19)."""

from __future__ import annotations

import re

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


#: (the name for one, the name for many): unit names groups use, irregular and compound
#: nouns, capitals, phrases and abbreviations.
NOUNS = [
    ("family", "families"), ("household", "households"), ("school", "schools"),
    ("pupil", "pupils"), ("street", "streets"), ("ward", "wards"), ("child", "children"),
    ("person", "people"), ("woman", "women"), ("man", "men"), ("baby", "babies"),
    ("mouse", "mice"), ("tooth", "teeth"), ("goose", "geese"), ("ox", "oxen"),
    ("schoolchild", "schoolchildren"), ("grandchild", "grandchildren"),
    ("fisherman", "fishermen"), ("chairwoman", "chairwomen"), ("human", "humans"),
    ("German", "Germans"), ("specimen", "specimens"), ("young person", "young people"),
    ("care home", "care homes"), ("GP practice", "GP practices"),
    ("year 7 pupil", "year 7 pupils"), ("5-year-old", "5-year-olds"),
    ("head of household", "heads of household"), ("member of staff", "members of staff"),
    ("family (household)", "families (household)"), ("Child", "Children"),
    ("CHILD", "CHILDREN"), ("Young Person", "Young People"), ("Family", "Families"),
    ("GP", "GPs"), ("NGO", "NGOs"), ("class", "classes"), ("church", "churches"),
    ("box", "boxes"), ("bus", "buses"), ("campus", "campuses"), ("parish", "parishes"),
    ("house", "houses"), ("nurse", "nurses"), ("city", "cities"), ("day", "days"),
    ("key", "keys"), ("movie", "movies"), ("wife", "wives"), ("midwife", "midwives"),
    ("leaf", "leaves"), ("chief", "chiefs"), ("hero", "heroes"), ("photo", "photos"),
    ("shoe", "shoes"), ("quiz", "quizzes"), ("analysis", "analyses"), ("gas", "gases"),
    ("stomach", "stomachs"), ("staff", "staff"), ("sheep", "sheep"), ("series", "series"),
    ("species", "species"), ("Schüler", "Schüler"), ("élève", "élève"),
]


@pytest.mark.parametrize("one, many", NOUNS)
def test_plural_of_english_nouns(one, many):
    assert words.plural(one) == many
    assert words.plural(one, 1) == one
    assert words.plural(one, 2) == many


@pytest.mark.parametrize("one, many", NOUNS)
def test_a_name_already_in_the_plural_stays_and_gives_the_name_for_one(one, many):
    assert words.plural(many) == many  # not "childrens", "pupilses", "peoples"
    assert words.unit_words(many) == (one, many)
    assert words.unit_words(one) == (one, many)
    assert words.count_words(1, many) == f"1 {one}"
    assert words.count_words(1_200, one) == f"1,200 {many}"


def test_unit_words_and_count_words():
    assert words.unit_words("  family ") == ("family", "families")
    assert words.unit_words(None) == words.unit_words("") == ("unit", "units")
    assert words.count_words(0, "child") == "0 children"
    assert words.count_words(1, "Children") == "1 Child"
    assert words.count_words(3, "person", "folk") == "3 folk"
    assert words.count_words(1, "person", "folk") == "1 person"
    assert words.plural("unit 3") == "unit 3"  # no letters in the last word: nothing to change
    assert words.plural("Friends of the Earth group") == "Friends of the Earth groups"


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

    from widgets.plots.theme import plural as plot_plural
    from widgets.ui.step1.common import unit_words as step1_unit_words
    from widgets.ui.step3.shared import plural as count_plural
    from widgets.ui.step3.shared import unit_words

    assert plot_plural is words.plural  # the plots' copy is gone
    for word in ("family", "child", "young person", "box", "pupil", "pupils", "Schüler",
                 "schoolchild", "person", "woman", "baby", "mouse"):
        inquiry = SimpleNamespace(measure=Measure(unit_name=word))
        assert unit_words(inquiry) == words.unit_words(word)
        assert step1_unit_words(word) == words.unit_words(word)
        assert plot_plural(word) == words.plural(word)
        assert count_plural(3, word) == f"3 {words.plural(word)}"
        assert count_plural(1, word) == words.count_words(1, word)
    assert count_plural(3, "person", "people") == "3 people"


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


# ---------------------------------------------------------------------- no "childs"

#: Wrong plurals of "child" (and of its compounds) that must never reach a page.
CHILDS = re.compile(r"childs\b|childrens\b|childrenes\b", re.IGNORECASE)


def _strings(widget) -> list[str]:
    """Every piece of text of a widget tree: values, descriptions, options, tooltips."""
    out = []
    for attr in ("value", "description", "placeholder", "tooltip", "options"):
        value = getattr(widget, attr, None)
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, (list, tuple)):
            out += [str(v) for v in value]
    for child in getattr(widget, "children", ()):
        out += _strings(child)
    return out


@pytest.mark.parametrize("unit_name", ["child", "Child", "children", "schoolchild"])
def test_child_nutrition_never_says_childs(store, monkeypatch, unit_name):
    """The report, its plots' captions and step 3 of the Child nutrition example, with the
    unit called as a group might call it."""
    from widgets import examples, report
    from widgets.ui import context, step3
    from widgets.ui.page import StepPage
    from widgets.ui.step3 import shared

    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.setenv(context.BINDER_OVERRIDE, "0")
    monkeypatch.setattr(shared, "BACKGROUND", False)
    inquiry = examples.build("child-nutrition")
    inquiry.measure.unit_name = unit_name
    slug = store.save_inquiry(inquiry)
    stored = store.get(slug)

    contents = report.report_context(stored)
    captions = [contents[part]["figure"][key] for part in ("measure", "exceptions",
                                                           "practices", "progress")
                if contents[part]["figure"] for key in ("caption", "alt")]
    assert len(captions) >= 6
    page = StepPage(3, slug=slug, store=store)
    try:
        page.build(step3.build)
        assert page.errors.text == ""
        screen = "\n".join(_strings(page.widget))
    finally:
        context.set_store(None)
    texts = {"report": report.build_report(stored), "captions": "\n".join(captions),
             "step 3": screen}
    many = words.plural(unit_name)
    assert many in texts["report"] and many in texts["step 3"]
    for where, text in texts.items():
        found = CHILDS.findall(text)
        assert not found, f"{where} says {found[:3]}"
