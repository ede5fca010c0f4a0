"""Section 1: the burning issue in the group's own words, saved as people type.

Each field is saved about a second after the last keystroke (the session's debouncer: one
timer per field on the kernel's loop, restarted on every change). ipywidgets sends no "blur"
event to the kernel, so leaving a field is noticed the next best way: typing in another field
saves the previous one at once.
"""

from __future__ import annotations

import ipywidgets as ipw

from widgets.model import Issue
from widgets.ui.errors import Message
from widgets.ui.step1.common import section
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

    def __init__(self, session, delay: float | None = None):
        self.session = session
        issue = session.inquiry().issue
        self._saved = issue
        self._quiet = False  # True while refresh() sets the fields (nothing to save)
        self.debounce = session.debouncer(delay)
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
        self._save_guarded = session.guard(self.save, message=self.message)
        self.widget = section(
            1, "The burning issue",
            "Write the problem down the way the group says it. It saves as you type.",
            *rows, self.message, cls="hi-issue")

    def _changed(self, key: str) -> None:
        if self._quiet:
            return
        # A change in one field means the person has left any other field: save that now.
        self.debounce.flush(keep=key)
        if self.current() != self._saved:
            self.session.status.saving()
        self.debounce.schedule(key, self._save_guarded)

    def current(self) -> Issue:
        """The issue as it stands in the fields."""
        return Issue(**{name: area.value for name, area in self.fields.items()})

    def save(self) -> None:
        """Store the four fields (nothing is written when nothing changed)."""
        issue = self.current()
        if issue == self._saved:
            return
        s = self.session
        s.store.set_issue(s.slug, issue, by=s.who)
        self._saved = issue
        s.changed("issue")

    def refresh(self, issue: Issue) -> None:
        """Show ``issue`` as stored (after :meth:`flush`: what was typed is in it). A field
        whose text could not be stored keeps it, to be saved with the next change."""
        old, self._saved = self._saved, issue
        self._quiet = True
        try:
            for name, area in self.fields.items():
                if area.value == getattr(old, name):  # nothing typed here that is not stored
                    area.value = getattr(issue, name)
        finally:
            self._quiet = False

    def flush(self) -> None:
        """Save any pending change now (also used by tests instead of waiting)."""
        self.debounce.flush()
