"""Step 3, part 2: who does each practice? A grid of units × practices (yes / no / not known),
saved at every click, or read from a check sheet (``check_sheet.py``); then the comparison
(``comparison.py``).

The positive exceptions come first in the grid, marked ◆. The grid shows a page of units at
a time, so fifty families stay easy to fill in on a projector.
"""

from __future__ import annotations

import math
from typing import Any

import ipywidgets as ipw

from widgets.model import CHECK_VALUES, ModelError, Practice, PracticeCheck
from widgets.ui.download import MIME, DownloadButton
from widgets.ui.errors import Message
from widgets.ui.step3.check_sheet import check_sheet_csv, read_checks
from widgets.ui.step3.comparison import ComparisonView
from widgets.ui.step3.parts import (
    button,
    hbox,
    html_part,
    retitle,
    section,
)
from widgets.ui.step3.shared import UnitList, esc
from widgets.ui.styles import label_hidden
from widgets.ui.upload import UploadBox
from widgets.words import unit_words

PAGE_SIZE = 12
#: The toggle in each cell: (label, value); tooltips in the same order.
CHOICES = [("Yes", "yes"), ("No", "no"), ("?", "unknown")]
TOOLTIPS = ["yes, they do it", "no, they don't", "not known"]
FILTERS = [("Everyone", "all"), ("Positive exceptions", "exceptions"),
           ("Not all answered", "open")]

