"""The dashboard: the story of both examples and of an empty inquiry, the report download,
no private names, and every piece of text escaped."""

import base64
import re

import pytest
from ui_step3_helpers import (
    html_values,
    plain_env,  # noqa: F401 (autouse)
)

from widgets.examples import build as example
from widgets.model import (
    Action,
    ExceptionDecision,
    Issue,
    Measure,
    Practice,
    ProgressEntry,
    Unit,
)
from widgets.ui import dashboard
from widgets.ui.page import StepPage

HOSTILE = ['<script>window.__pwned=1</script>', '<img src=x onerror="window.__pwned=2">',
           '{{7*7}}', '"><svg onload=alert(1)>', "javascript:alert(1)"]


def open_dashboard(store, slug):
    page = StepPage("dashboard", slug=slug, store=store)
    page.build(dashboard.build)
    assert page.errors.text == ""
    return page, page.view


def link_bytes(link):
    return base64.b64decode(re.search(r'base64,([^"]+)"', link.value).group(1))


@pytest.mark.parametrize("name, words", [
    ("grub-hub", ["Attendance rose from 50 to 85 a month", "16 of 60 families",
                  "Talking at the table about everyone&#x27;s day", "F05", "F16", "F28",
                  "A monthly community evening with food and hands-on play",
                  "Led by 3 people who live with the issue, 0 professionals",
                  "No brochures, no roadshows"]),
    ("child-nutrition", ["Adding tiny shrimp, crabs or snails", "C008",
                         "Twelve-day cooking sessions"]),
])
def test_the_story_of_each_example(store, name, words):
    slug = store.save_inquiry(example(name))
    _, board = open_dashboard(store, slug)
    story = board.story.value
    for section in ("hi-story-issue", "hi-story-baseline", "hi-story-exceptions",
                    "hi-story-practices", "hi-story-actions", "hi-story-progress"):
        assert f'class="{section}"' in story
    for w in words:
        assert w in story, w
    assert story.count('<img src="data:image/png;base64,') == 4  # baseline, exceptions,
    assert "http://" not in story and "https://" not in story  # practices, progress
    # True but useless practices are not among those worth spreading.
    practices = story.split("hi-story-practices")[1].split("hi-story-actions")[0]
    spread = re.findall(r'<div class="hi-card hi-spread"><h3 dir="auto">([^<]*)</h3>',
                        practices)
    assert len(spread) == {"grub-hub": 3, "child-nutrition": 4}[name]
    assert "Paying for a private nursery place" not in spread
    assert "Buying vitamin supplements" not in spread


def test_an_empty_inquiry_tells_what_is_missing(store, slug):
    _, board = open_dashboard(store, slug)
    story = board.story.value
    for words in ("The group has not described the issue yet",
                  "No data has been entered yet", "No positive exception has been confirmed",
                  "No practice that anyone could adopt", "The group has not decided on an "
                  "action yet", "No progress has been recorded yet"):
        assert words in story, words
    assert "<img" not in story


def test_download_the_report(store):
    slug = store.save_inquiry(example("grub-hub"))
    _, board = open_dashboard(store, slug)
    assert board.download.button.description == "Download the report"
    link = board.download.prepare()
    assert link.filename == f"{slug}-report.html" and f'download="{slug}-report.html"' in \
        link.value
    text = link_bytes(link).decode("utf-8")
    assert text.startswith("<!DOCTYPE html>") and "Grub Hub (illustrative)" in text
    assert board.download.message.kind == "ok"


def test_private_names_are_never_shown(store, slug):
    store.set_measure(slug, Measure("Stayed together", "family", "yes_no"))
    store.replace_units(slug, [Unit("F1", 1.0, private_name="Rosalind Quirke"),
                               Unit("F2", 0.0, private_name="Bartholomew Ng")], [])
    store.set_exception(slug, ExceptionDecision("F1", "confirmed",
                                                note="Rosalind Quirke eats with the kids"))
    store.add_practice(slug, Practice("Eating together", how="As rosalind quirke does",
                                      accessible="yes"))
    _, board = open_dashboard(store, slug)
    text = board.story.value + "".join(html_values(board.widget))
    report = link_bytes(board.download.prepare()).decode("utf-8")
    for name in ("Rosalind", "Quirke", "Bartholomew"):
        assert name.lower() not in text.lower() and name.lower() not in report.lower()
    assert "F1" in text and "eats with the kids" in text


