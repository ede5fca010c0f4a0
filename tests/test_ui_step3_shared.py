"""Step 3's shared helpers: slow work after the page is shown, escaped HTML, words."""

import threading

import pytest

from widgets.model import Inquiry, Person
from widgets.ui.errors import APOLOGY, ErrorBox
from widgets.ui.step3 import shared
from widgets.ui.step3.shared import Later, figure_html, lead_balance, unit_words


def test_later_runs_at_once_outside_a_kernel(monkeypatch):
    monkeypatch.setattr(shared, "BACKGROUND", None)
    assert not shared.in_kernel() and not shared.background()
    shown = []
    Later(lambda x: x * 2, shown.append).request(21)
    assert shown == [42]


def test_later_in_the_background_shows_only_the_newest_result(monkeypatch):
    monkeypatch.setattr(shared, "BACKGROUND", True)
    monkeypatch.setattr(shared, "START_DELAY", 0)
    monkeypatch.setattr(shared, "_executor", None)
    gate, started = threading.Event(), threading.Event()
    shown, computed = [], []

    def compute(x):
        if x == 0:
            started.set()
            gate.wait(10)  # the first job holds the worker while newer requests arrive
        computed.append(x)
        return x

    later = Later(compute, shown.append)
    later.request(0)
    assert started.wait(10)
    for x in (1, 2, 3):
        later.request(x)
    gate.set()
    shared._worker().submit(lambda: None).result(10)  # wait until the queue is done
    assert computed == [0, 3] and shown == [3]  # 0 was replaced before it was shown
    shared._worker().shutdown()


def test_the_first_background_job_waits_for_the_page(monkeypatch):
    import time

    monkeypatch.setattr(shared, "BACKGROUND", True)
    monkeypatch.setattr(shared, "START_DELAY", 0.3)
    monkeypatch.setattr(shared, "_executor", None)
    done = []
    start = time.monotonic()
    Later(lambda: time.monotonic() - start, done.append).request()
    shared._worker().submit(lambda: None).result(10)
    assert done and done[0] >= 0.3
    shared._worker().shutdown()


def test_later_errors_never_escape(monkeypatch):
    monkeypatch.setattr(shared, "BACKGROUND", False)
    errors = ErrorBox()

    def broken():
        raise RuntimeError("bug")

    Later(broken, lambda _r: None, errors=errors).request()
    assert errors.text == APOLOGY


def test_figure_html_escapes_and_only_embeds_our_images():
    fig = {"src": "data:image/png;base64,AAAA", "alt": "<b>", "caption": '"><script>'}
    html = figure_html(fig)
    assert 'src="data:image/png;base64,AAAA"' in html and "&lt;b&gt;" in html
    assert "<script>" not in html and "&quot;&gt;&lt;script&gt;" in html
    assert figure_html({"src": "javascript:alert(1)", "alt": "", "caption": ""}) == ""
    assert figure_html(None) == ""


@pytest.mark.parametrize("leads, text, warn", [
    (["A", "B", "C"], "Led by 3 people who live with the issue, 0 professionals", False),
    (["A", "P"], "Led by 1 person who lives with the issue, 1 professional", True),
    (["P", "O"], "Led by 0 people who live with the issue, 1 professional, 1 other", True),
    (["A", "Unknown"], "Led by 1 person who lives with the issue, 0 professionals, 1 other",
     False),
])
def test_lead_balance(leads, text, warn):
    inquiry = Inquiry("x", group=[Person("A"), Person("B"), Person("C"),
                                  Person("P", "professional"), Person("O", "other")])
    assert lead_balance(leads, inquiry) == (text, warn)


@pytest.mark.parametrize("unit, words", [("family", ("family", "families")),
                                         ("school", ("school", "schools")),
                                         ("day", ("day", "days")), ("", ("unit", "units")),
                                         ("household", ("household", "households"))])
def test_unit_words(unit, words):
    inquiry = Inquiry("x")
    inquiry.measure.unit_name = unit
    assert unit_words(inquiry) == words
