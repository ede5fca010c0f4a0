"""Step 2 decisions: the candidate table, and the group's decision about each candidate.

Nothing is confirmed automatically (DESIGN.md §5): for each candidate the group says
"confirm", "not an exception" or "not sure" and writes why, with the check question beside
the note. The table is escaped HTML: unit, score, expected, why it was picked, the methods
that picked it, and the current decision with its note, who and when.
"""

from __future__ import annotations

import html
import math

import ipywidgets as ipw

from widgets.analysis.candidates import Found
from widgets.model import EXCEPTION_STATUSES, ExceptionDecision, Measure, ModelError
from widgets.ui.errors import Message
from widgets.ui.status import local_time_text
from widgets.ui.step2.method_picker import method_title, plain_words
from widgets.ui.styles import label_above, scroll_table
from widgets.words import id_order

CHECK_QUESTION = "Do they have something the others don't — outside help, money, a service?"

#: The buttons: words shown -> status stored.
DECISIONS = [("Confirm", "confirmed"), ("Not an exception", "rejected"),
             ("Not sure", "unsure")]

#: Candidates still to check come first in the table.
STATUS_ORDER = {"candidate": 0, "unsure": 1, "confirmed": 2, "rejected": 3}

MAX_ROWS = 300  # more rows than this in a table help nobody in a room


def _num(value: float | None) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) or math.isinf(value) else value


def score_text(value: float | None) -> str:
    """A score for people: one decimal, '–' when there is none."""
    v = _num(value)
    return "–" if v is None else f"{v:.1f}"


def expected_text(value: float | None, measure: Measure) -> str:
    """The expected value on the outcome's scale (a chance in % for yes/no measures)."""
    from widgets.analysis.baseline import fmt_number

    v = _num(value)
    if v is None:
        return "–"
    if measure.kind == "yes_no":
        from widgets.words import percent

        return percent(v, 0)
    return fmt_number(v)


def sort_key(decision: ExceptionDecision, found: dict[str, Found]):
    """Still to check first; then those picked by most methods; then the best score."""
    f = found.get(decision.unit_id)
    methods = len(f.methods) if f else len(decision.methods)
    score = _num(f.score if f else decision.score)
    return (STATUS_ORDER.get(decision.status, 9), -methods,
            -(score if score is not None else -math.inf), id_order(decision.unit_id))


def decision_html(d: ExceptionDecision) -> str:
    """The current decision, its note, who and when (all escaped)."""
    words = EXCEPTION_STATUSES.get(d.status, d.status)
    out = f'<span class="hi-status hi-status-{html.escape(d.status)}">{html.escape(words)}</span>'
    if d.note:
        note = html.escape(d.note).replace("\n", "<br>")
        out += f'<div class="hi-note">{note}</div>'
    if d.decided_by and d.status != "candidate":
        when = local_time_text(d.decided_at)
        out += (f'<div class="hi-decided">by {html.escape(d.decided_by)}'
                f"{', ' + html.escape(when) if when else ''}</div>")
    return out


def candidates_table_html(decisions: list[ExceptionDecision], found: dict[str, Found],
                          measure: Measure, thresholds: dict[str, float] | None = None) -> str:
    """The candidate table as escaped HTML ('' explanation when not run this session).
    ``thresholds``: the settings the scores were judged by (see :func:`score_legend`)."""
    from widgets.words import plural

    if not decisions:
        return (f"<p class='hi-empty'>No candidates yet: find positive exceptions above, or "
                f"let the group pick {html.escape(plural(measure.unit_name))} by hand.</p>")
    rows = []
    ordered = sorted(decisions, key=lambda d: sort_key(d, found))
    for d in ordered[:MAX_ROWS]:
        f = found.get(d.unit_id)
        methods = f.methods if f and f.methods else d.methods
        methods_text = ", ".join(dict.fromkeys(method_title(m) for m in methods)) or "–"
        explanation = f.explanation if f else ""
        why = (html.escape(plain_words(explanation, measure.unit_name)).replace("\n", "<br>")
               if explanation else "–")
        rows.append(
            f'<tr class="hi-candidate-row" data-unit="{html.escape(d.unit_id)}">'
            f"<td>{html.escape(d.unit_id)}</td>"
            f"<td>{score_text(f.score if f else d.score)}</td>"
            f"<td>{html.escape(expected_text(f.expected, measure) if f else '–')}</td>"
            f"<td>{why}</td>"
            f"<td>{html.escape(methods_text)}</td>"
            f"<td>{decision_html(d)}</td></tr>")
    more = ""
    if len(ordered) > MAX_ROWS:
        more = (f"<p class='hi-method-line'>The first {MAX_ROWS} of {len(ordered):,} are "
                "shown; a larger number in “How far from the rest” gives fewer.</p>")
    unit = html.escape(measure.unit_name.strip().capitalize() or "Unit")
    hint = ""
    if any(d.unit_id not in found for d in ordered[:MAX_ROWS]):
        hint = ("<p class='hi-method-line hi-why-hint'>Press “Find positive exceptions” to "
                "see why each one was picked.</p>")
    shown = ordered[:MAX_ROWS]
    methods = {m for d in shown for m in
               ((found[d.unit_id].methods if d.unit_id in found and found[d.unit_id].methods
                 else d.methods) or [])}
    table = (f'<table class="hi-table hi-candidates"><thead><tr>'
             f"<th>{unit}</th><th>Score</th><th>Expected</th><th>Why it was picked</th>"
             "<th>Found by</th><th>Decision</th></tr></thead>"
             f"<tbody>{''.join(rows)}</tbody></table>")
    return (f"{hint}{scroll_table(table, 'Candidates')}"
            f"{score_legend(measure, methods, thresholds)}{more}")


