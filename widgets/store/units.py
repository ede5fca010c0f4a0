"""An inquiry's units in the store: the whole table replaced at once (imports), one unit
added, changed or removed, and what goes when units go (decisions, checks, links).
How the table is kept (one Arrow document) is ``units_table``'s part."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from widgets.model import MEASURE_KINDS, ModelError, Unit, outcomes_misfit, unit_misfit
from widgets.store import schema as s
from widgets.store.database import forget_old_pages
from widgets.store.rows import NotFound
from widgets.store.transactions import Transactions
from widgets.store.values import checked_choice, checked_text, dumps


class _LazyModule:
    """A module imported on first use. units_table needs pandas; pages that only list
    inquiries (the start page, every page header) should not pay for it at load."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr: str):
        import importlib

        return getattr(importlib.import_module(self._name), attr)


units_table = _LazyModule("widgets.store.units_table")


class Units(Transactions):
    """Reading and writing the units table."""

    def units(self, slug: str) -> list[Unit]:
        """The units, in order."""
        with self._read() as conn:
            frame, columns = load_frame(conn, self._inquiry_id(conn, slug))
        return units_table.to_units(frame, columns)

    def units_frame(self, slug: str, *, include_private: bool = False):
        """The units as a pandas DataFrame (unit_id, outcome, population, circumstances).

        Real names (``private_name``) are left out unless asked for.
        """
        with self._read() as conn:
            frame, columns = load_frame(conn, self._inquiry_id(conn, slug))
        if not include_private:
            frame = frame.drop(columns=["private_name"])
        return frame

    def replace_units(self, slug: str, units: list[Unit], context_columns: list[str], *,
                      by: str = "facilitator", source: str = "") -> None:
        """Replace the whole units table. Unit ids must be unique and non-empty."""
        frame = units_table.from_units(units, [str(c) for c in context_columns])
        self.replace_units_frame(slug, frame, by=by, source=source)

    def replace_units_frame(self, slug: str, frame, *, by: str = "facilitator",
                            source: str = "", kind: str | None = None) -> None:
        """Replace the whole units table from a DataFrame (the fast path for imports).

        ``frame`` has ``unit_id``, ``outcome``, optionally ``population`` and
        ``private_name``; every other column is a circumstance. ``kind`` (a key of
        ``MEASURE_KINDS``) also sets the measure's kind, for data read as that kind: both
        change in the one action, or neither does.

        Decisions about positive exceptions, practice checks and the "learnt from" links of
        practices that name a unit no longer in the data are removed in the same
        transaction (they are kept, whole, in the history entry, as evidence); see
        :meth:`replacement_losses` to tell people first.
        """
        frame, context = units_table.normalise(frame)
        data = units_table.to_bytes(frame)
        change = f"replaced the data with {len(frame):,} units"
        if source:
            change += f" from {checked_text(source, 'The source', limit=300)}"
        detail: dict[str, Any] = {"units": len(frame), "columns": context}
        if kind is not None:
            kind = checked_choice(kind, MEASURE_KINDS, "The kind of measure")
            change += f"; the measure is now {MEASURE_KINDS[kind]}"
            detail["measure_kind"] = kind
        with self._write(slug, "units", change, by, detail) as (conn, iid):
            check_fit(frame, kind or stored_kind(conn, iid))
            if kind is not None:
                conn.execute(update(s.inquiries).where(s.inquiries.c.id == iid)
                             .values(measure_kind=kind))
            store_frame(conn, iid, frame, data)
            conn.execute(update(s.inquiries).where(s.inquiries.c.id == iid)
                         .values(context_columns=dumps(context)))
            removed = drop_missing_units(conn, iid, frame["unit_id"])
            if removed:
                detail["removed"] = removed  # logged by _write with the change
        forget_old_pages(self.engine)  # the old units' real names

    def replacement_losses(self, slug: str, new_ids) -> dict[str, int]:
        """What replacing the units with ``new_ids`` would remove: counts of decisions about
        positive exceptions (``decisions``, not counting undecided candidates), undecided
        ``candidates``, ``practice_checks`` and practices' ``practice_links``."""
        keep = {str(i) for i in new_ids}
        inquiry = self.get(slug, include_units=False)
        gone = [e for e in inquiry.exceptions if e.unit_id not in keep]
        return {
            "decisions": sum(e.status != "candidate" for e in gone),
            "candidates": sum(e.status == "candidate" for e in gone),
            "practice_checks": sum(c.unit_id not in keep for c in inquiry.practice_checks),
            "practice_links": sum(u not in keep for p in inquiry.practices for u in p.from_units),
        }

    def add_unit(self, slug: str, unit: Unit, *, by: str = "facilitator") -> None:
        """Add one unit at the end of the table."""
        with self._write(slug, "units", f"added unit {unit.unit_id!r}", by) as (conn, iid):
            frame, columns = load_frame(conn, iid)
            if unit.unit_id in set(frame["unit_id"]):
                raise ModelError(f"There is already a unit called {unit.unit_id!r}.")
            check_unit(unit, stored_kind(conn, iid), len(frame))
            columns = columns + [str(k) for k in unit.context if str(k) not in columns]
            frame = self._merge(frame, [unit], columns)
            save_frame(conn, iid, frame, columns)

    def update_unit(self, slug: str, unit_id: str, unit: Unit, *,
                    by: str = "facilitator") -> None:
        """Replace one unit's values (its id may change, if the new one is free)."""
        with self._write(slug, "units", f"changed unit {unit_id!r}", by) as (conn, iid):
            frame, columns = load_frame(conn, iid)
            ids = frame["unit_id"].tolist()
            if unit_id not in ids:
                raise NotFound(f"There is no unit called {unit_id!r}.")
            if unit.unit_id != unit_id and unit.unit_id in ids:
                raise ModelError(f"There is already a unit called {unit.unit_id!r}.")
            columns = columns + [str(k) for k in unit.context if str(k) not in columns]
            units = units_table.to_units(frame, [c for c in columns if c in frame.columns])
            at = ids.index(unit_id)
            old = units[at]
            # Values stored before these rules, left as they were, do not stop a change
            # to the unit's other cells; new outcomes and populations must fit.
            if not (_same(unit.outcome, old.outcome)
                    and _same(unit.population, old.population)):
                check_unit(unit, stored_kind(conn, iid), at)
            units[at] = unit
            frame = units_table.from_units(units, columns)
            save_frame(conn, iid, frame, columns)
            if unit.unit_id != unit_id:
                for table in (s.exceptions, s.practice_checks):
                    conn.execute(update(table).where(table.c.inquiry_id == iid,
                                                     table.c.unit_id == unit_id)
                                 .values(unit_id=unit.unit_id))
        forget_old_pages(self.engine)  # its real name, if that changed

    def remove_unit(self, slug: str, unit_id: str, *, by: str = "facilitator") -> None:
        """Remove one unit (and its exception decision and practice checks)."""
        with self._write(slug, "units", f"removed unit {unit_id!r}", by) as (conn, iid):
            frame, columns = load_frame(conn, iid)
            keep = frame["unit_id"] != unit_id
            if keep.all():
                raise NotFound(f"There is no unit called {unit_id!r}.")
            remaining = frame[keep].reset_index(drop=True)
            save_frame(conn, iid, remaining, columns)
            drop_missing_units(conn, iid, remaining["unit_id"])
        forget_old_pages(self.engine)  # its real name

    @staticmethod
    def _merge(frame, units: list[Unit], columns: list[str]):
        import pandas as pd

        extra = units_table.from_units(units, columns)
        for c in columns:
            if c not in frame.columns:
                frame[c] = None
        both = pd.concat([frame.astype(object), extra.astype(object)], ignore_index=True)
        return both


