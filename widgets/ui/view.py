"""A view: one screen of the app (start, step 1, 2, 3, dashboard), declared once.

    class Step2(View):
        key = 2
        def __init__(self, session):
            super().__init__(session)
            self.widget = ...                  # built from session.inquiry()
        def refresh(self):                     # shown again: re-read what may have changed
            ...

A page builds a view the first time it is shown (``VIEWS[key]`` names its class) and calls
:meth:`View.refresh` when it is shown again; before another view is shown it calls
:meth:`View.leave`, so text waiting for its autosave is saved. A step notebook shows one view
(``StepPage``); the app page (``start.ipynb``) switches between all five in one kernel.
"""

from __future__ import annotations

import importlib
from typing import Any, ClassVar

import ipywidgets as ipw

#: view key -> "module:Class" of its View (imported when first shown: the page loads light).
VIEWS: dict[str | int, str] = {
    "start": "widgets.ui.start:StartView",
    1: "widgets.ui.step1:Step1",
    2: "widgets.ui.step2:Step2",
    3: "widgets.ui.step3:Step3",
    "dashboard": "widgets.ui.dashboard:Dashboard",
}


class View:
    """One screen. Subclasses set ``key`` and build ``widget`` in ``__init__``."""

    #: The view's key in :data:`VIEWS` (and in the navigation bar).
    key: ClassVar[str | int] = ""
    #: True when the view needs an open inquiry (every step and the dashboard).
    needs_inquiry: ClassVar[bool] = True
    #: Whether the principles and questions above the view start open.
    guidance_open: ClassVar[bool] = True

    def __init__(self, session: Any):
        self.session = session
        self.widget: ipw.Widget = ipw.VBox()

    def refresh(self) -> None:
        """The view is shown again: show what changed in the store since (another view, a
        tab, the room). The default does nothing."""

    def leave(self) -> None:
        """Another view is about to be shown: save anything still waiting (autosave)."""


def view_class(key: str | int) -> type[View]:
    """The :class:`View` subclass for ``key`` (imports its module)."""
    if key not in VIEWS:
        raise KeyError(f"Unknown view {key!r}; use one of {list(VIEWS)}.")
    module, name = VIEWS[key].split(":")
    return getattr(importlib.import_module(module), name)
