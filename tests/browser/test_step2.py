"""Step 2 in a real browser: from the start page, open the Grub Hub example, find positive
exceptions, confirm one with a note, then reload: the decision and the note are still there.
Every wait has a timeout."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from conftest import ACTION_TIMEOUT_MS, PAGE_TIMEOUT_MS, wait_ready, wait_view

RUN_TIMEOUT_MS = 90_000  # the first run imports the statistics and plotting libraries
NOTE = "Sam visited: they eat together every evening <no outside help> & talk."


def _step2(page, open_notebook):
    open_notebook(page, "start.ipynb")
    page.locator("button.hi-example-grub-hub").click(timeout=ACTION_TIMEOUT_MS)
    # The start page (the app page) goes on to step 1; back on its start view the card's
    # link is step 2's own notebook, which this module tests.
    wait_view(page, "1")
    page.locator('.hi-nav-link[data-page="start"]').click()
    wait_view(page, "start")
    card = page.locator('a.hi-step-card[data-page="2"]')
    card.wait_for(state="visible", timeout=PAGE_TIMEOUT_MS)
    href = card.get_attribute("href")
    assert href.startswith("2-discover-positive-exceptions.ipynb?inquiry=")
    page.goto(urljoin(page.url, href), timeout=PAGE_TIMEOUT_MS)
    wait_ready(page)
    page.locator(".hi-step2").wait_for(state="visible", timeout=PAGE_TIMEOUT_MS)
    assert "inquiry=grub-hub" in page.url


def _choose_candidate(page, unit_id: str) -> None:
    # The options read "F52 — not yet checked" (ipywidgets shows spaces as no-break spaces):
    # choose by the label that starts with the id.
    option = page.locator(".hi-decide-unit option",
                          has_text=re.compile(rf"^{re.escape(unit_id)}[\s\u00a0]"))
    label = option.first.inner_text(timeout=ACTION_TIMEOUT_MS)
    page.locator(".hi-decide-unit select").select_option(label=label,
                                                         timeout=ACTION_TIMEOUT_MS)


def test_find_confirm_and_reload(page, open_notebook, voila_server, external_requests):
    _step2(page, open_notebook)
    # The example's last run was "better than expected": the page starts with it ticked.
    expected_box = page.locator(".hi-method-expected input[type=checkbox]")
    assert expected_box.is_checked(timeout=ACTION_TIMEOUT_MS)

    page.locator(".hi-who input").fill("Dawn", timeout=ACTION_TIMEOUT_MS)
    page.locator("button.hi-run").click(timeout=ACTION_TIMEOUT_MS)
    message = page.locator(".hi-run-message")
    message.filter(has_text="Found").wait_for(state="visible", timeout=RUN_TIMEOUT_MS)
    page.locator(".hi-plot img").wait_for(state="visible", timeout=RUN_TIMEOUT_MS)
    caption = page.locator(".hi-caption").inner_text(timeout=ACTION_TIMEOUT_MS)
    assert "positive exception" in caption
    table = page.locator(".hi-candidates")
    assert "expected to struggle" in table.inner_text(timeout=ACTION_TIMEOUT_MS)

    # Confirm F52 (not yet checked in the example) with an evidence note.
    _choose_candidate(page, "F52")
    page.locator(".hi-decide-status button", has_text="Confirm").click(
        timeout=ACTION_TIMEOUT_MS)
    page.locator(".hi-decide-note textarea").fill(NOTE, timeout=ACTION_TIMEOUT_MS)
    page.locator("button.hi-decide-save").click(timeout=ACTION_TIMEOUT_MS)
    page.locator(".hi-decide-message").filter(has_text="Saved: F52 is marked “confirmed”").wait_for(
        state="visible", timeout=ACTION_TIMEOUT_MS)
    row = page.locator('.hi-candidates tr[data-unit="F52"]')
    assert "confirmed" in row.inner_text(timeout=ACTION_TIMEOUT_MS)
    assert NOTE in row.inner_text(timeout=ACTION_TIMEOUT_MS)  # shown as text, not markup

    store = voila_server.store()
    try:
        stored = {e.unit_id: e for e in store.get("grub-hub").exceptions}
        runs = store.get("grub-hub").analysis_runs
    finally:
        store.close()
    assert stored["F52"].status == "confirmed" and stored["F52"].note == NOTE
    assert stored["F52"].decided_by == "Dawn"
    assert runs[-1].method == "expected" and runs[-1].by == "Dawn"

    # A reload starts a new kernel: the decision and the note come back from the store.
    page.reload(timeout=PAGE_TIMEOUT_MS, wait_until="load")
    wait_ready(page)
    row = page.locator('.hi-candidates tr[data-unit="F52"]')
    row.wait_for(state="visible", timeout=PAGE_TIMEOUT_MS)
    text = row.inner_text(timeout=ACTION_TIMEOUT_MS)
    assert "confirmed" in text and NOTE in text and "by Dawn" in text
    _choose_candidate(page, "F52")
    note = page.locator(".hi-decide-note textarea")
    page.wait_for_function("(n) => document.querySelector('.hi-decide-note textarea').value"
                           " === n", arg=NOTE, timeout=ACTION_TIMEOUT_MS)
    assert note.input_value(timeout=ACTION_TIMEOUT_MS) == NOTE
    confirm = page.locator(".hi-decide-status button", has_text="Confirm")
    assert re.search(r"\bmod-active\b", confirm.get_attribute("class",
                                                              timeout=ACTION_TIMEOUT_MS) or "")
    assert not page.locator("text=Traceback").count()
    assert external_requests == []
