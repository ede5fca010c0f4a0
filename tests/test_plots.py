"""Tests for widgets.plots: one theme, the highlight colour only on exceptions, captions
with the numbers, a plain figure for empty data, and no figure left open."""

from __future__ import annotations

import re
import types

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgba

from widgets import plots
from widgets.analysis.group_choice import group_choice
from widgets.analysis.positive_exceptions import run_method
from widgets.model import Measure, ProgressEntry

HIGHLIGHT = to_rgba(plots.HIGHLIGHT)


@pytest.fixture(autouse=True)
def no_figure_left_open():
    """Every test: pyplot has no figure before and after (the plots never register one)."""
    import matplotlib.pyplot as plt

    assert plt.get_fignums() == []
    yield
    assert plt.get_fignums() == []


def families(n=60, yes=18, seed=1):
    rng = np.random.default_rng(seed)
    outcome = np.zeros(n)
    outcome[rng.choice(n, yes, replace=False)] = 1.0
    return pd.DataFrame({
        "unit_id": [f"F{i:02d}" for i in range(n)],
        "outcome": outcome,
        "population": np.nan,
        "income band": rng.choice(["low", "middle", "high"], n),
        "children": rng.integers(1, 5, n),
    })


def scores(n=80, seed=2):
    rng = np.random.default_rng(seed)
    income = rng.uniform(500, 2500, n)
    return pd.DataFrame({
        "unit_id": [f"C{i:03d}" for i in range(n)],
        "outcome": -3 + income / 1000 + rng.normal(0, 0.4, n),
        "population": np.nan,
        "household income": income,
        "hamlet": rng.choice(["A", "B", "C"], n),
    })


def wards(n=50, seed=3):
    rng = np.random.default_rng(seed)
    pop = rng.integers(30, 3000, n).astype(float)
    events = rng.binomial(pop.astype(int), 0.1).astype(float)
    events[0], pop[0] = 0.0, 2000.0  # far below the funnel: a clear exception
    return pd.DataFrame({"unit_id": [f"W{i}" for i in range(n)], "outcome": events,
                         "population": pop})


YES_NO = Measure(what="the family stayed together", unit_name="family", kind="yes_no")
SCORE = Measure(what="weight-for-age score", unit_name="child", kind="score")
RATE = Measure(what="children missing school", unit_name="ward", kind="rate", better="lower")


def highlight_points(fig) -> list[tuple]:
    """(facecolour, n points) of every point collection of the figure, by label."""
    out = []
    for ax in fig.fig.axes:
        for c in ax.collections:
            if isinstance(c, PathCollection) and len(c.get_offsets()):
                out.append((c.get_label(), [tuple(fc) for fc in c.get_facecolors()],
                            len(c.get_offsets())))
    return out


def check_highlight(fig, flagged: int) -> None:
    """The highlight colour is on exactly ``flagged`` points, all in one collection."""
    coloured = 0
    for name, colours, n in highlight_points(fig):
        # The hue alone (any transparency) is reserved for exceptions.
        uses = [c for c in colours if np.allclose(c[:3], HIGHLIGHT[:3])]
        if name == "positive exceptions":
            assert len(colours) in (1, n) and len(uses) == len(colours)
            assert all(np.allclose(c, HIGHLIGHT) for c in colours)  # opaque
            coloured += n
        else:
            assert not uses, f"{name} uses the highlight colour"
    assert coloured == flagged


# ---------------------------------------------------------------------- theme and Figure


def test_highlight_is_kept_for_exceptions_only():
    assert plots.HIGHLIGHT.lower() not in [c.lower() for c in plots.SERIES]
    assert to_rgba(plots.HIGHLIGHT) != to_rgba(plots.OTHERS)
    rc = plots.theme_rc()
    assert rc["font.size"] >= 14 and rc["axes.labelsize"] >= 16


def test_theme_does_not_change_global_settings():
    before = matplotlib.rcParams["font.size"], matplotlib.rcParams["axes.prop_cycle"]
    plots.baseline_figure(families(), YES_NO)
    assert (matplotlib.rcParams["font.size"], matplotlib.rcParams["axes.prop_cycle"]) == before


