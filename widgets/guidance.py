"""What a facilitator needs on each page: the principles that matter, and the questions to ask.

Core layer: plain data, no widgets. The UI (``widgets.ui.principles``) shows it as quiet cards;
the report and the dashboard may quote it too.

The wording follows the method text ("Effective co-production – three simple steps", Hidden
Insights): three steps (README.md), six working principles (``widgets.model.PRINCIPLES``),
in plain words a group reads without help. Each step lists only the
principles that matter most there, each as a short prompt a facilitator can read aloud.
"""

from __future__ import annotations

from dataclasses import dataclass

from widgets.model import PRINCIPLES

#: The pages of the kit that carry guidance: the start page, the three steps, the dashboard.
PAGES: tuple[str | int, ...] = ("start", 1, 2, 3, "dashboard")


@dataclass(frozen=True)
class Prompt:
    """One working principle, and what it asks of the group on this page."""

    principle: str  # a key of widgets.model.PRINCIPLES
    prompt: str

    @property
    def name(self) -> str:
        """The principle in the method's own words."""
        return PRINCIPLES[self.principle]


@dataclass(frozen=True)
class StepGuidance:
    """The guidance for one page: its aim, principles as prompts, the facilitator's questions."""

    page: str | int
    title: str
    aim: str
    principles: tuple[Prompt, ...]
    questions: tuple[str, ...]


GUIDANCE: dict[str | int, StepGuidance] = {
    "start": StepGuidance(
        page="start",
        title="Start",
        aim="Gather people round a burning issue: a problem that matters to the people who "
            "live with it, and that is causing wider harm.",
        principles=(
            Prompt("about_me", "Invite the people who live with the issue, and the unusual "
                               "suspects too, before anything is decided."),
            Prompt("ownership", "The group names the issue and owns what it finds; nobody "
                                "is asked to buy in to someone else's plan."),
        ),
        questions=(
            "What is the burning issue that brings us together?",
            "Who lives with it every day?",
            "Who else should be here?",
        ),
    ),
    1: StepGuidance(
        page=1,
        title="Engage, define and measure",
        aim="Say what the problem is in the group's own words, who it affects and what wider "
            "harm it causes. Agree how to measure it, and measure it: a baseline.",
        principles=(
            Prompt("about_me", "Are the people who live with the issue in the room? Their "
                               "words define the problem, not ours."),
            Prompt("ownership", "Write the problem down the way the group says it."),
            Prompt("evidence", "Agree one thing to count, and count it now: that number is "
                               "the baseline every change is compared with."),
            Prompt("act", "A rough measure today beats a perfect one next year."),
        ),
        questions=(
            "What is the problem, in your own words?",
            "How do you know the problem is there?",
            "Who does it affect, and what wider harm does it cause?",
            "Who else should be here?",
            "What could we count to show how big the problem is — and for whom: families, "
            "pupils, streets?",
            "Where would the numbers come from, and what date is our baseline?",
        ),
    ),
    2: StepGuidance(
        page=2,
        title="Discover positive exceptions",
        aim="Find the people, families or places that live in the same circumstances, with "
            "the same resources, yet avoid the problem. Check that each one is real.",
        principles=(
            Prompt("small", "Look for those doing a little better than others in the same "
                            "circumstances; small differences matter."),
            Prompt("evidence", "Check each positive exception: is it real, or explained by "
                               "something the others do not have?"),
            Prompt("about_me", "The group decides who is a positive exception, and writes "
                               "down why."),
        ),
        questions=(
            "Do you know anyone who manages to avoid it? How?",
            "Are they really in the same circumstances as the others?",
            "Do they have something the others don't — outside help, money, a service?",
            "What would convince us that this one is real?",
        ),
    ),
    3: StepGuidance(
        page=3,
        title="Share how they did it",
        aim="Find out how the positive exceptions do it: the uncommon practices anyone could "
            "adopt. The group designs its own action to spread them, and keeps measuring.",
        principles=(
            Prompt("how", "Ask how, not only what and why: the exact steps, who does them, "
                          "when and where."),
            Prompt("small", "Keep the practices that anyone could adopt; one that needs "
                            "money or help others lack is true but useless."),
            Prompt("ownership", "The group designs the action, names it, leads it and sets "
                                "the terms on which professionals are invited."),
            Prompt("act", "Try it together, soon, and learn by doing."),
            Prompt("evidence", "Keep measuring against the baseline."),
        ),
        questions=(
            "How exactly do they do it?",
            "Could any family do this?",
            "Do the others do it too, or is it uncommon?",
            "What would it take to try it here, next month?",
            "Who will lead it, and on what terms are professionals invited?",
            "How will we know it is working?",
        ),
    ),
    "dashboard": StepGuidance(
        page="dashboard",
        title="Dashboard",
        aim="See where the inquiry stands: the baseline, the positive exceptions, the "
            "practices, the action and the progress since.",
        principles=(
            Prompt("evidence", "Every claim on this page points back to the numbers and "
                               "the group's notes."),
            Prompt("act", "What will the group try next?"),
        ),
        questions=(
            "What has changed since the baseline?",
            "What surprised us?",
            "What will we do next, and who will lead it?",
        ),
    ),
}


def for_page(page: str | int) -> StepGuidance:
    """The guidance for a page: ``"start"``, ``1``, ``2``, ``3`` or ``"dashboard"``.

    Raises ``KeyError`` with a plain message for any other page (a programming mistake).
    """
    key: str | int = int(page) if isinstance(page, str) and page.isdigit() else page
    try:
        return GUIDANCE[key]
    except KeyError:
        raise KeyError(f"No guidance for page {page!r}; use one of {PAGES}.") from None


def principles(page: str | int) -> tuple[Prompt, ...]:
    """The principles that matter on a page, as prompts."""
    return for_page(page).principles


def questions(page: str | int) -> tuple[str, ...]:
    """The facilitator's questions for a page."""
    return for_page(page).questions
