"""Tests for widgets.cli: every subcommand, every mistake's exit status and message."""

from __future__ import annotations

import dataclasses
import io
import os
import socket
import subprocess
import sys
import types

import pytest
from room_server import free_port

from widgets import cli
from widgets.examples import build
from widgets.model import Measure, Unit
from widgets.paths import REPO_DIR, examples_dir
from widgets.store import Store
from widgets.store.database import default_url


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """Run the command line in this process; returns (status, stdout, stderr)."""
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def assert_mistake(result: tuple[int, str, str], *words: str) -> None:
    """Exit status 2 and exactly one plain line on stderr that contains ``words``."""
    status, _out, err = result
    assert status == 2, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("hidden-insights: error: ")
    assert "Traceback" not in err
    for word in words:
        assert word.lower() in lines[0].lower(), lines[0]


def same_apart_from_slug(a, b) -> bool:
    return dataclasses.replace(a, slug="") == dataclasses.replace(b, slug="")


@pytest.fixture
def db(data_dir):
    """The store the command line uses (the data folder's file), for checking results."""
    st = Store(default_url())
    yield st
    st.close()


# ---------------------------------------------------------------------- list, new, example


def test_list_when_empty(capsys, data_dir):
    status, out, err = run(capsys, "list")
    assert status == 0 and err == ""
    assert "No inquiries yet" in out and "hidden-insights new" in out


def test_new_and_list(capsys, db):
    status, out, _ = run(capsys, "new", "Family", "break-up")
    assert status == 0 and out == "family-break-up\n"
    assert db.get("family-break-up").title == "Family break-up"
    assert db.history("family-break-up")[0].by == "command line"
    assert run(capsys, "--by", "Dawn", "new", "Family break up")[1] == "family-break-up-2\n"
    assert db.history("family-break-up-2")[0].by == "Dawn"
    status, out, err = run(capsys, "new", "family  BREAK-UP")
    assert status == 2 and out == "" and "already an inquiry called" in err
    run(capsys, "example", "grub-hub")

    status, out, _ = run(capsys, "list")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["slug", "title", "last"]
    row = next(line for line in lines if line.startswith("grub-hub "))
    assert "Grub Hub (illustrative)" in row and "2024-10-10 18:46" in row
    # people, units, confirmed/candidates, practices, actions, progress
    assert row.split()[-6:] == ["8", "60", "3/1", "5", "2", "18"]
    assert any(line.startswith("family-break-up-2 ") for line in lines)


@pytest.mark.parametrize("title", ["", "   ", "x" * 201, "a\x00b"])
def test_new_with_a_bad_title(capsys, data_dir, title):
    assert_mistake(run(capsys, "new", title), "title")


