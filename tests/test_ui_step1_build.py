"""Step 1 as a whole: built from the store, every section wired, nothing lost on reload."""

import datetime as dt

import ipywidgets as ipw
import pandas as pd
import pytest

from widgets import guidance
from widgets.model import Issue, Measure
from widgets.ui import context, step1
from widgets.ui.page import StepPage

GRUB_HUB_CSV = "\n".join(
    ["family,stayed together,income band,housing"]
    + [f"F{i:02d},{'yes' if i % 10 < 3 else 'no'},{['low', 'lowest', 'middle'][i % 3]},"
       f"{['social rent', 'private rent'][i % 2]}" for i in range(1, 61)]).encode() + b"\n"
HOSTILE = "<script>alert('x')</script> ليلى 👨‍👩‍👧"


@pytest.fixture(autouse=True)
def no_query(monkeypatch):
    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    yield
    context.set_store(None)


def open_page(store, slug):
    page = StepPage(1, slug=slug, store=store)
    page.build(step1.build)
    return page, page.view


def all_html(widget) -> str:
    text = widget.value if isinstance(widget, ipw.HTML) else ""
    return text + "".join(all_html(c) for c in getattr(widget, "children", ()))


def test_the_notebook_pattern(store, slug):
    page = StepPage(1, slug=slug, store=store)
    page.build(step1.build)
    step = page.view
    assert isinstance(step, step1.Step1)
    assert step.baseline.wait(60)
    assert page.errors.text == ""
    classes = set()

    def walk(w):
        classes.update(w._dom_classes)
        for c in getattr(w, "children", ()):
            walk(c)

    walk(page.widget)
    for cls in ("hi-step1", "hi-issue", "hi-group", "hi-measure", "hi-data", "hi-baseline",
                "hi-data-upload", "hi-tally", "hi-ready"):
        assert cls in classes


def test_no_inquiry_builds_nothing(store):
    context.set_store(store)
    page = StepPage(1)
    page.build(step1.build)
    assert page.body.children == ()


def test_step_1_guidance_has_the_questions_and_principles():
    questions = guidance.questions(1)
    assert "How do you know the problem is there?" in questions
    assert "Who else should be here?" in questions
    assert "Evidence for everything" in [p.name for p in guidance.principles(1)]


def test_a_facilitator_defines_the_grub_hub_issue_and_reloads(store, slug):
    page, step = open_page(store, slug)
    step.issue.fields["statement"].value = "Families on our estate are breaking up."
    step.issue.fields["wider_effects"].value = "Community safety and education suffer."
    for name, role in [("Dawn", "lived"), ("Lee", "lived"), ("Sam", "professional")]:
        step.group.name.value, step.group.role.value = name, role
        step.group.add_button.click()
    step.measure.what.value = "the family stayed together"
    step.measure.source.value = "a survey at the school gate"
    step.measure.date.value = dt.date(2023, 1, 31)
    step.flush()
    assert step.baseline.text.startswith("No data yet")
    assert not step.upload.built and not step.tally.built and not step.editor.built
    step.ways.selected_index = 1  # open the upload
    step.upload.upload.receive(GRUB_HUB_CSV, "grub-hub.csv")
    step.upload.import_button.click()
    assert step.baseline.text.startswith("18 of 60 families (30\u00a0%")
    assert "60 families stored." in step.count.value
    assert step.measure.problems == []
    step.ways.selected_index = 0  # open the table
    assert step.editor.built and step.editor.rows[0].cells["unit_id"].value == "F01"
    assert step.editor.rows[2].cells["outcome"].value == "no"
    step.editor.rows[2].cells["outcome"].value = "yes"
    assert step.baseline.text.startswith("19 of 60 families")
    step.ways.selected_index = 2
    step.tally.yes.value, step.tally.total.value = 18, 60
    step.tally.button.click()
    step.tally.confirm.yes.click()
    assert step.baseline.text.startswith("18 of 60 families")
    assert page.errors.text == "" and page.status.state == "saved"

    # A page refresh is a new kernel: everything comes back from the store.
    page2, again = open_page(store, slug)
    assert again.issue.fields["statement"].value == "Families on our estate are breaking up."
    assert [p.name for p in again.group.people] == ["Dawn", "Lee", "Sam"]
    assert again.measure.what.value == "the family stayed together"
    assert again.measure.date.value == dt.date(2023, 1, 31)
    assert again.baseline.text.startswith("18 of 60 families")
    assert again.baseline.plot.outputs
    again.ways.selected_index = 2
    assert (again.tally.yes.value, again.tally.total.value) == (18, 60)