def test_figure_outputs():
    fig = plots.baseline_figure(families(), YES_NO)
    png = fig.png_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert fig.png_bytes() is png  # cached
    assert fig.data_uri().startswith("data:image/png;base64,")
    assert fig.svg_text().lstrip().startswith(("<?xml", "<svg"))
    assert fig._repr_png_() == png
    assert "<figcaption>" in fig.html()


def test_html_escapes_caption_and_alt():
    fig = plots.empty_figure("No data yet", caption='<img src=x onerror="alert(1)">')
    out = fig.html()
    assert "<img src=x" not in out and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in out


def test_same_data_same_picture():
    a = plots.exceptions_figure(scores(), run_method("group-z", scores(), SCORE,
                                                     circumstances=["hamlet"]), SCORE)
    b = plots.exceptions_figure(scores(), run_method("group-z", scores(), SCORE,
                                                     circumstances=["hamlet"]), SCORE)
    assert a.png_bytes() == b.png_bytes()


def test_person_text_is_not_maths_and_wraps():
    text = plots.theme.label("costs $5 or $10 " + "x" * 200, width=30, limit=80)
    assert r"\$5" in text and "$5" not in text.replace(r"\$", "")
    assert len(text) <= 90 and "…" in text
    hostile = Measure(what="$\\frac{1}{0}$ <script>alert(1)</script> {{7*7}} שלום", kind="score")
    fig = plots.baseline_figure(scores(), hostile)
    assert fig.png_bytes()  # draws without a maths error


# ---------------------------------------------------------------------- baseline


def test_baseline_yes_no_bars_and_caption():
    fig = plots.baseline_figure(families(60, 18), YES_NO)
    heights = sorted(p.get_height() for p in fig.fig.axes[0].patches)
    assert heights == [18, 42]
    assert "18 of 60 families" in fig.caption and "30\u00a0%" in fig.caption
    assert "stayed together" in fig.caption
    assert "18" in fig.alt and "42" in fig.alt


def test_baseline_score_histogram_counts_every_unit():
    frame = scores(80)
    fig = plots.baseline_figure(frame, SCORE)
    ax = fig.fig.axes[0]
    assert sum(p.get_height() for p in ax.patches) == 80
    assert "80 children" in fig.caption
    assert f"{frame['outcome'].median():.1f}" in fig.caption


def test_baseline_count_uses_bars_per_value():
    frame = pd.DataFrame({"unit_id": list("abcdefgh"), "outcome": [0, 1, 1, 2, 2, 2, 3, 7],
                          "population": np.nan})
    measure = Measure(what="missed meals", unit_name="household", kind="count")
    fig = plots.baseline_figure(frame, measure)
    heights = [p.get_height() for p in fig.fig.axes[0].patches if p.get_height() > 0]
    assert sorted(heights) == [1, 1, 1, 2, 3]
    assert "bars per value" in fig.caption and "8 households" in fig.caption


def test_baseline_rate_one_dot_per_unit_and_overall_line():
    frame = wards(50)
    frame.loc[1, "population"] = 0  # no population: left out
    fig = plots.baseline_figure(frame, RATE)
    ax = fig.fig.axes[0]
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert sum(len(c.get_offsets()) for c in points) == 49
    use = frame.drop(index=1)
    overall = use["outcome"].sum() / use["population"].sum() * 100
    lines = [ln.get_xdata()[0] for ln in ax.lines]
    assert any(abs(x - overall) < 1e-9 for x in lines)
    assert f"{overall:.1f} per 100" in fig.caption and "49 wards" in fig.caption


@pytest.mark.parametrize("frame", [None, pd.DataFrame(columns=["unit_id", "outcome"]),
                                   pd.DataFrame({"unit_id": ["a"], "outcome": [np.nan]})])
def test_baseline_without_data_says_so(frame):
    fig = plots.baseline_figure(frame, YES_NO)
    assert fig.caption.startswith("No data yet")
    texts = [t.get_text() for ax in fig.fig.axes for t in ax.texts]
    assert "No data yet" in texts


# ---------------------------------------------------------------------- exceptions


