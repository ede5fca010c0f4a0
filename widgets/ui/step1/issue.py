"""Section 1: the burning issue in the group's own words, saved as people type.

Each field is saved about a second after the last keystroke (a ``threading.Timer`` per
field, restarted on every change). ipywidgets sends no "blur" event to the kernel, so leaving
a field is noticed the next best way: typing in another field saves the previous one at once.
"""

from __future__ import annotations

import threading

import ipywidgets as ipw

from widgets.model import Issue
from widgets.ui.errors import Message
from widgets.ui.step1.common import AUTOSAVE_DELAY, Debouncer, section
from widgets.ui.styles import label_above

#: field -> (label, placeholder). The placeholders are the method's own example.
FIELDS: dict[str, tuple[str, str]] = {
    "statement": ("The burning issue, in the group's own words",
                  "For example: families on our estate are breaking up."),
    "affects": ("Who it affects",
                "For example: parents and children on the estate, most of all single parents."),
    "why_it_matters": ("Why it matters",
                       "For example: children move school and lose friends; the parent left "
                       "at home struggles."),
    "wider_effects": ("The wider harm it causes",
                      "For example: family break-up is causing problems with community safety "
                      "and with our children's education."),
}


class IssueSection:
    """The four issue fields, autosaved. ``widget`` is the section; ``fields`` the Textareas."""

    def __init__(self, page, delay: float = AUTOSAVE_DELAY):
        self.page = page
        issue = page.store.get(page.slug, include_units=False).issue
        self._saved = issue
        self._lock = threading.Lock()
        self.debounce = Debouncer(delay)
        self.message = Message()
        self.fields: dict[str, ipw.Textarea] = {}
        rows = []
        for name, (text, placeholder) in FIELDS.items():
            area = ipw.Textarea(value=getattr(issue, name), placeholder=placeholder,
                                rows=3 if name == "statement" else 2,
                                layout=ipw.Layout(width="100%"))
            area.add_class(f"hi-issue-{name.replace('_', '-')}")
            area.observe(lambda _change, key=name: self._changed(key), names="value")
            self.fields[name] = area
            box = ipw.VBox([label_above(area, text)])  # its own <label for>, above it
            box.add_class("hi-field")
            rows.append(box)
        self._save_guarded = page.guard(self.save, message=self.message)
        self.widget = section(
            1, "The burning issue",
            "Write the problem down the way the group says it. It saves as you type.",
            *rows, self.message, cls="hi-issue")

    def _changed(self, key: str) -> None:
        # A change in one field means the person has left any other field: save that now.
        self.debounce.flush(keep=key)
        if self.current() != self._saved:
            self.page.status.saving()
        self.debounce.schedule(key, self._save_guarded)

    def current(self) -> Issue:
        """The issue as it stands in the fields."""
        return Issue(**{name: area.value for name, area in self.fields.items()})

    def save(self) -> None:
        """Store the four fields (nothing is written when nothing changed)."""
        with self._lock:
            issue = self.current()
            if issue == self._saved:
                return
            self.page.store.set_issue(self.page.slug, issue, by=self.page.who)
            self._saved = issue

    def flush(self) -> None:
        """Save any pending change now (also used by tests instead of waiting)."""
        self.debounce.flush()
