"""The start page in Chromium against a real Voila: no outside requests, create, navigate,
download and upload. The start page is the app page: starting, opening an example and
uploading go on to step 1 in the same page (tests/browser/test_app_page.py has the rest)."""

from __future__ import annotations

import re
import uuid
from urllib.parse import parse_qs, urlsplit

from conftest import PAGE_TIMEOUT_MS, wait_ready, wait_view

STEPS = ["1-define-and-measure.ipynb", "2-discover-positive-exceptions.ipynb",
         "3-share-how-they-did-it.ipynb", "dashboard.ipynb"]


def _query_slug(url: str) -> str | None:
    return (parse_qs(urlsplit(url).query).get("inquiry") or [None])[0]


def _on_step_1_then_back(page) -> str:
    """After an action that opened an inquiry: the app shows step 1 with it in the address;
    back on the start view (the bar's link), which shows it open. Returns its slug."""
    wait_view(page, "1")
    page.wait_for_url(re.compile(r".*/start\.ipynb\?inquiry=[^&]+&view=1$"))
    slug = _query_slug(page.url)
    page.locator('.hi-nav-link[data-page="start"]').click()
    wait_view(page, "start")
    return slug


def test_start_page_asks_nothing_of_other_hosts(page, voila_server, open_notebook,
                                                external_requests):
    page.goto(voila_server.url, timeout=PAGE_TIMEOUT_MS)  # the folder page forwards to start
    page.wait_for_url(re.compile(r".*/voila/render/start\.ipynb$"), timeout=PAGE_TIMEOUT_MS)
    wait_ready(page)
    assert page.title() == "Hidden Insights — start"
    assert page.locator(".hi-nav-link.hi-current").inner_text() == "Start"
    assert page.locator(".hi-new-button").is_visible()
    open_notebook(page, STEPS[0])  # a step page with no inquiry: the friendly note
    assert page.locator(".hi-no-inquiry").is_visible()
    assert "Traceback" not in page.content()
    assert external_requests == []


def test_create_an_inquiry_and_it_stays_listed(page, open_notebook):
    title = f"Family break-up {uuid.uuid4().hex[:6]}"
    open_notebook(page, "start.ipynb")
    page.locator(".hi-new-title input").fill(title)
    page.locator(".hi-new-button").click()
    slug = _on_step_1_then_back(page)
    page.locator(".hi-inquiries td", has_text=title).wait_for()
    assert page.locator(".hi-open-title").inner_text() == title
    assert slug and slug in page.locator(".hi-permalink").get_attribute("href")
    page.reload(timeout=PAGE_TIMEOUT_MS)
    wait_ready(page)
    page.locator(".hi-inquiries td", has_text=title).wait_for()


def test_empty_title_gives_a_message_beside_the_button(page, open_notebook):
    open_notebook(page, "start.ipynb")
    page.locator(".hi-new-button").click()
    message = page.locator(".hi-new .hi-message-error")
    message.wait_for()
    assert "cannot be empty" in message.inner_text()


def test_example_then_every_step_keeps_the_inquiry(page, open_notebook, voila_server):
    open_notebook(page, "start.ipynb")
    page.locator(".hi-example-grub-hub").click()
    opened = _on_step_1_then_back(page)
    permalink = page.locator(".hi-permalink")
    permalink.wait_for()
    slug = _query_slug(permalink.get_attribute("href"))
    assert slug and slug == opened
    # the big entry point to step 1: a switch inside the app page
    page.locator('.hi-step-card[data-page="1"]').click()
    page.wait_for_url(re.compile(r".*/start\.ipynb\?inquiry=[^&]+&view=1$"))
    wait_view(page, "1")
    for key in ["2", "3", "dashboard"]:
        page.locator(f'.hi-nav-link[data-page="{key}"]').click()
        page.wait_for_url(re.compile(rf".*/start\.ipynb\?inquiry=[^&]+&view={key}$"))
        wait_view(page, key)
        assert _query_slug(page.url) == slug
        assert page.locator(".hi-nav-link.hi-current").get_attribute("data-page") == key
        assert page.locator(".hi-no-inquiry:visible").count() == 0
        assert "Grub Hub" in page.locator(".hi-nav-inquiry").inner_text()
    # The separate step notebooks (for researchers) link to each other the same way.
    open_notebook(page, STEPS[0], slug)
    for name, key in zip(STEPS[1:], ["2", "3", "dashboard"], strict=True):
        page.locator(f'.hi-nav-link[data-page="{key}"]').click()
        page.wait_for_url(re.compile(rf".*/{re.escape(name)}\?inquiry="))
        wait_ready(page)
        assert _query_slug(page.url) == slug
        assert page.locator(".hi-nav-link.hi-current").get_attribute("data-page") == key
        assert page.locator(".hi-no-inquiry").count() == 0
        assert "Grub Hub" in page.locator(".hi-nav-inquiry").inner_text()
    page.locator('.hi-nav-link[data-page="start"]').click()
    page.wait_for_url(re.compile(r".*/start\.ipynb\?inquiry="))
    wait_ready(page)
    assert _query_slug(page.url) == slug
    page.locator(".hi-open-title").wait_for()
    assert "Grub Hub" in page.locator(".hi-open-title").inner_text()


def test_download_then_upload_gives_the_same_inquiry(page, open_notebook, voila_server,
                                                     tmp_path):
    from widgets.files import inquiry_file

    open_notebook(page, "start.ipynb")
    page.locator(".hi-example-child-nutrition").click()
    opened = _on_step_1_then_back(page)
    permalink = page.locator(".hi-permalink")
    permalink.wait_for()
    original = _query_slug(permalink.get_attribute("href"))
    assert original == opened
    page.locator(".hi-download-button").first.click()
    link = page.locator(".hi-download-link").first
    link.wait_for()
    with page.expect_download(timeout=PAGE_TIMEOUT_MS) as info:
        link.click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.suffix == ".json" and saved.name.startswith(original)

    button = page.locator(".hi-upload .hi-upload-button")
    assert "Upload an inquiry file" in button.inner_text()
    # The whole label shows (the default width cut it to "Upload …").
    assert button.evaluate("e => e.scrollWidth <= e.clientWidth")
    with page.expect_file_chooser() as chooser:
        button.click()
    chooser.value.set_files(str(saved))
    page.wait_for_url(re.compile(r".*/start\.ipynb\?inquiry=[^&]+&view=1$"))
    uploaded = _on_step_1_then_back(page)
    page.locator(".hi-upload .hi-message-ok").wait_for()
    permalink.wait_for()
    copy = _query_slug(page.locator(".hi-permalink").get_attribute("href"))
    assert copy and copy != original and copy == uploaded

    store = voila_server.store()
    try:
        a, b = store.get(original), store.get(copy)
        assert store.summary(original).downloaded_at is not None
    finally:
        store.close()
    assert inquiry_file.loads(saved.read_text(encoding="utf-8")).title == a.title
    b.slug = a.slug
    assert inquiry_file.dumps(a) == inquiry_file.dumps(b)
