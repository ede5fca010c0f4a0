"""Hostile text in every text field of an inquiry, built through the store: in the Voila
dashboard, on the step 3 page and in the report opened offline, no script runs and the text
shows literally."""

from __future__ import annotations

import re

import pytest

from widgets.model import (
    Action,
    AnalysisRun,
    ExceptionDecision,
    Issue,
    Measure,
    Practice,
    PracticeCheck,
    ProgressEntry,
    Unit,
)

expect = pytest.importorskip("playwright.sync_api").expect

#: Twenty hostile strings. Those that could run code set ``window.__pwned`` (or open a dialog).
HOSTILE = [
    "<script>window.__pwned='script'</script>",
    "<img src=x onerror=\"window.__pwned='img'\">",
    "<svg/onload=window.__pwned='svg'>",
    "<a href=\"javascript:window.__pwned='link'\">click me</a>",
    "javascript:window.__pwned='bare'",
    "[click](javascript:window.__pwned='markdown')",
    "{{7*7}}",
    "{% raw %}{{ 7*7 }}{% endraw %}",
    "${window.__pwned='template'}",
    "\"><script>alert(1)</script>",
    "</textarea><script>window.__pwned='textarea'</script>",
    "<iframe srcdoc=\"<script>parent.__pwned='iframe'</script>\"></iframe>",
    "<style>body{display:none}</style>",
    "x\" style=\"background:url(javascript:window.__pwned='css')\"",
    "<noscript><p title=\"</noscript><img src=x onerror=window.__pwned='mxss'>\">",
    "<b unclosed",
    "\u202eevil txt.exe \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
    "👩‍👧‍👦 family 🍲 time",
    "' OR 1=1; -- <!-- @import url(//x)",
    "long " + "words " * 700,
]
SHORT = [h[:190] for h in HOSTILE]  # for fields with a length limit (names, ids)
#: The text of the four practices (what, how, why), as _build records them.
PRACTICE_TEXT = [HOSTILE[i * 4 + k] for i in range(4) for k in range(3)]


def _build(store) -> str:
    """An inquiry with hostile text in every text field, through the store's own API."""
    by = SHORT[1]
    slug = store.create_inquiry("Hostile <b>inquiry</b> {{7*7}}", by=by)
    store.set_issue(slug, Issue(" | ".join(HOSTILE), HOSTILE[1], HOSTILE[2], HOSTILE[3]), by=by)
    store.set_measure(slug, Measure(HOSTILE[0], "<b>family</b>", "yes_no", "higher",
                                    source=HOSTILE[4], baseline_date="2023-01-31"), by=by)
    for i, name in enumerate(SHORT):
        store.add_person(slug, name, ("lived", "professional", "other")[i % 3], by=by)
    units = [Unit(uid, float(i % 3 == 0), context={"<i>circumstance</i>": HOSTILE[i],
                                                   SHORT[6]: float(i % 4)})
             for i, uid in enumerate(SHORT)]
    store.replace_units(slug, units, ["<i>circumstance</i>", SHORT[6]], by=by)
    confirmed = [SHORT[0], SHORT[3], SHORT[6], SHORT[9]]
    for i, uid in enumerate(confirmed):
        store.set_exception(slug, ExceptionDecision(uid, "confirmed", [SHORT[5][:60]], 2.5,
                                                    note=HOSTILE[i + 10], decided_by=by), by=by)
    store.set_exception(slug, ExceptionDecision(SHORT[12], "rejected", note=HOSTILE[12]), by=by)
    store.record_analysis(slug, AnalysisRun("<script>x</script>", {SHORT[7]: HOSTILE[8]},
                                            confirmed), by=by)
    numbers = []
    for i in range(4):
        numbers.append(store.add_practice(slug, Practice(
            HOSTILE[i * 4][:2000], HOSTILE[i * 4 + 1], HOSTILE[i * 4 + 2],
            ("yes", "yes", "no", "unsure")[i], confirmed[:2]), by=by))
    # The first two practices are done by every positive exception and nobody else: worth
    # spreading, so their how and why are shown; the others are half and half.
    store.set_practice_checks(slug, [
        PracticeCheck(u.unit_id, n, ("yes" if u.unit_id in confirmed else "no") if k < 2
                      else ("yes" if i % 2 else "no"))
        for i, u in enumerate(units) for k, n in enumerate(numbers)], by=by)
    for i in range(3):
        store.add_action(slug, Action(HOSTILE[i + 5], [SHORT[i], SHORT[i + 1]], HOSTILE[i + 6],
                                      HOSTILE[i + 7], HOSTILE[i + 8]), by=by)
    for i, day in enumerate(("2023-04-07", "2023-05-05", "2023-06-02")):
        store.add_progress(slug, ProgressEntry(day, 0.3 + i / 10, 50 + i, 3,
                                               HOSTILE[i + 14]), by=by)
    for step in (1, 2, 3):
        for principle in ("act", "evidence"):
            store.set_reflection(slug, step, principle, HOSTILE[step + 15], by=by)
    return slug


