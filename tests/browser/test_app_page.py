"""The app page (start.ipynb) in Chromium against a real Voila: start, step 1, 2, 3 and the
dashboard in one page and one kernel; the address follows the view and the inquiry, so a
reload and the back button work; what was typed is kept and stored."""

from __future__ import annotations

import re
import uuid
from urllib.parse import parse_qs, urlsplit

import psutil

from conftest import ACTION_TIMEOUT_MS, PAGE_TIMEOUT_MS, wait_ready, wait_until
from conftest import wait_view as wait_for_view

APP = "start.ipynb"
VIEWS = ["start", "1", "2", "3", "dashboard"]
HEADINGS = {"start": "Hidden Insights", "1": "Engage, define and measure",
            "2": "Discover positive exceptions", "3": "Share how they did it",
            "dashboard": "Dashboard"}
TITLES = {"start": "Hidden Insights — start",
          "1": "1 Engage, define and measure — Hidden Insights",
          "2": "2 Discover positive exceptions — Hidden Insights",
          "3": "3 Share how they did it — Hidden Insights",
          "dashboard": "Dashboard — Hidden Insights"}



def kernels(voila_server) -> set[int]:
    """The process ids of the server's kernels now."""
    found = set()
    for p in psutil.Process(voila_server.process.pid).children(recursive=True):
        try:
            if "ipykernel" in " ".join(p.cmdline()):
                found.add(p.pid)
        except psutil.Error:  # one that just ended
            continue
    return found


def address(page) -> tuple[str | None, str | None]:
    """(view, inquiry) as the address shows them (no ``view``: the start view)."""
    query = parse_qs(urlsplit(page.url).query)
    return ((query.get("view") or ["start"])[0], (query.get("inquiry") or [None])[0])


def wait_view(page, key: str, missing: bool = False) -> None:
    """conftest's wait_view, then the heading says where the person is."""
    wait_for_view(page, key, missing)
    assert page.locator(".hi-app-heading h1").inner_text() == HEADINGS[key]


def open_app(page, voila_server, slug: str | None = None, view: str | None = None) -> None:
    query = "&".join(f"{k}={v}" for k, v in (("inquiry", slug), ("view", view)) if v)
    response = page.goto(voila_server.render_url + APP + (f"?{query}" if query else ""),
                         wait_until="load")
    assert response is not None and response.ok
    wait_ready(page)
    wait_view(page, view or "start", missing=bool(view) and view != "start" and not slug)
    # A value only this page load has: still there after a switch means no reload.
    page.evaluate("() => { window.hiLoad = Math.random(); }")


def same_load(page) -> bool:
    return page.evaluate("() => typeof window.hiLoad === 'number'")


def switch(page, key: str) -> None:
    page.locator(f'.hi-nav-link[data-page="{key}"]').click()
    wait_view(page, key)


def every_pair(keys: list[str]) -> list[str]:
    """A walk that goes from every view to every other one exactly once (an Euler circuit of
    the complete directed graph), starting and ending at ``keys[0]``."""
    left = {k: [o for o in keys if o != k] for k in keys}
    stack, walk = [keys[0]], []
    while stack:
        here = stack[-1]
        if left[here]:
            stack.append(left[here].pop())
        else:
            walk.append(stack.pop())
    return walk[::-1]


def test_the_walk_covers_every_pair():
    walk = every_pair(VIEWS)
    pairs = list(zip(walk, walk[1:], strict=False))
    assert len(pairs) == 20 and len(set(pairs)) == 20


def test_every_pair_of_views_in_one_kernel_and_the_address_follows(page, voila_server,
                                                                     grub_hub):
    before = kernels(voila_server)
    open_app(page, voila_server, grub_hub)
    assert wait_until(lambda: len(kernels(voila_server) - before) == 1), kernels(voila_server)
    (ours,) = kernels(voila_server) - before
    walk = every_pair(VIEWS)
    for key in walk[1:]:
        switch(page, key)
        assert address(page) == (key, grub_hub)
        assert page.locator(".hi-nav-link.hi-current").get_attribute("data-page") == key
        assert "Grub Hub" in page.locator(".hi-nav-inquiry").inner_text()
        assert page.title() == TITLES[key]
        # The focus is on the new heading (a screen reader says where the person is now).
        assert page.evaluate("() => document.activeElement.closest('.hi-app-heading') !== null")
        assert same_load(page), f"switching to {key} reloaded the page"
        # The "switching" cue (dimmed, aria-busy) is gone once the view is there.
        assert page.evaluate("() => !document.body.dataset.hiSwitching && !document"
                             ".querySelector('.hi-app-body').hasAttribute('aria-busy')")
        assert kernels(voila_server) - before == {ours}, "a switch started another kernel"
    assert page.title() == "Hidden Insights — start"
    # Links inside the views switch too (not only the bar): step 1's "go on to step 2",
    # step 3's dashboard link, the start view's step cards.
    switch(page, "1")
    page.locator(".hi-next-link").click()
    wait_view(page, "2")
    switch(page, "3")
    page.locator(".hi-dashboard-link").click()
    wait_view(page, "dashboard")
    switch(page, "start")
    page.locator('.hi-step-card[data-page="3"]').click()
    wait_view(page, "3")
    assert address(page) == ("3", grub_hub) and same_load(page)
    assert kernels(voila_server) - before == {ours}
    assert "Traceback" not in page.content()


