"""The start view, driven in Python: create, list, examples, downloads, upload (alone, and on
the app page: its actions go on to step 1)."""

import base64
import json
import re

import ipywidgets as ipw
import pytest

from widgets.files import inquiry_file
from widgets.ui import context
from widgets.ui.app_page import AppPage
from widgets.ui.session import Session
from widgets.ui.start import BINDER_NOTICE, REMINDER, StartView, step_progress


@pytest.fixture(autouse=True)
def plain_env(monkeypatch):
    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.setenv(context.BINDER_OVERRIDE, "0")
    yield
    context.set_store(None)


def _html(widget):
    text = widget.value if isinstance(widget, ipw.HTML) else ""
    return text + "".join(_html(c) for c in getattr(widget, "children", ()))


def start_view(*, store, slug=None) -> StartView:
    """The start view alone, on a session of its own (no app page around it)."""
    return StartView(Session(slug, store=store))


def _link_bytes(link):
    return base64.b64decode(re.search(r"base64,([^\"]+)\"", link.value).group(1))


def test_create_lists_and_opens_the_new_inquiry(store):
    app = AppPage(store=store)
    page = app.start
    assert page.slug is None and "No inquiries yet" in page.inquiry_list.value
    page.title_field.value = "Family break-up"
    page.create_button.click()
    assert page.slug == "family-break-up" and store.exists("family-break-up")
    assert page.create_message.kind == "ok" and page.title_field.value == ""
    assert "Family break-up" in page.inquiry_list.value
    assert 'href="start.ipynb?inquiry=family-break-up"' in page.inquiry_list.value
    assert "1-define-and-measure.ipynb?inquiry=family-break-up" in _html(page.panel)
    assert "?inquiry=family-break-up" in app.nav.value
    # On the app page starting an inquiry goes on to step 1, in the address too.
    assert app.current == 1 and (app.location.view, app.location.inquiry) == (
        "1", "family-break-up")


@pytest.mark.parametrize("title, words", [("", "cannot be empty"), ("   ", "cannot be empty"),
                                          ("x" * 201, "too long")])
def test_bad_title_gives_a_message_and_stores_nothing(store, title, words):
    page = start_view(store=store)
    page.title_field.value = title
    page.create_button.click()
    assert words in page.create_message.text and page.create_message.kind == "error"
    assert store.list_inquiries() == [] and page.slug is None
    assert page.errors.text == ""


def test_hostile_title_is_escaped_everywhere(store):
    page = start_view(store=store)
    page.title_field.value = '<img src=x onerror="alert(1)">'
    page.create_button.click()
    text = _html(page.widget)
    assert "<img src=x" not in text and "&lt;img src=x" in text


def test_slug_from_the_url_is_opened(monkeypatch, store, slug):
    monkeypatch.setenv("QUERY_STRING", f"inquiry={slug}")
    context.set_store(store)
    page = AppPage().start
    assert page.slug == slug and "Family break-up in our estate" in _html(page.panel)


def test_unknown_slug_says_so(store):
    page = AppPage(store=store, slug="not-here").start
    assert page.slug is None and "no inquiry called" in _html(page.panel)


def test_example_opens_and_reopens(store):
    page = start_view(store=store)
    assert set(page.example_buttons) == {"grub-hub", "child-nutrition"}
    page.example_buttons["grub-hub"].click()
    first = page.slug
    assert first and store.exists(first) and page.example_message.kind == "ok"
    summary = store.summary(first)
    assert summary.units > 0 and summary.confirmed_exceptions > 0
    page.example_buttons["grub-hub"].click()
    assert page.slug == first and len(store.list_inquiries()) == 1


def test_progress_lines(store):
    page = start_view(store=store)
    page.example_buttons["grub-hub"].click()
    progress = step_progress(store.summary(page.slug))
    s = store.summary(page.slug)
    assert progress[1].startswith("measure defined") and f"{s.units} families" in progress[1]
    # The step cards count the units in the measure's own word (issue 9 item 19).
    assert step_progress(s, "pupil")[1].startswith(f"measure defined, {s.units} pupils, ")
    assert progress[2].startswith(f"{s.confirmed_exceptions} exception")
    assert progress[3].startswith(f"{s.practices} practice")
    assert step_progress(s, "family")[1] in _html(page.panel)


