"""``hidden-insights room``: open and close an inquiry's room, and list what came in.

    hidden-insights room open SLUG     # prints the join code, then the join path last
    hidden-insights room close SLUG
    hidden-insights room list SLUG [--json]

``room list --json`` prints one JSON object a line (``id``, ``kind``, ``text``, ``detail``,
``nickname``, ``status``, ``at``, ``step``, ``became``); the plain list shows each text on
one line with control characters and bidirectional overrides made visible (``?``), so a
hostile contribution cannot rewrite the terminal. Device ids are never printed.

Registered with :func:`widgets.cli.subcommand` when :mod:`widgets.cli` imports it.
"""

from __future__ import annotations

import argparse
import json

from widgets.cli import subcommand

HELP = "open or close an inquiry's room (phones join it), or list what came in"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``room`` (its three actions)."""
    actions = parser.add_subparsers(dest="room_action", metavar="ACTION", required=True,
                                    parser_class=type(parser))
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: given before "room" or after the action, the same options mean the same.
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show the full traceback when something goes wrong")
    common.add_argument("--by", metavar="NAME", default=argparse.SUPPRESS,
                        help="who makes the change (for the history)")
    helps = {"open": "open the room with a new join code (the old code stops working)",
             "close": "close the room (its code stops working)",
             "list": "what the room has sent, oldest first"}
    for action, words in helps.items():
        p = actions.add_parser(action, help=words, description=words, parents=[common])
        p.add_argument("slug")
        if action == "list":
            p.add_argument("--json", action="store_true", help="one JSON object a line")


@subcommand("room", HELP, add_arguments)
def run(args: argparse.Namespace) -> int:
    """Run ``room open|close|list``; returns the exit status."""
    from widgets import join_codes as codes
    from widgets.cli import open_cli_store, printable

    by = getattr(args, "by", None) or "command line"
    store = open_cli_store()
    try:
        if args.room_action == "open":
            room = store.open_room(args.slug, by=by)
            print(f"The room is open. Join code: {codes.display(room.code)}")
            print(codes.join_path(room.code))
        elif args.room_action == "close":
            if store.close_room(args.slug, by=by):
                print("The room is closed; its code no longer works.")
            else:
                print("The room was not open.")
        else:
            items = store.contributions(args.slug)
            if args.json:
                for c in items:
                    print(json.dumps({"id": c.id, "kind": c.kind, "text": c.text,
                                      "detail": c.detail, "nickname": c.nickname,
                                      "status": c.status, "at": c.at, "step": c.step,
                                      "became": c.became}, ensure_ascii=False))
            elif not items:
                print("Nothing has come in from the room yet.")
            else:
                for c in items:
                    who = f" ({c.nickname})" if c.nickname else ""
                    line = f"{c.id}. {c.at[:16].replace('T', ' ')} {c.kind} [{c.status}]{who}: "
                    line += " ".join(c.text.split())
                    if c.detail:
                        line += " — how: " + " ".join(c.detail.split())
                    print(printable(line))
    finally:
        store.close()
    return 0

