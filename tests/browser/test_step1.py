"""Step 1 in Chromium against a real Voila: define the Grub Hub issue from scratch, upload 60
families, see the baseline, reload and lose nothing."""

from __future__ import annotations

import re
import uuid

from conftest import ACTION_TIMEOUT_MS, PAGE_TIMEOUT_MS, wait_ready, wait_until, wait_view

STEP1 = "1-define-and-measure.ipynb"
ISSUE = "Families on our estate are breaking up."
HARM = "Family break-up is causing problems with community safety and education."
WHAT = "the family stayed together"


def grub_hub_csv() -> bytes:
    rows = ["family,stayed together,income band,housing"]
    for i in range(1, 61):
        rows.append(f"F{i:02d},{'yes' if i % 10 < 3 else 'no'},"
                    f"{['low', 'lowest', 'middle'][i % 3]},{['social rent', 'owner'][i % 2]}")
    return ("\n".join(rows) + "\n").encode()


def new_inquiry_step1(page, open_notebook) -> str:
    """Start an inquiry on the start page and open step 1 from it; returns the slug."""
    title = f"Grub Hub {uuid.uuid4().hex[:6]}"
    open_notebook(page, "start.ipynb")
    page.locator(".hi-new-title input").fill(title)
    page.locator(".hi-new-button").click()
    # The start page (the app page) goes on to step 1 itself; this module tests step 1's
    # own notebook, so it is opened with the new inquiry.
    wait_view(page, "1")
    slug = page.url.split("inquiry=")[1].split("&")[0]
    open_notebook(page, "1-define-and-measure.ipynb", slug)
    page.wait_for_url(re.compile(r".*/1-define-and-measure\.ipynb\?inquiry="),
                      timeout=PAGE_TIMEOUT_MS)
    wait_ready(page)
    page.locator(".hi-step1").wait_for(timeout=PAGE_TIMEOUT_MS)
    return page.url.split("inquiry=")[1]


def add_person(page, name: str, role: str) -> None:
    page.locator(".hi-person-new-name input").fill(name)
    page.locator(".hi-person-new-role select").select_option(label=role)
    page.locator(".hi-person-add").click()
    page.locator(".hi-person-name", has_text=name).wait_for(timeout=ACTION_TIMEOUT_MS)


def open_way(page, words: str) -> None:
    page.locator(".hi-data-ways .jupyter-widget-Collapse-header", has_text=words).click()


def test_define_measure_upload_and_reload(page, open_notebook, voila_server,
                                          external_requests):
    slug = new_inquiry_step1(page, open_notebook)
    page.locator(".hi-baseline-sentence", has_text="No data yet").wait_for(
        timeout=ACTION_TIMEOUT_MS)

    page.locator(".hi-issue-statement textarea").fill(ISSUE)
    page.locator(".hi-issue-wider-effects textarea").fill(HARM)
    add_person(page, "Dawn", "lives with the issue")
    add_person(page, "Sam", "professional")
    # The role goes back to the default, and Enter in the name field adds the person.
    assert page.locator(".hi-person-new-role select").input_value() == "lives with the issue"
    page.locator(".hi-person-new-name input").fill("Lee")
    page.locator(".hi-person-new-name input").press("Enter")
    page.locator(".hi-person-name", has_text="Lee").wait_for(timeout=ACTION_TIMEOUT_MS)
    page.locator(".hi-balance", has_text="2 live with the issue, 1 professional").wait_for(
        timeout=ACTION_TIMEOUT_MS)
    page.locator(".hi-measure-what textarea").fill(WHAT)
    page.locator(".hi-measure-source input").fill("a survey at the school gate")
    page.locator(".hi-measure-date input").fill("2023-01-31")

    open_way(page, "Upload")
    with page.expect_file_chooser(timeout=ACTION_TIMEOUT_MS) as chooser:
        page.locator(".hi-data-upload .hi-upload-button").click()
    chooser.value.set_files(files=[{"name": "grub-hub.csv", "mimeType": "text/csv",
                                    "buffer": grub_hub_csv()}])
    page.locator(".hi-import", has_text="Import 60 rows").wait_for(timeout=ACTION_TIMEOUT_MS)
    assert "F01" in page.locator(".hi-preview-table").inner_text()
    page.locator(".hi-import").click()
    page.locator(".hi-import-message", has_text="Imported 60 rows").wait_for(
        timeout=ACTION_TIMEOUT_MS)
    assert "Read 60 rows" not in page.locator(".hi-data-upload .hi-upload").inner_text()
    sentence = page.locator(".hi-baseline-sentence", has_text="18 of 60 families")
    sentence.wait_for(timeout=ACTION_TIMEOUT_MS)
    assert "stayed together" in sentence.inner_text()
    page.locator(".hi-baseline-plot img").wait_for(timeout=ACTION_TIMEOUT_MS)
    assert "18 of 60" in page.locator(".hi-baseline-caption").inner_text()

    store = voila_server.store()
    try:  # autosave reached the database before the reload
        assert wait_until(lambda: store.get(slug).issue.wider_effects == HARM)
        assert wait_until(lambda: store.get(slug).measure.baseline_date == "2023-01-31")
    finally:
        store.close()

    page.reload(timeout=PAGE_TIMEOUT_MS)
    wait_ready(page)
    page.locator(".hi-baseline-plot img").wait_for(timeout=PAGE_TIMEOUT_MS)
    assert page.locator(".hi-issue-statement textarea").input_value() == ISSUE
    assert page.locator(".hi-issue-wider-effects textarea").input_value() == HARM
    assert page.locator(".hi-person-name").all_inner_texts() == ["Dawn", "Sam", "Lee"]
    assert page.locator(".hi-measure-what textarea").input_value() == WHAT
    assert page.locator(".hi-measure-date input").input_value() == "2023-01-31"
    assert "18 of 60 families" in page.locator(".hi-baseline-sentence").inner_text()
    assert "60 families stored" in page.locator(".hi-data-count").inner_text()
    assert "Traceback" not in page.content()
    assert external_requests == []


