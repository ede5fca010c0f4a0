"""Many groups on one server: 20 writer processes (20 groups) editing at once.

    .venv/bin/python benchmarks/shared_server.py [--groups 20] [--edits 100] [--url URL]
        [--interval 0.25] [--capacity 0.25,0.1,0.05,0.03] [--other-inquiries N]

Each writer is a process of its own (as each group's Voila kernel would be) with its own
inquiry; all start editing at the same moment. On PostgreSQL every group is a team with its
own database role and row-level security on, as on a hub (``widgets.store.teams``); the same
runs repeat on one SQLite file as the baseline. Prints, per database and pace, p50 and p95 of
one edit (one transaction with its history entry), the edits per second of all writers
together and the SQL statements one edit sends (on PostgreSQL each is a round trip, plus
BEGIN and COMMIT). The lines:

- paced (``--interval``, default every 0.25 s a group: faster than autosave lets one person
  go): the latency a group sees on a busy evening. Target: p95 <= 20 ms on PostgreSQL.
- flat out (every writer as fast as it can): a measure of CPU saturation, not of latency.
  20 busy processes share 2 CPUs, so by Little's law an edit takes 20 writers / the edits
  per second the machine can do, whatever the database: read its edits/s.
- capacity: the fastest of the ``--capacity`` paces at which p95 stays <= 20 ms with all the
  groups, per database, with the edits per second that makes (faster paces are not tried
  after one that misses).

``--other-inquiries N`` first fills PostgreSQL with N inquiries of other teams (10 a team, 10
history rows each), none visible to the writers: an edit must cost the same on a council's
server with thousands of inquiries (row-level security that read every inquiry would not).

Without ``--url`` a private PostgreSQL (Debian's ``postgresql`` package, fsync on) is started
in a temporary folder, as the tests do. ``--url`` names an existing server's admin URL
instead (a role that owns the tables and may create roles, not a superuser). The default run
takes two to five minutes on 2 CPUs.
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

from sqlalchemy import insert, text  # noqa: E402

from widgets.store import Store, teams  # noqa: E402
from widgets.store import schema as s  # noqa: E402

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


#: The target of the issue: p95 of one edit, in ms, with 20 groups on PostgreSQL.
TARGET_MS = 20.0


def fill_other_teams(admin_url: str, inquiries: int, per_team: int = 10) -> None:
    """Add ``inquiries`` inquiries of other teams (``per_team`` a team, 10 history rows
    each), as on a council's server with many groups: none of the writers can see them."""
    stamp = f"other{os.getpid()}"
    user = f"{stamp}_filler"
    admin = Store(admin_url)
    try:
        names = [f"{stamp}_{t}" for t in range(max(1, -(-inquiries // per_team)))]
        for team in names:
            teams.add_team(admin.engine, team)
            teams.add_member(admin.engine, team, user)
    finally:
        admin.close()
    filler = Store(teams.server_env(admin_url, user)["HIDDEN_INSIGHTS_DATABASE_URL"],
                   team=names[0])
    now = "2024-01-01T00:00:00.000000+00:00"
    try:
        with filler.engine.begin() as conn:
            conn.execute(insert(s.inquiries), [
                dict(slug=f"{stamp}-{i}", title=f"{stamp} {i}", team=names[i % len(names)],
                     created_at=now, updated_at=now, context_columns="[]")
                for i in range(inquiries)])
            conn.execute(text(
                "INSERT INTO history (inquiry_id, number, at, by, part, change, detail) "
                "SELECT i.id, g, :now, 'someone', 'inquiry', 'filler', '{}' "
                "FROM inquiries i, generate_series(1, 10) g WHERE i.team LIKE :teams"),
                {"now": now, "teams": f"{stamp}%"})
    finally:
        filler.close()
    admin = Store(admin_url)
    try:
        with admin.engine.begin() as conn:
            conn.execute(text("ANALYZE"))  # the planner sees the tables as they now are
    finally:
        admin.close()


def _pace(interval: float) -> str:
    return f"every {interval:g} s" if interval else "flat out"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=20)
    parser.add_argument("--edits", type=int, default=100, help="edits per writer")
    parser.add_argument("--interval", type=float, default=0.25,
                        help="seconds between one group's edits in the paced run (default "
                             "0.25: four edits a second, faster than a person's autosave)")
    parser.add_argument("--capacity", default="0.25,0.1,0.05,0.03",
                        help="the paces (seconds between one group's edits) tried, slowest "
                             "first, for the capacity line (default 0.25,0.1,0.05,0.03; "
                             "'' to skip)")
    parser.add_argument("--other-inquiries", type=int, default=0, metavar="N",
                        help="fill PostgreSQL first with N inquiries of other teams (10 a "
                             "team, 10 history rows each): an edit on a busy council server")
    parser.add_argument("--url", help="an existing PostgreSQL admin URL (default: start one)")
    parser.add_argument("--folder", help="where the SQLite file goes (default: a temp folder)")
    parser.add_argument("--no-fsync", action="store_true",
                        help="the private PostgreSQL without fsync (and SQLite with "
                             "synchronous=OFF): what is left when the disk is not the limit")
    args = parser.parse_args()
    capacity = sorted({float(x) for x in args.capacity.split(",") if x.strip()}, reverse=True)

    server = None
    if args.url:
        admin_url = args.url
    else:
        import postgres

        server = postgres.start(durable=not args.no_fsync)
        server.sql(f"CREATE ROLE {postgres.ADMIN} LOGIN CREATEROLE")
        server.sql(f"CREATE DATABASE bench OWNER {postgres.ADMIN}")
        admin_url = server.url("bench", postgres.ADMIN)
    databases = ("PostgreSQL", "SQLite")
    #: (database, interval) -> (times, wall, statements)
    runs: dict[tuple[str, float], tuple[list[float], float, float]] = {}
    try:
        if args.other_inquiries:
            fill_other_teams(admin_url, args.other_inquiries)
        with tempfile.TemporaryDirectory(dir=args.folder) as folder:
            url = f"sqlite:///{Path(folder) / 'shared.sqlite'}"
            Store(url).close()
            if args.no_fsync:
                os.environ["HIDDEN_INSIGHTS_BENCH_SQLITE_NOSYNC"] = "1"
            targets = {"PostgreSQL": postgres_targets(admin_url, args.groups),
                       "SQLite": [(url, "")] * args.groups}
            for interval in (args.interval, 0.0):
                for db in databases:
                    runs[db, interval] = run_writers(targets[db], args.edits, interval)
            # The capacity line: faster and faster paces until p95 is over the target (a
            # faster pace only adds load, so the ones after a miss are not tried).
            for db in databases:
                for interval in capacity:
                    if (db, interval) not in runs:
                        runs[db, interval] = run_writers(targets[db], args.edits, interval)
                    if percentile(runs[db, interval][0], 95) * 1000 > TARGET_MS:
                        break
    finally:
        if server is not None:
            server.stop()

    others = (f", {args.other_inquiries} inquiries of other teams on PostgreSQL"
              if args.other_inquiries else "")
    print(f"{args.groups} groups editing at once, {args.edits} edits each "
          f"({os.cpu_count()} CPUs{others})")
    names = {"PostgreSQL": "PostgreSQL, a role per team, RLS", "SQLite": "SQLite, one file, WAL"}
    print(f"{'database':<50} {'p50 ms':>8} {'p95 ms':>8} {'edits/s':>9} {'SQL/edit':>9}")
    for (db, interval), (times, wall, statements) in sorted(
            runs.items(), key=lambda r: (r[0][0] != "PostgreSQL", -r[0][1] if r[0][1] else 1)):
        print(f"{names[db] + '; ' + _pace(interval):<50} {percentile(times, 50) * 1000:>8.1f} "
              f"{percentile(times, 95) * 1000:>8.1f} {len(times) / wall:>9.0f} "
              f"{statements:>9.2f}")
    for interval in (args.interval, 0.0):
        pg_p95 = percentile(runs["PostgreSQL", interval][0], 95) * 1000
        sqlite_p95 = percentile(runs["SQLite", interval][0], 95) * 1000
        verdict = "met" if pg_p95 <= TARGET_MS else "NOT met"
        print(f"target: p95 <= {TARGET_MS:g} ms on PostgreSQL with {args.groups} groups, "
              f"{_pace(interval)}: {verdict} ({pg_p95:.1f} ms; SQLite/PostgreSQL p95 ratio "
              f"{sqlite_p95 / pg_p95:.2f})")
    if capacity:
        held = []
        for db in databases:
            within = [i for i in capacity if (db, i) in runs
                      and percentile(runs[db, i][0], 95) * 1000 <= TARGET_MS]
            if not within:
                held.append(f"{db}: not at any pace tried (slowest every {capacity[0]:g} s)")
                continue
            best = min(within)
            times, wall, _ = runs[db, best]
            limit = " (the fastest tried)" if best == capacity[-1] else ""
            held.append(f"{db}: one edit every {best:g} s a group{limit}, "
                        f"{len(times) / wall:.0f} edits/s in all, p95 "
                        f"{percentile(times, 95) * 1000:.1f} ms")
        print(f"capacity (fastest pace with p95 <= {TARGET_MS:g} ms, {args.groups} groups): "
              + "; ".join(held))


if __name__ == "__main__":
    main()