def test_every_html_value_escapes_hostile_text(store, slug):
    bad = " ".join(HOSTILE)
    store.set_issue(slug, Issue(bad, bad, bad, bad))
    store.set_measure(slug, Measure(bad, HOSTILE[1], "yes_no", source=bad,
                                    baseline_date="2023-01-31"))
    store.add_person(slug, bad, "professional")
    store.replace_units(slug, [Unit(h, float(i % 2), context={bad: bad})
                               for i, h in enumerate(HOSTILE)], [bad])
    store.set_exception(slug, ExceptionDecision(HOSTILE[0], "confirmed", note=bad))
    store.add_practice(slug, Practice(bad, bad, bad, "yes", [HOSTILE[0]]))
    store.add_action(slug, Action(bad, [bad], bad, bad, bad))
    store.add_progress(slug, ProgressEntry("2023-04-07", 0.5, 3, 1, bad))
    page, board = open_dashboard(store, slug)
    values = html_values(page.widget)
    joined = "".join(values)
    for raw in ("<script>window", "<img src=x", "<svg onload"):
        assert raw not in joined
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in board.story.value
    words = re.sub(r"data:image/png;base64,[^\"]+", "", board.story.value)
    assert "{{7*7}}" in words
    words = re.sub(r"\d+(?:[:./-]\d+)+", " ", words)  # times and dates may hold a 49
    assert re.search(r"(?<![\d,.])49(?![\d,.])", words) is None
    assert 'href="javascript' not in joined


def test_no_inquiry_shows_the_friendly_note(store):
    page = StepPage("dashboard", store=store)
    page.build(dashboard.build)
    assert not hasattr(page, "dashboard") and "No inquiry is open yet" in "".join(
        html_values(page.widget))


def test_the_guidance_is_folded_so_the_story_comes_first(store, slug):
    page, _ = open_dashboard(store, slug)
    cards = [w for w in html_values(page.widget) if "hi-principles-card" in w]
    assert len(cards) == 1 and " open>" not in cards[0] and "<details" in cards[0]


def test_a_report_that_cannot_be_built_says_so_and_the_button_works_again(store, slug,
                                                                          monkeypatch):
    import widgets.report
    from widgets.model import ModelError

    def broken(_inquiry, **_kw):
        raise ModelError("The report could not be made.")

    monkeypatch.setattr(widgets.report, "build_report", broken)
    _, board = open_dashboard(store, slug)
    assert board.download.prepare() is None
    assert board.download.message.kind == "error"
    assert board.download.message.text == "The report could not be made."
    assert not board.download.button.disabled and board.download.link is None


@pytest.mark.parametrize("problem, shown", [
    (IndexError("tuple index out of range"), dashboard.STORY_FAILED),
    (None, "Choose the kind of measure first."),
])
def test_a_story_that_cannot_be_made_says_so_instead_of_loading_for_ever(
        store, slug, monkeypatch, problem, shown):
    """Issue 9 item 5: when the story failed, the page showed the apology and "Putting the
    story together…" for ever. Now the story's place says what happened, plainly."""
    import widgets.report
    from widgets.model import ModelError

    def broken(_inquiry, **_kw):
        raise problem if problem is not None else ModelError(shown)

    monkeypatch.setattr(widgets.report, "report_context", broken)
    page = StepPage("dashboard", slug=slug, store=store)
    page.build(dashboard.build)
    story = page.view.story.value
    assert "Putting the story together" not in story
    assert "hi-story-failed" in story and shown in story
    assert "Traceback" not in story and "tuple index" not in story


def test_the_story_is_told_when_a_text_ends_with_a_shorter_real_name(store, slug):
    store.set_measure(slug, Measure("Stayed together", "family", "yes_no"))
    store.replace_units(slug, [Unit("F1", 1.0, private_name="Mary Jones"),
                               Unit("F2", 0.0, private_name="Anne Marie Smith")], [])
    store.set_issue(slug, Issue("We talked to Mary Jones"))
    page, board = open_dashboard(store, slug)
    assert "We talked to [name withheld]" in board.story.value
    assert "Jones" not in board.story.value


def test_a_long_list_of_practices_is_cut_short_and_says_so(store, slug, monkeypatch):
    import widgets.report.contents

    monkeypatch.setattr(widgets.report.contents, "MAX_ROWS", 3)
    store.set_measure(slug, Measure("Stayed together", "family", "yes_no"))
    for k in range(5):
        store.add_practice(slug, Practice(f"Practice {k}", accessible="yes"))
    _, board = open_dashboard(store, slug)
    story = board.story.value
    assert story.count('<div class="hi-card hi-spread"><h3 dir="auto">Practice') == 3
    assert "… and 2 more practices; every practice is in the inquiry file." in story


def test_a_vote_from_the_room_shows_in_the_story_as_it_comes_in(store, slug):
    """On the projector the dashboard follows the room: a ballot does not change the
    inquiry's time, so the story is told again when the votes change."""
    room = store.open_room(slug)
    store.set_prompt(slug, "vote", "Which practice?", choices=["Eating", "Walking"])
    store.cast_vote(room.code, "phone-a", 0)
    page, board = open_dashboard(store, slug)

    def walking() -> str:
        found = re.search(r"Walking\W*(?:</[a-z]+>)?: <strong>(\d+)</strong>", board.story.value)
        assert found, board.story.value[-1500:]
        return found.group(1)

    assert walking() == "0"
    store.cast_vote(room.code, "phone-b", 1)
    store.cast_vote(room.code, "phone-c", 1)
    page.session.changed("room")  # what the room's watcher announces after a change
    assert walking() == "2"
    told = board.story.value
    page.session.changed("room")  # nothing new: the story is not told again
    assert board.story.value is told