def test_group_method_highlights_exactly_the_flagged_units():
    frame = families(60, 18)
    result = run_method("group-z", frame, YES_NO, circumstances=["income band"])
    k = int(result.table["flagged"].sum())
    assert k > 0
    fig = plots.exceptions_figure(frame, result, YES_NO)
    check_highlight(fig, k)
    assert sum(n for _, _, n in highlight_points(fig)) == 60
    assert f"{k} of 60 families" in fig.caption
    assert "best in similar circumstances" in fig.caption


def test_group_method_on_scores_draws_boxes():
    frame = scores()
    result = run_method("group-iqr", frame, SCORE, circumstances=["hamlet"])
    fig = plots.exceptions_figure(frame, result, SCORE)
    ax = fig.fig.axes[0]
    assert len(ax.patches) == 3  # one box per hamlet
    check_highlight(fig, int(result.table["flagged"].sum()))
    assert "3 groups" in fig.caption


def test_many_groups_are_numbered_not_named():
    frame = scores(300)
    frame["hamlet"] = [f"place {i % 30}" for i in range(300)]
    result = run_method("group-z", frame, SCORE, circumstances=["hamlet"])
    fig = plots.exceptions_figure(frame, result, SCORE)
    assert fig.fig.axes[0].get_xticks().size == 0
    assert "30 groups" in fig.caption


def test_expected_method_against_a_circumstance_and_against_expected():
    frame = scores()
    frame.loc[5, "outcome"] = 3.0  # far better than its income predicts
    result = run_method("expected", frame, SCORE, circumstances=["household income"])
    k = int(result.table["flagged"].sum())
    assert k >= 1
    fig = plots.exceptions_figure(frame, result, SCORE, circumstance="household income")
    check_highlight(fig, k)
    assert "household income" in fig.caption and "expected" in fig.caption
    ax = fig.fig.axes[0]
    assert any(ln.get_label() == "expected" for ln in ax.lines)
    fig2 = plots.exceptions_figure(frame, result, SCORE)
    check_highlight(fig2, k)
    assert any(ln.get_label() == "as expected" for ln in fig2.fig.axes[0].lines)
    fig3 = plots.exceptions_figure(frame, result, SCORE, circumstance="hamlet")
    check_highlight(fig3, k)


def test_expected_yes_no_is_drawn_against_the_expected_chance():
    frame = families(80, 30)
    result = run_method("expected", frame, YES_NO, circumstances=["income band", "children"])
    fig = plots.exceptions_figure(frame, result, YES_NO)
    check_highlight(fig, int(result.table["flagged"].sum()))
    assert "chance" in fig.fig.axes[0].get_xlabel()


def test_funnel_draws_the_methods_limits():
    frame = wards()
    result = run_method("funnel", frame, RATE)
    k = int(result.table["flagged"].sum())
    assert k >= 1 and bool(result.table.loc[0, "flagged"])
    fig = plots.exceptions_figure(frame, result, RATE)
    check_highlight(fig, k)
    ax = fig.fig.axes[0]
    assert ax.get_xscale() == "log"
    labels = [ln.get_label() for ln in ax.lines]
    assert sum("limits" in lab for lab in labels) == 2  # one legend entry per level
    assert len([ln for ln in ax.lines if "overall" in ln.get_label()]) == 1
    assert "95\u00a0%" in fig.caption and "99.8\u00a0%" in fig.caption
    assert f"{k} of 50 wards" in fig.caption


def test_group_choice_and_highlight_override():
    frame = families()
    result = group_choice(frame, ["F01", "F02"], YES_NO)
    fig = plots.exceptions_figure(frame, result, YES_NO)
    check_highlight(fig, 2)
    fig = plots.exceptions_figure(frame, result, YES_NO, highlight=["F07"],
                                  highlight_words="confirmed by the group")
    check_highlight(fig, 1)
    assert "1 of 60 families is a positive exception confirmed by the group" in fig.caption


def test_method_like_result_with_unknown_method():
    frame = families(20, 5)
    table = pd.DataFrame({"unit_id": frame["unit_id"], "score": 0.0, "expected": np.nan,
                          "flagged": [True] * 3 + [False] * 17, "explanation": "",
                          "group": None})
    fig = plots.exceptions_figure(frame, types.SimpleNamespace(method="other", table=table,
                                                               settings={}), YES_NO)
    check_highlight(fig, 3)


