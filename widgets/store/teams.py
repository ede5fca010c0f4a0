"""Teams on a shared PostgreSQL server: who may see which inquiries, enforced by the database.

A hub user can run any code on their own Jupyter server, so the Python code of the kit cannot
be what keeps groups apart: the database credentials that server holds must open only that
person's teams' rows. The roles:

- ``hi_team_<name>`` — one role per team (the group), no login;
- ``hi_user_<user>`` — one login role per hub user, a member of their teams' roles (and of
  ``hi_users``, which holds the table privileges). The spawner gives each user's server only
  this role's credentials (:func:`server_env`);
- the owner of the tables (the admin's role) runs the migrations and this module's commands.

Every table has row-level security, forced for the owner too. An inquiry is visible when its
``team`` is one of the teams the current role is a member of; the parts of an inquiry
(people, units, history …) are visible when their inquiry is. Inquiries without a team
(``''``) are the standalone kit's: visible only to the role that created the tables (the
owner, named in the policy when it is made), never to a hub user.
Removing a member (``REVOKE``) takes effect on that person's next query, so on their next page
load, without changing anyone's password.

Nothing here is broadcast between servers (no LISTEN/NOTIFY), so no channel can carry one
team's content to another.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from urllib.parse import quote

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine, make_url

from widgets.model import ModelError
from widgets.store import schema as s

TEAM_PREFIX = "hi_team_"
USER_PREFIX = "hi_user_"
#: Holds the table privileges; every hub user's role is a member.
USERS_ROLE = "hi_users"
#: A team name: what an admin types and what the Hub's group is called.
_TEAM = re.compile(r"[a-z][a-z0-9_]{0,39}")

#: The teams (names, without the prefix) the current role is a member of.
MY_TEAMS_SQL = (
    f"SELECT substr(rolname, {len(TEAM_PREFIX) + 1}) FROM pg_roles "
    f"WHERE rolname LIKE '{TEAM_PREFIX.replace('_', chr(92) + '_')}%' "
    "AND pg_has_role(current_user, oid, 'MEMBER')"
)


def check_team(name: str) -> str:
    """``name`` when it is a valid team name (lower-case letters, digits, ``_``)."""
    if not isinstance(name, str) or not _TEAM.fullmatch(name):
        raise ModelError(
            f"A team name is 1 to 40 lower-case letters, digits or '_', starting with a "
            f"letter ({name!r} is not)."
        )
    return name


def team_role(team: str) -> str:
    """The database role of a team."""
    return TEAM_PREFIX + check_team(team)


def user_role(user: str) -> str:
    """The database login role of a hub user (any hub name; unusual ones get a short hash)."""
    if not isinstance(user, str) or not user.strip():
        raise ModelError("A user name cannot be empty.")
    plain = re.sub(r"[^a-z0-9_]", "_", user.lower())[:30]
    if plain != user:
        plain += "_" + hashlib.sha256(user.encode()).hexdigest()[:8]
    return USER_PREFIX + plain


def user_password(user: str, secret: str) -> str:
    """The database password of a hub user, derived from the hub's secret (nothing stored)."""
    return hmac.new(secret.encode(), user.encode(), hashlib.sha256).hexdigest()


