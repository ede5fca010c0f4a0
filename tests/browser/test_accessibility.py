"""Accessibility in a real browser: every page passes axe-core with no serious or critical
violation (on a laptop and on a phone), keyboard focus is plain to see, the whole step 1 form
works by keyboard alone, and the step tables stay usable 390 px wide (they scroll sideways
inside their own box, with a cue, and their first column stays in view)."""

from __future__ import annotations

import uuid

import pytest

from conftest import ACTION_TIMEOUT_MS, PAGE_TIMEOUT_MS, wait_ready, wait_until

axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")

PAGES = {
    "start": "start.ipynb",
    "step 1": "1-define-and-measure.ipynb",
    "step 2": "2-discover-positive-exceptions.ipynb",
    "step 3": "3-share-how-they-did-it.ipynb",
    "dashboard": "dashboard.ipynb",
    # the app page (start.ipynb) opened on a step: its own frame around the view
    "app, step 2": "start.ipynb?view=2",
}
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}
BAD = ("serious", "critical")
RUN_TIMEOUT_MS = 90_000  # the first run imports the statistics and plotting libraries


def settled(page) -> None:
    """Wait until the page's widgets are drawn and the plots are in (they arrive last)."""
    page.wait_for_load_state("load")
    page.wait_for_function(
        "() => !document.querySelector('#loading') || "
        "getComputedStyle(document.querySelector('#loading')).display === 'none'",
        timeout=PAGE_TIMEOUT_MS)
    page.wait_for_function(  # step 1 draws its baseline a moment after the page is up
        "() => !document.querySelector('.hi-baseline-working')", timeout=PAGE_TIMEOUT_MS)
    page.wait_for_function(
        "() => [...document.images].every(i => i.complete)", timeout=PAGE_TIMEOUT_MS)


#: The kit's own classes (hi-…) on an element and its ancestors: says which widget it is.
WHERE_JS = """(selector) => {
  let el = document.querySelector(selector); const out = [];
  while (el && out.length < 4) {
    const mine = [...el.classList].filter(c => c.startsWith('hi-'));
    if (mine.length) out.push(mine.join('.'));
    el = el.parentElement;
  }
  return out.join(' < ');
}"""


def serious_violations(page) -> list[dict]:
    """axe-core's violations of impact serious or critical on the page as it is now, each
    element with the kit classes around it (``where``) so the message names the widget."""
    results = axe_sync.Axe().run(page)
    found = [v for v in results.response["violations"] if v["impact"] in BAD]
    for v in found:
        for node in v["nodes"]:
            target = node["target"][0] if node["target"] else ""
            node["where"] = page.evaluate(WHERE_JS, target) if isinstance(target, str) else ""
    return found


def describe(violations: list[dict]) -> str:
    """The violations, one line each, then up to eight elements with where they are."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} element(s)")
        for node in v["nodes"][:8]:
            lines.append(f"    [{node.get('where', '')}] {node['html'][:140]}")
    return "\n".join(lines)


def new_page(browser, viewport):
    """A page in its own context of the given size (closed with the context)."""
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(PAGE_TIMEOUT_MS)
    return context, context.new_page()


def open_page(page, voila_server, name: str, slug: str | None) -> None:
    join = "&" if "?" in PAGES[name] else "?"
    url = voila_server.render_url + PAGES[name] + (f"{join}inquiry={slug}" if slug else "")
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url}: {response and response.status}"
    wait_ready(page)
    settled(page)


#: Step 1 hides its three ways in until opened: each is checked open (the upload with a file
#: read: its preview and column mapping). The title's first words -> what shows once built.
STEP1_WAYS = {"See or type": ".hi-units-grid input", "Upload": ".hi-data-upload .hi-upload-button",
              "Quick tally": ".hi-tally-yes input"}


def open_way(page, words: str) -> None:
    """Open one of step 1's three ways in (an accordion) and wait until it is built."""
    header = page.locator(".hi-data-ways .jupyter-widget-Collapse-header", has_text=words)
    header.click()
    page.locator(STEP1_WAYS[words]).first.wait_for()


def upload_csv(page) -> None:
    with page.expect_file_chooser() as chooser:
        page.locator(".hi-data-upload .hi-upload-button").click()
    rows = ["family,stayed together,income band"] + [
        f"F{i:02d},{'yes' if i % 4 == 0 else 'no'},{['low', 'middle'][i % 2]}"
        for i in range(1, 21)]
    chooser.value.set_files(files=[{"name": "families.csv", "mimeType": "text/csv",
                                    "buffer": ("\n".join(rows) + "\n").encode()}])
    page.locator(".hi-preview-table").wait_for()