def test_hostile_text_everywhere_is_stored_exactly_and_shown_escaped(store, slug):
    page, step = open_page(store, slug)
    for area in step.issue.fields.values():
        area.value = HOSTILE
    step.group.name.value = HOSTILE
    step.group.add_button.click()
    step.measure.what.value = HOSTILE
    step.measure.unit_name.value = HOSTILE[:40]
    step.measure.source.value = HOSTILE
    step.flush()
    step.ways.selected_index = 0
    step.editor.add_units(2)
    step.editor.add_column(HOSTILE)
    step.editor.rows[0].cells[HOSTILE].value = HOSTILE
    step.editor.rows[0].cells["outcome"].value = "yes"
    step.editor.rows[1].cells["outcome"].value = "no"
    step.ways.selected_index = 1
    step.upload.upload.receive(f"id,outcome\n{HOSTILE},1\n".encode(), f"{HOSTILE}.csv")
    inquiry = store.get(slug)
    assert inquiry.issue.statement == HOSTILE and inquiry.group[0].name == HOSTILE
    assert inquiry.measure.what == HOSTILE and inquiry.measure.source == HOSTILE
    assert inquiry.units[0].context[HOSTILE] == HOSTILE
    shown = all_html(page.widget)
    assert "<script" not in shown
    assert "&lt;script" in shown
    assert page.errors.text == ""


def test_shown_again_the_step_shows_what_changed_in_the_store(store, slug):
    page, step = open_page(store, slug)
    step.ways.selected_index = 0  # the table open
    people_rows = step.group.list.children
    # Another tab (or the room) changes every part behind the view.
    store.set_issue(slug, Issue("Families are breaking up.", "parents"), by="another tab")
    store.add_person(slug, "Dawn", "lived", by="another tab")
    store.set_measure(slug, Measure("stayed together", "household", "yes_no",
                                    baseline_date="2023-01-31"), by="another tab")
    store.replace_units_frame(slug, pd.DataFrame({"unit_id": list("ABCDE"),
                                                  "outcome": [1.0, 1.0, 1.0, 0.0, 0.0]}))
    assert step.issue.fields["statement"].value == ""  # not yet: the view is not shown
    changes = len(store.history(slug))
    step.refresh()
    assert step.issue.fields["statement"].value == "Families are breaking up."
    assert step.issue.fields["affects"].value == "parents"
    assert [p.name for p in step.group.people] == ["Dawn"]
    assert "Dawn" in all_html(step.group.list) and step.group.list.children != people_rows
    assert step.measure.what.value == "stayed together"
    assert step.measure.unit_name.value == "household"
    assert step.measure.date.value == dt.date(2023, 1, 31)
    assert "5 households stored." in step.count.value
    assert [step.editor.rows[i].cells["unit_id"].value for i in range(5)] == list("ABCDE")
    assert step.editor.rows[0].cells["outcome"].value == "yes"
    assert step.baseline.text.startswith("3 of 5 households")
    # Nothing written by showing it again, and no error.
    assert len(store.history(slug)) == changes
    assert page.errors.text == ""


def test_shown_again_with_nothing_changed_nothing_is_rebuilt(store, slug):
    store.add_person(slug, "Dawn", "lived")
    store.replace_units_frame(slug, pd.DataFrame({"unit_id": ["A"], "outcome": [1.0]}))
    page, step = open_page(store, slug)
    step.ways.selected_index = 0
    step.refresh()  # the first refresh may follow the view's own reads
    rows, cells = step.group.list.children, step.editor.grid.children
    text = step.baseline.sentence.value
    step.refresh()
    assert step.group.list.children == rows and step.editor.grid.children == cells
    assert all(a is b for a, b in zip(step.editor.grid.children, cells, strict=True))
    assert step.baseline.sentence.value == text


def test_leaving_saves_what_is_still_typed_and_refresh_does_not_type_over_it(store, slug):
    page, step = open_page(store, slug)
    step.issue.fields["statement"].value = "Families on our estate are breaking up."
    step.measure.what.value = "the family stayed together"
    step.leave()  # before the autosave's pause is over
    assert store.get(slug).issue.statement == "Families on our estate are breaking up."
    assert store.get(slug).measure.what == "the family stayed together"
    assert not step.issue.debounce.pending and not step.measure.debounce.pending
    # Typed, then the view is shown again after another tab changed something else.
    step.issue.fields["affects"].value = "parents and children"
    store.add_person(slug, "Lee", "lived", by="another tab")
    step.refresh()
    assert step.issue.fields["affects"].value == "parents and children"
    assert store.get(slug).issue.affects == "parents and children"
    assert [p.name for p in step.group.people] == ["Lee"]
    assert page.errors.text == "" and page.status.state == "saved"


def test_shown_again_text_that_could_not_be_stored_stays_on_screen(store, slug):
    page, step = open_page(store, slug)
    step.ways.selected_index = 2  # the tally open
    too_long = "x" * 20_001
    step.issue.fields["statement"].value = too_long
    step.tally.yes.value, step.tally.total.value = 3, 7  # typed, not used yet
    step.leave()
    assert "too long" in step.issue.message.text and store.get(slug).issue.statement == ""
    store.set_issue(slug, Issue("", "parents"), by="another tab")
    store.replace_units_frame(slug, pd.DataFrame({"unit_id": ["A", "B"],
                                                  "outcome": [1.0, 0.0]}))
    step.refresh()
    assert step.issue.fields["statement"].value == too_long  # still there to be shortened
    assert step.issue.fields["affects"].value == "parents"
    assert (step.tally.yes.value, step.tally.total.value) == (3, 7)
    assert "2 families stored." in step.count.value
    step.issue.fields["statement"].value = "Families are breaking up."
    step.leave()
    assert store.get(slug).issue == Issue("Families are breaking up.", "parents")
