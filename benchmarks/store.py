"""Store speed, each number beside a baseline measured in the same run.

    .venv/bin/python benchmarks/store.py [--edits 300] [--rows 100000] [--repeat 5]

1. One edit saved (``Store.set_issue`` and ``Store.add_progress``: one transaction, history
   entry, fsync) against a raw ``sqlite3`` INSERT + COMMIT with the same PRAGMAs
   (WAL, synchronous=FULL) on the same disk. Target: p95 of an edit <= 20 ms.
2. Importing a CSV of ``--rows`` units the way the kit does (``data_import.read_table`` +
   ``to_frame`` + ``Store.replace_units_frame``) against ``pandas.read_csv`` of the same
   file (median of ``--repeat`` runs). Target: <= 2x read_csv.

Prints a table; nothing is asserted (speed is not checked by the test suite).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from widgets.model import Issue, ProgressEntry  # noqa: E402
from widgets.store import Store  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def raw_sqlite(folder: Path) -> tuple[sqlite3.Connection, Callable[[int], None]]:
    """The baseline: one INSERT + COMMIT per call on a WAL, synchronous=FULL database."""
    con = sqlite3.connect(folder / "raw.sqlite", isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("CREATE TABLE edits (id INTEGER PRIMARY KEY, at TEXT, note TEXT)")

    def insert(i: int) -> None:
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO edits (at, note) VALUES (?, ?)", (f"2024-01-01 {i}", "x" * 40))
        con.execute("COMMIT")

    return con, insert


def bench_edits(folder: Path, n: int) -> list[tuple[str, list[float]]]:
    """Seconds per edit for the raw baseline and two kit edits.

    The three are interleaved (one of each per round) so that a busy disk or CPU slows all
    of them alike and the ratios stay fair.
    """
    store = Store(f"sqlite:///{folder / 'kit.sqlite'}")
    slug = store.create_inquiry("Benchmark")
    con, raw = raw_sqlite(folder)
    actions: list[tuple[str, Callable[[int], object]]] = [
        ("raw sqlite3 INSERT + COMMIT", raw),
        ("Store.set_issue",
         lambda i: store.set_issue(slug, Issue(f"statement {i}", "parents"), by="bench")),
        ("Store.add_progress",
         lambda i: store.add_progress(slug, ProgressEntry("2024-03-01", attendance=abs(i),
                                                          note="n"), by="bench")),
    ]
    times: dict[str, list[float]] = {name: [] for name, _ in actions}
    try:
        for i in range(-10, n):  # the first 10 rounds warm up connections and caches
            for name, action in actions:
                t0 = time.perf_counter()
                action(i)
                if i >= 0:
                    times[name].append(time.perf_counter() - t0)
    finally:
        con.close()
        store.close()
    return list(times.items())


def write_csv(path: Path, rows: int) -> None:
    """A units table a group might have: id, outcome, four circumstances."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(1)
    frame = pd.DataFrame({
        "family": [f"F{i:06d}" for i in range(rows)],
        "score": rng.normal(0, 1, rows).round(3),
        "income band": rng.choice(["lowest", "low", "middle", "high"], rows),
        "housing": rng.choice(["social rent", "private rent", "owner"], rows),
        "children": rng.integers(1, 6, rows),
        "single parent": rng.choice(["yes", "no"], rows),
    })
    frame.to_csv(path, index=False)