def test_list_does_not_print_control_characters(capsys, db):
    db.create_inquiry("Nasty \x1b[2J\x1b[31mred\x07 title")
    db.create_inquiry("مرحبا \u202eevil\u202c 🍲")
    status, out, _ = run(capsys, "list")
    assert status == 0 and "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "Nasty ?[2J?[31mred? title" in out
    assert "مرحبا ?evil? 🍲" in out  # right-to-left letters and emoji are kept


@pytest.mark.parametrize("name", ["grub-hub", "child-nutrition"])
def test_example_stores_the_example(capsys, db, name):
    status, out, err = run(capsys, "example", name)
    assert status == 0 and err == ""
    assert out == f"{name}\n"
    assert same_apart_from_slug(db.get(name), build(name))
    assert run(capsys, "example", name)[1] == f"{name}-2\n"


def test_unknown_example_lists_the_names(capsys, db):
    assert_mistake(run(capsys, "example", "nope"), "nope", "grub-hub", "child-nutrition")
    assert db.list_inquiries() == []


# ---------------------------------------------------------------------- export and load


def test_acceptance_example_export_load_round_trip(capsys, db, tmp_path):
    """hidden-insights example grub-hub, export to json and xlsx, load both back."""
    slug = run(capsys, "example", "grub-hub")[1].strip()
    original = db.get(slug)
    for suffix in ("json", "xlsx"):
        path = tmp_path / f"grub.{suffix}"
        status, out, err = run(capsys, "export", slug, "-o", str(path))
        assert status == 0 and err == "" and path.exists(), err
        assert str(path) in out
        status, out, err = run(capsys, "load", str(path))
        assert status == 0, err
        loaded = out.strip()
        assert loaded != slug and db.exists(loaded)
        assert same_apart_from_slug(db.get(loaded), original), suffix


def test_export_marks_the_inquiry_downloaded(capsys, db, tmp_path):
    slug = db.create_inquiry("T")
    assert db.summary(slug).changed_since_download
    assert run(capsys, "export", slug, "-o", str(tmp_path / "t.json"))[0] == 0
    assert not db.summary(slug).changed_since_download


def test_export_keeps_private_names_only_when_asked(capsys, db, tmp_path):
    from widgets.files import load_inquiry

    slug = db.create_inquiry("T")
    db.replace_units(slug, [Unit("F1", 1.0, None, "Mrs Real Name", {"housing": "owner"})],
                     ["housing"])
    for options, suffix in ((["--include-private"], "json"), ([], "json"),
                            (["--include-private"], "xlsx"), ([], "xlsx")):
        path = tmp_path / f"t{len(options)}.{suffix}"
        assert run(capsys, "export", slug, "-o", str(path), *options)[0] == 0
        data = path.read_bytes()
        back = load_inquiry(data, path.name)
        expected = "Mrs Real Name" if options else None
        assert back.units[0].private_name == expected, (options, suffix)
        if suffix == "json" and not options:
            assert b"Mrs Real Name" not in data
    assert db.units(slug)[0].private_name == "Mrs Real Name"  # the store keeps it


def test_export_mistakes(capsys, db, tmp_path):
    slug = db.create_inquiry("T")
    assert_mistake(run(capsys, "export", "nope", "-o", str(tmp_path / "x.json")), "nope")
    assert_mistake(run(capsys, "export", slug, "-o", str(tmp_path / "x.csv")), ".json",
                   ".xlsx")
    assert_mistake(run(capsys, "export", slug, "-o", str(tmp_path / "x")), ".json")
    assert_mistake(run(capsys, "export", slug, "-o", str(tmp_path / "no" / "x.json")),
                   "folder does not exist")
    (tmp_path / "dir.json").mkdir()
    assert_mistake(run(capsys, "export", slug, "-o", str(tmp_path / "dir.json")), "folder")
    assert_mistake(run(capsys, "export", slug), "-o")  # the output is required
    assert not list(tmp_path.glob("x*"))


def test_load_as_a_slug(capsys, db):
    path = examples_dir() / "child-nutrition.json"
    status, out, err = run(capsys, "load", str(path), "--as", "our-copy")
    assert status == 0 and out == "our-copy\n" and err == ""
    assert same_apart_from_slug(db.get("our-copy"), build("child-nutrition"))
    status, out, err = run(capsys, "load", str(path), "--as", "our-copy")
    assert status == 0 and out == "our-copy-2\n" and "our-copy-2" in err  # told, not refused


def test_load_mistakes(capsys, db, tmp_path):
    assert_mistake(run(capsys, "load", str(tmp_path / "missing.json")), "no file",
                   "missing.json")
    assert_mistake(run(capsys, "load", str(tmp_path)), "folder")
    cases = {
        "garbage.json": b"{not json at all",
        "garbage.xlsx": b"PK\x03\x04 this is not really a workbook",
        "empty.json": b"",
        "picture.json": b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
        "data.csv": (examples_dir() / "grub-hub-units.csv").read_bytes(),
        "other.json": b'{"format": "something-else", "version": 1}',
        "future.json": b'{"format": "hidden-insights-inquiry", "version": 999, "inquiry": {}}',
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        assert_mistake(run(capsys, "load", str(path)))
    assert db.list_inquiries() == []


# ---------------------------------------------------------------------- import-data


def _yes_no_inquiry(db, title="Import here") -> str:
    slug = db.create_inquiry(title)
    db.set_measure(slug, Measure("the family stayed together", "family", "yes_no", "higher"))
    return slug


def test_import_data_from_the_example_csv(capsys, db):
    slug = _yes_no_inquiry(db)
    path = examples_dir() / "grub-hub-units.csv"
    status, out, err = run(capsys, "import-data", slug, str(path))
    assert status == 0, err
    assert "grub-hub-units.csv" in out and "Stored 60 units" in out
    assert "family" in out and "stayed together" in out  # the mapping is shown
    example = build("grub-hub")
    assert db.get(slug).context_columns == example.context_columns
    assert db.units(slug) == example.units
    entry = db.history(slug)[-1]
    assert entry.by == "command line" and "grub-hub-units.csv" in entry.change


def test_import_data_kind_sets_the_measure(capsys, db):
    slug = db.create_inquiry("Scores")  # a new inquiry's measure is yes/no
    path = str(examples_dir() / "child-nutrition-units.csv")
    assert_mistake(run(capsys, "import-data", slug, path), "not yes or no", "--kind")
    assert db.units(slug) == []
    status, out, err = run(capsys, "import-data", slug, path, "--kind", "score")
    assert status == 0, err
    assert "Stored 100 units" in out and "score" in out
    assert db.get(slug).measure.kind == "score"
    assert db.units(slug) == build("child-nutrition").units
    # One action: the kind and the units in one transaction and one history entry.
    assert [h.part for h in db.history(slug)] == ["inquiry", "units"]
    assert "the measure is now a score" in db.history(slug)[-1].change
    assert_mistake(run(capsys, "import-data", slug, path, "--kind", "guess"), "guess")


def test_import_data_options_override_the_mapping(capsys, db, tmp_path):
    slug = db.create_inquiry("Rates")
    db.set_measure(slug, Measure("incidents", "ward", "rate", "lower"))
    path = tmp_path / "wards.csv"
    path.write_text("code;name;events;people;deprivation;region\n"
                    "W1;North;3;1200;high;A\nW2;South;10;900;low;B\nW3;East;0;40;high;A\n",
                    encoding="utf-8")
    status, out, err = run(capsys, "import-data", slug, str(path), "--id", "code",
                           "--outcome", "events", "--population", "people",
                           "--context", "deprivation", "--context", "region")
    assert status == 0, err
    units = db.units(slug)
    assert [u.unit_id for u in units] == ["W1", "W2", "W3"]
    assert [(u.outcome, u.population) for u in units] == [(3.0, 1200.0), (10.0, 900.0),
                                                          (0.0, 40.0)]
    assert db.get(slug).context_columns == ["deprivation", "region"]
    assert "people" in out


def test_import_data_preview_leaves_out_the_real_names(capsys, db, tmp_path):
    slug = _yes_no_inquiry(db)
    path = tmp_path / "families.csv"
    path.write_text("family,name,stayed together,area\n"
                    "F1,Alice Smithson,yes,north\nF2,Bob Jonesworth,no,south\n", encoding="utf-8")
    status, out, err = run(capsys, "import-data", slug, str(path))
    assert status == 0, err
    assert "Alice" not in out + err and "Jonesworth" not in out + err
    assert "north" in out and "F1" in out  # the rest of the preview is shown
    assert "private name:   name (kept private, not shown)" in out
    assert [u.private_name for u in db.units(slug)] == ["Alice Smithson", "Bob Jonesworth"]


def test_import_data_from_a_workbook_sheet(capsys, db, tmp_path):
    import openpyxl

    slug = db.create_inquiry("Scores")
    db.set_measure(slug, Measure("score", "child", "score", "higher"))
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["nothing here"])
    sheet = book.create_sheet("Weighing")
    sheet.append(["child", "score", "hamlet"])
    sheet.append(["C1", -2.5, "Hamlet 1"])
    sheet.append(["C2", -1.25, "Hamlet 2"])
    path = tmp_path / "weighing.xlsx"
    book.save(path)
    status, out, err = run(capsys, "import-data", slug, str(path), "--sheet", "Weighing",
                           "--id", "child", "--outcome", "score", "--context", "hamlet")
    assert status == 0, err
    assert [(u.unit_id, u.outcome, u.context) for u in db.units(slug)] == [
        ("C1", -2.5, {"hamlet": "Hamlet 1"}), ("C2", -1.25, {"hamlet": "Hamlet 2"})]
    assert_mistake(run(capsys, "import-data", slug, str(path), "--sheet", "Nope", "--yes"),
                   "nope")


def test_import_data_will_not_replace_units_without_yes(capsys, db):
    slug = _yes_no_inquiry(db)
    db.replace_units(slug, [Unit("X1", 1.0)], [])
    path = str(examples_dir() / "grub-hub-units.csv")
    assert_mistake(run(capsys, "import-data", slug, path), "already has 1 units", "--yes")
    assert [u.unit_id for u in db.units(slug)] == ["X1"]
    status, out, err = run(capsys, "import-data", slug, path, "--yes")
    assert status == 0, err
    assert len(db.units(slug)) == 60


def test_import_data_mistakes(capsys, db, tmp_path):
    slug = _yes_no_inquiry(db)
    good = str(examples_dir() / "grub-hub-units.csv")
    assert_mistake(run(capsys, "import-data", "nope", good), "nope")
    assert_mistake(run(capsys, "import-data", slug, str(tmp_path / "none.csv")), "no file")
    assert_mistake(run(capsys, "import-data", slug, good, "--id", "surname"), "surname",
                   "family")
    assert_mistake(run(capsys, "import-data", slug, good, "--context", "hair colour"),
                   "hair colour")
    bad_outcome = tmp_path / "bad.csv"
    bad_outcome.write_text("family,stayed together\nF1,yes\nF2,perhaps\n", encoding="utf-8")
    assert_mistake(run(capsys, "import-data", slug, str(bad_outcome), "--id", "family",
                       "--outcome", "stayed together"))
    picture = tmp_path / "picture.csv"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert_mistake(run(capsys, "import-data", slug, str(picture)))
    dupes = tmp_path / "dupes.csv"
    dupes.write_text("family,stayed together\nF1,yes\nF1,no\n", encoding="utf-8")
    assert_mistake(run(capsys, "import-data", slug, str(dupes), "--id", "family",
                       "--outcome", "stayed together"), "F1")
    assert_mistake(run(capsys, "import-data", slug), "file")  # missing argument
    assert db.units(slug) == []  # nothing was stored by any mistake


# ---------------------------------------------------------------------- app


@pytest.fixture
def exec_calls(monkeypatch):
    calls = []
    monkeypatch.setattr(os, "execvpe", lambda file, args, env: calls.append((file, args, env)))
    return calls


def test_app_runs_the_apps_server_command_line(capsys, data_dir, monkeypatch, exec_calls):
    from widgets import app

    monkeypatch.setattr(app, "port_in_use", lambda port, ip: False)
    status, out, err = run(capsys, "app")
    assert status == 0, err
    [(file, args, env)] = exec_calls
    assert file == args[0] == sys.executable
    assert args == app.server_command(port=8866, open_browser=True)
    assert env["JUPYTER_PATH"].split(os.pathsep)[0] == str(app.templates_dir())
    assert env["HIDDEN_INSIGHTS_DATA"] == str(data_dir.resolve())
    assert env["PATH"] == os.environ["PATH"]  # the rest of the environment is kept
    assert "http://127.0.0.1:8866/voila/render/start.ipynb" in out

    assert run(capsys, "app", "--port", "9001", "--no-browser")[0] == 0
    assert exec_calls[-1][1] == app.server_command(port=9001, open_browser=False)


def test_app_in_room_mode_needs_a_token(capsys, data_dir, monkeypatch, exec_calls):
    from widgets import app

    monkeypatch.setattr(app, "port_in_use", lambda port, ip: False)
    monkeypatch.setattr(app, "lan_address", lambda: "192.168.1.20")
    status, out, err = run(capsys, "app", "--room", "--no-browser")
    assert status == 0, err
    [(_file, args, env)] = exec_calls
    token = env[app.TOKEN_ENV]
    assert "--ServerApp.ip=192.168.1.20" in args and "--IdentityProvider.token=" not in args
    assert token not in " ".join(args)  # never on the command line
    assert "http://192.168.1.20:8866/room" in out and out.count(token) == 1


def test_app_with_the_real_app_module(capsys, data_dir, exec_calls):
    pytest.importorskip("widgets.app")
    port = free_port()
    assert run(capsys, "app", "--port", str(port), "--no-browser")[0] == 0
    [(file, args, env)] = exec_calls
    assert file == args[0]
    assert "widgets.server" in args and f"--ServerApp.port={port}" in args
    assert "--no-browser" in args and "--ServerApp.ip=127.0.0.1" in args
    assert env["HIDDEN_INSIGHTS_DATA"] == str(data_dir.resolve())


def test_app_mistakes(capsys, data_dir, exec_calls, monkeypatch):
    from widgets import app

    assert_mistake(run(capsys, "app", "--port", "eighty"), "eighty")
    assert_mistake(run(capsys, "app", "--port", "70000"), "port")
    assert_mistake(run(capsys, "app", "--allow-host", "not a host"), "not a host")
    monkeypatch.setattr(app, "port_in_use", lambda port, ip: False)
    monkeypatch.setattr(os, "execvpe", lambda *a: (_ for _ in ()).throw(FileNotFoundError()))
    assert_mistake(run(capsys, "app"), sys.executable, "not installed")
    assert exec_calls == []


def test_app_on_a_busy_port_says_which_command_to_run(capsys, data_dir, exec_calls,
                                                      monkeypatch):
    pytest.importorskip("widgets.app")
    monkeypatch.delenv("MAKELEVEL", raising=False)
    with socket.socket() as listener:  # an app already running
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        result = run(capsys, "app", "--port", str(port), "--no-browser")
        assert_mistake(result, f"Port {port} is in use (is the app already running?). "
                       f"Start it on another port: hidden-insights app --port {port + 1}")
        monkeypatch.setenv("MAKELEVEL", "1")  # `make app PORT=…` runs this command
        assert_mistake(run(capsys, "app", "--port", str(port)), f"make app PORT={port + 1}")
    assert exec_calls == []  # Voila was not started


# ---------------------------------------------------------------------- errors in general


def test_bad_options_are_one_line(capsys, data_dir):
    assert_mistake(run(capsys), "command")
    assert_mistake(run(capsys, "frobnicate"), "frobnicate")
    assert_mistake(run(capsys, "list", "--colour"), "--colour")
    assert_mistake(run(capsys, "new"), "title")


def test_help_exits_zero(capsys, data_dir):
    status, out, _ = run(capsys, "--help")
    assert status == 0
    for name in ("list", "new", "example", "import-data", "export", "load", "app"):
        assert name in out
    status, out, _ = run(capsys, "import-data", "--help")
    assert status == 0 and "--population" in out


def test_unexpected_errors_are_one_line_unless_debug(capsys, data_dir, monkeypatch):
    def broken():
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr(cli, "open_cli_store", broken)
    status, out, err = run(capsys, "list")
    assert status == 1 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "disk on fire second line" in err and "run with --debug for details" in err

    status, _, err = run(capsys, "--debug", "list")
    assert status == 1 and "Traceback" in err and "RuntimeError" in err
    status, _, err = run(capsys, "list", "--debug")  # after the subcommand works too
    assert status == 1 and "Traceback" in err


def test_mistakes_show_a_traceback_only_with_debug(capsys, data_dir):
    status, _, err = run(capsys, "--debug", "export", "nope", "-o", "x.json")
    assert status == 2 and "Traceback" in err and "NotFound" in err
    assert err.splitlines()[-1].startswith("hidden-insights: error:")


def test_a_newer_database_is_a_plain_mistake(capsys, data_dir):
    store = Store(default_url())
    with store.engine.begin() as con:
        con.exec_driver_sql("UPDATE schema_info SET value='999' WHERE key='schema_version'")
    store.close()
    assert_mistake(run(capsys, "list"), "newer version")


@pytest.mark.sqlite_only
def test_data_folder_comes_from_the_environment(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("HIDDEN_INSIGHTS_DATA", str(tmp_path / "elsewhere"))
    assert run(capsys, "new", "Here")[0] == 0
    assert (tmp_path / "elsewhere" / "hidden-insights.sqlite").exists()


def test_a_subcommand_can_be_added_from_another_module(capsys, data_dir, monkeypatch):
    monkeypatch.setattr(cli, "SUBCOMMANDS", dict(cli.SUBCOMMANDS))

    def arguments(parser):
        parser.add_argument("slug")

    @cli.subcommand("shout", "say the title loudly", arguments)
    def shout(args):
        store = cli.open_cli_store()
        try:
            print(store.get(args.slug).title.upper())
        finally:
            store.close()

    assert run(capsys, "new", "quiet title")[0] == 0
    assert run(capsys, "shout", "quiet-title")[:2] == (0, "QUIET TITLE\n")
    assert_mistake(run(capsys, "shout", "nope"), "nope")
    assert "shout" in run(capsys, "--help")[1]


def test_extra_modules_are_imported(capsys, data_dir, monkeypatch):
    module = types.ModuleType("hi_test_extra_commands")
    monkeypatch.setitem(sys.modules, "hi_test_extra_commands", module)
    monkeypatch.setattr(cli, "SUBCOMMANDS", dict(cli.SUBCOMMANDS))
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("hi_test_extra_commands", "not_installed_xyz"))
    cli.subcommand("hello", "say hello")(lambda args: print("hello") or 0)
    assert run(capsys, "hello")[:2] == (0, "hello\n")


def test_a_command_with_sub_commands_of_its_own(capsys, data_dir, monkeypatch):
    """A command with sub-commands (as ``room open|close|list``): its argument function adds
    them, and they take ``--by`` and ``--debug`` after their own name too."""
    module = types.ModuleType("hi_test_family")

    def add_arguments(parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("greet").add_argument("slug")

    def run_family(args):
        store = cli.open_cli_store()
        try:
            print(f"{args.action} {store.get(args.slug).title} by {args.by}")
        finally:
            store.close()
        return 0

    monkeypatch.setitem(sys.modules, "hi_test_family", module)
    monkeypatch.setattr(cli, "SUBCOMMANDS", dict(cli.SUBCOMMANDS))
    monkeypatch.setattr(cli, "COMMAND_MODULES", (*cli.COMMAND_MODULES, "hi_test_family"))
    cli.subcommand("family", "a family of commands", add_arguments)(run_family)
    assert run(capsys, "new", "Family title")[0] == 0
    assert run(capsys, "family", "greet", "family-title", "--by", "Ann")[:2] == (
        0, "greet Family title by Ann\n")
    assert "family" in run(capsys, "--help")[1]
    assert_mistake(run(capsys, "family", "greet", "nope"), "nope")  # NotFound: one line
    assert_mistake(run(capsys, "family", "wave"), "invalid choice")  # argparse: one line
    status, _, err = run(capsys, "--debug", "family", "greet", "nope")
    assert status == 2 and "Traceback" in err


def test_output_to_a_closed_pipe_is_not_an_error(data_dir, monkeypatch):
    class Closed(io.StringIO):
        def write(self, _text):
            raise BrokenPipeError

    monkeypatch.setattr(sys, "stdout", Closed())
    assert cli.main(["list"]) == 0


# ---------------------------------------------------------------------- real processes


def _process(data_dir, *argv):
    env = dict(os.environ, HIDDEN_INSIGHTS_DATA=str(data_dir))
    return subprocess.run([sys.executable, "-m", "widgets", *argv], capture_output=True,
                          text=True, env=env, cwd=REPO_DIR, timeout=120)


def test_python_m_widgets(data_dir, db):
    done = _process(data_dir, "new", "From a process")
    assert done.returncode == 0 and done.stdout == "from-a-process\n" and done.stderr == ""
    assert db.exists("from-a-process")
    done = _process(data_dir, "export", "nope", "-o", "x.json")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "hidden-insights: error: There is no inquiry called 'nope'."]
    done = _process(data_dir, "--bogus-option", "list")
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1


def test_console_script(data_dir, db):
    script = os.path.join(os.path.dirname(sys.executable), "hidden-insights")
    if not os.path.exists(script):
        pytest.skip("the hidden-insights script is not installed in this environment")
    env = dict(os.environ, HIDDEN_INSIGHTS_DATA=str(data_dir))
    done = subprocess.run([script, "example", "child-nutrition"], capture_output=True,
                          text=True, env=env, timeout=120)
    assert done.returncode == 0 and done.stdout == "child-nutrition\n", done.stderr
    assert db.summary("child-nutrition").units == 100


@pytest.mark.sqlite_only
def test_unexpected_error_in_a_process_has_no_traceback(data_dir):
    (data_dir / "hidden-insights.sqlite").write_bytes(b"this is not a database" * 100)
    done = _process(data_dir, "list")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1
    assert "--debug" in done.stderr



def test_import_data_keeps_names_private_and_guesses_the_outcome_from_the_measure(
        capsys, db, tmp_path):
    from pupils_csv import MEASURE, names, pupils_csv

    slug = db.create_inquiry("Plans")
    db.set_measure(slug, MEASURE)
    path = tmp_path / "klasse.csv"
    path.write_bytes(pupils_csv("ja", "nein"))
    status, out, err = run(capsys, "import-data", slug, str(path))
    assert status == 0, err
    units = db.units(slug)
    assert [u.unit_id for u in units][:2] == ["Pupil 1", "Pupil 2"]
    assert [u.private_name for u in units] == names()
    assert sum(u.outcome for u in units) == 15
    assert db.get(slug).context_columns == ["free school meals", "estate"]
    assert "Jürgen" not in out + err  # real names stay out of the terminal
    assert "not shown, real names stay private: Schüler" in out


# ---------------------------------------------------------------------- real names, big files


def _named(db) -> str:
    slug = db.create_inquiry("Named")
    db.replace_units(slug, [Unit("F1", 1.0, None, "Mrs Real Name", {"housing": "owner"}),
                            Unit("F2", 0.0, None, "Mr Other", {"housing": "rent"})], ["housing"])
    return slug


def test_export_and_load_with_a_passphrase_file(capsys, db, tmp_path):
    slug = _named(db)
    secret = tmp_path / "passphrase.txt"
    secret.write_text("a long enough passphrase\n", encoding="utf-8")
    path = tmp_path / "named.json"
    assert run(capsys, "export", slug, "-o", str(path), "--passphrase-file", str(secret))[0] == 0
    data = path.read_bytes()
    assert b"Mrs Real Name" not in data and b"Other" not in data and b"passphrase" not in data
    status, out, err = run(capsys, "load", str(path), "--passphrase-file", str(secret))
    assert status == 0 and err == ""
    assert [u.private_name for u in db.units(out.strip())] == ["Mrs Real Name", "Mr Other"]
    # without the passphrase: loaded without the names, and told so
    status, out, err = run(capsys, "load", str(path))
    assert status == 0 and "locked" in err and "--passphrase-file" in err
    assert [u.private_name for u in db.units(out.strip())] == [None, None]


def test_a_wrong_passphrase_is_one_line_and_stores_nothing(capsys, db, tmp_path, monkeypatch):
    slug = _named(db)
    path = tmp_path / "named.json"
    monkeypatch.setattr("sys.stdin", io.StringIO("the right passphrase\n"))
    assert run(capsys, "export", slug, "-o", str(path), "--passphrase-file", "-")[0] == 0
    before = [s.slug for s in db.list_inquiries()]
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("the wrong passphrase", encoding="utf-8")
    assert_mistake(run(capsys, "load", str(path), "--passphrase-file", str(wrong)),
                   "does not open the real names")
    assert [s.slug for s in db.list_inquiries()] == before


def test_passphrase_mistakes(capsys, db, tmp_path):
    slug = _named(db)
    empty, short = tmp_path / "empty.txt", tmp_path / "short.txt"
    empty.write_text("\n", encoding="utf-8")
    short.write_text("short", encoding="utf-8")
    out = str(tmp_path / "x.json")
    assert_mistake(run(capsys, "export", slug, "-o", out, "--passphrase-file", str(empty)),
                   "no passphrase")
    assert_mistake(run(capsys, "export", slug, "-o", out, "--passphrase-file", str(short)),
                   "at least 8")
    assert_mistake(run(capsys, "export", slug, "-o", out, "--passphrase-file", str(short),
                       "--include-private"), "choose one")
    assert_mistake(run(capsys, "export", slug, "-o", str(tmp_path / "x.xlsx"),
                       "--passphrase-file", str(short)), "workbook cannot lock")
    assert_mistake(run(capsys, "export", slug, "-o", out, "--passphrase-file",
                       str(tmp_path / "missing.txt")), "no file")
    assert not (tmp_path / "x.json").exists()


def test_export_compressed_and_a_big_plain_file_loads_back(capsys, db, tmp_path, monkeypatch):
    import widgets.files as files

    slug = db.save_inquiry(build("grub-hub"))
    gz, plain = tmp_path / "grub.json.gz", tmp_path / "grub.json"
    assert run(capsys, "export", slug, "-o", str(gz))[0] == 0
    assert run(capsys, "export", slug, "-o", str(plain))[0] == 0
    assert gz.read_bytes()[:2] == b"\x1f\x8b" and plain.read_bytes()[:1] == b"{"
    assert len(gz.read_bytes()) < len(plain.read_bytes()) / 3
    # The upload limit is for the browser: a plain file the kit wrote always loads back.
    monkeypatch.setattr(files, "MAX_INQUIRY_BYTES", 1000)
    for path in (gz, plain):
        status, out, _err = run(capsys, "load", str(path))
        assert status == 0
        assert same_apart_from_slug(db.get(out.strip()), db.get(slug))


def test_load_refuses_each_bad_inquiry_file_with_one_line(capsys, db, tmp_path):
    from bad_inputs_corpus import BUILDERS, make_case

    before = [s.slug for s in db.list_inquiries()]
    names = [n for n, (_f, _b, spec) in BUILDERS.items() if spec.get("flow") == "inquiry"]
    assert len(names) >= 25
    for name in names:
        case = make_case(name, tmp_path)
        assert_mistake(run(capsys, "load", str(case.path)), *case.expect)
    assert [s.slug for s in db.list_inquiries()] == before


def test_export_warns_when_the_file_would_not_load_again(capsys, db, tmp_path, monkeypatch):
    slug = db.create_inquiry("Changed kind")
    db.set_measure(slug, Measure(what="score", kind="score"))
    db.replace_units(slug, [Unit("A", 7.0)], [])
    # The store refuses this kind now; an older one let it through (data stored then).
    with monkeypatch.context() as older:
        older.setattr("widgets.store.step1.check_kind_change", lambda frame, kind: None)
        db.set_measure(slug, Measure(what="score", kind="yes_no"))
    status, _out, err = run(capsys, "export", slug, "-o", str(tmp_path / "x.json"))
    assert status == 0 and "will not load again" in err and "Unit 1" in err


def test_import_data_refuses_more_events_than_people_and_keeps_the_kind(capsys, db, tmp_path):
    slug = _yes_no_inquiry(db, "Admissions")
    path = tmp_path / "wards.csv"
    path.write_text("ward,admissions,people\nW1,3,10\nW2,12,10\n")
    assert_mistake(run(capsys, "import-data", slug, str(path), "--id", "ward", "--outcome",
                       "admissions", "--population", "people", "--kind", "rate"),
                   "Row 3", "'12' events out of a population of '10'")
    assert db.units(slug) == [] and db.get(slug).measure.kind == "yes_no"


def test_import_data_changes_the_kind_only_with_new_data(capsys, db, tmp_path):
    # The kind never changes under stored outcomes: --kind replaces them (with --yes) by the
    # file's, read as that kind, in the same action.
    slug = _yes_no_inquiry(db, "Visits")
    db.replace_units(slug, [Unit("A", 1.0)], [])
    path = tmp_path / "visits.csv"
    path.write_text("family,visits\nF1,3\nF2,0\n")
    assert_mistake(run(capsys, "import-data", slug, str(path), "--id", "family", "--outcome",
                       "visits", "--kind", "count"), "--yes")
    assert db.get(slug).measure.kind == "yes_no" and db.units(slug) == [Unit("A", 1.0)]
    status, out, err = run(capsys, "import-data", slug, str(path), "--id", "family",
                           "--outcome", "visits", "--kind", "count", "--yes")
    assert status == 0, err
    assert db.get(slug).measure.kind == "count"
    assert [u.outcome for u in db.units(slug)] == [3.0, 0.0]
    assert "the measure is now a count" in db.history(slug)[-1].change
