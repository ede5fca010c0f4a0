"""Real names and the start page's inquiry file, in Chromium against a real Voila: left out
by default; locked with a passphrase and opened again with it after an upload."""

from __future__ import annotations

import uuid

from conftest import PAGE_TIMEOUT_MS, wait_view
from widgets.model import Measure, Unit

NAMES = ["Mrs Amina Okafor", "Mr Jan Kowalski", "Ms Zoë Papadopoulou"]
PASSPHRASE = "three blue herons at dawn"


def _inquiry_with_names(voila_server) -> str:
    store = voila_server.store()
    try:
        slug = store.create_inquiry(f"Names {uuid.uuid4().hex[:6]}", by="test")
        store.set_measure(slug, Measure(what="stayed together", kind="yes_no"), by="test")
        store.replace_units(slug, [Unit(f"F{n}", float(n % 2), None, name, {"area": "North"})
                                   for n, name in enumerate(NAMES, start=1)], ["area"],
                            by="test")
    finally:
        store.close()
    return slug


def _download(page, tmp_path, name: str) -> bytes:
    box = page.locator(".hi-open-inquiry .hi-download-box").first
    old = box.locator(".hi-download-link")
    if old.count():
        old.evaluate("e => e.classList.add('hi-old-link')")  # to wait for the new link
    box.locator(".hi-download-button").click()
    link = box.locator(".hi-download-link:not(.hi-old-link)")
    link.wait_for(timeout=PAGE_TIMEOUT_MS)
    with page.expect_download(timeout=PAGE_TIMEOUT_MS) as info:
        link.click()
    path = tmp_path / name
    info.value.save_as(path)
    return path.read_bytes()


def _names_of(voila_server, slug: str) -> list:
    store = voila_server.store()
    try:
        return [u.private_name for u in store.get(slug).units]
    finally:
        store.close()


def _slugs(voila_server) -> set[str]:
    store = voila_server.store()
    try:
        return {s.slug for s in store.list_inquiries()}
    finally:
        store.close()


def test_names_are_left_out_then_locked_and_opened_with_the_passphrase(
        page, open_notebook, voila_server, tmp_path):
    slug = _inquiry_with_names(voila_server)
    open_notebook(page, "start.ipynb", slug)
    page.locator(".hi-open-title").wait_for()
    assert "cannot be recovered" in page.locator(".hi-names-note").inner_text()

    plain = _download(page, tmp_path, "plain.json")
    assert plain.startswith(b"{") and b'"unit_id": "F1"' in plain
    assert not any(name.encode() in plain for name in NAMES)
    page.locator(".hi-download-box .hi-message-info",
                 has_text="no real names").wait_for(timeout=PAGE_TIMEOUT_MS)

    page.locator(".hi-names-passphrase input").fill(PASSPHRASE)
    locked = _download(page, tmp_path, "locked.json")
    assert b"private_names" in locked and PASSPHRASE.encode() not in locked
    # long parts only: the locked box is random base64, where "Jan" can turn up by chance
    assert not any(part.encode() in locked for name in NAMES for part in name.split()
                   if len(part) >= 5)
    assert page.locator(".hi-names-passphrase input").input_value() == ""

    # A wrong passphrase: a plain message beside the upload, and nothing is stored.
    before = _slugs(voila_server)
    page.locator(".hi-upload-passphrase input").fill("not the passphrase")
    with page.expect_file_chooser() as chooser:
        page.locator(".hi-upload .hi-upload-button").click()
    chooser.value.set_files(str(tmp_path / "locked.json"))
    error = page.locator(".hi-upload .hi-message-error")
    error.wait_for(timeout=PAGE_TIMEOUT_MS)
    assert "does not open the real names" in error.inner_text()
    assert _slugs(voila_server) == before
    assert "Traceback" not in page.content()

    # The right passphrase opens the waiting file.
    page.locator(".hi-upload-passphrase input").fill(PASSPHRASE)
    page.locator(".hi-unlock-button").click()
    wait_view(page, "1")  # the app page goes on to step 1 with the new inquiry; back again
    page.locator('.hi-nav-link[data-page="start"]').click()
    wait_view(page, "start")
    ok = page.locator(".hi-upload .hi-message-ok")
    ok.wait_for(timeout=PAGE_TIMEOUT_MS)
    assert "real names of 3 units" in ok.inner_text()
    (copy,) = _slugs(voila_server) - before
    assert copy in page.locator(".hi-permalink").get_attribute("href")
    assert _names_of(voila_server, copy) == NAMES
