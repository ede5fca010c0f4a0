"""The 60-pupil file of issue 9: a spreadsheet saved on a German Windows computer.

Semicolons between values, Windows-1252 text (umlauts and ß in the pupils' names), and the
columns ``Schüler`` (the pupils' real names), ``free school meals`` (yes/no), ``estate`` and
``has a plan`` (yes/no). With the measure "Pupils who have a plan", the outcome is
``has a plan``; ``free school meals`` and ``estate`` are circumstances; the names are private.
"""

from __future__ import annotations

from widgets.model import Measure

FIRST = ["Jürgen", "Anna", "Jörg", "Käthe", "Björn", "Özlem"]
LAST = ["Müller", "Schäfer", "Groß", "Köhler", "Weiß", "Krüger", "Bäcker", "Fuchs",
        "Schröder", "Hoffmann"]
ESTATES = ["Northfield", "Riverside", "Castle Hill"]
COLUMNS = ["Schüler", "free school meals", "estate", "has a plan"]
MEASURE = Measure(what="Pupils who have a plan", unit_name="pupil", kind="yes_no",
                  better="higher")


def names() -> list[str]:
    """The 60 pupils' names, all different, in file order."""
    return [f"{first} {last}" for last in LAST for first in FIRST]


def has_plan(i: int) -> bool:
    """Whether pupil ``i`` (0-based) has a plan: 15 of the 60."""
    return i % 4 == 1


def free_meals(i: int) -> bool:
    """Whether pupil ``i`` has free school meals: 20 of the 60."""
    return i % 3 == 0


def pupils_csv(yes: str = "yes", no: str = "no", plan_words: tuple[str, str] | None = None,
               encoding: str = "cp1252") -> bytes:
    """The file's bytes. ``yes``/``no`` are the words in both yes/no columns;
    ``plan_words`` (yes, no) gives the ``has a plan`` column other words."""
    plan_yes, plan_no = plan_words or (yes, no)
    rows = [";".join(COLUMNS)]
    for i, name in enumerate(names()):
        rows.append(";".join([name, yes if free_meals(i) else no, ESTATES[i % 3],
                              plan_yes if has_plan(i) else plan_no]))
    return ("\r\n".join(rows) + "\r\n").encode(encoding)
