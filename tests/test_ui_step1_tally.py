"""Step 1, section 4c: the quick tally for a yes/no measure."""

import pandas as pd
import pytest

from widgets.model import Measure
from widgets.ui.session import Session
from widgets.ui.step1.tally import Tally


@pytest.fixture
def session(store, slug):
    """The page's session: it tells the sections what changed."""
    return Session(slug, store=store)


@pytest.fixture
def tally(store, slug, session):
    store.set_measure(slug, Measure("stayed together", "family", "yes_no"))
    box = Tally(session)
    assert not box.built and box.widget.children == ()
    box.ensure_built()
    box.seen = []
    session.on("units", lambda: box.seen.append("units"))
    return box


def use(tally, yes, total):
    tally.yes.value, tally.total.value = yes, total
    tally.button.click()


def test_18_of_60_families(tally, store, slug):
    assert "families stayed together" in tally.words.value
    use(tally, 18, 60)
    frame = store.units_frame(slug)
    assert len(frame) == 60 and frame["outcome"].sum() == 18
    assert frame["unit_id"].iloc[0] == "Family 1"
    assert tally.message.text == "Stored 60 families: 18 yes, 42 no."
    assert tally.seen == ["units"]
    assert "a quick tally" in store.history(slug)[-1].change
    assert tally.session.status.state == "saved"


@pytest.mark.parametrize("yes, total, words", [
    (61, 60, "between 0 and 60"), (-1, 10, "between 0 and 10"), (0, 0, "at least 1"),
    (5, 1_000_000, "at most"),
])
def test_impossible_numbers_give_a_message_and_store_nothing(tally, store, slug, yes, total,
                                                             words):
    before = store.get(slug).to_dict()
    use(tally, yes, total)
    assert tally.message.kind == "error" and words in tally.message.text
    assert store.get(slug).to_dict() == before


def test_replacing_stored_units_asks_first(tally, store, slug):
    use(tally, 18, 60)
    before = store.get(slug).to_dict()
    use(tally, 20, 60)
    assert tally.confirm.asking and "replaces the 60 families" in tally.confirm.question.value
    tally.confirm.no.click()
    assert store.get(slug).to_dict() == before
    use(tally, 20, 60)
    tally.confirm.yes.click()
    assert store.units_frame(slug)["outcome"].sum() == 20


def test_only_for_yes_no_measures(tally, store, slug, session):
    store.set_measure(slug, Measure("score", "pupil", "score"))
    session.changed("measure")
    assert tally.form.layout.display == "none"
    assert "only" not in tally.note.value and "yes/no measures" in tally.note.value
    before = store.get(slug).to_dict()
    tally.yes.value, tally.total.value = 3, 5
    tally.session.guard(tally.use, message=tally.message)()
    assert "yes/no" in tally.message.text
    assert store.get(slug).to_dict() == before


def test_stored_counts_show_after_a_reload(store, slug, session):
    store.set_measure(slug, Measure("stayed together", "family", "yes_no"))
    store.replace_units_frame(slug, pd.DataFrame({"unit_id": list("abcde"),
                                                  "outcome": [1.0, 1.0, 0.0, 0.0, 0.0]}))
    again = Tally(session)
    again.ensure_built()
    assert (again.yes.value, again.total.value) == (2, 5)


def test_hostile_measure_words_are_escaped(store, slug, session):
    store.set_measure(slug, Measure("<script>alert(1)</script>", "<b>family</b>", "yes_no"))
    box = Tally(session)
    box.ensure_built()
    assert "<script" not in box.words.value and "&lt;script" in box.words.value
    assert "<b>" not in box.note.value


def test_the_verb_agrees_with_the_families(store, slug, session):
    store.set_measure(slug, Measure("has a plan", "pupil", "yes_no"))
    box = Tally(session)
    box.ensure_built()
    assert "pupils have a plan" in box.words.value
