"""Step 3's shared helpers: escaped HTML, the balance of leads, the units' words."""

import pytest

from widgets.model import Inquiry, Person
from widgets.ui.step3.shared import figure_html, lead_balance
from widgets.words import unit_words


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
    assert unit_words(inquiry.measure.unit_name) == words


def test_the_copies_of_the_background_runner_and_the_plural_rule_are_gone():
    """One background runner (widgets/ui/background.py), one plural rule (widgets/words.py)."""
    from widgets.ui.step3 import shared

    for name in ("Later", "_worker", "BACKGROUND", "in_kernel", "background", "plural",
                 "unit_words", "StepContext"):
        assert not hasattr(shared, name), name
