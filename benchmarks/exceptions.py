"""Speed (and memory) of the positive-exception methods on synthetic units.

Run:  .venv/bin/python benchmarks/exceptions.py [--quick]

Synthetic units (seeded numpy RNG) with 2 text circumstances (tenure: 4 values, area: 12) and
1 numeric one (income, cut in 3 bands by the group methods), at 10k, 100k and 1M units
(``--quick``: 10k and 100k only). Each method is timed (median of 3 runs at 10k/100k, one run
at 1M) next to a raw pandas groupby z-score over the same table in the same run, and the
ratio to that baseline is printed. For the model-based methods (expected, funnel) the peak
memory traced by tracemalloc is measured in a separate run (tracing slows things down).

Targets (benchmarks/README.md): every method ≤ 1 s at 10k; group methods ≤ 2 s and ≤ 3× the
raw groupby at 1M.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from widgets.analysis.positive_exceptions import run_method  # noqa: E402
from widgets.model import Measure  # noqa: E402

CIRCUMSTANCES = ["tenure", "area", "income"]
SCORE = Measure(what="wellbeing score", unit_name="family", kind="score", better="higher")
YES_NO = Measure(what="the family stayed together", unit_name="family", kind="yes_no")
RATE = Measure(what="admissions", unit_name="ward", kind="rate", better="lower")


def make_units(n: int, seed: int = 2024) -> dict[str, pd.DataFrame]:
    """Score, yes/no and rate tables sharing the same circumstances."""
    rng = np.random.default_rng(seed)
    tenure = rng.choice(["social housing", "private rent", "owner", "other"], n)
    area = rng.choice([f"area {i}" for i in range(12)], n)
    income = rng.normal(1500, 400, n).round()
    effect = pd.Series(tenure).map({"social housing": -1.0, "private rent": 0.0,
                                    "owner": 0.8, "other": 0.2}).to_numpy()
    score = rng.normal(5, 1.2, n) + effect + (income - 1500) / 800
    ids = pd.Series([f"Family {i}" for i in range(1, n + 1)], dtype=object)
    base = pd.DataFrame({"unit_id": ids, "outcome": score, "population": np.nan,
                         "tenure": tenure, "area": area, "income": income})
    p = 1 / (1 + np.exp(-(-0.8 + 0.7 * effect)))
    yes_no = base.assign(outcome=(rng.random(n) < p).astype("float64"))
    pop = rng.integers(50, 2000, n).astype("float64")
    events = rng.binomial(pop.astype("int64"), 0.07 * np.exp(-0.2 * effect)).astype("float64")
    rate = base.assign(outcome=events, population=pop)
    return {"score": base, "yes_no": yes_no, "rate": rate}


def raw_groupby(frame: pd.DataFrame, band: np.ndarray) -> pd.Series:
    """The baseline: a plain vectorised pandas groupby z-score over the same circumstances
    (income already cut in bands, which the methods do themselves inside the timing)."""
    df = frame.assign(band=band)
    g = df.groupby(["tenure", "area", "band"])["outcome"]
    return (df["outcome"] - g.transform("mean")) / g.transform("std")


CASES = [
    # label, table, method name, settings, model-based
    ("group-z (score)", "score", "group-z", {"circumstances": CIRCUMSTANCES}, False),
    ("group-iqr (score)", "score", "group-iqr", {"circumstances": CIRCUMSTANCES}, False),
    ("group-z (yes/no)", "yes_no", "group-z", {"circumstances": CIRCUMSTANCES}, False),
    ("expected (score, OLS)", "score", "expected", {"circumstances": CIRCUMSTANCES}, True),
    ("expected (yes/no, logit)", "yes_no", "expected", {"circumstances": CIRCUMSTANCES}, True),
    ("expected (rate, binomial)", "rate", "expected", {"circumstances": CIRCUMSTANCES}, True),
    ("funnel (rate, exact)", "rate", "funnel", {}, True),
    ("funnel (rate, normal, od)", "rate", "funnel",
     {"exact": False, "overdispersion": True}, True),
]


def timed(func, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_mb(func) -> float:
    tracemalloc.start()
    try:
        func()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only 10k and 100k units")
    args = parser.parse_args()
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]

    start = time.perf_counter()
    import scipy.stats  # noqa: F401  (cold import, reported, then excluded from timings)
    cold = time.perf_counter() - start
    warm = make_units(500)
    for _, table, name, settings, _ in CASES:  # warm caches once
        run_method(name, warm[table], {"score": SCORE, "yes_no": YES_NO, "rate": RATE}[table],
                   **settings)
    measures = {"score": SCORE, "yes_no": YES_NO, "rate": RATE}

    print(f"cold import of scipy.stats: {cold:.2f} s (paid once per kernel, not in the timings)")
    print("load average at start: " + ", ".join(f"{v:.1f}" for v in os.getloadavg())
          + f" on {os.cpu_count()} cores (ratios matter more than seconds on a busy machine)")
    header = f"{'units':>9}  {'method':<27} {'seconds':>8} {'× raw groupby':>14} {'peak MB':>8}"
    print(header)
    print("-" * len(header))
    failures = []
    for n in sizes:
        repeats = 3 if n < 1_000_000 else 1
        tables = make_units(n)
        band = pd.qcut(tables["score"]["income"], 3, labels=False).to_numpy()
        raw = timed(lambda t=tables["score"], b=band: raw_groupby(t, b), repeats)
        print(f"{n:>9,}  {'raw pandas groupby z-score':<27} {raw:>8.3f} {1.0:>14.2f} {'':>8}")
        for label, table, name, settings, model_based in CASES:
            frame, measure = tables[table], measures[table]

            def call(frame=frame, measure=measure, name=name, settings=settings):
                return run_method(name, frame, measure, **settings)

            seconds = timed(call, repeats)
            mem = f"{peak_mb(call):8.0f}" if model_based else f"{'':>8}"
            print(f"{n:>9,}  {label:<27} {seconds:>8.3f} {seconds / raw:>14.2f} {mem}")
            if n == 10_000 and seconds > 1.0:
                failures.append(f"{label} at 10k: {seconds:.2f} s > 1 s")
            if n == 1_000_000 and name.startswith("group-") and (seconds > 2.0
                                                                 or seconds / raw > 3.0):
                failures.append(f"{label} at 1M: {seconds:.2f} s, {seconds / raw:.1f}× raw")
        print()
    print("load average at end: " + ", ".join(f"{v:.1f}" for v in os.getloadavg()))
    if failures:
        print("Targets missed:\n  " + "\n  ".join(failures))
    else:
        print("All targets met (≤ 1 s at 10k; group methods ≤ 2 s and ≤ 3× raw at 1M"
              + (", 1M not run with --quick" if args.quick else "") + ").")


if __name__ == "__main__":
    main()
