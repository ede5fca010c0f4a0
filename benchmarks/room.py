"""The room under load: 50 phones sending to one room while the facilitator's page is open.

Starts the app's server (as `make app` does) on a fresh data folder, opens a step page in
Chromium, unfolds "The room", opens it and asks for answers. Then 50 simulated phones (HTTP
clients on 127.0.0.1, each with its own device cookie and XSRF value, each polling the
room's state every 2 s as the phone page does) send 10 answers each, spread over a minute.
Prints:

* p50 / p95 / max of the time from a POST answered (the 303) to the answer shown in the
  facilitator's queue (a MutationObserver in the page stamps each one with ``Date.now()``;
  same machine, same clock);
* the requests per second the server held (sends and state polls), and how many failed;
* the server's and the kernel's memory (RSS) with the room open and no phones, against the
  same with 50 phones after the run.

Targets: p95 <= 2 s; memory growth <= 50 MB.

    .venv/bin/python benchmarks/room.py [--phones 50] [--each 10] [--seconds 60]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from local_server import ARGS, CHROMIUM, free_port, wait_for  # noqa: E402

from widgets.app import server_command, server_env  # noqa: E402

P95_TARGET = 2.0
MEMORY_TARGET_MB = 50.0
XSRF = re.compile(r'name="_xsrf" value="([^"]+)"')

OBSERVER = """
() => {
  window.__seen = {};
  const stamp = () => {
    for (const el of document.querySelectorAll('.hi-room-item .hi-room-text')) {
      const t = el.textContent;
      if (t.startsWith('bench ') && !(t in window.__seen)) { window.__seen[t] = Date.now(); }
    }
  };
  new MutationObserver(stamp).observe(document.body, {childList: true, subtree: true});
  stamp();
}
"""


def rss_mb(process: psutil.Process) -> float:
    return process.memory_info().rss / 2**20


def kernel_process(server: psutil.Process) -> psutil.Process | None:
    kernels = []
    for p in server.children(recursive=True):
        try:
            if "ipykernel" in " ".join(p.cmdline()):
                kernels.append((p.create_time(), p))
        except psutil.Error:
            continue
    return max(kernels, key=lambda pair: pair[0])[1] if kernels else None


class Phone(threading.Thread):
    """One simulated phone: joins, then sends ``each`` answers spread over ``seconds`` while
    polling the state every 2 s."""

    def __init__(self, n: int, join: str, each: int, seconds: float, stop: threading.Event,
                 answered: dict[str, float], counts: dict[str, int], lock: threading.Lock):
        super().__init__(daemon=True)
        self.n, self.join, self.each, self.seconds = n, join, each, seconds
        self.stop_event, self.answered, self.counts, self.lock = stop, answered, counts, lock

    def count(self, key: str) -> None:
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + 1

    def run(self) -> None:
        s = requests.Session()
        page = s.get(self.join, timeout=30)
        self.count("requests")
        found = XSRF.search(page.text)
        if page.status_code != 200 or not found:
            self.count("failed")
            return
        xsrf = found.group(1)
        gap = self.seconds / self.each
        start = time.monotonic() + random.uniform(0, gap)
        sends = [start + i * gap for i in range(self.each)]
        next_poll = time.monotonic() + random.uniform(0, 2)
        while sends and not self.stop_event.is_set():
            now = time.monotonic()
            if now >= sends[0]:
                sends.pop(0)
                text = f"bench {self.n}-{self.each - len(sends)}"
                try:
                    r = s.post(self.join + "/answer", data={"text": text, "_xsrf": xsrf},
                               allow_redirects=False, timeout=30)
                    done = time.time()
                except requests.RequestException:
                    self.count("failed")
                    continue
                self.count("requests")
                if r.status_code == 303:
                    with self.lock:
                        self.answered[text] = done
                else:
                    self.count(f"status {r.status_code}")
                    self.count("failed")
            elif now >= next_poll:
                next_poll = now + 2
                try:
                    r = s.get(self.join + "/state", timeout=30)
                    self.count("requests")
                    if r.status_code != 200:
                        self.count("failed")
                except requests.RequestException:
                    self.count("failed")
            else:
                time.sleep(min(sends[0], next_poll) - now)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--phones", type=int, default=50)
    parser.add_argument("--each", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="hi-room-bench-"))
    data = work / "data"
    data.mkdir()
    os.environ["HIDDEN_INSIGHTS_DATA"] = str(data)
    from widgets import examples
    from widgets.store import open_store
    from widgets.ui.room import TITLE

    store = open_store()
    slug = store.save_inquiry(examples.build("grub-hub"))
    store.close()

    port = free_port()
    env = {**os.environ, **server_env(), "HIDDEN_INSIGHTS_DATA": str(data)}
    log = open(work / "server.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(server_command(port=port), env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    load = os.getloadavg()
    try:
        wait_for(base + "api/status")
        server = psutil.Process(proc.pid)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.set_default_timeout(120_000)
            page.goto(f"{base}voila/render/2-discover-positive-exceptions.ipynb?inquiry={slug}")
            page.wait_for_selector(".hi-ready", state="attached")
            page.locator(".hi-room-section").get_by_text(TITLE).click()
            page.click(".hi-room-open")
            page.wait_for_selector(".hi-room-qr svg")
            code = page.inner_text(".hi-room-code").replace(" ", "")
            page.select_option(".hi-room-kind-choice select", label="Answer a question")
            page.fill(".hi-room-question-input input", "What helps?")
            page.click(".hi-room-put")
            page.wait_for_selector(".hi-room-prompts .hi-message-ok")
            page.evaluate(OBSERVER)
            page.wait_for_timeout(5000)  # settle: the page's own background work is done
            kernel = kernel_process(server)
            before = (rss_mb(server), rss_mb(kernel) if kernel else float("nan"))

            join = f"{base}room/{code}"
            answered: dict[str, float] = {}
            counts: dict[str, int] = {}
            lock, stop = threading.Lock(), threading.Event()
            phones = [Phone(n, join, args.each, args.seconds, stop, answered, counts, lock)
                      for n in range(args.phones)]
            started = time.monotonic()
            for phone in phones:
                phone.start()
            while any(ph.is_alive() for ph in phones):
                page.wait_for_timeout(500)  # the page's events run meanwhile
                if time.monotonic() - started > args.seconds * 3:
                    stop.set()
            elapsed = time.monotonic() - started
            after = (rss_mb(server), rss_mb(kernel) if kernel else float("nan"))
            load_during = os.getloadavg()
            deadline = time.monotonic() + 60
            seen: dict[str, float] = {}
            while time.monotonic() < deadline:
                seen = page.evaluate("() => window.__seen")
                if set(answered) <= set(seen):
                    break
                page.wait_for_timeout(500)
            browser.close()
    finally:
        try:
            os.killpg(proc.pid, 15)
            proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, 9)

    delays = sorted(seen[t] / 1000 - at for t, at in answered.items() if t in seen)
    missing = len(answered) - len(delays)
    if not delays:
        print("No answer reached the queue.", file=sys.stderr)
        return 1
    p50 = statistics.median(delays)
    p95 = delays[min(len(delays) - 1, int(0.95 * len(delays)))]
    cpus = os.cpu_count()
    print(f"machine: {cpus} CPUs, load average {load[0]:.1f} before, {load_during[0]:.1f} "
          f"during the run")
    print(f"{args.phones} phones x {args.each} answers over {args.seconds:.0f} s: "
          f"{len(answered)} answered, {len(delays)} seen in the queue, {missing} not seen")
    print(f"POST answered -> shown in the facilitator's queue: p50 {p50:.2f} s, "
          f"p95 {p95:.2f} s, max {delays[-1]:.2f} s   (target p95 <= {P95_TARGET:.0f} s: "
          f"{'met' if p95 <= P95_TARGET else 'NOT met'})")
    print(f"server held {counts.get('requests', 0) / elapsed:.1f} requests/s "
          f"({counts.get('requests', 0)} in {elapsed:.0f} s; failed: {counts.get('failed', 0)}"
          + "".join(f"; {k}: {v}" for k, v in sorted(counts.items()) if k.startswith("status"))
          + ")")
    growth = (after[0] - before[0]) + (after[1] - before[1])
    print(f"memory (RSS), no phones -> {args.phones} phones: server {before[0]:.0f} -> "
          f"{after[0]:.0f} MB, kernel {before[1]:.0f} -> {after[1]:.0f} MB; growth "
          f"{growth:.1f} MB   (target <= {MEMORY_TARGET_MB:.0f} MB: "
          f"{'met' if growth <= MEMORY_TARGET_MB else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
