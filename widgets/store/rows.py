"""Rows of an inquiry's parts: unique slugs, numbered rows (the next number, one changed
or removed, or :class:`NotFound`), and :class:`Numbered`, the description of a part the
group adds, changes and removes row by row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Integer, bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Executable

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


# The statements of an edit are built once per table and set of columns, with their values
# as bound parameters: building a statement again costs more CPU than sending it (its cache
# key is worked out anew each time), and an edit's Python was most of a busy server's CPU.
# Parameter names: ``w_<column>`` in the WHERE clause, ``v_<column>`` for the values. The
# caches stay small: their keys are tables and column names written in the code.


def _where(table, names: tuple[str, ...]) -> list:
    return [table.c[n] == bindparam(f"w_{n}", type_=table.c[n].type) for n in names]


def _params(where: dict[str, Any], values: dict[str, Any] | None = None) -> dict[str, Any]:
    params = {f"w_{n}": v for n, v in where.items()}
    for n, v in (values or {}).items():
        params[f"v_{n}"] = v
    return params


@cache
def update_statement(table, where: tuple[str, ...], values: tuple[str, ...]) -> Executable:
    """``UPDATE table SET values… WHERE where… (=)``, built once (see :func:`update_where`)."""
    return update(table).where(*_where(table, where)).values(
        {n: bindparam(f"v_{n}", type_=table.c[n].type) for n in values})


@cache
def delete_statement(table, where: tuple[str, ...]) -> Executable:
    """``DELETE FROM table WHERE where… (=)``, built once (see :func:`delete_where`)."""
    return delete(table).where(*_where(table, where))


@cache
def insert_statement(table) -> Executable:
    """``INSERT INTO table``, built once; the columns are the keys of the values given."""
    return insert(table)


def update_where(conn: Connection, table, where: dict[str, Any],
                 values: dict[str, Any]) -> int:
    """Set ``values`` in the rows of ``table`` whose columns equal ``where``; returns how
    many rows changed."""
    statement = update_statement(table, tuple(where), tuple(values))
    return conn.execute(statement, _params(where, values)).rowcount


def delete_where(conn: Connection, table, where: dict[str, Any]) -> int:
    """Delete the rows of ``table`` whose columns equal ``where``; returns how many."""
    return conn.execute(delete_statement(table, tuple(where)), _params(where)).rowcount


@cache
def _insert_next_statement(table, names: tuple[str, ...]) -> Executable:
    iid = bindparam("w_inquiry_id", type_=Integer)
    picked = select(iid, func.coalesce(func.max(table.c.number), 0) + 1,
                    *(bindparam(f"v_{n}", type_=table.c[n].type) for n in names)
                    ).where(table.c.inquiry_id == iid)
    return (insert(table).from_select(["inquiry_id", "number", *names], picked)
            .returning(table.c.number))


def insert_next(conn: Connection, table, iid: int, values: dict[str, Any]) -> int:
    """Add a row to ``table`` with the inquiry's next number; returns the number.

    One statement (``INSERT … SELECT max(number) + 1 … RETURNING``): on PostgreSQL every
    round trip of an edit is a wait for the server, and under the inquiry's lock (taken by
    ``Transactions._write``) no other writer can take the same number in between.
    """
    statement = _insert_next_statement(table, tuple(values))
    return conn.execute(statement, _params({"inquiry_id": iid}, values)).scalar_one()


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
    """Change row ``number`` of the inquiry in ``table`` (NotFound, naming ``what``, when
    there is none)."""
    if not values:
        return
    if not update_where(conn, table, {"inquiry_id": iid, "number": number}, values):
        raise NotFound(f"There is no {what} number {number}.")


def delete_one(conn: Connection, table, iid: int, number: int, what: str) -> None:
    """Remove row ``number`` of the inquiry from ``table`` (NotFound, naming ``what``, when
    there is none)."""
    if not delete_where(conn, table, {"inquiry_id": iid, "number": number}):
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
