"""The report: one self-contained HTML file that tells an inquiry's story (DESIGN.md §4).

:func:`build_report` turns an :class:`~widgets.model.Inquiry` into one HTML page: the issue,
who took part, the measure and its baseline, the positive exceptions, the practices worth
spreading, the actions, the progress, the reflections, and an evidence-trail appendix. The
plots are embedded as PNG ``data:`` URIs and the stylesheet is inlined, so the file opens
offline, can be e-mailed and prints on A4.

Safety (DESIGN.md §7): every value comes from people and is untrusted. The Jinja environment
always autoescapes, no person text is ever marked safe, links in person text stay plain
text, a Content-Security-Policy forbids every request (scripts, fonts, frames, images other
than ``data:``), and the units' private names never appear: the units are read without them
and any free text that repeats one is masked (:func:`_masker`).

The text of the page is gathered by :func:`report_context` (plain values, testable without
rendering); the template is ``templates/report/report.html.j2``.

Size: a report is for reading and printing, so every list and table holds at most
:data:`MAX_ROWS` rows and says how many more there are, every plot is of bounded size
(``widgets.plots``), and the history is summed up by day (:func:`_history_by_day`); the
inquiry file keeps everything, the full log included. An inquiry of 100,000 practices gives
a report of under a megabyte in well under a minute (it took 219 s and failed before).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
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
from widgets.paths import report_templates_dir
from widgets.words import count_words, per_cent, percent, plural, share_words

TEMPLATE = "report.html.j2"
#: Most days in the appendix's summary of the history (the newest are kept; the rest are
#: counted). The full log is in the inquiry file.
MAX_HISTORY_DAYS = 120
#: Most changes named one by one for a part on a day; more are counted.
MAX_CHANGES_NAMED = 3
#: Most rows of any list or table in the report (practices of each kind, confirmed
#: exceptions, decisions, progress entries, methods run): a report of 100,000 practices
#: would help nobody. The rest are counted, and kept in the inquiry file.
MAX_ROWS = 100
#: Private names shorter than this are not searched for in free text: a two-letter name
#: would mask ordinary words. (No private name is ever read from the units.)
MIN_MASKED = 3
MASK = "[name withheld]"


# ---------------------------------------------------------------------- public API


def build_report(inquiry: Inquiry, *, made_on: str | None = None) -> str:
    """The report of ``inquiry`` as one self-contained HTML page (a string).

    ``made_on`` is the date printed on the report (default: today), so that a report can be
    rebuilt identically. Never raises for missing parts: an empty part says so plainly.
    """
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(str(report_templates_dir())),
        autoescape=True,  # always: every value in the context is a person's text
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    context = report_context(inquiry, made_on=made_on)
    return env.get_template(TEMPLATE).render(**context)


def write_report(inquiry: Inquiry, path: str | Path, *, made_on: str | None = None) -> Path:
    """Write the report of ``inquiry`` to ``path`` (UTF-8) and return the path."""
    path = Path(path)
    path.write_text(build_report(inquiry, made_on=made_on), encoding="utf-8")
    return path


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
        "trail": _trail(inquiry, frame),
    }
    return _mask_all(context, _masker(inquiry))


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
    words = [f"{n} {_role_words(key, n)}" for key, n in counts.items() if n]
    n = len(people)
    sentence = (f"{n} {'person' if n == 1 else 'people'} took part: " + ", ".join(words) + "."
                if n else "Nobody has been named in the group yet.")
    note = ""
    if counts["professional"] > counts["lived"]:
        note = ("There were more professionals than people who live with the issue "
                "(“Don't decide about me, without me”).")
    return {
        "sentence": sentence,
        "note": note,
        "people": [{"name": p.name, "role": ROLES.get(p.role, p.role)} for p in people],
    }


def _role_words(role: str, n: int) -> str:
    if role == "lived":
        return "lives with the issue" if n == 1 else "live with the issue"
    if role == "professional":
        return "professional" if n == 1 else "professionals"
    return "other"


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
    sentence = (f"{count_words(len(confirmed), 'positive exception')} "
                f"confirmed by the group among {count_words(n_units, unit)}. "
                f"{len(decisions):,} {'was' if len(decisions) == 1 else 'were'} looked at: "
                f"{counts['candidate']} not yet checked, {counts['unsure']} not sure, "
                f"{counts['rejected']} found not to be exceptions.")
    return {
        "sentence": sentence,
        "counts": [{"label": EXCEPTION_STATUSES[k], "n": counts[k]} for k in EXCEPTION_STATUSES],
        "confirmed": [{
            "unit_id": d.unit_id,
            "methods": ", ".join(_method_title(x) for x in d.methods),
            "score": _num(d.score),
            "note": d.note,
            "by": d.decided_by,
            "at": _when(d.decided_at),
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
            "exceptions": _share(rec, "exceptions") if rec else "",
            "others": _share(rec, "others") if rec else "",
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
    sentence = (f"The group asked {count_words(checked, unit)} about the practices, "
                f"{exceptions:,} of them confirmed positive exceptions."
                if inquiry.practice_checks
                else "No one has been asked about the practices yet.")
    more = {key: (f"… and {count_words(n, 'more practice')}; every practice is in the inquiry "
                  "file." if n else "") for key, n in left_out.items()}
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
        "rows": [{"date": e.date, "outcome": _outcome(e.outcome, inquiry.measure.kind),
                  "attendance": _num(e.attendance),
                  "people_helped": _num(e.people_helped), "note": e.note}
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


def _trail(inquiry: Inquiry, frame) -> dict[str, Any]:
    decisions = [d for d in sorted(inquiry.exceptions, key=lambda d: (d.decided_at or "~",
                                                                      d.unit_id))
                 if d.status != "candidate" or d.decided_by]
    days = _history_by_day(inquiry.history)
    shown = days[-MAX_HISTORY_DAYS:]
    runs = inquiry.analysis_runs[-MAX_ROWS:]
    return {
        "source": inquiry.measure.source,
        "baseline_date": inquiry.measure.baseline_date,
        "units": f"{len(frame):,}",
        "circumstances": ", ".join(inquiry.context_columns),
        "runs": [{
            "method": _method_title(r.method),
            "at": _when(r.at),
            "by": r.by,
            "settings": _plain_settings(r.settings or {}, r.method, inquiry),
            "technical": "; ".join(f"{k}: {_setting(v)}" for k, v in
                                   (r.settings or {}).items() if k not in ("columns",)),
            "flagged": f"{len(r.flagged)}: {', '.join(r.flagged[:40])}"
                       + (" …" if len(r.flagged) > 40 else ""),
        } for r in runs],
        "runs_left_out": len(inquiry.analysis_runs) - len(runs),
        "decisions": [{
            "unit_id": d.unit_id,
            "status": EXCEPTION_STATUSES.get(d.status, d.status),
            "note": d.note,
            "by": d.decided_by,
            "at": _when(d.decided_at),
        } for d in decisions[-MAX_ROWS:]],
        "decisions_left_out": max(0, len(decisions) - MAX_ROWS),
        "history": shown,
        "history_entries": len(inquiry.history),
        "history_left_out": len(days) - len(shown),
    }


#: The parts of an inquiry as the history names them, in the group's words.
PART_WORDS = {"inquiry": "The inquiry", "issue": "The issue", "group": "Who took part",
              "measure": "The measure", "units": "The data", "analysis": "Methods run",
              "exceptions": "Positive exceptions", "practices": "Practices",
              "practice_checks": "Practice checks", "actions": "Actions",
              "progress": "Progress", "reflections": "Reflections", "room": "The room"}

_RECORDED_CHECKS = re.compile(r"recorded (\d+) practice checks?")


def _history_by_day(history) -> list[dict[str, Any]]:
    """The history summed up by day, oldest first: who worked on the inquiry that day and,
    for each part they changed, the changes (named when there are a few, counted when
    there are many; practice checks added up). The log itself, line by line, is kept in
    the inquiry file."""
    days: dict[str, dict[str, Any]] = {}
    for h in history:
        day = _when((h.at or "")[:10]) or "date not recorded"
        entry = days.setdefault(day, {"day": day, "who": {}, "parts": {}})
        entry["who"].setdefault(h.by or "someone", None)
        entry["parts"].setdefault(h.part or "", []).append(h.change or "")
    out = []
    for entry in days.values():
        items = []
        for part, changes in entry["parts"].items():
            words = PART_WORDS.get(part) or str(part).replace("_", " ").strip().capitalize() \
                or "Other"
            items.append({"part": words, "change": _changes_words(part, changes)})
        out.append({"day": entry["day"], "by": ", ".join(entry["who"]), "changes": items})
    return out


def _changes_words(part: str, changes: list[str]) -> str:
    """One line for a part's changes on one day: "recorded 72 practice checks (in 72
    saves)", "added 'Dawn' (lives with the issue); added 'Lee' …", "12 changes: …"."""
    checks = [_RECORDED_CHECKS.fullmatch(c.strip()) for c in changes]
    if changes and all(checks):
        total = sum(int(m.group(1)) for m in checks if m)
        saves = f" (in {count_words(len(changes), 'save')})" if len(changes) > 1 else ""
        return f"recorded {count_words(total, 'practice check')}{saves}"
    said = [_plain_change(part, c) for c in changes]
    if len(said) <= MAX_CHANGES_NAMED:
        return "; ".join(said)
    named = "; ".join(said[:MAX_CHANGES_NAMED - 1])
    return f"{len(said):,} changes: {named}; … and {len(said) - MAX_CHANGES_NAMED + 1:,} more"


