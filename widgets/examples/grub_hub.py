"""The Grub Hub example: family break-up on an estate, from the method text (illustrative)."""

from __future__ import annotations

import math
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
    first_friday,
    log_practices,
    logistic,
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
NAME = "grub-hub"
TITLE = "Grub Hub (illustrative)"
#: The id and outcome columns' headings in the example as a spreadsheet.
CSV_HEADERS = ("family", "stayed together")


def build() -> Inquiry:
    """Family break-up on an estate; the Huntingdon Grub Hub story from the method text."""
    import numpy as np

    rng = np.random.default_rng(20230131)
    log = Log(Clock(datetime(2023, 1, 12, 18, 30)))
    sam = "Sam (community worker, the 'midwife')"
    group = start(log, sam, TITLE, [
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
        p = logistic(score)
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
    run = expected_run(log, sam, flagged, columns, "logistic regression",
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
    exceptions = decisions(log, "Dawn", flagged, confirmed, candidate, scores, notes,
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
    log_practices(log, "Priya", practices, datetime(2023, 3, 16, 18, 40))

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
    checks = draw_checks(units, practices, chance, rng, unknown=0.08, asked=confirmed)
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
        day = first_friday(year, month).isoformat()
        outcome = round(baseline + remeasured[k], 2) if k in remeasured else None
        entry = ProgressEntry(day, outcome, attendance[k], helped[k],
                              progress_notes.get(k, ""), k + 1)
        progress.append(entry)
        log.add("Dawn" if k % 2 == 0 else "Lee", "progress", f"added progress for {day}",
                {"date": day, "outcome": outcome, "attendance": attendance[k],
                 "people_helped": helped[k], "note": entry.note},
                when=datetime.fromisoformat(day) + timedelta(hours=21, minutes=15))

    room = room_parts(log, "Marcus", "The family by the shop eat together every night, phones "
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

    return finish(
        NAME, TITLE, log, **room, issue=issue, group=group, measure=measure,
        context_columns=columns, units=units, exceptions=exceptions, practices=practices,
        practice_checks=checks, actions=actions, progress=progress, reflections=reflections,
        analysis_runs=[run])
