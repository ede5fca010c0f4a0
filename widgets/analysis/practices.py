"""Practice comparison: do the positive exceptions do this more often than everyone else?

For each practice, the share of positive exceptions that do it against the share of the other
units that do it, the difference, and Fisher's exact test on the 2×2 table of known answers
(Fisher RA, *Statistical Methods for Research Workers*, 1925; scipy.stats.fisher_exact,
two-sided). "Not known" answers are left out of both shares. The practices to spread are
those common among the exceptions, uncommon elsewhere and accessible to all (step 3 shows
the comparison: ``widgets/ui/step3/comparison.py``; Pascale, Sternin & Sternin, *The Power of
Positive Deviance*, 2010: practices that need resources others lack are "true but useless").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from widgets.model import Inquiry, ModelError, Practice, PracticeCheck

#: Fewest known answers in each group before a comparison says anything.
MIN_KNOWN = 5
#: worth_spreading: at least this share of the exceptions do it…
MIN_SHARE = 0.5
#: …and at least this many percentage points (as a share) more than the others.
MIN_DIFFERENCE = 0.2

COLUMNS = ("practice_id", "what", "accessible", "exceptions_doing", "exceptions_known",
           "share_exceptions", "others_doing", "others_known", "share_others", "difference",
           "p_value", "note", "worth_spreading")


def _answer(value: object) -> float:
    """1.0 for yes, 0.0 for no, NaN for anything else (unknown, blank)."""
    if isinstance(value, (bool, np.bool_)):
        return 1.0 if value else 0.0
    text = str(value).strip().lower() if value is not None else ""
    return {"yes": 1.0, "no": 0.0}.get(text, math.nan)


def _checks_frame(checks: pd.DataFrame | Iterable[PracticeCheck]) -> pd.DataFrame:
    if isinstance(checks, pd.DataFrame):
        missing = {"unit_id", "practice_id", "value"} - set(checks.columns)
        if missing:
            raise ModelError(f"The practice checks need the columns {sorted(missing)}.")
        return checks[["unit_id", "practice_id", "value"]]
    rows = [(c.unit_id, c.practice_id, c.value) for c in checks or []]
    return pd.DataFrame(rows, columns=["unit_id", "practice_id", "value"])


def compare_practice_checks(checks: pd.DataFrame | Iterable[PracticeCheck],
                            exception_ids: Iterable[str], all_unit_ids: Iterable[str],
                            practices: Sequence[Practice] | None = None) -> pd.DataFrame:
    """Compare positive exceptions with the other units, practice by practice.

    ``checks`` has one row per answer (``unit_id``, ``practice_id``, ``value`` of
    yes/no/unknown) or is a list of :class:`PracticeCheck`. ``exception_ids`` are the
    positive exceptions; every other id in ``all_unit_ids`` is an "other" unit; answers for
    units in neither are ignored and a unit with no answer counts as not known. ``practices``
    gives the order, the words and the accessibility; without it, every practice id in the
    checks is used.

    Returns one row per practice with the columns of :data:`COLUMNS`: counts of "yes"
    (``*_doing``) and of known answers (``*_known``), the shares, ``difference`` =
    share_exceptions − share_others, ``p_value`` (Fisher's exact test, two-sided; NaN when a
    group has no known answer), a plain ``note`` and ``worth_spreading``: accessible to all
    (``accessible == "yes"``), done by at least half of the exceptions (share ≥ 0.5) and by
    at least 20 points more than the others (difference ≥ 0.2). ``worth_spreading`` does not
    require a small p-value: groups are usually small, and the note says when numbers are too
    few to conclude. Rows: worth spreading first, then by difference (largest first).
    """
    from scipy.stats import fisher_exact

    frame = _checks_frame(checks)
    exceptions = {str(u) for u in exception_ids}
    everyone = {str(u) for u in all_unit_ids} | exceptions
    if practices is None:
        ids = list(dict.fromkeys(frame["practice_id"].tolist()))
        practices = [Practice(what=f"Practice {pid}", id=pid) for pid in ids]
    answers = pd.DataFrame({
        "unit_id": frame["unit_id"].astype(str).to_numpy(dtype=object),
        "practice_id": frame["practice_id"].to_numpy(),
        "answer": [_answer(v) for v in frame["value"].tolist()],
    })
    answers = answers[answers["unit_id"].isin(everyone)]
    # One answer per unit and practice: the last one given wins.
    answers = answers.drop_duplicates(["unit_id", "practice_id"], keep="last")
    answers["exception"] = answers["unit_id"].isin(exceptions)
    # Counts per practice in one grouping (a loop over the answers per practice would take
    # minutes for thousands of practices); Fisher's test once per distinct 2×2 table.
    known = answers[answers["answer"].notna()]
    counts = known.groupby(["practice_id", "exception"])["answer"].agg(["sum", "count"])
    tally: dict[tuple, tuple[int, int]] = {
        (pid, bool(is_ex)): (int(s), int(c))
        for (pid, is_ex), s, c in zip(counts.index, counts["sum"], counts["count"],
                                      strict=True)}
    tests: dict[tuple[int, int, int, int], float] = {}

    rows = []
    for order, practice in enumerate(practices):
        e_yes, e_known = tally.get((practice.id, True), (0, 0))
        o_yes, o_known = tally.get((practice.id, False), (0, 0))
        share_e = e_yes / e_known if e_known else math.nan
        share_o = o_yes / o_known if o_known else math.nan
        diff = share_e - share_o
        p = math.nan
        if e_known and o_known:
            key = (e_yes, e_known, o_yes, o_known)
            if key not in tests:
                tests[key] = float(fisher_exact(
                    [[e_yes, e_known - e_yes], [o_yes, o_known - o_yes]],
                    alternative="two-sided").pvalue)
            p = tests[key]
        accessible = practice.accessible
        worth = (accessible == "yes" and not math.isnan(diff) and share_e >= MIN_SHARE
                 and diff >= MIN_DIFFERENCE)
        rows.append({
            "practice_id": practice.id, "what": practice.what, "accessible": accessible,
            "exceptions_doing": e_yes, "exceptions_known": e_known, "share_exceptions": share_e,
            "others_doing": o_yes, "others_known": o_known, "share_others": share_o,
            "difference": diff, "p_value": p,
            "note": _note(e_known, o_known, share_e, share_o, diff, p, accessible),
            "worth_spreading": bool(worth), "_order": order,
        })
    if not rows:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in COLUMNS})
    table = pd.DataFrame(rows)
    table["_diff"] = table["difference"].fillna(-np.inf)
    table = table.sort_values(["worth_spreading", "_diff", "_order"],
                              ascending=[False, False, True], kind="stable")
    return table[list(COLUMNS)].reset_index(drop=True)


def _note(e_known: int, o_known: int, share_e: float, share_o: float, diff: float, p: float,
          accessible: str) -> str:
    """A plain sentence about one practice."""
    if e_known < MIN_KNOWN or o_known < MIN_KNOWN:
        text = (f"Too few answers to conclude ({e_known} from positive exceptions, "
                f"{o_known} from others)")
        if not math.isnan(diff) and diff >= MIN_DIFFERENCE and share_e >= MIN_SHARE:
            text += ", though it looks more common among positive exceptions"
    elif share_e >= MIN_SHARE and diff >= MIN_DIFFERENCE and share_o < MIN_SHARE:
        text = "Common among positive exceptions, uncommon elsewhere"
    elif diff >= MIN_DIFFERENCE:
        text = "More common among positive exceptions"
    elif diff <= -MIN_DIFFERENCE:
        text = "Less common among positive exceptions than elsewhere"
    else:
        text = "About as common among positive exceptions as elsewhere"
    if (e_known >= MIN_KNOWN and o_known >= MIN_KNOWN and not math.isnan(diff)
            and abs(diff) >= MIN_DIFFERENCE):
        text += ("; unlikely to be chance alone" if p < 0.05 else "; could still be chance")
    text += "."
    if accessible == "no":
        text += " It needs resources others lack (true but useless)."
    elif accessible != "yes" and not math.isnan(diff) and diff >= MIN_DIFFERENCE:
        text += " Check whether everyone could do it."
    return text


def compare_practices(inquiry_or_checks: Inquiry | pd.DataFrame | Iterable[PracticeCheck],
                      exception_ids: Iterable[str] | None = None,
                      all_unit_ids: Iterable[str] | None = None,
                      practices: Sequence[Practice] | None = None,
                      statuses: Sequence[str] = ("confirmed",)) -> pd.DataFrame:
    """The practice comparison for an inquiry, or for its parts.

    ``compare_practices(inquiry)``: the positive exceptions are the units whose exception
    status is in ``statuses`` (default: confirmed by the group); the others are all the other
    units of the inquiry (including unchecked candidates and rejected ones).
    ``compare_practices(checks, exception_ids, all_unit_ids, practices)`` is the same as
    :func:`compare_practice_checks`. Columns: see :data:`COLUMNS`.
    """
    if isinstance(inquiry_or_checks, Inquiry):
        inquiry = inquiry_or_checks
        wanted = set(statuses)
        exceptions = [e.unit_id for e in inquiry.exceptions if e.status in wanted]
        return compare_practice_checks(inquiry.practice_checks, exceptions,
                                       [u.unit_id for u in inquiry.units], inquiry.practices)
    return compare_practice_checks(inquiry_or_checks, exception_ids or [],
                                   all_unit_ids or [], practices)
