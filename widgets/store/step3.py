"""Step 3 in the store: the practices found, the practice checks (who does what), the
group's actions and the progress measured after the baseline."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from widgets.model import (
    ACCESSIBILITY,
    CHECK_VALUES,
    Action,
    ModelError,
    Practice,
    PracticeCheck,
    ProgressEntry,
)
from widgets.store import schema as s
from widgets.store.rows import Numbered, no_duplicate
from widgets.store.transactions import Transactions
from widgets.store.units import stored_unit_ids
from widgets.store.values import checked_choice, checked_number, checked_text, dumps


class PracticesAndActions(Transactions):
    """Practices, practice checks, actions and progress."""

    def add_practice(self, slug: str, practice: Practice, *, by: str = "facilitator") -> int:
        """Record a practice; returns its number."""
        values = practice_values(practice)
        return self._add_numbered(PRACTICES, slug, values,
                                  f"added the practice {values['what']!r}", by)

    def update_practice(self, slug: str, number: int, practice: Practice, *,
                        by: str = "facilitator") -> None:
        """Change a practice."""
        values = practice_values(practice)
        self._update_numbered(PRACTICES, slug, number, values,
                              f"changed the practice {values['what']!r}", by)

    def remove_practice(self, slug: str, number: int, *, by: str = "facilitator") -> None:
        """Remove a practice and its checks."""
        self._remove_numbered(PRACTICES, slug, number, by)

    def set_practice_checks(self, slug: str, checks: Iterable[PracticeCheck], *,
                            by: str = "facilitator") -> None:
        """Set many cells of the practice-check grid in one action."""
        checks = list(checks)
        for c in checks:
            checked_choice(c.value, CHECK_VALUES, "The answer")
        with self._write(slug, "practice_checks", f"recorded {len(checks)} practice checks",
                         by) as (conn, iid):
            known_units = stored_unit_ids(conn, iid)
            known_practices = {r[0] for r in conn.execute(
                select(s.practices.c.number).where(s.practices.c.inquiry_id == iid))}
            for c in checks:
                if c.unit_id not in known_units:
                    raise ModelError(f"There is no unit called {c.unit_id!r}.")
                if c.practice_id not in known_practices:
                    raise ModelError(f"There is no practice number {c.practice_id}.")
                conn.execute(delete(s.practice_checks).where(
                    s.practice_checks.c.inquiry_id == iid,
                    s.practice_checks.c.unit_id == c.unit_id,
                    s.practice_checks.c.practice_id == c.practice_id))
                if c.value != "unknown":
                    conn.execute(insert(s.practice_checks).values(
                        inquiry_id=iid, unit_id=c.unit_id, practice_id=c.practice_id,
                        value=c.value))

    def add_action(self, slug: str, action: Action, *, by: str = "facilitator") -> int:
        """Record what the group will do; returns its number."""
        values = action_values(action)
        return self._add_numbered(ACTIONS, slug, values,
                                  f"added the action {values['what']!r}", by)

    def update_action(self, slug: str, number: int, action: Action, *,
                      by: str = "facilitator") -> None:
        """Change an action."""
        values = action_values(action)
        self._update_numbered(ACTIONS, slug, number, values,
                              f"changed the action {values['what']!r}", by)

    def remove_action(self, slug: str, number: int, *, by: str = "facilitator") -> None:
        """Remove an action."""
        self._remove_numbered(ACTIONS, slug, number, by)

    def add_progress(self, slug: str, entry: ProgressEntry, *, by: str = "facilitator") -> int:
        """Record a dated measurement after the baseline; returns its number."""
        values = progress_values(entry)
        return self._add_numbered(PROGRESS, slug, values,
                                  f"added progress for {values['date']}", by, values)

    def update_progress(self, slug: str, number: int, entry: ProgressEntry, *,
                        by: str = "facilitator") -> None:
        """Change a progress entry."""
        values = progress_values(entry)
        self._update_numbered(PROGRESS, slug, number, values,
                              f"changed progress for {values['date']}", by, values)

    def remove_progress(self, slug: str, number: int, *, by: str = "facilitator") -> None:
        """Remove a progress entry."""
        self._remove_numbered(PROGRESS, slug, number, by)


def _remove_checks(conn: Connection, iid: int, number: int) -> None:
    """A removed practice's checks go with it."""
    conn.execute(delete(s.practice_checks).where(
        s.practice_checks.c.inquiry_id == iid, s.practice_checks.c.practice_id == number))


PRACTICES = Numbered(
    s.practices, "practices", "practice", also_remove=_remove_checks,
    check=lambda conn, iid, values, number: no_duplicate(
        conn, s.practices, iid, values["what"], "a practice", number))


ACTIONS = Numbered(
    s.actions, "actions", "action",
    check=lambda conn, iid, values, number: no_duplicate(
        conn, s.actions, iid, values["what"], "an action", number))


PROGRESS = Numbered(s.progress, "progress", "progress entry")


def practice_values(p: Practice) -> dict[str, Any]:
    return dict(
        what=checked_text(p.what, "What they do", required=True, limit=2000),
        how=checked_text(p.how, "How they do it"),
        why=checked_text(p.why, "Why it seems to help"),
        accessible=checked_choice(p.accessible, ACCESSIBILITY, "Could anyone do it"),
        from_units=dumps([checked_text(u, "A unit", limit=200) for u in p.from_units]),
    )


def action_values(a: Action) -> dict[str, Any]:
    return dict(
        what=checked_text(a.what, "What the group will do", required=True, limit=2000),
        leads=dumps([checked_text(x, "A lead", limit=200) for x in a.leads]),
        timing=checked_text(a.when, "When"),
        publicity=checked_text(a.publicity, "How it is publicised"),
        professional_terms=checked_text(a.professional_terms, "The terms for professionals"),
    )


def progress_values(p: ProgressEntry) -> dict[str, Any]:
    date = checked_text(p.date, "The date", required=True, limit=40).strip()
    try:
        datetime.fromisoformat(date)
    except ValueError:
        raise ModelError("The date must look like 2026-03-31.") from None
    attendance = checked_number(p.attendance, "Attendance", integer=True)
    helped = checked_number(p.people_helped, "People helped", integer=True)
    if (attendance is not None and attendance < 0) or (helped is not None and helped < 0):
        raise ModelError("Counts of people cannot be negative.")
    return dict(date=date, outcome=checked_number(p.outcome, "The measure"), attendance=attendance,
                people_helped=helped, note=checked_text(p.note, "The note"))
