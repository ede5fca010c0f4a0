"""The kit on a hub server: the person and their teams from the Hub at page load, and pages
that name another team's inquiry answer "not found".

The Hub API is a small local HTTP server that answers ``GET /user`` like JupyterHub does (and
checks the server's token); the database is a real PostgreSQL with two teams.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from widgets import hub as hubmod
from widgets.model import slugify
from widgets.store import teams
from widgets.ui import context

TOKEN = "server-token-123"


class FakeHub:
    """``GET /hub/api/user`` with this server's token gives the user and their groups."""

    def __init__(self):
        self.users: dict[str, list[str]] = {}
        self.user = ""
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                if (self.path != "/hub/api/user"
                        or self.headers.get("Authorization") != f"token {TOKEN}"):
                    self.send_response(403)
                    self.end_headers()
                    return
                body = json.dumps({"name": outer.user,
                                   "groups": outer.users.get(outer.user, [])}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hub/api"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_hub():
    h = FakeHub()
    yield h
    h.close()


@pytest.fixture
def on_hub(monkeypatch, fake_hub, hub, data_dir):
    """Make this process look like ``user``'s server on the hub (a fresh kernel per call)."""

    def become(user: str, query: str = ""):
        monkeypatch.setenv("JUPYTERHUB_USER", user)
        monkeypatch.setenv("JUPYTERHUB_API_URL", fake_hub.url)
        monkeypatch.setenv("JUPYTERHUB_API_TOKEN", TOKEN)
        monkeypatch.setenv("HIDDEN_INSIGHTS_DATABASE_URL", hub.url(user))
        monkeypatch.setenv("QUERY_STRING", query)
        fake_hub.user = user
        old = context._store
        if old is not None:
            old.close()
        context.set_store(None)  # a new page load is a new kernel
        return context.get_store()

    yield become
    if context._store is not None:
        context._store.close()
    context.set_store(None)


def test_groups_come_from_the_hub_api(fake_hub, monkeypatch):
    fake_hub.users["ann"] = ["b_team", "a_team"]
    fake_hub.user = "ann"
    monkeypatch.setenv("JUPYTERHUB_USER", "ann")
    monkeypatch.setenv("JUPYTERHUB_API_URL", fake_hub.url)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", TOKEN)
    assert hubmod.hub_user() == "ann"
    assert hubmod.hub_groups() == ["a_team", "b_team"]
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "wrong")  # the Hub refuses: no groups
    assert hubmod.hub_groups() == []
    monkeypatch.delenv("JUPYTERHUB_USER")  # not on a hub
    assert hubmod.hub_user() is None and hubmod.hub_groups() == []


def test_the_team_for_new_inquiries(monkeypatch):
    monkeypatch.delenv("HIDDEN_INSIGHTS_TEAM", raising=False)
    assert hubmod.choose_team(["a", "b"], groups=["b", "x"]) == "b"  # a Hub group, in the DB
    assert hubmod.choose_team(["a", "b"], groups=["x"]) == "a"  # the database decides
    assert hubmod.choose_team([], groups=["a"]) is None  # a group is no credential
    monkeypatch.setenv("HIDDEN_INSIGHTS_TEAM", "b")
    assert hubmod.choose_team(["a", "b"], groups=["a", "b"]) == "b"
    assert hubmod.choose_team(["a", "b"], groups=["a"]) == "a"


def test_off_the_hub_the_store_keeps_no_team(hub, monkeypatch, data_dir):
    for name in ("JUPYTERHUB_USER", "HIDDEN_INSIGHTS_TEAM"):
        monkeypatch.delenv(name, raising=False)
    # the server's superuser is a member of every role: off the hub that must not pick a team
    monkeypatch.setenv("HIDDEN_INSIGHTS_DATABASE_URL", hub.server.url(hub.database))
    store = hubmod.open_server_store()
    try:
        assert len(store.teams()) >= 2
        assert store.team == ""
        assert store.create_inquiry("The admin's own") == "the-admin-s-own"
    finally:
        store.close()


def test_each_users_page_works_in_their_own_team(on_hub, fake_hub, hub):
    from widgets.ui.session import Session
    from widgets.ui.start import StartView

    fake_hub.users = {hub.ann: [hub.a], hub.bob: [hub.b], hub.cat: [hub.a, hub.b]}
    store = on_hub(hub.ann)
    assert store.team == hub.a
    page = StartView(Session())
    page.title_field.value = "Family break-up"
    a_slug = page.create()
    assert a_slug.startswith(slugify(hub.a) + "-")
    example = page.open_example("grub-hub")
    assert page.open_example("grub-hub") == example  # reopened, not copied again

    store = on_hub(hub.bob)
    assert store.team == hub.b
    page = StartView(Session())
    assert page.store.list_inquiries() == []
    assert page.open_example("grub-hub") != example  # B works on a copy of its own
    assert sorted(i.slug for i in page.store.list_inquiries()) == [page.open_example("grub-hub")]


def test_another_teams_inquiry_in_the_address_is_not_found(on_hub, fake_hub, hub):
    from widgets.ui.app_page import AppPage
    from widgets.ui.page import StepPage

    fake_hub.users = {hub.ann: [hub.a], hub.bob: [hub.b]}
    a_slug = on_hub(hub.ann).create_inquiry("Family break-up", by="Ann")

    on_hub(hub.bob, f"inquiry={a_slug}")
    for step in (1, 2, 3):
        page = StepPage(step)
        assert page.slug is None and not page.ok
        text = _texts(page.widget)
        assert f"There is no inquiry called “{a_slug}” here." in text
        assert "Family break-up" not in text and "Traceback" not in text
    start = AppPage()
    text = _texts(start.widget)
    assert f"no inquiry called “{a_slug}”" in text and "Family break-up" not in text


def test_removing_a_member_takes_effect_on_their_next_page_load(on_hub, fake_hub, hub):
    from widgets.ui.page import StepPage

    fake_hub.users = {hub.ann: [hub.a], hub.cat: [hub.a, hub.b]}
    a_slug = on_hub(hub.ann).create_inquiry("Family break-up")
    on_hub(hub.cat, f"inquiry={a_slug}")
    assert StepPage(1).slug == a_slug
    admin = hub.admin()
    teams.remove_member(admin.engine, hub.a, hub.cat)
    fake_hub.users[hub.cat] = [hub.b]
    store = on_hub(hub.cat, f"inquiry={a_slug}")  # the next page load
    assert store.team == hub.b
    assert StepPage(1).slug is None
    assert store.list_inquiries() == []


def _texts(widget) -> str:
    """Every bit of text a widget tree shows."""
    out = []
    stack = [widget]
    while stack:
        w = stack.pop()
        for attr in ("value", "description"):
            v = getattr(w, attr, None)
            if isinstance(v, str):
                out.append(v)
        stack.extend(getattr(w, "children", ()) or ())
    return "\n".join(out)
