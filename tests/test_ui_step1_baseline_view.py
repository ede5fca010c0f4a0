"""Step 1, section 5: the baseline sentence and plot."""

import html

import pandas as pd
import pytest

from widgets.analysis.baseline import baseline_summary
from widgets.model import Measure
from widgets.ui import background
from widgets.ui.session import Session
from widgets.ui.step1.baseline_view import NO_DATA, BaselineView


@pytest.fixture
def session(store, slug):
    """The page's session: it tells the sections what changed."""
    return Session(slug, store=store)


def families(yes=18, total=60):
    return pd.DataFrame({"unit_id": [f"Family {i}" for i in range(1, total + 1)],
                         "outcome": [1.0] * yes + [0.0] * (total - yes)})


def view(store, slug, session):
    return BaselineView(session)


def test_no_data_yet(store, slug, session):
    v = view(store, slug, session)
    assert v.text == NO_DATA
    assert NO_DATA in v.sentence.value and v.plot.outputs == ()


def test_sentence_and_plot(store, slug, session):
    measure = Measure("stayed together", "family", "yes_no")
    store.set_measure(slug, measure)
    store.replace_units_frame(slug, families())
    v = view(store, slug, session)
    assert v.text == baseline_summary(store.units_frame(slug), measure).sentence
    assert v.text.startswith("18 of 60 families (30\u00a0%, likely between 20\u00a0% and "
                             "43\u00a0%)")
    assert len(v.plot.outputs) == 1 and "image/png" in v.plot.outputs[0]["data"]
    # the HTML form is what the page shows: the image with its alt text (axe: image-alt)
    shown = v.plot.outputs[0]["data"]["text/html"]
    assert shown.startswith('<img src="data:image/png;base64,')
    assert f'alt="{html.escape(v.figure.alt)}"' in shown and v.figure.alt.strip()
    assert "18 of 60" in v.caption.value


def test_refreshes_after_data_and_measure_changes(store, slug, session):
    store.set_measure(slug, Measure("stayed together", "family", "yes_no"))
    v = view(store, slug, session)
    store.replace_units_frame(slug, families(10, 40))
    session.changed("units")
    assert v.text.startswith("10 of 40 families")
    store.set_measure(slug, Measure("stayed together", "household", "yes_no"))
    session.changed("measure")
    assert v.text.startswith("10 of 40 households")


def test_a_problem_is_said_plainly(store, slug, session, monkeypatch):
    store.set_measure(slug, Measure("stayed together", "family", "yes_no"))
    # Data stored before the store checked outcomes against the kind (it refuses them now).
    with monkeypatch.context() as older:
        older.setattr("widgets.store.units.check_fit", lambda frame, kind: None)
        store.replace_units_frame(slug, pd.DataFrame({"unit_id": ["a", "b"],
                                                      "outcome": [3.0, 1.0]}))
    v = view(store, slug, session)
    assert "must be 1 (yes) or 0 (no)" in v.text and v.plot.outputs == ()
    assert v.session.errors.text == ""


def test_a_rate_without_population_says_so(store, slug, session):
    store.set_measure(slug, Measure("admissions", "ward", "rate"))
    store.replace_units_frame(slug, pd.DataFrame({"unit_id": ["a"], "outcome": [3.0]}))
    v = view(store, slug, session)
    assert v.text.startswith("A rate needs a population for each ward")
    assert v.plot.outputs == ()


def test_drawn_in_the_background_at_page_load(store, slug, session, monkeypatch):
    monkeypatch.setattr(background, "BACKGROUND", True)  # as on a page: the worker thread
    monkeypatch.setattr(background, "START_DELAY", 0)
    monkeypatch.setattr(background, "_executor", None)
    store.replace_units_frame(slug, families())
    v = view(store, slug, session)
    assert v.wait(60)
    assert v.text.startswith("18 of 60 families") and v.plot.outputs
    background.worker().shutdown()


def test_hostile_measure_words_are_escaped(store, slug, session):
    store.set_measure(slug, Measure("<script>alert(1)</script>", "<i>family</i>", "yes_no"))
    store.replace_units_frame(slug, families(3, 5))
    v = view(store, slug, session)
    assert "<script>" in v.text
    assert "<script" not in v.sentence.value and "&lt;script" in v.sentence.value
    assert "<script" not in v.caption.value and "<i>" not in v.caption.value


def test_scores_and_rates(store, slug, session):
    store.set_measure(slug, Measure("reading score", "pupil", "score"))
    store.replace_units_frame(slug, pd.DataFrame({"unit_id": list("abcd"),
                                                  "outcome": [10.0, 12.0, 14.0, 20.0]}))
    v = view(store, slug, session)
    assert v.text.startswith("The average reading score was 14")
    store.set_measure(slug, Measure("admissions", "ward", "rate"))
    store.replace_units_frame(slug, pd.DataFrame({"unit_id": list("ab"), "outcome": [3.0, 5.0],
                                                  "population": [100.0, 300.0]}))
    session.changed("units")
    assert "per 100" in v.text and v.plot.outputs
