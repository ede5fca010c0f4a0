"""The inquiry store: every user action is one transaction, and every change is logged.

SQLite (the default) runs in WAL mode with ``synchronous=FULL`` and takes the write lock at
the start of each writing transaction (``BEGIN IMMEDIATE``), so several Voila kernels can
write to one file at once without "database is locked" surprises and an acknowledged edit
survives a killed process. Reads take no lock (a plain ``BEGIN``: WAL readers never wait for
a writer), and a data folder this process may not write is opened read-only, so it can still
be looked at. A full disk, a read-only folder or a disk error is a :class:`DataFolderProblem`
with one plain sentence. The SQL is SQLAlchemy Core so a PostgreSQL URL works too.

:class:`Store` is made of one part per idea, each in its own module:

* ``transactions`` — opening, reading without the lock, one action = one transaction and
  one history entry, and adding, changing or removing one numbered row;
* ``inquiries`` — the list, starting, renaming, deleting, reading a whole inquiry, its
  history, storing one from a file;
* ``step1`` — the issue, the measure and the group; ``units`` — the units table;
* ``step2`` — decisions about positive exceptions, candidates, method runs;
* ``step3`` — practices, practice checks, actions, progress; ``reflections``;
* ``database`` (the engine, :class:`DataFolderProblem`), ``values`` (checking what a person
  gives) and ``rows`` (numbered rows, :class:`NotFound`) hold what the parts share.
"""

from __future__ import annotations

from widgets.store.inquiries import Inquiries
from widgets.store.reflections import Reflections
from widgets.store.rooms import RoomStore
from widgets.store.step1 import IssueAndGroup
from widgets.store.step2 import PositiveExceptions
from widgets.store.step3 import PracticesAndActions
from widgets.store.units import Units

__all__ = ["Store", "open_store"]


class Store(Inquiries, IssueAndGroup, Units, PositiveExceptions, PracticesAndActions,
            Reflections, RoomStore):
    """All reads and writes of inquiries. Thread- and process-safe; one transaction per call.

    Every write takes ``by`` (who made the change) and appends a history entry in the same
    transaction as the change itself.
    """


def open_store(url: str | None = None, *, team: str | None = None) -> Store:
    """Open (and create or migrate) the store at ``url``; the default is the data folder
    (or ``$HIDDEN_INSIGHTS_DATABASE_URL``)."""
    from widgets.store.database import default_url

    return Store(url or default_url(), team=team)
