"""Agreement: which units each method flags, and which several methods agree on.

A unit picked out by several independent ways of looking is a stronger candidate than one
picked by a single method (a form of triangulation, as recommended by the Data-Powered
Positive Deviance handbook, 2021). Nothing is confirmed here: the group still checks each
candidate.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from widgets.analysis.method_result import MethodResult


def _column_names(results: Sequence[MethodResult]) -> list[str]:
    names: list[str] = []
    for r in results:
        name, k = r.method, 2
        while name in names or name in ("unit_id", "count", "rank", "best_score"):
            name, k = f"{r.method} ({k})", k + 1
        names.append(name)
    return names


def agreement(results: Sequence[MethodResult]) -> pd.DataFrame:
    """One row per unit seen by any of the ``results``, flagged ones first.

    Columns: ``unit_id``, one bool column per method (named after ``result.method``; a
    repeated method gets " (2)", " (3)"…), ``count`` (how many methods flag the unit) and
    ``rank`` (1 = flagged by the most methods; ties share a rank; units flagged by none rank
    last). Rows are sorted by count (descending), then by the unit's best score across
    methods (descending), then in the order units first appear. With no results the table is
    empty with just ``unit_id``, ``count`` and ``rank``.
    """
    if not results:
        return pd.DataFrame({"unit_id": pd.Series([], dtype=object),
                             "count": pd.Series([], dtype="int64"),
                             "rank": pd.Series([], dtype="int64")})
    names = _column_names(results)
    flags: list[pd.Series] = []
    scores: list[pd.Series] = []
    for name, r in zip(names, results, strict=True):
        t = r.table.drop_duplicates("unit_id")
        ids = pd.Index(t["unit_id"].astype(str).to_numpy(dtype=object), dtype=object)
        flags.append(pd.Series(t["flagged"].to_numpy(dtype=bool), index=ids, name=name))
        scores.append(pd.Series(t["score"].to_numpy(dtype="float64"), index=ids))
    order = flags[0].index
    for f in flags[1:]:
        order = order.append(f.index.difference(order, sort=False))
    table = pd.DataFrame({"unit_id": pd.Series(order.to_numpy(), dtype=object)})
    for f in flags:
        table[f.name] = f.reindex(order, fill_value=False).to_numpy(dtype=bool)
    count = table[names].sum(axis=1).to_numpy(dtype="int64")
    table["count"] = count
    # Best score among the methods that flag the unit (scores of different methods are on
    # different scales, so only used to break ties between equal counts).
    stacked = np.vstack([np.where(table[n].to_numpy(), s.reindex(order).to_numpy(), np.nan)
                         for n, s in zip(names, scores, strict=True)])
    with np.errstate(all="ignore"):
        best = np.where(np.isnan(stacked).all(axis=0), -np.inf,
                        np.nanmax(np.where(np.isnan(stacked), -np.inf, stacked), axis=0))
    position = np.arange(len(table))
    sort = np.lexsort((position, -best, -count))
    table = table.iloc[sort].reset_index(drop=True)
    table["rank"] = (pd.Series(-table["count"]).rank(method="min").astype("int64")
                     .to_numpy())
    return table
