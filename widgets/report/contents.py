"""What the report says: the story of an inquiry as plain values for the template.

:func:`report_context` turns an :class:`~widgets.model.Inquiry` into the parts the report
shows, in order: the issue, who took part, the measure and its baseline, the positive
exceptions, the practices worth spreading, the actions, the progress, the reflections, what
the room said (notes and votes), and an evidence-trail appendix. Plain values (strings,
numbers, lists, dicts), so that the story is testable without rendering and the dashboard
(:mod:`widgets.ui.dashboard`) shows the same words; :mod:`widgets.report.rendering` makes
the HTML page of them.

Safety: every value comes from people and is untrusted. The units are read without their
private names and any free text that repeats one is masked (:mod:`widgets.report.masking`);
the template escapes everything.

Size: a report is for reading and printing, so every list and table holds at most
:data:`MAX_ROWS` rows and says how many more there are, every plot is of bounded size
(``widgets.plots``), and the history is summed up by day (:func:`history_by_day`); the
inquiry file keeps everything, the full log included. An inquiry of 100,000 practices gives
a report of under a megabyte in well under a minute (it took 219 s and failed before).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from widgets.model import (
    ACCESSIBILITY,
    DIRECTIONS,
    EXCEPTION_STATUSES,
    MEASURE_KINDS,
    PRINCIPLES,
    ROLES,
    STEPS,
    Inquiry,
    ModelError,
)
from widgets.report import wording
from widgets.report.masking import mask_all, masker

#: Most days in the appendix's summary of the history (the newest are kept; the rest are
#: counted). The full log is in the inquiry file.
MAX_HISTORY_DAYS = 120
#: Most rows of any list or table in the report (practices of each kind, confirmed
#: exceptions, decisions, progress entries, methods run): a report of 100,000 practices
#: would help nobody. The rest are counted, and kept in the inquiry file.
MAX_ROWS = 100


def report_context(inquiry: Inquiry, *, made_on: str | None = None) -> dict[str, Any]:
    """Everything the template shows, as plain values (strings, numbers, lists, dicts).

    Every string is the person's own text or a sentence built from it; the template escapes
    them all. Free text that repeats a unit's private name is masked.
    """
    frame = inquiry.units_frame(include_private=False)
    context: dict[str, Any] = {
        "title": inquiry.title or "Untitled inquiry",
        "made_on": made_on or date.today().isoformat(),
        "issue": _issue(inquiry),
        "group": _group(inquiry),
        "measure": _measure(inquiry, frame),
        "exceptions": _exceptions(inquiry, frame),
        "practices": _practices(inquiry),
        "actions": _actions(inquiry),
        "progress": _progress(inquiry, frame),
        "reflections": _reflections(inquiry),
        "room": _room(inquiry),
        "trail": _trail(inquiry, frame),
    }
    return mask_all(context, masker(inquiry))


# ---------------------------------------------------------------------- the parts


def _issue(inquiry: Inquiry) -> dict[str, Any]:
    issue = inquiry.issue
    parts = [("The issue in our words", issue.statement), ("Who it affects", issue.affects),
             ("Why it matters", issue.why_it_matters), ("Wider effects", issue.wider_effects)]
    return {"parts": [{"label": k, "text": v} for k, v in parts if (v or "").strip()]}


def _group(inquiry: Inquiry) -> dict[str, Any]:
    people = inquiry.group
    counts = {key: sum(1 for p in people if p.role == key) for key in ROLES}
    other = sum(1 for p in people if p.role not in ROLES)
    counts["other"] += other
    note = ""
    if counts["professional"] > counts["lived"]:
        note = ("There were more professionals than people who live with the issue "
                "(“Don't decide about me, without me”).")
    return {
        "sentence": wording.group_sentence(counts, len(people)),
        "note": note,
        "people": [{"name": p.name, "role": ROLES.get(p.role, p.role)} for p in people],
    }


def _measure(inquiry: Inquiry, frame) -> dict[str, Any]:
    from widgets.plots import baseline_figure

    m = inquiry.measure
    rows = [
        ("What is measured", m.what),
        ("For each", m.unit_name),
        ("Kind of measure", MEASURE_KINDS.get(m.kind, m.kind)),
        ("Which way is better", DIRECTIONS.get(m.better, m.better)),
        ("Source of the data", m.source),
        ("Date of the baseline", m.baseline_date),
    ]
    sentence = ""
    if len(frame):
        try:
            from widgets.analysis.baseline import baseline_summary

            sentence = baseline_summary(frame, m).sentence
        except ModelError as e:  # e.g. the measure is not defined yet: say so, plainly
            sentence = str(e)
    else:
        sentence = "No data has been entered yet, so there is no baseline."
    return {
        "rows": [{"label": k, "text": v} for k, v in rows if (v or "").strip()],
        "baseline": sentence,
        "figure": _figure(lambda: baseline_figure(frame, m)) if len(frame) else None,
    }


def _exceptions(inquiry: Inquiry, frame) -> dict[str, Any]:
    decisions = inquiry.exceptions
    counts = {key: sum(1 for d in decisions if d.status == key) for key in EXCEPTION_STATUSES}
    confirmed = [d for d in decisions if d.status == "confirmed"]
    n_units = len(frame)
    unit = inquiry.measure.unit_name or "unit"
    sentence = wording.exceptions_sentence(len(confirmed), n_units, unit, len(decisions),
                                           counts)
    return {
        "sentence": sentence,
        "counts": [{"label": EXCEPTION_STATUSES[k], "n": counts[k]} for k in EXCEPTION_STATUSES],
        "confirmed": [{
            "unit_id": d.unit_id,
            "methods": ", ".join(wording.method_title(x) for x in d.methods),
            "score": wording.number_words(d.score),
            "note": d.note,
            "by": d.decided_by,
            "at": wording.when_words(d.decided_at),
        } for d in confirmed[:MAX_ROWS]],
        "confirmed_left_out": max(0, len(confirmed) - MAX_ROWS),
        "figure": _exceptions_figure(inquiry, frame, confirmed) if n_units else None,
    }


def _exceptions_figure(inquiry: Inquiry, frame, confirmed) -> dict[str, str] | None:
    """The plot of the last method the group ran, with the confirmed exceptions highlighted
    (or every unit the group is still looking at, when none is confirmed yet)."""
    from widgets.plots import exceptions_figure

    chosen = [d.unit_id for d in confirmed] or [
        d.unit_id for d in inquiry.exceptions if d.status in ("candidate", "unsure")]
    if not chosen:
        return None
    run = inquiry.analysis_runs[-1] if inquiry.analysis_runs else None
    result = _rerun(run, frame, inquiry) if run else None
    if result is None:
        from widgets.analysis.group_choice import group_choice

        result = group_choice(frame, chosen, inquiry.measure)
    words = "confirmed by the group" if confirmed else "the group is still checking"
    # No single circumstance on the axis: "better than expected" is then drawn against the
    # expected value, which accounts for every circumstance at once.
    return _figure(lambda: exceptions_figure(frame, result, inquiry.measure,
                                             highlight=chosen, highlight_words=words))


def _rerun(run, frame, inquiry: Inquiry):
    """The method run again with its recorded settings (its plot needs the expected values
    and groups), or None when that is not possible any more (data or method changed)."""
    if run.method == "group-choice":  # drawn from the group's current choice instead
        return None
    try:
        from widgets.analysis.positive_exceptions import rerun

        return rerun(run, frame, inquiry.measure)
    except Exception:  # noqa: BLE001 - the report falls back to a plain plot, never fails
        return None


def _practices(inquiry: Inquiry) -> dict[str, Any]:
    """The practices in four lists: worth spreading (accessible to all and more common among
    the confirmed exceptions, or accessible and not compared yet), accessible but not more
    common among the exceptions, true but useless, and not sure yet."""
    comparison = _comparison(inquiry)
    rows_by_id = {}
    order = list(inquiry.practices)
    if comparison is not None:
        rows_by_id = {rec["practice_id"]: rec for rec in comparison.to_dict("records")}
        rank = {pid: i for i, pid in enumerate(rows_by_id)}
        order.sort(key=lambda p: rank.get(p.id, len(rank)))
    lists: dict[str, list[dict[str, str]]] = {"spread": [], "not_more_common": [],
                                              "useless": [], "unsure": []}
    left_out = dict.fromkeys(lists, 0)
    for p in order:
        rec = rows_by_id.get(p.id)
        if p.accessible == "yes":
            worth = rec is None or rec["exceptions_known"] == 0 or rec["worth_spreading"]
            key = "spread" if worth else "not_more_common"
        else:
            key = "useless" if p.accessible == "no" else "unsure"
        if len(lists[key]) >= MAX_ROWS:
            left_out[key] += 1
            continue
        row = {
            "what": p.what, "how": p.how, "why": p.why,
            "accessible": ACCESSIBILITY.get(p.accessible, p.accessible),
            "from_units": ", ".join(p.from_units),
            "exceptions": wording.share_of(rec, "exceptions") if rec else "",
            "others": wording.share_of(rec, "others") if rec else "",
            "test": str(rec.get("note") or "") if rec else "",
        }
        lists[key].append(row)
    figure = None
    if comparison is not None and len(comparison):
        from widgets.plots import practices_figure

        figure = _figure(lambda: practices_figure(comparison))
    exceptions = sum(1 for e in inquiry.exceptions if e.status == "confirmed")
    checked = len({c.unit_id for c in inquiry.practice_checks})
    unit = inquiry.measure.unit_name or "unit"
    sentence = wording.practices_sentence(checked if inquiry.practice_checks else 0,
                                          exceptions, unit)
    more = {key: wording.more_practices(n) for key, n in left_out.items()}
    return {**lists, "figure": figure, "sentence": sentence, "more": more}


def _comparison(inquiry: Inquiry):
    """The practice comparison (confirmed exceptions against everyone else), or None."""
    if not inquiry.practices or not inquiry.practice_checks:
        return None
    from widgets.analysis.practices import compare_practices

    try:
        return compare_practices(inquiry)
    except ModelError:
        return None


def _actions(inquiry: Inquiry) -> list[dict[str, str]]:
    return [{
        "what": a.what,
        "leads": ", ".join(a.leads),
        "when": a.when,
        "publicity": a.publicity,
        "professional_terms": a.professional_terms,
    } for a in inquiry.actions]


def _progress(inquiry: Inquiry, frame) -> dict[str, Any]:
    entries = sorted(inquiry.progress, key=lambda e: e.date or "")
    if not entries:
        return {"sentence": "No progress has been recorded yet.", "figure": None, "rows": []}
    from widgets.analysis.progress import progress_summary
    from widgets.plots import progress_figure

    summary = progress_summary(inquiry)  # never raises: what is unknown is not said
    sentence = " ".join([summary.sentence, *summary.warnings]).strip()
    baseline = summary.outcome_baseline
    figure = _figure(lambda: progress_figure(entries, baseline_value=baseline,
                                             measure=inquiry.measure), "tall")
    return {
        "sentence": sentence,
        "figure": figure,
        # The newest entries, in date order; the others are counted.
        "rows": [{"date": e.date, "outcome": wording.outcome_words(e.outcome,
                                                                   inquiry.measure.kind),
                  "attendance": wording.number_words(e.attendance),
                  "people_helped": wording.number_words(e.people_helped), "note": e.note}
                 for e in entries[-MAX_ROWS:]],
        "rows_left_out": max(0, len(entries) - MAX_ROWS),
    }


def _reflections(inquiry: Inquiry) -> list[dict[str, Any]]:
    out = []
    for key, words in PRINCIPLES.items():
        notes = [{"step": f"Step {r.step}: {STEPS.get(r.step, '')}", "note": r.note}
                 for r in sorted(inquiry.reflections, key=lambda r: r.step)
                 if r.principle == key and (r.note or "").strip()]
        if notes:
            out.append({"principle": words, "notes": notes})
    return out


def _room(inquiry: Inquiry) -> dict[str, Any]:
    """What the room said: the notes on the steps (answers taken from the phones, and the
    facilitator's own) and every vote with its counts. At most :data:`MAX_ROWS` of each,
    the newest kept."""
    notes = [{"step": f"Step {n.step}: {STEPS.get(n.step, '')}", "text": n.text,
              "from_room": n.source == "room", "at": (n.at or "")[:16].replace("T", " ")}
             for n in sorted(inquiry.notes, key=lambda n: (n.step, n.id or 0))
             if (n.text or "").strip()]
    votes = []
    for poll in inquiry.polls:
        total = poll.total
        votes.append({
            "question": poll.question or "A vote",
            "rows": [{"choice": choice, "count": count,
                      "share": f"{round(100 * count / total)}%" if total else "–"}
                     for choice, count in poll.results],
            "total": total,
            "sentence": "Nobody voted." if not total else
                        ("1 person voted." if total == 1 else f"{total} people voted."),
            "at": (poll.opened_at or "")[:10],
        })
    return {"notes": notes[-MAX_ROWS:], "notes_left_out": max(0, len(notes) - MAX_ROWS),
            "votes": votes[-MAX_ROWS:], "votes_left_out": max(0, len(votes) - MAX_ROWS)}


def _trail(inquiry: Inquiry, frame) -> dict[str, Any]:
    decisions = [d for d in sorted(inquiry.exceptions, key=lambda d: (d.decided_at or "~",
                                                                      d.unit_id))
                 if d.status != "candidate" or d.decided_by]
    days = history_by_day(inquiry.history)
    shown = days[-MAX_HISTORY_DAYS:]
    runs = inquiry.analysis_runs[-MAX_ROWS:]
    unit = inquiry.measure.unit_name or "unit"
    return {
        "source": inquiry.measure.source,
        "baseline_date": inquiry.measure.baseline_date,
        "units": f"{len(frame):,}",
        "circumstances": ", ".join(inquiry.context_columns),
        "runs": [{
            "method": wording.method_title(r.method),
            "at": wording.when_words(r.at),
            "by": r.by,
            "settings": wording.plain_settings(r.settings or {}, r.method, unit),
            "technical": wording.technical_words(r.settings or {}),
            "flagged": f"{len(r.flagged)}: {', '.join(r.flagged[:40])}"
                       + (" …" if len(r.flagged) > 40 else ""),
        } for r in runs],
        "runs_left_out": len(inquiry.analysis_runs) - len(runs),
        "decisions": [{
            "unit_id": d.unit_id,
            "status": EXCEPTION_STATUSES.get(d.status, d.status),
            "note": d.note,
            "by": d.decided_by,
            "at": wording.when_words(d.decided_at),
        } for d in decisions[-MAX_ROWS:]],
        "decisions_left_out": max(0, len(decisions) - MAX_ROWS),
        "history": shown,
        "history_entries": len(inquiry.history),
        "history_left_out": len(days) - len(shown),
    }


def history_by_day(history) -> list[dict[str, Any]]:
    """The history summed up by day, oldest first: who worked on the inquiry that day and,
    for each part they changed, the changes (named when there are a few, counted when
    there are many; practice checks added up). The log itself, line by line, is kept in
    the inquiry file."""
    days: dict[str, dict[str, Any]] = {}
    for h in history:
        day = wording.when_words((h.at or "")[:10]) or "date not recorded"
        entry = days.setdefault(day, {"day": day, "who": {}, "parts": {}})
        entry["who"].setdefault(h.by or "someone", None)
        entry["parts"].setdefault(h.part or "", []).append(h.change or "")
    out = []
    for entry in days.values():
        items = [{"part": wording.part_words(part),
                  "change": wording.changes_words(changes)}
                 for part, changes in entry["parts"].items()]
        out.append({"day": entry["day"], "by": ", ".join(entry["who"]), "changes": items})
    return out


def _figure(make: Callable[[], Any], size: str = "") -> dict[str, str] | None:
    """A plot as plain values for the template: the data URI, alt text and caption, and
    ``size`` ("tall" for the progress panels: they get more of a printed page)."""
    fig = make()
    return {"src": fig.data_uri(), "alt": fig.alt, "caption": fig.caption, "size": size}
