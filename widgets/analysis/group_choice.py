"""The group's own choice: the units the group knows manage to avoid the problem.

No statistics: the group ticks units by hand and exactly those are flagged. Registered as
``group-choice`` in :mod:`widgets.analysis.positive_exceptions`.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from widgets.analysis.method_result import MethodResult
from widgets.model import Measure, ModelError
from widgets.words import plural


def group_choice(frame: pd.DataFrame, chosen_ids: Iterable[str],
                 measure: Measure | None = None) -> MethodResult:
    """The group ticks units by hand: those it knows manage to avoid the problem.

    What it does: flags exactly the chosen units; no statistics. Assumptions: the group knows
    its community (Pascale, Sternin & Sternin, *The Power of Positive Deviance*, 2010: the
    community itself identifies its positive deviants). Ids not in the data are ignored with
    a warning. ``measure`` is accepted for a uniform signature and only used for words.
    """
    if not isinstance(frame, pd.DataFrame) or "unit_id" not in frame.columns:
        raise ModelError("There is no data with unit ids yet.")
    chosen = [str(c) for c in (chosen_ids or [])]
    unit = (measure.unit_name if measure else "") or "unit"
    ids = frame["unit_id"].astype(str).to_numpy(dtype=object)
    known = set(ids.tolist())
    unknown = [c for c in dict.fromkeys(chosen) if c not in known]
    warnings = []
    if unknown:
        shown = ", ".join(repr(u) for u in unknown[:5]) + (" …" if len(unknown) > 5 else "")
        warnings.append(f"{len(unknown):,} chosen {plural(unit, len(unknown))} "
                        f"{'is' if len(unknown) == 1 else 'are'} not in the data and "
                        f"{'was' if len(unknown) == 1 else 'were'} ignored: {shown}.")
    flagged = np.isin(ids, np.array(list(set(chosen)), dtype=object))
    n = len(frame)
    explanation = np.where(flagged, "Chosen by the group.", "Not chosen by the group.")
    outcome = (pd.to_numeric(frame["outcome"], errors="coerce").to_numpy(dtype="float64",
                                                                        na_value=np.nan)
               if "outcome" in frame.columns else np.full(n, np.nan))
    table = pd.DataFrame({
        "unit_id": frame["unit_id"].to_numpy(),
        "score": np.where(flagged, 1.0, np.nan),
        "expected": np.full(n, np.nan),
        "flagged": flagged,
        "explanation": pd.Series(explanation.astype(object), dtype=object),
        "group": pd.Series(np.full(n, None, dtype=object), dtype=object),
        "outcome": outcome,
    })
    table.index = frame.index
    if not flagged.any():
        warnings.append("Nobody has been chosen yet.")
    settings = {"chosen": sorted(set(chosen) & known)}
    return MethodResult("group-choice", table, warnings, settings)


