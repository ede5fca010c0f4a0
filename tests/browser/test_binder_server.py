"""The start page served the way Binder serves it: Jupyter server + Voila extension, with the
settings of binder/start, at /voila/render/notebooks/start.ipynb."""

from __future__ import annotations

import os
import re
import sys

import pytest

from conftest import free_port, kernel_ids, start_server, wait_ready, wait_until


@pytest.fixture(scope="module")
def binder_server(tmp_path_factory, repo_dir, bash):
    folder = tmp_path_factory.mktemp("binder")
    data = folder / "data"
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JUPYTER_", "HIDDEN_INSIGHTS_"))}
    env.update(HIDDEN_INSIGHTS_DATA=str(data), BINDER_REPO_URL="https://github.com/example/kit",
               BINDER_LAUNCH_HOST="https://mybinder.org/", HOME=str(folder))
    command = [bash, str(repo_dir / "binder" / "start"),
               sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={port}",
               "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
               "--IdentityProvider.token=", "--ServerApp.password=", "--allow-root",
               f"--ServerApp.root_dir={repo_dir}"]
    data.mkdir()
    server = start_server(command, env, f"http://127.0.0.1:{port}/", data,
                          folder / "server.log", ready_path="api/status")
    yield server
    server.stop()


def test_start_page_under_the_server_extension(page, binder_server, external_requests):
    url = binder_server.url + "voila/render/notebooks/start.ipynb"
    response = page.goto(url, timeout=60_000)
    assert response is not None and response.ok
    wait_ready(page)
    # our template (its CSS), the Binder notice, no outside requests
    assert page.locator('link[href*="hidden-insights/static/hidden-insights.css"]').count() == 1
    assert "temporary session" in page.locator(".hi-binder-notice").inner_text()
    page.locator(".hi-new-title input").fill("Binder inquiry")
    page.locator(".hi-new-button").click()
    page.locator(".hi-reminder-text").wait_for()
    # the relative links work under /voila/render/notebooks/ too
    page.locator('.hi-step-card[data-page="1"]').click()
    page.wait_for_url(re.compile(
        r".*/voila/render/notebooks/1-define-and-measure\.ipynb\?inquiry=binder-inquiry$"))
    wait_ready(page)
    assert page.locator(".hi-no-inquiry").count() == 0
    # The start page's kernel was shut down as the page went (widgets.server is loaded
    # through binder/jupyter-config): one kernel, the step's.
    assert wait_until(lambda: len(kernel_ids(binder_server)) == 1, timeout=10), (
        binder_server.log())
    assert external_requests == []
    assert (binder_server.data_dir / "hidden-insights.sqlite").exists()
