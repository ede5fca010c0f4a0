"""The step page frame: inquiry from the URL, friendly note without one, guarded callbacks."""

import ipywidgets as ipw
import pytest

from widgets.model import Issue, ModelError
from widgets.ui import context
from widgets.ui.errors import APOLOGY, Message
from widgets.ui.page import StepPage


@pytest.fixture(autouse=True)
def no_query(monkeypatch):
    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.setenv(context.BINDER_OVERRIDE, "0")
    yield
    context.set_store(None)


def _classes(widget):
    """Every CSS class in the widget tree."""
    out = set(widget._dom_classes)
    for child in getattr(widget, "children", ()):
        out |= _classes(child)
    return out


def _html(widget):
    text = getattr(widget, "value", "") if isinstance(widget, ipw.HTML) else ""
    return text + "".join(_html(c) for c in getattr(widget, "children", ()))


def test_slug_from_the_url(monkeypatch, store, slug):
    context.set_store(store)
    monkeypatch.setenv("QUERY_STRING", f"inquiry={slug}")
    page = StepPage(1)
    assert page.ok and page.slug == slug and page.store is store
    assert page.title == "Family break-up in our estate"
    assert page.status.text.startswith("Saved ")
    assert f"?inquiry={slug}" in page.nav.value
    classes = _classes(page.widget)
    assert {"hi-page", "hi-ready", "hi-nav", "hi-save-status", "hi-principles", "hi-questions",
            "hi-body", "hi-who"} <= classes
    assert "How do you know the problem is there?" in _html(page.widget)


@pytest.mark.parametrize("query", ["", "inquiry=nobody-here", "inquiry=%3Cb%3E"])
def test_no_or_unknown_inquiry_shows_a_friendly_note(monkeypatch, store, query):
    context.set_store(store)
    monkeypatch.setenv("QUERY_STRING", query)
    page = StepPage(2)
    assert not page.ok
    text = _html(page.widget)
    assert "start.ipynb" in text and "hi-no-inquiry" in text and "Traceback" not in text
    assert "hi-ready" in _classes(page.widget)
    built = []
    page.build(lambda p: built.append(p))
    page.add(ipw.Label("x"))
    assert built == [] and page.body.children == ()


def test_unknown_slug_on_binder_mentions_the_inquiry_file(monkeypatch, store):
    monkeypatch.setenv(context.BINDER_OVERRIDE, "1")
    page = StepPage(3, slug="gone-now", store=store)
    assert "upload your inquiry file" in _html(page.widget)


def test_broken_store_shows_the_apology_not_a_traceback(monkeypatch):
    def broken():
        raise OSError("disk full")

    monkeypatch.setattr("widgets.ui.session.get_store", broken)
    page = StepPage(1, slug="x")
    assert not page.ok and page.errors.text == APOLOGY


def test_who_defaults_to_facilitator(store, slug):
    page = StepPage(1, slug=slug, store=store)
    assert page.who == "facilitator"
    page.who_field.value = "  Kerrie  "
    assert page.who == "Kerrie"
    page.who_field.value = "   "
    assert page.who == "facilitator"


def test_build_adds_the_widget_and_guards_failures(store, slug):
    page = StepPage(1, slug=slug, store=store)
    label = ipw.Label("step one")
    page.build(lambda p: label)
    assert page.body.children == (label,)
    page.build(lambda p: 1 / 0)
    assert page.errors.text == APOLOGY and page.body.children == (label,)


def test_the_session_guard_saves_and_reports(store, slug):
    page = StepPage(1, slug=slug, store=store)
    msg = Message()
    page.who_field.value = "Sam"

    def save(text):
        store.set_issue(slug, Issue(statement=text), by=page.who)

    page.session.guard(save, message=msg)("Families break up")
    assert store.get(slug).issue.statement == "Families break up"
    assert store.history(slug)[-1].by == "Sam"
    assert page.status.state == "saved" and msg.text == ""

    def refuse():
        raise ModelError("The issue is too long.")

    page.session.guard(refuse, message=msg)()
    assert msg.text == "The issue is too long."
    assert page.status.state == "failed" and page.status.text == "Not saved: The issue is too long."

    page.session.guard(lambda: {}["x"], message=msg)()
    assert page.errors.text == APOLOGY and page.status.text == "Not saved: something went wrong"

    page.session.guard(lambda: None, saves=False)()
    assert page.status.state == "failed"  # read-only callbacks leave the status alone


def test_displays_like_a_widget(store, slug):
    page = StepPage("dashboard", slug=slug, store=store)
    bundle = page._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == page.widget.model_id


def test_hostile_title_is_escaped(store):
    slug = store.create_inquiry('<script>alert("x")</script>')
    page = StepPage(1, slug=slug, store=store)
    text = _html(page.widget)
    assert "<script>alert" not in text and "&lt;script&gt;" in text


def test_who_is_recording_carries_on_from_the_last_change(store, slug):
    from widgets.model import Issue

    store.set_issue(slug, Issue("Family break-up"), by="Sam")
    page = StepPage(1, slug=slug, store=store)
    assert page.who == "Sam"