# ---------------------------------------------------------------------- helpers


def _plain_settings(settings: dict[str, Any], method: str, inquiry: Inquiry
                    ) -> list[dict[str, str]]:
    """A method's recorded settings in the group's words ("compared on: income band,
    housing"; "stands out at: 2 standard deviations"), in a fixed order; the working values
    (model, rule used, groups…) are left to the "technical details" line."""
    unit = inquiry.measure.unit_name or "unit"
    rule = settings.get("rule_used")
    out: list[tuple[str, str]] = []
    if settings.get("circumstances"):
        out.append(("compared on", _setting(settings["circumstances"])))
    if method == "group-choice" and settings.get("chosen"):
        out.append(("chosen by the group", _setting(settings["chosen"])))
    if rule == "rare share" and _is_number(settings.get("rare_share")):
        out.append(("stands out when", f"the good answer is rare among similar "
                    f"{plural(unit, 2)}: {percent(float(settings['rare_share']), 0)} or "
                    "fewer have it"))
    elif (method == "group-iqr" or rule == "quartiles") and _is_number(
            settings.get("iqr_factor")):
        out.append(("stands out at", f"{_num(float(settings['iqr_factor']))} times the "
                    "spread of the middle half beyond the usual range"))
    elif method in ("group-z", "expected") and _is_number(settings.get("threshold")):
        out.append(("stands out at", f"{_num(float(settings['threshold']))} standard "
                    "deviations"))
    if method == "funnel" and _is_number(settings.get("flag_at")):
        out.append(("stands out beyond", f"the {per_cent(float(settings['flag_at']) * 100)} "
                    "limits"))
    if _is_number(settings.get("min_group")):
        out.append(("smallest group", count_words(int(settings["min_group"]), unit)))
    if _is_number(settings.get("bands")) and method != "expected":
        out.append(("numbers split into", f"{int(settings['bands'])} bands"))
    if isinstance(settings.get("run_together"), list):
        out.append(("run together with", ", ".join(
            _method_title(str(m)) for m in settings["run_together"] if m != method) or "–"))
    return [{"name": k, "value": v} for k, v in out]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def _plain_change(part: str, change: str) -> str:
    """A history line with method names as their titles ("ran group-z" -> "ran “Best in
    similar circumstances”")."""
    text = str(change or "")
    if text.startswith("ran "):
        name = text[4:].strip()
        return f"ran “{_method_title(name)}”"
    return text