def test_what_was_typed_is_kept_and_stored(page, voila_server):
    store = voila_server.store()
    try:
        slug = store.create_inquiry(f"Typed {uuid.uuid4().hex[:6]}", by="test")
        open_app(page, voila_server, slug, "1")
        words = f"Families are breaking up {uuid.uuid4().hex[:6]}"
        box = page.locator(".hi-issue-statement textarea")
        box.fill(words)
        # Away at once, before the autosave's moment: leaving the view saves it.
        switch(page, "2")
        assert wait_until(lambda: store.get(slug, include_units=False).issue.statement
                          == words), store.get(slug, include_units=False).issue
        switch(page, "start")
        switch(page, "1")
        assert box.input_value() == words
        assert store.get(slug, include_units=False).issue.statement == words
        assert same_load(page)
    finally:
        store.close()


def test_a_reload_on_step_3_comes_back_to_step_3(page, voila_server, grub_hub):
    open_app(page, voila_server, grub_hub)
    switch(page, "3")
    assert address(page) == ("3", grub_hub)
    page.reload(timeout=PAGE_TIMEOUT_MS)
    wait_ready(page)
    wait_view(page, "3")
    assert address(page) == ("3", grub_hub)
    assert page.locator(".hi-nav-link.hi-current").get_attribute("data-page") == "3"
    assert "Grub Hub" in page.locator(".hi-nav-inquiry").inner_text()
    assert page.locator(".hi-app-view-3 .hi-step3").is_visible()
    assert page.locator(".hi-no-inquiry").count() == 0


def test_the_back_button_returns_to_the_view_before(page, voila_server, grub_hub):
    open_app(page, voila_server, grub_hub)
    switch(page, "1")
    switch(page, "2")
    page.go_back()
    wait_view(page, "1")
    assert address(page) == ("1", grub_hub)
    page.go_back()
    wait_view(page, "start")
    assert address(page) == ("start", grub_hub)
    page.go_forward()
    wait_view(page, "1")
    assert address(page) == ("1", grub_hub) and same_load(page)


def test_opening_an_example_goes_to_step_1_in_the_same_kernel(page, voila_server):
    before = kernels(voila_server)
    open_app(page, voila_server)
    assert wait_until(lambda: len(kernels(voila_server) - before) == 1), kernels(voila_server)
    (ours,) = kernels(voila_server) - before
    page.locator(".hi-example-child-nutrition").click()
    wait_view(page, "1")
    view, slug = address(page)
    assert view == "1" and slug
    assert "Child nutrition" in page.locator(".hi-nav-inquiry").inner_text()
    assert same_load(page) and kernels(voila_server) - before == {ours}
    # The start view shows it open when shown again.
    switch(page, "start")
    page.locator(".hi-open-title", has_text="Child nutrition").wait_for()
    assert re.search(rf"inquiry={re.escape(slug)}\b",
                     page.locator(".hi-permalink").get_attribute("href"))


def test_a_step_with_no_inquiry_says_so_and_links_to_the_start(page, voila_server):
    open_app(page, voila_server, None, "2")
    note = page.locator(".hi-missing .hi-no-inquiry")
    assert note.is_visible() and "No inquiry is open yet" in note.inner_text()
    note.locator("a.hi-start-link").click()
    wait_view(page, "start")
    assert same_load(page) and page.locator(".hi-new-button").is_visible()
    assert page.locator(".hi-no-inquiry:visible").count() == 0


def test_a_link_opened_in_a_new_tab_still_loads_the_view(context, voila_server, grub_hub):
    page = context.new_page()
    open_app(page, voila_server, grub_hub, "1")
    href = page.locator(".hi-next-link").get_attribute("href")
    assert href.startswith("2-discover-positive-exceptions.ipynb?inquiry=")
    with context.expect_page(timeout=ACTION_TIMEOUT_MS) as info:
        page.locator(".hi-next-link").click(modifiers=["Control"])
    other = info.value
    other.wait_for_load_state("load", timeout=PAGE_TIMEOUT_MS)
    wait_ready(other)
    assert "/2-discover-positive-exceptions.ipynb" in other.url  # the step's own notebook
    assert page.evaluate("() => document.body.dataset.hiView") == "1" and same_load(page)


def test_a_kernel_that_stopped_says_so_and_the_page_reloads(page, voila_server, grub_hub):
    """A page whose kernel has died (out of memory, say) must not stay dimmed with no word:
    a switch that gets no answer says so at the top, and its button reloads the page."""
    import os
    import signal

    before = kernels(voila_server)
    open_app(page, voila_server, grub_hub, "1")
    assert wait_until(lambda: len(kernels(voila_server) - before) == 1), kernels(voila_server)
    (ours,) = kernels(voila_server) - before
    os.kill(ours, signal.SIGKILL)
    assert wait_until(lambda: not psutil.pid_exists(ours) or
                      psutil.Process(ours).status() == psutil.STATUS_ZOMBIE)
    page.locator('.hi-nav-link[data-page="2"]').click()
    notice = page.locator(".hi-no-answer")
    notice.wait_for(timeout=PAGE_TIMEOUT_MS)  # after the page's 20 s of patience
    assert notice.get_attribute("role") == "alert"
    assert "stopped answering" in notice.inner_text()
    with page.expect_navigation(timeout=PAGE_TIMEOUT_MS):
        page.locator(".hi-no-answer-reload").click()
    wait_ready(page)
    wait_view(page, "2")  # where the person was going, with a new kernel
    assert address(page) == ("2", grub_hub)
    assert page.locator(".hi-no-answer").count() == 0
    switch(page, "1")  # and it answers
