"""Step 1 in the store, apart from the units (``units``): the burning issue, the measure
and the group."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from widgets.model import DIRECTIONS, MEASURE_KINDS, ROLES, Issue, Measure, ModelError
from widgets.store import schema as s
from widgets.store.rows import Numbered, update_where
from widgets.store.transactions import Transactions
from widgets.store.units import check_kind_change, load_frame, stored_kind
from widgets.store.values import checked_choice, checked_text


class IssueAndGroup(Transactions):
    """The burning issue, the measure and the people in the group."""

    def set_issue(self, slug: str, issue: Issue, *, by: str = "facilitator") -> None:
        """Save the burning issue (all four fields at once)."""
        values = {
            "issue_statement": checked_text(issue.statement, "The issue"),
            "issue_affects": checked_text(issue.affects, "Who it affects"),
            "issue_why_it_matters": checked_text(issue.why_it_matters, "Why it matters"),
            "issue_wider_effects": checked_text(issue.wider_effects, "The wider effects"),
        }
        with self._write(slug, "issue", "updated the burning issue", by,
                         {"after": asdict(issue)}) as (conn, iid):
            update_where(conn, s.inquiries, {"id": iid}, values)

    def set_measure(self, slug: str, measure: Measure, *, by: str = "facilitator") -> None:
        """Save how the issue is measured."""
        values = {
            "measure_what": checked_text(measure.what, "What is measured"),
            "measure_unit_name": checked_text(measure.unit_name, "The unit", limit=100),
            "measure_kind": checked_choice(measure.kind, MEASURE_KINDS, "The kind of measure"),
            "measure_better": checked_choice(measure.better, DIRECTIONS, "Which way is better"),
            "measure_source": checked_text(measure.source, "Where the numbers come from"),
            "measure_baseline_date": checked_text(measure.baseline_date, "The baseline date",
                                                  limit=40),
        }
        with self._write(slug, "measure", "updated the measure", by,
                         {"after": asdict(measure)}) as (conn, iid):
            kind = values["measure_kind"]
            if kind != stored_kind(conn, iid):
                # The outcomes stay as they are: they must mean something of the new kind.
                check_kind_change(load_frame(conn, iid)[0], kind)
            update_where(conn, s.inquiries, {"id": iid}, values)

    def add_person(self, slug: str, name: str, role: str = "lived", *,
                   by: str = "facilitator") -> int:
        """Add someone to the group; returns their number. Names must be unique."""
        name = checked_text(name, "The name", required=True, limit=200).strip()
        role = checked_choice(role, ROLES, "The role")
        return self._add_numbered(PEOPLE, slug, {"name": name, "role": role},
                                  f"added {name!r} ({ROLES[role]})", by)

    def update_person(self, slug: str, number: int, *, name: str | None = None,
                      role: str | None = None, by: str = "facilitator") -> None:
        """Change someone's name or role."""
        values: dict[str, Any] = {}
        if name is not None:
            values["name"] = checked_text(name, "The name", required=True, limit=200).strip()
        if role is not None:
            values["role"] = checked_choice(role, ROLES, "The role")
        self._update_numbered(PEOPLE, slug, number, values, f"changed person {number}", by,
                              values)

    def remove_person(self, slug: str, number: int, *, by: str = "facilitator") -> None:
        """Take someone out of the group."""
        self._remove_numbered(PEOPLE, slug, number, by)


def _no_namesake(conn: Connection, iid: int, values: dict, number: int | None) -> None:
    """Names in the group are unique (a plain ModelError for a second "Dawn")."""
    if "name" not in values:
        return
    params = {"w_inquiry_id": iid, "w_name": values["name"]}
    if number is not None:
        params["w_number"] = number
    if conn.execute(_NAMESAKE[number is not None], params).first():
        hint = " Add a surname or initial." if number is None else ""
        raise ModelError(f"{values['name']!r} is already in the group.{hint}")


# Built once (see ``widgets.store.rows``): [when adding, when changing row w_number].
_NAMESAKE = [select(s.people.c.number).where(
    s.people.c.inquiry_id == bindparam("w_inquiry_id"), s.people.c.name == bindparam("w_name"),
    *([s.people.c.number != bindparam("w_number")] if changing else []))
    for changing in (False, True)]


PEOPLE = Numbered(s.people, "group", "person", check=_no_namesake)
