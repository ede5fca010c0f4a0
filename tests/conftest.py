"""Shared fixtures: every test gets its own data folder and store.

The store tests, the file round trips and the reliability tests run against both SQLite and
PostgreSQL: a module (or test) marked ``both_backends`` gets each test twice, through the
``backend`` fixture. PostgreSQL is a real server started once per run (``tests/postgres.py``);
if it cannot start, those tests fail rather than skip.
"""

from __future__ import annotations

import pytest

from widgets.store import Store

BACKENDS = ("sqlite", "postgresql")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "both_backends: run the test against SQLite and against PostgreSQL")


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker(
            "both_backends"):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture(scope="session")
def postgres():
    """One real PostgreSQL server for the whole run (fails, never skips, if it cannot start)."""
    from postgres import start

    server = start()
    yield server
    server.stop()


@pytest.fixture
def hub(postgres):
    """Two teams on one fresh PostgreSQL database (see ``postgres.TwoTeams``)."""
    from postgres import ADMIN, TwoTeams

    if not postgres.sql("SELECT 1 FROM pg_roles WHERE rolname = %s", params=(ADMIN,)):
        postgres.sql(f"CREATE ROLE {ADMIN} LOGIN CREATEROLE")
    name = postgres.new_database("hub")
    postgres.sql(f'ALTER DATABASE "{name}" OWNER TO {ADMIN}')
    two = TwoTeams(postgres, name)
    yield two
    two.close()
    postgres.drop_database(name)


@pytest.fixture
def backend(request):
    """Which database the test's store uses: ``sqlite`` unless the test is parametrised."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A fresh data folder, set as HIDDEN_INSIGHTS_DATA for the test."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("HIDDEN_INSIGHTS_DATA", str(folder))
    monkeypatch.delenv("HIDDEN_INSIGHTS_DATABASE_URL", raising=False)
    return folder


@pytest.fixture
def store_url(request, backend, data_dir):
    """The URL of a fresh, empty database of the test's backend."""
    if backend == "sqlite":
        yield f"sqlite:///{data_dir / 'hidden-insights.sqlite'}"
        return
    server = request.getfixturevalue("postgres")
    name = server.new_database()
    yield server.url(name)
    server.drop_database(name)


@pytest.fixture
def store(store_url):
    """An empty store in a real database (an SQLite file in the test's data folder unless the
    test runs on both backends)."""
    st = Store(store_url)
    yield st
    st.close()


@pytest.fixture
def slug(store):
    """A new, empty inquiry in the test store."""
    return store.create_inquiry("Family break-up in our estate")
