"""Many groups on one server: 20 writer processes (20 groups) editing at once.

    .venv/bin/python benchmarks/shared_server.py [--groups 20] [--edits 100] [--url URL]

Each writer is a process of its own (as each group's Voila kernel would be) with its own
inquiry; all start editing at the same moment. On PostgreSQL every group is a team with its
own database role and row-level security on, as on a hub (``widgets.store.teams``); the same
run repeats on one SQLite file as the baseline. Prints, per database, p50 and p95 of one edit
(one transaction with its history entry), the edits per second of all writers together and
the SQL statements one edit sends (on PostgreSQL each is a round trip, plus BEGIN and COMMIT),
twice: with each group editing at a person's pace (``--interval``, default four edits a
second per group, faster than autosave lets one person go) and flat out (every writer as
fast as it can: 20 processes on 2 cores, so mostly a measure of waiting for a CPU).
Target: p95 <= 20 ms on PostgreSQL with 20 groups.

Without ``--url`` a private PostgreSQL (Debian's ``postgresql`` package, fsync on) is started
in a temporary folder, as the tests do. ``--url`` names an existing server's admin URL
instead (a role that owns the tables and may create roles, not a superuser).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from widgets.store import Store, teams  # noqa: E402

WRITER = r"""
import json, sys, time
from widgets.model import PRINCIPLES, Issue, ProgressEntry
from widgets.store import Store

import os
from sqlalchemy import event
url, team, edits = sys.argv[1], sys.argv[2] or None, int(sys.argv[3])
interval = float(sys.argv[5])
store = Store(url, team=team)
if os.environ.get("HIDDEN_INSIGHTS_BENCH_SQLITE_NOSYNC") and url.startswith("sqlite"):
    store.engine.dispose()
    event.listen(store.engine, "connect",
                 lambda c, _r: c.execute("PRAGMA synchronous=OFF"))
slug = store.create_inquiry(f"Inquiry of {team or 'a group'} {sys.argv[4]}, pace {interval}")
principles = list(PRINCIPLES)
# Statements sent per edit (each one a round trip to a PostgreSQL server, as are BEGIN and
# COMMIT): what an edit costs when the server is busy, whatever the machine's speed.
statements = [0]


@event.listens_for(store.engine, "before_cursor_execute")
def _count(*_args):
    statements[0] += 1


print("ready", flush=True)
sys.stdin.readline()
times = []
# A group edits at a person's pace (interval > 0: one edit per interval, the writers out of
# step with one another), or flat out (0: as fast as the database lets it).
first = time.perf_counter() + interval * (int(sys.argv[4]) % 20) / 20
for i in range(edits):
    if interval:
        time.sleep(max(0.0, first + i * interval - time.perf_counter()))
    start = time.perf_counter()
    kind = i % 4
    if kind == 0:
        store.add_progress(slug, ProgressEntry("2024-01-01", attendance=i, note=f"n{i}"))
    elif kind == 1:
        store.set_issue(slug, Issue(statement=f"version {i}"))
    elif kind == 2:
        store.add_person(slug, f"person {i}")
    else:
        store.set_reflection(slug, 1 + i % 3, principles[i % 6], f"note {i}")
    times.append(time.perf_counter() - start)
store.close()
print(json.dumps({"times": times, "statements": statements[0] / edits}), flush=True)
"""


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def run_writers(targets: list[tuple[str, str]], edits: int,
                interval: float = 0.0) -> tuple[list[float], float, float]:
    """Start one writer per (url, team), release them together; returns every edit's
    seconds, the wall time from the start signal to the last writer's end, and the SQL
    statements per edit (SQLite's BEGIN IMMEDIATE counted; psycopg's own BEGIN and COMMIT,
    two more round trips, not). ``interval``: seconds between one
    writer's edits (0: flat out)."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, url, team, str(edits), str(n),
                               str(interval)],
                              cwd=REPO, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for n, (url, team) in enumerate(targets)]
    try:
        for p in procs:
            line = p.stdout.readline()
            if line != "ready\n":
                raise SystemExit(f"a writer did not start: {line}{p.stderr.read()[-2000:]}")
        start = time.perf_counter()
        for p in procs:
            p.stdin.write("go\n")
            p.stdin.flush()
        times: list[float] = []
        statements: list[float] = []
        for p in procs:
            out, err = p.communicate(timeout=1800)
            if p.returncode:
                raise SystemExit(f"a writer failed: {err[-2000:]}")
            result = json.loads(out.strip().splitlines()[-1])
            times += result["times"]
            statements.append(result["statements"])
        wall = time.perf_counter() - start
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    return times, wall, sum(statements) / len(statements)


