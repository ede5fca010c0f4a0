"""Create the schema, or bring an older database forward, when the store opens.

Each migration takes the database from version N to N+1 inside the opening transaction,
so a failed migration leaves the file as it was.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Connection

from widgets.errors import PersonError
from widgets.store import postgres, teams
from widgets.store import schema as s


class SchemaTooNew(PersonError, RuntimeError):
    """The database was written by a newer version of the kit."""


def _create(conn: Connection) -> None:
    """An empty database gets the current schema in one step."""
    s.metadata.create_all(conn)
    teams.enable_row_security(conn)


def _v1_to_v2(conn: Connection) -> None:
    """Every inquiry belongs to a team ('' = the standalone kit's); row-level security on
    PostgreSQL keeps each team's rows to its members."""
    conn.execute(text("ALTER TABLE inquiries ADD COLUMN team TEXT NOT NULL DEFAULT ''"))
    teams.enable_row_security(conn)


def _v2_to_v3(conn: Connection) -> None:
    """Notes on the steps and the room (rooms, contributions, polls, ballots), with the same
    row-level security as every other part of an inquiry."""
    s.metadata.create_all(conn, tables=list(s.V3_TABLES))
    teams.enable_row_security(conn)
    if conn.dialect.name == "postgresql" and conn.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": teams.USERS_ROLE}).first():
        # A shared server's users may already work here: give them the new tables too.
        names = ", ".join(t.name for t in s.V3_TABLES)
        conn.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {names} "
                          f"TO {teams.USERS_ROLE}"))


def _v3_to_v4(conn: Connection) -> None:
    """Row-level security whose cost does not grow with the other teams' inquiries (PostgreSQL
    only; the tables are unchanged): see ``teams.enable_row_security``."""
    teams.enable_row_security(conn)


#: MIGRATIONS[n] takes a database at version n to version n + 1 (0, an empty database, is
#: created at the current version directly).
MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _v1_to_v2, 2: _v2_to_v3,
                                                        3: _v3_to_v4}


def schema_version(conn: Connection) -> int:
    """The schema version stored in the database (0 for an empty database)."""
    if not inspect(conn).has_table("schema_info"):
        return 0
    value = conn.execute(
        select(s.schema_info.c.value).where(s.schema_info.c.key == "schema_version")
    ).scalar()
    return int(value) if value is not None else 0


def migrate(conn: Connection) -> int:
    """Bring the database up to :data:`schema.SCHEMA_VERSION`; returns the version reached."""
    postgres.serialise(conn, "migrate")  # two kernels opening a new database at once
    version = schema_version(conn)
    if version > s.SCHEMA_VERSION:
        raise SchemaTooNew(
            f"This data was saved by a newer version of the kit (schema {version}); "
            "update the kit to open it."
        )
    if version == s.SCHEMA_VERSION:
        return version
    if version == 0:
        _create(conn)
        version = s.SCHEMA_VERSION
    while version < s.SCHEMA_VERSION:
        MIGRATIONS[version](conn)
        version += 1
    conn.execute(s.schema_info.delete().where(s.schema_info.c.key == "schema_version"))
    conn.execute(s.schema_info.insert().values(key="schema_version", value=str(version)))
    return version
