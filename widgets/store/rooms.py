"""The room in the store: join codes, the prompt, contributions, polls and ballots.

:class:`RoomStore` is mixed into :class:`widgets.store.Store`; every method is one
transaction. What participants send (:meth:`RoomStore.add_contribution`,
:meth:`RoomStore.cast_vote`) never changes the inquiry itself: it waits in the room until the
facilitator takes it (:meth:`RoomStore.take_contribution`), which changes the inquiry and logs
"from the room" with the time it was sent, in one transaction.

Rules kept here:

- At most one room of an inquiry is open. Opening a room closes the old one in the same
  transaction, and codes are unique over every room ever opened, so an old code stops
  working at once and can never open a newer room.
- One ballot per device per poll: a second vote from the same phone *replaces* the first
  (people change their minds while they talk; a phone still counts once). The poll's counts
  are updated in the same transaction as the ballot, so they are always the ballots' sum and
  survive in the inquiry file without any device ids.
- Contributions are not history entries (fifty phones would drown the log) and do not mark
  the inquiry changed; opening, closing, prompts and taking are logged.

:meth:`RoomStore.room_changes` is a cheap change token for live pages: on SQLite it asks
``PRAGMA data_version`` on a connection of its own and queries only when some other
connection has committed since; on PostgreSQL it is one small query. Nothing is broadcast.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from widgets import join_codes as codes
from widgets.model import (
    CONTRIBUTION_KINDS,
    CONTRIBUTION_STATUSES,
    STEPS,
    Contribution,
    ModelError,
    Poll,
    Room,
    StepNote,
    check_prompt,
)
from widgets.store import schema as s


class RoomClosed(ModelError):
    """The code is wrong, or its room is closed (one message for both: it reveals nothing)."""

    def __init__(self) -> None:
        super().__init__("This room is not open. Check the code with the facilitator.")


#: Shown when the prompt does not let participants send this now.
NOT_NOW = {
    "answer": "The facilitator is not asking for answers right now.",
    "exception": "The facilitator is not asking for positive exceptions right now.",
    "practice": "The facilitator is not asking for practices right now.",
    "vote": "There is no vote right now.",
}

_watch_lock = threading.Lock()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _next(conn: Connection, table, iid: int) -> int:
    last = conn.execute(select(func.max(table.c.number))
                        .where(table.c.inquiry_id == iid)).scalar()
    return (last or 0) + 1


def _who(by: Any) -> str:
    if not isinstance(by, str) or "\x00" in by or len(by) > 200:
        raise ModelError("Your name must be text of at most 200 characters.")
    return by or "someone"


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _room(r, poll=None) -> Room:
    return Room(code=r.code, opened_at=r.opened_at, opened_by=r.opened_by,
                closed_at=r.closed_at, closed_by=r.closed_by, prompt=r.prompt,
                question=r.question, step=r.step,
                choices=json.loads(poll.choices) if poll is not None else [],
                ends_at=r.ends_at, results_shown=bool(poll.results_shown) if poll else False,
                poll_id=r.poll, id=r.number)


def _poll(p) -> Poll:
    return Poll(question=p.question, choices=json.loads(p.choices), counts=json.loads(p.counts),
                opened_at=p.opened_at, closed_at=p.closed_at,
                results_shown=bool(p.results_shown), step=p.step, id=p.number)


def _contribution(c) -> Contribution:
    return Contribution(kind=c.kind, text=c.text, detail=c.detail, nickname=c.nickname,
                        device=c.device, status=c.status, at=c.at, step=c.step,
                        became=c.became, room_id=c.room, id=c.number)


def _poll_row(conn: Connection, iid: int, number: int | None):
    if number is None:
        return None
    return conn.execute(select(s.polls).where(s.polls.c.inquiry_id == iid,
                                              s.polls.c.number == number)).first()


def _open_room_row(conn: Connection, iid: int):
    return conn.execute(select(s.rooms).where(s.rooms.c.inquiry_id == iid,
                                              s.rooms.c.closed_at == "")
                        .order_by(s.rooms.c.number.desc()).limit(1)).first()


class RoomStore:
    """The room's part of the store (mixed into ``Store``: uses its engine, ``_read`` and
    ``_write``)."""

    # ------------------------------------------------------------------ helpers

    def _room_iid(self, conn: Connection, slug: str) -> int:
        from widgets.store.rows import NotFound

        iid = conn.execute(select(s.inquiries.c.id).where(s.inquiries.c.slug == slug)).scalar()
        if iid is None:
            raise NotFound(f"There is no inquiry called {slug!r}.")
        return iid

    def _locked_room(self, conn: Connection, code: Any):
        """``(inquiry id, open room row)`` for a typed code, with the inquiry locked for
        this transaction (numbering, and a room closing meanwhile); RoomClosed otherwise."""
        code = codes.normalise(code)
        if code is None:
            raise RoomClosed()
        found = conn.execute(select(s.rooms.c.inquiry_id).where(
            s.rooms.c.code == code, s.rooms.c.closed_at == "")).scalar()
        if found is None:
            raise RoomClosed()
        # Lock the inquiry, then read the room again: a close committed meanwhile is seen.
        conn.execute(select(s.inquiries.c.id).where(s.inquiries.c.id == found)
                     .with_for_update())
        row = conn.execute(select(s.rooms).where(s.rooms.c.inquiry_id == found,
                                                 s.rooms.c.code == code,
                                                 s.rooms.c.closed_at == "")).first()
        if row is None:
            raise RoomClosed()
        return found, row

    # ------------------------------------------------------------------ opening and closing

    def open_room(self, slug: str, *, by: str = "facilitator") -> Room:
        """Open the inquiry's room with a new join code; any room of the inquiry still open is
        closed in the same transaction, so its code stops working at once."""
        with self._write(slug, "room", "opened the room", by) as (conn, iid):
            stamp = _now()
            conn.execute(update(s.rooms).where(s.rooms.c.inquiry_id == iid,
                                               s.rooms.c.closed_at == "")
                         .values(closed_at=stamp, closed_by=_who(by), changed_at=stamp))
            number = _next(conn, s.rooms, iid)
            for _attempt in range(20):
                code = codes.new_code()
                if conn.execute(select(s.rooms.c.number)
                                .where(s.rooms.c.code == code)).first() is not None:
                    continue
                try:
                    with conn.begin_nested():  # a code taken by a room this role cannot see
                        conn.execute(insert(s.rooms).values(
                            inquiry_id=iid, number=number, code=code, opened_at=stamp,
                            opened_by=_who(by), closed_at="", closed_by="", prompt="none",
                            question="", step=None, poll=None, ends_at="", changed_at=stamp))
                except IntegrityError:
                    continue
                break
            else:  # pragma: no cover - 20 collisions in 1.5e11 codes
                raise RuntimeError("could not find a free join code")
            row = conn.execute(select(s.rooms).where(s.rooms.c.inquiry_id == iid,
                                                     s.rooms.c.number == number)).first()
            return _room(row)

    def close_room(self, slug: str, *, by: str = "facilitator") -> bool:
        """Close the inquiry's room (its code stops working at once); False when none was
        open. The open vote, if any, closes too."""
        try:
            with self._write(slug, "room", "closed the room", by) as (conn, iid):
                stamp = _now()
                done = conn.execute(update(s.rooms).where(
                    s.rooms.c.inquiry_id == iid, s.rooms.c.closed_at == "").values(
                    closed_at=stamp, closed_by=_who(by), changed_at=stamp)).rowcount
                conn.execute(update(s.polls).where(s.polls.c.inquiry_id == iid,
                                                   s.polls.c.closed_at == "")
                             .values(closed_at=stamp, changed_at=stamp))
                if not done:  # no room was open: roll back, nothing to log
                    raise _NothingToDo()
        except _NothingToDo:
            return False
        return True

    def room(self, slug: str) -> Room | None:
        """The inquiry's latest room (open or closed), None when it never had one."""
        with self._read() as conn:
            iid = self._room_iid(conn, slug)
            r = conn.execute(select(s.rooms).where(s.rooms.c.inquiry_id == iid)
                             .order_by(s.rooms.c.number.desc()).limit(1)).first()
            return None if r is None else _room(r, _poll_row(conn, iid, r.poll))

    def room_by_code(self, code: Any) -> tuple[str, Room] | None:
        """``(slug, room)`` of the open room a typed code names (case, spaces and dashes do
        not matter); None for a wrong code and for a closed room alike."""
        code = codes.normalise(code)
        if code is None:
            return None
        with self._read() as conn:
            r = conn.execute(select(s.rooms, s.inquiries.c.slug)
                             .join(s.inquiries, s.inquiries.c.id == s.rooms.c.inquiry_id)
                             .where(s.rooms.c.code == code, s.rooms.c.closed_at == "")).first()
            if r is None:
                return None
            return r.slug, _room(r, _poll_row(conn, r.inquiry_id, r.poll))

    # ------------------------------------------------------------------ the prompt

    def set_prompt(self, slug: str, kind: str, question: str = "",
                   choices: list[str] | None = None, seconds: int | None = None, *,
                   step: int | None = None, by: str = "facilitator") -> Room:
        """Say what participants may do now (a key of ``model.ROOM_PROMPTS``), with the
        question shown on their phones, and start a countdown of ``seconds`` (None: none).

        Any new prompt closes the open vote; ``kind="vote"`` opens a new one on ``choices``,
        and "none" keeps the last vote on the room, so its results can still be shown.
        ``step`` is the step the room is at (answers taken from the room become notes on
        it)."""
        kind, question, choices, seconds, step = check_prompt(kind, question, choices,
                                                              seconds, step)
        stamp = _now()
        ends = ((datetime.fromisoformat(stamp) + timedelta(seconds=seconds))
                .isoformat(timespec="microseconds") if seconds else "")
        words = {"none": "paused the room", "answer": "asked the room",
                 "exception": "asked the room for positive exceptions",
                 "practice": "asked the room for practices",
                 "vote": "put a vote to the room"}[kind]
        change = words + (f": {_short(question)!r}" if question else "")
        with self._write(slug, "room", change, by,
                         {"prompt": kind, "question": question, "choices": choices,
                          "seconds": seconds}) as (conn, iid):
            row = _open_room_row(conn, iid)
            if row is None:
                raise ModelError("Open the room first.")
            conn.execute(update(s.polls).where(s.polls.c.inquiry_id == iid,
                                               s.polls.c.closed_at == "")
                         .values(closed_at=stamp, changed_at=stamp))
            poll = row.poll if kind == "none" else None
            if kind == "vote":
                poll = _next(conn, s.polls, iid)
                conn.execute(insert(s.polls).values(
                    inquiry_id=iid, number=poll, question=question, choices=_dumps(choices),
                    counts=_dumps([0] * len(choices)), opened_at=stamp, closed_at="",
                    results_shown=0, step=step, changed_at=stamp))
            conn.execute(update(s.rooms).where(s.rooms.c.inquiry_id == iid,
                                               s.rooms.c.number == row.number).values(
                prompt=kind, question=question, step=step, poll=poll, ends_at=ends,
                changed_at=stamp))
            r = conn.execute(select(s.rooms).where(s.rooms.c.inquiry_id == iid,
                                                   s.rooms.c.number == row.number)).first()
            return _room(r, _poll_row(conn, iid, poll))

    def show_results(self, slug: str, shown: bool = True, *,
                     by: str = "facilitator") -> Poll:
        """Show (or hide) the results of the room's last vote on the phones."""
        change = "showed the vote's results" if shown else "hid the vote's results"
        with self._write(slug, "room", change, by) as (conn, iid):
            row = conn.execute(select(s.rooms).where(s.rooms.c.inquiry_id == iid)
                               .order_by(s.rooms.c.number.desc()).limit(1)).first()
            if row is None or row.poll is None:
                raise ModelError("There is no vote to show.")
            stamp = _now()
            conn.execute(update(s.polls).where(s.polls.c.inquiry_id == iid,
                                               s.polls.c.number == row.poll)
                         .values(results_shown=int(bool(shown)), changed_at=stamp))
            conn.execute(update(s.rooms).where(s.rooms.c.inquiry_id == iid,
                                               s.rooms.c.number == row.number)
                         .values(changed_at=stamp))
            return _poll(_poll_row(conn, iid, row.poll))

    # ------------------------------------------------------------------ from the phones

    def add_contribution(self, code: Any, kind: Any, text: Any, device: Any,
                         nickname: Any = None, detail: Any = None) -> Contribution:
        """Store what a participant sent to the room ``code`` names, in one transaction.

        Refused with a :class:`ModelError` a participant can read: a wrong or closed code
        (:class:`RoomClosed`, the same for both), a kind the prompt does not allow now,
        empty or too long text."""
        item = Contribution(kind=kind if isinstance(kind, str) else "", text=text,
                            detail=detail or "", nickname=nickname or "",
                            device=device).check()
        with self.engine.begin() as conn:
            iid, room = self._locked_room(conn, code)
            stamp = _now()  # taken under the lock: a close is either before or after it
            if room.prompt != item.kind:
                raise ModelError(NOT_NOW[item.kind])
            number = _next(conn, s.contributions, iid)
            conn.execute(insert(s.contributions).values(
                inquiry_id=iid, number=number, room=room.number, kind=item.kind,
                text=item.text, detail=item.detail, nickname=item.nickname,
                device=item.device, status="new", at=stamp, step=room.step, became="",
                decided_by="", changed_at=stamp))
        item.id, item.at, item.step, item.room_id = number, stamp, room.step, room.number
        return item

    def cast_vote(self, code: Any, device: Any, choice: Any) -> Poll:
        """Record a phone's vote (``choice``: the index of a choice) in the room's open
        vote. One ballot per device per poll: a second vote replaces the first. Returns the
        poll with its counts."""
        if not isinstance(device, str) or not 1 <= len(device) <= 128:
            raise ModelError("This phone could not be recognised: reload the page.")
        if isinstance(choice, str) and choice.strip().isdigit() and len(choice) < 4:
            choice = int(choice)
        if isinstance(choice, bool) or not isinstance(choice, int):
            raise ModelError("Choose one of the answers.")
        with self.engine.begin() as conn:
            iid, room = self._locked_room(conn, code)
            stamp = _now()
            poll = _poll_row(conn, iid, room.poll)
            if room.prompt != "vote" or poll is None or poll.closed_at:
                raise ModelError(NOT_NOW["vote"])
            counts = json.loads(poll.counts)
            if not 0 <= choice < len(counts):
                raise ModelError("Choose one of the answers.")
            b = s.ballots
            where = and_(b.c.inquiry_id == iid, b.c.poll == poll.number, b.c.device == device)
            before = conn.execute(select(b.c.choice).where(where)).scalar()
            if before is None:
                conn.execute(insert(b).values(inquiry_id=iid, poll=poll.number, device=device,
                                              choice=choice, at=stamp))
            else:
                counts[before] -= 1
                conn.execute(update(b).where(where).values(choice=choice, at=stamp))
            counts[choice] += 1
            conn.execute(update(s.polls).where(s.polls.c.inquiry_id == iid,
                                               s.polls.c.number == poll.number)
                         .values(counts=_dumps(counts), changed_at=stamp))
            return _poll(_poll_row(conn, iid, poll.number))

    # ------------------------------------------------------------------ moderation

    def contributions(self, slug: str, since_id: int = 0) -> list[Contribution]:
        """What came in from the inquiry's rooms, oldest first; ``since_id``: only those with
        a larger id (what is new since the last look)."""
        c = s.contributions
        with self._read() as conn:
            iid = self._room_iid(conn, slug)
            rows = conn.execute(select(c).where(c.c.inquiry_id == iid, c.c.number > since_id)
                                .order_by(c.c.number)).all()
        return [_contribution(r) for r in rows]

    def contribution(self, slug: str, id: int) -> Contribution:
        """One contribution by its id."""
        from widgets.store.rows import NotFound

        c = s.contributions
        with self._read() as conn:
            iid = self._room_iid(conn, slug)
            r = conn.execute(select(c).where(c.c.inquiry_id == iid, c.c.number == id)).first()
        if r is None:
            raise NotFound(f"There is no contribution number {id}.")
        return _contribution(r)

    def set_contribution_status(self, slug: str, id: int, status: str, *,
                                by: str = "facilitator") -> None:
        """Show a contribution on the projected view, hide it, or put it back as new
        (``status``: "new", "shown" or "hidden"; "taken" is :meth:`take_contribution`)."""
        from widgets.store.rows import NotFound

        if status not in CONTRIBUTION_STATUSES or status == "taken":
            raise ModelError("Choose show or hide.")
        c = s.contributions
        with self.engine.begin() as conn:
            iid = self._room_iid(conn, slug)
            row = conn.execute(select(c.c.status).where(c.c.inquiry_id == iid,
                                                        c.c.number == id)).first()
            if row is None:
                raise NotFound(f"There is no contribution number {id}.")
            if row.status == "taken":
                raise ModelError("This one is already in the inquiry.")
            conn.execute(update(c).where(c.c.inquiry_id == iid, c.c.number == id).values(
                status=status, decided_by=_who(by), changed_at=_now()))

    def take_contribution(self, slug: str, id: int, *, by: str = "facilitator",
                          unit_id: str | None = None, step: int | None = None) -> str:
        """Take a contribution into the inquiry, in one transaction: an answer becomes a note
        on its step (``step``, default the step the room was at), a practice a practice
        (draft: "not sure yet" whether anyone could do it) in step 3, a positive exception
        a candidate with the method "group-choice" for ``unit_id`` (the facilitator picks
        the unit). The history says "from the room" and when it was sent; the contribution is
        marked taken. Returns what it became, e.g. ``"practice 4"``."""
        from widgets.store import units_table
        from widgets.store.rows import NotFound

        item = self.contribution(slug, id)
        if item.status == "taken":
            raise ModelError("This one is already in the inquiry.")
        sent = item.at[:16].replace("T", " ")
        detail = {"from": "the room", "contribution": item.id, "sent_at": item.at,
                  "kind": item.kind, "text": item.text}
        if item.kind == "answer":
            step = step if step is not None else item.step
            if step not in STEPS:
                raise ModelError("Choose the step this answer is a note on.")
            part, change = "notes", f"noted an answer from the room (sent {sent} UTC)"
        elif item.kind == "practice":
            part, change = "practices", (f"added the practice {_short(item.text)!r} from the "
                                         f"room (sent {sent} UTC)")
        else:
            if not isinstance(unit_id, str) or not unit_id.strip():
                raise ModelError("Choose the unit this positive exception is about.")
            from widgets.model import clean_unit_id

            unit_id = clean_unit_id(unit_id)
            part, change = "exceptions", (f"marked {unit_id!r} as a candidate from the room "
                                          f"(group choice; sent {sent} UTC)")
            detail["unit_id"] = unit_id
        c = s.contributions
        with self._write(slug, part, change, by, detail) as (conn, iid):
            now = _now()
            status = conn.execute(select(c.c.status).where(c.c.inquiry_id == iid,
                                                           c.c.number == id)).scalar()
            if status is None:
                raise NotFound(f"There is no contribution number {id}.")
            if status == "taken":  # taken by another page since the look above
                raise ModelError("This one is already in the inquiry.")
            if item.kind == "answer":
                number = _next(conn, s.step_notes, iid)
                conn.execute(insert(s.step_notes).values(
                    inquiry_id=iid, number=number, step=step, text=item.text, by=_who(by),
                    at=now, source="room"))
                became = f"note {number}"
            elif item.kind == "practice":
                wanted = " ".join(item.text.split()).casefold()
                for (other,) in conn.execute(select(s.practices.c.what)
                                             .where(s.practices.c.inquiry_id == iid)):
                    if " ".join(other.split()).casefold() == wanted:
                        raise ModelError(f"There is already a practice called "
                                         f"“{' '.join(other.split())}”; change that one "
                                         "instead.")
                number = _next(conn, s.practices, iid)
                conn.execute(insert(s.practices).values(
                    inquiry_id=iid, number=number, what=item.text, how=item.detail, why="",
                    accessible="unsure", from_units="[]"))
                became = f"practice {number}"
            else:
                data = conn.execute(select(s.unit_tables.c.data)
                                    .where(s.unit_tables.c.inquiry_id == iid)).scalar()
                if data is None or unit_id not in units_table.read_ids(data):
                    raise ModelError(f"There is no unit called {unit_id!r} in the data.")
                e = s.exceptions
                where = and_(e.c.inquiry_id == iid, e.c.unit_id == unit_id)
                existing = conn.execute(select(e.c.methods).where(where)).first()
                if existing is None:
                    conn.execute(insert(e).values(
                        inquiry_id=iid, unit_id=unit_id, status="candidate",
                        methods=_dumps(["group-choice"]), score=None,
                        note=f"From the room: {item.text}", decided_by="", decided_at=""))
                else:
                    methods = json.loads(existing.methods)
                    if "group-choice" not in methods:
                        conn.execute(update(e).where(where).values(
                            methods=_dumps([*methods, "group-choice"])))
                became = f"candidate {unit_id}"
            conn.execute(update(c).where(c.c.inquiry_id == iid, c.c.number == id).values(
                status="taken", became=became, decided_by=_who(by), changed_at=now))
        return became

    # ------------------------------------------------------------------ votes

    def poll_results(self, slug: str) -> Poll | None:
        """The room's last vote with its counts (None when there was none)."""
        with self._read() as conn:
            iid = self._room_iid(conn, slug)
            number = conn.execute(select(func.max(s.polls.c.number))
                                  .where(s.polls.c.inquiry_id == iid)).scalar()
            row = _poll_row(conn, iid, number)
        return None if row is None else _poll(row)

    def polls(self, slug: str) -> list[Poll]:
        """Every vote put to the inquiry's rooms, oldest first."""
        with self._read() as conn:
            iid = self._room_iid(conn, slug)
            return [_poll(p) for p in conn.execute(
                select(s.polls).where(s.polls.c.inquiry_id == iid).order_by(s.polls.c.number))]

    # ------------------------------------------------------------------ notes

    def add_note(self, slug: str, step: int, text: str, *, by: str = "facilitator") -> int:
        """A note on a step, typed by the facilitator; returns its number."""
        from widgets.model import person_text

        if step not in STEPS:
            raise ModelError("Choose step 1, 2 or 3.")
        text = person_text(text, "The note", 20_000, required=True)
        with self._write(slug, "notes", f"noted at step {step}: {_short(text)!r}", by
                         ) as (conn, iid):
            number = _next(conn, s.step_notes, iid)
            conn.execute(insert(s.step_notes).values(inquiry_id=iid, number=number, step=step,
                                                     text=text, by=_who(by), at=_now(),
                                                     source=""))
        return number

    def notes(self, slug: str) -> list[StepNote]:
        """The notes on the steps, oldest first."""
        with self._read() as conn:
            return read_notes(conn, self._room_iid(conn, slug))

    # ------------------------------------------------------------------ live pages

    def room_changes(self, slug: str) -> str:
        """A token that changes whenever anything about the inquiry's room changes (a
        contribution comes in or is moderated, the prompt, a vote). Cheap enough to ask
        every half second: on SQLite only ``PRAGMA data_version`` unless another connection
        committed since the last call."""
        version = self._data_version()
        cache: dict[str, tuple[int, str]] = self.__dict__.setdefault("_room_tokens", {})
        if version is not None and slug in cache and cache[slug][0] == version:
            return cache[slug][1]
        with self._read() as conn:
            iid = self._room_iid(conn, slug)

            def latest(table, column):
                return (select(func.max(column)).where(table.c.inquiry_id == iid)
                        .scalar_subquery())

            row = conn.execute(select(
                latest(s.contributions, s.contributions.c.number),
                latest(s.contributions, s.contributions.c.changed_at),
                latest(s.rooms, s.rooms.c.changed_at),
                latest(s.polls, s.polls.c.changed_at))).first()
        token = "|".join(str(v or "") for v in row)
        if version is not None:
            cache[slug] = (version, token)
        return token

    def group_version(self, slug: str) -> int:
        """A number that changes when the group's work changes, and not when only the room
        does (prompts, votes, notes): the group's page is rebuilt only then."""
        h = s.history
        with self._read() as conn:
            iid = self._room_iid(conn, slug)
            return conn.execute(select(func.max(h.c.number)).where(
                h.c.inquiry_id == iid, h.c.part.not_in(("room", "notes")))).scalar() or 0

    def _data_version(self) -> int | None:
        """SQLite's ``PRAGMA data_version`` on a connection kept for it alone (it changes
        when any other connection commits); None on other databases."""
        if self.engine.dialect.name != "sqlite":
            return None
        with _watch_lock:
            watch = self.__dict__.get("_room_watch")
            if watch is None:
                database = self.engine.url.database
                if not database or database == ":memory:":
                    return None
                from pathlib import Path
                from urllib.parse import quote

                uri = f"file:{quote(str(Path(database).resolve()))}?mode=ro"
                watch = sqlite3.connect(uri, uri=True, check_same_thread=False,
                                        isolation_level=None)
                self.__dict__["_room_watch"] = watch
            return watch.execute("PRAGMA data_version").fetchone()[0]

    def close(self) -> None:
        """Release the database connections and the room's change watch."""
        self.close_room_watch()
        super().close()  # type: ignore[misc]

    def close_room_watch(self) -> None:
        """Close the connection :meth:`room_changes` keeps (``close`` calls this)."""
        with _watch_lock:
            watch = self.__dict__.pop("_room_watch", None)
        if watch is not None:
            watch.close()