def test_very_many_units_draw_a_sample_but_every_exception():
    n = plots.MAX_POINTS + 2000
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"unit_id": [f"U{i}" for i in range(n)],
                          "outcome": rng.normal(size=n), "population": np.nan})
    flagged = np.zeros(n, dtype=bool)
    flagged[:40] = True
    table = pd.DataFrame({"unit_id": frame["unit_id"], "score": 0.0, "expected": np.nan,
                          "flagged": flagged, "explanation": "", "group": None})
    fig = plots.exceptions_figure(frame, types.SimpleNamespace(
        method="group-choice", table=table, settings={}), SCORE)
    counts = {name: k for name, _, k in highlight_points(fig)}
    assert counts == {"others": plots.MAX_POINTS, "positive exceptions": 40}
    assert "a sample of 5,000" in fig.caption


def test_exceptions_without_data_says_so():
    empty = types.SimpleNamespace(method="group-z", table=pd.DataFrame(), settings={})
    assert plots.exceptions_figure(families(), empty, YES_NO).caption.startswith("No data yet")
    result = group_choice(families(), [], YES_NO)
    assert plots.exceptions_figure(families().iloc[:0], result, YES_NO).caption.startswith(
        "No data yet")


# ---------------------------------------------------------------------- practices


def test_practices_pairs_of_bars_in_the_right_colours():
    comparison = pd.DataFrame({
        "practice_id": [1, 2, 3],
        "what": ["Eating together", "Talking about the day", "Paid club"],
        "share_exceptions": [0.8, 0.6, 0.5],
        "share_others": [0.2, 0.5, np.nan],
    })
    fig = plots.practices_figure(comparison)
    ax = fig.fig.axes[0]
    bars = ax.patches
    assert len(bars) == 6
    orange = [b for b in bars if np.allclose(b.get_facecolor(), HIGHLIGHT)]
    blue = [b for b in bars if np.allclose(b.get_facecolor(), to_rgba(plots.OTHERS))]
    assert sorted(b.get_width() for b in orange) == pytest.approx([50, 60, 80])
    assert sorted(b.get_width() for b in blue) == pytest.approx([0, 20, 50])
    assert "Eating together" in fig.caption
    assert "80\u00a0%" in fig.caption and "20\u00a0%" in fig.caption
    assert "not known" in [t.get_text() for t in ax.texts]


def test_practices_from_the_real_comparison():
    from widgets.analysis.practices import compare_practice_checks
    from widgets.model import Practice, PracticeCheck

    practices = [Practice("Eat together", id=1), Practice("Walk to school", id=2)]
    checks = [PracticeCheck(f"U{i}", pid, "yes" if (i < 4) == (pid == 1) else "no")
              for i in range(12) for pid in (1, 2)]
    comparison = compare_practice_checks(checks, ["U0", "U1", "U2", "U3"],
                                         [f"U{i}" for i in range(12)], practices)
    fig = plots.practices_figure(comparison)
    assert len(fig.fig.axes[0].patches) == 4
    assert "Eat together" in fig.caption and "100\u00a0%" in fig.caption


def test_practices_without_checks_says_so():
    assert plots.practices_figure(pd.DataFrame()).caption.startswith("No data yet")
    blank = pd.DataFrame({"what": ["x"], "share_exceptions": [np.nan], "share_others": [np.nan]})
    assert plots.practices_figure(blank).caption.startswith("No data yet")


# ---------------------------------------------------------------------- progress


def entries():
    return [
        ProgressEntry("2023-04-07", attendance=50, people_helped=14),
        ProgressEntry("2023-05-05", attendance=52, people_helped=11),
        ProgressEntry("2023-09-01", outcome=0.31, attendance=62, people_helped=8),
        ProgressEntry("not a date", attendance=99),
        ProgressEntry("2024-03-01", outcome=35, attendance=85, people_helped=6),
    ]


