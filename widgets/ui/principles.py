"""Quiet cards with the working principles and the facilitator's questions for a page.

The words come from :mod:`widgets.guidance`. Each card is an HTML ``<details>`` element: open
by default, a facilitator can fold it away with one click (no kernel round trip).
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as ipw

from widgets import guidance


def _details(summary: str, items: list[str], open_: bool, cls: str) -> str:
    state = " open" if open_ else ""
    lis = "".join(f"<li>{item}</li>" for item in items)
    return (f'<details class="hi-card {cls}"{state}><summary>{html.escape(summary)}</summary>'
            f"<ul>{lis}</ul></details>")


class PrincipleCards(ipw.HTML):
    """The principles that matter on ``step`` ("start", 1, 2, 3 or "dashboard"), as prompts."""

    def __init__(self, step: str | int, open: bool = True, **kwargs: Any):  # noqa: A002
        prompts = guidance.principles(step)
        items = [f"<strong>{html.escape(p.name)}.</strong> {html.escape(p.prompt)}"
                 for p in prompts]
        super().__init__(value=_details("Principles for this step", items, open,
                                        "hi-principles-card"), **kwargs)
        self.add_class("hi-principles")
        self.prompts = prompts


class FacilitatorQuestions(ipw.HTML):
    """The facilitator's questions for ``step``, to ask the group aloud, naming the inquiry's
    unit (``unit_name``: "Could any pupil do this?")."""

    def __init__(self, step: str | int, open: bool = True,  # noqa: A002
                 unit_name: str | None = None, **kwargs: Any):
        questions = guidance.questions(step, unit_name)
        super().__init__(value=_details("Questions to ask the group",
                                        [html.escape(q) for q in questions], open,
                                        "hi-questions-card"), **kwargs)
        self.add_class("hi-questions")
        self.questions = questions


def guidance_panel(step: str | int, open: bool = True,  # noqa: A002
                   unit_name: str | None = None) -> ipw.Box:
    """Principles and questions side by side (they wrap under each other on narrow screens);
    the questions name the inquiry's unit (``unit_name``)."""
    box = ipw.HBox([PrincipleCards(step, open), FacilitatorQuestions(step, open, unit_name)])
    box.add_class("hi-guidance")
    return box
