"""Progress since the baseline, in plain sentences.

"Attendance rose from 50 to 85 a month; 127 people helped in 18 months." and, when the
outcome was measured again, how it compares with the baseline.

Conventions (decided here, shown to the group in these words):

- ``people_helped`` on a progress entry is the number helped *in that period*; the total is
  the sum over entries (not the largest value).
- The period runs from the first progress entry (when the action started: "127 people helped
  in its first 18 months") to the last entry and is counted in calendar months, both ends
  included (January to June is 6 months); under four weeks it is given in days or weeks.
  The baseline date is only used to compare the outcome measure.
- Attendance goes from the first entry with an attendance to the last one ("a month" /
  "a week" is added when entries are about a month / a week apart).
- A progress ``outcome`` is on the baseline's scale: a share (0–1) for yes/no and rates, the
  average per unit for scores and counts. A yes/no or rate value above 1 is read as per 100
  (yes/no) or per the baseline's ``per`` (rates), because people type "45" for 45 %.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from widgets.analysis.baseline import Baseline, fmt_number, fmt_percent, predicate
from widgets.model import Inquiry, Measure, ModelError, ProgressEntry
from widgets.words import agree, plural

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


@dataclass
class ProgressSummary:
    """Progress in numbers and sentences.

    ``start`` / ``end`` are ISO dates of the period (None without dated entries);
    ``months`` the calendar months covered (both ends included); ``people_helped`` the sum
    over entries (None when no entry says); ``outcome_baseline`` / ``outcome_latest`` on the
    baseline's scale (see the module notes) and ``improved`` True/False/None (no change or
    unknown). ``warnings`` lists entries that could not be read.
    """

    entries: int
    start: str | None = None
    end: str | None = None
    months: int | None = None
    days: int | None = None
    attendance_first: int | None = None
    attendance_last: int | None = None
    attendance_max: int | None = None
    people_helped: int | None = None
    outcome_baseline: float | None = None
    outcome_latest: float | None = None
    outcome_latest_date: str | None = None
    improved: bool | None = None
    sentences: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def sentence(self) -> str:
        """All sentences in one paragraph."""
        return " ".join(self.sentences)


def _parse(text: str) -> date | None:
    try:
        return date.fromisoformat(str(text).strip()[:10])
    except (TypeError, ValueError):
        return None


def _number(value: object, what: str, summary: ProgressSummary) -> float | None:
    """A number from an entry, or None (with a warning when it is not a number)."""
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        summary.warnings.append(f"An entry's {what} is not a number ({value!r}); it was left "
                                "out.")
        return None
    return None if math.isnan(number) else number


def _whole(value: object, what: str, summary: ProgressSummary) -> int | None:
    number = _number(value, what, summary)
    return None if number is None else int(round(number))


def month_words(day: date) -> str:
    """"June 2024"."""
    return f"{_MONTHS[day.month - 1]} {day.year}"


def period_words(start: date, end: date) -> tuple[str, int | None, int]:
    """Plain words for a period ("in 18 months", "in 3 weeks", "so far"), the calendar
    months (both ends included; None under four weeks) and the days."""
    days = (end - start).days
    if days < 1:
        return "so far", None, max(days, 0)
    if days < 28:
        if days < 14:
            return f"in {days} {plural('day', days)}", None, days
        weeks = round(days / 7)
        return f"in {weeks} weeks", None, days
    months = (end.year - start.year) * 12 + (end.month - start.month) + 1
    return f"in {months} {plural('month', months)}", months, days


def _cadence(days: Sequence[date]) -> str:
    """" a month" / " a week" when entries are regularly that far apart, else ""."""
    if len(days) < 2:
        return ""
    gaps = np.diff(np.array([d.toordinal() for d in days]))
    gap = float(np.median(gaps))
    if 25 <= gap <= 35:
        return " a month"
    if 6 <= gap <= 8:
        return " a week"
    return ""


def _as_share(value: float, kind: str, per: int | None) -> float:
    if kind == "yes_no" and value > 1:
        return value / 100
    if kind == "rate" and value > 1:
        return value / (per or 100)
    return value


def _outcome_words(value: float, kind: str, per: int | None) -> str:
    if kind == "yes_no":
        return fmt_percent(value)
    if kind == "rate":
        per = per or (100 if value >= 0.01 else 1000)
        return f"{fmt_number(value * per)} per {per:,}"
    return fmt_number(value)


def _outcome_label(measure: Measure) -> str:
    what = (measure.what or "").strip().rstrip(".")
    units = plural(measure.unit_name or "unit")
    if measure.kind == "yes_no":
        return f"{units[:1].upper()}{units[1:]} who {agree(predicate(measure), 2)}"
    if measure.kind == "score":
        return f"Average {what or 'score'}"
    if measure.kind == "count":
        return f"{(what or 'Count')[:1].upper()}{(what or 'count')[1:]} per {measure.unit_name}"
    return f"{(what or 'Rate')[:1].upper()}{(what or 'rate')[1:]}"


def progress_summary(source: Inquiry | Sequence[ProgressEntry],
                     measure: Measure | None = None,
                     baseline: Baseline | float | None = None) -> ProgressSummary:
    """Sum up progress since the baseline.

    ``progress_summary(inquiry)`` uses the inquiry's progress entries, its measure and the
    baseline computed from its units (when there are any). ``progress_summary(entries,
    measure, baseline)`` does the same from the parts; ``baseline`` may be a
    :class:`Baseline` or a number on the baseline's scale. Never raises for missing parts:
    what is unknown is simply not said.
    """
    if isinstance(source, Inquiry):
        inquiry = source
        entries = list(inquiry.progress)
        measure = measure or inquiry.measure
        if baseline is None and inquiry.units:
            from widgets.analysis.baseline import baseline_summary

            try:
                baseline = baseline_summary(inquiry.units_frame(), measure)
            except ModelError:
                baseline = None
    else:
        entries = list(source or [])
    measure = measure or Measure()
    summary = ProgressSummary(entries=len(entries))

    dated: list[tuple[date, ProgressEntry]] = []
    for e in entries:
        day = _parse(e.date)
        if day is None:
            summary.warnings.append(f"An entry has a date that could not be read "
                                    f"({e.date!r}); it was left out.")
            continue
        dated.append((day, e))
    dated.sort(key=lambda pair: pair[0])
    if not dated:
        summary.sentences.append("No progress recorded yet.")
        return summary

    first_day, last_day = dated[0][0], dated[-1][0]
    start = first_day
    period, months, days = period_words(start, last_day)
    summary.start, summary.end = start.isoformat(), last_day.isoformat()
    summary.months, summary.days = months, days

    parts: list[str] = []
    attended = [(d, a) for d, e in dated
                if (a := _whole(e.attendance, "attendance", summary)) is not None]
    if attended:
        a_first, a_last = attended[0][1], attended[-1][1]
        a_max = max(a for _, a in attended)
        summary.attendance_first, summary.attendance_last = a_first, a_last
        summary.attendance_max = a_max
        cadence = _cadence([d for d, _ in attended])
        if len(attended) == 1:
            text = f"Attendance was {a_first:,}{cadence}"
        elif a_last > a_first:
            text = f"Attendance rose from {a_first:,} to {a_last:,}{cadence}"
        elif a_last < a_first:
            text = f"Attendance fell from {a_first:,} to {a_last:,}{cadence}"
        else:
            text = f"Attendance stayed at {a_first:,}{cadence}"
        if a_max > max(a_first, a_last):
            text += f" (at most {a_max:,})"
        parts.append(text)
    helped = [h for _, e in dated
              if (h := _whole(e.people_helped, "people helped", summary)) is not None]
    if helped:
        total = sum(helped)
        summary.people_helped = total
        people = "person" if total == 1 else "people"
        parts.append(f"{total:,} {people} helped {period}")
    if parts:
        text = "; ".join(parts)
        summary.sentences.append(text[:1].upper() + text[1:] + ".")

    kind = measure.kind
    per = baseline.per if isinstance(baseline, Baseline) else None
    measured = [(d, v) for d, e in dated
                if (v := _number(e.outcome, "outcome", summary)) is not None]
    base_value = None
    if isinstance(baseline, Baseline):
        base_value = baseline.value
    elif baseline is not None and not math.isnan(float(baseline)):
        base_value = _as_share(float(baseline), kind, per)
    summary.outcome_baseline = base_value
    if measured:
        day, latest = measured[-1]
        latest = _as_share(latest, kind, per)
        summary.outcome_latest, summary.outcome_latest_date = latest, day.isoformat()
        label = _outcome_label(measure)
        when = month_words(day)
        if base_value is not None:
            change = latest - base_value
            if abs(change) < 1e-12:
                verdict = "no change"
            else:
                summary.improved = (change > 0) == (measure.better != "lower")
                verdict = "better" if summary.improved else "worse"
            summary.sentences.append(
                f"{label}: {_outcome_words(base_value, kind, per)} at the baseline, "
                f"{_outcome_words(latest, kind, per)} in {when} ({verdict}).")
        else:
            summary.sentences.append(
                f"{label}: {_outcome_words(latest, kind, per)} in {when}.")
    return summary
