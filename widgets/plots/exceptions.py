"""The positive-exceptions plot: the units a method flags, in the highlight colour.

The shape follows the method (the methods are listed in
``widgets/analysis/positive_exceptions.py``):

- "expected" (better than expected): the outcome against a circumstance, with the expected
  values as a line; without a circumstance, the outcome against the expected value with the
  "as expected" diagonal.
- "funnel" (rates with small numbers): each unit's rate against its population, with the
  overall rate and the 95 % and 99.8 % limits.
- the group methods ("group-choice", "group-z", "group-iqr"): the outcome of each unit by
  group of similar circumstances (a box per group and a dot per unit).

Flagged units are always drawn last, in :data:`~widgets.plots.theme.HIGHLIGHT` with a diamond
marker, in one collection labelled "positive exceptions"; every other unit is in collections
labelled "others". Pure: DataFrames in, :class:`~widgets.plots.theme.Figure` out.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

from widgets.model import Measure
from widgets.words import plural

from .theme import (
    HIGHLIGHT,
    HIGHLIGHT_MARKER,
    MAX_POINTS,
    OTHERS,
    OTHERS_ALPHA,
    OTHERS_MARKER,
    REFERENCE,
    Figure,
    empty_figure,
    label,
    new_figure,
    number,
    rate_scale,
    themed,
)

#: Plain words for each method (captions); unknown methods are shown by their name.
METHOD_WORDS = {
    "group-choice": "chosen by the group",
    "group-z": "best in similar circumstances",
    "group-iqr": "best in similar circumstances",
    "expected": "better than expected",
    "funnel": "rates with small numbers, funnel plot",
}

#: Most flagged units named on the plot (more would be unreadable on a projector).
MAX_NAMED = 12
#: Most groups whose names fit under the plot; beyond, groups are numbered by middle value.
MAX_GROUP_LABELS = 8
#: Most groups drawn with a box (boxes for hundreds of groups would be noise and slow).
MAX_BOXES = 40


def exceptions_figure(frame, result, measure: Measure, circumstance: str | None = None,
                      *, highlight: Iterable[str] | None = None,
                      highlight_words: str | None = None,
                      rejected: Iterable[str] | None = None) -> Figure:
    """The units ``result`` flags as possible positive exceptions, highlighted among the rest.

    ``frame`` is the units DataFrame; ``result`` a method result with ``.method``,
    ``.table`` (columns ``unit_id``, ``score``, ``expected``, ``flagged``, ``explanation``,
    ``group``) and ``.settings``. ``circumstance`` is a column of ``frame`` to put on the
    horizontal axis for the "expected" method.

    ``highlight`` (unit ids) replaces the method's flags, e.g. with the exceptions the group
    confirmed; ``highlight_words`` then says who chose them in the caption ("confirmed by
    the group").

    ``rejected`` (unit ids): units the group said are not exceptions; they are drawn as the
    others, never in the highlight colour, and the caption says how many were left out.
    """
    import pandas as pd

    units = plural(measure.unit_name)
    table = getattr(result, "table", None)
    if frame is None or len(frame) == 0 or table is None or len(table) == 0:
        return empty_figure(caption=f"No data yet: no {units} to look at.")
    keep = ["unit_id", "outcome"] + [c for c in ("population",) if c in frame]
    if circumstance and circumstance in frame and circumstance not in keep:
        keep.append(circumstance)
    data = _join(frame[keep], table.drop(columns=[c for c in keep if c != "unit_id"
                                                  and c in table]))
    if highlight is not None:
        data["flagged"] = data["unit_id"].isin({str(u) for u in highlight})
    data["flagged"] = data["flagged"].fillna(False).astype(bool)
    left_out = 0
    if rejected is not None:
        out = data["unit_id"].isin({str(u) for u in rejected}) & data["flagged"]
        left_out = int(out.sum())
        data.loc[out, "flagged"] = False
    data["outcome"] = pd.to_numeric(data["outcome"], errors="coerce")
    method = str(getattr(result, "method", "") or "")
    settings = dict(getattr(result, "settings", {}) or {})
    words = highlight_words if highlight is not None else None
    if method == "funnel":
        figure = _funnel(data, measure, settings, words)
    elif method == "expected":
        figure = _expected(data, measure, circumstance, words)
    else:
        figure = _groups(data, measure, method, words)
    if left_out and not figure.caption.startswith("No data yet"):
        figure.caption = (f"{figure.caption.rstrip('.')}; drawn like the others: "
                          f"{number(left_out)} {plural(measure.unit_name, left_out)} the group "
                          f"marked “not an exception”.")
    return figure


# ---------------------------------------------------------------------- drawing helpers


def _join(units, table):
    """The units with the method's columns. Methods return one row per unit in the input's
    order, so the usual case is a side-by-side join (a merge on a million text ids takes
    seconds); otherwise the rows are matched by id."""
    import numpy as np

    ids = units["unit_id"].astype(str).to_numpy(dtype=object)
    theirs = table["unit_id"].astype(str).to_numpy(dtype=object)
    if len(ids) == len(theirs) and bool(np.array_equal(ids, theirs)):
        rest = table.drop(columns=["unit_id"]).reset_index(drop=True)
        return units.reset_index(drop=True).assign(unit_id=ids).join(rest)
    return units.assign(unit_id=ids).merge(table.assign(unit_id=theirs), on="unit_id",
                                           how="inner")



def _draw_points(ax, x, y, flagged, names) -> tuple[int, int]:
    """Others (a fixed sample when there are very many), then the flagged units on top.

    Returns (others drawn, flagged drawn).
    """
    import numpy as np

    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    flagged = np.asarray(flagged, dtype=bool)
    ok = np.isfinite(x) & np.isfinite(y)
    others = np.flatnonzero(ok & ~flagged)
    if len(others) > MAX_POINTS:
        others = np.sort(np.random.default_rng(0).choice(others, MAX_POINTS, replace=False))
    ax.scatter(x[others], y[others], s=55, color=OTHERS, alpha=OTHERS_ALPHA,
               marker=OTHERS_MARKER, linewidths=0, label="others", zorder=2)
    chosen = np.flatnonzero(ok & flagged)
    if len(chosen) > MAX_POINTS:  # thousands of diamonds: a fixed sample, said in the caption
        chosen = np.sort(np.random.default_rng(1).choice(chosen, MAX_POINTS, replace=False))
    ax.scatter(x[chosen], y[chosen], s=120, color=HIGHLIGHT, marker=HIGHLIGHT_MARKER,
               edgecolors=REFERENCE, linewidths=1.0, label="positive exceptions", zorder=4)
    if len(chosen) <= MAX_NAMED:
        # Only the highlighted units are named; :func:`_tidy_names` later moves a name that
        # would cover another, or drops it when no place is free.
        for i in chosen[np.argsort(x[chosen], kind="stable")]:
            ax.annotate(label(names[i], 16, 16), (x[i], y[i]), xytext=NAME_PLACES[0],
                        textcoords="offset points", fontsize=13, color=REFERENCE, zorder=5,
                        gid="hi-name")
    return len(others), len(chosen)


#: Where a unit's name may go, in points from its marker (first choice first).
NAME_PLACES = [(8, 6), (8, -16), (-8, 6), (-8, -16), (8, 18), (8, -28)]


def _tidy_names(fig, ax) -> int:
    """Move each name to the first place where it covers no other name and stays inside the
    plot; drop it when there is none. Returns the number of names dropped."""
    names = [t for t in ax.texts if t.get_gid() == "hi-name"]
    if not names:
        return 0
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas if hasattr(fig.canvas, "get_renderer") else FigureCanvasAgg(fig)
    canvas.draw()  # final limits and layout (constrained), so the positions are true
    renderer = canvas.get_renderer()
    inside = ax.get_window_extent(renderer)
    placed, dropped = [], 0
    for name in names:
        for dx, dy in NAME_PLACES:
            name.set_position((dx, dy))
            name.set_horizontalalignment("left" if dx >= 0 else "right")
            box = name.get_window_extent(renderer).padded(2)
            if (box.x0 >= inside.x0 - 40 and box.x1 <= inside.x1 + 40
                    and not any(box.overlaps(other) for other in placed)):
                placed.append(box)
                break
        else:
            name.remove()
            dropped += 1
    return dropped


def _group_order(table_groups, original) -> list[str]:
    """Group names in the method's order (a categorical's categories), else sorted."""
    present = set(table_groups)
    dtype = getattr(original, "dtype", None)
    if dtype is not None and getattr(dtype, "name", "") == "category":
        ordered = [str(c) for c in original.cat.categories if str(c) in present]
        rest = sorted(present - set(ordered))
        return ordered + rest
    return sorted(present)


def _jitter(n: int, width: float = 0.18, seed: int = 0):
    import numpy as np

    # Fixed seed: the same data always gives the same picture (and the same PNG). Sideways
    # and up-down jitter use different seeds, or the dots would line up on a diagonal.
    return np.random.default_rng(seed).uniform(-width, width, n)


def _caption(data, measure: Measure, method: str, shape: str, chosen_by: str | None = None
             ) -> tuple[str, int, int]:
    n = int(data["outcome"].notna().sum())
    k = int(data["flagged"].sum())
    words = METHOD_WORDS.get(method, method.replace("_", " ") if method else "a method")
    verb = "stands out as a possible positive exception" if k == 1 else \
        "stand out as possible positive exceptions"
    if chosen_by:
        verb = f"{'is a positive exception' if k == 1 else 'are positive exceptions'} " \
            f"{chosen_by}"
        words = "" if method == "group-choice" else f"method: {words}"
    how = f"{words}; orange diamonds" if words else "orange diamonds"
    text = f"{number(k)} of {number(n)} {plural(measure.unit_name, n)} {verb} ({how}), {shape}"
    if n - k > MAX_POINTS:
        text += f"; a sample of {MAX_POINTS:,} of the other {n - k:,} is drawn"
    if k > MAX_POINTS:
        text += f"; a sample of {MAX_POINTS:,} of the {k:,} orange diamonds is drawn"
    return text + ".", n, k


def _legend(ax) -> None:
    handles, labels = ax.get_legend_handles_labels()
    wanted = {}
    for h, lab in zip(handles, labels, strict=True):
        wanted.setdefault(lab, h)
    # Above the plot: never on top of a point.
    ax.legend(wanted.values(), wanted.keys(), loc="lower center", bbox_to_anchor=(0.5, 1.0),
              ncol=min(len(wanted), 4), borderaxespad=0.2)


# ---------------------------------------------------------------------- by method


def _groups(data, measure: Measure, method: str, chosen_by: str | None) -> Figure:
    import numpy as np
    import seaborn as sns

    original_groups = data["group"] if "group" in data else None
    data = data[data["outcome"].notna()].copy()
    if data.empty:
        return empty_figure(caption="No data yet: none of the units has an outcome.")
    everyone = f"all {plural(measure.unit_name)}"
    if "group" in data and data["group"].notna().any():
        data["group"] = data["group"].astype(object).where(data["group"].notna(), "(no group)")\
            .astype(str)
    else:
        data["group"] = everyone
    middle = data.groupby("group")["outcome"].median()
    many = len(middle) > MAX_GROUP_LABELS
    # Few groups: in the method's own order (bands stay in order). Many: numbered and
    # sorted by their middle value, as their names would not fit under the plot.
    order = (list(middle.sort_values(kind="stable").index) if many
             else _group_order(table_groups=data["group"], original=original_groups))
    position = {g: i for i, g in enumerate(order)}
    x = data["group"].map(position).to_numpy(dtype=float) + _jitter(len(data))
    y = data["outcome"].to_numpy(dtype=float)
    yes_no = measure.kind == "yes_no"
    with themed():
        fig, ax = new_figure()
        if yes_no:
            # A box of 0s and 1s says nothing; spread the dots a little instead.
            y = y + _jitter(len(y), 0.08, seed=1)
            ax.set_yticks([0, 1], ["no", "yes"])
        elif len(order) <= MAX_BOXES:
            with warnings.catch_warnings():
                # seaborn 0.13 passes matplotlib 3.11 a deprecated argument; not ours to fix
                warnings.simplefilter("ignore", DeprecationWarning)
                sns.boxplot(x=data["group"], y=data["outcome"], order=order, ax=ax,
                            color="#FFFFFF", showfliers=False, width=0.55,
                            linecolor="#888888", linewidth=1.2)
        ax.set_xlim(-0.6, len(order) - 0.4)
        _draw_points(ax, x, y, data["flagged"], data["unit_id"].astype(str).to_numpy())
        if many:
            ax.set_xticks([])
            ax.set_xlabel(label(f"{len(order)} groups of similar circumstances "
                                "(lowest middle value on the left)", 60))
        else:
            ax.set_xticks(np.arange(len(order)), [label(g, 14, 42) for g in order])
            ax.set_xlabel("Group of similar circumstances" if len(order) > 1 else "")
        ax.set_ylabel(label(measure.what or "outcome", 30, 60))
        _legend(ax)
        _tidy_names(fig, ax)
    where = (f"among {len(order)} groups of similar circumstances" if len(order) > 1
             else "among everyone")
    boxes = not yes_no and len(order) <= MAX_BOXES
    shape = f"{where} (box: middle half)" if boxes else where
    caption, n, k = _caption(data, measure, method, shape, chosen_by)
    alt = (f"Dot plot of {measure.what or 'the outcome'} for {n} "
           f"{plural(measure.unit_name, n)} by group; {k} positive exceptions are orange "
           f"diamonds.")
    return Figure(fig, caption, alt)


def _expected(data, measure: Measure, circumstance: str | None, chosen_by: str | None
              ) -> Figure:
    import numpy as np
    import pandas as pd

    data = data[data["outcome"].notna()].copy()
    data["expected"] = pd.to_numeric(data.get("expected"), errors="coerce")
    if data.empty or data["expected"].isna().all():
        return empty_figure(caption="No data yet: nothing to compare with the expected values.")
    what = label(measure.what or "outcome", 30, 60)
    names = data["unit_id"].astype(str).to_numpy()
    y = data["outcome"].to_numpy(dtype=float)
    if measure.kind == "yes_no":
        y = y + _jitter(len(y), 0.06, seed=1)  # 0/1 outcomes would sit on top of each other
    with themed():
        fig, ax = new_figure()
        use_column = circumstance is not None and circumstance in data
        numeric = use_column and pd.api.types.is_numeric_dtype(data[circumstance])
        if numeric:
            x = data[circumstance].to_numpy(dtype=float)
            line_x, line_y = _average_line(data[circumstance], data["expected"])
            ax.plot(line_x, line_y, color=REFERENCE, linestyle="--", label="expected",
                    zorder=3)
            ax.set_xlabel(label(circumstance, 40, 60))
            shape = f"against {circumstance} (dashed line: expected)"
        elif use_column:
            cats = data[circumstance].fillna("(none)").astype(str)
            order = sorted(cats.unique())
            pos = cats.map({c: i for i, c in enumerate(order)}).to_numpy(dtype=float)
            x = pos + _jitter(len(pos))
            means = data.assign(_c=cats).groupby("_c")["expected"].mean()
            ax.hlines([means.get(c, np.nan) for c in order], np.arange(len(order)) - 0.35,
                      np.arange(len(order)) + 0.35, color=REFERENCE, linestyle="--",
                      label="expected", zorder=3)
            ax.set_xticks(np.arange(len(order)), [label(c, 16, 40) for c in order])
            ax.set_xlabel(label(circumstance, 40, 60))
            shape = f"by {circumstance} (dashed lines: expected)"
        else:
            x = data["expected"].to_numpy(dtype=float)
            if measure.kind == "yes_no":
                # Expected chance of "yes": top left = expected to struggle, but did not.
                x = x * 100
                ax.set_xlabel("Expected chance of “yes” in their circumstances (%)")
                shape = "against the chance of “yes” expected in their circumstances"
            else:
                raw = data["outcome"].to_numpy(dtype=float)
                lo, hi = np.nanmin(np.r_[x, raw]), np.nanmax(np.r_[x, raw])
                ax.plot([lo, hi], [lo, hi], color=REFERENCE, linestyle="--",
                        label="as expected", zorder=3)
                ax.set_xlabel("Expected in their circumstances")
                shape = "against what was expected (dashed line: as expected)"
        _draw_points(ax, x, y, data["flagged"], names)
        ax.set_ylabel(what)
        if measure.kind == "yes_no":
            ax.set_yticks([0, 1], ["no", "yes"])
        _legend(ax)
        _tidy_names(fig, ax)
    caption, n, k = _caption(data, measure, "expected", shape, chosen_by)
    alt = (f"Scatter plot of {measure.what or 'the outcome'} for {n} "
           f"{plural(measure.unit_name, n)} {shape}; {k} positive exceptions are orange "
           f"diamonds.")
    return Figure(fig, caption, alt)


def _average_line(x, expected, bins: int = 12):
    """The expected value along one circumstance: its average per value, or per band of
    values when there are many (the expected value also depends on the other
    circumstances, so a line through every unit would zigzag)."""
    import pandas as pd

    pair = pd.DataFrame({"x": pd.to_numeric(x, errors="coerce"), "e": expected}).dropna()
    if pair.empty:
        return [], []
    if pair["x"].nunique() > bins:
        band = pd.qcut(pair["x"], bins, duplicates="drop")
        line = pair.groupby(band.rename("band"), observed=True).mean().sort_values("x")
    else:
        line = pair.groupby("x", as_index=False)["e"].mean()
    return line["x"].to_numpy(dtype=float), line["e"].to_numpy(dtype=float)


def _funnel(data, measure: Measure, settings: dict[str, Any], chosen_by: str | None
            ) -> Figure:
    import numpy as np
    import pandas as pd

    people = pd.to_numeric(data.get("population"), errors="coerce")
    usable = data["outcome"].notna() & people.notna() & (people > 0)
    data, people = data[usable].copy(), people[usable]
    if data.empty:
        return empty_figure(caption="No data yet: rates need events and a population above 0.")
    overall = settings.get("overall_rate")
    if overall is None:
        overall = float(data["outcome"].sum() / people.sum())
    overall = float(overall)
    scale, per = rate_scale(overall)
    rates = data["outcome"].to_numpy(dtype=float) / people.to_numpy(dtype=float) * scale
    # The limits are the method's own (exact binomial or normal, widened for
    # overdispersion), so a dot beyond a line is exactly a unit the method flags.
    from widgets.analysis.funnel import funnel_curve, level_words

    levels = sorted(float(v) for v in (settings.get("limits") or (0.95, 0.998)))
    exact = bool(settings.get("exact_used", settings.get("exact", True)))
    if exact and not np.all(people == np.round(people)):
        exact = False
    curve = funnel_curve(overall, float(people.max()), levels, exact=exact,
                         phi=float(settings.get("phi") or 1.0),
                         min_population=max(1.0, float(people.min())))
    styles = ["--", ":", "-.", (0, (1, 4))]
    with themed():
        fig, ax = new_figure()
        ax.axhline(overall * scale, color=REFERENCE, linewidth=2,
                   label=f"overall rate {number(overall * scale)} {per}")
        for i, level in enumerate(levels):
            part = curve[np.isclose(curve["level"], level)]
            style = styles[i % len(styles)]
            ax.plot(part["population"], part["lower"] * scale, color=REFERENCE,
                    linestyle=style, linewidth=1.6,
                    label=f"{level_words(level)} limits")
            ax.plot(part["population"], part["upper"] * scale, color=REFERENCE,
                    linestyle=style, linewidth=1.6)
        _draw_points(ax, people.to_numpy(dtype=float), rates, data["flagged"],
                     data["unit_id"].astype(str).to_numpy())
        ax.set_xscale("log")
        ax.set_xlabel(f"Population of each {label(measure.unit_name or 'unit', 30)} "
                      "(log scale)")
        ax.set_ylabel(label(f"{measure.what or 'rate'} ({per})", 30, 60))
        ax.set_ylim(bottom=0)
        _legend(ax)
        _tidy_names(fig, ax)
    words = " and ".join(level_words(v) for v in levels)
    shape = (f"in a funnel plot around the overall rate of {number(overall * scale)} {per} "
             f"(limits {words})")
    caption, n, k = _caption(data, measure, "funnel", shape, chosen_by)
    alt = (f"Funnel plot: the rate of {n} {plural(measure.unit_name, n)} against their "
           f"population, with the overall rate and {words} limits; {k} positive "
           f"exceptions are orange diamonds.")
    return Figure(fig, caption, alt)
