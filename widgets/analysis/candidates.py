"""Step 2's candidates: from what one or more methods found to the list of candidate
positive exceptions the group then checks.

Pure functions on :class:`~widgets.analysis.method_result.MethodResult` objects and the
stored :class:`~widgets.model.ExceptionDecision` records; the screen
(:mod:`widgets.ui.step2`) stores what they return. Nothing is confirmed here: the group
confirms or rejects each candidate.

- :func:`combine_results` the candidates from one run of one or more methods, keeping the
  group's own picks;
- :func:`with_group_choice` the candidates after the group adds units by hand, keeping the
  methods' candidates;
- :func:`check_usable` refuses a run that could not compare anybody.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from widgets.model import ExceptionDecision, ModelError
from widgets.words import plural

if TYPE_CHECKING:  # the step 2 screen imports this module while the page loads: no pandas
    from widgets.analysis.method_result import MethodResult

#: The method name of the group's own picks.
GROUP_CHOICE = "group-choice"


@dataclass
class Found:
    """What the latest run in this session said about one unit (not stored: a refreshed
    page shows the stored candidates without it until the methods run again)."""

    score: float | None = None
    expected: float | None = None
    explanation: str = ""
    methods: list[str] = field(default_factory=list)


def combine_results(results: Sequence[MethodResult], existing: dict[str, ExceptionDecision]
                    ) -> tuple[list[ExceptionDecision], dict[str, Found]]:
    """The candidates to store from one run of one or more methods, and what each method
    said about them (for the table).

    A unit flagged by several methods lists them all; its score is the best of theirs
    (scores are standardised, but on each method's own scale). The group's own picks
    ("group-choice") stay candidates whatever the methods find.
    """
    found: dict[str, Found] = {}
    for r in results:
        flagged = r.flagged_table()
        ids = flagged["unit_id"].astype(str).to_numpy()
        scores = flagged["score"].to_numpy(dtype="float64")
        expected = flagged["expected"].to_numpy(dtype="float64")
        explanations = flagged["explanation"].to_numpy()
        for uid, score, exp, why in zip(ids, scores, expected, explanations, strict=True):
            f = found.setdefault(str(uid), Found())
            f.methods.append(r.method)
            if score == score and (f.score is None or score > f.score):  # NaN: no score
                f.score = float(score)
                f.expected = float(exp) if exp == exp else None
            text = str(why)
            if text not in f.explanation:  # one line per method that picked the unit
                f.explanation = f"{f.explanation}\n{text}".strip()
    candidates = []
    for uid, f in found.items():
        prior = existing.get(uid)
        methods = list(f.methods)
        if prior is not None and GROUP_CHOICE in prior.methods:
            methods.append(GROUP_CHOICE)
        candidates.append(ExceptionDecision(uid, methods=methods, score=f.score))
    for uid, d in existing.items():
        if uid not in found and d.status == "candidate" and GROUP_CHOICE in d.methods:
            candidates.append(ExceptionDecision(uid, methods=list(d.methods), score=d.score))
    return candidates, found


def with_group_choice(existing: dict[str, ExceptionDecision], chosen: Sequence[str]
                      ) -> list[ExceptionDecision]:
    """The candidates to store after the group adds the units ``chosen`` by hand.

    The undecided candidates the methods found stay, as they are; each chosen unit becomes
    (or stays) a candidate with "group-choice" among its methods and keeps the score a method
    gave it. The list is for ``Store.set_candidates``, which keeps the decision of a chosen
    unit the group already decided about (only its methods change).
    """
    picked = list(dict.fromkeys(str(u) for u in chosen))
    keep = [ExceptionDecision(d.unit_id, methods=list(d.methods), score=d.score)
            for d in existing.values() if d.status == "candidate" and d.unit_id not in picked]
    for uid in picked:
        prior = existing.get(uid)
        methods = list(prior.methods) if prior else []
        if GROUP_CHOICE not in methods:
            methods.append(GROUP_CHOICE)
        keep.append(ExceptionDecision(uid, methods=methods,
                                      score=prior.score if prior else None))
    return keep


def check_usable(result: MethodResult, unit_name: str) -> None:
    """Raise a plain :class:`ModelError` for a run that could not compare anybody (every
    group of similar circumstances too small), so that nothing is stored."""
    table = result.table
    if "group_size" not in table.columns:
        return
    smallest = int(result.settings.get("min_group") or 5)
    sizes = table["group_size"].to_numpy(dtype="float64", na_value=float("nan"))
    if not (sizes >= smallest).any():
        raise ModelError(
            f"Every {unit_name} is in a group of fewer than {smallest} "
            f"{plural(unit_name)} in similar circumstances: too few to compare. Tick fewer "
            "circumstances.")
