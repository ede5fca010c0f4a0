"""Inquiries as wholes in the store: the list (with what each holds), starting, renaming
and deleting one, reading one whole (with its history), and storing one from a file."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, text, update

from widgets import model
from widgets.model import (
    DIRECTIONS,
    MEASURE_KINDS,
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
)
from widgets.store import postgres, rooms, teams
from widgets.store import schema as s
from widgets.store.database import forget_old_pages
from widgets.store.rows import CHILD_TABLES, NotFound, insert_numbered, unique_slug
from widgets.store.step3 import action_values, practice_values, progress_values
from widgets.store.transactions import Transactions
from widgets.store.units import check_fit, load_frame, store_frame, units_table
from widgets.store.values import checked_choice, checked_number, checked_text, dumps, now


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
    #: The team (group) it belongs to on a shared server ('' on the standalone kit).
    team: str = ""

    @property
    def changed_since_download(self) -> bool:
        """True when there are changes the group has not downloaded yet."""
        return self.downloaded_at is None or self.updated_at > self.downloaded_at


class Inquiries(Transactions):
    """The inquiries themselves, as wholes."""

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
            i.c.measure_what, i.c.measure_unit_name, i.c.team,
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
        elif self.engine.dialect.name == "postgresql":
            q = q.where(_MINE)
        with self._read() as conn:
            return [
                InquirySummary(
                    slug=r.slug, title=r.title, created_at=r.created_at,
                    updated_at=r.updated_at, downloaded_at=r.downloaded_at,
                    people=r.people, units=r.units,
                    measure_defined=bool(r.measure_what.strip()),
                    confirmed_exceptions=r.confirmed, candidate_exceptions=r.candidates,
                    practices=r.practices, actions=r.actions, progress=r.progress,
                    unit_name=r.measure_unit_name or "", team=r.team,
                )
                for r in conn.execute(q)
            ]

    def summary(self, slug: str) -> InquirySummary:
        """The start-page summary of one inquiry."""
        for item in self._summaries(slug):
            return item
        raise NotFound(f"There is no inquiry called {slug!r}.")

    def team_slug(self, slug: str, team: str | None = None) -> str:
        """The slug a new inquiry of ``team`` (default: :attr:`team`) wanting ``slug``
        starts from: on a shared server it begins with the team's name, so teams never
        compete for a slug (nor learn of one another's inquiries through a taken slug)."""
        slug = model.slugify(slug)
        team = self.team if team is None else team
        if not team:
            return slug
        prefix = model.slugify(team) + "-"
        return slug if slug.startswith(prefix) else model.slugify(prefix + slug)

    def teams(self) -> list[str]:
        """The teams this store's database role may see and add inquiries to, sorted ([] on
        the standalone kit): what a start page offers someone in several teams."""
        if self.engine.dialect.name != "postgresql":
            return []
        with self._read() as conn:
            return _my_teams(conn)

    def _new_inquiry_team(self, conn, team: str | None) -> str:
        """The team of a new inquiry: ``team`` when the database lets this role use it (a
        plain ModelError otherwise), else the store's own :attr:`team`."""
        if team is None:
            return self.team
        if not isinstance(team, str) or not team.strip():
            raise ModelError("Choose the team the new inquiry belongs to.")
        team = team.strip()
        if conn.dialect.name != "postgresql":
            raise ModelError("This kit has no teams (it is not on a shared server): start "
                             "the inquiry without choosing one.")
        mine = _my_teams(conn)
        if team not in mine:
            if not mine:
                raise ModelError(f"You are not in the team {team!r}, nor in any other: ask "
                                 "the server's admin to add you to your group's team.")
            raise ModelError(f"You are not in the team {team!r}: choose one of your teams "
                             f"({', '.join(mine)}).")
        return team

    def exists(self, slug: str) -> bool:
        """True when an inquiry with this slug is stored."""
        with self._read() as conn:
            return conn.execute(
                select(s.inquiries.c.id).where(s.inquiries.c.slug == slug)
            ).first() is not None

    def create_inquiry(self, title: str, *, by: str = "facilitator",
                       slug: str | None = None, team: str | None = None) -> str:
        """Start a new, empty inquiry; returns its slug (made unique if needed).

        ``team``: on a shared server, one of :meth:`teams` (default: the store's
        :attr:`team`, chosen when the page opened); any other is a plain ModelError.
        """
        title = checked_text(title, "The title", required=True, limit=200).strip()
        stamp = now()
        with self._team_refusal(team), self.engine.begin() as conn:
            team = self._new_inquiry_team(conn, team)
            postgres.serialise(conn, "new inquiry")
            wanted = " ".join(title.split()).casefold()
            titles = select(s.inquiries.c.title)
            if conn.dialect.name == "postgresql":
                titles = titles.where(_MINE)
            for (existing,) in conn.execute(titles):
                if " ".join(existing.split()).casefold() == wanted:
                    raise ModelError(f"There is already an inquiry called {existing!r}: open it "
                                     "from the list, or choose another title.")
            slug = unique_slug(conn, self.team_slug(slug or model.slugify(title), team))
            inquiry_id = conn.execute(
                insert(s.inquiries).values(slug=slug, title=title, team=team,
                                           created_at=stamp,
                                           updated_at=stamp, context_columns="[]")
            ).inserted_primary_key[0]
            conn.execute(insert(s.history).values(
                inquiry_id=inquiry_id, number=1, at=stamp, by=by or "someone",
                part="inquiry", change=f"started the inquiry {title!r}", detail="{}"))
        return slug

    def rename(self, slug: str, title: str, *, by: str = "facilitator") -> None:
        """Change the title (the slug stays, so links keep working)."""
        title = checked_text(title, "The title", required=True, limit=200).strip()
        with self._write(slug, "inquiry", f"renamed the inquiry to {title!r}", by) as (conn, iid):
            conn.execute(update(s.inquiries).where(s.inquiries.c.id == iid).values(title=title))

    def delete_inquiry(self, slug: str) -> None:
        """Remove an inquiry and everything in it."""
        with self.engine.begin() as conn:
            iid = self._inquiry_id(conn, slug)
            for table in CHILD_TABLES:
                conn.execute(delete(table).where(table.c.inquiry_id == iid))
            conn.execute(delete(s.inquiries).where(s.inquiries.c.id == iid))
        forget_old_pages(self.engine)  # its units' real names

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
                frame, columns = load_frame(conn, iid)
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

    def save_inquiry(self, inquiry: Inquiry, *, slug: str | None = None,
                     by: str = "facilitator", team: str | None = None) -> str:
        """Store a whole inquiry (from a file) under a new slug; returns the slug.

        Everything is kept as it was saved, history and numbers included, so that exporting
        it again gives back the same file. ``team``: as for :meth:`create_inquiry`.
        """
        checked_text(inquiry.title, "The title", required=True, limit=200)
        for p in inquiry.group:
            checked_choice(p.role, ROLES, "The role")
        checked_choice(inquiry.measure.kind, MEASURE_KINDS, "The kind of measure")
        checked_choice(inquiry.measure.better, DIRECTIONS, "Which way is better")
        for c in inquiry.practice_checks:
            checked_number(c.practice_id, "The practice of a practice check", integer=True)
        for r in inquiry.reflections:
            checked_number(r.step, "The step of a reflection", integer=True)
        stamp = now()
        with self._team_refusal(team), self.engine.begin() as conn:
            team = self._new_inquiry_team(conn, team)
            postgres.serialise(conn, "new inquiry")
            slug = unique_slug(conn, self.team_slug(
                slug or inquiry.slug or model.slugify(inquiry.title), team))
            m, i = inquiry.measure, inquiry.issue
            iid = conn.execute(insert(s.inquiries).values(
                slug=slug, title=inquiry.title, team=team,
                created_at=inquiry.created_at or stamp,
                updated_at=inquiry.updated_at or stamp,
                issue_statement=i.statement, issue_affects=i.affects,
                issue_why_it_matters=i.why_it_matters, issue_wider_effects=i.wider_effects,
                measure_what=m.what, measure_unit_name=m.unit_name, measure_kind=m.kind,
                measure_better=m.better, measure_source=m.source,
                measure_baseline_date=m.baseline_date,
                context_columns=dumps(inquiry.context_columns),
            )).inserted_primary_key[0]
            insert_numbered(conn, s.people, iid, inquiry.group,
                             lambda p: dict(name=p.name, role=p.role))
            frame, _ = units_table.normalise(
                units_table.from_units(inquiry.units, inquiry.context_columns))
            check_fit(frame, m.kind)
            store_frame(conn, iid, frame, units_table.to_bytes(frame))
            if inquiry.exceptions:
                conn.execute(insert(s.exceptions), [dict(
                    inquiry_id=iid, unit_id=e.unit_id, status=e.status,
                    methods=dumps(e.methods), score=e.score, note=e.note,
                    decided_by=e.decided_by, decided_at=e.decided_at)
                    for e in inquiry.exceptions])
            insert_numbered(conn, s.practices, iid, inquiry.practices, practice_values)
            if inquiry.practice_checks:
                conn.execute(insert(s.practice_checks), [dict(
                    inquiry_id=iid, unit_id=c.unit_id, practice_id=c.practice_id, value=c.value)
                    for c in inquiry.practice_checks])
            insert_numbered(conn, s.actions, iid, inquiry.actions, action_values)
            insert_numbered(conn, s.progress, iid, inquiry.progress, progress_values)
            if inquiry.reflections:
                conn.execute(insert(s.reflections), [dict(
                    inquiry_id=iid, step=r.step, principle=r.principle, note=r.note)
                    for r in inquiry.reflections])
            insert_numbered(conn, s.analysis_runs, iid, inquiry.analysis_runs, lambda a: dict(
                at=a.at, by=a.by, method=a.method, settings=dumps(a.settings),
                flagged=dumps(a.flagged)))
            history = inquiry.history or [HistoryEntry(stamp, by, "inquiry",
                                                       "loaded the inquiry from a file")]
            insert_numbered(conn, s.history, iid, history, lambda h: dict(
                at=h.at, by=h.by, part=h.part, change=h.change, detail=dumps(h.detail)))
            rooms.save_parts(conn, iid, inquiry.notes, inquiry.polls)
        return slug


#: The inquiries this role may see, said again before the policy (PostgreSQL): a plain test
#: of ``team`` against the role's teams (listed once per query) rules out the other teams'
#: inquiries before the policy looks up each one's team role, which on a server with many
#: inquiries costs more than the list itself. The policy still decides.
_MINE = text(f"(inquiries.team = '' OR inquiries.team = ANY (ARRAY({teams.MY_TEAMS_SQL})))")


def _my_teams(conn) -> list[str]:
    """The teams the connection's role is a member of, sorted (PostgreSQL only)."""
    return sorted(r[0] for r in conn.execute(text(teams.MY_TEAMS_SQL)))