@pytest.fixture(scope="module")
def hostile(voila_server):
    """Built once: the store (rightly) refuses a second inquiry with the same title."""
    store = voila_server.store()
    try:
        yield _build(store)
    finally:
        store.close()


class Watch:
    """Dialogs, page errors and console errors of one page."""

    def __init__(self, page):
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.console: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: self.console.append(m.text) if m.type == "error"
                else None)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def assert_nothing_ran(self, page, *, strict_console: bool = False):
        assert self.dialogs == [], self.dialogs
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.evaluate("document.body.offsetHeight") > 0  # the <style> did not hide it
        assert self.errors == [], self.errors
        suspicious = [m for m in self.console if "pwned" in m or "Content Security" in m
                      or "Refused" in m]
        assert suspicious == [], suspicious
        if strict_console:
            assert self.console == [], self.console


def shows_literally(page, selector: str, texts: list[str]) -> None:
    text = page.locator(selector).inner_text()
    for raw in texts:
        assert " ".join(raw.split()) in " ".join(text.split()), raw[:60]
    assert not rendered_template(text.replace("{{7*7}}", ""))


def rendered_template(text: str) -> bool:
    """True when a standalone 49 (what {{7*7}} renders to) is in text; times, dates and
    other numbers that merely contain the digits 4 and 9 do not count."""
    text = re.sub(r"\d+(?:[:./-]\d+)+", " ", text)
    return re.search(r"(?<![\d,.])49(?![\d,.])", text) is not None


def test_dashboard_runs_no_script_and_shows_the_text(page, open_notebook, hostile,
                                                     external_requests):
    watch = Watch(page)
    open_notebook(page, "dashboard.ipynb", hostile)
    story = page.locator(".hi-story")
    expect(story.locator("h2")).to_have_count(6)
    watch.assert_nothing_ran(page)
    shows_literally(page, ".hi-story-issue", HOSTILE)  # the statement holds every string
    shows_literally(page, ".hi-story-exceptions", [SHORT[0], SHORT[3], HOSTILE[10],
                                                   HOSTILE[13]])
    shows_literally(page, ".hi-story-practices", PRACTICE_TEXT[:6] + [HOSTILE[8], HOSTILE[12]])
    shows_literally(page, ".hi-story-actions", HOSTILE[5:11])
    shows_literally(page, ".hi-story-progress", HOSTILE[14:17])
    shows_literally(page, ".hi-nav-bar", ["Hostile <b>inquiry</b> {{7*7}}"])
    page.locator(".hi-report-button").click()
    expect(page.locator(".hi-download-link")).to_have_count(1)
    page.mouse.wheel(0, 20000)
    watch.assert_nothing_ran(page)
    assert external_requests == []


def test_step3_runs_no_script_and_shows_the_text(page, open_notebook, hostile,
                                                 external_requests):
    watch = Watch(page)
    open_notebook(page, "3-share-how-they-did-it.ipynb", hostile)
    expect(page.locator(".hi-compare table")).to_have_count(1)
    expect(page.locator(".hi-progress-sentence .hi-sentence")).to_have_count(1)
    watch.assert_nothing_ran(page)
    shows_literally(page, ".hi-practices", [HOSTILE[0], HOSTILE[1], HOSTILE[2], HOSTILE[13],
                                            SHORT[0], SHORT[3]])
    shows_literally(page, ".hi-checks", [SHORT[0], SHORT[3], SHORT[6]])
    shows_literally(page, ".hi-actions", HOSTILE[5:11] + SHORT[:4])
    shows_literally(page, ".hi-progress", HOSTILE[14:17])
    page.locator(".hi-practice-edit").first.click()  # the text goes back into the form
    expect(page.locator(".hi-practice-what textarea")).to_have_value(HOSTILE[0])
    page.locator(".hi-check-next").click()
    watch.assert_nothing_ran(page)
    assert external_requests == []


def test_report_offline_runs_no_script_and_shows_the_text(voila_server, browser, hostile,
                                                          tmp_path):
    from widgets.report import build_report

    store = voila_server.store()
    try:
        text = build_report(store.get(hostile))
    finally:
        store.close()
    path = tmp_path / "report.html"
    path.write_text(text, encoding="utf-8")
    context = browser.new_context()
    context.set_offline(True)
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    watch = Watch(page)
    page.goto(path.as_uri())
    watch.assert_nothing_ran(page, strict_console=True)
    shows_literally(page, "#issue", HOSTILE)
    shows_literally(page, "#group", SHORT)
    shows_literally(page, "#exceptions", [SHORT[0], HOSTILE[10], HOSTILE[13]])
    shows_literally(page, "#practices", PRACTICE_TEXT)
    shows_literally(page, "#actions", HOSTILE[5:11])
    shows_literally(page, "#progress", HOSTILE[14:17])
    shows_literally(page, "#reflections", HOSTILE[16:19])
    shows_literally(page, "#evidence", [SHORT[1], HOSTILE[12]])
    watch.assert_nothing_ran(page, strict_console=True)
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    context.close()
