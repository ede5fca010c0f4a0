"""The baseline, practices and progress plots (pure: values in, :class:`Figure` out).

Every function draws in the shared theme (:mod:`widgets.plots.theme`), returns a
:class:`~widgets.plots.theme.Figure` with a one-line caption that names the key numbers, and
returns a plain "No data yet" figure when there is nothing to draw. Nothing here reads the
store. pandas, matplotlib and seaborn are imported inside the functions (page-load speed).
"""

from __future__ import annotations

from typing import Any

from widgets.model import Measure, ProgressEntry
from widgets.words import PERCENT, agree, plural

from .theme import (
    HIGHLIGHT,
    MAX_BARS,
    MAX_BINS,
    OTHERS,
    OTHERS_ALPHA,
    REFERENCE,
    SERIES,
    Figure,
    empty_figure,
    label,
    new_figure,
    number,
    percent,
    rate_scale,
    showing,
    themed,
)
from .theme import MAX_POINTS as _MAX_POINTS

# ---------------------------------------------------------------------- baseline


def baseline_figure(frame, measure: Measure) -> Figure:
    """The baseline: how the outcome is spread over the units, drawn to suit the measure.

    yes/no: bars of how many units are "yes" and "no"; score: a histogram; count: bars per
    value (a histogram when there are many values); rate: each unit's rate as a dot, with the
    overall rate as a line. ``frame`` is a units DataFrame (``unit_id``, ``outcome``,
    ``population``, circumstances).
    """
    import pandas as pd

    units = plural(measure.unit_name)
    if frame is None or "outcome" not in frame or len(frame) == 0:
        return empty_figure(caption=f"No data yet: add the {units} and their outcomes.")
    outcome = pd.to_numeric(frame["outcome"], errors="coerce")
    known = outcome.dropna()
    if known.empty:
        return empty_figure(caption=f"No data yet: none of the {units} has an outcome.")
    kind = measure.kind
    if kind == "yes_no":
        return _baseline_yes_no(known, measure)
    if kind == "rate":
        return _baseline_rate(frame, measure)
    return _baseline_spread(known, measure)


def _baseline_yes_no(outcome, measure: Measure) -> Figure:
    yes = int((outcome >= 0.5).sum())
    n = int(len(outcome))
    no = n - yes
    from widgets.analysis.baseline import predicate

    what = predicate(measure)
    yes_label, no_label = f"Yes: {what}", "No"
    with themed():
        fig, ax = new_figure()
        bars = ax.bar([0, 1], [yes, no], color=OTHERS, width=0.6)
        ax.bar_label(bars, labels=[number(yes), number(no)], padding=4, fontsize=18)
        ax.set_xticks([0, 1], [label(yes_label, 30), label(no_label, 30)])
        ax.set_ylabel(f"Number of {plural(measure.unit_name)}")
        ax.set_ylim(0, max(yes, no, 1) * 1.18)
    caption = (f"Baseline: {number(yes)} of {number(n)} {plural(measure.unit_name, n)} "
               f"({percent(yes / n)}) {agree(what, yes)} (bars: yes and no).")
    alt = (f"Bar chart of {plural(measure.unit_name)}: {number(yes)} yes ({what}) "
           f"and {number(no)} no.")
    return Figure(fig, caption, alt)


def _baseline_spread(outcome, measure: Measure) -> Figure:
    import seaborn as sns

    n = int(len(outcome))
    units = plural(measure.unit_name, n)
    word = "Counts" if measure.kind == "count" else "Scores"
    discrete = (measure.kind == "count" and bool((outcome == outcome.round()).all())
                and outcome.nunique() <= 25)
    median = float(outcome.median())
    values = outcome.to_numpy(dtype=float)
    bins: Any = "auto" if discrete else _bins(values)
    with themed():
        fig, ax = new_figure()
        sns.histplot(x=values, ax=ax, color=OTHERS, discrete=discrete or None,
                     shrink=0.85 if discrete else 1, bins=bins)
        ax.axvline(median, color=REFERENCE, linestyle="--", label=f"middle value {number(median)}")
        ax.set_xlabel(label(measure.what or word, 60))
        ax.set_ylabel(f"Number of {plural(measure.unit_name)}")
        ax.legend(loc="upper right")
    shape = "bars per value" if discrete else "histogram"
    caption = (f"Baseline: {word.lower()} for {number(n)} {units}, middle value "
               f"{number(median)}, from {number(float(outcome.min()))} to "
               f"{number(float(outcome.max()))} ({shape}).")
    alt = (f"{shape.capitalize()} of {measure.what or word.lower()} for {number(n)} {units}; "
           f"the dashed line marks the middle value {number(median)}.")
    return Figure(fig, caption, alt)


