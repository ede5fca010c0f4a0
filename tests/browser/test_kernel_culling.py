"""A shared server must not fill up with the kernels of pages nobody has open any more.

Voila 0.5 does not shut a kernel down when its page closes; the app's culling settings
(``widgets.app.CULL_SETTINGS``) are what frees them. Here a real Voila runs with the same
settings but short times, pages are opened and closed, and the kernels must go away, while
the kernel of a page that is still open stays.
"""

from __future__ import annotations

import os

import psutil
import pytest

from conftest import free_port, goto_notebook, start_server, wait_until

pytestmark = pytest.mark.browser


def kernels_of(server) -> list[psutil.Process]:
    """The live kernel processes the server started."""
    try:
        children = psutil.Process(server.process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    return [p for p in children if p.is_running() and p.status() != psutil.STATUS_ZOMBIE
            and "ipykernel" in " ".join(p.cmdline())]


@pytest.fixture
def culling_server(tmp_path):
    from widgets.app import voila_command, voila_env

    data = tmp_path / "data"
    data.mkdir()
    port = free_port()
    command = [arg for arg in voila_command(port=port)
               if "cull_interval" not in arg and "cull_idle_timeout" not in arg]
    command += ["--MappingKernelManager.cull_interval=1",
                "--MappingKernelManager.cull_idle_timeout=4"]
    env = {**os.environ, **voila_env(), "HIDDEN_INSIGHTS_DATA": str(data),
           "HIDDEN_INSIGHTS_BINDER": "0"}
    server = start_server(command, env, f"http://127.0.0.1:{port}/", data,
                          tmp_path / "voila.log")
    yield server
    server.stop()


def test_kernels_of_closed_pages_are_shut_down(browser, culling_server):
    # Kernels are collected as they are seen, not counted at one moment: on a busy machine
    # a closed page's kernel may already be culled before the last page has opened.
    seen: set[int] = set()

    def look() -> set[int]:
        pids = {p.pid for p in kernels_of(culling_server)}
        seen.update(pids)
        return pids

    kept = browser.new_context()
    kept_page = kept.new_page()
    goto_notebook(kept_page, culling_server.render_url, "start.ipynb")
    kept_kernels = look()
    assert len(kept_kernels) == 1, culling_server.log()
    for _ in range(3):  # pages opened and closed, as a facilitator clicking around would
        context = browser.new_context()
        goto_notebook(context.new_page(), culling_server.render_url, "start.ipynb")
        look()
        context.close()
    assert len(seen) == 4, culling_server.log()  # one kernel per page

    assert wait_until(lambda: look() == kept_kernels, timeout=120), (
        f"{len(kernels_of(culling_server))} kernels still running:\n{culling_server.log()}")
    # The page still open keeps its kernel and still works.
    assert kept_page.locator(".hi-ready").count() == 1
    kept.close()