class _NothingToDo(Exception):
    pass


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------------- whole inquiries


def read_notes(conn: Connection, iid: int) -> list[StepNote]:
    """The notes of inquiry ``iid``, oldest first."""
    n = s.step_notes
    return [StepNote(r.step, r.text, r.by, r.at, r.source, r.number) for r in conn.execute(
        select(n).where(n.c.inquiry_id == iid).order_by(n.c.number))]


def read_parts(conn: Connection, iid: int) -> tuple[list[StepNote], list[Poll]]:
    """The parts of an inquiry this module keeps that belong in ``Store.get``: the notes and
    the polls (rooms, contributions and ballots stay in the room)."""
    polls = [_poll(p) for p in conn.execute(
        select(s.polls).where(s.polls.c.inquiry_id == iid).order_by(s.polls.c.number))]
    return read_notes(conn, iid), polls


def save_parts(conn: Connection, iid: int, notes: list[StepNote], polls: list[Poll]) -> None:
    """Store the notes and polls of an inquiry loaded from a file (``Store.save_inquiry``),
    keeping their numbers. Polls come back closed, with their counts and no ballots."""
    from widgets.model import MAX_CHOICES, person_text

    stamp = _now()
    used: set[int] = set()
    rows = []
    for n, note in enumerate(notes, start=1):
        number = _free(note.id or n, used)
        if note.step not in STEPS:
            raise ModelError("A note's step must be 1, 2 or 3.")
        rows.append(dict(inquiry_id=iid, number=number, step=note.step,
                         text=person_text(note.text, "A note", 100_000),
                         by=person_text(note.by, "Who wrote a note", 200),
                         at=note.at or stamp, source=person_text(note.source, "A note", 40)))
    if rows:
        conn.execute(insert(s.step_notes), rows)
    used, rows = set(), []
    for n, poll in enumerate(polls, start=1):
        number = _free(poll.id or n, used)
        choices = [person_text(c, "A vote's choice", 1000) for c in poll.choices]
        counts = [int(c) for c in poll.counts][: len(choices)]
        counts += [0] * (len(choices) - len(counts))
        if len(choices) > MAX_CHOICES * 10 or any(c < 0 for c in counts):
            raise ModelError("A vote in the file cannot be kept (its choices or counts).")
        rows.append(dict(inquiry_id=iid, number=number,
                         question=person_text(poll.question, "A vote's question", 10_000),
                         choices=_dumps(choices), counts=_dumps(counts),
                         opened_at=poll.opened_at or stamp, closed_at=poll.closed_at or stamp,
                         results_shown=int(bool(poll.results_shown)),
                         step=poll.step if poll.step in STEPS else None, changed_at=stamp))
    if rows:
        conn.execute(insert(s.polls), rows)


def _free(number: Any, used: set[int]) -> int:
    if isinstance(number, bool) or not isinstance(number, int) or not 0 < number < 2**31:
        raise ModelError(f"The number {number!r} of a note or vote is not a whole number "
                         "above 0.")
    while number in used:
        number += 1
    used.add(number)
    return number


__all__ = ["CONTRIBUTION_KINDS", "NOT_NOW", "RoomClosed", "RoomStore", "read_parts",
           "save_parts"]