def _bins(values) -> int:
    """numpy's "auto" number of histogram bins (the smaller width of Freedman–Diaconis and
    Sturges), worked out without building the edges, and at most :data:`MAX_BINS`: one far
    value in a large table would otherwise ask for millions of bins."""
    import numpy as np

    finite = values[np.isfinite(values)]
    n = len(finite)
    span = float(finite.max() - finite.min()) if n else 0.0
    if n < 2 or span == 0:
        return 1
    sturges = span / (np.log2(n) + 1)
    q75, q25 = np.percentile(finite, [75, 25])
    fd = 2 * float(q75 - q25) / n ** (1 / 3)
    width = min(sturges, fd) if fd > 0 else sturges
    return int(max(1, min(MAX_BINS, np.ceil(span / width))))


def _baseline_rate(frame, measure: Measure) -> Figure:
    import numpy as np
    import pandas as pd

    events = pd.to_numeric(frame["outcome"], errors="coerce")
    people = pd.to_numeric(frame.get("population"), errors="coerce") if "population" in frame \
        else pd.Series(np.nan, index=frame.index)
    usable = events.notna() & people.notna() & (people > 0)
    if not usable.any():
        return empty_figure(caption="No data yet: rates need events and a population above 0.")
    events, people = events[usable], people[usable]
    overall = float(events.sum() / people.sum())
    scale, per = rate_scale(overall)
    rates = (events / people).to_numpy() * scale
    n = len(rates)
    shown = _sample_index(n)
    rng = np.random.default_rng(0)  # fixed jitter: the same data always gives the same plot
    with themed():
        fig, ax = new_figure()
        ax.scatter(rates[shown], rng.uniform(-0.25, 0.25, len(shown)), color=OTHERS,
                   alpha=OTHERS_ALPHA, s=60, label=plural(measure.unit_name))
        ax.axvline(overall * scale, color=REFERENCE, linestyle="--",
                   label=f"overall rate {number(overall * scale)} {per}")
        ax.set_yticks([])
        ax.set_ylim(-0.6, 0.6)
        ax.set_xlabel(label(f"{measure.what or 'rate'} ({per})", 60))
        ax.legend(loc="upper right")
    units = plural(measure.unit_name, n)
    caption = (f"Baseline: overall rate {number(overall * scale)} {per} over {number(n)} "
               f"{units} (dots: each unit's rate, from {number(float(rates.min()))} to "
               f"{number(float(rates.max()))}; line: overall rate){_sample_note(n)}.")
    alt = (f"Strip plot of the rate for each of {number(n)} {units}, with a dashed line at "
           f"the overall rate of {number(overall * scale)} {per}.")
    return Figure(fig, caption, alt)


def _sample_index(n: int, keep=None):
    """Indexes of the points to draw: all of them, or a fixed sample of MAX_POINTS."""
    import numpy as np

    if n <= _MAX_POINTS:
        return np.arange(n)
    rng = np.random.default_rng(0)
    return np.sort(rng.choice(n, _MAX_POINTS, replace=False))


def _sample_note(n: int) -> str:
    if n <= _MAX_POINTS:
        return ""
    return f"; a sample of {_MAX_POINTS:,} of the {n:,} is drawn"


# ---------------------------------------------------------------------- practices


