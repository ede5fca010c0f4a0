"""How fast each notebook is usable in Voila, against a notebook with a single button.

One run starts the app's server (widgets.app's command: Voila as an extension of the kit's
Jupyter server, with our template) over a temporary folder
holding copies of notebooks/*.ipynb and a bare notebook that shows one ipywidgets.Button.
For each notebook it measures, in Debian's Chromium, the time from navigation until the
widgets are rendered (step pages opened with ?inquiry=<the Grub Hub example>), five times
each in a fresh browser context, interleaved so that drift hits every notebook alike; the
median is compared with the bare notebook's. It also reads the kernel's memory (RSS) once
the page is ready.

    .venv/bin/python benchmarks/voila_load.py [--runs 5]

Target (DESIGN.md §7, issue): every notebook within 1.3x the bare one.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat
import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from widgets.app import server_command, server_env  # noqa: E402
from widgets.paths import notebooks_dir  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]
BARE = "bare.ipynb"
#: The app shell alone (StepPage with no step module), to tell the frame's cost from a step's.
FRAME = "frame-only.ipynb"
TARGET = 1.3


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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"Voila did not answer at {url} within {timeout:.0f} s")


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
    return 0


if __name__ == "__main__":
    sys.exit(main())
