"""Opening the database: the URL (an SQLite file in the data folder by default), SQLite's
settings (WAL, ``synchronous=FULL``, the write lock taken at once, read-only when the
folder may not be written), and a full, read-only or failing data folder in one plain
sentence (:class:`DataFolderProblem`)."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url

from widgets.errors import PersonError
from widgets.paths import data_dir
from widgets.store import postgres

DB_FILENAME = "hidden-insights.sqlite"


#: A database URL that replaces the SQLite file (``postgresql+psycopg://role@/db?host=…``).
DATABASE_ENV = "HIDDEN_INSIGHTS_DATABASE_URL"


class DataFolderProblem(PersonError, RuntimeError):
    """The data folder is full, read-only, cannot be opened, or the disk failed.

    Not a bug and not a mistake in what the person typed: the message says in one plain
    sentence what is wrong with the folder. The action was rolled back, so nothing changed.
    """

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


#: Execution option of the connections that only read (see Store._read).
READ_ONLY_OPTION = "hidden_insights_read_only"


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL (None for a database in memory)."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).resolve()


def read_only_file(url: str) -> str | None:
    """The ``file:`` URI to open an SQLite file read-only when this process may not write
    its folder or the file (a copy on a read-only disk, another user's folder); else None.

    Readers of a WAL database need its ``-shm`` file. When the database was closed cleanly
    there is none and none can be made, so it is opened ``immutable`` (nobody can be writing
    it then: a writer would have left the ``-wal`` and ``-shm`` files).
    """
    path = sqlite_file(url)
    if path is None or not path.is_file():
        return None
    if os.access(path, os.W_OK) and os.access(path.parent, os.W_OK):
        return None
    from urllib.parse import quote

    shm = Path(f"{path}-shm")
    immutable = not shm.exists() and not Path(f"{path}-wal").exists()
    return f"file:{quote(str(path))}?mode=ro" + ("&immutable=1" if immutable else "")


def forget_old_pages(engine: Engine) -> None:
    """After a write that removed real names: on SQLite, copy the write-ahead log into the
    file and empty it. Until then the ``-wal`` file beside the database keeps the pages as
    they were before the write (``secure_delete`` zeroes freed pages in the file, not there),
    so a copy of the data folder taken while the app runs would still hold the names.

    Waits (the busy timeout) for readers in other kernels to move on; PostgreSQL keeps no
    such file in the data folder, so there it does nothing.
    """
    if engine.dialect.name != "sqlite" or read_only_file(str(engine.url)) is not None:
        return
    raw = engine.raw_connection()
    try:
        # On the raw connection: SQLAlchemy would open a transaction first, and a checkpoint
        # cannot run inside one.
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        raw.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        read_only = read_only_file(url)
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
            read = conn.get_execution_options().get(READ_ONLY_OPTION)
            conn.exec_driver_sql("BEGIN" if read else "BEGIN IMMEDIATE")

        @event.listens_for(engine, "handle_error")
        def _on_error(context):
            # A full disk, a read-only folder or a disk error: one plain sentence.
            problem = data_folder_problem(context.original_exception)
            if problem is not None and problem.kind == "CANNOT_OPEN":
                path = sqlite_file(url)
                folder = path.parent if path is not None else None
                if folder is not None and folder.is_dir() and not os.access(folder, os.W_OK):
                    problem = DataFolderProblem("READ_ONLY")  # no database in it, none can be made
            return problem

        return engine
    if postgres.is_postgres(url):
        return postgres.make_engine(url)
    return create_engine(url, pool_pre_ping=True)
