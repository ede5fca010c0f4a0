"""Step 3: the comparison — for each practice, the share of confirmed positive exceptions that
do it against the share of the other units, the difference, and Fisher's exact test
(``widgets.analysis.practices.compare_practices``), with one pair of bars per practice.

Drawn after the page is shown (``session.later``, widgets/ui/background.py): scipy and
seaborn take seconds to load.
"""

from __future__ import annotations

import math
from typing import Any

from widgets.ui.step3.parts import (
    html_part,
    vbox,
)
from widgets.ui.step3.shared import UnitList, esc, figure_html
from widgets.ui.styles import scroll_table
from widgets.words import count_words, share_words, unit_words

HEADINGS = ("Practice", "Positive exceptions doing it", "Others doing it", "Difference",
            "What it tells us")


def _share(doing: Any, known: Any) -> str:
    return share_words(doing, known)


def _points(diff: Any) -> str:
    if diff is None or (isinstance(diff, float) and math.isnan(diff)):
        return "–"
    return f"{diff * 100:+.0f} points"


def _p(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if value < 0.001:
        return "p < 0.001"
    return f"p = {value:.3f}"


def comparison_html(records: list[dict[str, Any]]) -> str:
    """The comparison table as escaped HTML (rows: the records of compare_practices).

    Five columns with fixed widths so that it fits a 1024 px projector without scrolling
    sideways; Fisher's exact p goes under the note in plain words ("How likely by chance")
    rather than in a column of its own.
    """
    head = "".join(f'<th scope="col"{" class=num" if 1 <= i <= 3 else ""}>{esc(h)}</th>'
                   for i, h in enumerate(HEADINGS))
    rows = []
    for r in records:
        spread = bool(r.get("worth_spreading"))
        mark = "★ " if spread else ""
        useless = (' <span class="hi-badge hi-badge-useless">true but useless</span>'
                   if r.get("accessible") == "no" else "")
        cls = ' class="hi-spread"' if spread else ""
        p = _p(r.get("p_value"))
        chance = ("" if p == "–" else
                  f'<br><span class="hi-chance">How likely by chance: {esc(p)}</span>')
        rows.append(
            f"<tr{cls}><td><bdi dir=\"auto\">{esc(mark)}{esc(r.get('what'))}</bdi>{useless}</td>"
            f'<td class="num">{_share_html(r.get("exceptions_doing"), r.get("exceptions_known"))}'
            f'</td><td class="num">{_share_html(r.get("others_doing"), r.get("others_known"))}'
            f'</td><td class="num hi-nowrap">{esc(_points(r.get("difference")))}</td>'
            f'<td dir="auto">{esc(r.get("note"))}{chance}</td></tr>')
    cols = "".join(f'<col class="hi-col-{name}">' for name in
                   ("what", "exceptions", "others", "difference", "note"))
    table = (f'<table class="hi-table hi-compare-table"><colgroup>{cols}</colgroup>'
             f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
    return (scroll_table(table, "Practices compared")
            + '<p class="hi-hint">★ worth spreading: accessible to all, done by at least half of '
            "the positive exceptions and by clearly more of them than of the others. How likely "
            "by chance: how often a difference this large would come from chance alone "
            "(Fisher's exact test); below 0.05 it is unlikely to be chance. With few positive "
            "exceptions, numbers cannot prove much: ask the group what they see.</p>")


def _share_html(doing: Any, known: Any) -> str:
    """"3 of 4 (75 %)" with the count and the percentage kept whole, free to wrap between."""
    text = _share(doing, known)
    if " (" not in text:
        return esc(text)
    count, percent = text.split(" (", 1)
    return (f'<span class="hi-nowrap">{esc(count)}</span> '
            f'<span class="hi-nowrap">({esc(percent)}</span>')


class ComparisonView:
    """The comparison table, a sentence, and the plot (``widget``)."""

    def __init__(self, session: Any, units: UnitList):
        self.session = session
        self.units = units
        self.records: list[dict[str, Any]] = []
        self.summary = html_part()
        self.summary.add_class("hi-compare-summary")
        self.table = html_part()
        self.table.add_class("hi-compare")
        self.figure = html_part()
        self.figure.add_class("hi-compare-figure")
        self.later = session.later(self._compute, self._show, pending=self._pending)
        head = html_part("<h3>Do the positive exceptions do it more often?</h3>")
        self.widget = vbox([head, self.summary, self.table, self.figure])
        self.widget.add_class("hi-comparison")

    def refresh(self) -> None:
        """Compare again with the answers in the store (in the background on a page)."""
        if not self.units.ready:
            self.summary.value = '<p class="hi-pending">Comparing…</p>'
            return
        inquiry = self.session.inquiry()
        confirmed = self.units.confirmed_ids(inquiry)
        unit_ids = self.units.ids()
        one, _many = unit_words(inquiry.measure.unit_name)
        others = len(set(unit_ids) - set(confirmed))
        if not inquiry.practices:
            self._set("Add practices, then answer for each "
                      f"{one} whether it does them.", "", "")
            return
        if not inquiry.practice_checks:
            self._set("No answers yet: fill in the grid above, or read a check sheet.", "", "")
            return
        sentence = (f"Comparing {count_words(len(confirmed), 'confirmed positive exception')} "
                    f"with {count_words(others, f'other {one}')}.")
        if not confirmed:
            sentence = ("No positive exception is confirmed yet: confirm them in step 2, "
                        "then compare.")
        self.summary.value = f'<p dir="auto">{esc(sentence)}</p>'
        self.later.request(list(inquiry.practice_checks), confirmed, unit_ids,
                           list(inquiry.practices))

    def _set(self, sentence: str, table: str, figure: str) -> None:
        self.records = []
        self.summary.value = f'<p class="hi-empty" dir="auto">{esc(sentence)}</p>'
        self.table.value, self.figure.value = table, figure

    def _pending(self) -> None:
        if not self.table.value:
            self.table.value = '<p class="hi-pending">Comparing…</p>'

    @staticmethod
    def _compute(checks, confirmed, unit_ids, practices) -> tuple[list[dict], str, str]:
        from widgets.analysis.practices import compare_practices
        from widgets.plots import practices_figure

        table = compare_practices(checks, confirmed, unit_ids, practices)
        records = table.to_dict("records")
        return records, comparison_html(records), figure_html(practices_figure(table))

    def _show(self, result: tuple[list[dict], str, str]) -> None:
        self.records, self.table.value, self.figure.value = result
