"""Finding positive exceptions: the registry of methods.

Every method is a pure function from a units table (``unit_id``, ``outcome``,
``population``, circumstance columns) to a :class:`~widgets.analysis.method_result.MethodResult`:
one row per unit with a score, the value expected for it (where the method has one), whether
it is flagged as a candidate positive exception, and a plain explanation. Nothing is confirmed
here: the group confirms or rejects each candidate (step 2,
:mod:`widgets.ui.step2.candidates`).

Methods (``METHODS``; run any of them with :func:`run_method`, and a recorded run again
with :func:`rerun`):

- ``group-choice``  the group ticks units by hand
  (:func:`widgets.analysis.group_choice.group_choice`);
- ``group-z``       best in similar circumstances, z-score within groups
  (:func:`widgets.analysis.similar_circumstances.best_in_similar_circumstances`);
- ``group-iqr``     the same groups, the quartile (IQR) rule;
- ``expected``      better than expected from a regression on the circumstances
  (:func:`widgets.analysis.better_than_expected.better_than_expected`);
- ``funnel``        rates with small numbers, funnel limits
  (:func:`widgets.analysis.funnel.funnel`).

The top of the analysis package's one-way chain: this module imports the method modules,
they import :mod:`widgets.analysis.method_result`, and none of them imports this one. Unknown
methods or settings raise :class:`widgets.model.ModelError` with a plain message.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import Any

import pandas as pd

from widgets.analysis.better_than_expected import better_than_expected
from widgets.analysis.funnel import funnel
from widgets.analysis.group_choice import group_choice
from widgets.analysis.method_result import MethodResult
from widgets.analysis.methods import METHODS  # kept light for screens; re-exported here
from widgets.analysis.similar_circumstances import best_in_similar_circumstances
from widgets.model import AnalysisRun, Measure, ModelError

__all__ = ["METHODS", "rerun", "run_method"]


def _functions() -> dict[str, tuple[Any, dict[str, Any]]]:
    """name -> (the method's function, the settings the name fixes)."""
    return {
        "group-choice": (group_choice, {}),
        "group-z": (best_in_similar_circumstances, {"rule": "z"}),
        "group-iqr": (best_in_similar_circumstances, {"rule": "iqr"}),
        "expected": (better_than_expected, {}),
        "funnel": (funnel, {}),
    }


def run_method(name: str, frame: pd.DataFrame, measure: Measure, **settings: Any) -> MethodResult:
    """Run the method called ``name`` (a key of :data:`METHODS`) with the given settings.

    ``group-choice`` takes ``chosen_ids``; ``group-z`` and ``group-iqr`` take
    ``circumstances`` and the options of ``best_in_similar_circumstances`` (threshold, bands,
    min_group, iqr_factor, rare_share; not ``rule``); ``expected`` takes ``circumstances``,
    ``threshold`` and ``overdispersion``; ``funnel`` takes ``limits``, ``exact``,
    ``overdispersion`` and ``flag_at``. Unknown names or settings raise
    :class:`ModelError` with a plain message.
    """
    functions = _functions()
    if name not in functions:
        raise ModelError(f"There is no method called {name!r}.")
    func, fixed = functions[name]
    params = inspect.signature(func).parameters
    unknown = [k for k in settings if k not in params or k in fixed]
    if unknown:
        raise ModelError(f"The method {METHODS[name][0]!r} has no setting called "
                         f"{unknown[0]!r}.")
    if name == "group-choice":
        return group_choice(frame, settings.get("chosen_ids", []), measure)
    result = func(frame, measure, **fixed, **settings)
    result.method = name
    return result


def rerun(run: AnalysisRun, frame: pd.DataFrame, measure: Measure) -> MethodResult:
    """Run a recorded method again on ``frame`` with the settings recorded in ``run``.

    Used to redraw what an earlier run found (for example in the report). Only the recorded
    settings the method takes are passed on: the record also holds what the run found
    (``flagged``, ``model``, ``dispersion``…). For ``group-choice`` the recorded ``chosen``
    units are chosen again. Raises :class:`ModelError` with a plain message when the method
    no longer exists or its settings no longer fit the data (a circumstance column gone,
    outcomes that changed kind…).
    """
    if not isinstance(run, AnalysisRun) or not run.method:
        raise ModelError("There is no recorded run to repeat.")
    functions = _functions()
    name = run.method
    if name not in functions:
        raise ModelError(f"The recorded method {name!r} is not available any more, so that "
                         "run cannot be repeated.")
    title = METHODS[name][0]
    recorded = dict(run.settings or {})
    if name == "group-choice":
        chosen = recorded.get("chosen") or []
        if isinstance(chosen, str) or not isinstance(chosen, Iterable):
            raise ModelError(f"The recorded run of {title!r} has no list of chosen units.")
        return run_method(name, frame, measure, chosen_ids=list(chosen))
    func, fixed = functions[name]
    accepted = inspect.signature(func).parameters
    settings = {k: v for k, v in recorded.items()
                if k in accepted and k not in fixed and k not in ("frame", "measure")}
    try:
        return run_method(name, frame, measure, **settings)
    except ModelError as problem:
        raise ModelError(f"The recorded run of {title!r} cannot be repeated. {problem}") \
            from problem
    except (TypeError, ValueError) as problem:  # a recorded setting of the wrong type
        raise ModelError(f"The recorded settings of {title!r} no longer fit, so that run "
                         "cannot be repeated; run the method again.") from problem