def stored_kind(conn: Connection, iid: int) -> str:
    """The measure's kind as stored."""
    return conn.execute(select(s.inquiries.c.measure_kind)
                        .where(s.inquiries.c.id == iid)).scalar()


def check_fit(frame, kind: str) -> None:
    """Refuse (ModelError) a units frame whose outcomes or populations do not fit a measure
    of ``kind`` (:func:`widgets.model.outcomes_misfit`; a rate may still lack populations),
    naming the first row that does not: "Row 3 (Family 3): '12' events out of …"."""
    if not len(frame):
        return
    population = (frame["population"] if "population" in frame.columns
                  else [float("nan")] * len(frame))
    found = outcomes_misfit(kind, frame["outcome"], population)
    if found is not None:
        pos, part, reason = found
        refuse(pos, str(frame["unit_id"].iloc[pos]), part, reason)


def check_kind_change(frame, kind: str) -> None:
    """Refuse (ModelError) to make ``kind`` the measure's kind while the stored units
    (``frame``) do not fit it, saying why and what to do. Nothing is converted or removed
    by a change of kind, so the outcomes must already mean something of the new kind."""
    try:
        check_fit(frame, kind)
    except ModelError as misfit:
        raise ModelError(
            f"The kind cannot become “{MEASURE_KINDS[kind]}”: the stored data does not fit "
            f"it. {misfit} Correct that in the table, or remove the units or upload the data "
            "again as this kind first.") from None


def check_unit(unit: Unit, kind: str, at: int) -> None:
    """Refuse (ModelError) one unit, at position ``at`` of the table, that does not fit a
    measure of ``kind``."""
    found = unit_misfit(kind, unit.outcome, unit.population)
    if found is not None:
        refuse(at, unit.unit_id, *found)