def test_progress_panels_points_and_baseline():
    fig = plots.progress_figure(entries(), baseline_value=0.27, measure=YES_NO)
    axes = fig.fig.axes
    assert len(axes) == 3
    measured = [ln for ln in axes[0].lines if ln.get_label() == "measured"][0]
    assert list(measured.get_ydata()) == pytest.approx([31, 35])  # 0.31 and "35" (per cent)
    assert [ln.get_ydata()[0] for ln in axes[0].lines if "baseline" in ln.get_label()] == \
        pytest.approx([27])
    attendance = axes[1].lines[0]
    assert len(attendance.get_xdata()) == 4  # the unreadable date is left out
    assert [p.get_height() for p in axes[2].patches] == [14, 11, 8, 6]
    assert "39 people helped" in fig.caption
    assert "baseline of 27\u00a0%" in fig.caption and "35\u00a0%" in fig.caption
    assert "1 entry without a readable date left out" in fig.caption


def test_progress_only_attendance():
    fig = plots.progress_figure([ProgressEntry("2024-01-01", attendance=10),
                                 ProgressEntry("2024-02-01", attendance=20)])
    assert len(fig.fig.axes) == 1
    assert "attendance 10" in fig.caption and "20" in fig.caption


def test_progress_with_one_entry_reads_well():
    """One entry: a narrow bar (not the whole width), whole-number ticks from 0 with room above
    the point, dates in words, and a caption that says each thing once."""
    from matplotlib import dates as mdates

    fig = plots.progress_figure([ProgressEntry("2026-12-05", attendance=40, people_helped=9)])
    attendance, helped = fig.fig.axes
    assert fig.caption == "Progress: attendance 40 on 5 Dec 2026; 9 people helped."
    left, right = helped.get_xlim()
    [bar] = helped.patches
    assert bar.get_width() <= (right - left) / 5
    low, high = attendance.get_ylim()
    assert low == 0 and high > 40 * 1.1
    ticks = [t for t in attendance.get_yticks() if low <= t <= high]
    assert all(float(t).is_integer() for t in ticks) and len(ticks) >= 3
    fig.fig.canvas.draw()
    labels = [t.get_text() for t in helped.get_xticklabels() if t.get_text()]
    assert labels and all(re.fullmatch(r"\d{1,2} [A-Z][a-z]{2}", t) for t in labels), labels
    assert left < mdates.date2num(pd.Timestamp("2026-12-05")) < right


def test_progress_over_a_long_time_shows_months():
    fig = plots.progress_figure(entries())
    fig.fig.canvas.draw()
    labels = [t.get_text() for t in fig.fig.axes[-1].get_xticklabels() if t.get_text()]
    assert labels and all(re.fullmatch(r"[A-Z][a-z]{2} \d{4}", t) for t in labels), labels
    assert "from 7 Apr 2023 to 1 Mar 2024" in fig.caption


@pytest.mark.parametrize("data", [[], None, [ProgressEntry("2024-01-01", note="hello")],
                                  [ProgressEntry("soon", attendance=3)]])
def test_progress_without_data_says_so(data):
    assert plots.progress_figure(data).caption.startswith("No data yet")


def test_drawing_from_several_threads_leaves_the_settings_alone():
    from concurrent.futures import ThreadPoolExecutor

    before = dict(matplotlib.rcParams)
    with ThreadPoolExecutor(4) as pool:
        figs = list(pool.map(lambda _: plots.baseline_figure(scores(), SCORE), range(8)))
    assert all(f.caption == figs[0].caption for f in figs)
    assert dict(matplotlib.rcParams) == before


def test_result_rows_in_another_order_are_matched_by_id():
    frame = scores()
    result = run_method("group-z", frame, SCORE, circumstances=["hamlet"])
    flagged = set(result.table.loc[result.table["flagged"], "unit_id"])
    shuffled = types.SimpleNamespace(method="group-z", settings={},
                                     table=result.table.iloc[::-1].iloc[:-5])
    fig = plots.exceptions_figure(frame, shuffled, SCORE)
    kept = flagged & set(shuffled.table["unit_id"])
    check_highlight(fig, len(kept))
    assert sum(n for _, _, n in highlight_points(fig)) == len(frame) - 5