#: Every form control shown: is it named by a <label> linked to it (or aria-labelledby)?
#: A placeholder or a tooltip is not a label (axe accepts them; people who zoom lose them).
UNLABELLED_JS = """() => [...document.querySelectorAll('input, select, textarea')].filter(el => {
  if (el.type === 'hidden' || el.type === 'file') return false;
  const r = el.getBoundingClientRect();
  if (!r.width || !r.height || getComputedStyle(el).visibility === 'hidden') return false;
  const labelled = [...(el.labels || [])].some(l => l.textContent.trim());
  const ids = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
  const byIds = ids.some(id => (document.getElementById(id) || {}).textContent);
  return !(labelled || byIds || (el.getAttribute('aria-label') || '').trim());
}).map(el => {
  const around = el.closest('[class*="hi-"]');
  return (around ? [...around.classList].filter(c => c.startsWith('hi-')).join('.') : '?')
    + ': ' + el.outerHTML.slice(0, 100);
})"""

#: Elements that stick out of the screen on the right, outside the kit's sideways-scrolling
#: table boxes (.hi-scroll): on a phone nothing but a table may be wider than the screen.
STICKING_OUT_JS = """() => { const W = innerWidth; const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (!r.width || r.right <= W + 1 || el.closest('.hi-scroll')) continue;
    if ([...el.children].some(k => k.getBoundingClientRect().right > W + 1)) continue;
    const around = el.closest('[class*="hi-"]');
    out.push((around ? [...around.classList].filter(c => c.startsWith('hi-')).join('.') : '?')
             + ` <${el.tagName.toLowerCase()}> ends at ${Math.round(r.right)} px`);
  }
  return [document.scrollingElement.scrollWidth > W + 1 ? ['the page scrolls sideways'] : [],
          out.slice(0, 12)].flat(); }"""


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280px", "390px"])
@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_passes_axe_and_labels_its_controls(browser, voila_server, grub_hub, name,
                                                       viewport):
    context, page = new_page(browser, viewport)
    try:
        open_page(page, voila_server, name, None if name == "start" else grub_hub)
        found = {name: serious_violations(page)}
        unlabelled = {name: page.evaluate(UNLABELLED_JS)}
        if name == "step 1":
            for words in STEP1_WAYS:
                open_way(page, words)
                if words == "Upload":
                    upload_csv(page)
                settled(page)
                state = f"{name}, {words}"
                found[state] = serious_violations(page)
                unlabelled[state] = page.evaluate(UNLABELLED_JS)
        width = viewport["width"]
        report = "\n".join(f"{state} at {width} px:\n{describe(v)}"
                           for state, v in found.items() if v)
        assert not report, report
        missing = {state: v for state, v in unlabelled.items() if v}
        assert not missing, f"controls with no linked label at {width} px: {missing}"
        if viewport is PHONE:
            sticking_out = page.evaluate(STICKING_OUT_JS)
            assert not sticking_out, f"{name} at {width} px: {sticking_out}"
    finally:
        context.close()


def test_axe_after_finding_positive_exceptions(browser, voila_server, grub_hub):
    """Step 2 once the methods have run: the plot, the notes and the full table."""
    context, page = new_page(browser, LAPTOP)
    try:
        open_page(page, voila_server, "step 2", grub_hub)
        page.locator("button.hi-run").click()
        page.locator(".hi-run-message").filter(has_text="Found").wait_for(timeout=RUN_TIMEOUT_MS)
        page.locator(".hi-plot img").wait_for(timeout=RUN_TIMEOUT_MS)
        settled(page)
        found = serious_violations(page)
        assert not found, describe(found)
    finally:
        context.close()


# ---------------------------------------------------------------------------- the keyboard

def focused(page) -> dict:
    """What has the keyboard focus: its tag, type, kit classes around it, and its ring."""
    return page.evaluate("""() => {
      const el = document.activeElement;
      if (!el || el === document.body) return {tag: 'body'};
      const s = getComputedStyle(el);
      const around = el.closest('[class*="hi-"]');
      return {tag: el.tagName.toLowerCase(), type: el.type || '', text: (el.innerText || el.value
              || '').trim().slice(0, 30),
              where: around ? [...around.classList].filter(c => c.startsWith('hi-')).join('.')
                     : '', collapse: !!el.closest('.jupyter-widget-Collapse-header'),
              grid: !!el.closest('.hi-units-grid'),
              outline: `${s.outlineStyle} ${s.outlineWidth}`, colour: s.outlineColor};
    }""")


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the focus is in ``selector`` (fails after ``limit`` presses)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => !!document.activeElement.closest(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}; the focus is on {focused(page)}")


