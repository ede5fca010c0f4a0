"""Step 2 controls: which way(s) to look for positive exceptions, the circumstances to
compare on and how far from the rest a unit must be; and the group's own choice by hand.

Plain words only: "families in similar circumstances", never "strata". The one-line
explanation of each method comes from ``widgets.analysis.positive_exceptions.METHODS``.
Nothing here runs a method or touches the store: the step module does, when the run button
is clicked.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable
from typing import Any

import ipywidgets as ipw

from widgets.model import AnalysisRun, Measure, ModelError
from widgets.ui.errors import Message
from widgets.words import PERCENT

#: The methods offered as checkboxes ("group-choice" has its own section).
LOOKING_METHODS = ("group-z", "group-iqr", "expected", "funnel")

#: Method names older inquiries (and the examples) used in their evidence trail.
ALIASES = {
    "similar_circumstances": "group-z",
    "best_in_similar_circumstances": "group-z",
    "better_than_expected": "expected",
    "group_choice": "group-choice",
}

DEFAULT_THRESHOLD = 2.0  # standard deviations: the DPPD handbook's usual cut-off
DEFAULT_IQR_FACTOR = 1.5  # Tukey's fences
FUNNEL_LIMITS = [(f"95{PERCENT} limit (about 2 standard deviations)", 0.95),
                 (f"99.8{PERCENT} limit (about 3 standard deviations)", 0.998)]

WIDE = {"description_width": "initial"}


#: Titles said on screen where the analysis package's own title names the statistics.
PLAIN_TITLES = {"group-iqr": "Far above the rest of their group"}

#: The words of the controls, used again in messages so that they name what people see.
THRESHOLD_LABEL = "How far from the rest (standard deviations)"
IQR_LABEL = "How far beyond the usual range of their group"

# Statistics words that the analysis functions use in their notes, warnings and messages,
# and what they mean for the people in the room: plain language everywhere (checked by
# tests/test_ui_step2_view.py, test_no_statistics_words_on_screen_after_a_run).
_PLAIN = [
    (re.compile(r"Expected values from an? [\w-]+ regression on the chosen circumstances\.?"),
     "Each {one} is compared with what their circumstances would lead us to expect."),
    (re.compile(r"\b(?:linear|logistic|binomial|Poisson) regression\b"),
     "comparison with what their circumstances would lead us to expect"),
    (re.compile(r"\bBest in similar circumstances \(quartile rule\)"),
     PLAIN_TITLES["group-iqr"]),
    (re.compile(r"\bthe quartile rule\b"), f"“{PLAIN_TITLES['group-iqr']}”"),
    (re.compile(r"\bquartile rule\b", re.I), f"“{PLAIN_TITLES['group-iqr']}”"),
    (re.compile(r"\bThe quartile factor\b"), f"“{IQR_LABEL}”"),
    (re.compile(r"\bThe threshold\b"), f"“{THRESHOLD_LABEL}”"),
    (re.compile(r"\ba lower threshold\b"), "a smaller number in “How far from the rest”"),
    (re.compile(r"\bthreshold\b"), "“How far from the rest”"),
]


def plain_words(text: str, unit_name: str = "") -> str:
    """``text`` from an analysis function with its statistics words put plainly ("logistic
    regression" -> "compared with what their circumstances would lead us to expect")."""
    one = (unit_name or "unit").strip() or "unit"
    for pattern, words in _PLAIN:
        text = pattern.sub(words.replace("{one}", one), text)
    return text


def method_words() -> dict[str, tuple[str, str]]:
    """name -> (title, one plain line), from the analysis package's light list of methods,
    with the plain titles of :data:`PLAIN_TITLES`."""
    from widgets.analysis.methods import METHODS

    return {name: (PLAIN_TITLES.get(name, title), line)
            for name, (title, line) in METHODS.items()}


def method_title(name: str) -> str:
    """The plain title of a method, also for old names in the evidence trail."""
    name = ALIASES.get(name, name)
    return method_words().get(name, (name.replace("_", " "), ""))[0]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return None if math.isnan(value) or math.isinf(value) else float(value)


class MethodPicker:
    """The "how to look" controls.

    Parts tests drive: ``method_boxes`` (name -> Checkbox), ``circumstance_boxes``
    (column -> Checkbox), ``threshold``, ``iqr_factor``, ``funnel_limit``, ``run_button``,
    ``message``. ``methods()``, ``circumstances()`` and ``settings_for(name)`` read them.
    """

    def __init__(self, measure: Measure, context_columns: list[str]):
        self.measure = measure
        self.context_columns = list(context_columns)
        words = method_words()
        self.method_boxes: dict[str, ipw.Checkbox] = {}
        rows = []
        for name in LOOKING_METHODS:
            title, line = words[name]
            if name == "funnel" and measure.kind != "rate":
                line += " Only for a rate (events out of a population)."
            box = ipw.Checkbox(value=False, description=title, indent=False,
                               layout=ipw.Layout(width="auto"))
            box.add_class("hi-method")
            box.add_class(f"hi-method-{name}")
            box.observe(lambda _c: self._show_options(), "value")
            self.method_boxes[name] = box
            explain = ipw.HTML(f'<span class="hi-method-line">{html.escape(line)}</span>')
            rows.append(ipw.VBox([box, explain], layout=ipw.Layout(margin="0 0 0.4em 0")))

        self.circumstance_boxes: dict[str, ipw.Checkbox] = {}
        for col in self.context_columns:
            box = ipw.Checkbox(value=True, description=str(col), indent=False,
                               layout=ipw.Layout(width="auto"))
            box.add_class("hi-circumstance")
            self.circumstance_boxes[col] = box
        units = _plural(measure.unit_name)
        if self.circumstance_boxes:
            circ_intro = (f"Compare {units} in similar circumstances. Which circumstances "
                          "matter?")
            circ_row: ipw.Widget = ipw.HBox(list(self.circumstance_boxes.values()),
                                            layout=ipw.Layout(flex_flow="row wrap"))
            circ_row.add_class("hi-circumstances")
        else:
            circ_intro = (f"There are no circumstances in the data yet (such as income or "
                          f"housing), so {units} cannot be compared with others in similar "
                          "circumstances. Add them in step 1.")
            circ_row = ipw.HBox()
        self.circumstance_help = ipw.HTML(f"<p>{html.escape(circ_intro)}</p>")

        self.threshold = ipw.FloatText(
            value=DEFAULT_THRESHOLD, step=0.5, style=WIDE, layout=ipw.Layout(width="30em"),
            description=THRESHOLD_LABEL)
        self.threshold.add_class("hi-threshold")
        self.iqr_factor = ipw.FloatText(
            value=DEFAULT_IQR_FACTOR, step=0.5, style=WIDE, layout=ipw.Layout(width="30em"),
            description=IQR_LABEL)
        self.iqr_factor.add_class("hi-iqr-factor")
        self.funnel_limit = ipw.Dropdown(options=FUNNEL_LIMITS, value=0.95, style=WIDE,
                                         description="Funnel: flag beyond the",
                                         layout=ipw.Layout(width="30em"))
        self.funnel_limit.add_class("hi-funnel-limit")
        self.yes_no_note = ipw.HTML("")
        if measure.kind == "yes_no":
            self.yes_no_note.value = (
                "<p class='hi-method-line'>For a yes/no measure, “best in similar "
                f"circumstances” picks {html.escape(units)} with the good answer where "
                f"30{PERCENT} or fewer of those in similar circumstances have it, whatever its "
                "score (so “How far from the rest” does not apply to it).</p>")

        self.run_button = ipw.Button(description="Find positive exceptions",
                                     button_style="primary", icon="search",
                                     layout=ipw.Layout(width="auto", flex="0 0 auto"))
        self.run_button.add_class("hi-run")
        self.message = Message()
        self.message.add_class("hi-run-message")
        self.widget = ipw.VBox([
            ipw.HTML("<h2>1. Choose how to look</h2><p>Tick one way, or several: "
                     f"{html.escape(units)} picked by more than one come first.</p>"),
            ipw.VBox(rows),
            self.circumstance_help, circ_row,
            self.threshold, self.iqr_factor, self.funnel_limit, self.yes_no_note,
            ipw.HBox([self.run_button, self.message],
                     layout=ipw.Layout(align_items="center")).add_class("hi-row"),
        ])
        self.widget.add_class("hi-section")
        self.widget.add_class("hi-method-picker")
        self._show_options()

    # ------------------------------------------------------------------ reading

    def methods(self) -> list[str]:
        """The ticked methods, in the order they are shown."""
        return [n for n, box in self.method_boxes.items() if box.value]

    def circumstances(self) -> list[str]:
        """The ticked circumstances, in the data's order."""
        return [c for c, box in self.circumstance_boxes.items() if box.value]

    def check(self) -> None:
        """A plain :class:`ModelError` naming the control, for a number that cannot work."""
        chosen = set(self.methods())
        for used, box, words in (("group-z" in chosen or "expected" in chosen,
                                  self.threshold, THRESHOLD_LABEL),
                                 ("group-iqr" in chosen, self.iqr_factor, IQR_LABEL)):
            value = _number(box.value)
            if used and box.layout.display != "none" and (value is None or value <= 0):
                raise ModelError(f"“{words}” must be a number above 0.")

    def settings_for(self, name: str) -> dict[str, Any]:
        """Keyword settings for ``run_method(name, ...)`` from the controls."""
        if name == "funnel":
            return {"flag_at": float(self.funnel_limit.value)}
        settings: dict[str, Any] = {"circumstances": self.circumstances()}
        if name == "group-iqr":
            settings["iqr_factor"] = float(self.iqr_factor.value)
        else:
            settings["threshold"] = float(self.threshold.value)
        return settings

    # ------------------------------------------------------------------ restoring

    def restore(self, runs: list[AnalysisRun]) -> None:
        """Set the controls as the last run left them (a refreshed page starts a new
        kernel: the evidence trail in the store remembers the settings)."""
        looking = [r for r in runs if ALIASES.get(r.method, r.method) in LOOKING_METHODS]
        if not looking:
            default = "funnel" if self.measure.kind == "rate" else "group-z"
            for name, box in self.method_boxes.items():
                box.value = name == default
            return
        last = looking[-1]
        settings = last.settings if isinstance(last.settings, dict) else {}
        together = settings.get("run_together")
        names = [ALIASES.get(str(n), str(n)) for n in together] \
            if isinstance(together, list) else [ALIASES.get(last.method, last.method)]
        for name, box in self.method_boxes.items():
            box.value = name in names
        # Circumstances: from the latest run that had any (the funnel uses none).
        for run in reversed(looking):
            s = run.settings if isinstance(run.settings, dict) else {}
            chosen = s.get("circumstances_chosen", s.get("circumstances"))
            if isinstance(chosen, list) and chosen:
                for col, box in self.circumstance_boxes.items():
                    box.value = col in chosen
                break
        for run in reversed(looking):
            s = run.settings if isinstance(run.settings, dict) else {}
            value = _number(s.get("threshold"))
            if value is not None and ALIASES.get(run.method, run.method) != "funnel":
                self.threshold.value = value
                break
        for run in reversed(looking):
            s = run.settings if isinstance(run.settings, dict) else {}
            if _number(s.get("iqr_factor")) is not None:
                self.iqr_factor.value = float(s["iqr_factor"])
                break
        for run in reversed(looking):
            s = run.settings if isinstance(run.settings, dict) else {}
            flag_at = _number(s.get("flag_at"))
            if flag_at is not None:
                for _label, level in FUNNEL_LIMITS:
                    if math.isclose(level, flag_at):
                        self.funnel_limit.value = level
                break

    def _show_options(self) -> None:
        # Only the options that matter for the ticked methods take room on the screen.
        # For a yes/no measure the group methods use the rare-share rule (said beside them),
        # so the standard deviations and the quartile factor only matter elsewhere.
        chosen = set(self.methods())
        yes_no = self.measure.kind == "yes_no"
        uses_sd = "expected" in chosen or ("group-z" in chosen and not yes_no)
        self.threshold.layout.display = None if uses_sd else "none"
        self.iqr_factor.layout.display = None if "group-iqr" in chosen and not yes_no \
            else "none"
        self.funnel_limit.layout.display = None if "funnel" in chosen else "none"
        self.yes_no_note.layout.display = (None if chosen & {"group-z", "group-iqr"}
                                           and self.measure.kind == "yes_no" else "none")


def _plural(unit_name: str) -> str:
    from widgets.words import plural

    return plural(unit_name or "unit")


class GroupChoice:
    """The group ticks units by hand ("we know a family that manages").

    The list of units loads when asked (``load(frame)``), so the page opens fast. Parts
    tests drive: ``show_button``, ``filter``, ``units`` (SelectMultiple of unit ids),
    ``add_button``, ``message``; ``chosen()`` gives the ticked ids.
    """

    MAX_SHOWN = 500  # a longer list helps nobody; the filter narrows it

    def __init__(self, measure: Measure):
        units = _plural(measure.unit_name)
        self.all_ids: list[str] = []
        self.label: Callable[[str], str] = str
        self.show_button = ipw.Button(description=f"Show the {units} to pick from",
                                      icon="list", layout=ipw.Layout(width="auto"))
        self.show_button.add_class("hi-group-show")
        self.filter = ipw.Text(placeholder="part of an id", description="Find",
                               style=WIDE, layout=ipw.Layout(width="22em"))
        self.filter.add_class("hi-group-filter")
        self.units = ipw.SelectMultiple(options=[], rows=10, description="",
                                        layout=ipw.Layout(width="34em"))
        self.units.add_class("hi-group-units")
        self.add_button = ipw.Button(description="Add the chosen as candidates",
                                     layout=ipw.Layout(width="auto", flex="0 0 auto"))
        self.add_button.add_class("hi-group-add")
        self.message = Message()
        self.message.add_class("hi-group-message")
        self.count = ipw.HTML("")
        self.picker = ipw.VBox([
            self.filter, self.units, self.count,
            ipw.HTML("<p class='hi-method-line'>Hold Ctrl (or ⌘) to choose several.</p>"),
            ipw.HBox([self.add_button, self.message],
                     layout=ipw.Layout(align_items="center")).add_class("hi-row"),
        ], layout=ipw.Layout(display="none"))
        self.filter.observe(lambda _c: self._refill(), "value")
        line = html.escape(method_words()["group-choice"][1])
        self.widget = ipw.VBox([
            ipw.HTML(f"<h3>Or: the group picks them</h3><p>{line}</p>"),
            ipw.HBox([self.show_button]), self.picker,
        ])
        self.widget.add_class("hi-group-choice")

    def load(self, ids: list[str], label: Callable[[str], str] | None = None) -> None:
        """Fill the list with unit ids and show it. ``label(id)`` gives the words shown for
        a unit (only called for the units in view, so a million ids cost little)."""
        self.all_ids = [str(i) for i in ids]
        self.label = label or str
        # Narrow the list as people type, unless the list is so long that every key would wait.
        self.filter.continuous_update = len(self.all_ids) <= 20_000
        self._refill()
        self.picker.layout.display = None
        self.show_button.layout.display = "none"

    def chosen(self) -> list[str]:
        """The ticked unit ids."""
        return [str(v) for v in self.units.value]

    def _refill(self) -> None:
        needle = self.filter.value.strip().lower()
        keep = [i for i in self.all_ids if needle in i.lower()] if needle else self.all_ids
        chosen = list(self.units.value)
        shown = keep[: self.MAX_SHOWN]
        visible = set(shown)
        extra = [c for c in chosen if c not in visible]  # never lose a ticked one from view
        options = [(self.label(i), i) for i in extra + shown]
        self.units.options = options
        ticked = set(chosen)
        self.units.value = tuple(v for _label, v in options if v in ticked)
        more = len(keep) - len(shown)
        self.count.value = (f"<p class='hi-method-line'>{more:,} more not shown: type part of "
                            "an id to narrow the list.</p>" if more > 0 else "")
