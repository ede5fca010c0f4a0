"""The suite's database: each pass runs on the database it says it does."""

from postgres import suite_database

from widgets.store import Store
from widgets.store.database import default_url


def test_the_default_store_is_the_passes_database(data_dir):
    """In the PostgreSQL pass the app's default store is a PostgreSQL database (owned by a
    role that is not a superuser, so row-level security applies); else the data folder's
    SQLite file."""
    url = default_url()
    if suite_database() == "postgresql":
        assert url.startswith("postgresql+psycopg://")
        store = Store(url)
        try:
            with store.engine.connect() as conn:
                assert conn.exec_driver_sql(
                    "SELECT rolsuper FROM pg_roles WHERE rolname = current_user").scalar() is False
        finally:
            store.close()
    else:
        assert url == f"sqlite:///{(data_dir / 'hidden-insights.sqlite').resolve()}"
