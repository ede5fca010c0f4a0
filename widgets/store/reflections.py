"""The group's reflections in the store: a note on one principle at one step."""

from __future__ import annotations

from widgets import model
from widgets.model import PRINCIPLES, ModelError
from widgets.store import schema as s
from widgets.store.rows import delete_where, insert_statement
from widgets.store.transactions import Transactions
from widgets.store.values import checked_choice, checked_text


class Reflections(Transactions):
    """The group's notes on the principles."""

    def set_reflection(self, slug: str, step: int, principle: str, note: str, *,
                       by: str = "facilitator") -> None:
        """The group's note on one principle at one step (empty note removes it)."""
        if step not in model.STEPS:
            raise ModelError("Choose step 1, 2 or 3.")
        principle = checked_choice(principle, PRINCIPLES, "The principle")
        note = checked_text(note, "The note")
        with self._write(slug, "reflections", f"noted {PRINCIPLES[principle]!r} at step {step}",
                         by) as (conn, iid):
            delete_where(conn, s.reflections,
                         {"inquiry_id": iid, "step": step, "principle": principle})
            if note:
                conn.execute(insert_statement(s.reflections),
                             {"inquiry_id": iid, "step": step, "principle": principle,
                              "note": note})
