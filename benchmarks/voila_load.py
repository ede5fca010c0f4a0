"""How fast each notebook is usable in Voila, against a notebook with a single button, and
how fast the app page switches between its views.

One run starts the app's server (widgets.app's command: Voila as an extension of the kit's
Jupyter server, with our template) over a temporary folder
holding copies of notebooks/*.ipynb and a bare notebook that shows one ipywidgets.Button.
For each notebook it measures, in Debian's Chromium, the time from navigation until the
widgets are rendered (step pages opened with ?inquiry=<the Grub Hub example, 60 units>),
five times each in a fresh browser context, interleaved so that drift hits every notebook
alike; the median is compared with the bare notebook's. It also reads the kernel's memory
(RSS) once the page is ready.

Then, on the app page (start.ipynb?inquiry=<the example>), it clicks the navigation bar
through step 1, 2, 3, the dashboard and the start view, over and over in one page and one
kernel: the first time each view is shown (it is built), then ``--runs`` times more (it is
refreshed), timing from the click until the view is ready (the page's mark that the switch is
done, and the view visible) and until it is settled (nothing in it still says it is working:
step 1's baseline, the dashboard's story). The medians are compared with the bare page's
load in the same run, and the kernel's memory is read once every view has been shown.

    .venv/bin/python benchmarks/voila_load.py [--runs 5]

Targets (issue 10): every notebook's load within 1.3x the bare one (the app page's first
load too); every switch <= 0.2x the bare page's load (about 0.3 s); the app page's kernel
<= 300 MB after every view has been shown.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from local_server import ARGS, CHROMIUM, free_port, wait_for  # noqa: E402

from widgets.app import server_command, server_env  # noqa: E402
from widgets.paths import notebooks_dir  # noqa: E402

BARE = "bare.ipynb"
#: The app shell alone (StepPage with no step module), to tell the frame's cost from a step's.
FRAME = "frame-only.ipynb"
TARGET = 1.3
#: The app page: a switch within this share of the bare page's load, its kernel within MB.
SWITCH_TARGET = 0.2
MEMORY_TARGET_MB = 300
APP = "start.ipynb"
#: The order the app page's views are clicked in (each round ends where the page started).
APP_VIEWS = ["1", "2", "3", "dashboard", "start"]
#: Something in the view still being worked out (step 1's baseline, the dashboard's story).
WORKING = ".hi-pending, .hi-baseline-working"


def bare_notebook() -> nbformat.NotebookNode:
    """The baseline: one button, nothing else."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(
        "import ipywidgets as ipw\n\nipw.Button(description='Hello')")]
    return nb


def frame_notebook() -> nbformat.NotebookNode:
    """The shared page frame with nothing in its body."""
    nb = bare_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from widgets.ui import StepPage\n\nStepPage(1)")]
    return nb


def kernel_pids(server: psutil.Process) -> set[int]:
    """The server's kernel processes now."""
    found = set()
    for p in server.children(recursive=True):
        try:
            if "ipykernel" in " ".join(p.cmdline()):
                found.add(p.pid)
        except psutil.Error:
            continue
    return found


def rss_mb(pid: int) -> float | None:
    """The resident memory of process ``pid`` in MB (None once it has ended)."""
    try:
        return psutil.Process(pid).memory_info().rss / 2**20
    except psutil.Error:
        return None


Switches = dict[str, list[tuple[float, float]]]


def switch_times(browser, base: str, slug: str, server: psutil.Process, runs: int,
                 pause: float = 0.0) -> tuple[dict[str, float], Switches, float | None, int]:
    """On the app page: (first show of each view in s, the later switches' (ready, settled)
    times, the kernel's MB once every view was shown, how many kernels the page started)."""
    before = kernel_pids(server)
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(f"{base}voila/render/{APP}?inquiry={slug}", timeout=120_000)
    page.wait_for_selector(".hi-ready", state="attached", timeout=120_000)
    page.wait_for_function("() => document.body.dataset.hiView === 'start'", timeout=120_000)
    time.sleep(pause)  # a person reading the start page (the kernel warms up meanwhile)

    def click(key: str) -> tuple[float, float]:
        link = page.locator(f'.hi-nav-link[data-page="{key}"]')
        start = time.perf_counter()
        link.click()
        page.wait_for_function("(k) => document.body.dataset.hiView === k", arg=key,
                               timeout=120_000)
        page.locator(f".hi-app-view-{key}").wait_for(state="visible", timeout=120_000)
        ready = time.perf_counter() - start
        page.wait_for_function(
            "([k, w]) => ![...document.querySelectorAll(`.hi-app-view-${k} :is(${w})`)]"
            ".some(e => e.offsetParent !== null)", arg=[key, WORKING], timeout=120_000)
        return ready, time.perf_counter() - start

    first = {key: click(key)[0] for key in APP_VIEWS}
    later: Switches = {key: [] for key in APP_VIEWS}
    for _ in range(runs):
        for key in APP_VIEWS:
            later[key].append(click(key))
    ours = kernel_pids(server) - before
    memory = rss_mb(next(iter(ours))) if len(ours) == 1 else None
    ctx.close()
    return first, later, memory, len(ours)


