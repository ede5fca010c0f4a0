"""What the step 3 and dashboard UI tests share: a plain environment, opening step 3, and
looking through a widget tree.

Import the autouse fixture into a test module to apply it there
(``from ui_step3_helpers import plain_env  # noqa: F401``); this module is not collected.
"""

import ipywidgets as ipw
import pytest

from widgets.ui import background, context, step3
from widgets.ui.page import StepPage


@pytest.fixture(autouse=True)
def plain_env(monkeypatch):
    """No query string, no Binder, slow work done at once; no store left open after."""
    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.setenv(context.BINDER_OVERRIDE, "0")
    monkeypatch.setattr(background, "BACKGROUND", False)
    yield
    context.set_store(None)


def open_step3(store, slug):
    """Step 3 of inquiry ``slug`` (its :class:`~widgets.ui.step3.Step3` view), built as a
    page builds it (no error shown)."""
    page = StepPage(3, slug=slug, store=store)
    page.build(step3.build)
    assert page.errors.text == ""
    assert isinstance(page.view, step3.Step3)
    return page.view


def find(widget, cls):
    """Every widget in the tree carrying CSS class ``cls``, in order."""
    found = [widget] if cls in getattr(widget, "_dom_classes", ()) else []
    for child in getattr(widget, "children", ()):
        found += find(child, cls)
    return found


def html_values(widget):
    """The value of every HTML widget in the tree, in order."""
    out = [widget.value] if isinstance(widget, ipw.HTML) else []
    for child in getattr(widget, "children", ()):
        out += html_values(child)
    return out
