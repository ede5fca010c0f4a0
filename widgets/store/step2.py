"""Step 2 in the store: the group's decisions about possible positive exceptions, the
candidates a method flags, and each run of a method (the evidence trail)."""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update

from widgets.model import EXCEPTION_STATUSES, AnalysisRun, ExceptionDecision
from widgets.store import schema as s
from widgets.store.rows import NotFound, insert_next
from widgets.store.transactions import Transactions
from widgets.store.units import stored_unit_ids
from widgets.store.values import checked_choice, checked_number, checked_text, dumps, now


class PositiveExceptions(Transactions):
    """Decisions, candidates and method runs."""

    def set_exception(self, slug: str, decision: ExceptionDecision, *,
                      by: str = "facilitator") -> None:
        """Record (or change) the group's decision about one possible positive exception."""
        status = checked_choice(decision.status, EXCEPTION_STATUSES, "The decision")
        note = checked_text(decision.note, "The evidence note")
        score = checked_number(decision.score, "The score")
        methods = [checked_text(m, "The method", limit=60) for m in decision.methods]
        change = f"marked {decision.unit_id!r} as {EXCEPTION_STATUSES[status]}"
        with self._write(slug, "exceptions", change, by,
                         {"unit_id": decision.unit_id, "status": status, "note": note}
                         ) as (conn, iid):
            if decision.unit_id not in stored_unit_ids(conn, iid):
                raise NotFound(f"There is no unit called {decision.unit_id!r}.")
            values = dict(status=status, methods=dumps(methods), score=score, note=note,
                          decided_by=decision.decided_by or by,
                          decided_at=decision.decided_at or now())
            done = conn.execute(update(s.exceptions).where(
                s.exceptions.c.inquiry_id == iid, s.exceptions.c.unit_id == decision.unit_id)
                .values(**values)).rowcount
            if not done:
                conn.execute(insert(s.exceptions).values(inquiry_id=iid,
                                                         unit_id=decision.unit_id, **values))

    def set_candidates(self, slug: str, candidates: list[ExceptionDecision], *,
                       by: str = "facilitator") -> None:
        """Store the candidates from a method run in one go.

        Units the group already decided about keep their decision (the methods and score are
        refreshed); earlier candidates that no method flags any more are dropped.
        """
        with self._write(slug, "exceptions", f"found {len(candidates)} candidates", by,
                         {"units": [c.unit_id for c in candidates]}) as (conn, iid):
            existing = {r.unit_id: r for r in conn.execute(
                select(s.exceptions).where(s.exceptions.c.inquiry_id == iid))}
            wanted = {c.unit_id for c in candidates}
            for unit_id, row in existing.items():
                if row.status == "candidate" and unit_id not in wanted:
                    conn.execute(delete(s.exceptions).where(s.exceptions.c.inquiry_id == iid,
                                                            s.exceptions.c.unit_id == unit_id))
            for c in candidates:
                methods = dumps(list(c.methods))
                score = checked_number(c.score, "The score")
                if c.unit_id in existing:
                    conn.execute(update(s.exceptions).where(
                        s.exceptions.c.inquiry_id == iid, s.exceptions.c.unit_id == c.unit_id)
                        .values(methods=methods, score=score))
                else:
                    conn.execute(insert(s.exceptions).values(
                        inquiry_id=iid, unit_id=c.unit_id, status="candidate", methods=methods,
                        score=score, note="", decided_by="", decided_at=""))

    def record_analysis(self, slug: str, run: AnalysisRun, *, by: str = "facilitator") -> int:
        """Log one run of a method with its settings (the evidence trail)."""
        with self._write(slug, "analysis", f"ran {run.method}", by,
                         {"settings": run.settings}) as (conn, iid):
            number = insert_next(conn, s.analysis_runs, iid, dict(
                at=run.at or now(), by=run.by or by,
                method=checked_text(run.method, "The method", limit=60),
                settings=dumps(run.settings), flagged=dumps(list(run.flagged))))
        return number
