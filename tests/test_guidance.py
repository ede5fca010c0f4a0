"""The guidance words: every page has principles and questions, in the method's words."""

import pytest

from widgets import guidance
from widgets.model import PRINCIPLES


@pytest.mark.parametrize("page", guidance.PAGES)
def test_every_page_has_principles_and_questions(page):
    g = guidance.for_page(page)
    assert g.principles and g.questions and g.aim and g.title
    for p in g.principles:
        assert p.principle in PRINCIPLES
        assert p.name == PRINCIPLES[p.principle]
        assert p.prompt.strip()
    assert all(q.strip().endswith("?") for q in g.questions)


def test_the_facilitators_questions_from_the_brief():
    assert "How do you know the problem is there?" in guidance.questions(1)
    assert "Who else should be here?" in guidance.questions(1)
    assert "Do you know anyone who manages to avoid it? How?" in guidance.questions(2)
    assert any("outside help, money, a service" in q for q in guidance.questions(2))
    assert "How exactly do they do it?" in guidance.questions(3)
    assert "Could any family do this?" in guidance.questions(3)


def test_each_step_stresses_its_own_principles():
    assert "about_me" in {p.principle for p in guidance.principles(1)}
    assert "evidence" in {p.principle for p in guidance.principles(2)}
    assert "how" in {p.principle for p in guidance.principles(3)}
    # every principle is used somewhere across the three steps
    used = {p.principle for step in (1, 2, 3) for p in guidance.principles(step)}
    assert used == set(PRINCIPLES)


def test_page_names_accept_digit_strings_and_reject_others():
    assert guidance.for_page("2") is guidance.for_page(2)
    with pytest.raises(KeyError):
        guidance.for_page(4)


def test_guidance_is_core_and_never_imports_ipywidgets():
    import subprocess
    import sys

    code = "import sys, widgets.guidance; print('ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