def test_importing_the_plots_loads_no_heavy_library():
    import subprocess
    import sys

    code = ("import sys, widgets.plots, widgets.report; "
            "print(sorted(m for m in ('matplotlib', 'seaborn', 'pandas', 'jinja2') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


# ---------------------------------------------------------------------- bounded size


def pixels(fig) -> int:
    import io

    from PIL import Image

    with Image.open(io.BytesIO(fig.png_bytes())) as im:
        return im.size[0] * im.size[1]


#: The largest picture any plot may be (issue 9 item 13: a 12-million-pixel plot failed).
MAX_PIXELS = 4_000_000


def test_practices_of_a_huge_inquiry_show_the_first_ones_and_say_so():
    n = 100_000
    rng = np.random.default_rng(0)
    comparison = pd.DataFrame({"what": [f"Practice {i}" for i in range(n)],
                               "share_exceptions": rng.uniform(size=n),
                               "share_others": rng.uniform(size=n)})
    fig = plots.practices_figure(comparison)
    ax = fig.fig.axes[0]
    assert len(ax.get_yticklabels()) == plots.theme.MAX_BARS
    assert len(ax.patches) == 2 * plots.theme.MAX_BARS
    assert f"showing {plots.theme.MAX_BARS} of 100,000 practices" in fig.caption
    assert pixels(fig) <= MAX_PIXELS
    assert len(fig.alt) < 5_000


def test_progress_of_a_long_log_sums_people_helped_in_periods():
    n = 20_000
    days = pd.date_range("2020-01-01", periods=n, freq="h")
    log = pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "outcome": np.nan,
                        "attendance": np.arange(n) % 40, "people_helped": 1})
    fig = plots.progress_figure(log, measure=YES_NO)
    bars = fig.fig.axes[-1].patches
    assert len(bars) <= plots.theme.MAX_BINS
    assert sum(b.get_height() for b in bars) == pytest.approx(n)
    assert f"{n:,} people helped" in fig.caption
    assert pixels(fig) <= MAX_PIXELS


def test_many_exceptions_draw_a_sample_and_say_so():
    n = plots.MAX_POINTS * 3
    frame = pd.DataFrame({"unit_id": [f"U{i}" for i in range(n)],
                          "outcome": np.random.default_rng(1).normal(size=n),
                          "population": np.nan})
    table = pd.DataFrame({"unit_id": frame["unit_id"], "score": 0.0, "expected": np.nan,
                          "flagged": np.arange(n) % 2 == 0, "explanation": "",
                          "group": None})
    fig = plots.exceptions_figure(frame, types.SimpleNamespace(
        method="group-choice", table=table, settings={}), SCORE)
    counts = {name: k for name, _, k in highlight_points(fig)}
    assert counts["positive exceptions"] == plots.MAX_POINTS
    assert f"a sample of {plots.MAX_POINTS:,} of the {n // 2:,} orange diamonds" in fig.caption
    assert pixels(fig) <= MAX_PIXELS


def test_a_histogram_of_a_million_scores_has_a_bounded_number_of_bars():
    rng = np.random.default_rng(3)
    values = np.r_[rng.normal(size=1_000_000), rng.normal(1e6, 1, size=10)]
    frame = pd.DataFrame({"unit_id": np.arange(len(values)).astype(str), "outcome": values})
    fig = plots.baseline_figure(frame, SCORE)
    assert len(fig.fig.axes[0].patches) <= plots.theme.MAX_BINS
    assert pixels(fig) <= MAX_PIXELS


def test_progress_axis_says_its_units():
    """Issue 9 item 18: the outcome's axis had no unit once a long measure was cut short."""
    long = Measure("The family stayed together (no separation, and no child moved out of "
                   "the home in the last two years)", "family", "yes_no")
    fig = plots.progress_figure(entries(), baseline_value=0.27, measure=long)
    labels = [ax.get_ylabel() for ax in fig.fig.axes]
    assert labels[0].endswith("(% of families)")
    assert labels[1].endswith("(people who came)") and labels[2].endswith("(people)")
    rate = Measure("admissions", "ward", "rate")
    fig = plots.progress_figure([ProgressEntry("2024-01-01", outcome=0.05),
                                 ProgressEntry("2024-02-01", outcome=0.04)],
                                baseline_value=0.06, measure=rate)
    assert fig.fig.axes[0].get_ylabel().endswith("(per 100)")


def test_baseline_caption_agrees_with_the_count():
    frame = families()
    fig = plots.baseline_figure(frame, Measure("has a plan", "pupil", "yes_no"))
    assert "18 of 60 pupils (30\u00a0%) have a plan" in fig.caption