def test_step_cards_count_units_in_the_measures_word(store):
    """The start page said "60 units" where every step said "pupils" (issue 9 item 19)."""
    from widgets.model import Measure

    page = start_view(store=store)
    page.example_buttons["grub-hub"].click()
    store.set_measure(page.slug, Measure("has a plan", "pupil", "yes_no"))
    page.open(page.slug)
    units = store.summary(page.slug).units
    cards = _html(page.panel)
    assert f"{units} pupils" in cards and f"{units} units" not in cards


def test_download_then_upload_gives_the_same_inquiry(store):
    page = start_view(store=store)
    page.example_buttons["child-nutrition"].click()
    original = page.slug
    link = page.downloads["json"].prepare()
    assert link is not None and link.filename.endswith(".json")
    assert store.summary(original).downloaded_at is not None
    data = _link_bytes(link)
    assert page.upload.receive(data, "whatever/../name.json")
    assert page.upload.message.kind == "ok"
    copy = page.slug
    assert copy != original
    a, b = store.get(original), store.get(copy)
    b.slug = a.slug
    assert inquiry_file.dumps(a) == inquiry_file.dumps(b)


def test_workbook_download(store):
    pytest.importorskip("widgets.files.workbook")
    page = start_view(store=store)
    page.example_buttons["grub-hub"].click()
    link = page.downloads["xlsx"].prepare()
    assert link is not None and _link_bytes(link)[:2] == b"PK"


def test_bad_upload_shows_a_message_and_changes_nothing(store, slug):
    page = start_view(store=store)
    before = [s.slug for s in store.list_inquiries()]
    for data, name in [(b"not json at all", "x.json"), (b"{}", "x.json"),
                       (b"\x00\x01garbage", "x.xlsx")]:
        assert not page.upload.receive(data, name)
        assert page.upload.message.kind == "error" and page.upload.message.text
        assert page.errors.text == ""
    assert [s.slug for s in store.list_inquiries()] == before


def test_binder_notice_and_reminder(monkeypatch, store):
    monkeypatch.setenv(context.BINDER_OVERRIDE, "1")
    page = start_view(store=store)
    assert BINDER_NOTICE in _html(page.widget)
    page.title_field.value = "Our issue"
    page.create_button.click()
    assert REMINDER in page.reminder.value
    page.downloads["json"].prepare()
    assert page.reminder.value == ""


def test_no_binder_notice_locally(store):
    page = start_view(store=store)
    assert BINDER_NOTICE not in _html(page.widget)


def test_displays_and_is_exported_lazily(store):
    import widgets.ui

    page = widgets.ui.AppPage(store=store)
    bundle = page._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == page.widget.model_id
    assert {"hi-page", "hi-page-start"} <= set(page.widget._dom_classes)
    assert "hi-start" in page.start.widget._dom_classes
    assert widgets.ui.StartView is StartView


@pytest.mark.parametrize("data, name, words", [
    (b"\x89PNG\r\n\x1a\n" + bytes(100), "photo.png", "This is a picture, not an inquiry file."),
    (b"%PDF-1.4 a report", "report.pdf", "This is a PDF document, not an inquiry file."),
    (b"just some words", "notes.json", "This is not an inquiry file."),
])
def test_a_file_that_is_no_inquiry_file_says_what_to_choose(store, data, name, words):
    # This control wants an inquiry file or a kit workbook, not a data table (CSV).
    page = start_view(store=store)
    assert not page.upload.receive(data, name)
    assert page.upload.message.kind == "error"
    assert page.upload.message.text == (
        f"{words} Choose an inquiry file (.json) or a workbook (.xlsx) downloaded from the kit.")
    assert "CSV" not in page.upload.message.text


# ---------------------------------------------------------------------- real names

_NAMES = ["Mrs Amina Okafor", "Mr Jan Kowalski", "Ms Zoë Papadopoulou"]
_PASSPHRASE = "three blue herons"


