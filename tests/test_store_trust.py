"""Trust in the store: replaced real names leave no trace in the file; one action is one
transaction; a full or read-only data folder gives one plain message."""

from __future__ import annotations

import dataclasses
import random
import sqlite3
import string
from pathlib import Path

import pytest

from widgets.model import ModelError, Unit
from widgets.store import Store


def _names(seed: str, n: int = 40) -> list[str]:
    """Made-up real names, random letters so that the compressed units document holds
    each one as it is (a shared prefix would be compressed away)."""
    rng = random.Random(seed)
    return [" ".join("".join(rng.choice(string.ascii_letters) for _ in range(9))
                     for _ in range(2)) for _ in range(n)]


def _units(names: list[str]) -> list[Unit]:
    return [Unit(f"u{i:03d}", float(i % 2), context={"ward": f"w{i % 4}"}, private_name=name)
            for i, name in enumerate(names)]


def _file_bytes(db: Path) -> bytes:
    """The database file and whatever WAL or journal lies beside it."""
    data = b""
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-journal")):
        if path.exists():
            data += path.read_bytes()
    return data


@pytest.fixture
def without_compiled_secure_delete(monkeypatch):
    """Connections start with secure_delete off, as in an SQLite built without
    SQLITE_SECURE_DELETE (this machine's Python happens to be built with it)."""
    real = sqlite3.dbapi2.connect

    def connect(*args, **kwargs):
        conn = real(*args, **kwargs)
        conn.execute("PRAGMA secure_delete=OFF")
        return conn

    monkeypatch.setattr(sqlite3.dbapi2, "connect", connect)


def test_secure_delete_is_on_for_every_connection(tmp_path, without_compiled_secure_delete):
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        a, b = store.engine.raw_connection(), store.engine.raw_connection()
        try:
            for conn in (a, b):
                assert conn.cursor().execute("PRAGMA secure_delete").fetchone()[0] == 1
        finally:
            a.close()
            b.close()
    finally:
        store.close()


def test_replaced_private_names_are_not_left_in_the_file(tmp_path,
                                                        without_compiled_secure_delete):
    db = tmp_path / "db.sqlite"
    store = Store(f"sqlite:///{db}")
    slug = store.create_inquiry("Names")
    # Fewer new units than old: the pages the old ones filled are freed, not all reused.
    old, new = _names("old", 2000), _names("new", 10)
    store.replace_units(slug, _units(old), ["ward"])
    store.close()
    # The check means something: the stored names are readable in the raw bytes.
    # (Nearly all: a few random names share four letters with another, which compression
    # then replaces with a reference.)
    raw = _file_bytes(db)
    readable = [name for name in old if name.encode() in raw]
    assert len(readable) > 0.9 * len(old)

    store = Store(f"sqlite:///{db}")
    store.replace_units(slug, _units(new), ["ward"])
    store.remove_unit(slug, "u001")
    assert [u.private_name for u in store.units(slug)][:2] == [new[0], new[2]]
    store.close()
    raw = _file_bytes(db)
    assert [name for name in [*readable, new[1]] if name.encode() in raw] == []
    assert new[2].encode() in raw


# ---------------------------------------------------------------------- a full disk

def _big_frame(n: int = 4000, seed: str = "big"):
    """A units table larger than the free room a small database has (random ids do not
    compress)."""
    import pandas as pd

    rng = random.Random(seed)
    ids = ["".join(rng.choice(string.ascii_letters) for _ in range(24)) for _ in range(n)]
    return pd.DataFrame({"unit_id": ids, "outcome": [float(i % 7) for i in range(n)],
                         "ward": [f"w{i % 5}" for i in range(n)]})


def _limit_to_current_size(dbapi_conn, _record=None):
    # max_page_count cannot go below the file's size: 1 means "no more pages", so any write
    # that needs room fails as a full disk does, with SQLite's own SQLITE_FULL.
    dbapi_conn.execute("PRAGMA max_page_count=1")


@pytest.fixture
def disk_full():
    """Every SQLite connection opened while active finds the disk full."""
    from sqlalchemy import event
    from sqlalchemy.pool import Pool

    event.listen(Pool, "connect", _limit_to_current_size)
    try:
        yield
    finally:
        event.remove(Pool, "connect", _limit_to_current_size)


def _yes_no_inquiry(url: str) -> str:
    store = Store(url)
    try:
        slug = store.create_inquiry("Full disk")
        store.replace_units(slug, [Unit("a", 1.0), Unit("b", 0.0)], [])
        return slug
    finally:
        store.close()


