"""The Grub Hub walked through in a real browser: add a practice, fill the checks, see the
comparison, add a progress entry, open the dashboard, download the report, and open the
report with the network off (sections there, images loaded, no request to any host, prints)."""

from __future__ import annotations

import re

import pytest

from conftest import wait_ready
from widgets.examples import build as example

expect = pytest.importorskip("playwright.sync_api").expect

NEW = "Reading a bedtime story together"


@pytest.fixture
def grub_hub(voila_server):
    store = voila_server.store()
    try:
        slug = store.save_inquiry(example("grub-hub"))
    finally:
        store.close()
    return slug


def stored(voila_server, slug):
    store = voila_server.store()
    try:
        return store.get(slug)
    finally:
        store.close()


def test_from_practices_to_an_offline_report(voila_server, browser, page, open_notebook,
                                             external_requests, grub_hub, tmp_path):
    slug = grub_hub
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    open_notebook(page, "3-share-how-they-did-it.ipynb", slug)

    # 1 A practice: what, how, why, from which exceptions, could anyone do it.
    page.locator(".hi-practice-what textarea").fill(NEW)
    page.locator(".hi-practice-how textarea").fill("Ten minutes, the same book, lights low.")
    page.locator(".hi-practice-why textarea").fill("A calm end to the day.")
    form = page.locator(".hi-practice-form")
    form.locator(".hi-practice-from").get_by_text("F05").click()
    form.locator(".hi-accessible").get_by_text("Yes: anyone").click()
    page.locator(".hi-practice-save").click()
    expect(page.locator(".hi-practice-row")).to_have_count(6)
    expect(page.locator(".hi-practice-row").last).to_contain_text(NEW)

    # 2 Checks for the new practice (number 6): exceptions yes, three others no.
    cells = page.locator(".hi-check-p6")
    expect(cells).to_have_count(12)
    for i, answer in enumerate(["Yes", "Yes", "Yes", "No", "No", "No"]):
        cells.nth(i).get_by_role("button", name=answer, exact=True).click()
        expect(cells.nth(i).locator("button.mod-active")).to_have_text(answer)
    comparison = page.locator(".hi-compare")
    expect(comparison).to_contain_text(NEW)
    row = comparison.locator("tr", has_text=NEW)
    expect(row).to_contain_text("3 of 3 (100 %)")
    expect(row).to_contain_text("0 of 3 (0 %)")
    expect(page.locator(".hi-compare-figure img")).to_have_count(1)
    checks = {(c.unit_id, c.value) for c in stored(voila_server, slug).practice_checks
              if c.practice_id == 6}
    assert checks == {("F05", "yes"), ("F16", "yes"), ("F28", "yes"), ("F01", "no"),
                      ("F02", "no"), ("F03", "no")}

    # 4 A progress entry after the last one.
    page.locator(".hi-progress-date input").fill("2024-10-04")
    page.locator(".hi-progress-attendance input").fill("86")
    page.locator(".hi-progress-helped input").fill("2")
    page.locator(".hi-progress-note textarea").fill("Bedtime stories at the end of the evening.")
    page.locator(".hi-progress-add").click()
    expect(page.locator(".hi-progress-sentence")).to_contain_text(
        "Attendance rose from 50 to 86 a month; 129 people helped")
    assert stored(voila_server, slug).progress[-1].attendance == 86

    # The dashboard, through the navigation bar.
    page.locator(".hi-nav-link[data-page='dashboard']").click()
    wait_ready(page)  # a new page: its kernel starts and runs the notebook first
    story = page.locator(".hi-story")
    # The story is drawn in the background (pandas, scipy and seaborn load first): a
    # generous bound, not a guess at how long a busy machine takes.
    # Six parts, and what the room said (the example has a note and a vote from the room).
    expect(story.locator("h2")).to_have_count(7, timeout=90_000)
    expect(story.locator(".hi-story-room")).to_contain_text("phones in a basket")
    expect(story.locator(".hi-story-room")).to_contain_text(
        "Which practice should we spread first?")
    expect(story.locator(".hi-story-practices")).to_contain_text(NEW)
    expect(story.locator(".hi-story-progress")).to_contain_text("Attendance rose from 50 to 86")
    expect(story.locator("img")).to_have_count(4)
    assert page.evaluate("""() => [...document.querySelectorAll('.hi-story img')]
        .every(img => img.complete && img.naturalWidth > 100)""")

    # Download the report and save it.
    page.locator(".hi-report-button").click()
    link = page.locator(".hi-download-link")
    expect(link).to_have_attribute("download", f"{slug}-report.html", timeout=90_000)
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == f"{slug}-report.html"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert external_requests == [] and errors == []

    # Open it with the network off: every section, every image, no request to any host.
    offline = browser.new_context()
    offline.set_offline(True)
    requests: list[str] = []
    offline.on("request", lambda r: requests.append(r.url))
    report = offline.new_page()
    console: list[str] = []
    report.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    report.goto(path.as_uri())
    for section in ("issue", "group", "measure", "exceptions", "practices", "actions",
                    "progress", "reflections", "evidence"):
        expect(report.locator(f"section#{section}")).to_have_count(1)
    expect(report.locator("#practices")).to_contain_text(NEW)
    expect(report.locator("#progress")).to_contain_text("Bedtime stories")
    assert report.evaluate("""() => [...document.images]
        .every(img => img.complete && img.naturalWidth > 100)""")
    assert report.evaluate("document.images.length") >= 4
    assert [u for u in requests if not re.match(r"(file|data):", u)] == [] and console == []
    pdf = report.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 50_000
    offline.close()
