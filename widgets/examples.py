"""Two worked examples that fill every part of an inquiry, so every screen has something to show.

Both are **illustrative**: the people, numbers and notes are made up. They follow the method
text (``/work/shared/method``: the Huntingdon Grub Hub) and the story of child nutrition in
Vietnam told in *The Power of Positive Deviance* (Pascale, Sternin and Sternin, 2010).

:func:`build` is deterministic: a fixed random seed and fixed timestamps, nothing depends on
the current time, so ``examples/make_examples.py`` always writes the same files and tests can
compare them byte for byte.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict
from datetime import date, datetime, timedelta

from widgets.model import (
    EXCEPTION_STATUSES,
    PRINCIPLES,
    ROLES,
    Action,
    AnalysisRun,
    ExceptionDecision,
    HistoryEntry,
    Inquiry,
    Issue,
    Measure,
    ModelError,
    Person,
    Poll,
    Practice,
    PracticeCheck,
    ProgressEntry,
    Reflection,
    StepNote,
    Unit,
)

#: Example name -> title shown to people.
EXAMPLES: dict[str, str] = {
    "grub-hub": "Grub Hub (illustrative)",
    "child-nutrition": "Child nutrition (illustrative)",
}

#: The first words of every example's issue statement.
ILLUSTRATIVE = "Illustrative example: made-up data, based on the method text."


def build(name: str) -> Inquiry:
    """The example inquiry called ``name`` (a key of :data:`EXAMPLES`), built afresh.

    Raises :class:`~widgets.model.ModelError` for an unknown name.
    """
    builders: dict[str, Callable[[], Inquiry]] = {
        "grub-hub": _grub_hub,
        "child-nutrition": _child_nutrition,
    }
    if name not in builders:
        raise ModelError(
            f"There is no example called {name!r}. Choose one of: {', '.join(EXAMPLES)}."
        )
    return builders[name]()


def units_table_rows(name: str) -> tuple[list[str], list[list[str]]]:
    """The example's units as a spreadsheet a group might keep: header and rows of text.

    Columns: the unit's id, the outcome (``yes``/``no`` for a yes/no measure), then one
    column per circumstance. No private names.
    """
    inquiry = build(name)
    id_header, outcome_header = _CSV_HEADERS[name]
    header = [id_header, outcome_header, *inquiry.context_columns]
    rows = []
    for u in inquiry.units:
        if inquiry.measure.kind == "yes_no":
            outcome = "yes" if u.outcome == 1.0 else "no"
        else:
            outcome = _plain_number(u.outcome)
        rows.append([u.unit_id, outcome,
                     *(_plain_number(u.context[c]) for c in inquiry.context_columns)])
    return header, rows


_CSV_HEADERS = {
    "grub-hub": ("family", "stayed together"),
    "child-nutrition": ("child", "weight-for-age z-score"),
}


def _plain_number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------------- shared helpers


class _Clock:
    """Fixed, increasing timestamps in the store's format (UTC, microseconds)."""

    def __init__(self, start: datetime):
        self.t = start

    def at(self, when: datetime | None = None, *, minutes: int = 3) -> str:
        """Move to ``when`` (or a few minutes on) and return the time as text."""
        self.t = when if when is not None else self.t + timedelta(minutes=minutes)
        return self.t.isoformat(timespec="microseconds") + "+00:00"


class _Log:
    """Builds a believable history, one entry per action, like the store writes it."""

    def __init__(self, clock: _Clock):
        self.clock = clock
        self.entries: list[HistoryEntry] = []

    def add(self, by: str, part: str, change: str, detail: dict | None = None, *,
            when: datetime | None = None, minutes: int = 3) -> str:
        at = self.clock.at(when, minutes=minutes)
        self.entries.append(HistoryEntry(at, by, part, change, detail or {},
                                         len(self.entries) + 1))
        return at


def _logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _first_friday(year: int, month: int) -> date:
    d = date(year, month, 1)
    return d + timedelta(days=(4 - d.weekday()) % 7)


