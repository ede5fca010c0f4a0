"""The inquiry store: every user action is one transaction, and every change is logged.

SQLite (the default) runs in WAL mode with ``synchronous=FULL`` and takes the write lock at
the start of each writing transaction (``BEGIN IMMEDIATE``), so several Voila kernels can
write to one file at once without "database is locked" surprises and an acknowledged edit
survives a killed process. Reads take no lock (a plain ``BEGIN``: WAL readers never wait for
a writer), and a data folder this process may not write is opened read-only, so it can still
be looked at. A full disk, a read-only folder or a disk error is a :class:`DataFolderProblem`
with one plain sentence. The SQL is SQLAlchemy Core so a PostgreSQL URL works too.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, delete, event, func, insert, select, update
from sqlalchemy.engine import Connection, Engine, make_url

from widgets import model
from widgets.model import (
    ACCESSIBILITY,
    CHECK_VALUES,
    DIRECTIONS,
    EXCEPTION_STATUSES,
    MEASURE_KINDS,
    PRINCIPLES,
    ROLES,
    Action,
    AnalysisRun,
    ExceptionDecision,
    HistoryEntry,
    Inquiry,
    Issue,
    Measure,
    ModelError,
    Person,
    Practice,
    PracticeCheck,
    ProgressEntry,
    Reflection,
    Unit,
)
from widgets.paths import data_dir
from widgets.store import postgres, rooms, teams
from widgets.store import schema as s
from widgets.store.migrations import migrate, schema_version


class _LazyModule:
    """A module imported on first use. units_table needs pandas; pages that only list
    inquiries (the start page, every page header) should not pay for it at load."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr: str):
        import importlib

        return getattr(importlib.import_module(self._name), attr)


units_table = _LazyModule("widgets.store.units_table")

DB_FILENAME = "hidden-insights.sqlite"
#: A database URL that replaces the SQLite file (``postgresql+psycopg://role@/db?host=…``).
DATABASE_ENV = "HIDDEN_INSIGHTS_DATABASE_URL"
#: Longest text a person can store in one field (a very long paste is cut with a message).
MAX_TEXT = 20_000


#: Whole numbers are stored as 32-bit integers (PostgreSQL's ``integer``; SQLite allows more).
MAX_INTEGER = 2**31 - 1


class NotFound(LookupError):
    """No inquiry (or part) with that name."""


class DataFolderProblem(RuntimeError):
    """The data folder is full, read-only, cannot be opened, or the disk failed.

    Not a bug and not a mistake in what the person typed: the message says in one plain
    sentence what is wrong with the folder. The action was rolled back, so nothing changed.
    """

    person_facing = True  # widgets.ui.errors shows the message, not an apology

    FULL = "The data folder is full: free some space on its disk, then try again."
    READ_ONLY = ("The data folder cannot be written (it is read-only, or you may not change "
                 "it): you can look, but nothing can be saved there.")
    CANNOT_OPEN = ("The data folder cannot be opened: check that it exists and that you may "
                   "read and write it.")
    DISK_ERROR = ("The data folder could not be read or written (a disk error): check the "
                  "disk, then try again.")

    def __init__(self, kind: str):
        self.kind = kind
        super().__init__(getattr(self, kind))


#: SQLite's primary result codes that mean "the folder", not "the kit" (sqlite3.h).
_SQLITE_CODES = {13: "FULL", 8: "READ_ONLY", 14: "CANNOT_OPEN", 10: "DISK_ERROR"}
#: The same, by message, for drivers that give no code.
_SQLITE_MESSAGES = {"database or disk is full": "FULL",
                    "attempt to write a readonly database": "READ_ONLY",
                    "unable to open database file": "CANNOT_OPEN",
                    "disk i/o error": "DISK_ERROR"}
_OS_ERRORS = {errno.ENOSPC: "FULL", errno.EDQUOT: "FULL", errno.EROFS: "READ_ONLY",
              errno.EACCES: "READ_ONLY", errno.EPERM: "READ_ONLY", errno.EIO: "DISK_ERROR"}


def data_folder_problem(exc: BaseException | None, *,
                        os_errors: bool = True) -> DataFolderProblem | None:
    """The :class:`DataFolderProblem` that ``exc`` means (a database error from SQLite or
    SQLAlchemy, or with ``os_errors`` an OSError about the folder), or None when it means
    something else."""
    if isinstance(exc, DataFolderProblem):
        return exc
    orig = getattr(exc, "orig", None)  # SQLAlchemy wraps the driver's exception
    if orig is not None and orig is not exc:
        return data_folder_problem(orig, os_errors=False)
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None and (code & 0xFF) in _SQLITE_CODES:
            return DataFolderProblem(_SQLITE_CODES[code & 0xFF])
        message = str(exc).strip().casefold()
        for text, kind in _SQLITE_MESSAGES.items():
            if message.startswith(text):
                return DataFolderProblem(kind)
        return None
    if os_errors and isinstance(exc, OSError) and exc.errno in _OS_ERRORS:
        return DataFolderProblem(_OS_ERRORS[exc.errno])
    return None


@dataclass
class InquirySummary:
    """What the start page lists for one inquiry."""

    slug: str
    title: str
    created_at: str
    updated_at: str
    downloaded_at: str | None
    people: int
    units: int
    measure_defined: bool
    confirmed_exceptions: int
    candidate_exceptions: int
    practices: int
    actions: int
    progress: int
    #: The measure's word for one unit ("pupil"), so lists count "60 pupils".
    unit_name: str = ""

    @property
    def changed_since_download(self) -> bool:
        """True when there are changes the group has not downloaded yet."""
        return self.downloaded_at is None or self.updated_at > self.downloaded_at


