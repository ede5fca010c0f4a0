"""JupyterHub for many community groups: each facilitator lands on the kit's start page, and
each user's server gets only its own database role (which sees only its teams' inquiries).

Use it as it is, or load it from your own config (The Littlest JupyterHub: copy it to
``/opt/tljh/config/jupyterhub_config.d/``; Zero to JupyterHub: see ``README.md`` for the Helm
values that do the same). Settings come from the hub's environment:

HIDDEN_INSIGHTS_KIT           the kit's folder on the servers (default: this repository)
HIDDEN_INSIGHTS_ADMIN_URL     the admin's database URL (owner of the tables); the users'
                              servers get their own role on the same database, never this
HIDDEN_INSIGHTS_HUB_SECRET    derives each user's database password (hub env only; unset
                              with peer/trust authentication on a local socket)
HIDDEN_INSIGHTS_USER_DB_HOST  the database host (or socket folder) as the users' servers
                              reach it, if not the admin URL's
HIDDEN_INSIGHTS_SYNC_GROUPS   "1": make database team membership follow the Hub's groups
                              at each spawn (groups named like existing teams)
HIDDEN_INSIGHTS_IDLE_TIMEOUT  seconds before an idle server is stopped (default 3600)
HIDDEN_INSIGHTS_CULLER        "0": leave idle servers to the hub's own culler (The Littlest
                              JupyterHub and Zero to JupyterHub run one already)
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

KIT = Path(os.environ.get("HIDDEN_INSIGHTS_KIT") or Path(__file__).resolve().parents[2])

# ---------------------------------------------------------------- each user's server

# The kit's start page in Voila, not JupyterLab (researchers can still open /lab).
c.Spawner.default_url = "/voila/render/notebooks/start.ipynb"
c.Spawner.notebook_dir = str(KIT)
c.Spawner.environment = {
    # Our Voila template, and the server settings Binder uses (binder/jupyter-config): the
    # kit's server extensions widgets.server (a closed page's kernel shuts down at once) and
    # widgets.room (the room's participant routes, the only ones open without logging in to
    # the hub), no tracebacks on pages, kernels of closed pages culled, uploads of an inquiry
    # file allowed.
    "JUPYTER_PATH": str(KIT / "templates"),
    "JUPYTER_CONFIG_PATH": str(KIT / "binder" / "jupyter-config"),
}
# The server's own Hub token may read the user's groups: the kit picks the team for new
# inquiries from them (the database decides what the server may see).
c.Spawner.server_token_scopes = [
    "access:servers!server",
    "users:activity!user",
    "read:users:name!user",
    "read:users:groups!user",
]


def _database_env(spawner):
    """Give the server its user's own database role (see widgets.store.teams)."""
    admin_url = os.environ.get("HIDDEN_INSIGHTS_ADMIN_URL")
    if not admin_url:
        return
    from widgets.store import teams

    user = spawner.user.name
    secret = os.environ.get("HIDDEN_INSIGHTS_HUB_SECRET") or None
    if os.environ.get("HIDDEN_INSIGHTS_SYNC_GROUPS") == "1":
        from widgets.store import Store

        admin = Store(admin_url)
        try:
            teams.sync_member(admin.engine, user, [g.name for g in spawner.user.groups],
                              secret=secret)
        finally:
            admin.close()
    env = teams.server_env(admin_url, user, secret=secret,
                           host=os.environ.get("HIDDEN_INSIGHTS_USER_DB_HOST") or None)
    # A new dict for this spawner: the configured one is shared by every spawner.
    spawner.environment = {**spawner.environment, **env}


c.Spawner.pre_spawn_hook = _database_env

# ---------------------------------------------------------------- idle servers

if os.environ.get("HIDDEN_INSIGHTS_CULLER", "1") != "0":
    c.JupyterHub.services = [{
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                    f"--timeout={int(os.environ.get('HIDDEN_INSIGHTS_IDLE_TIMEOUT', '3600'))}"],
    }]
    c.JupyterHub.load_roles = [{
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }]
