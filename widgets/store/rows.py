"""Rows of an inquiry's parts: unique slugs, numbered rows (the next number, one changed
or removed, or :class:`NotFound`), and :class:`Numbered`, the description of a part the
group adds, changes and removes row by row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection

from widgets import model
from widgets.errors import PersonError
from widgets.model import ModelError
from widgets.store import schema as s
from widgets.store.values import MAX_INTEGER


class NotFound(PersonError, LookupError):
    """No inquiry (or part) with that name."""


CHILD_TABLES = (s.people, s.unit_tables, s.exceptions, s.practices, s.practice_checks, s.actions,
                 s.progress, s.reflections, s.analysis_runs, s.history, *s.V3_TABLES)


def unique_slug(conn: Connection, wanted: str) -> str:
    wanted = model.slugify(wanted)
    taken = {r[0] for r in conn.execute(
        select(s.inquiries.c.slug).where(s.inquiries.c.slug.like(f"{wanted}%")))}
    if wanted not in taken:
        return wanted
    n = 2
    while f"{wanted}-{n}" in taken:
        n += 1
    return f"{wanted}-{n}"


def next_number(conn: Connection, table, iid: int) -> int:
    last = conn.execute(select(func.max(table.c.number)).where(table.c.inquiry_id == iid)).scalar()
    return (last or 0) + 1


def _folded(text: str) -> str:
    """Text compared for sameness: case and runs of spaces do not matter."""
    return " ".join(str(text or "").split()).casefold()


def no_duplicate(conn, table, iid: int, what: str, kind: str,
                  number: int | None = None) -> None:
    """A plain ModelError when another practice/action of the inquiry already says ``what``
    (``number``: the one being changed, which may keep its own words)."""
    wanted = _folded(what)
    if not wanted:
        return
    for other, text in conn.execute(select(table.c.number, table.c.what)
                                    .where(table.c.inquiry_id == iid)):
        if other != number and _folded(text) == wanted:
            raise ModelError(f"There is already {kind} called “{' '.join(str(text).split())}”; "
                             "change that one instead.")


def update_one(conn: Connection, table, iid: int, number: int, values: dict, what: str) -> None:
    if not values:
        return
    done = conn.execute(update(table).where(table.c.inquiry_id == iid, table.c.number == number)
                        .values(**values)).rowcount
    if not done:
        raise NotFound(f"There is no {what} number {number}.")


def delete_one(conn: Connection, table, iid: int, number: int, what: str) -> None:
    done = conn.execute(delete(table).where(table.c.inquiry_id == iid,
                                            table.c.number == number)).rowcount
    if not done:
        raise NotFound(f"There is no {what} number {number}.")


def insert_numbered(conn: Connection, table, iid: int, items: list, values) -> None:
    if not items:
        return
    rows = []
    used: set[int] = set()
    for n, item in enumerate(items, start=1):
        number = item.id if getattr(item, "id", None) else n
        if not isinstance(number, int) or not 0 < number <= MAX_INTEGER:
            raise ModelError(f"The number {number!r} of a {table.name} row is too large "
                             "(or not a whole number above 0).")
        while number in used:
            number += 1
        used.add(number)
        rows.append(dict(inquiry_id=iid, number=number, **values(item)))
    conn.execute(insert(table), rows)


@dataclass(frozen=True)
class Numbered:
    """A part of an inquiry kept as numbered rows that the group adds, changes and removes
    one at a time (the people, practices, actions and progress entries): the one copy of
    how that is done, in ``Transactions._add_numbered`` and its two siblings
    (``widgets.store.transactions``)."""

    #: Its table (with ``inquiry_id`` and ``number``).
    table: Any
    #: The history entry's part.
    part: str
    #: One row, as messages and the history name it ("There is no practice number 3.").
    noun: str
    #: Refuses values another row already has: ``(conn, iid, values, number)``, where
    #: ``number`` is the row being changed (None when adding).
    check: Callable[[Connection, int, dict, int | None], None] | None = None
    #: Removes what goes with a removed row: ``(conn, iid, number)``.
    also_remove: Callable[[Connection, int, int], None] | None = None