#: The settings the legend assumes when it is not told (the controls' defaults, and the
#: share below which a good yes/no answer counts as rare in ``similar_circumstances``).
DEFAULT_THRESHOLDS = {"threshold": 2.0, "iqr_factor": 1.5, "flag_at": 0.95, "rare_share": 0.3}


def score_legend(measure: Measure, methods: set[str] | None = None,
                 thresholds: dict[str, float] | None = None) -> str:
    """What "Score" means under the table, for the methods that picked the candidates shown,
    in the words of the controls ("How far from the rest").

    One vocabulary: a score is how far a unit is from the rest, and a unit "stands out" at
    the number chosen in “How far from the rest”. The exception is a yes/no measure with
    "best in similar circumstances": a 0/1 answer has no distance to choose, so that method
    picks those with the good answer where it is rare (30 % or fewer in similar
    circumstances); their score only ranks them (about 1.5 at 30 %, 2 at 20 %), and the
    legend says so, so that a 1.7 is not read as "below 2, does not stand out".
    """
    from widgets.ui.step2.method_picker import IQR_LABEL, THRESHOLD_LABEL
    from widgets.words import percent, plural

    t = dict(DEFAULT_THRESHOLDS)
    for key, value in (thresholds or {}).items():
        v = _num(value)
        if v is not None and v > 0:
            t[key] = v
    names = {_alias(m) for m in (methods or {"group-z", "expected"})}
    units = plural(measure.unit_name or "unit")
    yes_no = measure.kind == "yes_no"
    far = THRESHOLD_LABEL.split(" (")[0]  # "How far from the rest"
    parts = [f"Score: how far from the rest of similar {units}, in standard deviations "
             "(higher is further)."]
    by_distance = [method_title(m) for m in ("group-z", "expected") if m in names
                   and not (m == "group-z" and yes_no)]
    if by_distance:
        parts.append(f"{' and '.join(f'“{x}”' for x in by_distance)}: stands out at "
                     f"{_plain(t['threshold'])} or more (“{far}”).")
    if "group-iqr" in names and not yes_no:
        parts.append(f"“{method_title('group-iqr')}”: the score counts how many times the "
                     "spread of the middle half of their group they are beyond its usual "
                     f"range; stands out beyond {_plain(t['iqr_factor'])} (“{IQR_LABEL}”).")
    if "funnel" in names:
        level = t["flag_at"]
        z = 1.96 if abs(level - 0.95) < 1e-9 else 3.09 if abs(level - 0.998) < 1e-9 else None
        about = f", a score of about {_plain(z)}" if z is not None else ""
        parts.append(f"“{method_title('funnel')}”: stands out beyond the {percent(level)} "
                     f"limit{about}.")
    if yes_no and names & {"group-z", "group-iqr"}:
        rare = min(max(t["rare_share"], 0.01), 0.99)
        at_rare = math.sqrt((1 - rare) / rare)
        parts.append(f"On a yes/no measure “{method_title('group-z')}” does not use “{far}”: "
                     f"it picks {units} with the good answer where {percent(rare, 0)} or "
                     f"fewer of similar {units} have it, whatever their score. Their score "
                     f"only says how rare that is: {_plain(round(at_rare, 1))} where "
                     f"{percent(rare, 0)} have it, 2 where {percent(0.2, 0)} do, 3 where "
                     f"{percent(0.1, 0)} do.")
    if "group-choice" in names:
        parts.append("Chosen by the group: no score.")
    parts.append("Expected: what their circumstances would lead us to expect.")
    return (f"<p class='hi-method-line hi-score-legend'>{html.escape(' '.join(parts))}</p>")