def _sorted_parts(inquiry: Inquiry) -> Inquiry:
    """Put list parts in the order the store reads them back, so a stored example equals
    the built one (apart from the slug)."""
    inquiry.exceptions.sort(key=lambda e: e.unit_id)
    inquiry.practice_checks.sort(key=lambda c: (c.practice_id, c.unit_id))
    inquiry.progress.sort(key=lambda p: (p.date, p.id or 0))
    inquiry.reflections.sort(key=lambda r: (r.step, r.principle))
    return inquiry


def _start(log: _Log, by: str, title: str, people: list[tuple[str, str]]) -> list[Person]:
    """Log the start of the inquiry, then ``by`` adding each (name, role) to the group."""
    log.add(by, "inquiry", f"started the inquiry {title!r}", when=log.clock.t)
    group = [Person(name, role, number) for number, (name, role) in enumerate(people, 1)]
    for p in group:
        log.add(by, "group", f"added {p.name!r} ({ROLES[p.role]})", minutes=1)
    return group


def _expected_run(log: _Log, by: str, flagged: list[str], columns: list[str], model: str,
                  when: datetime) -> AnalysisRun:
    """``by`` running the "better than expected" method, which flagged ``flagged``."""
    at = log.add(by, "analysis", "ran expected", {"settings": {"threshold": 2.0}}, when=when)
    log.add(by, "exceptions", f"found {len(flagged)} candidates", {"units": flagged})
    return AnalysisRun(
        method="expected",
        settings={"circumstances": columns, "threshold": 2.0, "overdispersion": True,
                  "model": model},
        flagged=flagged, at=at, by=by, id=1,
    )


def _decisions(log: _Log, by: str, flagged: list[str], confirmed: list[str], candidate: str,
               scores: dict[str, float], notes: dict[str, str], *, first: datetime,
               minutes: int) -> list[ExceptionDecision]:
    """``by``'s decision on each flagged unit, logged with its note: ``candidate`` is left
    undecided, ``confirmed`` are confirmed, the others rejected."""
    exceptions: list[ExceptionDecision] = []
    for u in flagged:
        if u == candidate:
            exceptions.append(ExceptionDecision(u, "candidate", ["expected"], scores[u]))
            continue
        status = "confirmed" if u in confirmed else "rejected"
        at = log.add(by, "exceptions", f"marked {u!r} as {EXCEPTION_STATUSES[status]}",
                     {"unit_id": u, "status": status, "note": notes[u]},
                     when=first if u == flagged[0] else None, minutes=minutes)
        exceptions.append(ExceptionDecision(u, status, ["expected"], scores[u], notes[u], by,
                                            at))
    return exceptions


def _log_practices(log: _Log, by: str, practices: list[Practice], first: datetime) -> None:
    """``by`` adding the practices one after another, from ``first``."""
    for p in practices:
        log.add(by, "practices", f"added the practice {p.what!r}",
                when=first if p is practices[0] else None)


def _checks(units: list[Unit], practices: list[Practice], chance: Callable[[Unit, int], float],
            rng, unknown: float, asked: list[str]) -> list[PracticeCheck]:
    """A yes/no/unknown answer for every unit and practice, drawn with ``chance`` of yes.

    The ``asked`` units were asked in person: instead of "unknown" they answer yes when
    ``chance`` is at least a half."""
    out = []
    for u in units:
        for p in practices:
            draw_unknown, draw_yes = rng.random(), rng.random()
            if draw_unknown < unknown:
                if u.unit_id in asked:
                    value = "yes" if chance(u, p.id) >= 0.5 else "no"
                else:
                    value = "unknown"
            else:
                value = "yes" if draw_yes < chance(u, p.id) else "no"
            out.append(PracticeCheck(u.unit_id, p.id, value))
    return out