def test_a_full_disk_is_one_plain_error_and_changes_nothing(tmp_path):
    from widgets.store import DataFolderProblem

    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    slug = _yes_no_inquiry(url)
    store = Store(url)
    try:
        before = store.get(slug)
        from sqlalchemy import event

        event.listen(store.engine, "connect", _limit_to_current_size)
        store.engine.dispose()  # the next connection is a new one, with the limit
        with pytest.raises(DataFolderProblem) as caught:
            store.replace_units_frame(slug, _big_frame(), kind="count", by="Dawn")
        assert caught.value.kind == "FULL"
        assert str(caught.value).startswith("The data folder is full")
        # Reads still work on a full disk.
        assert store.get(slug) == before
    finally:
        store.close()
    store = Store(url)
    try:
        assert store.get(slug) == before  # the measure's kind too: neither change was kept
        assert store.get(slug).measure.kind == "yes_no"
    finally:
        store.close()


def test_units_and_the_kind_of_measure_change_in_one_action(store, slug):
    store.replace_units(slug, [Unit("a", 1.0)], [])
    entries = len(store.history(slug))
    store.replace_units_frame(slug, _big_frame(10), kind="count", by="Dawn", source="x.csv")
    inquiry = store.get(slug)
    assert inquiry.measure.kind == "count" and len(inquiry.units) == 10
    history = store.history(slug)
    assert len(history) == entries + 1  # one action, one entry
    assert history[-1].by == "Dawn" and history[-1].part == "units"
    assert "the measure is now a count" in history[-1].change
    assert history[-1].detail["measure_kind"] == "count"
    with pytest.raises(ModelError):
        store.replace_units_frame(slug, _big_frame(3), kind="guess")
    assert len(store.get(slug).units) == 10


def test_a_units_write_that_fails_leaves_the_kind_of_measure(store, slug, monkeypatch):
    """Any failure after the kind is set, inside the action, undoes the kind too."""
    from widgets.store import units as store_units

    def broken(*_args, **_kwargs):
        raise RuntimeError("the write failed")

    monkeypatch.setattr(store_units, "store_frame", broken)
    with pytest.raises(RuntimeError):
        store.replace_units_frame(slug, _big_frame(10), kind="count")
    assert store.get(slug).measure.kind == "yes_no"


def _run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    from widgets import cli

    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def _one_plain_line(err: str, start: str) -> None:
    lines = err.splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith(f"hidden-insights: error: {start}"), err


@pytest.mark.sqlite_only
def test_cli_import_data_with_a_kind_on_a_full_disk(capsys, data_dir, tmp_path, disk_full):
    """import-data --kind count used to commit the kind before the units: on a full disk the
    units failed and the measure was left changed."""
    url = f"sqlite:///{data_dir / 'hidden-insights.sqlite'}"
    from sqlalchemy import event
    from sqlalchemy.pool import Pool

    event.remove(Pool, "connect", _limit_to_current_size)  # room to set up first
    slug = _yes_no_inquiry(url)
    event.listen(Pool, "connect", _limit_to_current_size)
    path = tmp_path / "counts.csv"
    _big_frame().rename(columns={"unit_id": "id", "outcome": "visits"}).to_csv(path,
                                                                                 index=False)
    status, _out, err = _run_cli(capsys, "import-data", slug, str(path), "--kind", "count",
                                 "--id", "id", "--outcome", "visits", "--yes")
    assert status == 2
    _one_plain_line(err, "The data folder is full")
    assert "measure is now" not in _out
    status, out, err = _run_cli(capsys, "list")  # reading still works
    assert status == 0 and slug in out
    store = Store(url)
    try:
        assert store.get(slug).measure.kind == "yes_no"
        assert [u.unit_id for u in store.units(slug)] == ["a", "b"]
    finally:
        store.close()


@pytest.mark.sqlite_only
def test_cli_load_on_a_full_disk(capsys, data_dir, disk_full):
    status, out, err = _run_cli(capsys, "example", "grub-hub")
    assert status == 2 and out == ""
    _one_plain_line(err, "The data folder is full")


def test_ui_guard_says_the_data_folder_is_full(tmp_path):
    from widgets.ui.errors import APOLOGY, ErrorBox, Message, run_safely

    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    slug = _yes_no_inquiry(url)
    store = Store(url)
    try:
        from sqlalchemy import event

        event.listen(store.engine, "connect", _limit_to_current_size)
        store.engine.dispose()
        box, message = ErrorBox(), Message()
        ok, _ = run_safely(store.replace_units_frame, slug, _big_frame(), errors=box,
                           message=message, kind="count")
        assert not ok
        assert message.text.startswith("The data folder is full")
        assert box.text == "" and APOLOGY not in message.text
    finally:
        store.close()


