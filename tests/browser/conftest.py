"""Browser fixtures: a real Voila server, Debian's Chromium through Playwright, and helpers.

Reusable by every browser test (step pages too):

* ``voila_server`` (session): the app's server (Voila as an extension of the kit's Jupyter
  server) over notebooks/, started with ``widgets.app.server_command``/``server_env`` on a
  free port, with its own data folder; ``app_server(folder, **options)`` starts another.
  ``.url`` (ends with "/"), ``.render_url`` ("…/voila/render/"), ``.data_dir``,
  ``.store()`` (a Store on the server's data folder; close it after use).
* ``browser`` (session): headless Chromium from /usr/bin/chromium (no Playwright download).
* ``context`` / ``page``: a fresh browser context and page per test, with default timeouts.
* ``external_requests``: a list that collects every request to a host other than the local
  server (use it with ``page``; assert it is empty).
* ``open_notebook(page, name, slug=None)``: go to a notebook (with ``?inquiry=slug``) and
  wait until its widgets are rendered (the ``.hi-ready`` marker every page adds).
* ``start_server(command, env, ready_path)``: start another server (the Binder test).
* ``kernel_ids(server)`` (from the server's /api/kernels) and ``kernel_processes(server)``.
* ``wait_view(page, key)``: on the app page (start.ipynb), wait until view ``key`` ("start",
  "1", "2", "3", "dashboard") is shown after a switch.

Every navigation and wait has a timeout: a missing template hangs a request rather than
failing it. All tests here are marked ``browser``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from postgres import server_database_env, server_store_url
from room_server import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]
SERVER_START_TIMEOUT = 60.0  # seconds for a server to answer
PAGE_TIMEOUT_MS = 120_000  # a Voila page runs the notebook before it arrives
ACTION_TIMEOUT_MS = 20_000  # clicks and waits once the page is there
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Chromium against a real Voila server")
    # Playwright's expect() waits 5 s by default: too short on a busy 2-core machine.
    try:
        from playwright.sync_api import expect
    except ImportError:
        return
    expect.set_options(timeout=ACTION_TIMEOUT_MS)


@dataclass
class Server:
    """A server process started for the tests."""

    process: subprocess.Popen
    url: str
    data_dir: Path
    log_path: Path
    token: str | None = None
    #: The server's store (the SQLite file in ``data_dir``, or the PostgreSQL pass's database).
    store_url: str = ""

    @property
    def render_url(self) -> str:
        return self.url + "voila/render/"

    def store(self):
        """A Store on the server's data folder (close it after use)."""
        from widgets.store import Store

        return Store(self.store_url or f"sqlite:///{self.data_dir / 'hidden-insights.sqlite'}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            # The server runs in its own process group: stop it and its kernels together.
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait(timeout=5)


def start_server(command: list[str], env: dict[str, str], url: str, data_dir: Path,
                 log_path: Path, ready_path: str = "") -> Server:
    """Start ``command`` and wait (with a timeout) until ``url + ready_path`` answers."""
    log = open(log_path, "wb")  # noqa: SIM115 - kept open for the server's life
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                               cwd=str(data_dir), start_new_session=True)
    server = Server(process, url, data_dir, log_path)
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"The server stopped (exit {process.returncode}):\n{server.log()}")
        try:
            with urllib.request.urlopen(url + ready_path, timeout=5) as response:
                if response.status < 500:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"The server did not answer within {SERVER_START_TIMEOUT:.0f} s:"
                               f"\n{server.log()}")
        time.sleep(0.25)