def practices_figure(comparison) -> Figure:
    """One pair of bars per practice: share of positive exceptions doing it vs share of others.

    ``comparison`` is the DataFrame of ``widgets.analysis.practices.compare_practices``
    (columns ``practice`` or ``what``, ``share_exceptions``, ``share_others``; shares 0–1).
    Missing shares (nobody checked) are drawn as no bar. At most :data:`MAX_BARS` practices
    are drawn, the first ones in the order given (the comparison puts those worth spreading
    first); the caption says how many of how many.
    """
    import numpy as np
    import pandas as pd

    if comparison is None or len(comparison) == 0:
        return empty_figure(caption="No data yet: no practices have been checked.")
    name_col = "practice" if "practice" in comparison else "what"
    names = [str(v) for v in comparison[name_col]]
    ex = pd.to_numeric(comparison["share_exceptions"], errors="coerce").to_numpy(dtype=float)
    ot = pd.to_numeric(comparison["share_others"], errors="coerce").to_numpy(dtype=float)
    if np.isnan(ex).all() and np.isnan(ot).all():
        return empty_figure(caption="No data yet: no practices have been checked.")
    total = len(names)
    diff = np.where(np.isnan(ex) | np.isnan(ot), -np.inf, ex - ot)
    best = int(np.argmax(diff))  # over every practice, drawn or not
    best_words = ((_short(names[best]), percent(ex[best]), percent(ot[best]))
                  if np.isfinite(diff[best]) else None)
    names, ex, ot = names[:MAX_BARS], ex[:MAX_BARS], ot[:MAX_BARS]
    n = len(names)
    y = np.arange(n)
    height = 0.38
    with themed():
        fig, ax = new_figure(height=max(3.2, 0.9 * n + 1.6))
        for shares, offset, colour, words in ((ex, -height / 2, HIGHLIGHT,
                                               "positive exceptions"),
                                              (ot, height / 2, OTHERS, "others")):
            bars = ax.barh(y + offset, np.nan_to_num(shares * 100), height, color=colour,
                           label=words)
            ax.bar_label(bars, labels=[percent(v) if not np.isnan(v) else "not known"
                                       for v in shares], padding=4, fontsize=14)
        ax.set_yticks(y, [label(v, 28, 60) for v in names])
        ax.invert_yaxis()  # first practice on top, in the order given
        ax.set_xlim(0, 115)
        ax.set_xticks([0, 20, 40, 60, 80, 100])
        ax.set_xlabel("Share doing it (%)")
        ax.grid(axis="y", visible=False)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2)
    parts = (f"Practices: share of positive exceptions doing each one (orange) against "
             f"others (blue), for {number(total)} {plural('practice', total)}"
             f"{showing(n, total, 'practice')}")
    if best_words is not None:
        parts += (f"; largest gap: “{best_words[0]}” {best_words[1]} of exceptions "
                  f"vs {best_words[2]} of others")
    alt = "Paired bar chart. " + "; ".join(
        f"{_short(nm)}: {percent(a)} of exceptions, {percent(b)} of others"
        for nm, a, b in zip(names, ex, ot, strict=True))
    return Figure(fig, parts + ".", alt + ".")


