"""What the step 3 sections and the dashboard share: the units step 3 works with, and person
text and plots as escaped HTML (widget parts: ``parts.py``; the look: ``styles.py``).

Slow work (reading the units, the comparison, the charts) goes through the session's one
background runner (``session.later``, widgets/ui/background.py): the page is usable at once
and the grid, comparison, charts and sentences appear a moment later. Words and plurals come
from widgets/words.py.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from widgets.model import ROLES, Inquiry, Unit
from widgets.words import count_words

# ---------------------------------------------------------------------- text and HTML


def esc(value: Any) -> str:
    """Escaped text for HTML (None is empty)."""
    return html.escape("" if value is None else str(value))


def said(value: Any, tag: str = "span", cls: str = "") -> str:
    """A person's words in HTML: escaped, with the text direction taken from the text."""
    klass = f' class="{esc(cls)}"' if cls else ""
    return f'<{tag}{klass} dir="auto">{esc(value)}</{tag}>'


def figure_html(fig: Any, cls: str = "hi-figure") -> str:
    """A plot (``widgets.plots.Figure`` or the report's ``{src, alt, caption}``) as escaped
    HTML: the PNG inline (no request to any host) with its alt text and caption."""
    if fig is None:
        return ""
    if isinstance(fig, dict):
        src, alt, caption = fig["src"], fig["alt"], fig["caption"]
    else:
        src, alt, caption = fig.data_uri(), fig.alt, fig.caption
    if not str(src).startswith("data:image/png;base64,"):
        return ""  # only our own inline images, never a link
    return (f'<figure class="{esc(cls)}"><img src="{esc(src)}" alt="{esc(alt)}">'
            f'<figcaption dir="auto">{esc(caption)}</figcaption></figure>')


def facts_html(rows: list[tuple[str, Any]]) -> str:
    """Labelled lines of a person's text ("How they do it: ..."), escaped; blanks left out."""
    return "".join(f'<p class="hi-fact"><span class="hi-fact-label">{esc(k)}:</span> '
                   f'{said(v)}</p>' for k, v in rows if str(v or "").strip())


def lead_balance(leads: list[str], inquiry: Inquiry) -> tuple[str, bool]:
    """"Led by 3 people who live with the issue, 0 professionals" and whether professionals
    lead as much as the people who live with the issue (the "ownership" warning)."""
    roles = {p.name: p.role for p in inquiry.group}
    lived = sum(1 for name in leads if roles.get(name) == "lived")
    pros = sum(1 for name in leads if roles.get(name) == "professional")
    others = len(leads) - lived - pros
    text = (f"Led by {count_words(lived, 'person')} who "
            f"{'lives' if lived == 1 else 'live'} with the issue, "
            f"{count_words(pros, ROLES['professional'])}")
    if others:
        text += f", {others:,} other"
    return text, pros > 0 and pros >= lived


# ---------------------------------------------------------------------- the units


def units_mark(inquiry: Inquiry) -> int:
    """The number of the latest change to the inquiry's units in its history (0: none): a
    view compares it to tell whether the data changed in step 1 since it read them."""
    return max((h.id or 0 for h in inquiry.history if h.part == "units"), default=0)


class UnitList:
    """The open inquiry's units, which step 3 reads but never changes.

    The Step 3 view reads them after the page is shown (reading them loads pandas and
    pyarrow: ``session.later``) and calls :meth:`set`; ``ready`` says whether they are there.
    :meth:`ensure` reads them now, for an action that needs them all (reading a check sheet).
    """

    def __init__(self, read: Callable[[], list[Unit]]):
        self._read = read
        self.ready = False
        self.items: list[Unit] = []

    def set(self, units: list[Unit]) -> None:
        """Keep ``units`` (as just read from the store)."""
        self.items = list(units)
        self.ready = True

    def ensure(self) -> None:
        """Read the units now if they are not there yet."""
        if not self.ready:
            self.set(self._read())

    def ids(self) -> list[str]:
        """The unit ids, in the data's order."""
        return [u.unit_id for u in self.items]

    def confirmed_ids(self, inquiry: Inquiry) -> list[str]:
        """Unit ids of the confirmed positive exceptions, in the units' order."""
        confirmed = {e.unit_id for e in inquiry.exceptions if e.status == "confirmed"}
        ordered = [uid for uid in self.ids() if uid in confirmed]
        return ordered + sorted(confirmed - set(ordered))
