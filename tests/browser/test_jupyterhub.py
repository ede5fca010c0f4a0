"""A real JupyterHub on 127.0.0.1 with the kit's deploy config: two facilitators in two teams.

JupyterHub (pip ``jupyterhub``) with its proxy (npm ``configurable-http-proxy``, installed into
``deploy/jupyterhub/node_modules`` when missing), the dummy authenticator and the simple local
process spawner; the store is a real PostgreSQL with a team per group. Each facilitator logs
in, lands on the start page in Voila, starts an inquiry; the other does not see it, not even
with its slug in the address.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PAGE_TIMEOUT_MS, free_port, start_server, wait_ready, wait_view
from widgets.model import slugify
from widgets.paths import REPO_DIR

DEPLOY = REPO_DIR / "deploy" / "jupyterhub"
PROXY = DEPLOY / "node_modules" / ".bin" / "configurable-http-proxy"
SPAWN_TIMEOUT_MS = 120_000  # a first spawn starts a Jupyter server and a Voila kernel

pytestmark = pytest.mark.timeout(900)


def _proxy() -> Path:
    """The proxy JupyterHub needs, installed with npm from deploy/jupyterhub/package.json."""
    if not PROXY.exists():
        npm = shutil.which("npm")
        assert npm, "npm is needed to install configurable-http-proxy (apt-get install npm)"
        done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix",
                               str(DEPLOY)], capture_output=True, text=True, timeout=600)
        assert done.returncode == 0 and PROXY.exists(), done.stderr[-2000:]
    return PROXY


@pytest.fixture(scope="module")
def jupyterhub(postgres, tmp_path_factory):
    import jupyterhub  # noqa: F401 - in the test extra; missing is a failure, not a skip
    from postgres import ADMIN, TwoTeams

    if not postgres.sql("SELECT 1 FROM pg_roles WHERE rolname = %s", params=(ADMIN,)):
        postgres.sql(f"CREATE ROLE {ADMIN} LOGIN CREATEROLE")
    database = postgres.new_database("jhub")
    postgres.sql(f'ALTER DATABASE "{database}" OWNER TO {ADMIN}')
    teams = TwoTeams(postgres, database)
    folder = tmp_path_factory.mktemp("jupyterhub")
    port, hub_port, api_port = free_port(), free_port(), free_port()
    config = folder / "jupyterhub_config.py"
    args = ["--allow-root"] if os.geteuid() == 0 else []
    config.write_text(f"""
c = get_config()
load_subconfig({str(DEPLOY / 'jupyterhub_config.py')!r})
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{str(_proxy())!r}]
c.JupyterHub.db_url = "sqlite:///{folder}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{folder}/cookie_secret"
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{folder}/home/{{username}}"
c.Spawner.cmd = [{sys.executable!r}, "-m", "jupyterhub.singleuser"]
c.Spawner.args = {args!r}
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.JupyterHub.load_groups = {{
    {teams.a!r}: {{"users": [{teams.ann!r}]}},
    {teams.b!r}: {{"users": [{teams.bob!r}]}},
}}
""")
    (folder / "home").mkdir()
    env = {**os.environ, "HIDDEN_INSIGHTS_KIT": str(REPO_DIR),
           "HIDDEN_INSIGHTS_ADMIN_URL": teams.admin_url, "HIDDEN_INSIGHTS_SYNC_GROUPS": "1",
           "PYTHONPATH": str(REPO_DIR), "HIDDEN_INSIGHTS_BINDER": "0"}
    env.pop("HIDDEN_INSIGHTS_DATABASE_URL", None)
    command = [sys.executable, "-m", "jupyterhub", "-f", str(config)]
    server = start_server(command, env, f"http://127.0.0.1:{port}/", folder,
                          folder / "jupyterhub.log", ready_path="hub/health")
    server.teams = teams
    yield server
    # The hub alone first: on SIGTERM it stops the users' servers and its proxy itself.
    server.process.terminate()
    try:
        server.process.wait(timeout=90)
    except subprocess.TimeoutExpired:
        pass
    server.stop()
    teams.close()
    postgres.drop_database(database)


def _log_in(browser, hub, user: str):
    """A facilitator's own browser: log in, and land on the start page in Voila."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(SPAWN_TIMEOUT_MS)
    page = context.new_page()
    page.goto(hub.url + "hub/login", timeout=PAGE_TIMEOUT_MS)
    page.fill("#username_input", user)
    page.fill("#password_input", "any")
    page.click("#login_submit")
    try:
        page.wait_for_url(f"**/user/{user}/voila/render/notebooks/start.ipynb**",
                          timeout=SPAWN_TIMEOUT_MS)
        wait_ready(page, SPAWN_TIMEOUT_MS)
    except Exception:
        text = page.inner_text("body")[-3000:] if page.url else ""
        raise AssertionError(f"{user} did not land on the start page ({page.url}):\n{text}\n"
                             f"hub log:\n{hub.log()}") from None
    return context, page


def _back_to_start(page) -> None:
    """After starting an inquiry the app page shows step 1: back to its start view."""
    wait_view(page, "1", timeout_ms=SPAWN_TIMEOUT_MS)
    page.locator('.hi-nav-link[data-page="start"]').click()
    wait_view(page, "start", timeout_ms=SPAWN_TIMEOUT_MS)


def test_two_facilitators_each_see_only_their_own_inquiry(jupyterhub, browser):
    hub, teams = jupyterhub, jupyterhub.teams
    ann_context, ann = _log_in(browser, hub, teams.ann)
    bob_context = None
    try:
        assert ann.locator(".hi-new-button").is_visible()
        ann.locator(".hi-new-title input").fill("Family break-up on our estate")
        ann.locator(".hi-new-button").click()
        _back_to_start(ann)  # the app page goes on to step 1
        ann.locator(".hi-inquiries td", has_text="Family break-up on our estate").wait_for()
        href = ann.locator(".hi-permalink").get_attribute("href")
        slug = href.split("inquiry=")[1].split("&")[0]
        assert slug.startswith(slugify(teams.a) + "-")

        bob_context, bob = _log_in(browser, hub, teams.bob)
        bob.locator(".hi-new-title input").fill("Lonely evenings")
        bob.locator(".hi-new-button").click()
        _back_to_start(bob)
        bob.locator(".hi-inquiries td", has_text="Lonely evenings").wait_for()
        assert "Family break-up" not in bob.locator(".hi-inquiries").inner_text()
        # Ann's slug in Bob's address: "not found", nothing of Ann's on the page
        bob.goto(hub.url + f"user/{teams.bob}/voila/render/notebooks/1-define-and-measure.ipynb"
                 f"?inquiry={slug}", timeout=SPAWN_TIMEOUT_MS)
        wait_ready(bob, SPAWN_TIMEOUT_MS)
        assert bob.locator(".hi-no-inquiry").is_visible()
        assert "Family break-up" not in bob.content()

        ann.reload()
        wait_ready(ann, SPAWN_TIMEOUT_MS)
        listed = ann.locator(".hi-inquiries").inner_text()
        assert "Family break-up on our estate" in listed and "Lonely evenings" not in listed
    finally:
        ann_context.close()
        if bob_context is not None:
            bob_context.close()
