"""The database schema (SQLAlchemy Core), kept portable between SQLite and PostgreSQL.

Child rows carry a per-inquiry ``number`` rather than a global id, so an inquiry loaded
from a file keeps the same ids it was saved with (practice checks refer to practices by it).
JSON-valued fields are stored as text, which every database supports. Text columns have no
length: SQLite ignores a declared length and PostgreSQL enforces it, so a length would let a
file load on one and fail on the other (the store checks lengths itself, with a message).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
)

#: Bump this and add a step to ``migrations.MIGRATIONS`` whenever the tables change.
SCHEMA_VERSION = 4

metadata = MetaData()

schema_info = Table(
    "schema_info",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

inquiries = Table(
    "inquiries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("slug", Text, nullable=False, unique=True),
    Column("title", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
    Column("downloaded_at", Text, nullable=True),
    Column("issue_statement", Text, nullable=False, default=""),
    Column("issue_affects", Text, nullable=False, default=""),
    Column("issue_why_it_matters", Text, nullable=False, default=""),
    Column("issue_wider_effects", Text, nullable=False, default=""),
    Column("measure_what", Text, nullable=False, default=""),
    Column("measure_unit_name", Text, nullable=False, default="family"),
    Column("measure_kind", Text, nullable=False, default="yes_no"),
    Column("measure_better", Text, nullable=False, default="higher"),
    Column("measure_source", Text, nullable=False, default=""),
    Column("measure_baseline_date", Text, nullable=False, default=""),
    Column("context_columns", Text, nullable=False, default="[]"),
    # The group the inquiry belongs to on a shared server ('' on the standalone kit).
    Column("team", Text, nullable=False, default="", server_default=""),
)


def _child(name: str, *columns, numbered: bool = True) -> Table:
    cols = [
        Column(
            "inquiry_id",
            Integer,
            ForeignKey("inquiries.id", ondelete="CASCADE"),
            nullable=False,
            primary_key=numbered,
        )
    ]
    if numbered:
        cols.append(Column("number", Integer, primary_key=True, autoincrement=False))
    return Table(name, metadata, *cols, *columns)


people = _child(
    "people",
    Column("name", Text, nullable=False),
    Column("role", Text, nullable=False),
)

#: The units data of an inquiry, one columnar document (see ``units_table``).
unit_tables = Table(
    "unit_tables",
    metadata,
    Column("inquiry_id", Integer, ForeignKey("inquiries.id", ondelete="CASCADE"),
           primary_key=True),
    Column("format", Text, nullable=False),
    Column("row_count", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

exceptions = Table(
    "exceptions",
    metadata,
    Column("inquiry_id", Integer, ForeignKey("inquiries.id", ondelete="CASCADE"),
           primary_key=True),
    Column("unit_id", Text, primary_key=True),
    Column("status", Text, nullable=False),
    Column("methods", Text, nullable=False, default="[]"),
    Column("score", Float, nullable=True),
    Column("note", Text, nullable=False, default=""),
    Column("decided_by", Text, nullable=False, default=""),
    Column("decided_at", Text, nullable=False, default=""),
)

practices = _child(
    "practices",
    Column("what", Text, nullable=False),
    Column("how", Text, nullable=False, default=""),
    Column("why", Text, nullable=False, default=""),
    Column("accessible", Text, nullable=False, default="unsure"),
    Column("from_units", Text, nullable=False, default="[]"),
)

practice_checks = Table(
    "practice_checks",
    metadata,
    Column("inquiry_id", Integer, ForeignKey("inquiries.id", ondelete="CASCADE"),
           primary_key=True),
    Column("unit_id", Text, primary_key=True),
    Column("practice_id", Integer, primary_key=True, autoincrement=False),
    Column("value", Text, nullable=False),
)

actions = _child(
    "actions",
    Column("what", Text, nullable=False),
    Column("leads", Text, nullable=False, default="[]"),
    Column("timing", Text, nullable=False, default=""),
    Column("publicity", Text, nullable=False, default=""),
    Column("professional_terms", Text, nullable=False, default=""),
)

progress = _child(
    "progress",
    Column("date", Text, nullable=False),
    Column("outcome", Float, nullable=True),
    Column("attendance", Integer, nullable=True),
    Column("people_helped", Integer, nullable=True),
    Column("note", Text, nullable=False, default=""),
)

reflections = Table(
    "reflections",
    metadata,
    Column("inquiry_id", Integer, ForeignKey("inquiries.id", ondelete="CASCADE"),
           primary_key=True),
    Column("step", Integer, primary_key=True, autoincrement=False),
    Column("principle", Text, primary_key=True),
    Column("note", Text, nullable=False, default=""),
)

analysis_runs = _child(
    "analysis_runs",
    Column("at", Text, nullable=False),
    Column("by", Text, nullable=False, default=""),
    Column("method", Text, nullable=False),
    Column("settings", Text, nullable=False, default="{}"),
    Column("flagged", Text, nullable=False, default="[]"),
)

history = _child(
    "history",
    Column("at", Text, nullable=False),
    Column("by", Text, nullable=False, default=""),
    Column("part", Text, nullable=False),
    Column("change", Text, nullable=False),
    Column("detail", Text, nullable=False, default="{}"),
)

# ---------------------------------------------------------------------- v3: notes and the room

#: Notes on a step (answers taken from the room …), see ``model.StepNote``.
step_notes = _child(
    "step_notes",
    Column("step", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("by", Text, nullable=False, default=""),
    Column("at", Text, nullable=False),
    Column("source", Text, nullable=False, default=""),
)

#: Each opening of an inquiry's room (a new code each time); at most one of an inquiry's
#: rooms is open (``closed_at`` ''), and its row holds the prompt: what participants may do.
rooms = _child(
    "rooms",
    Column("code", Text, nullable=False),
    Column("opened_at", Text, nullable=False),
    Column("opened_by", Text, nullable=False, default=""),
    Column("closed_at", Text, nullable=False, default=""),
    Column("closed_by", Text, nullable=False, default=""),
    Column("prompt", Text, nullable=False, default="none"),
    Column("question", Text, nullable=False, default=""),
    Column("step", Integer, nullable=True),
    Column("poll", Integer, nullable=True),
    Column("ends_at", Text, nullable=False, default=""),
    # When anything about the room changed (the change token for live pages).
    Column("changed_at", Text, nullable=False),
)
# Codes are unique over every room ever opened, so an old code can never open a new room.
Index("rooms_code", rooms.c.code, unique=True)

#: What participants sent; only the facilitator moves it into the inquiry.
contributions = _child(
    "contributions",
    Column("room", Integer, nullable=False),
    Column("kind", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("detail", Text, nullable=False, default=""),
    Column("nickname", Text, nullable=False, default=""),
    # A hash of the phone's random cookie: the only thing kept about a participant.
    Column("device", Text, nullable=False),
    Column("status", Text, nullable=False, default="new"),
    Column("at", Text, nullable=False),
    Column("step", Integer, nullable=True),
    Column("became", Text, nullable=False, default=""),
    Column("decided_by", Text, nullable=False, default=""),
    Column("changed_at", Text, nullable=False),
)

#: Votes put to the room; ``counts`` (JSON list, in the order of ``choices``) is kept in the
#: same transaction as each ballot, so the results survive without the ballots (files).
polls = _child(
    "polls",
    Column("question", Text, nullable=False),
    Column("choices", Text, nullable=False, default="[]"),
    Column("counts", Text, nullable=False, default="[]"),
    Column("opened_at", Text, nullable=False),
    Column("closed_at", Text, nullable=False, default=""),
    Column("results_shown", Integer, nullable=False, default=0),
    Column("step", Integer, nullable=True),
    Column("changed_at", Text, nullable=False),
)

#: One ballot per device per poll (a second vote from the same phone replaces the first).
ballots = Table(
    "ballots",
    metadata,
    Column("inquiry_id", Integer, ForeignKey("inquiries.id", ondelete="CASCADE"),
           primary_key=True),
    Column("poll", Integer, primary_key=True, autoincrement=False),
    Column("device", Text, primary_key=True),
    Column("choice", Integer, nullable=False),
    Column("at", Text, nullable=False),
)

#: The tables schema version 3 added, in an order they can be created in.
V3_TABLES = (step_notes, rooms, contributions, polls, ballots)