def _with_names(store) -> str:
    from widgets.model import Measure, Unit

    slug = store.create_inquiry("Names inside", by="test")
    store.set_measure(slug, Measure(what="stayed together", kind="yes_no"), by="test")
    store.replace_units(slug, [Unit(f"F{n}", float(n % 2), None, name, {"area": "North"})
                               for n, name in enumerate(_NAMES, start=1)], ["area"], by="test")
    return slug


def _names_in(store, slug) -> list:
    return [u.private_name for u in store.get(slug).units]


def test_the_inquiry_file_has_no_real_names_by_default(store):
    page = start_view(store=store, slug=_with_names(store))
    assert "Real names" in _html(page.panel) and "cannot be recovered" in _html(page.panel)
    link = page.downloads["json"].prepare()
    data = _link_bytes(link)
    assert not any(name.encode() in data for name in _NAMES)
    assert b"private_names" not in data
    assert page.downloads["json"].message.text == "This file has no real names in it."
    assert page.upload.receive(data, "carry-on.json") and page.upload.message.kind == "ok"
    assert _names_in(store, page.slug) == [None, None, None]


def test_with_a_passphrase_the_names_are_locked_and_come_back(store):
    page = start_view(store=store, slug=_with_names(store))
    original = page.slug
    page.names_passphrase.value = _PASSPHRASE
    data = _link_bytes(page.downloads["json"].prepare())
    assert page.names_passphrase.value == ""  # not left on a projected screen
    assert "locked in this file" in page.downloads["json"].message.text
    assert not any(name.encode() in data for name in _NAMES)
    # The locked box is random base64, where a short word ("Jan") can turn up by chance:
    # long parts are looked for everywhere, every part outside the box.
    assert not any(part.encode() in data for name in _NAMES for part in name.split()
                   if len(part) >= 5)
    outside = json.dumps({k: v for k, v in json.loads(data).items() if k != "private_names"},
                         ensure_ascii=False)
    assert not any(part in outside for name in _NAMES for part in name.split()[1:])
    assert _PASSPHRASE.encode() not in data

    # Uploaded without the passphrase: nothing is stored yet, the page asks for it.
    before = len(store.list_inquiries())
    assert page.upload.receive(data, "carry-on.json")
    assert page.upload.message.kind == "info" and "passphrase" in page.upload.message.text
    assert page.unlock_row.layout.display is None and len(store.list_inquiries()) == before

    # A wrong passphrase: a plain message, nothing stored, the file still waits.
    page.upload_passphrase.value = "not the right one"
    page.unlock_button.click()
    assert page.upload.message.kind == "error"
    assert "does not open the real names" in page.upload.message.text
    assert len(store.list_inquiries()) == before and page.slug == original
    assert page.errors.text == ""

    page.upload_passphrase.value = _PASSPHRASE
    page.unlock_button.click()
    assert page.upload.message.kind == "ok" and "real names of 3 units" in page.upload.message.text
    assert page.slug != original and _names_in(store, page.slug) == _NAMES
    assert page.upload_passphrase.value == "" and page.unlock_row.layout.display == "none"


def test_passphrase_typed_before_the_upload_opens_the_names_at_once(store):
    page = start_view(store=store, slug=_with_names(store))
    page.names_passphrase.value = _PASSPHRASE
    data = _link_bytes(page.downloads["json"].prepare())
    page.upload_passphrase.value = "wrong passphrase"
    before = len(store.list_inquiries())
    assert not page.upload.receive(data, "x.json")
    assert "does not open" in page.upload.message.text and len(store.list_inquiries()) == before
    page.upload_passphrase.value = _PASSPHRASE
    assert page.upload.receive(data, "x.json")
    assert _names_in(store, page.slug) == _NAMES


def test_carry_on_without_the_names(store):
    page = start_view(store=store, slug=_with_names(store))
    page.names_passphrase.value = _PASSPHRASE
    data = _link_bytes(page.downloads["json"].prepare())
    page.upload.receive(data, "x.json")
    page.without_names_button.click()
    assert page.upload.message.kind == "ok" and "without the real names" in page.upload.message.text
    assert _names_in(store, page.slug) == [None, None, None]
    assert page.unlock_row.layout.display == "none"