def _short(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------- progress

def progress_figure(progress_entries: list[ProgressEntry] | Any, baseline_value: float | None
                    = None, measure: Measure | None = None) -> Figure:
    """Progress over time: the outcome measure against the baseline, attendance, people helped.

    One panel per series that has values (they have different scales), sharing the date
    axis. ``progress_entries`` is a list of :class:`ProgressEntry` (or a DataFrame with the
    same columns). ``baseline_value`` is on the baseline's scale (a share 0–1 for yes/no and
    rates, as ``widgets.analysis.baseline.Baseline.value``); shares are drawn as per cent (or
    per 1,000 for rare events), and outcomes typed as per cent ("45") are read as such, the
    convention of ``widgets.analysis.progress``. People helped are counted per period (bars;
    the caption gives the total). Entries whose date cannot be read are left out and counted.
    """
    import pandas as pd

    frame = _progress_frame(progress_entries)
    if frame.empty:
        return empty_figure(caption="No data yet: no progress has been recorded.")
    frame["when"] = pd.to_datetime(frame["date"], errors="coerce", format="mixed")
    unreadable = int(frame["when"].isna().sum())
    frame = frame.dropna(subset=["when"]).sort_values("when")
    kind = measure.kind if measure else "score"
    what = (measure.what if measure and measure.what else "outcome measure")
    short = what
    if measure is not None and measure.what:
        from widgets.analysis.baseline import predicate

        short = predicate(measure)  # "stayed together", not "The family stayed together"
        short = short[:1].upper() + short[1:]
    factor, unit = _outcome_scale(frame["outcome"], baseline_value, kind)
    panels = [col for col in ("outcome", "attendance", "people_helped")
              if col in frame and frame[col].notna().any()]
    if not panels:
        return empty_figure(caption="No data yet: no progress has been recorded.")
    captions, alts = [], []
    with themed():
        fig, axes = new_figure(len(panels), sharex=True)
        axes = axes if isinstance(axes, list) else [axes]
        for i, (ax, col) in enumerate(zip(axes, panels, strict=True)):
            part = frame.dropna(subset=[col])
            values = part[col].astype(float)
            d0, d1 = _day(part["when"].iloc[0]), _day(part["when"].iloc[-1])
            colour = SERIES[i % len(SERIES)]
            if col == "outcome":
                digits = 0 if unit == PERCENT else 2
                values = values.where(values > 1, values * factor) if factor != 1 else values
                first, last = float(values.iloc[0]), float(values.iloc[-1])
                ax.plot(part["when"], values, marker="o", color=colour, label="measured",
                        clip_on=False)
                # The unit never falls off a long measure: it has a line of its own.
                ax.set_ylabel(f"{label(short, 22, 44)}\n({_axis_unit(kind, unit, measure)})")
                text = f"{_short(what, 40)}: {number(last, digits)}{unit} on {d1}"
                if baseline_value is not None:
                    base = baseline_value * factor
                    ax.axhline(base, color=REFERENCE, linestyle="--",
                               label=f"baseline {number(base, digits)}{unit}")
                    text += f" against a baseline of {number(base, digits)}{unit}"
                _room(ax, [*values.tolist(), *([base] if baseline_value is not None else [])])
                captions.append(text)
                alts.append(f"the measure: {len(part)} dated values from {number(first, digits)} "
                            f"to {number(last, digits)}{unit}")
            elif col == "attendance":
                first, last = float(values.iloc[0]), float(values.iloc[-1])
                ax.plot(part["when"], values, marker="o", color=colour, label="people came",
                        clip_on=False)
                ax.set_ylabel("Attendance\n(people who came)")
                _count_axis(ax, values)
                said = f"attendance {number(first)} on {d0}"
                if len(part) > 1:
                    said += f", {number(last)} on {d1}"
                captions.append(said)
                alts.append(f"attendance: {len(part)} dated values from {number(first)} to "
                            f"{number(last)}")
            else:
                total = float(values.sum())
                when, heights, width, summed = _periods(part["when"], values,
                                                        _bar_days(frame["when"]))
                ax.bar(when, heights, width=width, color=colour,
                       label="people helped in the period" if not summed else
                       f"people helped, summed in {len(heights)} equal periods")
                ax.set_ylabel("People helped\n(people)")
                _count_axis(ax, heights)
                captions.append(f"{number(total)} people helped"
                                + (f" from {d0} to {d1}" if d0 != d1 else ""))
                alts.append(f"people helped: {len(part)} periods, {number(total)} in all")
            ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2,
                      borderaxespad=0.2)
        _date_axis(axes[-1], frame["when"])
        fig.autofmt_xdate()
    caption = "Progress: " + "; ".join(captions)
    if unreadable:
        caption += (f" ({unreadable} entr{'y' if unreadable == 1 else 'ies'} without a "
                    "readable date left out)")
    alt = "Line chart over time. " + "; ".join(alts) + "."
    return Figure(fig, caption + ".", alt)


def _axis_unit(kind: str, unit: str, measure: Measure | None) -> str:
    """What the numbers on the outcome axis count: "% of families", "per 100", "per family"."""
    name = measure.unit_name if measure else ""
    if kind == "yes_no":
        return f"% of {plural(name)}"
    if kind == "rate":
        return unit.strip()
    if kind == "count":
        return f"average per {(name or 'unit').strip() or 'unit'}"
    return "average score"


