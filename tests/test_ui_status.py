"""The save status."""

from datetime import UTC, datetime, timedelta

from widgets.ui.status import SaveStatus, local_time_text, saved_text


def test_saved_today_shows_local_hour_and_minute():
    stamp = datetime(2026, 3, 5, 14, 2, tzinfo=UTC)
    local = stamp.astimezone()
    assert saved_text(stamp.isoformat(), now=local) == f"Saved {local:%H:%M}"


def test_saved_another_day_shows_the_date():
    stamp = datetime(2026, 3, 5, 14, 2, tzinfo=UTC)
    text = saved_text(stamp.isoformat(), now=stamp.astimezone() + timedelta(days=3))
    assert text.startswith("Saved ") and "2026" in text and "Mar" in text


def test_nothing_and_nonsense():
    assert saved_text(None) == "Nothing saved yet"
    assert saved_text("not a time") == "Saved"
    assert local_time_text("") == ""


def test_widget_states(store, slug):
    s = SaveStatus()
    s.saving()
    assert s.state == "saving" and "Saving" in s.value
    s.failed("<b>The title cannot be empty.</b>")
    assert s.state == "failed" and "&lt;b&gt;" in s.value and "hi-save-failed" in s._dom_classes
    s.refresh(store, slug)
    assert s.state == "saved" and s.text.startswith("Saved ")
    assert "hi-save-failed" not in s._dom_classes
