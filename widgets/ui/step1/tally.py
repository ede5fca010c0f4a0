"""Section 4c: a quick tally for a yes/no measure when only the counts are known
("18 of 60 families stayed together"). The units get pseudonyms and no circumstances."""

from __future__ import annotations

import html

import ipywidgets as ipw

from widgets.ui.errors import Message
from widgets.ui.step1.common import Confirm, replace_warning, stored_units
from widgets.ui.styles import label_hidden
from widgets.words import unit_words


class Tally:
    """"[18] of [60] families <what>" → ``tally_frame`` → ``store.replace_units_frame``."""

    def __init__(self, session):
        self.session = session
        self.built = False
        self._filled = (0, 0)  # the counts last shown from the store
        self.widget = ipw.VBox([])
        self.widget.add_class("hi-tally")
        session.on("measure", self.refresh)

    def ensure_built(self) -> None:
        """Build the form (once, when its panel is first opened)."""
        if self.built:
            return
        self.built = True
        self.yes = ipw.IntText(value=0, layout=ipw.Layout(width="7em"))
        self.yes.add_class("hi-tally-yes")
        self.total = ipw.IntText(value=0, layout=ipw.Layout(width="7em"))
        self.total.add_class("hi-tally-total")
        self.words = ipw.HTML()
        self.of = ipw.HTML("of")
        self.button = ipw.Button(description="Use these numbers", button_style="primary")
        self.button.add_class("hi-tally-use")
        self.message = Message()
        self.confirm = Confirm()
        self.note = ipw.HTML()
        self.note.add_class("hi-tally-note")
        self.session.wire(self.button, self._clicked, message=self.message, saves=False)
        row = ipw.HBox([self.yes, self.of, self.total, self.words])
        row.add_class("hi-row")
        self.form = ipw.VBox([row, ipw.HBox([self.button, self.message]), self.confirm])
        self.widget.children = [self.note, self.form]
        self.refresh()
        self.prefill()

    def prefill(self) -> None:
        """Show the counts already stored (yes/no data only): after a reload, or when the
        step is shown again."""
        if not self.built:
            return
        if (self.yes.value, self.total.value) != self._filled:
            return  # numbers the person typed and has not used: keep them
        s = self.session
        known = s.store.units_frame(s.slug)["outcome"].dropna()
        if self.measure.kind == "yes_no" and len(known) and known.isin([0.0, 1.0]).all():
            self.yes.value, self.total.value = int(known.sum()), int(len(known))
        self._filled = (self.yes.value, self.total.value)

    def refresh(self) -> None:
        """Follow the measure: the words, and whether a tally fits it at all."""
        if not self.built:
            return
        measure = self.session.inquiry().measure
        self.measure = measure
        one, many = unit_words(measure.unit_name)
        from widgets.analysis.baseline import predicate
        from widgets.words import agree

        self.words.value = html.escape(f"{many} {agree(predicate(measure), 2)}")
        # The row reads "[18] of [60] families stayed together": each box's own label says so.
        label_hidden(self.yes, f"How many {many} {agree(predicate(measure), 2)}")
        label_hidden(self.total, f"Out of how many {many} in all")
        if measure.kind == "yes_no":
            self.note.value = html.escape(
                f"Only know the counts? Say how many {many} said yes, out of how many in all. "
                "This replaces any data stored, and gives no circumstances to compare.")
            self.form.layout.display = None
        else:
            self.note.value = html.escape(
                "The quick tally is for yes/no measures. For this measure, type or upload the "
                f"number for each {one}.")
            self.form.layout.display = "none"

    def _clicked(self) -> None:
        s = self.session
        run = s.guard(self.use, message=self.message)
        if not stored_units(s.store, s.slug):
            run()
            return
        from widgets.analysis.baseline import tally_frame

        measure = s.inquiry().measure
        frame = tally_frame(self.yes.value, self.total.value, measure.unit_name)
        self.confirm.ask(replace_warning(s.store, s.slug, frame["unit_id"], measure.unit_name),
                         run)

    def use(self) -> int:
        """Store the tally as units (replacing any stored); returns how many."""
        from widgets.analysis.baseline import tally_frame

        s = self.session
        measure = s.inquiry().measure
        if measure.kind != "yes_no":
            from widgets.model import ModelError

            raise ModelError("The quick tally is for yes/no measures.")
        frame = tally_frame(self.yes.value, self.total.value, measure.unit_name)
        s.store.replace_units_frame(s.slug, frame, by=s.who, source="a quick tally")
        self._filled = (self.yes.value, self.total.value)  # now what the store holds
        s.changed("units")  # the baseline first, then the confirmation
        one, many = unit_words(measure.unit_name)
        n = len(frame)
        self.message.show(f"Stored {n:,} {one if n == 1 else many}: {self.yes.value:,} yes, "
                          f"{n - self.yes.value:,} no.", "ok")
        return n