def _room_parts(log: _Log, by: str, answer: str, question: str,
                choices: list[str], counts: list[int]) -> dict:
    """What the group said from their phones: an answer taken as a note on step 2, and the
    vote on which practice to spread first (step 3), with their history lines."""
    at = log.add(by, "notes", "noted an answer from the room", minutes=2)
    opened = log.add(by, "room", f"put a vote to the room: {question!r}", minutes=1)
    closed = log.add(by, "room", "showed the vote's results", minutes=4)
    return {"notes": [StepNote(2, answer, by, at, "room", 1)],
            "polls": [Poll(question, choices, counts, opened, closed, True, 3, 1)]}


def _inquiry(name: str, log: _Log, **parts) -> Inquiry:
    """The example ``name`` from its parts, dated by its history."""
    inquiry = Inquiry(title=EXAMPLES[name], slug=name, created_at=log.entries[0].at,
                      updated_at=log.entries[-1].at, history=log.entries, **parts)
    return _sorted_parts(inquiry)


# ---------------------------------------------------------------------- Grub Hub


def _grub_hub() -> Inquiry:
    """Family break-up on an estate; the Huntingdon Grub Hub story from the method text."""
    import numpy as np

    rng = np.random.default_rng(20230131)
    log = _Log(_Clock(datetime(2023, 1, 12, 18, 30)))
    sam = "Sam (community worker, the 'midwife')"
    group = _start(log, sam, EXAMPLES["grub-hub"], [
        ("Dawn", "lived"), ("Lee", "lived"), ("Priya", "lived"), ("Marcus", "lived"),
        ("Jo", "lived"), (sam, "professional"), ("Helen (school family worker)", "professional"),
        ("Ray (runs the community café)", "other")])

    issue = Issue(
        statement=(
            f"{ILLUSTRATIVE} Families on our estate are breaking up, and it is causing "
            "problems with community safety and with our children's education."
        ),
        affects=(
            "Parents and children on the estate, most of all single parents on low incomes "
            "in rented homes; schools, neighbours and local services feel it too."
        ),
        why_it_matters=(
            "When a family breaks up the children often move school, miss lessons and lose "
            "friends, and the parent left at home loses support and struggles with money and "
            "with their mental health."
        ),
        wider_effects=(
            "Less community safety (more young people on the streets in the evening), falling "
            "attendance at school, and more families needing social care and mental-health "
            "services."
        ),
    )
    log.add("Dawn", "issue", "updated the burning issue", {"after": asdict(issue)},
            when=datetime(2023, 1, 19, 18, 45))

    measure = Measure(
        what=("The family stayed together (no separation, and no child moved out of the "
              "home in the last two years)"),
        unit_name="family",
        kind="yes_no",
        better="higher",
        source=("Illustrative: made-up answers to a short survey the parents ran at the school "
                "gate and the children's centre"),
        baseline_date="2023-01-31",
    )
    log.add("Lee", "measure", "updated the measure", {"after": asdict(measure)})

    # Circumstances: how hard life is for the family. The chance of staying together falls
    # with each hardship, so a family that stays together in the hardest circumstances
    # stands out as a positive exception.
    columns = ["income band", "housing", "children", "single parent"]
    incomes = ["lowest", "low", "middle"]
    housings = ["social rent", "private rent", "owner"]
    income_chances = {"yes": [0.6, 0.35, 0.05], "no": [0.25, 0.45, 0.3]}
    exceptions_at = [4, 15, 27, 38, 51]  # positions of the planted positive exceptions
    units: list[Unit] = []
    expected: dict[str, float] = {}
    for n in range(60):
        unit_id = f"F{n + 1:02d}"
        if n in exceptions_at:
            # Same circumstances as the families who struggle most.
            income, housing = "lowest", ["social rent", "private rent"][int(rng.integers(2))]
            children, single = int(rng.integers(2, 5)), "yes"
        else:
            # Single parents are more often on the lowest incomes.
            single = "yes" if rng.random() < 0.55 else "no"
            income = incomes[int(rng.choice(3, p=income_chances[single]))]
            housing = housings[int(rng.choice(3, p=[0.5, 0.3, 0.2]))]
            children = int(rng.integers(1, 6))
        score = (1.2 - 1.3 * (income == "lowest") - 0.5 * (income == "low")
                 - 0.6 * (housing == "private rent") + 0.4 * (housing == "owner")
                 - 0.3 * (children - 2) - 1.3 * (single == "yes"))
        p = _logistic(score)
        expected[unit_id] = p
        if n in exceptions_at:
            stayed = 1.0
        elif p < 0.35:
            stayed = 0.0  # nobody else manages in the hardest circumstances
        else:
            stayed = 1.0 if rng.random() < p else 0.0
        # Numbers in circumstances are floats, as the store gives them back.
        units.append(Unit(unit_id, stayed, None, None,
                          {"income band": income, "housing": housing, "children": float(children),
                           "single parent": single}))
    log.add("Lee", "units", "replaced the data with 60 units from grub-hub-units.csv",
            {"units": 60, "columns": columns}, when=datetime(2023, 2, 9, 18, 40))

    flagged = [f"F{n + 1:02d}" for n in exceptions_at]
    # Standardised (Pearson) residual of a yes against the expected chance.
    scores = {u: round((1 - expected[u]) / math.sqrt(expected[u] * (1 - expected[u])), 2)
              for u in flagged}
    run = _expected_run(log, sam, flagged, columns, "logistic regression",
                        datetime(2023, 2, 23, 19, 5))

    confirmed, rejected, candidate = flagged[:3], flagged[3], flagged[4]
    notes = {
        flagged[0]: ("Dawn knows the family: single mum, three children, the same flats as "
                     "ours. They eat together every evening and talk about the day."),
        flagged[1]: ("Confirmed by Helen: the children's attendance is good and mum says "
                     "tea at the table is 'the one thing we never skip'."),
        flagged[2]: ("Lee talked with dad: no outside help; they cook cheap meals together "
                     "and 'nobody leaves the table until everyone has said something'."),
        rejected: ("True but useless: the grandparents pay for a private nursery three days a "
                   "week and help with the rent. Other families do not have this help."),
    }
    exceptions = _decisions(log, "Dawn", flagged, confirmed, candidate, scores, notes,
                            first=datetime(2023, 3, 2, 18, 50), minutes=6)

    practices = [
        Practice("Eating together at the table most evenings",
                 "Phones away and the TV off; everyone sits down at the same time, even for "
                 "beans on toast.",
                 "The one time in the day the whole family is in one place, so small worries "
                 "are noticed before they grow.", "yes", confirmed[:], 1),
        Practice("Talking at the table about everyone's day",
                 "Each person says one good thing and one hard thing; the grown-ups listen "
                 "before they give advice.",
                 "Children and parents hear about trouble early, and feel listened to.",
                 "yes", confirmed[:], 2),
        Practice("Cooking one meal a week with the children",
                 "The children choose a cheap recipe and help to make it.",
                 "Time together with a job to do; the children are proud of it.",
                 "yes", confirmed[1:3], 3),
        Practice("Asking a neighbour for an hour's break before things boil over",
                 "A trusted neighbour has the children for an hour; the favour is returned.",
                 "A parent at the end of their tether gets a breather.",
                 "unsure", confirmed[2:], 4),
        Practice("Paying for a private nursery place",
                 "Grandparents pay for three days a week at a private nursery.",
                 "Gives the parent time to rest and work.", "no", [rejected], 5),
    ]
    _log_practices(log, "Priya", practices, datetime(2023, 3, 16, 18, 40))

    stayed = {u.unit_id for u in units if u.outcome == 1.0}
    yes_chance = {
        # practice -> (chance among confirmed exceptions, among families that stayed
        # together, among the rest): eating and talking together are far more common
        # among the positive exceptions.
        1: (1.0, 0.35, 0.15),
        2: (1.0, 0.3, 0.1),
        3: (0.75, 0.25, 0.15),
        4: (0.5, 0.3, 0.3),
        5: (0.0, 0.08, 0.02),
    }

    def chance(u: Unit, practice_id: int) -> float:
        if u.unit_id == rejected:
            return 1.0 if practice_id == 5 else 0.3
        if u.unit_id in confirmed:
            return yes_chance[practice_id][0]
        return yes_chance[practice_id][1 if u.unit_id in stayed else 2]

    # The group asked every confirmed exception in person.
    checks = _checks(units, practices, chance, rng, unknown=0.08, asked=confirmed)
    log.add("Jo", "practice_checks", f"recorded {len(checks)} practice checks",
            when=datetime(2023, 3, 23, 19, 0))

    actions = [
        Action(
            what="A monthly community evening with food and hands-on play for the whole family",
            leads=["Dawn", "Lee", "Priya"],
            when="The first Friday of every month, 5 to 7 pm, at the community centre, "
                 "from April 2023",
            publicity=("Through the parents' own networks, WhatsApp groups and a Facebook page; "
                       "the parents chose the name 'Grub Hub' and designed the posters."),
            professional_terms=("No brochures, no roadshows; professionals come as guests, eat "
                                "with the families and only offer advice when asked."),
            id=1,
        ),
        Action(
            what="'Table talk' cards and a cheap recipe to take home from each evening",
            leads=["Jo", "Marcus"],
            when="Handed out at every evening",
            publicity="At the evening, and in the school newsletter written by the parents",
            professional_terms=("Professionals may suggest a recipe; the parents choose and "
                                "write the cards."),
            id=2,
        ),
    ]
    log.add("Dawn", "actions", f"added the action {actions[0].what!r}",
            when=datetime(2023, 3, 30, 18, 35))
    log.add("Jo", "actions", f"added the action {actions[1].what!r}")

    # From the method text: 50 people came each month at the start, rising to the maximum
    # of 85, and 127 people were helped in the first 18 months.
    attendance = [50, 52, 55, 57, 60, 62, 65, 68, 70, 73, 75, 78, 80, 82, 84, 85, 85, 85]
    helped = [14, 11, 10, 9, 8, 8, 7, 7, 7, 6, 6, 6, 6, 6, 5, 4, 4, 3]
    baseline = sum(u.outcome for u in units) / len(units)
    progress_notes = {
        0: "First evening: 50 people came. Parents cooked; professionals ate with us.",
        2: "Two families put in touch with the credit union after talking over dinner.",
        5: ("Six months: re-asked the same families. More say they eat together most "
            "evenings."),
        8: "Ray's café gave the food at cost; a dad started a Lego table.",
        11: "One year: re-asked the families again.",
        15: "Reached 85, as many as the hall holds. Some people with mental-health worries "
            "found support without a referral.",
        17: ("18 months: re-asked the families. Sam has stepped back; the parents run it on "
             "their own."),
    }
    remeasured = {5: 0.04, 11: 0.08, 17: 0.12}
    progress = []
    for k in range(18):
        year, month = 2023 + (3 + k) // 12, (3 + k) % 12 + 1
        day = _first_friday(year, month).isoformat()
        outcome = round(baseline + remeasured[k], 2) if k in remeasured else None
        entry = ProgressEntry(day, outcome, attendance[k], helped[k],
                              progress_notes.get(k, ""), k + 1)
        progress.append(entry)
        log.add("Dawn" if k % 2 == 0 else "Lee", "progress", f"added progress for {day}",
                {"date": day, "outcome": outcome, "attendance": attendance[k],
                 "people_helped": helped[k], "note": entry.note},
                when=datetime.fromisoformat(day) + timedelta(hours=21, minutes=15))

    room = _room_parts(log, "Marcus", "The family by the shop eat together every night, phones "
                       "in a basket.", "Which practice should we spread first?",
                       [p.what for p in practices[:3]], [7, 3, 2])
    reflections = [
        Reflection(1, "about_me", "The parents chose the issue and the words for it; "
                                  "professionals listened first."),
        Reflection(1, "evidence", "We counted which families stayed together instead of "
                                  "going on impressions."),
        Reflection(1, "ownership", "Dawn and Lee ran the survey themselves at the school gate."),
        Reflection(2, "evidence", "Each positive exception was checked by someone who knows the "
                                  "family, and we wrote down why."),
        Reflection(2, "how", "We asked the families how they manage, not just what they do."),
        Reflection(2, "small", "The difference was small: a meal together and a talk."),
        Reflection(3, "act", "We started the evening before we had it all worked out, and "
                             "learned by doing."),
        Reflection(3, "ownership", "The parents named it, publicised it and set the terms for "
                                   "professionals."),
        Reflection(3, "about_me", "Professionals only give advice when asked."),
    ]
    for r in reflections:
        log.add("Jo" if r.step < 3 else "Marcus", "reflections",
                f"noted {PRINCIPLES[r.principle]!r} at step {r.step}",
                when=datetime(2024, 10, 10, 18, 30) if r is reflections[0] else None, minutes=2)

    return _inquiry(
        "grub-hub", log, **room, issue=issue, group=group, measure=measure, context_columns=columns,
        units=units, exceptions=exceptions, practices=practices, practice_checks=checks,
        actions=actions, progress=progress, reflections=reflections, analysis_runs=[run])