def refuse(pos: int, unit_id: str, part: str | None, reason: str) -> None:
    """Raise the ModelError for a unit that does not fit, by its row (from 0) and id."""
    place = f"Row {pos + 1} ({unit_id})" + (f", {part}" if part else "")
    raise ModelError(f"{place}: {reason}")


def _same(a: float | None, b: float | None) -> bool:
    # NaN and None are both "missing".
    missing = (a is None or a != a), (b is None or b != b)
    return all(missing) or (not any(missing) and a == b)


def load_frame(conn: Connection, iid: int):
    """The stored units frame and the circumstance columns, in order."""
    columns = json.loads(conn.execute(select(s.inquiries.c.context_columns)
                                      .where(s.inquiries.c.id == iid)).scalar())
    data = conn.execute(select(s.unit_tables.c.data)
                        .where(s.unit_tables.c.inquiry_id == iid)).scalar()
    frame = units_table.from_bytes(data, columns)
    for c in columns:
        if c not in frame.columns:
            frame[c] = None
    return frame, columns


def drop_missing_units(conn: Connection, iid: int, unit_ids) -> dict[str, Any]:
    """Remove what refers to units that are no longer in the data; returns what went.

    ``unit_ids`` is the new data's id column. Only the few ids that decisions, checks and
    practices refer to are looked up in it (a set of 100,000 ids would cost more than the
    write itself).
    """
    exceptions = conn.execute(select(s.exceptions).where(s.exceptions.c.inquiry_id == iid)).all()
    checks = conn.execute(select(s.practice_checks)
                          .where(s.practice_checks.c.inquiry_id == iid)).all()
    practices = [(p.number, json.loads(p.from_units)) for p in conn.execute(
        select(s.practices.c.number, s.practices.c.from_units)
        .where(s.practices.c.inquiry_id == iid))]
    referred = ({r.unit_id for r in exceptions} | {r.unit_id for r in checks}
                | {u for _, links in practices for u in links})
    if not referred:
        return {}
    import pandas as pd

    ids = pd.Series(list(unit_ids), dtype=object) if not hasattr(unit_ids, "isin") else unit_ids
    keep = set(ids[ids.isin(list(referred))].tolist())
    removed: dict[str, Any] = {}
    gone = [r for r in exceptions if r.unit_id not in keep]
    if gone:
        removed["exceptions"] = [
            {"unit_id": r.unit_id, "status": r.status, "note": r.note,
             "decided_by": r.decided_by, "decided_at": r.decided_at} for r in gone]
        for r in gone:
            conn.execute(delete(s.exceptions).where(s.exceptions.c.inquiry_id == iid,
                                                    s.exceptions.c.unit_id == r.unit_id))
    gone_checks = [r for r in checks if r.unit_id not in keep]
    if gone_checks:
        removed["practice_checks"] = [
            {"unit_id": r.unit_id, "practice_id": r.practice_id, "value": r.value}
            for r in gone_checks]
        for r in gone_checks:
            conn.execute(delete(s.practice_checks).where(
                s.practice_checks.c.inquiry_id == iid, s.practice_checks.c.unit_id == r.unit_id,
                s.practice_checks.c.practice_id == r.practice_id))
    for number, links in practices:
        kept = [u for u in links if u in keep]
        if kept != links:
            removed.setdefault("practice_links", []).append(
                {"practice_id": number, "unit_ids": [u for u in links if u not in keep]})
            conn.execute(update(s.practices).where(s.practices.c.inquiry_id == iid,
                                                   s.practices.c.number == number)
                         .values(from_units=dumps(kept)))
    return removed


def stored_unit_ids(conn: Connection, iid: int) -> set[str]:
    """The ids of the stored units (only that column of the document is read)."""
    data = conn.execute(select(s.unit_tables.c.data)
                        .where(s.unit_tables.c.inquiry_id == iid)).scalar()
    return units_table.read_ids(data)


def store_frame(conn: Connection, iid: int, frame, data: bytes) -> None:
    conn.execute(delete(s.unit_tables).where(s.unit_tables.c.inquiry_id == iid))
    conn.execute(insert(s.unit_tables).values(inquiry_id=iid, format=units_table.FORMAT,
                                              row_count=len(frame), data=data))


def save_frame(conn: Connection, iid: int, frame, columns: list[str]) -> None:
    frame, context = units_table.normalise(frame)
    store_frame(conn, iid, frame, units_table.to_bytes(frame))
    conn.execute(update(s.inquiries).where(s.inquiries.c.id == iid)
                 .values(context_columns=dumps(context)))
