"""One user action, one transaction, one history entry: the part of the store every other
part builds on (opening and migrating the database, reading without the lock, writing
with it, and adding, changing or removing one numbered row)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection, Engine

from widgets.model import ModelError
from widgets.store import schema as s
from widgets.store import teams
from widgets.store.database import READ_ONLY_OPTION, make_engine, read_only_file
from widgets.store.migrations import migrate, schema_version
from widgets.store.rows import NotFound, Numbered, delete_one, insert_next, update_one
from widgets.store.values import checked_text, dumps, now

#: The lock every edit takes first (see ``Transactions._write``), built once: building it
#: again on every edit cost more CPU than sending it.
_STAMP = (update(s.inquiries).where(s.inquiries.c.slug == bindparam("w_slug"))
          .values(updated_at=bindparam("v_updated_at")).returning(s.inquiries.c.id))
#: The id of an inquiry by its slug (reads without the lock).
_ID = select(s.inquiries.c.id).where(s.inquiries.c.slug == bindparam("w_slug"))


class Transactions:
    """The store's connections and its one way to write: see :class:`~widgets.store.Store`."""

    def __init__(self, url: str, *, team: str | None = None):
        """Open the store at ``url``. ``team``: on a shared server, the team (group) that
        new inquiries belong to; the database shows each role only its teams' inquiries."""
        self.url = url
        #: True when the data folder may not be written here: reads work, writes say so.
        self.read_only = url.startswith("sqlite") and read_only_file(url) is not None
        self.team = teams.check_team(team) if team else ""
        self.engine: Engine = make_engine(url)
        # Look first without the write lock: opening (every page, every `list`) must not wait
        # behind a writer, and a read-only folder must open when its schema is current.
        with self._read() as conn:
            version = schema_version(conn)
            if version >= s.SCHEMA_VERSION:
                migrate(conn)  # nothing to do, or SchemaTooNew: neither writes
        if version < s.SCHEMA_VERSION:
            with self._owner_needed(), self.engine.begin() as conn:
                migrate(conn)

    @contextmanager
    def _owner_needed(self) -> Iterator[None]:
        """A shared database that only its owner (the admin's role) may bring forward to this
        version, opened by a user's server first: one plain sentence saying who does what."""
        from sqlalchemy.exc import ProgrammingError

        try:
            yield
        except ProgrammingError as e:
            if getattr(e.orig, "sqlstate", None) != "42501":  # insufficient_privilege
                raise
            self.engine.dispose()
            raise ModelError(
                "The shared database is from an older version of the kit, and only the "
                "server's admin may bring it up to date: ask them to run "
                "'hidden-insights hub init'.") from None

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """A connection for reading: one consistent snapshot, without the write lock."""
        with self.engine.connect() as conn:
            yield conn.execution_options(**{READ_ONLY_OPTION: True})

    @contextmanager
    def _write(self, slug: str, part: str, change: str, by: str,
               detail: dict | None = None) -> Iterator[tuple[Connection, int]]:
        """One user action: lock the inquiry, run the change, log it, stamp the time.

        Stamping the time is what takes the lock (``UPDATE … RETURNING id`` holds the row
        until the end of the transaction, as ``SELECT … FOR UPDATE`` would), and the history
        entry takes its number in its own insert: on PostgreSQL each statement is a round
        trip to the server, and these two save one each on every edit.
        """
        by = checked_text(by, "Your name", limit=200) or "someone"
        stamp = now()
        with self.engine.begin() as conn:
            inquiry_id = conn.execute(_STAMP, {"w_slug": slug, "v_updated_at": stamp}).scalar()
            if inquiry_id is None:
                raise NotFound(f"There is no inquiry called {slug!r}.")
            yield conn, inquiry_id
            insert_next(conn, s.history, inquiry_id, dict(
                at=stamp, by=by, part=part, change=change, detail=dumps(detail or {})))

    @contextmanager
    def _team_refusal(self, team: str | None = None) -> Iterator[None]:
        """The database refusing a new inquiry for ``team`` (default: this store's), as a
        plain message."""
        from sqlalchemy.exc import ProgrammingError

        try:
            yield
        except ProgrammingError as e:
            if "row-level security" not in str(e.orig):
                raise
            team = self.team if team is None else team
            where = f"the team {team!r}" if team else "no team"
            raise ModelError(f"This server may not add inquiries to {where}: ask the server's "
                             "admin to add you to your group's team.") from None

    def _inquiry_id(self, conn: Connection, slug: str) -> int:
        row = conn.execute(_ID, {"w_slug": slug}).first()
        if row is None:
            raise NotFound(f"There is no inquiry called {slug!r}.")
        return row.id

    def _add_numbered(self, kind: Numbered, slug: str, values: dict[str, Any], change: str,
                      by: str, detail: dict | None = None) -> int:
        """One action adding a row of ``kind`` (after its ``check``); returns its number."""
        with self._write(slug, kind.part, change, by, detail) as (conn, iid):
            if kind.check is not None:
                kind.check(conn, iid, values, None)
            number = insert_next(conn, kind.table, iid, values)
        return number

    def _update_numbered(self, kind: Numbered, slug: str, number: int,
                         values: dict[str, Any], change: str, by: str,
                         detail: dict | None = None) -> None:
        """One action changing row ``number`` of ``kind`` (NotFound if there is none)."""
        with self._write(slug, kind.part, change, by, detail) as (conn, iid):
            if kind.check is not None:
                kind.check(conn, iid, values, number)
            update_one(conn, kind.table, iid, number, values, kind.noun)

    def _remove_numbered(self, kind: Numbered, slug: str, number: int, by: str) -> None:
        """One action removing row ``number`` of ``kind`` and what goes with it."""
        with self._write(slug, kind.part, f"removed {kind.noun} {number}", by) as (conn, iid):
            delete_one(conn, kind.table, iid, number, kind.noun)
            if kind.also_remove is not None:
                kind.also_remove(conn, iid, number)