def test_focus_ring_is_plain_to_see_everywhere_on_step_1(browser, voila_server, grub_hub):
    """Tab through the whole of step 1 (its three ways in opened from the keyboard too):
    every stop shows a solid ring of 3 px or more."""
    context, page = new_page(browser, LAPTOP)
    try:
        open_page(page, voila_server, "step 1", grub_hub)
        seen, faint = [], []
        for _ in range(200):  # a bound on the page's tab stops, not a count of them
            page.keyboard.press("Tab")
            f = focused(page)
            if f["tag"] == "body":
                break
            seen.append(f)
            style, width = f["outline"].split()
            if style in ("none", "hidden") or float(width.removesuffix("px")) < 3:
                faint.append(f)
            if f["collapse"] and "See or type" in f["text"] and not any(
                    s["grid"] for s in seen):
                page.keyboard.press("Enter")  # open the table from the keyboard
                page.locator(".hi-units-grid input").first.wait_for()
        kinds = {(f["tag"], f["type"]) for f in seen}
        for kind in [("textarea", "textarea"), ("input", "text"), ("select", "select-one"),
                     ("button", "submit"), ("a", ""), ("summary", ""), ("input", "date")]:
            assert kind in kinds, f"Tab never reached a {kind}: {sorted(kinds)}"
        assert any(f["collapse"] for f in seen), "the ways in cannot be reached by Tab"
        assert any(f["grid"] for f in seen), "Enter did not open the table"
        assert not faint, f"{len(faint)} of {len(seen)} focus stops have a faint ring: {faint[:5]}"
    finally:
        context.close()


def test_the_whole_step_1_form_by_keyboard_alone(browser, voila_server):
    """A new inquiry: the issue, a person, the measure, typed and chosen with Tab, the keys,
    Enter and Space only; then the store holds it all."""
    context = browser.new_context(viewport=LAPTOP, locale="en-US")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(PAGE_TIMEOUT_MS)
    store = voila_server.store()
    try:
        slug = store.create_inquiry(f"Keyboard only {uuid.uuid4().hex[:6]}")
        page = context.new_page()
        open_page(page, voila_server, "step 1", slug)
        words = {"statement": "Families on our estate are breaking up.",
                 "affects": "Parents and children.", "why_it_matters": "Children move school.",
                 "wider_effects": "Community safety suffers."}
        for name, text in words.items():
            tab_to(page, f".hi-issue-{name.replace('_', '-')} textarea")
            page.keyboard.type(text)

        # Names go in as one input event, as an input method or a paste sends them: typed key by
        # key, ipywidgets holds back the box's later values until the kernel answers the first,
        # but sends Enter and clicks at once, so the kernel could add "D" before "Dawn" arrives.
        tab_to(page, ".hi-person-new-name input")
        page.keyboard.insert_text("Dawn")
        page.keyboard.press("Tab")  # the role: one down is "professional"
        assert focused(page)["tag"] == "select"
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Tab")
        assert "hi-person-add" in focused(page)["where"]
        page.keyboard.press("Enter")
        page.locator(".hi-person-name", has_text="Dawn").wait_for()
        page.locator(".hi-person-new-name input").focus()  # back where the person was typed
        page.keyboard.insert_text("Sam")
        page.keyboard.press("Enter")  # Enter in the name adds the person too
        page.locator(".hi-person-name", has_text="Sam").wait_for()

        tab_to(page, ".hi-measure-what textarea")
        page.keyboard.type("the family stayed together")
        tab_to(page, ".hi-measure-unit-name input")
        page.keyboard.press("Control+A")
        page.keyboard.type("household")
        tab_to(page, ".hi-measure-kind select")
        kind = page.locator(".hi-measure-kind select")
        first = kind.input_value()
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowUp")  # down and back: the keys work, yes/no stays
        assert kind.input_value() == first
        tab_to(page, ".hi-measure-better button")
        while "lower" not in focused(page)["text"].lower():
            page.keyboard.press("Tab")
            assert "hi-measure-better" in focused(page)["where"], focused(page)
        page.keyboard.press("Space")
        tab_to(page, ".hi-measure-source input")
        page.keyboard.type("a survey at the school gate")
        tab_to(page, ".hi-measure-date input")
        page.keyboard.type("01312023")
        page.keyboard.press("Tab")

        def stored():
            return store.get(slug, include_units=False)

        assert wait_until(lambda: stored().measure.source == "a survey at the school gate"
                          and stored().measure.baseline_date == "2023-01-31"), stored().measure
        inquiry = stored()
        assert {k: getattr(inquiry.issue, k) for k in words} == words
        assert [(p.name, p.role) for p in inquiry.group] == [("Dawn", "professional"),
                                                              ("Sam", "lived")]
        m = inquiry.measure
        assert (m.what, m.unit_name, m.kind, m.better) == (
            "the family stayed together", "household", "yes_no", "lower")
        assert "Traceback" not in page.content()
    finally:
        store.close()
        context.close()