def now() -> str:
    """The current time as an ISO string in UTC (microseconds keep edits ordered)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def default_url() -> str:
    """``$HIDDEN_INSIGHTS_DATABASE_URL`` when set (e.g. PostgreSQL on a shared server), else
    the SQLite file in the data folder (created if missing)."""
    configured = os.environ.get(DATABASE_ENV, "").strip()
    if configured:
        return configured
    folder = data_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise data_folder_problem(e) or DataFolderProblem("CANNOT_OPEN") from e
    return f"sqlite:///{Path(folder, DB_FILENAME).resolve()}"


def open_store(url: str | None = None, *, team: str | None = None) -> Store:
    """Open (and create or migrate) the store at ``url``; the default is the data folder
    (or ``$HIDDEN_INSIGHTS_DATABASE_URL``)."""
    return Store(url or default_url(), team=team)


def _text(value: Any, label: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    """Untrusted text from a person: must be a string, is stored exactly as given."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ModelError(f"{label} must be text.")
    if "\x00" in value:
        raise ModelError(f"{label} contains a character that cannot be stored.")
    if required and not value.strip():
        raise ModelError(f"{label} cannot be empty.")
    if len(value) > limit:
        raise ModelError(f"{label} is too long ({len(value):,} characters; at most {limit:,}).")
    return value


def _choice(value: Any, choices: dict, label: str) -> str:
    if value not in choices:
        raise ModelError(f"{label}: choose one of {', '.join(choices.values())}.")
    return value


