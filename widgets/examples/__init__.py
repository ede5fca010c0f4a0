"""Two worked examples that fill every part of an inquiry, so every screen has something to show.

Both are **illustrative**: the people, numbers and notes are made up. They follow the method
text (``/work/shared/method``: the Huntingdon Grub Hub) and the story of child nutrition in
Vietnam told in *The Power of Positive Deviance* (Pascale, Sternin and Sternin, 2010).

:func:`build` is deterministic: a fixed random seed and fixed timestamps, nothing depends on
the current time, so ``examples/make_examples.py`` always writes the same files and tests can
compare them byte for byte.

Each example is one module (``grub_hub``, ``child_nutrition``) with its ``NAME``, ``TITLE``,
``CSV_HEADERS`` and ``build()``; ``building`` holds the parts they share. To add an example,
write its module and add it to :data:`_MODULES`.
"""

from __future__ import annotations

from types import ModuleType

from widgets.examples import child_nutrition, grub_hub
from widgets.examples.building import ILLUSTRATIVE
from widgets.model import Inquiry, ModelError

#: Every example's module, in the order they are offered.
_MODULES: tuple[ModuleType, ...] = (grub_hub, child_nutrition)
_BY_NAME: dict[str, ModuleType] = {m.NAME: m for m in _MODULES}

#: Example name -> title shown to people.
EXAMPLES: dict[str, str] = {m.NAME: m.TITLE for m in _MODULES}

__all__ = ["EXAMPLES", "ILLUSTRATIVE", "build", "units_table_rows"]


def build(name: str) -> Inquiry:
    """The example inquiry called ``name`` (a key of :data:`EXAMPLES`), built afresh.

    Raises :class:`~widgets.model.ModelError` for an unknown name.
    """
    if name not in _BY_NAME:
        raise ModelError(
            f"There is no example called {name!r}. Choose one of: {', '.join(EXAMPLES)}."
        )
    return _BY_NAME[name].build()


def units_table_rows(name: str) -> tuple[list[str], list[list[str]]]:
    """The example's units as a spreadsheet a group might keep: header and rows of text.

    Columns: the unit's id, the outcome (``yes``/``no`` for a yes/no measure), then one
    column per circumstance. No private names.
    """
    inquiry = build(name)
    id_header, outcome_header = _BY_NAME[name].CSV_HEADERS
    header = [id_header, outcome_header, *inquiry.context_columns]
    rows = []
    for u in inquiry.units:
        if inquiry.measure.kind == "yes_no":
            outcome = "yes" if u.outcome == 1.0 else "no"
        else:
            outcome = _plain_number(u.outcome)
        rows.append([u.unit_id, outcome,
                     *(_plain_number(u.context[c]) for c in inquiry.context_columns)])
    return header, rows


def _plain_number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
