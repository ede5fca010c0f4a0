"""The app's server in room mode (a token): only open routes answer without it.

Without the token: no page, no Jupyter API, no kernel websocket, no JupyterLab or notebook UI
(they are not loaded at all). The two ways widgets.server's docstring gives for an
extension's handler to be open work, and XSRF protection still applies to their POSTs.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import app_server, goto_notebook, kernel_ids

requests = pytest.importorskip("requests")
websocket = pytest.importorskip("websocket")

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def room_server(tmp_path_factory):
    import os

    path = os.pathsep.join(p for p in (str(HERE), os.environ.get("PYTHONPATH")) if p)
    server = app_server(tmp_path_factory.mktemp("room-mode"), token=secrets.token_urlsafe(32),
                        extra_env={"PYTHONPATH": path},
                        extra_args=("--ServerApp.jpserver_extensions=open_handlers_probe=True",))
    yield server
    server.stop()


def _get(server, path: str, **kwargs):
    return requests.get(server.url + path, allow_redirects=False, timeout=120, **kwargs)


def _token(server) -> dict[str, str]:
    return {"Authorization": f"token {server.token}"}


def test_without_the_token_nothing_but_open_routes_answers(room_server):
    for path in ("api/kernels", "api/contents", "api/sessions", "api/kernelspecs",
                 "voila/api/contents/", "api/config/x", "probe/unmarked?x=1"):
        response = _get(room_server, path)
        assert response.status_code in (302, 403), path
        assert "login" in response.headers.get("Location", "login"), path
    for path in ("voila/render/start.ipynb", "voila/tree", "", "probe/unmarked"):
        response = _get(room_server, path)
        if path == "":  # / forwards to the start page, which asks for the token
            response = _get(room_server, urlsplit(response.headers["Location"]).path[1:])
        assert response.status_code == 302, path
        assert urlsplit(response.headers["Location"]).path == "/login", path
    assert kernel_ids(room_server) == set()  # no page ran


def test_with_the_token_the_facilitator_gets_everything_but_other_uis(room_server):
    assert _get(room_server, "api/kernels", headers=_token(room_server)).status_code == 200
    for path in ("lab", "tree", "notebooks", "terminals/1", "api/terminals"):
        assert _get(room_server, path, headers=_token(room_server)).status_code == 404, path


def test_a_kernels_websocket_needs_the_token(room_server):
    response = requests.post(room_server.url + "api/kernels", headers=_token(room_server),
                             json={}, timeout=120)
    assert response.status_code == 201
    kernel = response.json()["id"]
    port = urlsplit(room_server.url).port
    url = f"ws://127.0.0.1:{port}/api/kernels/{kernel}/channels"
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(url, timeout=60)
    assert refused.value.status_code == 403
    ws = websocket.create_connection(url, header=[f"Authorization: token {room_server.token}"],
                                     timeout=60)
    assert ws.getstatus() == 101
    ws.close()
    requests.delete(room_server.url + f"api/kernels/{kernel}", headers=_token(room_server),
                    timeout=120)


@pytest.mark.parametrize("kind", ["plain", "marked"])
def test_open_handlers_answer_without_the_token_and_check_xsrf(room_server, kind):
    session = requests.Session()
    page = session.get(room_server.url + f"probe/{kind}", timeout=60)
    assert page.status_code == 200 and page.json()["kind"] == kind
    if kind == "marked":
        assert page.json()["user"] is False  # a visitor without the token is nobody
    assert "_xsrf" in session.cookies
    url = room_server.url + f"probe/{kind}"
    assert session.post(url, timeout=60).status_code == 403  # no _xsrf value: refused
    assert requests.post(url, data={"_xsrf": page.json()["xsrf"]},
                         timeout=60).status_code == 403  # the value without the cookie
    posted = session.post(url, headers={"X-XSRFToken": session.cookies["_xsrf"]}, timeout=60)
    assert posted.status_code == 200 and posted.json()["posted"] is True
    posted = session.post(url, data={"_xsrf": session.cookies["_xsrf"]}, timeout=60)
    assert posted.status_code == 200


def test_the_facilitators_link_opens_the_pages_and_the_cookie_keeps_them(room_server, page):
    goto_notebook(page, room_server.render_url, f"start.ipynb?token={room_server.token}")
    goto_notebook(page, room_server.render_url, "start.ipynb")  # the cookie, no token now
    other = page.context.browser.new_context()
    try:
        response = other.new_page().goto(room_server.render_url + "start.ipynb")
        assert response is not None and urlsplit(response.url).path == "/login"
    finally:
        other.close()