def _periods(when, values, width_days: float):
    """The bars of a series over time: one per entry, or (more than :data:`MAX_BINS`
    entries) the values summed in MAX_BINS equal periods, so a long log stays a readable
    plot of bounded size. Returns (bar dates, heights, width in days, summed?)."""
    import numpy as np
    import pandas as pd

    if len(values) <= MAX_BINS:
        return when, values, width_days, False
    seconds = when.to_numpy().astype("datetime64[s]").astype("int64").astype(float)
    edges = np.linspace(seconds.min(), seconds.max() + 1, MAX_BINS + 1)
    sums = np.bincount(np.clip(np.searchsorted(edges, seconds, side="right") - 1, 0,
                               MAX_BINS - 1), weights=values.to_numpy(dtype=float),
                       minlength=MAX_BINS)
    centres = pd.to_datetime((edges[:-1] + edges[1:]) / 2, unit="s")
    width = max(1.0, (edges[1] - edges[0]) / 86400 * 0.85)
    return centres, pd.Series(sums), width, True


def _outcome_scale(outcome, baseline_value: float | None, kind: str) -> tuple[float, str]:
    """How to draw the outcome: shares (yes/no, rates) times 100 ("%") or per 1,000."""
    if kind == "yes_no":
        return 100.0, PERCENT
    if kind == "rate":
        reference = baseline_value if baseline_value is not None else 0.01
        factor, per = rate_scale(float(reference))
        return factor, f" {per}"
    return 1.0, ""


# The date axis spans at least this many days, so that one entry (or a few close together)
# is a point or a narrow bar in the middle rather than a bar filling the whole width.
MIN_SPAN_DAYS = 60.0


def _bar_days(when) -> float:
    """Bar width in days: most of the usual gap between entries (at least one day), and never
    more than a tenth of the axis (one entry: a narrow bar, not the whole width)."""
    import numpy as np

    days = when.to_numpy().astype("datetime64[s]").astype("int64") / 86400
    span = max(MIN_SPAN_DAYS, float(days.max() - days.min())) if len(days) else MIN_SPAN_DAYS
    gaps = np.diff(np.unique(days))
    usual = float(np.median(gaps)) * 0.7 if len(gaps) else span
    return max(1.0, min(usual, span / 10))


def _date_axis(ax, when) -> None:
    """Dates people read ("5 Dec", or "Dec 2026" over a longer time), at least
    :data:`MIN_SPAN_DAYS` wide, centred on the entries when they are close together."""
    import pandas as pd
    from matplotlib import dates as mdates

    first, last = when.min(), when.max()
    span = (last - first).days
    if span < MIN_SPAN_DAYS:
        pad = pd.Timedelta(days=(MIN_SPAN_DAYS - span) / 2)
        ax.set_xlim(first - pad, last + pad)
        span = MIN_SPAN_DAYS
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=6))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y" if span > 120 else "%-d %b"))


def _room(ax, values: list[float]) -> None:
    """Room above and below the values (and the baseline) so no point sits on the edge."""
    low, high = min(values), max(values)
    pad = (high - low) * 0.15 or max(abs(high) * 0.1, 1.0)
    ax.set_ylim(low - pad, high + pad)


def _count_axis(ax, values) -> None:
    """Counts (attendance, people helped): whole-number ticks from 0, with room above the
    highest value so that its point is not cut off."""
    from matplotlib.ticker import MaxNLocator

    top = float(values.max()) if len(values) else 0.0
    ax.set_ylim(0, max(top * 1.15, top + 1, 1))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))


def _progress_frame(entries) -> Any:
    import pandas as pd

    columns = ["date", "outcome", "attendance", "people_helped"]
    if entries is None:
        return pd.DataFrame(columns=columns)
    if isinstance(entries, pd.DataFrame):
        frame = entries.copy()
    else:
        frame = pd.DataFrame([{c: getattr(e, c, None) for c in columns} for e in entries],
                             columns=columns)
    for col in columns[1:]:
        if col in frame:
            frame[col] = pd.to_numeric(frame[col], errors="coerce")
    return frame


def _day(ts) -> str:
    return ts.strftime("%d %b %Y").lstrip("0")
