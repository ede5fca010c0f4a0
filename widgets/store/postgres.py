"""What the store does differently on PostgreSQL: the engine, and locks for the few writes
that are not about one existing inquiry.

Writes to an inquiry lock its row at the start of the transaction (the statement that stamps
``updated_at``, ``UPDATE … RETURNING id``), so per-inquiry numbering (history, people,
practices …) is decided by one writer at a time under PostgreSQL's default READ COMMITTED
isolation; nothing needs a retry. The numbers are taken in later statements, never in the one
that waits for the lock: under READ COMMITTED each statement sees what was committed when it
began, so only a statement that starts after the lock is held sees the other writer's rows.

Creating an inquiry (a new slug, a title that must not repeat) and migrating the schema take a
transaction-level advisory lock instead, as there is no row to lock yet. On SQLite the
``BEGIN IMMEDIATE`` of every transaction already serialises writers, so these are no-ops.
"""

from __future__ import annotations

import zlib

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine

#: Schemes people write for PostgreSQL; the kit always talks to it through psycopg 3.
_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg2://")


def is_postgres(url: str) -> bool:
    """True for a PostgreSQL URL (any driver spelling)."""
    return url.startswith(("postgresql", "postgres:"))


def normalise_url(url: str) -> str:
    """``postgresql://…`` (or ``postgres://…``) as ``postgresql+psycopg://…``."""
    for scheme in _SCHEMES:
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme):]
    return url


def make_engine(url: str) -> Engine:
    """An engine for a PostgreSQL URL, with a plain message when psycopg is not installed."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise RuntimeError(
            "The store is on PostgreSQL, which needs psycopg: "
            "pip install 'hidden-insights-kit[postgres]'."
        ) from None
    # A kernel makes one action at a time: a small pool per kernel keeps a shared server
    # with many kernels well inside its max_connections. No ping before each use (a round
    # trip per action, which on a busy server costs more than the action); connections are
    # recycled hourly instead, and a kernel lives for one page.
    return create_engine(normalise_url(url), pool_size=2, max_overflow=3, pool_recycle=3600,
                         isolation_level="READ COMMITTED")


def serialise(conn: Connection, what: str) -> None:
    """Hold a lock named ``what`` until the transaction ends (PostgreSQL only)."""
    if conn.dialect.name == "postgresql":
        key = zlib.crc32(f"hidden-insights:{what}".encode()) - 2**31
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