# ---------------------------------------------------------------------- child nutrition


def _child_nutrition() -> Inquiry:
    """Underweight children in poor households (the Vietnam story of positive deviance)."""
    import numpy as np

    rng = np.random.default_rng(20240315)
    log = _Log(_Clock(datetime(2024, 2, 20, 8, 30)))
    minh = "Minh (health volunteer)"
    group = _start(log, minh, EXAMPLES["child-nutrition"], [
        ("Lan", "lived"), ("Hoa", "lived"), ("Mai", "lived"), ("Thu", "lived"),
        ("Grandmother Nga", "lived"), (minh, "professional"),
        ("Dr Tuan (commune health post)", "professional"), ("Mr Hung (hamlet chief)", "other")])

    issue = Issue(
        statement=(
            f"{ILLUSTRATIVE} Many young children in the poorest households of our commune are "
            "underweight, even after food aid."
        ),
        affects=("Children under three in poor households, and the mothers and grandmothers "
                 "who feed them."),
        why_it_matters=("Underweight children fall ill more often, grow less and later do "
                        "worse at school."),
        wider_effects=("Sick children keep parents from work in the fields; the health post is "
                       "overloaded; gains from food aid disappear when the aid stops."),
    )
    log.add("Lan", "issue", "updated the burning issue", {"after": asdict(issue)},
            when=datetime(2024, 2, 27, 9, 0))

    measure = Measure(
        what=("Weight-for-age z-score of each child under three (below -2 means "
              "underweight)"),
        unit_name="child",
        kind="score",
        better="higher",
        source=("Illustrative: made-up weighing at the commune health post, scored against "
                "the WHO child growth standards"),
        baseline_date="2024-03-15",
    )
    log.add(minh, "measure", "updated the measure", {"after": asdict(measure)})

    columns = ["household income", "mother's education", "hamlet"]
    educations = ["none", "primary", "secondary"]
    hamlets = ["Hamlet 1", "Hamlet 2", "Hamlet 3", "Hamlet 4"]
    hamlet_effect = {"Hamlet 1": 0.1, "Hamlet 2": 0.0, "Hamlet 3": -0.1, "Hamlet 4": 0.0}
    exceptions_at = [7, 23, 38, 52, 69, 86]
    noise = 0.45
    units: list[Unit] = []
    residual: dict[str, float] = {}
    for n in range(100):
        unit_id = f"C{n + 1:03d}"
        if n in exceptions_at:
            # As poor as the poorest: low income, little schooling.
            income = int(rng.integers(16, 22)) * 50
            education = educations[int(rng.integers(2))]
        else:
            income = int(rng.integers(16, 51)) * 50  # thousand dong a month, 800 to 2,500
            education = educations[int(rng.choice(3, p=[0.3, 0.45, 0.25]))]
        hamlet = hamlets[int(rng.integers(4))]
        expected = (-2.5 + 0.35 * educations.index(education) + 0.0006 * (income - 1500)
                    + hamlet_effect[hamlet])
        extra = rng.normal(0, noise)
        if n in exceptions_at:
            extra = 1.6 + 0.4 * rng.random()  # far better than expected
        else:
            extra = max(min(extra, 1.5 * noise), -2.5 * noise)  # nobody else stands out
        waz = round(expected + extra, 2)
        residual[unit_id] = round((waz - expected) / noise, 2)
        units.append(Unit(unit_id, waz, None, None,
                          {"household income": float(income), "mother's education": education,
                           "hamlet": hamlet}))
    log.add(minh, "units", "replaced the data with 100 units from child-nutrition-units.csv",
            {"units": 100, "columns": columns}, when=datetime(2024, 3, 20, 9, 10))

    flagged = [f"C{n + 1:03d}" for n in exceptions_at]
    run = _expected_run(log, minh, flagged, columns, "linear regression",
                        datetime(2024, 3, 27, 9, 20))

    confirmed, rejected, candidate = flagged[:4], flagged[4], flagged[5]
    notes = {
        flagged[0]: ("Lan visited: the mother collects tiny shrimp and crabs from the paddy "
                     "and mixes them into the rice; the child eats four times a day."),
        flagged[1]: ("Hoa visited: sweet-potato greens in the soup, and hands washed before "
                     "every meal. No money from outside."),
        flagged[2]: ("Grandmother Nga feeds the child small meals through the day, even when "
                     "the mother is in the fields."),
        flagged[3]: ("Mai visited: shrimp and greens added to the rice; the child is fed even "
                     "when it has diarrhoea."),
        rejected: ("True but useless: an uncle working abroad sends money and the family buys "
                   "formula milk and vitamins. Other families cannot do this."),
    }
    exceptions = _decisions(log, "Lan", flagged, confirmed, candidate, residual, notes,
                            first=datetime(2024, 4, 3, 9, 0), minutes=7)

    practices = [
        Practice("Adding tiny shrimp, crabs or snails from the rice paddies to the child's rice",
                 "Collected in the paddy after work, pounded and cooked with the rice.",
                 "Protein that costs nothing; most families think it is not food for small "
                 "children.", "yes", [confirmed[0], confirmed[1], confirmed[3]], 1),
        Practice("Adding sweet-potato greens to the child's food",
                 "Greens from the garden chopped small into the soup or rice.",
                 "Free vitamins; usually thought of as poor people's food.", "yes",
                 [confirmed[1], confirmed[3]], 2),
        Practice("Feeding the child four or five small meals a day, not two",
                 "Whoever stays at home gives a small bowl in the morning, at noon and in the "
                 "afternoon.",
                 "A small stomach cannot take a day's food in two meals.", "yes",
                 [confirmed[0], confirmed[2]], 3),
        Practice("Washing hands before eating",
                 "The carer's and the child's hands, with soap or ash, before every meal.",
                 "Fewer bouts of diarrhoea, which take away what the child has gained.", "yes",
                 confirmed[:], 4),
        Practice("Buying vitamin supplements and formula milk at the market",
                 "Bought every week with money sent from abroad.",
                 "Extra nutrients, but most families cannot pay for them.", "no", [rejected], 5),
    ]
    _log_practices(log, "Hoa", practices, datetime(2024, 4, 10, 9, 0))

    yes_chance = {1: (1.0, 0.1), 2: (0.9, 0.15), 3: (0.85, 0.2), 4: (0.9, 0.3), 5: (0.0, 0.04)}

    def chance(u: Unit, practice_id: int) -> float:
        if u.unit_id == rejected:
            return 1.0 if practice_id == 5 else 0.2
        if u.unit_id in confirmed or u.unit_id == candidate:
            return yes_chance[practice_id][0]
        return yes_chance[practice_id][1]

    checks = _checks(units, practices, chance, rng, unknown=0.1, asked=confirmed)
    log.add("Thu", "practice_checks", f"recorded {len(checks)} practice checks",
            when=datetime(2024, 4, 17, 9, 30))

    actions = [
        Action(
            what=("Twelve-day cooking sessions where mothers cook together with the shrimp, "
                  "crabs and sweet-potato greens they collect themselves"),
            leads=["Lan", "Hoa", "Grandmother Nga"],
            when="Every morning for twelve days each month, in each hamlet in turn, from May "
                 "2024",
            publicity=("Mothers invite their neighbours door to door; the hamlet loudspeaker "
                       "announces the sessions."),
            professional_terms=("Health volunteers weigh the children and answer questions; "
                                "they do not bring food or give talks."),
            id=1,
        ),
        Action(
            what="Monthly weighing in each hamlet, with a chart everyone can see",
            leads=["Mai", minh],
            when="The 15th of every month",
            publicity="Announced at the cooking sessions",
            professional_terms="The health post lends the scales; mothers read out the results.",
            id=2,
        ),
    ]
    log.add("Lan", "actions", f"added the action {actions[0].what!r}",
            when=datetime(2024, 4, 24, 9, 0))
    log.add("Mai", "actions", f"added the action {actions[1].what!r}")

    # Re-weighing results: the average z-score of the same children rising from the baseline.
    baseline = sum(u.outcome for u in units) / len(units)
    schedule = [
        ("2024-05-15", 0.05, 18, 4, "First round of cooking sessions; 18 mothers came."),
        ("2024-06-15", 0.12, 22, 6, "Re-weighed: most children who came gained weight."),
        ("2024-07-15", 0.2, 25, 7, "Grandmothers started coming too."),
        ("2024-09-15", 0.31, 27, 9, "Hamlet 3 started its own sessions."),
        ("2024-12-15", 0.42, 30, 11, "Re-weighed all children in the commune."),
        ("2025-03-15", 0.5, 31, 12, "One year on: sessions run by mothers without the "
                                    "health volunteer."),
    ]
    progress = []
    for k, (day, gain, came, helped, note) in enumerate(schedule):
        outcome = round(baseline + gain, 2)
        progress.append(ProgressEntry(day, outcome, came, helped, note, k + 1))
        log.add(minh if k % 2 else "Mai", "progress", f"added progress for {day}",
                {"date": day, "outcome": outcome, "attendance": came, "people_helped": helped,
                 "note": note},
                when=datetime.fromisoformat(day) + timedelta(hours=11))

    room = _room_parts(log, "Thu", "My neighbour's girl eats four small meals a day, not two.",
                       "Which practice should we spread first?",
                       [p.what for p in practices[:3]], [9, 5, 4])
    reflections = [
        Reflection(1, "about_me", "Mothers and grandmothers decided what to measure with the "
                                  "health volunteer, not for them."),
        Reflection(1, "evidence", "Every child was weighed; we did not guess who was "
                                  "underweight."),
        Reflection(2, "how", "We watched how the mothers feed their children, at home, at "
                             "meal times."),
        Reflection(2, "small", "Small differences: a handful of shrimp, greens, an extra "
                               "meal."),
        Reflection(2, "evidence", "Each exception was visited and the reason written down."),
        Reflection(3, "act", "Mothers cook the new way together rather than hear a talk about "
                             "it."),
        Reflection(3, "ownership", "The sessions are run by mothers; the health post lends the "
                                   "scales."),
    ]
    for r in reflections:
        log.add("Thu", "reflections", f"noted {PRINCIPLES[r.principle]!r} at step {r.step}",
                when=datetime(2025, 3, 20, 9, 0) if r is reflections[0] else None, minutes=2)

    return _inquiry(
        "child-nutrition", log, **room, issue=issue, group=group, measure=measure,
        context_columns=columns, units=units, exceptions=exceptions, practices=practices,
        practice_checks=checks, actions=actions, progress=progress, reflections=reflections,
        analysis_runs=[run])