def postgres_targets(admin_url: str, groups: int) -> list[tuple[str, str]]:
    """One team and one hub user per group; returns each user's (url, team)."""
    admin = Store(admin_url)
    stamp = str(os.getpid())
    targets = []
    try:
        for g in range(groups):
            team, user = f"bench{stamp}_{g}", f"bench{stamp}_u{g}"
            teams.add_team(admin.engine, team)
            teams.add_member(admin.engine, team, user)
            targets.append((teams.server_env(admin_url, user)["HIDDEN_INSIGHTS_DATABASE_URL"],
                            team))
    finally:
        admin.close()
    return targets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=20)
    parser.add_argument("--edits", type=int, default=100, help="edits per writer")
    parser.add_argument("--interval", type=float, default=0.25,
                        help="seconds between one group's edits in the paced run (default "
                             "0.25: four edits a second, faster than a person's autosave)")
    parser.add_argument("--url", help="an existing PostgreSQL admin URL (default: start one)")
    parser.add_argument("--folder", help="where the SQLite file goes (default: a temp folder)")
    parser.add_argument("--no-fsync", action="store_true",
                        help="the private PostgreSQL without fsync (and SQLite with "
                             "synchronous=OFF): what is left when the disk is not the limit")
    args = parser.parse_args()

    server = None
    if args.url:
        admin_url = args.url
    else:
        import postgres

        server = postgres.start(durable=not args.no_fsync)
        server.sql(f"CREATE ROLE {postgres.ADMIN} LOGIN CREATEROLE")
        server.sql(f"CREATE DATABASE bench OWNER {postgres.ADMIN}")
        admin_url = server.url("bench", postgres.ADMIN)
    rows = []
    paces = [(f"every {args.interval:g} s", args.interval), ("flat out", 0.0)]
    try:
        pg = postgres_targets(admin_url, args.groups)
        with tempfile.TemporaryDirectory(dir=args.folder) as folder:
            url = f"sqlite:///{Path(folder) / 'shared.sqlite'}"
            Store(url).close()
            if args.no_fsync:
                os.environ["HIDDEN_INSIGHTS_BENCH_SQLITE_NOSYNC"] = "1"
            for pace, interval in paces:
                rows.append((f"PostgreSQL, a role per team, RLS; {pace}",
                             *run_writers(pg, args.edits, interval)))
                rows.append((f"SQLite, one file, WAL; {pace}",
                             *run_writers([(url, "")] * args.groups, args.edits, interval)))
    finally:
        if server is not None:
            server.stop()

    print(f"{args.groups} groups editing at once, {args.edits} edits each "
          f"({os.cpu_count()} CPUs)")
    print(f"{'database':<50} {'p50 ms':>8} {'p95 ms':>8} {'edits/s':>9} {'SQL/edit':>9}")
    for name, times, wall, statements in rows:
        print(f"{name:<50} {percentile(times, 50) * 1000:>8.1f} "
              f"{percentile(times, 95) * 1000:>8.1f} {len(times) / wall:>9.0f} "
              f"{statements:>9.2f}")
    for n, (pace, _interval) in enumerate(paces):
        pg_p95 = percentile(rows[2 * n][1], 95) * 1000
        sqlite_p95 = percentile(rows[2 * n + 1][1], 95) * 1000
        verdict = "met" if pg_p95 <= 20 else "NOT met"
        print(f"target: p95 <= 20 ms on PostgreSQL with {args.groups} groups, {pace}: "
              f"{verdict} ({pg_p95:.1f} ms; SQLite/PostgreSQL p95 ratio "
              f"{sqlite_p95 / pg_p95:.2f})")


if __name__ == "__main__":
    main()