def app_server(folder: Path, extra_args: tuple[str, ...] = (), token: str | None = None,
               extra_env: dict[str, str] | None = None, **options) -> Server:
    """The app's server as `make app` runs it (``widgets.app.server_command`` with
    ``options``, then ``extra_args``), on a free port, with its data in ``folder/data``.
    With ``token``, the server needs it (as in room mode) and ``.token`` is set."""
    from widgets.app import server_command, server_env

    data = folder / "data"
    data.mkdir(exist_ok=True)
    port = free_port()
    env = {**os.environ, "HIDDEN_INSIGHTS_BINDER": "0"}
    env.pop("JUPYTER_TOKEN", None)
    env.update(server_env(token))
    env["HIDDEN_INSIGHTS_DATA"] = str(data)
    env.pop("HIDDEN_INSIGHTS_DATABASE_URL", None)
    env.update(server_database_env(data))
    env.update(extra_env or {})
    command = server_command(port=port, token=token is not None, **options) + list(extra_args)
    # Ready when the server answers, asked where no kernel starts (/ would run the start
    # page); with a token, /login answers without one.
    server = start_server(command, env, f"http://127.0.0.1:{port}/", data,
                          folder / "server.log", ready_path="login" if token else "api/status")
    server.token = token
    server.store_url = server_store_url(env, data)
    return server


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory) -> Iterator[Server]:
    """The app's server over notebooks/, as `make app` runs it, on a free port."""
    server = app_server(tmp_path_factory.mktemp("voila"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def grub_hub(voila_server) -> str:
    """The Grub Hub example (60 units, every step filled in) stored on the session's server,
    once per module."""
    from widgets.examples import build as example

    store = voila_server.store()
    try:
        return store.save_inquiry(example("grub-hub"))
    finally:
        store.close()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium (Playwright's own browser download is not used)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def context(browser, tmp_path):
    """A fresh browser context per test (no shared cookies or storage)."""
    ctx = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(ACTION_TIMEOUT_MS)
    ctx.set_default_navigation_timeout(PAGE_TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    """A page in the test's own context."""
    return context.new_page()


def is_local(url: str) -> bool:
    """True for the local server and for URLs that go nowhere (data:, blob:, about:)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "chrome", "chrome-extension"):
        return True
    return parts.hostname in LOCAL_HOSTS or f"[{parts.hostname}]" in LOCAL_HOSTS


@pytest.fixture
def external_requests(context) -> list[str]:
    """Every request the test's pages make to a host other than the local server."""
    seen: list[str] = []
    context.on("request", lambda request: None if is_local(request.url)
               else seen.append(request.url))
    return seen


def wait_ready(page, timeout_ms: int = PAGE_TIMEOUT_MS) -> None:
    """Wait until the page's widgets are rendered (the ``.hi-ready`` marker is in the DOM)."""
    page.wait_for_selector(".hi-ready", state="attached", timeout=timeout_ms)


def wait_until(condition, timeout: float = ACTION_TIMEOUT_MS / 1000, every: float = 0.2) -> bool:
    """Poll ``condition()`` until it is true or ``timeout`` seconds pass (a generous bound,
    not a guess at how long a busy machine takes); returns its last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


def kernel_ids(server) -> set[str]:
    """The ids of the kernels the server runs, from its own ``/api/kernels`` (with its
    token, when it has one)."""
    headers = {"Authorization": f"token {server.token}"} if server.token else {}
    request = urllib.request.Request(server.url + "api/kernels", headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        return {kernel["id"] for kernel in json.load(response)}


def kernel_processes(server) -> set[int]:
    """The process ids of the live kernels the server started (a kernel that ends while
    they are listed is left out)."""
    import psutil

    try:
        children = psutil.Process(server.process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return set()
    pids = set()
    for child in children:
        try:
            if child.status() != psutil.STATUS_ZOMBIE and "ipykernel" in " ".join(
                    child.cmdline()):
                pids.add(child.pid)
        except psutil.Error:  # it ended meanwhile
            continue
    return pids


def goto_notebook(page, render_url: str, name: str, slug: str | None = None,
                  timeout_ms: int = PAGE_TIMEOUT_MS):
    """Open notebook ``name`` under ``render_url`` (with ``?inquiry=slug``), wait until ready."""
    url = render_url + name + (f"?inquiry={slug}" if slug else "")
    response = page.goto(url, timeout=timeout_ms, wait_until="load")
    assert response is not None and response.ok, f"{url}: {response and response.status}"
    wait_ready(page, timeout_ms)
    return response


def wait_view(page, key: str, missing: bool = False, timeout_ms: int = PAGE_TIMEOUT_MS) -> None:
    """On the app page, wait until view ``key`` is shown (or, ``missing``, its "no inquiry"
    note): the page's own mark that the switch is done (title set, focus moved), then the
    view itself. The first switch to a view builds it: the bound is a page load's."""
    page.wait_for_function("(k) => document.body.dataset.hiView === k", arg=str(key),
                           timeout=timeout_ms)
    selector = ".hi-missing" if missing else f".hi-app-view-{key}"
    page.locator(selector).wait_for(state="visible", timeout=timeout_ms)


@pytest.fixture
def open_notebook(voila_server) -> Callable[..., object]:
    """``open_notebook(page, name, slug=None)`` against the session's Voila server."""

    def _open(page, name: str, slug: str | None = None):
        return goto_notebook(page, voila_server.render_url, name, slug)

    return _open


@pytest.fixture(scope="session")
def repo_dir() -> Path:
    from widgets.paths import REPO_DIR

    return REPO_DIR


@pytest.fixture(scope="session")
def bash() -> str:
    path = shutil.which("bash")
    if not path:
        pytest.skip("bash is not installed")
    return path
