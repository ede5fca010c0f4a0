"""The parts every example is built from: fixed timestamps, a history written one entry per
action (as the store writes it), and the steps every example goes through (starting the group,
running "better than expected", deciding on exceptions, checking practices)."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime, timedelta

from widgets.model import (
    EXCEPTION_STATUSES,
    ROLES,
    AnalysisRun,
    ExceptionDecision,
    HistoryEntry,
    Inquiry,
    Person,
    Poll,
    Practice,
    PracticeCheck,
    StepNote,
    Unit,
)

#: The first words of every example's issue statement.
ILLUSTRATIVE = "Illustrative example: made-up data, based on the method text."


class Clock:
    """Fixed, increasing timestamps in the store's format (UTC, microseconds)."""

    def __init__(self, start: datetime):
        self.t = start

    def at(self, when: datetime | None = None, *, minutes: int = 3) -> str:
        """Move to ``when`` (or a few minutes on) and return the time as text."""
        self.t = when if when is not None else self.t + timedelta(minutes=minutes)
        return self.t.isoformat(timespec="microseconds") + "+00:00"


class Log:
    """Builds a believable history, one entry per action, like the store writes it."""

    def __init__(self, clock: Clock):
        self.clock = clock
        self.entries: list[HistoryEntry] = []

    def add(self, by: str, part: str, change: str, detail: dict | None = None, *,
            when: datetime | None = None, minutes: int = 3) -> str:
        at = self.clock.at(when, minutes=minutes)
        self.entries.append(HistoryEntry(at, by, part, change, detail or {},
                                         len(self.entries) + 1))
        return at


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def first_friday(year: int, month: int) -> date:
    d = date(year, month, 1)
    return d + timedelta(days=(4 - d.weekday()) % 7)


def sorted_parts(inquiry: Inquiry) -> Inquiry:
    """Put list parts in the order the store reads them back, so a stored example equals
    the built one (apart from the slug)."""
    inquiry.exceptions.sort(key=lambda e: e.unit_id)
    inquiry.practice_checks.sort(key=lambda c: (c.practice_id, c.unit_id))
    inquiry.progress.sort(key=lambda p: (p.date, p.id or 0))
    inquiry.reflections.sort(key=lambda r: (r.step, r.principle))
    return inquiry


def start(log: Log, by: str, title: str, people: list[tuple[str, str]]) -> list[Person]:
    """Log the start of the inquiry, then ``by`` adding each (name, role) to the group."""
    log.add(by, "inquiry", f"started the inquiry {title!r}", when=log.clock.t)
    group = [Person(name, role, number) for number, (name, role) in enumerate(people, 1)]
    for p in group:
        log.add(by, "group", f"added {p.name!r} ({ROLES[p.role]})", minutes=1)
    return group


def expected_run(log: Log, by: str, flagged: list[str], columns: list[str], model: str,
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


def decisions(log: Log, by: str, flagged: list[str], confirmed: list[str], candidate: str,
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


def log_practices(log: Log, by: str, practices: list[Practice], first: datetime) -> None:
    """``by`` adding the practices one after another, from ``first``."""
    for p in practices:
        log.add(by, "practices", f"added the practice {p.what!r}",
                when=first if p is practices[0] else None)


def draw_checks(units: list[Unit], practices: list[Practice], chance: Callable[[Unit, int], float],
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


def room_parts(log: Log, by: str, answer: str, question: str,
               choices: list[str], counts: list[int]) -> dict:
    """What the group said from their phones: an answer taken as a note on step 2, and the
    vote on which practice to spread first (step 3), with their history lines."""
    at = log.add(by, "notes", "noted an answer from the room", minutes=2)
    opened = log.add(by, "room", f"put a vote to the room: {question!r}", minutes=1)
    closed = log.add(by, "room", "showed the vote's results", minutes=4)
    return {"notes": [StepNote(2, answer, by, at, "room", 1)],
            "polls": [Poll(question, choices, counts, opened, closed, True, 3, 1)]}


def finish(name: str, title: str, log: Log, **parts) -> Inquiry:
    """The example ``name`` (shown as ``title``) from its parts, dated by its history."""
    inquiry = Inquiry(title=title, slug=name, created_at=log.entries[0].at,
                      updated_at=log.entries[-1].at, history=log.entries, **parts)
    return sorted_parts(inquiry)
