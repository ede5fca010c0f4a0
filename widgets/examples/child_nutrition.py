"""The child nutrition example: underweight children in poor households, the Vietnam story
of positive deviance (illustrative)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta

from widgets.examples.building import (
    ILLUSTRATIVE,
    Clock,
    Log,
    decisions,
    draw_checks,
    expected_run,
    finish,
    log_practices,
    room_parts,
    start,
)
from widgets.model import (
    PRINCIPLES,
    Action,
    Inquiry,
    Issue,
    Measure,
    Practice,
    ProgressEntry,
    Reflection,
    Unit,
)

#: The example's name (its slug) and title shown to people.
NAME = "child-nutrition"
TITLE = "Child nutrition (illustrative)"
#: The id and outcome columns' headings in the example as a spreadsheet.
CSV_HEADERS = ("child", "weight-for-age z-score")


def build() -> Inquiry:
    """Underweight children in poor households (the Vietnam story of positive deviance)."""
    import numpy as np

    rng = np.random.default_rng(20240315)
    log = Log(Clock(datetime(2024, 2, 20, 8, 30)))
    minh = "Minh (health volunteer)"
    group = start(log, minh, TITLE, [
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
    run = expected_run(log, minh, flagged, columns, "linear regression",
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
    exceptions = decisions(log, "Lan", flagged, confirmed, candidate, residual, notes,
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
    log_practices(log, "Hoa", practices, datetime(2024, 4, 10, 9, 0))

    yes_chance = {1: (1.0, 0.1), 2: (0.9, 0.15), 3: (0.85, 0.2), 4: (0.9, 0.3), 5: (0.0, 0.04)}

    def chance(u: Unit, practice_id: int) -> float:
        if u.unit_id == rejected:
            return 1.0 if practice_id == 5 else 0.2
        if u.unit_id in confirmed or u.unit_id == candidate:
            return yes_chance[practice_id][0]
        return yes_chance[practice_id][1]

    checks = draw_checks(units, practices, chance, rng, unknown=0.1, asked=confirmed)
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

    room = room_parts(log, "Thu", "My neighbour's girl eats four small meals a day, not two.",
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

    return finish(
        NAME, TITLE, log, **room, issue=issue, group=group, measure=measure,
        context_columns=columns, units=units, exceptions=exceptions, practices=practices,
        practice_checks=checks, actions=actions, progress=progress, reflections=reflections,
        analysis_runs=[run])