def bench_import(folder: Path, rows: int, repeat: int) -> list[tuple[str, float | None, str]]:
    """Median seconds of read_csv, the kit's import, and its two halves.

    Rounds are interleaved (read_csv, then the kit's import, ``repeat`` times) so that a
    busy machine slows both alike.
    """
    import pandas as pd

    path = folder / "units.csv"
    write_csv(path, rows)
    store = Store(f"sqlite:///{folder / 'import.sqlite'}")
    slug = store.create_inquiry("Import benchmark")
    try:
        from widgets.files.data_import import read_table, to_frame
    except ImportError as e:  # run what can be run and say what was skipped
        read_table = to_frame = None
        missing = f"skipped: {e}"
    times: dict[str, list[float]] = {"read_csv": [], "kit": [], "reading": [], "storing": [],
                                     "floor": []}
    floor_db, write_document = raw_document_writer(folder)
    document = b""
    try:
        for _ in range(repeat + 1):  # the first round warms up imports and caches
            t0 = time.perf_counter()
            baseline_frame = pd.read_csv(path)
            t1 = time.perf_counter()
            if read_table is not None:
                preview = read_table(path.read_bytes(), path.name)
                frame = to_frame(preview, preview.suggested, "score")
            else:
                frame = baseline_frame.rename(columns={"family": "unit_id", "score": "outcome"})
            t2 = time.perf_counter()
            store.replace_units_frame(slug, frame, by="bench", source=path.name, kind="score")
            t3 = time.perf_counter()
            if not document:
                from widgets.store import units_table

                document = units_table.to_bytes(units_table.normalise(frame)[0])
            t4 = time.perf_counter()
            write_document(document)
            t5 = time.perf_counter()
            for key, seconds in (("read_csv", t1 - t0), ("kit", t3 - t1),
                                 ("reading", t2 - t1), ("storing", t3 - t2),
                                 ("floor", t5 - t4)):
                times[key].append(seconds)
        assert store.summary(slug).units == rows
    finally:
        store.close()
        floor_db.close()
    median = {key: statistics.median(values[1:]) for key, values in times.items()}
    if read_table is None:
        return [("pandas.read_csv", median["read_csv"], ""),
                ("kit import (read_table + to_frame + store)", None, missing),
                ("  of which Store.replace_units_frame", median["storing"], "")]
    return [
        ("pandas.read_csv", median["read_csv"], ""),
        ("kit import (read_table + to_frame + store)", median["kit"], ""),
        ("  of which read_table + to_frame", median["reading"], ""),
        ("  of which Store.replace_units_frame", median["storing"], ""),
        (f"  floor: raw sqlite3 write of its {len(document) / 1e6:.1f} MB document",
         median["floor"], ""),
    ]


def raw_document_writer(folder: Path) -> tuple[sqlite3.Connection, Callable[[bytes], None]]:
    """The least any durable store must do: replace one document in SQLite (WAL,
    synchronous=FULL, the store's page size) and commit."""
    conn = sqlite3.connect(folder / "floor.sqlite", isolation_level=None)
    conn.execute("PRAGMA page_size=16384")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE documents (id INTEGER PRIMARY KEY, data BLOB NOT NULL)")

    def write(data: bytes) -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("DELETE FROM documents WHERE id = 1")
        conn.execute("INSERT INTO documents VALUES (1, ?)", (data,))
        conn.execute("COMMIT")

    return conn, write


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=300)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--folder", type=Path, default=None,
                        help="where to put the databases (default: a temporary folder)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(dir=args.folder) as tmp:
        folder = Path(tmp)
        print(f"One edit saved ({args.edits} edits each; milliseconds)")
        edit_rows = bench_edits(folder, args.edits)
        base_p50 = percentile(edit_rows[0][1], 50)
        base_p95 = percentile(edit_rows[0][1], 95)
        print(f"{'':34} {'p50':>8} {'p95':>8} {'x raw p50':>10} {'x raw p95':>10}  target")
        for name, times in edit_rows:
            p50, p95 = percentile(times, 50), percentile(times, 95)
            target = "" if name.startswith("raw") else (
                f"p95 <= 20 ms: {'ok' if p95 * 1000 <= 20 else 'MISSED'}")
            print(f"{name:34} {p50 * 1000:8.2f} {p95 * 1000:8.2f} {p50 / base_p50:10.1f} "
                  f"{p95 / base_p95:10.1f}  {target}")

        print()
        print(f"Import of a {args.rows:,}-row CSV (median of {args.repeat}; seconds)")
        import_rows = bench_import(folder, args.rows, args.repeat)
        baseline = import_rows[0][1]
        print(f"{'':44} {'median':>8} {'x read_csv':>11}  target")
        for name, seconds, note in import_rows:
            if seconds is None:
                print(f"{name:44} {'-':>8} {'-':>11}  {note}")
                continue
            ratio = seconds / baseline
            target = ""
            if name.startswith("kit import"):
                target = f"<= 2x read_csv: {'ok' if ratio <= 2 else 'MISSED'}"
            print(f"{name:44} {seconds:8.3f} {ratio:11.2f}  {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