def _ident(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote_identifier(name)


# ---------------------------------------------------------------------- schema (migrations)


def _child_tables():
    return [t for t in s.metadata.sorted_tables if "inquiry_id" in t.c]


def _visible(owner: str) -> str:
    """The policy on inquiries: the standalone kit's ('' team) for the owner (``owner``, a
    quoted SQL string), the others for their team's members.

    The team's role is looked up by name for the row at hand (``to_regrole`` gives NULL, so
    the row is not visible, when the team's role was removed), never by listing every team
    on the server: an edit reads its one inquiry for the same cost with ten teams or a
    thousand. ``quote_ident`` keeps the name exact (``to_regrole`` would read ``Team`` as
    ``team``, and refuse a name with a dot).
    """
    role = f"to_regrole(quote_ident('{TEAM_PREFIX}' || team))"
    return (f"(team = '' AND current_user = {owner}) "
            f"OR (team <> '' AND pg_has_role({role}, 'MEMBER'))")


def _part_visible(table: str) -> str:
    """The policy on a part of an inquiry (``table``): visible when its inquiry is (the
    subquery is itself filtered by the policy on inquiries, for the same role).

    A scalar subquery, looked up by the inquiry's id for each row: PostgreSQL may turn
    ``IN``/``EXISTS`` into a hashed subplan that reads every inquiry on the server, and it
    did (``inquiry_id IN (SELECT id FROM inquiries)``), on every statement of every edit.
    """
    return f"(SELECT true FROM inquiries i WHERE i.id = {table}.inquiry_id)"


def enable_row_security(conn: Connection) -> None:
    """Row-level security on every table, forced for the owner too (PostgreSQL only)."""
    if conn.dialect.name != "postgresql":
        return
    for table in s.metadata.sorted_tables:
        conn.execute(text(f"ALTER TABLE {table.name} ENABLE ROW LEVEL SECURITY"))
        conn.execute(text(f"ALTER TABLE {table.name} FORCE ROW LEVEL SECURITY"))
        conn.execute(text(f"DROP POLICY IF EXISTS hi_team ON {table.name}"))
    # The owner is the role that runs the migrations (this one), named in the policy itself:
    # a catalogue lookup in every query would cost more than the query.
    owner = "'" + conn.execute(text("SELECT current_user")).scalar().replace("'", "''") + "'"
    conn.execute(text(f"CREATE POLICY hi_team ON inquiries USING ({_visible(owner)}) "
                      f"WITH CHECK ({_visible(owner)})"))
    for table in _child_tables():
        rule = _part_visible(table.name)
        conn.execute(text(f"CREATE POLICY hi_team ON {table.name} USING ({rule}) "
                          f"WITH CHECK ({rule})"))
    # The schema version: everyone reads it, only the owner (migrations) writes it.
    conn.execute(text("CREATE POLICY hi_team ON schema_info USING (true) "
                      f"WITH CHECK (current_user = {owner})"))


# ---------------------------------------------------------------------- the admin's commands


def _role_exists(conn: Connection, role: str) -> bool:
    return conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"),
                        {"r": role}).first() is not None


def _require_postgres(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        raise ModelError("Teams need the store on PostgreSQL: set HIDDEN_INSIGHTS_DATABASE_URL "
                         "to the admin's postgresql:// URL.")


def init(engine: Engine) -> None:
    """Create the role that holds the table privileges and grant it (safe to repeat)."""
    _require_postgres(engine)
    with engine.begin() as conn:
        if not _role_exists(conn, USERS_ROLE):
            conn.execute(text(f"CREATE ROLE {USERS_ROLE} NOLOGIN"))
        database = conn.execute(text("SELECT current_database()")).scalar()
        conn.execute(text(f"GRANT CONNECT ON DATABASE {_ident(conn, database)} TO {USERS_ROLE}"))
        conn.execute(text(f"GRANT USAGE ON SCHEMA {_ident(conn, _schema(conn))} TO {USERS_ROLE}"))
        names = ", ".join(t.name for t in s.metadata.sorted_tables if t.name != "schema_info")
        conn.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {names} TO {USERS_ROLE}"))
        conn.execute(text(f"GRANT SELECT ON schema_info TO {USERS_ROLE}"))
        conn.execute(text(f"GRANT USAGE ON SEQUENCE inquiries_id_seq TO {USERS_ROLE}"))


def _schema(conn: Connection) -> str:
    return conn.execute(text("SELECT current_schema()")).scalar()


def add_team(engine: Engine, team: str) -> bool:
    """Create a team's role; False when it already existed."""
    init(engine)
    role = team_role(team)
    with engine.begin() as conn:
        if _role_exists(conn, role):
            return False
        conn.execute(text(f"CREATE ROLE {role} NOLOGIN"))
    return True


def teams(engine: Engine) -> dict[str, list[str]]:
    """Every team and the hub users' roles in it."""
    _require_postgres(engine)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT t.rolname, u.rolname FROM pg_roles t "
            "LEFT JOIN pg_auth_members m ON m.roleid = t.oid "
            "LEFT JOIN pg_roles u ON u.oid = m.member "
            "WHERE t.rolname LIKE :p ORDER BY 1, 2"), {"p": TEAM_PREFIX.replace("_", r"\_") + "%"})
        found: dict[str, list[str]] = {}
        for team, member in rows:
            found.setdefault(team[len(TEAM_PREFIX):], [])
            if member:
                found[team[len(TEAM_PREFIX):]].append(member)
    return found