def _plain(value: float) -> str:
    """2.0 -> "2", 1.96 -> "1.96" (no pandas: the legend is drawn while the page loads)."""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _alias(name: str) -> str:
    from widgets.ui.step2.method_picker import ALIASES

    return ALIASES.get(name, name)


class CandidatesPanel:
    """The candidate table and the decision form.

    Parts tests drive: ``table`` (HTML), ``unit`` (Dropdown of candidate ids),
    ``decision`` (ToggleButtons: confirmed / rejected / unsure), ``note`` (Textarea),
    ``save_button``, ``message``. ``form_values()`` reads the form (or raises a plain
    :class:`ModelError`); ``refresh(decisions, found)`` redraws from the store's values.
    """

    def __init__(self, measure: Measure):
        self.measure = measure
        #: The settings the scores were judged by (set by the step 2 view from its controls).
        self.thresholds: dict[str, float] = {}
        self.decisions: dict[str, ExceptionDecision] = {}
        self.table = ipw.HTML("")
        self.table.add_class("hi-candidates-box")
        self.unit = ipw.Dropdown(options=[], description="Candidate",
                                 layout=ipw.Layout(width="30em"))
        self.unit.add_class("hi-decide-unit")
        self.decision = ipw.ToggleButtons(options=DECISIONS, value=None,
                                          style={"button_width": "auto"})
        self.decision.add_class("hi-decide-status")
        self.note = ipw.Textarea(placeholder="Why? What did the group find out? (evidence)",
                                 layout=ipw.Layout(width="30em", height="7em"))
        self.note.add_class("hi-decide-note")
        label_above(self.note, "The group's evidence")
        question = ipw.HTML(f'<div class="hi-card hi-check-question"><strong>Check before '
                            f"confirming:</strong><p>{html.escape(CHECK_QUESTION)}</p>"
                            "<p>If they do, it is not something others could copy: “not an "
                            "exception”.</p></div>",
                            layout=ipw.Layout(max_width="26em"))
        self.save_button = ipw.Button(description="Save the decision", button_style="primary",
                                      layout=ipw.Layout(width="auto", flex="0 0 auto"))
        self.save_button.add_class("hi-decide-save")
        self.message = Message()
        self.message.add_class("hi-decide-message")
        self.unit.observe(lambda _c: self._load_form(), "value")
        self.form = ipw.VBox([
            ipw.HTML("<h3>Decide about a candidate</h3>"),
            self.unit, self.decision,
            ipw.HBox([self.note, question],
                     layout=ipw.Layout(flex_flow="row wrap")).add_class("hi-row"),
            ipw.HBox([self.save_button, self.message],
                     layout=ipw.Layout(align_items="center")).add_class("hi-row"),
            ipw.HTML("<p class='hi-method-line'>Saved with the name in “Who is recording” "
                     "at the top of the page, and the time.</p>"),
        ])
        self.form.add_class("hi-decide")
        self.widget = ipw.VBox([
            ipw.HTML("<h2>3. Check each candidate with the group</h2><p>Nothing is confirmed "
                     "automatically. Is each one real, or explained by something the others "
                     "do not have? Write down why.</p>"),
            self.table, self.form,
        ])
        self.widget.add_class("hi-section")
        self.widget.add_class("hi-candidates-panel")

    def refresh(self, decisions: list[ExceptionDecision], found: dict[str, Found]) -> None:
        """Redraw the table and the choice of candidates (keeping the one chosen)."""
        self.decisions = {d.unit_id: d for d in decisions}
        self.table.value = candidates_table_html(decisions, found, self.measure,
                                                 self.thresholds)
        # The same candidates as the table shows (a list of thousands helps nobody).
        ordered = sorted(decisions, key=lambda d: sort_key(d, found))[:MAX_ROWS]
        options = [(f"{d.unit_id} — {EXCEPTION_STATUSES.get(d.status, d.status)}", d.unit_id)
                   for d in ordered]
        current = self.unit.value
        self.unit.options = options
        ids = [v for _l, v in options]
        self.unit.value = current if current in ids else (ids[0] if ids else None)
        self._load_form()
        self.form.layout.display = None if options else "none"

    def _load_form(self) -> None:
        d = self.decisions.get(self.unit.value) if self.unit.value is not None else None
        self.decision.value = d.status if d and d.status in dict(
            (v, k) for k, v in DECISIONS) else None
        self.note.value = d.note if d else ""

    def form_values(self) -> tuple[str, str, str]:
        """(unit id, status, note) from the form; a plain :class:`ModelError` if incomplete."""
        if self.unit.value is None:
            raise ModelError("There is no candidate to decide about yet.")
        if self.decision.value is None:
            raise ModelError("Choose “Confirm”, “Not an exception” or “Not sure” first.")
        return str(self.unit.value), str(self.decision.value), self.note.value
