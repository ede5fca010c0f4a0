"""Principle cards and facilitator questions."""

from widgets import guidance
from widgets.ui.principles import FacilitatorQuestions, PrincipleCards, guidance_panel


def test_cards_show_the_guidance_for_the_step():
    cards = PrincipleCards(2)
    for p in guidance.principles(2):
        assert p.name.replace("'", "&#x27;") in cards.value
    questions = FacilitatorQuestions(1)
    assert "How do you know the problem is there?" in questions.value
    assert "<details" in questions.value and " open" in questions.value
    assert " open" not in FacilitatorQuestions(1, open=False).value.split(">")[0]


def test_panel_has_both_cards():
    panel = guidance_panel("dashboard")
    kinds = {type(c) for c in panel.children}
    assert kinds == {PrincipleCards, FacilitatorQuestions}
    assert "hi-guidance" in panel._dom_classes