@pytest.mark.parametrize("error, start", [
    (sqlite3.OperationalError("database or disk is full"), "The data folder is full"),
    (sqlite3.OperationalError("attempt to write a readonly database"),
     "The data folder cannot be written"),
    (sqlite3.OperationalError("disk I/O error"), "The data folder could not be read"),
    (sqlite3.OperationalError("unable to open database file"),
     "The data folder cannot be opened"),
])
def test_raw_database_errors_read_as_plain_sentences(error, start):
    """Raw driver errors (as SQLAlchemy wraps them, or bare) that mean the folder."""
    from sqlalchemy.exc import OperationalError

    from widgets.store import data_folder_problem
    from widgets.ui.errors import ErrorBox, is_person_error, run_safely

    for exc in (error, OperationalError("INSERT …", {}, error)):
        assert str(data_folder_problem(exc)).startswith(start)
        assert is_person_error(exc)

        def fail(exc=exc):
            raise exc

        box = ErrorBox()
        run_safely(fail, errors=box)
        assert box.text.startswith(start)
    assert data_folder_problem(sqlite3.OperationalError("no such table: x")) is None
    assert not is_person_error(sqlite3.OperationalError("no such table: x"))


# ---------------------------------------------------------------------- read-only folders

def test_reads_take_no_write_lock(tmp_path):
    """Opening the store, listing and reading do not wait behind a writer (they used to
    take BEGIN IMMEDIATE, and `list` waited for a whole import)."""
    import threading

    db = tmp_path / "db.sqlite"
    slug = _yes_no_inquiry(f"sqlite:///{db}")
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # a writer in the middle of a long action
    writer.execute("UPDATE inquiries SET title = 'changing'")
    seen: list = []

    def read():
        store = Store(f"sqlite:///{db}")
        try:
            seen.append([i.title for i in store.list_inquiries()])
            seen.append(store.get(slug).title)
        finally:
            store.close()

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    thread.join(timeout=45)  # the store's busy timeout is 60 s: a waiting read fails this
    writer.execute("ROLLBACK")
    writer.close()
    assert not thread.is_alive(), "a read waited for the writer's lock"
    assert seen == [["Full disk"], "Full disk"]  # the last committed state


def _not_writable(folder: Path, monkeypatch) -> None:
    """From now on this process may not write ``folder`` (as a non-root user finds a folder
    that is read-only or not theirs; root may write anything, so the check stands in)."""
    import os

    real = os.access

    def access(path, mode, *args, **kwargs):
        if mode & os.W_OK and Path(path).resolve().is_relative_to(folder.resolve()):
            return False
        return real(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)


@pytest.mark.sqlite_only
def test_a_read_only_folder_opens_for_reading(capsys, data_dir, tmp_path, monkeypatch):
    from widgets.store import DataFolderProblem

    url = f"sqlite:///{data_dir / 'hidden-insights.sqlite'}"
    assert _run_cli(capsys, "example", "grub-hub")[0] == 0
    _not_writable(data_dir, monkeypatch)
    store = Store(url)
    try:
        assert store.read_only
        assert store.get("grub-hub").title == "Grub Hub (illustrative)"
        with pytest.raises(DataFolderProblem) as caught:
            store.rename("grub-hub", "Something else")
        assert str(caught.value).startswith("The data folder cannot be written")
        with pytest.raises(DataFolderProblem):
            store.create_inquiry("New one")
    finally:
        store.close()
    status, out, err = _run_cli(capsys, "list")
    assert status == 0 and "grub-hub" in out and err == ""
    out_file = tmp_path / "grub-hub.json"
    status, out, err = _run_cli(capsys, "export", "grub-hub", "-o", str(out_file))
    assert status == 0 and out_file.stat().st_size > 1000, err
    status, out, err = _run_cli(capsys, "new", "Another")
    assert status == 2 and out == ""
    _one_plain_line(err, "The data folder cannot be written")


def _as_nobody() -> list[str] | None:
    """The command prefix to run this kit's command line as user ``nobody`` (a real user
    who may not write a folder root owns), or None where that cannot be done here."""
    import os
    import pwd
    import shutil
    import subprocess
    import sys
    import sysconfig

    from widgets.paths import REPO_DIR

    system_python = Path("/usr/bin/python3")
    if os.geteuid() != 0 or not shutil.which("runuser") or not system_python.exists():
        return None
    try:
        pwd.getpwnam("nobody")
    except KeyError:
        return None
    # The venv's interpreter may sit in root's home; the system one of the same version can
    # run the kit with the venv's packages.
    paths = os.pathsep.join(dict.fromkeys([str(REPO_DIR), sysconfig.get_paths()["purelib"],
                                           sysconfig.get_paths()["platlib"]]))
    prefix = [shutil.which("runuser"), "-u", "nobody", "--", "env", f"PYTHONPATH={paths}",
              "MPLCONFIGDIR=/tmp", str(system_python)]
    probe = subprocess.run([*prefix, "-c", "import sys, widgets.store; print(sys.version_info"
                            "[:2])"], capture_output=True, text=True, timeout=120)
    if probe.returncode != 0 or probe.stdout.strip() != str(tuple(sys.version_info[:2])):
        return None
    return prefix


