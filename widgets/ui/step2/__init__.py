"""Step 2 — discover positive exceptions.

    page = StepPage(2)
    page.build(step2.build)

The group chooses how to look (one method or several), the circumstances to compare on and
how far from the rest a unit must be; the methods run on the store's units (never the real
names); the plot, warnings and candidates appear; the group confirms or rejects each
candidate and writes why. Every run is logged with its settings and every decision with who
and when (evidence for everything). A refreshed page (a new kernel) rebuilds from the store.

Bad choices (no method, no usable circumstance, a funnel on a measure that is not a rate,
groups too small to compare…) give a plain message beside the controls and store nothing.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as ipw

from widgets.analysis.candidates import check_usable, combine_results, with_group_choice
from widgets.model import AnalysisRun, ExceptionDecision, ModelError
from widgets.ui.nav import page_href
from widgets.ui.step2.candidates import CandidatesPanel, Found
from widgets.ui.step2.method_picker import (
    ALIASES,
    LOOKING_METHODS,
    GroupChoice,
    MethodPicker,
    plain_words,
)
from widgets.ui.step2.results_view import ResultsView
from widgets.ui.step3.shared import Later

__all__ = ["Step2View", "build", "combine_results"]

#: The look of this step (scoped to .hi-step2; the shared look is in widgets/ui/styles.py).
CSS = """
.hi-step2 .hi-row { gap: 1em; }
.hi-step2 .hi-circumstances { gap: 0.2em 1.5em; }
.hi-step2 .hi-method-line { color: var(--hi-muted); }
.hi-step2 .hi-method .widget-label-basic, .hi-step2 .hi-method label { font-weight: 600; }
.hi-step2 .hi-candidates td { vertical-align: top; }
.hi-step2 .hi-decided { color: var(--hi-muted); font-size: 0.9em; }
.hi-step2 .hi-status { font-weight: 600; }
.hi-step2 .hi-status-candidate { color: #b26a00; }
.hi-step2 .hi-status-confirmed { color: var(--hi-ok); }
.hi-step2 .hi-status-rejected, .hi-step2 .hi-status-unsure { color: var(--hi-muted); }
.hi-step2 .hi-caption-text { font-style: italic; margin-top: 0.2em; }
.hi-step2 .hi-run-warnings ul, .hi-step2 .hi-run-notes ul { margin: 0.3em 0; }
.hi-step2 .hi-plot-image { border: 1px solid var(--hi-border); }
.hi-step2 .hi-decide-status .mod-active { background: var(--hi-accent); color: #fff; }
.hi-step2 input[type=checkbox] { width: 1.2em; height: 1.2em; }
"""


def build(page) -> ipw.Widget:
    """The step 2 screen for the inquiry open in ``page`` (a :class:`StepPage`)."""
    view = Step2View(page)
    page.step2 = view  # for notebooks and tests that want to drive the screen
    return view.widget


class Step2View:
    """The step 2 screen. Parts tests drive: ``picker`` (:class:`MethodPicker`), ``group``
    (:class:`GroupChoice`), ``results`` (:class:`ResultsView`), ``candidates``
    (:class:`CandidatesPanel`); actions: ``run()``, ``show_units()``,
    ``add_group_choice()``, ``decide()``."""

    def __init__(self, page):
        self.page = page
        self.store, self.slug = page.store, page.slug
        inquiry = self.store.get(self.slug, include_units=False)
        self.measure = inquiry.measure
        self.unit_name = (self.measure.unit_name or "unit").strip() or "unit"
        self.found: dict[str, Found] = {}
        self._ran = False  # the group ran the methods in this session
        self.picker = MethodPicker(self.measure, inquiry.context_columns)
        self.picker.restore(inquiry.analysis_runs)
        self.group = GroupChoice(self.measure)
        self.results = ResultsView(self.measure)
        self.candidates = CandidatesPanel(self.measure)
        self.candidates.thresholds = self._thresholds()
        self.candidates.refresh(inquiry.exceptions, self.found)

        self.picker.run_button.on_click(
            lambda _b: page.guard(self.run, message=self.picker.message)())
        self.group.show_button.on_click(
            lambda _b: page.guard(self.show_units, message=self.group.message, saves=False)())
        self.group.add_button.on_click(
            lambda _b: page.guard(self.add_group_choice, message=self.group.message)())
        self.candidates.save_button.on_click(
            lambda _b: page.guard(self.decide, message=self.candidates.message)())

        self.widget = ipw.VBox([ipw.HTML(f"<style>{CSS}</style>"), self._intro(inquiry),
                                self.picker.widget, self.group.widget,
                                self.results.widget, self.candidates.widget])
        self.widget.add_class("hi-step2")
        # After a reload the session has no scores, expected values or reasons for the stored
        # candidates: run the last recorded way of looking again, quietly, once the page is
        # shown (nothing is stored by this re-run).
        self.replay = Later(self._replay_compute, self._replay_show, errors=page.errors)
        if inquiry.exceptions and self._last_looking(inquiry.analysis_runs):
            self.replay.request(list(self.picker.methods()), self._replay_settings())

    def _thresholds(self) -> dict[str, float]:
        """The numbers the candidates' scores are judged by, as the controls hold them (the
        last run's, after a reload): for the score legend."""
        return {"threshold": self.picker.threshold.value,
                "iqr_factor": self.picker.iqr_factor.value,
                "flag_at": self.picker.funnel_limit.value}

    @staticmethod
    def _last_looking(runs) -> bool:
        return any(ALIASES.get(r.method, r.method) in LOOKING_METHODS for r in runs)

    def _replay_settings(self) -> dict[str, dict[str, Any]]:
        return {name: self.picker.settings_for(name) for name in self.picker.methods()}

    def _replay_compute(self, methods: list[str], settings: dict[str, dict[str, Any]]
                        ) -> dict[str, Found] | None:
        """What the recorded methods say about each unit (no store writes)."""
        from widgets.analysis.positive_exceptions import run_method

        measure = self.store.get(self.slug, include_units=False).measure
        if not methods or ("funnel" in methods and measure.kind != "rate"):
            return None
        frame = self.store.units_frame(self.slug, include_private=False)
        if len(frame) < 2:
            return None
        results = []
        for name in methods:
            try:
                results.append(run_method(name, frame, measure, **settings[name]))
            except (ModelError, ValueError):
                continue  # the data changed since: the group can run it again by hand
        if not results:
            return None
        return combine_results(results, {})[1]

    def _replay_show(self, found: dict[str, Found] | None) -> None:
        if found is None or self._ran:  # a run in this session knows better
            return
        self.found = found
        self.refresh()

    def _intro(self, inquiry) -> ipw.HTML:
        from widgets.words import plural

        m = self.measure
        units = plural(self.unit_name)
        if m.kind == "yes_no":
            better = "“yes” is good" if m.better == "higher" else "“no” is good"
        else:
            better = "higher is better" if m.better == "higher" else "lower is better"
        what = m.what.strip() or "the outcome (not named yet)"
        text = (f"<p>Look for <strong>positive exceptions</strong>: {html.escape(units)} in "
                "the same circumstances as others, with the same resources, who avoid the "
                f"problem. The measure: {html.escape(what)} ({better}).</p>")
        held = self.store.summary(self.slug).units
        if not held:
            link = html.escape(page_href(1, self.slug))
            text += (f'<div class="hi-notice hi-no-units">There are no {html.escape(units)} '
                     f'in the data yet. <a href="{link}">Add them in step 1</a> first.</div>')
        intro = ipw.HTML(text)
        intro.add_class("hi-step2-intro")
        return intro

    # ------------------------------------------------------------------ actions

    def _frame(self):
        frame = self.store.units_frame(self.slug, include_private=False)
        if len(frame) == 0:
            from widgets.words import plural

            raise ModelError(f"There are no {plural(self.unit_name)} in the data yet. Add "
                             "them in step 1 first.")
        return frame

    def _existing(self) -> dict[str, ExceptionDecision]:
        return {d.unit_id: d for d in self.store.get(self.slug, include_units=False).exceptions}

    def _rejected(self) -> set[str]:
        """The units the group said are not exceptions (never drawn in the highlight colour)."""
        return {uid for uid, d in self._existing().items() if d.status == "rejected"}

    def refresh(self) -> None:
        """Redraw the candidate table and form from the store."""
        existing = self._existing()
        self.candidates.thresholds = self._thresholds()
        self.candidates.refresh(list(existing.values()), self.found)
        self.results.set_rejected({u for u, d in existing.items() if d.status == "rejected"})

    def run(self) -> list[Any]:
        """Run the ticked methods; store the candidates and log each run. Returns the
        results (MethodResult objects). Raises a plain ModelError for a bad choice, before
        anything is stored."""
        from widgets.analysis.positive_exceptions import run_method

        methods = self.picker.methods()
        if not methods:
            raise ModelError("Tick at least one way of looking first.")
        self.picker.check()
        # The measure may have changed in step 1 (another tab) since this page was built.
        inquiry = self.store.get(self.slug, include_units=False)
        self.measure = self.results.measure = self.candidates.measure = inquiry.measure
        if "funnel" in methods and self.measure.kind != "rate":
            raise ModelError(
                f"The funnel needs a rate: a number of events out of a population for each "
                f"{self.unit_name}. Untick it, or make the measure a rate in step 1.")
        frame = self._frame()
        if len(frame) < 2:
            raise ModelError(f"There is only one {self.unit_name} in the data, so there is no "
                             "one to compare with. Add the others in step 1.")
        results = []
        for name in methods:
            try:
                result = run_method(name, frame, self.measure,
                                    **self.picker.settings_for(name))
            except ModelError as e:  # said in the words of the controls on the screen
                raise ModelError(plain_words(str(e), self.unit_name)) from e
            check_usable(result, self.unit_name)
            results.append(result)
        existing = {d.unit_id: d for d in inquiry.exceptions}
        candidates, found = combine_results(results, existing)
        chosen = self.picker.circumstances()
        who = self.page.who
        for r in results:
            record = r.as_analysis_run(by=who)
            # What the group chose, even where the method did not need it (the quartile
            # factor on a yes/no measure), so that a refreshed page shows the same choices.
            for key, value in self.picker.settings_for(r.method).items():
                record.settings.setdefault(key, value)
            if r.method != "funnel":
                record.settings["circumstances_chosen"] = list(chosen)
            if len(results) > 1:
                record.settings["run_together"] = list(methods)
            self.store.record_analysis(self.slug, record, by=who)
        self.store.set_candidates(self.slug, candidates, by=who)
        self.found, self._ran = found, True
        agreed = sum(1 for f in found.values() if len(f.methods) > 1)
        self.results.show(results, frame, chosen, agreed if len(results) > 1 else None,
                          rejected=self._rejected())
        self.refresh()
        k = len(found)
        self.picker.message.show(
            f"Found {k:,} possible positive {'exception' if k == 1 else 'exceptions'}: "
            "check each one with the group below." if k else
            "No one stood out this time. Try fewer circumstances, or a smaller number in "
            "“How far from the rest”.",
            "ok" if k else "info")
        return results

    def show_units(self) -> None:
        """Fill the group's list of units (id and outcome) to pick from."""
        from widgets.analysis.baseline import fmt_number

        frame = self._frame()
        ids = frame["unit_id"].astype(str)
        outcome = dict(zip(ids.tolist(), frame["outcome"].tolist(), strict=True))
        yes_no = self.measure.kind == "yes_no"

        def label(uid: str) -> str:
            y = outcome.get(uid)
            if y is None or y != y:
                return f"{uid} — no outcome"
            if yes_no:
                return f"{uid} — {'yes' if y == 1 else 'no'}"
            return f"{uid} — {fmt_number(y)}"

        self.group.load(ids.tolist(), label)

    def add_group_choice(self) -> list[str]:
        """Add the units the group ticked as candidates ("group-choice"), keeping the
        candidates the methods found; logs the choice. Returns the ids added."""
        from widgets.analysis.positive_exceptions import run_method

        chosen = self.group.chosen()
        if not chosen:
            raise ModelError(f"Tick at least one {self.unit_name} in the list first.")
        result = run_method("group-choice", self._frame(), self.measure, chosen_ids=chosen)
        ids = result.flagged_ids
        keep = with_group_choice(self._existing(), ids)
        for uid in ids:
            f = self.found.setdefault(uid, Found(explanation="Chosen by the group."))
            if "group-choice" not in f.methods:
                f.methods.append("group-choice")
        who = self.page.who
        self.store.record_analysis(
            self.slug, AnalysisRun("group-choice", dict(result.settings), ids, by=who), by=who)
        self.store.set_candidates(self.slug, keep, by=who)
        self.refresh()
        self.group.units.value = ()
        self.group.message.show(f"Added {', '.join(ids)} as "
                                f"{'a candidate' if len(ids) == 1 else 'candidates'}.", "ok")
        return ids

    def decide(self) -> ExceptionDecision:
        """Store the group's decision about the candidate chosen in the form, with the
        note, who (the page's "Who is recording") and when."""
        uid, status, note = self.candidates.form_values()
        prior = self.candidates.decisions.get(uid)
        who = self.page.who
        decision = ExceptionDecision(uid, status, methods=list(prior.methods) if prior else [],
                                     score=prior.score if prior else None, note=note,
                                     decided_by=who)
        self.store.set_exception(self.slug, decision, by=who)
        self.refresh()
        from widgets.model import EXCEPTION_STATUSES

        text = f"Saved: {uid} is marked “{EXCEPTION_STATUSES[status]}”."
        if not note.strip():
            text += " Add a note on why when you can: evidence for everything."
        self.candidates.message.show(text, "ok")
        return decision
