"""A shared server must not fill up with the kernels of pages nobody has open any more.

A closed page's kernel is shut down by the page itself (test_kernel_shutdown.py); the app's
culling settings (``widgets.server.app.CULL_SETTINGS``) are the backstop for a browser that
sends nothing (it crashed, or lost the network). Here the page's shutdown request is dropped,
the app's server runs with the same settings but short times, pages are opened and closed,
and the kernels must go away, while the kernel of a page that is still open stays.
"""

from __future__ import annotations

import pytest

from conftest import app_server, goto_notebook, kernel_ids, wait_until

pytestmark = pytest.mark.browser

#: Long enough that a page's kernel is not culled between the notebook's run and the page's
#: websocket (a kernel with a page connected is never culled); the test waits for culling
#: with a generous bound, never for a fixed time.
IDLE_TIMEOUT_S = 15


@pytest.fixture
def culling_server(tmp_path):
    server = app_server(tmp_path, extra_args=(
        "--MappingKernelManager.cull_interval=1",
        f"--MappingKernelManager.cull_idle_timeout={IDLE_TIMEOUT_S}"))
    yield server
    server.stop()


def _without_shutdown_on_close(context) -> None:
    """Drop the page's own kernel shutdown, as a browser that crashed would not send it."""
    context.route("**/voila/api/shutdown/**", lambda route: route.abort())
    context.route("**/api/kernels/**", lambda route: route.abort()
                  if route.request.method == "DELETE" else route.continue_())


def test_kernels_of_closed_pages_are_shut_down(browser, culling_server):
    # Kernels are collected as they are seen, never counted at one moment: on a busy machine
    # a closed page's kernel may be culled before the next page has opened.
    seen: set[str] = set()

    def look() -> set[str]:
        ids = kernel_ids(culling_server)
        seen.update(ids)
        return ids

    kept = browser.new_context()
    _without_shutdown_on_close(kept)
    kept_page = kept.new_page()
    goto_notebook(kept_page, culling_server.render_url, "start.ipynb")
    kept_kernels = look()
    assert len(kept_kernels) == 1, culling_server.log()
    for _ in range(3):  # pages opened and closed, as a facilitator clicking around would
        context = browser.new_context()
        _without_shutdown_on_close(context)
        goto_notebook(context.new_page(), culling_server.render_url, "start.ipynb")
        look()
        context.close()
    assert len(seen) == 4, culling_server.log()  # one kernel per page

    assert wait_until(lambda: look() == kept_kernels, timeout=120), (
        f"{len(kernel_ids(culling_server))} kernels still running:\n{culling_server.log()}")
    assert "Culling kernel" in culling_server.log()  # culled, not shut down by the page
    # The page still open keeps its kernel and still works.
    assert kept_page.locator(".hi-ready").count() == 1
    kept.close()
