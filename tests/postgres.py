"""A real PostgreSQL server for the tests, started from Debian's ``postgresql`` package.

The server runs from a temporary folder and listens only on a Unix socket there (no TCP
port), with ``trust`` authentication: on a socket that only this machine can reach, the
role name is what the tests need (row-level security is decided by the role). When the
tests run as root the server runs as the ``postgres`` user, because ``initdb`` refuses root.

If no server can be started, :func:`start` raises: a run without PostgreSQL fails, it does
not skip.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

#: The tables' owner in the team tests: an admin who may create roles, not a superuser (a
#: superuser would bypass row-level security, the thing under test).
ADMIN = "kit_admin"
_names = itertools.count(1)


def next_name() -> str:
    """A number for unique role names within the run (roles are cluster-wide)."""
    return str(next(_names))


#: Which database the whole suite runs on: ``sqlite`` (unset) or ``postgresql``. `make test`
#: runs the suite twice, the second time with this set to ``postgresql``: every test whose
#: store comes from its data folder (``data_dir``, the app's servers, the notebooks) then uses
#: a fresh PostgreSQL database, owned by the :data:`ADMIN` role with row-level security on.
SUITE_DATABASE_ENV = "HIDDEN_INSIGHTS_TEST_DATABASE"


def suite_database() -> str:
    """``postgresql`` in the suite's PostgreSQL pass, else ``sqlite``."""
    wanted = os.environ.get(SUITE_DATABASE_ENV, "").strip().lower() or "sqlite"
    if wanted not in ("sqlite", "postgresql"):
        raise ValueError(f"{SUITE_DATABASE_ENV} is 'sqlite' or 'postgresql', not {wanted!r}")
    return wanted


#: Debian puts the server binaries here, one folder per major version.
BIN_GLOB = "/usr/lib/postgresql/*/bin"


class PostgresUnavailable(RuntimeError):
    """PostgreSQL could not be started (not installed, or refused to start)."""


def bin_dir() -> Path:
    """The newest installed server's binaries (``initdb``, ``pg_ctl``, ``postgres``)."""
    found = sorted(glob.glob(BIN_GLOB), key=lambda p: int(Path(p).parent.name)
                   if Path(p).parent.name.isdigit() else 0)
    for candidate in reversed(found):
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    raise PostgresUnavailable(
        "PostgreSQL is not installed: run 'apt-get install postgresql' (make test does this "
        "when run as root)."
    )


