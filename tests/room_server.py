"""A real ``jupyter server`` with the room's extension, for the room's HTTP tests.

Started as a subprocess on 127.0.0.1 with a token required, the kit's worktree first on the
path, its own data folder and its own Jupyter folders; only the room's extension and Voila's
are enabled (the other extensions of the environment only slow the start).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
TOKEN = "room-test-token-3f9c"
#: Generous: the machine is shared, and a Jupyter server takes a few seconds to start.
START_TIMEOUT = 120.0

EXTENSIONS = ("{'widgets.room': True, 'voila.server_extension': True, 'jupyterlab': False, "
              "'notebook': False, 'jupyter_lsp': False, 'jupyter_server_terminals': False, "
              "'notebook_shim': False, 'nbclassic': False}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    data: Path
    log: Path

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
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO), "HIDDEN_INSIGHTS_DATA": str(data),
           "JUPYTER_CONFIG_DIR": str(folder / "config"),
           "JUPYTER_RUNTIME_DIR": str(folder / "runtime"),
           "JUPYTER_DATA_DIR": str(folder / "jdata")}
    env.pop("HIDDEN_INSIGHTS_DATABASE_URL", None)
    log = folder / "server.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", "--no-browser", "--allow-root",
         "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         "--ServerApp.port_retries=0", f"--ServerApp.root_dir={root}",
         f"--ServerApp.jpserver_extensions={EXTENSIONS}",
         f"--IdentityProvider.token={TOKEN}"],
        env=env, cwd=folder, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    server = Server(process, port, data, log)
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