def add_member(engine: Engine, team: str, user: str, *, secret: str | None = None) -> str:
    """Put a hub user in a team (their login role is made when missing); returns the role.

    With ``secret`` the role's password is the one :func:`server_env` hands to the spawner;
    without, the role has no password (peer or trust authentication on a local socket).
    """
    init(engine)
    team_name = team_role(team)
    role = user_role(user)
    with engine.begin() as conn:
        if not _role_exists(conn, team_name):
            raise ModelError(f"There is no team called {team!r}: add it first "
                             f"(hidden-insights hub add-team {team}).")
        if not _role_exists(conn, role):
            conn.execute(text(f"CREATE ROLE {role} LOGIN"))
        if secret:
            password = user_password(user, secret).replace("'", "")
            conn.execute(text(f"ALTER ROLE {role} PASSWORD '{password}'"))
        conn.execute(text(f"GRANT {USERS_ROLE} TO {role}"))
        conn.execute(text(f"GRANT {team_name} TO {role}"))
    return role


def remove_member(engine: Engine, team: str, user: str) -> bool:
    """Take a hub user out of a team; False when they were not in it. Takes effect on their
    next query (their next page load)."""
    _require_postgres(engine)
    team_name = team_role(team)
    role = user_role(user)
    with engine.begin() as conn:
        if not (_role_exists(conn, team_name) and _role_exists(conn, role)):
            return False
        member = conn.execute(text("SELECT pg_has_role(:u, :t, 'MEMBER')"),
                              {"u": role, "t": team_name}).scalar()
        if not member:
            return False
        conn.execute(text(f"REVOKE {team_name} FROM {role}"))
    return True


def sync_member(engine: Engine, user: str, groups: list[str], *,
                secret: str | None = None) -> list[str]:
    """Make ``user``'s teams the existing teams named in ``groups`` (the Hub's groups); the
    hub config calls this at each spawn. Returns the user's teams afterwards."""
    existing = teams(engine)
    wanted = sorted(g for g in groups if g in existing)
    role = user_role(user)
    for team, members in existing.items():
        if team in wanted:
            add_member(engine, team, user, secret=secret)
        elif role in members:
            remove_member(engine, team, user)
    return wanted


def server_env(admin_url: str, user: str, *, secret: str | None = None,
               host: str | None = None) -> dict[str, str]:
    """What the spawner sets for ``user``'s server: the database URL of their own role.

    ``admin_url`` names the server and database (its user and password are not passed on);
    ``host`` replaces its host (the address the users' servers reach the database at).
    """
    url = make_url(admin_url)
    role = user_role(user)
    password = user_password(user, secret) if secret else None
    netloc = quote(role, safe="")
    if password:
        netloc += ":" + quote(password, safe="")
    hostpart = host if host is not None else (url.host or "")
    if hostpart and not hostpart.startswith("/"):
        netloc += "@" + hostpart + (f":{url.port}" if url.port else "")
        query = {k: v for k, v in url.query.items() if k != "host"}
    else:
        netloc += "@"
        query = dict(url.query)
        if hostpart:
            query["host"] = hostpart
    tail = "&".join(f"{k}={quote(str(v), safe='/')}" for k, v in sorted(query.items()))
    database_url = f"postgresql+psycopg://{netloc}/{url.database}" + (f"?{tail}" if tail else "")
    return {"HIDDEN_INSIGHTS_DATABASE_URL": database_url}


def spawn_env(admin_url: str, user: str, groups: list[str] | None = None, *,
              secret: str | None = None, host: str | None = None) -> dict[str, str]:
    """What the hub's ``pre_spawn_hook`` adds to ``user``'s server environment (see
    ``deploy/jupyterhub``): with ``groups`` (the Hub's groups of the user), the user's
    database teams are made to follow them first (:func:`sync_member`).

    Needs only SQLAlchemy and psycopg, as the hub's own environment has them.
    """
    if groups is not None:
        from widgets.store import postgres

        engine = postgres.make_engine(admin_url)
        try:
            sync_member(engine, user, groups, secret=secret)
        finally:
            engine.dispose()
    return server_env(admin_url, user, secret=secret, host=host)
