"""Shared fixtures: every test gets its own data folder and store."""

from __future__ import annotations

import pytest

from widgets.store import Store


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A fresh data folder, set as HIDDEN_INSIGHTS_DATA for the test."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("HIDDEN_INSIGHTS_DATA", str(folder))
    return folder


@pytest.fixture
def store(data_dir):
    """An empty store in a real SQLite file in the test's data folder."""
    st = Store(f"sqlite:///{data_dir / 'hidden-insights.sqlite'}")
    yield st
    st.close()


@pytest.fixture
def slug(store):
    """A new, empty inquiry in the test store."""
    return store.create_inquiry("Family break-up in our estate")