def _figure(make: Callable[[], Any], size: str = "") -> dict[str, str] | None:
    """A plot as plain values for the template: the data URI, alt text and caption, and
    ``size`` ("tall" for the progress panels: they get more of a printed page)."""
    fig = make()
    return {"src": fig.data_uri(), "alt": fig.alt, "caption": fig.caption, "size": size}


#: Method names older inquiries used in their evidence trail.
_ALIASES = {"similar_circumstances": "group-z", "best_in_similar_circumstances": "group-z",
            "better_than_expected": "expected", "group_choice": "group-choice"}


def _method_title(name: str) -> str:
    from widgets.analysis.positive_exceptions import METHODS

    name = _ALIASES.get(name, name)
    if name in METHODS:
        return METHODS[name][0]
    return str(name).replace("_", " ").replace("-", " ").capitalize()


def _num(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _outcome(value: Any, kind: str) -> str:
    """A progress entry's measure as the group reads it: a yes/no share as per cent ("31 %";
    people type 45 for 45 %, the convention of ``widgets.analysis.progress``)."""
    if kind == "yes_no" and _is_number(value):
        share = float(value) if float(value) <= 1 else float(value) / 100
        return percent(share, 0 if float(share * 100).is_integer() else 1)
    return _num(value)


def _share(rec: dict[str, Any], who: str) -> str:
    """ "3 of 4 (75%)" from a row of the practice comparison; "not known" without answers."""
    return share_words(rec.get(f"{who}_doing"), rec.get(f"{who}_known"))


def _setting(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_setting(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_setting(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return _num(value)
    return "" if value is None else str(value)


def _when(stamp: str | None) -> str:
    """'2023-03-02T18:50:00.000000+00:00' -> '2 Mar 2023, 18:50'; other text as given."""
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    day = f"{moment.day} {moment:%b %Y}"
    if len(stamp) <= 10:
        return day
    return f"{day}, {moment:%H:%M}"


_WORD = re.compile(r"\w+")


def _masker(inquiry: Inquiry) -> Callable[[str], str]:
    """A function that masks any unit's private name in free text.

    Names are matched as whole words, in any case and with any punctuation or spacing
    between their words ("mary  JONES" and "Mary-Jones" both match "Mary Jones"). A word
    list and a set are used rather than one big regular expression, so thousands of names
    cost no more than a few. Masking too much is the safe side: a private name that is also
    an ordinary word ("May") masks that word too.
    """
    names: set[tuple[str, ...]] = set()
    for unit in inquiry.units:
        text = (unit.private_name or "").strip()
        if len(text) >= MIN_MASKED:
            words = tuple(w.casefold() for w in _WORD.findall(text))
            if words:
                names.add(words)
    if not names:
        return lambda text: text
    lengths = sorted({len(n) for n in names}, reverse=True)

    def mask(text: str) -> str:
        tokens = list(_WORD.finditer(text))
        words = [t.group().casefold() for t in tokens]
        out, last, i = [], 0, 0
        while i < len(tokens):
            for size in lengths:
                # A slice past the end is shorter than ``size`` and may equal a shorter
                # name: only whole windows count (else the text's last words would mask
                # past its end).
                if i + size <= len(words) and tuple(words[i:i + size]) in names:
                    out += [text[last:tokens[i].start()], MASK]
                    last = tokens[i + size - 1].end()
                    i += size
                    break
            else:
                i += 1
        out.append(text[last:])
        return "".join(out)

    return mask


def _mask_all(value: Any, mask: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        # Figures are base64 data: nothing to mask, and they are long.
        return value if value.startswith("data:image/") else mask(value)
    if isinstance(value, dict):
        return {k: _mask_all(v, mask) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_all(v, mask) for v in value]
    return value


# ---------------------------------------------------------------------- command line


def _cli_arguments(parser) -> None:
    parser.add_argument("slug", help="the inquiry to report on")
    parser.add_argument("-o", "--output", required=True, metavar="FILE",
                        help="the HTML file to write (e.g. report.html)")


def _register_cli() -> None:
    try:
        from widgets.cli import subcommand
    except ImportError:  # pragma: no cover - the command line is optional
        return

    @subcommand("report", "write the report of an inquiry as one HTML file", _cli_arguments)
    def cmd_report(args) -> int:
        from widgets.cli import CliError, open_cli_store, printable, write_file

        if Path(args.output).suffix.lower() not in (".html", ".htm"):
            raise CliError(f"cannot write a report to {args.output!r}: the file name must "
                           "end in .html")
        store = open_cli_store()
        try:
            inquiry = store.get(args.slug)
        finally:
            store.close()
        data = build_report(inquiry).encode("utf-8")
        write_file(args.output, data)
        print(f"Wrote {printable(args.output)} ({len(data):,} bytes).")
        return 0


_register_cli()
