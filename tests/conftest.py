"""Shared fixtures: every test gets its own data folder and store.

The store tests, the file round trips and the reliability tests run against both SQLite and
PostgreSQL: a module (or test) marked ``both_backends`` gets each test twice, through the
``backend`` fixture. PostgreSQL is a real server started once per run (``tests/postgres.py``);
if it cannot start, those tests fail rather than skip.

The whole suite runs on PostgreSQL too: with ``HIDDEN_INSIGHTS_TEST_DATABASE=postgresql``
(`make test`'s second pass) every data folder comes with a fresh PostgreSQL database in
``HIDDEN_INSIGHTS_DATABASE_URL``, so the UI, the CLI, the notebooks and the app's servers all
use it. Tests about the SQLite file itself are marked ``sqlite_only`` and left out of that
pass, as are the ``both_backends`` ones, which the first pass already ran on PostgreSQL.
"""

from __future__ import annotations

import os

import pytest
from postgres import SUITE_DATABASE_ENV, database_name, shared, suite_database

from widgets.store import Store
from widgets.store.database import DATABASE_ENV

BACKENDS = ("sqlite", "postgresql")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "both_backends: run the test against SQLite and against PostgreSQL")
    config.addinivalue_line(
        "markers", "sqlite_only: about the SQLite file itself (left out of the PostgreSQL pass)")
    if suite_database() == "postgresql":
        # Whatever opens the default store outside a test's data folder (the notebooks under
        # nbval, a kernel) uses PostgreSQL too.
        os.environ[DATABASE_ENV] = shared().new_store_database()


def pytest_report_header(config):
    return f"database: {suite_database()} ({SUITE_DATABASE_ENV})"


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker(
            "both_backends"):
        backends = BACKENDS if suite_database() == "sqlite" else ("postgresql",)
        metafunc.parametrize("backend", backends, indirect=True)


@pytest.fixture(scope="session")
def postgres():
    """One real PostgreSQL server for the whole run (fails, never skips, if it cannot start)."""
    return shared()


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
    """Which database the test's store uses: the suite's (``sqlite`` unless in the PostgreSQL
    pass), or the test's parameter."""
    return getattr(request, "param", suite_database())


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A fresh data folder, set as HIDDEN_INSIGHTS_DATA for the test (and, in the PostgreSQL
    pass, a fresh database in HIDDEN_INSIGHTS_DATABASE_URL)."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("HIDDEN_INSIGHTS_DATA", str(folder))
    if suite_database() == "sqlite":
        monkeypatch.delenv(DATABASE_ENV, raising=False)
        yield folder
        return
    server = shared()
    url = server.new_store_database()
    monkeypatch.setenv(DATABASE_ENV, url)
    yield folder
    server.drop_database(database_name(url))


@pytest.fixture
def store_url(request, backend, data_dir):
    """The URL of a fresh, empty database of the test's backend."""
    if backend == "sqlite":
        yield f"sqlite:///{data_dir / 'hidden-insights.sqlite'}"
        return
    if suite_database() == "postgresql":
        yield os.environ[DATABASE_ENV]  # the data folder's database, as the app would open
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