class ChecksSection:
    """The grid (a page of units at a time), reading a file, and the comparison."""

    def __init__(self, session: Any, units: UnitList):
        self.session = session
        self.unit_list = units
        self.unit, self.units = unit_words(session.inquiry().measure.unit_name)
        self.page_number = 0
        self.toggles: dict[tuple[str, int], ipw.ToggleButtons] = {}
        self._reverting = False
        self.values: dict[tuple[str, int], str] = {}
        # Shared by every cell: a page of the grid is a few dozen widget models, not hundreds.
        self._cell_layout = ipw.Layout()
        self._toggle_style = ipw.ToggleButtonsStyle(button_width="auto")
        self.message = Message()
        self.grid = ipw.GridBox()
        self.grid.add_class("hi-check-grid")
        self.grid.add_class("hi-scroll")  # scrolls sideways on a phone, first column kept
        self.filter = ipw.ToggleButtons(options=FILTERS, value="all",
                                        style={"button_width": "auto"})
        self.filter.add_class("hi-check-filter")
        self.prev_button = button("◀ Previous", "hi-check-prev")
        self.next_button = button("Next ▶", "hi-check-next")
        self.page_text = html_part()
        self.page_text.add_class("hi-check-page")
        session.wire(self.filter, self._filter_changed, saves=False)
        session.wire(self.prev_button, lambda: self.show_page(self.page_number - 1), saves=False)
        session.wire(self.next_button, lambda: self.show_page(self.page_number + 1), saves=False)
        self.upload = UploadBox("Read answers from a file", ".csv,.xlsx,.txt", self.import_file,
                                errors=session.errors)
        self.upload.upload.layout.width = "auto"
        self.sheet = DownloadButton("Prepare a check sheet (CSV)", self.check_sheet,
                                    MIME["csv"], link_label="Download the check sheet",
                                    errors=session.errors)
        self.comparison = ComparisonView(session, units)
        pager = hbox([self.filter, self.prev_button, self.page_text, self.next_button])
        pager.add_class("hi-pager")
        self.files = html_part(self._files_html())
        self.widget = section(
            *self._heading(), pager, self.grid, self.message, self.files,
            hbox([self.upload, self.sheet], wrap=True),
            self.comparison.widget, cls="hi-checks")
        session.on("practices", self.refresh)
        session.on("practices", self.comparison.refresh)
        session.on("checks", self.comparison.refresh)
        self.refresh()
        self.comparison.refresh()

    def _heading(self) -> tuple[str, str]:
        return ("2 · Who does each practice?",
                f"For each {self.unit}, does it do the practice? Yes, no, or not known (?). "
                "Every click is saved. The positive exceptions (◆) come first. Then compare: "
                "is the practice more common among the positive exceptions than among the "
                "others?")

    def _files_html(self) -> str:
        return ('<p class="hi-hint">Or fill in a check sheet (a spreadsheet: one row per '
                f"{esc(self.unit)}, its id first, then one column per practice headed with "
                "the practice's words, holding yes, no or blank) and read it here.</p>")

    def show_unit(self) -> None:
        """Say the unit's name as the measure has it now (it may change in step 1)."""
        self.unit, self.units = unit_words(self.session.inquiry().measure.unit_name)
        retitle(self.widget, *self._heading())
        self.files.value = self._files_html()

    # ------------------------------------------------------------------ which units

    def ordered_units(self) -> list[str]:
        """Unit ids: confirmed positive exceptions first, then the rest, as filtered."""
        inquiry = self.session.inquiry()
        confirmed = self.unit_list.confirmed_ids(inquiry)
        first = set(confirmed)
        ids = confirmed + [u for u in self.unit_list.ids() if u not in first]
        if self.filter.value == "exceptions":
            ids = confirmed
        elif self.filter.value == "open":
            pids = [p.id for p in inquiry.practices]
            ids = [u for u in ids if any(self.values.get((u, pid), "unknown") == "unknown"
                                         for pid in pids)]
        return ids

    def refresh(self) -> None:
        """Read the answers again and redraw the current page."""
        self.values = {(c.unit_id, c.practice_id): c.value
                       for c in self.session.inquiry().practice_checks}
        self.show_page(self.page_number)

    def _filter_changed(self, _change=None) -> None:
        self.show_page(0)

    def show_page(self, number: int) -> None:
        """Show page ``number`` of the grid (clamped to the pages there are)."""
        inquiry = self.session.inquiry()
        practices = inquiry.practices
        old = self.grid.children
        self.grid.children = ()
        for cell in old:  # the cells shown before (their shared layout and style stay)
            cell.close()
        self.toggles = {}
        if not self.unit_list.ready:
            self.grid.layout.grid_template_columns = "1fr"
            self.grid.children = (html_part(f'<p class="hi-pending">Loading the '
                                            f"{esc(self.units)}…</p>"),)
            self.page_text.value = ""
            return
        ids = self.ordered_units()
        pages = max(1, math.ceil(len(ids) / PAGE_SIZE))
        self.page_number = min(max(0, number), pages - 1)
        start = self.page_number * PAGE_SIZE
        shown = ids[start:start + PAGE_SIZE]
        self.prev_button.disabled = self.page_number == 0
        self.next_button.disabled = self.page_number >= pages - 1
        if ids:
            self.page_text.value = (f"{esc(self.units.capitalize())} {start + 1}–"
                                    f"{start + len(shown)} of {len(ids):,}")
        else:
            self.page_text.value = f"No {esc(self.units)} to show"
        if not practices:
            self.grid.children = (html_part('<p class="hi-empty">Add a practice above first.'
                                           "</p>"),)
            self.grid.layout.grid_template_columns = "1fr"
            return
        confirmed = set(self.unit_list.confirmed_ids(inquiry))
        head = [self._head(esc(self.unit.capitalize()))]
        head[0].add_class("hi-sticky")
        head += [self._head(esc(_short(p.what)), title=p.what,
                            useless=p.accessible == "no") for p in practices]
        cells: list[ipw.Widget] = list(head)
        for unit in shown:
            mark = ('<span class="hi-badge hi-badge-exception" title="positive exception">'
                    "◆</span> " if unit in confirmed else "")
            cell = html_part(f'{mark}<bdi dir="auto">{esc(unit)}</bdi>')
            cell.add_class("hi-check-unit")
            cell.add_class("hi-sticky")
            if unit in confirmed:
                cell.add_class("hi-exception-row")
            cells.append(cell)
            for p in practices:
                cells.append(self._toggle(unit, p))
        self.grid.layout.grid_template_columns = (
            f"minmax(6em, 11em) repeat({len(practices)}, minmax(9.5em, 1fr))")
        self.grid.children = tuple(cells)

    def _head(self, text_html: str, title: str = "", useless: bool = False) -> ipw.HTML:
        extra = ('<br><span class="hi-hint">true but useless</span>' if useless else "")
        attr = f' title="{esc(title)}"' if title else ""
        cell = html_part(f'<span dir="auto"{attr}>{text_html}</span>{extra}')
        cell.add_class("hi-check-head")
        return cell

    def _toggle(self, unit: str, p: Practice) -> ipw.ToggleButtons:
        value = self.values.get((unit, p.id), "unknown")
        toggle = ipw.ToggleButtons(options=CHOICES, value=value, tooltips=TOOLTIPS,
                                   style=self._toggle_style, layout=self._cell_layout)
        toggle.add_class("hi-check")
        toggle.add_class(f"hi-check-p{p.id}")
        label_hidden(toggle, f"Does {unit} do it: {p.what}?")
        pid = p.id
        toggle.observe(lambda change: self._changed(unit, pid, change), names="value")
        self.toggles[(unit, pid)] = toggle
        return toggle

    # ------------------------------------------------------------------ saving

    def set_check(self, unit: str, practice_id: int, value: str) -> None:
        """Store one answer (yes / no / unknown) and update the comparison."""
        if value not in CHECK_VALUES:
            raise ModelError("Choose yes, no or not known.")
        s = self.session
        s.store.set_practice_checks(s.slug, [PracticeCheck(unit, practice_id, value)], by=s.who)
        self.values[(unit, practice_id)] = value
        s.changed("checks")

    def _changed(self, unit: str, practice_id: int, change: dict) -> None:
        if self._reverting:
            return
        ok = self.session.run(lambda: self.set_check(unit, practice_id, change["new"]) or True,
                              message=self.message)
        if not ok:  # not stored: show what the store holds
            self._reverting = True
            try:
                change["owner"].value = change["old"]
            finally:
                self._reverting = False

    def import_file(self, data: bytes, filename: str) -> str:
        """Read a check sheet and store every answer in one change; returns the message."""
        s = self.session
        s.forget()  # not a session action: read what the store holds now
        self.unit_list.ensure()
        checks = read_checks(data, filename, self.unit_list.ids(), s.inquiry().practices)
        s.store.set_practice_checks(s.slug, checks, by=s.who)
        s.saved()
        s.changed("checks")
        self.refresh()
        counts = {v: sum(1 for c in checks if c.value == v) for v in CHECK_VALUES}
        n_units = len({c.unit_id for c in checks})
        return (f"Read the answers for {n_units:,} {self.unit if n_units == 1 else self.units}"
                f": {counts['yes']:,} yes, {counts['no']:,} no, {counts['unknown']:,} not "
                "known.")

    def check_sheet(self) -> tuple[bytes, str]:
        """A CSV to fill in: the units (exceptions first) and one column per practice, with
        the answers so far. Text a spreadsheet could run as a formula is neutralised."""
        self.session.forget()  # not a session action: read what the store holds now
        inquiry = self.session.inquiry()
        if not inquiry.practices:
            raise ModelError("Add a practice first.")
        self.unit_list.ensure()
        confirmed = self.unit_list.confirmed_ids(inquiry)
        first = set(confirmed)
        ids = confirmed + [u for u in self.unit_list.ids() if u not in first]
        data = check_sheet_csv(self.unit, ids, inquiry.practices, self.values)
        return data, f"{self.session.slug}-check-sheet.csv"


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
