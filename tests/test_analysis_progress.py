"""Tests for widgets.analysis.progress: sentences about progress since the baseline."""

from __future__ import annotations

from widgets.analysis.baseline import baseline_summary, tally_frame
from widgets.analysis.progress import period_words, progress_summary
from widgets.model import Inquiry, Measure, ProgressEntry, Unit

ATTENDANCE = [50, 55, 60, 62, 65, 70, 72, 75, 78, 80, 82, 90, 85, 85, 84, 85, 85, 85]
HELPED = [10, 8, 7, 6, 9, 5, 6, 7, 8, 7, 6, 9, 8, 7, 6, 7, 5, 6]


def grub_hub_entries() -> list[ProgressEntry]:
    entries = []
    for i, (a, h) in enumerate(zip(ATTENDANCE, HELPED, strict=True)):
        entries.append(ProgressEntry(date=f"{2019 + i // 12}-{i % 12 + 1:02d}-01",
                                     attendance=a, people_helped=h))
    return entries


def test_grub_hub_sentence():
    entries = grub_hub_entries()
    entries.reverse()  # order of entry does not matter
    summary = progress_summary(entries, Measure(what="stayed together"))
    assert summary.sentences == [
        f"Attendance rose from 50 to 85 a month (at most 90); {sum(HELPED)} people helped "
        "in 18 months."]
    assert (summary.months, summary.people_helped) == (18, sum(HELPED))
    assert (summary.attendance_first, summary.attendance_last, summary.attendance_max) == \
        (50, 85, 90)


def test_the_period_starts_at_the_first_entry_not_the_baseline():
    entries = grub_hub_entries()[:6]
    summary = progress_summary(entries, Measure(what="x", baseline_date="2018-07-15"))
    assert summary.start == entries[0].date
    assert summary.months == 6


def test_outcome_against_the_baseline():
    measure = Measure(what="the family stayed together")
    baseline = baseline_summary(tally_frame(18, 60, "family"), measure)
    entries = grub_hub_entries()
    entries[-1].outcome = 45  # typed as a percentage
    summary = progress_summary(entries, measure, baseline)
    assert summary.sentences[-1] == ("Families who stayed together: 30\u00a0% at the baseline, "
                                     "45\u00a0% in June 2020 (better).")
    assert summary.improved is True
    assert summary.outcome_latest == 0.45
    worse = progress_summary(entries, Measure(what="the family broke up", better="lower"),
                             baseline)
    assert worse.improved is False and worse.sentences[-1].endswith("(worse).")


def test_scores_and_rates():
    score = progress_summary([ProgressEntry(date="2024-03-02", outcome=7.25)],
                             Measure(what="wellbeing score", kind="score"), 6.1)
    assert score.sentences == ["Average wellbeing score: 6.1 at the baseline, 7.25 in March "
                               "2024 (better)."]
    rate = progress_summary([ProgressEntry(date="2024-03-02", outcome=0.05)],
                            Measure(what="admissions", kind="rate", better="lower"), 0.074)
    assert rate.sentences[-1] == ("Admissions: 7.4 per 100 at the baseline, 5 per 100 in "
                                  "March 2024 (better).")


def test_from_an_inquiry():
    units = [Unit(unit_id=f"F{i}", outcome=1.0 if i < 3 else 0.0) for i in range(10)]
    inquiry = Inquiry(title="t", measure=Measure(what="stayed together"), units=units,
                      progress=[ProgressEntry(date="2024-01-10", people_helped=4),
                                ProgressEntry(date="2024-01-24", people_helped=1,
                                              outcome=0.5)])
    summary = progress_summary(inquiry)
    assert summary.sentences == ["5 people helped in 2 weeks.",
                                 "Families who stayed together: 30\u00a0% at the baseline, "
                                 "50\u00a0% in January 2024 (better)."]


def test_nothing_yet_and_bad_dates():
    assert progress_summary([]).sentences == ["No progress recorded yet."]
    summary = progress_summary([ProgressEntry(date="someday", attendance=3)])
    assert summary.sentences == ["No progress recorded yet."]
    assert "could not be read" in summary.warnings[0]
    one = progress_summary([ProgressEntry(date="2024-05-01", attendance=12, people_helped=1)])
    assert one.sentences == ["Attendance was 12; 1 person helped so far."]


def test_period_words():
    from datetime import date

    assert period_words(date(2024, 1, 1), date(2024, 1, 1))[0] == "so far"
    assert period_words(date(2024, 1, 1), date(2024, 1, 4))[0] == "in 3 days"
    assert period_words(date(2024, 1, 1), date(2024, 1, 22))[0] == "in 3 weeks"
    assert period_words(date(2024, 1, 15), date(2024, 6, 15))[:2] == ("in 6 months", 6)


def test_values_that_are_not_numbers_are_left_out_with_a_warning():
    entries = [ProgressEntry(date="2024-01-01", attendance="lots", people_helped=3),
               ProgressEntry(date="2024-03-01", attendance=20, people_helped="4")]
    summary = progress_summary(entries)
    assert summary.sentences == ["Attendance was 20; 7 people helped in 3 months."]
    assert "not a number ('lots')" in summary.warnings[0]
