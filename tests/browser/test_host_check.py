"""DNS rebinding: the app answers only the host names it serves.

A page on another site whose name is made to point at 127.0.0.1 sends its own name as the
``Host`` (and as the websocket's ``Origin``). Standalone Voila accepted that (200, and a
kernel websocket); the app refuses it (403) and answers 127.0.0.1, localhost and [::1]. The
gate stands in front of every route (widgets.server.hosts), so the Jupyter API, static files
and the handlers of extensions refuse a foreign Host too.
"""

from __future__ import annotations

import http.client
import re
from urllib.parse import urlsplit

import pytest

from conftest import app_server

websocket = pytest.importorskip("websocket")

START = "voila/render/start.ipynb"
CONTENTS = "voila/api/contents/"


def _status(server, path: str, host: str) -> int:
    """The status of GET ``path`` sent to the server with ``Host: host``."""
    parts = urlsplit(server.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        conn.request("GET", "/" + path, headers={"Host": host})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _kernel_id(server) -> str:
    parts = urlsplit(server.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        conn.request("GET", "/" + START)
        response = conn.getresponse()
        body = response.read().decode()
        assert response.status == 200
    finally:
        conn.close()
    return re.search(r'kernelId": "([0-9a-f-]{36})"', body).group(1)


def _websocket_status(server, kernel: str, host: str, origin: str | None = None) -> int:
    """101 when the kernel's websocket opens with this Host (and Origin: the same host)."""
    port = urlsplit(server.url).port
    try:
        ws = websocket.create_connection(
            f"ws://127.0.0.1:{port}/api/kernels/{kernel}/channels", host=host,
            origin=origin or f"http://{host}", timeout=60)
    except websocket.WebSocketBadStatusException as e:
        return e.status_code
    status = ws.getstatus()
    ws.close()
    return status


def test_a_foreign_host_gets_no_page_and_no_kernel(voila_server):
    port = urlsplit(voila_server.url).port
    for host in ("evil.example", f"evil.example:{port}", "192.0.2.10"):
        assert _status(voila_server, START, host) == 403, host
        assert _status(voila_server, CONTENTS, host) == 403, host
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", "localhost"):
        assert _status(voila_server, CONTENTS, host) == 200, host
    assert _status(voila_server, START, f"localhost:{port}") == 200

    kernel = _kernel_id(voila_server)
    assert _websocket_status(voila_server, kernel, f"evil.example:{port}") == 403
    assert _websocket_status(voila_server, kernel, f"127.0.0.1:{port}") == 101
    assert _websocket_status(voila_server, kernel, f"localhost:{port}") == 101
    # A page elsewhere that names this computer's address: refused by the Origin check.
    assert _websocket_status(voila_server, kernel, f"127.0.0.1:{port}",
                             origin="http://evil.example") == 403


@pytest.fixture(scope="module")
def room_server(tmp_path_factory):
    """The app told to answer a room's address and name too (as on a local network)."""
    # 192.0.2.10 is a documentation address: only a Host header here, nothing is sent there.
    server = app_server(tmp_path_factory.mktemp("room"),
                        allow_hosts=["192.0.2.10", "room.example"])
    yield server
    server.stop()


def test_allowed_hosts_are_answered_and_no_others(room_server):
    port = urlsplit(room_server.url).port
    for host in (f"192.0.2.10:{port}", "room.example", f"ROOM.example:{port}",
                 f"127.0.0.1:{port}", f"localhost:{port}"):
        assert _status(room_server, CONTENTS, host) == 200, host
    for host in ("192.0.2.11", f"evil.example:{port}", "room.example.evil.example"):
        assert _status(room_server, CONTENTS, host) == 403, host
        assert _status(room_server, START, host) == 403, host
        for path in ("api/status", "api/kernels", "voila/static/voila.js", "static/favicon.ico",
                     "hidden-insights/xsrf", "room", "login"):
            assert _status(room_server, path, host) == 403, (path, host)