@dataclass
class Server:
    """One running cluster: its folder, socket folder and the superuser role's name."""

    root: Path
    socket_dir: Path
    superuser: str
    _run_as: list[str]
    _bin: Path
    _counter: itertools.count = field(default_factory=lambda: itertools.count(1))

    def url(self, database: str = "postgres", role: str | None = None) -> str:
        """A SQLAlchemy URL for ``database`` as ``role`` (the superuser by default)."""
        return f"postgresql+psycopg://{role or self.superuser}@/{database}?host={self.socket_dir}"

    def dsn(self, database: str = "postgres", role: str | None = None) -> str:
        """A libpq connection string (for psycopg directly)."""
        return f"dbname={database} user={role or self.superuser} host={self.socket_dir}"

    def sql(self, statement: str, database: str = "postgres", role: str | None = None,
            params: tuple | None = None) -> list[tuple]:
        """Run one statement in autocommit; returns the rows (if any)."""
        import psycopg

        with psycopg.connect(self.dsn(database, role), autocommit=True) as conn:
            cur = conn.execute(statement, params)
            return cur.fetchall() if cur.description else []

    def new_database(self, prefix: str = "t") -> str:
        """A fresh, empty database; returns its name."""
        name = f"{prefix}_{os.getpid()}_{next(self._counter)}"
        self.sql(f'CREATE DATABASE "{name}" TEMPLATE template0 STRATEGY file_copy')
        return name

    def new_store_database(self) -> str:
        """The URL of a fresh database with the store's tables, owned by :data:`ADMIN` (not a
        superuser, so row-level security applies), as the app would open it standalone.

        Copied from a template migrated once per run: migrating each test's database would
        cost more than most tests.
        """
        template = f"kit_template_{os.getpid()}"
        if not self.sql("SELECT 1 FROM pg_database WHERE datname = %s", params=(template,)):
            from widgets.store import Store

            if not self.sql("SELECT 1 FROM pg_roles WHERE rolname = %s", params=(ADMIN,)):
                self.sql(f"CREATE ROLE {ADMIN} LOGIN CREATEROLE")
            self.sql(f'CREATE DATABASE "{template}" OWNER {ADMIN} TEMPLATE template0 '
                     "STRATEGY file_copy")
            Store(self.url(template, ADMIN)).close()
        name = f"s_{os.getpid()}_{next(self._counter)}"
        self.sql(f'CREATE DATABASE "{name}" OWNER {ADMIN} TEMPLATE "{template}" '
                 "STRATEGY file_copy")
        return self.url(name, ADMIN)

    def drop_database(self, name: str) -> None:
        """Drop a database made by :meth:`new_database` (closing its connections)."""
        self.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its folder."""
        subprocess.run([*self._run_as, str(self._bin / "pg_ctl"), "-D", str(self.root / "db"),
                        "-m", "fast", "-w", "stop"], capture_output=True, timeout=120)
        shutil.rmtree(self.root, ignore_errors=True)


def start(*, durable: bool = False) -> Server:
    """Initialise and start a private cluster in a temporary folder.

    ``durable``: keep PostgreSQL's fsync on (benchmarks); the tests turn it off, as they kill
    writers, never the server or the machine.
    """
    binaries = bin_dir()
    root = Path(tempfile.mkdtemp(prefix="hi-pg-"))
    socket_dir = root / "sock"
    socket_dir.mkdir()
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            raise PostgresUnavailable("There is no 'postgres' user to run the server as "
                                      "(install Debian's postgresql package).") from None
        for folder in (root, socket_dir):
            os.chown(folder, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
        superuser = "postgres"
    else:
        run_as = []
        superuser = pwd.getpwuid(os.geteuid()).pw_name
    os.chmod(root, 0o755)
    data = root / "db"
    done = subprocess.run([*run_as, str(binaries / "initdb"), "-D", str(data), "--auth=trust",
                           "-U", superuser, "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
                          capture_output=True, text=True, timeout=300)
    if done.returncode:
        raise PostgresUnavailable(f"initdb failed: {done.stderr[-2000:]}")
    options = f"-c listen_addresses='' -k {socket_dir} -c max_connections=200"
    if not durable:
        options += " -c fsync=off -c full_page_writes=off"
    done = subprocess.run([*run_as, str(binaries / "pg_ctl"), "-D", str(data), "-w", "-t", "120",
                           "-o", options, "-l", str(root / "log"), "start"],
                          capture_output=True, text=True, timeout=300)
    if done.returncode:
        log = (root / "log").read_text(errors="replace") if (root / "log").exists() else ""
        raise PostgresUnavailable(f"PostgreSQL did not start: {done.stderr[-1000:]} {log[-2000:]}")
    return Server(root=root, socket_dir=socket_dir, superuser=superuser, _run_as=run_as,
                  _bin=binaries)


_shared: Server | None = None


def shared() -> Server:
    """The run's one PostgreSQL server, started on first use and stopped when the run ends
    (the tests' fixture and the browser tests' servers share it)."""
    global _shared
    if _shared is None:
        _shared = start()
        atexit.register(_shared.stop)
    return _shared


def server_database_env(data: Path) -> dict[str, str]:
    """What a test's app server is given for its store: in the PostgreSQL pass, a fresh
    database; else nothing (the SQLite file in its data folder ``data``)."""
    if suite_database() == "postgresql":
        return {"HIDDEN_INSIGHTS_DATABASE_URL": shared().new_store_database()}
    return {}


def server_store_url(env: dict[str, str], data: Path) -> str:
    """The store URL of a server started with ``env`` and data folder ``data``."""
    return env.get("HIDDEN_INSIGHTS_DATABASE_URL") or f"sqlite:///{data / 'hidden-insights.sqlite'}"


def database_name(url: str) -> str:
    """The database of a URL made by :meth:`Server.url`."""
    return url.rsplit("/", 1)[1].split("?", 1)[0]


class TwoTeams:
    """One shared database with two teams, ``a`` and ``b`` (unique names per test), and three
    hub users: ``ann`` in a, ``bob`` in b, ``cat`` in both; set up as the admin would."""

    def __init__(self, server: Server, database: str):
        from widgets.store import Store, teams

        self.server, self.database = server, database
        self.admin_url = server.url(database, ADMIN)
        n = next_name()
        self.a, self.b = f"a{n}_{database[-4:]}", f"b{n}_{database[-4:]}"
        self.ann, self.bob, self.cat = f"ann{n}", f"bob{n}", f"cat{n}"
        admin = Store(self.admin_url)
        try:
            for team in (self.a, self.b):
                assert teams.add_team(admin.engine, team)
            teams.add_member(admin.engine, self.a, self.ann)
            teams.add_member(admin.engine, self.b, self.bob)
            teams.add_member(admin.engine, self.a, self.cat)
            teams.add_member(admin.engine, self.b, self.cat)
        finally:
            admin.close()
        self._stores: list = []

    def url(self, user: str) -> str:
        """The database URL the spawner gives ``user``'s server."""
        from widgets.store import teams

        return teams.server_env(self.admin_url, user)["HIDDEN_INSIGHTS_DATABASE_URL"]

    def store(self, user: str, team: str | None = None):
        """A store as ``user``'s server opens it (closed at the end of the test)."""
        from widgets.store import Store

        st = Store(self.url(user), team=team)
        self._stores.append(st)
        return st

    def raw(self, user: str):
        """A plain psycopg connection with the user's own credentials (what their code can do
        on their own server)."""
        import psycopg

        from widgets.store import teams

        return psycopg.connect(self.server.dsn(self.database, teams.user_role(user)),
                               autocommit=True)

    def admin(self):
        """The admin's store (the tables' owner)."""
        from widgets.store import Store

        st = Store(self.admin_url)
        self._stores.append(st)
        return st

    def close(self) -> None:
        for st in self._stores:
            st.close()
