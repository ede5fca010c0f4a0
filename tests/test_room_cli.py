"""``hidden-insights room open|close|list`` (widgets/room/cli.py)."""

from __future__ import annotations

import json

import pytest

from widgets import cli
from widgets import join_codes as codes
from widgets.room import cli as room_cli
from widgets.store import Store
from widgets.store.database import default_url


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def db(data_dir):
    st = Store(default_url())
    yield st
    st.close()


def test_open_prints_the_code_then_the_join_path_last(capsys, db):
    slug = db.create_inquiry("Family break-up")
    status, out, err = run(capsys, "room", "open", slug, "--by", "Fran")
    assert status == 0 and err == ""
    room = db.room(slug)
    assert room.is_open and room.opened_by == "Fran"
    lines = out.splitlines()
    assert codes.display(room.code) in lines[0]
    assert lines[-1] == f"/room/{room.code}"
    status, out, _ = run(capsys, "room", "open", slug)
    assert db.room_by_code(room.code) is None  # the old code stopped working
    assert out.splitlines()[-1] == f"/room/{db.room(slug).code}"


def test_close_and_close_again(capsys, db):
    slug = db.create_inquiry("Family break-up")
    run(capsys, "room", "open", slug)
    code = db.room(slug).code
    assert run(capsys, "room", "close", slug)[:2] == (
        0, "The room is closed; its code no longer works.\n")
    assert db.room_by_code(code) is None
    assert run(capsys, "room", "close", slug)[:2] == (0, "The room was not open.\n")


def test_mistakes_are_one_plain_line(capsys, db):
    for argv in (("room", "open", "nope"), ("room", "list", "nope"), ("room", "close", "nope")):
        status, out, err = run(capsys, *argv)
        assert status == 2 and out == ""
        assert err == "hidden-insights: error: There is no inquiry called 'nope'.\n"
    status, _out, err = run(capsys, "room")
    assert status == 2 and err.count("\n") == 1


HOSTILE = ["<script>alert(1)</script>", "\u202eevil", "line\nbreak", "\x1b[31mred",
           "&amp; &lt;", "javascript:alert(1)", "\"quoted\" 'single'"]


def test_list_shows_what_came_in_and_json_has_one_object_a_line(capsys, db):
    slug = db.create_inquiry("Family break-up")
    assert run(capsys, "room", "list", slug)[1] == "Nothing has come in from the room yet.\n"
    room = db.open_room(slug)
    db.set_prompt(slug, "answer", "Q?", step=1)
    for n, text in enumerate(HOSTILE):
        db.add_contribution(room.code, "answer", text, f"device-{n}", nickname="Jo")
    db.set_prompt(slug, "practice", "Q?")
    db.add_contribution(room.code, "practice", "Walking", "device-x", detail="together")
    db.set_contribution_status(slug, 1, "shown")
    status, out, _ = run(capsys, "room", "list", slug, "--json")
    assert status == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["text"] for r in rows] == [*HOSTILE, "Walking"]
    assert [r["kind"] for r in rows] == ["answer"] * len(HOSTILE) + ["practice"]
    assert rows[0]["status"] == "shown" and rows[1]["status"] == "new"
    assert all(r["at"] and "device" not in r for r in rows)
    assert "device-" not in out
    status, out, _ = run(capsys, "room", "list", slug)
    lines = out.splitlines()
    assert len(lines) == len(HOSTILE) + 1  # a new line in a text does not break the list
    assert "\x1b" not in out and "\u202e" not in out
    assert "<script>alert(1)</script>" in lines[0] and "[shown] (Jo)" in lines[0]
    assert lines[-1].endswith("practice [new]: Walking — how: together")


def test_room_is_a_command_of_the_kit():
    from widgets.cli import build_parser

    args = build_parser().parse_args(["room", "list", "x", "--json"])
    assert args._run is room_cli.run and args.json and args.slug == "x"