def test_type_into_the_table_and_a_bad_file_changes_nothing(page, open_notebook,
                                                            voila_server):
    slug = new_inquiry_step1(page, open_notebook)
    open_way(page, "See or type")
    page.locator(".hi-add-count input").fill("2")
    page.locator(".hi-add-units").click()
    cells = page.locator(".hi-units-grid .hi-cell-outcome input")
    cells.nth(1).wait_for(timeout=ACTION_TIMEOUT_MS)
    cells.nth(0).fill("yes")
    cells.nth(0).press("Enter")
    cells.nth(1).fill("maybe")
    cells.nth(1).press("Enter")
    message = page.locator(".hi-units-editor .hi-message-error")
    message.wait_for(timeout=ACTION_TIMEOUT_MS)
    assert "Row 2 (Family 2)" in message.inner_text()
    page.locator(".hi-baseline-sentence", has_text="1 of 1 family").wait_for(
        timeout=ACTION_TIMEOUT_MS)

    open_way(page, "Upload")
    with page.expect_file_chooser(timeout=ACTION_TIMEOUT_MS) as chooser:
        page.locator(".hi-data-upload .hi-upload-button").click()
    chooser.value.set_files(files=[{"name": "notes.pdf", "mimeType": "application/pdf",
                                    "buffer": b"%PDF-1.4 minutes of the meeting"}])
    bad = page.locator(".hi-data-upload .hi-message-error", has_text="PDF")
    bad.wait_for(timeout=ACTION_TIMEOUT_MS)
    store = voila_server.store()
    try:
        units = store.units(slug)
    finally:
        store.close()
    assert [(u.unit_id, u.outcome) for u in units] == [("Family 1", 1.0), ("Family 2", None)]
    page.reload(timeout=PAGE_TIMEOUT_MS)
    wait_ready(page)
    page.locator(".hi-baseline-sentence", has_text="1 of 1 family").wait_for(
        timeout=PAGE_TIMEOUT_MS)


def test_the_60_pupil_file_keeps_names_private_and_asks_what_the_answers_mean(
        page, open_notebook, voila_server, external_requests):
    from pupils_csv import MEASURE, pupils_csv

    slug = new_inquiry_step1(page, open_notebook)
    page.locator(".hi-measure-what textarea").fill(MEASURE.what)
    page.locator(".hi-measure-unit-name input").fill(MEASURE.unit_name)
    page.locator(".hi-measure-unit-name input").press("Tab")
    store = voila_server.store()
    try:  # the outcome is guessed from the stored measure
        assert wait_until(lambda: store.get(slug).measure.what == MEASURE.what
                          and store.get(slug).measure.unit_name == "pupil")
    finally:
        store.close()

    open_way(page, "Upload")
    with page.expect_file_chooser(timeout=ACTION_TIMEOUT_MS) as chooser:
        page.locator(".hi-data-upload .hi-upload-button").click()
    chooser.value.set_files(files=[{"name": "Klasse 5b.csv", "mimeType": "text/csv",
                                    "buffer": pupils_csv(plan_words=("klar", "nö"))}])
    page.locator(".hi-import", has_text="Import 60 rows").wait_for(timeout=ACTION_TIMEOUT_MS)
    guess = page.locator(".hi-map-guess")
    assert "We guessed the outcome is 'has a plan'" in guess.inner_text()
    assert "Check it." in guess.inner_text()
    def chosen(dropdown: str) -> str:  # the select's option text (spaces as no-break ones)
        text = page.locator(f"{dropdown} select option:checked").inner_text()
        return text.replace("\xa0", " ")

    assert chosen(".hi-map-id").startswith("make pseudonyms (Pupil 1")
    assert chosen(".hi-map-private") == "Schüler"
    assert "stay private" in page.locator(".hi-map-private-note").inner_text()
    answers = page.locator(".hi-map-yes-values")
    assert "Which values mean yes?" in answers.inner_text()
    for word, meaning in (("klar", "yes"), ("nö", "no")):
        row = answers.locator(".hi-row", has_text=f"'{word}'")
        row.locator("button", has_text=meaning).first.click()
        row.locator("button.mod-active", has_text=meaning).wait_for(timeout=ACTION_TIMEOUT_MS)
    page.locator(".hi-import").click()
    page.locator(".hi-import-message", has_text="Imported 60 rows").wait_for(
        timeout=ACTION_TIMEOUT_MS)
    sentence = page.locator(".hi-baseline-sentence", has_text="15 of 60 pupils")
    sentence.wait_for(timeout=ACTION_TIMEOUT_MS)
    page.locator(".hi-baseline-plot img").wait_for(timeout=ACTION_TIMEOUT_MS)
    assert "Jürgen" not in page.locator(".hi-baseline").inner_text()
    store = voila_server.store()
    try:
        units = store.units(slug)
    finally:
        store.close()
    assert [u.unit_id for u in units][:2] == ["Pupil 1", "Pupil 2"]
    assert units[0].private_name == "Jürgen Müller"
    assert "Traceback" not in page.content()
    assert external_requests == []
