"""The tests' own PostgreSQL (tests/postgres.py): a run without it fails, it does not skip."""

from __future__ import annotations

import postgres
import pytest


def test_no_postgresql_is_an_error_not_a_skip(monkeypatch):
    monkeypatch.setattr(postgres, "BIN_GLOB", "/nonexistent/*/bin")
    monkeypatch.setattr(postgres.shutil, "which", lambda _name: None)
    with pytest.raises(postgres.PostgresUnavailable, match="apt-get install postgresql"):
        postgres.start()


def test_the_server_is_real_and_private(postgres):  # noqa: F811 - the session fixture
    [(version,)] = postgres.sql("SHOW server_version")
    assert int(version.split(".")[0]) >= 13
    [(listen,)] = postgres.sql("SHOW listen_addresses")
    assert listen == ""  # a Unix socket in a temporary folder, no TCP port
    name = postgres.new_database()
    assert postgres.sql("SELECT 1", database=name) == [(1,)]
    postgres.drop_database(name)