def kernel_rss_mb(server: psutil.Process) -> float | None:
    """RSS of the newest kernel under the server (the page just loaded)."""
    kernels = []
    for p in server.children(recursive=True):
        try:  # kernels come and go (shut down, culled): skip any that just ended
            if "ipykernel" in " ".join(p.cmdline()):
                kernels.append((p.create_time(), p))
        except psutil.Error:
            continue
    for _created, newest in sorted(kernels, key=lambda pair: pair[0], reverse=True):
        try:
            return newest.memory_info().rss / 2**20
        except psutil.Error:
            continue
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pause", type=float, default=0.0,
                        help="seconds on the app page's start view before the first click "
                             "(0: at once, the worst case while the kernel warms up)")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="hi-bench-"))
    folder, data = work / "notebooks", work / "data"
    folder.mkdir()
    data.mkdir()
    for nb in sorted(notebooks_dir().glob("*.ipynb")):
        shutil.copy(nb, folder / nb.name)
    nbformat.write(bare_notebook(), folder / BARE)
    nbformat.write(frame_notebook(), folder / FRAME)

    os.environ["HIDDEN_INSIGHTS_DATA"] = str(data)
    from widgets import examples
    from widgets.store import open_store

    store = open_store()
    slug = store.save_inquiry(examples.build("grub-hub"))
    store.close()

    names = [BARE] + sorted(p.name for p in folder.glob("*.ipynb") if p.name != BARE)
    port = free_port()
    env = {**os.environ, **server_env(), "HIDDEN_INSIGHTS_DATA": str(data)}
    log = open(work / "voila.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(server_command(port=port, root=folder),
                            env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    times: dict[str, list[float]] = {n: [] for n in names}
    rss: dict[str, list[float]] = {n: [] for n in names}
    try:
        base = f"http://127.0.0.1:{port}/"
        wait_for(base + "api/status")  # not /: it would run the start page
        server = psutil.Process(proc.pid)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)

            def load(name: str) -> tuple[float, float | None]:
                query = "" if name in (BARE, "start.ipynb") else f"?inquiry={slug}"
                ready = "button.jupyter-button" if name == BARE else ".hi-ready"
                ctx = browser.new_context()
                page = ctx.new_page()
                start = time.perf_counter()
                page.goto(f"{base}voila/render/{name}{query}", timeout=120_000)
                page.wait_for_selector(ready, state="attached", timeout=120_000)
                elapsed = time.perf_counter() - start
                memory = kernel_rss_mb(server)
                ctx.close()
                time.sleep(0.5)  # let the page's kernel shut down before the next page
                return elapsed, memory

            for name in names:  # warm-up: first imports fill the disk cache
                load(name)
            for _ in range(args.runs):
                for name in names:
                    elapsed, memory = load(name)
                    times[name].append(elapsed)
                    if memory is not None:
                        rss[name].append(memory)
            first, later, app_mb, app_kernels = switch_times(browser, base, slug, server,
                                                            args.runs, args.pause)
            browser.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        shutil.rmtree(work, ignore_errors=True)

    bare_t = statistics.median(times[BARE])
    bare_m = statistics.median(rss[BARE]) if rss[BARE] else float("nan")
    print(f"Voila page load, median of {args.runs} (fresh browser context each), "
          f"step pages with ?inquiry={slug}")
    print(f"{'notebook':40} {'median s':>9} {'min s':>7} {'max s':>7} {'ratio':>6} "
          f"{'kernel MB':>10} {'mem ratio':>9}")
    worst = 0.0
    for name in names:
        t = statistics.median(times[name])
        m = statistics.median(rss[name]) if rss[name] else float("nan")
        ratio = t / bare_t
        worst = max(worst, ratio)
        print(f"{name:40} {t:9.2f} {min(times[name]):7.2f} {max(times[name]):7.2f} "
              f"{ratio:6.2f} {m:10.0f} {m / bare_m:9.2f}")
    print(f"worst ratio {worst:.2f} (target <= {TARGET})"
          + ("" if worst <= TARGET else "  ** above target **"))

    app_ratio = statistics.median(times[APP]) / bare_t
    print()
    print(f"App page ({APP}): first load {statistics.median(times[APP]):.2f} s = "
          f"{app_ratio:.2f}x the bare page's {bare_t:.2f} s (target <= {TARGET})"
          + ("" if app_ratio <= TARGET else "  ** above target **"))
    print(f"Switching views on the app page, one page and one kernel, median of {args.runs} "
          "(the first show builds the view; later ones refresh it)")
    print(f"{'view':10} {'first s':>8} {'median s':>9} {'ratio':>6} {'settled s':>10} "
          f"{'min s':>6} {'max s':>6}")
    worst_switch = 0.0
    for key in APP_VIEWS:
        ready = [r for r, _ in later[key]]
        settled = statistics.median(s for _, s in later[key])
        t = statistics.median(ready)
        worst_switch = max(worst_switch, t / bare_t)
        print(f"{key:10} {first[key]:8.2f} {t:9.2f} {t / bare_t:6.2f} {settled:10.2f} "
              f"{min(ready):6.2f} {max(ready):6.2f}")
    print(f"worst switch {worst_switch:.2f}x the bare page load (target <= {SWITCH_TARGET})"
          + ("" if worst_switch <= SWITCH_TARGET else "  ** above target **"))
    all_first = sum(first.values())
    print(f"every view shown once, first time: {all_first:.2f} s in all "
          f"(first click {args.pause:.0f} s after the app page was ready)")
    if app_mb is None:
        print("kernel memory: not read (the page's kernel was not found alone)")
    else:
        print(f"kernel memory after every view was shown: {app_mb:.0f} MB "
              f"(target <= {MEMORY_TARGET_MB})"
              + ("" if app_mb <= MEMORY_TARGET_MB else "  ** above target **"))
    print(f"kernels the app page started: {app_kernels} (one for the whole journey)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