def test_a_short_passphrase_is_refused_plainly(store):
    page = start_view(store=store, slug=_with_names(store))
    page.names_passphrase.value = "abc"
    assert page.downloads["json"].prepare() is None
    assert "at least 8 characters" in page.downloads["json"].message.text
    assert page.errors.text == ""


def test_a_big_inquiry_downloads_compressed_and_loads_back(store, monkeypatch):
    monkeypatch.setattr(inquiry_file, "COMPRESS_ABOVE", 1000)
    page = start_view(store=store)
    page.example_buttons["grub-hub"].click()
    link = page.downloads["json"].prepare()
    assert link.filename.endswith(".json.gz")
    data = _link_bytes(link)
    assert data[:2] == b"\x1f\x8b"
    assert page.upload.receive(data, link.filename) and page.upload.message.kind == "ok"


def test_a_download_that_would_not_load_again_says_so(store, monkeypatch):
    from widgets.model import Measure, Unit

    slug = store.create_inquiry("Changed kind", by="test")
    store.set_measure(slug, Measure(what="score", kind="score"), by="test")
    store.replace_units(slug, [Unit("A", 7.0), Unit("B", 1.0)], [], by="test")
    with monkeypatch.context() as older:  # stored by an older kit; the store refuses it now
        older.setattr("widgets.store.step1.check_kind_change", lambda frame, kind: None)
        store.set_measure(slug, Measure(what="score", kind="yes_no"), by="test")
    page = start_view(store=store, slug=slug)
    link = page.downloads["json"].prepare()
    assert link is not None  # the work can still be kept
    message = page.downloads["json"].message
    assert message.kind == "error" and "will not load again" in message.text
    assert "Unit 1" in message.text and "Fix it in step 1" in message.text
    store.set_measure(slug, Measure(what="score", kind="score"), by="test")
    page.downloads["json"].prepare()
    assert page.downloads["json"].message.kind == "info"


def test_the_list_of_inquiries_counts_units_in_the_measures_word(store):
    from widgets.model import Measure

    page = start_view(store=store)
    page.example_buttons["grub-hub"].click()
    store.set_measure(page.slug, Measure("has a plan", "pupil", "yes_no"))
    page.refresh_list()
    units = store.summary(page.slug).units
    assert store.summary(page.slug).unit_name == "pupil"
    listed = page.inquiry_list.value
    assert f"{units} pupils" in listed and f"{units} units" not in listed


def test_someone_in_two_teams_chooses_whose_a_new_inquiry_is(hub):
    """On a shared server the start view offers the person's teams for a new inquiry (and
    an example), lists whose each inquiry is, and the database keeps each in its team."""
    from widgets.model import slugify

    cat = hub.store(hub.cat, team=hub.a)
    view = StartView(Session(store=cat))
    assert view.team_choice.layout.display != "none"
    assert list(view.team_choice.options) == sorted([hub.a, hub.b])
    assert view.team_choice.value == hub.a  # the page's default team comes first
    view.team_choice.value = hub.b
    view.title_field.value = "Lunch queue"
    view.create_button.click()
    slug = f"{slugify(hub.b)}-lunch-queue"
    assert view.create_message.kind == "ok" and cat.summary(slug).team == hub.b
    view.example_buttons["grub-hub"].click()
    assert view.example_message.kind == "ok"
    assert [i.slug for i in hub.store(hub.ann).list_inquiries()] == []  # none in A
    assert sorted(i.slug for i in hub.store(hub.bob).list_inquiries()) == sorted(
        [slug, f"{slugify(hub.b)}-grub-hub"])
    view.refresh_list()
    assert "<th>Team</th>" in view.inquiry_list.value and hub.b in view.inquiry_list.value


def test_someone_in_one_team_is_not_asked(hub):
    bob = hub.store(hub.bob, team=hub.b)
    view = StartView(Session(store=bob))
    assert view.team_choice.layout.display == "none" and view.team() is None
    view.title_field.value = "Homework club"
    view.create_button.click()
    assert view.create_message.kind == "ok"
    assert "<th>Team</th>" not in view.inquiry_list.value
