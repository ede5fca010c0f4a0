"""Step 1's shared parts: unit words, the confirmation, the section frame; the session
tells the sections what changed."""

from widgets.ui.session import Session
from widgets.ui.step1.common import Confirm, capitalised, section
from widgets.words import unit_words


def test_plural_follows_the_analysis_rules():
    from widgets.analysis.baseline import plural as analysis_plural
    from widgets.words import plural

    for word in ["family", "household", "pupil", "child", "young person", "school", "ward",
                 "bus", "box", "church", "day", "Child", "GP practice", "care home"]:
        assert plural(word) == analysis_plural(word)


def test_unit_words():
    assert unit_words("family") == ("family", "families")
    assert unit_words("young person") == ("young person", "young people")
    assert unit_words("  ") == ("unit", "units")
    assert capitalised("family 1") == "Family 1"


def test_section_escapes_its_title():
    box = section(1, "<b>x</b>", "<i>y</i>", cls="hi-x")
    html = box.children[0].value
    assert "&lt;b&gt;" in html and "<b>" not in html and "&lt;i&gt;" in html
    assert "hi-x" in box._dom_classes


def test_confirm_runs_the_action_only_on_yes():
    calls = []
    c = Confirm()
    assert not c.asking
    c.ask("This replaces <60> units", lambda: calls.append("yes"))
    assert c.asking and "&lt;60&gt;" in c.question.value
    c.no.click()
    assert calls == [] and not c.asking
    c.ask("again", lambda: calls.append("yes"))
    c.yes.click()
    assert calls == ["yes"] and not c.asking


def test_events_call_listeners(store, slug):
    seen = []
    e = Session(slug, store=store)
    e.on("units", lambda: seen.append("u1"))
    e.on("units", lambda: seen.append("u2"))
    e.on("measure", lambda: seen.append("m"))
    e.changed("units")
    assert seen == ["u1", "u2"]
    e.changed("nothing")
    assert seen == ["u1", "u2"]


def test_replace_warning_names_what_goes_with_the_old_units(store):
    from widgets import examples
    from widgets.ui.step1.common import replace_warning

    slug = store.save_inquiry(examples.build("grub-hub"))
    same = [u.unit_id for u in store.units(slug)]
    assert replace_warning(store, slug, same, "family") == (
        "This replaces the 60 families already stored.")
    text = replace_warning(store, slug, ["New 1", "New 2"], "family")
    assert text.startswith("This replaces the 60 families already stored. It also removes ")
    assert "decisions about positive exceptions" in text and "practice checks" in text
    assert "families that are not in the new data" in text
