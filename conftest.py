"""Root pytest configuration: notebooks (nbval) run against a real inquiry.

nbval starts one kernel per notebook, which inherits this process's environment. Before the
first notebook cell runs, point the kernels at a fresh data folder that holds the Grub Hub
example and open it through the query string, exactly as Voila does with ``?inquiry=``, so
nbval executes the real step screens rather than the "choose an inquiry" note.
"""

from __future__ import annotations

import os
import tempfile

_prepared = False


def pytest_runtest_setup(item):
    global _prepared
    if _prepared or not str(getattr(item, "fspath", "")).endswith(".ipynb"):
        return
    from widgets import examples
    from widgets.store import Store

    folder = tempfile.mkdtemp(prefix="hidden-insights-nbval-")
    store = Store(f"sqlite:///{folder}/hidden-insights.sqlite")
    slug = store.save_inquiry(examples.build("grub-hub"), slug="grub-hub")
    store.close()
    os.environ["HIDDEN_INSIGHTS_DATA"] = folder
    os.environ["QUERY_STRING"] = f"inquiry={slug}"
    _prepared = True