def test_a_folder_that_is_not_yours_reads_but_does_not_write():
    """For real: a data folder owned by root (755, files 644), used by user nobody."""
    import shutil
    import subprocess
    import tempfile

    prefix = _as_nobody()
    if prefix is None:
        pytest.skip("needs root, runuser, user nobody and /usr/bin/python3 of this version")
    folder = Path(tempfile.mkdtemp(prefix="hi-readonly-", dir="/tmp"))
    try:
        data, out = folder / "data", folder / "out"
        data.mkdir()
        out.mkdir()
        folder.chmod(0o755)
        data.chmod(0o755)
        out.chmod(0o777)
        from widgets.examples import build

        store = Store(f"sqlite:///{data / 'hidden-insights.sqlite'}")
        try:
            store.save_inquiry(build("grub-hub"))
        finally:
            store.close()
        empty = folder / "empty"
        empty.mkdir(mode=0o755)

        def cli(where: Path, *argv: str):
            return subprocess.run([*prefix, "-m", "widgets", *argv], capture_output=True,
                                  text=True, timeout=300,
                                  env={"HIDDEN_INSIGHTS_DATA": str(where), "PATH": "/usr/bin"})

        done = cli(data, "list")
        assert done.returncode == 0 and "grub-hub" in done.stdout, done.stderr
        done = cli(data, "export", "grub-hub", "-o", str(out / "grub-hub.json"))
        assert done.returncode == 0, done.stderr
        assert (out / "grub-hub.json").stat().st_size > 1000
        for where, argv in ((data, ("new", "Another")), (data, ("example", "grub-hub")),
                            (empty, ("list",)), (empty, ("new", "Another"))):
            done = cli(where, *argv)
            assert done.returncode == 2, (argv, done.stderr)
            _one_plain_line(done.stderr, "The data folder cannot be written")
        assert sorted(p.name for p in data.iterdir()) == ["hidden-insights.sqlite"]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_newer_schema_in_a_read_only_folder_says_so(data_dir, monkeypatch):
    """Opening reads the schema version without the write lock, so the message is the one
    that helps (update the kit), not "cannot be written"."""
    from widgets.store.migrations import SchemaTooNew

    db = data_dir / "hidden-insights.sqlite"
    Store(f"sqlite:///{db}").close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE schema_info SET value='99' WHERE key='schema_version'")
    conn.close()
    _not_writable(data_dir, monkeypatch)
    with pytest.raises(SchemaTooNew):
        Store(f"sqlite:///{db}")


@pytest.mark.sqlite_only
@pytest.mark.parametrize("how", ["replace", "remove_unit", "update_unit", "delete_inquiry"])
def test_removed_names_leave_the_wal_while_the_store_is_open(tmp_path, how):
    """The app's kernel keeps its store open for the evening: a replaced or removed real name
    must not wait in the ``-wal`` file beside the database for the next checkpoint."""
    db = tmp_path / "db.sqlite"
    store = Store(f"sqlite:///{db}")
    try:
        slug = store.create_inquiry("Names")
        names = _names("gone", 300)
        store.replace_units(slug, _units(names), ["ward"])
        # Another connection reads the file meanwhile, as another kernel's page would.
        other = Store(f"sqlite:///{db}")
        assert len(other.units(slug)) == len(names)
        if how == "replace":
            store.replace_units(slug, _units(_names("new", 5)), ["ward"])
            gone = names
        elif how == "remove_unit":
            store.remove_unit(slug, "u007")
            gone = [names[7]]
        elif how == "update_unit":
            unit = store.units(slug)[7]
            store.update_unit(slug, unit.unit_id, dataclasses.replace(unit, private_name=None))
            gone = [names[7]]
        else:
            store.delete_inquiry(slug)
            gone = names
        assert Path(f"{db}-wal").exists()  # the store is still open: the WAL is there
        raw = _file_bytes(db)
        assert [name for name in gone if name.encode() in raw] == []
        other.close()
    finally:
        store.close()
