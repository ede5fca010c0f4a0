"""Step 2 screen (widgets.ui.step2), driven in Python on the two examples and a rate inquiry:
run each method, confirm and reject candidates, the evidence trail, bad choices, and a
refreshed page rebuilt from the store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from widgets import examples
from widgets.analysis.positive_exceptions import run_method
from widgets.model import Measure, Unit
from widgets.ui import StepPage, context, step2
from widgets.ui.step2 import Step2View


@pytest.fixture(autouse=True)
def plain_env(monkeypatch):
    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.setenv(context.BINDER_OVERRIDE, "0")
    yield
    context.set_store(None)


def open_view(store, slug, who="facilitator"):
    page = StepPage(2, slug=slug, store=store)
    page.who_field.value = who
    page.build(step2.build)
    assert page.errors.text == ""
    return page, page.step2


def tick(view, methods, circumstances=None):
    for name, box in view.picker.method_boxes.items():
        box.value = name in methods
    if circumstances is not None:
        for col, box in view.picker.circumstance_boxes.items():
            box.value = col in circumstances


def snapshot(store, slug):
    """Everything a bad choice must leave alone."""
    inquiry = store.get(slug, include_units=False)
    return (len(store.history(slug)), [e.__dict__ for e in inquiry.exceptions],
            len(inquiry.analysis_runs))


@pytest.fixture
def grub_hub(store):
    return store.save_inquiry(examples.build("grub-hub"))


@pytest.fixture
def child_nutrition(store):
    return store.save_inquiry(examples.build("child-nutrition"))


def rate_units() -> list[Unit]:
    """Wards: events out of a population, about 10 % everywhere, with one big ward far
    below (a positive exception when lower is better) and one tiny ward with 0 events."""
    units = []
    for i in range(30):
        n = 100 + 40 * i
        events = round(n * (0.10 + 0.012 * ((i * 7) % 5 - 2)))
        units.append(Unit(f"W{i + 1:02d}", float(events), float(n),
                          context={"area": "north" if i % 2 else "south"}))
    units.append(Unit("W-LOW", 40.0, 2000.0, context={"area": "north"}))
    units.append(Unit("W-TINY", 0.0, 20.0, context={"area": "south"}))
    return units


@pytest.fixture
def wards(store):
    slug = store.create_inquiry("Emergency admissions by ward")
    store.set_measure(slug, Measure(what="emergency admissions", unit_name="ward",
                                    kind="rate", better="lower"))
    store.replace_units(slug, rate_units(), ["area"])
    return slug


# ---------------------------------------------------------------------- each method


CASES = [
    ("grub-hub", "group-z", ["income band", "housing"]),
    ("grub-hub", "group-iqr", ["housing", "children"]),
    ("grub-hub", "expected", ["income band", "housing", "children", "single parent"]),
    ("child-nutrition", "group-z", ["household income", "mother's education"]),
    ("child-nutrition", "group-iqr", ["household income", "hamlet"]),
    ("child-nutrition", "expected", ["household income", "mother's education", "hamlet"]),
]


@pytest.mark.parametrize("example, method, circumstances", CASES)
def test_each_method_flags_units_and_logs_the_run(store, example, method, circumstances):
    slug = store.save_inquiry(examples.build(example))
    page, view = open_view(store, slug, who="Ana")
    tick(view, [method], circumstances)
    view.picker.run_button.click()
    assert page.errors.text == ""
    assert view.picker.message.kind == "ok", view.picker.message.text

    inquiry = store.get(slug)
    expected = run_method(method, store.units_frame(slug), inquiry.measure,
                          **view.picker.settings_for(method))
    flagged = expected.flagged_ids
    assert flagged, "the examples are built so that every method finds someone"
    # Every flagged unit is stored as a candidate (or keeps the group's earlier decision),
    # with this method among those that picked it.
    stored = {e.unit_id: e for e in inquiry.exceptions}
    for uid in flagged:
        assert method in stored[uid].methods
    # Earlier undecided candidates that this method does not flag are gone.
    assert all(e.unit_id in flagged for e in inquiry.exceptions if e.status == "candidate")

    run = inquiry.analysis_runs[-1]
    assert run.method == method and run.by == "Ana" and run.flagged == flagged
    assert run.settings["circumstances_chosen"] == circumstances
    if method != "group-iqr":
        assert run.settings["threshold"] == 2.0

    # Readable explanations in the table, and a caption under the plot.
    table = view.candidates.table.value
    for uid in flagged:
        assert f'data-unit="{uid}"' in table
    assert f"{uid}: " in table
    unit_word = "famil" if example == "grub-hub" else "child"
    assert unit_word in view.results.figure_caption
    assert "positive exception" in view.results.figure_caption


def test_funnel_on_a_rate_flags_the_big_low_ward_not_the_tiny_one(store, wards):
    page, view = open_view(store, wards)
    assert view.picker.methods() == ["funnel"]  # the default for a rate
    view.picker.run_button.click()
    assert view.picker.message.kind == "ok", view.picker.message.text
    stored = {e.unit_id: e for e in store.get(wards).exceptions}
    assert "W-LOW" in stored and stored["W-LOW"].methods == ["funnel"]
    assert "W-TINY" not in stored  # 0 of 20 is not automatically an exception
    assert "funnel" in view.results.figure_caption
    assert store.get(wards).analysis_runs[-1].settings["flag_at"] == 0.95


def test_several_methods_agree_and_rank_first(store, grub_hub):
    page, view = open_view(store, grub_hub)
    tick(view, ["group-iqr", "expected"], ["income band", "housing", "children",
                                           "single parent"])
    results = view.run()
    both = set(results[0].flagged_ids) & set(results[1].flagged_ids)
    assert both  # F05 and F28 on this example
    stored = {e.unit_id: e for e in store.get(grub_hub).exceptions}
    for uid in both:
        assert set(stored[uid].methods) >= {"group-iqr", "expected"}
    runs = store.get(grub_hub).analysis_runs[-2:]
    assert [r.method for r in runs] == ["group-iqr", "expected"]
    assert all(r.settings["run_together"] == ["group-iqr", "expected"] for r in runs)
    assert "more than one way of looking" in view.results.summary.value
    assert view.results.plot_choice.layout.display is None  # a plot per method
    view.results.plot_choice.value = 1
    assert "better than expected" in view.results.figure_caption
    # Among the undecided, the ones picked twice come first in the table.
    first_row = view.candidates.table.value.split('data-unit="')[1].split('"')[0]
    undecided = [e.unit_id for e in store.get(grub_hub).exceptions if e.status == "candidate"]
    if any(u in both for u in undecided):
        assert first_row in both


# ---------------------------------------------------------------------- decisions


def test_confirm_and_reject_with_notes_who_and_when(store, child_nutrition):
    page, view = open_view(store, child_nutrition, who="Minh")
    tick(view, ["expected"])
    view.picker.run_button.click()
    undecided = [v for _label, v in view.candidates.unit.options
                 if store_status(store, child_nutrition, v) == "candidate"]
    assert len(undecided) >= 1
    before = datetime.now(UTC) - timedelta(seconds=5)

    view.candidates.unit.value = undecided[0]
    view.candidates.decision.value = "confirmed"
    view.candidates.note.value = "Visited: small meals four times a day, no outside help."
    view.candidates.save_button.click()
    assert view.candidates.message.kind == "ok"
    assert "Saved" in page.status.value

    view.candidates.unit.value = "C039"
    view.candidates.decision.value = "rejected"
    view.candidates.note.value = "Grandmother brings food from the town market."
    page.who_field.value = "Lan"
    view.candidates.save_button.click()

    stored = {e.unit_id: e for e in store.get(child_nutrition).exceptions}
    first = stored[undecided[0]]
    assert first.status == "confirmed" and first.decided_by == "Minh"
    assert first.note == "Visited: small meals four times a day, no outside help."
    assert datetime.fromisoformat(first.decided_at) >= before
    assert "expected" in first.methods and first.score is not None
    assert stored["C039"].status == "rejected" and stored["C039"].decided_by == "Lan"
    table = view.candidates.table.value
    assert "Grandmother brings food from the town market." in table and "by Lan" in table
    history = store.history(child_nutrition)
    assert history[-1].by == "Lan" and "C039" in history[-1].change


def store_status(store, slug, uid):
    return {e.unit_id: e.status for e in store.get(slug).exceptions}[uid]


def test_hostile_note_is_stored_exactly_and_shown_escaped(store, grub_hub):
    page, view = open_view(store, grub_hub)
    note = "<script>alert('x')</script> & <img src=x onerror=alert(1)>\nsecond line"
    view.candidates.unit.value = "F52"
    view.candidates.decision.value = "unsure"
    view.candidates.note.value = note
    view.candidates.save_button.click()
    stored = {e.unit_id: e for e in store.get(grub_hub).exceptions}
    assert stored["F52"].note == note and stored["F52"].status == "unsure"
    table = view.candidates.table.value
    assert "<script>" not in table and "<img src=x" not in table
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp;" in table
    # The form shows the stored text as it is (a widget value needs no escaping).
    view.candidates.unit.value = "F05"
    view.candidates.unit.value = "F52"
    assert view.candidates.note.value == note


def test_saving_without_a_decision_gives_a_message(store, grub_hub):
    page, view = open_view(store, grub_hub)
    view.candidates.unit.value = "F52"
    view.candidates.decision.value = None
    before = snapshot(store, grub_hub)
    view.candidates.save_button.click()
    assert view.candidates.message.kind == "error" and "Confirm" in view.candidates.message.text
    assert snapshot(store, grub_hub) == before


# ---------------------------------------------------------------------- bad choices


def _one_value_column(store, slug):
    units = store.units(slug)
    for u in units:
        u.context = {"town": "Huntingdon", **u.context}
    store.replace_units(slug, units, ["town", *store.get(slug).context_columns])


def _no_outcomes(store, slug):
    units = store.units(slug)
    for u in units:
        u.outcome = None
    store.replace_units(slug, units, store.get(slug).context_columns)


def _one_unit(store, slug):
    store.replace_units(slug, store.units(slug)[:1], store.get(slug).context_columns)


BAD = [
    ("no method", None, [], None, "Tick at least one"),
    ("no circumstances", None, ["group-z"], [], "Choose at least one circumstance"),
    ("one-value column", _one_value_column, ["group-z"], ["town"], "tells the"),
    ("no outcomes", _no_outcomes, ["expected"], None, "No family has an outcome"),
    ("a group of one", _one_unit, ["group-z"], None, "no one to compare with"),
    ("one unit, expected", _one_unit, ["expected"], None, "no one to compare with"),
    ("funnel, not a rate", None, ["funnel"], None, "The funnel needs a rate"),
    ("tiny groups", None, ["group-iqr"], None, None),
]


@pytest.mark.parametrize("label, change, methods, circumstances, words", BAD,
                         ids=[b[0] for b in BAD])
def test_bad_choices_give_a_message_and_store_nothing(store, grub_hub, label, change,
                                                      methods, circumstances, words):
    if change is not None:
        change(store, grub_hub)
    page, view = open_view(store, grub_hub)
    if label == "tiny groups":
        # Every family alone in its circumstances: nobody can be compared.
        units = store.units(grub_hub)
        for i, u in enumerate(units):
            u.context["serial"] = f"s{i}"
        store.replace_units(grub_hub, units, ["serial"])
        page, view = open_view(store, grub_hub)
        circumstances, words = ["serial"], "too few to compare"
    tick(view, methods, circumstances)
    before = snapshot(store, grub_hub)
    view.picker.run_button.click()
    assert view.picker.message.kind == "error"
    assert words.lower() in view.picker.message.text.lower(), view.picker.message.text
    assert page.errors.text == ""  # a person's mistake, not an apology
    assert "Not saved" in page.status.value
    assert snapshot(store, grub_hub) == before


def test_a_text_outcome_gives_a_message(store, grub_hub, monkeypatch):
    # The store keeps outcomes as numbers; a units table from elsewhere might not.
    page, view = open_view(store, grub_hub)
    frame = store.units_frame(grub_hub).assign(outcome="stayed together")
    monkeypatch.setattr(store, "units_frame", lambda slug, include_private=False: frame)
    tick(view, ["expected"])
    before = snapshot(store, grub_hub)
    view.picker.run_button.click()
    assert view.picker.message.kind == "error"
    assert "must be a number" in view.picker.message.text
    assert snapshot(store, grub_hub) == before


def test_no_units_yet(store, slug):
    page, view = open_view(store, slug)
    assert "no families in the data yet" in view.widget.children[1].value.lower()
    before = snapshot(store, slug)
    view.picker.run_button.click()
    assert view.picker.message.kind == "error" and "step 1" in view.picker.message.text
    assert snapshot(store, slug) == before


# ---------------------------------------------------------------------- privacy, refresh


def test_methods_never_see_real_names(store, grub_hub, monkeypatch):
    units = store.units(grub_hub)
    units[4].private_name = "Secret Surname"
    store.replace_units(grub_hub, units, store.get(grub_hub).context_columns)
    calls = []
    original = store.units_frame

    def spy(slug, include_private=False):
        calls.append(include_private)
        return original(slug, include_private=include_private)

    monkeypatch.setattr(store, "units_frame", spy)
    page, view = open_view(store, grub_hub)
    tick(view, ["expected"])
    view.picker.run_button.click()
    view.group.show_button.click()
    assert calls and not any(calls)
    assert "Secret Surname" not in view.candidates.table.value
    assert all("Secret" not in label for label, _v in view.group.units.options)


def test_a_refreshed_page_rebuilds_from_the_store(store, grub_hub):
    page, view = open_view(store, grub_hub, who="Dawn")
    tick(view, ["group-iqr"], ["housing", "children"])
    view.picker.iqr_factor.value = 1.0
    view.picker.run_button.click()
    view.candidates.unit.value = "F06"
    view.candidates.decision.value = "confirmed"
    view.candidates.note.value = "Same flats; they eat together."
    view.candidates.save_button.click()

    page2, view2 = open_view(store, grub_hub)  # a new kernel: only the store remembers
    assert view2.picker.methods() == ["group-iqr"]
    assert view2.picker.circumstances() == ["housing", "children"]
    assert view2.picker.iqr_factor.value == 1.0
    assert "Same flats; they eat together." in view2.candidates.table.value
    assert "by Dawn" in view2.candidates.table.value
    view2.candidates.unit.value = "F06"
    assert view2.candidates.decision.value == "confirmed"
    assert view2.candidates.note.value == "Same flats; they eat together."


def test_the_examples_logged_method_is_ticked_on_open(store, grub_hub, child_nutrition):
    _page, view = open_view(store, grub_hub)
    assert view.picker.methods() == ["expected"]
    assert "Better than expected" in view.candidates.table.value
    _page, view = open_view(store, child_nutrition)
    assert view.picker.methods() == ["expected"]


# ---------------------------------------------------------------------- group choice


def test_the_group_picks_units_by_hand(store, grub_hub):
    page, view = open_view(store, grub_hub, who="Sam")
    tick(view, ["expected"])
    view.picker.run_button.click()
    found_by_method = {e.unit_id for e in store.get(grub_hub).exceptions
                       if "expected" in e.methods}

    view.group.show_button.click()
    assert len(view.group.units.options) == 60
    view.group.filter.value = "F1"
    assert all("F1" in label for label, _v in view.group.units.options)
    view.group.units.value = ("F11", "F12")
    view.group.filter.value = ""
    assert view.group.chosen() == ["F11", "F12"]  # kept while the filter changes
    view.group.add_button.click()
    assert view.group.message.kind == "ok"

    stored = {e.unit_id: e for e in store.get(grub_hub).exceptions}
    assert stored["F11"].methods == ["group-choice"] and stored["F11"].status == "candidate"
    assert found_by_method <= set(stored)  # the methods' candidates are kept
    run = store.get(grub_hub).analysis_runs[-1]
    assert run.method == "group-choice" and sorted(run.flagged) == ["F11", "F12"]
    assert run.by == "Sam"
    assert "Chosen by the group." in view.candidates.table.value

    # Running a method again keeps the group's own picks.
    tick(view, ["group-z"], ["income band"])
    view.picker.run_button.click()
    assert {"F11", "F12"} <= {e.unit_id for e in store.get(grub_hub).exceptions}


def test_adding_nobody_gives_a_message(store, grub_hub):
    page, view = open_view(store, grub_hub)
    view.group.show_button.click()
    before = snapshot(store, grub_hub)
    view.group.add_button.click()
    assert view.group.message.kind == "error" and "Tick at least one" in view.group.message.text
    assert snapshot(store, grub_hub) == before


def test_build_returns_the_screen_widget(store, grub_hub):
    page = StepPage(2, slug=grub_hub, store=store)
    widget = step2.build(page)
    assert "hi-step2" in widget._dom_classes
    assert isinstance(page.step2, Step2View)


def test_a_reload_fills_in_expected_and_why_without_storing(store, grub_hub):
    page, view = open_view(store, grub_hub, who="Dawn")
    tick(view, ["expected"])
    view.picker.run_button.click()
    assert "expected to struggle" in view.candidates.table.value
    before = snapshot(store, grub_hub)
    _page2, view2 = open_view(store, grub_hub)  # a new kernel: re-runs the method quietly
    table = view2.candidates.table.value
    assert "expected to struggle" in table and "Press “Find positive exceptions”" not in table
    assert view2.found and snapshot(store, grub_hub) == before  # nothing stored


def test_a_bad_distance_is_named_with_the_words_on_screen(store, child_nutrition):
    page, view = open_view(store, child_nutrition)
    tick(view, ["expected"])
    view.picker.threshold.value = 0
    before = snapshot(store, child_nutrition)
    view.picker.run_button.click()
    text = view.picker.message.text
    assert "“How far from the rest (standard deviations)” must be a number above 0." in text
    assert "threshold" not in text.lower() and snapshot(store, child_nutrition) == before


def test_rejecting_a_candidate_takes_it_out_of_the_highlight(store, grub_hub):
    page, view = open_view(store, grub_hub, who="Lan")
    tick(view, ["expected"])
    view.picker.run_button.click()
    first = view.results.figure_caption
    # The example's group already found one family is not an exception.
    assert "drawn like the others: 1 family the group marked “not an exception”" in first
    uid = view.candidates.unit.value
    view.candidates.decision.value = "rejected"
    view.candidates.note.value = "Grandparents pay for a nursery."
    view.candidates.save_button.click()
    assert view.results.figure_caption != first
    assert "2 families the group marked “not an exception”" in view.results.figure_caption
    assert uid in view.results.rejected


def test_no_statistics_words_on_screen_after_a_run(store, grub_hub):
    page, view = open_view(store, grub_hub)
    tick(view, ["group-z", "group-iqr", "expected"])
    view.picker.run_button.click()

    def texts(w):
        out = [w.value] if isinstance(getattr(w, "value", None), str) else []
        out += [getattr(w, "description", "") or ""]
        return out + [t for c in getattr(w, "children", ()) for t in texts(c)]

    shown = " ".join(texts(view.widget)).lower()
    for jargon in ("logistic", "regression", "quartile", "threshold"):
        assert jargon not in shown, jargon
