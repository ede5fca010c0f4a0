"""The kit on JupyterHub: the admin's ``hidden-insights hub …`` commands, and who is using a
server (the Hub user and their groups, which are the teams).

The admin runs these with the tables' owner's URL in ``HIDDEN_INSIGHTS_ADMIN_URL`` (as the
hub's environment has it), ``HIDDEN_INSIGHTS_DATABASE_URL`` or ``--url``::

    hidden-insights hub add-team team_a
    hidden-insights hub add-member team_a dawn
    hidden-insights hub remove-member team_a dawn
    hidden-insights hub env dawn          # what the spawner sets for dawn's server
    hidden-insights hub teams             # every team and its members

Passwords of the users' database roles are derived from a secret that only the hub holds
(``HIDDEN_INSIGHTS_HUB_SECRET``, or ``--secret-file``), so nothing needs storing: the hub
computes the same password when it spawns a server (see ``deploy/jupyterhub``).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from widgets.cli import CliError, subcommand

SECRET_ENV = "HIDDEN_INSIGHTS_HUB_SECRET"
#: Picks one of several teams for new inquiries (else the first of the Hub's groups).
TEAM_ENV = "HIDDEN_INSIGHTS_TEAM"


# ---------------------------------------------------------------------- who is using the server


def hub_user() -> str | None:
    """The JupyterHub user this server belongs to (None when not on a hub)."""
    return os.environ.get("JUPYTERHUB_USER") or None


def hub_groups(timeout: float = 5.0) -> list[str]:
    """The user's groups, asked of the Hub API with this server's own token (which the hub
    config scopes to ``read:users:groups!user``). [] when not on a hub or the Hub does not
    answer: the database still decides what the server may see."""
    api, token = os.environ.get("JUPYTERHUB_API_URL"), os.environ.get("JUPYTERHUB_API_TOKEN")
    if not (api and token and hub_user()):
        return []
    import urllib.request

    request = urllib.request.Request(api.rstrip("/") + "/user",
                                     headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            model = json.loads(response.read())
    except (OSError, ValueError):
        return []
    groups = model.get("groups") if isinstance(model, dict) else None
    return sorted(g for g in groups or [] if isinstance(g, str))


def choose_team(db_teams: list[str], groups: list[str] | None = None) -> str | None:
    """The team new inquiries go into: one the database lets this server see, preferring the
    Hub's groups and then ``$HIDDEN_INSIGHTS_TEAM``; None when the database shows none."""
    groups = hub_groups() if groups is None else groups
    candidates = [g for g in groups if g in db_teams] or sorted(db_teams)
    wanted = os.environ.get(TEAM_ENV, "").strip()
    if wanted in candidates:
        return wanted
    return candidates[0] if candidates else None


def open_server_store():
    """The store for this server, with the team for new inquiries chosen from the Hub at
    page load (a new kernel per page load, so a change of teams shows on the next one)."""
    from widgets.store import open_store

    store = open_store()
    # Only a hub user's server (or one told its team) works in a team: the admin's role on a
    # standalone PostgreSQL keeps the kit's own, team-less inquiries.
    on_hub = hub_user() is not None or os.environ.get(TEAM_ENV, "").strip()
    if on_hub and store.engine.dialect.name == "postgresql":
        team = choose_team(store.teams())
        if team:
            store.team = team
    return store


def read_secret(path: str | None = None) -> str | None:
    """The hub's secret for database passwords: from ``path``, else the environment."""
    if path:
        try:
            secret = Path(path).read_text().strip()
        except OSError as e:
            raise CliError(f"cannot read the secret file {path!r} ({e.strerror})") from None
        if not secret:
            raise CliError(f"the secret file {path!r} is empty")
        return secret
    return os.environ.get(SECRET_ENV, "").strip() or None


#: The admin's database URL as the hub's own environment holds it (deploy/jupyterhub).
ADMIN_URL_ENV = "HIDDEN_INSIGHTS_ADMIN_URL"


def _admin_url(url: str | None) -> str:
    from widgets.store.database import DATABASE_ENV

    url = url or os.environ.get(ADMIN_URL_ENV, "").strip() or os.environ.get(
        DATABASE_ENV, "").strip()
    if not url:
        raise CliError(f"say which database: --url postgresql://…, ${ADMIN_URL_ENV} or "
                       f"${DATABASE_ENV}")
    return url


def _admin_engine(url: str | None):
    from widgets.store import open_store

    url = _admin_url(url)
    store = open_store(url)  # creates or migrates the tables (the admin owns them)
    return store, url


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", help="the admin's database URL (default: "
                                      "$HIDDEN_INSIGHTS_ADMIN_URL, else "
                                      "$HIDDEN_INSIGHTS_DATABASE_URL)")
    parser.add_argument("--secret-file", help="the hub's secret for database passwords "
                                              f"(default: ${SECRET_ENV}; none: no passwords)")
    actions = parser.add_subparsers(dest="hub_action", metavar="ACTION", required=True)
    actions.add_parser("init", help="create the tables and the users' role")
    actions.add_parser("teams", help="list every team and its members")
    p = actions.add_parser("add-team", help="add a team (a group)")
    p.add_argument("team")
    for name, text in (("add-member", "put a hub user in a team"),
                       ("remove-member", "take a hub user out of a team")):
        p = actions.add_parser(name, help=text)
        p.add_argument("team")
        p.add_argument("user")
    p = actions.add_parser("env", help="the environment the spawner sets for a user's server")
    p.add_argument("user")
    p.add_argument("--host", help="the database host (or socket folder) as the users' "
                                  "servers reach it (default: the admin URL's)")


@subcommand("hub", "manage teams on a shared server (JupyterHub + PostgreSQL)", _arguments)
def hub(args: argparse.Namespace) -> int:
    """Run one of the admin's commands."""
    from widgets.store import teams

    secret = read_secret(args.secret_file)
    if args.hub_action == "env":
        url = _admin_url(args.url)
        for key, value in teams.server_env(url, args.user, secret=secret,
                                           host=args.host).items():
            print(f"{key}={value}")
        return 0
    store, _url = _admin_engine(args.url)
    try:
        engine = store.engine
        if args.hub_action == "init":
            teams.init(engine)
            print("ready")
        elif args.hub_action == "teams":
            for team, members in teams.teams(engine).items():
                print(f"{team}: {', '.join(members) or '(no members)'}")
        elif args.hub_action == "add-team":
            made = teams.add_team(engine, args.team)
            print(f"added the team {args.team}" if made else f"the team {args.team} exists")
        elif args.hub_action == "add-member":
            role = teams.add_member(engine, args.team, args.user, secret=secret)
            print(f"{args.user} is in {args.team} (database role {role})")
        elif args.hub_action == "remove-member":
            done = teams.remove_member(engine, args.team, args.user)
            print(f"{args.user} is no longer in {args.team}" if done
                  else f"{args.user} was not in {args.team}")
    finally:
        store.close()
    return 0