# ---------------------------------------------------------------------------- tables on a phone

#: Each page's tables: (page, the way to open in step 1 or None, the scrolling boxes).
TABLES = [
    ("start", None, [".hi-inquiry-list .hi-scroll"]),
    ("step 1", "See or type", [".hi-units-grid.hi-scroll"]),
    ("step 2", None, [".hi-candidates-box .hi-scroll"]),
    ("step 3", None, [".hi-check-grid.hi-scroll:has(.hi-check-unit)", ".hi-compare .hi-scroll",
                      ".hi-progress-table .hi-scroll"]),
]

#: The box's geometry, its first-column cells (in the first row) and its right-edge cue.
BOX_JS = """(box) => {
  const first = box.matches('.hi-scroll:has(> table)')
    ? box.querySelector('tr > :first-child')
    : box.querySelector(':scope > .hi-sticky, :scope > :first-child');
  const b = box.getBoundingClientRect(), f = first.getBoundingClientRect();
  return {scrollWidth: box.scrollWidth, clientWidth: box.clientWidth, left: b.left,
          right: b.right, firstLeft: f.left, firstRight: f.right,
          firstText: first.innerText.trim().slice(0, 20),
          mask: getComputedStyle(box).webkitMaskImage || getComputedStyle(box).maskImage};
}"""


def check_table(page, selector: str, shots) -> None:
    """The box scrolls sideways inside the screen, shows a cue while there is more, and its
    first column stays where it was when it is scrolled to the far edge."""
    box = page.locator(selector).first
    box.wait_for(timeout=RUN_TIMEOUT_MS)  # step 3's comparison is worked out after the page
    box.scroll_into_view_if_needed()
    before = box.evaluate(BOX_JS)
    assert before["scrollWidth"] > before["clientWidth"] + 10, (
        f"{selector} does not need to scroll at 390 px: {before}")
    assert before["right"] <= PHONE["width"] + 1, f"{selector} itself is cut off: {before}"
    assert before["mask"] not in ("", "none"), f"{selector}: no cue that there is more: {before}"
    page.screenshot(path=str(shots / "before.png"))
    box.evaluate("(b) => { b.scrollLeft = b.scrollWidth; }")
    page.wait_for_function("(b) => b.scrollLeft + b.clientWidth >= b.scrollWidth - 1",
                           arg=box.element_handle())
    page.wait_for_function(  # the cue goes once the far edge is reached
        "(b) => ['', 'none'].includes(getComputedStyle(b).webkitMaskImage || 'none')",
        arg=box.element_handle())
    after = box.evaluate(BOX_JS)
    assert after["firstText"] == before["firstText"]
    assert after["firstLeft"] >= after["left"] - 1 and after["firstRight"] <= after["right"], (
        f"{selector}: the first column scrolled away: {before} -> {after}")
    assert abs(after["firstLeft"] - before["firstLeft"]) <= 4, (selector, before, after)
    page.screenshot(path=str(shots / "after.png"))
    if " " in selector:  # an HTML table: a hint above it, and a tab stop to scroll it
        hint = box.locator("xpath=preceding-sibling::p[contains(@class,'hi-scroll-hint')]")
        assert hint.is_visible(), selector
        assert box.get_attribute("tabindex") == "0" and box.get_attribute("aria-label")


@pytest.mark.parametrize("name, way, selectors", TABLES, ids=[t[0] for t in TABLES])
def test_tables_scroll_sideways_on_a_phone_and_keep_their_first_column(
        browser, voila_server, grub_hub, name, way, selectors, tmp_path):
    context, page = new_page(browser, PHONE)
    try:
        open_page(page, voila_server, name, None if name == "start" else grub_hub)
        if way:
            open_way(page, way)
        for i, selector in enumerate(selectors):
            shots = tmp_path / str(i)
            shots.mkdir()
            check_table(page, selector, shots)
        assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"] + 1
    finally:
        context.close()