def _number(value: Any, label: str, *, integer: bool = False) -> float | int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ModelError(f"{label} must be a number.")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ModelError(f"{label} must be a number.") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ModelError(f"{label} must be a number.")
    if integer:
        if number != int(number):
            raise ModelError(f"{label} must be a whole number.")
        if abs(number) > MAX_INTEGER:
            raise ModelError(f"{label} is too large (at most {MAX_INTEGER:,}).")
        return int(number)
    return number


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Store(rooms.RoomStore):
    """All reads and writes of inquiries. Thread- and process-safe; one transaction per call.

    Every write takes ``by`` (who made the change) and appends a history entry in the same
    transaction as the change itself.
    """

    def __init__(self, url: str, *, team: str | None = None):
        """Open the store at ``url``. ``team``: on a shared server, the team (group) that
        new inquiries belong to; the database shows each role only its teams' inquiries."""
        self.url = url
        #: True when the data folder may not be written here: reads work, writes say so.
        self.read_only = url.startswith("sqlite") and _read_only_file(url) is not None
        self.team = teams.check_team(team) if team else ""
        self.engine: Engine = _make_engine(url)
        # Look first without the write lock: opening (every page, every `list`) must not wait
        # behind a writer, and a read-only folder must open when its schema is current.
        with self._read() as conn:
            version = schema_version(conn)
            if version >= s.SCHEMA_VERSION:
                migrate(conn)  # nothing to do, or SchemaTooNew: neither writes
        if version < s.SCHEMA_VERSION:
            with self.engine.begin() as conn:
                migrate(conn)

    def close(self) -> None:
        """Release the database connections."""
        self.close_room_watch()
        self.engine.dispose()

    # ------------------------------------------------------------------ transactions

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """A connection for reading: one consistent snapshot, without the write lock."""
        with self.engine.connect() as conn:
            yield conn.execution_options(**{_READ_ONLY: True})

    @contextmanager
    def _write(self, slug: str, part: str, change: str, by: str,
               detail: dict | None = None) -> Iterator[tuple[Connection, int]]:
        """One user action: lock the inquiry, run the change, log it, stamp the time."""
        by = _text(by, "Your name", limit=200) or "someone"
        with self.engine.begin() as conn:
            row = conn.execute(
                select(s.inquiries.c.id).where(s.inquiries.c.slug == slug).with_for_update()
            ).first()
            if row is None:
                raise NotFound(f"There is no inquiry called {slug!r}.")
            inquiry_id = row.id
            yield conn, inquiry_id
            stamp = now()
            conn.execute(
                insert(s.history).values(
                    inquiry_id=inquiry_id,
                    number=_next_number(conn, s.history, inquiry_id),
                    at=stamp, by=by, part=part, change=change,
                    detail=_dumps(detail or {}),
                )
            )
            conn.execute(
                update(s.inquiries).where(s.inquiries.c.id == inquiry_id).values(updated_at=stamp)
            )

    @contextmanager
    def _team_refusal(self) -> Iterator[None]:
        """The database refusing a new inquiry for this team, as a plain message."""
        from sqlalchemy.exc import ProgrammingError

        try:
            yield
        except ProgrammingError as e:
            if "row-level security" not in str(e.orig):
                raise
            where = f"the team {self.team!r}" if self.team else "no team"
            raise ModelError(f"This server may not add inquiries to {where}: ask the server's "
                             "admin to add you to your group's team.") from None

    def _inquiry_id(self, conn: Connection, slug: str) -> int:
        row = conn.execute(select(s.inquiries.c.id).where(s.inquiries.c.slug == slug)).first()
        if row is None:
            raise NotFound(f"There is no inquiry called {slug!r}.")
        return row.id

    # ------------------------------------------------------------------ inquiries

    def list_inquiries(self) -> list[InquirySummary]:
        """Every inquiry with a count of what it holds, most recently changed first."""
        return self._summaries()

    def _summaries(self, slug: str | None = None) -> list[InquirySummary]:
        i = s.inquiries

        def count(table, *where):
            q = select(func.count()).select_from(table).where(table.c.inquiry_id == i.c.id)
            for w in where:
                q = q.where(w)
            return q.scalar_subquery()

        q = select(
            i.c.slug, i.c.title, i.c.created_at, i.c.updated_at, i.c.downloaded_at,
            i.c.measure_what, i.c.measure_unit_name,
            count(s.people).label("people"),
            select(func.coalesce(func.max(s.unit_tables.c.row_count), 0))
            .where(s.unit_tables.c.inquiry_id == i.c.id).scalar_subquery().label("units"),
            count(s.exceptions, s.exceptions.c.status == "confirmed").label("confirmed"),
            count(s.exceptions, s.exceptions.c.status == "candidate").label("candidates"),
            count(s.practices).label("practices"),
            count(s.actions).label("actions"),
            count(s.progress).label("progress"),
        ).order_by(i.c.updated_at.desc())
        if slug is not None:
            q = q.where(i.c.slug == slug)
        with self._read() as conn:
            return [
                InquirySummary(
                    slug=r.slug, title=r.title, created_at=r.created_at,
                    updated_at=r.updated_at, downloaded_at=r.downloaded_at,
                    people=r.people, units=r.units,
                    measure_defined=bool(r.measure_what.strip()),
                    confirmed_exceptions=r.confirmed, candidate_exceptions=r.candidates,
                    practices=r.practices, actions=r.actions, progress=r.progress,
                    unit_name=r.measure_unit_name or "",
                )
                for r in conn.execute(q)
            ]

    def summary(self, slug: str) -> InquirySummary:
        """The start-page summary of one inquiry."""
        for item in self._summaries(slug):
            return item
        raise NotFound(f"There is no inquiry called {slug!r}.")

    def team_slug(self, slug: str) -> str:
        """The slug a new inquiry wanting ``slug`` starts from: on a shared server it begins
        with the team's name, so teams never compete for a slug (nor learn of one another's
        inquiries through a taken slug)."""
        slug = model.slugify(slug)
        if not self.team:
            return slug
        prefix = model.slugify(self.team) + "-"
        return slug if slug.startswith(prefix) else model.slugify(prefix + slug)

    def teams(self) -> list[str]:
        """The teams this store's database role may see ([] on the standalone kit)."""
        if self.engine.dialect.name != "postgresql":
            return []
        from sqlalchemy import text

        with self.engine.connect() as conn:
            return sorted(r[0] for r in conn.execute(text(teams.MY_TEAMS_SQL)))

    def exists(self, slug: str) -> bool:
        """True when an inquiry with this slug is stored."""
        with self._read() as conn:
            return conn.execute(
                select(s.inquiries.c.id).where(s.inquiries.c.slug == slug)
            ).first() is not None

    def create_inquiry(self, title: str, *, by: str = "facilitator",
                       slug: str | None = None) -> str:
        """Start a new, empty inquiry; returns its slug (made unique if needed)."""
        title = _text(title, "The title", required=True, limit=200).strip()
        stamp = now()
        with self._team_refusal(), self.engine.begin() as conn:
            postgres.serialise(conn, "new inquiry")
            wanted = " ".join(title.split()).casefold()
            for (existing,) in conn.execute(select(s.inquiries.c.title)):
                if " ".join(existing.split()).casefold() == wanted:
                    raise ModelError(f"There is already an inquiry called {existing!r}: open it "
                                     "from the list, or choose another title.")
            slug = _unique_slug(conn, self.team_slug(slug or model.slugify(title)))
            inquiry_id = conn.execute(
                insert(s.inquiries).values(slug=slug, title=title, team=self.team,
                                           created_at=stamp,
                                           updated_at=stamp, context_columns="[]")
            ).inserted_primary_key[0]
            conn.execute(insert(s.history).values(
                inquiry_id=inquiry_id, number=1, at=stamp, by=by or "someone",
                part="inquiry", change=f"started the inquiry {title!r}", detail="{}"))
        return slug

    def rename(self, slug: str, title: str, *, by: str = "facilitator") -> None:
        """Change the title (the slug stays, so links keep working)."""
        title = _text(title, "The title", required=True, limit=200).strip()
        with self._write(slug, "inquiry", f"renamed the inquiry to {title!r}", by) as (conn, iid):
            conn.execute(update(s.inquiries).where(s.inquiries.c.id == iid).values(title=title))

    def delete_inquiry(self, slug: str) -> None:
        """Remove an inquiry and everything in it."""
        with self.engine.begin() as conn:
            iid = self._inquiry_id(conn, slug)
            for table in _CHILD_TABLES:
                conn.execute(delete(table).where(table.c.inquiry_id == iid))
            conn.execute(delete(s.inquiries).where(s.inquiries.c.id == iid))

    def mark_downloaded(self, slug: str) -> None:
        """Remember that the group downloaded the inquiry file now (not a change; not logged).

        A read-only data folder cannot remember it, and a download from it is still fine.
        """
        if self.read_only:
            return
        with self.engine.begin() as conn:
            iid = self._inquiry_id(conn, slug)
            conn.execute(update(s.inquiries).where(s.inquiries.c.id == iid)
                         .values(downloaded_at=now()))

    # ------------------------------------------------------------------ read everything

    def get(self, slug: str, *, include_units: bool = True) -> Inquiry:
        """The whole inquiry as model objects."""
        with self._read() as conn:
            r = conn.execute(select(s.inquiries).where(s.inquiries.c.slug == slug)).first()
            if r is None:
                raise NotFound(f"There is no inquiry called {slug!r}.")
            iid = r.id

            def rows(table, *order):
                q = select(table).where(table.c.inquiry_id == iid)
                return conn.execute(q.order_by(*order) if order else q).all()

            inquiry = Inquiry(
                title=r.title, slug=r.slug, created_at=r.created_at, updated_at=r.updated_at,
                issue=Issue(r.issue_statement, r.issue_affects, r.issue_why_it_matters,
                            r.issue_wider_effects),
                measure=Measure(r.measure_what, r.measure_unit_name, r.measure_kind,
                                r.measure_better, r.measure_source, r.measure_baseline_date),
                context_columns=json.loads(r.context_columns),
            )
            inquiry.group = [Person(p.name, p.role, p.number)
                             for p in rows(s.people, s.people.c.number)]
            if include_units:
                frame, columns = _load_frame(conn, iid)
                inquiry.units = units_table.to_units(frame, columns)
            inquiry.exceptions = [
                ExceptionDecision(e.unit_id, e.status, json.loads(e.methods), e.score, e.note,
                                  e.decided_by, e.decided_at)
                for e in rows(s.exceptions, s.exceptions.c.unit_id)
            ]
            inquiry.practices = [
                Practice(p.what, p.how, p.why, p.accessible, json.loads(p.from_units), p.number)
                for p in rows(s.practices, s.practices.c.number)
            ]
            inquiry.practice_checks = [
                PracticeCheck(c.unit_id, c.practice_id, c.value)
                for c in rows(s.practice_checks, s.practice_checks.c.practice_id,
                              s.practice_checks.c.unit_id)
            ]
            inquiry.actions = [
                Action(a.what, json.loads(a.leads), a.timing, a.publicity, a.professional_terms,
                       a.number)
                for a in rows(s.actions, s.actions.c.number)
            ]
            inquiry.progress = [
                ProgressEntry(p.date, p.outcome, p.attendance, p.people_helped, p.note, p.number)
                for p in rows(s.progress, s.progress.c.date, s.progress.c.number)
            ]
            inquiry.reflections = [
                Reflection(x.step, x.principle, x.note)
                for x in rows(s.reflections, s.reflections.c.step, s.reflections.c.principle)
            ]
            inquiry.analysis_runs = [
                AnalysisRun(a.method, json.loads(a.settings), json.loads(a.flagged), a.at, a.by,
                            a.number)
                for a in rows(s.analysis_runs, s.analysis_runs.c.number)
            ]
            inquiry.history = [
                HistoryEntry(h.at, h.by, h.part, h.change, json.loads(h.detail), h.number)
                for h in rows(s.history, s.history.c.number)
            ]
            inquiry.notes, inquiry.polls = rooms.read_parts(conn, iid)
        return inquiry

    def units(self, slug: str) -> list[Unit]:
        """The units, in order."""
        with self._read() as conn:
            frame, columns = _load_frame(conn, self._inquiry_id(conn, slug))
        return units_table.to_units(frame, columns)

    def units_frame(self, slug: str, *, include_private: bool = False):
        """The units as a pandas DataFrame (unit_id, outcome, population, circumstances).

        Real names (``private_name``) are left out unless asked for.
        """
        with self._read() as conn:
            frame, columns = _load_frame(conn, self._inquiry_id(conn, slug))
        if not include_private:
            frame = frame.drop(columns=["private_name"])
        return frame

    def history(self, slug: str) -> list[HistoryEntry]:
        """The change log, oldest first."""
        with self._read() as conn:
            iid = self._inquiry_id(conn, slug)
            rows = conn.execute(select(s.history).where(s.history.c.inquiry_id == iid)
                                .order_by(s.history.c.number)).all()
        return [HistoryEntry(h.at, h.by, h.part, h.change, json.loads(h.detail), h.number)
                for h in rows]

    def last_recorder(self, slug: str) -> str | None:
        """Who made the latest change (a page's "who is recording" starts with this name)."""
        with self._read() as conn:
            iid = self._inquiry_id(conn, slug)
            return conn.execute(select(s.history.c.by).where(s.history.c.inquiry_id == iid)
                                .order_by(s.history.c.number.desc()).limit(1)).scalar()

    def updated_at(self, slug: str) -> str:
        """When the inquiry last changed (for the save status)."""
        with self._read() as conn:
            value = conn.execute(select(s.inquiries.c.updated_at)
                                 .where(s.inquiries.c.slug == slug)).scalar()
        if value is None:
            raise NotFound(f"There is no inquiry called {slug!r}.")
        return value

    # ------------------------------------------------------------------ issue and measure

    def set_issue(self, slug: str, issue: Issue, *, by: str = "facilitator") -> None:
        """Save the burning issue (all four fields at once)."""
        values = {
            "issue_statement": _text(issue.statement, "The issue"),
            "issue_affects": _text(issue.affects, "Who it affects"),
            "issue_why_it_matters": _text(issue.why_it_matters, "Why it matters"),
            "issue_wider_effects": _text(issue.wider_effects, "The wider effects"),
        }
        with self._write(slug, "issue", "updated the burning issue", by,
                         {"after": asdict(issue)}) as (conn, iid):
            conn.execute(update(s.inquiries).where(s.inquiries.c.id == iid).values(**values))

    def set_measure(self, slug: str, measure: Measure, *, by: str = "facilitator") -> None:
        """Save how the issue is measured."""
        values = {
            "measure_what": _text(measure.what, "What is measured"),
            "measure_unit_name": _text(measure.unit_name, "The unit", limit=100),
            "measure_kind": _choice(measure.kind, MEASURE_KINDS, "The kind of measure"),
            "measure_better": _choice(measure.better, DIRECTIONS, "Which way is better"),
            "measure_source": _text(measure.source, "Where the numbers come from"),
            "measure_baseline_date": _text(measure.baseline_date, "The baseline date", limit=40),
        }
        with self._write(slug, "measure", "updated the measure", by,
                         {"after": asdict(measure)}) as (conn, iid):
            conn.execute(update(s.inquiries).where(s.inquiries.c.id == iid).values(**values))

    # ------------------------------------------------------------------ group

    def add_person(self, slug: str, name: str, role: str = "lived", *,
                   by: str = "facilitator") -> int:
        """Add someone to the group; returns their number. Names must be unique."""
        name = _text(name, "The name", required=True, limit=200).strip()
        role = _choice(role, ROLES, "The role")
        with self._write(slug, "group", f"added {name!r} ({ROLES[role]})", by) as (conn, iid):
            clash = conn.execute(select(s.people.c.number).where(
                s.people.c.inquiry_id == iid, s.people.c.name == name)).first()
            if clash:
                raise ModelError(f"{name!r} is already in the group. Add a surname or initial.")
            number = _next_number(conn, s.people, iid)
            conn.execute(insert(s.people).values(inquiry_id=iid, number=number, name=name,
                                                 role=role))
        return number

    def update_person(self, slug: str, number: int, *, name: str | None = None,
                      role: str | None = None, by: str = "facilitator") -> None:
        """Change someone's name or role."""
        values: dict[str, Any] = {}
        if name is not None:
            values["name"] = _text(name, "The name", required=True, limit=200).strip()
        if role is not None:
            values["role"] = _choice(role, ROLES, "The role")
        with self._write(slug, "group", f"changed person {number}", by, values) as (conn, iid):
            if "name" in values:
                clash = conn.execute(select(s.people.c.number).where(
                    s.people.c.inquiry_id == iid, s.people.c.name == values["name"],
                    s.people.c.number != number)).first()
                if clash:
                    raise ModelError(f"{values['name']!r} is already in the group.")
            _update_one(conn, s.people, iid, number, values, "person")

    def remove_person(self, slug: str, number: int, *, by: str = "facilitator") -> None:
        """Take someone out of the group."""
        with self._write(slug, "group", f"removed person {number}", by) as (conn, iid):
            _delete_one(conn, s.people, iid, number, "person")

    # ------------------------------------------------------------------ units

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
            change += f" from {_text(source, 'The source', limit=300)}"
        detail: dict[str, Any] = {"units": len(frame), "columns": context}
        if kind is not None:
            kind = _choice(kind, MEASURE_KINDS, "The kind of measure")
            change += f"; the measure is now {MEASURE_KINDS[kind]}"
            detail["measure_kind"] = kind
        with self._write(slug, "units", change, by, detail) as (conn, iid):
            if kind is not None:
                conn.execute(update(s.inquiries).where(s.inquiries.c.id == iid)
                             .values(measure_kind=kind))
            _store_frame(conn, iid, frame, data)
            conn.execute(update(s.inquiries).where(s.inquiries.c.id == iid)
                         .values(context_columns=_dumps(context)))
            removed = _drop_missing_units(conn, iid, frame["unit_id"])
            if removed:
                detail["removed"] = removed  # logged by _write with the change

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
            frame, columns = _load_frame(conn, iid)
            if unit.unit_id in set(frame["unit_id"]):
                raise ModelError(f"There is already a unit called {unit.unit_id!r}.")
            columns = columns + [str(k) for k in unit.context if str(k) not in columns]
            frame = self._merge(frame, [unit], columns)
            _save_frame(conn, iid, frame, columns)

    def update_unit(self, slug: str, unit_id: str, unit: Unit, *,
                    by: str = "facilitator") -> None:
        """Replace one unit's values (its id may change, if the new one is free)."""
        with self._write(slug, "units", f"changed unit {unit_id!r}", by) as (conn, iid):
            frame, columns = _load_frame(conn, iid)
            ids = frame["unit_id"].tolist()
            if unit_id not in ids:
                raise NotFound(f"There is no unit called {unit_id!r}.")
            if unit.unit_id != unit_id and unit.unit_id in ids:
                raise ModelError(f"There is already a unit called {unit.unit_id!r}.")
            columns = columns + [str(k) for k in unit.context if str(k) not in columns]
            units = units_table.to_units(frame, [c for c in columns if c in frame.columns])
            units[ids.index(unit_id)] = unit
            frame = units_table.from_units(units, columns)
            _save_frame(conn, iid, frame, columns)
            if unit.unit_id != unit_id:
                for table in (s.exceptions, s.practice_checks):
                    conn.execute(update(table).where(table.c.inquiry_id == iid,
                                                     table.c.unit_id == unit_id)
                                 .values(unit_id=unit.unit_id))

    def remove_unit(self, slug: str, unit_id: str, *, by: str = "facilitator") -> None:
        """Remove one unit (and its exception decision and practice checks)."""
        with self._write(slug, "units", f"removed unit {unit_id!r}", by) as (conn, iid):
            frame, columns = _load_frame(conn, iid)
            keep = frame["unit_id"] != unit_id
            if keep.all():
                raise NotFound(f"There is no unit called {unit_id!r}.")
            remaining = frame[keep].reset_index(drop=True)
            _save_frame(conn, iid, remaining, columns)
            _drop_missing_units(conn, iid, remaining["unit_id"])

    @staticmethod
    def _merge(frame, units: list[Unit], columns: list[str]):
        import pandas as pd

        extra = units_table.from_units(units, columns)
        for c in columns:
            if c not in frame.columns:
                frame[c] = None
        both = pd.concat([frame.astype(object), extra.astype(object)], ignore_index=True)
        return both

    # ------------------------------------------------------------------ exceptions

    def set_exception(self, slug: str, decision: ExceptionDecision, *,
                      by: str = "facilitator") -> None:
        """Record (or change) the group's decision about one possible positive exception."""
        status = _choice(decision.status, EXCEPTION_STATUSES, "The decision")
        note = _text(decision.note, "The evidence note")
        score = _number(decision.score, "The score")
        methods = [_text(m, "The method", limit=60) for m in decision.methods]
        change = f"marked {decision.unit_id!r} as {EXCEPTION_STATUSES[status]}"
        with self._write(slug, "exceptions", change, by,
                         {"unit_id": decision.unit_id, "status": status, "note": note}
                         ) as (conn, iid):
            if decision.unit_id not in _unit_ids(conn, iid):
                raise NotFound(f"There is no unit called {decision.unit_id!r}.")
            values = dict(status=status, methods=_dumps(methods), score=score, note=note,
                          decided_by=decision.decided_by or by,
                          decided_at=decision.decided_at or now())
            done = conn.execute(update(s.exceptions).where(
                s.exceptions.c.inquiry_id == iid, s.exceptions.c.unit_id == decision.unit_id)
                .values(**values)).rowcount
            if not done:
                conn.execute(insert(s.exceptions).values(inquiry_id=iid,
                                                         unit_id=decision.unit_id, **values))

    def set_candidates(self, slug: str, candidates: list[ExceptionDecision], *,
                       by: str = "facilitator") -> None:
        """Store the candidates from a method run in one go.

        Units the group already decided about keep their decision (the methods and score are
        refreshed); earlier candidates that no method flags any more are dropped.
        """
        with self._write(slug, "exceptions", f"found {len(candidates)} candidates", by,
                         {"units": [c.unit_id for c in candidates]}) as (conn, iid):
            existing = {r.unit_id: r for r in conn.execute(
                select(s.exceptions).where(s.exceptions.c.inquiry_id == iid))}
            wanted = {c.unit_id for c in candidates}
            for unit_id, row in existing.items():
                if row.status == "candidate" and unit_id not in wanted:
                    conn.execute(delete(s.exceptions).where(s.exceptions.c.inquiry_id == iid,
                                                            s.exceptions.c.unit_id == unit_id))
            for c in candidates:
                methods = _dumps(list(c.methods))
                score = _number(c.score, "The score")
                if c.unit_id in existing:
                    conn.execute(update(s.exceptions).where(
                        s.exceptions.c.inquiry_id == iid, s.exceptions.c.unit_id == c.unit_id)
                        .values(methods=methods, score=score))
                else:
                    conn.execute(insert(s.exceptions).values(
                        inquiry_id=iid, unit_id=c.unit_id, status="candidate", methods=methods,
                        score=score, note="", decided_by="", decided_at=""))

    def record_analysis(self, slug: str, run: AnalysisRun, *, by: str = "facilitator") -> int:
        """Log one run of a method with its settings (the evidence trail)."""
        with self._write(slug, "analysis", f"ran {run.method}", by,
                         {"settings": run.settings}) as (conn, iid):
            number = _next_number(conn, s.analysis_runs, iid)
            conn.execute(insert(s.analysis_runs).values(
                inquiry_id=iid, number=number, at=run.at or now(), by=run.by or by,
                method=_text(run.method, "The method", limit=60),
                settings=_dumps(run.settings), flagged=_dumps(list(run.flagged))))
        return number

    # ------------------------------------------------------------------ practices

    def add_practice(self, slug: str, practice: Practice, *, by: str = "facilitator") -> int:
        """Record a practice; returns its number."""
        values = _practice_values(practice)
        with self._write(slug, "practices", f"added the practice {values['what']!r}", by
                         ) as (conn, iid):
            _no_duplicate(conn, s.practices, iid, values["what"], "a practice")
            number = _next_number(conn, s.practices, iid)
            conn.execute(insert(s.practices).values(inquiry_id=iid, number=number, **values))
        return number

    def update_practice(self, slug: str, number: int, practice: Practice, *,
                        by: str = "facilitator") -> None:
        """Change a practice."""
        values = _practice_values(practice)
        with self._write(slug, "practices", f"changed the practice {values['what']!r}", by
                         ) as (conn, iid):
            _no_duplicate(conn, s.practices, iid, values["what"], "a practice", number)
            _update_one(conn, s.practices, iid, number, values, "practice")

    def remove_practice(self, slug: str, number: int, *, by: str = "facilitator") -> None:
        """Remove a practice and its checks."""
        with self._write(slug, "practices", f"removed practice {number}", by) as (conn, iid):
            _delete_one(conn, s.practices, iid, number, "practice")
            conn.execute(delete(s.practice_checks).where(
                s.practice_checks.c.inquiry_id == iid, s.practice_checks.c.practice_id == number))

    def set_practice_checks(self, slug: str, checks: Iterable[PracticeCheck], *,
                            by: str = "facilitator") -> None:
        """Set many cells of the practice-check grid in one action."""
        checks = list(checks)
        for c in checks:
            _choice(c.value, CHECK_VALUES, "The answer")
        with self._write(slug, "practice_checks", f"recorded {len(checks)} practice checks",
                         by) as (conn, iid):
            known_units = _unit_ids(conn, iid)
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

    # ------------------------------------------------------------------ actions

    def add_action(self, slug: str, action: Action, *, by: str = "facilitator") -> int:
        """Record what the group will do; returns its number."""
        values = _action_values(action)
        with self._write(slug, "actions", f"added the action {values['what']!r}", by
                         ) as (conn, iid):
            _no_duplicate(conn, s.actions, iid, values["what"], "an action")
            number = _next_number(conn, s.actions, iid)
            conn.execute(insert(s.actions).values(inquiry_id=iid, number=number, **values))
        return number

    def update_action(self, slug: str, number: int, action: Action, *,
                      by: str = "facilitator") -> None:
        """Change an action."""
        values = _action_values(action)
        with self._write(slug, "actions", f"changed the action {values['what']!r}", by
                         ) as (conn, iid):
            _no_duplicate(conn, s.actions, iid, values["what"], "an action", number)
            _update_one(conn, s.actions, iid, number, values, "action")

    def remove_action(self, slug: str, number: int, *, by: str = "facilitator") -> None:
        """Remove an action."""
        with self._write(slug, "actions", f"removed action {number}", by) as (conn, iid):
            _delete_one(conn, s.actions, iid, number, "action")

    # ------------------------------------------------------------------ progress

    def add_progress(self, slug: str, entry: ProgressEntry, *, by: str = "facilitator") -> int:
        """Record a dated measurement after the baseline; returns its number."""
        values = _progress_values(entry)
        with self._write(slug, "progress", f"added progress for {values['date']}", by,
                         values) as (conn, iid):
            number = _next_number(conn, s.progress, iid)
            conn.execute(insert(s.progress).values(inquiry_id=iid, number=number, **values))
        return number

    def update_progress(self, slug: str, number: int, entry: ProgressEntry, *,
                        by: str = "facilitator") -> None:
        """Change a progress entry."""
        values = _progress_values(entry)
        with self._write(slug, "progress", f"changed progress for {values['date']}", by,
                         values) as (conn, iid):
            _update_one(conn, s.progress, iid, number, values, "progress entry")

    def remove_progress(self, slug: str, number: int, *, by: str = "facilitator") -> None:
        """Remove a progress entry."""
        with self._write(slug, "progress", f"removed progress entry {number}", by
                         ) as (conn, iid):
            _delete_one(conn, s.progress, iid, number, "progress entry")

    # ------------------------------------------------------------------ reflections

    def set_reflection(self, slug: str, step: int, principle: str, note: str, *,
                       by: str = "facilitator") -> None:
        """The group's note on one principle at one step (empty note removes it)."""
        if step not in model.STEPS:
            raise ModelError("Choose step 1, 2 or 3.")
        principle = _choice(principle, PRINCIPLES, "The principle")
        note = _text(note, "The note")
        with self._write(slug, "reflections", f"noted {PRINCIPLES[principle]!r} at step {step}",
                         by) as (conn, iid):
            conn.execute(delete(s.reflections).where(
                s.reflections.c.inquiry_id == iid, s.reflections.c.step == step,
                s.reflections.c.principle == principle))
            if note:
                conn.execute(insert(s.reflections).values(
                    inquiry_id=iid, step=step, principle=principle, note=note))

    # ------------------------------------------------------------------ whole inquiries

    def save_inquiry(self, inquiry: Inquiry, *, slug: str | None = None,
                     by: str = "facilitator") -> str:
        """Store a whole inquiry (from a file) under a new slug; returns the slug.

        Everything is kept as it was saved, history and numbers included, so that exporting
        it again gives back the same file.
        """
        _text(inquiry.title, "The title", required=True, limit=200)
        for p in inquiry.group:
            _choice(p.role, ROLES, "The role")
        _choice(inquiry.measure.kind, MEASURE_KINDS, "The kind of measure")
        _choice(inquiry.measure.better, DIRECTIONS, "Which way is better")
        for c in inquiry.practice_checks:
            _number(c.practice_id, "The practice of a practice check", integer=True)
        for r in inquiry.reflections:
            _number(r.step, "The step of a reflection", integer=True)
        stamp = now()
        with self._team_refusal(), self.engine.begin() as conn:
            postgres.serialise(conn, "new inquiry")
            slug = _unique_slug(conn, self.team_slug(
                slug or inquiry.slug or model.slugify(inquiry.title)))
            m, i = inquiry.measure, inquiry.issue
            iid = conn.execute(insert(s.inquiries).values(
                slug=slug, title=inquiry.title, team=self.team,
                created_at=inquiry.created_at or stamp,
                updated_at=inquiry.updated_at or stamp,
                issue_statement=i.statement, issue_affects=i.affects,
                issue_why_it_matters=i.why_it_matters, issue_wider_effects=i.wider_effects,
                measure_what=m.what, measure_unit_name=m.unit_name, measure_kind=m.kind,
                measure_better=m.better, measure_source=m.source,
                measure_baseline_date=m.baseline_date,
                context_columns=_dumps(inquiry.context_columns),
            )).inserted_primary_key[0]
            _insert_numbered(conn, s.people, iid, inquiry.group,
                             lambda p: dict(name=p.name, role=p.role))
            frame, _ = units_table.normalise(
                units_table.from_units(inquiry.units, inquiry.context_columns))
            _store_frame(conn, iid, frame, units_table.to_bytes(frame))
            if inquiry.exceptions:
                conn.execute(insert(s.exceptions), [dict(
                    inquiry_id=iid, unit_id=e.unit_id, status=e.status,
                    methods=_dumps(e.methods), score=e.score, note=e.note,
                    decided_by=e.decided_by, decided_at=e.decided_at)
                    for e in inquiry.exceptions])
            _insert_numbered(conn, s.practices, iid, inquiry.practices, _practice_values)
            if inquiry.practice_checks:
                conn.execute(insert(s.practice_checks), [dict(
                    inquiry_id=iid, unit_id=c.unit_id, practice_id=c.practice_id, value=c.value)
                    for c in inquiry.practice_checks])
            _insert_numbered(conn, s.actions, iid, inquiry.actions, _action_values)
            _insert_numbered(conn, s.progress, iid, inquiry.progress, _progress_values)
            if inquiry.reflections:
                conn.execute(insert(s.reflections), [dict(
                    inquiry_id=iid, step=r.step, principle=r.principle, note=r.note)
                    for r in inquiry.reflections])
            _insert_numbered(conn, s.analysis_runs, iid, inquiry.analysis_runs, lambda a: dict(
                at=a.at, by=a.by, method=a.method, settings=_dumps(a.settings),
                flagged=_dumps(a.flagged)))
            history = inquiry.history or [HistoryEntry(stamp, by, "inquiry",
                                                       "loaded the inquiry from a file")]
            _insert_numbered(conn, s.history, iid, history, lambda h: dict(
                at=h.at, by=h.by, part=h.part, change=h.change, detail=_dumps(h.detail)))
            rooms.save_parts(conn, iid, inquiry.notes, inquiry.polls)
        return slug


