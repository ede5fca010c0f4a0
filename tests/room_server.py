"""The app's own server in room mode (``widgets.app.server_command`` with a token, as
``make app ROOM=1`` runs it, on 127.0.0.1), for the room's HTTP tests.

Started as a subprocess with the kit first on the path, its own data folder and its own
Jupyter folders, over a folder with an empty start page.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from postgres import server_database_env, server_store_url

REPO = Path(__file__).resolve().parents[1]
TOKEN = "room-test-token-3f9c"
#: Generous: the machine is shared, and a Jupyter server takes a few seconds to start.
START_TIMEOUT = 120.0

def free_port() -> int:
    """A TCP port nobody is listening on right now (the tests' servers, browser ones too)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    data: Path
    log: Path
    #: The server's store (the SQLite file in ``data``, or the PostgreSQL pass's database).
    store_url: str = ""

    def store(self):
        """A Store on the server's database (close it after use)."""
        from widgets.store import Store

        return Store(self.store_url)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self, sig: int = signal.SIGTERM) -> None:
        """Stop the server (SIGKILL: at once, as a crash would)."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)


def start(folder: Path) -> Server:
    """A server whose data folder is ``folder / 'data'`` (created), ready to answer."""
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    root = folder / "notebooks"
    root.mkdir(exist_ok=True)
    (root / "start.ipynb").write_text('{"cells": [], "metadata": {}, "nbformat": 4, '
                                      '"nbformat_minor": 5}')
    from widgets.app import server_command, server_env

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO), "HIDDEN_INSIGHTS_BINDER": "0",
           "JUPYTER_CONFIG_DIR": str(folder / "config"),
           "JUPYTER_RUNTIME_DIR": str(folder / "runtime"),
           "JUPYTER_DATA_DIR": str(folder / "jdata")}
    env.pop("HIDDEN_INSIGHTS_DATABASE_URL", None)
    env.update(server_database_env(data))
    env.pop("JUPYTER_TOKEN", None)
    env.update(server_env(TOKEN))
    env["HIDDEN_INSIGHTS_DATA"] = str(data)
    log = folder / "server.log"
    process = subprocess.Popen(server_command(port=port, root=root, token=True), env=env,
                               cwd=folder, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    server = Server(process, port, data, log, server_store_url(env, data))
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped: {log.read_text()[-2000:]}")
        try:
            if requests.get(f"{server.url}/room", timeout=5).status_code == 200:
                return server
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    server.kill(signal.SIGKILL)
    raise RuntimeError(f"the server did not start: {log.read_text()[-2000:]}")


def phone_page(session: requests.Session, server: Server, code: str) -> tuple[str, str]:
    """Open a room's phone page as a phone does; returns ``(html, xsrf value)``."""
    import re

    r = session.get(f"{server.url}/room/{code}", timeout=30)
    assert r.status_code == 200, r.text[:300]
    match = re.search(r'name="_xsrf" value="([^"]+)"', r.text)
    return r.text, (match.group(1) if match else "")
