"""Step 1's units table: building it for a 60-unit inquiry, beside a baseline in the same run.

    .venv/bin/python benchmarks/step1_table.py [--units 60] [--repeat 7]

Measures opening "See or type the numbers" (``UnitsEditor.ensure_built``) on the Grub Hub
example (60 families, two circumstances), then turning to another page and back, and the
messages the kernel would send to the browser for it: every widget model opened and every
change after it is one comm message (counted with a comm that serialises like a kernel's).
Also building the whole step 1 view, and showing it again
after another tab changed the issue and a unit (``Step1.refresh`` with the table open; the
baseline and the checks against the data are worked out on the worker thread, as on a
page: the time is what the kernel's loop spends; the worker is waited for, untimed).
The baseline is reading the same inquiry with its units from the store (``Store.get``), which
the table cannot avoid. Target: the table opens, and the view refreshes, in <= 0.3 s on 60
units (a view switch).

Prints a table; nothing is asserted (speed is not checked by the test suite).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import comm  # noqa: E402
from comm.base_comm import BaseComm  # noqa: E402

from widgets.model import Issue  # noqa: E402
from widgets.store import Store  # noqa: E402

SENT = {"messages": 0, "bytes": 0}


class CountingComm(BaseComm):
    """A comm that counts what a kernel would send (and serialises it as a kernel does)."""

    def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
        SENT["messages"] += 1
        SENT["bytes"] += len(json.dumps(data or {}, default=str))


def editor_for(store, slug, page_size=None):
    """A units editor on the inquiry, with a session of its own (as a new page has)."""
    from widgets.ui.session import Session
    from widgets.ui.step1 import units_editor

    kwargs = {} if page_size is None else {"page_size": page_size}
    return units_editor.UnitsEditor(Session(slug, store=store), **kwargs)


def step1_for(store, slug):
    """The whole step 1 view, with a session of its own."""
    from widgets.ui import step1
    from widgets.ui.session import Session

    return step1.Step1(Session(slug, store=store))


def measure(fn, repeat: int, settle=None, before=None) -> tuple[float, int, int]:
    """Median seconds of ``fn()``, and the messages and bytes of its last run (with what
    ``settle()`` then shows, untimed: the background work a page does after it).
    ``before()`` runs untimed before each run."""
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        SENT.update(messages=0, bytes=0)
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        if settle is not None:
            settle()
    return statistics.median(times), SENT["messages"], SENT["bytes"]


def background_done() -> None:
    """Wait until the worker thread has done what was handed to it."""
    from widgets.ui import background

    background.worker().submit(lambda: None).result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    from widgets import examples

    comm.create_comm = CountingComm
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{Path(folder) / 'bench.sqlite'}")
        inquiry = examples.build("grub-hub")
        if args.units != len(inquiry.units):
            import pandas as pd

            base = store.save_inquiry(inquiry)
            frame = store.units_frame(base)
            frame = pd.concat([frame] * (args.units // len(frame) + 1)).head(args.units)
            frame["unit_id"] = [f"Family {i}" for i in range(1, args.units + 1)]
            slug = store.create_inquiry("Bench")
            store.set_measure(slug, inquiry.measure)
            store.replace_units_frame(slug, frame.reset_index(drop=True))
        else:
            slug = store.save_inquiry(inquiry)
        editor_for(store, slug).ensure_built()  # warm imports (pandas, the analysis)

        rows = []
        base = measure(lambda: store.get(slug, include_units=True), args.repeat)
        rows.append(("baseline: Store.get with the units", base))
        rows.append(("open the table (ensure_built)",
                     measure(lambda: editor_for(store, slug).ensure_built(), args.repeat)))
        editor = editor_for(store, slug, page_size=20)
        editor.ensure_built()

        def turn():
            editor.go(editor.page_number + 1)
            editor.go(0)

        rows.append(("page 2 and back (20 a page)", measure(turn, args.repeat)))
        # As on a page: the baseline and the checks of the data go to the worker thread
        # (timed here: what the kernel's loop spends before the person can go on).
        from widgets.ui import background

        background.BACKGROUND, background.START_DELAY = True, 0
        step = step1_for(store, slug)
        background_done()
        rows.append(("build the step 1 view (table closed)",
                     measure(lambda: step1_for(store, slug), args.repeat,
                             background_done)))
        step.ways.selected_index = 0  # the table open, as a group would leave it
        edits = iter(range(10 ** 6))

        def change_elsewhere():
            # Another tab changes the issue and one unit (untimed).
            i = next(edits)
            store.set_issue(slug, Issue(f"statement {i}"), by="other tab")
            unit = store.units(slug)[0]
            store.update_unit(slug, unit.unit_id, replace(unit, outcome=float(i % 2)),
                              by="other tab")

        rows.append(("refresh after a change elsewhere",
                     measure(step.refresh, args.repeat, background_done,
                             change_elsewhere)))
        rows.append(("refresh, nothing changed", measure(step.refresh, args.repeat)))
        background.worker().shutdown()
        store.close()

    print(f"Step 1 table, {args.units} units, median of {args.repeat}")
    print(f"{'what':38} {'seconds':>8} {'x base':>7} {'messages':>9} {'kB sent':>8}")
    for name, (seconds, messages, sent) in rows:
        print(f"{name:38} {seconds:8.3f} {seconds / base[0]:7.1f} {messages:9,} "
              f"{sent / 1000:8.1f}")
    print("target: open the table, and refresh the view, <= 0.3 s on 60 units")


if __name__ == "__main__":
    main()