# ---------------------------------------------------------------------- helpers

_CHILD_TABLES = (s.people, s.unit_tables, s.exceptions, s.practices, s.practice_checks, s.actions,
                 s.progress, s.reflections, s.analysis_runs, s.history, *s.V3_TABLES)


#: Execution option of the connections that only read (see Store._read).
_READ_ONLY = "hidden_insights_read_only"


def _sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL (None for a database in memory)."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).resolve()


def _read_only_file(url: str) -> str | None:
    """The ``file:`` URI to open an SQLite file read-only when this process may not write
    its folder or the file (a copy on a read-only disk, another user's folder); else None.

    Readers of a WAL database need its ``-shm`` file. When the database was closed cleanly
    there is none and none can be made, so it is opened ``immutable`` (nobody can be writing
    it then: a writer would have left the ``-wal`` and ``-shm`` files).
    """
    path = _sqlite_file(url)
    if path is None or not path.is_file():
        return None
    if os.access(path, os.W_OK) and os.access(path.parent, os.W_OK):
        return None
    from urllib.parse import quote

    shm = Path(f"{path}-shm")
    immutable = not shm.exists() and not Path(f"{path}-wal").exists()
    return f"file:{quote(str(path))}?mode=ro" + ("&immutable=1" if immutable else "")


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        read_only = _read_only_file(url)
        options: dict[str, Any] = {}
        if read_only:
            def connect():
                return sqlite3.connect(read_only, uri=True, timeout=60, check_same_thread=False)

            options["creator"] = connect
        engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False},
                               **options)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):
            # Let SQLAlchemy's "begin" event below issue BEGIN itself (pysqlite's own
            # transaction handling would defer the write lock and risk deadlocks).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            # Only takes effect when the file is new: larger pages mean fewer overflow pages
            # to write and free when a units table (one document) is replaced.
            cur.execute("PRAGMA page_size=16384")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=60000")
            # Overwrite freed pages with zeros: a replaced or deleted real name (private_name)
            # must not stay readable in the file. Set here, not left to how SQLite was built.
            cur.execute("PRAGMA secure_delete=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            # Readers take no lock (WAL gives them a snapshot); writers take it at once.
            read = conn.get_execution_options().get(_READ_ONLY)
            conn.exec_driver_sql("BEGIN" if read else "BEGIN IMMEDIATE")

        @event.listens_for(engine, "handle_error")
        def _on_error(context):
            # A full disk, a read-only folder or a disk error: one plain sentence.
            problem = data_folder_problem(context.original_exception)
            if problem is not None and problem.kind == "CANNOT_OPEN":
                path = _sqlite_file(url)
                folder = path.parent if path is not None else None
                if folder is not None and folder.is_dir() and not os.access(folder, os.W_OK):
                    problem = DataFolderProblem("READ_ONLY")  # no database in it, none can be made
            return problem

        return engine
    if postgres.is_postgres(url):
        return postgres.make_engine(url)
    return create_engine(url, pool_pre_ping=True)


def _unique_slug(conn: Connection, wanted: str) -> str:
    wanted = model.slugify(wanted)
    taken = {r[0] for r in conn.execute(
        select(s.inquiries.c.slug).where(s.inquiries.c.slug.like(f"{wanted}%")))}
    if wanted not in taken:
        return wanted
    n = 2
    while f"{wanted}-{n}" in taken:
        n += 1
    return f"{wanted}-{n}"


def _next_number(conn: Connection, table, iid: int) -> int:
    last = conn.execute(select(func.max(table.c.number)).where(table.c.inquiry_id == iid)).scalar()
    return (last or 0) + 1


def _folded(text: str) -> str:
    """Text compared for sameness: case and runs of spaces do not matter."""
    return " ".join(str(text or "").split()).casefold()


def _no_duplicate(conn, table, iid: int, what: str, kind: str,
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


def _update_one(conn: Connection, table, iid: int, number: int, values: dict, what: str) -> None:
    if not values:
        return
    done = conn.execute(update(table).where(table.c.inquiry_id == iid, table.c.number == number)
                        .values(**values)).rowcount
    if not done:
        raise NotFound(f"There is no {what} number {number}.")


def _delete_one(conn: Connection, table, iid: int, number: int, what: str) -> None:
    done = conn.execute(delete(table).where(table.c.inquiry_id == iid,
                                            table.c.number == number)).rowcount
    if not done:
        raise NotFound(f"There is no {what} number {number}.")


def _insert_numbered(conn: Connection, table, iid: int, items: list, values) -> None:
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


def _load_frame(conn: Connection, iid: int):
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


def _drop_missing_units(conn: Connection, iid: int, unit_ids) -> dict[str, Any]:
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
                         .values(from_units=_dumps(kept)))
    return removed


def _unit_ids(conn: Connection, iid: int) -> set[str]:
    """The ids of the stored units (only that column of the document is read)."""
    data = conn.execute(select(s.unit_tables.c.data)
                        .where(s.unit_tables.c.inquiry_id == iid)).scalar()
    return units_table.read_ids(data)


def _store_frame(conn: Connection, iid: int, frame, data: bytes) -> None:
    conn.execute(delete(s.unit_tables).where(s.unit_tables.c.inquiry_id == iid))
    conn.execute(insert(s.unit_tables).values(inquiry_id=iid, format=units_table.FORMAT,
                                              row_count=len(frame), data=data))


def _save_frame(conn: Connection, iid: int, frame, columns: list[str]) -> None:
    frame, context = units_table.normalise(frame)
    _store_frame(conn, iid, frame, units_table.to_bytes(frame))
    conn.execute(update(s.inquiries).where(s.inquiries.c.id == iid)
                 .values(context_columns=_dumps(context)))


def _practice_values(p: Practice) -> dict[str, Any]:
    return dict(
        what=_text(p.what, "What they do", required=True, limit=2000),
        how=_text(p.how, "How they do it"),
        why=_text(p.why, "Why it seems to help"),
        accessible=_choice(p.accessible, ACCESSIBILITY, "Could anyone do it"),
        from_units=_dumps([_text(u, "A unit", limit=200) for u in p.from_units]),
    )


def _action_values(a: Action) -> dict[str, Any]:
    return dict(
        what=_text(a.what, "What the group will do", required=True, limit=2000),
        leads=_dumps([_text(x, "A lead", limit=200) for x in a.leads]),
        timing=_text(a.when, "When"),
        publicity=_text(a.publicity, "How it is publicised"),
        professional_terms=_text(a.professional_terms, "The terms for professionals"),
    )


def _progress_values(p: ProgressEntry) -> dict[str, Any]:
    date = _text(p.date, "The date", required=True, limit=40).strip()
    try:
        datetime.fromisoformat(date)
    except ValueError:
        raise ModelError("The date must look like 2026-03-31.") from None
    attendance = _number(p.attendance, "Attendance", integer=True)
    helped = _number(p.people_helped, "People helped", integer=True)
    if (attendance is not None and attendance < 0) or (helped is not None and helped < 0):
        raise ModelError("Counts of people cannot be negative.")
    return dict(date=date, outcome=_number(p.outcome, "The measure"), attendance=attendance,
                people_helped=helped, note=_text(p.note, "The note"))
